"""Turn inline Markdown runs and plain strings into spans: text in one face, size and colour.

Every character goes to the first font of the style's chain that has it, so a Korean word in
an English answer is drawn in the Korean font and never as an empty box. Nothing here is
markup: a span's text is drawn exactly as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from guide.data import text
from guide.data.text import visible
from guide.layout.fonts import Face, RegisteredFamily, face_coverage
from guide.layout.kit import Kit, Style, font
from guide.layout.page import Colour

# What a paragraph breaks lines at and collapses: ASCII white space. A no-break space, and the
# other Unicode spaces, are characters like any other.
WHITE_SPACE = str.maketrans("\t\n\r\f\v", "     ")


_metrics: dict[tuple[str, float], tuple[Face, float]] = {}  # (face, size) → (font, width of a space)


class Span:
    """A run of text drawn in one face, size and colour; a link, a code background, a strike."""

    __slots__ = ("back", "colour", "face", "font", "hard_break", "link", "size", "space", "strike", "text")

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
    ) -> None:
        self.text = text
        self.face = face
        self.size = size
        self.colour = colour
        self.link = link
        self.back = back
        self.strike = strike
        self.hard_break = hard_break
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


def faced(family: RegisteredFamily, bold: bool, italic: bool, run: str) -> list[tuple[str, str]]:
    """A run of a family's characters as (face, text): in its bold or italic face, but for any
    character that face lacks (a family's characters are its regular face's), drawn upright."""
    face = family.face(bold, italic)
    if face == family.regular or face_characters(face).issuperset(run):
        return [(face, run)]
    has = face_characters(face)
    pieces: list[tuple[str, str]] = []
    for char in run:
        use = face if char in has else family.regular
        if pieces and pieces[-1][0] == use:
            pieces[-1] = (use, pieces[-1][1] + char)
        else:
            pieces.append((use, char))
    return pieces


_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
# Control characters draw nothing a reader could use (validation refuses them as typed): dropped.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def font_runs(value: str, fonts: Sequence[RegisteredFamily]) -> list[tuple[RegisteredFamily, str]]:
    """Cut text into runs, each in the first family that has its characters.

    Validation refuses a character that no font has; should one get here all the same, it is
    drawn as U+FFFD, which reads as a replacement, never as an empty box that copies as NUL.
    """
    primary = fonts[0]
    if value.isascii() and covers_ascii(primary) and _PRINTABLE_ASCII.fullmatch(value):
        return [(primary, value)]
    value = _CONTROLS.sub("", value)
    if face_characters(primary.regular).issuperset(value):
        return [(primary, value)]
    runs: list[tuple[RegisteredFamily, list[str]]] = []
    replacement = next((f for f in fonts if 0xFFFD in f.coverage), primary)
    for char in value:
        code = ord(char)
        family, drawn = primary, char
        if code not in primary.coverage:
            if char in " \t\n\r":
                family = runs[-1][0] if runs else primary  # white space joins the run it is in
            else:
                found = next((f for f in fonts if code in f.coverage), None)
                family, drawn = (found, char) if found is not None else (replacement, "\ufffd")
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
) -> list[Span]:
    """Spans for a plain string in a style (a label, a title): drawn as written."""
    bold = style.bold if bold is None else bold
    italic = style.italic if italic is None else italic
    size = style.size if size is None else size
    colour = style.colour if colour is None else colour
    return [
        Span(piece, face, size, colour)
        for family, run in font_runs(visible(value).translate(WHITE_SPACE), style.fonts)
        if run
        for face, piece in faced(family, bold, italic, run)
    ]


def code_size(kit: Kit, style: Style) -> float:
    """Inline code a little smaller than its text, but never below the style's code size: large
    print promises nothing under 14 pt, in a table cell too."""
    return min(style.size, max(round(style.size * 0.9, 2), kit.style("code").size))


def keep_space_runs(code: str) -> str:
    """Inline code whose runs of spaces survive (a paragraph collapses them) and whose single
    spaces still break: made all non-breaking, a long span became one word, cut mid-identifier."""
    return re.sub(r" {2,}", lambda run: "\u00a0" * (len(run.group()) - 1) + " ", code)


def inline(nodes: Sequence[text.Inline], kit: Kit, style: Style) -> list[Span]:
    """Spans for inline Markdown runs set in a style: emphasis, strong, code, links, strikes, breaks."""
    mono = kit.style("code").fonts
    small = code_size(kit, style)
    link_colour = kit.colour("link")
    code_back = kit.colour("code_background")
    out: list[Span] = []
    # (node or None for "close", bold, italic, strike, link): an explicit stack, since emphasis can
    # nest as deep as the input does.
    stack: list[tuple[text.Inline, bool, bool, bool, str | None]] = [
        (node, style.bold, style.italic, False, None) for node in reversed(nodes)
    ]
    while stack:
        node, bold, italic, strike, link = stack.pop()
        colour = link_colour if link is not None else style.colour
        if isinstance(node, text.Text):
            for family, run in font_runs(visible(node.text), style.fonts):
                for face, piece in faced(family, bold, italic, run) if run else ():
                    out.append(Span(piece, face, style.size, colour, link=link, strike=strike))
        elif isinstance(node, text.Code):
            code = keep_space_runs(visible(node.text))
            for family, run in font_runs(code, mono):
                if run:
                    out.append(
                        Span(run, family.regular, small, colour, link=link, back=code_back, strike=strike)
                    )
        elif isinstance(node, text.LineBreak):
            out.append(Span("", style.face, style.size, colour, hard_break=True))
        elif isinstance(node, text.Emphasis):
            stack.extend((child, bold, True, strike, link) for child in reversed(node.children))
        elif isinstance(node, text.Strong):
            stack.extend((child, True, italic, strike, link) for child in reversed(node.children))
        elif isinstance(node, text.Strike):
            stack.extend((child, bold, italic, True, link) for child in reversed(node.children))
        elif isinstance(node, text.Link):
            stack.extend((child, bold, italic, strike, node.href) for child in reversed(node.children))
    return out
