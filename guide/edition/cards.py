"""Turn a guide's questions into flash cards: sheets of cut-out cards, each answer behind its question.

Each sheet is two pages: the fronts (number, topic and question), then the backs (the key
points, or the first paragraph of the answer when there are none), mirrored left to right
so that, printed on both sides flipping on the long edge, each back lands behind its front.
Cut marks in the margins show where to cut. Text is set in the style's own sizes: a card
whose text does not fit is an error naming its question, never a card set too small to read.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf.generic import DictionaryObject, NameObject
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from guide.data import text
from guide.data.model import Guide, Question
from guide.errors import GuideError, Problem
from guide.layout import compose, markdown, story
from guide.layout.canvas import draw_line, fit_line, line_width
from guide.layout.fonts import guide_chars
from guide.layout.kit import Kit, make_kit
from guide.layout.paragraph import Bullet, Para
from guide.layout.spans import inline, plain
from guide.layout.styles import Theme
from guide.pdf.info import document_info

Flowable = Any  # a block (guide.layout.blocks) or any ReportLab flowable

SHEET_MARGIN = 12 * mm  # room for the cut marks; printers rarely reach closer to the edge
CARD_PADDING = 5 * mm
MARK_GAP, MARK_LENGTH = 1.5 * mm, 5 * mm


@dataclass(frozen=True)
class Grid:
    """How cards sit on a sheet: columns × rows, and the size of one card in points."""

    columns: int
    rows: int
    width: float
    height: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


GRIDS = ((2, 4), (2, 3), (2, 2), (1, 2), (1, 1))  # columns × rows tried, most cards a sheet first


def make_grid(theme: Theme, columns: int, rows: int) -> Grid:
    """The cards of a columns × rows grid on the style's paper."""
    paper_width, paper_height = theme.paper
    return Grid(
        columns, rows, (paper_width - 2 * SHEET_MARGIN) / columns, (paper_height - 2 * SHEET_MARGIN) / rows
    )


@dataclass
class _Card:
    question: Question
    front: list[Flowable]
    back: list[Flowable]


def cards_pdf(
    guide: Guide, theme: Theme, grid: tuple[int, int] | None = None
) -> tuple[bytes, int, tuple[int, int]]:
    """The flash cards of a guide as PDF bytes, their page count, and the grid used (columns, rows).

    Without `grid` (columns, rows), the grid with the most cards a sheet on which every card
    fits; GuideError names each card that does not fit the grid given, or even a whole page.
    """
    from pypdf import PdfReader, PdfWriter

    kit = make_kit(theme, guide_chars(guide))
    cards = [_card(q, kit) for q in guide.questions]
    problems: list[Problem] = []
    for columns, rows in [grid] if grid is not None else GRIDS:
        layout = make_grid(theme, columns, rows)
        problems = _misfits(cards, layout, kit)
        if not problems:
            break
    if problems:
        raise GuideError(problems)

    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=theme.paper, invariant=1, initialFontName=kit.face("body"),
                  lang=guide.language, pageCompression=1)  # fmt: skip
    sheets = [cards[i : i + layout.per_sheet] for i in range(0, len(cards), layout.per_sheet)]
    # The same footer on every card: fitted to a card's width once.
    footer = _footer(f"{guide.title} · {guide.edition}", kit, layout.width - 2 * CARD_PADDING)
    for number, sheet in enumerate(sheets, 1):
        for side in ("front", "back"):
            _cut_marks(canv, layout, kit)
            for index, card in enumerate(sheet):
                row, column = divmod(index, layout.columns)
                if side == "back":
                    column = layout.columns - 1 - column  # long-edge duplex mirrors left and right
                x = SHEET_MARGIN + column * layout.width
                y = theme.paper[1] - SHEET_MARGIN - (row + 1) * layout.height
                _draw_card(canv, layout, x, y, card, side, footer)
            _sheet_label(canv, kit, layout, number, len(sheets), side)
            canv.showPage()
    canv.save()

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    info = document_info(guide, f"{guide.title}: flash cards")
    writer.add_metadata(info)
    # The backs are mirrored for flipping on the long edge: a printer dialog that reads this
    # offers the right duplex setting by itself.
    writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/Duplex"): NameObject("/DuplexFlipLongEdge")}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages), (layout.columns, layout.rows)


def _card(q: Question, kit: Kit) -> _Card:
    labels = kit.theme.labels
    head = [f"{labels['question'].upper()} {q.number}", q.topic]
    if q.difficulty:
        head.append(q.difficulty.upper())
    label = kit.style("label")
    front: list[Flowable] = [
        Para(plain(" · ".join(head), label), label),
        *story.question_blocks(compose.question_blocks(q), kit),
    ]
    back_head = f"{labels['question'].upper()} {q.number} · "
    if q.key_points:
        back: list[Flowable] = [Para(plain(back_head + labels["key_points"].upper(), label), label)]
        body = kit.style("body")
        face = markdown.bullet_face(kit, body)
        back += [
            Para(inline(text.parse_inline(p, q.format), kit, body), body, indent=12.0, space_after=2.0,
                 bullet=Bullet("•", face, body.size, body.colour, 0.0))
            for p in q.key_points
        ]  # fmt: skip
    else:
        back = [Para(plain(back_head + labels["answer"].upper(), label), label)]
        back += markdown.blocks(_first_paragraph(text.parse(q.answer, q.format)), kit, "body")
    return _Card(q, front, back)


