"""Command-line edge cases found in review: bad sizes, bad SOURCE_DATE_EPOCH, partial multi-guide builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guide.cli import main

DATA = Path(__file__).parent.parent / "data"


@pytest.mark.parametrize("size", ["nan", "inf", "1e400", "0", "-1", "abc"])
def test_max_file_size_must_be_a_positive_finite_number(
    size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--max-file-size", size, str(DATA / "sql-fundamentals")]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("epoch", ["abc", "1e9", "99999999999999", "²", "-5"])
def test_bad_source_date_epoch_is_an_input_error(
    epoch: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert main(["build", str(DATA / "sql-fundamentals"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("SOURCE_DATE_EPOCH: error: ")
    assert not any(tmp_path.iterdir())


def test_a_partial_build_does_not_claim_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(DATA / "sql-fundamentals", tmp_path / "good")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "guide.yaml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "good", "bad", "--out", "out", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert (tmp_path / "out" / "good" / "manifest.json").is_file()
    assert "nothing was written" not in err
    assert err.endswith("guide: 1 error; 1 of 2 guides not built (the rest were written)\n")


def test_an_unknown_style_is_named_once_with_the_styles_there_are(capsys: pytest.CaptureFixture[str]) -> None:
    guides = [str(DATA / "sql-fundamentals"), str(DATA / "ai-engineer")]
    assert main(["check", "--style", "nosuch", *guides]) == 1
    assert capsys.readouterr().err == (
        "--style: error: no style named 'nosuch' (styles: base, large-print, print; or give a style"
        " file's path)\nguide: 1 error\n"
    )


def test_source_date_epoch_with_spaces_is_the_date_of_every_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked and read by the same rule: ' 86400 ' is 2 January 1970, not the guide's own date."""
    from pypdf import PdfReader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 86400 ")
    assert main(["build", str(DATA / "sql-fundamentals"), "--out", str(tmp_path), "--quiet"]) == 0
    for pdf in (tmp_path / "sql-fundamentals").glob("*.pdf"):
        assert str(PdfReader(pdf).metadata["/CreationDate"]).startswith("D:19700102000000"), pdf.name
