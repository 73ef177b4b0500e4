"""Practice sets: filters, a seeded draw, what the cover says, and where the files go."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from guide import cli
from guide.data.model import Guide
from guide.data.select import Selection, select
from guide.data.validate import load_guide
from guide.errors import GuideError

ROOT = Path(__file__).resolve().parent.parent
AI = ROOT / "data" / "ai-engineer"


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide(AI)[0]


def _ids(practice: Guide) -> list[str]:
    return [q.id for q in practice.questions]


def test_same_seed_same_set_other_seed_other_order(guide: Guide) -> None:
    first = select(guide, Selection(count=8, seed=7, shuffle=True))
    assert _ids(first) == _ids(select(guide, Selection(count=8, seed=7, shuffle=True)))
    assert _ids(first) != _ids(select(guide, Selection(count=8, seed=8, shuffle=True)))
    everything = [_ids(select(guide, Selection(seed=seed, shuffle=True))) for seed in (1, 2)]
    assert sorted(everything[0]) == sorted(everything[1]) and everything[0] != everything[1]


def test_without_shuffle_the_guide_order_is_kept(guide: Guide) -> None:
    practice = select(guide, Selection(count=6, seed=3))
    original = {q.id: q.number for q in guide.questions}
    numbers = [original[qid] for qid in _ids(practice)]
    assert numbers == sorted(numbers)
    assert [q.number for q in practice.questions] == list(range(1, 7))  # renumbered
    chosen_topics = {q.topic for q in practice.questions}
    assert [t.title for t in practice.topics] == [t.title for t in guide.topics if t.title in chosen_topics]


def test_filters_combine(guide: Guide) -> None:
    practice = select(
        guide, Selection(topics=("deep-learning", "Data and evaluation"), difficulties=("medium",))
    )
    assert practice.questions
    for q in practice.questions:
        assert q.topic in ("Deep learning", "Data and evaluation") and q.difficulty == "medium"
    topics = ("Deep learning", "Data and evaluation")
    expected = [q.id for q in guide.questions if q.topic in topics and q.difficulty == "medium"]
    assert _ids(practice) == expected
    tagged = select(guide, Selection(tags=("gradients", "CNN")))
    assert {q.id for q in tagged.questions} == {
        q.id for q in guide.questions if {"gradients", "cnn"} & set(q.tags)
    }


def test_the_practice_set_is_named_and_described(guide: Guide) -> None:
    practice = select(guide, Selection(topics=("Deep learning",), count=2, seed=7))
    assert re.fullmatch(r"ai-engineer-practice-7-[0-9a-f]{6}", practice.id)
    assert practice.subtitle == guide.subtitle  # the cover's selection line says what part it is
    # The same seed with other filters is another set, in another folder; the same set, the same.
    other = select(guide, Selection(topics=("Responsible AI",), seed=7))
    assert other.id != practice.id and other.id.startswith("ai-engineer-practice-7-")
    assert select(guide, Selection(topics=("deep-learning",), count=2, seed=7)).id == practice.id
    assert practice.edition == guide.edition
    assert practice.selection == "Practice set: 2 of 15 questions (topics: Deep learning; seed 7)"
    shuffled = select(guide, Selection(count=3, seed=9, shuffle=True))
    assert shuffled.selection == "Practice set: 3 of 15 questions (seed 9; shuffled)"


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (Selection(topics=("Deep lerning",)), "--topics: no topic 'Deep lerning' in ai-engineer; did you"),
        (Selection(tags=("gradient",)), "--tags: no tag 'gradient' in ai-engineer; did you mean 'gradie"),
        (Selection(difficulties=("hardd",)), "--difficulty: no difficulty 'hardd'; did you mean 'hard'?"),
        (Selection(count=16), "--count 16: only 15 questions in ai-engineer"),
        (Selection(tags=("cnn",), count=2), "--count 2: only 1 question matches tags: cnn"),
        (Selection(topics=("Responsible AI",), tags=("cnn",)), "no question of ai-engineer matches topics:"),
    ],
)  # fmt: skip
def test_bad_selections_name_the_value(guide: Guide, selection: Selection, message: str) -> None:
    """Problems of the command line, reported as such: no line of guide.yaml is wrong."""
    with pytest.raises(GuideError) as caught:
        select(guide, selection)
    assert str(caught.value).startswith(f"guide: error: {message}")


def test_build_practice_set_beside_the_full_edition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its own folder and file names; the cover says how it was made; the key has only its answers."""
    out = tmp_path / "out"
    args = ["build", str(AI), "--out", str(out), "--topics", "Deep learning", "--count", "3", "--seed", "5"]
    assert cli.main([*args, "--shuffle", "-q"]) == 0
    assert not (out / "ai-engineer").exists()
    (folder,) = out.glob("ai-engineer-practice-5-*")
    practice = folder.name
    assert re.fullmatch(r"ai-engineer-practice-5-[0-9a-f]{6}", practice)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["guide"] == practice and manifest["questions"] == 3
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            ".guide.json",
            "manifest.json",
            *(f"{practice}-2026.1-{r}.pdf" for r in ("study-guide", "answer-key", "complete")),
        ]
    )
    marker = json.loads((folder / ".guide.json").read_text(encoding="utf-8"))
    assert marker == {"made_by": "guide", "guide": "ai-engineer", "kind": "practice"}
    study = PdfReader(folder / f"{practice}-2026.1-study-guide.pdf")
    cover = " ".join(study.pages[0].extract_text().split())
    assert "Practice set: 3 of 15 questions (topics: Deep learning; seed 5; shuffled)" in cover
    assert "Fifteen questions on machine learning and deep learning" in cover  # the subtitle stays
    front = " ".join(" ".join(page.extract_text() for page in study.pages[1:3]).split())
    assert "This practice set holds 3 of the 15 questions of AI Engineer Interview Study Guide" in front
    assert "Fifteen questions that come up again" not in front  # the whole guide's description
    key_text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(folder / manifest["files"]["answer_key"]["path"]).pages
        ).split()
    )
    assert "QUESTION 3" in key_text and "QUESTION 4" not in key_text
    assert capsys.readouterr().err == ""

    assert cli.main(["build", str(AI), "--out", str(out), "--topics", "Deep lerning"]) == 1
    assert capsys.readouterr().err.startswith(
        "guide: error: --topics: no topic 'Deep lerning' in ai-engineer; did you mean 'Deep learning'?"
    )


