"""Run the stages for one guide: load, validate, lay out, assemble, verify, then publish to output/."""

from __future__ import annotations

import functools
import gc
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from guide import FEW_COLLECTIONS
from guide.data.model import Guide
from guide.data.select import Selection
from guide.data.store import TextStore
from guide.data.validate import find_guides, load_guide
from guide.errors import GuideError, Location, Problem

if TYPE_CHECKING:
    from guide.data.imports import ImportOptions, Skipped
    from guide.data.stats import Stats
    from guide.edition.handouts import Handout
    from guide.layout.styles import Theme
    from guide.pdf.assemble import Edition
    from guide.pdf.preview import Shown

__all__ = [
    "BuildResult",
    "CardsResult",
    "HandoutsResult",
    "ImportResult",
    "Options",
    "PreviewResult",
    "Selection",
    "build_cards",
    "build_guide",
    "build_handouts",
    "check_guide",
    "find_guides",
    "guide_stats",
    "import_guide",
    "preview_guide",
    "theme_for",
]
BOOKLET_ROLE = "booklet"
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _collecting_less(run: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run the cycle collector 100 times less often while a build runs.

    A build makes millions of objects that live until it ends (flowables, PDF objects); at the
    default threshold the collector re-scans them every 700 allocations, which cost about a
    fifth of a 1,000-question build. Memory grows a little (240 → 280 MB at 1,000 questions).
    """

    @functools.wraps(run)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        before = gc.get_threshold()
        gc.set_threshold(*FEW_COLLECTIONS)
        try:
            return run(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return wrapper


@dataclass(frozen=True)
class Options:
    """What the user asked for, beyond which guides."""

    style: str = "base"
    strict: bool = False
    max_file_bytes: int | None = None
    quiet: bool = False
    # Told what the build is doing, now and then (a terminal shows it); None: say nothing.
    progress: Callable[[str], None] | None = field(default=None, repr=False, compare=False)
    paper: str | None = None  # "a4" or "letter": instead of the style's paper
    booklet: bool = False  # also impose the study guide as a saddle-stitch booklet
    # Set: the answer key and the complete edition are encrypted with it. Kept out of repr, so
    # that no message or traceback ever shows it.
    key_password: str | None = field(default=None, repr=False)
    selection: Selection | None = None  # a practice set instead of the whole guide


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, for the command line to report."""

    guide: Guide
    folder: Path
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # role → (file name, pages)
    warnings: tuple[Problem, ...] = ()
    encrypted: tuple[str, ...] = ()  # roles of the files written encrypted

    def summary(self) -> list[str]:
        lines = []
        for role, (name, pages) in self.files.items():
            locked = ", encrypted" if role in self.encrypted else ""
            lines.append(f"{self.folder / name}  ({pages} pages, {role.replace('_', ' ')}{locked})")
        return lines


def theme_for(options: Options) -> Theme:
    """The style the options name, on the paper they ask for."""
    import dataclasses

    from guide.layout import styles

    theme = styles.load_theme(options.style)
    if options.paper:
        theme = dataclasses.replace(theme, paper=styles.PAPERS[options.paper.upper()])
    return theme


def _validated(
    folder: Path, options: Options, store: TextStore | None = None
) -> tuple[Guide, tuple[Problem, ...]]:
    from guide.data.validate import InvalidGuide

    try:
        guide, warnings = load_guide(folder, max_file_bytes=options.max_file_bytes, store=store)
    except InvalidGuide as exc:
        # Characters no font has are found on the texts that did read well: reported now, in
        # the same run, rather than once the other errors are fixed.
        from guide.layout import fonts

        try:
            extra = fonts.coverage_problems(exc.texts, theme_for(options))
        except GuideError as style:
            extra = list(style.problems)
        raise GuideError([*exc.problems, *extra]) from None
    if options.strict and warnings:
        raise GuideError(Problem(w.location, w.message + " (--strict)", "error") for w in warnings)
    return guide, warnings


def check_guide(folder: Path, options: Options) -> tuple[Problem, ...]:
    """Validate one guide folder (data, style and glyph coverage) and write nothing; return warnings."""
    from guide.layout import fonts

    guide, warnings = _validated(folder, options)
    theme = theme_for(options)
    fonts.check_coverage(guide, theme)
    fonts.check_faces(theme)  # a build reads a face when it first needs it: a check reads them all
    return warnings


@_collecting_less
def build_guide(folder: Path, out_root: Path, options: Options) -> BuildResult:
    """Build one guide's PDFs and manifest into out_root/<guide id>/; nothing is written on failure."""
    # The questions' texts wait in a temporary file while they are not used: most of a large
    # bank's memory, in each process of the build. It goes with the last question.
    return _build_guide(folder, out_root, options, TextStore())


def _build_guide(folder: Path, out_root: Path, options: Options, store: TextStore) -> BuildResult:
    from guide import layout
    from guide.data import select
    from guide.edition import publish
    from guide.layout import fonts
    from guide.pdf import assemble, protect, verify

    report = options.progress or _quiet
    report("checking the bank")
    guide, warnings = _validated(folder, options, store)
    if options.selection is not None:
        # A practice set has its own id, so its folder and files sit beside the full edition's.
        guide = select.select(guide, options.selection)
    theme = theme_for(options)
    fonts.check_coverage(guide, theme)
    # The files are made in a hidden folder beside the published ones, and linked in at the end.
    with publish.workspace(out_root, guide.id) as work:
        pages = work / "pages"
        pages.mkdir()
        rendered = layout.render(guide, theme, pages, progress=options.progress)
        report("writing the three PDFs")
        edition = assemble.assemble(guide, theme, rendered, work)
        rendered.close()
        del rendered  # the laid-out pages are in the files now: their bookkeeping can go
        shutil.rmtree(pages)
        report("reading the PDFs back")
        verify.verify(edition)
        if options.booklet:
            edition = _with_booklet(edition, work)
        encrypted: tuple[str, ...] = ()
        if options.key_password is not None:
            # Last: encryption is random, and everything before it stays byte-reproducible.
            edition = protect.protect(edition, options.key_password)
            encrypted = protect.PROTECTED_ROLES
        report("publishing")
        written = publish.publish(guide, edition, out_root, encrypted=encrypted)
    return BuildResult(
        guide=guide, folder=written, files=edition.summary(), warnings=warnings, encrypted=encrypted
    )


def _quiet(_: str) -> None:
    pass


def _with_booklet(edition: Edition, work: Path) -> Edition:
    """The edition and, beside it, its study guide imposed as a booklet."""
    from guide.pdf import assemble, impose

    study = edition.file("study_guide")
    data, sides = impose.booklet(study.path.read_bytes())
    path = work / (study.name.removesuffix(".pdf") + "-booklet.pdf")
    booklet = assemble.write_output(BOOKLET_ROLE, path, data, sides)
    return assemble.Edition(edition.guide, (*edition.files, booklet))


@dataclass(frozen=True)
class CardsResult:
    """The flash cards a build wrote."""

    guide: Guide
    path: Path
    pages: int
    grid: tuple[int, int]
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> list[str]:
        columns, rows = self.grid
        return [f"{self.path}  ({self.pages} pages, flash cards, {columns} × {rows} a sheet)"]


@_collecting_less
def build_cards(
    folder: Path, out_root: Path, options: Options, grid: tuple[int, int] | None = None
) -> CardsResult:
    """Make one guide's flash cards, out_root/<id>-<edition>-cards.pdf; nothing is written on failure."""
    import os
    import tempfile

    from guide.edition import cards, publish
    from guide.layout import fonts

    guide, warnings = _validated(folder, options)
    theme = theme_for(options)
    fonts.check_coverage(guide, theme)
    data, pages, used = cards.cards_pdf(guide, theme, grid)
    path = out_root / f"{guide.id}-{guide.edition}-cards.pdf"
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}+tmp-", dir=out_root)
        os.close(handle)
        try:
            publish._write(Path(temporary), data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as exc:
        raise GuideError(
            [Problem(Location(str(path)), f"cannot write the output: {exc.strerror or exc}")]
        ) from exc
    return CardsResult(guide, path, pages, used, warnings)


@dataclass(frozen=True)
class HandoutsResult:
    """The candidates' copies a build wrote."""

    guide: Guide
    folder: Path
    handouts: tuple[Handout, ...]
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> list[str]:
        from guide.edition.handouts import DISTRIBUTION

        lines = [f"{self.folder / h.name}  ({h.pages} pages, copy {h.code})" for h in self.handouts]
        count = len(self.handouts)
        lines.append(f"{self.folder / DISTRIBUTION}  ({count} {'copy' if count == 1 else 'copies'} listed)")
        return lines


@_collecting_less
def build_handouts(folder: Path, candidates_file: Path, out_root: Path, options: Options) -> HandoutsResult:
    """Make a marked study guide per candidate in out_root/<id>-handouts/; nothing is written on failure."""
    return _build_handouts(folder, candidates_file, out_root, options, TextStore())


def _build_handouts(
    folder: Path, candidates_file: Path, out_root: Path, options: Options, store: TextStore
) -> HandoutsResult:
    from guide.edition import handouts, publish
    from guide.layout import fonts

    guide, warnings = _validated(folder, options, store)
    candidates = handouts.read_candidates(candidates_file)
    theme = theme_for(options)
    fonts.check_coverage(guide, theme)
    handouts.check_names(candidates, theme)
    with publish.workspace(out_root, handouts.folder_name(guide)) as work:
        copies = handouts.make_handouts(guide, theme, candidates, work)
        written = handouts.publish_handouts(guide, copies, out_root)
    return HandoutsResult(guide, written, tuple(copies), warnings)


@dataclass(frozen=True)
class ImportResult:
    """What an import read, skipped and wrote, and what `guide check` says of the new folder."""

    folder: Path
    source: str
    topics: tuple[tuple[str, int], ...]  # each topic and how many questions it got
    files: tuple[Path, ...]  # empty: nothing was imported, so nothing was written
    skipped: tuple[Skipped, ...]
    notes: tuple[Problem, ...]  # what reading the source noticed (warnings)
    check: tuple[Problem, ...] = ()  # what checking the new folder found
    passed: bool = False  # the new folder passes `guide check`

    @property
    def questions(self) -> int:
        return sum(count for _, count in self.topics)


def import_guide(
    source: Path, folder: Path, how: ImportOptions, options: Options, title: str | None = None
) -> ImportResult:
    """Read a bank in another format and write it as the new guide folder `folder`, then check it.

    Nothing is written when no question could be imported; an existing folder is never written over.
    """
    import datetime as dt

    from guide.data.create import humanised
    from guide.data.imports import read_source
    from guide.data.imports.plan import plan
    from guide.data.imports.write import write_guide

    read = read_source(source, how)
    planned = plan(read, how.topic)
    skipped = tuple(sorted(read.skipped, key=lambda s: (s.location.line, s.reason)))
    notes = tuple(sorted([*read.notes, *planned.notes], key=Problem.sort_key))
    counts = tuple((topic, len(questions)) for topic, questions in planned.by_topic())
    if not planned.questions:
        return ImportResult(folder, read.display, counts, (), skipped, notes)
    name = title or read.title or humanised(source.stem)
    files = write_guide(folder, planned, name, source.name, dt.date.today())
    try:
        check = check_guide(folder, options)
        passed = True
    except GuideError as exc:
        check, passed = exc.problems, False
    return ImportResult(folder, read.display, counts, tuple(files), skipped, notes, check, passed)


def guide_stats(folder: Path, options: Options) -> Stats:
    """What one guide's bank holds (see data/stats.py); GuideError if the guide does not check."""
    from guide.data.stats import stats

    guide, _ = _validated(folder, options)
    return stats(guide)


@dataclass(frozen=True)
class PreviewResult:
    """The contact sheet a preview wrote, and what it shows of each part."""

    guide: Guide
    path: Path
    size: int  # bytes
    shown: tuple[Shown, ...]
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> list[str]:
        parts = "; ".join(
            f"{s.label.lower()} {', '.join(map(str, s.pages)) or 'none'} of {s.count}" for s in self.shown
        )
        return [f"{self.path}  ({self.size // 1024} KB; pages shown: {parts})"]


@_collecting_less
def preview_guide(folder: Path, out_file: Path, options: Options, pages: str, width: int) -> PreviewResult:
    """Build a guide into a temporary folder and write a PNG of chosen pages of each part to out_file.

    `pages` says which pages of each part, as pdf/preview.py parses them; output/ is never touched.
    """
    import dataclasses
    import tempfile

    from guide.pdf import preview

    ranges = preview.parse_pages(pages)
    with tempfile.TemporaryDirectory(prefix="guide-preview-") as temporary:
        result = _build_guide(
            folder, Path(temporary), dataclasses.replace(options, booklet=False), TextStore()
        )
        theme = theme_for(options)
        parts = [
            preview.Part(theme.labels[role], result.folder / result.files[role][0])
            for role in ("study_guide", "answer_key")
        ]
        title = f"{result.guide.title} — {result.guide.edition}"
        image, shown = preview.contact_sheet(title, parts, ranges, width)
    size = preview.write_png(image, out_file)
    return PreviewResult(result.guide, out_file, size, tuple(shown), result.warnings)
