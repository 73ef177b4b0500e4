"""Problems found in user input, each with the place it was found, and the error that carries them."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Location(NamedTuple):
    """A place in a file: 1-based line and column, like compilers and editors count.

    A named tuple: a bank of 50,000 questions has a million of them, made while reading.
    """

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


# Where a problem with the command line itself is reported (a --topics value no guide has):
# printed as "guide: error: --topics: …", never as a place in a file the user did not get wrong.
COMMAND_LINE = Location("guide")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun, singular or plural: '1 question', '3 questions', '2 copies'."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a warning) in the input, with where it is."""

    location: Location
    message: str
    severity: Severity = "error"
    # What kind of warning it is, for a report that says once what many questions share
    # ("questions without guidance"); "" for one that stands alone.
    group: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, int, str]:
        rank = 0 if self.severity == "error" else 1
        loc = self.location
        return (loc.file, loc.line, loc.column, rank, self.message)


class GuideError(Exception):
    """A failure the user caused and can fix: carries every problem found, sorted by place."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # The same problem found twice (a style inherited by several others, say) is reported once.
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems), key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


class Problems:
    """A collector: stages add problems as they go and raise once at the end."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, location: Location, message: str) -> None:
        self.items.append(Problem(location, message, "error"))

    def warning(self, location: Location, message: str, *, group: str = "") -> None:
        self.items.append(Problem(location, message, "warning", group))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.items)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise GuideError(self.items)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(sorted((p for p in self.items if p.severity == "warning"), key=Problem.sort_key))


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice a mistyped word most likely meant, ignoring case; None when none is close."""
    by_case = {c.casefold(): c for c in choices}
    folded = word.strip().casefold()
    if folded in by_case:
        return by_case[folded]
    close = difflib.get_close_matches(folded, list(by_case), n=1, cutoff=cutoff)
    return by_case[close[0]] if close else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """The hint "; did you mean 'x'?" for the choice closest to a mistyped word; "" if none is close."""
    found = closest(word, choices, cutoff)
    return f"; did you mean '{found}'?" if found is not None else ""


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it is inside it."""
    absolute = Path(os.path.abspath(path))  # no symlinks followed: a loop must not raise
    for cwd in (Path(os.path.abspath(Path.cwd())), Path.cwd().resolve()):
        try:
            return str(absolute.relative_to(cwd))
        except ValueError:
            continue
    return str(path)
