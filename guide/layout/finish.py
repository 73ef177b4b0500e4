"""Finish laid-out pages once every unit of both parts is laid out and numbered.

Each placeholder a page holds (page.py) becomes items, drawn after the page's own: folios and
"Page 3 of 120", contents numbers with their dotted leaders, the page of an answer under its
question and back; the watermark of a candidate's copy goes over the page, see-through. A left-hand page of
a book printed on both sides is moved over to its own margins. Then the content is compressed,
ready to be copied into the PDFs.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from guide.layout import page, pictured
from guide.layout.draw import Drawer
from guide.layout.heads import LEADER_GAP
from guide.layout.kit import Kit
from guide.layout.lines import Align, line_width, text_line
from guide.layout.page import Placeholder
from guide.layout.pager import PartInfo

# A watermark darkens the paper by a fifth where it is drawn: seen on any printer (at 5 % it
# vanished), read through (it is drawn over the page, boxes and text included, see-through).
WATERMARK_GREY = 0.2
DOT, DOT_PITCH = 0.6, 3.4  # a leader's dots: their size, and from one to the next
EPS = 1e-6

if TYPE_CHECKING:
    from guide.layout.units import Numbering


@dataclass(frozen=True)
class PartNumbers:
    """How a part's pages are numbered: front matter i, ii …, then the body 1, 2 … (A-1 … in the key)."""

    pages: int
    body_start: int  # index of the first body page
    prefix: str

    def folio(self, index: int) -> str:
        return folio(self.prefix, self.body_start, index)


def folio(prefix: str, body_start: int, index: int) -> str:
    """The printed folio of a part's page: roman numerals in the front matter, then arabic."""
    if index < body_start:
        return prefix + roman(index + 1)
    return f"{prefix}{index - body_start + 1}"


def roman(number: int) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = []
    for value, numeral in numerals:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


