"""The validator: a guide folder becomes a Guide, or every problem in it is reported at once."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from guide.data.model import Guide
from guide.data.validate import find_guides, load_guide
from guide.errors import GuideError, Location, display_path

HEAD = 'title: Test guide\nedition: "1"\ndate: 2025-01-15\n'


def question(qid: str, topic: str = "Basics", indent: str = "  ", **extra: str) -> str:
    """One complete question as a YAML list item."""
    fields = {
        "id": qid,
        "topic": topic,
        "question": f"What is {qid}?",
        "guidance": "Listen for a definition.",
        "answer": f"It is {qid}.",
        "key_points": "[A definition]",
        **extra,
    }
    lines = [f"{k}: {v}" for k, v in fields.items()]
    return f"{indent}- " + f"\n{indent}  ".join(lines) + "\n"


def write(folder: Path, guide: str | None, files: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if guide is not None:
        (folder / "guide.yaml").write_text(guide, encoding="utf-8")
    for name, text in (files or {}).items():
        path = folder / "questions" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(GuideError) as caught:
        load_guide(folder)
    return [str(p) for p in caught.value.problems]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path, so that messages name files as `g/guide.yaml`."""
    monkeypatch.chdir(tmp_path)


# ---- a valid guide -----------------------------------------------------------------------------


def test_a_valid_guide(tmp_path: Path) -> None:
    guide, warnings = load_guide(write(tmp_path / "g", HEAD + "questions:\n" + question("bagging")))
    assert warnings == ()
    assert (guide.id, guide.title, guide.edition, guide.date, guide.language) == (
        "g",
        "Test guide",
        "1",
        dt.date(2025, 1, 15),
        "en",
    )
    [q] = guide.questions
    assert (q.id, q.number, q.topic, q.key_points) == ("bagging", 1, "Basics", ("A definition",))
    assert guide.topics[0].slug == "basics"


def test_locations_are_carried_into_the_model(tmp_path: Path) -> None:
    """A problem found late can still name the question's file, line and column."""
    guide, _ = load_guide(write(tmp_path / "g", HEAD + "questions:\n" + question("bagging")))
    [q] = guide.questions
    assert q.location == Location("g/guide.yaml", 5, 5)
    assert q.where("answer") == Location("g/guide.yaml", 9, 13)
    assert q.where("difficulty") == q.location
    assert guide.location == Location("g/guide.yaml", 1, 1)


def test_inline_and_folder_questions_give_the_same_guide(tmp_path: Path) -> None:
    """questions: in guide.yaml and files in questions/ are two ways to write one guide."""
    topics = "topics:\n  - Trees\n  - Ensembles\n"
    q1 = question("bagging", "Ensembles", indent="")
    q2 = question("cart", "Trees", indent="")
    q3 = question("boosting", "Ensembles", indent="", difficulty="hard", tags="[ensembles]")
    inline = write(
        tmp_path / "inline" / "g",
        HEAD
        + topics
        + "questions:\n"
        + "".join("  " + line + "\n" for q in (q1, q2, q3) for line in q.splitlines()),
    )
    folder = write(tmp_path / "folder" / "g", HEAD + topics, {"01-a.yaml": q1 + q2, "02-b.yml": q3})
    a, _ = load_guide(inline)
    b, _ = load_guide(folder)
    assert a == b
    assert a.questions[0].location != b.questions[0].location  # locations are not part of ==
    assert [q.id for q in a.questions] == ["cart", "bagging", "boosting"]


def test_inline_and_folder_questions_together(tmp_path: Path) -> None:
    """Inline questions come first, then the files, in name order."""
    folder = write(
        tmp_path / "g",
        HEAD + "questions:\n" + question("inline"),
        {"b.yaml": question("from-b", indent=""), "a.yaml": question("from-a", indent="")},
    )
    guide, _ = load_guide(folder)
    assert [q.id for q in guide.questions] == ["inline", "from-a", "from-b"]


