"""Turn a Guide into the stories of its two parts: what appears, in which order, as plain data.

Nothing here knows about ReportLab: a story is a tuple of frozen dataclasses, so tests
compare stories with ==, and the renderer is the only place that turns them into pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from guide.data import text
from guide.data.model import Guide, Question

Part = Literal["study", "key"]
# A place in a part that links, the outline and page references lead to: a question's number
# (its question in the study guide, its answer in the key), or minus a topic's number (1-based).
# Numbers rather than names: a large bank has a hundred thousand of them.
Anchor = int


def question_anchor(number: int) -> Anchor:
    """Where a question starts in the study guide, or its answer in the answer key."""
    return number


def topic_anchor(index: int) -> Anchor:
    """Where the topic at `index` (from 0) starts in either part."""
    return -(index + 1)


@dataclass(frozen=True)
class Cover:
    part: Part
    title: str
    subtitle: str
    part_label: str
    edition: str
    date: str  # as printed, "" if the guide has none
    authors: str
    selection: str
    questions: int
    topics: int


@dataclass(frozen=True)
class Introduction:
    """The "how to use" page: the guide's description, then fixed advice for the part."""

    heading: str
    description: tuple[text.Block, ...]
    advice: tuple[text.Block, ...]


@dataclass(frozen=True)
class ContentsEntry:
    number: int
    title: str  # the question's title, or its first sentence
    anchor: Anchor
    cut: bool = False  # the first sentence, cut at a word to fit one line (a title given is kept whole)


@dataclass(frozen=True)
class ContentsTopic:
    title: str
    anchor: Anchor
    entries: tuple[ContentsEntry, ...]


@dataclass(frozen=True)
class Contents:
    heading: str
    topics: tuple[ContentsTopic, ...]


@dataclass(frozen=True)
class TopicStart:
    title: str
    anchor: Anchor
    index: int  # 1-based
    questions: int


@dataclass(frozen=True)
class StudyQuestion:
    """A question as the candidate sees it: no answer, no key points."""

    id: str
    number: int
    topic: str
    anchor: Anchor  # its own, and its answer's in the answer key
    question: tuple[text.Block, ...]  # its first paragraph is set in the question style
    title: str  # plain text, for the outline and running heads
    difficulty: str
    tags: tuple[str, ...]
    guidance: tuple[text.Block, ...]
    note_lines: int


@dataclass(frozen=True)
class KeyAnswer:
    """A question restated with its model answer, key points and follow-ups."""

    id: str
    number: int
    topic: str
    anchor: Anchor  # its own, and its question's in the study guide
    question: tuple[text.Block, ...]
    title: str
    difficulty: str
    answer: tuple[text.Block, ...]
    key_points: tuple[tuple[text.Inline, ...], ...]
    follow_ups: tuple[tuple[text.Inline, ...], ...]


Item = Cover | Introduction | Contents | TopicStart | StudyQuestion | KeyAnswer
Story = tuple[Item, ...]

STUDY_ADVICE = """\
Each question comes with what the interviewer listens for: the ground a strong answer covers.
Answer aloud or on paper first, in the space under the question, and only then turn to the
answer key (the page is given under each question).

Come back to the questions you found hard a few days later. Explaining an idea simply, with an
example and its limits, is what interviewers remember."""

KEY_ADVICE = """\
Each answer restates its question, gives a model answer, then the key points a reviewer ticks
off and the follow-up questions an interviewer is likely to ask next.

A model answer is one good answer, not the only one: credit any answer that covers the key
points accurately. The page of each question in the study guide is given beside it."""


def compose(guide: Guide, part: Part, *, labels: dict[str, str], note_lines: int) -> Story:
    """The story of one part of the guide: cover, introduction, contents, then topics and questions."""
    items = list(front(guide, part, labels=labels))
    for index in range(len(guide.topics)):
        items.extend(topic_items(guide, part, index, note_lines=note_lines))
    return tuple(items)


