"""Turn a PDF into a saddle-stitch booklet: two pages on each side of a sheet, in folding order.

A stack of the sheets, printed on both sides (flipping on the short edge), folded once down
the middle and stapled on the fold, reads in page order. Pages are padded with blanks to a
multiple of four, since each folded sheet carries four pages. A book that reads right to left
binds on the right: its sides are mirrored, the cover on the left half of the first.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import DictionaryObject, NameObject

Side = tuple[int | None, int | None]  # (left, right) page numbers from 1; None is a blank half


def booklet_order(pages: int, right_to_left: bool = False) -> list[Side]:
    """The sides of the sheets in print order (sheet 1 front, sheet 1 back, sheet 2 front …).

    With the page count padded to n, a multiple of 4, sheet s (from 0) carries
    front = (n − 2s, 2s + 1) and back = (2s + 2, n − 2s − 1); padding pages are blank.
    `right_to_left`: each side mirrored, for a book bound on the right.
    """
    if pages < 0:
        raise ValueError(f"a document has at least 0 pages, not {pages}")
    n = -(-pages // 4) * 4
    sides: list[Side] = []
    for s in range(n // 4):
        for outer, inner in ((n - 2 * s, 2 * s + 1), (2 * s + 2, n - 2 * s - 1)):
            left, right = (inner, outer) if right_to_left else (outer, inner)
            sides.append((left if left <= pages else None, right if right <= pages else None))
    return sides


def booklet(data: bytes, right_to_left: bool = False) -> tuple[bytes, int]:
    """The booklet of a PDF (each side twice the width of a page) and its number of sides;
    bound on the right if `right_to_left`."""
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        # Links would drag their target pages along, and their rectangles mean nothing on paper.
        if "/Annots" in page:
            del page[NameObject("/Annots")]
    first = reader.pages[0].mediabox
    width, height = float(first.width), float(first.height)
    writer = PdfWriter()
    for left, right in booklet_order(len(reader.pages), right_to_left):
        side = writer.add_blank_page(2 * width, height)
        for slot, number in enumerate((left, right)):
            if number is not None:
                source = reader.pages[number - 1]
                box = source.mediabox
                shift = Transformation().translate(slot * width - float(box.left), -float(box.bottom))
                side.merge_transformed_page(source, shift)
    metadata = dict(reader.metadata or {})
    info = {str(key): str(value) for key, value in metadata.items() if key != "/Title"}
    title = metadata.get("/Title")
    info["/Title"] = f"{title} (booklet)" if title else "Booklet"
    writer.add_metadata(info)
    root = writer.root_object
    language = reader.root_object.get("/Lang")
    if language is not None:
        root[NameObject("/Lang")] = language
    # Ask the print dialog for what folding needs: both sides, turned over the short edge.
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/Duplex"): NameObject("/DuplexFlipShortEdge")}
    )
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
