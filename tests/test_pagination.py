"""Pagination on the page model, without writing a PDF: keeps, splits, running heads, the side of the
page, and page references, read as the typed items the pager puts on each page."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from pagemodel import info, paginate, part_pages, texts

from guide.data.validate import load_guide
from guide.layout import compose, page, story
from guide.layout.blocks import Block, Keep, Mark, PageBreak, Spacer
from guide.layout.draw import Drawer
from guide.layout.finish import PartNumbers, Resolver
from guide.layout.heads import HeadLine
from guide.layout.kit import Kit, make_kit
from guide.layout.page import Anchor, Static
from guide.layout.paragraph import Para
from guide.layout.spans import plain
from guide.layout.styles import load_theme
from guide.layout.units import Numbering, Places

AI = Path(__file__).resolve().parent.parent / "data" / "ai-engineer"
KIT = make_kit(load_theme("base"))


def words(count: int, first: int = 0) -> str:
    return " ".join(f"w{i}" for i in range(first, first + count))


def para(text: str, style: str = "body", kit: Kit = KIT) -> Para:
    resolved = kit.style(style)
    return Para(plain(text, resolved), resolved)


def lines_per_page(kit: Kit = KIT) -> int:
    return int(
        (kit.theme.paper[1] - kit.theme.margins["top"] - kit.theme.margins["bottom"])
        // kit.style("body").leading
    )


def body_lines(found: page.Page) -> list[str]:
    """The lines of body text on a page (the running head and footers are placeholders or muted)."""
    body = KIT.style("body")
    return [
        "".join(run.text for run in item.runs)
        for item in found.items
        if isinstance(item, page.TextLine)
        and item.runs[0].size == body.size
        and item.runs[0].face == body.face
    ]


def test_a_paragraph_split_between_pages_keeps_every_word_in_order_without_widow_or_orphan() -> None:
    """The rest of a paragraph goes on at the top of the next page; no line is left alone."""
    filler = lines_per_page() - 1  # a page with one line left at its foot
    blocks: list[Block] = [Spacer(KIT.style("body").leading * filler), para(words(400))]
    pages, _ = paginate(blocks, KIT)
    got = [body_lines(p) for p in pages]
    assert got[0] == []  # one line would be an orphan: the paragraph starts on the next page
    assert " ".join(line for lines in got for line in lines).split() == words(400).split()
    assert all(len(lines) != 1 for lines in got if lines)  # no widow either


def test_a_keep_moves_whole_and_a_heading_never_ends_a_page() -> None:
    heading = para("A heading", "heading")
    heading.keep_with_next = True
    spacer = Spacer(KIT.style("body").leading * (lines_per_page() - 3))
    pages, _ = paginate([spacer, heading, para(words(60))], KIT)
    assert "A heading" not in texts(pages[0])  # it would have been the last thing on the page
    assert texts(pages[1])[0:1] != [] and "A heading" in texts(pages[1])
    keep = Keep([para(words(60)), para(words(60, 60))])
    pages, _ = paginate([spacer, keep], KIT)
    assert [bool(body_lines(p)) for p in pages] == [False, True]  # moved whole to the next page


def test_a_block_too_tall_for_any_page_is_set_as_it_comes() -> None:
    """A keep taller than a page is not moved (it would never fit): it is set and split."""
    keep = Keep([para(words(2000)), para(words(10, 2000))])
    pages, _ = paginate([keep], KIT)
    assert len(pages) > 2
    assert " ".join(line for p in pages for line in body_lines(p)).split() == words(2010).split()


def test_a_question_running_on_says_continued_in_the_running_head() -> None:
    label = para("QUESTION 7", "meta")
    head = HeadLine(
        label,
        anchor=compose.question_anchor(7),
        outline="7. What?",
        question=("Question 7", "Basics", "What?"),
    )
    blocks: list[Block] = [Mark("topic", "Basics"), head, para(words(1500)), Mark("end")]
    pages, _ = paginate(blocks, KIT, info(title="A guide", edition="2026.1"))
    heads = [[t for t in texts(p) if "2026.1" in t or "Basics" in t or "continued" in t] for p in pages]
    assert any("Basics" in t for t in heads[0])
    assert all(any("Question 7 (continued)" in t for t in h) for h in heads[1:])


def test_anchors_land_on_the_page_where_their_line_is_drawn() -> None:
    filler = Spacer(KIT.style("body").leading * (lines_per_page() - 1))
    label = para("QUESTION 3", "meta")
    head = HeadLine(label, anchor=compose.question_anchor(3), outline="3. Why?")
    pages, pager = paginate([filler, Keep([head, para(words(40))])], KIT)
    (landed,) = pager.landed
    assert landed.anchor == Anchor("question", 3) and landed.page == 1  # moved with its keep
    assert next(i for i in pages[1].items if isinstance(i, page.Landing)).outline == "3. Why?"
    assert pager.outline == [(Anchor("question", 3), "3. Why?")]


def test_a_right_hand_break_leaves_a_blank_page_only_when_printing_on_both_sides() -> None:
    duplex = make_kit(load_theme("print"))
    assert duplex.theme.duplex and not KIT.theme.duplex
    for kit, expected in ((duplex, 3), (KIT, 2)):
        pages, _ = paginate([para("one"), PageBreak(recto=True), para("two")], kit)
        assert len(pages) == expected
    pages, _ = paginate([para("one"), PageBreak(recto=True), para("two")], duplex)
    assert not any(isinstance(i, page.Footer) for i in pages[1].items)  # the blank has no folio


def test_a_left_hand_page_and_its_anchors_move_to_its_own_margins_when_printing_on_both_sides() -> None:
    """Pages are laid out as right-hand ones; a left-hand page of a book printed on both sides is
    shifted by the difference of its margins, content and anchors alike."""
    kit = make_kit(load_theme("print"))
    assert kit.shift != 0  # the inner margin, at the binding, is the wider
    places = Places(questions=2, topics=0)
    numbering = Numbering({"study": PartNumbers(2, 0, "")}, {}, {"study": places})
    resolver = Resolver(kit, _Drawer(), numbering)
    right = resolver.finish("BT ET", [], info(), numbering.parts["study"], 0, level=0)
    left = resolver.finish("BT ET", [], info(), numbering.parts["study"], 1, level=0)
    import zlib

    assert zlib.decompress(right) == b"BT ET"
    assert zlib.decompress(left).startswith(f"q 1 0 0 1 {kit.shift:g} 0 cm".encode())


class _Drawer(Drawer):
    """A drawer for a resolver that has nothing to draw."""

    def content(self, items: Iterable[Static]) -> str:
        return ""


def test_page_references_name_the_other_part_and_resolve_to_its_folio() -> None:
    """A question's head in the study guide refers to its answer's page in the key ("A-4"), and the
    key's back to the question's page; resolved once both are numbered."""
    guide, _ = load_guide(AI)
    theme = load_theme("base")
    kit = make_kit(theme)
    items = list(compose.topic_items(guide, "study", 0, note_lines=theme.note_lines))
    pages, _ = paginate(story.blocks(items, kit), kit)
    refs = [i for p in pages for i in p.items if isinstance(i, page.PageRef)]
    first = guide.topics[0].questions
    assert [r.anchor for r in refs] == [compose.question_anchor(q.number) for q in first]
    assert {(r.part, r.label) for r in refs} == {("key", "answer_ref")}
    key_places = Places(len(guide.questions), len(guide.topics))
    for n, q in enumerate(first):
        key_places.set(compose.question_anchor(q.number), 3 + n, 72.0, 700.0)
    numbering = Numbering({"key": PartNumbers(40, 2, "A-")}, {}, {"key": key_places})
    assert numbering.folio("key", refs[0].anchor) == "A-2"  # the key's page index 3, body from index 2


@pytest.mark.parametrize("style", ["base", "print", "large-print"])
def test_no_page_of_the_ai_guide_ends_with_a_heading(style: str) -> None:
    """Across every page of both parts laid out on the model: a topic heading or a question's head
    is never the last text of a page."""
    guide, _ = load_guide(AI)
    kit = make_kit(load_theme(style))
    heads = {kit.style("heading").size, kit.style("meta").size}
    for part in ("study", "key"):
        pages = part_pages(guide, part, style)
        for found in pages:
            text = [
                i
                for i in found.items
                if isinstance(i, page.TextLine) and i.runs and i.runs[0].colour != kit.colour("muted")
            ]
            assert text, "an empty page"
            last = text[-1].runs[0]
            assert last.size not in heads or last.face == kit.face("body"), (part, texts(found)[-3:])


def _notes_apart(found: page.Page) -> bool:
    """Whether the page's notes label has no ruled line under it."""
    for item in found.items:
        if isinstance(item, page.TextLine) and "".join(r.text for r in item.runs) == "YOUR NOTES":
            lines = [i for i in found.items if isinstance(i, page.Rule) and i.y1 == i.y2 < item.y]
            if not lines:
                return True
    return False