def test_numbering_follows_topic_order_then_file_order(tmp_path: Path) -> None:
    files = {
        "01.yaml": question("a1", "A", indent="") + question("b1", "B", indent=""),
        "02.yaml": question("b2", "B", indent="") + question("a2", "A", indent=""),
    }
    guide, _ = load_guide(write(tmp_path / "g", HEAD + "topics: [B, A]\n", files))
    assert [(t.title, [(q.number, q.id) for q in t.questions]) for t in guide.topics] == [
        ("B", [(1, "b1"), (2, "b2")]),
        ("A", [(3, "a1"), (4, "a2")]),
    ]


def test_undeclared_topics_in_order_of_first_appearance(tmp_path: Path) -> None:
    text = HEAD + "questions:\n" + question("z1", "Zeta") + question("a1", "Alpha") + question("z2", "Zeta")
    guide, _ = load_guide(write(tmp_path / "g", text))
    assert [t.title for t in guide.topics] == ["Zeta", "Alpha"]
    assert [q.id for q in guide.questions] == ["z1", "z2", "a1"]
    assert [q.number for q in guide.questions] == [1, 2, 3]


def test_topic_slugs_are_unique(tmp_path: Path) -> None:
    text = HEAD + "questions:\n" + question("a", "C++") + question("b", "C#") + question("c", "Café")
    guide, _ = load_guide(write(tmp_path / "g", text))
    assert [t.slug for t in guide.topics] == ["c", "c-2", "cafe"]


def test_text_is_nfc_normalised(tmp_path: Path) -> None:
    """An e and a combining accent become one é, so text compares and renders the same."""
    text = (
        HEAD
        + "topics: [Caf\u0065\u0301]\nquestions:\n"
        + question("cafe", "Caf\u00e9", answer="Caf\u0065\u0301")
    )
    guide, _ = load_guide(write(tmp_path / "g", text))
    [q] = guide.questions
    assert q.answer == "Caf\u00e9"
    assert guide.topics[0].title == "Caf\u00e9"


@pytest.mark.parametrize(
    ("written", "edition"),
    [("2025.1", "2025.1"), ("1.10", "1.10"), ("2025", "2025"), ('"2025.1"', "2025.1"), ("v2", "v2")],
)
def test_edition_keeps_the_text_as_written(tmp_path: Path, written: str, edition: str) -> None:
    """YAML 1.1 reads 1.10 as the number 1.1; the edition is the text the user typed."""
    text = f"title: T\nedition: {written}\ndate: 2025-01-15\nquestions:\n" + question("a")
    assert load_guide(write(tmp_path / "g", text))[0].edition == edition


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("2025-01-15", dt.date(2025, 1, 15)),
        ('"2025-01-15"', dt.date(2025, 1, 15)),
        ("2025-01-15 10:30:00", dt.date(2025, 1, 15)),
        ("2025-1-5", dt.date(2025, 1, 5)),
    ],
)
def test_dates(tmp_path: Path, written: str, date: dt.date) -> None:
    text = f'title: T\nedition: "1"\ndate: {written}\nquestions:\n' + question("a")
    assert load_guide(write(tmp_path / "g", text))[0].date == date


def test_plain_numbers_are_fine_as_ids(tmp_path: Path) -> None:
    """An id is always text: a plain 2024 means the id '2024'."""
    guide, _ = load_guide(write(tmp_path / "g", HEAD + "questions:\n" + question("2024")))
    assert guide.questions[0].id == "2024"


def test_authors_may_be_one_name(tmp_path: Path) -> None:
    text = HEAD + "authors: Ada Lovelace\nquestions:\n" + question("a")
    assert load_guide(write(tmp_path / "g", text))[0].authors == ("Ada Lovelace",)


def test_topics_and_tags_are_single_lines(tmp_path: Path) -> None:
    text = HEAD + "questions:\n" + question("a", '"Deep\\n  learning"', tags='["a  b"]')
    guide, _ = load_guide(write(tmp_path / "g", text))
    assert (guide.topics[0].title, guide.questions[0].tags) == ("Deep learning", ("a b",))


def test_hidden_and_other_files_in_questions_are_skipped(tmp_path: Path) -> None:
    files = {"a.yaml": question("a", indent=""), ".#a.yaml": "broken: [", "notes.txt": "not yaml: ["}
    guide, _ = load_guide(write(tmp_path / "g", HEAD, files))
    assert [q.id for q in guide.questions] == ["a"]


