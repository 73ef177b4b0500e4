"""Turn a guide's questions into a PDF of flash cards (laid out by layout/cards.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from guide.data.model import Guide
from guide.layout.cards import MARK_GAP, SHEET_MARGIN, draw_cards, make_grid
from guide.layout.styles import Theme
from guide.pdf.info import document_info
from guide.pdf.writer import name, write_pages

__all__ = ["MARK_GAP", "SHEET_MARGIN", "cards_pdf", "make_grid"]


def cards_pdf(
    guide: Guide, theme: Theme, grid: tuple[int, int] | None = None
) -> tuple[bytes, int, tuple[int, int]]:
    """The flash cards of a guide as PDF bytes, their page count, and the grid used (columns, rows).

    Without `grid` (columns, rows), the grid with the most cards a sheet on which every card
    fits; GuideError names each card that does not fit the grid given, or even a whole page.
    """
    sheets = draw_cards(guide, theme, grid)
    info = document_info(guide, f"{guide.title}: flash cards")
    # The backs are mirrored for flipping on the long edge: a printer dialog that reads this
    # offers the right duplex setting by itself.
    preferences = {"/Duplex": name("/DuplexFlipLongEdge")}
    with tempfile.TemporaryDirectory(prefix="guide-cards-") as folder:
        path = Path(folder) / "cards.pdf"
        contents = [content.encode("latin-1") for content in sheets.contents]
        write_pages(path, contents, sheets.resources, theme.paper, info, guide.language, preferences)
        return path.read_bytes(), len(contents), sheets.grid
