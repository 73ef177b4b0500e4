"""Turn a Guide into the stories of its parts: what appears, in which order, as plain data.

The parts are the study guide and the answer key, and, asked for, the interviewer's packet (a
sheet a question, with no front matter).

Nothing here knows about ReportLab: a story is a tuple of frozen dataclasses, so tests
compare stories with ==, and the renderer is the only place that turns them into pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from guide.data import text, titles
from guide.data.model import Changes, Guide, Question
from guide.errors import counted
from guide.layout.page import Anchor, Part
from guide.layout.styles import PacketStyle


def question_anchor(number: int) -> Anchor:
    """Where a question starts in the study guide, or its answer in the answer key."""
    return Anchor("question", number)


def topic_anchor(index: int) -> Anchor:
    """Where the topic at `index` (from 0) starts in either part."""
    return Anchor("topic", index + 1)


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
    count: str  # as printed: "15 questions in 5 topics", "1 question in 1 topic"


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
class WhatsNewList:
    """Questions added, revised or retired: a retired one is numbered as in the previous edition,
    and has no page here to link to (its entries' anchor is 0)."""

    heading: str
    entries: tuple[ContentsEntry, ...]
    linked: bool


@dataclass(frozen=True)
class WhatsNew:
    """The "What's new in this edition" page: what changed since the previous released edition."""

    heading: str
    since: str  # "Since edition 2026.1 · 25 November 2026", saying so when nothing changed
    lists: tuple[WhatsNewList, ...]  # the lists that have questions; none when nothing changed


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


@dataclass(frozen=True)
class PacketQuestion:
    """A question as the interviewer asks and rates it: what to listen for, the key points as a
    rubric, the model answer in brief, follow-ups with room for notes, and a 1–4 rating."""

    id: str
    number: int
    topic: str
    anchor: Anchor  # its own in the packet
    question: tuple[text.Block, ...]
    title: str
    difficulty: str
    guidance: tuple[text.Block, ...]
    key_points: tuple[tuple[text.Inline, ...], ...]
    answer: tuple[text.Block, ...]  # the model answer in brief: its first paragraph (see first_paragraph)
    follow_ups: tuple[tuple[text.Inline, ...], ...]
    follow_up_lines: int  # ruled lines for notes under each follow-up
    half: bool  # two questions to a page where they fit, else a page of its own


Item = Cover | Introduction | WhatsNew | Contents | TopicStart | StudyQuestion | KeyAnswer | PacketQuestion
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


DEFAULT_PACKET = PacketStyle()


@dataclass(frozen=True)
class Unit:
    """What is laid out on pages of its own: a part's front matter (order 0) or one of its topics.

    Units can be laid out in any order, by any process (layout/units.py shares them out).
    """

    part: Part
    order: int
    topics: tuple[int, ...] = ()

    def items(
        self, guide: Guide, labels: dict[str, str], note_lines: int, packet: PacketStyle = DEFAULT_PACKET
    ) -> Iterator[Item]:
        """The unit's story, made as it is asked for."""
        if self.part == "interviewer":
            for index in self.topics:
                for q in guide.topics[index].questions:
                    yield packet_question(q, packet)
            return
        if self.order == 0:
            yield from front(guide, self.part, labels=labels)
        for index in self.topics:
            yield from topic_items(guide, self.part, index, note_lines=note_lines)


def plan(guide: Guide, parts: tuple[Part, ...]) -> list[Unit]:
    """The units of the parts asked for, in reading order: each part's front matter, then its topics."""
    return [
        unit
        for part in parts
        for unit in (Unit(part, 0), *(Unit(part, i + 1, (i,)) for i in range(len(guide.topics))))
    ]


def packet_plan(guide: Guide, packet: PacketStyle) -> list[Unit]:
    """The units of the interviewer's packet: no front matter, its questions straight away.

    Each question starting a page, each topic can be laid out apart; two to a page, the questions
    run on from topic to topic in one unit, so that no half page is left empty where a topic ends.
    """
    if packet.layout == "half":
        return [Unit("interviewer", 1, tuple(range(len(guide.topics))))]
    return [Unit("interviewer", i + 1, (i,)) for i in range(len(guide.topics))]


def compose(guide: Guide, part: Part, *, labels: dict[str, str], note_lines: int) -> Story:
    """The story of one part of the guide: cover, introduction, contents, then topics and questions."""
    items = list(front(guide, part, labels=labels))
    for index in range(len(guide.topics)):
        items.extend(topic_items(guide, part, index, note_lines=note_lines))
    return tuple(items)


def front(guide: Guide, part: Part, *, labels: dict[str, str]) -> tuple[Item, ...]:
    """A part's front matter: its cover, the "how to use" page, what is new, and the contents."""
    is_study = part == "study"
    new = () if guide.changes is None else (whats_new(guide.changes, labels, guide),)
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
            count=_count(len(guide.questions), len(guide.topics), labels),
        ),
        Introduction(
            heading=labels["how_to_use"],
            description=text.parse(guide.description, guide.format) if guide.description else (),
            advice=text.parse(STUDY_ADVICE if is_study else KEY_ADVICE),
        ),
        *new,
        Contents(
            heading=labels["contents"],
            topics=tuple(
                ContentsTopic(
                    title=titles.shortened(topic.title, 320),
                    anchor=topic_anchor(index),
                    entries=tuple(_entry(q) for q in topic.questions),
                )
                for index, topic in enumerate(guide.topics)
            ),
        ),
    )


