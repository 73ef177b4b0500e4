"""Lay a guide's questions out as flash cards: sheets of cut-out cards, each answer behind its question.

Each sheet is two pages: the fronts (number, topic and question), then the backs (the key
points, or the first paragraph of the answer when there are none), mirrored left to right
so that, printed on both sides flipping on the long edge, each back lands behind its front.
Cut marks in the margins show where to cut. Text is set in the style's own sizes: a card
whose text does not fit is an error naming its question, never a card set too small to read.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from guide.data import text, titles
from guide.data.model import Guide, Question
from guide.errors import GuideError, Problem
from guide.layout import compose, figures, markdown, page, story
from guide.layout.blocks import Block, MarkKind, MarkValue
from guide.layout.direction import rtl_language
from guide.layout.draw import Drawer
from guide.layout.fonts import guide_chars
from guide.layout.kit import Kit, make_kit
from guide.layout.lines import fit_line, line_width, text_line
from guide.layout.page import Item, Page, Resources
from guide.layout.paragraph import Bullet, Para
from guide.layout.spans import inline, plain
from guide.layout.styles import Theme

mm = 72 / 25.4
SHEET_MARGIN = 12 * mm  # room for the cut marks; printers rarely reach closer to the edge
CARD_PADDING = 4 * mm
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
    front: list[Block]
    back: list[Block]


@dataclass
class CardSheets:
    """Flash cards laid out and drawn: each page's content, what the pages refer to, and the grid."""

    contents: list[str]
    resources: Resources
    grid: tuple[int, int]


class _Sheet:
    """A page of cards being drawn: where card blocks put their items (blocks.Out)."""

    def __init__(self) -> None:
        self.page = Page()

    def add(self, item: Item) -> None:
        self.page.items.append(item)

    def mark(self, kind: MarkKind, value: MarkValue) -> None:
        pass  # a card has no running heads


def card_pages(guide: Guide, theme: Theme, grid: tuple[int, int] | None = None) -> tuple[list[Page], Grid]:
    """The flash cards of a guide as pages (fronts, then backs, sheet after sheet), and the grid used.

    Without `grid` (columns, rows), the grid with the most cards a sheet on which every card
    fits; GuideError names each card that does not fit the grid given, or even a whole page.
    """
    figures.use_folder(guide.root)
    kit = make_kit(theme, guide_chars(guide), guide.language, rtl=rtl_language(guide.language))
    # A card is small and holds a whole question or its key points: its text is set in the
    # style's card size (questions in bold), never shrunk to fit.
    card_style = kit.styles.get("card")
    if card_style is not None:
        kit.styles["body"] = dataclasses.replace(card_style, name="body")
        kit.styles["question"] = dataclasses.replace(card_style, name="question", bold=True)
    cards = [_card(q, kit) for q in guide.questions]
    problems: list[Problem] = []
    for columns, rows in [grid] if grid is not None else GRIDS:
        layout = make_grid(theme, columns, rows)
        problems = _misfits(cards, layout, kit)
        if not problems:
            break
    if problems:
        raise GuideError(problems)
    sheets = [cards[i : i + layout.per_sheet] for i in range(0, len(cards), layout.per_sheet)]
    # The same footer on every card: fitted to a card's width once.
    named = titles.plain(guide.title, marked=True)
    footer = _footer(f"{named} · {guide.edition}", kit, layout.width - 2 * CARD_PADDING)
    pages: list[Page] = []
    for number, sheet in enumerate(sheets, 1):
        for side in ("front", "back"):
            out = _Sheet()
            _cut_marks(out.page, layout, kit)
            for index, card in enumerate(sheet):
                row, column = divmod(index, layout.columns)
                if side == "back":
                    column = layout.columns - 1 - column  # long-edge duplex mirrors left and right
                x = SHEET_MARGIN + column * layout.width
                y = theme.paper[1] - SHEET_MARGIN - (row + 1) * layout.height
                _draw_card(out, layout, x, y, card, side, footer)
            _sheet_label(out.page, kit, layout, number, len(sheets), side)
            pages.append(out.page)
    return pages, layout


