"""Finish laid-out pages once every unit of both parts is laid out and numbered.

Each marker a page holds is replaced by its drawing: folios and "Page 3 of 120", contents
numbers with their dotted leaders, the page of an answer under its question and back, the
watermark of a candidate's copy. A left-hand page of a book printed on both sides is moved
over to its own margins. Then the content is compressed, ready to be copied into the PDFs.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.rl_accel import fp_str

from guide.layout.canvas import (
    MARKED,
    PageCanvas,
    draw_line,
    draw_spans,
    fit_line,
    spans_width,
    style_spans,
)
from guide.layout.kit import Kit, stroke
from guide.layout.pager import PartInfo

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
    """Draws what pages marked, in the fonts of the process that laid them out."""

    def __init__(self, kit: Kit, canv: PageCanvas, numbering: Numbering) -> None:
        self.kit = kit
        self.canv = canv
        self.numbering = numbering
        theme = kit.theme
        self.left = float(theme.margins["inner"])
        self.right = self.left + kit.frame_width
        self.footer_y = float(theme.margins["bottom"]) - 24
        self.shift = kit.shift
        self._watermarks: dict[tuple[str, bool], str] = {}  # the same on every page of its side

    def finish(self, content: str, info: PartInfo, numbers: PartNumbers, index: int, level: int = 6) -> bytes:
        """A page's content with its markers drawn, moved to its side of the book, compressed."""
        right_hand = index % 2 == 0  # the first page of a part is a right-hand one
        if "\x00" in content:
            content = MARKED.sub(
                lambda found: self._drawing(found[1], info, numbers, index, right_hand), content
            )
        if self.shift and not right_hand and content:
            content = f"q 1 0 0 1 {fp_str(self.shift)} 0 cm\n{content}\nQ"
        return zlib.compress(content.encode("latin-1"), level)

    def _drawing(
        self, marker: str, info: PartInfo, numbers: PartNumbers, index: int, right_hand: bool
    ) -> str:
        name, style, leader = marker.split(" ")
        canv = self.canv
        page_code = canv._code
        canv._code = []  # the drawing is caught here rather than added to a page
        try:
            if name == "footer-body":
                self._body_footer(info, numbers, index, right_hand)
            elif name == "footer-front":
                x = self.right if right_hand or not self.kit.theme.duplex else self.left
                align_to = "right" if right_hand or not self.kit.theme.duplex else "left"
                draw_line(canv, self.kit, "header", x, self.footer_y, numbers.folio(index), align_to)
            elif name == "watermark":
                key = (info.watermark, right_hand)
                if key not in self._watermarks:
                    self._watermark(info.watermark, right_hand)
                    self._watermarks[key] = "\n".join(canv._code)
                return self._watermarks[key]
            else:
                self._number(self._value(name, info), style, None if leader == "-" else float(leader))
            return "\n".join(canv._code)
        finally:
            canv._code = page_code

    def _value(self, name: str, info: PartInfo) -> str:
        """The text of a deferred number: a contents entry's page, or the page of a question's
        answer (in the study guide) or of an answer's question (in the key)."""
        kind, anchor = name.split("-", 1)
        if kind == "toc":
            return self.numbering.folio(info.part, int(anchor))
        other, label = ("key", "answer_ref") if info.part == "study" else ("study", "question_ref")
        return self.kit.theme.labels[label].format(page=self.numbering.folio(other, int(anchor)))

    def _body_footer(self, info: PartInfo, numbers: PartNumbers, index: int, right_hand: bool) -> None:
        labels = self.kit.theme.labels
        body_pages = numbers.pages - numbers.body_start
        phrase = f"{labels['page']} {numbers.folio(index)} {labels['of']} {body_pages}"
        canv, kit, y = self.canv, self.kit, self.footer_y
        # The folio on the outer corner, where a reader's thumb finds it; the part's name opposite.
        if right_hand or not kit.theme.duplex:
            draw_line(canv, kit, "header", self.left, y, info.part_label)
            draw_line(canv, kit, "header", self.right, y, phrase, "right")
        else:
            draw_line(canv, kit, "header", self.left, y, phrase)
            draw_line(canv, kit, "header", self.right, y, info.part_label, "right")

    def _number(self, value: str, style: str, leader: float | None) -> None:
        """A number at the origin (the marker's place), right-aligned, with its dotted leader."""
        canv = self.canv
        # A number set at the end of a line of text starts with a space, so that copied text
        # reads "Deep learning 5" and "QUESTION 2 Answer: page A-1", not "learning5".
        drawn = draw_line(canv, self.kit, style, 0.0, 0.0, " " + value, "right")
        if leader is not None and leader < -drawn - 6:
            canv._code.append(
                f"q {stroke(self.kit.colour('rule'))} 0.6 w [0.6 2.8] 0 d {fp_str(leader)} 0 m"
                f" {fp_str(-drawn - 4)} 0 l S Q"
            )

    def _watermark(self, value: str, right_hand: bool) -> None:
        """Light diagonal text across the middle of the page, cut short rather than off the page."""
        kit, canv = self.kit, self.canv
        width, height = kit.theme.paper
        centre_x = width / 2 - (0.0 if right_hand else self.shift)
        size = 40.0
        style = kit.derive("cover_title", "watermark", size=size)
        spans = style_spans(kit, style.name, value)
        while size > 10 and spans_width(spans) > height * 0.8:
            size -= 2
            style = kit.derive("cover_title", f"watermark{size:g}", size=size)
            spans = style_spans(kit, style.name, value)
        if spans_width(spans) > height * 0.8:
            spans = style_spans(kit, style.name, fit_line(kit, style.name, value, height * 0.8) or "…")
        # Turned 54° (cos, sin), in the light ExtGState every page's resources have (assemble.py).
        turn = "0.587785 0.809017 -0.809017 0.587785 0 0 cm"
        canv._code.append(f"q /GSwm gs 1 0 0 1 {fp_str(centre_x, height / 2)} cm {turn}")
        draw_spans(canv, spans, -spans_width(spans) / 2, -size / 3, kit.colour("rule"))
        canv._code.append("Q")
