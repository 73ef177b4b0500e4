"""Pages a typesetter would sign (issue 16): measure, contents, full pages, the key, print-proof.

Most checks read the built PDFs back with PDFium, character by character (its size and box), as
a reader's eye would see the page.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import DATA
from pagemodel import drawn_items, paginate

from guide.build import Options, build_guide
from guide.data import text
from guide.layout import compose, markdown, story
from guide.layout.blocks import Box
from guide.layout.draw import Drawer
from guide.layout.finish import Resolver
from guide.layout.kit import make_kit
from guide.layout.markdown import CodeText
from guide.layout.page import ContentsNumber, Group, TextLine, Watermark
from guide.layout.pager import PartInfo
from guide.layout.paragraph import Para
from guide.layout.spans import plain
from guide.layout.styles import STYLES_DIR, load_theme
from guide.layout.units import Numbering

GUIDES = ("ai-engineer", "sql-fundamentals")
STYLES = sorted(p.stem for p in STYLES_DIR.glob("*.yaml"))
ROLES = ("study_guide", "answer_key")


@dataclass
class Line:
    """A line of text on a page as PDFium reads it: its characters, their boxes and sizes."""

    text: str
    lefts: list[float]
    rights: list[float]
    bottoms: list[float]
    sizes: list[float]

    @property
    def size(self) -> float:
        return max(self.sizes, default=0.0)


def page_lines(path: Path, index: int) -> list[Line]:
    pdf = pdfium.PdfDocument(path)
    textpage = pdf[index].get_textpage()
    out: list[Line] = []
    current = Line("", [], [], [], [])
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if char in "\r\n":
            continue
        left, bottom, right, _top = textpage.get_charbox(i, loose=True)
        # A new line where the text goes back left and down (PDFium joins a hyphenated word's
        # two lines without a line break).
        if current.text and left < current.rights[-1] - 1 and abs(bottom - current.bottoms[-1]) > 2:
            if current.text.strip():
                out.append(current)
            current = Line("", [], [], [], [])
        current.text += char
        current.lefts.append(left)
        current.rights.append(right)
        current.bottoms.append(bottom)
        current.sizes.append(pdfium_c.FPDFText_GetFontSize(textpage.raw, i) if char.strip() else 0.0)
    if current.text.strip():
        out.append(current)
    return out


def running_head(path: Path, index: int) -> Line:
    """The page's top line."""
    return max(page_lines(path, index), key=lambda line: line.bottoms[0])


def pages(path: Path) -> int:
    return len(pdfium.PdfDocument(path))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """build(guide, style='base', paper=None) → the folder of the edition, built once."""
    cache: dict[tuple[str, str, str | None], Path] = {}

    def get(guide: str, style: str = "base", paper: str | None = None) -> Path:
        key = (guide, style, paper)
        if key not in cache:
            out = tmp_path_factory.mktemp(f"{guide}-{style}-{paper}")
            result = build_guide(DATA / guide, out, Options(style=style, paper=paper, quiet=True))
            cache[key] = result.folder
        return cache[key]

    return get


def part(folder: Path, role: str) -> Path:
    suffix = {"study_guide": "study-guide", "answer_key": "answer-key", "complete": "complete"}[role]
    return next(folder.glob(f"*-{suffix}.pdf"))


# --- measure ----------------------------------------------------------------------------------------


def characters_a_line(path: Path, size: float) -> float:
    """The median length of the lines of running text (set at `size`) that are not a paragraph's
    last: what a reader's eye travels."""
    lengths = []
    for index in range(pages(path)):
        lines = page_lines(path, index)
        for line, after in itertools.pairwise(lines):
            body = all(abs(s - size) < 0.05 for s in line.sizes if s)
            continued = abs(after.lefts[0] - line.lefts[0]) < 0.5 and after.size == line.size
            if body and continued and len(line.text) > 25:
                lengths.append(len(line.text.rstrip("\ufffe\x02")))
    assert len(lengths) > 50
    return statistics.median(lengths)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_body_text_sets_60_to_75_characters_a_line(build: Callable[..., Path], paper: str) -> None:
    size = load_theme("base").styles["body"].size
    found = characters_a_line(part(build("ai-engineer", paper=paper), "answer_key"), size)
    assert 60 <= found <= 75, found


