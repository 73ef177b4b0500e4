"""Make the three published PDFs of an edition: the two parts as laid out, and the complete edition.

ReportLab writes the study guide and the answer key whole (render.py). The complete edition is
the two merged with pypdf, the only use of pypdf here. Its merge drops what matters for a book,
so this module puts each back explicitly: the links from one part to the other's file become
links within the book, the page labels match the printed folios, and the metadata is the guide's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    BooleanObject,
    DictionaryObject,
    Fit,
    NameObject,
    TextStringObject,
)

from guide.model import Guide
from guide.pdfinfo import document_info, file_name
from guide.render import PartPdf, Parts
from guide.styles import Theme


@dataclass(frozen=True)
class OutputFile:
    role: str
    name: str
    data: bytes
    pages: int


@dataclass(frozen=True)
class Edition:
    """The bytes of every file of one edition, ready to publish."""

    guide: Guide
    files: tuple[OutputFile, ...]

    def summary(self) -> dict[str, tuple[str, int]]:
        return {f.role: (f.name, f.pages) for f in self.files}


def assemble(guide: Guide, theme: Theme, parts: Parts) -> Edition:
    """The three PDFs of an edition: the two parts as they are, and the two merged into one book."""
    study = OutputFile("study_guide", file_name(guide, "study_guide"), parts.study.data, parts.study.pages)
    key = OutputFile("answer_key", file_name(guide, "answer_key"), parts.key.data, parts.key.pages)
    return Edition(guide, (study, key, _complete(guide, theme, parts, file_name(guide, "complete"))))


def _complete(guide: Guide, theme: Theme, parts: Parts, name: str) -> OutputFile:
    """Both parts in one book: one outline, page labels, and live links between them.

    The pages are added without their links, which are then made again from what each part
    recorded while it was drawn: cheaper than pypdf's append(), which reads every link and
    outline entry back and filters them through its general machinery, and exact.
    """
    writer = PdfWriter()
    offsets: dict[str, int] = {}
    for part in (parts.study, parts.key):
        if len(writer.pages) % 2:
            # The answer key starts on a right-hand page, so duplex printing keeps it on its own sheet.
            first = writer.pages[0]
            writer.add_blank_page(float(first.mediabox.width), float(first.mediabox.height))
        offsets[part.part] = len(writer.pages)
        for page in PdfReader(io.BytesIO(part.data)).pages:
            writer.add_page(page, excluded_keys=("/Annots",))
    _links(writer, parts.study, parts.key, offsets)
    _links(writer, parts.key, parts.study, offsets)
    _label_part(writer, parts.study, 0, end=offsets["key"] - 1)
    _label_part(writer, parts.key, offsets["key"])
    _outline(writer, theme, parts, offsets)
    return _finish(writer, guide, name)


def _links(writer: PdfWriter, part: PartPdf, other: PartPdf, offsets: dict[str, int]) -> None:
    """Each link of a part again, on its page of the book: within the part, into the other part, or out."""
    for page, rect, kind, target in part.links:
        if kind == "uri":
            link = Link(rect=rect, border=[0, 0, 0], url=target)
        else:
            owner = part if kind == "anchor" else other
            index, x, y = owner.anchors[target]
            link = Link(rect=rect, border=[0, 0, 0], target_page_index=offsets[owner.part] + index,
                        fit=Fit.xyz(x, y))  # fmt: skip
        writer.add_annotation(offsets[part.part] + page, link)


def _outline(writer: PdfWriter, theme: Theme, parts: Parts, offsets: dict[str, int]) -> None:
    """One outline: each part's entry, and under it the part's own outline, every entry open."""
    for part, role in ((parts.study, "study_guide"), (parts.key, "answer_key")):
        offset = offsets[part.part]
        top = writer.add_outline_item(title=theme.labels[role], page_number=offset)
        parents = {0: top}
        for title, level, anchor in part.outline:
            index, x, y = part.anchors[anchor]
            item = writer.add_outline_item(
                title=title, page_number=offset + index, parent=parents[level], fit=Fit.xyz(x, y)
            )
            parents[level + 1] = item


def _label_part(writer: PdfWriter, part: PartPdf, offset: int, end: int | None = None) -> None:
    """Page labels that match the printed folios: i, ii … for front matter, then 1, 2 … (A-1 … in the key)."""
    last = offset + part.pages - 1 if end is None else end
    prefix = part.folio_prefix
    if part.body_start > 0:
        writer.set_page_label(offset, offset + part.body_start - 1, style=PageLabelStyle.LOWERCASE_ROMAN,
                              prefix=prefix or None, start=1)  # fmt: skip
    writer.set_page_label(offset + part.body_start, last, style=PageLabelStyle.DECIMAL, prefix=prefix or None,
                          start=1)  # fmt: skip


def _true() -> BooleanObject:
    return BooleanObject(True)


def _finish(writer: PdfWriter, guide: Guide, name: str) -> OutputFile:
    writer.add_metadata(document_info(guide, guide.title, with_pypdf=True))
    writer.page_mode = "/UseOutlines"
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(guide.language)
    prefs = DictionaryObject({NameObject("/DisplayDocTitle"): _true()})
    root[NameObject("/ViewerPreferences")] = prefs
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return OutputFile("complete", name, out.getvalue(), len(writer.pages))
