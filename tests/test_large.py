"""A bank of 240 generated questions (benchmarks/generate.py): built with the two-process layout,
assembly and check, every question is in every part and every link lands where its target is."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pdfcheck import object_number, pdf_array, pdf_dict
from pypdf import PdfReader
from pypdf.generic import Destination

from guide.build import Options, build_guide
from guide.data.model import Guide
from guide.layout.styles import Theme
from guide.parallel import MIN_QUESTIONS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

QUESTIONS = 240
HEAD = re.compile(r"\bQUESTION (\d+)\b")


@dataclass
class Book:
    reader: PdfReader
    texts: list[str]  # each page's text, by PDFium
    lines: dict[tuple[int, int], str]  # (page, link number) → the text of the line the link is on


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    root = tmp_path_factory.mktemp("large")
    generate.generate(QUESTIONS, root / "bank")
    assert QUESTIONS >= MIN_QUESTIONS  # so that the build runs in two processes
    result = build_guide(root / "bank", root / "out", Options())
    path = result.folder / result.files["complete"][0]
    reader = PdfReader(path)
    texts, lines = [], {}
    doc = pdfium.PdfDocument(path)
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            width = page.get_width()
            for k, ref in enumerate(reader.pages[index].get("/Annots") or []):
                _, bottom, _, top = (float(v) for v in ref.get_object()["/Rect"])
                lines[(index, k)] = textpage.get_text_bounded(0, bottom, width, top)
            textpage.close()
    finally:
        doc.close()
    return Book(reader, texts, lines)


def test_every_question_is_in_both_parts_once(book: Book) -> None:
    heads = Counter(int(n) for text in book.texts for n in HEAD.findall(text))
    assert set(heads) == set(range(1, QUESTIONS + 1))
    assert set(heads.values()) == {2}  # its head in the study guide and in the answer key


def test_every_link_lands_on_the_page_of_its_question(book: Book) -> None:
    """Each 'Answer: page A-n' and 'Question: page n' link, beside its question's head, leads to a
    page that holds that question's head in the other part; every outline entry resolves."""
    reader = book.reader
    index_of = {object_number(page): i for i, page in enumerate(reader.pages)}
    crossed: Counter[str] = Counter()
    for (index, k), line in book.lines.items():
        annot = pdf_dict(pdf_array(reader.pages[index]["/Annots"])[k])
        dest = annot.get("/Dest")
        if dest is None:
            assert "/URI" in pdf_dict(annot["/A"]), f"a link on page {index + 1} is neither internal nor web"
            continue
        target = index_of[dest[0].idnum]
        head = HEAD.search(line)
        if head and ("Answer" in line or "Question:" in line):
            number = head.group(1)
            assert re.search(rf"\bQUESTION {number}\b", book.texts[target]), (index + 1, line)
            assert (target < index) == ("Question:" in line)  # answers lead back, questions forward
            crossed[number] += 1
    assert set(crossed.values()) == {2} and len(crossed) == QUESTIONS
    titles = []
    stack: list[Destination | list[Any]] = list(reader.outline)  # entries, and lists of their children
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            titles.append(str(item.title))
            assert reader.get_destination_page_number(item) is not None, item.title
    numbered = Counter(t.split(".", 1)[0] for t in titles if re.match(r"\d+\. ", t))
    assert all(numbered[str(n)] == 2 for n in range(1, QUESTIONS + 1))


def _edition(guide: Guide, theme: Theme, folder: Path, parallel: bool) -> dict[str, bytes]:
    from guide import layout
    from guide.pdf import assemble

    folder.mkdir()
    rendered = layout.render(guide, theme, folder, parallel=parallel)
    edition = assemble.assemble(guide, theme, rendered, folder)
    return {f.role: f.path.read_bytes() for f in edition.files}


def test_two_processes_make_the_bytes_of_one(tmp_path: Path) -> None:
    """The topics of both parts shared between two processes, each with its own fonts: the same files."""
    from guide.data.validate import load_guide
    from guide.layout.styles import load_theme

    generate.generate(QUESTIONS, tmp_path / "bank")
    guide, _ = load_guide(tmp_path / "bank")
    theme = load_theme("print")  # printed on both sides: left-hand pages move to their margins
    one = _edition(guide, theme, tmp_path / "one", parallel=False)
    two = _edition(guide, theme, tmp_path / "two", parallel=True)
    assert one.keys() == two.keys() == {"study_guide", "answer_key", "complete"}
    for role in one:
        assert one[role] == two[role], role


def test_pages_go_to_disk_as_they_are_drawn(tmp_path: Path) -> None:
    """A layout process keeps no page in memory: each goes to the page store as it is finished."""
    import gc

    from guide.data.validate import load_guide
    from guide.layout import _info
    from guide.layout.compose import plan
    from guide.layout.kit import make_kit
    from guide.layout.page import Page
    from guide.layout.styles import load_theme
    from guide.layout.units import Worker

    generate.generate(60, tmp_path / "bank")
    guide, _ = load_guide(tmp_path / "bank")
    kit = make_kit(load_theme("base"))
    worker = Worker(0, kit, tmp_path, {"key": _info(guide, kit.theme, "key", across=True)})
    alive: list[int] = []
    keep = worker.keep

    def counting(laid_out: Page) -> int:
        gc.collect()
        alive.append(sum(isinstance(o, Page) for o in gc.get_objects()))
        return keep(laid_out)

    worker.keep = counting  # type: ignore[method-assign]  # this worker's pages counted as kept
    try:
        layouts = worker.lay_out(plan(guide, ("key",)), guide, None)
    finally:
        worker.store.close()
    # Opened as the store opens it (read and write, so the same type of file), to be read back below.
    worker.store.file = open(worker.store.path, "r+b")  # noqa: SIM115 (read back below, then closed)
    pages = sum(len(layout.kept) for layout in layouts)
    assert pages > 40
    assert len(worker.store.entries) == pages
    assert max(alive) == 1  # only the page being finished
    content, placeholders, _ = worker.store.read(layouts[-1].kept[-1])
    worker.store.close()
    assert "Tj" in content and placeholders


def test_a_run_kept_with_the_next_longer_than_a_page_is_laid_out_whole(tmp_path: Path) -> None:
    """300 lead-in lines in a row, each kept with the next: too tall to keep on one page, they are
    set one after another, and every one of them is in the answer key."""
    steps = "\\n\\n".join(f"**Step {i}**" for i in range(300))
    (tmp_path / "g" / "questions").mkdir(parents=True)
    (tmp_path / "g" / "guide.yaml").write_text(
        "title: Steps\nedition: '1'\ndate: 2026-01-01\n", encoding="utf-8"
    )
    (tmp_path / "g" / "questions" / "q.yaml").write_text(
        f'- id: steps\n  topic: Steps\n  question: What are the steps?\n  answer: "{steps}\\n\\nDone."\n'
        "  key_points: [All of them]\n",
        encoding="utf-8",
    )
    result = build_guide(tmp_path / "g", tmp_path / "out", Options())
    doc = pdfium.PdfDocument(result.folder / result.files["answer_key"][0])
    try:
        text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    found = {int(n) for n in re.findall(r"Step (\d+)", text)}
    assert found == set(range(300))
    assert "Done." in text
