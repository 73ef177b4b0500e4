"""Turn the edition just built into its release record in data/<guide>/editions/ (`guide release`),
and find the releases of a guide folder, or an edition named on the command line (`guide diff`).

The record's format is records.py's; what changed between two editions, changes.py's.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from guide.data.model import Changes, Guide
from guide.edition import records
from guide.edition.changes import Snapshot, changes_for, changes_json, counts, diff, iso, snapshot
from guide.errors import GuideError, Location, Problem, did_you_mean, display_path

EDITIONS_DIR = "editions"


# --- finding releases ----------------------------------------------------------------------------------


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
            release = records.read_record(path)
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
        return records.read_edition(path)
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
    return records.read_record(path)


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
    built = records.read_manifest(manifest_path)
    data, _ = records.read_json(manifest_path)
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
        _write_quietly(path, records.record_text(record).encode(), manifest_path.stat().st_mtime_ns)
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
