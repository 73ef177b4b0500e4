"""Turn inline Markdown runs and plain strings into spans: text in one face, size and colour.

Every character goes to the first font of the style's chain that has it, so a Korean word in
an English answer is drawn in the Korean font and never as an empty box. Nothing here is
markup: a span's text is drawn exactly as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from guide.data import images, text
from guide.data.text import is_invisible, visible
from guide.data.titles import LRE, segments
from guide.layout import emoji, page
from guide.layout.direction import has_rtl
from guide.layout.fonts import Face, RegisteredFamily, face_coverage, fixed_pitch, has_latin, placeholder
from guide.layout.kit import Kit, Style, font
from guide.layout.page import Colour
from guide.layout.shaping import SHAPED, is_kept, needs_shaping

# What a paragraph breaks lines at and collapses: ASCII white space. A no-break space, and the
# other Unicode spaces, are characters like any other.
WHITE_SPACE = str.maketrans("\t\n\r\f\v", "     ")


_metrics: dict[tuple[str, float], tuple[Face, float]] = {}  # (face, size) → (font, width of a space)

# What an inline box's span holds as its text: one character, never a space, so that a box is
# always one unbreakable piece of a word (U+FFFC OBJECT REPLACEMENT CHARACTER).
BOX = "\ufffc"


class InlineBox(NamedTuple):
    """Something set in a line like a letter (an inline formula, an emoji): `width` wide, `height`
    above the baseline and `depth` below it; `picture` is drawn with its position taken from the
    box's left end on the baseline."""

    width: float
    height: float
    depth: float
    picture: page.Picture
    # What stands for it where it is wider than a line (a narrow table cell): a formula's source.
    # Every piece of a formula cut in pieces holds the same tuple: they are replaced together.
    fallback: tuple[Span, ...] = ()


class Span:
    """A run of text drawn in one face, size and colour; a link, a code background, a strike."""

    __slots__ = (
        "back", "box", "code", "colour", "embolden", "face", "font", "hard_break", "link", "rise", "size",
        "space", "strike", "text", "underline",
    )  # fmt: skip

    def __init__(
        self,
        text: str,
        face: str,
        size: float,
        colour: Colour,
        *,
        link: str | None = None,
        back: Colour | None = None,
        strike: bool = False,
        hard_break: bool = False,
        underline: bool = False,
        rise: float = 0.0,
        embolden: bool = False,
        code: bool = False,
        box: InlineBox | None = None,
    ) -> None:
        self.box = box  # set: the span is this box, its text BOX
        self.text = text
        self.code = code  # inline code: it reads left to right inside right-to-left text
        self.face = face
        self.size = size
        self.colour = colour
        self.link = link
        self.back = back
        self.strike = strike
        self.hard_break = hard_break
        self.underline = underline
        self.rise = rise  # points above the baseline (below, if negative): a superscript, a subscript
        self.embolden = embolden  # bold asked of a face that has none: drawn stroked as well (draw.py)
        found = _metrics.get((face, size))
        if found is None:
            ttf = font(face)
            found = _metrics[(face, size)] = (ttf, ttf.stringWidth(" ", size))
        self.font: Face = found[0]
        self.space: float = found[1]  # the width of a space between words

    def __repr__(self) -> str:
        return f"Span({self.text!r}, {self.face}, {self.size})"


@cache
def covers_ascii(family: RegisteredFamily) -> bool:
    """Whether a family has every printable ASCII character: then such text needs no lookups."""
    return all(code in family.coverage for code in range(32, 127))


@cache
def face_characters(face: str) -> frozenset[str]:
    """The characters a face has, as strings: a whole text is checked against them at once.
    A family's characters are its regular face's."""
    return frozenset(map(chr, face_coverage(face))) | frozenset(" \t\n\r")


def faced(family: RegisteredFamily, bold: bool, italic: bool, run: str) -> list[tuple[str, str, bool]]:
    """A run of a family's characters as (face, text, embolden): in its bold or italic face, but
    for any character that face lacks (a family's characters are its regular face's), drawn
    upright; bold asked of a face that is not a bold one (Chinese has none) is drawn emboldened."""
    face = family.face(bold, italic)
    if face == family.regular or face_characters(face).issuperset(run):
        return [(face, run, _emboldened(family, bold, italic, face))]
    has = face_characters(face)
    pieces: list[tuple[str, str, bool]] = []
    for char in run:
        use = face if char in has else family.regular
        if pieces and pieces[-1][0] == use:
            pieces[-1] = (use, pieces[-1][1] + char, pieces[-1][2])
        else:
            pieces.append((use, char, _emboldened(family, bold, italic, use)))
    return pieces


