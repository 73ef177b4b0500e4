"""Write a PDF as it is made, object by object, each object one of pypdf's generic objects.

pypdf's PdfWriter holds a whole book in memory (4.3 GB at 50,000 questions); this writer sends
each object to the file as soon as it is made and keeps only their offsets. Every object (pages,
annotations, outline entries, fonts, the metadata) is built from pypdf's generic objects and
serialised by pypdf, which knows PDF's escaping of strings and names; only the file's skeleton
(the header, each object's number, the cross-reference table and the trailer) is ours.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from guide.layout.page import FontSubset, FormData, ImageData, Rect, Resources


class Name(NameObject):
    """A PDF name whose bytes pypdf works out once, not at every write.

    pypdf 7.1 escapes a name character by character each time it is written (8 µs for /Type):
    a large book writes the same few names a million times.
    """

    _written: dict[str, bytes] = {}  # noqa: RUF012 (shared by every name, on purpose)

    def write_to_stream(self, stream: io.BytesIO) -> None:  # type: ignore[override]
        data = Name._written.get(self)
        if data is None:
            data = Name._written[self] = NameObject.renumber(self)
        stream.write(data)


def name(value: str) -> Name:
    """A PDF name, as /Type (the slash included)."""
    return Name(value)


def number(value: float) -> NumberObject | FloatObject:
    """A number as PDF writes it: whole numbers without a decimal point."""
    if value == int(value):
        return NumberObject(int(value))
    return FloatObject(round(value, 4))


def numbers(values: Iterable[float]) -> ArrayObject:
    return ArrayObject(number(v) for v in values)


def text(value: str) -> ByteStringObject:
    """A text string: PDFDocEncoding, or UTF-16 where it must (pypdf decides), written in hexadecimal.

    pypdf writes a literal string byte by byte, escaping every one that is not a letter or a
    digit (60 µs for an outline title); the same bytes in hexadecimal are one write, and mean
    the same to every reader.
    """
    if value.isascii() and value.isprintable():
        return ByteStringObject(value.encode("ascii"))  # PDFDocEncoding is ASCII there
    return ByteStringObject(TextStringObject(value).get_encoded_bytes())


def point(value: float, up: bool = False) -> NumberObject:
    """A position rounded to a whole point (down, or `up`): link boxes and destinations need no
    finer, and pypdf writes a whole number several times faster than a fraction."""
    return NumberObject(math.ceil(value - 1e-6) if up else math.floor(value + 1e-6))


def box(rect: Rect) -> ArrayObject:
    """A rectangle grown to whole points: a link's box still covers all of its text."""
    x1, y1, x2, y2 = rect
    return ArrayObject([point(x1), point(y1), point(x2, up=True), point(y2, up=True)])


def ref(number_: int) -> IndirectObject:
    return IndirectObject(number_, 0, None)


TYPE, SUBTYPE, PAGE, PARENT, MEDIABOX = (
    name("/Type"),
    name("/Subtype"),
    name("/Page"),
    name("/Parent"),
    name("/MediaBox"),
)
RESOURCES, CONTENTS, ANNOTS, ANNOT, LINK = (
    name("/Resources"), name("/Contents"), name("/Annots"), name("/Annot"), name("/Link")
)  # fmt: skip
RECT, BORDER, DEST, A, S, XYZ = (
    name("/Rect"),
    name("/Border"),
    name("/Dest"),
    name("/A"),
    name("/S"),
    name("/XYZ"),
)
FILTER, FLATE = name("/Filter"), name("/FlateDecode")
XREF_SLICE = 10_000  # cross-reference lines written at a time
NULL = NullObject()
_PLACED = re.compile(rb"/((?:Im|Fm)[0-9a-f]{20}) Do")
NO_BORDER = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0)])


