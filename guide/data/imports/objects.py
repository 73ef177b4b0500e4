"""Turn a JSON or YAML list of objects into records: each object's keys name its fields.

The list is the file itself, or the one list of objects a top-level mapping holds (under
`questions`, `cards`, or any single key). Keys are matched to fields by name ('Key points' is
key_points) or through --map; numbers and booleans are kept as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from guide.data.imports.common import Columns, ImportOptions, SourceRead, decode, to_record, usable
from guide.data.source import MAX_DEPTH, Node, parse_yaml
from guide.errors import GuideError, Location, Problem, Problems, did_you_mean

# A value that is not text (an object inside an object): noted, not imported.
_NOT_TEXT = object()
Item = tuple[int, Any]  # (line, the object or whatever stands in the list)
_PREFERRED = ("questions", "cards", "items", "notes")
# What nesting depends on: a string (skipped whole, brackets and all) or a bracket.
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def read_json(data: bytes, display: str, options: ImportOptions) -> SourceRead:
    """Read a JSON file into records; a syntax error is a GuideError at its line and column."""
    text = decode(data, display, options.encoding)
    # Numbers as written (1.10 stays 1.10, not 1.1); the whole file checked first, for the error's place.
    decoder = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)
    _check_depth(text, display)  # Python's decoder recurses: a thousand `[` would overflow its stack
    try:
        decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise GuideError(
            [Problem(Location(display, exc.lineno, exc.colno), f"invalid JSON: {exc.msg}")]
        ) from None
    start = _skip(text, 0)
    if text[start] == "[":
        items = list(_array(text, start, decoder))
    elif text[start] == "{":
        entries = list(_object(text, start, decoder))
        key, offset = _choose(
            [(k, o) for k, o, v in entries if isinstance(v, list)],
            {k for k, _, _ in entries},
            display,
        )
        del key
        items = list(_array(text, offset, decoder))
    else:
        raise GuideError(
            [
                Problem(
                    Location(display, 1, 1), "expected a list of objects, [ {…}, {…} ], found a single value"
                )
            ]
        )
    located: list[Item] = []
    line, counted = 1, 0
    for offset, value in items:
        line += text.count("\n", counted, offset)
        counted = offset
        located.append((line, _plain_json(value)))
    return _records(located, display, options)


def _check_depth(text: str, display: str) -> None:
    """Refuse values nested deeper than a YAML file may nest them, at the bracket that goes too deep."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for found in _NESTING.finditer(text):
        char = found.group()
        if char in "[{":
            if depth >= MAX_DEPTH:
                at = found.start()
                line = text.count("\n", 0, at) + 1
                column = at - (text.rfind("\n", 0, at) + 1) + 1
                raise GuideError(
                    [
                        Problem(
                            Location(display, line, column),
                            f"values nested more than {MAX_DEPTH} levels deep; a guide needs only a few"
                            " levels: flatten the structure",
                        )
                    ]
                )
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)


def read_yaml(data: bytes, display: str, options: ImportOptions) -> SourceRead:
    """Read a YAML file into records; a syntax error is a GuideError at its line and column."""
    text = decode(data, display, options.encoding)
    problems = Problems()
    root = parse_yaml(text, display, problems)
    problems.raise_if_errors()
    if root is None or root.kind not in ("seq", "map"):
        raise GuideError(
            [Problem(Location(display, 1, 1), "expected a list of objects ('- question: …' items)")]
        )
    if root.kind == "map":
        key, _ = _choose(
            [(k, 0) for k, (_, node) in root.entries.items() if node.kind == "seq"],
            set(root.entries),
            display,
        )
        root = root.entries[key][1]
    return _records([(item.location.line, _plain_yaml(item)) for item in root.items], display, options)


