"""`guide new`: an example guide that shows every field, explained, and builds as it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guide.cli import main
from guide.data.fields import QUESTION_KEYS
from guide.data.validate import GUIDE_KEYS, load_guide


def test_new_writes_a_guide_that_checks_and_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my-bank"]) == 0
    assert capsys.readouterr().out == (
        "data/my-bank/guide.yaml: written; edit it, then build it with `guide build data/my-bank`\n"
    )
    guide, warnings = load_guide(Path("data/my-bank"))
    assert warnings == ()  # nothing to warn about: every field is there
    assert guide.title == "My bank Interview Study Guide"
    assert main(["build", "data/my-bank", "--out", "output", "--quiet"]) == 0
    assert (tmp_path / "output" / "my-bank" / "manifest.json").is_file()


def test_the_example_shows_every_field_each_with_a_comment(tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "example")]) == 0
    text = (tmp_path / "example" / "guide.yaml").read_text()
    keys = {}
    for line in text.splitlines():
        match = re.match(r"\s*(?:- )?([a-z_]+):", line)
        if match:
            keys[match[1]] = line
    for key in (*GUIDE_KEYS, *QUESTION_KEYS):
        assert key in keys, key
        if key != "questions":
            assert " # " in keys[key], f"{key} has no comment"
    guide, _ = load_guide(tmp_path / "example")
    question = guide.questions[0]
    assert question.guidance and question.key_points and question.follow_ups and question.tags
    assert question.difficulty == "easy"


def test_new_never_writes_over_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "guide.yaml").write_text("mine")
    assert main(["new", str(folder)]) == 1
    assert (folder / "guide.yaml").read_text() == "mine"
    err = capsys.readouterr().err
    assert "taken: error: the folder already exists, and guide new never writes over one" in err
    assert err.endswith("guide: 1 error; nothing was written\n")


def test_a_name_that_cannot_name_a_guide_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my bank!"]) == 1
    assert "data/my bank!: error: 'my bank!' cannot name a guide" in capsys.readouterr().err
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_help_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--help"]) == 0
    assert "every" in capsys.readouterr().out
    assert main(["new"]) == 2
    assert "the following arguments are required: NAME" in capsys.readouterr().err
