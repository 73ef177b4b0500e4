"""Turn an SVG's <text> into glyph outlines, set as the rest of a guide's text is set.

Each character goes to the first font of a chain that has it (spans.font_runs): the guide's
sans, serif or monospace family as the text's font-family asks, then the theme's fallback fonts,
so Chinese, Devanagari or Hebrew in a figure is drawn in the font the guide draws it in. A chunk
of text (it starts at each absolute x or y) is put in visual order by the bidirectional
algorithm (direction.py, visual.py), and its runs of a script that needs it are shaped with
HarfBuzz (shaping.py). White space is treated as SVG's xml:space says. The glyphs are drawn as
outlines: the figure embeds no font.

What is not drawn is listed on the reader, for a warning at the image's place: text on a path
(<textPath>), letters rotated one by one, vertical writing; and each character no font has
(drawn as its code point, [U+1F600], as a draft prints it).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from fontTools.pens.basePen import BasePen

from guide.data.svgcheck import MAX_DRAWN, tag
from guide.data.text import is_invisible
from guide.layout import direction, fonts, shaping, visual
from guide.layout.fonts import RegisteredFamily
from guide.layout.pictures import number
from guide.layout.spans import faced, font_runs

if TYPE_CHECKING:
    from guide.layout.svg import Reader

# The chains of families text is drawn in, by the kind of font it asks for: "sans" (always
# there), "serif" and "mono". Each chain reaches every font the guide has for a character.
TextFonts = Mapping[str, tuple[RegisteredFamily, ...]]

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:px|pt|pc|mm|cm|in|em|ex|%)?")
_SERIF = ("serif", "times", "georgia", "garamond", "palatino", "cambria", "roman", "book")
_MONO = ("mono", "courier", "consol", "menlo", "code", "typewriter")
MAX_NESTING = 64  # tspans nested deeper are not read


def characters(root: ET.Element) -> set[str]:
    """Every character an SVG's text may draw (to find the fonts it needs)."""
    found: set[str] = set()
    for element in root.iter():
        if tag(element) == "text":
            found.update("".join(element.itertext()))
    return found


def family_kind(value: str | None) -> str:
    """The kind of font a font-family asks for: "serif", "mono" or "sans" (anything else)."""
    names = (value or "").lower()
    if any(word in names for word in _MONO):
        return "mono"
    if "sans" not in names and any(word in names for word in _SERIF):
        return "serif"
    return "sans"


def font_size(value: str | None, parent: float) -> float:
    """A font-size in user units: a length, a percentage or em of the parent's, or a keyword."""
    if not value:
        return parent
    value = value.strip().lower()
    keywords = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0,
                "x-large": 24.0, "xx-large": 32.0}  # fmt: skip
    if value in keywords:
        return keywords[value]
    if value in ("smaller", "larger"):
        return parent / 1.2 if value == "smaller" else parent * 1.2
    if value.endswith("%"):
        try:
            return parent * float(value[:-1]) / 100
        except ValueError:
            return parent
    from guide.layout.svg import length

    return length(value, parent, font=parent)


def shorthand(value: str) -> dict[str, str]:
    """CSS's `font` shorthand (`bold 20px serif`, `italic 12px/1.5 'DejaVu Sans'`) as its parts."""
    out: dict[str, str] = {}
    words = value.split()
    for index, word in enumerate(words):
        size = word.split("/", 1)[0]
        if _NUMBER.fullmatch(size) and (index + 1 < len(words) or size[-1:].isalpha()):
            out["font-size"] = size
            out["font-family"] = " ".join(words[index + 1 :]) or "sans-serif"
            for before in words[:index]:
                if before in ("italic", "oblique"):
                    out["font-style"] = before
                elif before in ("bold", "bolder", "lighter", "normal") or before.isdigit():
                    out["font-weight"] = before
            break
    return out


class _Piece(NamedTuple):
    """Text as written in one element of a <text>, with that element's style and the elements
    that hold it, the <text> first."""

    text: str
    style: dict[str, str]
    owners: tuple[ET.Element, ...]


class _Key(NamedTuple):
    """What a run of a chunk is drawn with: its style, the shift before it (dx), its baseline."""

    style: dict[str, str]
    dx: float
    baseline: float


class GlyphRun(NamedTuple):
    """Glyphs of one face and style as placed: each by name, with its origin (x, y on the
    baseline, y running down), drawn at `scale` (user units a font unit); `text`, what they read."""

    face: str
    scale: float
    glyphs: tuple[tuple[str, float, float], ...]
    style: dict[str, str]
    text: str