def test_large_print_sets_about_50_characters_a_line(build: Callable[..., Path]) -> None:
    size = load_theme("large-print").styles["body"].size
    found = characters_a_line(part(build("ai-engineer", "large-print"), "answer_key"), size)
    assert 44 <= found <= 56, found


# --- contents ----------------------------------------------------------------------------------------


def contents_pages(path: Path) -> Iterator[int]:
    for index in range(front_matter_pages(path)):
        if any(line.text.strip() == "Contents" for line in page_lines(path, index)):
            yield index
            yield from range(index + 1, front_matter_pages(path))


def front_matter_pages(path: Path) -> int:
    """How many pages come before the first with a footer 'Page 1 of …'."""
    for index in range(pages(path)):
        if any(re.search(r"Page \S+ of \d+", line.text) for line in page_lines(path, index)):
            return index
    return pages(path)


@pytest.mark.parametrize("role", ROLES)
def test_contents_numbers_are_right_aligned_and_titles_hang(build: Callable[..., Path], role: str) -> None:
    """'9.' and '10.' end at one x; every title starts at one x, its wrapped lines too; the page
    numbers end at one x, and their leaders stop short of them."""
    path = part(build("ai-engineer"), role)
    number_ends: list[float] = []
    title_starts: list[float] = []
    page_ends: list[float] = []
    gaps: list[float] = []
    for index in contents_pages(path):
        pdf = pdfium.PdfDocument(path)
        leaders = [
            obj.get_bounds() for obj in pdf[index].get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH
        ]
        for line in page_lines(path, index):
            head, _, rest = line.text.partition(". ")
            if not head.isdigit() or not rest:
                continue
            dot = len(head)
            number_ends.append(line.rights[dot])
            title_starts.append(line.lefts[dot + 2])
            page_ends.append(line.rights[-1])
            folio = len(line.text) - len(line.text.split()[-1])
            baseline = line.bottoms[dot + 2]
            for _left, bottom, right, top in leaders:
                if bottom - 4 <= baseline <= top + 4 and right > line.lefts[dot + 2]:
                    gaps.append(line.lefts[folio] - right)
    for found in (number_ends, title_starts, page_ends):
        assert len(found) > 10 and max(found) - min(found) < 0.2, found
    assert gaps and min(gaps) >= 3.0, gaps


def test_a_contents_entry_hangs_on_every_line() -> None:
    """A long title wraps under its own first word, clear of the number column."""
    kit = make_kit(load_theme("large-print"))
    entries = tuple(
        compose.ContentsEntry(
            n, "A title given in full that runs on over several lines " * 2, compose.question_anchor(n)
        )
        for n in range(1, 13)
    )
    item = compose.Contents("Contents", (compose.ContentsTopic("Topic", compose.topic_anchor(0), entries),))
    found, _ = paginate(story.contents(item, kit), kit)
    top = kit.theme.paper[1] - kit.theme.margins["top"]
    titles = [
        line
        for p in found
        for line in p.items
        if isinstance(line, TextLine) and line.y < top and line.runs[0].text.startswith(("A ", "over"))
    ]
    assert len(titles) >= 24  # every entry takes two lines or more
    assert len({round(line.x, 2) for line in titles}) == 1


def test_no_contents_page_holds_one_topic_and_one_entry() -> None:
    """However many entries come before it, a last topic of one entry never makes a page of its
    own (in large print a contents page holds a dozen lines)."""
    kit = make_kit(load_theme("large-print"))
    for count in range(1, 40):
        first = tuple(
            compose.ContentsEntry(n, "An entry", compose.question_anchor(n)) for n in range(1, count + 1)
        )
        last = (compose.ContentsEntry(count + 1, "The last entry", compose.question_anchor(count + 1)),)
        item = compose.Contents(
            "Contents",
            (
                compose.ContentsTopic("First topic", compose.topic_anchor(0), first),
                compose.ContentsTopic("Last topic", compose.topic_anchor(1), last),
            ),
        )
        found, _ = paginate(story.contents(item, kit), kit)
        for number, found_page in enumerate(found[1:], 2):
            lines = [item for item in found_page.items if isinstance(item, ContentsNumber)]
            assert len(lines) > 2, (count, number)


# --- full pages --------------------------------------------------------------------------------------


