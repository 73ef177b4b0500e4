"""Inline markup as ReportLab lays it out: code spans break between words and keep their spacing,
and are never set smaller than the style's code size."""

from __future__ import annotations

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