@pytest.mark.parametrize("count", range(505, 550, 6))
def test_the_notes_label_never_ends_a_page_apart_from_its_lines(tmp_path: Path, count: int) -> None:
    """A question too tall for a page is set as it comes: the label of its notes goes on with them."""
    (tmp_path / "guide.yaml").write_text(
        'title: S\nedition: "1"\nquestions:\n  - id: q\n    topic: T\n    question: Why?\n'
        f"    guidance: {' '.join(['word'] * count)}\n    answer: a\n    key_points: [k]\n",
        encoding="utf-8",
    )
    guide, _ = load_guide(tmp_path)
    pages = part_pages(guide, "study")
    assert not any(_notes_apart(p) for p in pages)
    assert sum("YOUR NOTES" in texts(p) for p in pages) == 1


@pytest.mark.parametrize("left", range(1, 9))
def test_a_label_in_a_keep_too_tall_for_a_page_goes_on_with_what_it_heads(left: int) -> None:
    """Set as it comes, a keep's label (kept with the next) never ends a page: with less room left
    under it than the start of what follows (two lines of a paragraph), it starts the next page."""
    label = para("A LABEL", "label")
    label.keep_with_next = True
    leading = KIT.style("body").leading
    frame = KIT.theme.paper[1] - KIT.theme.margins["top"] - KIT.theme.margins["bottom"]
    above = Spacer(frame - left * leading / 2)  # leaves room for the label, and some lines or none
    pages, _ = paginate([Keep([above, label, para(words(300, 10_000))])], KIT)
    top = KIT.theme.paper[1] - KIT.theme.margins["top"]  # above it: the running head
    seen = 0
    for found in pages:
        text = [
            "".join(r.text for r in item.runs)
            for item in sorted(found.items, key=lambda i: -getattr(i, "y", 0.0))
            if isinstance(item, page.TextLine) and item.y < top
        ]
        if "A LABEL" in text:
            seen += 1
            assert len(text[text.index("A LABEL") + 1 :]) >= 2, text[-3:]  # two lines of text under it
    assert seen == 1


def test_a_table_split_between_pages_carries_no_row_over_alone() -> None:
    """Rows that fit on the page stay there, but the last row never goes on alone under the
    repeated header: two go over (as a paragraph keeps two lines together)."""
    from guide.layout.table import Row, Table

    rule = (0.4, KIT.colour("rule"))

    def row(text: str) -> Row:
        return Row([[para(text)], [para(text)]], rule)

    header = row("Header")
    table = Table(header, [row(f"r{i}") for i in range(6)], lambda w: [w / 2, w / 2])
    width = 300.0
    each = header.height([150.0, 150.0])
    for rows_that_fit in range(1, 6):
        parts = table.split(width, each * (1 + rows_that_fit) + 0.5)
        assert len(parts) == 2
        kept, carried = (len(part._rows()) - 1 for part in parts)  # type: ignore[attr-defined]
        assert kept + carried == 6
        if rows_that_fit == 5:
            assert (kept, carried) == (4, 2)  # not five and one
        else:
            assert kept == rows_that_fit
