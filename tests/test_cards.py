"""Flash cards: fronts and mirrored backs, cut marks, and a card too full is an error naming its question."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfcheck import grey_at
from PIL import Image

from guide import cli
from guide.data.validate import load_guide
from guide.edition.cards import MARK_GAP, SHEET_MARGIN, cards_pdf, make_grid
from guide.errors import GuideError
from guide.layout.styles import load_theme

CARDS_YAML = """\
title: Cards
edition: "1"
date: 2025-01-15
questions:
  - id: primary-key
    topic: Basics
    question: What is a primary key?
    answer: |
      A column whose value identifies each row of its table.

      A second paragraph that stays off the card.
  - id: indexes
    topic: Basics
    question: Why index a column?
    answer: To find rows faster.
    key_points:
      - Faster lookups by that column
      - Slower writes, more storage
  - id: joins
    topic: Queries
    question: What does a LEFT JOIN keep?
    answer: Every row of the left table.
    key_points: [All left rows, NULLs where nothing matches]
"""


def _guide(tmp_path: Path, text: str = CARDS_YAML) -> Path:
    folder = tmp_path / "cards"
    folder.mkdir(parents=True)
    (folder / "guide.yaml").write_text(text, encoding="utf-8")
    return folder


def _texts(data: bytes, boxes: list[tuple[int, tuple[float, float, float, float]]]) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [" ".join(pdf[i].get_textpage().get_text_bounded(*box).split()) for i, box in boxes]
    finally:
        pdf.close()


def test_backs_are_mirrored_behind_their_fronts(tmp_path: Path) -> None:
    """Card 1 sits top left on the fronts and top right on the backs: long-edge duplex puts them together."""
    guide = load_guide(_guide(tmp_path))[0]
    theme = load_theme("base")
    data, pages, (columns, rows) = cards_pdf(guide, theme, (2, 4))
    assert pages == 2 and (columns, rows) == (2, 4)
    grid = make_grid(theme, columns, rows)
    height = theme.paper[1]

    def card(column: int, row: int) -> tuple[float, float, float, float]:
        left = SHEET_MARGIN + column * grid.width
        top = height - SHEET_MARGIN - row * grid.height
        return (left, top - grid.height, left + grid.width, top)

    front_1, front_2, back_1, back_2, back_3 = _texts(
        data, [(0, card(0, 0)), (0, card(1, 0)), (1, card(1, 0)), (1, card(0, 0)), (1, card(1, 1))]
    )
    assert "QUESTION 1 · Basics" in front_1 and "What is a primary key?" in front_1
    assert "What is a primary key?" not in front_2 and "Why index a column?" in front_2
    # No key points: the first paragraph of the answer, and only that.
    assert "A column whose value identifies each row of its table." in back_1
    assert "second paragraph" not in back_1
    assert "KEY POINTS" in back_2 and "Faster lookups by that column" in back_2
    assert "NULLs where nothing matches" in back_3


def test_cut_marks_line_up_with_the_card_edges(tmp_path: Path) -> None:
    guide = load_guide(_guide(tmp_path))[0]
    theme = load_theme("base")
    data, _, (columns, rows) = cards_pdf(guide, theme, (2, 4))
    grid = make_grid(theme, columns, rows)
    scale = 4.0
    pdf = pdfium.PdfDocument(data)
    try:
        image: Image.Image = pdf[0].render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    height = theme.paper[1]

    def dark_near(x: float, y: float) -> bool:
        px, py = round(x * scale), round((height - y) * scale)
        return min(grey_at(image, (px + dx, py)) for dx in range(-3, 4)) < 160

    mark_y = height - SHEET_MARGIN + MARK_GAP + 2.5 * 72 / 25.4  # halfway along a top mark
    for column in range(columns + 1):
        assert dark_near(SHEET_MARGIN + column * grid.width, mark_y)
    assert not dark_near(SHEET_MARGIN + grid.width / 2, mark_y)  # between marks: paper


def test_a_card_too_full_names_its_question(tmp_path: Path) -> None:
    """Never set smaller: a card that does not fit is an error with the question's file and line."""
    points = "\n".join(
        f"      - Key point number {i}, which is long enough to take a whole line" for i in range(70)
    )
    text = (
        CARDS_YAML
        + f"""\
  - id: far-too-long
    topic: Queries
    question: What does this question's card hold?
    answer: Too much.
    key_points:
{points}
"""
    )
    folder = _guide(tmp_path, text)
    guide = load_guide(folder)[0]
    with pytest.raises(GuideError) as caught:
        cards_pdf(guide, load_theme("base"))
    (problem,) = caught.value.problems
    assert "question 'far-too-long' does not fit on its flash card (back)" in problem.message
    first_point = text.splitlines().index(points.splitlines()[0]) + 1
    assert problem.location.file.endswith("guide.yaml") and problem.location.line == first_point
    ai = load_guide(Path(__file__).parent.parent / "data" / "ai-engineer")[0]
    with pytest.raises(GuideError) as forced:
        cards_pdf(ai, load_theme("large-print"), (2, 4))  # 14 pt text on eight cards a sheet
    assert forced.value.problems and all("(2 × 4 cards a sheet)" in p.message for p in forced.value.problems)


