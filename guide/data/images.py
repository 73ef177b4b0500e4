"""Find the files that images in a guide's texts name, safely: inside the guide folder, images only.

An image's source is a path relative to the guide's folder (`figures/bias-variance.svg`). It is
refused, and never read, when it is absolute, climbs out with `..`, names a scheme other than
http and https (`file:`, `data:`), leads out of the folder through a symbolic link, is missing,
is larger than MAX_IMAGE_BYTES, or is not a PNG, JPEG, GIF or SVG file. A web address is never
fetched: the image prints as its alt text, linked to the address.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from guide.data import text
from guide.data.nodes import CONTAINERS
from guide.files import Refused, read_regular

MAX_IMAGE_BYTES = 8 << 20  # 8 MiB: a photograph at print resolution, never a whole book's worth
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class ImageFile:
    """An image file a text names: its source as written, where it is, what it is, its digest."""

    src: str
    path: Path
    kind: str  # png, jpeg, gif or svg
    digest: str  # sha256 of its bytes


def is_remote(src: str) -> bool:
    """Whether an image's source is a web address (never fetched)."""
    return src.lower().startswith(("http://", "https://"))


def may_hold_images(value: str) -> bool:
    return "![" in value or "<img" in value.lower()


def images(nodes: Iterable[text.Node]) -> Iterator[text.Image]:
    """Every image in a tree, in order."""
    stack: list[object] = []
    stack.extend(reversed([*nodes]))
    while stack:
        node = stack.pop()
        if isinstance(node, text.Image):
            yield node
        elif isinstance(node, (text.Paragraph, text.Heading, text.Quote, *CONTAINERS)):
            stack.extend(reversed(node.children))
        elif isinstance(node, text.ListBlock):
            stack.extend(block for item in reversed(node.items) for block in reversed(item))
        elif isinstance(node, text.Table):
            stack.extend(run for row in reversed((node.header, *node.rows)) for cell in reversed(row)
                         for run in reversed(cell))  # fmt: skip


def kind_of(data: bytes) -> str | None:
    """What image a file holds, by its first bytes: png, jpeg, gif, svg; None if none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:65536].lower():
        return "svg"
    return None


def locate(src: str, folder: Path, limit: int = MAX_IMAGE_BYTES) -> ImageFile | str:
    """The image file a local source names in a guide folder, read and checked; or why it is refused."""
    shown = src if len(src) <= 80 else src[:79] + "…"
    path_text = unquote(src.split("#", 1)[0].split("?", 1)[0])
    if not path_text:
        return f"the image '{shown}' names no file"
    if _SCHEME.match(path_text) and not re.match(r"[A-Za-z]:[\\/]", path_text):
        return (
            f"the image '{shown}' is not a file in the guide folder (only its own files, or http and"
            " https addresses)"
        )
    pure = PurePosixPath(path_text.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"[A-Za-z]:[\\/]", path_text):
        return f"the image '{shown}' is an absolute path: write it relative to the guide folder"
    if ".." in pure.parts:
        return f"the image '{shown}' climbs out of the guide folder ('..'): guide reads only its own files"
    path = folder / Path(*pure.parts)
    real, root = os.path.realpath(path), os.path.realpath(folder)
    if not (real == root or real.startswith(root.rstrip(os.sep) + os.sep)):
        return (f"the image '{shown}' is a symbolic link leading out of the guide folder; copy the image into"
                " the folder instead")  # fmt: skip
    try:
        data = read_regular(Path(real), limit)
    except FileNotFoundError:
        return f"the image '{shown}' does not exist (looked for {path})"
    except Refused as refused:
        if refused.why == "large":
            most = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit:,} bytes"
            return f"the image '{shown}' is {refused.size:,} bytes, over the limit of {most}; shrink it"
        what = "a folder" if refused.why == "folder" else "a pipe or device"
        return f"the image '{shown}' is not a file ({what})"
    except OSError as exc:
        return f"the image '{shown}' cannot be read: {exc.strerror or exc}"
    kind = kind_of(data)
    if kind is None:
        return f"the image '{shown}' is not a PNG, JPEG, GIF or SVG file"
    if kind == "svg":
        from guide.data.svgcheck import refusal

        why = refusal(data)
        if why is not None:
            return f"the image '{shown}' is an SVG guide will not read: {why}"
    return ImageFile(src, Path(real), kind, hashlib.sha256(data).hexdigest())
