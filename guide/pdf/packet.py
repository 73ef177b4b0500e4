"""Write the interviewer's packet from its finished pages: one file, an outline entry per question.

The packet is a part of its own (layout.render_packet), written as the parts of an edition are
(assemble.Book): page by page, with page labels that match its folios and the guide's metadata.
Its outline is flat, one entry a question ("4. What is …"), in the order of the pages.
"""

from __future__ import annotations

from pathlib import Path

from pypdf.generic import DictionaryObject, NumberObject

from guide.data.model import Guide
from guide.layout import Rendered
from guide.layout.styles import Theme
from guide.pdf import writer
from guide.pdf.assemble import COUNT, DEST, FIRST, LAST, PARENT, TITLE, Book, OutputFile, links_between
from guide.pdf.info import document_info

ROLE = "interviewer"  # its role in manifest.json, and its part in the layout


def write_packet(guide: Guide, theme: Theme, rendered: Rendered, path: Path) -> OutputFile:
    """The interviewer's packet of `rendered` (layout.render_packet) as the file `path`."""
    part = rendered.parts[ROLE]
    book = _PacketBook(path, theme, rendered, {ROLE: (part, 0)}, None)
    with book.pdf:
        book.add_pages(part)
        book.label_part(part)
        book.outline_part(None, part)
        title = f"{guide.title}: {theme.labels['interviewer_packet']}"
        book.finish(document_info(guide, title), guide.language)
    return book.output(ROLE)


class _PacketBook(Book):
    """A book whose outline lists its questions at the top level, with no topics above them."""

    def _write_outline(self) -> int | None:
        pdf = self.pdf
        _, part, first = self.outlines[0]
        entries = part.outline
        if not entries:
            return None
        base = pdf.next_number
        for _ in range(len(entries)):
            pdf.allocate()
        last = len(entries) - 1
        for k, slot in enumerate(entries):
            index, x, y = part.places.get(part.places.anchor(slot))
            fields = DictionaryObject(
                {TITLE: writer.text(part.titles[slot]), PARENT: writer.ref(pdf.OUTLINES)}
            )
            siblings = (base + k - 1 if k else None, base + k + 1 if k < last else None)
            fields.update(links_between(siblings, None, 0))
            fields[DEST] = writer.destination(pdf.page_object(first + index), x, y)
            pdf.write(base + k, fields)
        pdf.write(
            pdf.OUTLINES,
            DictionaryObject(
                {
                    writer.TYPE: writer.name("/Outlines"),
                    FIRST: writer.ref(base),
                    LAST: writer.ref(base + last),
                    COUNT: NumberObject(len(entries)),
                }
            ),
        )
        return pdf.OUTLINES


__all__ = ["ROLE", "write_packet"]
