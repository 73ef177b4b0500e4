"""Write the three PDFs of an edition from the finished pages: the study guide, the answer key, the book.

The pages of both parts are laid out and compressed once (layout/); here they are merged into
files: each standalone part, and the complete edition with both parts (the mission's merge,
with pypdf's objects), one outline, page labels that match the printed folios, and live links
between every question and its answer. The files are written as they are made, page after page
(writer.py): pypdf's PdfWriter keeps a whole book in memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, PdfObject

from guide.data.model import Guide
from guide.layout import Rendered, RenderedPart
from guide.layout.page import PlaceTarget, WebTarget
from guide.layout.styles import Theme
from guide.parallel import how_for, pair
from guide.pdf import writer
from guide.pdf.info import document_info, file_name
from guide.pdf.writer import PdfFile


@dataclass(frozen=True)
class OutputFile:
    """A file of an edition as written: where, how many pages, how big, its digest."""

    role: str
    name: str
    path: Path
    pages: int
    size: int
    sha256: str
    pictures: int = 0  # the images and forms embedded (each once): the read-back finds them all
    picture_pages: tuple[int, ...] = ()  # the pages that place them

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
    book = Book(path, theme, rendered, {part.part: (part, 0)}, sibling)
    with book.pdf:
        book.add_pages(part)
        book.label_part(part)
        book.outline_part(None, part)
        book.finish(document_info(guide, f"{guide.title}: {theme.labels[role]}"), guide.language)
    return book.output(role)


def write_complete(guide: Guide, theme: Theme, rendered: Rendered, path: Path) -> OutputFile:
    """Both parts in one book: one outline, page labels, and live links between them."""
    study, key = rendered.parts["study"], rendered.parts["key"]
    # Printed on both sides, the answer key starts on a right-hand page, on a sheet of its own;
    # printed on one side, or read on a screen, it follows at once: no blank page between.
    key_start = study.numbers.pages + (study.numbers.pages % 2 if theme.duplex else 0)
    book = Book(path, theme, rendered, {"study": (study, 0), "key": (key, key_start)}, None)
    with book.pdf:
        book.add_pages(study)
        if key_start > study.numbers.pages:
            book.pdf.blank_page(study.numbers.pages)
        book.add_pages(key)
        book.label_part(study)
        book.label_part(key)
        for part, role in ((study, "study_guide"), (key, "answer_key")):
            book.outline_part(theme.labels[role], part)
        book.finish(document_info(guide, guide.title), guide.language)
    return book.output("complete")


class Book:
    """The parts placed in one file (each part and the index of its first page), written page by
    page; links to a part it does not hold open `sibling`'s file (its name and part), or lead
    nowhere without one."""

    def __init__(
        self,
        path: Path,
        theme: Theme,
        rendered: Rendered,
        placed: dict[str, tuple[RenderedPart, int]],
        sibling: tuple[str, RenderedPart] | None,
    ) -> None:
        self.rendered = rendered
        self.placed = placed
        self.sibling = sibling
        pages = max(first + part.numbers.pages for part, first in placed.values())
        self.pdf = PdfFile(path, pages, theme.paper)
        for worker, finished in sorted(rendered.workers.items()):
            self.pdf.add_resources(worker, finished.resources)
        self.labels: list[tuple[int, str, str]] = []  # (first page, style, prefix)
        self.outlines: list[tuple[str | None, RenderedPart, int]] = []  # (title, part, first page)

    def add_pages(self, part: RenderedPart) -> None:
        """A part's pages, from where it is placed on, each with its links made for this file."""
        first = self.placed[part.part][1]
        for index in range(part.numbers.pages):
            data, links, worker = self.rendered.read(part, index)
            annotations = []
            for found in links:
                action = self._action(found.target, part.part)
                if action is not None:
                    annotations.append(writer.link(found.rect, action))
            self.pdf.page(first + index, data, worker, annotations)

    def _action(self, target: WebTarget | PlaceTarget, part: str) -> ArrayObject | DictionaryObject | None:
        """Where a link leads in this file: an anchor of its own part, one of the other part (here,
        or in the sibling file), or a web address."""
        if isinstance(target, WebTarget):
            return writer.web(target.address)
        owner = ("key" if part == "study" else "study") if target.other_part else part
        if owner in self.placed:
            owner_part, first = self.placed[owner]
            index, x, y = owner_part.places.get(target.anchor)
            return writer.destination(self.pdf.page_object(first + index), x, y)
        if self.sibling is None:
            return None  # a copy that goes out without the other part links nowhere
        name, other_part = self.sibling
        index, x, y = other_part.places.get(target.anchor)
        # A remote destination names its page by index: the sibling file opens at that page.
        return writer.remote(name, index, x, y)

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

    def finish(self, info: dict[str, str], language: str) -> None:
        self.pdf.finish(info, language, outline=self._write_outline(), labels=self.labels)

    def output(self, role: str) -> OutputFile:
        pdf = self.pdf
        return OutputFile(
            role,
            pdf.path.name,
            pdf.path,
            pdf.pages,
            pdf.written,
            pdf.digest.hexdigest(),
            len(pdf.xobjects),
            tuple(pdf.picture_pages),
        )

    def _write_outline(self) -> int | None:
        """Write the outline entries, every one open, straight from the parts' arrays of anchors.

        The outline of a large book has a hundred thousand entries: each part's are numbered in
        one run, so that an entry's neighbours, parent and children are known from where it is.
        """
        pdf = self.pdf
        groups = []  # (its own entry's number or None, title, part, first page, first entry's number)
        for title, part, first in self.outlines:
            own = pdf.allocate() if title is not None else None
            base = pdf.next_number
            for _ in range(len(part.outline)):
                pdf.allocate()
            groups.append((own, title, part, first, base))
        # The top level: the parts' own entries, or (a file of one part) its topics.
        owns = [own for own, *_ in groups if own is not None]
        if len(owns) == len(groups):
            top = owns
        else:
            _, _, part, _, base = groups[0]
            top = [
                base + k for k, slot in enumerate(part.outline) if part.places.anchor(slot).kind == "topic"
            ]
        if not top:
            return None
        total = 0
        for own, title, part, first, base in groups:
            entries = part.outline
            topics = [k for k, slot in enumerate(entries) if part.places.anchor(slot).kind == "topic"]
            ends = [*topics[1:], len(entries)]
            parent = own if own is not None else pdf.OUTLINES
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
                place = top.index(own)
                siblings = (
                    top[place - 1] if place else None,
                    top[place + 1] if place + 1 < len(top) else None,
                )
                children = (base + topics[0], base + topics[-1]) if topics else None
                fields = DictionaryObject({TITLE: writer.text(title or ""), PARENT: writer.ref(pdf.OUTLINES)})
                fields.update(links_between(siblings, children, len(entries)))
                fields[DEST] = writer.destination(pdf.page_object(first))
                pdf.write(own, fields)
                total += 1
            total += len(entries)
        pdf.write(
            pdf.OUTLINES,
            DictionaryObject(
                {
                    writer.TYPE: writer.name("/Outlines"),
                    FIRST: writer.ref(top[0]),
                    LAST: writer.ref(top[-1]),
                    COUNT: NumberObject(total),
                }
            ),
        )
        return pdf.OUTLINES

    def _entry(
        self,
        number: int,
        part: RenderedPart,
        slot: int,
        first: int,
        parent: int,
        siblings: tuple[int | None, int | None],
        children: tuple[int, int] | None,
        count: int,
    ) -> None:
        index, x, y = part.places.get(part.places.anchor(slot))
        fields = DictionaryObject({TITLE: writer.text(part.titles[slot]), PARENT: writer.ref(parent)})
        fields.update(links_between(siblings, children, count))
        fields[DEST] = writer.destination(self.pdf.page_object(first + index), x, y)
        self.pdf.write(number, fields)


TITLE, PARENT, DEST = writer.name("/Title"), writer.name("/Parent"), writer.name("/Dest")
PREV, NEXT = writer.name("/Prev"), writer.name("/Next")
FIRST, LAST, COUNT = writer.name("/First"), writer.name("/Last"), writer.name("/Count")


def links_between(
    siblings: tuple[int | None, int | None], children: tuple[int, int] | None, count: int
) -> dict[NameObject, PdfObject]:
    """An outline entry's /Prev, /Next, and its /First, /Last and /Count (every entry is open)."""
    before, after = siblings
    fields: dict[NameObject, PdfObject] = {}
    if before is not None:
        fields[PREV] = writer.ref(before)
    if after is not None:
        fields[NEXT] = writer.ref(after)
    if children is not None:
        fields[FIRST], fields[LAST], fields[COUNT] = (
            writer.ref(children[0]),
            writer.ref(children[1]),
            NumberObject(count),
        )
    return fields


__all__ = ["Edition", "OutputFile", "assemble", "write_complete", "write_part"]
