"""Write the three PDFs of an edition from the finished pages: the study guide, the answer key, the book.

The pages of both parts are laid out and compressed once (render/); here they are merged into
files: each standalone part, and the complete edition with both parts, one outline, page labels
that match the printed folios, and live links between every question and its answer. The
fonts each layout process used are read from the small PDF ReportLab wrote for them, and
copied, with every object that holds text (font programs, outline titles, metadata), by pypdf's
object layer. The files are written as they are made, page after page: pypdf's PdfWriter keeps a
whole book in memory and costs about 30 µs an object, a third of a 10,000-question build.
"""

from __future__ import annotations

import hashlib
import io
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib.rl_accel import fp_str

from guide.model import Guide
from guide.parallel import beside, wanted
from guide.pdfinfo import document_info, file_name
from guide.render import Rendered, RenderedPart
from guide.render.canvas import Link
from guide.styles import Theme

ROLES = ("study_guide", "answer_key", "complete")
PART_OF = {"study_guide": "study", "answer_key": "key"}


@dataclass(frozen=True)
class OutputFile:
    """A file of an edition as written: where, how many pages, how big, its digest."""

    role: str
    name: str
    path: Path
    pages: int
    size: int
    sha256: str

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class Edition:
    """The files of one edition, written into one folder, ready to publish."""

    guide: Guide
    files: tuple[OutputFile, ...]

    def summary(self) -> dict[str, tuple[str, int]]:
        return {f.role: (f.name, f.pages) for f in self.files}

    def file(self, role: str) -> OutputFile:
        return next(f for f in self.files if f.role == role)


def output_file(role: str, path: Path, pages: int) -> OutputFile:
    """A finished file of an edition, its size and digest read from the disk."""
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return OutputFile(role, path.name, path, pages, path.stat().st_size, digest)


def assemble(
    guide: Guide, theme: Theme, rendered: Rendered, folder: Path, *, parallel: bool | None = None
) -> Edition:
    """Write the study guide, the answer key and the complete edition into `folder`.

    For a large guide the two parts are written in a child process while this one writes the
    complete edition, which has as many pages as both.
    """
    study, key = rendered.parts["study"], rendered.parts["key"]

    def parts() -> tuple[OutputFile, OutputFile]:
        return (
            write_part(guide, theme, rendered, study, folder / file_name(guide, "study_guide"), "study_guide",
                       sibling=(file_name(guide, "answer_key"), key)),
            write_part(guide, theme, rendered, key, folder / file_name(guide, "answer_key"), "answer_key",
                       sibling=(file_name(guide, "study_guide"), study)),
        )  # fmt: skip

    def complete() -> OutputFile:
        return write_complete(guide, theme, rendered, folder / file_name(guide, "complete"))

    if wanted(parallel, len(guide.questions)):
        (study_file, key_file), book = beside(parts, complete, guide.location)
    else:
        (study_file, key_file), book = parts(), complete()
    return Edition(guide, (study_file, key_file, book))


def write_part(
    guide: Guide,
    theme: Theme,
    rendered: Rendered,
    part: RenderedPart,
    path: Path,
    role: str,
    *,
    sibling: tuple[str, RenderedPart] | None,
    title: str | None = None,
) -> OutputFile:
    """One part as a file of its own; links to the other part open `sibling`'s file at the page."""
    label = theme.labels[role]
    with PdfFile(path, theme) as pdf:
        pdf.add_fonts(rendered)
        placed = {part.part: 0}
        pdf.add_pages(rendered, part, 0, placed, {part.part: part}, sibling)
        pdf.label_part(part, 0)
        pdf.outline_part(part, 0, parent=None)
        pdf.finish(document_info(guide, title or f"{guide.title}: {label}", with_pypdf=True), guide.language)
    return pdf.output(role)


def write_complete(guide: Guide, theme: Theme, rendered: Rendered, path: Path) -> OutputFile:
    """Both parts in one book: one outline, page labels, and live links between them."""
    study, key = rendered.parts["study"], rendered.parts["key"]
    # The answer key starts on a right-hand page, so duplex printing keeps it on its own sheet.
    key_start = study.numbers.pages + study.numbers.pages % 2
    placed = {"study": 0, "key": key_start}
    parts = {"study": study, "key": key}
    with PdfFile(path, theme, pages=key_start + key.numbers.pages) as pdf:
        pdf.add_fonts(rendered)
        pdf.add_pages(rendered, study, 0, placed, parts, None)
        if key_start > study.numbers.pages:
            pdf.blank_page(study.numbers.pages)
        pdf.add_pages(rendered, key, key_start, placed, parts, None)
        pdf.label_part(study, 0)
        pdf.label_part(key, key_start)
        for part, role in ((study, "study_guide"), (key, "answer_key")):
            top = pdf.outline_entry(theme.labels[role], (placed[part.part], None), parent=None)
            pdf.outline_part(part, placed[part.part], parent=top)
        pdf.finish(document_info(guide, guide.title, with_pypdf=True), guide.language)
    return pdf.output("complete")


