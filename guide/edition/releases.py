"""Turn a built edition into its release record, and records and manifests back into editions.

A release record, data/<guide>/editions/<edition>.json, is small, stable, sorted JSON meant to be
committed: the guide, the edition, its date, and for each question id its number, short title,
content digest (the manifest's `question_hashes`) and a digest of its question text alone, one
line a question. A build says what is new since the most recent release of another edition
(changes.py); `guide diff` compares two records or two manifests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from guide.data import source
from guide.data.model import Changes, Guide
from guide.edition.changes import Entry, Snapshot, changes_for, changes_json, counts, diff, iso, snapshot
from guide.errors import GuideError, Location, Problem, Problems, did_you_mean, display_path

EDITIONS_DIR = "editions"
_HEX = re.compile(r"[0-9a-f]+\Z")


# --- reading records and manifests ----------------------------------------------------------------------


def editions_folder(guide_folder: Path) -> Path:
    return guide_folder / EDITIONS_DIR


def read_releases(guide_folder: Path) -> tuple[list[Snapshot], list[Problem]]:
    """Every release record of a guide folder (editions/*.json), and the problems of those that do not."""
    folder = editions_folder(guide_folder)
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [Problem(Location(display_path(folder)), f"cannot read the folder: {exc.strerror or exc}")]
    releases: list[Snapshot] = []
    problems: list[Problem] = []
    for name in names:
        # Hidden files (editor backups, locks) and notes beside the records are not records.
        if name.startswith(".") or not name.endswith(".json"):
            continue
        path = folder / name
        try:
            release = read_record(path)
        except GuideError as exc:
            problems.extend(exc.problems)
            continue
        if release.edition != name.removesuffix(".json"):
            problems.append(
                Problem(
                    Location(display_path(path)),
                    f"the record is of edition '{release.edition}' but named {name}: name it"
                    f" {release.edition}.json, as `guide release` does",
                )
            )
            continue
        releases.append(release)
    return releases, problems


def read_record(path: Path) -> Snapshot:
    """A release record written by `guide release`; GuideError, located, if it does not read as one."""
    data, raw = _read_json(path)
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
    data, raw = _read_json(path)
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
    data, _ = _read_json(path)
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


def is_file_name(value: str) -> bool:
    """Whether `guide diff` takes a value for a file (a path, or a name ending in .json), not an edition."""
    return "/" in value or os.sep in value or value.endswith(".json")


def find_edition(value: str, guide_folder: Path | None) -> Snapshot:
    """An edition named on the command line: a JSON file (a folder: its manifest.json), or the name
    of an edition released in guide_folder."""
    if is_file_name(value) or guide_folder is None:
        path = Path(value)
        if path.is_dir():
            path = path / "manifest.json"
        if not path.is_file():
            raise GuideError(
                [
                    Problem(
                        Location(display_path(path)), "no such file: give a manifest.json or a release record"
                    )
                ]
            )
        return read_edition(path)
    folder = editions_folder(guide_folder)
    path = folder / f"{value}.json"
    if not path.is_file():
        names = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
        if names:
            known = f"released: {', '.join(names)}{did_you_mean(value, names)}"
        else:
            command = f"guide release {display_path(guide_folder)}"
            known = f"no edition is released yet: `{command}` records the edition just built"
        raise GuideError(
            [Problem(Location(display_path(folder)), f"edition '{value}' is not released here; {known}")]
        )
    return read_record(path)


def _read_json(path: Path) -> tuple[Any, str]:
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


# --- releasing an edition -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Released:
    """What `guide release` did for one guide."""

    path: Path  # the record
    release: Snapshot
    status: Literal["released", "unchanged", "redated"]
    changes: Changes | None  # since the previous release, as the edition printed them


def release(
    guide: Guide, guide_folder: Path, manifest_path: Path, releases: Sequence[Snapshot], rebuild: str
) -> Released:
    """Record the edition built at manifest_path in guide_folder/editions/<edition>.json.

    Refused with GuideError (and nothing written) when the edition was not built, when the build
    is stale against the data (its edition, date, questions or "What's new" differ from what the
    guide and its releases give now: `rebuild` is the command that fixes it), and when the
    edition is already released with other questions.
    """
    shown = display_path(manifest_path)
    where = guide.location  # guide.yaml, which gives the edition
    if not manifest_path.is_file():
        raise GuideError(
            [
                Problem(
                    where,
                    f"edition {guide.edition} has not been built ({shown} does not exist):"
                    f" run `{rebuild}`, then release it",
                )
            ]
        )
    built = read_manifest(manifest_path)
    data, _ = _read_json(manifest_path)
    changes = changes_for(guide, releases)
    stale = _staleness(guide, built, data.get("changes", False), changes_json(changes))
    if stale:
        raise GuideError(
            [
                Problem(
                    where, f"the build in {shown} is out of date: {stale}; run `{rebuild}`, then release it"
                )
            ]
        )
    record = snapshot(guide)
    path = editions_folder(guide_folder) / f"{guide.edition}.json"
    before = next((r for r in releases if r.edition == guide.edition), None)
    if before is not None and before.questions != record.questions:
        since = counts(diff(before, record), zeros=False)
        raise GuideError(
            [
                Problem(
                    Location(display_path(path)),
                    f"edition {guide.edition} is already released, with other questions (since then:"
                    f" {since or 'renumbered'}); a released edition stays as it was: give the guide a"
                    f" new edition in guide.yaml, build it, and release that",
                )
            ]
        )
    if before is not None and before == record:
        return Released(path, record, "unchanged", changes)
    try:
        _write_quietly(path, record_text(record).encode(), manifest_path.stat().st_mtime_ns)
    except OSError as exc:
        raise GuideError(
            [Problem(Location(display_path(path)), f"cannot write the record: {exc.strerror or exc}")]
        ) from exc
    return Released(path, record, "released" if before is None else "redated", changes)


def _staleness(guide: Guide, built: Snapshot, built_changes: Any, changes: Any) -> str:
    """Why a built edition no longer matches its guide ("" if it does)."""
    if built.guide != guide.id:
        return f"it is of guide '{built.guide}', not '{guide.id}'"
    if built.edition != guide.edition:
        return f"it holds edition {built.edition}, and guide.yaml gives edition {guide.edition}"
    if built.date != guide.date:
        return f"it is dated {iso(built.date)}, and guide.yaml gives {iso(guide.date)}"
    digests = [(q.id, q.digest) for q in guide.questions]
    if [(qid, e.digest) for qid, e in built.questions.items()] != digests:
        changed = counts(diff(built, snapshot(guide, texts=False)), zeros=False)
        return f"the guide's questions changed since ({changed or 'in their order'})"
    if built_changes is False:
        return "it was made by an older guide, which recorded no changes"
    if built_changes != changes:
        now, had = _since(changes), _since(built_changes)
        if now != had:
            return (
                f'its "What\'s new" is since {had or "no release"}, and the releases now give {now or "none"}'
            )
        return 'its "What\'s new" differs from what the releases now give'
    return ""


def _since(changes: Any) -> str | None:
    """The edition a manifest's `changes` are since, if it says."""
    since = changes.get("since") if isinstance(changes, dict) else None
    edition = since.get("edition") if isinstance(since, dict) else None
    return edition if isinstance(edition, str) else None


def _write_quietly(path: Path, data: bytes, stamp_ns: int) -> None:
    """Write a file atomically, leaving `make` no newer input than the build it records.

    The Makefile rebuilds a guide when anything under data/<guide>/ is newer than its manifest. A
    record changes nothing in the edition it records ("What's new" compares with other editions'
    records), so the record is dated as that build, and the folders it was put in keep their
    times; a record of another edition, pulled or written by hand, is newer and rebuilds the guide.
    """
    folder = path.parent
    parent = os.stat(folder.parent)
    made = not folder.exists()
    folder.mkdir(exist_ok=True)
    times = (stamp_ns, stamp_ns) if made else (os.stat(folder).st_atime_ns, os.stat(folder).st_mtime_ns)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}+tmp-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, 0o644)
        os.utime(temporary, ns=(stamp_ns, stamp_ns))
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    os.utime(folder, ns=times)
    if made:
        os.utime(folder.parent, ns=(parent.st_atime_ns, parent.st_mtime_ns))