def draw(reader: Reader, element: ET.Element, style: dict[str, str], text_fonts: TextFonts) -> None:
    """A <text> element's glyphs painted on the reader, in its own coordinates."""
    for run in lay_out(reader, element, style, text_fonts):
        if run.style.get("visibility") in ("hidden", "collapse"):
            continue  # it takes its room, unseen
        ops = [op for name, x, y in run.glyphs for op in outline(run.face, name, x, y, run.scale)]
        if ops:
            reader.paint(" ".join(ops), run.style, closed=True)


def lay_out(
    reader: Reader, element: ET.Element, style: dict[str, str], text_fonts: TextFonts
) -> list[GlyphRun]:
    """A <text> element's glyphs, placed: in chunks, each in visual order and anchored."""
    pieces: list[_Piece] = []
    styles = {id(element): style}  # the style of each element that holds text, for its lengths
    _collect(reader, element, style, (element,), pieces, styles, 0)
    chars, owner_of = _white_space(pieces)
    if not chars:
        return []
    reader.drawn += len(chars)
    if reader.drawn > MAX_DRAWN:
        reader.skipped.add("what lies past the limit of elements drawn")
        return []
    xs, ys, dxs, dys = _positions(pieces, owner_of, styles)
    starts = [i for i in range(len(chars)) if i == 0 or xs[i] is not None or ys[i] is not None]
    out: list[GlyphRun] = []
    x = y = 0.0
    for start, end in zip(starts, [*starts[1:], len(chars)], strict=True):
        given_x, given_y = xs[start], ys[start]
        x = x if given_x is None else given_x
        y = y if given_y is None else given_y
        x, y = _chunk(reader, text_fonts, pieces, chars, owner_of, dxs, dys, start, end, x, y, out)
    return out


def _collect(reader: Reader, element: ET.Element, style: dict[str, str], owners: tuple[ET.Element, ...],
             out: list[_Piece], styles: dict[int, dict[str, str]], depth: int) -> None:  # fmt: skip
    """The text an element holds, its children's in document order, as pieces; the style of each
    child that holds text in `styles`."""
    if element.text:
        out.append(_Piece(element.text, style, owners))
    for child in element:
        name = tag(child)
        if name in ("tspan", "a") and depth < MAX_NESTING:
            child_style = reader.style_of(child, style)
            if child_style.get("display") != "none":
                styles[id(child)] = child_style
                _collect(reader, child, child_style, (*owners, child), out, styles, depth + 1)
        elif name == "textPath":
            reader.skipped.add("text on a path (<textPath>), left out")
        elif name and name not in ("title", "desc", "metadata"):
            reader.skipped.add(f"<{name}> in a text")
        if child.tail:
            out.append(_Piece(child.tail, style, owners))


def _preserves(style: dict[str, str]) -> bool:
    """Whether white space is kept as written (xml:space="preserve", white-space: pre)."""
    return style.get("space") == "preserve" or style.get("white-space") in ("pre", "pre-wrap", "break-spaces")


def _white_space(pieces: list[_Piece]) -> tuple[list[str], list[int]]:
    """The characters drawn, and the piece of each, as xml:space says.

    By default line breaks are removed, tabs become spaces, and spaces are collapsed across the
    pieces: none at the start or end of the text, one where several meet (`Bold <tspan>red
    </tspan> text` keeps its two spaces). Kept (preserve), every line break and tab is a space.
    Invisible characters are dropped, but for those shaping needs (joiners, direction marks).
    """
    chars: list[str] = []
    owner_of: list[int] = []
    after_space = True  # white space at the start is dropped
    for index, piece in enumerate(pieces):
        keep = _preserves(piece.style)
        for written in piece.text:
            char = " " if written in "\n\r\t" else written
            if written in "\n\r" and not keep:
                continue
            if char == " ":
                if after_space and not keep:
                    continue
                after_space = True
            else:
                if is_invisible(char) and not shaping.is_kept(char):
                    continue
                after_space = False
            chars.append(char)
            owner_of.append(index)
    while chars and chars[-1] == " " and not _preserves(pieces[owner_of[-1]].style):
        chars.pop()
        owner_of.pop()
    return chars, owner_of


def _lengths(value: str | None, size: float) -> list[float]:
    from guide.layout.svg import length

    return [length(v, 0.0, font=size) for v in _NUMBER.findall(value or "")]