Destination = tuple[int, tuple[float, float] | None]  # page index in the file, (x, y) or the page's top


class _Outline:
    __slots__ = ("children", "dest", "number", "title")

    def __init__(self, title: str, dest: Destination) -> None:
        self.title = title
        self.dest = dest
        self.children: list[_Outline] = []
        self.number = 0


class PdfFile:
    """A PDF written as it is made: objects go to the file at once, the cross-reference at the end."""

    CATALOG, PAGES, INFO, OUTLINES = 1, 2, 3, 4

    def __init__(self, path: Path, theme: Theme, pages: int | None = None) -> None:
        self.path = path
        self.theme = theme
        self.file: BinaryIO = open(path, "wb")  # noqa: SIM115 (closed by __exit__)
        self.digest = hashlib.sha256()
        self.written = 0
        self.offsets = array("q", [0] * 5)  # object number → byte offset; 0: not written yet
        self.next_number = 5
        self.page_numbers: list[int] = []  # the object number of each page, in order
        self.expected_pages = pages
        self.resources: dict[int, int] = {}  # layout worker → its resource dictionary's number
        self.labels: list[tuple[int, str, str]] = []  # (first page, style, prefix)
        self.outline_roots: list[_Outline] = []
        self.content_digest = hashlib.sha256()
        self._raw(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    # --- low-level writing ---------------------------------------------------------------------

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()
        if exc[0] is not None:
            self.path.unlink(missing_ok=True)

    def _raw(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)
        self.written += len(data)

    def allocate(self) -> int:
        number = self.next_number
        self.next_number += 1
        self.offsets.append(0)
        return number

    def write_object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.written
        self._raw(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def write_stream(self, number: int, data: bytes, entries: bytes = b"/Filter /FlateDecode") -> None:
        self.offsets[number] = self.written
        self._raw(b"%d 0 obj\n<< /Length %d %s >>\nstream\n" % (number, len(data), entries))
        self._raw(data)
        self._raw(b"\nendstream\nendobj\n")

    # --- fonts ---------------------------------------------------------------------------------

    def add_fonts(self, rendered: Rendered) -> None:
        """Copy each layout worker's fonts, and give each a resource dictionary for its pages."""
        for worker, finished in sorted(rendered.workers.items()):
            reader = PdfReader(io.BytesIO(finished.fonts))
            resources = reader.pages[0]["/Resources"].get_object()
            fonts = resources.get("/Font") if isinstance(resources, DictionaryObject) else None
            font_dict = _Copier(self, reader).copy(
                fonts.get_object() if fonts is not None else DictionaryObject()
            )
            number = self.allocate()
            body = io.BytesIO()
            font_dict.write_to_stream(body)
            self.write_object(
                number,
                b"<< /Font " + body.getvalue() + b" /ProcSet [/PDF /Text]"
                b" /ExtGState << /GSwm << /Type /ExtGState /ca 0.18 /CA 0.18 >> >> >>",
            )
            self.resources[worker] = number

    # --- pages ---------------------------------------------------------------------------------

    def _page_number(self, index: int) -> int:
        """The object number of the page at `index` in the file, allocated ahead when needed."""
        while len(self.page_numbers) <= index:
            self.page_numbers.append(self.allocate())
        return self.page_numbers[index]

    def add_pages(
        self,
        rendered: Rendered,
        part: RenderedPart,
        first: int,
        placed: dict[str, int],
        parts: dict[str, RenderedPart],
        sibling: tuple[str, RenderedPart] | None,
    ) -> None:
        """A part's pages from index `first` on, each with its links made for this file."""
        width, height = self.theme.paper
        media = f"[0 0 {fp_str(width)} {fp_str(height)}]".encode()
        other = "key" if part.part == "study" else "study"
        for index, ref in enumerate(part.pages):
            data, links = rendered.read(ref)
            self.content_digest.update(data)
            number = self._page_number(first + index)
            contents = self.allocate()
            annots = []
            for kind, rect, target in links:
                action = self._action(kind, target, part, other, placed, parts, sibling)
                if action is None:
                    continue
                annot = self.allocate()
                self.write_object(
                    annot,
                    b"<< /Type /Annot /Subtype /Link /Rect [%s] /Border [0 0 0] %s >>"
                    % (fp_str(*rect).encode(), action),
                )
                annots.append(annot)
            self.write_stream(contents, data)
            annot_entry = (b" /Annots [%s]" % b" ".join(b"%d 0 R" % a for a in annots)) if annots else b""
            self.write_object(
                number,
                b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %d 0 R /Contents %d 0 R%s >>"
                % (media, self.resources[ref[0]], contents, annot_entry),
            )

    def blank_page(self, index: int) -> None:
        """An empty page (the back of a part's last sheet)."""
        width, height = self.theme.paper
        self.write_object(
            self._page_number(index),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s] >>" % fp_str(width, height).encode(),
        )

    def _action(
        self,
        kind: str,
        target: str,
        part: RenderedPart,
        other: str,
        placed: dict[str, int],
        parts: dict[str, RenderedPart],
        sibling: tuple[str, RenderedPart] | None,
    ) -> bytes | None:
        if kind == "uri":
            return b"/A << /S /URI /URI %s >>" % _string(target.encode("utf-8"))
        owner = part.part if kind == "anchor" else other
        if owner in parts:
            index, x, y = parts[owner].anchors[target]
            page = self._page_number(placed[owner] + index)
            return b"/Dest [%d 0 R /XYZ %s null]" % (page, fp_str(x, y).encode())
        if sibling is None:
            return None  # a copy that goes out without the other part links nowhere
        name, other_part = sibling
        index, x, y = other_part.anchors[target]
        # A remote destination names its page by index: the sibling file opens at that page.
        return b"/A << /S /GoToR /F %s /D [%d /XYZ %s null] >>" % (
            _string(name.encode("utf-8")),
            index,
            fp_str(x, y).encode(),
        )

    # --- labels and outline --------------------------------------------------------------------

    def label_part(self, part: RenderedPart, first: int) -> None:
        """Page labels as the folios print: i, ii … in the front matter, then 1, 2 … (A-1 … in the key)."""
        prefix = part.numbers.prefix
        if part.numbers.body_start > 0:
            self.labels.append((first, "/r", prefix))
        self.labels.append((first + part.numbers.body_start, "/D", prefix))

    def outline_entry(self, title: str, dest: Destination, parent: _Outline | None) -> _Outline:
        entry = _Outline(title, dest)
        (parent.children if parent is not None else self.outline_roots).append(entry)
        return entry

    def outline_part(self, part: RenderedPart, first: int, parent: _Outline | None) -> None:
        """The part's outline under `parent`: its topics, and under each its questions."""
        parents: dict[int, _Outline | None] = {0: parent}
        for title, level, anchor in part.outline:
            index, x, y = part.anchors[anchor]
            entry = self.outline_entry(title, (first + index, (x, y)), parents.get(level, parent))
            parents[level + 1] = entry

    def _write_outline(self) -> int | None:
        if not self.outline_roots:
            return None
        every = list(_walk(self.outline_roots))
        for entry in every:
            entry.number = self.allocate()

        def write_level(entries: list[_Outline], parent: int) -> int:
            count = 0
            for i, entry in enumerate(entries):
                fields = [b"/Title " + _text(entry.title), b"/Parent %d 0 R" % parent]
                if i:
                    fields.append(b"/Prev %d 0 R" % entries[i - 1].number)
                if i + 1 < len(entries):
                    fields.append(b"/Next %d 0 R" % entries[i + 1].number)
                below = 0
                if entry.children:
                    below = write_level(entry.children, entry.number)
                    fields.append(b"/First %d 0 R /Last %d 0 R /Count %d" % (
                        entry.children[0].number, entry.children[-1].number, below))  # fmt: skip
                page, where = entry.dest
                target = self._page_number(page)
                if where is None:
                    fields.append(b"/Dest [%d 0 R /XYZ null null null]" % target)
                else:
                    fields.append(b"/Dest [%d 0 R /XYZ %s null]" % (target, fp_str(*where).encode()))
                self.write_object(entry.number, b"<< " + b" ".join(fields) + b" >>")
                count += 1 + below  # every entry is open: its descendants show
            return count

        total = write_level(self.outline_roots, self.OUTLINES)
        roots = self.outline_roots
        self.write_object(
            self.OUTLINES,
            b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
            % (roots[0].number, roots[-1].number, total),
        )
        return self.OUTLINES

    # --- the end ---------------------------------------------------------------------------------

    def finish(self, info: dict[str, str], language: str) -> None:
        """Write the outline, page tree, catalog, metadata and cross-reference: the file is whole."""
        if self.expected_pages is not None and len(self.page_numbers) != self.expected_pages:
            raise ValueError(f"{len(self.page_numbers)} pages made, {self.expected_pages} expected")
        outlines = self._write_outline()
        kids = b" ".join(b"%d 0 R" % n for n in self.page_numbers)
        self.write_object(
            self.PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.page_numbers))
        )
        entries = DictionaryObject({NameObject(k): TextStringObject(v) for k, v in info.items()})
        self.write_object(self.INFO, _serialised(entries))
        catalog = [b"/Type /Catalog /Pages 2 0 R", b"/Lang " + _text(language)]
        if outlines is not None:
            catalog.append(b"/Outlines %d 0 R /PageMode /UseOutlines" % outlines)
        else:
            self.write_object(self.OUTLINES, b"<< /Type /Outlines /Count 0 >>")
        if self.labels:
            nums = b" ".join(
                b"%d << /S %s%s >>" % (first, style.encode(), (b" /P " + _text(prefix)) if prefix else b"")
                for first, style, prefix in sorted(self.labels)
            )
            catalog.append(b"/PageLabels << /Nums [%s] >>" % nums)
        catalog.append(b"/ViewerPreferences << /DisplayDocTitle true >>")
        self.write_object(self.CATALOG, b"<< " + b" ".join(catalog) + b" >>")
        missing = [n for n in range(1, self.next_number) if not self.offsets[n]]
        if missing:
            raise ValueError(f"objects {missing[:5]} were referred to but never written")
        # A digest of what the pages draw and what the file says of itself: two different files
        # never share an identifier, and the same inputs always give the same one.
        self.content_digest.update(repr(sorted(info.items())).encode())
        identifier = self.content_digest.hexdigest()[:32].encode()
        start = self.written
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % self.next_number]
        xref.extend(b"%010d 00000 n \n" % self.offsets[n] for n in range(1, self.next_number))
        self._raw(b"".join(xref))
        self._raw(
            b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (self.next_number, identifier, identifier, start)
        )
        self.file.flush()

    def output(self, role: str) -> OutputFile:
        return OutputFile(
            role, self.path.name, self.path, len(self.page_numbers), self.written, self.digest.hexdigest()
        )


