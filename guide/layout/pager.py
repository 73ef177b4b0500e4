"""Fill pages with blocks, top to bottom: keeps, splits, page breaks, running heads and folios.

A pager lays out one unit of a part (its front matter, or one topic) on consecutive pages of
its own, so that units can be laid out in any order, by any process: a unit starts on a new
page, and nothing it draws depends on how many pages came before it. What does (the folio, the
page of an answer, the side of the page when printing on both) is marked and drawn once every
unit is laid out (finish.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from guide.layout.blocks import EPS, CondPageBreak, Keep, Mark, PageBreak, Separator, Spacer
from guide.layout.canvas import PageCanvas, defer, draw_line, fit_line, line_width, page_marker
from guide.layout.kit import Kit, stroke

# Where an anchor (compose.Anchor) landed: the anchor, its page (in the unit), x and y (the top of
# what is there). An outline entry: the anchor, and the entry's title.
Landing = tuple[int, int, float, float]
OutlineEntry = tuple[int, str]


@dataclass
class PartInfo:
    """What the page furniture of one part prints."""

    part: str  # "study" or "key"
    title: str
    edition: str
    folio_prefix: str  # "" for the study guide, "A-" for the answer key
    part_label: str
    stamp: str = ""  # a line in the footer of every page, e.g. the candidate a copy was made for
    watermark: str = ""  # light diagonal text behind every page
    across: bool = True  # links to the other part (a candidate's copy goes out without its key)


class TooLarge(Exception):
    """A block that does not fit on an empty page and cannot be split."""


class Pager:
    """Lays out one unit's blocks on pages of its own."""

    def __init__(
        self,
        kit: Kit,
        canv: PageCanvas,
        info: PartInfo,
        *,
        template: str = "body",
        on_page: Callable[[str], None] | None = None,
    ) -> None:
        theme = kit.theme
        self.kit = kit
        self.canv = canv
        self.info = info
        # Pages are laid out as right-hand ones; a left-hand page of a book printed on both sides
        # is moved over to its own margins when it is finished (finish.py).
        self.left = float(theme.margins["inner"])
        self.width = kit.frame_width
        self.bottom = float(theme.margins["bottom"])
        self.top = float(theme.paper[1] - theme.margins["top"])
        self.template = template
        self.pages = 0  # pages finished
        self.store_pages: list[int] = []  # where in the page store each page went
        self.started = False
        self.y = self.top
        self.at_top = True
        self.after = 0.0  # the space asked for after the last block set
        self.anchors: list[Landing] = []
        self.outline: list[OutlineEntry] = []
        self.topic = ""
        # (label, topic, title) while a question is being set
        self.question: tuple[str, str, str] | None = None
        self.page_started_in: tuple[str, str, str] | None = None
        self.current_id = ""  # the question being laid out, for error messages
        self.on_page = on_page

    # --- laying out ------------------------------------------------------------------------------

    def run(self, blocks: Iterable[Any]) -> None:
        """Lay out every block, then finish the last page."""
        for block in _kept_together(blocks):
            self.add(block)
        if self.started:
            self.end_page()

    @property
    def frame_height(self) -> float:
        return self.top - self.bottom

    def add(self, block: Any) -> None:
        kind = type(block)
        if kind is Mark:
            self.mark(block.kind, block.value)
            return
        if kind is PageBreak:
            self.page_break(recto=block.recto, template=block.template)
            return
        if kind is CondPageBreak:
            if self.started and self.y - self.bottom < block.room:
                self.page_break()
            return
        while True:
            if not self.started:
                self.begin_page()
            at_top = self.at_top
            gap = 0.0 if at_top else max(self.after, block.getSpaceBefore())
            room = self.y - self.bottom - gap
            if kind is Separator:
                if not at_top and block.wrap(self.width, room)[1] <= room + EPS:
                    self._set(block, gap)
                    self.after = 0.0
                return
            _, height = block.wrap(self.width, room)
            if height <= room + EPS:
                self._set(block, gap)
                return
            if kind is Spacer:
                return  # space that does not fit at the foot of a page is not carried over
            if kind is Keep:
                if not at_top and height <= self.frame_height + EPS:
                    self.end_page()
                    continue
                for inner in block.blocks:  # too tall for any page: set as it comes
                    self.add(inner)
                return
            parts = block.split(self.width, room)
            if len(parts) > 1:
                _, first = parts[0].wrap(self.width, room)
                if first <= room + EPS:
                    self._set(parts[0], gap)
                    self.end_page()
                    for part in parts[1:]:
                        self.add(part)
                    return
            if at_top:
                raise TooLarge(
                    f"a block {height:.0f} pt tall does not fit on a page {self.frame_height:.0f} pt tall"
                )
            self.end_page()

    def _set(self, block: Any, gap: float) -> None:
        bottom = self.y - gap - block.height
        block.drawOn(self.canv, self.left, bottom)
        self.y = bottom
        self.at_top = False
        self.after = block.getSpaceAfter()

    def page_break(self, *, recto: bool = False, template: str | None = None) -> None:
        """End the page (unless nothing is on it); the next starts a right-hand page if `recto`."""
        if self.started and not self.at_top:
            self.end_page()
        if template is not None:
            self.template = template
        if recto and self.kit.theme.duplex and not self.started and self.pages % 2 == 1:
            # The next page would be a left-hand one: leave it blank, with no furniture (a copy's
            # mark and watermark excepted: they are on every page).
            self.begin_page()
            self.end_page(furniture=False)

    def mark(self, kind: str, value: Any) -> None:
        if kind == "topic":
            self.topic = value
        elif kind == "question":
            self.question = value
        elif kind == "end":
            self.question = None
        elif kind == "id":
            self.current_id = value

    # --- pages -----------------------------------------------------------------------------------

    def begin_page(self) -> None:
        self.started = True
        self.y = self.top
        self.at_top = True
        self.after = 0.0
        self.page_started_in = self.question
        self.canv.pager = self
        if self.info.watermark:
            page_marker(self.canv, "watermark")
        if self.info.stamp:
            self._stamp()

    def end_page(self, *, furniture: bool = True) -> None:
        if furniture and self.template == "body":
            self._running_head()
            page_marker(self.canv, "footer-body")
        elif furniture and self.template == "front":
            page_marker(self.canv, "footer-front")
        self.canv.showPage()
        self.store_pages.append(len(self.canv.store.entries) - 1)
        self.pages += 1
        self.started = False
        if self.on_page is not None:
            self.on_page(self.current_id)

    # --- what blocks tell the pager while they are drawn ------------------------------------------

    def record_anchor(self, anchor: int, x: float, y: float, title: str | None) -> None:
        """Note where an anchor landed; `title`: its outline entry's, if it has one."""
        self.anchors.append((anchor, self.pages, round(x, 2), round(y, 2)))
        if title is not None:
            self.outline.append((anchor, title))

    # --- furniture -------------------------------------------------------------------------------

    def _stamp(self) -> None:
        below_folio = self.bottom - 24 - max(12.0, self.kit.style("header").leading)
        # Cut to the text block's width: the stamp starts with the copy code, which stays.
        stamp = fit_line(self.kit, "header", self.info.stamp, self.width)
        draw_line(self.canv, self.kit, "header", self.left + self.width / 2, below_folio, stamp, "center")

    def _running_head(self) -> None:
        kit = self.kit
        top = self.top + 14
        left, right = self.left, self.left + self.width
        wordings = [self.topic]
        if self.page_started_in is not None:
            label, topic, title = self.page_started_in
            continued = f"{label} ({kit.theme.labels['continued']})"
            # The question's title when it fits beside the guide's, else its topic.
            wordings = [f"{continued} · {title}"] if title else []
            wordings += [f"{continued} · {topic}", continued]
        # Title and topic share the line. The right-hand part tells the reader where they are, so
        # it is kept whole, the richest wording that leaves room for the edition; the title takes
        # the rest, cut short at a word (…), or gives way to the edition alone.
        gap = 12.0
        edition = f" · {self.info.edition}"
        title_width = self.width_of(self.info.title + edition)
        least = gap + self.width_of(self.info.edition)
        running = next(
            (w for w in wordings if title_width + gap + self.width_of(w) <= self.width),
            next((w for w in wordings if self.width_of(w) + least <= self.width), ""),
        ) or fit_line(self.kit, "header", wordings[-1], self.width - least)
        room = self.width - (self.width_of(running) + gap if running else 0)
        title = fit_line(self.kit, "header", self.info.title, room - self.width_of(edition))
        draw_line(self.canv, kit, "header", left, top, title + edition if title else self.info.edition)
        if running:
            draw_line(self.canv, kit, "header", right, top, running, "right")
        self.canv._code.append(
            f"q {stroke(kit.colour('rule'))} 0.4 w {left:.2f} {top - 5:.2f} m {right:.2f} {top - 5:.2f} l S Q"
        )

    def width_of(self, value: str) -> float:
        return line_width(self.kit, "header", value)

    def defer_number(self, name: str, x: float, y: float, style: str, leader: float | None = None) -> None:
        """A number known once every unit is laid out, right-aligned at (x, y)."""
        defer(self.canv, name, x, y, style, leader)


def _kept_together(blocks: Iterable[Any]) -> Iterator[Any]:
    """The blocks, each run kept with the next (a heading, a lead-in) joined to it in a Keep."""
    run: list[Any] = []
    for block in blocks:
        if run and type(block) is Mark:
            run.append(block)
            continue
        if type(block) in (PageBreak, CondPageBreak):
            # A break acts only where the pager meets it: never inside a Keep, where it is nothing.
            if run:
                yield Keep(run)
                run = []
            yield block
            continue
        if block.getKeepWithNext():
            run.append(block)
            continue
        if run:
            yield Keep([*run, block])
            run = []
        else:
            yield block
    if run:
        yield Keep(run)
