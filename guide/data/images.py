"""Find the files that images in a guide's texts name, safely: inside the guide folder, images only.

An image's source is a path relative to the guide's folder (`figures/bias-variance.svg`). It is
refused, and never read, when it is absolute, climbs out with `..`, names a scheme other than
http and https (`file:`, `data:`), leads out of the folder through a symbolic link, is missing,
is larger than MAX_IMAGE_BYTES, or is not a PNG, JPEG, GIF or SVG file that can be drawn (one
cut short or damaged, of more than MAX_PIXELS, or an SVG that svgcheck.py refuses). A web
address is never fetched: the image prints as its alt text, linked to the address.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from guide.data import text
from guide.data.nodes import found
from guide.files import Refused, read_regular

MAX_IMAGE_BYTES = 8 << 20  # 8 MiB: a photograph at print resolution, never a whole book's worth
# Decoded, a PNG of 8 MiB may hold billions of pixels (one colour compresses to almost nothing).
MAX_PIXELS = 50_000_000  # 50 million: 200 MB decoded; an A4 page at 600 dpi is 35 million
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
    return found(nodes, text.Image)


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


def locate(src: str, folder: Path, limit: int = MAX_IMAGE_BYTES, *, decode: bool = True) -> ImageFile | str:
    """The image file a local source names in a guide folder, read and checked (decoded whole, unless
    not `decode`: the layout, which decodes it, after validation did); or why it is refused."""
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
    if decode and kind == "svg":
        from guide.data import svgcheck

        why = svgcheck.refusal(data)
        if why is not None:
            return f"the image '{shown}' is an SVG guide will not read: {why}"
        why = svgcheck.problem(data)
        if why is not None:
            return f"the image '{shown}' cannot be drawn: {why}"
    elif decode:
        why = undecodable(data)
        if why is not None:
            return f"the image '{shown}' {why}"
    return ImageFile(src, Path(real), kind, hashlib.sha256(data).hexdigest())


def undecodable(data: bytes) -> str | None:
    """Why a PNG, JPEG or GIF file cannot be drawn, said for a message ("is …"); None if it can.

    The image is decoded whole, as the layout will decode it (a GIF's first frame), so that a
    file cut short or damaged is found here, at its place, rather than printed as its label.
    Only its size is read before: one of more than MAX_PIXELS is refused undecoded, since
    decoding it would take gigabytes.
    """
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS bounds it
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    return (
                        f"is {width:,} × {height:,} pixels, over the limit of {MAX_PIXELS // 1_000_000}"
                        " million; scale it down (a page printed at 300 dpi needs about 9 million)"
                    )
                if width == 0 or height == 0:
                    return "has no pixels (its width or height is 0)"
                opened.seek(0)
                if opened.format == "JPEG":
                    # Every part of the file is still read, its pixels decoded at an eighth of the size.
                    opened.draft(opened.mode, (max(width // 8, 1), max(height // 8, 1)))
                opened.load()
    except Image.DecompressionBombError:
        return f"is over the limit of {MAX_PIXELS // 1_000_000} million pixels; scale it down"
    except (OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:  # Pillow's ways of failing
        why = str(exc) or type(exc).__name__
        return f"is damaged and cannot be decoded ({why}); replace it with a whole copy"
    return None
