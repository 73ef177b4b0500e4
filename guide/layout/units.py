"""Lay a guide's parts out unit by unit, in one process or two, then number and finish the pages.

A unit (compose.Unit) is a part's front matter or one of its topics: each starts on a page of
its own, so the units of both parts can be shared between two processes, each with its own
drawer (its fonts' subsets) and page store. Once every unit is laid out, the pages of each part
are numbered; each process then finishes its own pages (resolves their placeholders, compresses
them) for the writer to copy.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guide import parallel
from guide.data.model import Guide
from guide.errors import GuideError, Problem
from guide.layout import page, story
from guide.layout.compose import Unit
from guide.layout.draw import Drawer
from guide.layout.finish import PartNumbers, Resolver
from guide.layout.kit import Kit
from guide.layout.page import Anchor, Link, Page, Part, Placeholder, Resources
from guide.layout.pager import Landed, Pager, PartInfo, TooLarge

Progress = Callable[[str], None]  # told what is being done, now and then, for a terminal to show


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
            elif unit.part == "interviewer":
                total += sum(map(size, ("question", "guidance", "key_points", "follow_ups"))) + 600
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


class PageStore:
    """The pages one process lays out, in a file: each page's drawn content, and its placeholders
    (each with where in the content it goes) and links, pickled: a few a page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = open(path, "w+b")  # noqa: SIM115 (closed by close(), after the last read)
        self.entries: list[tuple[int, int, int]] = []  # (offset, content bytes, the rest's bytes)
        self.end = 0

    def add(self, content: str, placeholders: list[tuple[int, Placeholder]], links: list[Link]) -> int:
        data = content.encode("latin-1")
        rest = pickle.dumps((placeholders, links), protocol=pickle.HIGHEST_PROTOCOL)
        self.file.seek(self.end)
        self.file.write(data)
        self.file.write(rest)
        self.entries.append((self.end, len(data), len(rest)))
        self.end += len(data) + len(rest)
        return len(self.entries) - 1

    def read(self, index: int) -> tuple[str, list[tuple[int, Placeholder]], list[Link]]:
        offset, size, rest_size = self.entries[index]
        self.file.seek(offset)
        data = self.file.read(size + rest_size)
        placeholders, links = pickle.loads(data[size:])
        return data[:size].decode("latin-1"), placeholders, links

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()


@dataclass
class UnitLayout:
    """Where a laid-out unit's pages went (in its worker's store) and where its anchors fell."""

    unit: Unit
    worker: int
    kept: list[int]
    landed: list[Landed]  # page counted within the unit
    outline: list[tuple[Anchor, str]]


class Places:
    """Where a part's anchors landed: page index, x and y, in arrays indexed by anchor.

    A dictionary of a hundred thousand named anchors took 30 MB of a 50,000-question build;
    these arrays take 2.
    """

    def __init__(self, questions: int, topics: int) -> None:
        self.questions = questions
        size = questions + topics + 1
        self.pages = array("i", [-1]) * size
        self.xs = array("d", [0.0]) * size
        self.ys = array("d", [0.0]) * size

    def slot(self, anchor: Anchor) -> int:
        """An anchor as a number: a question's own, a topic's after every question's."""
        return anchor.number if anchor.kind == "question" else self.questions + anchor.number

    def anchor(self, slot: int) -> Anchor:
        """The anchor of a slot."""
        return Anchor("question", slot) if slot <= self.questions else Anchor("topic", slot - self.questions)

    def set(self, anchor: Anchor, page_index: int, x: float, y: float) -> None:
        slot = self.slot(anchor)
        if self.pages[slot] < 0:  # where it starts: a heading split across pages stays on the first
            self.pages[slot], self.xs[slot], self.ys[slot] = page_index, x, y

    def get(self, anchor: Anchor) -> tuple[int, float, float]:
        slot = self.slot(anchor)
        if not 0 < slot < len(self.pages) or self.pages[slot] < 0:
            raise KeyError(anchor)
        return self.pages[slot], self.xs[slot], self.ys[slot]


