"""The page side of a part: page templates, running heads and folios, anchors, and deferred numbers.

A part is laid out once. Numbers that are only known once everything is laid out (the
page count, contents page numbers, the page of an answer in the other part) are marked in
the page's content while laying out, and drawn in their place by `finish`, just before saving.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from guide import text
from guide.fonts import split_runs, visible
from guide.render.styles import Kit

Anchor = tuple[int, float, float]  # page index, x, y (top of the target, in points)
OutlineEntry = tuple[str, int, str]  # title, level (0: a topic, 1: a question), anchor
# A link as drawn: page index, rectangle (x1, y1, x2, y2 on the page), and what it opens:
# ("anchor", an anchor of this part), ("across", one of the other part's), ("uri", an address).
LinkRecord = tuple[int, tuple[float, float, float, float], str, str]

# Set explicitly: RL_* environment variables and reportlab_settings files would otherwise
# change them, and with them the bytes of the output.
rl_config.invariant = 1
rl_config.useA85 = 0
rl_config.pageCompression = 1
rl_config.ttfAsciiReadable = 1
rl_config.allowTableBoundsErrors = 1

# The line of page content that stands for a deferred number (see defer): ReportLab writes
# every byte below 32 in text as an escape, so no text drawn on the page can look like it.
_MARK = "\x00deferred "
_MARKED = re.compile("^" + re.escape(_MARK) + r"(\S+)$", re.MULTILINE)
# How many flowables ReportLab is shown at a time, at least (see PartDocument.build).
LOOKAHEAD = 256


@dataclass
class PartInfo:
    """What the page furniture of one part prints."""

    part: str  # "study" or "key"
    title: str
    edition: str
    folio_prefix: str  # "" for the study guide, "A-" for the answer key
    part_label: str
    metadata: dict[str, str]  # the Info dictionary, keys as PDF names ("/Title"): see pdfinfo
    language: str
    # The file that links to the other part open, its published name; None: no links across
    # (a candidate's copy, which goes out without its key).
    sibling: str | None
    stamp: str = ""  # a line in the footer of every page, e.g. the candidate a copy was made for
    watermark: str = ""  # light diagonal text behind every page


class PartDocument(BaseDocTemplate):  # type: ignore[misc]
    """One part (study guide or answer key) of a guide, laid out in a single pass."""

    def __init__(self, kit: Kit, info: PartInfo) -> None:
        self.buffer = io.BytesIO()
        theme = kit.theme
        margins = theme.margins
        super().__init__(
            self.buffer,
            pagesize=theme.paper,
            leftMargin=margins["inner"],
            rightMargin=margins["outer"],
            topMargin=margins["top"],
            bottomMargin=margins["bottom"],
            title=info.metadata["/Title"],
            lang=info.language,
            invariant=1,
            initialFontName=kit.face("body"),
            displayDocTitle=1,
        )
        self.kit = kit
        self.info = info
        self.anchors: dict[str, Anchor] = {}
        self.outline: list[OutlineEntry] = []  # as ReportLab's outline has it, for the complete edition
        self.links: list[LinkRecord] = []  # every link the part draws, for the complete edition
        self.deferred: set[str] = set()  # the names of the numbers drawn by finish()
        self.marked_pages: set[int] = set()  # indexes of the pages that hold such a number
        self.remote_actions: list[tuple[str, PDFDictionary]] = []  # (anchor, action) of links across
        self._fitted: dict[tuple[str, str, float], str] = {}  # _fit_width's answers
        self.blank_pages: set[int] = set()  # pages left blank so that the next starts on the right
        self.leaders: dict[str, tuple[float, Color]] = {}  # contents number → (leader start x, colour)
        self.folios: dict[int, str] = {}  # body page → alignment of its "Page 3 of N"
        self.body_start = 0  # page number (1-based) of the first body page
        self.topic = ""
        self.question: tuple[str, str] | None = None  # (label, topic) while a question is being set
        self.page_started_in: tuple[str, str] | None = None
        self.current_id = ""  # the question being laid out, for error messages
        self.making_id = ""  # the question whose flowables are being made (a little ahead)
        self._pending: Iterator[Any] = iter(())
        self._window: list[Any] = []
        self.on_page: Callable[[int, str], None] | None = None  # told (page, question id) per page
        self._doSave = 0  # finish() saves, once the deferred numbers are known
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="main",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=self._page_start),
                PageTemplate("front", [frame], onPage=self._page_start, onPageEnd=self._front_furniture),
                PageTemplate("body", [frame], onPage=self._page_start, onPageEnd=self._body_furniture),
            ]
        )

    def build(self, flowables: Iterable[Any]) -> None:
        """Lay out the flowables, made as they are needed and shown to ReportLab a few at a time.

        ReportLab takes each flowable off the front of its list (`del flowables[0]`): on the
        list of a whole part that is quadratic, 6 s of a 10,000-question answer key. A short
        list, topped up from the iterator as it empties, costs nothing, and the flowables of the
        whole part are never all in memory at once.
        """
        self._pending = iter(flowables)
        self._window = []
        self._top_up(self._window)
        super().build(self._window, canvasmaker=_RecordingCanvas)

    def _top_up(self, window: list[Any]) -> None:
        try:
            # ReportLab keeps a run of keep-with-next flowables together with the one after
            # it: the window never ends inside such a run, however long.
            while len(window) < LOOKAHEAD or window[-1].getKeepWithNext():
                window.append(next(self._pending))
        except StopIteration:
            pass
        except Exception:
            self.current_id = self.making_id  # an error making a question's flowables is its own
            raise

    def handle_flowable(self, flowables: list[Any]) -> None:
        qid = getattr(flowables[0], "_guide_qid", None) if flowables else None
        if qid is not None:
            self.current_id = qid
        super().handle_flowable(flowables)
        if flowables is self._window:  # ReportLab hands its own short lists here too
            self._top_up(flowables)

    def afterPage(self) -> None:  # ReportLab calls it when a page is done
        if self.on_page is not None:
            self.on_page(self.page, self.current_id)

    # --- called by flowables while drawing -------------------------------------------------------

    def on_mark(self, kind: str, value: Any) -> None:
        if kind == "body":
            self.body_start = self.canv.getPageNumber()
        elif kind == "topic":
            self.topic = value
        elif kind == "question":
            self.question = value
        elif kind == "end":
            self.question = None

    def record_anchor(
        self, anchor: str, position: tuple[float, float], outline: tuple[str, int] | None
    ) -> None:
        canv = self.canv
        x, y = round(position[0], 2), round(position[1], 2)
        self.anchors.setdefault(anchor, (canv.getPageNumber() - 1, x, y))
        canv.bookmarkPage(anchor, fit="XYZ", left=x, top=y)
        if outline is not None:
            title, level = outline
            canv.addOutlineEntry(title, anchor, level=level, closed=False)
            self.outline.append((title, level, anchor))

    def link_across(self, anchor: str, rect: tuple[float, float, float, float]) -> None:
        """A link over `rect` (in the current coordinates) to an anchor of the other part's file.

        Where it lands is only known once both parts are laid out: finish() fills it in.
        """
        if self.info.sibling is None:
            return
        canv = self.canv
        where = _rounded(canv._absRect(rect, 1))  # as canv.linkURL places its rectangle
        action = PDFDictionary()
        action["S"] = PDFName("GoToR")
        action["F"] = PDFString(self.info.sibling)
        link = PDFDictionary()
        link["Type"] = PDFName("Annot")
        link["Subtype"] = PDFName("Link")
        link["Rect"] = PDFArray(list(where))
        link["Border"] = PDFArray([0, 0, 0])
        link["A"] = action
        canv._addAnnotation(link)  # what canv.linkURL does, which cannot make a GoToR to a page
        self.remote_actions.append((anchor, action))
        self.links.append((canv.getPageNumber() - 1, where, "across", anchor))

    def defer(self, name: str, leader: tuple[float, Color] | None = None) -> None:
        """Draw here (at the current origin) the number `name`, known once both parts are laid out.

        `leader`: a dotted leader from this x to the number, which only finish() knows the width of.
        """
        self._mark(name)
        self.deferred.add(name)
        if leader is not None:
            self.leaders[name] = leader

    def _mark(self, name: str) -> None:
        # A line of the page's content, which finish() replaces with the number's drawing: as
        # cheap as a form XObject to lay out, and thousands fewer objects in the file.
        self.canv._code.append(_MARK + name)
        self.marked_pages.add(self.canv.getPageNumber() - 1)

    # --- page furniture ---------------------------------------------------------------------------

    def _page_start(self, canv: Canvas, doc: Any) -> None:
        self.page_started_in = self.question
        page = canv.getPageNumber()
        frame = self.pageTemplate.frames[0]
        # Duplex printing: the wider (inner) margin is at the binding, left on right-hand pages.
        frame._x1 = self._left(page)
        frame._geom()
        if self.info.watermark:
            self._watermark(canv)
        if self.info.stamp:
            canv.saveState()
            below_folio = self.bottomMargin - 24 - max(12.0, self.kit.theme.styles["header"].leading)
            # Cut to the text block's width: the stamp starts with the copy code, which stays.
            stamp = self._fit_width("header", self.info.stamp, self.width)
            self._text(canv, "header", self._left(page) + self.width / 2, below_folio, stamp, "center")
            canv.restoreState()

    def _watermark(self, canv: Canvas) -> None:
        spec = self.kit.theme.styles["cover_title"]
        runs = [
            (family.face(spec.bold, spec.italic), run)
            for family, run in split_runs(visible(self.info.watermark), self.kit.fonts_for("cover_title"))
        ]
        width, height = self.pagesize
        canv.saveState()
        canv.setFillColor(self.kit.colour("rule"), alpha=0.18)
        canv.translate(width / 2, height / 2)
        canv.rotate(54)
        size = 40.0
        while size > 10 and sum(canv.stringWidth(r, f, size) for f, r in runs) > height * 0.8:
            size -= 2
        runs = _fit_runs(
            canv, runs, size, height * 0.8, self.kit.fonts_for("cover_title")[0].face(spec.bold, spec.italic)
        )
        x = -sum(canv.stringWidth(r, f, size) for f, r in runs) / 2
        for face, run in runs:  # each run in a font that has it: a name in any script
            canv.setFont(face, size)
            canv.drawString(x, -size / 3, run)
            x += canv.stringWidth(run, face, size)
        canv.restoreState()

    def _left(self, page: int) -> float:
        """The x of the text block's left edge on a page."""
        margins = self.kit.theme.margins
        if self.kit.theme.duplex and page % 2 == 0:
            return float(margins["outer"])
        return float(margins["inner"])

    def _text(self, canv: Canvas, style: str, x: float, y: float, value: str, align: str = "left") -> float:
        """Draw one line in a named style, each run in the first font that has it; return its width."""
        spec = self.kit.theme.styles[style]
        runs = [
            (family.face(spec.bold, spec.italic), run)
            for family, run in split_runs(visible(value), self.kit.fonts_for(style))
        ]
        width: float = sum(canv.stringWidth(run, face, spec.size) for face, run in runs)
        x -= {"left": 0.0, "right": width, "center": width / 2}[align]
        canv.setFillColor(self.kit.colour("muted"))
        for face, run in runs:
            canv.setFont(face, spec.size)
            canv.drawString(x, y, run)
            x += canv.stringWidth(run, face, spec.size)
        return width

    def _width(self, style: str, value: str) -> float:
        """The width of one line in a named style, as _text draws it."""
        spec = self.kit.theme.styles[style]
        width: float = sum(
            stringWidth(run, family.face(spec.bold, spec.italic), spec.size)
            for family, run in split_runs(visible(value), self.kit.fonts_for(style))
        )
        return width

    def _fit_width(self, style: str, value: str, room: float) -> str:
        """The value, cut short with an ellipsis until it is no wider than room ("" if nothing fits).

        Remembered: the running heads ask the same of every page.
        """
        key = (style, value, round(room, 2))
        fitted = self._fitted.get(key)
        if fitted is None:
            limit = len(value)
            fitted = value
            while fitted and self._width(style, fitted) > room:
                limit -= max(1, limit // 20)
                fitted = _fit(value, limit) if limit > 1 else ""
            self._fitted[key] = fitted
        return fitted

    def _front_furniture(self, canv: Canvas, doc: Any) -> None:
        page = canv.getPageNumber()
        if page == 1 or page in self.blank_pages:
            return  # the cover, or a page put in so that what follows starts on a right-hand page
        canv.saveState()
        number = self.info.folio_prefix + _roman(page)  # the body, and so its start, is still to come
        self._text(
            canv, "header", self._outer_x(page), self.bottomMargin - 24, number, self._outer_align(page)
        )
        canv.restoreState()

    def _body_furniture(self, canv: Canvas, doc: Any) -> None:
        page = canv.getPageNumber()
        if page in self.blank_pages:
            return
        kit = self.kit
        canv.saveState()
        top = self.bottomMargin + self.height + 14
        left = self._left(page)
        right = left + self.width
        wordings = [self.topic]
        if self.page_started_in is not None:
            label, topic = self.page_started_in
            continued = f"{label} ({kit.theme.labels['continued']})"
            wordings = [f"{continued} · {topic}", continued]
        # Title and topic share the line. The right-hand part tells the reader where they are, so
        # it is kept whole, the richest wording that leaves room for the edition; the title takes
        # the rest, cut short at a word (…), or gives way to the edition alone.
        gap = 12.0
        edition = f" · {self.info.edition}"
        title_width = self._width("header", self.info.title + edition)
        least = gap + self._width("header", self.info.edition)
        running = next(
            (w for w in wordings if title_width + gap + self._width("header", w) <= self.width),
            next((w for w in wordings if self._width("header", w) + least <= self.width), ""),
        ) or self._fit_width("header", wordings[-1], self.width - least)
        room = self.width - (self._width("header", running) + gap if running else 0)
        title = self._fit_width("header", self.info.title, room - self._width("header", edition))
        self._text(canv, "header", left, top, title + edition if title else self.info.edition)
        if running:
            self._text(canv, "header", right, top, running, "right")
        canv.setStrokeColor(kit.colour("rule"))
        canv.setLineWidth(0.4)
        canv.line(left, top - 5, right, top - 5)
        y = self.bottomMargin - 24
        # "Page 3 of N" is drawn by finish() once N is known: drawn as one piece, it lines up
        # with the margin and reads back as one phrase.
        self.folios[page] = self._outer_align(page)
        if self.folios[page] == "right":
            self._text(canv, "header", left, y, self.info.part_label)
            canv.translate(right, y)
        else:
            self._text(canv, "header", right, y, self.info.part_label, "right")
            canv.translate(left, y)
        self._mark(f"folio-{page}")
        canv.restoreState()

    def _outer_x(self, page: int) -> float:
        left = self._left(page)
        return left + self.width if self._outer_align(page) == "right" else left

    def _outer_align(self, page: int) -> str:
        if not self.kit.theme.duplex:
            return "right"
        return "right" if page % 2 else "left"

    # --- finishing --------------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return int(self.canv.getPageNumber()) - 1

    def finish(self, values: dict[str, str], across: dict[str, Anchor]) -> bytes:
        """Fill in what was deferred, save, and return the bytes of the finished file.

        `values`: the text of every deferred number (name → text); `across`: the other
        part's anchors, where the links across land. The file is the published one: its page
        labels match the printed folios and its Info dictionary is the guide's.
        """
        canv = self.canv
        body_pages = self.page_count - self.body_start + 1
        labels = self.kit.theme.labels
        drawings = {}
        for page, align in sorted(self.folios.items()):
            number = folio(self.info.folio_prefix, self.body_start - 1, page - 1)
            phrase = f"{labels['page']} {number} {labels['of']} {body_pages}"
            drawings[f"folio-{page}"] = self._drawing(canv, phrase, "header", align, None)
        for name in sorted(self.deferred):
            style = "toc_entry" if name.startswith("toc-") else "meta"
            drawings[name] = self._drawing(canv, values[name], style, "right", self.leaders.get(name))
        for index in sorted(self.marked_pages):
            page = canv._doc.Pages.pages[index]  # its content is one string by now
            page.stream = _MARKED.sub(lambda found: drawings[found[1]], page.stream)
        for anchor, action in self.remote_actions:
            # A remote destination names its page by index: the sibling file opens at that page.
            index, x, y = across[anchor]
            action["D"] = PDFArray([index, PDFName("XYZ"), x, y, "null"])
        self._label_pages(canv)
        canv._doc.info = _Info(self.info.metadata, self._fingerprint(canv))
        canv.showOutline()
        canv.save()
        return self.buffer.getvalue()

    def _fingerprint(self, canv: Canvas) -> bytes:
        """A digest of what the pages draw, for the file's /ID: two different files never share one."""
        digest = hashlib.sha256()
        for page in canv._doc.Pages.pages:  # each page's content, one string since showPage()
            digest.update(page.stream.encode("utf-8", "surrogatepass"))
        return digest.digest()

    def _label_pages(self, canv: Canvas) -> None:
        """Page labels as the folios print: i, ii … in the front matter, then 1, 2 … (A-1 … in the key)."""
        prefix = self.info.folio_prefix or None
        if self.body_start > 1:
            canv.addPageLabel(0, style="ROMAN_LOWER", start=1, prefix=prefix)
        canv.addPageLabel(self.body_start - 1, style="ARABIC", start=1, prefix=prefix)

    def _drawing(
        self, canv: Canvas, value: str, style: str, align: str, leader: tuple[float, Color] | None
    ) -> str:
        """The page content that draws a deferred number at the origin, and its leader if any."""
        page_code = canv._code
        canv._code = []  # the drawing is caught here rather than added to the canvas's page
        try:
            # A number set at the end of a line of text starts with a space, so that copied text
            # reads "Deep learning 5" and "QUESTION 2 Answer: page A-1", not "learning5".
            drawn = self._text(canv, style, 0, 0, " " + value if align == "right" else value, align)
            if leader is not None and leader[0] < -drawn - 6:
                canv.saveState()
                canv.setStrokeColor(leader[1])
                canv.setLineWidth(0.6)
                canv.setDash(0.6, 2.8)
                canv.line(leader[0], 0, -drawn - 4, 0)
                canv.restoreState()
            return "\n".join(canv._code)
        finally:
            canv._code = page_code


def _rounded(rect: tuple[float, ...]) -> tuple[float, float, float, float]:
    """A rectangle as (left, bottom, right, top), to a thousandth of a point: ReportLab's precision."""
    x1, y1, x2, y2 = (round(v, 3) for v in rect)
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


class _RecordingCanvas(Canvas):  # type: ignore[misc]
    """A canvas that tells its document of every link it draws, where and to what.

    The complete edition makes the links again from these records, without reading the
    thousands of link annotations of each part back.
    """

    def linkRect(
        self, contents: str, destinationname: str, Rect: Any = None, addtopage: int = 1,
        name: str | None = None, relative: int = 1, **kw: Any,
    ) -> Any:  # fmt: skip
        self._record(Rect, relative, "anchor", destinationname)
        return super().linkRect(contents, destinationname, Rect, addtopage, name, relative, **kw)

    def linkURL(self, url: str, rect: Any, relative: int = 0, **kw: Any) -> Any:
        if kw.get("kind", "URI") != "URI":  # the markup only makes http, https and mailto links
            raise ValueError(f"a link of kind {kw['kind']} to {url!r}")
        self._record(rect, relative, "uri", url)
        return super().linkURL(url, rect, relative, **kw)

    def _record(self, rect: Any, relative: int, kind: str, target: str) -> None:
        doc = getattr(self, "_doctemplate", None)
        if isinstance(doc, PartDocument):
            doc.links.append(
                (self.getPageNumber() - 1, _rounded(self._absRect(rect, relative)), kind, target)
            )


class _Info(PDFInfo):  # type: ignore[misc]
    """ReportLab's Info dictionary, holding exactly the entries given: no '(anonymous)' author,
    and no date at all rather than the fixed one of ReportLab's invariant mode."""

    def __init__(self, entries: dict[str, str], fingerprint: bytes) -> None:
        super().__init__()
        self.entries = entries
        self.fingerprint = fingerprint

    def digest(self, md5object: Any) -> None:  # ReportLab's /ID: what the file says, and draws
        for key, value in sorted(self.entries.items()):
            md5object.update(f"{key}={value}".encode())
        md5object.update(self.fingerprint)

    def format(self, document: Any) -> bytes:
        entries = {key[1:]: PDFString(value) for key, value in self.entries.items()}
        return PDFDictionary(entries).format(document)  # type: ignore[no-any-return]


def _fit(value: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where one ends late enough, with an ellipsis."""
    return text.short_title(value, limit)


def folio(prefix: str, body_start: int, page_index: int) -> str:
    """The printed folio of a page of a part whose body starts at index `body_start`: roman
    numerals in the front matter, arabic in the body, each after the part's prefix ("A-")."""
    if page_index < body_start:
        return prefix + _roman(page_index + 1)
    return f"{prefix}{page_index - body_start + 1}"


def _roman(number: int) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = []
    for value, numeral in numerals:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


def _fit_runs(
    canv: Canvas, runs: list[tuple[str, str]], size: float, room: float, face: str
) -> list[tuple[str, str]]:
    """The runs, cut with an ellipsis (in `face`) where they would pass `room` points: never off the page."""
    if sum(canv.stringWidth(r, f, size) for f, r in runs) <= room:
        return runs
    used = canv.stringWidth("…", face, size)
    kept: list[tuple[str, str]] = []
    for run_face, run in runs:
        chars = []
        for char in run:
            used += canv.stringWidth(char, run_face, size)
            if used > room:
                break
            chars.append(char)
        if chars:
            kept.append((run_face, "".join(chars).rstrip()))
        if len(chars) < len(run):
            break
    return [*kept, (face, "…")]
