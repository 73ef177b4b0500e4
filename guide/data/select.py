"""Turn a Guide and the criteria of a practice set into a smaller Guide: the chosen questions, renumbered.

Filters combine as "and" between kinds and "or" within one (`topics=("A", "B")` keeps
questions of either topic). From what the filters keep, `count` questions are drawn with
`random.Random(seed)`, so one seed always gives the same set; they are printed in the
guide's own order, or in the drawn order when `shuffle` is set.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

from guide.data.model import DIFFICULTIES, Guide, Question, Topic
from guide.errors import COMMAND_LINE, GuideError, Problem, counted, did_you_mean

SHUFFLED_TOPIC = "Practice set"  # the one section of a shuffled set: its questions come in drawn order


@dataclass(frozen=True)
class Selection:
    """What a practice set is made of; empty filters keep everything."""

    topics: tuple[str, ...] = ()  # titles (any case) or slugs
    tags: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()
    count: int | None = None  # None: every question the filters keep
    seed: int = 0
    shuffle: bool = False


def practice_id(guide_id: str, seed: int, question_ids: Sequence[str]) -> str:
    """The id of a practice set: it names its folder and files, apart from the full edition's.

    It ends with a digest of the questions drawn, in order: two different sets made with the
    same seed never overwrite each other, and the same set made twice lands in the same folder.
    """
    digest = hashlib.sha256("\n".join(question_ids).encode()).hexdigest()[:6]
    return f"{guide_id}-practice-{seed}-{digest}"


def select(guide: Guide, selection: Selection) -> Guide:
    """The practice set of a guide: its own id, the chosen questions numbered from 1, and how it was made."""
    problems: list[Problem] = []
    topics = _resolve_topics(guide, selection.topics, problems)
    known_tags = sorted({t for q in guide.questions for t in q.tags})
    tags = _resolve(guide, selection.tags, known_tags, "--tags", "tag", problems)
    difficulties = _resolve(
        guide, selection.difficulties, list(DIFFICULTIES), "--difficulty", "difficulty", problems
    )
    if problems:
        raise GuideError(problems)
    pool = [
        q
        for q in guide.questions
        if (not topics or q.topic in topics)
        and (not tags or tags.intersection(q.tags))
        and (not difficulties or q.difficulty in difficulties)
    ]
    criteria = _describe(guide, topics, tags, difficulties)
    if not pool:
        # Problems of the command line, not of the bank: no line of guide.yaml is wrong.
        message = f"no question of {guide.id} matches {criteria or 'the selection'}"
        raise GuideError([Problem(COMMAND_LINE, message)])
    count = len(pool) if selection.count is None else selection.count
    if count > len(pool):
        only = counted(len(pool), "question")
        if criteria:
            only += f" {'matches' if len(pool) == 1 else 'match'} {criteria}"
        else:
            only += f" in {guide.id}"
        raise GuideError([Problem(COMMAND_LINE, f"--count {count}: only {only}")])
    drawn = random.Random(selection.seed).sample(pool, count)
    if not selection.shuffle:
        drawn.sort(key=lambda q: q.number)
    chosen = [dataclasses.replace(q, number=n) for n, q in enumerate(drawn, 1)]
    how = "; ".join(
        x for x in (criteria, f"seed {selection.seed}", "shuffled" if selection.shuffle else "") if x
    )
    total = len(guide.questions)
    return dataclasses.replace(
        guide,
        id=practice_id(guide.id, selection.seed, [q.id for q in chosen]),
        topics=_sections(guide, chosen, selection.shuffle),
        # The subtitle stays: the cover's selection line says what part of that guide this is.
        # The guide's description ("Fifteen questions that …") would describe another book.
        description=_about(guide, chosen, selection, _describe(guide, set(), tags, difficulties)),
        selection=f"Practice set: {count} of {counted(total, 'question')} ({how})",
        characters=frozenset(),  # the whole bank's: found again from the chosen questions' texts
    )


def _about(guide: Guide, chosen: Sequence[Question], selection: Selection, filters: str) -> str:
    """What a practice set's "how to use" page says of it: how many questions, from which topics,
    and how they were chosen (Markdown, the guide's own text escaped)."""
    drawn = {q.topic for q in chosen}
    titles = [_literal(t.title) for t in guide.topics if t.title in drawn]
    listed = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
    total = counted(len(guide.questions), "question")
    lines = [
        f"This practice set holds {len(chosen)} of the {total} of {_literal(guide.title)},"
        f" from {counted(len(titles), 'topic')}: {listed}."
    ]
    if filters:
        lines.append(f"They were chosen by {_literal(filters)}.")
    if selection.count is not None:
        lines.append(
            f"They were drawn at random with seed {selection.seed}: the same options draw the same set."
        )
    if selection.shuffle:
        lines.append("They come in the order they were drawn, not the guide's.")
    return " ".join(lines)


def _literal(text: str) -> str:
    """Text that Markdown prints as written: ASCII punctuation as character references, which
    markdown-it resolves to the characters themselves (a backslash would start math: '\\(')."""
    return "".join(f"&#{ord(c)};" if c.isascii() and not c.isalnum() and not c.isspace() else c for c in text)


def _sections(guide: Guide, chosen: list[Question], shuffle: bool) -> tuple[Topic, ...]:
    if shuffle:
        # Grouping by topic would undo the shuffle: one section, each question keeps its topic.
        slug = "practice-set"
        return (Topic(SHUFFLED_TOPIC, slug, tuple(chosen)),)
    by_topic: dict[str, list[Question]] = {}
    for q in chosen:
        by_topic.setdefault(q.topic, []).append(q)
    return tuple(
        Topic(t.title, t.slug, tuple(by_topic[t.title])) for t in guide.topics if t.title in by_topic
    )


def _resolve_topics(guide: Guide, wanted: Sequence[str], problems: list[Problem]) -> set[str]:
    by_key: dict[str, str] = {}
    for topic in guide.topics:
        by_key[topic.title.casefold()] = topic.title
        by_key[topic.slug] = topic.title
    titles = [t.title for t in guide.topics]
    found = set()
    for value in wanted:
        title = by_key.get(value.strip().casefold())
        if title is None:
            problems.append(Problem(COMMAND_LINE, _unknown(guide, "--topics", "topic", value, titles)))
        else:
            found.add(title)
    return found


def _resolve(
    guide: Guide, wanted: Sequence[str], known: list[str], option: str, what: str, problems: list[Problem]
) -> set[str]:
    by_key = {k.casefold(): k for k in known}
    found = set()
    for value in wanted:
        match = by_key.get(value.strip().casefold())
        if match is None:
            problems.append(Problem(COMMAND_LINE, _unknown(guide, option, what, value, known)))
        else:
            found.add(match)
    return found


def _unknown(guide: Guide, option: str, what: str, value: str, known: Sequence[str]) -> str:
    """The message for a value the guide does not have: the closest it has, and all of them."""
    hint = did_you_mean(value, known)
    plural = "difficulties" if what == "difficulty" else f"{what}s"
    listed = ", ".join(known) if known else "none"
    where = "" if what == "difficulty" else f" in {guide.id}"
    return f"{option}: no {what} '{value.strip()}'{where}{hint} ({plural}: {listed})"


def _describe(guide: Guide, topics: set[str], tags: set[str], difficulties: set[str]) -> str:
    """The filters as the cover prints them."""
    parts = []
    if topics:
        parts.append("topics: " + ", ".join(t.title for t in guide.topics if t.title in topics))
    if tags:
        parts.append("tags: " + ", ".join(sorted(tags)))
    if difficulties:
        parts.append("difficulty: " + ", ".join(d for d in DIFFICULTIES if d in difficulties))
    return "; ".join(parts)