def _positions(
    pieces: list[_Piece], owner_of: list[int], styles: dict[int, dict[str, str]]
) -> tuple[list[float | None], ...]:
    """Each character's absolute x and y and its shifts dx and dy (None where not given), from the
    lists of values of the elements that hold it, the innermost one's first."""
    members: dict[int, list[int]] = {}
    order: list[ET.Element] = []  # every element that holds text, outermost first
    for index, piece_index in enumerate(owner_of):
        for owner in pieces[piece_index].owners:
            if id(owner) not in members:
                members[id(owner)] = []
                order.append(owner)
            members[id(owner)].append(index)
    out: list[list[float | None]] = []
    for name in ("x", "y", "dx", "dy"):
        values: list[float | None] = [None] * len(owner_of)
        for owner in order:
            size = float(styles[id(owner)].get("font-size", 16) or 16)
            for value, index in zip(_lengths(owner.get(name), size), members[id(owner)], strict=False):
                values[index] = value
        out.append(values)
    return tuple(out)


def _chunk(reader: Reader, text_fonts: TextFonts, pieces: list[_Piece], chars: list[str],
           owner_of: list[int], dxs: list[float | None], dys: list[float | None], start: int, end: int,
           x: float, y: float, out: list[GlyphRun]) -> tuple[float, float]:  # fmt: skip
    """Lay one chunk of text out from (x, y), anchored, into `out`; where the next chunk starts if
    not told."""
    keys: list[_Key] = []
    parts: list[visual.Piece] = []
    missing: set[str] = set()
    index = start
    while index < end:
        # A run: characters of one piece, with no shift of their own but for the first.
        stop = index + 1
        while stop < end and owner_of[stop] == owner_of[index] and not dxs[stop] and not dys[stop]:
            stop += 1
        style = pieces[owner_of[index]].style
        y += dys[index] or 0.0
        size = float(style.get("font-size", 16) or 16)
        chain = text_fonts.get(family_kind(style.get("font-family"))) or text_fonts.get("sans") or ()
        text = "".join(chars[index:stop])
        if size <= 0 or not chain:
            index = stop
            continue
        bold = _bold(style)
        italic = style.get("font-style", "normal") in ("italic", "oblique")
        missing.update(c for c in text if not _covered(c, chain))
        first = True
        for family, run in font_runs(text, chain):
            for face, piece, _ in faced(family, bold, italic, run):
                keys.append(_Key(style, (dxs[index] or 0.0) if first else 0.0, y))
                rise = _rise(style, size)
                parts.append(visual.Piece(len(keys) - 1, face, size, (0.0, 0.0, 0.0), rise, False, piece))
                first = False
        index = stop
    reader.missing.update(missing)
    if not parts:
        return x, y
    rtl = pieces[owner_of[start]].style.get("direction") == "rtl"
    joined = "".join(part.text for part in parts)
    levels = direction.levels(joined, rtl) if rtl or direction.has_rtl(joined) else None
    placed = [(found, _width(found, keys[found.key].style)) for found in visual.runs(parts, levels, _advance)]
    width = sum(w for _, w in placed) + sum(k.dx for k in keys)
    anchor = pieces[owner_of[start]].style.get("text-anchor", "start")
    shift = {"middle": -width / 2, "end": 0.0 if rtl else -width}.get(anchor, -width if rtl else 0.0)
    pen = x + shift
    shifted: set[int] = set()
    for found, advance in placed:
        key = keys[found.key]
        if found.key not in shifted:
            pen += key.dx
            shifted.add(found.key)
        out.append(_glyphs(found.run, pen, key.baseline - found.run.rise, key.style))
        pen += advance
    return x + shift + width, y


def _covered(char: str, chain: tuple[RegisteredFamily, ...]) -> bool:
    """Whether a font of the chain draws a character (or it needs none: a space, a joiner)."""
    return char == " " or is_invisible(char) or any(ord(char) in family.coverage for family in chain)


def _bold(style: dict[str, str]) -> bool:
    weight = style.get("font-weight", "normal").strip().lower()
    return weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)


def _rise(style: dict[str, str], size: float) -> float:
    """How far a text's baseline is raised (points up) by dominant-baseline, alignment-baseline
    and baseline-shift, approximated from the font's size as browsers place Latin text."""
    rise = 0.0
    base = style.get("dominant-baseline") or style.get("alignment-baseline") or ""
    rise += {"middle": -0.35, "central": -0.35, "hanging": -0.8, "text-before-edge": -0.8, "text-top": -0.8,
             "mathematical": -0.25, "text-after-edge": 0.2, "ideographic": 0.2, "text-bottom": 0.2,
             }.get(base.strip(), 0.0) * size  # fmt: skip
    shift = (style.get("baseline-shift") or "").strip()
    if shift == "super":
        rise += 0.33 * size
    elif shift == "sub":
        rise -= 0.2 * size
    elif shift.endswith("%"):
        rise += font_size(shift, size)
    elif shift and shift != "baseline":
        from guide.layout.svg import length

        rise += length(shift, 0.0, font=size)
    return rise


