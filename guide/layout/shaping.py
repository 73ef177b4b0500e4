"""Turn text in a face into glyphs with HarfBuzz: joined Arabic, Indic conjuncts, marks in place.

Only text of the scripts that need it is shaped (SHAPED), and only runs of it: a Latin guide
never imports HarfBuzz. A shaped run is remembered per face, text and direction, in thousandths
of an em, so that a word measured for line breaking is not shaped again when it is drawn.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from guide.layout.page import Glyphs

if TYPE_CHECKING:
    import uharfbuzz

# Scripts whose letters change shape, order or position with their neighbours: Hebrew, Arabic,
# Syriac, Thaana, N'Ko and the rest of the right-to-left blocks; the Indic scripts (Devanagari to
# Sinhala, with the Vedic and Devanagari extensions); Thai and Lao, Tibetan, Myanmar, Khmer,
# Mongolian; and the Arabic and Hebrew presentation forms.
SHAPED = re.compile(
    "[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u18af\u1cd0-\u1cff\ua8e0-\ua8ff"
    "\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
# Format characters that shaping and the bidirectional algorithm need, kept in such text where
# other text drops them: zero-width space (a break between Thai words), zero-width non-joiner and
# joiner (Persian, Indic), and the left-to-right, right-to-left and Arabic letter marks.
KEPT = "\u200b\u200c\u200d\u200e\u200f\u061c"
_KEPT = frozenset(KEPT)


def needs_shaping(text: str) -> bool:
    """Whether a text holds a character of a script that is shaped."""
    return not text.isascii() and SHAPED.search(text) is not None


def is_kept(char: str) -> bool:
    """Whether an invisible character stays in shaped text (a joiner, a direction mark)."""
    return char in _KEPT


_cache: dict[tuple[str, str, bool], Glyphs] = {}


def shape(face: str, text: str, rtl: bool) -> Glyphs:
    """A run of text in a face as HarfBuzz shapes it, left to right as drawn (`rtl`: the run reads
    right to left: its glyphs come reversed, brackets mirrored)."""
    key = (face, text, rtl)
    found = _cache.get(key)
    if found is None:
        if len(_cache) > 100_000:  # a bound on memory: words repeat, the common ones come back
            _cache.clear()
        found = _cache[key] = _shape(face, text, rtl)
    return found


def width(face: str, size: float, text: str, rtl: bool = False) -> float:
    """How wide a text is drawn shaped, in points."""
    return shape(face, text, rtl).width * size / 1000


def _shape(face: str, text: str, rtl: bool) -> Glyphs:
    import uharfbuzz as hb

    font, scale = _font(face)
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    # Right to left, each mark keeps a character of its own (readers reorder right-to-left text
    # character by character); left to right, a cluster is a syllable, drawn as one glyph.
    levels = hb.BufferClusterLevel
    buffer.cluster_level = levels.MONOTONE_CHARACTERS if rtl else levels.MONOTONE_GRAPHEMES
    # Joiners, marks and zero-width spaces do their work in shaping and then take no room.
    buffer.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    hb.shape(font, buffer, {})
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    ids = tuple(info.codepoint for info in infos)
    advances = tuple(p.x_advance * scale for p in positions)
    offsets: tuple[tuple[float, float], ...] | None = None
    if any(p.x_offset or p.y_offset for p in positions):
        offsets = tuple((p.x_offset * scale, p.y_offset * scale) for p in positions)
    clusters = [info.cluster for info in infos]
    return Glyphs(ids, advances, offsets, _texts(text, clusters, advances, rtl), tuple(clusters))


def _texts(text: str, clusters: list[int], advances: tuple[float, ...], rtl: bool) -> tuple[str, ...]:
    """What each glyph reads as: its cluster's characters, on the cluster's first glyph in reading
    order that takes room (the letter, not its mark), "" on its other glyphs."""
    if not clusters:  # only characters that draw nothing (a direction mark)
        return ()
    starts = sorted(set(clusters))
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    order = range(len(clusters) - 1, -1, -1) if rtl else range(len(clusters))
    carrier: dict[int, int] = {}
    for index in order:
        cluster = clusters[index]
        if cluster not in carrier or (not advances[carrier[cluster]] and advances[index]):
            carrier[cluster] = index
    texts = [""] * len(clusters)
    for cluster, index in carrier.items():
        # Characters that draw nothing before the first cluster (a mark HarfBuzz removed) read with it.
        texts[index] = text[0 if cluster == starts[0] else cluster : ends[cluster]]
    return tuple(texts)


@cache
def _font(face: str) -> tuple[uharfbuzz.Font, float]:
    """HarfBuzz's font for a face, and what turns its units into thousandths of an em."""
    import uharfbuzz as hb

    from guide.layout.fonts import face_path

    hb_face = hb.Face(hb.Blob.from_file_path(str(face_path(face))))
    return hb.Font(hb_face), 1000 / hb_face.upem
