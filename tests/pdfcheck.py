"""Turn built PDF files back into plain data for tests: text, labels, outline, links, fonts, pictures.

Two independent readers: pypdf (outline, annotations, labels, fonts, the object graph) and
pypdfium2 (text, text in a rectangle, links through PDFium's own resolver, pictures); where
both can answer, tests ask both. Text is compared after collapsing whitespace: readers differ
in where they break lines, and ReportLab's deferred numbers (page counts, page references)
are forms, drawn after the text around them.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

MM = 72 / 25.4
BASE14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}  # fmt: skip
HEADING = re.compile(r"\bQUESTION (\d+)\b")
# "of N" is a separate form: readers may put a space after the part's prefix ("of A- 15").
FOOTER = re.compile(r"\bPage ((?:[A-Z]-)?\w+) of ((?:[A-Z]- ?)?\w+)")

Rect = tuple[float, float, float, float]  # left, bottom, right, top


def pdf_dict(obj: object) -> DictionaryObject:
    """A PDF object (or a reference to one) as the dictionary it must be.

    pypdf types what a dictionary holds as bare PdfObjects: tests read nested entries through
    this, which also checks that each level is a dictionary."""
    if isinstance(obj, IndirectObject):
        obj = obj.get_object()
    assert isinstance(obj, DictionaryObject), f"expected a PDF dictionary, got {type(obj).__name__}"
    return obj


def pdf_array(obj: object) -> ArrayObject:
    """A PDF object (or a reference to one) as the array it must be."""
    if isinstance(obj, IndirectObject):
        obj = obj.get_object()
    assert isinstance(obj, ArrayObject), f"expected a PDF array, got {type(obj).__name__}"
    return obj


def pdf_str(obj: object) -> str:
    """A PDF string or name (both are str in pypdf) as the str it must be."""
    if isinstance(obj, IndirectObject):
        obj = obj.get_object()
    assert isinstance(obj, str), f"expected a PDF string or name, got {type(obj).__name__}"
    return obj


def object_number(obj: PdfObject) -> int:
    """The number of the indirect object that obj was read from (a page, an annotation, …)."""
    ref = obj.indirect_reference
    assert ref is not None, f"{type(obj).__name__} was not read from an indirect object"
    return ref.idnum


def norm(value: str) -> str:
    """Text as compared: NFC, every run of whitespace one space, no space at either end."""
    # PDFium reports a hyphen that ends a line as U+FFFE (as \x02 in bounded text): a word
    # hyphenated there reads whole.
    return " ".join(unicodedata.normalize("NFC", re.sub("[\ufffe\x02]\\s*", "", value)).split())


def holds(text: str, passage: str) -> bool:
    """Whether `text` (as norm gives it) holds `passage`, a hyphen between two letters of it
    perhaps missing: a compound may end a line after its own hyphen ('over-' / 'parameterised'),
    and PDFium reads every hyphen that ends a line between letters as a word hyphenated there."""
    parts = re.split(r"(?<=\w)-(?=\w)", passage)
    if len(parts) == 1:
        return passage in text
    return re.search("-?".join(map(re.escape, parts)), text) is not None


def roman(number: int) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = []
    for value, numeral in numerals:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


@dataclass(frozen=True)
class OutlineItem:
    level: int
    title: str
    page: int | None


@dataclass(frozen=True)
class Link:
    """A link annotation: where it sits, and where it goes (a page of this file, or of another file)."""

    page: int
    rect: Rect
    target: int | None  # page index, in this file or (with file) in that file
    file: str | None = None
    uri: str | None = None
    top: float | None = None  # the /XYZ top of the destination, when given

    @property
    def key(self) -> tuple[object, ...]:
        """What two readers must agree on: page, rectangle (to 0.1 pt), target file and page."""
        return (self.page, self.file, self.target, *(round(v, 1) for v in self.rect))


class Pdf:
    """One PDF file, parsed once; every view of it computed on first use."""

    def __init__(self, path: Path, frame: Rect) -> None:
        self.path = path
        self.frame = frame  # where the text column is: the running head and footer are outside it
        self.data = path.read_bytes()
        self.reader = PdfReader(path)

    def __len__(self) -> int:
        return len(self.reader.pages)

    # --- text ---------------------------------------------------------------------------------

    @cached_property
    def texts(self) -> list[str]:
        """Each page's text as PDFium extracts it (in drawing order), whitespace collapsed."""
        with _open(self.path) as pdf:
            return [norm(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]

    @cached_property
    def text(self) -> str:
        return " ".join(self.texts)

    @cached_property
    def pypdf_texts(self) -> list[str]:
        """Each page's text as pypdf extracts it (twenty times slower), whitespace collapsed, a
        word hyphenated at a line's end read whole (as PDFium reads it)."""
        return [norm(re.sub(r"(?<=\w)-\n(?=\w)", "", page.extract_text())) for page in self.reader.pages]

    @cached_property
    def frame_texts(self) -> list[str]:
        """Each page's text inside the text column (PDFium), without running head and footer."""
        return self.text_in([(i, self.frame) for i in range(len(self))])

    @cached_property
    def frame_text(self) -> str:
        """The text column of every page, in order: a paragraph split across pages reads as one."""
        return " ".join(self.frame_texts)

    def text_in(self, rects: list[tuple[int, Rect]]) -> list[str]:
        """The text PDFium finds inside each (page index, rectangle), whitespace collapsed."""
        out = []
        with _open(self.path) as pdf:
            pages: dict[int, Any] = {}
            for index, (left, bottom, right, top) in rects:
                if index not in pages:
                    pages[index] = pdf[index].get_textpage()
                out.append(norm(pages[index].get_text_bounded(left, bottom, right, top)))
        return out

    def glyphs(self, index: int, rect: Rect) -> list[tuple[str, float, float]]:
        """Each visible character whose box centre lies in rect on a page: (character, left, right)."""
        with _open(self.path) as pdf:
            textpage = pdf[index].get_textpage()
            out = []
            for i in range(textpage.count_chars()):
                char = textpage.get_text_range(i, 1)
                left, bottom, right, top = textpage.get_charbox(i)
                x, y = (left + right) / 2, (bottom + top) / 2
                if char.strip() and rect[0] <= x <= rect[2] and rect[1] <= y <= rect[3]:
                    out.append((char, left, right))
            return out

    @cached_property
    def headings(self) -> dict[int, int]:
        """Question number → index of the page that prints its heading 'QUESTION n' (exactly once)."""
        return self.headings_in(range(len(self)))

    def headings_in(self, pages: range) -> dict[int, int]:
        """Question number → index of the page among pages that prints its heading (exactly once there)."""
        found: dict[int, list[int]] = {}
        for index in pages:
            for match in HEADING.finditer(self.texts[index]):
                found.setdefault(int(match.group(1)), []).append(index)
        dupes = {n: pages for n, pages in found.items() if len(pages) != 1}
        assert not dupes, f"{self.path.name}: headings printed more than once: {dupes}"
        return {n: pages[0] for n, pages in found.items()}

    # --- structure ----------------------------------------------------------------------------

    @cached_property
    def labels(self) -> list[str]:
        return list(self.reader.page_labels)

    @cached_property
    def page_of_object(self) -> dict[int, int]:
        return {object_number(page): i for i, page in enumerate(self.reader.pages)}

    @cached_property
    def outline(self) -> list[OutlineItem]:
        """The outline, depth first, each item with its level and the page it opens."""
        out: list[OutlineItem] = []

        def walk(items: list[Any], level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    out.append(OutlineItem(level, item.title, self.reader.get_destination_page_number(item)))

        walk(self.reader.outline, 0)
        return out

    @cached_property
    def pdfium_outline(self) -> list[OutlineItem]:
        with _open(self.path) as pdf:
            out = []
            for mark in pdf.get_toc():
                dest = mark.get_dest()
                out.append(OutlineItem(mark.level, mark.get_title(), dest.get_index() if dest else None))
            return out

    @cached_property
    def links(self) -> list[Link]:
        """Every link annotation, its destination resolved by pypdf's object graph."""
        out = []
        for index, page in enumerate(self.reader.pages):
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                if annot.get("/Subtype") != "/Link":
                    continue
                rect = tuple(float(v) for v in annot["/Rect"])
                left, bottom, right, top = rect
                box = (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
                out.append(self._link(index, box, annot))
        return out

    def _link(self, index: int, rect: Rect, annot: DictionaryObject) -> Link:
        dest = annot.get("/Dest")
        action = annot.get("/A")
        action = action.get_object() if action is not None else None
        if dest is None and action is not None:
            kind = action.get("/S")
            if kind == "/URI":
                return Link(index, rect, None, uri=str(action["/URI"]))
            if kind == "/GoToR":
                remote = action["/D"]
                assert isinstance(remote, ArrayObject), f"remote destination is not explicit: {remote!r}"
                return Link(index, rect, int(remote[0]), file=str(action["/F"]), top=_top(remote))
            assert kind == "/GoTo", f"unexpected link action {kind}"
            dest = action["/D"]
        dest = dest.get_object() if isinstance(dest, IndirectObject) else dest
        if not isinstance(dest, ArrayObject):  # a named destination
            named = self.reader.named_destinations[str(dest)]
            return Link(index, rect, self.reader.get_destination_page_number(named))
        page_ref = dest[0]
        assert isinstance(page_ref, IndirectObject), f"local destination by index, not page: {dest!r}"
        return Link(index, rect, self.page_of_object.get(page_ref.idnum), top=_top(dest))

    @cached_property
    def pdfium_links(self) -> list[Link]:
        """Every link, resolved by PDFium's raw API: an independent reader of the same annotations."""
        out = []
        with _open(self.path) as pdf:
            for index in range(len(pdf)):
                page = pdf[index]
                pos, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
                while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(pos), ctypes.byref(link)):
                    r = pdfium_c.FS_RECTF()
                    assert pdfium_c.FPDFLink_GetAnnotRect(link, ctypes.byref(r))
                    rect = (r.left, r.bottom, r.right, r.top)
                    file = None
                    action = pdfium_c.FPDFLink_GetAction(link)
                    if action:
                        kind = pdfium_c.FPDFAction_GetType(action)
                        if kind == pdfium_c.PDFACTION_REMOTEGOTO:
                            file = _pdfium_string(pdfium_c.FPDFAction_GetFilePath, action)
                        elif kind == pdfium_c.PDFACTION_URI:
                            uri = _pdfium_bytes(pdfium_c.FPDFAction_GetURIPath, pdf.raw, action)
                            out.append(Link(index, rect, None, uri=uri.decode("latin-1")))
                            continue
                        dest = pdfium_c.FPDFAction_GetDest(pdf.raw, action)
                    else:
                        dest = pdfium_c.FPDFLink_GetDest(pdf.raw, link)
                    target = pdfium_c.FPDFDest_GetDestPageIndex(pdf.raw, dest) if dest else -1
                    out.append(Link(index, rect, None if target < 0 else target, file=file))
        return out

    def fonts(self) -> Iterator[tuple[str, DictionaryObject]]:
        """Every font in every resource dictionary, pages and the forms they draw, at any depth."""
        seen: set[int] = set()
        stack: list[Any] = [page.get("/Resources") for page in self.reader.pages]
        while stack:
            resources = stack.pop()
            if resources is None:
                continue
            if isinstance(resources, IndirectObject):
                if resources.idnum in seen:
                    continue
                seen.add(resources.idnum)
            resources = pdf_dict(resources)
            for ref in pdf_dict(resources.get("/Font") or DictionaryObject()).values():
                font = pdf_dict(ref)
                yield str(font.get("/BaseFont", "")), font
                for descendant in font.get("/DescendantFonts") or []:
                    sub = descendant.get_object()
                    yield str(sub.get("/BaseFont", "")), sub
            for ref in pdf_dict(resources.get("/XObject") or DictionaryObject()).values():
                xobject = ref.get_object()
                if xobject.get("/Subtype") == "/Form":
                    inner = xobject.get("/Resources")
                    if inner is not None:
                        stack.append(inner)

    def strings(self) -> Iterator[str]:
        """Every string and name in the file's object graph, reached from the trailer."""
        seen: set[int] = set()
        stack: list[PdfObject] = [self.reader.trailer]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                if obj.idnum in seen:
                    continue
                seen.add(obj.idnum)
                resolved = obj.get_object()
                if resolved is None:  # a reference to no object: nothing to read there
                    continue
                obj = resolved
            if isinstance(obj, TextStringObject | ByteStringObject | NameObject):
                yield obj.decode("latin-1") if isinstance(obj, bytes) else str(obj)
            elif isinstance(obj, DictionaryObject | StreamObject):
                for key, value in obj.items():
                    yield str(key)
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)

    def render(self, indices: list[int], scale: float) -> list[Image.Image]:
        """Pictures of some pages, in grayscale, at scale × 72 dpi."""
        with _open(self.path) as pdf:
            return [pdf[i].render(scale=scale, grayscale=True).to_pil().convert("L") for i in indices]


class _open:
    """A PDFium document that is closed on leaving the block."""

    def __init__(self, path: Path) -> None:
        self.pdf = pdfium.PdfDocument(path)

    def __enter__(self) -> pdfium.PdfDocument:
        return self.pdf

    def __exit__(self, *exc: object) -> None:
        self.pdf.close()


def _top(dest: ArrayObject) -> float | None:
    """The top of an /XYZ destination, when it gives one."""
    if len(dest) >= 4 and dest[1] == "/XYZ" and not isinstance(dest[3], NullObject):
        return float(dest[3])
    return None


def _pdfium_string(getter: Any, handle: Any) -> str:
    """A UTF-8 string from a PDFium getter of the (handle, buffer, length) kind."""
    size = getter(handle, None, 0)
    buffer = ctypes.create_string_buffer(size)
    getter(handle, buffer, size)
    return buffer.raw[: size - 1].decode("utf-8")


def _pdfium_bytes(getter: Any, doc: Any, handle: Any) -> bytes:
    size = getter(doc, handle, None, 0)
    buffer = ctypes.create_string_buffer(size)
    getter(doc, handle, buffer, size)
    return buffer.raw[: size - 1]


def ink_box(image: Image.Image, threshold: int = 200) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom in pixels) of everything darker than threshold."""
    mask = image.point(lambda v: 255 if v < threshold else 0)
    return mask.getbbox()


def overlaps(glyphs: list[tuple[str, float, float]], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of glyphs on one line that overlap by more than tolerance points: text drawn over text."""
    ordered = sorted(glyphs, key=lambda g: g[1])
    return [
        (a[0], b[0])
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if min(a[2], b[2]) - max(a[1], b[1]) > tolerance
    ]


