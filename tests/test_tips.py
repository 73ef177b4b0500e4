"""Tips: a block quote whose first line is `[!TIP]` is read as a Tip and printed as a framed box under
the style's `tip` label, in the answer key and the complete edition, split between pages when long."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_into, write_guide
from pagemodel import paginate, texts
from pdfcheck import norm

from guide.data import text
from guide.data.text import Paragraph, Quote, Text, Tip, parse
from guide.data.validate import load_guide
from guide.layout import compose, markdown, page, story
from guide.layout.blocks import Spacer
from guide.layout.fonts import guide_chars
from guide.layout.kit import Kit, make_kit
from guide.layout.styles import load_theme

# --- reading -------------------------------------------------------------------------------------


def test_a_quote_that_opens_with_the_marker_is_a_tip() -> None:
    assert parse("> [!TIP]\n> Run `EXPLAIN` first.\n>\n> Then index.") == (
        Tip(
            (
                Paragraph((Text("Run "), text.Code("EXPLAIN"), Text(" first."))),
                Paragraph((Text("Then index."),)),
            )
        ),
    )


@pytest.mark.parametrize("source", ["> [!tip]\n> x", "> [!Tip]  \n> x", ">[!TIP]\n>\n>x", "> [!TIP]   \n> x"])
def test_the_marker_is_read_in_any_case_with_spaces_after_it(source: str) -> None:
    assert parse(source) == (Tip((Paragraph((Text("x"),)),)),)


@pytest.mark.parametrize(
    ("source", "printed"),
    [
        ("> [!TIP] on the marker's line", "[!TIP] on"),  # GitHub wants the marker alone on its line
        ("> [!NOTE]\n> x", "[!NOTE] x"),  # other alerts stay quotes
        ("> A quote\n>\n> [!TIP]\n> x", "[!TIP] x"),  # the marker opens the quote, or it is text
        ("[!TIP]\nnot in a quote", "[!TIP] not"),
    ],
)
def test_anything_else_prints_as_typed(source: str, printed: str) -> None:
    blocks = parse(source)
    assert not any(isinstance(b, Tip) for b in blocks)
    assert printed in text.plain_text(blocks)


def test_tips_nest_in_lists_and_in_tips_and_the_marker_alone_makes_an_empty_tip() -> None:
    nested = parse("- item\n\n  > [!TIP]\n  > > [!TIP]\n  > > inner")
    assert text.plain_text(nested) == "item\ninner"
    assert parse("> [!TIP]") == (Tip(()),)
    assert text.flatten(parse("> [!TIP]\n> a\n\nb")) == (Text("a b"),)


def test_a_quote_without_the_marker_is_still_a_quote() -> None:
    assert parse("> Tip: not one") == (Quote((Paragraph((Text("Tip: not one"),)),)),)


# --- the page model --------------------------------------------------------------------------------

SHORT_TIP = "Run `EXPLAIN` before and after: the plan says whether the index is used."
SENTENCE = "Measure before you tune: a plan read line by line tells you where the time goes. "


def _guide_yaml(answer: str) -> str:
    indented = "\n".join(f"      {line}" if line else "" for line in answer.split("\n"))
    return (
        'title: Tips\nedition: "1"\ndate: 2026-01-01\nlanguage: en\nquestions:\n'
        "  - id: indexes\n    topic: Databases\n    question: When does an index help a query?\n"
        f"    guidance: Listen for selectivity.\n    answer: |\n{indented}\n    key_points: [Selectivity]\n"
    )


def _answer(tip_paragraphs: list[str]) -> str:
    body = "\n>\n".join(f"> {p}" for p in tip_paragraphs)
    return f"When the query filters on few rows of a large table.\n\n> [!TIP]\n{body}\n\nAfter the tip."


def _key_pages(tmp_path: Path, answer: str, style: str = "base") -> tuple[list[page.Page], Kit]:
    """The answer key's pages of a one-question guide, as the model holds them, and the kit they used."""
    guide, _ = load_guide(write_guide(tmp_path / "tips", _guide_yaml(answer)))
    kit = make_kit(load_theme(style), guide_chars(guide))
    items = compose.topic_items(guide, "key", 0, note_lines=0)
    pages, _ = paginate(story.blocks(items, kit), kit)
    return pages, kit


def _frame(found: page.Page, colour: tuple[float, float, float]) -> list[page.Rule]:
    return [i for i in found.items if isinstance(i, page.Rule) and i.colour == colour]


