"""Where pages go once drawn: a ReportLab canvas that hands each finished page to a spill file.

ReportLab keeps every page of a document in memory until it saves; a guide of 50,000 questions
has 55,000 pages. This canvas keeps none: each page's content (PDF operators, with a marker
line where a number known only later goes) is written to a PageStore on disk with the links
drawn on it, and ReportLab is left with the fonts, which it writes at the end as a small PDF.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from guide.data.text import short_title
from guide.layout.kit import Colour, Kit
from guide.layout.paragraph import TextPen, width_of
from guide.layout.spans import Span, plain

# The line of page content that stands for something drawn later (see defer): ReportLab writes
# every byte below 32 in text as an escape, so no text drawn on the page can look like it.
MARK = "\x00deferred "
MARKED = re.compile("^" + re.escape(MARK) + r"(.*)$", re.MULTILINE)

Rect = tuple[float, float, float, float]
# A link as drawn: what it opens ("uri", "anchor": an anchor of this part, "across": one of the
# other part's), its rectangle on the page, and its target (an address or an anchor's name).
Link = tuple[str, Rect, str]


class PageStore:
    """The pages one process draws, in a file: each page's content and the links on it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = open(path, "w+b")  # noqa: SIM115 (closed by close(), after the last read)
        self.entries: list[tuple[int, int, int]] = []  # (offset, content bytes, link bytes)
        self.end = 0

    def add(self, content: str, links: list[Link]) -> int:
        data = content.encode("latin-1")
        encoded = "".join(f"{kind} {fp_str(*rect)} {_clean(target)}\n" for kind, rect, target in links)
        link_data = encoded.encode("utf-8")
        self.file.seek(self.end)
        self.file.write(data)
        self.file.write(link_data)
        self.entries.append((self.end, len(data), len(link_data)))
        self.end += len(data) + len(link_data)
        return len(self.entries) - 1

    def read(self, index: int) -> tuple[str, list[Link]]:
        offset, size, link_size = self.entries[index]
        self.file.seek(offset)
        data = self.file.read(size + link_size)
        return data[:size].decode("latin-1"), parse_links(data[size:].decode("utf-8"))

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()


def _clean(target: str) -> str:
    """A link target as one word: an address has its white space escaped, as a browser would."""
    return re.sub(r"\s", lambda m: f"%{ord(m.group()):02X}", target)


def parse_links(encoded: str) -> list[Link]:
    links: list[Link] = []
    for line in encoded.splitlines():
        kind, x1, y1, x2, y2, target = line.split(" ", 5)
        links.append((kind, (float(x1), float(y1), float(x2), float(y2)), target))
    return links


class PageCanvas(Canvas):  # type: ignore[misc]
    """ReportLab's canvas, each finished page handed to a PageStore instead of kept.

    Everything ReportLab draws (a table's grid, say) and everything the blocks write straight
    into the page's content ends up in the same place; links are recorded, not annotated, so
    that the writer makes them once it knows where every page lands.
    """

    def __init__(self, kit: Kit, store: PageStore) -> None:
        super().__init__(
            io.BytesIO(),
            pagesize=kit.theme.paper,
            invariant=1,
            pageCompression=1,
            initialFontName=kit.face("body"),
        )
        self.kit = kit
        self.store = store
        self.page_links: list[Link] = []
        self.pager: Any = None  # the pager laying out the current page, told of anchors

    def record_link(self, rect: Rect, kind: str, target: str) -> None:
        x1, y1, x2, y2 = (round(v, 3) for v in self._absRect(rect, 1))
        self.page_links.append((kind, (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), target))

    def showPage(self) -> None:
        self.store.add("\n".join(self._code), self.page_links)
        self.page_links = []
        self._startPage()

    def fonts_pdf(self) -> bytes:
        """A PDF of one empty page whose resources name every font the pages used, with its subsets."""
        self._code: list[str] = []
        Canvas.showPage(self)
        return bytes(self.getpdfdata())


def style_spans(kit: Kit, style: str, value: str) -> list[Span]:
    """One line of plain text in a named style, each run in a font that has it."""
    return plain(value, kit.style(style))


def spans_width(spans: list[Span]) -> float:
    return sum(width_of(s.font, s.face, s.size, s.text) for s in spans)


def draw_spans(canv: Any, spans: list[Span], x: float, y: float, colour: Colour) -> None:
    """Draw spans as one line from (x, y), on the baseline, all in one colour."""
    pen = TextPen(canv)
    pen.move(x, y)
    pen.set_colour(colour)
    for span in spans:
        pen.show(span.face, span.font, span.size, span.text)
    canv._code.extend(["q", "BT", *pen.ops, "ET", "Q"])


def draw_line(canv: Any, kit: Kit, style: str, x: float, y: float, value: str, align: str = "left") -> float:
    """Draw one line in a named style, in the muted colour of page furniture; return its width.

    Remembered per canvas: the running head is the same on page after page.
    """
    drawn = getattr(canv, "_guide_lines", None)
    if drawn is None:
        drawn = canv._guide_lines = {}
    key = (style, value, x, y, align)
    found = drawn.get(key)
    if found is None:
        spans = style_spans(kit, style, value)
        width = spans_width(spans)
        start = x - {"left": 0.0, "right": width, "center": width / 2}[align]
        code = canv._code
        canv._code = []
        draw_spans(canv, spans, start, y, kit.colour("muted"))
        found = (canv._code, width)
        canv._code = code
        if len(drawn) < 10_000:
            drawn[key] = found
    canv._code.extend(found[0])
    return found[1]


def line_width(kit: Kit, style: str, value: str) -> float:
    """The width of one line in a named style, as draw_line draws it (remembered: running heads
    and footers ask for the same few lines on every page)."""
    key = (style, value)
    width = kit.line_widths.get(key)
    if width is None:
        if len(kit.line_widths) > 10_000:
            kit.line_widths.clear()
        width = kit.line_widths[key] = spans_width(style_spans(kit, style, value))
    return width


def fit_line(kit: Kit, style: str, value: str, room: float) -> str:
    """The value on one line, cut short at a word with an ellipsis until it is no wider than
    `room` ("" if nothing fits). Remembered: running heads ask the same of every page."""
    key = (style, value, round(room, 2))
    fitted = kit.fitted.get(key)
    if fitted is None:
        limit = len(value)
        fitted = value
        while fitted and line_width(kit, style, fitted) > room:
            limit -= max(1, limit // 20)
            fitted = short_title(value, limit) if limit > 1 else ""
        if len(kit.fitted) > 10_000:
            kit.fitted.clear()
        kit.fitted[key] = fitted
    return fitted


def defer(canv: Any, name: str, x: float, y: float, style: str, leader: float | None = None) -> None:
    """Mark the place of a number drawn once it is known: right-aligned at (x, y), `name` in `style`.

    A contents number has a dotted leader from `leader` (relative to x) up to it. The marker is a
    line of the page's content that finish.Resolver replaces with the drawing.
    """
    leader_text = "-" if leader is None else fp_str(leader)
    canv._code.append(f"q 1 0 0 1 {fp_str(x, y)} cm\n{MARK}{name} {style} {leader_text}\nQ")


def page_marker(canv: Any, name: str) -> None:
    """Mark something drawn on the whole page once the page's number is known (its footer)."""
    canv._code.append(f"{MARK}{name} - -")
