"""Turn a finished edition into files under output/<guide>/, atomically, never over what guide did not make.

The files of an edition go into a fresh hidden folder, which is then put in place by
swapping a symbolic link: a reader of output/<guide>/ sees either the whole previous
edition or the whole new one, never a mix, a truncated PDF, or a manifest that does not
match its files, whenever the build is interrupted. A build makes its files beforehand in a
hidden work folder beside them (workspace()), so that publishing links them in rather than
copying a large edition.

Every published folder says what it is, in a hidden file (MARKER): which guide made it and
what kind of output it is (an edition, a practice set, handouts, flash cards). guide replaces
out/<name> only when it is its own output of the same guide and kind; anything else there (a
folder, file or link it did not make, another kind of output) is an error that names it.

Temporary entries (work and staging folders) are locked by the process that made them for as
long as it lives; whatever a killed process left is removed by the next command that writes to
the same output folder. One lock, taken on the output folder itself (no lock file), guards the
switch and the cleaning.
"""

from __future__ import annotations

import contextlib
import fcntl
import filecmp
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from guide import __version__
from guide.data.model import Guide, Question
from guide.edition import changes
from guide.errors import GuideError, Location, Problem, display_path
from guide.files import Refused, read_regular
from guide.layout import compose
from guide.pdf.assemble import Edition

MARKER = ".guide.json"  # in every published folder: who made it, and what it is
MANIFEST = "manifest.json"
KINDS = {
    "edition": "the edition",
    "practice": "a practice set",
    "handouts": "the candidates' copies",
    "cards": "the flash cards",
}
# Temporary names join the name with '+', which no guide id contains: with '-', guide 'ml'
# took the editions of guide 'ml-tmp-notes' for its own temporary folders and deleted them.
_TEMPORARY = "+tmp-"  # a folder (or file) in the making, locked by the process making it
_TRASH = "+old-"  # being deleted: renamed to this first, so it is never half there under its name
_LINK = "+link-"  # a link made to replace out/<name> in one rename
_MAX_MARKER_BYTES = 4096
_MAX_LEGACY_MANIFEST_BYTES = 64 << 20


@dataclass(frozen=True)
class Owner:
    """What a published folder is: the guide (its folder's name) that made it, and the kind of output."""

    guide: str
    kind: str  # one of KINDS

    def describe(self) -> str:
        return f"{KINDS.get(self.kind, 'the output')} of guide '{self.guide}'"

    def marker(self) -> bytes:
        return (json.dumps({"made_by": "guide", "guide": self.guide, "kind": self.kind}) + "\n").encode()


def question_hash(q: Question) -> str:
    """A stable digest of a question's content, so scripts can tell what changed between editions."""
    return q.digest  # made when the question was read


def manifest(
    guide: Guide, edition: Edition, *, encrypted: Collection[str] = (), folder: str = ""
) -> dict[str, object]:
    """The manifest of an edition (a contract: users' scripts read it); `encrypted` names roles,
    `folder` the hidden folder it is published in."""
    return {
        "guide": guide.id,
        "title": guide.title,
        "edition": guide.edition,
        "date": guide.date.isoformat() if guide.date else None,
        "questions": len(guide.questions),
        "generator": f"guide {__version__}",
        "folder": folder,
        "files": {
            f.role: {
                "path": f.name,
                "pages": f.pages,
                "bytes": f.size,
                "sha256": f.sha256,
                **({"encrypted": True} if f.role in encrypted else {}),
            }
            for f in edition.files
        },
        "question_hashes": {q.id: question_hash(q) for q in guide.questions},
        # So that `guide diff` names the questions of two manifests as "What's new" does.
        "question_numbers": {q.id: q.number for q in guide.questions},
        "question_titles": {q.id: compose.title(q)[0] for q in guide.questions},
        "changes": changes.changes_json(guide.changes),
    }


def publish(
    guide: Guide,
    edition: Edition,
    out_root: Path,
    *,
    encrypted: Collection[str] = (),
    owner: Owner | None = None,
) -> Path:
    """Put the edition's files and manifest in out_root/<guide id>/ and return that path."""

    data = manifest(guide, edition, encrypted=encrypted)  # made once: it names every question

    def body(folder: str) -> bytes:
        data["folder"] = folder
        # Written through a buffer in pieces: at 50,000 questions the text is some 15 MB, and a
        # string, its bytes and the bytes with a newline would hold it three times over.
        buffer = io.BytesIO()
        with io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=True) as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.write("\n")
            out.flush()
            return buffer.getvalue()

    files: list[tuple[str, Source]] = [(f.name, (f.path, f.sha256)) for f in edition.files]
    return publish_folder(out_root, guide.id, files, owner=owner or Owner(guide.id, "edition"), manifest=body)


