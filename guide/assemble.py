"""Turn the two laid-out parts into the three published PDFs: study guide, answer key, complete edition.

The only module that uses pypdf. pypdf's merge drops what matters for a book (links to the
other file, page labels, metadata, language), so this module puts each back explicitly:
placeholder links from the layout become real destinations (or links to the sibling file),
page labels match the printed folios, and font subset names are made unique.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from guide import __version__
from guide.model import Guide
from guide.parallel import beside, wanted
from guide.render import LINK_SCHEME, PartPdf, Parts
from guide.styles import Theme

ROLES = ("study_guide", "answer_key", "complete")
SUFFIX = {"study_guide": "study-guide", "answer_key": "answer-key", "complete": "complete"}


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


def file_name(guide: Guide, role: str) -> str:
    """The published name of a file: <guide>-<edition>-<role>.pdf (a contract)."""
    return f"{guide.id}-{guide.edition}-{SUFFIX[role]}.pdf"


def assemble(guide: Guide, theme: Theme, parts: Parts, *, parallel: bool | None = None) -> Edition:
    """Make the three PDFs of an edition from the two parts.

    The two standalone files and the complete edition share nothing once the parts are read:
    for a large guide they are made at the same time, the standalone ones in a child process
    (`parallel` forces the choice); the bytes are the same either way.
    """
    names = {role: file_name(guide, role) for role in ROLES}
    by_part = {"study": parts.study, "key": parts.key}
    # One reader per part, shared by the writers: pypdf caches what it has parsed.
    readers = {name: PdfReader(io.BytesIO(part.data)) for name, part in by_part.items()}

    def standalone() -> list[OutputFile]:
        return [
            _standalone(guide, theme, role, part, readers[part.part], by_part, names)
            for role, part in (("study_guide", parts.study), ("answer_key", parts.key))
        ]

    def complete() -> OutputFile:
        return _complete(guide, theme, parts, readers, names["complete"])

    if wanted(parallel, len(guide.questions)):
        both, whole = beside(standalone, complete, guide.location)
    else:
        both, whole = standalone(), complete()
    return Edition(guide, (*both, whole))


def _standalone(
    guide: Guide,
    theme: Theme,
    role: str,
    part: PartPdf,
    reader: PdfReader,
    by_part: dict[str, PartPdf],
    names: dict[str, str],
) -> OutputFile:
    """The study guide or the answer key on its own: its links into the other open that file."""
    sibling = names["answer_key" if role == "study_guide" else "study_guide"]
    writer = PdfWriter()
    writer.append(reader)
    _label_part(writer, part, 0)
    _resolve_links(writer, {part.part: 0}, by_part, external=sibling)
    title = theme.labels["study_guide" if role == "study_guide" else "answer_key"]
    return _finish(writer, guide, f"{guide.title}: {title}", role, names[role])


def _complete(
    guide: Guide, theme: Theme, parts: Parts, readers: dict[str, PdfReader], name: str
) -> OutputFile:
    """Both parts in one book: one outline, page labels, and live links between them."""
    by_part = {"study": parts.study, "key": parts.key}
    writer = PdfWriter()
    offsets = {"study": 0}
    writer.append(readers["study"], outline_item=theme.labels["study_guide"])
    if len(writer.pages) % 2:
        # The answer key starts on a right-hand page, so duplex printing keeps it on its own sheet.
        first = writer.pages[0]
        writer.add_blank_page(float(first.mediabox.width), float(first.mediabox.height))
    offsets["key"] = len(writer.pages)
    writer.append(readers["key"], outline_item=theme.labels["answer_key"])
    _label_part(writer, parts.study, 0, end=offsets["key"] - 1)
    _label_part(writer, parts.key, offsets["key"])
    _resolve_links(writer, offsets, by_part, external=None)
    return _finish(writer, guide, guide.title, "complete", name)


def _label_part(writer: PdfWriter, part: PartPdf, offset: int, end: int | None = None) -> None:
    """Page labels that match the printed folios: i, ii … for front matter, then 1, 2 … (A-1 … in the key)."""
    last = offset + part.pages - 1 if end is None else end
    prefix = part.folio_prefix
    if part.body_start > 0:
        writer.set_page_label(offset, offset + part.body_start - 1, style=PageLabelStyle.LOWERCASE_ROMAN,
                              prefix=prefix or None, start=1)  # fmt: skip
    writer.set_page_label(offset + part.body_start, last, style=PageLabelStyle.DECIMAL, prefix=prefix or None,
                          start=1)  # fmt: skip


def _resolve_links(
    writer: PdfWriter, offsets: dict[str, int], parts: dict[str, PartPdf], *, external: str | None
) -> None:
    """Turn placeholder links into destinations here, links into the sibling file, or nothing."""
    where = {anchor: (name, spot) for name, part in parts.items() for anchor, spot in part.anchors.items()}
    for page in writer.pages:
        annots = page.get("/Annots")
        if not annots:
            continue
        kept = ArrayObject()
        for ref in annots.get_object():
            annot = ref.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is None or not str(uri).startswith(LINK_SCHEME):
                kept.append(ref)
                continue
            part_name, (index, x, y) = where[str(uri)[len(LINK_SCHEME) :]]
            if part_name in offsets:
                target = writer.pages[offsets[part_name] + index].indirect_reference
                del annot["/A"]
                annot[NameObject("/Dest")] = ArrayObject(
                    [target, NameObject("/XYZ"), FloatObject(x), FloatObject(y), NullObject()]
                )
            elif external is not None:
                # A remote destination names its page by index: the sibling file opens at the right page.
                annot[NameObject("/A")] = DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/GoToR"),
                        NameObject("/F"): TextStringObject(external),
                        NameObject("/D"): ArrayObject(
                            [
                                NumberObject(index),
                                NameObject("/XYZ"),
                                FloatObject(x),
                                FloatObject(y),
                                NullObject(),
                            ]
                        ),
                    }
                )
            else:
                continue
            kept.append(ref)
        page[NameObject("/Annots")] = kept


def _true() -> BooleanObject:
    return BooleanObject(True)


MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a PDF date can hold


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH in whole seconds, None when unset; ValueError when it is not such a number."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) > MAX_EPOCH:
        raise ValueError(raw)
    return int(raw)


def _pdf_date(guide: Guide) -> str | None:
    epoch = source_date_epoch()
    if epoch is not None:
        moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        return moment.strftime("D:%Y%m%d%H%M%SZ")
    if guide.date is not None:
        return guide.date.strftime("D:%Y%m%d000000Z")
    return None


def _finish(writer: PdfWriter, guide: Guide, title: str, role: str, name: str) -> OutputFile:
    info = {
        "/Title": title,
        "/Author": ", ".join(guide.authors),
        "/Subject": guide.subtitle or guide.title,
        "/Keywords": ", ".join([*(t.title for t in guide.topics), f"edition {guide.edition}"]),
        "/Creator": f"guide {__version__}",
        "/Producer": f"guide {__version__} (ReportLab 5.1.0, pypdf 7.1.0)",
    }
    date = _pdf_date(guide)
    if date:
        info["/CreationDate"] = date
        info["/ModDate"] = date
    if not info["/Author"]:
        del info["/Author"]  # a guide without authors: no author, rather than an empty one
    writer.add_metadata(info)
    writer.page_mode = "/UseOutlines"
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(guide.language)
    prefs = DictionaryObject({NameObject("/DisplayDocTitle"): _true()})
    root[NameObject("/ViewerPreferences")] = prefs
    _retag_subset_fonts(writer)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return OutputFile(role, name, out.getvalue(), len(writer.pages))


_SUBSET = re.compile(r"^/[A-Z]{6}\+")


def _retag_subset_fonts(writer: PdfWriter) -> None:
    """Give every font subset a tag derived from its bytes: merged parts both had an AAAAAA+ subset."""
    seen: set[int] = set()
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if not fonts:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            base = str(font.get("/BaseFont", ""))
            if id(font) in seen or not _SUBSET.match(base):
                continue
            seen.add(id(font))
            descriptor = font["/FontDescriptor"].get_object()
            program = (
                descriptor.get("/FontFile2") or descriptor.get("/FontFile3") or descriptor.get("/FontFile")
            )
            data = program.get_object().get_data() if program is not None else b""
            digest = hashlib.sha256(data + base.encode()).digest()
            tag = "".join(chr(65 + b % 26) for b in digest[:6])
            new = NameObject("/" + tag + base[7:])
            font[NameObject("/BaseFont")] = new
            descriptor[NameObject("/FontName")] = new
