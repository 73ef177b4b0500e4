"""Turn chosen pages of built PDFs into one PNG contact sheet: a row of pages for each part.

Pages are rendered by PDFium (pypdfium2) and laid side by side with Pillow, each with its number
under it, on a gray ground so that white pages stand out; the PNG is written with a small palette,
which keeps a sheet of text pages small without blurring the text.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from guide.errors import GuideError, Location, Problem, display_path
from guide.layout.styles import STYLES_DIR

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DEFAULT_PAGES = "1-3"
DEFAULT_WIDTH = 420  # pixels a page: text reads at this width on a screen
MAX_WIDTH = 2000
COLUMNS = 4  # pages a row, at most: a part with more continues on the next row
MARGIN = 24
GAP = 16
BACKGROUND = (226, 229, 233)
INK = (28, 28, 28)
COLOURS = 64  # the palette: grays and the style's few colours
LABEL_FONT = STYLES_DIR / "fonts" / "DejaVuSans.ttf"  # shipped with guide, and draws – and ·

Ranges = tuple[tuple[int, int | None], ...]  # (first, last or None for "to the end"), from 1


class PagesError(ValueError):
    """A --pages value that is not a list of pages."""


def parse_pages(spec: str) -> Ranges:
    """'1-3,7,10-' into ranges of page numbers (from 1; an open range runs to the part's end)."""
    ranges: list[tuple[int, int | None]] = []
    for written in spec.split(","):
        part = written.strip()
        first, dash, last = (p.strip() for p in part.partition("-"))
        if not first.isdigit() or (last and not last.isdigit()) or (not dash and last):
            raise PagesError(f"'{part}' is not a page (7), a range (1-3) or an open range (10-)")
        start = int(first)
        end = None if dash and not last else int(last) if last else start
        if start < 1 or (end is not None and end < start):
            raise PagesError(f"'{part}' is not a range of pages: pages count from 1, first to last")
        ranges.append((start, end))
    if not ranges:
        raise PagesError("give pages such as 1-3,7")
    return tuple(ranges)


def chosen(ranges: Ranges, count: int) -> list[int]:
    """The pages (from 0) of a part of `count` pages that ranges choose, in order, each once."""
    seen: dict[int, None] = {}
    for start, end in ranges:
        for number in range(start, min(count, end if end is not None else count) + 1):
            seen.setdefault(number - 1, None)
    return list(seen)


@dataclass(frozen=True)
class Part:
    """A PDF to show a row of, with its label."""

    label: str
    path: Path


@dataclass(frozen=True)
class Shown:
    """What a sheet shows of a part: the pages (from 1) and how many it has."""

    label: str
    pages: tuple[int, ...]
    count: int


def contact_sheet(
    title: str, parts: Sequence[Part], ranges: Ranges, width: int
) -> tuple[Image.Image, list[Shown]]:
    """A contact sheet of the chosen pages of each part; GuideError if no part has any of them."""
    rows: list[tuple[str, list[tuple[int, Image.Image]]]] = []
    shown: list[Shown] = []
    for part in parts:
        pdf = pdfium.PdfDocument(str(part.path))
        try:
            indices = chosen(ranges, len(pdf))
            images = []
            for index in indices:
                page = pdf[index]
                scale = width / page.get_width()
                bitmap = page.render(scale=scale)
                images.append((index + 1, bitmap.to_pil().convert("RGB")))
                bitmap.close()
                page.close()
            shown.append(Shown(part.label, tuple(i + 1 for i in indices), len(pdf)))
        finally:
            pdf.close()
        if images:
            rows.append(
                (f"{part.label}: pages {_numbers([n for n, _ in images])} of {shown[-1].count}", images)
            )
    if not rows:
        counts = ", ".join(f"{s.label.lower()} {s.count}" for s in shown)
        raise GuideError(
            [Problem(Location("--pages"), f"none of the pages asked for exists (pages: {counts})")]
        )
    return _compose(title, rows, width), shown


def _numbers(numbers: list[int]) -> str:
    """1, 2, 3, 7 as '1-3, 7'."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _compose(title: str, rows: list[tuple[str, list[tuple[int, Image.Image]]]], width: int) -> Image.Image:
    heading, label, small = (ImageFont.truetype(str(LABEL_FONT), size) for size in (20, 16, 13))
    page_height = max(image.height for _, images in rows for _, image in images)
    columns = min(COLUMNS, max(len(images) for _, images in rows))
    sheet_width = 2 * MARGIN + columns * width + (columns - 1) * GAP
    title_height = 40
    label_height = 30
    number_height = 24
    lines = [
        (text, [images[i : i + COLUMNS] for i in range(0, len(images), COLUMNS)]) for text, images in rows
    ]
    height = MARGIN + title_height
    for _, chunks in lines:
        height += label_height + len(chunks) * (page_height + number_height) + GAP
    height += MARGIN - GAP
    sheet = Image.new("RGB", (sheet_width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text((MARGIN, MARGIN), title, font=heading, fill=INK)
    y = MARGIN + title_height
    for text, chunks in lines:
        draw.text((MARGIN, y + 4), text, font=label, fill=INK)
        y += label_height
        for chunk in chunks:
            for column, (number, image) in enumerate(chunk):
                x = MARGIN + column * (width + GAP)
                draw.rectangle((x - 1, y - 1, x + image.width, y + image.height), outline=(160, 164, 170))
                sheet.paste(image, (x, y))
                caption = str(number)
                caption_width = draw.textlength(caption, font=small)
                draw.text(
                    (x + (image.width - caption_width) / 2, y + image.height + 4),
                    caption,
                    font=small,
                    fill=INK,
                )
            y += page_height + number_height
        y += GAP
    return sheet


def write_png(image: Image.Image, path: Path) -> int:
    """Write the sheet as a PNG with a small palette, in one step; the bytes written.

    An existing file is replaced only if it is a PNG: a mistyped --out never destroys a document.
    """
    shown = display_path(path)
    try:
        with open(path, "rb") as existing:
            if existing.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
                raise GuideError(
                    [
                        Problem(
                            Location(shown),
                            "the file exists and is not a PNG; choose another --out, or move it away",
                        )
                    ]
                )
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        raise GuideError(
            [Problem(Location(shown), "is a folder; give --out a file name ending in .png")]
        ) from None
    except OSError as exc:
        raise GuideError([Problem(Location(shown), f"cannot write the file: {exc.strerror or exc}")]) from exc
    small = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}+tmp-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                small.save(out, format="PNG", optimize=True)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as exc:
        raise GuideError([Problem(Location(shown), f"cannot write the file: {exc.strerror or exc}")]) from exc
    return path.stat().st_size
