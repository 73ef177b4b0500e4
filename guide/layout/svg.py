"""Turn SVG (a formula from ziamath, a figure, a user's image) into PDF content operators for a form.

A reader of our own, of the part of SVG that figures and formulas use: shapes (path, rect,
circle, ellipse, line, polyline, polygon), groups and their transforms, `use` of what `defs`
holds, presentation attributes and inline `style`, simple `<style>` rules (by tag, class or
id), a gradient's first colour, and text, drawn as outlines in the guide's fonts (svgtext.py).
Nothing is ever loaded: an `image`, an external reference or an entity declaration is refused
before reading (see data/svgcheck.py, which also bounds how much a drawing's `use` references
expand to), and whatever else it does not draw (filters, masks, clipping, text on a path) is
listed in `Drawing.skipped`, each character of text no font has in `Drawing.missing`.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

from guide.data import svgcheck
from guide.layout import svgtext
from guide.layout.pictures import number
from guide.layout.svgtext import TextFonts

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Colour = tuple[float, float, float]

_NS = re.compile(r"\{[^}]*\}")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UNITS = {"": 0.75, "px": 0.75, "pt": 1.0, "pc": 12.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
_NAMED = {
    "black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000", "blue": "#0000ff",
    "yellow": "#ffff00", "cyan": "#00ffff", "aqua": "#00ffff", "magenta": "#ff00ff", "fuchsia": "#ff00ff",
    "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "maroon": "#800000", "olive": "#808000",
    "lime": "#00ff00", "teal": "#008080", "navy": "#000080", "purple": "#800080", "orange": "#ffa500",
    "darkgray": "#a9a9a9", "darkgrey": "#a9a9a9", "lightgray": "#d3d3d3", "lightgrey": "#d3d3d3",
    "dimgray": "#696969", "dimgrey": "#696969", "gainsboro": "#dcdcdc", "whitesmoke": "#f5f5f5",
    "darkblue": "#00008b", "darkred": "#8b0000", "darkgreen": "#006400", "lightblue": "#add8e6",
    "steelblue": "#4682b4", "brown": "#a52a2a", "pink": "#ffc0cb", "gold": "#ffd700", "crimson": "#dc143c",
    "orangered": "#ff4500", "tomato": "#ff6347", "coral": "#ff7f50", "salmon": "#fa8072",
    "skyblue": "#87ceeb", "royalblue": "#4169e1", "indigo": "#4b0082", "violet": "#ee82ee",
    "slategray": "#708090", "slategrey": "#708090", "beige": "#f5f5dc", "ivory": "#fffff0",
    "darkorange": "#ff8c00", "seagreen": "#2e8b57", "forestgreen": "#228b22", "firebrick": "#b22222",
    "chocolate": "#d2691e", "tan": "#d2b48c", "khaki": "#f0e68c", "lavender": "#e6e6fa",
    "darkslategray": "#2f4f4f", "darkslategrey": "#2f4f4f", "lightyellow": "#ffffe0",
    "lightgreen": "#90ee90", "darkviolet": "#9400d3", "dodgerblue": "#1e90ff", "cornflowerblue": "#6495ed",
}  # fmt: skip
_INHERITED = (
    "fill", "stroke", "stroke-width", "fill-opacity", "stroke-opacity", "fill-rule", "stroke-dasharray",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "font-size", "font-family", "font-weight",
    "font-style", "text-anchor", "color", "visibility", "direction", "letter-spacing", "word-spacing",
    "dominant-baseline", "alignment-baseline", "baseline-shift", "space", "white-space", "writing-mode",
)  # fmt: skip
_SHAPES = frozenset({"path", "rect", "circle", "ellipse", "line", "polyline", "polygon"})
# What an element may ask for that is not drawn (it is drawn without it), said in a warning.
_EFFECTS = {
    "clip-path": "clipping (clip-path: drawn unclipped)", "mask": "masks (drawn unmasked)",
    "filter": "filters (drawn unfiltered)", "marker-start": "markers", "marker-mid": "markers",
    "marker-end": "markers",
}  # fmt: skip
MAX_DEPTH = 64  # groups and uses nested deeper are not drawn (a `use` of itself ends here too)


class Refused(ValueError):
    """An SVG guide will not read: it would load something, or it is no SVG."""


@dataclass
class Drawing:
    """An SVG as a form's content: operators in points, y up, within (0, 0) to (width, height)."""

    content: str
    width: float
    height: float
    opacities: list[tuple[str, float]] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)  # what it holds that is not drawn
    paths: int = 0  # how many shapes and runs of text were drawn
    missing: set[str] = field(default_factory=set)  # characters of its text that no font has