def draw_cards(guide: Guide, theme: Theme, grid: tuple[int, int] | None = None) -> CardSheets:
    """The flash cards laid out and drawn, ready for the pdf package to write."""
    pages, layout = card_pages(guide, theme, grid)
    drawer = Drawer()
    contents = [drawer.content(item for item in p.items if isinstance(item, page.STATIC)) for p in pages]
    return CardSheets(contents, drawer.resources(), (layout.columns, layout.rows))


def _card(q: Question, kit: Kit) -> _Card:
    labels = kit.theme.labels
    label = kit.style("label")
    spans = plain(f"{labels['question'].upper()} {q.number} · ", label)
    spans += story.name_spans(q.topic, kit, label)
    if q.difficulty:
        spans += plain(f" · {q.difficulty.upper()}", label)
    front: list[Block] = [
        Para(spans, label),
        *story.question_blocks(compose.question_blocks(q), kit),
    ]
    back_head = f"{labels['question'].upper()} {q.number} · "
    if q.key_points:
        back: list[Block] = [Para(plain(back_head + labels["key_points"].upper(), label), label)]
        body = kit.style("body")
        face = markdown.bullet_face(kit, body)
        bullet = Bullet("•", face, body.size, body.colour, 0.0)
        back += [
            Para(inline(text.parse_inline(p, q.format), kit, body), body, indent=math.ceil(bullet.end),
                 space_after=2.0, bullet=bullet)
            for p in q.key_points
        ]  # fmt: skip
    else:
        back = [Para(plain(back_head + labels["answer"].upper(), label), label)]
        back += markdown.blocks(compose.first_paragraph(text.parse(q.answer, q.format)), kit, "body")
    return _Card(q, front, back)


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


def _height(blocks: Sequence[Block], width: float, height: float) -> float:
    total = 0.0
    for i, f in enumerate(blocks):
        h = f.wrap(width, height)
        total += h + (f.space_before if i else 0.0) + (f.space_after if i < len(blocks) - 1 else 0.0)
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


def _draw_card(out: _Sheet, grid: Grid, x: float, y: float, card: _Card, side: str, footer: Para) -> None:
    blocks = card.front if side == "front" else card.back
    width = grid.width - 2 * CARD_PADDING
    top = y + grid.height - CARD_PADDING
    for i, f in enumerate(blocks):
        if i:
            top -= f.space_before
        h = f.wrap(width, grid.height)
        f.draw(out, x + CARD_PADDING, top - h)
        top -= h + f.space_after
    footer.draw(out, x + CARD_PADDING, y + CARD_PADDING - 2)


def _footer(line: str, kit: Kit, width: float) -> Para:
    """The card's footer on one line: room is kept for one only, so a long title is shortened."""
    style = kit.derive("header", "card-footer", colour=kit.colour("muted"))
    footer = Para(plain(fit_line(kit, style.name, line, width), style), style)
    footer.wrap(width, 10_000)  # drawn as it is, on every card
    return footer


def _cut_marks(sheet: Page, grid: Grid, kit: Kit) -> None:
    """Short rules in the margins, in line with every card edge: cut along them."""
    width, height = kit.theme.paper
    left, bottom = SHEET_MARGIN, SHEET_MARGIN
    right, top = width - SHEET_MARGIN, height - SHEET_MARGIN
    colour = kit.colour("text")
    for column in range(grid.columns + 1):
        x = left + column * grid.width
        sheet.add(page.Rule(x, top + MARK_GAP, x, top + MARK_GAP + MARK_LENGTH, 0.3, colour))
        sheet.add(page.Rule(x, bottom - MARK_GAP, x, bottom - MARK_GAP - MARK_LENGTH, 0.3, colour))
    for row in range(grid.rows + 1):
        y = bottom + row * grid.height
        sheet.add(page.Rule(left - MARK_GAP, y, left - MARK_GAP - MARK_LENGTH, y, 0.3, colour))
        sheet.add(page.Rule(right + MARK_GAP, y, right + MARK_GAP + MARK_LENGTH, y, 0.3, colour))


def _sheet_label(sheet: Page, kit: Kit, grid: Grid, number: int, sheets: int, side: str) -> None:
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
    sheet.add(text_line(kit, "header", SHEET_MARGIN + indent, 4 * mm, line))
