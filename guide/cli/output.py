"""What the command line prints: problems (grouped or counted), progress on a terminal, each line
with its control characters escaped."""

from __future__ import annotations

import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from guide.errors import Problem


class Progress:
    """One status line on a terminal for a build that takes a while: what it does, and how far.

    Nothing shows for the first second, so a quick build prints only its result; the line is
    redrawn at most ten times a second and erased before anything else is printed.
    """

    DELAY = 1.0
    INTERVAL = 0.1

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.folder = ""
        self.started = self.drawn = 0.0
        self.showing = False

    def start(self, folder: str) -> None:
        self.folder = folder
        self.started = time.monotonic()

    def __call__(self, what: str) -> None:
        now = time.monotonic()
        if now - self.started < self.DELAY or now - self.drawn < self.INTERVAL:
            return
        self.drawn = now
        width = shutil.get_terminal_size().columns - 1
        line = printable(f"guide: {self.folder}: {what}")
        self.stream.write("\r\x1b[K" + line[:width])
        self.stream.flush()
        self.showing = True

    def clear(self) -> None:
        if self.showing:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.showing = False


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        say(str(problem), sys.stderr)


def say(text: str, stream: TextIO | None = None) -> None:
    """Print one line of guide's own output: every line the command prints goes through here."""
    print(printable(text), file=stream if stream is not None else sys.stdout)


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts sequences
# that recolour, retitle or rewrite the screen; a line break or carriage return forges a line),
# and the bidirectional controls that make text read differently from what it says.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text as the terminal may show it: each control character written as an escape (\\x1b, \\u202e)."""
    return _UNSHOWN.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


GROUPED = 3  # a warning shared by this many questions or more is one line, without --verbose


class Report:
    """Prints problems: every error; warnings that many share as one line, unless verbose; and
    when quiet, no warning, but how many there were, once at the end."""

    def __init__(self, *, verbose: bool = False, quiet: bool = False) -> None:
        self.verbose = verbose
        self.quiet = quiet
        self.hidden = 0

    def problems(self, problems: Sequence[Problem]) -> None:
        if self.quiet:
            self.hidden += sum(p.severity == "warning" for p in problems)
            print_problems([p for p in problems if p.severity == "error"])
            return
        counts = Counter(p.group for p in problems if p.severity == "warning" and p.group)
        shown: set[str] = set()
        for problem in problems:
            group = problem.group if problem.severity == "warning" else ""
            if self.verbose or not group or counts[group] < GROUPED:
                say(str(problem), sys.stderr)
            elif group not in shown:
                shown.add(group)
                say(
                    f"{problem} ({counts[group]:,} {group}, this one first; --verbose lists them all)",
                    sys.stderr,
                )

    def hidden_warnings(self) -> None:
        """With --quiet, the one line that counts the warnings it did not print."""
        if self.hidden:
            noun = "warning" if self.hidden == 1 else "warnings"
            say(f"guide: {self.hidden:,} {noun}; run without --quiet to see them", sys.stderr)