# A file's bytes, or a finished file to link in (copied across file systems) with its SHA-256,
# known from when it was written.
Source = bytes | tuple[Path, str]


# --- where output may go ---------------------------------------------------------------------------


def check_out_root(out_root: Path, source: Path) -> None:
    """GuideError if the output folder holds the guide's own folder or is inside it.

    `guide build data/x --out data` would otherwise put the edition beside (or over) the
    guide's sources, and `--out data/x` inside them.
    """
    out, src = os.path.realpath(out_root), os.path.realpath(source)
    if _within(src, out):
        where = "is" if out == src else "holds"
        raise GuideError(
            [
                Problem(
                    Location(display_path(out_root)),
                    f"the output folder (--out) {where} the guide's own folder ({display_path(source)});"
                    " guide writes its output to a folder apart from what it reads: give another --out,"
                    " such as output",
                )
            ]
        )
    if _within(out, src):
        raise GuideError(
            [
                Problem(
                    Location(display_path(out_root)),
                    f"the output folder (--out) is inside the guide's own folder ({display_path(source)});"
                    " guide writes its output to a folder apart from what it reads: give another --out,"
                    " such as output",
                )
            ]
        )


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_target(out_root: Path, name: str, owner: Owner) -> None:
    """GuideError naming out_root/<name> if something other than `owner`'s own output is there."""
    target = out_root / name
    try:
        _check_target(out_root, name, owner)
    except OSError as exc:
        raise _cannot_write(target, exc) from exc


def _check_target(out_root: Path, name: str, owner: Owner) -> None:
    target = out_root / name
    where = Location(display_path(target))
    try:
        info = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there; an out_root that is not a folder is said when it is written to
    if not stat.S_ISLNK(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "a file"
        raise GuideError([_not_ours(where, f"{what} that guide did not make")])
    text = os.readlink(target)
    if not _published_name(name).fullmatch(text):
        raise GuideError([_not_ours(where, f"a symbolic link (to '{text}') that guide did not make")])
    folder = out_root / text
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise GuideError(
                [_not_ours(where, f"a symbolic link to '{text}', which is not a folder of guide's")]
            )
    except FileNotFoundError:
        return  # guide's own link, whose folder is gone: nothing there to lose
    found = owner_of(folder, name)
    if found is None:
        raise GuideError(
            [_not_ours(where, f"a link to a folder ({text}) that does not say which guide made it")]
        )
    if found != owner:
        raise GuideError(
            [
                Problem(
                    where,
                    f"this holds {found.describe()}, not {owner.describe()}; guide never replaces one"
                    " guide's output, or one kind of output, with another: give another --out, or rename"
                    " one of the guide folders",
                )
            ]
        )


def _not_ours(where: Location, what: str) -> Problem:
    return Problem(
        where,
        f"this is {what}; guide replaces only its own output: move it away or rename it, or give another"
        " --out",
    )


def _published_name(name: str) -> re.Pattern[str]:
    """The names of the hidden folders that out/<name> links to."""
    return re.compile(rf"\.{re.escape(name)}-[0-9a-f]{{12}}")


def owner_of(folder: Path, name: str) -> Owner | None:
    """What a published folder says it is; None if it does not say (or not legibly).

    A folder published before folders carried MARKER is recognised by its manifest (an edition
    or practice set named `name`) or its distribution.csv (handouts).
    """
    try:
        data = json.loads(read_regular(folder / MARKER, _MAX_MARKER_BYTES, follow_links=False))
    except FileNotFoundError:
        return _legacy_owner(folder, name)
    except (OSError, Refused, ValueError):
        return None
    if not isinstance(data, dict) or data.get("made_by") != "guide":
        return None
    guide, kind = data.get("guide"), data.get("kind")
    if not isinstance(guide, str) or kind not in KINDS:
        return None
    return Owner(guide, str(kind))


_PRACTICE = re.compile(r"(.+)-practice-\d+-[0-9a-f]{6}\Z")


def _legacy_owner(folder: Path, name: str) -> Owner | None:
    if os.path.isfile(folder / "distribution.csv") and name.endswith("-handouts"):
        return Owner(name.removesuffix("-handouts"), "handouts")
    try:
        data = json.loads(read_regular(folder / MANIFEST, _MAX_LEGACY_MANIFEST_BYTES, follow_links=False))
    except (OSError, Refused, ValueError):
        return None
    if not isinstance(data, dict) or data.get("guide") != name:
        return None
    practice = _PRACTICE.match(name)
    return Owner(practice[1], "practice") if practice else Owner(name, "edition")


# --- temporary folders -----------------------------------------------------------------------------


@contextlib.contextmanager
def workspace(out_root: Path, name: str) -> Iterator[Path]:
    """A new hidden folder beside out_root/<name>, for the files of a build in the making.

    It is removed when the build ends, whichever way it ends that the process survives; one a
    killed build leaves behind is removed by the next command writing to out_root. A folder
    that cannot be made, or a disk that fills, is a GuideError at out_root/<name>.
    """
    target = out_root / name
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        folder, handle = _temporary(out_root, f".{name}{_TEMPORARY}work-")
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    try:
        yield folder
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    finally:
        try:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(handle)  # the lock last: a folder still there while it is held is in use


def _temporary(out_root: Path, prefix: str) -> tuple[Path, int]:
    """A new folder in out_root, and a handle that holds its lock while the folder is in use.

    What killed commands left in out_root is cleaned first. The folder is made and locked while
    out_root is locked, so that no cleaner ever finds it unlocked.
    """
    with _locked(out_root):
        trash = _sweep(out_root)
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=out_root))
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _remove(trash)
    return folder, handle


