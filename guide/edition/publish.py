"""Turn a finished edition into files under output/<guide>/, atomically.

The files of an edition go into a fresh hidden folder, which is then put in place by
swapping a symbolic link: a reader of output/<guide>/ sees either the whole previous
edition or the whole new one, never a mix, a truncated PDF, or a manifest that does not
match its files, whenever the build is interrupted. A build makes its files beforehand in a
hidden work folder beside them (workspace()), so that publishing links them in rather than
copying a large edition.
"""

from __future__ import annotations

import contextlib
import fcntl
import filecmp
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from guide import __version__
from guide.data.model import Guide, Question
from guide.edition import changes
from guide.errors import GuideError, Location, Problem
from guide.layout import compose
from guide.pdf.assemble import Edition

STALE_SECONDS = 3600  # a temporary folder this old belongs to a build that died
# Temporary names join the guide id with '+', which no guide id contains: with '-', guide 'ml'
# took the editions of guide 'ml-tmp-notes' for its own stale temporary folders and deleted them.
_TEMPORARY = "+tmp-"
_TRASH = "+old-"  # an edition being deleted: renamed to this first, so it is never half there


def question_hash(q: Question) -> str:
    """A stable digest of a question's content, so scripts can tell what changed between editions."""
    return q.digest  # made when the question was read


def manifest(guide: Guide, edition: Edition, *, encrypted: Collection[str] = ()) -> dict[str, object]:
    """The manifest of an edition (a contract: users' scripts read it); `encrypted` names roles."""
    return {
        "guide": guide.id,
        "title": guide.title,
        "edition": guide.edition,
        "date": guide.date.isoformat() if guide.date else None,
        "questions": len(guide.questions),
        "generator": f"guide {__version__}",
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
        "question_titles": {q.id: compose.title(q.question) for q in guide.questions},
        "changes": changes.changes_json(guide.changes),
    }


def publish(guide: Guide, edition: Edition, out_root: Path, *, encrypted: Collection[str] = ()) -> Path:
    """Put the edition's files and manifest in out_root/<guide id>/ and return that path."""
    body = json.dumps(manifest(guide, edition, encrypted=encrypted), indent=2, ensure_ascii=False) + "\n"
    files: list[tuple[str, Source]] = [(f.name, (f.path, f.sha256)) for f in edition.files]
    return publish_folder(out_root, guide.id, [*files, ("manifest.json", body.encode())])


# A file's bytes, or a finished file to link in (copied across file systems) with its SHA-256,
# known from when it was written.
Source = bytes | tuple[Path, str]


@contextlib.contextmanager
def workspace(out_root: Path, name: str) -> Iterator[Path]:
    """A new hidden folder beside out_root/<name>, for the files of a build in the making.

    It is removed when the build ends, whichever way; one a killed build leaves behind is
    removed by a later build once it is stale. A folder that cannot be made, or a disk that
    fills, is a GuideError at out_root/<name>.
    """
    target = out_root / name
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f".{name}{_TEMPORARY}work-", dir=out_root))
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    try:
        yield folder
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _cannot_write(target: Path, exc: OSError) -> GuideError:
    reason = exc.strerror or str(exc)
    return GuideError([Problem(Location(str(target)), f"cannot write the output: {reason}")])


def publish_folder(out_root: Path, name: str, files: Sequence[tuple[str, Source]]) -> Path:
    """Put files in out_root/<name>/ all at once: a new hidden folder, then one switch of a link.

    Raises GuideError (nothing changed in out_root/<name>) when the disk refuses.
    """
    target = out_root / name
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}{_TEMPORARY}", dir=out_root))
        staging.chmod(0o755)  # mkdtemp makes it private; an edition is for sharing
        try:
            digest = hashlib.sha256()
            for file_name, source in files:
                _place(staging / file_name, source)
                sha256 = hashlib.sha256(source).hexdigest() if isinstance(source, bytes) else source[1]
                digest.update(f"{file_name}\0{sha256}\n".encode())
            final = out_root / f".{name}-{digest.hexdigest()[:12]}"
            with _lock(out_root / f".{name}.lock"):
                if final.exists() and _same_files(final, staging):
                    shutil.rmtree(staging)  # the same edition is already there, byte for byte
                else:
                    if final.exists():
                        # Remains of an edition whose removal was interrupted (or tampered with):
                        # never point out/<name> at them.
                        _discard(final)
                    staging.rename(final)
                _switch(target, final.name)
                _clean(out_root, name, keep=final.name)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    return target


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
def _lock(path: Path) -> Iterator[None]:
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _switch(target: Path, folder_name: str) -> None:
    """Point target at folder_name with one rename: atomic for anyone reading target."""
    if target.exists() and not target.is_symlink():
        # An output folder from before editions were published this way: move it aside once.
        target.rename(target.with_name(f".{target.name}-previous-{int(time.time())}"))
    link = target.with_name(f".{target.name}+link-{os.getpid()}")
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


def _discard(folder: Path) -> None:
    """Remove a folder so that it never exists half-deleted under its own name.

    It is first renamed to a trash name in one step, then deleted: a kill during the deletion
    leaves only trash, which the next build removes, and never a partial edition under a name
    that a later build of the same edition would take for complete.
    """
    trash = folder.with_name(f"{folder.name}{_TRASH}{os.getpid()}-{time.monotonic_ns()}")
    folder.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)


def _clean(out_root: Path, guide_id: str, keep: str) -> None:
    edition = re.compile(rf"\.{re.escape(guide_id)}-[0-9a-f]{{12}}\Z")
    trash = re.compile(rf"\.{re.escape(guide_id)}-[0-9a-f]{{12}}{re.escape(_TRASH)}")
    temporary = re.compile(rf"\.{re.escape(guide_id)}{re.escape(_TEMPORARY)}")
    now = time.time()
    for entry in out_root.iterdir():
        if entry.name == keep:
            continue
        if edition.match(entry.name):
            with contextlib.suppress(OSError):
                _discard(entry)
        elif trash.match(entry.name) or (
            temporary.match(entry.name) and now - entry.stat().st_mtime > STALE_SECONDS
        ):
            shutil.rmtree(entry, ignore_errors=True)
