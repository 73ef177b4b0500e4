"""The page model: a laid-out page as typed items at their positions, and what drawing them needs.

Layout turns each part into Pages (pager.py); draw.py turns a page's items into PDF content
with ReportLab's fonts; the pdf package writes the files. Nothing here draws or knows ReportLab:
tests read pages as data, the way WeasyPrint's tests read boxes.

Positions are in PDF points from the page's bottom left corner. A number known only once both
parts are laid out (a folio, the page of an answer, a contents number) stands in its page as a
placeholder item (PageRef, ContentsNumber, Footer, Watermark); finish.py resolves each into
ordinary items once every page of both parts is numbered.

A new kind of content (an image, a formula) is a new item type here, its drawing in draw.py,
and what it needs in Resources (its bytes, for the writer to embed once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Colour = tuple[float, float, float]  # red, green, blue, each 0 to 1
Rect = tuple[float, float, float, float]  # left, bottom, right, top
Part = Literal["study", "key", "interviewer"]  # the interviewer's packet is a part of its own
AnchorKind = Literal["question", "topic"]


class Anchor(NamedTuple):
    """A place that links, the outline and page references lead to: a question (its question in
    the study guide, its answer in the key) or a topic, by its number from 1."""

    kind: AnchorKind
    number: int


# --- what a page draws ---------------------------------------------------------------------------


class Glyphs(NamedTuple):
    """A run of text as HarfBuzz shaped it: glyphs by id, left to right as drawn.

    `advances` and `offsets` ((x, y) of each glyph from where it would stand, or None when all
    are 0) are in thousandths of an em; `texts` are what each glyph reads as when the text is
    copied: its cluster's characters on one glyph of each cluster (a conjunct, a letter with its
    marks), "" on the others; `clusters`, the cluster of each glyph (those of one cluster are
    side by side), by the index of its first character in the run's text.
    """

    ids: tuple[int, ...]
    advances: tuple[float, ...]
    offsets: tuple[tuple[float, float], ...] | None
    texts: tuple[str, ...]
    clusters: tuple[int, ...]

    @property
    def width(self) -> float:
        """The run's advance in thousandths of an em."""
        return sum(self.advances)


class Run(NamedTuple):
    """Text in one face, size and colour; `rise` lifts it above the baseline (a superscript).

    A shaped run (Arabic, Devanagari …) is drawn from its `glyphs`, `text` being its characters in
    logical order; `bold` asks for a bold drawn by stroking the outlines too, for a face that has
    no bold of its own (Chinese, Japanese).
    """

    face: str
    size: float
    colour: Colour
    text: str
    rise: float = 0.0
    glyphs: Glyphs | None = None
    bold: bool = False


class TextLine(NamedTuple):
    """A line of text: its runs drawn one after the other from (x, y), y being the baseline.

    `word_space` is added to every space (a justified line).
    """

    x: float
    y: float
    runs: tuple[Run, ...]
    word_space: float = 0.0


class Fill(NamedTuple):
    """A filled rectangle: a code background, a tinted box."""

    x: float
    y: float
    width: float
    height: float
    colour: Colour


