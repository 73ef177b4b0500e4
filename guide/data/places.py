"""Turn a place inside a YAML text value (an offset into the value) into its line and column in the file.

A problem found inside a text (an image that is missing, a formula that cannot be typeset) is
reported where it was typed, not where its field starts. Only the field's start is kept while
reading (a large bank has a million values): the file is read again when a problem needs a
place, and the value is followed through what YAML wrote around it: a block scalar's lines
(`|`, `>`), a plain scalar's, a quoted one's with its escapes (`\\\\`, `''`). The characters
that are not white space are matched one by one, so a place is given only where it is exact;
where it cannot be (an alias, a file changed since), the field's start is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import yaml
from yaml import events

from guide.errors import Location
from guide.files import read_regular

MAX_SOURCE_BYTES = 64 << 20
_KEPT_FILES = 4
# A few files read back, by name and version (size and time: a file changed is read again), with
# their line starts; and their sequences, each by where it starts, with where its items start.
_sources: dict[str, tuple[object, tuple[str, list[int]] | None]] = {}
_items: dict[str, tuple[object, dict[tuple[int, int], list[Location]]]] = {}

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX = {"x": 2, "u": 4, "U": 8}


def place(where: Location, value: str, offset: int) -> Location:
    """Where in its file the character at `offset` of a text value was typed, the value being
    the scalar that starts at `where`; `where` itself when that cannot be said exactly."""
    if where.line <= 0 or not 0 <= offset < len(value):
        return where
    found = _source(where.file)
    if found is None:
        return where
    text, starts = found
    if where.line > len(starts):
        return where
    at = _align(text, starts[where.line - 1] + where.column - 1, value, offset)
    if at is None:
        return where
    line = _line_of(starts, at)
    return Location(where.file, line + 1, at - starts[line] + 1)


def item(where: Location, index: int) -> Location:
    """Where item `index` of the sequence that starts at `where` starts; `where` if not known."""
    if where.line <= 0:
        return where
    version = _version(where.file)
    kept = _items.get(where.file)
    if kept is None or kept[0] != version:
        if len(_items) >= _KEPT_FILES:
            del _items[next(iter(_items))]
        kept = _items[where.file] = (version, _sequences(where.file))
    found = kept[1].get((where.line, where.column))
    return found[index] if found is not None and 0 <= index < len(found) else where


def _version(name: str) -> object:
    try:
        found = os.stat(name)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ino)


def _source(name: str) -> tuple[str, list[int]] | None:
    version = _version(name)
    kept = _sources.get(name)
    if kept is None or kept[0] != version:
        if len(_sources) >= _KEPT_FILES:
            del _sources[next(iter(_sources))]
        kept = _sources[name] = (version, _read(name) if version is not None else None)
    return kept[1]


def _read(name: str) -> tuple[str, list[int]] | None:
    try:
        text = read_regular(Path(name), MAX_SOURCE_BYTES).decode("utf-8").removeprefix("\ufeff")
    except (OSError, ValueError):
        return None
    starts = [0]
    index = 0
    while True:
        # Lines end as editors and libyaml see them: LF, CRLF or CR.
        found = min((p for p in (text.find("\n", index), text.find("\r", index)) if p >= 0), default=-1)
        if found < 0:
            break
        index = found + (2 if text.startswith("\r\n", found) else 1)
        starts.append(index)
    return text, starts


def _line_of(starts: list[int], at: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= at:
            low = middle
        else:
            high = middle - 1
    return low


def _align(text: str, start: int, value: str, offset: int) -> int | None:
    """The index in the file of the character at `offset` of the value of the scalar written from
    `start`, matching the value's characters that are not white space with the scalar's, in
    order; None if they do not match (or the value is an alias's)."""
    while value[offset].isspace():
        offset += 1
        if offset >= len(value):
            return None
    while text.startswith(("&", "!"), start):  # an anchor or a tag before the value
        while start < len(text) and not text[start].isspace():
            start += 1
        while start < len(text) and text[start] in " \t":
            start += 1
    written = _written(text, start)
    for index, char in enumerate(value):
        if char.isspace():
            continue
        found = next(written, None)
        if found is None or found[0] != char:
            return None
        if index == offset:
            return found[1]
    return None


def _written(text: str, start: int) -> Iterator[tuple[str, int]]:
    """The characters of a scalar's value as written from `start`, but white space, each with where
    it stands: escapes decoded, quotes and a block scalar's header left out."""
    opening = text[start : start + 1]
    if opening == "*":  # an alias: the value was written elsewhere
        return
    if opening in ("|", ">"):
        breaks = [p for p in (text.find("\n", start), text.find("\r", start)) if p >= 0]
        start = min(breaks) if breaks else len(text)
    elif opening in ("'", '"'):
        start += 1
    index = start
    while index < len(text):
        char = text[index]
        if opening == "'" and char == "'":
            if not text.startswith("''", index):
                return
            yield "'", index
            index += 2
            continue
        if opening == '"' and char == '"':
            return
        if opening == '"' and char == "\\":
            decoded, length = _escape(text, index)
            if decoded is None:
                return
            if decoded and not decoded.isspace():
                yield decoded, index
            index += length
            continue
        if not char.isspace():
            yield char, index
        index += 1


def _escape(text: str, index: int) -> tuple[str | None, int]:
    """A double-quoted scalar's escape at `index` (a backslash): what it stands for ("" for an
    escaped line break) and how long it is; None if it is not one."""
    code = text[index + 1 : index + 2]
    if code in ("\n", "\r"):
        return "", 2
    if code in _ESCAPES:
        return _ESCAPES[code], 2
    if code in _HEX:
        digits = text[index + 2 : index + 2 + _HEX[code]]
        try:
            return chr(int(digits, 16)), 2 + _HEX[code]
        except ValueError:
            return None, 0
    return None, 0


def _sequences(name: str) -> dict[tuple[int, int], list[Location]]:
    """Where each sequence of a file starts (line, column), with where each of its items starts."""
    found = _source(name)
    if found is None:
        return {}
    out: dict[tuple[int, int], list[Location]] = {}
    open_items: list[list[Location] | None] = []  # for each open collection: its items, if a sequence
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(found[0], Loader=loader):
            mark = event.start_mark
            if mark is None:
                continue
            if isinstance(event, events.NodeEvent) and open_items and open_items[-1] is not None:
                open_items[-1].append(Location(name, mark.line + 1, mark.column + 1))
            if isinstance(event, events.SequenceStartEvent):
                items: list[Location] = []
                out[(mark.line + 1, mark.column + 1)] = items
                open_items.append(items)
            elif isinstance(event, events.MappingStartEvent):
                open_items.append(None)
            elif isinstance(event, events.CollectionEndEvent) and open_items:
                open_items.pop()
    except yaml.YAMLError:
        return out
    return out
