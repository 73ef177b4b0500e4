"""The validated question bank: frozen dataclasses, no I/O, every value already checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from guide.data.fields import DIGEST_EMPTY, LISTS, QUESTION_KEYS, STORED, STRINGS
from guide.data.store import Texts, TextStore, Values
from guide.data.text import Format
from guide.errors import Location

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")


# The fields whose places a Question keeps, in the order they are packed.
FIELD_INDEX = {name: index for index, name in enumerate(QUESTION_KEYS)}
_POSITION = struct.Struct("<II")  # line, column


def positions(places: Mapping[str, Location]) -> bytes:
    """The lines and columns of a question's fields, packed for Question.field_positions."""
    empty = Location("", 0, 0)
    return b"".join(_POSITION.pack(*(places.get(name) or empty)[1:]) for name in QUESTION_KEYS)


NOWHERE = Location("<memory>")  # a question made in code


@dataclass(frozen=True, slots=True)
class Question:
    """One question with what a strong answer covers; text fields are Markdown source.

    The texts (question, answer, guidance, key points, follow-ups) are read from `body`, which
    holds them or reads them back from a file (store.py): make a Question with make().
    """

    id: str
    number: int  # 1-based, in reading order across the whole guide
    topic: str
    body: Texts = field(repr=False)
    difficulty: Difficulty | None = None
    tags: tuple[str, ...] = ()
    # Where the question and each of its fields stand in the source, so that a problem found
    # late (a glyph no font has, a block too tall) still names its line. The fields' lines and
    # columns are packed (see positions): a large bank has hundreds of thousands of them.
    location: Location = field(default=Location("<memory>"), compare=False)
    field_positions: bytes = field(default=b"", compare=False, repr=False)
    digest: str = field(default="", compare=False, repr=False)  # of its content: see content_digest
    format: Format = "markdown"  # how its texts are read: Markdown, or plain text kept line for line
    # Its text starts with its own number ("72. What…" as question 72 of the guide): printed once.
    numbered: bool = field(default=False, compare=False)

    @classmethod
    def make(
        cls,
        id: str,
        number: int,
        topic: str,
        *,
        store: TextStore | None = None,
        difficulty: Difficulty | None = None,
        tags: tuple[str, ...] = (),
        location: Location = NOWHERE,
        field_positions: bytes = b"",
        format: Format = "markdown",
        images: tuple[tuple[str, str], ...] = (),
        **texts: str | tuple[str, ...],
    ) -> Question:
        """A question from its texts (fields.STORED, by name), kept in `store` if given, else in memory."""
        unknown = set(texts) - set(STORED)
        if unknown:
            raise TypeError(f"not a text field of a question: {', '.join(sorted(unknown))}")
        values: Values = (
            *(str(texts.get(name, "")) for name in STRINGS),
            *(tuple(texts.get(name, ())) for name in LISTS),
        )
        body = store.add(values) if store is not None else Texts.of(values)
        digest = content_digest(id, topic, values, difficulty, tags, format, images)
        return cls(id, number, topic, body, difficulty, tags, location, field_positions, digest, format)

    def text(self, name: str) -> str:
        """A Markdown text field by name ("" when the question has none)."""
        return self.body.text(name)

    def items(self, name: str) -> tuple[str, ...]:
        """A list field by name."""
        return self.body.items(name)

    @property
    def question(self) -> str:
        return self.body.text("question")

    @property
    def title(self) -> str:
        """The short name the author gave it for the contents ("" when none)."""
        return self.body.text("title")

    @property
    def answer(self) -> str:
        return self.body.text("answer")

    @property
    def guidance(self) -> str:
        return self.body.text("guidance")

    @property
    def key_points(self) -> tuple[str, ...]:
        return self.body.items("key_points")

    @property
    def follow_ups(self) -> tuple[str, ...]:
        return self.body.items("follow_ups")

    def where(self, field_name: str) -> Location:
        """The location of one field, or of the question when the field has none."""
        index = FIELD_INDEX.get(field_name)
        if index is None or not self.field_positions:
            return self.location
        line, column = _POSITION.unpack_from(self.field_positions, index * _POSITION.size)
        return Location(self.location.file, line, column) if line else self.location

    def texts(self) -> Iterator[tuple[str, Location, str]]:
        """(field, location, text) for every text of the question that the layout draws."""
        values = self.body.values()
        for name, value in zip(STORED, values, strict=True):
            yield name, self.where(name), value if isinstance(value, str) else " ".join(value)
        yield "tags", self.where("tags"), " ".join(self.tags)


def content_digest(
    qid: str,
    topic: str,
    values: Values,
    difficulty: str | None,
    tags: tuple[str, ...],
    fmt: Format = "markdown",
    images: tuple[tuple[str, str], ...] = (),
) -> str:
    """A stable digest of a question's content, so scripts can tell what changed between editions.

    Fields added since digests were first written (a title, the plain-text format, the images its
    texts show, by the digest of each file's bytes) count only when they are given: a question
    without them keeps the digest it had.
    """
    data: dict[str, Any] = {"id": qid, "topic": topic, "difficulty": difficulty, "tags": list(tags)}
    if fmt != "markdown":
        data["format"] = fmt
    if images:
        data["images"] = dict(images)
    for name, value in zip(STORED, values, strict=True):
        if value or name in DIGEST_EMPTY:
            data[name] = value if isinstance(value, str) else list(value)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Topic:
    """A section of the guide: its title and its questions in reading order."""

    title: str
    slug: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """A question named in "What's new": its id, number and short title in the edition that has it."""

    id: str
    number: int
    title: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed in the questions since the previous released edition, for "What's new"."""

    since: str  # the previous release's edition
    since_date: dt.date | None
    added: tuple[Change, ...] = ()  # numbered and titled as in this edition
    revised: tuple[Change, ...] = ()  # as in this edition
    retired: tuple[Change, ...] = ()  # as in the previous release: they have no page here


@dataclass(frozen=True, slots=True)
class Guide:
    """A whole question bank, ready to lay out."""

    id: str  # the folder name: used in file names and the manifest
    title: str
    edition: str
    topics: tuple[Topic, ...]
    subtitle: str = ""
    date: dt.date | None = None
    authors: tuple[str, ...] = ()
    language: str = "en"
    description: str = ""
    format: Format = "markdown"  # how the guide's own texts (its description) are read
    selection: str = ""  # for a practice set: how its questions were chosen, printed on the cover
    # Since the previous released edition (edition/changes.py): None for a first edition or a
    # practice set, which print no "What's new".
    changes: Changes | None = None
    root: Path = field(default=Path("."), compare=False)
    location: Location = field(default=Location("<memory>"), compare=False)
    description_location: Location = field(default=Location("<memory>"), compare=False)
    # Every character of its texts, as validation met them; empty when unknown (a guide made in
    # code): then whoever needs them reads them off the texts.
    characters: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for t in self.topics for q in t.questions)
