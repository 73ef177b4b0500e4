"""Pictures that pages place by name: raster images and forms (formulas, vector figures), made once.

A picture is registered here under a key made from a digest of its content, so the same image
or formula is one resource however often (and by whichever drawer) it is placed; draw.py
reports the ones its pages used, and the pdf writer embeds each once per file. Registered
pictures live as long as the process: a build's forked workers inherit those made before.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from guide.layout.page import FormData, ImageData

if TYPE_CHECKING:
    from PIL import Image

_registry: dict[str, ImageData | FormData] = {}


def key_of(kind: str, data: bytes) -> str:
    """A resource name from a digest of what it draws: "Im…" for an image, "Fm…" for a form."""
    return kind + hashlib.sha256(data).hexdigest()[:20]


def register(picture: ImageData | FormData) -> str:
    """Remember a picture by its key (the first one made under a key is kept); its key."""
    _registry.setdefault(picture.key, picture)
    return picture.key


def lookup(key: str) -> ImageData | FormData:
    """The picture registered under a key."""
    return _registry[key]


def form(content: str, bbox: tuple[float, float, float, float], opacities: Iterable[tuple[str, float]] = ()
         ) -> FormData:  # fmt: skip
    """A form of content operators, registered; named by its content."""
    data = content.encode("latin-1")
    shown = tuple(opacities)
    made = FormData(key_of("Fm", data + repr((bbox, shown)).encode()), bbox, data, shown)
    register(made)
    return made


def image(data: bytes) -> ImageData:
    """A raster image (PNG, JPEG, GIF: its first frame) decoded with Pillow, registered.

    A JPEG in RGB or greyscale is embedded as it is; anything else as Flate-compressed samples,
    its transparency as a soft mask. ValueError if Pillow cannot read it.
    """
    key = key_of("Im", data)
    found = _registry.get(key)
    if isinstance(found, ImageData):
        return found
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)  # a GIF's first frame
            kind = opened.format
            mode = opened.mode
            if kind == "JPEG" and mode in ("RGB", "L"):
                made = ImageData(key, opened.width, opened.height, 3 if mode == "RGB" else 1, data, jpeg=True)
                register(made)
                return made
            if mode == "I" or mode.startswith("I;16"):
                picture = _deep_grey(opened)
            else:
                picture = opened.convert("RGBA") if _has_alpha(opened) else opened.convert("RGB")
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's ways of saying it cannot read it
        raise ValueError(str(exc) or type(exc).__name__) from None
    alpha = None
    if picture.mode == "RGBA":
        channel = picture.getchannel("A")
        if channel.getextrema() != (255, 255):
            alpha = zlib.compress(channel.tobytes(), 6)
        picture = picture.convert("RGB")
    made = ImageData(key, picture.width, picture.height, 3, zlib.compress(picture.tobytes(), 6), alpha=alpha)
    register(made)
    return made


def _deep_grey(picture: Image.Image) -> Image.Image:
    """A 16-bit greyscale image (a PNG's I;16) as 8-bit RGB, or RGBA if a grey in it is transparent.

    Pillow's convert clips such samples to 255 rather than scaling them (mid-grey would print
    white): they are scaled from 0–65535 to 0–255 here.
    """
    from PIL import Image, ImageMath

    wide = picture.convert("I")
    grey = wide.point(lambda value: value * (1 / 257)).convert("L")
    clear = picture.info.get("transparency")
    if not isinstance(clear, int):
        return grey.convert("RGB")
    alpha = ImageMath.lambda_eval(lambda args: args["notequal"](args["a"], clear) * 255, a=wide)
    assert isinstance(alpha, Image.Image)
    out = grey.convert("RGBA")
    out.putalpha(alpha.convert("L"))
    return out


def _has_alpha(picture: object) -> bool:
    mode = getattr(picture, "mode", "")
    info = getattr(picture, "info", {})
    return mode in ("RGBA", "LA", "PA") or "transparency" in info


def number(value: float) -> str:
    """A coordinate as content operators write it: at most three decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
