"""Lay a guide's parts out unit by unit, in one process or two, then number and finish the pages.

A unit is a part's front matter or one of its topics: each starts on a page of its own, so the
units of both parts can be shared between two processes, each with its own fonts and page
store. Once every unit is laid out, the parent numbers the pages of each part; each process
then finishes its own pages (draws their numbers, compresses them) for the writer to copy.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.rl_accel import fp_str

from guide import compose
from guide.errors import GuideError, Location, Problem
from guide.model import Guide
from guide.parallel import receive
from guide.render import story
from guide.render.canvas import Link, PageCanvas, PageStore, parse_links
from guide.render.finish import PartNumbers, Resolver
from guide.render.kit import Kit
from guide.render.pager import Anchor, OutlineEntry, Pager, PartInfo, TooLarge

Progress = Callable[[str], None]  # told what is being done, now and then, for a terminal to show
CHILD = "the process laying out half of the guide"


@dataclass(frozen=True)
class Unit:
    """A part's front matter (order 0) or its topics from `first` to `last`, on pages of their own."""

    part: compose.Part
    order: int
    topics: tuple[int, ...] = ()

    def items(self, guide: Guide, labels: dict[str, str], note_lines: int) -> Iterator[compose.Item]:
        if self.order == 0:
            yield from compose.front(guide, self.part, labels=labels)
        for index in self.topics:
            yield from compose.topic_items(guide, self.part, index, note_lines=note_lines)


def plan(guide: Guide, parts: tuple[compose.Part, ...]) -> list[Unit]:
    """The units of the parts asked for, in reading order."""
    return [
        unit
        for part in parts
        for unit in (Unit(part, 0), *(Unit(part, i + 1, (i,)) for i in range(len(guide.topics))))
    ]


def cost(unit: Unit, guide: Guide) -> float:
    """A rough measure of a unit's layout time: how much text it sets."""
    if unit.order == 0:
        return 200.0 * len(guide.questions) / 10 + 2_000.0
    total = 0.0
    for index in unit.topics:
        for q in guide.topics[index].questions:
            if unit.part == "study":
                total += len(q.question) + len(q.guidance) + 400  # and the note lines
            else:
                total += len(q.question) + len(q.answer) + sum(map(len, (*q.key_points, *q.follow_ups))) + 200
    return total


def share(units: list[Unit], guide: Guide, workers: int) -> list[list[Unit]]:
    """Units dealt to workers, the most costly first to the least loaded: about equal shares."""
    loads = [0.0] * workers
    shares: list[list[Unit]] = [[] for _ in range(workers)]
    for unit in sorted(units, key=lambda u: -cost(u, guide)):
        least = loads.index(min(loads))
        shares[least].append(unit)
        loads[least] += cost(unit, guide)
    order = {unit: i for i, unit in enumerate(units)}
    return [sorted(s, key=order.__getitem__) for s in shares]


@dataclass
class UnitLayout:
    """Where a laid-out unit's pages went (in its worker's store) and where its anchors fell."""

    unit: Unit
    worker: int
    store_pages: list[int]
    anchors: dict[str, Anchor]  # page index within the unit
    outline: list[OutlineEntry]


@dataclass
class Numbering:
    """How the pages of both parts are numbered, and the folio of every anchor."""

    parts: dict[str, PartNumbers]
    starts: dict[tuple[str, int], int]  # (part, unit order) → index in the part of its first page
    folios: dict[str, str]  # anchor → folio of its page, in its own part
    labels: dict[str, str]


@dataclass
class Finished:
    """One worker's finished pages: where each is in its file, and the worker's fonts."""

    worker: int
    path: Path
    pages: dict[tuple[str, int], tuple[int, int, int]]  # (part, index) → (offset, content, links)
    fonts: bytes


PageRef = tuple[int, int, int, int]  # worker, offset, content bytes, link bytes


@dataclass
class RenderedPart:
    """A part laid out and finished: its pages in order, its numbering, anchors and outline."""

    part: str
    numbers: PartNumbers
    pages: list[PageRef]
    anchors: dict[str, Anchor]  # page index within the part; x as the page is printed
    outline: list[OutlineEntry]


