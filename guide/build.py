"""Run the stages for one guide: load, validate, lay out, assemble, verify, then publish to output/."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from guide import FEW_COLLECTIONS
from guide.data import titles
from guide.data.model import Changes, Guide
from guide.data.select import Selection
from guide.data.store import TextStore
from guide.data.validate import find_guides, load_guide
from guide.errors import GuideError, Problem, counted

if TYPE_CHECKING:
    from guide.data.imports import ImportOptions, Skipped
    from guide.data.stats import Stats
    from guide.edition.changes import Snapshot
    from guide.edition.handouts import Handout
    from guide.edition.releases import Released
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
    "ReleaseResult",
    "Selection",
    "build_cards",
    "build_guide",
    "build_handouts",
    "check_guide",
    "diff_editions",
    "find_guides",
    "guide_stats",
    "import_guide",
    "preview_guide",
    "release_guide",
    "theme_for",
]
BOOKLET_ROLE = "booklet"
ROLE_NAMES = {"interviewer": "interviewer's packet"}  # a role as a summary line names it
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
    # A draft: characters no font has are printed as their code points ([U+1F951]), with a
    # warning each, rather than stopping the build.
    draft: bool = False
    # Also the interviewer's packet: a sheet a question to ask, tick and rate it by (with
    # handouts, one a candidate).
    interviewer: bool = False


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
            what = ROLE_NAMES.get(role, role.replace("_", " "))
            lines.append(f"{self.folder / name}  ({counted(pages, 'page')}, {what}{locked})")
        return lines


def theme_for(options: Options) -> Theme:
    """The style the options name, on the paper they ask for, its labels drawable by its fonts."""
    from guide.layout import fonts, styles

    try:
        theme = styles.load_theme(options.style)
    except styles.InvalidStyle as exc:
        # Labels no font can draw are reported with the style's other problems, not after them.
        extra: list[Problem] = []
        # A font file that cannot be read is named by `guide check` once the rest is fixed.
        if exc.partial is not None:
            with contextlib.suppress(GuideError):
                extra = fonts.label_problems(exc.partial)
        raise GuideError([*exc.problems, *extra]) from None
    if options.paper:
        theme = styles.on_paper(theme, options.paper)
    problems = fonts.label_problems(theme)
    if problems:
        raise GuideError(problems)
    return theme


def _validated(
    folder: Path, options: Options, store: TextStore | None = None
) -> tuple[Guide, tuple[Problem, ...], list[Snapshot]]:
    """The guide in folder, its warnings, and its releases (editions/*.json), every problem at once."""
    from guide.data.validate import InvalidGuide
    from guide.edition import changes, releases

    records, record_problems = releases.read_releases(folder)
    try:
        guide, warnings = load_guide(folder, max_file_bytes=options.max_file_bytes, store=store)
    except InvalidGuide as exc:
        # Characters no font has are found on the texts that did read well: reported now, in
        # the same run, rather than once the other errors are fixed.
        from guide.layout import fonts

        try:
            extra = fonts.coverage_problems(exc.texts, theme_for(options), draft=options.draft)
        except GuideError as style:
            extra = list(style.problems)
        raise GuideError([*exc.problems, *extra, *record_problems]) from None
    if record_problems:
        raise GuideError(record_problems)
    warnings = tuple(sorted((*warnings, *changes.renamed_ids(guide, records)), key=Problem.sort_key))
    if options.strict and warnings:
        raise GuideError(Problem(w.location, w.message + " (--strict)", "error") for w in warnings)
    return guide, warnings, records


def check_guide(folder: Path, options: Options) -> tuple[Problem, ...]:
    """Validate one guide folder (data, style and glyph coverage) and write nothing; return warnings."""
    from guide.layout import fonts

    guide, warnings, _ = _validated(folder, options)
    theme = theme_for(options)
    warnings = _coverage(guide, theme, options, warnings)
    fonts.check_faces(theme)  # a build reads a face when it first needs it: a check reads them all
    return warnings


def _coverage(
    guide: Guide, theme: Theme, options: Options, warnings: tuple[Problem, ...]
) -> tuple[Problem, ...]:
    """Check that the fonts have every character and that every formula can be typeset: the warnings
    so far with, in a draft, one for each character they lack, and one for each formula that prints
    as its source, and for each SVG figure not drawn whole. A failure reports the warnings too,
    every problem at once."""
    from guide.layout import figures, fonts, mathset

    try:
        drafted = fonts.check_coverage(guide, theme, draft=options.draft)
    except GuideError as exc:
        raise GuideError([*warnings, *exc.problems]) from None
    # Each formula typeset here, and each SVG figure drawn, once, for the layout.
    drafted = [*drafted, *mathset.problems(guide, theme), *figures.problems(guide, theme)]
    if options.strict and drafted:
        raise GuideError(Problem(w.location, w.message + " (--strict)", "error") for w in drafted)
    return tuple(sorted([*warnings, *drafted], key=Problem.sort_key))


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
    from guide.pdf import assemble, protect, verify

    report = options.progress or _quiet
    publish.check_out_root(out_root, folder)
    report("checking the bank")
    guide, warnings, records = _validated(folder, options, store)
    owner = publish.Owner(guide.id, "edition")
    if options.selection is not None:
        # A practice set has its own id, so its folder and files sit beside the full edition's.
        # It is no edition: it says nothing of what is new.
        guide = select.select(guide, options.selection)
        owner = publish.Owner(owner.guide, "practice")
    else:
        guide = _with_changes(guide, records)
    publish.check_target(out_root, guide.id, owner)  # before the work: checked again when publishing
    theme = theme_for(options)
    warnings = _coverage(guide, theme, options, warnings)
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
        if options.interviewer:
            report("writing the interviewer's packet")
            edition = _with_packet(edition, theme, work, options.progress)
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
        written = publish.publish(guide, edition, out_root, encrypted=encrypted, owner=owner)
    return BuildResult(
        guide=guide, folder=written, files=edition.summary(), warnings=warnings, encrypted=encrypted
    )


def _with_packet(
    edition: Edition, theme: Theme, work: Path, progress: Callable[[str], None] | None
) -> Edition:
    """The edition and, beside it, the interviewer's packet of its questions."""
    from guide import layout
    from guide.pdf import assemble, info, packet

    guide = edition.guide
    pages = work / "packet-pages"
    pages.mkdir()
    rendered = layout.render_packet(guide, theme, pages, progress=progress)
    made = packet.write_packet(guide, theme, rendered, work / info.file_name(guide, packet.ROLE))
    rendered.close()
    del rendered
    shutil.rmtree(pages)
    return assemble.Edition(guide, (*edition.files, made))


def _with_changes(guide: Guide, records: list[Snapshot]) -> Guide:
    """The guide with what changed since its previous release, for "What's new" and the manifest."""
    from guide.edition import changes

    return dataclasses.replace(guide, changes=changes.changes_for(guide, records))


def _quiet(_: str) -> None:
    pass


def _max_file_bytes(options: Options) -> int:
    """The largest input file a build reads: --max-file-size, else GUIDE_MAX_FILE_MB, else 16 MiB."""
    from guide.data.source import DEFAULT_MAX_FILE_BYTES, max_file_bytes

    if options.max_file_bytes is not None:
        return options.max_file_bytes
    return max_file_bytes() or DEFAULT_MAX_FILE_BYTES


def _with_booklet(edition: Edition, work: Path) -> Edition:
    """The edition and, beside it, its study guide imposed as a booklet."""
    from guide.layout.direction import rtl_language
    from guide.pdf import assemble, impose

    study = edition.file("study_guide")
    data, sides = impose.booklet(study.path.read_bytes(), rtl_language(edition.guide.language))
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
        return [f"{self.path}  ({counted(self.pages, 'page')}, flash cards, {columns} × {rows} a sheet)"]


@_collecting_less
def build_cards(
    folder: Path, out_root: Path, options: Options, grid: tuple[int, int] | None = None
) -> CardsResult:
    """Make one guide's flash cards, out_root/<id>-cards/<id>-<edition>-cards.pdf; nothing is written
    on failure."""
    from guide.edition import cards, publish

    publish.check_out_root(out_root, folder)
    guide, warnings, _ = _validated(folder, options)
    name, owner = cards_folder(guide), publish.Owner(guide.id, "cards")
    publish.check_target(out_root, name, owner)
    theme = theme_for(options)
    warnings = _coverage(guide, theme, options, warnings)
    data, pages, used = cards.cards_pdf(guide, theme, grid)
    file_name = f"{guide.id}-{guide.edition}-cards.pdf"
    # Published like an edition: a reader sees the old cards or the new ones, never half a file.
    written = publish.publish_folder(out_root, name, [(file_name, data)], owner=owner)
    return CardsResult(guide, written / file_name, pages, used, warnings)


def cards_folder(guide: Guide) -> str:
    """The output folder of a guide's flash cards, beside its edition."""
    return f"{guide.id}-cards"


@dataclass(frozen=True)
class HandoutsResult:
    """The candidates' copies a build wrote."""

    guide: Guide
    folder: Path
    handouts: tuple[Handout, ...]
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> list[str]:
        from guide.edition.handouts import DISTRIBUTION

        lines = []
        for h in self.handouts:
            lines.append(f"{self.folder / h.name}  ({counted(h.pages, 'page')}, copy {h.code})")
            if h.packet is not None:
                pages = counted(h.packet.pages, "page")
                lines.append(f"{self.folder / h.packet.name}  ({pages}, interviewer's packet, copy {h.code})")
        copies = counted(len(self.handouts), "copy", "copies")
        lines.append(f"{self.folder / DISTRIBUTION}  ({copies} listed)")
        return lines


@_collecting_less
def build_handouts(folder: Path, candidates_file: Path, out_root: Path, options: Options) -> HandoutsResult:
    """Make a marked study guide per candidate in out_root/<id>-handouts/; nothing is written on failure."""
    return _build_handouts(folder, candidates_file, out_root, options, TextStore())


def _build_handouts(
    folder: Path, candidates_file: Path, out_root: Path, options: Options, store: TextStore
) -> HandoutsResult:
    from guide.edition import handouts, publish

    publish.check_out_root(out_root, folder)
    guide, warnings, records = _validated(folder, options, store)
    # A copy is the published study guide, "What's new" included: its printed references to the
    # answer key's pages must hold.
    guide = _with_changes(guide, records)
    owner = publish.Owner(guide.id, "handouts")
    publish.check_target(out_root, handouts.folder_name(guide), owner)
    candidates = handouts.read_candidates(candidates_file, _max_file_bytes(options))
    theme = theme_for(options)
    warnings = _coverage(guide, theme, options, warnings)
    handouts.check_names(candidates, theme)
    with publish.workspace(out_root, handouts.folder_name(guide)) as work:
        copies = handouts.make_handouts(guide, theme, candidates, work, interviewer=options.interviewer)
        written = handouts.publish_handouts(guide, copies, out_root, owner)
    return HandoutsResult(guide, written, tuple(copies), warnings)


@dataclass(frozen=True)
class ReleaseResult:
    """The release record `guide release` wrote (or found already there)."""

    guide: Guide
    released: Released
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> list[str]:
        from guide.edition.changes import counts
        from guide.errors import display_path

        released = self.released
        count = len(released.release.questions)
        what = {
            "released": f"edition {self.guide.edition} released",
            "unchanged": f"edition {self.guide.edition} already released, unchanged",
            "redated": f"edition {self.guide.edition} released again, with its new date",
        }[released.status]
        changes = released.changes
        since = f"; since {changes.since}: {counts(changes)}" if changes is not None else ""
        noun = "question" if count == 1 else "questions"
        return [f"{display_path(released.path)}  ({what}: {count} {noun}{since})"]


def release_guide(folder: Path, out_root: Path, options: Options) -> ReleaseResult:
    """Record the edition built in out_root/<guide id>/ in folder/editions/<edition>.json."""
    from guide.edition import releases
    from guide.errors import display_path

    guide, warnings, records = _validated(folder, options)
    rebuild = f"guide build {display_path(folder)}"
    if display_path(out_root) != "output":
        rebuild += f" --out {display_path(out_root)}"
    manifest = out_root / guide.id / "manifest.json"
    return ReleaseResult(guide, releases.release(guide, folder, manifest, records, rebuild), warnings)


def diff_editions(old: str, new: str, folder: Path | None) -> tuple[Snapshot, Snapshot, Changes]:
    """Two editions, each a release record of folder by edition name or a JSON file, and what changed."""
    from guide.edition import changes, releases

    editions = []
    problems: list[Problem] = []
    for value in (old, new):
        try:
            editions.append(releases.find_edition(value, folder))
        except GuideError as exc:
            problems.extend(exc.problems)
    if problems:
        raise GuideError(problems)
    before, after = editions
    return before, after, changes.diff(before, after)


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

    guide, _, _ = _validated(folder, options)
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
        title = f"{titles.plain(result.guide.title)} — {result.guide.edition}"
        image, shown = preview.contact_sheet(title, parts, ranges, width)
    size = preview.write_png(image, out_file)
    return PreviewResult(result.guide, out_file, size, tuple(shown), result.warnings)
