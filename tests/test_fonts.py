"""Fonts: fallback families are loaded only for characters the style's own fonts lack."""

from __future__ import annotations

from guide.fonts import register_theme
from guide.styles import load_theme


def test_line_breaks_and_invisible_characters_load_no_fallback_font() -> None:
    """'\\n', tabs and zero-width characters are never drawn: no fallback (several MB) for them."""
    families = register_theme(load_theme("base"), set("Plain text\n\twith a zero\u200bwidth space"))
    assert set(families) == {"serif", "sans", "mono"}


def test_a_character_the_fonts_lack_loads_the_first_fallback_that_has_it() -> None:
    assert set(register_theme(load_theme("base"), set("漢"))) == {"serif", "sans", "mono", "cjk"}
    assert "korean" in register_theme(load_theme("base"), set("한"))
