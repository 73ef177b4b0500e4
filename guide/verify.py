"""Read the finished PDFs back before publishing: an edition that fails its own check is not published."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader

from guide.assemble import Edition
from guide.errors import GuideError, Location, Problem
from guide.render import LINK_SCHEME


def verify(edition: Edition) -> None:
    """Raise GuideError if a file does not read back as built: page count, link targets, outline."""
    guide = edition.guide
    expected_outline = len(guide.topics) + len(guide.questions)
    problems = []
    for f in edition.files:
        try:
            problems += [f"{f.name}: {p}" for p in _check(f.data, f.pages, f.role, expected_outline)]
        except Exception as exc:
            problems.append(f"{f.name}: cannot be read back: {exc}")
    if problems:
        where = Location(str(guide.root))
        raise GuideError(Problem(where, f"the built edition failed its check ({p}); this is a bug in guide")
                         for p in problems)  # fmt: skip


def _check(data: bytes, pages: int, role: str, outline_items: int) -> list[str]:
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
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if uri.startswith(LINK_SCHEME):
                found.append(f"an unresolved link on page {number}")
    count = _count(reader.outline)
    wanted = outline_items + (2 + outline_items if role == "complete" else 0)
    if count != wanted:
        found.append(f"{count} outline entries instead of {wanted}")
    return found


def _count(outline: Sequence[object]) -> int:
    total = 0
    stack: list[object] = list(outline)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            total += 1
    return total
