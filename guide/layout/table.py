"""A table of blocks: columns sized for the width it lands in, rows split across pages.

Each cell holds blocks (a paragraph, most often) set in its column less the padding; a row is
as tall as its tallest cell. A table continued on the next page repeats its header row; a row
too tall for what is left of a page is split inside its cells, so that a cell longer than a
page still prints whole. The parts of a split table share its rows and their measures, so a
table of fifty thousand rows is measured once, not once a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate

from guide.layout import page
from guide.layout.blocks import EPS, Block, Out, Spacer, draw_stack, split_stack, stack_height
from guide.layout.page import Colour

PADDING = (4.0, 4.0, 3.0, 3.0)  # left, right, top, bottom


class Row:
    """One row of a table: a stack of blocks per column, and the rule drawn under it."""

    __slots__ = ("cells", "rule")

    def __init__(self, cells: Sequence[Sequence[Block]], rule: tuple[float, Colour]) -> None:
        self.cells = [list(cell) for cell in cells]
        self.rule = rule  # (thickness, colour)

    def height(self, widths: Sequence[float]) -> float:
        _, _, top, bottom = PADDING
        inner = [stack_height(cell, w) for cell, w in zip(self.cells, _inner(widths), strict=False)]
        return top + max(inner, default=0.0) + bottom

    def split(self, widths: Sequence[float], room: float) -> tuple[Row, Row] | None:
        """The row cut inside its cells where `room` runs out; None if no cell can be cut there."""
        _, _, top, bottom = PADDING
        space = room - top - bottom
        firsts: list[list[Block]] = []
        rests: list[list[Block]] = []
        for cell, width in zip(self.cells, _inner(widths), strict=False):
            if stack_height(cell, width) <= space + EPS:
                firsts.append(cell)
                rests.append([])
                continue
            cut = split_stack(cell, width, space)
            if cut is None:
                return None
            firsts.append(cut[0])
            rests.append(cut[1])
        if not any(rests) or not any(firsts):
            return None
        return Row(firsts, self.rule), Row([cell or [Spacer(0)] for cell in rests], self.rule)


def _inner(widths: Sequence[float]) -> list[float]:
    left, right, _, _ = PADDING
    return [max(w - left - right, 1.0) for w in widths]


class _Body:
    """A table's rows, shared by the parts it is split into, with their heights at each width."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = list(rows)
        self._ends: dict[tuple[float, ...], list[float]] = {}

    def ends(self, widths: Sequence[float]) -> list[float]:
        """Where each row ends, measured from the top of the first: heights summed, once a width."""
        key = tuple(widths)
        found = self._ends.get(key)
        if found is None:
            found = self._ends[key] = [0.0, *accumulate(row.height(widths) for row in self.rows)]
        return found


class Table(Block):
    """Rows of cells under a header row (repeated on every page the table continues on).

    `columns(width)` gives the columns' widths for the width the table lands in.
    """

    def __init__(
        self,
        header: Row | None,
        rows: Sequence[Row] | _Body,
        columns: Callable[[float], list[float]],
        *,
        indent: float = 0.0,
        before: float = 3.0,
        after: float = 8.0,
        rtl: bool = False,
    ) -> None:
        self.rtl = rtl  # the first column at the right
        self.header = header
        self.body = rows if isinstance(rows, _Body) else _Body(rows)
        self.columns = columns
        self.indent = indent
        self.space_before = before
        self.space_after = after
        self._first = 0  # this part's first row of the body
        self._end = len(self.body.rows)  # and the row after its last
        self._head: Row | None = None  # the rest of the row before it, split at the foot of a page
        self._tail: Row | None = None  # the start of the row after it, split at the foot of its page
        self._widths: list[float] = []
        self._for: float | None = None

    def _columns(self, width: float) -> list[float]:
        if width != self._for:
            self._widths, self._for = self.columns(max(width - self.indent, 1.0)), width
        return self._widths

    def _header_height(self, widths: Sequence[float]) -> float:
        return self.header.height(widths) if self.header is not None else 0.0

    def measure(self, width: float) -> float:
        widths = self._columns(width)
        ends = self.body.ends(widths)
        total = self._header_height(widths) + ends[self._end] - ends[self._first]
        for piece in (self._head, self._tail):
            if piece is not None:
                total += piece.height(widths)
        return total

    def _part(self, first: int, end: int, head: Row | None, tail: Row | None) -> Table:
        part = Table(
            self.header, self.body, self.columns, indent=self.indent, before=0.0, after=0.0, rtl=self.rtl
        )
        part._first, part._end, part._head, part._tail = first, end, head, tail
        return part

    def split(self, width: float, height: float) -> list[Block]:
        widths = self._columns(width)
        ends = self.body.ends(widths)
        used = self._header_height(widths)
        if self._head is not None:
            h = self._head.height(widths)
            if used + h > height + EPS:
                cut = self._head.split(widths, height - used)
                if cut is None:
                    return []
                first, rest = self._part(self._first, self._first, cut[0], None), self._copy(head=cut[1])
                return self._ends_of(first, rest)
            used += h
        # The rows that fit whole: the last whose end is within the room left (a binary search).
        room = height - used + ends[self._first]
        low, high = self._first, self._end
        while low < high:
            middle = (low + high + 1) // 2
            if ends[middle] <= room + EPS:
                low = middle
            else:
                high = middle - 1
        fit = low  # rows [first, fit) fit whole
        if fit >= self._end:
            return []  # everything fits: nothing to split
        row = self.body.rows[fit]
        cut = row.split(widths, room - ends[fit])
        if cut is None and fit == self._first and self._head is None:
            return []  # not even its first row, or a piece of it, fits
        if cut is None:
            if self._end - fit == 1 and self._tail is None and fit - self._first >= 3:
                fit -= 1  # no last row alone under the repeated header: two go over, as lines do
            first, rest = (
                self._part(self._first, fit, self._head, None),
                self._part(fit, self._end, None, self._tail),
            )
        else:
            first = self._part(self._first, fit, self._head, cut[0])
            rest = self._part(fit + 1, self._end, cut[1], self._tail)
        return self._ends_of(first, rest)

    def _copy(self, head: Row | None) -> Table:
        return self._part(self._first, self._end, head, self._tail)

    def _ends_of(self, first: Table, rest: Table) -> list[Block]:
        first.space_before, rest.space_after = self.space_before, self.space_after
        first.keep_with_next, rest.keep_with_next = False, self.keep_with_next
        return [first, rest]

    def _rows(self) -> list[Row]:
        rows = [self.header] if self.header is not None else []
        if self._head is not None:
            rows.append(self._head)
        rows.extend(self.body.rows[self._first : self._end])
        if self._tail is not None:
            rows.append(self._tail)
        return rows

    def draw(self, out: Out, x: float, y: float) -> None:
        widths = self._columns(self.width)
        left = x + self.indent
        right = left + sum(widths)
        if self.rtl:  # the indent on the right, the columns from the right
            left, right = x + self.width - self.indent - sum(widths), x + self.width - self.indent
        top = y + self.height
        _, _, pad_top, _ = PADDING
        for row in self._rows():
            h = row.height(widths)
            column_x = left
            for cell, width, inner in zip(row.cells, widths, _inner(widths), strict=False):
                for block in cell:
                    if block.width != inner:
                        block.wrap(inner, 1e9)
                at = right - (column_x - left) - width if self.rtl else column_x
                draw_stack(out, cell, at + PADDING[0], top - pad_top)
                column_x += width
            top -= h
            thickness, colour = row.rule
            out.add(page.Rule(left, top, right, top, thickness, colour))
