"""Turn a Theme's text styles into ReportLab paragraph styles, once per part."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from guide.fonts import RegisteredFamily, chain, register_theme
from guide.styles import TextStyle, Theme

_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER, "justify": TA_JUSTIFY}


@dataclass
class Kit:
    """What every piece of the layout needs: the theme, its fonts, and its paragraph styles."""

    theme: Theme
    families: dict[str, RegisteredFamily]
    styles: dict[str, ParagraphStyle]
    frame_width: float

    def colour(self, role: str) -> Color:
        return HexColor(self.theme.colours[role])

    def family_of(self, style: str) -> RegisteredFamily:
        return self.families[self.theme.styles[style].font]

    def fonts_for(self, style: str) -> tuple[RegisteredFamily, ...]:
        """The style's own family, then the theme's fallbacks."""
        return chain(self.theme, self.families, self.theme.styles[style].font)

    def face(self, style: str) -> str:
        spec = self.theme.styles[style]
        return self.families[spec.font].face(spec.bold, spec.italic)

    def derive(self, base: str, name: str, **changes: object) -> ParagraphStyle:
        """A variant of a named style (indents for lists, say), made once and reused."""
        key = f"{base}:{name}"
        style = self.styles.get(key)
        if style is None:
            style = ParagraphStyle(key, parent=self.styles[base], **changes)
            self.styles[key] = style
        return style


def make_kit(theme: Theme, chars: Iterable[str] = ()) -> Kit:
    """The kit for a theme, with the fallback fonts that `chars` needs."""
    families = register_theme(theme, chars)
    styles = {name: _paragraph_style(spec, families) for name, spec in theme.styles.items()}
    width = theme.paper[0] - theme.margins["inner"] - theme.margins["outer"]
    return Kit(theme, families, styles, width)


def _paragraph_style(spec: TextStyle, families: dict[str, RegisteredFamily]) -> ParagraphStyle:
    family = families[spec.font]
    return ParagraphStyle(
        spec.name,
        fontName=family.face(spec.bold, spec.italic),
        fontSize=spec.size,
        leading=spec.leading,
        textColor=HexColor(spec.colour),
        spaceBefore=spec.space_before,
        spaceAfter=spec.space_after,
        leftIndent=spec.left_indent,
        alignment=_ALIGN[spec.alignment],
        allowWidows=0,
        allowOrphans=0,
        splitLongWords=1,
        bulletFontName=families.get("sans", family).regular,
        bulletFontSize=spec.size,
        # Words are broken only at spaces; an overlong word is split rather than overflowing.
        embeddedHyphenation=0,
    )
