"""The typesetting of text: lines broken at spaces and never wider than their column, code that keeps
its spacing and says where it wraps, paragraphs split without widows or orphans, keeps."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from pagemodel import drawn_items

from guide.data import text
from guide.data.validate import load_guide
from guide.layout import compose, markdown, story
from guide.layout.blocks import Box, CondPageBreak, Keep, PageBreak
from guide.layout.heads import ContentsLine
from guide.layout.kit import font, make_kit
from guide.layout.pager import kept_together
from guide.layout.paragraph import Para, width_of
from guide.layout.spans import inline, plain
from guide.layout.styles import load_theme

SPAN = "`WHERE o.status = 'paid' AND o.customer_id IS NOT NULL`"
AI = Path(__file__).resolve().parent.parent / "data" / "ai-engineer"


def _para(source: str, style: str = "body", theme: str = "base") -> Para:
    kit = make_kit(load_theme(theme), set(source))
    return markdown.paragraph(text.parse_inline(source), kit, style)


def _width(para: Para, line: str) -> float:
    """The width of a line of a paragraph whose spans share one face and size."""
    span = para.spans[0]
    return width_of(span.font, span.face, span.size, line)


def test_a_long_code_span_breaks_between_its_words() -> None:
    lines = _para(f"Filter with {SPAN} first.").line_texts(120)
    joined = " ".join(lines)
    assert len(lines) > 2
    for word in ("o.status", "o.customer_id", "'paid'"):
        assert any(word in line for line in lines), (word, lines)  # never cut inside a word
    assert "o.stat" not in joined.replace("o.status", "")


def test_runs_of_spaces_in_code_are_kept() -> None:
    kit = make_kit(load_theme("base"), set("a  b"))
    spans = inline(text.parse_inline("`a  b`"), kit, kit.style("body"))
    assert "".join(s.text for s in spans) == "a\u00a0 b"


@pytest.mark.parametrize("style", ["body", "table", "meta"])
def test_large_print_code_is_never_below_14_pt(style: str) -> None:
    kit = make_kit(load_theme("large-print"), set(SPAN))
    spans = inline(text.parse_inline(SPAN), kit, kit.style(style))
    assert spans and min(s.size for s in spans) >= 14


def test_a_wrapped_code_line_says_it_continues() -> None:
    """A code line too long for its box goes on in a line starting with ↪; short lines are untouched."""
    source = "short = 1\n" + "value = compute(" + ", ".join(f"arg{i}" for i in range(30)) + ")"
    kit = make_kit(load_theme("base"), set(source))
    box = markdown.code_block(source, kit)
    box.wrap(300, 10_000)
    assert isinstance(box, Box)
    code = box.blocks[0]
    assert isinstance(code, markdown.CodeText)
    lines = code.line_texts(code.width)
    assert lines[0] == "short = 1"
    assert lines[1].startswith("value = compute(arg0")
    assert len(lines) > 3 and all(line.startswith(markdown.CONTINUED) for line in lines[2:])
    assert "".join(line.removeprefix(markdown.CONTINUED) for line in lines[1:]) == source.split("\n")[1]
    drawn = drawn_items(code, code.width)
    widths = [sum(width_of(font(r.face), r.face, r.size, r.text) for r in line.runs) for line in drawn]
    assert max(widths) <= code.width + 1e-6


def test_a_lead_in_paragraph_stays_with_what_it_introduces() -> None:
    """'Consequences:' or an all-bold run-in head never ends a page apart from the next block."""
    kit = make_kit(load_theme("base"))
    nodes = text.parse("Consequences:\n\n- one\n- two\n\n**Reducing it.**\n\nPlain text.\n\nLast words:")
    made = markdown.blocks(nodes, kit)
    keeps = [b.keep_with_next for b in made]
    assert keeps[0] is True  # "Consequences:"
    assert keeps[-3:] == [True, False, False]  # the bold head; plain text; a colon with nothing after


def test_contents_keep_a_topic_with_its_first_entry() -> None:
    guide, _ = load_guide(AI)
    theme = load_theme("large-print")
    kit = make_kit(theme)
    contents = next(
        i for i in compose.front(guide, "study", labels=theme.labels) if isinstance(i, compose.Contents)
    )
    made = list(story.contents(contents, kit))
    lines = [b for b in made if isinstance(b, ContentsLine)]
    heads = [i for i, b in enumerate(lines) if b.anchor.kind == "topic"]
    assert len(heads) == len(guide.topics)
    for i in heads:
        assert lines[i].keep_with_next  # the topic's line goes with …
        assert lines[i + 1].anchor.kind == "question"  # … its first entry, a question
        assert not lines[i + 1].keep_with_next


def test_a_running_head_is_cut_at_a_word() -> None:
    assert text.short_title("AI Engineer Interview Study Guide", 20) == "AI Engineer…"
    assert text.short_title("Supercalifragilisticexpialidocious", 10) == "Supercali…"
    assert text.short_title("Short", 10) == "Short"


def test_key_points_hang_past_their_box_in_large_print() -> None:
    """Wrapped lines of a key point start where its first line's text does, at 16 pt too."""
    guide, _ = load_guide(AI)
    theme = load_theme("large-print")
    kit = make_kit(theme)
    answer = next(
        i for i in compose.topic_items(guide, "key", 0, note_lines=5) if isinstance(i, compose.KeyAnswer)
    )
    points = [
        b
        for b in story.key_answer(answer, kit, [])
        if isinstance(b, Para) and b.bullet is not None and b.bullet.text == "☐"  # only a Para has a bullet
    ]
    assert points
    for point in points:
        assert point.bullet is not None
        assert point.indent >= point.bullet.end - point.bullet.size * 0.6  # the box and a space fit


