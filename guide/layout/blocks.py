"""The blocks a page is made of: each measures itself for a width, splits between lines, draws itself.

Blocks follow ReportLab's flowable protocol (wrap, split, drawOn, the space before and after),
so that the pager places a ReportLab Table among them as it places them, and a Table holds
them (markdown.py wraps them for it); but they draw by writing PDF operators into the page's
content directly, without ReportLab's per-call state machine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.rl_accel import fp_str

from guide.layout.kit import Colour, fill, stroke

EPS = 1e-6


class Block:
    """A piece of a page. Subclasses give measure(), render(), and split() if they can split."""

    space_before = 0.0
    space_after = 0.0
    keep_with_next = False
    width = 0.0
    height = 0.0
    canv: Any = None

    def measure(self, width: float) -> float:
        """The height the block takes when set `width` wide."""
        raise NotImplementedError

    def render(self, canv: Any, x: float, y: float) -> None:
        """Draw the block with its bottom left corner at (x, y), as last measured."""
        raise NotImplementedError

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.measure(avail_width)
        return (avail_width, self.height)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        return []

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self.canv = canvas
        self.render(canvas, x, y)

    def getSpaceBefore(self) -> float:
        return self.space_before

    def getSpaceAfter(self) -> float:
        return self.space_after

    def getKeepWithNext(self) -> bool:
        return self.keep_with_next


def gap_between(above: Any, below: Any) -> float:
    """The space between two blocks one above the other: the larger of the two spaces asked for."""
    return float(max(above.getSpaceAfter(), below.getSpaceBefore()))


def stack_height(blocks: Sequence[Any], width: float, height: float = 1e9) -> float:
    """The height of blocks set one under the other, the spaces between them collapsed."""
    total = 0.0
    previous = None
    for block in blocks:
        if type(block) is Mark:
            continue
        _, h = block.wrap(width, height)
        if previous is not None:
            total += gap_between(previous, block)
        total += h
        previous = block
    return total


def render_stack(canv: Any, blocks: Sequence[Any], x: float, top: float) -> float:
    """Draw measured blocks one under the other from `top` down; return where the last one ends."""
    previous = None
    for block in blocks:
        if type(block) is Mark:
            block.drawOn(canv, x, top)
            continue
        if previous is not None:
            top -= gap_between(previous, block)
        top -= block.height
        block.drawOn(canv, x, top)
        previous = block
    return top


def split_stack(blocks: Sequence[Any], width: float, height: float) -> tuple[list[Any], list[Any]] | None:
    """Blocks cut where `height` runs out: (what fits, the rest), or None if not even a start fits."""
    used = 0.0
    previous = None
    for index, block in enumerate(blocks):
        if type(block) is Mark:
            continue
        gap = gap_between(previous, block) if previous is not None else 0.0
        _, h = block.wrap(width, height - used - gap)
        if used + gap + h <= height + EPS:
            used += gap + h
            previous = block
            continue
        parts = block.split(width, height - used - gap)
        if len(parts) > 1:
            _, first_height = parts[0].wrap(width, height - used - gap)
            if used + gap + first_height <= height + EPS:
                return [*blocks[:index], parts[0]], [*parts[1:], *blocks[index + 1 :]]
        if previous is None:
            return None  # not even the first block, or a first piece of it, fits
        return list(blocks[:index]), list(blocks[index:])
    return list(blocks), []


class Spacer(Block):
    """Empty space; dropped where it does not fit at the foot of a page."""

    def __init__(self, height: float) -> None:
        self.space = height

    def measure(self, width: float) -> float:
        return self.space

    def render(self, canv: Any, x: float, y: float) -> None:
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

    def render(self, canv: Any, x: float, y: float) -> None:
        mid = y + self.thickness / 2
        canv._code.append(
            f"q {stroke(self.colour)} {fp_str(self.thickness)} w {fp_str(x, mid)} m"
            f" {fp_str(x + self.width, mid)} l S Q"
        )


class Box(Block):
    """Blocks in a box: padding, a background, a rule down the left edge; split between its blocks."""

    def __init__(
        self,
        blocks: Sequence[Any],
        *,
        padding: tuple[float, float, float, float] = (8.0, 6.0, 4.0, 4.0),  # left, right, top, bottom
        background: Colour | None = None,
        rule: Colour | None = None,
        rule_width: float = 1.5,
        indent: float = 0.0,
        before: float = 2.0,
        after: float = 6.0,
    ) -> None:
        self.blocks = list(blocks)
        self.padding = padding
        self.background = background
        self.rule = rule
        self.rule_width = rule_width
        self.indent = indent
        self.space_before = before
        self.space_after = after

    def _inner(self, width: float) -> float:
        left, right, _, _ = self.padding
        return max(width - self.indent - left - right, 1.0)

    def measure(self, width: float) -> float:
        _, _, top, bottom = self.padding
        return top + stack_height(self.blocks, self._inner(width)) + bottom

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        _, _, top, bottom = self.padding
        cut = split_stack(self.blocks, self._inner(avail_width), avail_height - top - bottom)
        if cut is None or not cut[1]:
            return []
        first, rest = (self._with(blocks) for blocks in cut)
        first.space_after = 0.0
        rest.space_before = 0.0
        return [first, rest]

    def _with(self, blocks: list[Any]) -> Box:
        box = Box.__new__(Box)
        box.__dict__.update(self.__dict__)
        box.blocks = blocks
        return box

    def render(self, canv: Any, x: float, y: float) -> None:
        left, _, top, _ = self.padding
        x0 = x + self.indent
        width = self.width - self.indent
        if self.background is not None:
            canv._code.append(f"q {fill(self.background)} {fp_str(x0, y, width, self.height)} re f Q")
        if self.rule is not None:
            edge = x0 + self.rule_width / 2
            canv._code.append(
                f"q {stroke(self.rule)} {fp_str(self.rule_width)} w {fp_str(edge, y)} m"
                f" {fp_str(edge, y + self.height)} l S Q"
            )
        inner = self._inner(self.width)
        for block in self.blocks:  # measured for this width when the box was
            if block.width != inner:
                block.wrap(inner, 1e9)
        render_stack(canv, self.blocks, x0 + left, y + self.height - top)


class Placed(Block):
    """A ReportLab flowable (a table, or a part of one split between pages), `indent` in from the
    left and as wide as what is left."""

    def __init__(self, flowable: Any, indent: float = 0.0, before: float = 0.0, after: float = 0.0) -> None:
        self.flowable = flowable
        self.indent = indent
        self.space_before = before
        self.space_after = after

    def flowable_for(self, width: float) -> Any:
        return self.flowable

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        width = max(avail_width - self.indent, 1.0)
        _, height = self.flowable_for(width).wrap(width, avail_height)
        self.height = float(height)
        return (avail_width, self.height)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        width = max(avail_width - self.indent, 1.0)
        parts: list[Any] = self.flowable_for(width).split(width, avail_height)
        if len(parts) < 2:
            return []
        out = [Placed(part, self.indent) for part in parts]
        out[0].space_before = self.space_before
        out[-1].space_after = self.space_after
        return out

    def render(self, canv: Any, x: float, y: float) -> None:
        self.flowable_for(max(self.width - self.indent, 1.0)).drawOn(canv, x + self.indent, y)


class Fitted(Placed):
    """A flowable made for the width it lands in (a table that chooses columns or records).

    A table may sit in a quote, a list, the guidance box or a card, each narrower than the page:
    made for a width fixed in advance, it would draw past the box's edge.
    """

    def __init__(
        self, make: Callable[[float], Any], indent: float = 0.0, before: float = 0.0, after: float = 0.0
    ) -> None:
        super().__init__(None, indent, before, after)
        self.make = make
        self.made_for: float | None = None

    def flowable_for(self, width: float) -> Any:
        if self.made_for != width:
            self.flowable, self.made_for = self.make(width), width
        return self.flowable


class NoteLines(Block):
    """Evenly spaced light rules for handwritten notes; splits between lines."""

    def __init__(self, count: int, spacing: float, colour: Colour) -> None:
        self.count = count
        self.spacing = spacing
        self.colour = colour

    def measure(self, width: float) -> float:
        return self.count * self.spacing

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        fit = int((avail_height + EPS) // self.spacing)
        if fit < 2 or fit >= self.count:
            return []
        return [
            NoteLines(fit, self.spacing, self.colour),
            NoteLines(self.count - fit, self.spacing, self.colour),
        ]

    def render(self, canv: Any, x: float, y: float) -> None:
        ops = [f"q {stroke(self.colour)} 0.4 w"]
        right = x + self.width
        for i in range(self.count):
            line_y = y + self.height - (i + 1) * self.spacing
            ops.append(f"{fp_str(x, line_y)} m {fp_str(right, line_y)} l")
        ops.append("S Q")
        canv._code.append(" ".join(ops))


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

    def render(self, canv: Any, x: float, y: float) -> None:
        if self.rule is not None:
            line_y = y + self.below
            canv._code.append(
                f"q {stroke(self.rule)} 0.5 w {fp_str(x, line_y)} m {fp_str(x + self.width, line_y)} l S Q"
            )


class Mark(Block):
    """Zero-size block that tells the pager where something starts or ends, when it is set."""

    def __init__(self, kind: str, value: Any = None) -> None:
        self.kind = kind
        self.value = value

    def measure(self, width: float) -> float:
        return 0.0

    def render(self, canv: Any, x: float, y: float) -> None:
        pager = getattr(canv, "pager", None)
        if pager is not None:
            pager.mark(self.kind, self.value)


class PageBreak(Block):
    """The next block starts a new page: a right-hand one if `recto` and printing on both sides.

    `template`: the page furniture from the next page on ("front" or "body").
    """

    def __init__(self, *, recto: bool = False, template: str | None = None) -> None:
        self.recto = recto
        self.template = template

    def measure(self, width: float) -> float:
        return 0.0

    def render(self, canv: Any, x: float, y: float) -> None:
        pass


class CondPageBreak(Block):
    """A page break, if less than `height` is left on the page."""

    def __init__(self, height: float) -> None:
        self.room = height

    def measure(self, width: float) -> float:
        return 0.0

    def render(self, canv: Any, x: float, y: float) -> None:
        pass


class Keep(Block):
    """Blocks kept on one page: moved to the next page whole if they fit there, else set as they come."""

    def __init__(self, blocks: Sequence[Any]) -> None:
        self.blocks = list(blocks)
        if self.blocks:
            self.space_before = self.blocks[0].getSpaceBefore()
            self.space_after = self.blocks[-1].getSpaceAfter()
            self.keep_with_next = bool(self.blocks[-1].getKeepWithNext())

    def measure(self, width: float) -> float:
        return stack_height(self.blocks, width)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        return list(self.blocks)  # dissolved: the pager places them one by one

    def render(self, canv: Any, x: float, y: float) -> None:
        render_stack(canv, self.blocks, x, y + self.height)
