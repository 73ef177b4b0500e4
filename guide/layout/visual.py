"""Turn a line's text, pieces in logical order, into runs in the order they are drawn, shaped.

Used for text that needs it (a script that is shaped, or right-to-left characters): each piece
(text in one span's face) is cut where its bidirectional level changes, the cuts are put in
visual order (direction.visual), and each cut that reads right to left or holds a shaped script
is shaped with HarfBuzz. Other text keeps the plain path of characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from guide.layout import direction, page, shaping
from guide.layout.page import Colour

_UNSEEN = dict.fromkeys(map(ord, shaping.KEPT))
WidthOf = Callable[[str, float, str], float]  # (face, size, text) → points, for text not shaped


class Piece(NamedTuple):
    """Text of a line in one face and look, in logical order; `key` says whose it is (a span's
    index), for what is drawn over or under it (a link, a code background)."""

    key: int
    face: str
    size: float
    colour: Colour
    rise: float
    bold: bool
    text: str


class Placed(NamedTuple):
    """A run of a line as drawn, in visual order, with its piece's key and its width in points."""

    key: int
    run: page.Run
    width: float


def paragraph_levels(
    text: str, rtl: bool | None, ltr: Sequence[tuple[int, int]] = ()
) -> tuple[bool, list[int] | None]:
    """A paragraph's base direction (its first strong character's, else `rtl`, the guide's) and
    its characters' levels, or None when every level is 0 (left to right, nothing to reorder);
    `ltr`: ranges of it (code) kept left to right."""
    first = direction.first_strong(text)
    base = bool(rtl) if first is None else first
    if not base and not direction.has_rtl(text):
        return False, None
    return base, direction.levels(text, base, ltr)


def runs(pieces: Sequence[Piece], levels: Sequence[int] | None, width_of: WidthOf) -> list[Placed]:
    """The pieces of one line as runs drawn left to right. `levels` holds a level for each
    character of the pieces' texts joined (None: all 0); `width_of(face, size, text)` measures
    text that is not shaped."""
    out: list[Placed] = []
    for level, piece in ordered(pieces, levels):
        placed = run(level, piece, width_of)
        if placed is not None:
            out.append(placed)
    return out


def ordered(pieces: Sequence[Piece], levels: Sequence[int] | None) -> list[tuple[int, Piece]]:
    """The pieces of one line cut where their level changes, in the order they are drawn from the
    left (rule L2), each with its level."""
    cuts: list[tuple[int, Piece]] = []
    at = 0
    for piece in pieces:
        text = piece.text
        if levels is None:
            cuts.append((0, piece))
        else:
            start = 0
            for index in range(1, len(text) + 1):
                if index == len(text) or levels[at + index] != levels[at + start]:
                    cuts.append((levels[at + start], piece._replace(text=text[start:index])))
                    start = index
        at += len(text)
    return direction.visual(cuts)


def run(level: int, piece: Piece, width_of: WidthOf) -> Placed | None:
    """One cut of a line at one level as a run, shaped if it reads right to left or holds a
    shaped script; None if it draws nothing."""
    text = piece.text
    if not text:
        return None
    if level % 2 == 1 or shaping.needs_shaping(text):
        glyphs = shaping.shape(piece.face, text, level % 2 == 1)
        width = glyphs.width * piece.size / 1000
    else:
        text = text.translate(_UNSEEN)  # a direction mark or joiner draws nothing here
        glyphs, width = None, width_of(piece.face, piece.size, text)
        if not text:
            return None
    drawn = page.Run(piece.face, piece.size, piece.colour, text, piece.rise, glyphs, piece.bold)
    return Placed(piece.key, drawn, width)