def test_a_practice_set_describes_itself_not_the_whole_guide(guide: Guide) -> None:
    """Its "how to use" page says how many questions it holds and from which topics; the guide's
    own description ("Fifteen questions that come up …") is the whole book's."""
    from guide.data import text

    def about(selection: Selection) -> str:
        return text.plain_text(text.parse(select(guide, selection).description))

    assert about(Selection(topics=("Deep learning", "responsible-ai"), count=5, seed=1, shuffle=True)) == (
        "This practice set holds 5 of the 15 questions of AI Engineer Interview Study Guide, from 2"
        " topics: Deep learning and Responsible AI. They were drawn at random with seed 1: the same"
        " options draw the same set. They come in the order they were drawn, not the guide's."
    )
    assert about(Selection(tags=("cnn",))) == (
        "This practice set holds 1 of the 15 questions of AI Engineer Interview Study Guide, from 1"
        " topic: Deep learning. They were chosen by tags: cnn."
    )


def test_a_practice_set_prints_topic_titles_as_written(guide: Guide) -> None:
    """A title is text, not Markdown: a practice set's description shows it as it is typed."""
    odd = r"Trees (and \(x\) forests) & <b> *C#* $$a$$ [x](y)"
    first = guide.topics[0]
    questions = tuple(dataclasses.replace(q, topic=odd) for q in first.questions)
    renamed = dataclasses.replace(guide, topics=(dataclasses.replace(first, title=odd, questions=questions),))
    from guide.data import text

    practice = select(renamed, Selection(count=1))
    assert odd in text.plain_text(text.parse(practice.description))


def test_a_practice_set_needs_only_the_characters_of_its_own_questions(guide: Guide) -> None:
    """The layout loads a fallback font for any character the guide holds: a set drawn from a
    bank asks only for its own questions' characters, not the whole bank's."""
    from guide.layout.fonts import guide_chars

    practice = select(guide, Selection(count=1, seed=1))
    (only,) = practice.questions
    titles = [
        guide.title,
        guide.subtitle,
        guide.description,
        *guide.authors,
        *(t.title for t in guide.topics),
        practice.description,  # its own: what the set holds
    ]
    own = set("".join(value for _, _, value in only.texts())) | set("".join(titles))
    assert set(guide_chars(guide)) - own  # the bank holds characters this set does not draw
    assert guide_chars(practice) <= own
