"""Lay a guide's parts out unit by unit, in one process or two, then number and finish the pages.

A unit is a part's front matter or one of its topics: each starts on a page of its own, so the
units of both parts can be shared between two processes, each with its own fonts and page
store. Once every unit is laid out, the parent numbers the pages of each part; each process
then finishes its own pages (draws their numbers, compresses them) for the writer to copy.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.rl_accel import fp_str

from guide import parallel
from guide.data.model import Guide
from guide.errors import GuideError, Problem
from guide.layout import compose, story
from guide.layout.canvas import Link, PageCanvas, PageStore, parse_links
from guide.layout.finish import PartNumbers, Resolver
from guide.layout.kit import Kit
from guide.layout.pager import Landing, OutlineEntry, Pager, PartInfo, TooLarge

Progress = Callable[[str], None]  # told what is being done, now and then, for a terminal to show


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
            size = q.body.size
            if unit.part == "study":
                total += size("question") + size("guidance") + 400  # and the note lines
            else:
                total += sum(map(size, ("question", "answer", "key_points", "follow_ups"))) + 200
    return total


def share(units: list[Unit], guide: Guide, workers: int) -> list[list[Unit]]:
    """Units dealt to workers, the most costly first to the least loaded: about equal shares."""
    loads = [0.0] * workers
    shares: list[list[Unit]] = [[] for _ in range(workers)]
    costs = {unit: cost(unit, guide) for unit in units}
    for unit in sorted(units, key=lambda u: -costs[u]):
        least = loads.index(min(loads))
        shares[least].append(unit)
        loads[least] += costs[unit]
    order = {unit: i for i, unit in enumerate(units)}
    return [sorted(s, key=order.__getitem__) for s in shares]


@dataclass
class UnitLayout:
    """Where a laid-out unit's pages went (in its worker's store) and where its anchors fell."""

    unit: Unit
    worker: int
    store_pages: list[int]
    anchors: list[Landing]  # page index within the unit
    outline: list[OutlineEntry]


class Places:
    """Where a part's anchors landed (compose.Anchor): page index, x and y, in arrays.

    A dictionary of a hundred thousand named anchors took 30 MB of a 50,000-question build;
    these arrays take 2.
    """

    def __init__(self, questions: int, topics: int) -> None:
        self.questions = questions
        size = questions + topics + 1
        self.pages = array("i", [-1]) * size
        self.xs = array("d", [0.0]) * size
        self.ys = array("d", [0.0]) * size

    def _slot(self, anchor: int) -> int:
        return anchor if anchor > 0 else self.questions - anchor

    def set(self, anchor: int, page: int, x: float, y: float) -> None:
        slot = self._slot(anchor)
        if self.pages[slot] < 0:  # where it starts: a heading split across pages stays on the first
            self.pages[slot], self.xs[slot], self.ys[slot] = page, x, y

    def get(self, anchor: int) -> tuple[int, float, float]:
        slot = self._slot(anchor)
        if not 0 < slot < len(self.pages) or self.pages[slot] < 0:
            raise KeyError(anchor)
        return self.pages[slot], self.xs[slot], self.ys[slot]


@dataclass
class Numbering:
    """How the pages of both parts are numbered, and where every anchor is."""

    parts: dict[str, PartNumbers]
    starts: dict[tuple[str, int], int]  # (part, unit order) → index in the part of its first page
    places: dict[str, Places]  # of the parts laid out, and of a part given

    def folio(self, part: str, anchor: int) -> str:
        """The printed folio of the page an anchor of a part is on."""
        return self.parts[part].folio(self.places[part].get(anchor)[0])


@dataclass
class Finished:
    """One worker's finished pages: where each is in its file, and the worker's fonts."""

    worker: int
    path: Path
    pages: list[tuple[str, int, int, int, int]]  # (part, index, offset, content bytes, link bytes)
    fonts: bytes


@dataclass
class RenderedPart:
    """A part laid out and finished: where its pages are, its numbering, anchors and outline."""

    part: str
    numbers: PartNumbers
    places: Places  # x as the page is printed
    outline: array[int]  # the anchors of its outline entries, in order (topics below zero)
    titles: dict[int, str]  # the title of each outline entry, by anchor
    # Page by page: the worker that finished it, and where in that worker's file.
    workers: array[int] = field(default_factory=lambda: array("b"))
    offsets: array[int] = field(default_factory=lambda: array("q"))
    sizes: array[int] = field(default_factory=lambda: array("l"))
    link_sizes: array[int] = field(default_factory=lambda: array("l"))


@dataclass
class Rendered:
    """Both parts (or the study guide alone), and the files and fonts their pages are in."""

    parts: dict[str, RenderedPart]
    workers: dict[int, Finished] = field(default_factory=dict)
    _files: dict[int, int] = field(default_factory=dict, repr=False)  # worker → its file, open

    def read(self, part: RenderedPart, index: int) -> tuple[bytes, list[Link], int]:
        """A finished page: its compressed content, its links, and the worker that laid it out.

        Read at its offset (pread): a process forked while the file is open reads it as well.
        """
        worker, offset = part.workers[index], part.offsets[index]
        size, link_size = part.sizes[index], part.link_sizes[index]
        fd = self._files.get(worker)
        if fd is None:
            fd = self._files[worker] = os.open(self.workers[worker].path, os.O_RDONLY)
        data = os.pread(fd, size + link_size, offset)
        return data[:size], parse_links(data[size:].decode("utf-8")), worker

    def close(self) -> None:
        """Close the files the pages were read from."""
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()

    def __del__(self) -> None:
        self.close()


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

                def report(qid: str, what: str = what, total: int = total) -> None:
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
        resolver = Resolver(self.kit, self.canv, numbering)
        path = self.folder / f"finished-{self.index}.bin"
        pages: list[tuple[str, int, int, int, int]] = []
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
                    pages.append((part, index, offset, len(data), len(encoded)))
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
    layouts: list[UnitLayout],
    infos: dict[str, PartInfo],
    guide: Guide,
    kit: Kit,
    given: dict[str, RenderedPart],
) -> tuple[Numbering, dict[str, RenderedPart]]:
    """Number the pages of each part laid out, and place every anchor; a part `given` as it is."""
    shift = kit.shift
    parts: dict[str, PartNumbers] = {}
    starts: dict[tuple[str, int], int] = {}
    places: dict[str, Places] = {}
    rendered: dict[str, RenderedPart] = {}
    titles: dict[int, str] = {}  # the same in both parts
    for part, info in infos.items():
        mine = sorted((u for u in layouts if u.unit.part == part), key=lambda u: u.unit.order)
        start = 0
        landed = Places(len(guide.questions), len(guide.topics))
        outline = array("i")
        for layout in mine:
            starts[(part, layout.unit.order)] = start
            for anchor, page, x, y in layout.anchors:
                index = start + page
                landed.set(anchor, index, round(x + (shift if index % 2 else 0.0), 2), y)
            for anchor, title in layout.outline:
                outline.append(anchor)
                titles.setdefault(anchor, title)
            start += len(layout.store_pages)
        body_start = len(mine[0].store_pages) if mine and mine[0].unit.order == 0 else 0
        parts[part] = PartNumbers(start, body_start, info.folio_prefix)
        places[part] = landed
        rendered[part] = RenderedPart(part, parts[part], landed, outline, titles)
    for part, given_part in given.items():
        parts[part], places[part] = given_part.numbers, given_part.places
    return Numbering(parts, starts, places), rendered


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

    Each worker lays out its units, then is told how both parts are numbered, then finishes its
    own pages: with two workers, the second runs in a forked child if `fork`, else after the
    first. The bytes are the same either way.
    """
    units = plan(guide, tuple(infos))  # type: ignore[arg-type]
    folder = Path(tempfile.mkdtemp(prefix="render-", dir=folder))  # one folder per rendering
    shares = share(units, guide, 2) if workers == 2 else [units]

    def side(index: int, mine: list[Unit]) -> Callable[[], Generator[list[UnitLayout], Numbering, Finished]]:
        def task() -> Generator[list[UnitLayout], Numbering, Finished]:
            worker = Worker(index, kit, folder, infos)
            try:
                layouts = worker.lay_out(mine, guide, progress if index == 0 else None)
                numbering = yield layouts
                if progress is not None and index == 0:
                    progress("finishing the pages")
                return worker.finish(layouts, numbering)
            finally:
                worker.store.close()

        return task

    numbered: dict[str, RenderedPart] = {}

    def between(reports: list[list[UnitLayout]]) -> list[Numbering]:
        numbering, parts = number([u for layouts in reports for u in layouts], infos, guide, kit, given)
        numbered.update(parts)
        return [numbering] * len(reports)

    tasks = [side(i, mine) for i, mine in enumerate(shares)]
    results = parallel.run(
        tasks,
        guide.location,
        between=between,
        how="fork" if fork else "here",
        what="the process laying out half of the guide",
    )
    finished: dict[int, Finished] = {done.worker: done for done in results}
    parts = numbered
    for part in parts.values():
        count = part.numbers.pages
        part.workers.extend([-1] * count)
        part.offsets.extend([0] * count)
        part.sizes.extend([0] * count)
        part.link_sizes.extend([0] * count)
    for worker, done in finished.items():
        for name, index, offset, size, link_size in done.pages:
            part = parts[name]
            part.workers[index], part.offsets[index] = worker, offset
            part.sizes[index], part.link_sizes[index] = size, link_size
        done.pages = []  # kept in the parts' arrays from here on
    return Rendered(parts, finished)


__all__ = ["Rendered", "RenderedPart", "Unit", "render_units"]