def test_question_files_in_capitals_are_read_and_subfolders_are_named(tmp_path: Path) -> None:
    """B.YAML is a question file too; questions filed in a subfolder are not read, and a warning says so."""
    files = {"a.yaml": question("a", indent=""), "B.YAML": question("b", indent=""),
             "net/c.yaml": question("c", indent="")}  # fmt: skip
    guide, warnings = load_guide(write(tmp_path / "g", HEAD, files))
    assert [q.id for q in guide.questions] == ["b", "a"]  # file-name order: "B" sorts before "a"
    assert [str(w) for w in warnings] == [
        "g/questions/net: warning: this folder is not read: only the .yaml and .yml files directly in"
        " questions/ hold questions; move its files up into questions/"
    ]


# ---- warnings ----------------------------------------------------------------------------------


def test_warnings(tmp_path: Path) -> None:
    text = 'title: T\nedition: "1"\ntopics: [Basics, Spare]\nquestions:\n  - id: a\n    topic: Basics\n'
    text += "    question: Q?\n    answer: A.\n    key_points: []\n"
    _, warnings = load_guide(write(tmp_path / "g", text, {"empty.yaml": "# later\n"}))
    assert [str(w) for w in warnings] == [
        "g/guide.yaml:1:1: warning: the guide has no date, so none is printed; add 'date:' with the"
        " edition's date, like 2025-01-15",
        "g/guide.yaml:3:18: warning: topic 'Spare' has no questions; give a question 'topic: Spare',"
        " or remove it from topics",
        "g/guide.yaml:5:5: warning: question 'a' has no guidance; add 'guidance:' with what the"
        " interviewer listens for",
        "g/guide.yaml:5:5: warning: question 'a' has no key points; add 'key_points:' with the checklist"
        " a reviewer ticks",
        "g/questions/empty.yaml:1:1: warning: the file is empty; add a list of questions, each starting"
        " with '- ', or delete it",
    ]


# ---- every problem at once ---------------------------------------------------------------------


def test_five_different_errors_are_reported_at_once(tmp_path: Path) -> None:
    text = (
        'title: T\nedition: "1"\ndate: 2025-01-15\ntopics: [Basics]\nquestions:\n'
        "  - id: Bad Id\n    topic: Basics\n    question: Q?\n    guidance: G.\n    answer: A.\n"
        "    key_points: [K]\n"
        "  - id: two\n    topic: Basic\n    question: no\n    guidance: G.\n    anwser: A.\n"
        "    key_points: [K]\n    difficulty: Hard\n"
    )
    assert problems_of(write(tmp_path / "g", text)) == [
        "g/guide.yaml:6:9: error: id 'Bad Id' is not valid: expected lowercase letters, digits and '-',"
        " starting with a letter or digit; for example 'bad-id'",
        "g/guide.yaml:13:12: error: question 'two': topic 'Basic' is not among the topics listed in"
        " guide.yaml; did you mean 'Basics'?",
        "g/guide.yaml:14:15: error: question 'two': question must be text, found a boolean: YAML reads a"
        ' plain no as a boolean; write it in quotes: "no"',
        "g/guide.yaml:16:5: error: question 'two': unknown key 'anwser'; did you mean 'answer'?",
        "g/guide.yaml:18:17: error: question 'two': difficulty must be easy, medium or hard, found 'Hard';"
        " did you mean 'hard'?",
    ]


def test_problems_across_files_are_sorted_by_place(tmp_path: Path) -> None:
    files = {"b.yaml": question("x", indent="") + "- oops\n", "a.yaml": question("x", indent="")}
    problems = problems_of(write(tmp_path / "g", HEAD + "titel: again\n", files))
    assert [p.split(": error")[0] for p in problems] == [
        "g/guide.yaml:4:1",
        "g/questions/b.yaml:1:7",
        "g/questions/b.yaml:7:3",
    ]