class Resolver:
    """Resolves the placeholders of finished pages into items, drawn by the drawer that drew them."""

    def __init__(self, kit: Kit, drawer: Drawer, numbering: Numbering) -> None:
        self.kit = kit
        self.drawer = drawer
        self.numbering = numbering
        theme = kit.theme
        self.left = kit.left_margin
        self.right = self.left + kit.frame_width
        self.footer_y = float(theme.margins["bottom"]) - 24
        self.shift = kit.shift
        self._watermarks: dict[tuple[str, bool], page.Group] = {}  # the same on every page of its side

    def finish(
        self,
        content: str,
        placeholders: Sequence[tuple[int, Placeholder]],
        info: PartInfo,
        numbers: PartNumbers,
        index: int,
        level: int = 6,
    ) -> bytes:
        """A page's content with its placeholders drawn where they stand (`placeholders`: each
        with its place in the content), moved to its side of the book, compressed."""
        right_hand = index % 2 == 0  # the first page of a part is a right-hand one
        pieces: list[str] = []
        done = 0
        for place, item in placeholders:
            if isinstance(item, page.Watermark):
                items: list[page.Static] = [self._watermark(item.text, right_hand)]
            elif isinstance(item, page.Footer):
                items = self._footer(item, info, numbers, index, right_hand)
            elif isinstance(item, page.PageRef):
                folio = self.numbering.folio(item.part, item.anchor)
                value = self.kit.theme.labels[item.label].format(page=folio)
                items = self._number(item.x, item.y, value, item.style, None)
            else:
                folio = self.numbering.folio(info.part, item.anchor)
                items = self._number(item.x, item.y, folio, item.style, item.leader)
            pieces.append(content[done:place])
            pieces.append(self.drawer.content(items) + "\n")
            done = place
        pieces.append(content[done:])
        content = "".join(pieces).rstrip("\n")
        if self.shift and not right_hand and content:
            content = f"q 1 0 0 1 {self.shift:g} 0 cm\n{content}\nQ"
        return zlib.compress(content.encode("latin-1"), level)

    def _footer(
        self, footer: page.Footer, info: PartInfo, numbers: PartNumbers, index: int, right_hand: bool
    ) -> list[page.Static]:
        """The folio on the outer corner, where a reader's thumb finds it; in the body, the part's
        name opposite and "Page 3 of 120". A right-to-left book has them mirrored."""
        kit, y = self.kit, self.footer_y
        line = self._mirrored if kit.rtl else text_line
        outer_right = right_hand or not kit.theme.duplex
        if footer.kind == "front":
            x = self.right if outer_right else self.left
            return [line(kit, "header", x, y, numbers.folio(index), "right" if outer_right else "left")]
        labels = kit.theme.labels
        body_pages = numbers.pages - numbers.body_start
        phrase = f"{labels['page']} {numbers.folio(index)} {labels['of']} {body_pages}"
        if outer_right:
            return [
                line(kit, "header", self.left, y, info.part_label),
                line(kit, "header", self.right, y, phrase, "right"),
            ]
        return [
            line(kit, "header", self.left, y, phrase),
            line(kit, "header", self.right, y, info.part_label, "right"),
        ]

    def _mirrored(
        self, kit: Kit, style: str, x: float, y: float, value: str, align: Align = "left"
    ) -> page.TextLine:
        """A line of page furniture where a right-to-left book has it: across the text block."""
        flipped: Align = "right" if align == "left" else "left" if align == "right" else align
        return text_line(kit, style, self.left + self.right - x, y, value, flipped)

    def _number(self, x: float, y: float, value: str, style: str, leader: float | None) -> list[page.Static]:
        """A number ending at x on baseline y, with a dotted leader from `leader` up to it; in a
        right-to-left book, starting at x, the leader from it up to `leader`."""
        # A number set at the end of a line of text starts with a space, so that copied text
        # reads "Deep learning 5" and "QUESTION 2 Answer: page A-1", not "learning5".
        figures = line_width(self.kit, style, value)
        if self.kit.rtl:
            line = text_line(self.kit, style, x, y, value + " ", "left")
            dots = [] if leader is None else self._leader(x + figures + LEADER_GAP, leader, y)
        else:
            line = text_line(self.kit, style, x, y, " " + value, "right")
            dots = [] if leader is None else self._leader(leader, x - figures - LEADER_GAP, y)
        return [line, *dots]

    def _leader(self, start: float, end: float, y: float) -> list[page.Static]:
        """A dotted leader between start and end on baseline y: its dots stand on one grid down the
        page, as a book sets them; none where there is no room for a few."""
        first = self.left + math.ceil((start - self.left) / DOT_PITCH - EPS) * DOT_PITCH
        last = self.left + math.floor((end - self.left) / DOT_PITCH + EPS) * DOT_PITCH
        if last - first < 2 * DOT_PITCH:
            return []
        return [page.Rule(first, y, last + DOT, y, DOT, self.kit.colour("rule"), dash=(DOT, DOT_PITCH - DOT))]

    def _watermark(self, value: str, right_hand: bool) -> page.Group:
        """Light diagonal text across the middle of the page, cut short rather than off the page."""
        key = (value, right_hand)
        found = self._watermarks.get(key)
        if found is not None:
            return found
        kit = self.kit
        width, height = kit.theme.paper
        centre_x = width / 2 - (0.0 if right_hand else self.shift)
        size = 40.0
        style = kit.derive("cover_title", "watermark", size=size)
        colour = kit.colour("muted")
        # A name's emoji are drawn, as images (pictured.py), as they are in the stamp.
        items, drawn = pictured.line(kit, style.name, value, colour)
        while size > 10 and drawn > height * 0.8:
            size -= 2
            style = kit.derive("cover_title", f"watermark{size:g}", size=size)
            items, drawn = pictured.line(kit, style.name, value, colour)
        if drawn > height * 0.8:
            items, drawn = pictured.line(
                kit, style.name, pictured.fit(kit, style.name, value, height * 0.8) or "…", colour
            )
        # Turned 54° about the middle of the page, light enough to read the page through.
        turn = (0.587785, 0.809017, -0.809017, 0.587785, centre_x, height / 2)
        darkness = 1 - (0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2])
        opacity = round(min(1.0, WATERMARK_GREY / max(darkness, 0.01)), 3)
        found = page.Group(turn, tuple(pictured.moved(items, -drawn / 2, -size / 3)), opacity=opacity)
        self._watermarks[key] = found
        return found
