"""Inline markup as ReportLab lays it out: code spans break between words and keep their spacing,
and are never set smaller than the style's code size."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.platypus import Paragraph

from guide import text
from guide.render import markup
from guide.render.styles import make_kit
from guide.styles import load_theme

SPAN = "`WHERE o.status = 'paid' AND o.customer_id IS NOT NULL`"


def _lines(source: str, style: str, width: float, theme: str = "base") -> list[str]:
    kit = make_kit(load_theme(theme), set(source))
    para = Paragraph(markup.inline_markup(text.parse_inline(source), kit, style), kit.styles[style])
    para.wrap(width, 10_000)
    return [
        " ".join(w.text if hasattr(w, "text") else str(w) for w in _words(line)) for line in para.blPara.lines
    ]


def _words(line: object) -> list[object]:
    words = getattr(line, "words", None)
    if words is not None:
        return [f for word in words for f in getattr(word, "words", [word])]
    return list(line[1])  # type: ignore[index]


def test_a_long_code_span_breaks_between_its_words() -> None:
    lines = _lines(f"Filter with {SPAN} first.", "body", 120)
    joined = " ".join(lines)
    assert len(lines) > 2
    for word in ("o.status", "o.customer_id", "'paid'"):
        assert any(word in line for line in lines), (word, lines)  # never cut inside a word
    assert "o.stat" not in joined.replace("o.status", "")


def test_runs_of_spaces_in_code_are_kept() -> None:
    kit = make_kit(load_theme("base"), set("a  b"))
    assert "a\u00a0 b" in markup.inline_markup(text.parse_inline("`a  b`"), kit, "body")


@pytest.mark.parametrize("style", ["body", "table", "meta"])
def test_large_print_code_is_never_below_14_pt(style: str) -> None:
    kit = make_kit(load_theme("large-print"), set(SPAN))
    source = markup.inline_markup(text.parse_inline(SPAN), kit, style)
    sizes = [float(s) for s in __import__("re").findall(r'size="([0-9.]+)"', source)]
    assert sizes and min(sizes) >= 14


def test_a_wrapped_code_line_says_it_continues() -> None:
    """A code line too long for its box goes on in a line starting with ↪; short lines are untouched."""
    source = "short = 1\n" + "value = compute(" + ", ".join(f"arg{i}" for i in range(30)) + ")"
    kit = make_kit(load_theme("base"), set(source))
    box = markup.code_block(source, kit)
    box.wrap(300, 10_000)
    lines = [line for line in _preformatted_lines(box) if line.strip()]
    assert lines[0] == "short = 1"
    assert lines[1].startswith("value = compute(arg0")
    assert len(lines) > 3 and all(line.startswith(markup.CONTINUED) for line in lines[2:])
    assert "".join(line.removeprefix(markup.CONTINUED) for line in lines[1:]) == source.split("\n")[1]


def _preformatted_lines(flowable: object) -> list[str]:
    """The lines of the Preformatted somewhere inside a code box (table, wrappers, fitted flowable)."""
    from reportlab.platypus import Flowable, Preformatted

    stack: list[object] = [flowable]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Preformatted):
            return list(item.lines)
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, Flowable):
            stack.extend(v for k, v in vars(item).items() if k not in ("canv", "_frame"))
    raise AssertionError("no Preformatted in the code box")


def test_a_lead_in_paragraph_stays_with_what_it_introduces() -> None:
    """'Consequences:' or an all-bold run-in head never ends a page apart from the next block."""
    kit = make_kit(load_theme("base"))
    nodes = text.parse("Consequences:\n\n- one\n- two\n\n**Reducing it.**\n\nPlain text.\n\nLast words:")
    flowables = markup.blocks(nodes, kit)
    keeps = [bool(getattr(f, "keepWithNext", 0)) for f in flowables]
    assert keeps[0] is True  # "Consequences:"
    assert keeps[-3:] == [True, False, False]  # the bold head; plain text; a colon with nothing after


def test_contents_keep_a_topic_with_its_first_entry() -> None:
    from reportlab.platypus import KeepTogether

    from guide import compose, render
    from guide.validate import load_guide

    guide, _ = load_guide(Path(__file__).resolve().parent.parent / "data" / "ai-engineer")
    theme = load_theme("large-print")
    kit = make_kit(theme)
    story = compose.compose(guide, "study", labels=theme.labels, note_lines=theme.note_lines)
    contents = next(item for item in story if isinstance(item, compose.Contents))
    kept = [f for f in render._contents(contents, kit) if isinstance(f, KeepTogether)]
    assert len(kept) == len(guide.topics)
    assert all(len(k._content) == 2 for k in kept)  # the topic's line and its first entry


def test_a_running_head_is_cut_at_a_word() -> None:
    from guide.render.document import _fit

    assert _fit("AI Engineer Interview Study Guide", 20) == "AI Engineer…"
    assert _fit("Supercalifragilisticexpialidocious", 10) == "Supercali…"
    assert _fit("Short", 10) == "Short"


def test_key_points_hang_past_their_box_in_large_print() -> None:
    """Wrapped lines of a key point start where its first line's text does, at 16 pt too."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from guide import compose, render
    from guide.validate import load_guide

    guide, _ = load_guide(Path(__file__).resolve().parent.parent / "data" / "ai-engineer")
    theme = load_theme("large-print")
    kit = make_kit(theme)
    story = compose.compose(guide, "key", labels=theme.labels, note_lines=theme.note_lines)
    answer = next(item for item in story if isinstance(item, compose.KeyAnswer))
    points = [f for f in render._key_answer(answer, kit, []) if getattr(f, "bulletText", None) == "☐"]
    body = kit.styles["body"]
    assert points
    for point in points:
        assert point.style.leftIndent >= stringWidth("☐ ", body.bulletFontName, body.bulletFontSize)


def test_a_paragraph_breaks_its_lines_once_per_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrapped again at the same width, a paragraph keeps its lines; at another width, or once a
    split dropped them, it breaks them anew, and the result is what a fresh paragraph gives."""
    from reportlab.lib.styles import ParagraphStyle

    from guide.render.flowables import Paragraph as OnceParagraph

    style = ParagraphStyle("p", fontName="Helvetica", fontSize=10, leading=12)
    words = " ".join(f"word{i}" for i in range(120))
    para = OnceParagraph(words, style)
    calls = []
    real = Paragraph.breakLines

    def counting(self: Paragraph, widths: list[float]) -> object:
        calls.append(widths[0])
        return real(self, widths)

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    assert para.wrap(200, 1000) == para.wrap(200, 500)
    assert len(calls) == 1
    narrow = para.wrap(100, 1000)
    assert len(calls) == 2 and narrow == Paragraph(words, style).wrap(100, 1000)
    assert para.wrap(200, 1000) == Paragraph(words, style).wrap(200, 1000)
    assert len(calls) == 5  # wider again: broken anew (the two fresh paragraphs count too)
    del para.blPara  # as ReportLab's split() does when it gives up
    assert para.wrap(200, 1000)[1] > 0 and len(calls) == 6