@pytest.mark.parametrize("guide", ["ai-engineer", "sql-fundamentals"])
def test_the_readmes_grid_fits_the_shipped_guides(guide: str) -> None:
    """`guide cards data/ai-engineer --grid 2x4`, as the README shows it, works on both guides."""
    found = load_guide(Path(__file__).parent.parent / "data" / guide)[0]
    _, pages, grid = cards_pdf(found, load_theme("base"), (2, 4))
    assert grid == (2, 4) and pages >= 2


def test_cards_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["cards", str(_guide(tmp_path)), "--out", str(out), "--paper", "letter"]) == 0
    path = out / "cards-cards" / "cards-1-cards.pdf"
    assert f"{path}  (2 pages, flash cards, 2 × 4 a sheet)" in capsys.readouterr().out
    pdf = pdfium.PdfDocument(path)
    try:
        assert pdf[0].get_size() == pytest.approx((612.0, 792.0))
    finally:
        pdf.close()
    assert cli.main(["cards", str(_guide(tmp_path / "x")), "--out", str(out), "--grid", "9x9"]) == 2


def test_cards_of_answers_that_open_with_a_wide_table_or_a_deep_quote(tmp_path: Path) -> None:
    """A card's back may be a table or nested quotes: set in the card's width, never a ReportLab error."""
    long = "x" * 40
    table = "| a | " + " | ".join(["bb"] * 4) + " |\n      |---|---|---|---|---|\n      | c | "
    table += " | ".join([long] * 4) + " |"
    text = f"""\
title: Cards
edition: "1"
questions:
  - id: table
    topic: Basics
    question: Which table?
    answer: |
      {table}
  - id: quotes
    topic: Basics
    question: How deep?
    answer: |
      {"> " * 19}deep text
"""
    data, _, _ = cards_pdf(load_guide(_guide(tmp_path, text))[0], load_theme("base"))
    pdf = pdfium.PdfDocument(data)
    try:
        backs = " ".join(pdf[1].get_textpage().get_text_range().split())
    finally:
        pdf.close()
    assert "deep text" in backs and "bb" in backs


def test_a_long_title_stays_in_the_card_footer(tmp_path: Path) -> None:
    """The footer has room for one line: a title of 300 words is shortened, never drawn over other cards."""
    title = " ".join(f"Word{i}" for i in range(300))
    data, _, _ = cards_pdf(
        load_guide(_guide(tmp_path, CARDS_YAML.replace("title: Cards", f"title: {title}")))[0],
        load_theme("base"),
    )
    pdf = pdfium.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                assert left >= 0 and right <= width and bottom >= 0 and top <= height
            assert "Word299" not in textpage.get_text_range()
            # Every card's footer is one line: the title cut short at a word.
            footers = [line for line in textpage.get_text_range().splitlines() if line.startswith("Word0 ")]
            assert footers and all(line.endswith("…") for line in footers), footers
    finally:
        pdf.close()


def test_each_card_has_its_footer_on_one_line(tmp_path: Path) -> None:
    data, _, _ = cards_pdf(load_guide(_guide(tmp_path))[0], load_theme("base"))
    pdf = pdfium.PdfDocument(data)
    try:
        lines = pdf[0].get_textpage().get_text_range().splitlines()
    finally:
        pdf.close()
    assert lines.count("Cards · 1") == 3, lines  # the three questions' fronts
