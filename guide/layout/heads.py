"""The lines that point elsewhere: question heads with the page of their answer, contents entries.

Each records where it lands (an anchor, an outline entry) and marks the number it prints for
finish.py to draw once every page is laid out, so one layout pass suffices.
"""

from __future__ import annotations

import copy
from typing import Any

from guide.layout.blocks import Block
from guide.layout.kit import Colour
from guide.layout.paragraph import Para

REF_WIDTH = 120.0  # room kept at the right of a head line for "Answer: page A-999"
TOC_NUMBER_WIDTH = 44.0


class HeadLine(Block):
    """A label on the left (wrapped if long) and a page reference on the right, drawn once known.

    When drawn it records its position as an anchor (compose.Anchor) with the title of its outline
    entry, and puts a link over the reference, to `ref_link`: an anchor of the other part.
    """

    def __init__(
        self,
        label: Para,
        *,
        anchor: int = 0,
        outline: str | None = None,
        ref_number: str = "",
        ref_link: int = 0,
        question: str = "",
        topic: str = "",
        title: str = "",
    ) -> None:
        self.label = label
        self.anchor = anchor
        self.outline = outline
        self.ref_number = ref_number
        self.ref_link = ref_link
        self.question = question
        self.topic = topic
        self.title = title  # the question's, for the running head of a page it runs on to

    def _reserve(self) -> float:
        return REF_WIDTH if self.ref_number else 0.0

    def measure(self, width: float) -> float:
        _, height = self.label.wrap(width - self._reserve(), 1e9)
        return float(height)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        # Only a label longer than a page splits: the first part keeps the anchor and the reference.
        parts = self.label.split(avail_width - self._reserve(), avail_height)
        if len(parts) < 2:
            return []
        first = copy.copy(self)
        first.label = parts[0]
        return [first, *parts[1:]]

    def render(self, canv: Any, x: float, y: float) -> None:
        self.label.drawOn(canv, x, y)
        top = y + self.height
        pager = canv.pager
        if self.anchor:
            pager.record_anchor(self.anchor, x, top + 4, self.outline)
        if self.question:
            pager.mark("question", (self.question, self.topic, self.title))
        if self.ref_number:
            style = self.label.style
            baseline = top - style.size  # the label's first baseline
            pager.defer_number(self.ref_number, x + self.width, baseline, "meta")
            if self.ref_link and pager.info.across:
                rect = (
                    x + self.width - REF_WIDTH,
                    baseline - 3,
                    x + self.width,
                    baseline + style.leading - 2,
                )
                canv.record_link(rect, "across", str(self.ref_link))


class ContentsLine(Block):
    """One entry of the contents: its text, dotted leader, and page number; all of it a link."""

    def __init__(self, entry: Para, anchor: int, number_name: str, indent: float, leader: Colour) -> None:
        self.entry = entry
        self.anchor = anchor
        self.number_name = number_name
        self.indent = indent
        self.leader = leader
        self.space_before = entry.space_before
        self.keep_with_next = entry.keep_with_next

    def measure(self, width: float) -> float:
        _, height = self.entry.wrap(width - self.indent - TOC_NUMBER_WIDTH - 8, 1e9)
        return float(height) + self.entry.space_after

    def render(self, canv: Any, x: float, y: float) -> None:
        entry = self.entry
        space = entry.space_after
        entry.drawOn(canv, x + self.indent, y + space)
        style = entry.style
        last_width = entry.last_line_width(entry.width)
        baseline = y + space + style.leading - style.size  # the entry's last baseline
        start = self.indent + min(last_width + 6, entry.width)
        # The dotted leader is drawn with the number, once it is known how wide the number is.
        canv.pager.defer_number(
            self.number_name, x + self.width, baseline, "toc_entry", leader=start - self.width
        )
        canv.record_link(
            (x + self.indent, y + space - 2, x + self.width, y + self.height), "anchor", str(self.anchor)
        )
