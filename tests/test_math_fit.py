"""Formulas wider than their room, as a book sets them: a displayed one scaled down to a floor, then
broken before its operators onto lines of its own; one in the text broken after its operators; one
that fits in no way printed as its source in the code font, with a warning at its question.
Nothing is ever drawn past the text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from pagemodel import Collect

from guide import cli
from guide.data.text import Paragraph, parse
from guide.layout import markdown, maths, mathset, page
from guide.layout.blocks import Block
from guide.layout.kit import Kit, make_kit
from guide.layout.paragraph import BOX_SKIP
from guide.layout.spans import smallest_size
from guide.layout.styles import load_theme

# The adversarial bank's formula: 80 terms, some three times the width of the text.
WIDE = "+".join(f"x_{{{n}}}^{{{n}}}" for n in range(80))
EPS = 1e-6


@pytest.fixture(scope="module", params=["base", "large-print"])
def kit(request: pytest.FixtureRequest) -> Kit:
    return make_kit(load_theme(request.param))


def drawn(block: Block, width: float) -> list[page.Item]:
    out = Collect()
    block.wrap(width, 1e9)
    block.draw(out, 0.0, 0.0)
    return out.items


def pictures(items: list[page.Item]) -> list[page.Picture]:
    return [item for item in items if isinstance(item, page.Picture)]


def within(items: list[page.Item], width: float) -> bool:
    """Whether every picture and every line of text drawn lies between 0 and `width`."""
    from guide.layout.lines import runs_width

    for item in items:
        if isinstance(item, page.Picture):
            start, end = item.x, item.x + item.width
        elif isinstance(item, page.TextLine):
            start, end = item.x, item.x + runs_width(item.runs)
        else:
            continue
        if start < -EPS or end > width + EPS:
            return False
    return True


def in_lines(found: list[page.Picture]) -> list[list[page.Picture]]:
    """Pictures drawn left to right, line after line: a line starts where one starts left of the last."""
    lines: list[list[page.Picture]] = []
    for picture in found:
        if not lines or picture.x < lines[-1][-1].x:
            lines.append([])
        lines[-1].append(picture)
    return lines


def word(width: float, size: float) -> str:
    """A formula with no operator to break it at, about `width` points wide at `size`."""
    one = maths.typeset(r"\mathrm{m}", True)
    assert isinstance(one, maths.Formula)
    return r"\mathrm{" + "m" * round(width / (one.width * size / maths.REFERENCE)) + "}"


def test_a_displayed_formula_too_wide_is_broken_before_its_operators_at_the_text_size(kit: Kit) -> None:
    body = kit.style("body")
    (block,) = markdown.blocks(parse(f"$${WIDE}$$"), kit)
    items = drawn(block, kit.frame_width)
    found = pictures(items)
    assert len(found) == 80  # a piece a term
    assert within(items, kit.frame_width)
    # Set at the text's size, not shrunk: the first piece is as tall as the formula set at that size.
    first = maths.typeset("x_{0}^{0}", True)
    assert isinstance(first, maths.Formula)
    assert found[0].height == pytest.approx((first.height + first.depth) * body.size / maths.REFERENCE)
    # On several lines, each after the first starting with its operator, a little in from the first.
    lines = in_lines(found)
    assert len(lines) > 2
    assert all(line[0].text.startswith("+") for line in lines[1:])
    assert all(line[0].x > lines[0][0].x for line in lines[1:])
    # Lines one under the other, never overlapping.
    for upper, lower in itertools.pairwise(lines):
        assert min(p.y for p in upper) >= max(p.y + p.height for p in lower) - EPS
    # Copied, the pieces give the formula as typed.
    assert "".join(p.text for p in found) == f"$${WIDE}$$"


def test_a_broken_display_goes_on_under_its_relation_and_splits_between_its_lines(kit: Kit) -> None:
    body = kit.style("body")
    (block,) = markdown.blocks(parse(f"$$f(x) = {WIDE} \\tag{{7}}$$"), kit)
    items = drawn(block, kit.frame_width)
    lines = in_lines(pictures(items))
    assert lines[0][0].text == "$$f(x) " and lines[1][0].text.startswith("+")
    # Later lines start a quad past the left-hand side: their operator under the = and a little in.
    quad = mathset.QUAD * body.size / maths.REFERENCE
    assert all(line[0].x == pytest.approx(lines[0][0].x + lines[0][0].width + quad) for line in lines[1:])
    (tag,) = [item for item in items if isinstance(item, page.TextLine)]
    assert tag.runs[0].text == "(7)" and tag.y < min(p.y for p in lines[-2])  # on the last line
    assert within(items, kit.frame_width)
    total = block.wrap(kit.frame_width, 1e9)
    first, rest = block.split(kit.frame_width, total / 2)
    assert first.wrap(kit.frame_width, 1e9) <= total / 2
    top, bottom = pictures(drawn(first, kit.frame_width)), pictures(drawn(rest, kit.frame_width))
    assert len(top) + len(bottom) == 81 and top[0].text == "$$f(x) " and bottom[-1].text.endswith("$$")


def test_a_displayed_formula_a_little_too_wide_is_scaled_down_no_further_than_the_floor(kit: Kit) -> None:
    body = kit.style("body")
    floor = mathset.floor_size(body.size, smallest_size(kit))
    source = word(kit.frame_width * (1 + body.size / floor) / 2, body.size)  # wider, but not past the floor
    (block,) = markdown.blocks(parse(f"$${source}$$"), kit)
    items = drawn(block, kit.frame_width)
    (picture,) = pictures(items)
    made = maths.typeset(source, True)
    assert isinstance(made, maths.Formula)
    assert picture.width == pytest.approx(kit.frame_width)  # scaled down to the text's width
    assert picture.width / made.width * maths.REFERENCE >= floor - EPS
    assert floor >= min(body.size, max(0.7 * body.size, smallest_size(kit))) - EPS


def test_a_displayed_formula_that_fits_in_no_way_prints_as_its_source_within_the_text(kit: Kit) -> None:
    source = word(kit.frame_width * 2, kit.style("body").size)  # past the floor, and no operator
    (block,) = markdown.blocks(parse(f"$${source}$$"), kit)
    items = drawn(block, kit.frame_width)
    assert not pictures(items)
    lines = [item for item in items if isinstance(item, page.TextLine)]
    assert "".join(run.text for line in lines for run in line.runs) == f"$${source}$$"
    assert all(run.face == kit.style("code").face for line in lines for run in line.runs)
    assert within(items, kit.frame_width)


def test_an_inline_formula_wider_than_a_line_breaks_after_its_operators(kit: Kit) -> None:
    (node,) = parse(f"Inline wide: ${WIDE}$ and on.")
    assert isinstance(node, Paragraph)
    para = markdown.paragraph(node.children, kit, "body")
    items = drawn(para, kit.frame_width)
    found = pictures(items)
    assert len(found) == 80
    assert within(items, kit.frame_width)
    lines = in_lines(found)
    assert len(lines) > 2
    assert all(line[-1].text.endswith("+") for line in lines[:-1])  # TeX's way: the operator ends the line
    assert "".join(p.text for p in found) == f"${WIDE}$"


def test_an_inline_formula_that_fits_a_line_in_no_way_prints_as_its_source(kit: Kit) -> None:
    source = word(kit.frame_width * 1.5, kit.style("body").size)
    (node,) = parse(f"See ${source}$ here.")
    assert isinstance(node, Paragraph)
    items = drawn(markdown.paragraph(node.children, kit, "body"), kit.frame_width)
    assert not pictures(items)
    assert within(items, kit.frame_width)


def test_a_formula_wider_than_a_narrow_cell_prints_as_its_source_there() -> None:
    kit = make_kit(load_theme("base"))
    source = word(kit.frame_width * 0.3, kit.style("table").size)
    words = " ".join(["words"] * 8)
    table = f"| a | b | c | d | e | f | g |\n|{'---|' * 7}\n| ${source}$ |{f' {words} |' * 6}\n"
    items = drawn(markdown.blocks(parse(table), kit)[0], kit.frame_width)
    assert not pictures(items)  # a seventh of the width: the formula's source, cut like a long word
    assert within(items, kit.frame_width)


@pytest.mark.parametrize(
    "source",
    [
        "| a | b |\n|---|---|\n| $\\frac{1}{2}$<br>$\\frac{3}{4}$ | x |\n",  # the adversarial bank's cell
        "$\\frac{1}{2}$<br>$\\frac{3}{4}$<br>$\\dfrac{5}{6}$\n",
    ],
)
def test_formulas_on_lines_one_under_the_other_never_touch(kit: Kit, source: str) -> None:
    (block,) = markdown.blocks(parse(source), kit)
    found = sorted(pictures(drawn(block, kit.frame_width)), key=lambda p: -p.y)
    assert len(found) >= 2
    size = kit.style("table" if source.startswith("|") else "body").size
    for upper, lower in itertools.pairwise(found):
        assert upper.y - (lower.y + lower.height) >= size * BOX_SKIP - EPS


def _guide(folder: Path, answer: str) -> None:
    folder.mkdir()
    (folder / "guide.yaml").write_text(
        "title: M\nedition: '1'\ndate: 2026-01-01\nquestions:\n  - id: q\n    topic: T\n"
        "    question: Why?\n    guidance: g\n    key_points: [k]\n"
        f"    answer: '{answer}'\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("style", ["base", "large-print"])
def test_a_formula_too_wide_for_the_text_however_set_is_a_located_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], style: str
) -> None:
    kit = make_kit(load_theme(style))
    display = word(kit.frame_width * 2, kit.style("body").size)
    inline = word(kit.frame_width * 1.5, kit.style("body").size)
    _guide(tmp_path / "g", f"Wide: $${display}$$ and ${inline}$, and ${WIDE}$ breaks.")
    args = ["build", str(tmp_path / "g"), "--out", str(tmp_path / "out"), "--style", style]
    assert cli.main([*args, "--verbose"]) == 0
    err = capsys.readouterr().err
    # Each is reported where it was typed: the quoted answer starts at column 13.
    at = f"guide.yaml:10:{13 + 1 + len('Wide: ')}"
    assert f"{at}: warning: question 'q', answer: cannot typeset the formula $$\\mathrm{{mmm" in err
    assert "has no operator to break it at" in err
    at = f"guide.yaml:10:{13 + 1 + len(f'Wide: $${display}$$ and ')}"
    assert f"{at}: warning: question 'q', answer: cannot typeset the formula $\\mathrm{{mmm" in err
    assert "wider than a line of text" in err
    assert "x_{0}" not in err  # the long sum breaks: no warning
    assert cli.main([*args, "--strict"]) == 1