def test_questions_are_checked_even_when_guide_yaml_is_broken(tmp_path: Path) -> None:
    files = {"a.yaml": question("Bad", indent="")}
    problems = problems_of(write(tmp_path / "g", "title: [\n", files))
    assert [p.split(": error")[0] for p in problems] == ["g/guide.yaml:2:1", "g/questions/a.yaml:1:7"]


def test_a_misspelt_key_is_not_also_reported_missing(tmp_path: Path) -> None:
    text = 'titel: T\nedition: "1"\ndate: 2025-01-15\nquestions:\n  - id: a\n    topic: B\n'
    text += "    qestion: Q?\n    guidance: G.\n    answer: A.\n    key_point: [K]\n"
    assert problems_of(write(tmp_path / "g", text)) == [
        "g/guide.yaml:1:1: error: unknown key 'titel'; did you mean 'title'?",
        "g/guide.yaml:7:5: error: question 'a': unknown key 'qestion'; did you mean 'question'?",
        "g/guide.yaml:10:5: error: question 'a': unknown key 'key_point'; did you mean 'key_points'?",
    ]


def test_invisible_characters_in_messages_are_spelled_out(tmp_path: Path) -> None:
    """A key holding a control character is named with an escape, never printed raw."""
    text = HEAD + '"bad\\x07key": 1\nquestions:\n' + question("a")
    [problem] = problems_of(write(tmp_path / "g", text))
    assert "unknown key 'bad\\x07key'" in problem


def test_a_tagged_value_is_reported_once(tmp_path: Path) -> None:
    text = HEAD + "questions:\n" + question("a", answer="!!python/object:os.system {}")
    assert problems_of(write(tmp_path / "g", text)) == [
        "g/guide.yaml:9:13: error: unsupported YAML tag '!!python/object:os.system': guide files hold"
        " only text, lists and mappings; remove the tag"
    ]


# ---- folders and files -------------------------------------------------------------------------


def test_folder_not_found(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope") == [
        "nope: error: guide folder not found; check the path (a guide is a folder holding guide.yaml)"
    ]


def test_guide_yaml_given_instead_of_its_folder(tmp_path: Path) -> None:
    write(tmp_path / "g", HEAD)
    assert problems_of(tmp_path / "g" / "guide.yaml") == [
        "g/guide.yaml: error: expected a guide folder, found its guide.yaml; pass the folder that holds it: g"
    ]


def test_folder_name_must_suit_file_names(tmp_path: Path) -> None:
    folder = write(tmp_path / "my guide", HEAD + "questions:\n" + question("a"))
    assert problems_of(folder) == [
        "my guide: error: the guide folder's name 'my guide' is used in file names: expected letters,"
        " digits, '.', '-' and '_', starting with a letter or digit; rename the folder"
    ]


