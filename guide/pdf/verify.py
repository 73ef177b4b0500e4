"""Read the finished PDFs back before publishing: an edition that fails its own check is not published.

The files are read by PDFium, the engine of Chrome's PDF viewer: a reader independent of the
libraries that wrote them, and many times faster than reading them with pypdf again. A large
edition is read by two processes started afresh (the complete edition in one, the two parts in
the other): PDFium's memory is theirs, not the build's, and they share none of its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from guide.errors import GuideError, Location, Problem, counted
from guide.parallel import run, wanted

if TYPE_CHECKING:
    from guide.pdf.assemble import Edition


FLAT_OUTLINES = ("interviewer",)  # roles whose outline has an entry a question, and none a topic


@dataclass(frozen=True)
class Job:
    """One file to read back, and what it must hold."""

    path: str
    name: str
    pages: int
    role: str
    siblings: dict[str, int]  # the file it may link to: its name → its page count
    topics: int
    questions: int  # numbered 1 to this, in every guide (a practice set is numbered afresh)
    pictures: int = 0  # images and forms the writer embedded: each must be placed and readable
    picture_pages: tuple[int, ...] = ()  # the pages that place them


def verify(edition: Edition, *, parallel: bool | None = None) -> None:
    """Raise GuideError if a file does not read back as built: page count, links, outline, questions.

    For a large guide the complete edition and the two parts are read in two fresh processes.
    """
    guide = edition.guide
    by_role = {f.role: f for f in edition.files}
    # The one file each may link to: the study guide and the answer key open each other.
    other = {"study_guide": "answer_key", "answer_key": "study_guide"}
    jobs = []
    topics, questions = len(guide.topics), len(guide.questions)
    for f in edition.files:
        sibling = by_role.get(other.get(f.role, ""))
        siblings = {sibling.name: sibling.pages} if sibling else {}
        # The interviewer's packet lists its questions in its outline with no topics above them.
        grouped = 0 if f.role in FLAT_OUTLINES else topics
        jobs.append(
            Job(
                str(f.path),
                f.name,
                f.pages,
                f.role,
                siblings,
                grouped,
                questions,
                f.pictures,
                f.picture_pages,
            )
        )
    where = Location(str(guide.root))
    if wanted(parallel, questions):
        # PDFium's memory is the fresh processes' own: the build's stays as it is. The complete
        # edition, as long as both parts, is read beside the rest.
        book = [job for job in jobs if job.role == "complete"]
        rest = [job for job in jobs if job.role != "complete"]
        groups = [functools.partial(check, rest), functools.partial(check, book)]
        problems = [p for found in run(groups, where, how="fresh") for p in found]
    else:
        problems = check(jobs)
    if problems:
        raise GuideError(Problem(where, f"the built edition failed its check ({p}); this is a bug in guide")
                         for p in problems)  # fmt: skip


def check(jobs: Sequence[Job]) -> list[str]:
    """What is wrong with each file, named."""
    found = []
    for job in jobs:
        try:
            found += [f"{job.name}: {p}" for p in _check(job)]
        except Exception as exc:
            found.append(f"{job.name}: cannot be read back: {exc}")
    return found


# PDFium keeps every object it has parsed until the document is closed: a book of 50,000
# questions would hold its 200,000 links at once. The pages are read in windows of this many
# links, each from the document opened afresh.
WINDOW_LINKS = 25_000


def _check(job: Job) -> list[str]:
    """What is wrong with one file."""
    found: list[str] = []
    path, siblings = Path(job.path), job.siblings
    with _open(path) as pdf:
        count = len(pdf)
        if count != job.pages:
            found.append(f"{counted(count, 'page')} instead of {job.pages}")
    found += _check_outline(path, job)
    if job.pictures:
        found += _check_pictures(path, job)
    index = 0
    while index < count:
        with _open(path) as pdf:
            met = _Meeting(pdf)
            links = 0
            while index < count and links < WINDOW_LINKS:
                page = pdf[index]
                try:
                    for link in _links(page):
                        links += 1
                        if not _lands(pdf, link, siblings, met):
                            found.append(f"a link on page {index + 1} leads nowhere")
                            break
                finally:
                    page.close()
                index += 1
    return found


def _check_pictures(path: Path, job: Job) -> list[str]:
    """Every page the writer placed pictures on places them, every image decoding to pixels: only
    those pages are loaded (links need no page loaded), and only for files that hold pictures."""
    placed, broken, bare = 0, 0, 0
    with _open(path) as pdf:
        for index in job.picture_pages or range(len(pdf)):
            page = pdf[index]
            before = placed
            try:
                for obj in page.get_objects(max_depth=1):
                    if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                        placed += 1
                        width, height = obj.get_px_size()
                        if width <= 0 or height <= 0:
                            broken += 1
                    elif obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
                        placed += 1
            finally:
                page.close()
            bare += bool(job.picture_pages) and placed == before
    found = []
    if bare:
        found.append(f"{counted(bare, 'page')} that should place pictures but places none")
    if placed < job.pictures:
        found.append(f"{counted(placed, 'picture')} placed, but {job.pictures} embedded")
    if broken:
        found.append(f"{counted(broken, 'image')} that cannot be read")
    return found


def _meet(pdf: pdfium.PdfDocument) -> None:
    """Meet every page: PDFium finds the page a link or an outline entry leads to among the pages
    it has met, else by walking the page tree (for every link: quadratic). Meeting a page reads
    only its dictionary, not what it draws (a tenth of a second for 10,000 pages)."""
    size, raw = pdfium_c.FS_SIZEF(), pdf.raw
    for index in range(len(pdf)):
        pdfium_c.FPDF_GetPageSizeByIndexF(raw, index, ctypes.byref(size))


class _Meeting:
    """Meets a document's pages the first time a link needs a page of that document: the study
    guide's links to its answers open the other file, and need none."""

    def __init__(self, pdf: pdfium.PdfDocument) -> None:
        self.pdf, self.met = pdf, False

    def __call__(self) -> None:
        if not self.met:
            _meet(self.pdf)
            self.met = True


