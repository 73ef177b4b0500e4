"""Turn a Guide into an estimate of each part's pages, without laying anything out.

Each question's height in each part is a linear function of a few counts of its texts (characters,
blocks such as paragraphs and list items, code lines, key points …). Pages are then filled as the
typesetter fills them: each topic starts a page; in the study guide a question moves to the next
page whole rather than split; in the answer key answers flow on. The front matter (cover, how to
use, contents) grows with the number of questions and the length of their titles.

The coefficients are fitted to real builds with the base style on A4 by
benchmarks/calibrate_pages.py, which builds banks and reads where every question landed from the
PDFs' outlines; tests/test_stats.py checks the estimate against real builds. Another style or
paper gives other pages: the estimate is for the base style.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

from guide.data.model import Guide

# Points, from the base style on A4: from where the first question of a page starts to the foot of
# the text, and what a topic's heading takes above its first question.
FRAME = 721.17
TOPIC_HEAD = 46.0

# Fitted by benchmarks/calibrate_pages.py (points) on the shipped guides and synthetic banks of 60,
# 250 and 1,000 questions: one coefficient per count, in this order. None of those has code in its
# guidance: that coefficient is the answer key's for a code line, which the script leaves as it is.
STUDY_FEATURES = ("1", "question chars", "guidance chars", "guidance blocks", "guidance code")
STUDY = (202.2, 0.2948, 0.1954, -2.657, 11.7)
KEY_FEATURES = (
    "1", "question chars", "answer chars", "answer blocks", "answer code", "key points", "key point chars",
    "follow-ups", "follow-up chars",
)  # fmt: skip
KEY = (97.42, 0.2456, 0.2362, 12.01, 12.39, 1.776, 0.4266, -10.95, 0.5623)
# The front matter, in points: fixed, per contents line of a question, per topic.
FRONT = (196.7, 7.412, 27.64)
CONTENTS_LINE = 90  # characters of a question's title on one contents line


def counts(text: str) -> tuple[int, int, int]:
    """(characters of prose, blocks (paragraphs, list items, rows, headings), code lines) of Markdown.

    Counted line by line, without parsing: an estimate needs the sizes, not the structure.
    """
    if "```" not in text and "~~~" not in text:
        # Most texts: no code block, so every line is prose (the same counts as below, faster).
        whole = text.strip()
        if "\n" not in whole:
            return (len(whole) + 1, 1, 0) if whole else (0, 0, 0)
        lines = list(map(str.strip, whole.split("\n")))
        kept = [line for line in lines if line]
        starts = sum(
            1
            for before, line in zip(["", *lines], lines, strict=False)
            if line and (not before or line[0] in "-*+|#>" or (line[0].isdigit() and ". " in line[:5]))
        )
        return sum(map(len, kept)) + len(kept), starts, 0
    chars = blocks = code = 0
    fence = ""
    blank = True
    for line in text.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            else:
                code += 1
            continue
        if not stripped:
            blank = True
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            blocks += 1
            blank = False
            continue
        if blank or stripped[0] in "-*+|#>" or (stripped[0].isdigit() and ". " in stripped[:5]):
            blocks += 1
        blank = False
        chars += len(stripped) + 1
    return chars, blocks, code


def study_features(
    question: str, guidance: str, asked: tuple[int, int, int] | None = None
) -> tuple[float, ...]:
    """The counts of a question's texts that its height in the study guide depends on (STUDY_FEATURES).

    `asked` is counts(question), when the caller has it already.
    """
    q_chars = (asked or counts(question))[0]
    g_chars, g_blocks, g_code = counts(guidance)
    return (1.0, q_chars, g_chars, g_blocks, g_code)


def key_features(
    question: str,
    answer: str,
    key_points: Sequence[str],
    follow_ups: Sequence[str],
    asked: tuple[int, int, int] | None = None,
) -> tuple[float, ...]:
    """The counts of a question's texts that its height in the answer key depends on (KEY_FEATURES)."""
    q_chars = (asked or counts(question))[0]
    a_chars, a_blocks, a_code = counts(answer)
    return (
        1.0,
        q_chars,
        a_chars,
        a_blocks,
        a_code,
        len(key_points),
        sum(map(len, key_points)),
        len(follow_ups),
        sum(map(len, follow_ups)),
    )


def contents_lines(question: str) -> int:
    """The lines a question's entry takes in the contents."""
    return 1 + len(question.split("\n", 1)[0]) // CONTENTS_LINE


def heights(
    question: str, guidance: str, answer: str, key_points: Sequence[str], follow_ups: Sequence[str]
) -> tuple[float, float]:
    """A question's height in the study guide and in the answer key, in points."""
    asked = counts(question)
    study = sum(map(operator.mul, STUDY, study_features(question, guidance, asked)))
    key = sum(map(operator.mul, KEY, key_features(question, answer, key_points, follow_ups, asked)))
    return max(0.0, study), max(0.0, key)


@dataclass(frozen=True)
class Estimate:
    """Pages of each part, as estimated."""

    front: int
    study_guide: int
    answer_key: int

    @property
    def complete(self) -> int:
        # The answer key starts on a right-hand page of the complete edition.
        return self.study_guide + self.study_guide % 2 + self.answer_key


def paginate(topics: Sequence[Sequence[tuple[float, float]]], contents: int) -> Estimate:
    """Pages of both parts, from the heights of each topic's questions and the contents' lines."""
    height = FRONT[0] + FRONT[1] * contents + FRONT[2] * len(topics)
    front = 1 + max(1, math.ceil(height / FRAME))  # the cover, then "how to use" and the contents
    study = key = front
    for questions in topics:
        # The study guide: a question that does not fit moves to the next page whole.
        study += 1
        room = FRAME - TOPIC_HEAD
        flowed = TOPIC_HEAD
        for in_study, in_key in questions:
            if in_study > room and room < FRAME:
                study += 1
                room = FRAME
            room -= in_study
            while room < 0:  # taller than a page: it runs on
                study += 1
                room += FRAME
            flowed += in_key
        key += max(1, math.ceil(flowed / FRAME))  # the answer key: answers flow on
    return Estimate(front, study, key)


def estimate(guide: Guide) -> Estimate:
    """The pages of the study guide and the answer key of `guide`, laid out with the base style."""
    topics = [
        [heights(q.question, q.guidance, q.answer, q.key_points, q.follow_ups) for q in topic.questions]
        for topic in guide.topics
    ]
    return paginate(topics, sum(contents_lines(q.question) for q in guide.questions))
