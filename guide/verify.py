"""Read the finished PDFs back before publishing: an edition that fails its own check is not published.

The files are read by PDFium, the engine of Chrome's PDF viewer: a reader independent of the
libraries that wrote them, and many times faster than reading them with pypdf again.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from guide.assemble import Edition, OutputFile
from guide.errors import GuideError, Location, Problem
from guide.model import Guide
from guide.parallel import beside, wanted


def verify(edition: Edition, *, parallel: bool | None = None) -> None:
    """Raise GuideError if a file does not read back as built: page count, links, outline, questions.

    For a large guide the complete edition is read here while a child process reads the others.
    """
    guide = edition.guide
    by_role = {f.role: f for f in edition.files}
    # The one file each may link to: the study guide and the answer key open each other.
    other = {"study_guide": "answer_key", "answer_key": "study_guide"}

    def check(files: Sequence[OutputFile]) -> list[str]:
        found = []
        for f in files:
            try:
                sibling = by_role.get(other.get(f.role, ""))
                siblings = {sibling.name: sibling.pages} if sibling else {}
                found += [f"{f.name}: {p}" for p in _check(f.path, f.pages, f.role, guide, siblings)]
            except Exception as exc:
                found.append(f"{f.name}: cannot be read back: {exc}")
        return found

    if wanted(parallel, len(guide.questions)):
        standalone, complete = edition.files[:-1], edition.files[-1:]
        found = beside(partial(check, standalone), partial(check, complete), guide.location)
        problems = [*found[0], *found[1]]
    else:
        problems = check(edition.files)
    if problems:
        where = Location(str(guide.root))
        raise GuideError(Problem(where, f"the built edition failed its check ({p}); this is a bug in guide")
                         for p in problems)  # fmt: skip


def _check(path: Path, pages: int, role: str, guide: Guide, siblings: dict[str, int]) -> list[str]:
    """What is wrong with one file; `siblings`: the page count of the file it may link to, by name."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        found: list[str] = []
        if len(pdf) != pages:
            found.append(f"{len(pdf)} pages instead of {pages}")
        # PDFium finds a link's page by walking the page tree, unless it has met that page
        # before: the contents' links to pages far ahead made the check quadratic (43 s at
        # 50,000 questions). Asking each page's size first meets them all, cheaply.
        for index in range(len(pdf)):
            pdf.get_page_size(index)
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                if any(not _lands(pdf, link, siblings) for link in _links(page)):
                    found.append(f"a link on page {index + 1} leads nowhere")
            finally:
                page.close()
        found += _check_outline(pdf, role, guide)
        return found
    finally:
        pdf.close()


def _links(page: pdfium.PdfPage) -> Iterator[Any]:
    position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
    while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        yield link


def _lands(pdf: pdfium.PdfDocument, link: Any, siblings: dict[str, int]) -> bool:
    """Whether a link opens a web address, a page of this file, or a page of a file beside it."""
    action = pdfium_c.FPDFLink_GetAction(link)
    pages = len(pdf)
    if not action:
        dest = pdfium_c.FPDFLink_GetDest(pdf.raw, link)
    else:
        kind = pdfium_c.FPDFAction_GetType(action)
        if kind == pdfium_c.PDFACTION_URI:
            return True
        if kind == pdfium_c.PDFACTION_REMOTEGOTO:
            # A link to the other part's file: that file is in the edition, and has the page.
            size = pdfium_c.FPDFAction_GetFilePath(action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFAction_GetFilePath(action, buffer, size)
            name = buffer.raw[: size - 1].decode("utf-8", "replace")
            pages = siblings.get(name, 0)
        elif kind != pdfium_c.PDFACTION_GOTO:
            return False
        dest = pdfium_c.FPDFAction_GetDest(pdf.raw, action)
    target = pdfium_c.FPDFDest_GetDestPageIndex(pdf.raw, dest) if dest else -1
    return 0 <= target < pages


def _check_outline(pdf: pdfium.PdfDocument, role: str, guide: Guide) -> list[str]:
    """Every question has its entry ("12. What is …") in each part the file holds; every entry a page."""
    found = []
    items = list(pdf.get_toc(max_depth=8))
    parts = 2 if role == "complete" else 1
    wanted = parts * (len(guide.topics) + len(guide.questions)) + (2 if role == "complete" else 0)
    if len(items) != wanted:
        found.append(f"{len(items)} outline entries instead of {wanted}")
    numbers = Counter(item.get_title().split(".", 1)[0] for item in items)
    missing = [q.number for q in guide.questions if numbers[str(q.number)] < parts]
    if missing:
        found.append(f"no outline entry for question {missing[0]}")
    for item in items:
        dest = item.get_dest()
        if dest is None or not 0 <= dest.get_index() < len(pdf):
            found.append(f"the outline entry '{item.get_title()}' leads nowhere")
            break
    return found
