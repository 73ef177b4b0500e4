"""Editions: release records, "What's new in this edition" read back from the PDFs, `guide diff`,
ids across editions, and what `make guide` makes of a release."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, text_column
from pdfcheck import Pdf, norm

from guide.cli import main
from guide.data.model import Change, Changes
from guide.data.validate import load_guide
from guide.edition import changes, records
from guide.edition.changes import Entry, Snapshot
from guide.layout import compose
from guide.layout.styles import load_theme

WHATS_NEW = "What’s new in this edition"  # the label, with a typographic apostrophe

# Question id → (topic, question, answer). Edition 2 keeps alpha, revises beta's answer, retires
# gamma, adds delta, and renames eps to epsilon (the same question, typed a little differently).
FIRST = {
    "alpha": ("First topic", "What does alpha measure?", "Alpha measures the first thing."),
    "beta": ("First topic", "Why is beta computed twice?", "Once for each pass."),
    "gamma": ("Second topic", "When is gamma retired?", "When nobody asks any more."),
    "eps": ("Second topic", "What is *epsilon*   for?", "A small positive number."),
}
SECOND = {
    "alpha": FIRST["alpha"],
    "beta": ("First topic", "Why is beta computed twice?", "Once for each pass, forward and back."),
    "delta": ("First topic", "How does delta differ from beta?", "It is computed once."),
    "epsilon": ("Second topic", "what is Epsilon for?", "A small positive number."),
}


def guide_yaml(edition: str, date: str, questions: dict[str, tuple[str, str, str]]) -> str:
    lines = [
        "title: Editions",
        f'edition: "{edition}"',
        f"date: {date}",
        "topics: [First topic, Second topic]",
        "questions:",
    ]
    for qid, (topic, question, answer) in questions.items():
        lines += [
            f"  - id: {qid}",
            f"    topic: {topic}",
            f'    question: "{question}"',
            "    guidance: Listen for a reason.",
            f'    answer: "{answer}"',
            "    key_points: [A reason]",
        ]
    return "\n".join(lines) + "\n"


@dataclass
class Site:
    """A guide folder (data/g) and an output folder (output/) side by side in a working folder."""

    root: Path

    @property
    def source(self) -> Path:
        return self.root / "data" / "g"

    @property
    def out(self) -> Path:
        return self.root / "output"

    @property
    def manifest(self) -> dict[str, Any]:
        return dict(json.loads((self.out / "g" / "manifest.json").read_text(encoding="utf-8")))

    def write(self, edition: str, date: str, questions: dict[str, tuple[str, str, str]]) -> None:
        self.source.mkdir(parents=True, exist_ok=True)
        (self.source / "guide.yaml").write_text(guide_yaml(edition, date, questions), encoding="utf-8")

    def build(self) -> None:
        assert main(["build", str(self.source), "--out", str(self.out), "--quiet"]) == 0

    def release(self) -> int:
        return main(["release", str(self.source), "--out", str(self.out)])

    def pdf(self, role: str) -> Pdf:
        return Pdf(self.out / "g" / self.manifest["files"][role]["path"], text_column())

    def copy(self, root: Path) -> Site:
        shutil.copytree(self.root, root, symlinks=True)
        return Site(root)


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Edition 1 built and released, then edition 2 built (not released); manifests kept: v1.json, v2.json."""
    site = Site(tmp_path_factory.mktemp("editions"))
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        mp.chdir(site.root)
        site.write("1", "2026-01-10", FIRST)
        site.build()
        shutil.copy(site.out / "g" / "manifest.json", site.root / "v1.json")
        for name in ("study-guide", "answer-key"):
            shutil.copy(site.out / "g" / f"g-1-{name}.pdf", site.root / f"v1-{name}.pdf")
        assert site.release() == 0
        site.write("2", "2026-06-01", SECOND)
        site.build()
        shutil.copy(site.out / "g" / "manifest.json", site.root / "v2.json")
        yield site


