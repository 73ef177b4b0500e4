"""Turn images in texts into figures: a picture centred on lines of its own, its alt text as caption.

The image is the file validation found in the guide folder (data/images.py), read again here:
a PNG, JPEG or GIF (its first frame) becomes an image resource, an SVG a form of vector
operators (svg.py). Each is made once per process and embedded once per file. It is scaled to
the text width at most and to fit a page, its aspect ratio kept. A web address is never
fetched: its alt text prints, linked to the address.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

from guide import cache as guide_cache
from guide.data import images, text
from guide.layout import page, pictures
from guide.layout.blocks import Block, Out
from guide.layout.kit import Kit, Style
from guide.layout.styles import STYLES_DIR

PX = 0.75  # a raster image's pixel, in points (96 pixels an inch, as browsers show it)
_folder: list[Path] = [Path(".")]


def use_folder(folder: Path) -> None:
    """Read images from this guide folder (the layout of one guide at a time)."""
    _folder[0] = folder


class Made(NamedTuple):
    """An image ready to place: its key and natural size in points."""

    key: str
    width: float
    height: float


@cache
def _made(src: str, folder: Path) -> Made | None:
    found = images.locate(src, folder)
    if isinstance(found, str):
        return None
    data = found.path.read_bytes()
    if images.kind_of(data) != found.kind:
        return None
    if found.kind == "svg":
        return _vector(data)
    try:
        made = pictures.image(data)
    except ValueError:
        return None
    return Made(made.key, made.width * PX, made.height * PX)


# What a drawn SVG depends on besides its bytes: these files, and the fonts its text is drawn in.
_MADE_BY = (
    (
        *(str(Path(__file__).with_name(name)) for name in ("figures.py", "svg.py", "pictures.py")),
        str(STYLES_DIR / "fonts" / "DejaVuSans.ttf"),
        str(STYLES_DIR / "fonts" / "DejaVuSans-Bold.ttf"),
    ),
    (),
)


def _vector(data: bytes) -> Made | None:
    """An SVG drawn as a form, kept between builds (cache.py); None if it is refused."""
    made_by = guide_cache.maker(*_MADE_BY)
    kept = guide_cache.get("figures", made_by, (data,))
    if kept is not None:
        try:
            if kept.get("refused"):
                return None
            opacities = [(str(name), float(value)) for name, value in kept["opacities"]]
            bbox = (0.0, 0.0, float(kept["width"]), float(kept["height"]))
            form = pictures.form(kept["content"], bbox, opacities)
            return Made(form.key, bbox[2], bbox[3])
        except (KeyError, TypeError, ValueError, UnicodeEncodeError):
            pass  # an entry of another shape: made again
    from guide.layout import svg

    try:
        root = svg.parse(data)
    except svg.Refused:
        guide_cache.put("figures", made_by, (data,), {"refused": True})
        return None
    fonts = svg.sans_fonts(STYLES_DIR / "fonts")
    drawing = svg.draw(root, fonts)
    form = pictures.form(drawing.content, (0.0, 0.0, drawing.width, drawing.height), drawing.opacities)
    entry = {
        "content": drawing.content,
        "width": drawing.width,
        "height": drawing.height,
        "opacities": [list(pair) for pair in drawing.opacities],
    }
    guide_cache.put("figures", made_by, (data,), entry)
    return Made(form.key, drawing.width, drawing.height)


def made(src: str) -> Made | None:
    """The image a local source names, made once; None if it cannot be (validation said why)."""
    return _made(src, _folder[0])


class Figure(Block):
    """A picture centred in the width, at most as wide as it and as high as a page allows, with its
    caption (the alt text) under it."""

    def __init__(self, image: Made, alt: str, kit: Kit, caption: Style | None, indent: float = 0.0) -> None:
        self.image = image
        self.alt = alt
        self.indent = indent
        theme = kit.theme
        self.most = max(theme.paper[1] - theme.margins["top"] - theme.margins["bottom"] - 120.0, 72.0)
        self.face = kit.style("body").face
        self.caption = None
        if caption is not None and alt:
            from guide.layout.paragraph import Para
            from guide.layout.spans import plain

            self.caption = Para(plain(alt, caption), caption)
        self.space_before, self.space_after = 6.0, 8.0

    def _size(self, width: float) -> tuple[float, float]:
        w, h = self.image.width, self.image.height
        scale = min(1.0, max(width - self.indent, 1.0) / w, self.most / h)
        return w * scale, h * scale

    def measure(self, width: float) -> float:
        _, h = self._size(width)
        if self.caption is not None:
            h += 4.0 + self.caption.wrap(width - self.indent, 1e9)
        return h

    def draw(self, out: Out, x: float, y: float) -> None:
        w, h = self._size(self.width)
        room = self.width - self.indent
        left = x + self.indent + (room - w) / 2
        top = y + self.height
        # The caption is the image's text; without one, its alt text is, set invisibly over it.
        text = "" if self.caption is not None else self.alt
        out.add(page.Picture(left, top - h, w, h, self.image.key, text, self.face))
        if self.caption is not None:
            self.caption.wrap(room, 1e9)
            self.caption.draw(out, x + self.indent, top - h - 4.0 - self.caption.height)


def caption_style(kit: Kit) -> Style:
    """The style of a figure's caption: the theme's `caption`, else small text, centred and italic."""
    if "caption" in kit.styles:
        return kit.style("caption")
    return kit.derive("small", "caption", italic=True, alignment="center")


def block(node: text.Image, kit: Kit, indent: float = 0.0) -> Block | None:
    """A figure for a local image that can be drawn; None for one that cannot (it prints as its label)."""
    if images.is_remote(node.src):
        return None
    found = made(node.src)
    if found is None:
        return None
    return Figure(found, node.alt, kit, caption_style(kit), indent)