class Rule(NamedTuple):
    """A straight line; `dash` is (on, off) for a dotted or dashed one."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    colour: Colour
    dash: tuple[float, float] | None = None


class Group(NamedTuple):
    """Items drawn moved, turned or scaled by `transform` (a PDF matrix a b c d e f), and seen
    through `opacity` (1: opaque)."""

    transform: tuple[float, float, float, float, float, float]
    items: tuple[Static, ...]
    opacity: float = 1.0


class Picture(NamedTuple):
    """A picture drawn from a resource (an image, or a form: a formula, a vector figure) in the box
    from (x, y) `width` wide and `height` high.

    `key` names it in Resources (the same picture, the same key, embedded once per file);
    `text` is what copying or searching it gives (a formula's source, an emoji's sequence, an
    image's alt text), set as invisible text in `face` over the box; `colour` is the fill of a
    form that draws in the text's colour (a formula).
    """

    x: float
    y: float
    width: float
    height: float
    key: str
    text: str = ""
    face: str = ""
    colour: Colour | None = None


class Shape(NamedTuple):
    """A vector path in page coordinates: `ops` are PDF path operators ("m", "l", "c", "re", "h")
    with their numbers, filled in `fill` and stroked in `stroke` `width` wide, if given."""

    ops: str
    fill: Colour | None
    stroke: Colour | None = None
    width: float = 1.0


Static = TextLine | Fill | Rule | Group | Picture | Shape  # what draw.py draws
STATIC = (TextLine, Fill, Rule, Group, Picture, Shape)


# --- what a page leads to, and where its anchors are ---------------------------------------------


class WebTarget(NamedTuple):
    """A web address (http, https or mailto: the only ones guide makes)."""

    address: str


class PlaceTarget(NamedTuple):
    """An anchor of this part or, if `other_part`, of the other part (in the same book, or in the
    file beside it)."""

    anchor: Anchor
    other_part: bool = False


class Link(NamedTuple):
    """A rectangle of the page that opens its target when clicked."""

    rect: Rect
    target: WebTarget | PlaceTarget


class Landing(NamedTuple):
    """Where an anchor landed on its page (the top left of what is there), and the title of its
    entry in the outline, if it has one."""

    anchor: Anchor
    x: float
    y: float
    outline: str | None = None


# --- placeholders, resolved once both parts are numbered ---------------------------------------------


class PageRef(NamedTuple):
    """The printed page of an anchor of `part` ("Answer: page A-7"), set in `style` from the
    theme's `label` template, its right edge at x (its left edge, in a right-to-left guide), on
    baseline y."""

    x: float
    y: float
    style: str
    anchor: Anchor
    part: Part
    label: str


class ContentsNumber(NamedTuple):
    """A contents entry's page number, its right edge at x on baseline y, with a dotted leader from
    `leader` (an x left of the number) up to it; in a right-to-left guide, its left edge at x and
    the leader from it to `leader`, right of it."""

    x: float
    y: float
    style: str
    anchor: Anchor
    leader: float


class Footer(NamedTuple):
    """The page's footer: its folio (and in the body, "Page 3 of 120" and the part's name)."""

    kind: Literal["front", "body"]


class Watermark(NamedTuple):
    """A candidate's name, light and diagonal across the page."""

    text: str


Placeholder = PageRef | ContentsNumber | Footer | Watermark
PLACEHOLDERS = (PageRef, ContentsNumber, Footer, Watermark)
Item = Static | Link | Landing | Placeholder


@dataclass(slots=True)
class Page:
    """One page as laid out: its items, in the order they are drawn."""

    items: list[Item] = field(default_factory=list)

    def add(self, item: Item) -> None:
        self.items.append(item)

    def of(self, kind: type[Item]) -> list[Item]:
        """The items of one kind, in order (for tests and the writer)."""
        return [item for item in self.items if isinstance(item, kind)]


# --- what drawing the pages needs: the fonts' subsets, transparency -----------------------------------


@dataclass(frozen=True)
class FaceMetrics:
    """A font's figures as a PDF font descriptor gives them (in 1/1000 em)."""

    ascent: float
    descent: float
    cap_height: float
    bbox: tuple[float, float, float, float]
    italic_angle: float
    stem_v: float
    flags: int
    missing_width: float


@dataclass(frozen=True)
class FontSubset:
    """One subset of a face (at most 256 glyphs) as pages use it, ready to embed.

    `resource` is its name in the pages' content ("F1+0"), `base_font` its PostScript name with
    a tag made from its glyphs ("ABCDEF+DejaVuSans"); code k draws a glyph `widths[k]` wide that
    reads as `texts[k]`: a character, or the characters of a shaped cluster ("क्ष").
    """

    resource: str
    base_font: str
    program: bytes  # the TrueType font of this subset
    texts: tuple[str, ...]
    widths: tuple[float, ...]
    metrics: FaceMetrics


@dataclass(frozen=True)
class ImageData:
    """A raster image ready to embed: `data` is its samples, Flate-compressed (or a JPEG file as
    it is, `jpeg`), `width` × `height` pixels of `components` (1 grey, 3 RGB) colour channels;
    `alpha` its transparency, Flate-compressed 8-bit samples, if it has any."""

    key: str
    width: int
    height: int
    components: int
    data: bytes
    jpeg: bool = False
    alpha: bytes | None = None


@dataclass(frozen=True)
class FormData:
    """A drawing made once and placed many times (a formula, a vector figure): its content
    operators in its own space, where `bbox` (left, bottom, right, top) holds it, and the
    transparency it sets, by name."""

    key: str
    bbox: tuple[float, float, float, float]
    content: bytes
    opacities: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Resources:
    """What the pages drawn by one drawer refer to: font subsets, transparency by name, and the
    images and forms they place (named by a digest of their content: the writer embeds each
    once per file, whichever drawer used it)."""

    fonts: tuple[FontSubset, ...]
    opacities: tuple[tuple[str, float], ...] = ()
    images: tuple[ImageData, ...] = ()
    forms: tuple[FormData, ...] = ()