def test_a_paragraph_breaks_its_lines_once_per_width() -> None:
    """Wrapped again at the same width, a paragraph keeps its lines; at another width it breaks
    them anew, and the result is what a fresh paragraph gives."""
    source = " ".join(f"word{i}" for i in range(120))
    para = _para(source)
    first = para.lines(200)
    assert para.lines(200) is first
    assert para.line_texts(100) == _para(source).line_texts(100)
    assert para.line_texts(200) == _para(source).line_texts(200)


@pytest.mark.parametrize("seed", range(20))
def test_lines_never_pass_their_width_and_keep_every_word(seed: int) -> None:
    rng = random.Random(seed)
    words = ["a", "bb", "word", "longerword", "x" * rng.randint(1, 60), "naïve", "über", "—", "Z" * 90]
    source = " ".join(rng.choice(words) for _ in range(rng.randint(1, 80)))
    width = rng.uniform(40, 400)
    para = _para(source)
    lines = para.line_texts(width)
    assert all(_width(para, line) <= width + 1e-6 for line in lines), (width, lines)
    assert "".join("".join(lines).split()) == "".join(source.split())  # nothing lost, nothing added


def test_a_word_wider_than_the_line_is_cut_between_characters() -> None:
    """Its first piece fills the line it starts on; the rest follow, each line as full as it can be."""
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
    para = _para("a " + word + " b")
    lines = para.line_texts(100)
    assert lines[0].startswith("a Pneumono")  # not a line holding "a" alone
    assert all(_width(para, line) <= 100 for line in lines)
    for line, after in itertools.pairwise(lines):
        assert _width(para, line + after[0]) > 100  # full: not even the next letter fits
    assert "".join(lines).replace(" ", "") == "a" + word + "b"
    assert len(lines) > 4


def test_ideographs_break_anywhere_but_before_closing_punctuation() -> None:
    kit = make_kit(load_theme("base"), set("これは日本語の文章です。漢字、仮名。"))
    style = kit.style("body")
    para = Para(plain("これは日本語の文章です。漢字と仮名が混ざっています。" * 4, style), style)
    lines = para.line_texts(80)
    assert len(lines) > 5
    assert not any(line.startswith(("。", "、")) for line in lines)
    assert "".join(lines) == "これは日本語の文章です。漢字と仮名が混ざっています。" * 4


def test_a_split_leaves_no_line_alone() -> None:
    """No first line alone at the foot of a page (an orphan), no last line alone at the top (a widow)."""
    para = _para(" ".join(f"word{i}" for i in range(200)))
    para.wrap(200, 10_000)
    lines = len(para.lines(200))
    leading = para.style.leading
    assert para.split(200, leading * 1.5) == []  # one line would be alone
    first, rest = para.split(200, leading * (lines - 1) + 1)  # the last line would be alone
    assert isinstance(first, Para) and isinstance(rest, Para)
    assert len(first.lines(200)) == lines - 2 and len(rest.lines(200)) == 2
    first, rest = para.split(200, leading * 5 + 1)
    assert isinstance(first, Para) and isinstance(rest, Para)
    assert first.line_texts(200) + rest.line_texts(200) == para.line_texts(200)


def test_justified_lines_fill_the_column_but_the_last() -> None:
    kit = make_kit(load_theme("base"))
    style = kit.derive("body", "justified", alignment="justify")
    para = Para(plain(" ".join(f"word{i}" for i in range(60)), style), style)
    lines = drawn_items(para, 200)
    assert len(lines) == len(para.lines(200)) > 3
    assert all(line.word_space > 0 for line in lines[:-1])  # spread to the column's edge …
    assert lines[-1].word_space == 0  # … but the last line


def test_a_keep_moves_whole_or_dissolves() -> None:
    kit = make_kit(load_theme("base"))
    paras = [_para("one two three"), _para("four five")]
    keep = Keep(paras)
    assert keep.wrap(400, 1000) == pytest.approx(
        2 * kit.style("body").leading + kit.style("body").space_after
    )


def test_a_page_break_after_a_heading_is_never_swallowed_by_a_keep() -> None:
    """A break inside a Keep would be measured as nothing and draw nothing: it stays outside."""
    heading, body = _para("Heading"), _para("Body")
    heading.keep_with_next = True
    for brk in (CondPageBreak(100), PageBreak()):
        made = list(kept_together([heading, brk, body]))
        assert made[1] is brk, made
        assert isinstance(made[0], Keep) and made[0].blocks == [heading]
        assert made[2] is body
