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

from guide.data.model import Guide
from guide.layout import Rendered, RenderedPart
from guide.layout.styles import Theme
from guide.parallel import how_for, pair
from guide.pdf.info import document_info, file_name


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


def write_output(role: str, path: Path, data: bytes, pages: int) -> OutputFile:
    """Write a file of an edition made whole in memory (an encrypted part, a booklet)."""
    path.write_bytes(data)
    return OutputFile(role, path.name, path, pages, len(data), hashlib.sha256(data).hexdigest())


def assemble(
    guide: Guide, theme: Theme, rendered: Rendered, folder: Path, *, parallel: bool | None = None
) -> Edition:
    """Write the study guide, the answer key and the complete edition into `folder`.

    For a large guide the two parts are written in a child process while this one writes the
    complete edition, which has as many pages as both.
    """
    study, key = rendered.parts["study"], rendered.parts["key"]
    study_name, key_name = file_name(guide, "study_guide"), file_name(guide, "answer_key")

    def part(role: str, name: str, which: RenderedPart, sibling: tuple[str, RenderedPart]) -> OutputFile:
        return write_part(guide, theme, rendered, which, folder / name, role, sibling=sibling)

    def parts() -> tuple[OutputFile, OutputFile]:
        return (
            part("study_guide", study_name, study, (key_name, key)),
            part("answer_key", key_name, key, (study_name, study)),
        )

    def complete() -> OutputFile:
        return write_complete(guide, theme, rendered, folder / file_name(guide, "complete"))

    how = how_for(parallel, len(guide.questions))
    book, (study_file, key_file) = pair(complete, parts, guide.location, how=how)
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
) -> OutputFile:
    """One part as a file of its own; links to the other part open `sibling`'s file at the page."""
    with PdfFile(path, theme, {part.part: (part, 0)}, sibling) as pdf:
        pdf.add_fonts(rendered)
        pdf.add_pages(rendered, part)
        pdf.label_part(part)
        pdf.outline_part(None, part)
        pdf.finish(document_info(guide, f"{guide.title}: {theme.labels[role]}"), guide.language)
    return pdf.output(role)


def write_complete(guide: Guide, theme: Theme, rendered: Rendered, path: Path) -> OutputFile:
    """Both parts in one book: one outline, page labels, and live links between them."""
    study, key = rendered.parts["study"], rendered.parts["key"]
    # The answer key starts on a right-hand page, so duplex printing keeps it on its own sheet.
    key_start = study.numbers.pages + study.numbers.pages % 2
    with PdfFile(path, theme, {"study": (study, 0), "key": (key, key_start)}, None) as pdf:
        pdf.add_fonts(rendered)
        pdf.add_pages(rendered, study)
        if key_start > study.numbers.pages:
            pdf.blank_page(study.numbers.pages)
        pdf.add_pages(rendered, key)
        pdf.label_part(study)
        pdf.label_part(key)
        for part, role in ((study, "study_guide"), (key, "answer_key")):
            pdf.outline_part(theme.labels[role], part)
        pdf.finish(document_info(guide, guide.title), guide.language)
    return pdf.output("complete")


