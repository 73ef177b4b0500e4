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


def test_control_characters_never_reach_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV header or a file name holding escape sequences (which retitle, recolour or rewrite a
    terminal) is shown with them escaped, in every line guide prints."""
    from conftest import MINIMAL_YAML, write_guide

    monkeypatch.chdir(tmp_path)
    evil = "\x1b]0;PWNED\x07\x1b[31mevil\u202e"
    candidates = tmp_path / "c.csv"
    candidates.write_text(f"name,{evil}\nAnn,1\n", encoding="utf-8")
    source = write_guide(tmp_path / "g", MINIMAL_YAML)
    assert main(["handouts", str(source), "--candidates", str(candidates), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "unknown column '\\x1b]0;PWNED\\x07\\x1b[31mevil\\u202e'" in err
    (source / "questions").mkdir()
    (source / "questions" / f"{evil}\r\n.yaml").write_text("- [unclosed\n", encoding="utf-8")
    assert main(["check", str(source)]) == 1
    err = capsys.readouterr().err
    assert "questions/\\x1b]0;PWNED\\x07\\x1b[31mevil\\u202e\\x0d\\x0a.yaml:" in err
    for text in (err, *capsys.readouterr()):
        assert not any(c in text for c in "\x1b\x07\r\u202e")


def test_printable_escapes_controls_and_keeps_the_rest() -> None:
    from guide.cli import printable

    assert printable("a\tb\x00c\x9bd\u2066e é 漢 ✓") == "a\\x09b\\x00c\\x9bd\\u2066e é 漢 ✓"