class PdfFile:
    """A PDF written as it is made: objects go to the file at once, the cross-reference at the end.

    Object numbers are handed out by `allocate`, so that an object can refer to another written
    later (a page to its annotations, an outline entry to the next). Page k of the file is object
    `page_object(k)`, known from the start.
    """

    CATALOG, PAGES, INFO, OUTLINES = 1, 2, 3, 4

    def __init__(self, path: Path, pages: int, paper: tuple[float, float]) -> None:
        self.path = path
        self.file: BinaryIO = open(path, "wb")  # noqa: SIM115 (closed by __exit__)
        self.digest = hashlib.sha256()
        self.written = 0
        self.offsets = array("q", [0] * 5)  # object number → byte offset; 0: not written yet
        self.next_number = 5
        self.pages = pages
        self.first_page = self.next_number
        for _ in range(pages):
            self.allocate()
        self.media = numbers((0, 0, *paper))
        self.resources: dict[int, int] = {}  # a drawer's number → its resource dictionary's object
        # Images and forms by key (a digest of their content): both drawers' resource
        # dictionaries refer to one object, so each is embedded once per file.
        self.xobjects: dict[str, IndirectObject] = {}
        # A drawer's number → its XObject dictionary's object, and its pictures by key.
        self.pictures: dict[int, tuple[int, dict[str, ImageData | FormData]]] = {}
        self.placed: dict[int, set[str]] = {}  # a drawer's number → the keys its pages in this file placed
        self.picture_pages: list[int] = []  # the pages that place a picture, for the read-back
        self._buffer = io.BytesIO()
        self._raw(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()
        if exc[0] is not None:
            self.path.unlink(missing_ok=True)

    # --- the skeleton --------------------------------------------------------------------------------

    def _raw(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)
        self.written += len(data)

    def allocate(self) -> int:
        number_ = self.next_number
        self.next_number += 1
        self.offsets.append(0)
        return number_

    def write(self, number_: int, obj: PdfObject) -> None:
        """Write object `number_`: pypdf serialises it."""
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        obj.write_to_stream(buffer)
        self.offsets[number_] = self.written
        self._raw(b"%d 0 obj\n%s\nendobj\n" % (number_, buffer.getvalue()))

    def add(self, obj: PdfObject) -> IndirectObject:
        """Write an object under a new number; a reference to it."""
        number_ = self.allocate()
        self.write(number_, obj)
        return ref(number_)

    def stream(
        self,
        data: bytes,
        entries: dict[str, PdfObject] | None = None,
        *,
        compressed: bool = False,
        filter_name: str = "/FlateDecode",
    ) -> DecodedStreamObject:
        """A stream of `data`, Flate-compressed here unless it already is (or is a JPEG: DCTDecode)."""
        made = DecodedStreamObject()
        for key, value in (entries or {}).items():
            made[name(key)] = value
        made[FILTER] = FLATE if filter_name == "/FlateDecode" else name(filter_name)
        made.set_data(data if compressed else zlib.compress(data, 6))
        return made

    def page_object(self, index: int) -> int:
        """The object number of the page at `index` in the file."""
        if not 0 <= index < self.pages:
            raise ValueError(f"page {index} of a file of {self.pages}")
        return self.first_page + index

    # --- resources -----------------------------------------------------------------------------------

    def add_resources(self, key: int, resources: Resources) -> None:
        """The resource dictionary the pages of one drawer share: its font subsets and transparency."""
        fonts = DictionaryObject()
        for subset in resources.fonts:
            fonts[name("/" + subset.resource)] = self.add(self._font(subset))
        states = DictionaryObject()
        for state, opacity in resources.opacities:
            states[name("/" + state)] = DictionaryObject(
                {TYPE: name("/ExtGState"), name("/ca"): number(opacity), name("/CA"): number(opacity)}
            )
        entries = DictionaryObject(
            {name("/Font"): fonts, name("/ProcSet"): ArrayObject([name("/PDF"), name("/Text")])}
        )
        if states:
            entries[name("/ExtGState")] = states
        if resources.images or resources.forms:
            # Written at the end, with only the pictures this file's pages place: a study guide
            # laid out beside its answer key never carries the key's figures.
            number_ = self.allocate()
            entries[name("/XObject")] = ref(number_)
            placed: list[ImageData | FormData] = [*resources.images, *resources.forms]
            self.pictures[key] = (number_, {p.key: p for p in placed})
        self.resources[key] = self.add(entries).idnum

    def xobject(self, picture: ImageData | FormData) -> IndirectObject:
        """An image or a form, written the first time a resource dictionary of the file names it."""
        found = self.xobjects.get(picture.key)
        if found is not None:
            return found
        if isinstance(picture, FormData):
            entries: dict[str, PdfObject] = {
                "/Type": name("/XObject"),
                "/Subtype": name("/Form"),
                "/BBox": numbers(picture.bbox),
            }
            own = DictionaryObject()
            if picture.opacities:
                states = DictionaryObject()
                for state, opacity in picture.opacities:
                    states[name("/" + state)] = DictionaryObject(
                        {TYPE: name("/ExtGState"), name("/ca"): number(opacity), name("/CA"): number(opacity)}
                    )
                own[name("/ExtGState")] = states
            entries["/Resources"] = own
            made = self.add(self.stream(picture.content, entries))
        else:
            entries = {
                "/Type": name("/XObject"),
                "/Subtype": name("/Image"),
                "/Width": NumberObject(picture.width),
                "/Height": NumberObject(picture.height),
                "/ColorSpace": name("/DeviceRGB" if picture.components == 3 else "/DeviceGray"),
                "/BitsPerComponent": NumberObject(8),
            }
            if picture.alpha is not None:
                mask = {
                    "/Type": name("/XObject"),
                    "/Subtype": name("/Image"),
                    "/Width": NumberObject(picture.width),
                    "/Height": NumberObject(picture.height),
                    "/ColorSpace": name("/DeviceGray"),
                    "/BitsPerComponent": NumberObject(8),
                }
                entries["/SMask"] = self.add(self.stream(picture.alpha, mask, compressed=True))
            if picture.jpeg:
                made = self.add(self.stream(picture.data, entries, compressed=True, filter_name="/DCTDecode"))
            else:
                made = self.add(self.stream(picture.data, entries, compressed=True))
        self.xobjects[picture.key] = made
        return made

    def _font(self, subset: FontSubset) -> DictionaryObject:
        m = subset.metrics
        program = self.add(self.stream(subset.program, {"/Length1": NumberObject(len(subset.program))}))
        descriptor = self.add(
            DictionaryObject(
                {
                    TYPE: name("/FontDescriptor"),
                    name("/FontName"): name("/" + subset.base_font),
                    name("/Flags"): NumberObject(m.flags),
                    name("/FontBBox"): numbers(m.bbox),
                    name("/ItalicAngle"): number(m.italic_angle),
                    name("/Ascent"): number(m.ascent),
                    name("/Descent"): number(m.descent),
                    name("/CapHeight"): number(m.cap_height),
                    name("/StemV"): number(m.stem_v),
                    name("/MissingWidth"): number(m.missing_width),
                    name("/FontFile2"): program,
                }
            )
        )
        cmap = self.add(self.stream(to_unicode(subset).encode("ascii")))
        return DictionaryObject(
            {
                TYPE: name("/Font"),
                SUBTYPE: name("/TrueType"),
                name("/Name"): name("/" + subset.resource),
                name("/BaseFont"): name("/" + subset.base_font),
                name("/FirstChar"): NumberObject(0),
                name("/LastChar"): NumberObject(len(subset.texts) - 1),
                name("/Widths"): numbers(subset.widths),
                name("/FontDescriptor"): descriptor,
                name("/ToUnicode"): cmap,
            }
        )

    # --- pages -----------------------------------------------------------------------------------------

    def page(
        self, index: int, content: bytes, resources: int, annotations: Sequence[DictionaryObject]
    ) -> None:
        """Page `index`: its compressed content, the drawer whose resources it uses, its links."""
        if resources in self.pictures:
            keys = _PLACED.findall(zlib.decompress(content))
            self.placed.setdefault(resources, set()).update(k.decode("ascii") for k in keys)
            if keys:
                self.picture_pages.append(index)
        contents = self.add(self.stream(content, compressed=True))
        entries = {
            TYPE: PAGE,
            PARENT: ref(self.PAGES),
            RESOURCES: ref(self.resources[resources]),
            CONTENTS: contents,
        }
        if annotations:
            entries[ANNOTS] = ArrayObject(self.add(annotation) for annotation in annotations)
        self.write(self.page_object(index), DictionaryObject(entries))

    def blank_page(self, index: int) -> None:
        """An empty page (the back of a part's last sheet)."""
        self.write(
            self.page_object(index),
            DictionaryObject({TYPE: PAGE, PARENT: ref(self.PAGES)}),
        )

    # --- the end -------------------------------------------------------------------------------------

    def finish(
        self,
        info: dict[str, str],
        language: str,
        *,
        outline: int | None = None,
        labels: Sequence[tuple[int, str, str]] = (),
        preferences: Mapping[str, PdfObject] | None = None,
    ) -> None:
        """Write the page tree, catalog, metadata and cross-reference: the file is whole.

        `outline`: the object of the outline's root, written already; `labels`: (first page,
        style, prefix) of each run of page labels.
        """
        for drawer, (number_, pictures) in self.pictures.items():
            xobjects = DictionaryObject()
            for key in sorted(self.placed.get(drawer, ())):
                if key in pictures:
                    xobjects[name("/" + key)] = self.xobject(pictures[key])
            self.write(number_, xobjects)
        kids = ArrayObject(ref(self.first_page + k) for k in range(self.pages))
        self.write(
            self.PAGES,
            DictionaryObject(
                {
                    TYPE: name("/Pages"),
                    name("/Kids"): kids,
                    name("/Count"): NumberObject(self.pages),
                    MEDIABOX: self.media,  # inherited by every page: they are all one size
                }
            ),
        )
        self.write(self.INFO, DictionaryObject({name(k): text(v) for k, v in info.items()}))
        catalog = DictionaryObject(
            {TYPE: name("/Catalog"), name("/Pages"): ref(self.PAGES), name("/Lang"): text(language)}
        )
        if outline is not None:
            catalog[name("/Outlines")] = ref(outline)
            catalog[name("/PageMode")] = name("/UseOutlines")
        else:
            self.write(
                self.OUTLINES, DictionaryObject({TYPE: name("/Outlines"), name("/Count"): NumberObject(0)})
            )
        if labels:
            nums = ArrayObject()
            for first, style, prefix in sorted(labels):
                label = DictionaryObject({S: name(style)})
                if prefix:
                    label[name("/P")] = text(prefix)
                nums.extend([NumberObject(first), label])
            catalog[name("/PageLabels")] = DictionaryObject({name("/Nums"): nums})
        viewer = DictionaryObject({name("/DisplayDocTitle"): BooleanObject(True)})
        for key, value in (preferences or {}).items():
            viewer[name(key)] = value
        catalog[name("/ViewerPreferences")] = viewer
        self.write(self.CATALOG, catalog)
        missing = [n for n in range(1, self.next_number) if not self.offsets[n]]
        if missing:
            raise ValueError(f"objects {missing[:5]} were referred to but never written")
        # The digest of all written so far (pages, outline, metadata): two different files never
        # share an identifier, and the same inputs always give the same one.
        identifier = ByteStringObject(self.digest.copy().digest()[:16])
        trailer = DictionaryObject(
            {
                name("/Size"): NumberObject(self.next_number),
                name("/Root"): ref(self.CATALOG),
                name("/Info"): ref(self.INFO),
                name("/ID"): ArrayObject([identifier, identifier]),
            }
        )
        start = self.written
        self._raw(b"xref\n0 %d\n0000000000 65535 f \n" % self.next_number)
        # In slices: a large book has a million objects, and its table whole would be a spike of
        # some 70 MB (a bytes object a line, then the lines joined) at the very end of the build.
        for first in range(1, self.next_number, XREF_SLICE):
            last = min(first + XREF_SLICE, self.next_number)
            self._raw(b"".join([b"%010d 00000 n \n" % self.offsets[n] for n in range(first, last)]))
        buffer = io.BytesIO()
        trailer.write_to_stream(buffer)
        self._raw(b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (buffer.getvalue(), start))
        self.file.flush()


def link(rect: Rect, action: DictionaryObject | ArrayObject) -> DictionaryObject:
    """A link annotation over `rect`: to an action (a dictionary) or a destination (an array)."""
    entries: dict[NameObject, PdfObject] = {SUBTYPE: LINK, RECT: box(rect), BORDER: NO_BORDER}
    entries[DEST if isinstance(action, ArrayObject) else A] = action
    return DictionaryObject(entries)


def destination(page: int, x: float | None = None, y: float | None = None) -> ArrayObject:
    """A destination: the page object `page`, at (x, y) when given, the zoom unchanged."""
    return ArrayObject(
        [ref(page), XYZ, NULL if x is None else point(x), NULL if y is None else point(y, up=True), NULL]
    )


def web(address: str) -> DictionaryObject:
    return DictionaryObject({S: name("/URI"), name("/URI"): ByteStringObject(address.encode("utf-8"))})


def remote(file: str, page: int, x: float, y: float) -> DictionaryObject:
    """An action that opens another file at a page (named by its index) and place."""
    target = ArrayObject([NumberObject(page), XYZ, point(x), point(y, up=True), NULL])
    return DictionaryObject({S: name("/GoToR"), name("/F"): text(file), name("/D"): target})


def to_unicode(subset: FontSubset) -> str:
    """The CMap that gives back the character each code of a subset draws (copy, search).

    Characters above U+FFFF (emoji, mathematical letters) are written as UTF-16 surrogate
    pairs, as PDF requires; a code no character was given yet maps to U+0000. A glyph of a
    shaped cluster maps to the cluster's characters (a conjunct to its three), or to nothing
    when another glyph of its cluster carries them.
    """
    base = subset.base_font
    entries = [
        f"<{code:02X}> <{value.encode('utf-16-be').hex().upper()}>" for code, value in enumerate(subset.texts)
    ]
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 mappings to a block
        chunk = entries[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo\n<< /Registry ({base})\n/Ordering ({base})\n/Supplement 0\n>> def",
            f"/CMapName /{base} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset.texts) - 1:02X}>",
            "endcodespacerange",
            *blocks,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def write_pages(
    path: Path,
    contents: Sequence[bytes],
    resources: Resources,
    paper: tuple[float, float],
    info: dict[str, str],
    language: str,
    preferences: Mapping[str, PdfObject] | None = None,
) -> int:
    """A file of pages drawn by one drawer, without links or outline (flash cards); its size."""
    with PdfFile(path, len(contents), paper) as pdf:
        pdf.add_resources(0, resources)
        for index, content in enumerate(contents):
            pdf.page(index, zlib.compress(content, 6), 0, ())
        pdf.finish(info, language, preferences=preferences)
    return pdf.written