def test_questions_is_a_file(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", HEAD)
    (folder / "questions").write_text("- x\n")
    assert problems_of(folder) == [
        "g/questions: error: expected a folder of question files, found a file; rename it or move it away"
    ]


def test_folder_named_like_a_question_file(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", HEAD, {"a.yaml": question("a", indent="")})
    (folder / "questions" / "x.yaml").mkdir()
    assert problems_of(folder) == [
        "g/questions/x.yaml: error: expected a YAML file, found a folder; rename the folder or move it away"
    ]


def test_symlink_loop_in_questions(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", HEAD, {"a.yaml": question("a", indent="")})
    (folder / "questions" / "loop.yaml").symlink_to("loop.yaml")
    assert problems_of(folder) == [
        "g/questions/loop.yaml: error: the file is a symbolic link that leads back to itself;"
        " point it at a real file or delete it"
    ]


def test_symlink_loop_as_guide_yaml_and_as_guide_folder(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", None)
    (folder / "guide.yaml").symlink_to("guide.yaml")
    assert problems_of(folder)[0].startswith(
        "g/guide.yaml: error: the file is a symbolic link that leads back"
    )
    (tmp_path / "loop").symlink_to("loop")
    assert problems_of(tmp_path / "loop") == [
        "loop: error: guide folder not found; check the path (a guide is a folder holding guide.yaml)"
    ]


def test_questions_symlink_to_nowhere(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", HEAD + "questions:\n" + question("a"))
    (folder / "questions").symlink_to("gone")
    assert problems_of(folder) == [
        "g/questions: error: questions is a symbolic link that leads nowhere (or back to itself);"
        " point it at a folder of question files, or delete it"
    ]


def test_unreadable_question_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 does not stop root, so the refusal is simulated."""
    folder = write(
        tmp_path / "g", HEAD, {"a.yaml": question("a", indent=""), "b.yaml": question("b", indent="")}
    )
    import guide.data.source
    import guide.files

    real = guide.files.read_regular  # what guide.data.source imported

    def read_regular(path: Path, *args: Any, **kwargs: Any) -> bytes:
        if path.name == "b.yaml":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(guide.data.source, "read_regular", read_regular)
    assert problems_of(folder) == [
        "g/questions/b.yaml: error: cannot read the file: permission denied; make it readable (chmod a+r)"
    ]


SECRET = "root:x:0:0:SECRET-LINE:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"


def test_symbolic_links_out_of_the_guide_folder_are_refused_unread(tmp_path: Path) -> None:
    """A question file, guide.yaml or questions/ linked to a file outside (/etc/passwd, say) is refused
    where the link is, and nothing of the file it leads to is read or quoted."""
    secret = tmp_path / "passwd"
    secret.write_text(SECRET, encoding="utf-8")
    folder = write(tmp_path / "g", HEAD, {"a.yaml": question("a", indent="")})
    (folder / "questions" / "01.yaml").symlink_to(secret)
    (folder / "questions" / "02.yaml").symlink_to("../../elsewhere.yaml")
    assert problems_of(folder) == [
        "g/questions/01.yaml: error: the file is a symbolic link to passwd, outside the guide folder;"
        " guide reads only the guide's own files: copy what it leads to into the folder instead of linking"
        " to it",
        "g/questions/02.yaml: error: the file is a symbolic link to elsewhere.yaml, outside"
        " the guide folder; guide reads only the guide's own files: copy what it leads to into the folder"
        " instead of linking to it",
    ]
    other = write(tmp_path / "h", None)
    (other / "guide.yaml").symlink_to(secret)
    assert problems_of(other)[0].startswith("h/guide.yaml: error: the file is a symbolic link to passwd,")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "a.yaml").write_text(question("a", indent=""), encoding="utf-8")
    third = write(tmp_path / "i", HEAD)
    (third / "questions").symlink_to(shared)
    assert problems_of(third)[0].startswith("i/questions: error: questions is a symbolic link to shared,")
    for found in (problems_of(folder), problems_of(other), problems_of(third)):
        assert not any("SECRET" in p or "root:" in p for p in found)


def test_symbolic_links_within_the_guide_folder_are_followed(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", HEAD, {"a.yaml": question("a", indent="")})
    (folder / "kept").mkdir()
    (folder / "kept" / "b.yaml").write_text(question("b", indent=""), encoding="utf-8")
    (folder / "questions" / "b.yaml").symlink_to("../kept/b.yaml")
    guide, _ = load_guide(folder)
    assert [q.id for q in guide.questions] == ["a", "b"]


def test_a_question_file_that_is_not_yaml_is_never_quoted(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", HEAD, {"a.yaml": question("a", indent=""), "notes.yaml": SECRET})
    assert problems_of(folder) == [
        "g/questions/notes.yaml:1:1: error: expected a list of questions, found a file that YAML reads as"
        " one plain text (not a YAML file of questions?); start each question with '- ', or move the file"
        " away"
    ]


def test_unlistable_questions_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write(tmp_path / "g", HEAD, {"a.yaml": question("a", indent="")})
    real = os.listdir

    def listdir(path: str | os.PathLike[str]) -> list[str]:
        if Path(path).name == "questions":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)
    assert problems_of(folder) == [
        "g/questions: error: cannot list the folder: permission denied; make it readable (chmod a+rx)"
    ]


def test_duplicate_ids_across_files_name_the_first(tmp_path: Path) -> None:
    files = {"a.yaml": question("same", indent=""), "b.yaml": question("same", indent="")}
    assert problems_of(write(tmp_path / "g", HEAD, files)) == [
        "g/questions/b.yaml:1:7: error: duplicate id 'same' (first used at g/questions/a.yaml:1:7);"
        " ids must be unique in the guide: rename one of them"
    ]


# ---- paths -------------------------------------------------------------------------------------


def test_display_path(tmp_path: Path) -> None:
    assert display_path(tmp_path / "g" / "guide.yaml") == "g/guide.yaml"
    assert display_path(Path("g/../g/guide.yaml")) == "g/guide.yaml"
    outside = tmp_path.parent / "elsewhere.yaml"
    assert display_path(outside) == str(outside)
    (tmp_path / "loop").symlink_to("loop")
    assert display_path(tmp_path / "loop") == "loop"  # no RuntimeError from a symlink loop


def test_find_guides(tmp_path: Path) -> None:
    write(tmp_path / "data" / "b", HEAD)
    write(tmp_path / "data" / "a", HEAD)
    (tmp_path / "data" / "not-a-guide").mkdir()
    assert find_guides(tmp_path / "data") == [tmp_path / "data" / "a", tmp_path / "data" / "b"]
    assert find_guides(tmp_path / "none") == []


def test_guide_equality_ignores_root_and_location() -> None:
    a = Guide(id="g", title="T", edition="1", topics=(), root=Path("a"), location=Location("a", 1, 1))
    b = Guide(id="g", title="T", edition="1", topics=(), root=Path("b"))
    assert a == b


# ---- a large bank, read by two processes ----------------------------------------------------------


@pytest.mark.parametrize("stored", [False, True])
def test_files_read_in_two_processes_give_the_guide_and_problems_of_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stored: bool
) -> None:
    """A bank large enough is read half here, half in a forked child: the same guide (texts kept
    in memory or in a store), and the same problems in the same order, as when read in one."""
    from guide.data import validate
    from guide.data.store import TextStore

    files = {
        f"{n:02d}.yaml": "".join(question(f"q{n}-{k}", topic=f"Topic {k % 3}", indent="") for k in range(4))
        for n in range(6)
    }
    files["03.yaml"] += question("q0-1", indent="") + "- id: broken\n  topic: Basics\n  anwser: no\n"
    files["05.yaml"] += "- id: also broken\n"
    write(tmp_path / "g", HEAD, files)
    del files["03.yaml"], files["05.yaml"]
    write(tmp_path / "ok", HEAD, files)

    def read(folder: str, threshold: int) -> tuple[Guide | None, list[str]]:
        monkeypatch.setattr(validate, "TWO_PROCESSES_BYTES", threshold)
        try:
            guide, _ = load_guide(Path(folder), store=TextStore() if stored else None)
        except GuideError as exc:
            return None, [str(p) for p in exc.problems]
        return guide, []

    one, two = read("g", 1 << 40), read("g", 1)
    assert one == two and one[1]  # the same problems, errors in the child's files among them
    assert any("05.yaml" in p for p in two[1]) and any("duplicate id 'q0-1'" in p for p in two[1])
    (one_guide, _), (two_guide, _) = read("ok", 1 << 40), read("ok", 1)
    assert one_guide is not None and one_guide == two_guide
    assert [q.number for q in two_guide.questions] == list(range(1, 17))
    assert two_guide.questions[-1].answer == one_guide.questions[-1].answer
    assert two_guide.characters == one_guide.characters


@pytest.mark.parametrize("threshold", [1 << 40, 1])
def test_a_file_read_in_either_process_that_fails_silences_empty_topic_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    """'topic … has no questions' would only follow from the file that could not be read, in the
    child's half of the files as in one process's."""
    from guide.data import validate

    monkeypatch.setattr(validate, "TWO_PROCESSES_BYTES", threshold)
    broken = "- id: b\n  topic: B\n  question: 'open\n"
    files = {"01.yaml": question("a", topic="A", indent=""), "02.yaml": broken}
    folder = write(tmp_path / "g", HEAD + "topics: [A, B]\n", files)
    problems = problems_of(folder)
    assert len(problems) == 1 and "02.yaml:3:13: error: invalid YAML" in problems[0], problems


SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def test_tag_characters_are_accepted_only_in_an_emoji_flag(tmp_path: Path) -> None:
    """Tags are invisible and can carry hidden text, so they are refused like other invisible
    controls; but the flags of England, Scotland and Wales are tag sequences, and stay."""
    answer = f"Flags: {SCOTLAND} and {SCOTLAND}."
    folder = write(tmp_path / "flag", HEAD + "questions:\n" + question("q", answer=f'"{answer}"'))
    guide, warnings = load_guide(folder)
    assert guide.questions[0].answer == answer and not warnings
    stray = (f"{SCOTLAND}\U000e0041", "x\U000e0067\U000e0062\U000e007f", "\U0001f3f4\U000e0067\U000e0062")
    for n, bad in enumerate(stray):
        folder = write(tmp_path / f"bad{n}", HEAD + "questions:\n" + question("q", answer=f'"{bad}"'))
        (problem,) = problems_of(folder)
        assert "an invisible tag character that can hide text" in problem, problem


# ---- titles, formats and numbers a bank gives its questions ----------------------------------------


def test_a_title_and_a_format_are_read_and_checked(tmp_path: Path) -> None:
    text = HEAD + "format: text\nquestions:\n" + question("a", title="'  A   short name '")
    text += question("b", format="markdown")
    guide, _ = load_guide(write(tmp_path / "g", text))
    a, b = guide.questions
    assert (a.title, a.format, b.title, b.format, guide.format) == (
        "A short name",
        "text",
        "",
        "markdown",
        "text",
    )
    bad = HEAD + "questions:\n" + question("c", title="''", format="plain")
    assert problems_of(write(tmp_path / "h", bad)) == [
        "h/guide.yaml:11:12: error: question 'c': title is empty; write a short name for the contents,"
        " or remove the line",
        "h/guide.yaml:12:13: error: question 'c': format must be markdown or text, found 'plain'; use one of"
        " those, or remove the line",
    ]


def test_a_title_counts_in_the_digest_only_when_given(tmp_path: Path) -> None:
    """Questions without the new fields keep the digests published for them before (the manifest's
    question_hashes): the digest of the same question as guide computed it until now."""
    plain = load_guide(write(tmp_path / "g", HEAD + "questions:\n" + question("a")))[0].questions[0]
    before = {
        "id": "a", "topic": "Basics", "difficulty": None, "tags": [], "question": "What is a?",
        "answer": "It is a.", "guidance": "Listen for a definition.", "key_points": ["A definition"],
        "follow_ups": [],
    }  # fmt: skip
    assert plain.digest == hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()
    for extra in ({"title": "Named"}, {"format": "text"}):
        changed = load_guide(write(tmp_path / "h", HEAD + "questions:\n" + question("a", **extra)))[0]
        assert changed.questions[0].digest != plain.digest


def test_a_question_starting_with_its_own_number_is_warned_about_and_printed_once(tmp_path: Path) -> None:
    text = HEAD + "questions:\n"
    text += question("a", question="'1. What is a?'")
    text += question("b", question="'Q2: What is b?'")
    text += question("c", question="'7) What is c?'")
    guide, warnings = load_guide(write(tmp_path / "g", text))
    assert [q.numbered for q in guide.questions] == [True, True, False]
    assert [str(w) for w in warnings] == [
        "g/guide.yaml:7:15: warning: question 'a' starts with its own number (1); guide numbers every"
        " question itself (this is question 1), so the text's number is left out; remove it from the text",
        "g/guide.yaml:13:15: warning: question 'b' starts with its own number (2); guide numbers every"
        " question itself (this is question 2), so the text's number is left out; remove it from the text",
        "g/guide.yaml:19:15: warning: question 'c' starts with the number 7, but it is question 3 in this"
        " guide: both are printed; remove the number from the text if it numbers the question",
    ]


def test_a_number_with_nothing_after_it_to_print_is_not_left_out(tmp_path: Path) -> None:
    """'1 . >' (an empty quote after the number): leaving the number out would print no question
    at all, so it is printed whole, and neither warning is given."""
    text = HEAD + "questions:\n" + question("a", question="'1 . >'")
    guide, warnings = load_guide(write(tmp_path / "g", text))
    assert [q.numbered for q in guide.questions] == [False]
    assert warnings == ()


def test_a_number_is_its_own_when_it_is_its_place_in_its_topic(tmp_path: Path) -> None:
    """A bank in several languages numbers each from 1: question 3 of the guide is '1.' of its topic."""
    text = HEAD + "topics: [English, Deutsch]\nquestions:\n"
    text += question("a", topic="English", question="'1. What?'")
    text += question("b", topic="English", question="'2. Why?'")
    text += question("c", topic="Deutsch", question="'1. Was?'")
    guide, _ = load_guide(write(tmp_path / "g", text))
    assert [q.numbered for q in guide.questions] == [True, True, True]


def test_a_question_with_no_sentence_for_the_contents_is_warned_about(tmp_path: Path) -> None:
    code = '"```js\\nx = 1\\n```\\n\\n- A: 1\\n- B: 2"'
    text = HEAD + "questions:\n" + question("a", question=code)
    text += question("b", question='"```js\\nx = 1\\n```\\n\\nWhat is x?"')
    text += question("c", question=code, title="Assigning x")
    text += question("d", question='"    x = 1;\\n    y = 2;"', format="text")
    _, warnings = load_guide(write(tmp_path / "g", text))
    assert [(w.message.split(" has ")[0], w.group) for w in warnings] == [
        ("question 'a'", "questions that need a title for the contents"),
        ("question 'd'", "questions that need a title for the contents"),
    ]


def test_two_processes_carry_the_guide_format_and_the_questions_own_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the checks across files need from a forked reader: the guide's format reaches it, and the
    numbers its questions start with come back, warned about as when read in one process."""
    from guide.data import validate

    files = {f"{n:02d}.yaml": question(f"q{n}", indent="", question=f"'{n + 1}. Why {n}?'") for n in range(4)}
    write(tmp_path / "g", HEAD + "format: text\n", files)

    def read(threshold: int) -> tuple[Guide, list[str]]:
        monkeypatch.setattr(validate, "TWO_PROCESSES_BYTES", threshold)
        guide, warnings = load_guide(tmp_path / "g")
        return guide, [str(w) for w in warnings]

    (one, one_warnings), (two, two_warnings) = read(1 << 40), read(1)
    assert one == two and one_warnings == two_warnings and len(two_warnings) == 4
    assert [(q.format, q.numbered) for q in two.questions] == [("text", True)] * 4


def test_lists_and_quotes_nested_past_what_is_read_are_warned_about_at_their_field(tmp_path: Path) -> None:
    """Past 10 levels of lists or 20 of quotes, Markdown is kept as typed: never silently."""
    deep_list = "".join("  " * i + f"- level {i}\\n" for i in range(12))
    deep_quote = "\\n".join(">" * n + f" quote {n}" for n in range(1, 23))
    just_so = "".join("  " * i + f"- level {i}\\n" for i in range(10))  # 10 levels: all read
    text = HEAD + "questions:\n"
    text += question("a", answer=f'"{deep_list}"')
    text += question("b", guidance=f'"{deep_quote}"')
    text += question("c", answer=f'"{just_so}"', key_points=f'["{deep_quote}"]')
    text += question("d", answer=f'"{deep_list}"', format="text")  # plain text nests nothing
    folder = write(tmp_path / "g", text)
    _, warnings = load_guide(folder)
    assert [(str(w.location), w.message.split(":")[0], w.group) for w in warnings] == [
        ("g/guide.yaml:9:13", "question 'a'", "texts nested too deeply"),  # the answer
        ("g/guide.yaml:14:15", "question 'b'", "texts nested too deeply"),  # the guidance
        ("g/guide.yaml:22:18", "question 'c'", "texts nested too deeply"),  # its key point
    ]
    assert "answer nests lists deeper than 10 levels or quotes deeper than 20" in warnings[0].message
    assert "printed as typed with its '-' and '>' marks" in warnings[0].message