def parse(data: bytes) -> ET.Element:
    """The root element of an SVG; Refused if it is not one or would load anything."""
    root = svgcheck.parse(data)
    if isinstance(root, str):
        raise Refused(root)
    return root


_tag = svgcheck.tag


def length(value: str | None, default: float = 0.0, font: float = 12.0) -> float:
    """An SVG length in user units (px); `default` if absent or a percentage."""
    if not value:
        return default
    found = re.fullmatch(
        r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*", value
    )
    if found is None:
        return default
    amount, unit = float(found.group(1)), found.group(2) or ""
    if unit == "%":
        return default
    if unit in ("em", "ex"):
        return amount * font * (1.0 if unit == "em" else 0.5)
    return amount * _UNITS[unit] / 0.75


def colour(value: str | None, current: Colour | None = None) -> Colour | str | None:
    """A paint: a colour, None for none, or "url" for a reference resolved by the caller."""
    if value is None:
        return (0.0, 0.0, 0.0)
    value = value.strip().lower()
    if value in ("none", "transparent"):
        return None
    if value == "currentcolor":
        return current or (0.0, 0.0, 0.0)
    if value.startswith("url("):
        return "url"
    value = _NAMED.get(value, value)
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits[:3])
        if len(digits) >= 6:
            try:
                return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
            except ValueError:
                return (0.0, 0.0, 0.0)
    if value.startswith(("rgb(", "rgba(")):
        parts = (
            value[value.index("(") + 1 : value.rindex(")") if ")" in value else None]
            .replace(",", " ")
            .split()
        )
        out = []
        for part in parts[:3]:
            try:
                out.append(float(part[:-1]) / 100 if part.endswith("%") else float(part) / 255)
            except ValueError:
                out.append(0.0)
        while len(out) < 3:
            out.append(0.0)
        return tuple(min(max(v, 0.0), 1.0) for v in out)  # type: ignore[return-value]
    return (0.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m applied after n (PDF's order: n then m)."""
    a, b, c, d, e, f = n
    A, B, C, D, E, F = m
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def transform(value: str | None) -> Matrix:
    """An SVG transform list as one matrix."""
    out = IDENTITY
    if not value:
        return out
    for name, args in re.findall(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)", value):
        v = [float(x) for x in _NUMBER.findall(args)]
        m = IDENTITY
        if name == "matrix" and len(v) == 6:
            m = (v[0], v[1], v[2], v[3], v[4], v[5])
        elif name == "translate" and v:
            m = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            m = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate" and v:
            r = math.radians(v[0])
            m = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0)
            if len(v) == 3:
                m = multiply((1, 0, 0, 1, v[1], v[2]), multiply(m, (1, 0, 0, 1, -v[1], -v[2])))
        elif name == "skewX" and v:
            m = (1, 0, math.tan(math.radians(v[0])), 1, 0, 0)
        elif name == "skewY" and v:
            m = (1, math.tan(math.radians(v[0])), 0, 1, 0, 0)
        out = _compose(out, m)
    return out


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    """The matrix that applies `inner` first, then `outer` (SVG lists outer transforms first)."""
    return multiply(outer, inner)


def _path_ops(d: str) -> tuple[list[str], bool]:
    """Path data as PDF path operators (quadratics raised to cubics, arcs as cubics); and whether
    it drew anything."""
    tokens = _PATH_TOKEN.findall(d)
    ops: list[str] = []
    i, command = 0, ""
    x = y = sx = sy = 0.0
    last_control: tuple[float, float] | None = None
    last_quad: tuple[float, float] | None = None
    drew = False

    def take(count: int) -> list[float] | None:
        nonlocal i
        if i + count > len(tokens) or any(t.isalpha() for t in tokens[i : i + count]):
            return None
        values = [float(t) for t in tokens[i : i + count]]
        i += count
        return values

    def curve(x1: float, y1: float, x2: float, y2: float, x3: float, y3: float) -> None:
        ops.append(f"{number(x1)} {number(y1)} {number(x2)} {number(y2)} {number(x3)} {number(y3)} c")

    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token
            i += 1
            if command in "Zz":
                ops.append("h")
                x, y = sx, sy
                last_control = last_quad = None
                continue
        elif not command:
            break
        upper, rel = command.upper(), command.islower()
        ox, oy = (x, y) if rel else (0.0, 0.0)
        if upper == "M":
            v = take(2)
            if v is None:
                break
            x, y = ox + v[0], oy + v[1]
            sx, sy = x, y
            ops.append(f"{number(x)} {number(y)} m")
            command = "l" if rel else "L"
            last_control = last_quad = None
            continue
        if upper == "L":
            v = take(2)
            if v is None:
                break
            x, y = ox + v[0], oy + v[1]
            ops.append(f"{number(x)} {number(y)} l")
        elif upper == "H":
            v = take(1)
            if v is None:
                break
            x = ox + v[0]
            ops.append(f"{number(x)} {number(y)} l")
        elif upper == "V":
            v = take(1)
            if v is None:
                break
            y = oy + v[0]
            ops.append(f"{number(x)} {number(y)} l")
        elif upper in "CS":
            v = take(6 if upper == "C" else 4)
            if v is None:
                break
            if upper == "C":
                x1, y1, x2, y2, x3, y3 = ox + v[0], oy + v[1], ox + v[2], oy + v[3], ox + v[4], oy + v[5]
            else:
                x1, y1 = (2 * x - last_control[0], 2 * y - last_control[1]) if last_control else (x, y)
                x2, y2, x3, y3 = ox + v[0], oy + v[1], ox + v[2], oy + v[3]
            curve(x1, y1, x2, y2, x3, y3)
            last_control, last_quad = (x2, y2), None
            x, y = x3, y3
            drew = True
            continue
        elif upper in "QT":
            v = take(4 if upper == "Q" else 2)
            if v is None:
                break
            if upper == "Q":
                qx, qy, ex, ey = ox + v[0], oy + v[1], ox + v[2], oy + v[3]
            else:
                qx, qy = (2 * x - last_quad[0], 2 * y - last_quad[1]) if last_quad else (x, y)
                ex, ey = ox + v[0], oy + v[1]
            curve(
                x + 2 / 3 * (qx - x),
                y + 2 / 3 * (qy - y),
                ex + 2 / 3 * (qx - ex),
                ey + 2 / 3 * (qy - ey),
                ex,
                ey,
            )
            last_quad, last_control = (qx, qy), None
            x, y = ex, ey
            drew = True
            continue
        elif upper == "A":
            v = take(7)
            if v is None:
                break
            ex, ey = ox + v[5], oy + v[6]
            for c in _arc(x, y, v[0], v[1], v[2], bool(v[3]), bool(v[4]), ex, ey):
                curve(*c)
            x, y = ex, ey
        else:
            break
        drew = True
        last_control = last_quad = None
    return ops, drew


def _arc(x1: float, y1: float, rx: float, ry: float, angle: float, large: bool, sweep: bool,
         x2: float, y2: float
         ) -> Iterator[tuple[float, float, float, float, float, float]]:  # fmt: skip
    """An elliptical arc (SVG's endpoint form) as cubic Béziers."""
    if rx == 0 or ry == 0 or (x1 == x2 and y1 == y2):
        yield (x1, y1, x2, y2, x2, y2)
        return
    rx, ry = abs(rx), abs(ry)
    phi = math.radians(angle)
    cos, sin = math.cos(phi), math.sin(phi)
    dx, dy = (x1 - x2) / 2, (y1 - y2) / 2
    x1p, y1p = cos * dx + sin * dy, -sin * dx + cos * dy
    scale = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry)
    if scale > 1:
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p
    den = rx * rx * y1p * y1p + ry * ry * x1p * x1p
    root = math.sqrt(max(num / den, 0.0)) if den else 0.0
    if large == sweep:
        root = -root
    cxp, cyp = root * rx * y1p / ry, -root * ry * x1p / rx
    cx, cy = cos * cxp - sin * cyp + (x1 + x2) / 2, sin * cxp + cos * cyp + (y1 + y2) / 2
    start = math.atan2((y1p - cyp) / ry, (x1p - cxp) / rx)
    end = math.atan2((-y1p - cyp) / ry, (-x1p - cxp) / rx)
    delta = end - start
    if sweep and delta < 0:
        delta += 2 * math.pi
    elif not sweep and delta > 0:
        delta -= 2 * math.pi
    pieces = max(1, math.ceil(abs(delta) / (math.pi / 2) - 1e-9))
    step = delta / pieces
    k = 4 / 3 * math.tan(step / 4)

    def point(t: float) -> tuple[float, float]:
        return (
            cx + rx * math.cos(t) * cos - ry * math.sin(t) * sin,
            cy + rx * math.cos(t) * sin + ry * math.sin(t) * cos,
        )

    def tangent(t: float) -> tuple[float, float]:
        return (
            -rx * math.sin(t) * cos - ry * math.cos(t) * sin,
            -rx * math.sin(t) * sin + ry * math.cos(t) * cos,
        )

    t = start
    for _ in range(pieces):
        p0, p3 = point(t), point(t + step)
        d0, d3 = tangent(t), tangent(t + step)
        yield (p0[0] + k * d0[0], p0[1] + k * d0[1], p3[0] - k * d3[0], p3[1] - k * d3[1], p3[0], p3[1])
        t += step


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> str:
    k = 0.5522847498
    parts = [f"{number(cx + rx)} {number(cy)} m"]
    for x1, y1, x2, y2, x3, y3 in (
        (cx + rx, cy + k * ry, cx + k * rx, cy + ry, cx, cy + ry),
        (cx - k * rx, cy + ry, cx - rx, cy + k * ry, cx - rx, cy),
        (cx - rx, cy - k * ry, cx - k * rx, cy - ry, cx, cy - ry),
        (cx + k * rx, cy - ry, cx + rx, cy - k * ry, cx + rx, cy),
    ):
        parts.append(f"{number(x1)} {number(y1)} {number(x2)} {number(y2)} {number(x3)} {number(y3)} c")
    parts.append("h")
    return " ".join(parts)


