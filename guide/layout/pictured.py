"""Turn one line of plain text that names someone into page items, its emoji drawn as images.

A running head or a footer (lines.py) leaves emoji out; a candidate's name keeps them: the stamp
of a candidate's copy, its watermark and the candidate's field of the interviewer's packet draw
each emoji of the shipped image set, and fall back to the text without it only for what cannot
be drawn. A line without such emoji is exactly what lines.py makes of it.
"""

from __future__ import annotations

from guide.data.text import short_title
from guide.layout import emoji, page, visual
from guide.layout.direction import has_rtl
from guide.layout.kit import Kit, font
from guide.layout.lines import runs, runs_width
from guide.layout.page import Colour
from guide.layout.paragraph import width_of
from guide.layout.shaping import needs_shaping
from guide.layout.spans import plain

Line = tuple[tuple[page.Static, ...], float]  # items set from (0, 0) on the baseline, and the width


def has_pictures(value: str) -> bool:
    """Whether a text holds an emoji the image set draws."""
    return emoji.may_hold(value) and emoji.without_drawn(value) != value


def line(kit: Kit, style: str, value: str, colour: Colour | None = None) -> Line:
    """One line in a named style (in `colour`, else the style's) from (0, 0), each emoji an image;
    text that is shaped or right to left in the order it is drawn, shaped."""
    if not has_pictures(value):
        line_runs = runs(kit, style, value, colour)
        return (page.TextLine(0.0, 0.0, line_runs),), runs_width(line_runs)
    resolved = kit.style(style)
    spans = plain(value, resolved, colour=colour)
    pieces = [
        visual.Piece(i, s.face, s.size, s.colour, s.rise, s.embolden, s.text) for i, s in enumerate(spans)
    ]
    levels = None
    if any(needs_shaping(s.text) or has_rtl(s.text) for s in spans):
        _, levels = visual.paragraph_levels("".join(p.text for p in pieces), resolved.rtl)
    items: list[page.Static] = []
    drawn: list[page.Run] = []
    start = cursor = 0.0
    for level, piece in visual.ordered(pieces, levels):
        box = spans[piece.key].box
        if box is not None:
            if drawn:
                items.append(page.TextLine(start, 0.0, tuple(drawn)))
                drawn = []
            items.append(box.picture._replace(x=cursor + box.picture.x))
            cursor = start = cursor + box.width
            continue
        made = visual.run(level, piece, lambda f, z, v: width_of(font(f), f, z, v))
        if made is not None:
            drawn.append(made.run)
            cursor += made.width
    if drawn:
        items.append(page.TextLine(start, 0.0, tuple(drawn)))
    return tuple(items), cursor


def fit(kit: Kit, style: str, value: str, room: float) -> str:
    """The value on one line, its emoji drawn, cut short at a word with an ellipsis until it is no
    wider than `room` ("" if nothing fits), as lines.fit_line cuts a line without pictures."""
    limit = len(value)
    fitted = value
    while fitted and line(kit, style, fitted)[1] > room:
        limit -= max(1, limit // 20)
        fitted = short_title(value, limit) if limit > 1 else ""
    return fitted


def moved(items: tuple[page.Static, ...], x: float, y: float) -> list[page.Static]:
    """A line's items moved from (0, 0) to (x, y)."""
    out: list[page.Static] = []
    for item in items:
        if isinstance(item, page.TextLine | page.Picture):
            out.append(item._replace(x=item.x + x, y=item.y + y))
    return out
