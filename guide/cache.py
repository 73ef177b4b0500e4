"""Results kept between builds: what is slow to make and depends on nothing but its input.

A typeset formula takes ziamath 20–100 ms (and 0.5 s to load), a drawn SVG figure about 50 ms:
a guide with a few dozen of them would spend seconds on each build remaking the same forms. Each
result is kept as one small JSON file named by a digest of everything that made it: the input,
the source of the guide modules that make it, and the versions of the libraries they call. A
change to any of them is a new name, so an entry is never stale, only unused.

The folder is $GUIDE_CACHE_DIR, else $XDG_CACHE_HOME/guide, else ~/.cache/guide; an empty
GUIDE_CACHE_DIR turns the cache off. The cache is only ever a shortcut: an entry missing,
unreadable or damaged is made again, and a folder that cannot be written is no cache (the build
goes on, a little slower). Entries are written to a temporary file of their own and renamed into
place, so a build interrupted or run twice at once never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

ENV = "GUIDE_CACHE_DIR"


def folder() -> Path | None:
    """Where entries are kept, or None if the cache is off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "guide"


@cache
def maker(modules: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """A digest of what makes an entry: the source of guide's own files (paths) and the versions
    of the libraries (distribution names) that make it."""
    digest = hashlib.sha256()
    for path in modules:
        digest.update(Path(path).read_bytes())
    for name in libraries:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}: none".encode())
    return digest.hexdigest()


def _path(kind: str, made_by: str, key: Iterable[str | bytes]) -> Path | None:
    where = folder()
    if where is None:
        return None
    digest = hashlib.sha256(made_by.encode())
    for part in key:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))  # ("ab", "c") and ("a", "bc") differ
        digest.update(data)
    return where / kind / f"{digest.hexdigest()[:40]}.json"


def get(kind: str, made_by: str, key: Iterable[str | bytes]) -> dict[str, Any] | None:
    """The entry kept for a key, or None (no entry, no cache, or one that does not read)."""
    path = _path(kind, made_by, key)
    if path is None:
        return None
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def put(kind: str, made_by: str, key: Iterable[str | bytes], value: dict[str, Any]) -> None:
    """Keep an entry for a key; nothing happens if it cannot be written."""
    path = _path(kind, made_by, key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out, separators=(",", ":"))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return
