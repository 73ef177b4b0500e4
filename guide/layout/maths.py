"""Turn LaTeX formulas into forms: typeset by ziamath (no TeX needed), once per build, drawn as outlines.

ziamath sets a formula in STIX Two Math and gives it as SVG paths (svg.py turns them into a
form's operators); each formula is set once, at a reference size, and scaled to the size of the
text around it. `\\tag{…}` is taken out and printed at the right margin by the display block.
ziamath fails silently on what it does not know (an unknown command prints its name, and
`\\mathop{\\mathrm{x}}` prints nothing): a formula with an unknown command, or that draws fewer
glyphs than it has letters and digits, counts as one it cannot set, and prints as its source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from guide import cache as guide_cache
from guide.data import places, text
from guide.data.model import Guide
from guide.data.nodes import CONTAINERS
from guide.errors import Location, Problem
from guide.layout import page, pictures
from guide.layout.blocks import Block, Out

REFERENCE = 10.0  # the size formulas are set at: scaled to the text's size when drawn
_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_DROPPED = re.compile(r"\\(?:label\s*\{[^{}]*\}|nonumber|notag)")
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?")
# What draws no glyph of its own: environment names, colours, spaces and their arguments.
_UNDRAWN = re.compile(
    r"\\(?:begin|end|color|textcolor|hspace|vspace|operatorname\*?|mathop|label|rule|phantom|hphantom|vphantom)"
    r"\s*(?:\{[^{}]*\})?|\\[A-Za-z]+"
)
# Commands ziamath handles beyond latex2mathml's own lists.
_EXTRA = frozenset(
    {"binom", "tag", "displaystyle", "textstyle", "mathop", "operatorname", "limits", "nolimits"}
)


class Formula(NamedTuple):
    """A formula set at the reference size: its form, width, height above and depth below the
    baseline; and its tag, if it had one."""

    key: str
    width: float
    height: float
    depth: float
    tag: str


@cache
def known_commands() -> frozenset[str]:
    """Every command name latex2mathml (which ziamath reads LaTeX with) knows."""
    import latex2mathml.symbols_parser as symbols
    from latex2mathml import commands

    names: set[str] = set(_EXTRA)
    for value in vars(commands).values():
        values = value if isinstance(value, set | frozenset | tuple | list | dict) else (value,)
        for item in values:
            if isinstance(item, str) and item.startswith("\\"):
                names.add(item[1:].rstrip("*"))
    names.update(key.lstrip("\\") for key in symbols.SYMBOLS if isinstance(key, str))
    return frozenset(names)


def split_tag(source: str) -> tuple[str, str]:
    """A formula without its \\tag{…} (and \\label, \\nonumber), and the tag's text."""
    found = _TAG.search(source)
    tag = found.group(1).strip() if found else ""
    return _DROPPED.sub("", _TAG.sub("", source)).strip(), tag


# What a typeset formula depends on besides its source: these files and these libraries.
_MADE_BY = (
    tuple(str(Path(__file__).with_name(name)) for name in ("maths.py", "svg.py", "pictures.py")),
    ("ziamath", "ziafont", "latex2mathml"),
)


@cache
def typeset(source: str, display: bool) -> Formula | str:
    """A formula set once per process (forked workers share what was set before), and kept between
    builds (cache.py): its Formula, or why it cannot be set."""
    made_by = guide_cache.maker(*_MADE_BY)
    key = (source, "display" if display else "inline")
    kept = guide_cache.get("formulas", made_by, key)
    if kept is not None:
        try:
            if "error" in kept:
                return str(kept["error"])
            made_form = pictures.form(kept["content"], tuple(kept["bbox"]))
            return Formula(made_form.key, kept["width"], kept["height"], kept["depth"], kept["tag"])
        except (KeyError, TypeError, ValueError, UnicodeEncodeError):
            pass  # an entry of another shape: made again
    made = _typeset(source, display)
    if isinstance(made, str):
        guide_cache.put("formulas", made_by, key, {"error": made})
    else:
        form = pictures.lookup(made.key)
        assert isinstance(form, page.FormData)
        guide_cache.put(
            "formulas",
            made_by,
            key,
            {
                "content": form.content.decode("latin-1"),
                "bbox": list(form.bbox),
                "width": made.width,
                "height": made.height,
                "depth": made.depth,
                "tag": made.tag,
            },
        )
    return made


