"""Flowables of our own: question heads that record where they land, ruled note lines, contents lines.

Numbers that depend on where other things land (the page of an answer, the page count) are
drawn once both parts are laid out (PartDocument.defer), so one layout pass suffices.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as ReportLabParagraph
from reportlab.platypus.doctemplate import ActionFlowable, PageBegin

REF_WIDTH = 120.0  # room kept at the right of a head line for "Answer: page A-999"
TOC_NUMBER_WIDTH = 44.0


class Paragraph(ReportLabParagraph):  # type: ignore[misc]
    """ReportLab's paragraph, broken into lines once for each width it is asked to fit.

    A block kept together is wrapped to be measured, then each of its paragraphs again to be
    placed, and ReportLab breaks the lines anew every time: a seventh of the layout's time.
    The lines depend only on the width (and the style, which does not change), so the last
    wrap's result stands while the width is the same.
    """

    _wrapped_at: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width == self._wrapped_at and hasattr(self, "blPara"):  # split() may drop the lines
            return (self.width, self.height)
        size: tuple[float, float] = super().wrap(avail_width, avail_height)
        # A width too narrow for any text is answered without lines: not worth remembering.
        self._wrapped_at = avail_width if hasattr(self, "blPara") else None
        return size


class Mark(Flowable):  # type: ignore[misc]
    """Zero-size flowable that tells the document where something starts or ends."""

    def __init__(self, kind: str, value: Any = None) -> None:
        super().__init__()
        self.kind = kind
        self.value = value
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        self.canv._doctemplate.on_mark(self.kind, self.value)


class RectoBreak(ActionFlowable):  # type: ignore[misc]
    """A page break that, when printing duplex, also skips a page so the next one is right-hand."""

    def __init__(self, duplex: bool) -> None:
        super().__init__(("pageBreak",))
        self.duplex = duplex

    def apply(self, doc: Any) -> None:
        doc.handle_pageBreak()  # ends the page, and leaves the next one to begin when needed
        if self.duplex and doc.canv.getPageNumber() % 2 == 0:
            # The next page would be a left-hand one: begin it now, leave it blank, end it.
            if doc._hanging and doc._hanging[-1] is PageBegin:
                doc._hanging.pop()
            doc.handle_pageBegin()
            doc.blank_pages.add(doc.page)  # no running head, no folio
            doc.handle_pageBreak()


class HeadLine(Flowable):  # type: ignore[misc]
    """A label on the left (wrapped if long) and a page reference on the right, drawn once known.

    When drawn it records its position as an anchor, adds a bookmark and an outline entry,
    and puts a link over the reference, to `ref_link`: an anchor of the other part.
    """

    def __init__(
        self,
        label: Paragraph,
        *,
        anchor: str = "",
        outline: tuple[str, int] | None = None,
        ref_number: str = "",
        ref_link: str = "",
        question: str = "",
        topic: str = "",
    ) -> None:
        super().__init__()
        self.label = label
        self.anchor = anchor
        self.outline = outline
        self.ref_number = ref_number
        self.ref_link = ref_link
        self.question = question
        self.topic = topic

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        reserve = REF_WIDTH if self.ref_number else 0
        _, self.label_height = self.label.wrap(avail_width - reserve, avail_height)
        self.height = self.label_height
        return (self.width, self.height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # Only a label longer than a page splits: the first part keeps the anchor and the reference.
        reserve = REF_WIDTH if self.ref_number else 0
        parts = self.label.split(avail_width - reserve, avail_height)
        if len(parts) < 2:
            return []
        first = HeadLine(
            parts[0],
            anchor=self.anchor,
            outline=self.outline,
            ref_number=self.ref_number,
            ref_link=self.ref_link,
            question=self.question,
            topic=self.topic,
        )
        return [first, *parts[1:]]

    def draw(self) -> None:
        canv = self.canv
        doc = canv._doctemplate
        self.label.drawOn(canv, 0, 0)
        top = self.height
        if self.anchor:
            doc.record_anchor(self.anchor, canv.absolutePosition(0, top + 4), self.outline)
        doc.on_mark("question", (self.question, self.topic))
        if self.ref_number:
            leading = self.label.style.leading
            baseline = top - self.label.style.fontSize  # the label's first baseline
            canv.saveState()
            canv.translate(self.width, baseline)
            doc.defer(self.ref_number)
            canv.restoreState()
            if self.ref_link:
                rect = (self.width - REF_WIDTH, baseline - 3, self.width, baseline + leading - 2)
                doc.link_across(self.ref_link, rect)


class NoteLines(Flowable):  # type: ignore[misc]
    """Evenly spaced light rules for handwritten notes; splits between lines."""

    def __init__(self, count: int, spacing: float, colour: Color) -> None:
        super().__init__()
        self.count = count
        self.spacing = spacing
        self.colour = colour

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.count * self.spacing
        return (self.width, self.height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fit = int(avail_height // self.spacing)
        if fit < 2 or fit >= self.count:
            return []
        return [
            NoteLines(fit, self.spacing, self.colour),
            NoteLines(self.count - fit, self.spacing, self.colour),
        ]

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(self.colour)
        canv.setLineWidth(0.4)
        for i in range(self.count):
            y = self.height - (i + 1) * self.spacing
            canv.line(0, y, self.width, y)
        canv.restoreState()


class ContentsLine(Flowable):  # type: ignore[misc]
    """One entry of the contents: its text, dotted leader, and page number; all of it a link."""

    def __init__(self, entry: Paragraph, anchor: str, number_name: str, indent: float, leader: Color) -> None:
        super().__init__()
        self.entry = entry
        self.anchor = anchor
        self.number_name = number_name
        self.indent = indent
        self.leader = leader

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        _, self.height = self.entry.wrap(avail_width - self.indent - TOC_NUMBER_WIDTH - 8, avail_height)
        self.height += self.entry.style.spaceAfter
        return (self.width, self.height)

    def draw(self) -> None:
        canv = self.canv
        space = self.entry.style.spaceAfter
        self.entry.drawOn(canv, self.indent, space)
        lines = getattr(self.entry, "blPara", None)
        last_width = 0.0
        if lines is not None and getattr(lines, "lines", None):
            last = lines.lines[-1]
            last_width = self.entry.width - (last.extraSpace if hasattr(last, "extraSpace") else last[0])
        leading = self.entry.style.leading
        baseline = space + leading - self.entry.style.fontSize  # the entry's last baseline
        start = self.indent + min(last_width + 6, self.entry.width)
        canv.saveState()
        canv.translate(self.width, baseline)
        # The dotted leader is drawn with the number, once it is known how wide the number is.
        self.canv._doctemplate.defer(self.number_name, leader=(start - self.width, self.leader))
        canv.restoreState()
        canv.linkRect(
            "", self.anchor, (self.indent, space - 2, self.width, self.height), relative=1, thickness=0
        )


class Separator(Flowable):  # type: ignore[misc]
    """Space between two questions, with an optional rule in its middle, that never makes a page.

    At the top of a page, or where it does not fit at the foot of one, it takes no room and draws
    nothing: a trailing space or rule pushed onto a page of its own made an empty page.
    """

    def __init__(self, above: float, below: float = 0.0, rule: Color | None = None) -> None:
        super().__init__()
        self.above = above
        self.below = below
        self.rule = rule
        self.shown = False

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        full = self.above + self.below
        frame = getattr(self, "_frame", None)
        self.shown = not getattr(frame, "_atTop", False) and avail_height >= full
        self.width = avail_width
        self.height = full if self.shown else 0
        return (self.width, self.height)

    def draw(self) -> None:
        if self.shown and self.rule is not None:
            canv = self.canv
            canv.saveState()
            canv.setStrokeColor(self.rule)
            canv.setLineWidth(0.5)
            canv.line(0, self.below, self.width, self.below)
            canv.restoreState()
