"""Keep a question's texts in a temporary file rather than in memory, and give them back when asked.

The texts of a large bank are most of its size: 50,000 questions hold 65 MB of text, 90 MB as
Python strings, in every process of a build. Once read and checked, a build's texts go to a
temporary file; a Question keeps only where its texts are, and reads one back each time it is
asked for it (a few microseconds). A guide read for a check only keeps them in memory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO

from guide.data.fields import LISTS, STORED, STORED_INDEX, STRINGS
from guide.errors import GuideError, Location, Problem

_SEPARATOR = "\x00"  # between the items of a list: validation refuses it in any text

# A question's texts in the order fields.STORED gives: its Markdown texts, then its lists.
Values = tuple[str | tuple[str, ...], ...]


class TextStore:
    """A temporary file that question texts are written to, once, and read back from at will.

    Forked processes share it: reads name their offset, and no one writes after the bank is read.
    It is deleted when closed, which happens when the last question that reads from it is gone.
    """

    def __init__(self) -> None:
        # Deleted as soon as it is made (it has no name), so nothing is left whichever way the
        # process ends. A full disk, or TMPDIR where nothing can be written, is a GuideError.
        with _disk_problems():
            self.file: IO[bytes] = tempfile.TemporaryFile(prefix="guide-texts-")  # noqa: SIM115
        self.end = 0
        self.unwritten = False  # texts still in the file object's buffer

    def add(self, values: Values) -> Texts:
        """Keep one question's texts; the handle that reads them back."""
        encoded = [
            (value if isinstance(value, str) else _SEPARATOR.join(value)).encode("utf-8") for value in values
        ]
        offset = self.end
        with _disk_problems():
            self.file.write(b"".join(encoded))
        self.end += sum(map(len, encoded))
        self.unwritten = True
        return Texts(None, self, offset, tuple(map(len, encoded)))

    def flush(self) -> None:
        """Write what the file object holds to the file, where reads (pread) and other processes find it."""
        if self.unwritten:
            with _disk_problems():
                self.file.flush()
            self.unwritten = False

    def read(self, offset: int, size: int) -> str:
        self.flush()  # reads go to the file itself (pread), past the object's buffer
        return os.pread(self.file.fileno(), size, offset).decode("utf-8")

    def close(self) -> None:
        # What a full disk kept in the buffer is lost with the file, as the build that needed it.
        with contextlib.suppress(OSError):
            self.file.close()

    def __del__(self) -> None:
        # The store lives as long as a question that reads from it: closed with the last one.
        if hasattr(self, "file"):  # not when making the file failed
            self.close()


@contextlib.contextmanager
def _disk_problems() -> Iterator[None]:
    """Turn a failure to write the temporary file (a full disk, a read-only TMPDIR) into a GuideError."""
    try:
        yield
    except OSError as exc:
        folder = tempfile.gettempdir()
        raise GuideError(
            [
                Problem(
                    Location(folder),
                    f"cannot keep the questions' texts in a temporary file in {folder}:"
                    f" {exc.strerror or exc}; free some space there, or set TMPDIR to a folder with room",
                )
            ]
        ) from None


class Texts:
    """A question's texts: held here, or read back from a TextStore."""

    __slots__ = ("_lengths", "_offset", "_store", "_values")

    def __init__(
        self,
        values: Values | None,
        store: TextStore | None = None,
        offset: int = 0,
        lengths: Sequence[int] = (),
    ) -> None:
        self._values = values
        self._store = store
        self._offset = offset
        self._lengths = tuple(lengths)

    @classmethod
    def of(cls, values: Values) -> Texts:
        return cls(values)

    @classmethod
    def empty(cls) -> Texts:
        return cls(tuple("" if name in STRINGS else () for name in STORED))

    def text(self, name: str) -> str:
        """A text field (a list's items joined)."""
        return self._text(STORED_INDEX[name])

    def _text(self, index: int) -> str:
        if self._values is not None:
            value = self._values[index]
            return value if isinstance(value, str) else _SEPARATOR.join(value)
        assert self._store is not None
        start = self._offset + sum(self._lengths[:index])
        return self._store.read(start, self._lengths[index]) if self._lengths[index] else ""

    def where(self) -> tuple[int, tuple[int, ...]]:
        """Where in its store the texts are: their offset, and each one's length."""
        return self._offset, self._lengths

    def size(self, name: str) -> int:
        """How long a field's text is (in bytes once stored): known without reading it."""
        index = STORED_INDEX[name]
        if self._values is not None:
            value = self._values[index]
            return len(value) if isinstance(value, str) else sum(map(len, value))
        return self._lengths[index]

    def items(self, name: str) -> tuple[str, ...]:
        """A list field's items."""
        joined = self.text(name)
        return tuple(joined.split(_SEPARATOR)) if joined else ()

    def values(self) -> Values:
        if self._values is not None:
            return self._values
        return (*(self.text(name) for name in STRINGS), *(self.items(name) for name in LISTS))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Texts):
            return NotImplemented
        return self.values() == other.values()

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        return f"Texts({self.values()!r})"

    def __reduce__(self) -> tuple[object, ...]:
        # A copy sent to another process carries the texts themselves, not a file handle.
        return (Texts, (self.values(),))
