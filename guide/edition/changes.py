"""Turn the questions of two editions into what changed between them: added, revised, retired.

Ids carry questions across editions: a renamed id is a question retired and one added. Releases
are ordered by date, then by edition in natural order ('2026.10' after '2026.9'); a build says
what is new since the most recent release of another edition than its own. Nothing here reads
or writes a file (releases.py does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from guide.data import text
from guide.data.model import Change, Changes, Guide
from guide.errors import Problem
from guide.layout import compose

KINDS = ("added", "revised", "retired")


@dataclass(frozen=True)
class Entry:
    """A question as an edition had it."""

    number: int
    title: str  # its short title, as the contents print it
    digest: str  # of its whole content: the manifest's question_hashes
    text: str = ""  # of its question text alone, normalised (text_digest); "" when unknown


@dataclass(frozen=True)
class Snapshot:
    """The questions of one edition, from a release record, a manifest or a guide, by id in number order."""

    guide: str
    edition: str
    date: dt.date | None
    questions: Mapping[str, Entry]


# --- a guide's own snapshot ---------------------------------------------------------------------------


def text_digest(question: str) -> str:
    """A digest of a question's text as a reader sees it: Markdown, case, width and spacing aside."""
    plain = text.plain_text(text.parse_inline(question))
    folded = " ".join(unicodedata.normalize("NFKC", plain).casefold().split())
    return hashlib.sha256(folded.encode()).hexdigest()[:16]


def snapshot(guide: Guide, *, texts: bool = True) -> Snapshot:
    """What a release of the guide records; without `texts`, no digests of the question texts."""
    return Snapshot(
        guide.id,
        guide.edition,
        guide.date,
        {
            q.id: Entry(q.number, compose.title(q)[0], q.digest, text_digest(q.question) if texts else "")
            for q in guide.questions
        },
    )


# --- which release comes before which ---------------------------------------------------------------


def order_key(release: Snapshot) -> tuple[Any, ...]:
    """Releases in the order they came out: by date (none before any), then by edition, naturally."""
    parts = re.split(r"(\d+)", release.edition)
    natural = tuple(int(part) if index % 2 else part for index, part in enumerate(parts))
    return (release.date is not None, release.date or dt.date.min, natural, release.edition)


def previous(releases: Iterable[Snapshot], edition: str) -> Snapshot | None:
    """The most recent release of another edition than `edition`: what "What's new" compares with."""
    others = [r for r in releases if r.edition != edition]
    return max(others, key=order_key) if others else None


# --- what changed ---------------------------------------------------------------------------------------


def diff(old: Snapshot, new: Snapshot) -> Changes:
    """The questions added, revised (their content digest differs) and retired from old to new.

    Added and revised questions are numbered and titled as in new, in its order; retired ones as
    in old, in its order. An id is what carries a question: a renamed id is one retired, one added.
    """
    added, revised = [], []
    for qid, entry in new.questions.items():
        before = old.questions.get(qid)
        if before is None:
            added.append(Change(qid, entry.number, entry.title))
        elif before.digest != entry.digest:
            revised.append(Change(qid, entry.number, entry.title))
    retired = [Change(qid, e.number, e.title) for qid, e in old.questions.items() if qid not in new.questions]
    return Changes(
        old.edition,
        old.date,
        tuple(sorted(added, key=_by_number)),
        tuple(sorted(revised, key=_by_number)),
        tuple(sorted(retired, key=_by_number)),
    )


def _by_number(change: Change) -> int:
    return change.number


def changes_for(guide: Guide, releases: Sequence[Snapshot]) -> Changes | None:
    """What changed since the guide's previous release; None when it has none (a first edition)."""
    before = previous(releases, guide.edition)
    if before is None:
        return None
    return diff(before, snapshot(guide, texts=False))


def changes_json(changes: Changes | None) -> dict[str, Any] | None:
    """The manifest's `changes`: the previous release, then each list of questions."""
    if changes is None:
        return None
    return {
        "since": {"edition": changes.since, "date": iso(changes.since_date)},
        **_lists(changes),
    }


def diff_json(old: Snapshot, new: Snapshot, changes: Changes) -> dict[str, Any]:
    """`guide diff --json`: both editions, then each list of questions."""
    return {
        "guide": new.guide,
        "old": {"edition": old.edition, "date": iso(old.date)},
        "new": {"edition": new.edition, "date": iso(new.date)},
        **_lists(changes),
    }


def _lists(changes: Changes) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: [{"id": c.id, "number": c.number, "title": c.title} for c in getattr(changes, kind)]
        for kind in KINDS
    }


def counts(changes: Changes, *, zeros: bool = True) -> str:
    """'2 added, 1 revised, 0 retired' (without `zeros`, '2 added, 1 revised'; "" if nothing changed)."""
    found = ((len(getattr(changes, kind)), kind) for kind in KINDS)
    return ", ".join(f"{count} {kind}" for count, kind in found if zeros or count)


def diff_text(old: Snapshot, new: Snapshot, changes: Changes) -> list[str]:
    """`guide diff` as lines of text: a summary line, then each list by number, short title and id."""
    head = f"What's new in {new.guide} {new.edition} since {old.edition}"
    if not counts(changes, zeros=False):
        return [f"{head}: no question added, revised or retired"]
    lines = [f"{head}: {counts(changes)}"]
    for kind in KINDS:
        found: tuple[Change, ...] = getattr(changes, kind)
        if found:
            numbered = f" (numbered as in {old.edition})" if kind == "retired" else ""
            lines += ["", kind.capitalize() + numbered]
            lines += [f"  {c.number}. {c.title} ({c.id})" for c in found]
    return lines


def iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


# --- ids that change under a question -------------------------------------------------------------------


def renamed_ids(guide: Guide, releases: Sequence[Snapshot]) -> list[Problem]:
    """Warnings for questions under a never-released id that ask what a retired id asked.

    An id carries a question across editions: renamed, the question reads as retired and added
    anew in "What's new". Most likely the id was renamed by mistake.
    """
    current = {q.id for q in guide.questions}
    released: set[str] = set()
    retired: dict[str, tuple[str, str]] = {}  # text digest → (id, the last edition that had it)
    for release in sorted(releases, key=order_key):
        released.update(release.questions)
        for qid, entry in release.questions.items():
            if qid not in current and entry.text:
                retired[entry.text] = (qid, release.edition)
    if not retired:
        return []
    problems = []
    for q in guide.questions:
        if q.id in released:
            continue
        found = retired.get(text_digest(q.question))
        if found is not None:
            old, edition = found
            problems.append(
                Problem(
                    q.where("id"),
                    f"question '{q.id}' has the text of '{old}' (edition {edition}), an id no longer in"
                    f" the guide: a new id makes it a new question, and retires the old one; if it is"
                    f" the same question, keep its id '{old}'",
                    "warning",
                )
            )
    return problems
