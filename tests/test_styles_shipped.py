"""The styles shipped in styles/: each builds every guide; print is grayscale; large print is large."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from guide.build import Options, build_guide
from guide.data.validate import find_guides
from guide.layout.kit import font, make_kit
from guide.layout.styles import PAPERS, STYLES_DIR, load_theme

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = tuple(sorted(p.stem for p in STYLES_DIR.glob("*.yaml")))  # any style added is tested too
MM = 72 / 25.4


def test_the_shipped_styles_include_print_and_large_print() -> None:
    assert {"base", "print", "large-print"} <= set(SHIPPED)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("style", SHIPPED)
@pytest.mark.parametrize("folder", find_guides(ROOT / "data"), ids=lambda p: p.name)
def test_each_style_builds_every_guide(style: str, paper: str, folder: Path, tmp_path: Path) -> None:
    """On either paper; and no page holds only its running head and folio (a page left empty
    by space or a rule pushed over from the page before)."""
    result = build_guide(folder, tmp_path, Options(style=style, paper=paper))
    assert set(result.files) == {"study_guide", "answer_key", "complete"}
    study = PdfReader(result.folder / result.files["study_guide"][0])
    width, height = PAPERS[paper.upper()]
    assert float(study.pages[0].mediabox.width) == pytest.approx(width)
    assert float(study.pages[0].mediabox.height) == pytest.approx(height)
    doc = pdfium.PdfDocument(result.folder / result.files["complete"][0])
    try:
        for index in range(len(doc)):
            textpage = doc[index].get_textpage()
            lines = [line for line in textpage.get_text_range().splitlines() if line.strip()]
            textpage.close()
            # A blank page put in so that a part starts on a right-hand page has no text at all.
            assert not 0 < len(lines) <= 3, f"page {index + 1} holds only {lines}"
    finally:
        doc.close()


def _is_gray(colour: str) -> bool:
    return colour[1:3] == colour[3:5] == colour[5:7]


def test_print_is_grayscale_ink_saving_and_duplex() -> None:
    theme = load_theme("print")
    assert theme.duplex and theme.margins["inner"] > theme.margins["outer"]
    assert all(_is_gray(c) for c in theme.colours.values()), theme.colours
    assert all(_is_gray(s.colour) for s in theme.styles.values())
    assert theme.colours["tint"] == theme.colours["code_background"] == "#ffffff"  # no tinted boxes
    base = load_theme("base")
    assert int(theme.colours["rule"][1:3], 16) >= 0x99  # rules stay light
    assert theme.styles["body"].size == base.styles["body"].size  # the same typography, in gray


@pytest.mark.parametrize("folder", find_guides(ROOT / "data"), ids=lambda p: p.name)
def test_duplex_parts_open_on_right_hand_pages(folder: Path, tmp_path: Path) -> None:
    """Printed on both sides: the cover's back is blank, the body and the key each start on a
    right-hand (odd) page, and a page left blank for that carries no running head or folio."""
    result = build_guide(folder, tmp_path, Options(style="print"))
    reader = PdfReader(result.folder / result.files["complete"][0])
    labels = reader.page_labels
    texts = [page.extract_text().strip() for page in reader.pages]
    assert texts[1] == ""  # the back of the cover
    for first in (labels.index("1"), labels.index("A-i"), labels.index("A-1")):
        assert first % 2 == 0, (first + 1, labels[first])  # index 0 is page 1, a right-hand page
    for index, text in enumerate(texts):
        if not text:
            assert not reader.pages[index].get("/Annots"), index


def test_print_pages_have_no_colour(tmp_path: Path) -> None:
    """Rendered, every pixel of a body page is gray: nothing is told apart by hue."""
    result = build_guide(ROOT / "data" / "sql-fundamentals", tmp_path, Options(style="print"))
    for role in ("study_guide", "answer_key"):
        pdf = pdfium.PdfDocument(result.folder / result.files[role][0])
        try:
            for index in (0, len(pdf) - 1):
                image = pdf[index].render(scale=0.6).to_pil().convert("RGB")
                red, green, blue = (band.tobytes() for band in image.split())
                assert red == green == blue, (role, index)
        finally:
            pdf.close()


def test_large_print_follows_the_guidance() -> None:
    """At least 14 pt everywhere, 1.5 line spacing, left-aligned, generous margins, short lines."""
    theme = load_theme("large-print")
    assert not theme.hyphenate and not theme.justify  # Clear Print: no word split at a line's end
    for style in theme.styles.values():
        assert style.size >= 14, style.name
        assert style.alignment == "left", style.name
    for name in ("body", "guidance", "question"):
        assert theme.styles[name].leading >= 1.5 * theme.styles[name].size
    assert theme.styles["body"].font == "sans"
    assert min(theme.margins.values()) >= 25 * MM
    kit = make_kit(theme)
    sample = "the quick brown fox jumps over the lazy dog, and then some more words to "
    per_char = font(kit.face("body")).stringWidth(sample, theme.styles["body"].size) / len(sample)
    assert 45 < kit.frame_width / per_char < 56  # characters a line: about 50, fewer than in any book


def test_paper_option_overrides_the_style(tmp_path: Path) -> None:
    result = build_guide(ROOT / "data" / "sql-fundamentals", tmp_path, Options(paper="letter"))
    for name, _ in result.files.values():
        page = PdfReader(io.BytesIO((result.folder / name).read_bytes())).pages[0]
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(PAPERS["LETTER"])