def _choose(lists: list[tuple[str, int]], keys: set[str], display: str) -> tuple[str, int]:
    """The list of objects a top-level mapping holds: a preferred name, else its only list."""
    for name in _PREFERRED:
        for key, offset in lists:
            if key.casefold() == name:
                return key, offset
    if len(lists) == 1:
        return lists[0]
    shown = ", ".join(sorted(keys)) or "nothing"
    raise GuideError(
        [
            Problem(
                Location(display, 1, 1),
                f"expected a list of objects, or a mapping holding one under 'questions'; found a mapping"
                f" of {shown}",
            )
        ]
    )


def _records(items: list[Item], display: str, options: ImportOptions) -> SourceRead:
    read = SourceRead(display)
    columns = Columns(options.mapping)
    unknown: dict[str, int] = {}
    seen: set[str] = set()
    targets: set[str] = set()
    for line, item in items:
        if not isinstance(item, dict):
            read.skip(line, f'the item is not an object ({{"question": …}}) but {_what(item)}')
            continue
        values: dict[str, str | list[str]] = {}
        for key, value in item.items():
            seen.add(key)
            target = columns.field(key)
            if target is None:
                unknown.setdefault(key, line)
                continue
            targets.add(target)
            if value is None:
                continue
            if value is _NOT_TEXT or (isinstance(value, list) and _NOT_TEXT in value):
                read.note(line, f"'{key}' holds an object, not text; left out")
                continue
            values[target] = value
        record = to_record(values, line, read, options)
        if usable(record, read, "the object"):
            read.records.append(record)
    for key, line in unknown.items():
        read.note(line, f"key {columns.unknown(key)}")
    problems = [Problem(Location(display, 1, 1), m) for m in columns.missing_sources(seen)]
    for required in ("question", "answer"):
        if items and required not in targets and not any(t == required for t, _ in options.mapping):
            names = sorted(seen)
            problems.append(
                Problem(
                    Location(display, items[0][0], 1),
                    f"no object has '{required}'{did_you_mean(required, names)} (keys found:"
                    f" {', '.join(names) or 'none'}); map one with --map {required}=KEY",
                )
            )
    if problems:
        raise GuideError(problems)
    return read


def _what(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"the text '{value}'" if len(str(value)) < 40 else "a text"


def _plain_json(value: Any) -> Any:
    """A decoded JSON value as text fields: scalars as written, lists of scalars as lists."""
    if isinstance(value, dict):
        return {str(k): _field_json(v) for k, v in value.items()}
    return value


def _field_json(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [_field_json(v) for v in value]
        return [i for i in items if i is not None]
    if isinstance(value, dict):
        return _NOT_TEXT
    return str(value)


def _plain_yaml(node: Node) -> Any:
    if node.kind == "map":
        return {key: _field_yaml(value) for key, (_, value) in node.entries.items()}
    if node.kind == "seq":
        return []
    return None if node.kind == "null" else node.text


def _field_yaml(node: Node) -> Any:
    if node.kind == "null":
        return None
    if node.kind == "seq":
        items = [_field_yaml(item) for item in node.items]
        return [i for i in items if i is not None]
    if node.kind == "map":
        return _NOT_TEXT
    return node.text  # as written: 'no' stays the word, 1.10 stays 1.10


# ---- where each element of a JSON array starts ---------------------------------------------


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\n\r":
        index += 1
    return index


def _array(text: str, start: int, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """(offset, value) of each element of the array at `start` (the text is valid JSON)."""
    index = _skip(text, start + 1)
    if text[index] == "]":
        return
    while True:
        value, end = decoder.raw_decode(text, index)
        yield index, value
        index = _skip(text, end)
        if text[index] == "]":
            return
        index = _skip(text, index + 1)  # the comma


def _object(text: str, start: int, decoder: json.JSONDecoder) -> Iterator[tuple[str, int, Any]]:
    """(key, offset of its value, value) of each entry of the object at `start`."""
    index = _skip(text, start + 1)
    if text[index] == "}":
        return
    while True:
        key, end = decoder.raw_decode(text, index)
        index = _skip(text, _skip(text, end) + 1)  # past the colon
        value, end = decoder.raw_decode(text, index)
        yield str(key), index, value
        index = _skip(text, end)
        if text[index] == "}":
            return
        index = _skip(text, index + 1)