def _typeset(source: str, display: bool) -> Formula | str:
    body, tag = split_tag(source)
    if not body:
        return "it is empty"
    unknown = sorted({name for name in _COMMAND.findall(body) if name not in known_commands()})
    if unknown:
        return "unknown command " + ", ".join(f"\\{name}" for name in unknown)
    import warnings

    with warnings.catch_warnings():  # ziamath 0.13 finds its font with importlib's deprecated path()
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    ziamath.config.svg2 = False  # type: ignore[attr-defined]  # plain paths, no <symbol>/<use>
    try:
        made = ziamath.Latex(body, size=REFERENCE, inline=not display)  # type: ignore[attr-defined]
        drawn = made.svg()
        box = made.node.bbox
    except Exception as exc:  # ziamath and latex2mathml raise anything on input they cannot read
        return f"it does not read as LaTeX ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"
    from guide.layout import svg

    root = svg.parse(drawn.encode())
    # ziamath's units are points, y down, the baseline at 0: flipped, and moved to start at 0.
    drawing = svg.draw(root, {}, base=(1.0, 0.0, 0.0, -1.0, -box.xmin, 0.0), default_fill=None)
    letters = len(re.findall(r"[A-Za-z0-9]", _UNDRAWN.sub("", body)))
    if drawing.paths < letters or drawing.paths == 0:
        return "it was typeset with parts missing"
    width, height, depth = box.xmax - box.xmin, max(box.ymax, 0.0), max(-box.ymin, 0.0)
    made_form = pictures.form(drawing.content, (0.0, -depth, width, height))
    return Formula(made_form.key, width, height, depth, tag)


def formulas(nodes: Iterable[text.Node]) -> Iterator[text.Math]:
    """Every formula in a tree, in order."""
    stack: list[object] = []
    stack.extend(reversed([*nodes]))
    while stack:
        node = stack.pop()
        if isinstance(node, text.Math):
            yield node
        elif isinstance(node, (text.Paragraph, text.Heading, text.Quote, *CONTAINERS)):
            stack.extend(reversed(node.children))
        elif isinstance(node, text.ListBlock):
            stack.extend(block for item in reversed(node.items) for block in reversed(item))
        elif isinstance(node, text.Table):
            stack.extend(run for row in reversed((node.header, *node.rows)) for cell in reversed(row)
                         for run in reversed(cell))  # fmt: skip


def _may_hold_math(value: str) -> bool:
    return "$" in value or "\\(" in value or "\\[" in value


def problems(guide: Guide) -> list[Problem]:
    """A warning for every formula of the guide that cannot be typeset, where it was typed; every
    formula is typeset here once, for the layout to use."""
    found: list[Problem] = []
    for topic in guide.topics:
        for q in topic.questions:
            for name, where, value in q.texts():
                if not _may_hold_math(value) or name in ("tags", "title"):
                    continue
                listed = name in ("key_points", "follow_ups")
                values = q.items(name) if listed else (value,)
                for number, item in enumerate(values):
                    start = places.item(where, number) if listed else where
                    for formula in formulas(text.parse(item, q.format)):
                        made = typeset(formula.source, formula.display)
                        if isinstance(made, str):
                            at = places.place(start, item, formula.at)
                            found.append(_warning(at, f"question '{q.id}', {name}", formula, made))
    if _may_hold_math(guide.description):
        for formula in formulas(text.parse(guide.description, guide.format)):
            made = typeset(formula.source, formula.display)
            if isinstance(made, str):
                at = places.place(guide.description_location, guide.description, formula.at)
                found.append(_warning(at, "the guide's description", formula, made))
    return found


def _warning(where: Location, owner: str, formula: text.Math, why: str) -> Problem:
    shown = formula.written if len(formula.written) <= 60 else formula.written[:59] + "…"
    return Problem(
        where,
        f"{owner}: cannot typeset the formula {shown} ({why}); it prints as its source in the code"
        " font: check the LaTeX",
        "warning",
        group="formulas that cannot be typeset",
    )


class Display(Block):
    """A displayed formula: centred, scaled down to the width if it must be, its tag at the right."""

    def __init__(
        self,
        formula: Formula,
        source: str,
        size: float,
        colour: page.Colour,
        face: str,
        tag_face: str,
        *,
        indent: float = 0.0,
    ) -> None:
        self.indent = indent
        self.formula = formula
        self.source = source
        self.scale = size / REFERENCE
        self.size = size
        self.colour = colour
        self.face = face  # the invisible source's, the code face
        self.tag_face = tag_face
        self.space_before, self.space_after = size * 0.5, size * 0.6
        self._tag_width = 0.0
        if formula.tag:
            from guide.layout.kit import font
            from guide.layout.paragraph import width_of

            self._tag_width = width_of(font(tag_face), tag_face, size, f"({formula.tag})")

    def _fit(self, width: float) -> float:
        """The scale the formula is drawn at within `width` (its tag beside it)."""
        room = width - (2 * self._tag_width + self.size if self._tag_width else 0.0)
        natural = self.formula.width * self.scale
        return self.scale * min(1.0, room / natural) if natural > 0 and room > 0 else self.scale

    def measure(self, width: float) -> float:
        scale = self._fit(width - self.indent)
        return (self.formula.height + self.formula.depth) * scale

    def draw(self, out: Out, x: float, y: float) -> None:
        x += self.indent
        room = self.width - self.indent
        scale = self._fit(room)
        f = self.formula
        width = f.width * scale
        baseline = y + f.depth * scale
        left = x + (room - width) / 2
        out.add(page.Picture(left, y, width, (f.height + f.depth) * scale, f.key, self.source, self.face,
                             self.colour))  # fmt: skip
        if f.tag:
            label = f"({f.tag})"
            out.add(page.TextLine(x + room - self._tag_width, baseline,
                                  (page.Run(self.tag_face, self.size, self.colour, label),)))  # fmt: skip
