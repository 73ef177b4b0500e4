"""Fill pages with blocks, top to bottom: keeps, splits, page breaks, running heads and folios.

A pager lays out one unit of a part (its front matter, or one topic) on consecutive pages of
its own, so that units can be laid out in any order, by any process: a unit starts on a new
page, and nothing it draws depends on how many pages came before it. What does (the folio, the
page of an answer, the side of the page when printing on both) is a placeholder on the page,
resolved once every unit is laid out (finish.py). Each finished Page goes to the pager's sink.

Blocks are placed one at a time from a stack, never by recursion: a block that runs over a
thousand pages is split a thousand times in a loop, each piece set and gone before the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from guide.layout import page, pictured
from guide.layout.blocks import (
    EPS,
    Block,
    CondPageBreak,
    Keep,
    Mark,
    MarkKind,
    MarkValue,
    NoteLines,
    PageBreak,
    Separator,
    Spacer,
)
from guide.layout.kit import Kit
from guide.layout.lines import Align, fit_line, line_width, text_line
from guide.layout.page import Anchor, Colour, Item, Page, Part

LEFT_SHARE = 0.55  # of the running head's line, the most the guide's title, part and edition take


class Landed(NamedTuple):
    """Where an anchor landed: its page (counted in its unit), and x and y on it."""

    anchor: Anchor
    page: int
    x: float
    y: float


@dataclass
class PartInfo:
    """What the page furniture of one part prints."""

    part: Part
    title: str
    edition: str
    folio_prefix: str  # "" for the study guide, "A-" for the answer key
    part_label: str
    stamp: str = ""  # a line in the footer of every page, e.g. the candidate a copy was made for
    watermark: str = ""  # light diagonal text behind every page
    across: bool = True  # links to the other part (a candidate's copy goes out without its key)
    # The interviewer's packet: its header's fields hold these, when it is made for one candidate.
    candidate: str = ""
    copy_code: str = ""


class TooLarge(Exception):
    """A block that does not fit on an empty page and cannot be split."""


Sink = Callable[[Page], int]  # takes a finished page; gives where it was kept


class Pager:
    """Lays out one unit's blocks on pages of its own, giving each finished page to `sink`."""

    def __init__(
        self,
        kit: Kit,
        info: PartInfo,
        sink: Sink,
        *,
        template: str = "body",
        on_page: Callable[[str], None] | None = None,
    ) -> None:
        theme = kit.theme
        self.kit = kit
        self.info = info
        self.sink = sink
        # Pages are laid out as right-hand ones; a left-hand page of a book printed on both sides
        # is moved over to its own margins when it is finished (finish.py).
        self.left = kit.left_margin
        self.width = kit.frame_width
        self.bottom = float(theme.margins["bottom"])
        self.top = float(theme.paper[1] - theme.margins["top"])
        self.template = template
        self.page: Page | None = None  # the page being filled
        self.pages = 0  # pages finished
        self.kept: list[int] = []  # where the sink kept each page
        self.y = self.top
        self.at_top = True
        self.after = 0.0  # the space asked for after the last block set
        self.landed: list[Landed] = []
        self.outline: list[tuple[Anchor, str]] = []  # the anchors of outline entries, with their titles
        self.topic = ""
        # (label, topic, title) while a question is being set
        self.question: tuple[str, str, str] | None = None
        self.page_started_in: tuple[str, str, str] | None = None
        self.current_id = ""  # the question being laid out, for error messages
        self.on_page = on_page
        # The note lines that end what is on the page, and where their last line is: the notes of
        # the page's last question, which grow to fill the page (the theme's fill_pages).
        self.notes: tuple[NoteLines, float] | None = None
        self._left_part = ""  # the running head's left part: the same on every page of the part
        self._stamped: list[page.Static] | None = None  # the stamp's items: the same on every page

    @property
    def frame_height(self) -> float:
        return self.top - self.bottom

    # --- laying out ------------------------------------------------------------------------------

    def run(self, blocks: Iterable[Block]) -> None:
        """Lay out every block, then finish the last page."""
        for block in kept_together(blocks):
            self.place(block)
        if self.page is not None:
            self.end_page()

    def place(self, block: Block) -> None:
        """Set a block where the last one ended, on as many pages as it takes."""
        pending = [block]  # what is left to set, the next last
        while pending:
            self._place(pending.pop(), pending)

    def _place(self, block: Block, pending: list[Block]) -> None:
        kind = type(block)
        if kind is Mark:
            assert isinstance(block, Mark)
            self.mark(block.kind, block.value)
            return
        if kind is PageBreak:
            assert isinstance(block, PageBreak)
            self.page_break(recto=block.recto, template=block.template)
            return
        if kind is CondPageBreak:
            assert isinstance(block, CondPageBreak)
            if self.page is not None and self.y - self.bottom < block.room:
                self.page_break()
            return
        while True:
            if self.page is None:
                self.begin_page()
            at_top = self.at_top
            gap = 0.0 if at_top else max(self.after, block.space_before)
            room = self.y - self.bottom - gap
            if kind is Separator:
                if not at_top and block.wrap(self.width, room) <= room + EPS:
                    notes = self.notes
                    self._set(block, gap)
                    self.after = 0.0
                    if notes is not None and getattr(block, "rule", None) is None:
                        self.notes = notes  # space alone after the notes: they still end the page
                return
            height = block.wrap(self.width, room)
            if height <= room + EPS:
                apart = block.keep_with_next and not at_top
                if apart and not self._next_starts(block, pending, room - height):
                    # A label set alone (its keep too tall for a page) never ends a page apart
                    # from what it heads: it goes on to the next page with it.
                    self.end_page()
                    continue
                self._set(block, gap)
                return
            if kind is Spacer:
                return  # space that does not fit at the foot of a page is not carried over
            if isinstance(block, Keep):
                if not at_top and height <= self.frame_height + EPS:
                    self.end_page()
                    continue
                pending.extend(reversed(block.blocks))  # too tall for any page: set as it comes
                return
            parts = block.split(self.width, room)
            if len(parts) > 1 and parts[0].wrap(self.width, room) <= room + EPS:
                self._set(parts[0], gap)
                self.end_page()
                pending.extend(reversed(parts[1:]))
                return
            if at_top:
                raise TooLarge(
                    f"a block {height:.0f} pt tall does not fit on a page {self.frame_height:.0f} pt tall"
                )
            self.end_page()

    def _next_starts(self, block: Block, pending: list[Block], room: float) -> bool:
        """Whether the block to be set after `block` (the last of `pending` that is not a Mark)
        starts in `room` under it: whole, or a first piece of it."""
        following = next((b for b in reversed(pending) if type(b) is not Mark), None)
        if following is None:
            return True
        return self._starts(following, room - max(block.space_after, following.space_before))

    def _starts(self, block: Block, room: float) -> bool:
        """Whether a block, or a first piece of it, fits in `room` (as _place would set it there)."""
        if room < -EPS:
            return False
        if type(block) in (PageBreak, CondPageBreak, Separator, Spacer):
            return True
        height = block.wrap(self.width, room)
        if height <= room + EPS:
            return True
        if isinstance(block, Keep):
            if height <= self.frame_height + EPS:
                return False  # it goes on to the next page whole
            first = next((b for b in block.blocks if type(b) is not Mark), None)
            return first is None or self._starts(first, room)
        parts = block.split(self.width, room)
        return len(parts) > 1 and parts[0].wrap(self.width, room) <= room + EPS

    def _set(self, block: Block, gap: float) -> None:
        bottom = self.y - gap - block.height
        block.draw(self, self.left, bottom)
        self.y = bottom
        self.at_top = False
        self.after = block.space_after
        last = block
        while isinstance(last, Keep) and last.blocks:
            last = last.blocks[-1]
        self.notes = (last, bottom) if isinstance(last, NoteLines) else None

    def page_break(self, *, recto: bool = False, template: str | None = None) -> None:
        """End the page (unless nothing is on it); the next starts a right-hand page if `recto`."""
        if self.page is not None and not self.at_top:
            self.end_page()
        if template is not None:
            self.template = template
        if recto and self.kit.theme.duplex and self.page is None and self.pages % 2 == 1:
            # The next page would be a left-hand one: leave it blank, with no furniture (a copy's
            # mark and watermark excepted: they are on every page).
            self.begin_page()
            self.end_page(furniture=False)

    # --- what blocks tell the pager while they are drawn (blocks.Out) ----------------------------------

    def add(self, item: Item) -> None:
        """Put an item on the page being filled; note where anchors land."""
        assert self.page is not None
        self.page.items.append(item)
        if type(item) is page.Landing:
            assert isinstance(item, page.Landing)
            self.landed.append(Landed(item.anchor, self.pages, item.x, item.y))
            if item.outline is not None:
                self.outline.append((item.anchor, item.outline))

    def mark(self, kind: MarkKind, value: MarkValue) -> None:
        if kind == "topic" and isinstance(value, str):
            self.topic = value
        elif kind == "question" and isinstance(value, tuple):
            self.question = value
        elif kind == "end":
            self.question = None
        elif kind == "id" and isinstance(value, str):
            self.current_id = value

    # --- pages -----------------------------------------------------------------------------------

    def begin_page(self) -> None:
        self.page = Page()
        self.y = self.top
        self.at_top = True
        self.after = 0.0
        self.page_started_in = self.question
        self.notes = None
        if self.info.stamp:
            self._stamp()

    def end_page(self, *, furniture: bool = True) -> None:
        assert self.page is not None
        if self.notes is not None and self.kit.theme.fill_pages:
            self._fill_notes(*self.notes)
        self.notes = None
        if furniture and self.template == "body":
            self._running_head()
            self.page.add(page.Footer("body"))
        elif furniture and self.template == "front":
            self._running_head(front=True)
            self.page.add(page.Footer("front"))
        elif furniture and self.template == "packet":
            self._form_head()
            self.page.add(page.Footer("body"))
        if self.info.watermark:
            # Over everything else, seen through: it never hides a box or the text in it.
            self.page.add(page.Watermark(self.info.watermark))
        self.kept.append(self.sink(self.page))
        self.page = None
        self.pages += 1
        if self.on_page is not None:
            self.on_page(self.current_id)

    def _fill_notes(self, notes: NoteLines, bottom: float) -> None:
        """More note lines under the last ones on the page, evenly spaced, down to its foot."""
        assert self.page is not None
        y = bottom - notes.spacing
        while y >= self.bottom - EPS:
            self.page.add(page.Rule(self.left, y, self.left + self.width, y, 0.4, notes.colour))
            y -= notes.spacing

    # --- furniture -------------------------------------------------------------------------------

    def _stamp(self) -> None:
        """The line naming whom a copy is for, centred under the folio: the same on every page."""
        assert self.page is not None
        if self._stamped is None:
            below_folio = self.bottom - 24 - max(12.0, self.kit.style("header").leading)
            # Cut to the text block's width: the stamp starts with the copy code, which stays. A
            # name's emoji are drawn (pictured.py), as they are on its cover and in its watermark.
            stamp = pictured.fit(self.kit, "header", self.info.stamp, self.width)
            items, width = pictured.line(self.kit, "header", stamp, self.kit.colour("muted"))
            self._stamped = pictured.moved(items, self.left + (self.width - width) / 2, below_folio)
        for item in self._stamped:
            self.page.add(item)

    def _running_head(self, *, front: bool = False) -> None:
        """The guide's title, the part and the edition on the left, the same on every page of the
        part; on the right (but in the front matter) the topic, or the question a page continues,
        in the richest wording that fits beside them, cut short at a word if none does."""
        assert self.page is not None
        kit = self.kit
        top = self.top + 14
        left, right = self.left, self.left + self.width
        gap = 12.0
        if not self._left_part:
            self._left_part = self._left_wording(gap)
        # Mirrored in a right-to-left book: the title at the right, where the reader starts.
        start, end = (right, left) if kit.rtl else (left, right)
        self.page.add(text_line(kit, "header", start, top, self._left_part, "right" if kit.rtl else "left"))
        wordings = [] if front else [self.topic]
        if self.page_started_in is not None and not front:
            label, topic, title = self.page_started_in
            continued = f"{label} ({kit.theme.labels['continued']})"
            # The question's title when it fits beside the guide's, else its topic.
            wordings = [f"{continued} · {title}"] if title else []
            wordings += [f"{continued} · {topic}", continued]
        room = self.width - self.width_of(self._left_part) - gap
        running = next((w for w in wordings if w and self.width_of(w) <= room), "")
        if not running and wordings:
            running = fit_line(kit, "header", wordings[-1], room)
        if running:
            self.page.add(text_line(kit, "header", end, top, running, "left" if kit.rtl else "right"))
        self.page.add(page.Rule(left, top - 5, right, top - 5, 0.4, kit.colour("rule")))

    def _form_head(self) -> None:
        """The head of a page of the interviewer's packet: the guide and edition, then fields to
        fill in for the candidate's name, the interviewer and the date (the candidate's name and
        copy code printed in, in a packet made for one candidate). Mirrored in a right-to-left
        guide: the title and the candidate's field at the right, where the reader starts."""
        assert self.page is not None
        kit, labels = self.kit, self.kit.theme.labels
        left, width = self.left, self.width
        mirror = 2 * left + width  # x ↦ mirror - x: across the text block

        def line(x: float, y: float, value: str, align: Align = "left", colour: Colour | None = None) -> None:
            if kit.rtl:
                x, align = mirror - x, "right" if align == "left" else "left"
            assert self.page is not None
            self.page.add(text_line(kit, "header", x, y, value, align, colour))

        def rule(start: float, end: float, y: float) -> None:
            if kit.rtl:
                start, end = mirror - end, mirror - start
            assert self.page is not None
            self.page.add(page.Rule(start, y, end, y, 0.5, kit.colour("rule")))

        baseline = self.top + 14
        above = baseline + max(kit.style("header").leading, 9.0) + 14
        # On the other side: the question a page continues, and the copy a candidate's packet is for.
        right = []
        if self.page_started_in is not None:
            right.append(f"{self.page_started_in[0]} ({labels['continued']})")
        if self.info.copy_code:
            right.append(f"{labels['copy']} {self.info.copy_code}")
        copy = " · ".join(right)
        room = width - (self.width_of(copy) + 12 if copy else 0)
        edition = f" · {self.info.edition}"
        title = fit_line(kit, "header", self.info.title, room - self.width_of(edition))
        line(left, above, title + edition if title else self.info.edition)
        if copy:
            line(left + width, above, copy, "right")
        fields = (("candidate", 0.45, self.info.candidate), ("interviewer", 0.33, ""), ("date", 0.22, ""))
        x = left
        for key, share, value in fields:
            cell = width * share
            name = labels[key]
            line(x, baseline, name)
            start = x + self.width_of(name) + 4
            end = max(x + cell - (10 if key != "date" else 0), start + 12)  # a long label keeps a line
            if value:  # the candidate's name, its emoji drawn (pictured.py)
                shown = pictured.fit(kit, "header", value, end - start - 2)
                items, drawn = pictured.line(kit, "header", shown, kit.colour("text"))
                at = mirror - (start + 2) - drawn if kit.rtl else start + 2
                for item in pictured.moved(items, at, baseline + 2):
                    self.page.add(item)
            rule(start, end, baseline - 2)
            x += cell

    def _left_wording(self, gap: float) -> str:
        """'Title · Answer key · 2026.1': the part named unless the title ends with its name, the
        title cut short at a word to leave the right half of the line to the topic."""
        info = self.info
        part = info.part_label
        named = info.title.casefold().endswith(part.casefold())
        suffix = (f" · {part}" if not named else "") + f" · {info.edition}"
        share = self.width * LEFT_SHARE - gap / 2
        whole = info.title
        study = self.kit.theme.labels.get("study_guide", "")
        if not named and study and whole.casefold().endswith(" " + study.casefold()):
            # "AI Engineer Interview Study Guide" on the key's pages: "… Interview · Answer key",
            # never a key's page headed "Study Guide", nor the title cut to "Study…" to fit.
            whole = whole[: -len(study)].rstrip(" ·:-–—")
        title = fit_line(self.kit, "header", whole, share - self.width_of(suffix))
        if not title:
            return f"{part} · {info.edition}"
        return title + suffix

    def width_of(self, value: str) -> float:
        return line_width(self.kit, "header", value)


def kept_together(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks, each run kept with the next (a heading, a lead-in) joined to it in a Keep."""
    run: list[Block] = []
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
        if block.keep_with_next:
            run.append(block)
            continue
        if run:
            yield Keep([*run, block])
            run = []
        else:
            yield block
    if run:
        yield Keep(run)