def grey_at(image: Image.Image, xy: tuple[int, int]) -> int:
    """The value of one pixel of a greyscale ("L") image, 0 (black) to 255."""
    value = image.getpixel(xy)
    assert isinstance(value, int), f"not a greyscale pixel: {value!r}"
    return value


def colour_pixels(image: Image.Image) -> list[tuple[int, ...]]:
    """Every pixel of an image in colour (RGB, RGBA …), row by row, each a tuple of its bands."""
    out = []
    for pixel in image.get_flattened_data():
        assert isinstance(pixel, tuple), f"not a pixel in colour: {pixel!r}"
        out.append(pixel)
    return out


def dark_pixels(image: Image.Image, threshold: int = 200) -> int:
    return sum(image.point(lambda v: 1 if v < threshold else 0).histogram()[1:])


def expected_labels(front: int, body: int, prefix: str = "") -> list[str]:
    """Page labels of a part: roman for its front matter, then 1, 2 …, each with the part's prefix."""
    return [prefix + roman(i) for i in range(1, front + 1)] + [f"{prefix}{i}" for i in range(1, body + 1)]


def front_matter(pdf: Pdf) -> int:
    """How many pages come before the first page with a running footer 'Page … of …'."""
    for index, page_text in enumerate(pdf.texts):
        if FOOTER.search(page_text):
            return index
    raise AssertionError(f"{pdf.path.name}: no page has a footer")
