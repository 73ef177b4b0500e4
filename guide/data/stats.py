"""Turn a Guide into what its bank holds: counts by topic and difficulty, fields missing, answer
lengths, likely duplicates, estimated pages and reading time, as a table or as JSON-ready data."""

from __future__ import annotations

import bisect
import statistics
import unicodedata
from dataclasses import dataclass
from typing import Any

from guide.data import duplicates, pages
from guide.data.model import DIFFICULTIES, Guide

WORDS_A_MINUTE = 200  # reading technical prose, rather than skimming it
# Fields whose absence is counted, by how the table names them.
OPTIONAL = {"guidance": "guidance", "key_points": "key points", "follow_ups": "follow-ups", "tags": "tags"}
SHOWN = 8  # ids, or duplicates, listed in the table before "… and N more"
NO_DIFFICULTY = "unset"


@dataclass(frozen=True)
class TopicStats:
    title: str
    questions: int
    difficulty: dict[str, int]  # easy, medium, hard, unset → questions


@dataclass(frozen=True)
class Stats:
    """What a bank holds."""

    guide: str
    title: str
    edition: str
    topics: tuple[TopicStats, ...]
    missing: dict[str, tuple[str, ...]]  # field → ids of the questions without it
    answer_words: tuple[tuple[str, int], ...]  # (id, words), in guide order
    duplicates: tuple[duplicates.Duplicates, ...]
    pages: pages.Estimate
    words: dict[str, int]  # part → words a reader reads

    @property
    def questions(self) -> int:
        return sum(t.questions for t in self.topics)

    def difficulty(self) -> dict[str, int]:
        return {d: sum(t.difficulty[d] for t in self.topics) for d in (*DIFFICULTIES, NO_DIFFICULTY)}

    def median_words(self) -> float:
        return statistics.median(w for _, w in self.answer_words) if self.answer_words else 0

    def longest(self) -> tuple[str, int]:
        return max(self.answer_words, key=lambda item: item[1], default=("", 0))

    def minutes(self, part: str) -> int:
        return round(self.words[part] / WORDS_A_MINUTE)

    def as_json(self) -> dict[str, Any]:
        """The statistics as plain JSON values (a contract for scripts: keys are only ever added)."""
        longest_id, longest_words = self.longest()
        return {
            "guide": self.guide,
            "title": self.title,
            "edition": self.edition,
            "questions": self.questions,
            "topics": [
                {"title": t.title, "questions": t.questions, "difficulty": t.difficulty} for t in self.topics
            ],
            "difficulty": self.difficulty(),
            "missing": {name: list(ids) for name, ids in self.missing.items()},
            "answer_words": {
                "median": self.median_words(),
                "longest": {"id": longest_id, "words": longest_words},
                "total": sum(w for _, w in self.answer_words),
            },
            "duplicates": [
                {"kind": d.kind, "ids": list(d.ids), "similarity": d.similarity} for d in self.duplicates
            ],
            "estimated_pages": {
                "study_guide": self.pages.study_guide,
                "answer_key": self.pages.answer_key,
                "complete": self.pages.complete,
            },
            "reading_minutes": {part: self.minutes(part) for part in self.words},
            "words_a_minute": WORDS_A_MINUTE,
        }

    def table(self) -> list[str]:
        """The statistics as lines for a terminal."""
        lines = [
            f"{self.title} (edition {self.edition}): {self.questions} questions in {len(self.topics)} topics",
            "",
        ]
        width = max([len("topic"), len("total"), *(display_width(t.title) for t in self.topics)])
        width = min(width, 48)
        columns = ("questions", *DIFFICULTIES, NO_DIFFICULTY)
        lines.append(f"  {'topic':<{width}}  " + "  ".join(f"{c:>9}" for c in columns))
        for topic in self.topics:
            values = (topic.questions, *(topic.difficulty[d] for d in columns[1:]))
            lines.append(f"  {padded(topic.title, width)}  " + "  ".join(f"{v:>9}" for v in values))
        totals = (self.questions, *self.difficulty().values())
        lines.append(f"  {'total':<{width}}  " + "  ".join(f"{v:>9}" for v in totals))
        lines.append("")
        lines.append("missing:")
        for name, label in OPTIONAL.items():
            ids = self.missing[name]
            shown = _some(ids)
            lines.append(f"  {label:<12} {len(ids):>6}" + (f"  ({shown})" if ids else ""))
        longest_id, longest_words = self.longest()
        lines.append("")
        lines.append(
            f"answers: median {self.median_words():g} words; longest {longest_words} words ({longest_id})"
        )
        lines.append("")
        if self.duplicates:
            lines.append(f"look like duplicates: {len(self.duplicates)}")
            for found in self.duplicates[:SHOWN]:
                how = (
                    "same text" if found.kind == "same" else f"similar, {found.similarity:.0%} of their words"
                )
                lines.append(f"  {', '.join(found.ids)}  ({how})")
            if len(self.duplicates) > SHOWN:
                lines.append(f"  … and {len(self.duplicates) - SHOWN} more (--json lists them all)")
        else:
            lines.append("look like duplicates: none")
        lines.append("")
        lines.append(
            f"estimated pages (base style): study guide {self.pages.study_guide}, answer key"
            f" {self.pages.answer_key}, complete edition {self.pages.complete}"
        )
        lines.append(
            f"reading time: study guide {_duration(self.minutes('study_guide'))}, answer key"
            f" {_duration(self.minutes('answer_key'))} (at {WORDS_A_MINUTE} words a minute)"
        )
        return lines