def _spacing(style: dict[str, str], size: float) -> tuple[float, float]:
    """The letter-spacing and word-spacing of a style, in user units."""
    from guide.layout.svg import length

    letter, word = (style.get(name, "normal").strip() for name in ("letter-spacing", "word-spacing"))
    return (
        0.0 if letter == "normal" else length(letter, 0.0, font=size),
        0.0 if word == "normal" else length(word, 0.0, font=size),
    )


def _width(placed: visual.Placed, style: dict[str, str]) -> float:
    """A run's advance: as shaped, or its glyphs' with the style's letter and word spacing."""
    run = placed.run
    if run.glyphs is not None:
        return placed.width
    letter, word = _spacing(style, run.size)
    return placed.width + letter * len(run.text) + word * run.text.count(" ")


def _advance(face: str, size: float, text: str) -> float:
    """How wide text (not shaped) is drawn in a face: its glyphs' advances."""
    font = _font(face)
    cmap, metrics, units = _cmap(face), font["hmtx"], font["head"].unitsPerEm
    total: float = sum(metrics[cmap.get(ord(c), ".notdef")][0] for c in text) * size / units
    return total


def _glyphs(run: Any, x: float, y: float, style: dict[str, str]) -> GlyphRun:
    """A run's glyphs placed from (x, y) on its baseline."""
    font = _font(run.face)
    scale = run.size / font["head"].unitsPerEm
    placed: list[tuple[str, float, float]] = []
    if run.glyphs is not None:
        order = font.getGlyphOrder()
        shaped = run.glyphs
        em = run.size / 1000
        for index, glyph in enumerate(shaped.ids):
            ox, oy = shaped.offsets[index] if shaped.offsets else (0.0, 0.0)
            placed.append((order[glyph] if glyph < len(order) else ".notdef", x + ox * em, y - oy * em))
            x += shaped.advances[index] * em
    else:
        cmap, metrics = _cmap(run.face), font["hmtx"]
        letter, word = _spacing(style, run.size)
        for char in run.text:
            name = cmap.get(ord(char), ".notdef")
            placed.append((name, x, y))
            x += metrics[name][0] * scale + letter + (word if char == " " else 0.0)
    return GlyphRun(run.face, scale, tuple(placed), style, run.text)


@cache
def _font(face: str) -> Any:
    """fontTools' reading of a registered face (its outlines and metrics)."""
    import io

    from fontTools.ttLib import TTFont

    path = Path(fonts.face_path(face))
    return TTFont(io.BytesIO(path.read_bytes()), lazy=True)  # read whole: no file left open


def outline(face: str, name: str, x: float, y: float, scale: float) -> list[str]:
    """A glyph's outline as path operators, its origin at (x, y) in a space whose y runs down;
    composite glyphs (an accented letter made of a base and an accent) drawn through their parts."""
    out: list[str] = []
    for operator, points in _segments(face, name):
        coordinates = " ".join(
            f"{number(x + points[i] * scale)} {number(y - points[i + 1] * scale)}"
            for i in range(0, len(points), 2)
        )
        out.append(f"{coordinates} {operator}" if coordinates else operator)
    return out


@cache
def _segments(face: str, name: str) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """A glyph's outline in font units, as (operator, coordinates): made once per glyph."""
    glyph_set = _glyph_set(face)
    pen = _Pen(glyph_set)
    if name in glyph_set:
        glyph_set[name].draw(pen)
    return tuple(pen.segments)


@cache
def _cmap(face: str) -> dict[int, str]:
    found: dict[int, str] = _font(face).getBestCmap() or {}
    return found


@cache
def _glyph_set(face: str) -> Any:
    return _font(face).getGlyphSet()


class _Pen(BasePen):  # type: ignore[misc]
    """fontTools' pen for a glyph: its segments as PDF path operators in font units (quadratics
    raised to cubics and components resolved by BasePen)."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.segments: list[tuple[str, tuple[float, ...]]] = []

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.segments.append(("m", pt))

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.segments.append(("l", pt))

    def _curveToOne(
        self, pt1: tuple[float, float], pt2: tuple[float, float], pt3: tuple[float, float]
    ) -> None:
        self.segments.append(("c", (*pt1, *pt2, *pt3)))

    def _closePath(self) -> None:
        self.segments.append(("h", ()))