def _emboldened(family: RegisteredFamily, bold: bool, italic: bool, face: str) -> bool:
    """Whether bold text drawn in `face` needs a synthetic bold: the face is not a bold one (the
    family has none, or lacks the character in it)."""
    if not bold:
        return False
    real = family.bold_italic if italic else family.bold
    return face != real or real in (family.regular, family.italic)


def script_chain(fonts: Sequence[RegisteredFamily]) -> tuple[RegisteredFamily, ...]:
    """The families a letter of a shaped script (Arabic, Devanagari …) is looked for in: those made
    for a script (without Latin letters) first, then the rest, each group in the chain's order."""
    return _script_chain(tuple(fonts))


@cache
def _script_chain(fonts: tuple[RegisteredFamily, ...]) -> tuple[RegisteredFamily, ...]:
    made = tuple(f for f in fonts if not has_latin(f))
    return (*made, *(f for f in fonts if f not in made))


class _Keeping(dict[int, int | None]):
    """A str.translate table that drops invisible characters but those shaping and the
    bidirectional algorithm need (shaping.KEPT), each character looked at once."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        kept = None if is_invisible(char) and not is_kept(char) else code
        self[code] = kept
        return kept


_KEEPING = _Keeping()


def drawn(value: str) -> str:
    """A text as the layout draws it: without its invisible characters, but for the joiners,
    zero-width spaces and direction marks of text that is shaped or right to left."""
    if value.isascii():
        return value
    if needs_shaping(value) or has_rtl(value):
        return value.translate(_KEEPING)
    return visible(value)


_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
# Control characters draw nothing a reader could use (validation refuses them as typed): dropped.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@cache
def _placeholder_family(fonts: tuple[RegisteredFamily, ...]) -> RegisteredFamily:
    """The family a placeholder is set in: the first of the chain with fixed-pitch glyphs (the
    code font: every style's chain reaches it), else the first."""
    for family in fonts:
        if fixed_pitch(family.regular):
            return family
    return fonts[0]


def font_runs(value: str, fonts: Sequence[RegisteredFamily]) -> list[tuple[RegisteredFamily, str]]:
    """Cut text into runs, each in the first family that has its characters.

    A letter of a script that is shaped goes to the first family made for its script that has
    it (script_chain): DejaVu Sans has some Arabic and Hebrew, but not the forms and marks a
    font made for them has. Validation refuses a character that no font has, unless the build
    is a draft: then, or should one get here all the same, it is drawn as its code point
    ([U+1F951]) in the code font, never as an empty box that copies as NUL.
    """
    primary = fonts[0]
    if value.isascii() and covers_ascii(primary) and _PRINTABLE_ASCII.fullmatch(value):
        return [(primary, value)]
    value = _CONTROLS.sub("", value)
    shaped = needs_shaping(value)
    if not shaped and face_characters(primary.regular).issuperset(value):
        return [(primary, value)]
    scripts = script_chain(fonts) if shaped else ()
    runs: list[tuple[RegisteredFamily, list[str]]] = []
    for char in value:
        code = ord(char)
        family, drawn = primary, char
        if is_kept(char):  # a joiner or direction mark: part of the run it is in
            family = runs[-1][0] if runs else primary
        elif shaped and SHAPED.match(char):
            found = next((f for f in scripts if code in f.coverage), None)
            if found is None:
                family, drawn = _placeholder_family(tuple(fonts)), placeholder(char)
            else:
                family = found
        elif code not in primary.coverage:
            if char in " \t\n\r":
                family = runs[-1][0] if runs else primary  # white space joins the run it is in
            else:
                found = next((f for f in fonts if code in f.coverage), None)
                if found is None:
                    family, drawn = _placeholder_family(tuple(fonts)), placeholder(char)
                else:
                    family = found
        if runs and runs[-1][0] is family:
            runs[-1][1].append(drawn)
        else:
            runs.append((family, [drawn]))
    return [(family, "".join(chars)) for family, chars in runs]


def plain(
    value: str,
    style: Style,
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    size: float | None = None,
    colour: Colour | None = None,
    pictures: bool = True,
) -> list[Span]:
    """Spans for a plain string in a style (a label, a title): drawn as written; emoji as images,
    unless not `pictures` (a line of text alone: a running head)."""
    bold = style.bold if bold is None else bold
    italic = style.italic if italic is None else italic
    size = style.size if size is None else size
    colour = style.colour if colour is None else colour
    if emoji.may_hold(value):
        if not pictures:  # a line of text alone (a running head) leaves out the emoji it cannot hold
            value = " ".join(emoji.without_drawn(value).split())
        else:
            look = _Look(bold, italic, False, None)
            return _with_emoji(value.translate(WHITE_SPACE), style, bold, italic, size, colour, look)
    return [
        Span(piece, face, size, colour, embolden=heavy)
        for family, run in font_runs(drawn(value).translate(WHITE_SPACE), style.fonts)
        if run
        for face, piece, heavy in faced(family, bold, italic, run)
    ]


def line_spans(value: str, style: Style, colour: Colour | None = None) -> list[Span]:
    """Spans for one line of plain text alone (a running head), drawn as written but for its emoji,
    left out; the parts of a name between LRE and PDF marks (titles.plain) are made code, so that
    they read left to right in right-to-left text, the marks themselves left out."""
    if LRE not in value:
        return plain(value, style, colour=colour, pictures=False)
    if emoji.may_hold(value):  # left out before the cut, so that no part loses the space at its edge
        value = re.sub(" {2,}", " ", emoji.without_drawn(value)).strip()
    out: list[Span] = []
    for part, ltr in segments(value):
        for family, run in font_runs(drawn(part).translate(WHITE_SPACE), style.fonts):
            for face, piece, heavy in faced(family, style.bold, style.italic, run) if run else ():
                out.append(Span(piece, face, style.size, colour or style.colour, embolden=heavy, code=ltr))
    return out


def code_size(kit: Kit, style: Style) -> float:
    """Inline code a little smaller than its text, but never below the style's code size: large
    print promises nothing under 14 pt, in a table cell too."""
    return min(style.size, max(round(style.size * 0.9, 2), kit.style("code").size))


def keep_space_runs(code: str) -> str:
    """Inline code whose runs of spaces survive (a paragraph collapses them) and whose single
    spaces still break: made all non-breaking, a long span became one word, cut mid-identifier."""
    return re.sub(r" {2,}", lambda run: "\u00a0" * (len(run.group()) - 1) + " ", code)


class _Look(NamedTuple):
    """How the runs inside a node are set: what the nodes around them asked for."""

    bold: bool
    italic: bool
    strike: bool
    link: str | None
    underline: bool = False
    back: Colour | None = None  # a highlight
    size: float = 0.0  # 0: the style's
    rise: float = 0.0


# What sub- and superscripts, and small text, are set at, as a share of the text around them.
SCRIPT_SCALE, SMALL_SCALE = 0.7, 0.85


def smallest_size(kit: Kit) -> float:
    """The smallest size the theme sets text at: nothing is made smaller (large print promises
    nothing under 14 pt)."""
    return min(style.size for style in kit.styles.values())


def inline(nodes: Sequence[text.Inline], kit: Kit, style: Style) -> list[Span]:
    """Spans for inline runs set in a style: emphasis, strong, code, links, strikes, breaks,
    underline, highlight, small text, sub- and superscripts, keys, and images (as their label)."""
    mono = kit.style("code").fonts
    small = code_size(kit, style)
    link_colour = kit.colour("link")
    code_back = kit.colour("code_background")
    out: list[Span] = []
    # (node, look): an explicit stack, since emphasis can nest as deep as the input does.
    start = _Look(style.bold, style.italic, False, None)
    stack: list[tuple[text.Inline, _Look]] = [(node, start) for node in reversed(nodes)]
    while stack:
        node, look = stack.pop()
        bold, italic, strike, link = look.bold, look.italic, look.strike, look.link
        colour = link_colour if link is not None else style.colour
        size = look.size or style.size
        if isinstance(node, text.Image) and images.is_remote(node.src) and link is None:
            # Never fetched: its alt text (or its address), linked to the address.
            label = text.Text(node.alt or node.src)
            stack.append((label, look._replace(link=node.src)))
            continue
        if isinstance(node, text.Text | text.Image):
            value = node.text if isinstance(node, text.Text) else node.label
            if emoji.may_hold(value):
                out.extend(_with_emoji(value, style, bold, italic, size, colour, look))
                continue
            for family, run in font_runs(drawn(value), style.fonts):
                for face, piece, heavy in faced(family, bold, italic, run) if run else ():
                    out.append(
                        Span(
                            piece,
                            face,
                            size,
                            colour,
                            link=link,
                            strike=strike,
                            underline=look.underline,
                            back=look.back,
                            rise=look.rise,
                            embolden=heavy,
                        )
                    )
        elif isinstance(node, text.Code | text.Kbd):
            code = keep_space_runs(drawn_keeping_emoji(node.text))
            here = min(small, size)
            for family, run, box in code_runs(code, mono, here, look.rise):
                out.append(
                    Span(
                        run,
                        family.regular,
                        here,
                        colour,
                        link=link,
                        back=code_back,
                        strike=strike,
                        underline=look.underline,
                        rise=look.rise,
                        code=True,
                        box=box,
                    )
                )
        elif isinstance(node, text.Math):
            out.extend(formula(node, kit, style, size, colour, link, look))
        elif isinstance(node, text.LineBreak):
            out.append(Span("", style.face, style.size, colour, hard_break=True))
        elif isinstance(node, text.Emphasis):
            stack.extend((child, look._replace(italic=True)) for child in reversed(node.children))
        elif isinstance(node, text.Strong):
            stack.extend((child, look._replace(bold=True)) for child in reversed(node.children))
        elif isinstance(node, text.Strike):
            stack.extend((child, look._replace(strike=True)) for child in reversed(node.children))
        elif isinstance(node, text.Underline):
            stack.extend((child, look._replace(underline=True)) for child in reversed(node.children))
        elif isinstance(node, text.Highlight):
            back = kit.colour("highlight") if "highlight" in kit.theme.colours else code_back
            stack.extend((child, look._replace(back=back)) for child in reversed(node.children))
        elif isinstance(node, text.Small | text.Sub | text.Sup):
            scale = SMALL_SCALE if isinstance(node, text.Small) else SCRIPT_SCALE
            smaller = min(size, max(round(size * scale, 2), smallest_size(kit)))
            rise = look.rise
            if isinstance(node, text.Sup):
                rise += round(size * 0.35, 2)
            elif isinstance(node, text.Sub):
                rise -= round(size * 0.2, 2)
            stack.extend((child, look._replace(size=smaller, rise=rise)) for child in reversed(node.children))
        elif isinstance(node, text.Link):
            stack.extend((child, look._replace(link=node.href)) for child in reversed(node.children))
    return out


def formula(
    node: text.Math, kit: Kit, style: Style, size: float, colour: Colour, link: str | None, look: _Look
) -> list[Span]:
    """An inline formula as one box on the text's baseline, or, wide, as pieces cut at its
    operators that a line may break between (kept left to right, like code, in right-to-left
    text); one that cannot be typeset, or fits a line in no way, as its source in the code font."""
    from guide.layout import maths, mathset

    made = maths.typeset(node.source, node.display)
    source = source_spans(node, kit, style, size, colour, link, look.rise)
    if isinstance(made, str):
        return source
    scale = size / maths.REFERENCE
    parts = mathset.inline_parts(node.source, node.display, made, scale, kit.frame_width)
    if isinstance(parts, str):
        return source
    code = kit.style("code")
    fallback = tuple(source)
    opener, closer = mathset.delimiters(node.written)
    out: list[Span] = []
    for index, (piece, written) in enumerate(parts):
        shown = written or node.written
        if written:  # a piece: the first opens the formula's delimiter, the last closes it
            shown = (opener if index == 0 else "") + written + (closer if index == len(parts) - 1 else "")
        width, height, depth = piece.width * scale, piece.height * scale, piece.depth * scale
        picture = page.Picture(0.0, -depth, width, height + depth, piece.key, shown, code.face, colour)
        placed = picture._replace(y=look.rise - depth)
        box = InlineBox(width, height + look.rise, max(depth - look.rise, 0.0), placed, fallback)
        out.append(Span(BOX, style.face, size, colour, link=link, box=box, code=len(parts) > 1))
    return out


def source_spans(
    node: text.Math,
    kit: Kit,
    style: Style,
    size: float,
    colour: Colour,
    link: str | None = None,
    rise: float = 0.0,
) -> list[Span]:
    """A formula as its source, as typed, in the code font (and the fonts after it for what it
    lacks: every script has one; an emoji as an image), a little smaller than the text: what
    prints of a formula that cannot be typeset, or fits in no way."""
    here = min(code_size(kit, style), size)
    return [
        Span(run, family.regular, here, colour, link=link, rise=rise, box=box, code=True)
        for family, run, box in code_runs(
            drawn_keeping_emoji(node.written), kit.style("code").fonts, here, rise
        )
    ]


def _with_emoji(
    value: str, style: Style, bold: bool, italic: bool, size: float, colour: Colour, look: _Look
) -> list[Span]:
    """Spans for text holding emoji: the text in its fonts, each emoji an image the size of a letter."""
    out: list[Span] = []
    covered = _covered(style.fonts)
    for piece, made in emoji.pieces(value, covered):
        if made is None:
            for family, run in font_runs(drawn(piece), style.fonts):
                for face, part, heavy in faced(family, bold, italic, run) if run else ():
                    out.append(Span(part, face, size, colour, link=look.link, strike=look.strike,
                                    underline=look.underline, back=look.back, rise=look.rise,
                                    embolden=heavy))  # fmt: skip
            continue
        width, top = made.advance * size, (made.top + look.rise / size) * size
        height = made.height * size
        picture = page.Picture(made.left * size, top - height, made.width * size, height, made.key, piece,
                               style.face)  # fmt: skip
        box = InlineBox(width, max(top, 0.0), max(height - top, 0.0), picture)
        out.append(Span(BOX, style.face, size, colour, link=look.link, box=box))
    return out


def drawn_keeping_emoji(value: str) -> str:
    """A text as the layout draws it (`drawn`), but for the joiners and selectors inside the emoji
    sequences it holds, which the images need (👨‍👩‍👧 is one image, not three)."""
    if not emoji.may_hold(value):
        return drawn(value)
    return "".join(piece if made is not None else drawn(piece) for piece, made in emoji.pieces(value))


def code_runs(
    value: str, fonts: Sequence[RegisteredFamily], size: float, rise: float = 0.0
) -> list[tuple[RegisteredFamily, str, InlineBox | None]]:
    """Code cut into runs of text, each in the first family that has it, and emoji, each an image
    as a terminal shows it (code_emoji): (family, text, None) or (family, BOX, its box)."""
    out: list[tuple[RegisteredFamily, str, InlineBox | None]] = []
    pieces = emoji.pieces(value, _covered(tuple(fonts))) if emoji.may_hold(value) else [(value, None)]
    for piece, made in pieces:
        if made is None:
            out.extend((family, run, None) for family, run in font_runs(piece, fonts) if run)
        else:
            family = _placeholder_family(tuple(fonts))  # the monospace one, whose cells it takes
            out.append((family, BOX, code_emoji(piece, made, family.regular, size, rise)))
    return out


def cells(sequence: str) -> int:
    """How many cells of a terminal an emoji takes: two if it is shown as an emoji (a wide
    character, one asked for as an emoji with U+FE0F, a flag, a keycap, a sequence), else one."""
    if len(sequence) > 1 or unicodedata.east_asian_width(sequence) in ("W", "F"):
        return 2
    return 1


def code_emoji(sequence: str, made: emoji.Glyph, face: str, size: float, rise: float = 0.0) -> InlineBox:
    """An emoji in code: an image as wide as one cell of the monospace face, or two (cells), no
    larger than a letter of the text, centred in them on the baseline; copied as itself."""
    cell = font(face).stringWidth(" ", size)  # every cell of a monospace face is as wide
    width = cells(sequence) * cell
    scale = min(size, width / made.advance)  # the size the image is set at
    top, height = made.top * scale + rise, made.height * scale
    left = (width - made.advance * scale) / 2 + made.left * scale
    picture = page.Picture(left, top - height, made.width * scale, height, made.key, sequence, face)
    return InlineBox(width, max(top, 0.0), max(height - top, 0.0), picture)


@cache
def _covered(fonts: tuple[RegisteredFamily, ...]) -> object:
    """Whether a character is in one of a style's fonts (a text-default emoji such as © stays text)."""
    codes = frozenset().union(*(family.coverage for family in fonts))
    return lambda char: ord(char) in codes