def display_width(text: str) -> int:
    """How many columns of a terminal a text takes: a wide (Chinese, Japanese, Korean) character or
    an emoji 2, a combining mark, a joiner or a skin tone 0, any other character 1."""
    width = 0
    last = 0  # the width of the last character counted
    joined = False
    for char in text:
        if joined:  # a character a zero-width joiner joins to the one before: one emoji
            joined = False
            continue
        if char == "\u200d":
            joined = True
            continue
        if char == "\ufe0f" and last == 1:  # a sign asked for as an emoji is as wide as one
            width += 1
            last = 2
            continue
        if "\U0001f3fb" <= char <= "\U0001f3ff" and last:  # a skin tone of the emoji before it
            continue
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        last = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        width += last
    return width


def padded(text: str, width: int) -> str:
    """Text filled with spaces to `width` columns of a terminal, or cut short there with '…'."""
    if display_width(text) > width:
        # The longest start that leaves a column for '…' (a start is never narrower than a shorter one).
        keep = bisect.bisect_right(range(len(text) + 1), width - 1, key=lambda n: display_width(text[:n])) - 1
        text = text[:keep] + "…"
    return text + " " * (width - display_width(text))


def _some(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:SHOWN])
    return shown + (f", … {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")


def _duration(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _words(text: str) -> int:
    return len(text.split())


def stats(guide: Guide) -> Stats:
    """What `guide` holds, counted; words are the Markdown source's, split at white space."""
    topics = []
    missing: dict[str, list[str]] = {name: [] for name in OPTIONAL}
    answer_words: list[tuple[str, int]] = []
    study_words = key_words = contents = 0
    heights: list[list[tuple[float, float]]] = []
    texts: list[str] = []
    for topic in guide.topics:
        heights.append([])
        counts = dict.fromkeys((*DIFFICULTIES, NO_DIFFICULTY), 0)
        for question in topic.questions:
            counts[question.difficulty or NO_DIFFICULTY] += 1
            # Each text read once (a large bank's texts wait in a file): counted, measured, compared.
            asked, guidance, answer = question.question, question.guidance, question.answer
            points, follow = question.key_points, question.follow_ups
            if not guidance:
                missing["guidance"].append(question.id)
            if not points:
                missing["key_points"].append(question.id)
            if not follow:
                missing["follow_ups"].append(question.id)
            if not question.tags:
                missing["tags"].append(question.id)
            asked_words, answered = _words(asked), _words(answer)
            answer_words.append((question.id, answered))
            study_words += asked_words + _words(guidance)
            key_words += asked_words + answered + sum(map(_words, points)) + sum(map(_words, follow))
            heights[-1].append(pages.heights(asked, guidance, answer, points, follow))
            contents += pages.contents_lines(asked)
            texts.append(asked)
        topics.append(TopicStats(topic.title, len(topic.questions), counts))
    ids = [q.id for t in guide.topics for q in t.questions]
    return Stats(
        guide=guide.id,
        title=guide.title,
        edition=guide.edition,
        topics=tuple(topics),
        missing={name: tuple(ids) for name, ids in missing.items()},
        answer_words=tuple(answer_words),
        duplicates=tuple(duplicates.find(ids, texts)),
        pages=pages.paginate(heights, contents),
        words={"study_guide": study_words, "answer_key": key_words},
    )
