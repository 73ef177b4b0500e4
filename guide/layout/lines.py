"""Single lines of plain text in a named style (running heads, footers, labels), as page items; the
code and formulas of a name (titles.plain, marked) kept left to right in right-to-left text.

Measured and fitted once: the same running head and footer come back on page after page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from guide.data.text import short_title
from guide.layout import page, visual
from guide.layout.direction import has_rtl
from guide.layout.kit import Kit, font
from guide.layout.page import Colour
from guide.layout.paragraph import width_of
from guide.layout.shaping import needs_shaping
from guide.layout.spans import line_spans

Align = Literal["left", "right", "center"]


def runs(kit: Kit, style: str, value: str, colour: Colour | None = None) -> tuple[page.Run, ...]:
    """One line of plain text in a named style, each run in a font that has it; text that is
    shaped or right to left in the order it is drawn, shaped."""
    resolved = kit.style(style)
    spans = line_spans(value, resolved)
    if any(needs_shaping(s.text) or has_rtl(s.text) for s in spans):
        pieces = [
            visual.Piece(i, s.face, s.size, colour or s.colour, s.rise, s.embolden, s.text)
            for i, s in enumerate(spans)
        ]
        # Code and formulas in a name (titles.plain) read left to right, as in a paragraph.
        ltr: list[tuple[int, int]] = []
        at = 0
        for span in spans:
            if span.code:
                if ltr and ltr[-1][1] == at:
                    ltr[-1] = (ltr[-1][0], at + len(span.text))
                else:
                    ltr.append((at, at + len(span.text)))
            at += len(span.text)
        _, levels = visual.paragraph_levels("".join(p.text for p in pieces), resolved.rtl, ltr)
        return tuple(placed.run for placed in visual.runs(pieces, levels, _width))
    return tuple(page.Run(s.face, s.size, colour or s.colour, s.text, 0.0, None, s.embolden) for s in spans)


def runs_width(line_runs: tuple[page.Run, ...]) -> float:
    """How wide runs are drawn."""
    return sum(width_of_run(run) for run in line_runs)


def width_of_run(run: page.Run) -> float:
    if run.glyphs is not None:
        return run.glyphs.width * run.size / 1000
    return _width(run.face, run.size, run.text)


def _width(face: str, size: float, value: str) -> float:
    return width_of(font(face), face, size, value)


def line_width(kit: Kit, style: str, value: str) -> float:
    """The width of one line in a named style (remembered: running heads and footers ask for the
    same few lines on every page)."""
    key = (style, value)
    width = kit.line_widths.get(key)
    if width is None:
        if len(kit.line_widths) > 10_000:
            kit.line_widths.clear()
        width = kit.line_widths[key] = runs_width(runs(kit, style, value))
    return width


def fit_line(kit: Kit, style: str, value: str, room: float) -> str:
    """The value on one line, cut short at a word with an ellipsis until it is no wider than
    `room` ("" if nothing fits). Remembered: running heads ask the same of every page."""
    key = (style, value, round(room, 2))
    fitted = kit.fitted.get(key)
    if fitted is None:
        limit = longest(len(value), lambda n: line_width(kit, style, short_title(value, n)) <= room)
        fitted = value if limit == len(value) else short_title(value, limit) if limit > 1 else ""
        if len(kit.fitted) > 10_000:
            kit.fitted.clear()
        kit.fitted[key] = fitted
    return fitted


def longest(most: int, fits: Callable[[int], bool]) -> int:
    """The largest limit up to `most` at which `fits` holds (0 if none), cutting the range in
    half each time: a cut name grows no narrower as its limit grows. A long first sentence cut
    to a contents line costs a dozen measures, not one for each step down."""
    if fits(most):
        return most
    low, high = 0, most  # fits(low) is taken to hold (a limit of 0 sets nothing); fits(high) fails
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def text_line(
    kit: Kit, style: str, x: float, y: float, value: str, align: Align = "left", colour: Colour | None = None
) -> page.TextLine:
    """One line in a named style on baseline y, from x (or ending at x, or centred on it); in the
    muted colour of page furniture unless `colour` is given. Remembered: the same on every page."""
    key = (style, value, x, y, align, colour)
    found = kit.lines.get(key)
    if found is None:
        line_runs = runs(kit, style, value, colour or kit.colour("muted"))
        width = runs_width(line_runs)
        start = x - {"left": 0.0, "right": width, "center": width / 2}[align]
        found = page.TextLine(start, y, line_runs)
        if len(kit.lines) > 10_000:
            kit.lines.clear()
        kit.lines[key] = found
    return found
