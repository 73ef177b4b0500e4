"""`guide stats`: counts, missing fields, answer lengths, duplicates, estimated pages and reading time."""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, Built, build_into, write_guide

from guide.cli import main
from guide.data import duplicates, pages, stats
from guide.data.validate import load_guide

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate


def stats_json(capsys: pytest.CaptureFixture[str], *folders: Path) -> list[dict[str, Any]]:  # JSON objects
    assert main(["stats", *map(str, folders), "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_stats_of_the_ai_engineer_guide(capsys: pytest.CaptureFixture[str]) -> None:
    (found,) = stats_json(capsys, DATA / "ai-engineer")
    guide, _ = load_guide(DATA / "ai-engineer")
    assert found["guide"] == "ai-engineer"
    assert found["questions"] == 15
    assert [(t["title"], t["questions"]) for t in found["topics"]] == [
        (t.title, len(t.questions)) for t in guide.topics
    ]
    by_difficulty = {d: sum(q.difficulty == d for q in guide.questions) for d in ("easy", "medium", "hard")}
    assert found["difficulty"] == {**by_difficulty, "unset": 0}
    assert found["missing"] == {"guidance": [], "key_points": [], "follow_ups": [], "tags": []}
    words = {q.id: len(q.answer.split()) for q in guide.questions}
    longest = max(words, key=words.__getitem__)
    assert found["answer_words"] == {
        "median": statistics.median(words.values()),
        "longest": {"id": longest, "words": words[longest]},
        "total": sum(words.values()),
    }
    assert found["duplicates"] == []
    assert set(found["estimated_pages"]) == {"study_guide", "answer_key", "complete"}
    assert found["words_a_minute"] == 200
    key_words = sum(
        len(q.question.split()) + words[q.id] + sum(len(p.split()) for p in (*q.key_points, *q.follow_ups))
        for q in guide.questions
    )
    assert found["reading_minutes"]["answer_key"] == round(key_words / 200)


def test_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(DATA / "sql-fundamentals")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(
        "SQL Fundamentals Interview Study Guide (edition 2026.1): 5 questions in 2 topics"
    )
    assert lines[2].split() == ["topic", "questions", "easy", "medium", "hard", "unset"]
    assert lines[5].split()[:2] == ["total", "5"]
    assert "missing:" in lines
    assert any(line.startswith("answers: median ") for line in lines)
    assert "look like duplicates: none" in lines
    assert any(line.startswith("estimated pages (base style): study guide ") for line in lines)
    assert lines[-1].startswith("reading time: study guide ")


def test_the_table_aligns_wide_letters_marks_and_emoji(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Columns line up as a terminal shows them: a Chinese letter or an emoji takes two columns, a
    combining mark none; a title too long is cut at a column, not at a letter count."""
    titles = ["数据库设计", "हिन्दी प्रश्न", "Emoji 👍🏽 👨\u200d👩\u200d👧 🇯🇵", "Plain", "长" * 40]
    text = "title: T\nedition: '1'\ntopics: [{topics}]\nquestions:\n{questions}".format(
        topics=", ".join(json.dumps(t, ensure_ascii=False) for t in titles),
        questions="".join(
            f"  - {{id: q{i}, topic: {json.dumps(t, ensure_ascii=False)}, question: Why?, answer: So.}}\n"
            for i, t in enumerate(titles)
        ),
    )
    assert main(["stats", str(write_guide(tmp_path / "wide", text))]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = lines[2 : 3 + len(titles) + 1]  # the head, a row a topic, the total
    counts = 2 + 5 * 9 + 4 * 2  # the five counts, each right-aligned in 9 columns, after 2 spaces
    assert all(row[-counts:].isascii() and row[-counts:].startswith("  ") for row in rows)
    assert len({stats.display_width(row[:-counts]) for row in rows}) == 1, rows  # the counts in one column
    assert stats.display_width("数据库") == 6
    assert stats.display_width("हिन्दी") == 5  # the virama draws nothing of its own
    assert stats.display_width("e\u0301") == 1
    assert stats.display_width("👍🏽 👨\u200d👩\u200d👧 🇯🇵 ❤\ufe0f") == 11
    assert "长" * 23 + "…" in lines[3 + len(titles) - 1]  # 48 columns: 23 letters and the ellipsis


def test_several_guides_give_one_json_object_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    found = stats_json(capsys, DATA / "ai-engineer", DATA / "sql-fundamentals")
    assert [f["guide"] for f in found] == ["ai-engineer", "sql-fundamentals"]


BANK = """\
title: Duplicates
edition: "1"
date: 2026-01-01
topics: [Basics]
questions:
{questions}
"""


def bank(folder: Path, questions: list[tuple[str, str]], **extra: str) -> Path:
    items = []
    for qid, text in questions:
        fields = {"guidance": "g", "key_points": "[k]", "follow_ups": "[f]", "tags": "[t]", **extra}
        lines = [f"  - id: {qid}", "    topic: Basics", f"    question: {json.dumps(text)}", "    answer: a"]
        lines += [f"    {key}: {value}" for key, value in fields.items() if value]
        items.append("\n".join(lines))
    return write_guide(folder, BANK.format(questions="\n".join(items)))


def test_duplicates_same_text_and_near(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = bank(
        tmp_path / "dups",
        [
            ("l1-l2", "What's the difference between L1 and L2 regularisation?"),
            ("overfitting", "What is overfitting?"),
            ("underfitting", "What is underfitting?"),
            ("l1-l2-again", "What is the difference between L1 and L2 regularization?"),
            ("overfitting-again", "what is  OVERFITTING"),
            ("docker", "What is Docker?"),
            ("docker-explained", "Explain Docker."),
        ],
    )
    (found,) = stats_json(capsys, folder)
    assert found["duplicates"] == [
        {"kind": "same", "ids": ["overfitting", "overfitting-again"], "similarity": 1.0},
        {"kind": "similar", "ids": ["l1-l2", "l1-l2-again"], "similarity": 1.0},
        {"kind": "similar", "ids": ["docker", "docker-explained"], "similarity": 1.0},
    ]
    assert main(["stats", str(folder)]) == 0
    table = capsys.readouterr().out
    assert "look like duplicates: 3\n  overfitting, overfitting-again  (same text)\n" in table
    assert "  l1-l2, l1-l2-again  (similar, 100% of their words)\n" in table


def test_near_duplicates_compare_a_bounded_number_of_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Questions all alike: each is compared with at most a few others per band, never with all."""
    compared = 0
    score = duplicates._score

    def counting(a: frozenset[str], b: frozenset[str]) -> float:
        nonlocal compared
        compared += 1
        return score(a, b)

    monkeypatch.setattr(duplicates, "_score", counting)
    count = 3000
    texts = [f"How does the cache of service {n} behave under load, and why?" for n in range(count)]
    found = duplicates.find([f"q{n}" for n in range(count)], texts)
    bands = duplicates.HASHES // duplicates.ROWS
    assert compared <= count * bands * duplicates.COMPARED
    assert len(found) > 0.9 * (count - 1)  # nearly every one found with one like it
    assert all(d.kind == "similar" and d.similarity >= duplicates.SIMILAR for d in found)


def test_missing_fields_and_the_longest_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BANK.format(
        questions="  - {id: bare, topic: Basics, question: Bare?, answer: short}\n"
        "  - id: full\n    topic: Basics\n    difficulty: hard\n    tags: [x]\n    question: Full?\n"
        "    answer: a longer answer than the other\n"
        "    guidance: g\n    key_points: [k]\n    follow_ups: [f]\n"
    )
    (found,) = stats_json(capsys, write_guide(tmp_path / "gaps", text))
    assert found["missing"] == {
        "guidance": ["bare"],
        "key_points": ["bare"],
        "follow_ups": ["bare"],
        "tags": ["bare"],
    }
    assert found["answer_words"] == {"median": 3.5, "longest": {"id": "full", "words": 6}, "total": 7}
    assert found["difficulty"] == {"easy": 0, "medium": 0, "hard": 1, "unset": 1}


@pytest.mark.parametrize("name", ["ai-engineer", "sql-fundamentals", "tricky"])
def test_estimated_pages_are_close_to_a_real_build(name: str, built: Callable[[str], Built]) -> None:
    real = built(name)
    estimate = pages.estimate(real.guide)
    for role, pages_estimated in (
        ("study_guide", estimate.study_guide),
        ("answer_key", estimate.answer_key),
        ("complete", estimate.complete),
    ):
        pages_built = real.manifest["files"][role]["pages"]
        assert abs(pages_estimated - pages_built) <= max(2, 0.1 * pages_built), (
            role,
            pages_estimated,
            pages_built,
        )


def test_estimated_pages_of_a_larger_bank_are_within_a_tenth(tmp_path: Path) -> None:
    generate.generate(150, tmp_path / "bank", seed=7)  # not a bank the model was fitted to
    real = build_into(tmp_path / "bank", tmp_path / "out")
    estimate = pages.estimate(real.guide)
    for role, pages_estimated in (("study_guide", estimate.study_guide), ("answer_key", estimate.answer_key)):
        pages_built = real.manifest["files"][role]["pages"]
        assert abs(pages_estimated - pages_built) <= 0.1 * pages_built, (role, pages_estimated, pages_built)


def test_counts_of_markdown_with_and_without_code_agree() -> None:
    text = (
        "A paragraph\nthat runs on.\n\n- one\n- two\n\n| a | b |\n|---|---|\n\n# Heading\n> quote\n1. first"
    )
    assert pages.counts(text) == (85, 8, 0)  # the fast way, for text without code
    assert pages.counts(text + "\n\n```\ncode\nmore code\n```") == (85, 9, 2)  # the line by line way


def test_an_invalid_guide_is_reported_with_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_guide(
        tmp_path / "bad", 'title: Bad\nedition: "1"\nquestions:\n  - id: x\n    question: Q?\n'
    )
    assert main(["stats", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"{folder}/guide.yaml:4:5: error: question 'x' has no answer" in err
    assert err.endswith("guide: 2 errors\n")


def test_help_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--help"]) == 0
    assert "--json" in capsys.readouterr().out
    assert main(["stats", "--jsn"]) == 2


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    """`guide stats | head`: the pipe closes before guide writes; no traceback, the exit code of a
    command ended by SIGPIPE."""
    import signal
    import subprocess

    child = subprocess.Popen(
        [sys.executable, "-m", "guide", "stats", "--json", str(DATA / "ai-engineer")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the child has started Python: every write it makes fails
    with child.stderr:
        err = child.stderr.read()
    assert child.wait(timeout=120) == 128 + signal.SIGPIPE
    assert "Traceback" not in err and "BrokenPipeError" not in err