class PdfFile:
    """A PDF written as it is made: objects go to the file at once, the cross-reference at the end.

    `placed` gives each part the file holds and the index of its first page; links to a part it
    does not hold open `sibling`'s file (its name and part), or lead nowhere without one.
    """

    CATALOG, PAGES, INFO, OUTLINES = 1, 2, 3, 4

    def __init__(
        self,
        path: Path,
        theme: Theme,
        placed: dict[str, tuple[RenderedPart, int]],
        sibling: tuple[str, RenderedPart] | None,
    ) -> None:
        self.path = path
        self.theme = theme
        self.placed = placed
        self.sibling = sibling
        pages = max(first + part.numbers.pages for part, first in placed.values())
        self.file: BinaryIO = open(path, "wb")  # noqa: SIM115 (closed by __exit__)
        self.digest = hashlib.sha256()
        self.written = 0
        self.offsets = array("q", [0] * 5)  # object number → byte offset; 0: not written yet
        self.next_number = 5
        self.pages = pages
        self.first_page = self.next_number  # page k is object first_page + k: known ahead, for links
        for _ in range(pages):
            self.allocate()
        self.resources: dict[int, int] = {}  # layout worker → its resource dictionary's number
        self.labels: list[tuple[int, str, str]] = []  # (first page, style, prefix)
        self.outlines: list[tuple[str | None, RenderedPart, int]] = []  # (title, part, first page)
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
            self.write_object(
                number,
                b"<< /Font " + _serialised(font_dict) + b" /ProcSet [/PDF /Text]"
                b" /ExtGState << /GSwm << /Type /ExtGState /ca 0.18 /CA 0.18 >> >> >>",
            )
            self.resources[worker] = number

    # --- pages ---------------------------------------------------------------------------------

    def _page_number(self, index: int) -> int:
        """The object number of the page at `index` in the file."""
        if not 0 <= index < self.pages:
            raise ValueError(f"page {index} of a file of {self.pages}")
        return self.first_page + index

    def add_pages(self, rendered: Rendered, part: RenderedPart) -> None:
        """A part's pages, from where it is placed on, each with its links made for this file."""
        width, height = self.theme.paper
        media = f"[0 0 {fp_str(width)} {fp_str(height)}]".encode()
        first = self.placed[part.part][1]
        for index in range(part.numbers.pages):
            data, links, worker = rendered.read(part, index)
            number = self._page_number(first + index)
            contents = self.allocate()
            annots = []
            for kind, rect, target in links:
                action = self._action(kind, target, part.part)
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
                % (media, self.resources[worker], contents, annot_entry),
            )

    def blank_page(self, index: int) -> None:
        """An empty page (the back of a part's last sheet)."""
        width, height = self.theme.paper
        self.write_object(
            self._page_number(index),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s] >>" % fp_str(width, height).encode(),
        )

    def _action(self, kind: str, target: str, part: str) -> bytes | None:
        """A link's destination in this file: an anchor of its own part, one of the other part
        (here, or in the sibling file), or a web address."""
        if kind == "uri":
            return b"/A << /S /URI /URI %s >>" % _string(target.encode("utf-8"))
        owner = part if kind == "anchor" else ("key" if part == "study" else "study")
        if owner in self.placed:
            owner_part, first = self.placed[owner]
            index, x, y = owner_part.places.get(int(target))
            page = self._page_number(first + index)
            return b"/Dest [%d 0 R /XYZ %s null]" % (page, fp_str(x, y).encode())
        if self.sibling is None:
            return None  # a copy that goes out without the other part links nowhere
        name, other_part = self.sibling
        index, x, y = other_part.places.get(int(target))
        # A remote destination names its page by index: the sibling file opens at that page.
        return b"/A << /S /GoToR /F %s /D [%d /XYZ %s null] >>" % (
            _string(name.encode("utf-8")),
            index,
            fp_str(x, y).encode(),
        )

    # --- labels and outline --------------------------------------------------------------------

    def label_part(self, part: RenderedPart) -> None:
        """Page labels as the folios print: i, ii … in the front matter, then 1, 2 … (A-1 … in the key)."""
        first = self.placed[part.part][1]
        prefix = part.numbers.prefix
        if part.numbers.body_start > 0:
            self.labels.append((first, "/r", prefix))
        self.labels.append((first + part.numbers.body_start, "/D", prefix))

    def outline_part(self, title: str | None, part: RenderedPart) -> None:
        """The part's outline (its topics, and under each its questions), under an entry `title`
        leading to its first page if given, else at the top level."""
        self.outlines.append((title, part, self.placed[part.part][1]))

    def _write_outline(self) -> int | None:
        """Write the outline entries, every one open, straight from the parts' arrays of anchors.

        The outline of a large book has a hundred thousand entries: each part's are numbered in
        one run, so that an entry's neighbours, parent and children are known from where it is.
        """
        groups = []  # (its own entry's number or None, title, part, first page, first entry's number)
        for title, part, first in self.outlines:
            own = self.allocate() if title is not None else None
            base = self.next_number
            for _ in range(len(part.outline)):
                self.allocate()
            groups.append((own, title, part, first, base))
        # The top level: the parts' own entries, or (a file of one part) its topics.
        owns = [own for own, *_ in groups if own is not None]
        if len(owns) == len(groups):
            top = owns
        else:
            _, _, part, _, base = groups[0]
            top = [base + k for k, anchor in enumerate(part.outline) if anchor < 0]
        if not top:
            return None
        total = 0
        for own, title, part, first, base in groups:
            entries = part.outline
            topics = [k for k, anchor in enumerate(entries) if anchor < 0]
            ends = [*topics[1:], len(entries)]
            parent = own if own is not None else self.OUTLINES
            for t, (k, end) in enumerate(zip(topics, ends, strict=True)):
                siblings = (
                    base + topics[t - 1] if t else None,
                    base + topics[t + 1] if t + 1 < len(topics) else None,
                )
                children = (base + k + 1, base + end - 1) if end > k + 1 else None
                self._entry(base + k, part, entries[k], first, parent, siblings, children, end - k - 1)
                for q in range(k + 1, end):
                    siblings = (base + q - 1 if q > k + 1 else None, base + q + 1 if q + 1 < end else None)
                    self._entry(base + q, part, entries[q], first, base + k, siblings, None, 0)
            if own is not None:
                number = top.index(own)
                siblings = (
                    top[number - 1] if number else None,
                    top[number + 1] if number + 1 < len(top) else None,
                )
                children = (base + topics[0], base + topics[-1]) if topics else None
                fields = [b"/Title " + _text(title or ""), b"/Parent %d 0 R" % self.OUTLINES]
                fields += _links_between(siblings, children, len(entries))
                fields.append(b"/Dest [%d 0 R /XYZ null null null]" % self._page_number(first))
                self.write_object(own, b"<< " + b" ".join(fields) + b" >>")
                total += 1
            total += len(entries)
        self.write_object(
            self.OUTLINES,
            b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (top[0], top[-1], total),
        )
        return self.OUTLINES

    def _entry(
        self,
        number: int,
        part: RenderedPart,
        anchor: int,
        first: int,
        parent: int,
        siblings: tuple[int | None, int | None],
        children: tuple[int, int] | None,
        count: int,
    ) -> None:
        index, x, y = part.places.get(anchor)
        fields = [b"/Title " + _text(part.titles[anchor]), b"/Parent %d 0 R" % parent]
        fields += _links_between(siblings, children, count)
        fields.append(
            b"/Dest [%d 0 R /XYZ %s null]" % (self._page_number(first + index), fp_str(x, y).encode())
        )
        self.write_object(number, b"<< " + b" ".join(fields) + b" >>")

    # --- the end ---------------------------------------------------------------------------------

    def finish(self, info: dict[str, str], language: str) -> None:
        """Write the outline, page tree, catalog, metadata and cross-reference: the file is whole."""
        outlines = self._write_outline()
        kids = b" ".join(b"%d 0 R" % (self.first_page + k) for k in range(self.pages))
        self.write_object(self.PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, self.pages))
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
        # The digest of all written so far (pages, outline, metadata): two different files never
        # share an identifier, and the same inputs always give the same one.
        identifier = self.digest.copy().hexdigest()[:32].encode()
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
        return OutputFile(role, self.path.name, self.path, self.pages, self.written, self.digest.hexdigest())


def _links_between(
    siblings: tuple[int | None, int | None], children: tuple[int, int] | None, count: int
) -> list[bytes]:
    """An outline entry's /Prev, /Next, and its /First, /Last and /Count (every entry is open)."""
    before, after = siblings
    fields = []
    if before is not None:
        fields.append(b"/Prev %d 0 R" % before)
    if after is not None:
        fields.append(b"/Next %d 0 R" % after)
    if children is not None:
        fields.append(b"/First %d 0 R /Last %d 0 R /Count %d" % (*children, count))
    return fields


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


__all__ = ["Edition", "OutputFile", "assemble", "write_complete", "write_part"]
