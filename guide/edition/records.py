"""Turn release records and manifests (JSON) into editions' questions, and back into a record.

A release record, data/<guide>/editions/<edition>.json, is small, stable, sorted JSON meant to be
committed: the guide, the edition, its date, and for each question id its number, short title,
content digest (the manifest's `question_hashes`) and a digest of its question text alone, one
line a question. A file that does not read as one is a GuideError, each problem at its line and
column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from guide.data import source
from guide.edition.changes import Entry, Snapshot, iso
from guide.errors import GuideError, Location, Problem, Problems, display_path

_HEX = re.compile(r"[0-9a-f]+\Z")


def read_record(path: Path) -> Snapshot:
    """A release record written by `guide release`; GuideError, located, if it does not read as one."""
    data, raw = read_json(path)
    reader = _Reader(path, raw)
    reader.fields(data, (), {"guide": str, "edition": str, "date": (str, type(None)), "questions": dict})
    questions: dict[str, Entry] = {}
    listed = data.get("questions") if isinstance(data, dict) else None
    for qid, value in listed.items() if isinstance(listed, dict) else ():
        where = ("questions", qid)
        if reader.fields(value, where, {"number": int, "title": str, "digest": str}, optional={"text": str}):
            number, digest, digest_text = value["number"], value["digest"], value.get("text", "")
            if number < 1:
                reader.error((*where, "number"), f"number must be 1 or more, found {number}")
            if not (len(digest) == 64 and _HEX.match(digest)):
                reader.error((*where, "digest"), "digest must be 64 hexadecimal digits (a SHA-256)")
            if digest_text and not _HEX.match(digest_text):
                reader.error((*where, "text"), "text must be hexadecimal digits (a digest)")
            questions[qid] = Entry(number, value["title"], digest, digest_text)
    date = reader.date(data.get("date") if isinstance(data, dict) else None, ("date",))
    reader.problems.raise_if_errors()
    ordered = dict(sorted(questions.items(), key=lambda item: item[1].number))
    return Snapshot(data["guide"], data["edition"], date, ordered)


def read_manifest(path: Path) -> Snapshot:
    """The questions of a built edition from its manifest.json.

    Manifests written before `question_numbers` and `question_titles` existed number questions
    in their order and name them by id.
    """
    data, raw = read_json(path)
    reader = _Reader(path, raw)
    reader.fields(
        data,
        (),
        {"guide": str, "edition": str, "question_hashes": dict},
        optional={"date": (str, type(None)), "question_numbers": dict, "question_titles": dict},
    )
    reader.problems.raise_if_errors()
    numbers, titles = data.get("question_numbers") or {}, data.get("question_titles") or {}
    questions = {}
    for index, (qid, digest) in enumerate(data["question_hashes"].items(), 1):
        number, title = numbers.get(qid, index), titles.get(qid, qid)
        if not isinstance(digest, str) or not isinstance(number, int) or not isinstance(title, str):
            reader.error(("question_hashes", qid), f"question '{qid}' is not listed as a manifest lists it")
            continue
        questions[qid] = Entry(number, title, digest)
    date = reader.date(data.get("date"), ("date",))
    reader.problems.raise_if_errors()
    return Snapshot(data["guide"], data["edition"], date, questions)


def read_edition(path: Path) -> Snapshot:
    """A release record or a manifest.json, whichever the file is."""
    data, _ = read_json(path)
    if isinstance(data, dict) and "question_hashes" in data:
        return read_manifest(path)
    if isinstance(data, dict) and "questions" in data and "files" not in data:
        return read_record(path)
    raise GuideError(
        [
            Problem(
                Location(display_path(path), 1, 1),
                "neither a release record (editions/<edition>.json) nor a manifest.json: found no"
                " 'questions' or 'question_hashes'",
            )
        ]
    )


def read_json(path: Path) -> tuple[Any, str]:
    shown = display_path(path)
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GuideError([Problem(Location(shown), f"the file is not UTF-8 (byte {exc.start})")]) from None
    except OSError as exc:
        raise GuideError([Problem(Location(shown), f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates), raw
    except json.JSONDecodeError as exc:
        raise GuideError(
            [Problem(Location(shown, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")]
        ) from None
    except _Duplicate as exc:
        # JSON is YAML, and the YAML reader says where the second key is.
        found = Problems()
        source.parse_yaml(raw, shown, found)
        where = found.items[0].location if found.items else Location(shown, 1, 1)
        raise GuideError([Problem(where, f"the key '{exc.key}' is given twice")]) from None
    except (ValueError, RecursionError) as exc:  # a number too long, values nested too deep
        raise GuideError([Problem(Location(shown), f"not valid JSON: {exc}")]) from None


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


class _Reader:
    """Checks the shape of a JSON file, each problem at the line and column of the value it is about."""

    def __init__(self, path: Path, raw: str) -> None:
        self.display = display_path(path)
        self.raw = raw
        self.problems = Problems()
        self._tree: source.Node | bool | None = False  # read when a problem first needs a place

    def locate(self, keys: tuple[str, ...]) -> Location:
        """Where the value at `keys` is: JSON is YAML, whose reader keeps places; else the file's start."""
        if self._tree is False:
            self._tree = source.parse_yaml(self.raw, self.display, Problems())
        node = self._tree if isinstance(self._tree, source.Node) else None
        for key in keys:
            found = node.entries.get(key) if node is not None else None
            node = found[1] if found is not None else None
        return node.location if node is not None else Location(self.display, 1, 1)

    def error(self, keys: tuple[str, ...], message: str) -> None:
        self.problems.error(self.locate(keys), message)

    def fields(
        self,
        value: Any,
        keys: tuple[str, ...],
        required: dict[str, Any],
        optional: dict[str, Any] | None = None,
    ) -> bool:
        """Whether value is an object with these keys, of these types; each problem recorded."""
        what = f"question '{keys[-1]}'" if keys else "the file"
        if not isinstance(value, dict):
            self.error(keys, f"{what} must be a JSON object")
            return False
        good = True
        expected = {**required, **(optional or {})}
        for key, kind in expected.items():
            if key not in value:
                if key in required:
                    self.error(keys, f"{what} has no '{key}'")
                    good = False
            elif not isinstance(value[key], kind) or isinstance(value[key], bool):
                self.error((*keys, key), f"'{key}' must be {_kind(kind)}, found {_kind(type(value[key]))}")
                good = False
        return good

    def date(self, value: Any, keys: tuple[str, ...]) -> dt.date | None:
        if not isinstance(value, str):
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(keys, f"date must be written like 2026-11-25, found '{value}'")
            return None


def _kind(kind: Any) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", dict: "an object", list: "a list", type(None): "null"}
    names |= {bool: "true or false", float: "a number"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


# --- writing a record -----------------------------------------------------------------------------------


def record_text(release: Snapshot) -> str:
    """A release record's JSON: keys sorted, one line a question, ids in sorted order."""
    lines = [
        "{",
        f'  "date": {json.dumps(iso(release.date))},',
        f'  "edition": {json.dumps(release.edition, ensure_ascii=False)},',
        f'  "guide": {json.dumps(release.guide, ensure_ascii=False)},',
    ]
    entries = sorted(release.questions.items())
    if not entries:
        lines.append('  "questions": {}')
    else:
        lines.append('  "questions": {')
        for index, (qid, entry) in enumerate(entries):
            fields = {
                "digest": entry.digest,
                "number": entry.number,
                "text": entry.text,
                "title": entry.title,
            }
            comma = "," if index < len(entries) - 1 else ""
            value = json.dumps(fields, ensure_ascii=False, sort_keys=True)
            lines.append(f"    {json.dumps(qid, ensure_ascii=False)}: {value}{comma}")
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"
