"""Read the finished PDFs back before publishing: an edition that fails its own check is not published."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from functools import partial
from typing import Any

from pypdf import PdfReader

from guide.assemble import Edition, OutputFile
from guide.errors import GuideError, Location, Problem
from guide.model import Guide
from guide.parallel import beside, wanted


def verify(edition: Edition, *, parallel: bool | None = None) -> None:
    """Raise GuideError if a file does not read back as built: page count, links, outline, questions.

    For a large guide the complete edition is read here while a child process reads the others.
    """
    guide = edition.guide
    pages = {f.name: f.pages for f in edition.files}

    def check(files: Sequence[OutputFile]) -> list[str]:
        found = []
        for f in files:
            try:
                found += [f"{f.name}: {p}" for p in _check(f.data, f.pages, f.role, guide, pages)]
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


def _check(data: bytes, pages: int, role: str, guide: Guide, siblings: dict[str, int]) -> list[str]:
    """What is wrong with one file; `siblings`: the page count of each file of the edition, by name."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    found: list[str] = []
    if len(reader.pages) != pages:
        found.append(f"{len(reader.pages)} pages instead of {pages}")
    page_ids = {p.indirect_reference.idnum for p in reader.pages if p.indirect_reference is not None}
    for number, page in enumerate(reader.pages, 1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            dest = annot.get("/Dest")
            if dest is not None:
                target = dest[0]
                if getattr(target, "idnum", None) not in page_ids:
                    found.append(f"a link on page {number} leads nowhere")
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else {}
            if action.get("/S") == "/GoToR":
                # A link to the other part's file: that file is in the edition, and has the page.
                index = action.get("/D", [None])[0]
                other = siblings.get(str(action.get("/F")))
                if other is None or not isinstance(index, int) or not 0 <= index < other:
                    found.append(f"a link on page {number} leads nowhere")
    # Every question has its outline entry ("12. What is …") in each part the file holds, and
    # every entry lands on a page of the file.
    items = _items(reader.outline)
    parts = 2 if role == "complete" else 1
    wanted = parts * (len(guide.topics) + len(guide.questions)) + (2 if role == "complete" else 0)
    if len(items) != wanted:
        found.append(f"{len(items)} outline entries instead of {wanted}")
    numbers = Counter(str(item.title).split(".", 1)[0] for item in items)
    missing = [q.number for q in guide.questions if numbers[str(q.number)] < parts]
    if missing:
        found.append(f"no outline entry for question {missing[0]}")
    for item in items:
        if reader.get_destination_page_number(item) is None:
            found.append(f"the outline entry '{item.title}' leads nowhere")
            break
    return found


def _items(outline: Sequence[object]) -> list[Any]:
    """Every entry of a (nested) outline."""
    found = []
    stack: list[object] = list(outline)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            found.append(item)
    return found