@dataclass
class Rendered:
    """Both parts (or the study guide alone), and the files and fonts their pages are in."""

    parts: dict[str, RenderedPart]
    workers: dict[int, Finished] = field(default_factory=dict)

    def read(self, ref: PageRef) -> tuple[bytes, list[Link]]:
        """A finished page: its compressed content and its links."""
        worker, offset, size, link_size = ref
        with open(self.workers[worker].path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(size + link_size)
        return data[:size], parse_links(data[size:].decode("utf-8"))


class Worker:
    """One process's share: its canvas (so its fonts) and its page store."""

    def __init__(self, index: int, kit: Kit, folder: Path, infos: dict[str, PartInfo]) -> None:
        self.index = index
        self.kit = kit
        self.folder = folder
        self.infos = infos
        self.store = PageStore(folder / f"pages-{index}.bin")
        self.canv = PageCanvas(kit, self.store)

    def lay_out(self, units: list[Unit], guide: Guide, progress: Progress | None) -> list[UnitLayout]:
        layouts = []
        numbers = {q.id: q.number for q in guide.questions}
        theme = self.kit.theme
        for unit in units:
            info = self.infos[unit.part]
            report = None
            if progress is not None:
                what, total = info.part_label.lower(), len(guide.questions)

                def report(page: int, qid: str, what: str = what, total: int = total) -> None:
                    progress(f"laying out the {what}: question {numbers.get(qid, 0)} of {total}")

            pager = Pager(self.kit, self.canv, info, template="cover" if unit.order == 0 else "body",
                          on_page=report)  # fmt: skip
            items = unit.items(guide, theme.labels, theme.note_lines)
            try:
                pager.run(story.blocks(items, self.kit))
            except GuideError:
                raise
            except (
                TooLarge,
                ValueError,
                IndexError,
                KeyError,
                TypeError,
                AttributeError,
                ZeroDivisionError,
            ) as exc:
                raise _located(guide, pager.current_id, exc) from exc
            layouts.append(UnitLayout(unit, self.index, pager.store_pages, pager.anchors, pager.outline))
        return layouts

    def finish(self, layouts: list[UnitLayout], numbering: Numbering) -> Finished:
        resolver = Resolver(self.kit, self.canv, numbering.folios)
        path = self.folder / f"finished-{self.index}.bin"
        pages: dict[tuple[str, int], tuple[int, int, int]] = {}
        offset = 0
        with open(path, "wb") as out:
            for layout in layouts:
                part = layout.unit.part
                info, numbers = self.infos[part], numbering.parts[part]
                start = numbering.starts[(part, layout.unit.order)]
                for k, stored in enumerate(layout.store_pages):
                    index = start + k
                    content, links = self.store.read(stored)
                    data = resolver.finish(content, info, numbers, index)
                    encoded = _links(links, resolver.shift if index % 2 else 0.0).encode("utf-8")
                    out.write(data)
                    out.write(encoded)
                    pages[(part, index)] = (offset, len(data), len(encoded))
                    offset += len(data) + len(encoded)
        self.store.close()
        return Finished(self.index, path, pages, self.canv.fonts_pdf())


def _links(links: list[Link], shift: float) -> str:
    """Links as the writer reads them, moved with their page if it is a left-hand one."""
    return "".join(
        f"{kind} {fp_str(x1 + shift, y1, x2 + shift, y2)} {target}\n"
        for kind, (x1, y1, x2, y2), target in links
    )


def _located(guide: Guide, qid: str, exc: Exception) -> GuideError:
    """A failure inside the layout, reported at the question being laid out."""
    where = next((q.location for q in guide.questions if q.id == qid), guide.location)
    what = f"question '{qid}'" if qid else "the guide"
    detail = " ".join(str(exc).split())[:200]
    if isinstance(exc, TooLarge):
        return GuideError([Problem(where, f"cannot lay out {what}: {detail}")])
    return GuideError(
        [Problem(where, f"cannot lay out {what}: an internal error in guide ({detail}); please report it")]
    )


def number(
    layouts: list[UnitLayout], infos: dict[str, PartInfo], kit: Kit, given: dict[str, RenderedPart]
) -> tuple[Numbering, dict[str, dict[str, Anchor]], dict[str, list[OutlineEntry]]]:
    """Number the pages of each part laid out; the folio of every anchor, laid out or `given`."""
    theme = kit.theme
    shift = float(theme.margins["outer"] - theme.margins["inner"]) if theme.duplex else 0.0
    parts: dict[str, PartNumbers] = {}
    starts: dict[tuple[str, int], int] = {}
    anchors: dict[str, dict[str, Anchor]] = {}
    outlines: dict[str, list[OutlineEntry]] = {}
    folios: dict[str, str] = {}
    for part, info in infos.items():
        mine = sorted((u for u in layouts if u.unit.part == part), key=lambda u: u.unit.order)
        start = 0
        part_anchors: dict[str, Anchor] = {}
        outline: list[OutlineEntry] = []
        for layout in mine:
            starts[(part, layout.unit.order)] = start
            for name, (page, x, y) in layout.anchors.items():
                index = start + page
                part_anchors[name] = (index, round(x + (shift if index % 2 else 0.0), 2), y)
            outline.extend(layout.outline)
            start += len(layout.store_pages)
        body_start = len(mine[0].store_pages) if mine and mine[0].unit.order == 0 else 0
        numbers = PartNumbers(start, body_start, info.folio_prefix)
        parts[part] = numbers
        anchors[part], outlines[part] = part_anchors, outline
        for name, (index, _, _) in part_anchors.items():
            folios[name] = numbers.folio(index)
    for rendered in given.values():
        for name, (index, _, _) in rendered.anchors.items():
            folios[name] = rendered.numbers.folio(index)
    return Numbering(parts, starts, folios, dict(theme.labels)), anchors, outlines


def render_units(
    guide: Guide,
    kit: Kit,
    infos: dict[str, PartInfo],
    folder: Path,
    *,
    given: dict[str, RenderedPart],
    workers: int,
    fork: bool,
    progress: Progress | None,
) -> Rendered:
    """Lay out, number and finish the parts named in `infos`, their units shared by `workers` (1 or 2).

    With two workers, the second runs in a forked child if `fork`, else after the first: the
    bytes are the same either way.
    """
    units = plan(guide, tuple(infos))  # type: ignore[arg-type]
    folder = Path(tempfile.mkdtemp(prefix="render-", dir=folder))  # one folder per rendering
    if workers == 2 and fork:
        mine, theirs = share(units, guide, 2)
        numbering, anchors, outlines, finished = _in_two(
            guide, kit, infos, folder, mine, theirs, given, progress
        )
    else:
        shares = share(units, guide, 2) if workers == 2 else [units]
        team = [Worker(i, kit, folder, infos) for i in range(len(shares))]
        try:
            layouts = [w.lay_out(s, guide, progress) for w, s in zip(team, shares, strict=True)]
            numbering, anchors, outlines = number([u for mine in layouts for u in mine], infos, kit, given)
            finished = {w.index: w.finish(mine, numbering) for w, mine in zip(team, layouts, strict=True)}
        finally:
            for w in team:
                w.store.close()
    parts = {}
    for part, numbers in numbering.parts.items():
        refs: list[PageRef] = []
        for index in range(numbers.pages):
            owner = next(w for w, f in finished.items() if (part, index) in f.pages)
            offset, size, link_size = finished[owner].pages[(part, index)]
            refs.append((owner, offset, size, link_size))
        parts[part] = RenderedPart(part, numbers, refs, anchors[part], outlines[part])
    return Rendered(parts, finished)


def _in_two(
    guide: Guide,
    kit: Kit,
    infos: dict[str, PartInfo],
    folder: Path,
    mine: list[Unit],
    theirs: list[Unit],
    given: dict[str, RenderedPart],
    progress: Progress | None,
) -> tuple[Numbering, dict[str, dict[str, Anchor]], dict[str, list[OutlineEntry]], dict[int, Finished]]:
    """Lay out `theirs` in a forked child while this process lays out `mine`; then both finish.

    Each side first lays out its units, then the child sends where its pages and anchors fell,
    the parent numbers the pages of both and sends the numbering back, and each finishes its own
    pages: the same steps as in one process, and the same bytes.
    """
    context = multiprocessing.get_context("fork")
    ours, child_end = context.Pipe()

    def child() -> None:
        # The child's copy of the parent's end: closed, so that a parent killed mid-build is an
        # end of file here, not a wait for ever.
        ours.close()
        worker = Worker(1, kit, folder, infos)
        try:
            child_end.send(("layouts", worker.lay_out(theirs, guide, None)))
            _, numbering = child_end.recv()
            child_end.send(("finished", worker.finish(*numbering)))
        except (EOFError, BrokenPipeError):
            return  # the parent stopped (it failed, or was killed): nobody is left to tell
        except GuideError as exc:
            with contextlib.suppress(OSError):
                child_end.send(("error", exc.problems))
        except BaseException as exc:  # reported by the parent, at the guide's place
            with contextlib.suppress(OSError):
                child_end.send(("crash", f"{type(exc).__name__}: {exc}"))
        finally:
            worker.store.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    child_end.close()
    where: Location = guide.location
    worker = Worker(0, kit, folder, infos)
    try:
        layouts = worker.lay_out(mine, guide, progress)
        child_layouts = receive(ours, where, "layouts", CHILD)
        everything = layouts + child_layouts
        numbering, anchors, outlines = number(everything, infos, kit, given)
        ours.send(("numbering", (child_layouts, numbering)))
        if progress is not None:
            progress("finishing the pages")
        finished = {0: worker.finish(layouts, numbering)}
        finished[1] = receive(ours, where, "finished", CHILD)
    finally:
        worker.store.close()
        ours.close()
        if process.is_alive():
            process.terminate()
        process.join()
    return numbering, anchors, outlines, finished


__all__ = ["Any", "Rendered", "RenderedPart", "Unit", "render_units"]
