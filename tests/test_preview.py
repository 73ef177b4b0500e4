"""`guide preview`: a PNG contact sheet of chosen pages of each part, built aside from output/."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import DATA, Built
from PIL import Image, ImageChops, ImageStat

from guide.cli import main
from guide.pdf import preview


def test_a_contact_sheet_of_each_part_and_output_untouched(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    built: Callable[[str], Built],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["preview", str(DATA / "sql-fundamentals"), "--pages", "1,3", "--width", "200"]) == 0
    assert not (tmp_path / "output").exists()
    sheet_path = tmp_path / "sql-fundamentals-preview.png"
    out = capsys.readouterr().out
    assert out.startswith("sql-fundamentals-preview.png  (")
    assert out.endswith("pages shown: study guide 1, 3 of 5; answer key 1, 3 of 9)\n")
    with Image.open(sheet_path) as sheet:
        sheet.load()
    assert sheet.format == "PNG" and sheet.mode == "P"  # a palette keeps it small
    page_height = round(200 * 841.89 / 595.28)
    assert sheet.width == 2 * preview.MARGIN + 2 * 200 + preview.GAP
    # Each part's page 3, where its first question is, drawn where the sheet puts it.
    rgb = sheet.convert("RGB")
    top = preview.MARGIN + 40 + 30  # the title, then the study guide's label
    for part, y in (("study_guide", top), ("answer_key", top + page_height + 24 + preview.GAP + 30)):
        x = preview.MARGIN + 200 + preview.GAP
        shown = rgb.crop((x, y, x + 200, y + page_height))
        pdf = pdfium.PdfDocument(str(built("sql-fundamentals").path(part)))
        page = pdf[2]
        expected = page.render(scale=200 / page.get_width()).to_pil().convert("RGB")
        pdf.close()
        expected = expected.crop((0, 0, 200, page_height))
        difference = ImageStat.Stat(ImageChops.difference(shown, expected).convert("L")).mean[0]
        assert difference < 4, (part, difference)
        assert ImageStat.Stat(shown.convert("L")).extrema[0][0] < 160  # there is text on it


def test_pages_past_a_parts_end_are_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sheet.png"
    assert main(["preview", str(DATA / "sql-fundamentals"), "--pages", "6-", "--out", str(out)]) == 0
    assert capsys.readouterr().out.endswith(
        "pages shown: study guide none of 5; answer key 6, 7, 8, 9 of 9)\n"
    )
    assert (
        main(["preview", str(DATA / "sql-fundamentals"), "--pages", "50", "--out", str(tmp_path / "no.png")])
        == 1
    )
    err = capsys.readouterr().err
    assert "--pages: error: none of the pages asked for exists (pages: study guide 5, answer key 9)" in err
    assert not (tmp_path / "no.png").exists()


def test_an_existing_file_is_replaced_only_if_it_is_a_png(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "notes.png"
    document.write_text("my notes, not a picture")
    assert main(["preview", str(DATA / "sql-fundamentals"), "--pages", "1", "--out", str(document)]) == 1
    assert document.read_text() == "my notes, not a picture"
    assert "notes.png: error: the file exists and is not a PNG" in capsys.readouterr().err
    picture = tmp_path / "old.png"
    Image.new("RGB", (2, 2)).save(picture)
    assert main(["preview", str(DATA / "sql-fundamentals"), "--pages", "1", "--out", str(picture)]) == 0
    with Image.open(picture) as replaced:
        assert replaced.width > 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.png", "old.png"]  # no temporary file left


def test_an_invalid_guide_is_reported_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "guide.yaml").write_text('title: Bad\nedition: "1"\nquestions:\n  - id: x\n')
    assert main(["preview", str(folder), "--out", str(tmp_path / "bad.png")]) == 1
    err = capsys.readouterr().err
    assert f"{folder}/guide.yaml:4:5: error: question 'x' has no" in err
    assert err.endswith("; nothing was written\n")
    assert not (tmp_path / "bad.png").exists()


def test_the_guide_folder_defaults_to_the_only_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(DATA / "sql-fundamentals", tmp_path / "data" / "sql-fundamentals")
    assert main(["preview", "--pages", "1"]) == 0
    assert (tmp_path / "sql-fundamentals-preview.png").is_file()
    shutil.copytree(DATA / "sql-fundamentals", tmp_path / "data" / "other")
    capsys.readouterr()
    assert main(["preview"]) == 2
    assert "guide preview: error: give the guide folder (guides: data/other, data/sql-fundamentals)" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--pages", "3-1"], "'3-1' is not a range of pages"),
        (["--pages", "0"], "'0' is not a range of pages"),
        (["--pages", "a,b"], "'a' is not a page (7), a range (1-3) or an open range (10-)"),
        (["--out", "sheet.jpg"], "'sheet.jpg' does not end in .png"),
        (["--width", "5"], "'5' is not a width in pixels from 100 to 2000"),
    ],
)
def test_usage_errors_exit_2(arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(DATA / "sql-fundamentals"), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_help_says_how_pages_are_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--help"]) == 0
    assert "'1-3,7' is pages 1, 2, 3 and 7 of the study guide" in " ".join(capsys.readouterr().out.split())


def test_page_lists() -> None:
    assert preview.parse_pages("1-3, 7,10-") == ((1, 3), (7, 7), (10, None))
    assert preview.chosen(preview.parse_pages("1-3,7,10-"), 12) == [0, 1, 2, 6, 9, 10, 11]
    assert preview.chosen(preview.parse_pages("7,2,2-3"), 5) == [1, 2]


def test_the_readme_s_picture_is_what_its_command_makes_today(tmp_path: Path) -> None:
    """README shows docs/ai-engineer-preview.png, made by the command beside it: a change to the
    pages must come with the picture made again (`guide preview data/ai-engineer --pages 1-3
    --out docs/ai-engineer-preview.png`)."""
    made = tmp_path / "preview.png"
    assert main(["preview", str(DATA / "ai-engineer"), "--pages", "1-3", "--out", str(made)]) == 0
    with Image.open(made) as fresh, Image.open(DATA.parent / "docs" / "ai-engineer-preview.png") as shown:
        assert fresh.size == shown.size
        difference = ImageChops.difference(fresh.convert("L"), shown.convert("L"))
        assert max(ImageStat.Stat(difference).mean) < 1.0  # the same pages, bar anti-aliasing
