"""Turn emoji in text into colour images from Noto Color Emoji, shipped in styles/fonts/.

The `emoji` package finds the sequences (skin tones, ZWJ families, flags, keycaps); HarfBuzz
shapes each with the font into one glyph, whose PNG (its CBDT bitmap, 136 × 128 pixels at 109
pixels an em) is placed as an image where the text has the sequence, sized by the font's own
metrics: an emoji sits on the baseline as a letter of the text would. Each image is one resource
however often it is used. Nothing is loaded for text without a character that may be emoji.
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import NamedTuple

from guide.layout.styles import STYLES_DIR

FONT = STYLES_DIR / "fonts" / "NotoColorEmoji.ttf"

# A character that may start an emoji: symbols and pictographs (all above U+00A8), or a keycap's
# base followed by VS16 or the combining keycap. Text without one needs no emoji data at all.
_MAYBE = re.compile(
    "[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff\U000e0020-\U000e007f]|[#*0-9](?=[\ufe0f\u20e3])"
)
_FULLY_QUALIFIED = 2  # the `emoji` package's status for a sequence as keyboards send it


class Glyph(NamedTuple):
    """An emoji as an image: its key, and in ems of the text's size its advance, where the image's
    left edge is, how far it rises above the baseline, and its width and height."""

    key: str
    advance: float
    left: float
    top: float
    width: float
    height: float


def may_hold(value: str) -> bool:
    """Whether text may hold an emoji (a fast test: most text has none)."""
    return not value.isascii() and _MAYBE.search(value) is not None


def pieces(value: str, has_glyph: object = None) -> list[tuple[str, Glyph | None]]:
    """Text cut into runs of text (None) and emoji drawn as images (their Glyph).

    A single character that is text by default (©, ™, ↔, a bare ❤) stays text where
    `has_glyph(char)` says a font has it; every other sequence the image set has is an image.
    """
    if not may_hold(value):
        return [(value, None)]
    import emoji

    out: list[tuple[str, Glyph | None]] = []
    at = 0
    for found in emoji.emoji_list(value):
        start, end, sequence = found["match_start"], found["match_end"], found["emoji"]
        if len(sequence) == 1 and callable(has_glyph) and has_glyph(sequence) and not _presentation(sequence):
            continue
        made = glyph(sequence)
        if made is None:
            continue
        if start > at:
            out.append((value[at:start], None))
        out.append((sequence, made))
        at = end
    if at < len(value):
        out.append((value[at:], None))
    return out


def _presentation(char: str) -> bool:
    """Whether a single character is shown as an emoji by default (😀), not as text (©)."""
    import emoji

    data = emoji.EMOJI_DATA.get(char)
    return data is not None and data.get("status") == _FULLY_QUALIFIED


class _Font:
    """The emoji font, as HarfBuzz shapes with it and as fontTools reads its bitmaps."""

    def __init__(self) -> None:
        import uharfbuzz as hb
        from fontTools.ttLib import TTFont

        self.hb = hb
        self.shaper = hb.Font(hb.Face(hb.Blob.from_file_path(str(FONT))))
        self.font = TTFont(io.BytesIO(FONT.read_bytes()), lazy=True)  # read whole: no file left open
        self.strike = self.font["CBDT"].strikeData[0]
        self.ppem = float(self.font["CBLC"].strikes[0].bitmapSizeTable.ppemY)

    def glyph_id(self, sequence: str) -> int | None:
        """The one glyph a sequence shapes into, or None (the font lacks it: several glyphs)."""
        hb = self.hb
        buffer = hb.Buffer()
        buffer.add_str(sequence)
        buffer.guess_segment_properties()
        hb.shape(self.shaper, buffer, {})
        drawn = [info.codepoint for info, at in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
                 if at.x_advance]  # fmt: skip
        return drawn[0] if len(drawn) == 1 and drawn[0] else None


@cache
def _font() -> _Font:
    return _Font()


@cache
def glyph(sequence: str) -> Glyph | None:
    """An emoji sequence as an image of the shipped set, registered once; None if the set lacks it."""
    from guide.layout import pictures

    font = _font()
    gid = font.glyph_id(sequence)
    if gid is None and "\ufe0f" not in sequence and len(sequence) == 1:
        gid = font.glyph_id(sequence + "\ufe0f")  # a bare ❤ asked for as an image
    if gid is None:
        return None
    bitmap = font.strike.get(font.font.getGlyphName(gid))
    if bitmap is None:
        return None
    m = bitmap.metrics
    image = pictures.image(bytes(bitmap.imageData))
    em = font.ppem
    return Glyph(image.key, m.Advance / em, m.BearingX / em, m.BearingY / em, m.width / em, m.height / em)


def drawable(sequence: str) -> bool:
    """Whether the image set draws a sequence (the glyph check accepts its characters)."""
    return glyph(sequence) is not None


def without_drawn(value: str) -> str:
    """Text with every emoji the image set draws taken out: what fonts must still draw."""
    if not may_hold(value):
        return value
    return "".join(piece for piece, made in pieces(value) if made is None)