@dataclass
class Numbering:
    """How the pages of both parts are numbered, and where every anchor is."""

    parts: dict[str, PartNumbers]
    starts: dict[tuple[str, int], int]  # (part, unit order) → index in the part of its first page
    places: dict[str, Places]  # of the parts laid out, and of a part given

    def folio(self, part: str, anchor: Anchor) -> str:
        """The printed folio of the page an anchor of a part is on."""
        return self.parts[part].folio(self.places[part].get(anchor)[0])


@dataclass
class Finished:
    """One worker's finished pages: where each is in its file, and what the pages refer to."""

    worker: int
    path: Path
    pages: list[tuple[str, int, int, int, int]]  # (part, index, offset, content bytes, link bytes)
    resources: Resources


@dataclass
class RenderedPart:
    """A part laid out and finished: where its pages are, its numbering, anchors and outline."""

    part: Part
    numbers: PartNumbers
    places: Places  # x as the page is printed
    outline: array[int]  # the slots (Places.slot) of its outline entries, in order
    titles: dict[int, str]  # the title of each outline entry, by slot
    # Page by page: the worker that finished it, and where in that worker's file.
    workers: array[int] = field(default_factory=lambda: array("b"))
    offsets: array[int] = field(default_factory=lambda: array("q"))
    sizes: array[int] = field(default_factory=lambda: array("l"))
    link_sizes: array[int] = field(default_factory=lambda: array("l"))

    def outline_entries(self) -> list[tuple[Anchor, str]]:
        """The outline entries, in order: each anchor, and its title."""
        return [(self.places.anchor(slot), self.titles[slot]) for slot in self.outline]


@dataclass
class Rendered:
    """Both parts (or the study guide alone), and the files and resources their pages are in."""

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
        links: list[Link] = pickle.loads(data[size:])
        return data[:size], links, worker

    def close(self) -> None:
        """Close the files the pages were read from."""
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()

    def __del__(self) -> None:
        self.close()


class Worker:
    """One process's share: its drawer (so its fonts' subsets) and its page store."""

    def __init__(self, index: int, kit: Kit, folder: Path, infos: dict[str, PartInfo]) -> None:
        self.index = index
        self.kit = kit
        self.folder = folder
        self.infos = infos
        self.store = PageStore(folder / f"pages-{index}.bin")
        self.drawer = Drawer()

    def keep(self, laid_out: Page) -> int:
        """Draw a page's own items now and keep them, with its placeholders and links, in the store.

        Each placeholder keeps its place among the drawn items (where in the content it goes), so
        that text read from the page comes in order: "QUESTION 2 Answer: page A-1".
        """
        drawn: list[str] = []
        static: list[page.Static] = []
        placeholders: list[tuple[int, Placeholder]] = []
        links: list[Link] = []
        length = 0
        for item in laid_out.items:
            if isinstance(item, page.STATIC):
                static.append(item)
            elif isinstance(item, page.PLACEHOLDERS):
                if static:
                    drawn.append(self.drawer.content(static) + "\n")
                    length += len(drawn[-1])
                    static = []
                placeholders.append((length, item))
            elif isinstance(item, page.Link):
                links.append(item)
        if static:
            drawn.append(self.drawer.content(static))
        return self.store.add("".join(drawn), placeholders, links)

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

            pager = Pager(self.kit, info, self.keep, template="cover" if unit.order == 0 else "body",
                          on_page=report)  # fmt: skip
            items = unit.items(guide, theme.labels, theme.note_lines, theme.packet)
            try:
                pager.run(story.blocks(items, self.kit))
            except GuideError:
                raise
            except (TooLarge, ValueError, IndexError, KeyError, TypeError, AttributeError, ZeroDivisionError,
                    RecursionError, MemoryError) as exc:  # fmt: skip
                raise _located(guide, pager.current_id, exc) from exc
            layouts.append(UnitLayout(unit, self.index, pager.kept, pager.landed, pager.outline))
        return layouts

    def finish(self, layouts: list[UnitLayout], numbering: Numbering) -> Finished:
        resolver = Resolver(self.kit, self.drawer, numbering)
        path = self.folder / f"finished-{self.index}.bin"
        pages: list[tuple[str, int, int, int, int]] = []
        offset = 0
        with open(path, "wb") as out:
            for layout in layouts:
                part = layout.unit.part
                info, numbers = self.infos[part], numbering.parts[part]
                start = numbering.starts[(part, layout.unit.order)]
                for k, stored in enumerate(layout.kept):
                    index = start + k
                    content, placeholders, links = self.store.read(stored)
                    data = resolver.finish(content, placeholders, info, numbers, index)
                    shift = resolver.shift if index % 2 else 0.0
                    encoded = pickle.dumps(
                        [_moved(link, shift) for link in links], protocol=pickle.HIGHEST_PROTOCOL
                    )
                    out.write(data)
                    out.write(encoded)
                    pages.append((part, index, offset, len(data), len(encoded)))
                    offset += len(data) + len(encoded)
        self.store.close()
        return Finished(self.index, path, pages, self.drawer.resources())


