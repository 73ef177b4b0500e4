"""Counts printed with their nouns, in the PDFs and on the terminal: one of a thing is singular."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Built

from guide.build import BuildResult, CardsResult, HandoutsResult
from guide.data.model import Guide
from guide.data.source import read_text
from guide.edition.handouts import Candidate, Handout, read_candidates
from guide.errors import GuideError, Location, Problems, counted

GUIDE = Guide(id="g", title="T", edition="1", topics=())


def test_counted() -> None:
    assert [counted(n, "question") for n in (0, 1, 2)] == ["0 questions", "1 question", "2 questions"]
    assert counted(1, "copy", "copies") == "1 copy" and counted(3, "copy", "copies") == "3 copies"


@pytest.mark.parametrize("role", ["study_guide", "answer_key"])
def test_the_cover_of_a_one_question_guide(built: Callable[[str], Built], role: str) -> None:
    cover = built("minimal").pdf(role).texts[0]
    assert "1 question in 1 topic" in cover, cover


def test_what_a_command_says_it_wrote(tmp_path: Path) -> None:
    build = BuildResult(GUIDE, tmp_path, files={"study_guide": ("g.pdf", 1), "answer_key": ("k.pdf", 2)})
    assert build.summary() == [
        f"{tmp_path / 'g.pdf'}  (1 page, study guide)",
        f"{tmp_path / 'k.pdf'}  (2 pages, answer key)",
    ]
    assert CardsResult(GUIDE, tmp_path / "c.pdf", 1, (2, 4)).summary() == [
        f"{tmp_path / 'c.pdf'}  (1 page, flash cards, 2 × 4 a sheet)"
    ]
    ann = Candidate("Ann", "", "", Location("people.csv", 2, 1))
    copy = Handout(ann, "ABCD2345", "ann.pdf", tmp_path / "ann.pdf", 1, "")
    assert HandoutsResult(GUIDE, tmp_path, (copy,)).summary() == [
        f"{tmp_path / 'ann.pdf'}  (1 page, copy ABCD2345)",
        f"{tmp_path / 'distribution.csv'}  (1 copy listed)",
    ]


def test_a_file_of_one_byte_over_the_limit(tmp_path: Path) -> None:
    (tmp_path / "guide.yaml").write_bytes(b"x")
    problems = Problems()
    assert read_text(tmp_path / "guide.yaml", "guide.yaml", problems, max_bytes=0) is None
    (problem,) = problems.items
    assert problem.message.startswith("the file is 1 byte, over the limit of 0 bytes;")


def test_a_candidates_row_of_one_field(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_bytes(b"name,id\nAnn,1\nBo\n")
    with pytest.raises(GuideError) as caught:
        read_candidates(tmp_path / "people.csv")
    assert "this row has 1 field, the header 2" in str(caught.value)
