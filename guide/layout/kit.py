"""Turn a Theme into what the layout draws with: registered fonts, resolved text styles, colours.

A Style here is a theme's named text style with everything looked up once: the font faces, the
size and leading in points, the colour as the PDF operator that sets it. Variants (a paragraph
indented in a list, a heading kept with what follows) are made with `derive` and remembered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from guide.layout.fonts import Face, RegisteredFamily, chain, load_face, register_theme
from guide.layout.page import Colour, TextLine
from guide.layout.styles import TextStyle, Theme


def font(face: str) -> Face:
    """The font of a face name, read from its file the first time."""
    return load_face(face)


def colour_of(hex_value: str) -> Colour:
    """A colour from a style's '#rrggbb' (checked when the style was read)."""
    value = hex_value.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue)


_colour = cache(colour_of)


@dataclass(frozen=True, slots=True)
class Style:
    """A named text style, resolved: what a paragraph set in it looks like."""

    name: str
    fonts: tuple[RegisteredFamily, ...]  # the style's family, then every family that may stand in
    bold: bool
    italic: bool
    size: float
    leading: float
    colour: Colour
    space_before: float = 0.0
    space_after: float = 0.0
    left_indent: float = 0.0
    first_indent: float = 0.0  # added to left_indent on the first line (negative: a hanging indent)
    alignment: str = "left"  # left (a line's start: the right, right to left), right, center, justify
    keep_with_next: bool = False
    rtl: bool = False  # the guide reads right to left: text starts at the right, lists hang there
    hyphenate: str = ""  # the language whose words are hyphenated at a line's end ("": none)

    @property
    def face(self) -> str:
        """The ReportLab font name of the style's own face."""
        return self.fonts[0].face(self.bold, self.italic)


@dataclass
class Kit:
    """What every piece of the layout needs: the theme, its fonts, and its resolved text styles."""

    theme: Theme
    families: dict[str, RegisteredFamily]
    styles: dict[str, Style]
    frame_width: float
    rtl: bool = False  # the guide reads right to left (its language is Arabic, Hebrew …)
    line_widths: dict[tuple[str, str], float] = field(default_factory=dict)  # (style, text) → width
    fitted: dict[tuple[str, str, float], str] = field(default_factory=dict)  # see lines.fit_line
    lines: dict[tuple[object, ...], TextLine] = field(default_factory=dict)  # see lines.text_line

    @property
    def shift(self) -> float:
        """How far a left-hand page moves when printing on both sides: its binding is on its right.

        A right-to-left book opens the other way: its first page is a left-hand one, laid out
        with the binding on its right, and it is the right-hand pages that move (to the left).
        """
        margins = self.theme.margins
        if not self.theme.duplex:
            return 0.0
        moved = float(margins["outer"] - margins["inner"])
        return -moved if self.rtl else moved

    @property
    def left_margin(self) -> float:
        """Where the text block starts on a page as laid out (a book's first page): the inner
        margin, or the outer one in a right-to-left book, whose binding is on the right."""
        margins = self.theme.margins
        return float(margins["outer"] if self.rtl else margins["inner"])

    def style(self, name: str) -> Style:
        return self.styles[name]

    def colour(self, role: str) -> Colour:
        return _colour(self.theme.colours[role])

    def face(self, style: str) -> str:
        return self.styles[style].face

    def derive(self, base: str, key: str, **changes: object) -> Style:
        """A variant of a named style (indents for lists, say), made once and reused."""
        name = f"{base}:{key}"
        style = self.styles.get(name)
        if style is None:
            style = dataclasses.replace(self.styles[base], name=name, **changes)  # type: ignore[arg-type]
            self.styles[name] = style
        return style


# The styles of running text: hyphenated (when the theme hyphenates), justified (when it justifies).
# A question is set like a heading (bold, two lines at most, mostly): broken well, never hyphenated.
RUNNING_TEXT = ("body", "small", "guidance", "table", "card")
JUSTIFIED = ("body", "small", "guidance")


def make_kit(theme: Theme, chars: Iterable[str] = (), language: str = "", *, rtl: bool = False) -> Kit:
    """The kit for a theme, with the fallback fonts that `chars` needs; running text hyphenated
    in `language` if the theme hyphenates; `rtl`: for a guide that reads right to left."""
    families = register_theme(theme, chars)
    styles = {name: _style(theme, spec, families, rtl) for name, spec in theme.styles.items()}
    for name in RUNNING_TEXT:
        style = styles.get(name)
        if style is None:
            continue
        changes: dict[str, str] = {}
        if theme.hyphenate and language:
            changes["hyphenate"] = language
        if theme.justify and name in JUSTIFIED and style.alignment == "left":
            changes["alignment"] = "justify"
        if changes:
            styles[name] = dataclasses.replace(style, **changes)  # type: ignore[arg-type]
    width = theme.paper[0] - theme.margins["inner"] - theme.margins["outer"]
    return Kit(theme, families, styles, width, rtl=rtl)


def _style(theme: Theme, spec: TextStyle, families: dict[str, RegisteredFamily], rtl: bool) -> Style:
    own = chain(theme, families, spec.font)
    # Validation accepts a character that any font of the theme has (a technical sign such as ⌒
    # only the monospace font has, say), so the layout must be able to reach all of them.
    reachable = (*own, *(f for f in families.values() if all(f is not g for g in own)))
    return Style(
        name=spec.name,
        fonts=reachable,
        bold=spec.bold,
        italic=spec.italic,
        size=spec.size,
        leading=spec.leading,
        colour=colour_of(spec.colour),
        space_before=spec.space_before,
        space_after=spec.space_after,
        left_indent=spec.left_indent,
        alignment=spec.alignment,
        rtl=rtl,
    )
