"""A block of any length (a paragraph, a code block, a table, hard line breaks) is laid out page after
page in a loop, in memory that grows with its text and not with its pages: run here on small limits
(a low recursion limit, traced allocations), not on giant inputs (benchmarks/ has those)."""

from __future__ import annotations

import inspect
import sys
import tracemalloc
from collections.abc import Callable

import pytest
from pagemodel import info

from guide.data import text
from guide.layout import markdown
from guide.layout.blocks import Block
from guide.layout.kit import make_kit
from guide.layout.page import Page
from guide.layout.pager import Pager
from guide.layout.styles import load_theme

KIT = make_kit(load_theme("base"))


def lay_out(blocks: list[Block]) -> int:
    """Lay blocks out, each finished page dropped at once as the page store would; how many pages."""
    count = 0

    def sink(_: Page) -> int:
        nonlocal count
        count += 1
        return count

    Pager(KIT, info(), sink).run(blocks)
    return count


def paragraph(words: int) -> list[Block]:
    return markdown.blocks(text.parse(" ".join(f"word{i}" for i in range(words))), KIT)


def code(lines: int) -> list[Block]:
    return markdown.blocks(
        text.parse("```\n" + "\n".join(f"line {i} = a < b" for i in range(lines)) + "\n```"), KIT
    )


def breaks(lines: int) -> list[Block]:
    return markdown.blocks(text.parse("\\\n".join(f"line {i}" for i in range(lines))), KIT)


def table(rows: int) -> list[Block]:
    body = "\n".join(f"| r{i} | value {i} |" for i in range(rows))
    return markdown.blocks(text.parse("| a | b |\n|---|---|\n" + body), KIT)


MAKERS: dict[str, Callable[[int], list[Block]]] = {
    "paragraph": paragraph,
    "code": code,
    "breaks": breaks,
    "table": table,
}
SIZES = {"paragraph": 30_000, "code": 6_000, "breaks": 8_000, "table": 2_000}


@pytest.mark.parametrize("kind", MAKERS)
def test_a_block_of_hundreds_of_pages_needs_no_deeper_stack_than_one_page(kind: str) -> None:
    blocks = MAKERS[kind](SIZES[kind])
    for block in blocks:  # measured before the stack is made shallow: only the laying out is tested
        block.wrap(KIT.frame_width, 1e9)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 50)
    try:
        pages = lay_out(blocks)
    finally:
        sys.setrecursionlimit(limit)
    assert pages > 50  # more pages than the stack has room for calls


@pytest.mark.parametrize("kind", MAKERS)
def test_memory_grows_with_the_text_not_with_its_pages(kind: str) -> None:
    """Four times the text takes about four times the memory (a copy of the rest at each page split
    made it grow with the square of the pages)."""

    def peak(size: int) -> int:
        tracemalloc.start()
        try:
            lay_out(MAKERS[kind](size))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = SIZES[kind] // 4, SIZES[kind]
    peak(small)  # widths and fonts remembered once, outside the measure
    ratio = peak(large) / peak(small)
    assert ratio < 6, f"{ratio:.1f} times the memory for 4 times the text"