def _moved(link: Link, shift: float) -> Link:
    """A link moved with its page, if that is a left-hand one."""
    if not shift:
        return link
    x1, y1, x2, y2 = link.rect
    return Link((x1 + shift, y1, x2 + shift, y2), link.target)


def _located(guide: Guide, qid: str, exc: BaseException) -> GuideError:
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
    for name, info in infos.items():
        mine = sorted((u for u in layouts if u.unit.part == name), key=lambda u: u.unit.order)
        start = 0
        landed = Places(len(guide.questions), len(guide.topics))
        outline = array("i")
        titles: dict[int, str] = {}
        for layout in mine:
            starts[(name, layout.unit.order)] = start
            for anchor, page_index, x, y in layout.landed:
                index = start + page_index
                landed.set(anchor, index, round(x + (shift if index % 2 else 0.0), 2), y)
            for anchor, title in layout.outline:
                slot = landed.slot(anchor)
                outline.append(slot)
                titles.setdefault(slot, title)
            start += len(layout.kept)
        body_start = len(mine[0].kept) if mine and mine[0].unit.order == 0 else 0
        parts[name] = PartNumbers(start, body_start, info.folio_prefix)
        places[name] = landed
        rendered[name] = RenderedPart(info.part, parts[name], landed, outline, titles)
    for name, given_part in given.items():
        parts[name], places[name] = given_part.numbers, given_part.places
    return Numbering(parts, starts, places), rendered


def render_units(
    guide: Guide,
    kit: Kit,
    infos: dict[str, PartInfo],
    units: Sequence[Unit],
    folder: Path,
    *,
    given: dict[str, RenderedPart],
    workers: int,
    fork: bool,
    progress: Progress | None,
) -> Rendered:
    """Lay out, number and finish the units of the parts named in `infos`, shared by `workers` (1 or 2).

    Each worker lays out its units, then is told how both parts are numbered, then finishes its
    own pages: with two workers, the second runs in a forked child if `fork`, else after the
    first. The bytes are the same either way.
    """
    folder = Path(tempfile.mkdtemp(prefix="render-", dir=folder))  # one folder per rendering
    shares = share(list(units), guide, 2) if workers == 2 else [list(units)]

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

    parts: dict[str, RenderedPart] = {}

    def between(reports: list[list[UnitLayout]]) -> list[Numbering]:
        numbering, numbered = number([u for layouts in reports for u in layouts], infos, guide, kit, given)
        parts.update(numbered)
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


__all__ = ["Rendered", "RenderedPart", "render_units"]
