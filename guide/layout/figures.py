"""Turn images in texts into figures: a picture centred on lines of its own, its alt text as caption.

The image is the file validation found in the guide folder (data/images.py), read again here:
a PNG, JPEG or GIF (its first frame) becomes an image resource, an SVG a form of vector
operators (svg.py), its text drawn in the guide's fonts. Each is made once per process and
embedded once per file. It is scaled to the text width at most and to fit a page, its aspect
ratio kept. A web address is never fetched: its alt text prints, linked to the address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple

from guide import cache as guide_cache
from guide.data import images, places, text
from guide.data.model import Guide
from guide.errors import Location, Problem
from guide.layout import page, pictures, svgtext
from guide.layout.blocks import Block, Out
from guide.layout.fonts import RegisteredFamily, chain, placeholder, register_family, register_theme
from guide.layout.kit import Kit, Style
from guide.layout.styles import Theme

PX = 0.75  # a raster image's pixel, in points (96 pixels an inch, as browsers show it)
_folder: list[Path] = [Path(".")]


def use_folder(folder: Path) -> None:
    """Read images from this guide folder (the layout of one guide at a time)."""
    _folder[0] = folder


class Made(NamedTuple):
    """An image ready to place: its key and natural size in points; for an SVG, what it holds that
    is not drawn, and the characters of its text that no font has."""

    key: str
    width: float
    height: float
    skipped: tuple[str, ...] = ()
    missing: str = ""


@cache
def _kind(src: str, folder: Path) -> str | None:
    """What image a local source names (png, jpeg, gif, svg); None if it cannot be read (validation
    said why)."""
    found = images.locate(src, folder, decode=False)
    return None if isinstance(found, str) else found.kind


_made: dict[tuple[object, ...], Made | None] = {}  # by source, folder, and fonts for an SVG


# What a drawn SVG depends on besides its bytes and the fonts its text is drawn in (named by
# their content): these files, and the libraries that shape and order its text.
_MADE_BY = (
    tuple(
        str(Path(__file__).with_name(name))
        for name in ("figures.py", "svg.py", "svgtext.py", "pictures.py", "spans.py", "visual.py",
                     "direction.py", "shaping.py")
    ),
    ("fonttools", "uharfbuzz", "python-bidi"),
)  # fmt: skip
_vectors: dict[tuple[str, object], Made | None] = {}


def text_fonts(theme: Theme, chars: Iterable[str]) -> svgtext.TextFonts:
    """The chains of families an SVG's text is drawn in: the theme's sans, serif and monospace
    families (its body's where it has none of that name), each followed by every other family that
    the characters need, in the theme's fallback order, as the guide's own text is."""
    families = dict(register_theme(theme, chars))
    body = theme.styles["body"].font if "body" in theme.styles else next(iter(theme.families))
    out: dict[str, tuple[RegisteredFamily, ...]] = {}
    for kind in ("sans", "serif", "mono"):
        name = kind if kind in theme.families else ("sans" if "sans" in theme.families else body)
        if name not in families:
            families[name] = register_family(theme.families[name])
        own = chain(theme, families, name)
        out[kind] = (*own, *(f for f in families.values() if f not in own))
    return out


def _vector(data: bytes, theme: Theme) -> Made | None:
    """An SVG drawn as a form, its text in the theme's fonts, made once per process and kept between
    builds (cache.py); None if it is refused."""
    memo = (hashlib.sha256(data).hexdigest(), _fonts_key(theme))
    if memo in _vectors:
        return _vectors[memo]
    from guide.layout import svg

    try:
        root = svg.parse(data)
    except svg.Refused:
        _vectors[memo] = None
        return None
    fonts = text_fonts(theme, svgtext.characters(root))
    # The fonts by their content (a face's name holds a digest of its file).
    faces = " ".join(
        f"{kind}:{f.regular},{f.bold},{f.italic},{f.bold_italic}"
        for kind, found in fonts.items()
        for f in found
    )
    made_by = guide_cache.maker(*_MADE_BY)
    kept = guide_cache.get("figures", made_by, (data, faces))
    made: Made | None = None
    if kept is not None:
        try:
            opacities = [(str(name), float(value)) for name, value in kept["opacities"]]
            bbox = (0.0, 0.0, float(kept["width"]), float(kept["height"]))
            form = pictures.form(kept["content"], bbox, opacities)
            skipped = tuple(str(what) for what in kept["skipped"])
            made = Made(form.key, bbox[2], bbox[3], skipped, str(kept["missing"]))
        except (KeyError, TypeError, ValueError, UnicodeEncodeError):
            pass  # an entry of another shape: made again
    if made is None:
        drawing = svg.draw(root, fonts)
        form = pictures.form(drawing.content, (0.0, 0.0, drawing.width, drawing.height), drawing.opacities)
        skipped, missing = tuple(sorted(drawing.skipped)), "".join(sorted(drawing.missing))
        entry = {
            "content": drawing.content,
            "width": drawing.width,
            "height": drawing.height,
            "opacities": [list(pair) for pair in drawing.opacities],
            "skipped": list(skipped),
            "missing": missing,
        }
        guide_cache.put("figures", made_by, (data, faces), entry)
        made = Made(form.key, drawing.width, drawing.height, skipped, missing)
    _vectors[memo] = made
    return made


def made(src: str, theme: Theme) -> Made | None:
    """The image a local source names, made once (an SVG's text in the theme's fonts); None if it
    cannot be (validation said why)."""
    folder = _folder[0]
    kind = _kind(src, folder)
    if kind is None:
        return None
    key: tuple[object, ...] = (src, folder, _fonts_key(theme) if kind == "svg" else None)
    if key in _made:
        return _made[key]
    found = images.locate(src, folder, decode=False)
    result: Made | None = None
    if not isinstance(found, str):
        data = found.path.read_bytes()
        if images.kind_of(data) != kind:
            result = None
        elif kind == "svg":
            result = _vector(data, theme)
        else:
            try:
                picture = pictures.image(data)
                result = Made(picture.key, picture.width * PX, picture.height * PX)
            except ValueError:
                result = None
    _made[key] = result
    return result


def _fonts_key(theme: Theme) -> object:
    """What of a theme an SVG's drawing depends on: its fonts."""
    return (tuple(theme.families.items()), theme.fallback, theme.styles.get("body"))


def problems(guide: Guide, theme: Theme) -> list[Problem]:
    """A warning for each SVG figure of the guide that holds what guide does not draw (text on a
    path, filters …) or text no font has, where it is first shown; each figure is drawn here once,
    for the layout to use."""
    use_folder(guide.root)
    found: list[Problem] = []
    seen: set[str] = set()

    def check(value: str, start: Location, owner: str) -> None:
        for image in images.images(text.parse(value)):
            if image.src in seen or images.is_remote(image.src):
                continue
            seen.add(image.src)
            if _kind(image.src, guide.root) != "svg":
                continue  # a raster image is decoded where it is laid out
            drawn = made(image.src, theme)
            if drawn is not None and (drawn.skipped or drawn.missing):
                found.append(_warning(places.place(start, value, image.at), owner, image, drawn))

    if guide.format == "markdown" and images.may_hold_images(guide.description):
        check(guide.description, guide.description_location, "the guide's description")
    for topic in guide.topics:
        for q in topic.questions:
            if q.format != "markdown":
                continue
            for name, where, value in q.texts():
                if name in ("tags", "title") or not images.may_hold_images(value):
                    continue
                listed = name in ("key_points", "follow_ups")
                for number, item in enumerate(q.items(name) if listed else (value,)):
                    start = places.item(where, number) if listed else where
                    check(item, start, f"question '{q.id}', {name.replace('_', ' ')}")
    return found


def _warning(where: Location, owner: str, image: text.Image, drawn: Made) -> Problem:
    shown = image.src if len(image.src) <= 80 else image.src[:79] + "…"
    said = []
    if drawn.skipped:
        said.append(f"it holds what guide does not draw: {', '.join(drawn.skipped)}")
    if drawn.missing:
        codes = ", ".join(placeholder(c) for c in drawn.missing[:8]) + (
            ", …" if len(drawn.missing) > 8 else ""
        )
        said.append(
            f"its text has characters no font of the style has, printed as {codes}; add a font that has"
            " them to the style's 'fonts:' and 'fallback:'"
        )
    return Problem(
        where,
        f"{owner}: the image '{shown}' is not drawn whole: {'; '.join(said)}",
        "warning",
        group="figures not drawn whole",
    )


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
    found = made(node.src, kit.theme)
    if found is None:
        return None
    return Figure(found, node.alt, kit, caption_style(kit), indent)