def _first_paragraph(blocks: Sequence[text.Block]) -> tuple[text.Block, ...]:
    """The answer's first paragraph (with the block it leads in to, when it ends with ':'), or its
    first block when it opens with something else."""
    for index, block in enumerate(blocks):
        if isinstance(block, text.Paragraph):
            led = index + 1 < len(blocks) and markdown.leads_in(block)
            return tuple(blocks[index : index + 2 if led else index + 1])
    return tuple(blocks[:1]) or (text.Paragraph(()),)


def _misfits(cards: Sequence[_Card], grid: Grid, kit: Kit) -> list[Problem]:
    """A problem for each card side whose text is taller than a card of the grid leaves room for."""
    width = grid.width - 2 * CARD_PADDING
    room = grid.height - 2 * CARD_PADDING - _footer_height(kit)
    problems = []
    for card in cards:
        for side, flowables, field_name in (
            ("front", card.front, "question"),
            ("back", card.back, "key_points" if card.question.key_points else "answer"),
        ):
            need = _height(flowables, width, room)
            if need > room:
                problems.append(_too_long(card.question, side, field_name, need, room, grid))
    return problems


def _height(flowables: Sequence[Flowable], width: float, height: float) -> float:
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, height)
        total += (
            h + (f.getSpaceBefore() if i else 0.0) + (f.getSpaceAfter() if i < len(flowables) - 1 else 0.0)
        )
    return total


def _too_long(q: Question, side: str, field_name: str, need: float, room: float, grid: Grid) -> Problem:
    what = {"question": "question", "key_points": "key points", "answer": "first paragraph of the answer"}
    return Problem(
        q.where(field_name),
        f"question '{q.id}' does not fit on its flash card ({side}): its {what[field_name]} would take"
        f" {need / mm:.0f} mm of the {room / mm:.0f} mm a card has ({grid.columns} × {grid.rows} cards a"
        " sheet); shorten it, or use a style with smaller text",
    )


def _footer_height(kit: Kit) -> float:
    return float(kit.theme.styles["header"].leading) + 2


def _draw_card(canv: Canvas, grid: Grid, x: float, y: float, card: _Card, side: str, footer: Para) -> None:
    flowables = card.front if side == "front" else card.back
    width = grid.width - 2 * CARD_PADDING
    top = y + grid.height - CARD_PADDING
    for i, f in enumerate(flowables):
        if i:
            top -= f.getSpaceBefore()
        _, h = f.wrap(width, grid.height)
        f.drawOn(canv, x + CARD_PADDING, top - h)
        top -= h + f.getSpaceAfter()
    footer.drawOn(canv, x + CARD_PADDING, y + CARD_PADDING - 2)


def _footer(line: str, kit: Kit, width: float) -> Para:
    """The card's footer on one line: room is kept for one only, so a long title is shortened."""
    style = kit.derive("header", "card-footer", colour=kit.colour("muted"))
    footer = Para(plain(fit_line(kit, style.name, line, width), style), style)
    footer.wrap(width, 10_000)  # drawn as it is, on every card
    return footer


def _cut_marks(canv: Canvas, grid: Grid, kit: Kit) -> None:
    """Short rules in the margins, in line with every card edge: cut along them."""
    width, height = kit.theme.paper
    left, bottom = SHEET_MARGIN, SHEET_MARGIN
    right, top = width - SHEET_MARGIN, height - SHEET_MARGIN
    canv.saveState()
    canv.setStrokeColorRGB(*kit.colour("text"))
    canv.setLineWidth(0.3)
    for column in range(grid.columns + 1):
        x = left + column * grid.width
        canv.line(x, top + MARK_GAP, x, top + MARK_GAP + MARK_LENGTH)
        canv.line(x, bottom - MARK_GAP, x, bottom - MARK_GAP - MARK_LENGTH)
    for row in range(grid.rows + 1):
        y = bottom + row * grid.height
        canv.line(left - MARK_GAP, y, left - MARK_GAP - MARK_LENGTH, y)
        canv.line(right + MARK_GAP, y, right + MARK_GAP + MARK_LENGTH, y)
    canv.restoreState()


def _sheet_label(canv: Canvas, kit: Kit, grid: Grid, number: int, sheets: int, side: str) -> None:
    """Which sheet and side a page is: one line in the bottom margin, between the first two cut marks.

    The longest wording that fits between the marks at the style's size: never wrapped up into
    the cards, never shrunk, never across a cut mark.
    """
    backs = side != "front"
    wordings = (
        f"Flash cards · sheet {number} of {sheets} · "
        + ("backs · duplex, flip on long edge" if backs else "fronts"),
        f"Sheet {number} of {sheets} · " + ("backs · flip on long edge" if backs else "fronts"),
        f"Sheet {number}/{sheets} · " + ("backs" if backs else "fronts"),
        f"{number}/{sheets} " + ("B" if backs else "F"),
    )
    indent = MARK_GAP + 4 * mm
    room = grid.width - 2 * indent
    line = next((w for w in wordings if line_width(kit, "header", w) <= room), wordings[-1])
    draw_line(canv, kit, "header", SHEET_MARGIN + indent, 4 * mm, line)