def test_study_guide_pages_are_full(build: Callable[..., Path]) -> None:
    """Every body page of the study guide but the last is at least 85 % full: the notes of its
    last question grow to its foot."""
    theme = load_theme("base")
    top = theme.paper[1] - theme.margins["top"]
    bottom = theme.margins["bottom"]
    for guide in GUIDES:
        path = part(build(guide), "study_guide")
        pdf = pdfium.PdfDocument(path)
        first = front_matter_pages(path)
        for index in range(first, len(pdf) - 1):
            lowest = min(
                obj.get_bounds()[1]
                for obj in pdf[index].get_objects()
                if bottom - 2 <= obj.get_bounds()[1] <= top
            )
            assert (top - lowest) / (top - bottom) >= 0.85, (guide, index + 1)


def test_fill_pages_false_leaves_the_notes_as_they_are(tmp_path: Path) -> None:
    style = tmp_path / "plain.yaml"
    style.write_text("extends: base\nfill_pages: false\n", encoding="utf-8")
    theme = load_theme(str(style))
    assert theme.fill_pages is False and load_theme("base").fill_pages is True


# --- the answer key looks like one ----------------------------------------------------------------


def test_the_answer_key_says_so_on_its_cover_as_large_as_the_title(build: Callable[..., Path]) -> None:
    folder = build("ai-engineer")
    study = page_lines(part(folder, "study_guide"), 0)
    key = page_lines(part(folder, "answer_key"), 0)
    title_size = max(line.size for line in study)
    assert any(line.text.strip() == "Answer key" and line.size == title_size for line in key)
    assert max(line.size for line in key) == title_size
    # No "STUDY GUIDE" over a title that ends with it.
    assert not any(line.text.strip() == "STUDY GUIDE" for line in study)


def test_the_answer_keys_running_head_says_so_on_every_page(build: Callable[..., Path]) -> None:
    for guide in GUIDES:
        path = part(build(guide), "answer_key")
        for index in range(1, pages(path)):
            head = running_head(path, index).text
            assert "Answer key" in head, (guide, index + 1, head)
            # A title ending "Study Guide" is not cut to "Study…" beside it: the key names itself.
            assert "Study" not in head and "…" not in head.split("Answer key")[0], (guide, index + 1, head)


def test_an_answers_head_does_not_repeat_its_topic(build: Callable[..., Path]) -> None:
    path = part(build("ai-engineer"), "answer_key")
    guide = build_guide.__module__  # noqa: F841 (the guide is read from the PDF's own text)
    for index in range(pages(path)):
        for line in page_lines(path, index):
            if line.text.startswith("QUESTION "):
                assert "Machine learning" not in line.text and "Deep learning" not in line.text, line.text
                assert "Classical models" not in line.text, line.text


# --- print-proof -------------------------------------------------------------------------------------


def test_the_watermark_is_drawn_over_the_page_and_seen_on_paper() -> None:
    kit = make_kit(load_theme("base"), "Ada Lovelace")
    info = PartInfo("study", "Title", "1", "", "Study guide", watermark="Ada Lovelace")
    box = Box([Para(plain("Guidance in a tinted box", kit.style("body")), kit.style("body"))],
              background=kit.colour("tint"))  # fmt: skip
    found, _ = paginate([box], kit, info)
    items = found[0].items
    marks = [i for i, item in enumerate(items) if isinstance(item, Watermark)]
    assert marks and marks[0] > max(i for i, item in enumerate(items) if not isinstance(item, Watermark))
    group = Resolver(kit, Drawer(), Numbering({}, {}, {}))._watermark("Ada Lovelace", True)  # numbers nothing
    assert isinstance(group, Group)
    line = group.items[0]
    assert isinstance(line, TextLine)
    run = line.runs[0]
    red, green, blue = run.colour
    darkness = 1 - (0.2126 * red + 0.7152 * green + 0.0722 * blue)
    assert group.opacity < 1  # the text under it shows through
    assert darkness * group.opacity >= 0.15


@pytest.mark.parametrize("style", STYLES)
def test_no_style_sets_text_under_8_points(style: str) -> None:
    theme = load_theme(style)
    for name, text_style in theme.styles.items():
        assert text_style.size >= 8, (style, name, text_style.size)