@pytest.fixture
def site(two: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    """A copy of `two` to change, as the working folder."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    copy = two.copy(tmp_path / "site")
    monkeypatch.chdir(copy.root)
    return copy


EXPECTED = Changes(
    since="1",
    since_date=dt.date(2026, 1, 10),
    added=(
        Change("delta", 3, "How does delta differ from beta?"),
        Change("epsilon", 4, "what is Epsilon for?"),
    ),
    revised=(Change("beta", 2, "Why is beta computed twice?"),),
    retired=(Change("gamma", 3, "When is gamma retired?"), Change("eps", 4, "What is epsilon for?")),
)


# --- release records ----------------------------------------------------------------------------------


def test_release_records_the_edition_built(two: Site) -> None:
    """editions/1.json: sorted keys, one line a question, each with the manifest's digest."""
    raw = (two.source / "editions" / "1.json").read_text(encoding="utf-8")
    record = json.loads(raw)
    assert list(record) == sorted(record) == ["date", "edition", "guide", "questions"]
    assert (record["guide"], record["edition"], record["date"]) == ("g", "1", "2026-01-10")
    assert list(record["questions"]) == sorted(FIRST)
    v1 = json.loads((two.root / "v1.json").read_text(encoding="utf-8"))
    for qid, entry in record["questions"].items():
        assert list(entry) == ["digest", "number", "text", "title"]
        assert entry["digest"] == v1["question_hashes"][qid]
        assert entry["number"] == v1["question_numbers"][qid]
        assert entry["title"] == v1["question_titles"][qid]
        assert (
            f'"{qid}": {json.dumps(entry, ensure_ascii=False)}'
            in raw.splitlines()[5 + sorted(FIRST).index(qid)]
        )
    assert record["questions"]["eps"]["title"] == "What is epsilon for?"  # the short title, as printed


def test_releasing_again_changes_nothing(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Releasing edition 2 twice writes one record, the same bytes; the second time says so."""
    assert site.release() == 0
    record = site.source / "editions" / "2.json"
    first = record.read_bytes()
    assert site.release() == 0
    assert record.read_bytes() == first
    out = capsys.readouterr().out
    assert "(edition 2 released: 4 questions; since 1: 2 added, 1 revised, 2 retired)" in out
    assert (
        "(edition 2 already released, unchanged: 4 questions; since 1: 2 added, 1 revised, 2 retired)" in out
    )


def test_a_record_reads_back_as_written(two: Site) -> None:
    guide, _ = load_guide(two.source)
    snapshot = changes.snapshot(guide)
    path = two.root / "again.json"
    path.write_text(records.record_text(snapshot), encoding="utf-8")
    assert records.read_record(path) == snapshot
    assert records.record_text(records.read_record(path)) == records.record_text(snapshot)


def test_release_refuses_an_edition_not_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = Site(tmp_path)
    site.write("1", "2026-01-10", FIRST)
    assert site.release() == 1
    err = capsys.readouterr().err
    assert f"{site.source / 'guide.yaml'}:1:1: error: edition 1 has not been built" in err
    assert f"run `guide build {site.source} --out {site.out}`, then release it" in err  # not in cwd
    assert not (site.source / "editions").exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("revise", "the guide's questions changed since (1 revised)"),
        ("edition", "it holds edition 2, and guide.yaml gives edition 3"),
        ("date", "it is dated 2026-06-01, and guide.yaml gives 2026-06-02"),
        ("unrelease", 'its "What\'s new" is since 1, and the releases now give none'),
    ],
)
def test_release_refuses_a_stale_build(
    site: Site, change: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build that no longer matches the data (or the releases it says what is new against) is
    not released: the error says why and what to run."""
    questions = dict(SECOND)
    edition, date = "2", "2026-06-01"
    if change == "revise":
        questions["alpha"] = ("First topic", "What does alpha measure?", "Something else.")
    elif change == "edition":
        edition = "3"
    elif change == "date":
        date = "2026-06-02"
    else:
        (site.source / "editions" / "1.json").unlink()
    site.write(edition, date, questions)
    assert site.release() == 1
    err = capsys.readouterr().err
    assert (
        f"data/g/guide.yaml:1:1: error: the build in output/g/manifest.json is out of date: {reason};" in err
    )
    assert "run `guide build data/g`, then release it" in err
    assert sorted(os.listdir(site.source / "editions")) == ([] if change == "unrelease" else ["1.json"])


def test_a_released_edition_is_never_overwritten(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Edition 1 built again with other questions: the release is refused, the record kept."""
    record = site.source / "editions" / "1.json"
    before = record.read_bytes()
    site.write("1", "2026-01-10", {**FIRST, "beta": SECOND["beta"]})
    site.build()
    assert site.release() == 1
    err = capsys.readouterr().err
    assert (
        "data/g/editions/1.json: error: edition 1 is already released, with other questions (since then:"
        " 1 revised); a released edition stays as it was: give the guide a new edition in guide.yaml" in err
    )
    assert record.read_bytes() == before


def test_a_new_date_for_the_same_questions_is_recorded(site: Site) -> None:
    site.write("1", "2026-01-11", FIRST)
    site.build()
    assert site.release() == 0
    assert json.loads((site.source / "editions" / "1.json").read_text())["date"] == "2026-01-11"


def test_make_does_not_rebuild_for_the_record_of_the_edition_it_built(site: Site) -> None:
    """`make guide` rebuilds a guide when something under data/<guide> is newer than its manifest:
    releasing the edition just built is not a reason; a record of another edition is."""

    def up_to_date() -> bool:
        # STAMP and CODE emptied: only the guide's data counts, as for a user who changed nothing else.
        command = ["make", "-q", "-f", str(ROOT / "Makefile"), "STAMP=", "CODE=", "output/g/manifest.json"]
        return subprocess.run(command, cwd=site.root, capture_output=True, check=False).returncode == 0

    shutil.rmtree(site.source / "editions")  # as if edition 1 had never been released
    site.build()
    assert up_to_date()
    assert site.release() == 0  # makes editions/, and writes 2.json
    assert up_to_date()
    record = json.loads((site.source / "editions" / "2.json").read_text())
    record["edition"] = "0"
    (site.source / "editions" / "0.json").write_text(json.dumps(record))
    assert not up_to_date()


# --- what changed -----------------------------------------------------------------------------------


def _snapshot(edition: str, date: dt.date | None) -> Snapshot:
    return Snapshot("g", edition, date, {})


def test_releases_are_ordered_by_date_then_edition_naturally() -> None:
    """The previous release is the latest of the others: by date (undated first), then '2026.10'
    after '2026.9'; the edition being built is never its own previous release."""
    day = dt.date(2026, 1, 1)
    found = [_snapshot(e, d) for e, d in (("2026.10", day), ("2026.9", day), ("2025.1", None), ("3", None))]
    assert [r.edition for r in sorted(found, key=changes.order_key)] == ["3", "2025.1", "2026.9", "2026.10"]
    assert changes.previous(found, "2027.1") == found[0]
    assert changes.previous(found, "2026.10") == found[1]
    later = _snapshot("2025.2", dt.date(2026, 1, 2))
    assert changes.previous([*found, later], "2027.1") == later
    assert changes.previous([found[0]], "2026.10") is None


def test_diff_by_id() -> None:
    """Added and revised named as in the new edition, retired as in the old; a renamed id is both."""
    old = Snapshot(
        "g",
        "1",
        None,
        {"a": Entry(1, "A", "1" * 64), "b": Entry(2, "B", "2" * 64), "c": Entry(3, "C", "3" * 64)},
    )
    new = Snapshot(
        "g",
        "2",
        None,
        {"a": Entry(1, "A", "1" * 64), "c2": Entry(2, "C", "3" * 64), "b": Entry(3, "B!", "4" * 64)},
    )
    assert changes.diff(old, new) == Changes(
        "1",
        None,
        added=(Change("c2", 2, "C"),),
        revised=(Change("b", 3, "B!"),),
        retired=(Change("c", 3, "C"),),
    )


def test_the_manifest_lists_the_changes(two: Site) -> None:
    v1 = json.loads((two.root / "v1.json").read_text(encoding="utf-8"))
    v2 = json.loads((two.root / "v2.json").read_text(encoding="utf-8"))
    assert v1["changes"] is None  # a first edition
    assert v2["changes"] == changes.changes_json(EXPECTED)
    assert v2["changes"]["since"] == {"edition": "1", "date": "2026-01-10"}
    assert v2["changes"]["retired"][1] == {"id": "eps", "number": 4, "title": "What is epsilon for?"}
    assert v2["question_numbers"] == {"alpha": 1, "beta": 2, "delta": 3, "epsilon": 4}


def test_whats_new_is_composed_after_the_introduction() -> None:
    """The front matter carries the changes as plain data: linked entries for added and revised
    questions, unlinked ones for retired questions; none at all without changes."""
    labels = load_theme("base").labels
    guide, _ = load_guide(ROOT / "data" / "sql-fundamentals")
    assert not any(
        isinstance(item, compose.WhatsNew) for item in compose.front(guide, "study", labels=labels)
    )
    front = compose.front(dataclasses.replace(guide, changes=EXPECTED), "key", labels=labels)
    assert [type(item) for item in front] == [
        compose.Cover,
        compose.Introduction,
        compose.WhatsNew,
        compose.Contents,
    ]
    assert front[2] == compose.WhatsNew(
        heading=WHATS_NEW,
        since="Since edition 1 · 10 January 2026",
        lists=(
            compose.WhatsNewList(
                "Added",
                (
                    compose.ContentsEntry(3, "How does delta differ from beta?", compose.question_anchor(3)),
                    compose.ContentsEntry(4, "what is Epsilon for?", compose.question_anchor(4)),
                ),
                linked=True,
            ),
            compose.WhatsNewList(
                "Revised",
                (compose.ContentsEntry(2, "Why is beta computed twice?", compose.question_anchor(2)),),
                linked=True,
            ),
            compose.WhatsNewList(
                "Retired · numbered as in edition 1",
                (
                    compose.ContentsEntry(3, "When is gamma retired?", compose.question_anchor(3)),
                    compose.ContentsEntry(4, "What is epsilon for?", compose.question_anchor(4)),
                ),
                linked=False,
            ),
        ),
    )


# --- the page, read back --------------------------------------------------------------------------------


def test_a_first_edition_says_nothing_new(two: Site) -> None:
    for name in ("study-guide", "answer-key"):
        first = Pdf(two.root / f"v1-{name}.pdf", text_column())
        assert "What's new" not in first.text and "Contents" in first.text


@pytest.mark.parametrize("role", ["study_guide", "answer_key"])
def test_whats_new_page(two: Site, role: str) -> None:
    """After "How to use", a page lists what changed since edition 1: each added or revised question
    with the page its heading is on, linked to that page; retired ones by number and title, unlinked."""
    pdf = two.pdf(role)
    pages = [i for i, page in enumerate(pdf.texts) if WHATS_NEW in page]
    assert len(pages) == 1
    page = pages[0]
    how_to_use = next(i for i, text in enumerate(pdf.texts) if "How to use this guide" in text)
    assert how_to_use < page < min(pdf.headings.values())
    text = pdf.frame_texts[page]
    assert "Since edition 1 · 10 January 2026" in text
    listed = text[text.index(WHATS_NEW) : text.index("Contents")]
    assert "ADDED" in listed and "REVISED" in listed and "RETIRED · NUMBERED AS IN EDITION 1" in listed
    assert norm("3. When is gamma retired? 4. What is epsilon for?") in listed  # retired: no page number
    # The page's first links are its own (the contents' follow them, from the topic "First topic").
    links = sorted((link for link in pdf.links if link.page == page), key=lambda link: -link.rect[3])
    shown = pdf.text_in([(link.page, link.rect) for link in links])
    expected = [
        (3, "How does delta differ from beta?"),
        (4, "what is Epsilon for?"),
        (2, "Why is beta computed twice?"),
    ]
    for (number, title), link, entry in zip(expected, links, shown, strict=False):
        assert link.file is None and link.target is not None
        label = pdf.labels[link.target]
        assert entry == f"{number}. {title} {label}", entry
        assert pdf.headings[number] == link.target
    assert shown[3].startswith("First topic")
    assert [link.key for link in pdf.pdfium_links] == [link.key for link in pdf.links]


def test_an_edition_without_changes_says_so(site: Site) -> None:
    """Edition 3 with edition 2's questions, 2 released: the page says nothing changed."""
    assert site.release() == 0
    site.write("3", "2026-09-01", SECOND)
    site.build()
    manifest = site.manifest
    assert manifest["changes"] == {
        "since": {"edition": "2", "date": "2026-06-01"},
        "added": [],
        "revised": [],
        "retired": [],
    }
    text = site.pdf("study_guide").frame_text
    assert (
        f"{WHATS_NEW} Since edition 2 · 1 June 2026: no question was added, revised or retired Contents"
        in text
    )


def test_the_complete_edition_has_both_pages(two: Site) -> None:
    assert sum(WHATS_NEW in page for page in two.pdf("complete").texts) == 2


def test_a_practice_set_says_nothing_new(site: Site) -> None:
    assert main(["build", str(site.source), "--out", str(site.out), "--count", "2", "--quiet"]) == 0
    (folder,) = site.out.glob("g-practice-*")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["changes"] is None
    study = Pdf(folder / manifest["files"]["study_guide"]["path"], text_column())
    assert WHATS_NEW not in study.text


def test_a_candidates_copy_has_the_page_too(site: Site) -> None:
    """A copy is the published study guide: its "What's new", and page references that hold."""
    candidates = site.root / "candidates.csv"
    candidates.write_text("name\nAda\n", encoding="utf-8")
    assert (
        main(["handouts", str(site.source), "--candidates", str(candidates), "--out", str(site.out), "-q"])
        == 0
    )
    (copy,) = (site.out / "g-handouts").glob("*.pdf")
    study = Pdf(copy, text_column())
    assert len(study) == len(site.pdf("study_guide"))
    assert sum(WHATS_NEW in page for page in study.texts) == 1


# --- guide diff -----------------------------------------------------------------------------------------

DIFF_TEXT = """\
What's new in g 2 since 1: 2 added, 1 revised, 2 retired

Added
  3. How does delta differ from beta? (delta)
  4. what is Epsilon for? (epsilon)

Revised
  2. Why is beta computed twice? (beta)

Retired (numbered as in 1)
  3. When is gamma retired? (gamma)
  4. What is epsilon for? (eps)
"""


def test_diff_of_two_manifests(two: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(two.root / "v1.json"), str(two.root / "v2.json")]) == 0
    assert capsys.readouterr().out == DIFF_TEXT
    assert main(["diff", str(two.root / "v1.json"), str(two.out / "g"), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["old"] == {"edition": "1", "date": "2026-01-10"}
    assert found["new"] == {"edition": "2", "date": "2026-06-01"}
    expected = changes.changes_json(EXPECTED)
    assert expected is not None
    assert {k: found[k] for k in ("added", "revised", "retired")} == {
        k: v for k, v in expected.items() if k != "since"
    }


def test_diff_of_released_editions(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert site.release() == 0
    capsys.readouterr()
    assert main(["diff", str(site.source), "1", "2"]) == 0
    assert capsys.readouterr().out == DIFF_TEXT
    assert main(["diff", str(site.source), "2", "2"]) == 0
    assert capsys.readouterr().out == "What's new in g 2 since 2: no question added, revised or retired\n"
    assert main(["diff", str(site.source), "1", str(site.root / "v2.json"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"][0]["id"] == "delta"


def test_diff_errors(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(site.source), "1", "2.1"]) == 1
    err = capsys.readouterr().err
    assert "data/g/editions: error: edition '2.1' is not released here; released: 1" in err
    assert main(["diff", "1", "2"]) == 2  # edition names without the guide folder
    assert "give the guide folder first" in capsys.readouterr().err
    assert main(["diff", str(site.source), "1", "2", "3"]) == 2
    assert main(["diff", str(site.root / "nothing.json"), str(site.root / "v1.json")]) == 1
    assert "nothing.json: error: no such file" in capsys.readouterr().err


def test_an_older_manifest_is_named_by_id(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A manifest from before numbers and titles were listed: numbered in its order, named by id."""
    v1 = json.loads((site.root / "v1.json").read_text())
    del v1["question_numbers"], v1["question_titles"], v1["changes"]
    (site.root / "old.json").write_text(json.dumps(v1))
    assert main(["diff", str(site.root / "old.json"), str(site.root / "v2.json")]) == 0
    assert "  4. eps (eps)" in capsys.readouterr().out


# --- bad records ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda raw: raw.replace('"date"', '"date" "'),
            "1.json:2:10: error: not valid JSON: Expecting ':' delimiter",
        ),
        (
            lambda raw: raw.replace('"number": 2,', '"number": "2",'),
            "1.json:7:102: error: 'number' must be a whole number, found text",
        ),
        (
            lambda raw: raw.replace('"guide": "g",', '"guide": "g", "guide": "h",'),
            "1.json:4:17: error: the key 'guide' is given twice",
        ),
        (
            lambda raw: raw.replace('"edition": "1"', '"edition": "7"'),
            "1.json: error: the record is of edition '7' but named 1.json",
        ),
    ],
)
def test_a_bad_record_is_a_located_error(
    site: Site, edit: object, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record broken by hand (or by a merge) fails `guide check` and the build, with its place."""
    record = site.source / "editions" / "1.json"
    assert callable(edit)
    record.write_text(edit(record.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["check", str(site.source)]) == 1
    err = capsys.readouterr().err
    assert f"data/g/editions/{expected}" in err, err
    assert "Traceback" not in err


def test_editions_are_not_questions(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Records and notes in editions/ are never read as questions; hidden files are skipped."""
    (site.source / "editions" / "README.md").write_text("Releases of this guide.\n")
    (site.source / "editions" / ".1.json.swp").write_text("{")
    guide, _ = load_guide(site.source)
    assert [q.id for q in guide.questions] == list(SECOND)
    assert main(["check", str(site.source)]) == 0


# --- ids across editions --------------------------------------------------------------------------------


def test_check_warns_when_a_retired_ids_text_comes_back_under_a_new_id(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """epsilon asks what eps asked (case, emphasis and spacing aside): a warning at its id; none for
    delta, whose text is new; none once the new id is itself released."""
    assert main(["check", str(site.source)]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert warnings == [
        "data/g/guide.yaml:24:9: warning: question 'epsilon' has the text of 'eps' (edition 1),"
        " an id no longer in the guide: a new id makes it a new question, and retires the old one; if it is"
        " the same question, keep its id 'eps'"
    ]
    assert main(["check", "--strict", str(site.source)]) == 1
    assert site.release() == 0
    capsys.readouterr()
    assert main(["check", str(site.source)]) == 0
    assert "warning" not in capsys.readouterr().err