def _cannot_write(target: Path, exc: OSError) -> GuideError:
    reason = exc.strerror or str(exc)
    return GuideError([Problem(Location(str(target)), f"cannot write the output: {reason}")])


# --- publishing ------------------------------------------------------------------------------------


def publish_folder(
    out_root: Path,
    name: str,
    files: Sequence[tuple[str, Source]],
    *,
    owner: Owner,
    manifest: Callable[[str], bytes] | None = None,
) -> Path:
    """Put files in out_root/<name>/ all at once: a new hidden folder, then one switch of a link.

    The folder also holds MARKER (what `owner` is), and manifest(<the folder's name>) as
    manifest.json when given. GuideError (nothing changed in out_root/<name>) when something
    other than owner's output is there, or the disk refuses.
    """
    target = out_root / name
    check_target(out_root, name, owner)  # before writing anything; again when switching
    entries: list[tuple[str, Source]] = [*files, (MARKER, owner.marker())]
    digest = hashlib.sha256()
    for file_name, source in entries:
        digest.update(f"{file_name}\0{_sha256(source)}\n".encode())
    if manifest is not None:  # its folder name comes from this digest: the rest of it goes in
        digest.update(f"{MANIFEST}\0{hashlib.sha256(manifest('')).hexdigest()}\n".encode())
    final = out_root / f".{name}-{digest.hexdigest()[:12]}"
    if manifest is not None:
        entries.append((MANIFEST, manifest(final.name)))
    trash: list[Path] = []
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        staging, handle = _temporary(out_root, f".{name}{_TEMPORARY}")
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; an edition is for sharing
            for file_name, source in entries:
                _place(staging / file_name, source)
            with _locked(out_root):
                check_target(out_root, name, owner)
                if final.exists() and _same_files(final, staging):
                    shutil.rmtree(staging)  # the same edition is already there, byte for byte
                else:
                    if final.exists():
                        # Remains of an edition whose removal was interrupted (or tampered with):
                        # never point out/<name> at them.
                        trash.append(_to_trash(final))
                    staging.rename(final)
                _switch(target, final.name)
                trash += _old_editions(out_root, name, owner, keep=final.name)
                trash += _sweep(out_root)
        finally:
            try:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
            finally:
                os.close(handle)
        _remove(trash)
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    return target


def _sha256(source: Source) -> str:
    return hashlib.sha256(source).hexdigest() if isinstance(source, bytes) else source[1]