def _styles(root: ET.Element) -> list[tuple[str, str, dict[str, str]]]:
    """The rules of the SVG's <style> elements: (kind, name, declarations), kind tag, class or id."""
    rules: list[tuple[str, str, dict[str, str]]] = []
    for element in root.iter():
        if _tag(element) != "style" or not element.text:
            continue
        css = re.sub(r"/\*.*?\*/", "", element.text, flags=re.S)
        for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
            declarations = _declarations(body)
            for written in selectors.split(","):
                selector = written.strip()
                if re.fullmatch(r"\.[\w-]+", selector):
                    rules.append(("class", selector[1:], declarations))
                elif re.fullmatch(r"#[\w-]+", selector):
                    rules.append(("id", selector[1:], declarations))
                elif re.fullmatch(r"[\w-]+", selector):
                    rules.append(("tag", selector, declarations))
    return rules


def _declarations(body: str) -> dict[str, str]:
    out = {}
    for part in body.split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            key, value = key.strip().lower(), value.strip().removesuffix("!important").strip()
            if key == "font":
                out.update(svgtext.shorthand(value))
            else:
                out[key] = value
    return out


class Reader:
    """Walks an SVG tree into operators; one per drawing."""

    def __init__(self, root: ET.Element, fonts: TextFonts, default_fill: Colour | None) -> None:
        self.root = root
        self.fonts = fonts  # the families text is drawn in (svgtext.py); none: text is not drawn
        # None: every shape is painted in the colour the form is placed with (a formula takes its
        # text's colour), whatever the SVG says.
        self.default_fill = default_fill
        self.ids = {e.get("id"): e for e in root.iter() if e.get("id")}
        self.rules = _styles(root)
        self.ops: list[str] = []
        self.opacities: dict[float, str] = {}
        self.skipped: set[str] = set()
        self.missing: set[str] = set()  # characters of its text that no font has
        self.paths = 0
        self.drawn = 0  # elements walked and characters of text: at most svgcheck.MAX_DRAWN
        self.using: set[int] = set()  # the targets of the uses being drawn

    def style_of(self, element: ET.Element, parent: dict[str, str]) -> dict[str, str]:
        own = {k: v for k, v in parent.items() if k in _INHERITED}
        own.pop("opacity", None)
        tag = _tag(element)
        classes = (element.get("class") or "").split()
        for kind, name, declarations in self.rules:
            if (
                (kind == "tag" and name == tag)
                or (kind == "class" and name in classes)
                or (kind == "id" and name == element.get("id"))
            ):
                own.update(declarations)
        for written, value in element.attrib.items():
            key = _NS.sub("", written)
            if key in _INHERITED or key in ("opacity", "display") or key in _EFFECTS:
                own[key] = value
        if element.get("style"):
            own.update(_declarations(element.get("style") or ""))
        if "font-size" in own:  # relative sizes (50%, 2em, larger) are of the parent's size
            own["font-size"] = str(svgtext.font_size(own["font-size"], _float(parent.get("font-size"), 16.0)))
        if "opacity" in own:
            try:
                group = float(own["opacity"])
            except ValueError:
                group = 1.0
            for key in ("fill-opacity", "stroke-opacity"):
                try:
                    own[key] = str(float(own.get(key, "1")) * group)
                except ValueError:
                    own[key] = str(group)
        return own

    def walk(self, element: ET.Element, style: dict[str, str], depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            return
        tag = _tag(element)
        if tag in svgcheck.NOT_DRAWN:
            return
        # Validation refuses an SVG that draws more (svgcheck.expansion counts the same way,
        # or more): the walk never goes past it.
        self.drawn += 1  # and each character of a text, as svgtext draws it
        if self.drawn > svgcheck.MAX_DRAWN:
            self.skipped.add("what lies past the limit of elements drawn")
            return
        own = self.style_of(element, style)
        if own.get("display") == "none" or own.get("visibility") == "hidden":
            return
        for name, what in _EFFECTS.items():
            if own.get(name, "none").strip() not in ("none", ""):
                self.skipped.add(what)
        matrix = transform(element.get("transform"))
        if tag == "use":
            target = self.ids.get(svgcheck.href(element)[1:])
            if target is None or id(target) in self.using:
                return  # a use of what holds it would never end: validation refuses it
            matrix = _compose(matrix, (1, 0, 0, 1, length(element.get("x")), length(element.get("y"))))
            self._push(matrix)
            self.using.add(id(target))
            if _tag(target) == "symbol":
                for child in target:
                    self.walk(child, own, depth + 1)
            else:
                self.walk(target, own, depth + 1)
            self.using.discard(id(target))
            self.ops.append("Q")
            return
        if tag in ("svg", "g", "a", "switch"):
            self._push(matrix)
            children = list(element)
            if tag == "switch":
                # A viewer draws the first child whose conditions hold, not all of them: guide
                # has no extensions, and takes the first language given (a build has one).
                met = [c for c in children if svgcheck.tag(c) and not c.get("requiredExtensions", "").strip()]
                children = met[:1]
            for child in children:
                self.walk(child, own, depth + 1)
            self.ops.append("Q")
            return
        if tag in _SHAPES:
            path = self.shape(tag, element, own)
            if path:
                self._push(matrix)
                self.paint(path, own, closed=tag not in ("line", "polyline"))
                self.ops.append("Q")
            return
        if tag == "text":
            if not self.fonts:
                self.skipped.add("text")
                return
            if element.get("rotate") or own.get("writing-mode", "").startswith(("tb", "vertical")):
                self.skipped.add("letters rotated one by one or written vertically (drawn upright)")
            self._push(matrix)
            svgtext.draw(self, element, own, self.fonts)
            self.ops.append("Q")
            return
        if tag and str(element.tag).startswith(("{http://www.w3.org/2000/svg}", tag)):
            # An element of another namespace (an editor's own: sodipodi:namedview) draws nothing.
            self.skipped.add(f"<{tag}> elements")

    def _push(self, matrix: Matrix) -> None:
        if matrix == IDENTITY:
            self.ops.append("q")
        else:
            self.ops.append("q " + " ".join(number(v) for v in matrix) + " cm")

    def shape(self, tag: str, e: ET.Element, style: dict[str, str]) -> str:
        g = e.get
        if tag == "path":
            ops, drew = _path_ops(g("d") or "")
            return " ".join(ops) if drew else ""
        if tag == "rect":
            x, y, w, h = length(g("x")), length(g("y")), length(g("width")), length(g("height"))
            if w <= 0 or h <= 0:
                return ""
            rx, ry = length(g("rx"), -1), length(g("ry"), -1)
            if rx < 0 and ry < 0:
                return f"{number(x)} {number(y)} {number(w)} {number(h)} re"
            rx, ry = (ry if rx < 0 else rx), (rx if ry < 0 else ry)
            rx, ry = min(rx, w / 2), min(ry, h / 2)
            d = (f"M{x + rx},{y} H{x + w - rx} A{rx},{ry} 0 0 1 {x + w},{y + ry} V{y + h - ry}"
                 f" A{rx},{ry} 0 0 1 {x + w - rx},{y + h} H{x + rx} A{rx},{ry} 0 0 1 {x},{y + h - ry}"
                 f" V{y + ry} A{rx},{ry} 0 0 1 {x + rx},{y} Z")  # fmt: skip
            return " ".join(_path_ops(d)[0])
        if tag in ("circle", "ellipse"):
            cx, cy = length(g("cx")), length(g("cy"))
            rx = length(g("r")) if tag == "circle" else length(g("rx"))
            ry = length(g("r")) if tag == "circle" else length(g("ry"))
            return _ellipse(cx, cy, rx, ry) if rx > 0 and ry > 0 else ""
        if tag == "line":
            x1, y1, x2, y2 = (length(g(k)) for k in ("x1", "y1", "x2", "y2"))
            return f"{number(x1)} {number(y1)} m {number(x2)} {number(y2)} l"
        values = [float(v) for v in _NUMBER.findall(g("points") or "")]
        pairs = list(zip(values[0::2], values[1::2], strict=False))
        if len(pairs) < 2:
            return ""
        ops = [f"{number(pairs[0][0])} {number(pairs[0][1])} m"]
        ops += [f"{number(px)} {number(py)} l" for px, py in pairs[1:]]
        if tag == "polygon":
            ops.append("h")
        return " ".join(ops)

    def paint_of(self, value: str | None, style: dict[str, str]) -> Colour | None:
        current = colour(style.get("color")) if style.get("color") else None
        found = colour(value, current if isinstance(current, tuple) else None)
        if found == "url":
            assert value is not None
            target = self.ids.get(value.strip()[4:].strip(" )'\"").lstrip("#"))
            if target is not None and _tag(target) == "pattern":
                self.skipped.add("pattern fills (left unpainted)")
            stops: list[ET.Element] = []
            for _ in range(8):  # a gradient may take its stops from another (href)
                if target is None or stops:
                    break
                stops = [s for s in target if _tag(s) == "stop"]
                target = self.ids.get(svgcheck.href(target)[1:]) if not stops else None
            if not stops:
                return None
            colours = {_stop_colour(stop) for stop in stops}
            if len(colours) > 1:
                self.skipped.add("gradients (painted in their first colour)")
            found = colour(_stop_colour(stops[0]))
        return found if isinstance(found, tuple) else None

    def paint(self, path: str, style: dict[str, str], *, closed: bool) -> None:
        fill_value = style.get("fill")
        inherit = fill_value is None and self.default_fill is None
        filled = (
            None
            if not closed and fill_value is None
            else (self.paint_of(fill_value, style) if fill_value is not None else self.default_fill)
        )
        stroked = self.paint_of(style["stroke"], style) if style.get("stroke") else None
        if filled is None and stroked is None and not (inherit and closed):
            return
        state: list[str] = []
        opacity = min(_float(style.get("fill-opacity"), 1.0), _float(style.get("stroke-opacity"), 1.0))
        if opacity < 1:
            name = self.opacities.setdefault(round(opacity, 3), f"GSa{len(self.opacities) + 1}")
            state.append(f"/{name} gs")
        if filled is not None and self.default_fill is not None:
            state.append(" ".join(number(v) for v in filled) + " rg")
        if stroked is not None:
            if self.default_fill is not None:
                state.append(" ".join(number(v) for v in stroked) + " RG")
            state.append(f"{number(length(style.get('stroke-width'), 1.0))} w")
            cap = {"round": 1, "square": 2}.get(style.get("stroke-linecap", ""), 0)
            join = {"round": 1, "bevel": 2}.get(style.get("stroke-linejoin", ""), 0)
            if cap:
                state.append(f"{cap} J")
            if join:
                state.append(f"{join} j")
            dashes = [float(v) for v in _NUMBER.findall(style.get("stroke-dasharray", ""))]
            if dashes and any(dashes):
                state.append("[" + " ".join(number(v) for v in dashes) + "] 0 d")
        even_odd = style.get("fill-rule") == "evenodd"
        has_fill = filled is not None or (inherit and closed)
        if has_fill and stroked is not None:
            op = "B*" if even_odd else "B"
        elif has_fill:
            op = "f*" if even_odd else "f"
        else:
            op = "S"
        self.ops.append(" ".join([*state, path, op]))
        self.paths += 1


def _stop_colour(stop: ET.Element) -> str:
    return (
        stop.get("stop-color") or _declarations(stop.get("style") or "").get("stop-color") or "black"
    ).strip()


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def size_of(root: ET.Element) -> tuple[float, float, Matrix]:
    """An SVG's size in points and the matrix from its user units to a form's space (y up)."""
    box = [float(v) for v in _NUMBER.findall(root.get("viewBox") or "")]
    width = length(root.get("width"), box[2] if len(box) == 4 else 300.0) * 0.75
    height = length(root.get("height"), box[3] if len(box) == 4 else 150.0) * 0.75
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if not root.get("width") and root.get("height"):
            width = height * box[2] / box[3]
        elif root.get("width") and not root.get("height"):
            height = width * box[3] / box[2]
        sx, sy = width / box[2], height / box[3]
        scale = min(sx, sy)  # preserveAspectRatio xMidYMid meet
        ox = -box[0] * scale + (width - box[2] * scale) / 2
        oy = -box[1] * scale + (height - box[3] * scale) / 2
        to_points: Matrix = (scale, 0, 0, scale, ox, oy)
    else:
        to_points = (0.75, 0, 0, 0.75, 0, 0)
    return max(width, 1.0), max(height, 1.0), multiply((1, 0, 0, -1, 0, height), to_points)


def draw(root: ET.Element, fonts: TextFonts, *, base: Matrix | None = None,
         default_fill: Colour | None = (0.0, 0.0, 0.0)) -> Drawing:  # fmt: skip
    """An SVG tree as a form's content: at its own size (`base`: another matrix from its units); its
    text in `fonts` (none: text is not drawn)."""
    width, height, matrix = size_of(root)
    if base is not None:
        matrix = base
    reader = Reader(root, fonts, default_fill)
    reader.ops.append("q " + " ".join(number(v) for v in matrix) + " cm")
    for child in root:
        reader.walk(child, reader.style_of(root, {}))
    reader.ops.append("Q")
    opacities = [(name, value) for value, name in reader.opacities.items()]
    return Drawing(
        "\n".join(reader.ops), width, height, opacities, reader.skipped, reader.paths, reader.missing
    )