def front(guide: Guide, part: Part, *, labels: dict[str, str]) -> tuple[Item, ...]:
    """A part's front matter: its cover, the "how to use" page and the contents."""
    is_study = part == "study"
    return (
        Cover(
            part=part,
            title=guide.title,
            subtitle=guide.subtitle,
            part_label=labels["study_guide" if is_study else "answer_key"],
            edition=guide.edition,
            date=_date_text(guide),
            authors=", ".join(guide.authors),
            selection=guide.selection,
            questions=len(guide.questions),
            topics=len(guide.topics),
        ),
        Introduction(
            heading=labels["how_to_use"],
            description=text.parse(guide.description, guide.format) if guide.description else (),
            advice=text.parse(STUDY_ADVICE if is_study else KEY_ADVICE),
        ),
        Contents(
            heading=labels["contents"],
            topics=tuple(
                ContentsTopic(
                    title=text.short_title(topic.title),
                    anchor=topic_anchor(index),
                    entries=tuple(_entry(q) for q in topic.questions),
                )
                for index, topic in enumerate(guide.topics)
            ),
        ),
    )


# A title made from a question's first sentence is cut at a word to this many characters for the
# outline; the contents cut it again to fit one line (story.contents).
TITLE_LIMIT = 120
UNTITLED = "…"  # a question with no sentence to name it by (only code, a list or a table)


def question_blocks(q: Question) -> tuple[text.Block, ...]:
    """A question's text as blocks, read in its format, without the number it starts with when
    that number is its own ("72. What…" as question 72)."""
    source = text.without_own_number(q.question) if q.numbered else q.question
    return text.parse(source, q.format)


def title(q: Question, blocks: tuple[text.Block, ...] | None = None) -> tuple[str, bool]:
    """What names a question in the contents, the outline and the running heads: its `title:`, else
    its first sentence (never code), cut short; and whether it was made from the sentence."""
    if q.title:
        return q.title, False
    if blocks is None or (not q.numbered and text.own_number(q.question) is not None):
        # A number the text starts with never opens its title, even one printed in the question.
        blocks = text.parse(text.without_own_number(q.question), q.format)
    sentence = text.first_sentence(blocks)
    return (text.short_title(sentence, TITLE_LIMIT) if sentence else UNTITLED), True


def _entry(q: Question) -> ContentsEntry:
    name, cut = title(q)
    return ContentsEntry(q.number, name, question_anchor(q.number), cut)


def topic_items(guide: Guide, part: Part, index: int, *, note_lines: int) -> Iterator[Item]:
    """One topic of a part: its start, then its questions, each made (and its Markdown parsed) as
    it is asked for, so that a large guide's parsed text is never all in memory at once."""
    topic = guide.topics[index]
    yield TopicStart(topic.title, topic_anchor(index), index + 1, len(topic.questions))
    for q in topic.questions:
        yield _study(q, note_lines) if part == "study" else _key(q)


def _date_text(guide: Guide) -> str:
    if guide.date is None:
        return ""
    return f"{guide.date.day} {guide.date:%B %Y}"


def _study(q: Question, note_lines: int) -> StudyQuestion:
    blocks = question_blocks(q)
    return StudyQuestion(
        id=q.id,
        number=q.number,
        topic=q.topic,
        anchor=question_anchor(q.number),
        question=blocks,
        title=title(q, blocks)[0],
        difficulty=q.difficulty or "",
        tags=q.tags,
        guidance=text.parse(q.guidance, q.format) if q.guidance else (),
        note_lines=note_lines,
    )


def _key(q: Question) -> KeyAnswer:
    blocks = question_blocks(q)
    return KeyAnswer(
        id=q.id,
        number=q.number,
        topic=q.topic,
        anchor=question_anchor(q.number),
        question=blocks,
        title=title(q, blocks)[0],
        difficulty=q.difficulty or "",
        answer=text.parse(q.answer, q.format),
        key_points=tuple(text.parse_inline(p, q.format) for p in q.key_points),
        follow_ups=tuple(text.parse_inline(f, q.format) for f in q.follow_ups),
    )
