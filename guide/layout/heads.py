"""The lines that point elsewhere: question heads with the page of their answer, contents entries.

Each puts where it lands on its page (a Landing, with its outline entry) and a placeholder for
the number it prints, which finish.py draws once every page of both parts is numbered: one
layout pass suffices.
"""

from __future__ import annotations

from guide.layout import page
from guide.layout.blocks import Block, Out
from guide.layout.kit import font
from guide.layout.page import Anchor, Colour, Part
from guide.layout.paragraph import Para, width_of

REF_WIDTH = 120.0  # room kept at the right of a head line for "Answer: page A-999"
TOC_NUMBER_WIDTH = 44.0
LEADER_GAP = 6.0  # between a contents entry's text and its dotted leader, and the leader and the number


class HeadLine(Block):
    """A label on the left (wrapped if long), and on the right the page of the same question in
    the other part (`ref`: that part and the theme's label for it), linked to it.

    When drawn it puts its anchor on the page with the title of its outline entry, and tells
    the pager that `question` (its label, topic and title) is being set, for the running heads.
    """

    def __init__(
        self,
        label: Para,
        *,
        anchor: Anchor | None = None,
        outline: str | None = None,
        ref: tuple[Part, str] | None = None,
        question: tuple[str, str, str] | None = None,
    ) -> None:
        self.label = label
        self.anchor = anchor
        self.outline = outline
        self.ref = ref
        self.question = question

    def _reserve(self) -> float:
        return REF_WIDTH if self.ref is not None else 0.0

    def measure(self, width: float) -> float:
        return self.label.wrap(width - self._reserve(), 1e9)

    def split(self, width: float, height: float) -> list[Block]:
        # Only a label longer than a page splits: the first part keeps the anchor and the reference.
        parts = self.label.split(width - self._reserve(), height)
        if len(parts) < 2 or not isinstance(parts[0], Para):
            return []
        first = HeadLine(
            parts[0], anchor=self.anchor, outline=self.outline, ref=self.ref, question=self.question
        )
        return [first, *parts[1:]]

    def draw(self, out: Out, x: float, y: float) -> None:
        rtl = self.label.style.rtl  # right to left: the label at the right, the page at the left
        self.label.draw(out, x + self._reserve() if rtl else x, y)
        top = y + self.height
        if self.anchor is not None:
            out.add(page.Landing(self.anchor, round(x, 2), round(top + 4, 2), self.outline))
        if self.question is not None:
            out.mark("question", self.question)
        if self.ref is not None and self.anchor is not None:
            part, label = self.ref
            style = self.label.style
            baseline = top - self.label.baselines()[0]  # the label's first baseline
            right = x + self.width
            if rtl:  # the reference starts at x (finish.py knows the guide's direction)
                out.add(page.PageRef(x, baseline, "meta", self.anchor, part, label))
                right = x + REF_WIDTH
            else:
                out.add(page.PageRef(right, baseline, "meta", self.anchor, part, label))
            rect = (right - REF_WIDTH, baseline - 3, right, baseline + style.leading - 2)
            out.add(page.Link(rect, page.PlaceTarget(self.anchor, other_part=True)))


class ContentsLine(Block):
    """One entry of the contents: its number right-aligned in a column `number` = (text, width)
    wide (the entry's text hangs clear of it), its text, dotted leader, and page number; all of it
    a link."""

    def __init__(
        self,
        entry: Para,
        anchor: Anchor,
        indent: float,
        leader: Colour | None,
        number: tuple[str, float] | None = None,
    ) -> None:
        self.entry = entry
        self.anchor = anchor
        self.indent = indent
        self.leader = leader
        self.number = number
        self.space_before = entry.space_before
        self.keep_with_next = entry.keep_with_next

    def measure(self, width: float) -> float:
        return self.entry.wrap(width - self.indent - TOC_NUMBER_WIDTH - 8, 1e9) + self.entry.space_after

    def draw(self, out: Out, x: float, y: float) -> None:
        entry = self.entry
        space = entry.space_after
        style = entry.style
        rtl = style.rtl  # mirrored: the entry and its number at the right, the page number at the left
        left = x + self.width - self.indent - entry.width if rtl else x + self.indent
        if self.number is not None:  # drawn first: copied text reads "12. Title", as it looks
            text, column = self.number
            first = y + self.height - entry.baselines()[0]  # the entry's first baseline
            width = width_of(font(style.face), style.face, style.size, text)
            run = page.Run(style.face, style.size, style.colour, text)
            # Each number flush against the column's side nearest the text.
            at = x + self.width - self.indent - column if rtl else x + self.indent + column - width
            out.add(page.TextLine(at, first, (run,)))
        entry.draw(out, left, y + space)
        if self.leader is None:  # a line that leads nowhere: no page to give (a retired question)
            return
        reach = min(entry.last_line_width(entry.width) + LEADER_GAP, entry.width)
        baseline = y + space + entry.baselines()[1]  # the entry's last baseline
        # The dotted leader is drawn with the number, once it is known how wide the number is:
        # from where the entry's last line ends to the page number.
        if rtl:
            out.add(page.ContentsNumber(x, baseline, "toc_entry", self.anchor, left + entry.width - reach))
            rect = (x, y + space - 2, x + self.width - self.indent, y + self.height)
        else:
            out.add(page.ContentsNumber(x + self.width, baseline, "toc_entry", self.anchor, left + reach))
            rect = (x + self.indent, y + space - 2, x + self.width, y + self.height)
        out.add(page.Link(rect, page.PlaceTarget(self.anchor)))
