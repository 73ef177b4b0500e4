"""The validated question bank: frozen dataclasses, no I/O, every value already checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from guide.errors import Location

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")


@dataclass(frozen=True, slots=True)
class Question:
    """One question with what a strong answer covers; text fields are Markdown source."""

    id: str
    number: int  # 1-based, in reading order across the whole guide
    topic: str
    question: str
    answer: str
    guidance: str = ""
    key_points: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    difficulty: Difficulty | None = None
    tags: tuple[str, ...] = ()
    # Where the question and each of its fields stand in the source, so that a
    # problem found late (a glyph no font has, a block too tall) still names its line.
    location: Location = field(default=Location("<memory>"), compare=False)
    field_locations: Mapping[str, Location] = field(default_factory=dict, compare=False)

    def where(self, field_name: str) -> Location:
        """The location of one field, or of the question when the field has none."""
        return self.field_locations.get(field_name, self.location)

    def texts(self) -> Iterator[tuple[str, Location, str]]:
        """(field, location, text) for every text of the question that the layout draws."""
        for name in ("question", "guidance", "answer"):
            yield name, self.where(name), getattr(self, name)
        for name in ("key_points", "follow_ups", "tags"):
            yield name, self.where(name), " ".join(getattr(self, name))


@dataclass(frozen=True, slots=True)
class Topic:
    """A section of the guide: its title and its questions in reading order."""

    title: str
    slug: str
    questions: tuple[Question, ...]


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
    selection: str = ""  # for a practice set: how its questions were chosen, printed on the cover
    root: Path = field(default=Path("."), compare=False)
    location: Location = field(default=Location("<memory>"), compare=False)
    # Every character of its texts, as validation met them; empty when unknown (a guide made in
    # code): then whoever needs them reads them off the texts.
    characters: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for t in self.topics for q in t.questions)