def _walk(entries: Iterable[_Outline]) -> Iterator[_Outline]:
    stack = list(reversed(list(entries)))
    while stack:
        entry = stack.pop()
        yield entry
        stack.extend(reversed(entry.children))


def _serialised(obj: PdfObject) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _text(value: str) -> bytes:
    """A text string as PDF writes it: PDFDocEncoding where it can, else UTF-16 (pypdf decides)."""
    if value.isascii() and value.isprintable():
        return _string(value.encode("ascii"))
    return _string(TextStringObject(value).get_encoded_bytes())


def _string(value: bytes) -> bytes:
    """A byte string as a PDF literal: printable ASCII as it is, anything else in hexadecimal."""
    if all(32 <= b < 127 for b in value):
        return b"(" + value.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<" + value.hex().encode() + b">"


class _Copier:
    """Copies objects from a PDF read by pypdf into a PdfFile, numbering them afresh."""

    def __init__(self, pdf: PdfFile, reader: PdfReader) -> None:
        self.pdf = pdf
        self.reader = reader
        self.numbers: dict[int, int] = {}

    def copy(self, obj: Any) -> Any:
        """`obj` with every reference it holds replaced by one to a copy in the new file."""
        pending: list[tuple[int, int]] = []
        result = self._map(obj, pending)
        while pending:
            old, new = pending.pop()
            source = self.reader.get_object(old)
            self.pdf.write_object(new, _serialised(self._map(source, pending)))
        return result

    def _map(self, obj: Any, pending: list[tuple[int, int]]) -> Any:
        if isinstance(obj, IndirectObject):
            new = self.numbers.get(obj.idnum)
            if new is None:
                new = self.numbers[obj.idnum] = self.pdf.allocate()
                pending.append((obj.idnum, new))
            return IndirectObject(new, 0, None)
        if isinstance(obj, StreamObject):
            copy = StreamObject()
            copy.update({k: self._map(v, pending) for k, v in obj.items() if k != "/Length"})
            copy._data = obj._data  # the stream as it is, still compressed
            return copy
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({k: self._map(v, pending) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self._map(v, pending) for v in obj)
        return obj


__all__ = ["ROLES", "Edition", "Link", "OutputFile", "assemble", "write_complete", "write_part"]