@contextlib.contextmanager
def _open(path: Path) -> Iterator[pdfium.PdfDocument]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        yield pdf
    finally:
        pdf.close()


def _links(page: pdfium.PdfPage) -> Iterator[Any]:
    position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
    while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        yield link


def _lands(pdf: pdfium.PdfDocument, link: Any, siblings: dict[str, int], meet: _Meeting) -> bool:
    """Whether a link opens a web address, a page of this file, or a page of a file beside it."""
    action = pdfium_c.FPDFLink_GetAction(link)
    pages = len(pdf)
    if not action:
        dest = pdfium_c.FPDFLink_GetDest(pdf.raw, link)
        meet()
    else:
        kind = pdfium_c.FPDFAction_GetType(action)
        if kind == pdfium_c.PDFACTION_URI:
            return True
        if kind == pdfium_c.PDFACTION_REMOTEGOTO:
            # A link to the other part's file: that file is in the edition, and has the page. The
            # page is named by its number, which PDFium gives back without looking for it here.
            size = pdfium_c.FPDFAction_GetFilePath(action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFAction_GetFilePath(action, buffer, size)
            name = buffer.raw[: size - 1].decode("utf-8", "replace")
            pages = siblings.get(name, 0)
        elif kind == pdfium_c.PDFACTION_GOTO:
            meet()
        else:
            return False
        dest = pdfium_c.FPDFAction_GetDest(pdf.raw, action)
    target = pdfium_c.FPDFDest_GetDestPageIndex(pdf.raw, dest) if dest else -1
    return 0 <= target < pages


# Outline entries read in one opening of a file, at most (beyond the first group of entries): a
# book's hundred thousand entries held by PDFium at once would take 120 MB.
OUTLINE_GROUP = 30_000


def _check_outline(path: Path, job: Job) -> list[str]:
    """Every question has its entry ("12. What is …") in each part the file holds; every entry a page.

    The top-level entries are read in groups, each from the file opened afresh.
    """
    with _open(path) as pdf:
        sizes = [1 + abs(pdfium_c.FPDFBookmark_GetCount(top)) for top in _siblings(pdf, None)]
    groups: list[tuple[int, int]] = []  # (first top-level entry, how many)
    first, held = 0, 0
    for index, size in enumerate(sizes):
        if held and held + size > OUTLINE_GROUP:
            groups.append((first, index - first))
            first, held = index, 0
        held += size
    if held:
        groups.append((first, len(sizes) - first))
    count, numbers, nowhere = 0, Counter[str](), ""
    for first, length in groups:
        with _open(path) as pdf:
            _meet(pdf)
            pages = len(pdf)
            tops = _siblings(pdf, None)
            for _ in range(first):
                next(tops)
            stack = [next(tops) for _ in range(length)][::-1]
            while stack:
                item = stack.pop()
                count += 1
                title = _title(item)
                numbers[title.split(".", 1)[0]] += 1
                dest = pdfium_c.FPDFBookmark_GetDest(pdf.raw, item)
                index = pdfium_c.FPDFDest_GetDestPageIndex(pdf.raw, dest) if dest else -1
                if not nowhere and not 0 <= index < pages:
                    nowhere = title
                stack.extend(list(_siblings(pdf, item))[::-1])
    found = []
    if nowhere:
        found.append(f"the outline entry '{nowhere}' leads nowhere")
    parts = 2 if job.role == "complete" else 1
    wanted = parts * (job.topics + job.questions) + (2 if job.role == "complete" else 0)
    if count != wanted:
        found.append(f"{counted(count, 'outline entry', 'outline entries')} instead of {wanted}")
    missing = [n for n in range(1, job.questions + 1) if numbers[str(n)] < parts]
    if missing:
        found.append(f"no outline entry for question {missing[0]}")
    return found


def _siblings(pdf: pdfium.PdfDocument, parent: Any) -> Iterator[Any]:
    """The outline entries under `parent` (None: the top level), in order."""
    item = pdfium_c.FPDFBookmark_GetFirstChild(pdf.raw, parent)
    seen = 0
    while item and seen < 10_000_000:  # a cycle in a broken outline ends here
        yield item
        seen += 1
        item = pdfium_c.FPDFBookmark_GetNextSibling(pdf.raw, item)


def _title(item: Any) -> str:
    size = pdfium_c.FPDFBookmark_GetTitle(item, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFBookmark_GetTitle(item, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", "replace")