def _place(path: Path, source: Source) -> None:
    """A file in the staging folder: written from bytes, or linked to a finished file."""
    if isinstance(source, bytes):
        _write(path, source)
        return
    finished, _ = source
    try:
        os.link(finished, path)  # the same file under a second name: nothing copied
    except OSError:
        _write(path, finished.read_bytes())  # another file system, or one without hard links
    else:
        _sync(path)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _sync(path: Path) -> None:
    """Make sure a linked file's bytes are on the disk before the edition that holds it is."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def _locked(out_root: Path) -> Iterator[None]:
    """Hold the lock of the output folder: the folder itself, so that no lock file is left in it,
    none can be a pipe that hangs the build, nor a link that leads elsewhere."""
    handle = os.open(out_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # and with it the lock


def _switch(target: Path, folder_name: str) -> None:
    """Point target at folder_name with one rename: atomic for anyone reading target.

    Called with the output folder locked, once check_target has found target free or owned.
    """
    link = target.with_name(f".{target.name}{_LINK}{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    link.symlink_to(folder_name)
    os.replace(link, target)


def _same_files(published: Path, staged: Path) -> bool:
    """Whether a published folder holds exactly the staged files, byte for byte."""
    names = sorted(os.listdir(staged))
    if sorted(os.listdir(published)) != names:
        return False
    for name in names:
        theirs, ours = published / name, staged / name
        if not theirs.is_file() or theirs.stat().st_size != ours.stat().st_size:
            return False
        if not filecmp.cmp(theirs, ours, shallow=False):
            return False
    return True


def _to_trash(path: Path) -> Path:
    """Rename a folder to a trash name in one step, so that it never exists half-deleted under its
    own name: a kill during its deletion leaves only trash, which the next command removes."""
    trash = path.with_name(f"{path.name}{_TRASH}{os.getpid()}-{time.monotonic_ns()}")
    path.rename(trash)
    return trash


def _remove(trash: Sequence[Path]) -> None:
    for path in trash:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def _old_editions(out_root: Path, name: str, owner: Owner, keep: str) -> list[Path]:
    """The folders of owner's earlier output under out/<name>, moved to trash (the lock held)."""
    published = _published_name(name)
    trash = []
    with os.scandir(out_root) as entries:
        found = list(entries)
    for entry in found:
        if entry.name == keep or not published.fullmatch(entry.name):
            continue
        if not entry.is_dir(follow_symlinks=False) or owner_of(Path(entry.path), name) != owner:
            continue  # another guide's or another kind's (their names can meet): never ours to remove
        with contextlib.suppress(OSError):
            trash.append(_to_trash(Path(entry.path)))
    return trash


# What guide leaves in an output folder only while it runs, by name: a name (guide ids and file
# names are made of these characters), a '+' (which they never hold), then mkdtemp's suffix, a
# pid and a time, or a pid.
_NAME = r"\.[A-Za-z0-9][A-Za-z0-9._-]*"
_LEFTOVER_TEMPORARY = re.compile(rf"{_NAME}\+tmp-(?:work-)?[a-z0-9_]{{8}}\Z")
_LEFTOVER_TRASH = re.compile(rf"{_NAME}(?:\+tmp-(?:work-)?[a-z0-9_]{{8}})?\+old-\d+-\d+\Z")
_LEFTOVER_LINK = re.compile(rf"{_NAME}\+link-\d+\Z")
_OLD_LOCK = re.compile(r"\.([A-Za-z0-9][A-Za-z0-9._-]*)\.lock\Z")  # the lock files of guide 0.1


def _sweep(out_root: Path) -> list[Path]:
    """What killed commands left in out_root, made trash (or removed): to call with the lock held.

    A temporary folder whose lock is free belongs to a process that is gone; a link being made
    (between its making and its rename, done with the lock held) is a killed one's; trash is
    always left over. Returns the trash, to delete once the lock is released.
    """
    trash = []
    with os.scandir(out_root) as entries:
        found = list(entries)
    for entry in found:
        name = entry.name
        if not name.startswith("."):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            old_lock = _OLD_LOCK.fullmatch(name)
            if _LEFTOVER_LINK.fullmatch(name) and entry.is_symlink():
                path.unlink()
            elif old_lock and entry.is_file(follow_symlinks=False):
                # Empty, and beside the output it guarded: the lock file an earlier guide made.
                beside = out_root / old_lock[1]
                published = beside.is_symlink() and _published_name(old_lock[1]).fullmatch(
                    os.readlink(beside)
                )
                if published and entry.stat(follow_symlinks=False).st_size == 0:
                    path.unlink()
            elif entry.is_symlink() or not (
                entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)
            ):
                continue  # never a pipe or device, whatever its name: opening one could hang
            elif _LEFTOVER_TRASH.fullmatch(name):
                trash.append(path)
            elif _LEFTOVER_TEMPORARY.fullmatch(name) and _abandoned(path):
                trash.append(_to_trash(path))
    return trash


def _abandoned(path: Path) -> bool:
    """Whether a temporary folder's (or file's) lock is free: the process that made it is gone."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(handle)
    return True
