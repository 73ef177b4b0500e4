"""The blocks a page is made of: each measures itself for a width, splits between lines, draws items.

A block is set by the pager (pager.py): it is asked its height for the width of the text
column (`wrap`), split where a page ends if it can be (`split`), and drawn with its bottom left
corner at a point (`draw`), adding typed items (page.py) to the page being made. The space
before and after a block collapse with its neighbours' (the larger wins); `keep_with_next`
keeps it on the page of the block after it (the pager joins such runs in a Keep; inside a box,
split_stack never cuts right after one).

A new kind of block subclasses Block: `measure` (its height for a width), `draw`, and `split`
if it can continue on the next page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from guide.layout import page
from guide.layout.page import Colour, Item

EPS = 1e-6

MarkKind = Literal["topic", "question", "end", "id"]
MarkValue = str | tuple[str, str, str] | None  # a topic, or a question: (label, topic, title)


class Out(Protocol):
    """Where blocks draw: the page being made, and the pager told what starts and ends."""

    def add(self, item: Item) -> None:
        """Put an item on the page."""

    def mark(self, kind: MarkKind, value: MarkValue) -> None:
        """Tell the pager what is being set (the topic, the question) for its running heads."""


class Block:
    """A piece of a page. Subclasses give measure() and draw(), and split() if they can split."""

    space_before = 0.0
    space_after = 0.0
    keep_with_next = False
    width = 0.0
    height = 0.0

    def measure(self, width: float) -> float:
        """The height the block takes when set `width` wide."""
        raise NotImplementedError

    def draw(self, out: Out, x: float, y: float) -> None:
        """Draw the block with its bottom left corner at (x, y), as last wrapped."""
        raise NotImplementedError

    def wrap(self, width: float, height: float) -> float:
        """Set the block `width` wide (with `height` left on the page, for blocks that care): its height."""
        self.width = width
        self.height = self.measure(width)
        return self.height

    def split(self, width: float, height: float) -> list[Block]:
        """The block cut where `height` runs out: [what fits, the rest], or [] if it cannot split there."""
        return []


def gap_between(above: Block, below: Block) -> float:
    """The space between two blocks one above the other: the larger of the two spaces asked for."""
    return max(above.space_after, below.space_before)


def stack_height(blocks: Sequence[Block], width: float, height: float = 1e9) -> float:
    """The height of blocks set one under the other, the spaces between them collapsed."""
    total = 0.0
    previous: Block | None = None
    for block in blocks:
        if type(block) is Mark:
            continue
        h = block.wrap(width, height)
        if previous is not None:
            total += gap_between(previous, block)
        total += h
        previous = block
    return total


def draw_stack(out: Out, blocks: Sequence[Block], x: float, top: float) -> float:
    """Draw wrapped blocks one under the other from `top` down; return where the last one ends."""
    previous: Block | None = None
    for block in blocks:
        if type(block) is Mark:
            block.draw(out, x, top)
            continue
        if previous is not None:
            top -= gap_between(previous, block)
        top -= block.height
        block.draw(out, x, top)
        previous = block
    return top


def split_stack(
    blocks: Sequence[Block], width: float, height: float
) -> tuple[list[Block], list[Block]] | None:
    """Blocks cut where `height` runs out: (what fits, the rest), or None if not even a start fits.

    A block kept with the next is never the last before the cut, inside a box as on a page.
    """
    used = 0.0
    previous: Block | None = None
    for index, block in enumerate(blocks):
        if type(block) is Mark:
            continue
        gap = gap_between(previous, block) if previous is not None else 0.0
        h = block.wrap(width, height - used - gap)
        if used + gap + h <= height + EPS:
            used += gap + h
            previous = block
            continue
        parts = block.split(width, height - used - gap)
        if len(parts) > 1:
            first_height = parts[0].wrap(width, height - used - gap)
            if used + gap + first_height <= height + EPS:
                return [*blocks[:index], parts[0]], [*parts[1:], *blocks[index + 1 :]]
        if previous is None:
            return None  # not even the first block, or a first piece of it, fits
        # What is kept with the next block (a label, a lead-in) goes on with it, as at the top level.
        cut = index
        while cut > 0 and (type(blocks[cut - 1]) is Mark or blocks[cut - 1].keep_with_next):
            cut -= 1
        if not any(type(block) is not Mark for block in blocks[:cut]):
            return None
        return list(blocks[:cut]), list(blocks[cut:])
    return list(blocks), []


class Spacer(Block):
    """Empty space; dropped where it does not fit at the foot of a page."""

    def __init__(self, height: float) -> None:
        self.space = height

    def measure(self, width: float) -> float:
        return self.space

    def draw(self, out: Out, x: float, y: float) -> None:
        pass


class Rule(Block):
    """A horizontal rule across the width."""

    def __init__(
        self, colour: Colour, thickness: float = 0.5, before: float = 4.0, after: float = 8.0
    ) -> None:
        self.colour = colour
        self.thickness = thickness
        self.space_before = before
        self.space_after = after

    def measure(self, width: float) -> float:
        return self.thickness

    def draw(self, out: Out, x: float, y: float) -> None:
        mid = y + self.thickness / 2
        out.add(page.Rule(x, mid, x + self.width, mid, self.thickness, self.colour))


class Box(Block):
    """Blocks in a box: padding, a background, a rule down the left edge (the right edge, and the
    indent there, in a right-to-left guide: `rtl`) or a frame all round; split between its blocks.

    A framed box split between pages is left open where it is cut: the part that ends a page has
    no bottom edge, the part that goes on has no top edge. A box is never cut right after blocks
    kept with the next (its label, a lead-in): split_stack keeps them with what follows.
    """

    def __init__(
        self,
        blocks: Sequence[Block],
        *,
        padding: tuple[float, float, float, float] = (8.0, 6.0, 4.0, 4.0),  # left, right, top, bottom
        background: Colour | None = None,
        rule: Colour | None = None,
        rule_width: float = 1.5,
        indent: float = 0.0,
        before: float = 2.0,
        after: float = 6.0,
        frame: Colour | None = None,
        frame_width: float = 0.75,
        rtl: bool = False,
    ) -> None:
        self.blocks = list(blocks)
        self.rtl = rtl
        self.padding = padding
        self.background = background
        self.rule = rule
        self.rule_width = rule_width
        self.indent = indent
        self.space_before = before
        self.space_after = after
        self.frame = frame
        self.frame_width = frame_width
        self.open_top = False  # a part that goes on from the page before
        self.open_bottom = False  # a part that goes on on the next page

    def _inner(self, width: float) -> float:
        left, right, _, _ = self.padding
        return max(width - self.indent - left - right, 1.0)

    def measure(self, width: float) -> float:
        _, _, top, bottom = self.padding
        return top + stack_height(self.blocks, self._inner(width)) + bottom

    def split(self, width: float, height: float) -> list[Block]:
        _, _, top, bottom = self.padding
        cut = split_stack(self.blocks, self._inner(width), height - top - bottom)
        if cut is None or not cut[1]:
            return []
        first, rest = (self._with(blocks) for blocks in cut)
        first.space_after = 0.0
        rest.space_before = 0.0
        first.open_bottom, rest.open_top = True, True
        return [first, rest]

    def _with(self, blocks: list[Block]) -> Box:
        box = Box(
            blocks,
            padding=self.padding,
            background=self.background,
            rule=self.rule,
            rule_width=self.rule_width,
            indent=self.indent,
            before=self.space_before,
            after=self.space_after,
            frame=self.frame,
            frame_width=self.frame_width,
            rtl=self.rtl,
        )
        box.keep_with_next = self.keep_with_next
        box.open_top, box.open_bottom = self.open_top, self.open_bottom
        return box

    def draw(self, out: Out, x: float, y: float) -> None:
        left, right, top, _ = self.padding
        x0 = x + self.indent
        width = self.width - self.indent
        if self.rtl:  # the indent, the rule and the wider padding on the right
            x0, left = x, right
        if self.background is not None:
            out.add(page.Fill(x0, y, width, self.height, self.background))
        if self.rule is not None:
            edge = x0 + width - self.rule_width / 2 if self.rtl else x0 + self.rule_width / 2
            out.add(page.Rule(edge, y, edge, y + self.height, self.rule_width, self.rule))
        if self.frame is not None:
            self._draw_frame(out, x0, y, width)
        inner = self._inner(self.width)
        for block in self.blocks:  # wrapped for this width when the box was
            if block.width != inner:
                block.wrap(inner, 1e9)
        draw_stack(out, self.blocks, x0 + left, y + self.height - top)

    def _draw_frame(self, out: Out, x0: float, y: float, width: float) -> None:
        """The frame's edges inside the box's extent; none where the box is cut between pages."""
        assert self.frame is not None
        w, colour = self.frame_width, self.frame
        half = w / 2
        left, right = x0 + half, x0 + width - half
        bottom, top = y + half, y + self.height - half
        out.add(page.Rule(left, y, left, y + self.height, w, colour))
        out.add(page.Rule(right, y, right, y + self.height, w, colour))
        if not self.open_top:
            out.add(page.Rule(x0, top, x0 + width, top, w, colour))
        if not self.open_bottom:
            out.add(page.Rule(x0, bottom, x0 + width, bottom, w, colour))


class NoteLines(Block):
    """Evenly spaced light rules for handwritten notes; splits between lines."""

    def __init__(
        self, count: int, spacing: float, colour: Colour, *, indent: float = 0.0, rtl: bool = False
    ) -> None:
        self.count = count
        self.spacing = spacing
        self.colour = colour
        self.indent = indent  # under a list item's text, say: at the right, in a right-to-left guide
        self.rtl = rtl

    def measure(self, width: float) -> float:
        return self.count * self.spacing

    def split(self, width: float, height: float) -> list[Block]:
        fit = int((height + EPS) // self.spacing)
        if fit < 2 or fit >= self.count:
            return []
        return [
            NoteLines(fit, self.spacing, self.colour, indent=self.indent, rtl=self.rtl),
            NoteLines(self.count - fit, self.spacing, self.colour, indent=self.indent, rtl=self.rtl),
        ]

    def draw(self, out: Out, x: float, y: float) -> None:
        left, right = x + self.indent, x + self.width
        if self.rtl:
            left, right = x, x + self.width - self.indent
        for i in range(self.count):
            line_y = y + self.height - (i + 1) * self.spacing
            out.add(page.Rule(left, line_y, right, line_y, 0.4, self.colour))


class Separator(Block):
    """Space between two questions, with an optional rule in its middle, that never makes a page.

    At the top of a page, or where it does not fit at the foot of one, it takes no room and draws
    nothing (the pager sees to it): a trailing space or rule pushed onto a page of its own made an
    empty page.
    """

    def __init__(self, above: float, below: float = 0.0, rule: Colour | None = None) -> None:
        self.above = above
        self.below = below
        self.rule = rule

    def measure(self, width: float) -> float:
        return self.above + self.below

    def draw(self, out: Out, x: float, y: float) -> None:
        if self.rule is not None:
            line_y = y + self.below
            out.add(page.Rule(x, line_y, x + self.width, line_y, 0.5, self.rule))


class Mark(Block):
    """Zero-size block that tells the pager what starts or ends where it is set."""

    def __init__(self, kind: MarkKind, value: MarkValue = None) -> None:
        self.kind: MarkKind = kind
        self.value = value

    def measure(self, width: float) -> float:
        return 0.0

    def draw(self, out: Out, x: float, y: float) -> None:
        out.mark(self.kind, self.value)


class PageBreak(Block):
    """The next block starts a new page: a right-hand one if `recto` and printing on both sides.

    `template`: the page furniture from the next page on ("front" or "body").
    """

    def __init__(self, *, recto: bool = False, template: str | None = None) -> None:
        self.recto = recto
        self.template = template

    def measure(self, width: float) -> float:
        return 0.0

    def draw(self, out: Out, x: float, y: float) -> None:
        pass


class CondPageBreak(Block):
    """A page break, if less than `room` is left on the page."""

    def __init__(self, room: float) -> None:
        self.room = room

    def measure(self, width: float) -> float:
        return 0.0

    def draw(self, out: Out, x: float, y: float) -> None:
        pass


class Keep(Block):
    """Blocks kept on one page: moved to the next page whole if they fit there, else set as they come."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        if self.blocks:
            self.space_before = self.blocks[0].space_before
            self.space_after = self.blocks[-1].space_after
            self.keep_with_next = self.blocks[-1].keep_with_next

    def measure(self, width: float) -> float:
        return stack_height(self.blocks, width)

    def draw(self, out: Out, x: float, y: float) -> None:
        draw_stack(out, self.blocks, x, y + self.height)