@pytest.mark.parametrize("style", ["base", "print", "booklet"])
def test_no_text_under_8_points_is_printed(build: Callable[..., Path], style: str) -> None:
    folder = build("sql-fundamentals", style)
    for role in ROLES:
        path = part(folder, role)
        for index in range(pages(path)):
            sizes = [s for line in page_lines(path, index) for s in line.sizes if s]
            assert min(sizes, default=8) >= 8 - 1e-6, (style, role, index + 1)


def test_the_booklet_style_prints_a5_pages_two_to_an_a4_sheet(tmp_path: Path) -> None:
    result = build_guide(
        DATA / "sql-fundamentals", tmp_path, Options(style="booklet", booklet=True, quiet=True)
    )
    booklet = next(result.folder.glob("*-booklet.pdf"))
    sheet = pdfium.PdfDocument(booklet)[0].get_size()
    assert sheet == pytest.approx((841.89, 595.28), abs=3)  # A4, landscape: two A5 pages at full size
    page = pdfium.PdfDocument(part(result.folder, "study_guide"))[0].get_size()
    assert page == pytest.approx((419.53, 595.28), abs=0.5)


def test_the_complete_edition_pads_to_a_right_hand_page_only_when_printed_on_both_sides(
    build: Callable[..., Path],
) -> None:
    for style, duplex in (("base", False), ("print", True)):
        folder = build("sql-fundamentals", style)
        study, key = pages(part(folder, "study_guide")), pages(part(folder, "answer_key"))
        complete = pages(part(folder, "complete"))
        assert complete == study + key + (study % 2 if duplex else 0), style


# --- large print -------------------------------------------------------------------------------------


def test_a_bullets_first_line_starts_where_its_wrapped_lines_do() -> None:
    for style in STYLES:
        kit = make_kit(load_theme(style))
        items = (("A list item long enough to wrap onto a second line and then a third one too " * 2,),)
        node = text.ListBlock(False, 1, tuple((text.Paragraph((text.Text(t),)),) for (t,) in items))
        para = markdown.list_block(node, kit, "body", 0)[0]
        lines = [line for line in drawn_items(para, 300) if line.runs[0].text not in ("•", "–")]
        assert len(lines) > 2
        assert len({round(line.x, 2) for line in lines}) == 1, style


def test_running_heads_are_shortened_the_same_way_on_every_page(build: Callable[..., Path]) -> None:
    for style in ("base", "large-print"):
        for role in ROLES:
            path = part(build("ai-engineer", style), role)
            lefts = set()
            for index in range(front_matter_pages(path), pages(path)):
                head = running_head(path, index)
                cut = next((i for i, x in enumerate(head.lefts) if x - head.rights[max(i - 1, 0)] > 12), None)
                lefts.add(head.text[:cut].strip())
            assert len(lefts) == 1, (style, role, lefts)


# --- widows and orphans ------------------------------------------------------------------------------


@pytest.mark.parametrize("lines", range(2, 9))
def test_no_line_of_a_paragraph_or_code_alone_at_a_pages_foot_or_head(lines: int) -> None:
    kit = make_kit(load_theme("base"))
    body = kit.style("body")
    width = 200.0
    count = 1
    while True:
        para = Para(plain(" ".join(f"word{i}" for i in range(count)), body), body)
        if len(para.lines(width)) == lines:
            break
        count += 1
    code = CodeText([f"line {i}" for i in range(lines)], kit)
    for block, leading in ((para, body.leading), (code, kit.style("code").leading)):
        block.wrap(width, 1e9)
        for fit in range(lines + 1):
            parts = block.split(width, fit * leading + 0.5)
            for piece in parts:
                assert piece.wrap(width, 1e9) >= 2 * leading - 1e-6, (type(block).__name__, lines, fit)


def test_a_boxs_label_never_ends_a_page_alone() -> None:
    kit = make_kit(load_theme("base"))
    label = story.label("WHAT THE INTERVIEWER LISTENS FOR", kit, keep_with_next=True)
    body = kit.style("guidance")
    box = Box([label, Para(plain(" ".join(["listen"] * 300), body), body)])
    box.wrap(300, 1e9)
    for height in range(10, 80, 2):
        parts = box.split(300, float(height))
        if parts:
            first = parts[0]
            assert isinstance(first, Box)
            assert len([b for b in first.blocks if b is not label]) >= 1, height