def _count(questions: int, topics: int, labels: dict[str, str]) -> str:
    """The cover's count of questions and topics, singular or plural, as running text."""
    noun = labels["questions"]
    if questions == 1:
        noun = labels["question"]
        if labels["questions"][:1].islower():
            # 'Question' is capitalised to head a label ('Question 4'); in running text it is not.
            noun = noun[:1].lower() + noun[1:]
    return f"{questions} {noun} in {counted(topics, 'topic')}"


def whats_new(changes: Changes, labels: dict[str, str], guide: Guide | None = None) -> WhatsNew:
    """What changed since the previous release, each added or revised question linked to its page,
    named as the contents name it (`guide`'s), or as the release recorded it."""
    named = {} if guide is None else {q.id: q for q in guide.questions}
    since = f"Since edition {changes.since}" + (
        f" · {_date(changes.since_date)}" if changes.since_date else ""
    )
    if not (changes.added or changes.revised or changes.retired):
        since += ": no question was added, revised or retired"
    lists = (
        (labels["added"], changes.added, True),
        (labels["revised"], changes.revised, True),
        (f"{labels['retired']} · numbered as in edition {changes.since}", changes.retired, False),
    )
    return WhatsNew(
        heading=labels["whats_new"],
        since=since,
        lists=tuple(
            WhatsNewList(
                heading,
                tuple(
                    ContentsEntry(
                        c.number,
                        title(named[c.id])[0] if c.id in named and linked else c.title,
                        question_anchor(c.number),
                    )
                    for c in found
                ),
                linked,
            )
            for heading, found, linked in lists
            if found
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
    """What names a question in the contents, the outline and the running heads, as a name
    (titles.py: text, `code` and formulas): its `title:`, else its first sentence (never a code
    block), cut short; and whether it was made from the sentence."""
    if q.title:
        return q.title, False
    if blocks is None or (not q.numbered and text.own_number(q.question) is not None):
        # A number the text starts with never opens its title, even one printed in the question.
        blocks = text.parse(text.without_own_number(q.question), q.format)
    first = next((b for b in blocks if isinstance(b, text.Paragraph | text.Heading)), None)
    sentence = titles.first_sentence(first.children) if first is not None else ""
    return (titles.shortened(sentence, TITLE_LIMIT) if sentence else UNTITLED), True


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
    return _date(guide.date) if guide.date is not None else ""


def _date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


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


def packet_question(q: Question, packet: PacketStyle) -> PacketQuestion:
    """A question of the interviewer's packet, as plain data."""
    blocks = question_blocks(q)
    return PacketQuestion(
        id=q.id,
        number=q.number,
        topic=q.topic,
        anchor=question_anchor(q.number),
        question=blocks,
        title=title(q, blocks)[0],
        difficulty=q.difficulty or "",
        guidance=text.parse(q.guidance, q.format) if q.guidance else (),
        key_points=tuple(text.parse_inline(p, q.format) for p in q.key_points),
        answer=first_paragraph(text.parse(q.answer, q.format)),
        follow_ups=tuple(text.parse_inline(f, q.format) for f in q.follow_ups),
        follow_up_lines=packet.follow_up_lines,
        half=packet.layout == "half",
    )


def first_paragraph(blocks: Sequence[text.Block]) -> tuple[text.Block, ...]:
    """An answer in brief: its first paragraph (with the block it leads in to, when it ends with ':'),
    or its first block when it has no paragraph (only code, say)."""
    for index, block in enumerate(blocks):
        if isinstance(block, text.Paragraph):
            led = index + 1 < len(blocks) and text.leads_in(block)
            return tuple(blocks[index : index + 2 if led else index + 1])
    return tuple(blocks[:1]) or (text.Paragraph(()),)


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
