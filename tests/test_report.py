"""How much the command line says: a warning many questions share is one line with a count and the
first place, --verbose lists them all, --quiet prints errors and one line counting the warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide import cli

HEAD = 'title: Deck\nedition: "1"\ndate: 2025-01-15\nquestions:\n'


def _deck(tmp_path: Path, count: int, extra: str = "") -> Path:
    """A guide of `count` questions, none with guidance or key points."""
    questions = "".join(
        f"  - id: q{i}\n    topic: T\n    question: Question {i}?\n    answer: Answer {i}.\n"
        for i in range(count)
    )
    folder = tmp_path / "deck"
    folder.mkdir()
    (folder / "guide.yaml").write_text(HEAD + questions + extra, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_warning_many_questions_share_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _deck(tmp_path, 1228)
    assert cli.main(["check", "deck"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "deck/guide.yaml:5:5: warning: question 'q0' has no guidance; add 'guidance:' with what the"
        " interviewer listens for (1,228 questions without guidance, this one first; --verbose lists them"
        " all)",
        "deck/guide.yaml:5:5: warning: question 'q0' has no key points; add 'key_points:' with the"
        " checklist a reviewer ticks (1,228 questions without key points, this one first; --verbose lists"
        " them all)",
    ]


def test_verbose_lists_every_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _deck(tmp_path, 5)
    assert cli.main(["check", "deck", "--verbose"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 10
    assert err[0] == (
        "deck/guide.yaml:5:5: warning: question 'q0' has no guidance; add 'guidance:' with what the"
        " interviewer listens for"
    )


def test_a_few_alike_are_each_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _deck(tmp_path, cli.GROUPED - 1)
    assert cli.main(["check", "deck"]) == 0
    assert len(capsys.readouterr().err.splitlines()) == 2 * (cli.GROUPED - 1)


def test_quiet_prints_errors_and_counts_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _deck(tmp_path, 3, extra="  - id: bad\n    topic: T\n    question: Why?\n    answer:\n")
    assert cli.main(["build", "deck", "--out", "out", "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "deck/guide.yaml:20:12: error: question 'bad': answer is empty; write a model answer",
        "guide: 8 warnings; run without --quiet to see them",
        "guide: 1 error; nothing was written",
    ]


def test_quiet_build_that_succeeds_says_only_how_many_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _deck(tmp_path, 2)
    assert cli.main(["build", "deck", "--out", "out", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", "guide: 4 warnings; run without --quiet to see them\n")


def test_quiet_and_verbose_cannot_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--quiet", "--verbose"]) == cli.EXIT_USAGE
    assert "not allowed with argument" in capsys.readouterr().err


def test_strict_turns_a_draft_placeholder_into_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _deck(tmp_path, 1)
    text = (
        (folder / "guide.yaml").read_text(encoding="utf-8").replace("Answer 0.", "Answer 0 \u1200.")
    )  # Ethiopic: no shipped font has it
    (folder / "guide.yaml").write_text(text + "    guidance: G.\n    key_points: [K]\n", encoding="utf-8")
    assert cli.main(["check", "deck", "--draft"]) == 0
    assert "printed as [U+1200] (--draft)" in capsys.readouterr().err
    assert cli.main(["check", "deck", "--draft", "--strict"]) == 1
    assert "error: no font has" in capsys.readouterr().err