def test_a_tip_is_a_frame_round_its_label_and_text(tmp_path: Path) -> None:
    pages, kit = _key_pages(tmp_path, _answer([SHORT_TIP]))
    accent = kit.colour("accent")
    assert len(pages) == 1
    lines = [i for i in pages[0].items if isinstance(i, page.TextLine)]
    said = texts(pages[0])
    assert said[said.index("TIP") + 1].startswith("Run EXPLAIN before and after:")
    assert said.index("TIP") > said.index("When the query filters on few rows of a large table.")
    rules = _frame(pages[0], accent)
    vertical = sorted((r for r in rules if r.x1 == r.x2), key=lambda r: r.x1)
    horizontal = sorted((r for r in rules if r.y1 == r.y2), key=lambda r: r.y1)
    assert len(vertical) == 2 and len(horizontal) == 2
    left, right = vertical[0].x1, vertical[1].x1
    bottom, top = horizontal[0].y1, horizontal[1].y1
    label = next(i for i in lines if i.runs[0].text == "TIP")
    assert label.runs[0].face == kit.style("label").face
    inside = [i for i in lines if i is label or "EXPLAIN" in "".join(r.text for r in i.runs)]
    assert inside and all(left < i.x < right and bottom < i.y < top for i in inside)
    after = next(i for i in lines if i.runs[0].text.startswith("After the tip"))
    assert after.y < bottom  # the answer goes on under the box


def test_a_long_tip_splits_between_pages_open_where_it_is_cut(tmp_path: Path) -> None:
    pages, kit = _key_pages(tmp_path, _answer([SENTENCE * 12] * 9))
    accent = kit.colour("accent")
    framed = [p for p in pages if _frame(p, accent)]
    assert len(framed) >= 3  # the tip runs over three pages or more
    assert "TIP" in texts(framed[0]) and not any("TIP" in texts(p) for p in framed[1:])  # labelled once
    for index, found in enumerate(framed):
        rules = _frame(found, accent)
        vertical = [r for r in rules if r.x1 == r.x2]
        edges = sorted(r.y1 for r in rules if r.y1 == r.y2)
        assert len(vertical) == 2
        low, high = min(r.y1 for r in vertical), max(r.y2 for r in vertical)
        # Closed at its top on the first page, at its bottom on the last, open on both in between.
        expected = {0: ["top"], len(framed) - 1: ["bottom"]}.get(index, [])
        assert [("top" if y > (low + high) / 2 else "bottom") for y in edges] == expected, index
    assert "After the tip." in texts(framed[-1])


@pytest.mark.parametrize("room", range(8, 60, 2))
def test_a_tip_label_never_ends_a_page_alone(room: int) -> None:
    """Whatever room is left at the foot of a page, 'TIP' is never the last line there: the box
    moves on whole, or takes its first lines with it."""
    theme = load_theme("base")
    kit = make_kit(theme, set(SENTENCE))
    tip = markdown.blocks(parse(f"> [!TIP]\n> {SENTENCE * 6}"), kit)
    frame = float(theme.paper[1] - theme.margins["top"] - theme.margins["bottom"])  # the text block's height
    pages, _ = paginate([Spacer(frame - room), *tip], kit)
    for found in pages:
        said = texts(found)
        if "TIP" in said:
            assert said.index("TIP") + 1 < len(said) and said[said.index("TIP") + 1].startswith("Measure"), (
                room
            )


# --- the published files ---------------------------------------------------------------------------


def test_the_key_and_the_complete_edition_print_the_tip(tmp_path: Path, no_epoch: None) -> None:
    source = write_guide(tmp_path / "src" / "tips", _guide_yaml(_answer([SHORT_TIP])))
    built = build_into(source, tmp_path / "out")
    tip = norm("TIP Run EXPLAIN before and after: the plan says whether the index is used.")
    assert tip in norm(built.key.text)
    assert tip in norm(built.complete.text)
    assert "EXPLAIN" not in built.study.text  # an answer's tip stays out of the study guide


def test_the_tip_label_comes_from_the_style(tmp_path: Path) -> None:
    style = tmp_path / "astuce.yaml"
    style.write_text("extends: base\nlabels:\n  tip: Astuce\n", encoding="utf-8")
    pages, _ = _key_pages(tmp_path, _answer([SHORT_TIP]), str(style))
    assert "ASTUCE" in texts(pages[0]) and "TIP" not in texts(pages[0])
