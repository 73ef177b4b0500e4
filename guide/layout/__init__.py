"""Turn a Guide and a Theme into the finished pages of its parts, with where every question landed.

The only package that uses ReportLab (its fonts, in fonts.py and draw.py). Each part is laid
out in units (its front matter, each topic) shared between two processes for a large guide;
the numbers that cross units and parts (folios, the page of an answer under its question and
back) are placeholders until every unit is laid out. The pages go to files, not memory; the
pdf package writes them into the published PDFs.

    compose.py  what each part says, as plain data (a cover, contents, questions, answers, and the
                interviewer's packet, laid out apart by render_packet)
    story.py    that story as blocks (blocks.py, paragraph.py, markdown.py, table.py, heads.py,
                forms.py)
    pager.py    blocks onto Pages of typed items (page.py), with running heads and placeholders
    draw.py     a page's items into PDF content, in its fonts' subsets (the ReportLab adapter)
    finish.py   placeholders resolved once both parts are numbered (units.py runs it all)
"""

from __future__ import annotations

import sys

# ReportLab's TrueType module imports HarfBuzz whenever it is installed, for a shaping of its own
# that guide does not use: a sixth of a second of every build. It is hidden while ReportLab
# loads; shaping.py imports it for the text that needs it.
if "reportlab.pdfbase.ttfonts" not in sys.modules and "uharfbuzz" not in sys.modules:
    sys.modules["uharfbuzz"] = None  # type: ignore[assignment]  # an import of it fails, for now
    try:
        import reportlab.pdfbase.ttfonts  # noqa: F401
    finally:
        del sys.modules["uharfbuzz"]

from pathlib import Path

from guide.data import titles
from guide.data.model import Guide
from guide.layout import compose, figures
from guide.layout.direction import rtl_language
from guide.layout.fonts import guide_chars
from guide.layout.kit import Kit, make_kit
from guide.layout.page import Part
from guide.layout.pager import PartInfo
from guide.layout.styles import Theme
from guide.layout.units import Progress, Rendered, RenderedPart, render_units
from guide.parallel import MIN_QUESTIONS, can_fork

__all__ = ["Kit", "PartInfo", "Rendered", "RenderedPart", "make_kit", "render", "render_packet"]


def render(
    guide: Guide,
    theme: Theme,
    folder: Path,
    *,
    stamp: str = "",
    watermark: str = "",
    key: RenderedPart | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> Rendered:
    """Lay out and finish the study guide and the answer key of a guide, their pages in `folder`.

    `stamp` and `watermark` go on every page of the study guide (a copy made for one reader).
    Given `key`, the answer key already laid out for this guide and theme, only the study guide
    is laid out, as a copy that goes out alone: its page references point into that key, and
    do not link to it. A large guide is laid out in two processes, unless `parallel` is False;
    the bytes are the same.
    """
    figures.use_folder(guide.root)
    chars = guide_chars(guide) | set(stamp) | set(watermark)
    kit = make_kit(theme, chars, guide.language, rtl=rtl_language(guide.language))
    infos = {"study": _info(guide, theme, "study", stamp=stamp, watermark=watermark, across=key is None)}
    if key is None:
        infos["key"] = _info(guide, theme, "key", across=True)
    # A large guide's units are shared by two workers, each with its own fonts; the second runs
    # in a second process where it can. Whether it does changes nothing in the files.
    workers = 2 if len(guide.questions) >= MIN_QUESTIONS else 1
    fork = workers == 2 and (parallel if parallel is not None else True) and can_fork()
    given = {"key": key} if key is not None else {}
    units = compose.plan(guide, tuple(infos))  # type: ignore[arg-type]
    return render_units(
        guide, kit, infos, units, folder, given=given, workers=workers, fork=fork, progress=progress
    )


def render_packet(
    guide: Guide,
    theme: Theme,
    folder: Path,
    *,
    candidate: str = "",
    copy_code: str = "",
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> Rendered:
    """Lay out and finish the interviewer's packet of a guide, its pages in `folder`: a part of its
    own ("interviewer"), laid out apart from the study guide and the answer key, whose files it
    leaves as they are.

    Given `candidate` and `copy_code`, every page's header holds them: the packet made for the
    interview of one candidate, whose study guide bears the same code.
    """
    figures.use_folder(guide.root)
    chars = guide_chars(guide) | set(candidate) | set(copy_code)
    kit = make_kit(theme, chars, guide.language, rtl=rtl_language(guide.language))
    info = PartInfo(
        part="interviewer",
        title=titles.plain(guide.title, marked=True),  # one line of page furniture: plain text
        edition=guide.edition,
        folio_prefix="",
        part_label=theme.labels["interviewer_packet"],
        across=False,
        candidate=candidate,
        copy_code=copy_code,
    )
    units = compose.packet_plan(guide, theme.packet)
    workers = 2 if len(guide.questions) >= MIN_QUESTIONS and len(units) > 1 else 1
    fork = workers == 2 and (parallel if parallel is not None else True) and can_fork()
    return render_units(
        guide,
        kit,
        {"interviewer": info},
        units,
        folder,
        given={},
        workers=workers,
        fork=fork,
        progress=progress,
    )


def _info(
    guide: Guide, theme: Theme, part: Part, *, stamp: str = "", watermark: str = "", across: bool
) -> PartInfo:
    label = theme.labels["study_guide" if part == "study" else "answer_key"]
    return PartInfo(
        part=part,
        title=titles.plain(guide.title, marked=True),  # one line of page furniture: plain text
        edition=guide.edition,
        folio_prefix="" if part == "study" else "A-",
        part_label=label,
        stamp=stamp,
        watermark=watermark,
        across=across,
    )
