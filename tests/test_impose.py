"""Booklet imposition: the page order for 1 to 12 pages, the imposed PDF, and `guide build --booklet`."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from guide import cli
from guide.pdf.impose import booklet, booklet_order

ROOT = Path(__file__).resolve().parent.parent


def _read_folded(sides: list[tuple[int | None, int | None]]) -> list[int | None]:
    """The pages in the order a reader meets them, once the printed sheets are stacked and folded.

    Sheet s (from 0, outermost first) shows front-right, back-left in the first half of the
    booklet, and back-right, front-left in the second half, innermost sheet first.
    """
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
    first = [p for front, back in sheets for p in (front[1], back[0])]
    second = [p for front, back in reversed(sheets) for p in (back[1], front[0])]
    return first + second


@pytest.mark.parametrize("pages", range(1, 13))
def test_booklet_order_folds_into_reading_order(pages: int) -> None:
    """Padded to a multiple of 4, every page once, blanks at the end, and the fold reads 1, 2, 3 …"""
    sides = booklet_order(pages)
    padded = -(-pages // 4) * 4
    assert len(sides) == padded // 2
    placed = [p for side in sides for p in side]
    assert sorted(p for p in placed if p is not None) == list(range(1, pages + 1))
    assert placed.count(None) == padded - pages
    read = _read_folded(sides)
    assert read == [*range(1, pages + 1), *([None] * (padded - pages))]
    for s in range(padded // 4):  # the formula, as the issue states it
        front, back = sides[2 * s], sides[2 * s + 1]
        expected_front = (padded - 2 * s, 2 * s + 1)
        expected_back = (2 * s + 2, padded - 2 * s - 1)
        assert front == tuple(p if p <= pages else None for p in expected_front)
        assert back == tuple(p if p <= pages else None for p in expected_back)


def test_booklet_order_of_eight_pages() -> None:
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_order(1) == [(None, 1), (None, None)]
    assert booklet_order(0) == []


def _numbered_pdf(pages: int, size: tuple[float, float] = (300.0, 400.0)) -> bytes:
    out = io.BytesIO()
    canv = Canvas(out, pagesize=size, invariant=1)
    for number in range(1, pages + 1):
        canv.setFont("Helvetica", 40)
        canv.drawString(100, 200, f"P{number}")
        canv.linkURL("https://example.org", (90, 190, 200, 250))
        canv.showPage()
    canv.save()
    return out.getvalue()


def test_booklet_places_each_page_on_its_half() -> None:
    """Sides are twice a page wide; each half shows the page the order says, or nothing."""
    data, sides = booklet(_numbered_pdf(5))
    assert sides == 4
    pdf = pdfium.PdfDocument(data)
    try:
        assert len(pdf) == 4
        for index, (left, right) in enumerate(booklet_order(5)):
            page = pdf[index]
            assert page.get_size() == pytest.approx((600.0, 400.0))
            text = page.get_textpage()
            halves = (text.get_text_bounded(0, 0, 300, 400), text.get_text_bounded(300, 0, 600, 400))
            for half, number in zip(halves, (left, right), strict=True):
                assert half.strip() == (f"P{number}" if number else "")
    finally:
        pdf.close()
    assert not any("/Annots" in p for p in PdfReader(io.BytesIO(data)).pages)  # links do not survive


def test_booklet_is_reproducible() -> None:
    source = _numbered_pdf(7)
    assert booklet(source)[0] == booklet(source)[0]


def test_build_booklet_is_listed_in_the_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`guide build --booklet` adds <id>-<edition>-study-guide-booklet.pdf, role booklet, to the edition."""
    out = tmp_path / "out"
    assert cli.main(["build", str(ROOT / "data" / "sql-fundamentals"), "--out", str(out), "--booklet"]) == 0
    folder = out / "sql-fundamentals"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["files"]["booklet"]
    assert entry["path"] == f"sql-fundamentals-{manifest['edition']}-study-guide-booklet.pdf"
    data = (folder / entry["path"]).read_bytes()
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    study = PdfReader(folder / manifest["files"]["study_guide"]["path"])
    imposed = PdfReader(io.BytesIO(data))
    assert entry["pages"] == len(imposed.pages) == -(-len(study.pages) // 4) * 2
    width = float(study.pages[0].mediabox.width)
    assert float(imposed.pages[0].mediabox.width) == pytest.approx(2 * width)
    assert "booklet" in capsys.readouterr().out


@pytest.mark.parametrize("pages", range(1, 13))
def test_a_right_to_left_booklet_is_bound_on_the_right(pages: int) -> None:
    """Each side mirrored: the cover on the left half of the first side, and the fold, read from
    the right, gives the pages in order."""
    mirrored = booklet_order(pages, right_to_left=True)
    assert mirrored == [(right, left) for left, right in booklet_order(pages)]
    assert mirrored[0][0] == 1
    read = _read_folded([(right, left) for left, right in mirrored])  # turned over, as read from the right
    padded = -(-pages // 4) * 4
    assert read == [*range(1, pages + 1), *([None] * (padded - pages))]


def test_build_booklet_of_a_right_to_left_guide_has_its_cover_on_the_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    bank = ROOT / "tests" / "banks" / "ar-js"
    assert cli.main(["build", str(bank), "--out", str(out), "--booklet", "--quiet"]) == 0
    manifest = json.loads((out / "ar-js" / "manifest.json").read_text(encoding="utf-8"))
    study = pdfium.PdfDocument(out / "ar-js" / manifest["files"]["study_guide"]["path"])
    imposed = pdfium.PdfDocument(out / "ar-js" / manifest["files"]["booklet"]["path"])
    try:
        cover = study[0].get_textpage().get_text_range()
        width, height = study[0].get_size()
        side = imposed[0].get_textpage()
        assert side.get_text_bounded(0, 0, width, height) == cover
        last = study[len(study) - 1].get_textpage().get_text_range() if len(study) % 4 == 0 else ""
        assert side.get_text_bounded(width, 0, 2 * width, height) == last  # the back cover, or a blank
    finally:
        study.close()
        imposed.close()
