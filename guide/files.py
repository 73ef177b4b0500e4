"""Read a file a user names into bytes, safely: a regular file only, bounded in size, links refused if asked.

A pipe, a terminal or a device named as an input (`--candidates /dev/zero`, a question file
that is a FIFO) would otherwise hang the command or fill its memory; so the file is looked at
before it is opened, opened without blocking, looked at again through the open handle (what was
checked is what is read), and read no further than its limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Literal

Why = Literal["folder", "special", "link", "large"]

_CHUNK = 1 << 20


class Refused(Exception):
    """A file not read, and why: a folder, a special file (pipe, device, socket), a link, too large."""

    def __init__(self, why: Why, size: int = 0) -> None:
        super().__init__(why)
        self.why: Why = why
        self.size = size  # for "large": the size found (at least limit + 1)


def read_regular(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; Refused or OSError when it cannot be read.

    With follow_links=False a path that is itself a symbolic link is refused, not followed.
    """
    info = os.stat(path) if follow_links else os.lstat(path)
    _check(info, limit)  # before opening: opening some devices does something
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links and os.path.islink(path):
            raise Refused("link") from None  # made a link since it was looked at
        raise
    try:
        _check(os.fstat(fd), limit)  # what is read is what was checked, whatever changed meanwhile
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while being read
                raise Refused("large", size)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _check(info: os.stat_result, limit: int) -> None:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise Refused("link")
    if stat.S_ISDIR(mode):
        raise Refused("folder")
    if not stat.S_ISREG(mode):
        raise Refused("special")
    if info.st_size > limit:
        raise Refused("large", info.st_size)
