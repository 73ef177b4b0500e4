"""Blocks of a form to fill in by hand: an area of ruled lines for notes, a row of boxes to tick.

The interviewer's packet is made of them (story.packet_question): a question's notes take what
room its page, or its half of the page, leaves, and its rating is a row of four boxes, each with
its number and the anchor word the style gives it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from guide.layout import page
from guide.layout.blocks import Block, Out
from guide.layout.page import Colour
from guide.layout.paragraph import Para

UNBOUNDED = 1e8  # a height this large is a measure of the block alone, not the room on a page


class NotesArea(Block):
    """A label and ruled lines for notes, filling the room it is given.

    With `height` None it takes all the room left on the page where the pager sets it, but never
    less than its label and `least` lines (with less room left, it goes on the next page); with a
    height, exactly that. Lines are drawn only where at least one fits under the label.
    """

    def __init__(
        self, label: Para, spacing: float, colour: Colour, *, height: float | None = None, least: int = 0
    ) -> None:
        self.label = label
        self.spacing = spacing
        self.colour = colour
        self.fixed = height
        self.least = least
        self.space_before = label.space_before

    def least_height(self, width: float) -> float:
        """The label and the least lines asked for."""
        return self.label.wrap(width, UNBOUNDED) + self.least * self.spacing

    def wrap(self, width: float, height: float) -> float:
        self.width = width
        self.label.wrap(width, UNBOUNDED)
        if self.fixed is not None:
            self.height = self.fixed
        elif height >= UNBOUNDED:
            self.height = self.least_height(width)
        else:
            # Less room than its label and least lines: it asks for them, and goes to the next page.
            self.height = max(height, self.least_height(width))
        return self.height

    def measure(self, width: float) -> float:
        return self.fixed if self.fixed is not None else self.least_height(width)

    def lines(self) -> int:
        """How many ruled lines fit under the label, as last wrapped."""
        room = self.height - self.label.height
        return max(0, math.floor(room / self.spacing + 1e-6))

    def draw(self, out: Out, x: float, y: float) -> None:
        count = self.lines()
        if count == 0:
            return
        top = y + self.height
        self.label.draw(out, x, top - self.label.height)
        below = top - self.label.height
        for i in range(count):
            line_y = below - (i + 1) * self.spacing
            out.add(page.Rule(x, line_y, x + self.width, line_y, 0.4, self.colour))


class RatingRow(Block):
    """Choices side by side, each a paragraph with its box (a bullet): four columns if each fits
    on one line, else two, else one under the other; from the right in a right-to-left guide."""

    def __init__(
        self, choices: Sequence[Para], *, gap: float = 8.0, space_after: float = 6.0, rtl: bool = False
    ) -> None:
        self.choices = list(choices)
        self.gap = gap
        self.space_after = space_after
        self.columns = len(self.choices)
        self.rtl = rtl  # the first choice at the right, where a right-to-left reader starts

    def _columns(self, width: float) -> int:
        count = len(self.choices)
        for columns in sorted({count, 2, 1}, reverse=True):
            if columns > count:
                continue
            cell = (width - self.gap * (columns - 1)) / columns
            if all(len(choice.lines(cell)) <= 1 for choice in self.choices):
                return columns
        return 1

    def _cell(self, width: float) -> float:
        return (width - self.gap * (self.columns - 1)) / self.columns

    def measure(self, width: float) -> float:
        if not self.choices:
            return 0.0
        self.columns = self._columns(width)
        cell = self._cell(width)
        heights = [choice.wrap(cell, UNBOUNDED) for choice in self.choices]
        rows = [heights[i : i + self.columns] for i in range(0, len(heights), self.columns)]
        return sum(max(row) for row in rows) + 3.0 * (len(rows) - 1)

    def draw(self, out: Out, x: float, y: float) -> None:
        cell = self._cell(self.width)
        top = y + self.height
        for start in range(0, len(self.choices), self.columns):
            row = self.choices[start : start + self.columns]
            tallest = max(choice.wrap(cell, UNBOUNDED) for choice in row)
            for column, choice in enumerate(row):
                place = self.columns - 1 - column if self.rtl else column
                choice.draw(out, x + place * (cell + self.gap), top - choice.height)
            top -= tallest + 3.0
