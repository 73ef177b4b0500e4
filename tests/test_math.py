"""Formulas: read from text by pandoc's rules, typeset by ziamath once, drawn as forms on the text's
baseline or displayed with their tag at the right, copied as their source; never a false formula."""

from __future__ import annotations

import itertools
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pagemodel import paginate

from guide import cli
from guide.data import text
from guide.data.text import Math, Paragraph, Text, parse
from guide.layout import markdown, maths, mathset, page
from guide.layout.kit import Kit, make_kit
from guide.layout.paragraph import Para
from guide.layout.spans import inline
from guide.layout.styles import load_theme

CONSTRUCTS = {
    "fraction": r"\frac{a+b}{c}",
    "sum with limits": r"\sum_{i=1}^{N} x_i",
    "integral with limits": r"\int_0^1 f(x)\,dx",
    "roots": r"\sqrt{x} + \sqrt[3]{y}",
    "scripts": r"x_i^2 + e^{-t}",
    "greek": r"\alpha + \beta = \Gamma(\lambda)",
    "accents": r"\hat{y} + \bar{x} + \vec{v} + \tilde{z}",
    "fonts": r"\mathbf{W} \mathrm{d} \mathcal{L}",
    "delimiters": r"\left( \frac{1}{2} \right)",
    "text": r"x \text{ if } y",
    "bmatrix": r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
    "pmatrix": r"\begin{pmatrix} a \\ b \end{pmatrix}",
    "aligned": r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
    "cases": r"|x| = \begin{cases} x & x \geq 0 \\ -x & \text{otherwise} \end{cases}",
    "norms": r"\Vert \vec{x} \Vert_1 = \sum_{i=1}^N \vert x_i \vert",
    "operatorname": r"\operatorname{argmax}_x f(x)",
    "array": r"\left( \begin{array}{cc} a & b \\ c & d \end{array} \right)",
    "array with rules": r"\begin{array}{c|c} 1 & 2 \\ \hline 3 & 4 \end{array}",
    "mathop": r"\mathop{\mathrm{softmax}}(z) + \mathop{x}_{n}",
}


@pytest.fixture(scope="module")
def kit() -> Kit:
    return make_kit(load_theme("base"))


def only(source: str) -> tuple[text.Inline, ...]:
    blocks = parse(source)
    assert len(blocks) == 1 and isinstance(blocks[0], Paragraph)
    return blocks[0].children


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a $x^2$ b", (Text("a "), Math("x^2", False, "$x^2$"), Text(" b"))),
        (r"a \(x\) b", (Text("a "), Math("x", False, r"\(x\)"), Text(" b"))),
        ("$$x$$", (Math("x", True, "$$x$$"),)),
        (r"\[x\]", (Math("x", True, r"\[x\]"),)),
        ("costs $5 and $10", (Text("costs $5 and $10"),)),  # prices
        ("awk '{print $2}' and $3", (Text("awk '{print $2}' and $3"),)),
        ("$ x$ and $x $", (Text("$ x$ and $x $"),)),  # a space inside either end
        ("$x$5", (Text("$x$5"),)),  # a digit right after the closing $
        (r"\$x\$ is money", (Text("$x$ is money"),)),  # \$ is a dollar sign
        ("`${x}` and `$2`", (text.Code("${x}"), Text(" and "), text.Code("$2"))),
    ],
)
def test_formulas_are_read_as_pandoc_reads_them(source: str, expected: tuple[text.Inline, ...]) -> None:
    assert only(source) == expected


def test_code_blocks_are_never_math() -> None:
    assert parse("```js\nconst s = `${a} $b$`;\n```") == (text.CodeBlock("const s = `${a} $b$`;", "js"),)


@pytest.mark.parametrize("name", list(CONSTRUCTS))
def test_each_construct_typesets_with_a_height_and_depth(name: str) -> None:
    made = maths.typeset(CONSTRUCTS[name], True)
    assert isinstance(made, maths.Formula), made
    assert made.width > 3 and made.height > 3 and made.depth >= 0
    inline = maths.typeset(CONSTRUCTS[name], False)
    assert isinstance(inline, maths.Formula)
    assert inline.height <= made.height + 1e-6  # text style is never taller than display style


def test_limits_go_above_and_below_in_display_and_beside_inline() -> None:
    display = maths.typeset(r"\sum_{i=1}^N x_i", True)
    inline = maths.typeset(r"\sum_{i=1}^N x_i", False)
    assert isinstance(display, maths.Formula) and isinstance(inline, maths.Formula)
    assert display.height > inline.height and display.width < inline.width + 5


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (r"\left( x", "does not read as LaTeX"),
        (r"\nosuchcommand{x}", r"unknown command \nosuchcommand"),
        (r"\frac{1", "its braces do not pair: a '{' is never closed"),
        (r"\text{unclosed", "its braces do not pair: a '{' is never closed"),  # ziamath prints "{unclosed"
        (r"x}", "its braces do not pair: a '}' closes no '{'"),
        # STIX Two Math has no Chinese, Arabic or emoji: ziamath would draw empty boxes.
        (r"\text{准确率} = \frac{TP+TN}{N}", "the math font (STIX Two Math) has no '准' (U+51C6)"),
        (r"\text{خطأ}", "has no 'خ' (U+062E)"),
        (r"\text{ok 😀}", "has no '😀' (U+1F600)"),
        ("\\\\", "parts missing"),  # a line break alone draws nothing
    ],
)
def test_what_cannot_be_typeset_says_why(source: str, why: str) -> None:
    made = maths.typeset(source, False)
    assert isinstance(made, str) and why in made


def test_a_tag_is_taken_out_and_drawn_at_the_right_margin(kit: Kit) -> None:
    blocks = markdown.blocks(parse(r"$$ E = mc^2 \tag{3.1} $$"), kit)
    assert [type(b) for b in blocks] == [mathset.Display]
    pages, _ = paginate(blocks, kit)
    picture = next(i for i in pages[0].items if isinstance(i, page.Picture))
    tag = next(i for i in pages[0].items if isinstance(i, page.TextLine) and i.runs[0].text == "(3.1)")
    left, right = kit.theme.margins["inner"], kit.theme.margins["inner"] + kit.frame_width
    centre = picture.x + picture.width / 2
    assert centre == pytest.approx((left + right) / 2, abs=0.01)
    assert tag.x > picture.x + picture.width and tag.x < right
    assert picture.text == r"$$ E = mc^2 \tag{3.1} $$"  # copied as typed


def test_an_inline_formula_sits_on_the_baseline_and_moves_only_its_line(kit: Kit) -> None:
    body = kit.style("body")
    words = "word " * 40
    plain = Para(inline(only(words + words), kit, body), body)
    mixed = markdown.paragraph(only(words + r"$\frac{\sum_{i=1}^N a_i}{b^2}$ " + words), kit, "body")
    height_plain = plain.wrap(kit.frame_width, 1e9)
    height = mixed.wrap(kit.frame_width, 1e9)
    out = _collect(mixed)
    lines = [i for i in out if isinstance(i, page.TextLine)]
    picture = next(i for i in out if isinstance(i, page.Picture))
    baselines = sorted({round(line.y, 3) for line in lines}, reverse=True)
    gaps = [a - b for a, b in itertools.pairwise(baselines)]
    # Lines without the formula keep the leading; the formula's line moves apart as far as it needs.
    assert sum(1 for g in gaps if g == pytest.approx(body.leading)) >= len(gaps) - 2
    assert height > height_plain
    formula = maths.typeset(r"\frac{\sum_{i=1}^N a_i}{b^2}", False)
    assert isinstance(formula, maths.Formula)
    scale = body.size / maths.REFERENCE
    line = next(line for line in lines if line.x > picture.x)  # the text after it, on its line
    assert picture.y + formula.depth * scale == pytest.approx(line.y)  # on that baseline
    assert picture.height == pytest.approx((formula.height + formula.depth) * scale)


def test_paragraphs_without_boxes_keep_the_fixed_leading(kit: Kit) -> None:
    para = markdown.paragraph(only("word " * 200), kit, "body")
    height = para.wrap(kit.frame_width, 1e9)
    lines = [i for i in _collect(para) if isinstance(i, page.TextLine)]
    assert height == len(lines) * kit.style("body").leading


def test_a_paragraph_with_formulas_splits_by_its_real_line_heights(kit: Kit) -> None:
    source = " ".join(rf"line {n} $\frac{{a_{n}}}{{b_{n}}}$" for n in range(200))
    para = markdown.paragraph(only(source), kit, "body")
    total = para.wrap(kit.frame_width, 1e9)
    parts = para.split(kit.frame_width, total / 2)
    assert len(parts) == 2
    first, rest = (p.wrap(kit.frame_width, 1e9) for p in parts)
    assert first <= total / 2 + 1e-6 and first + rest == pytest.approx(total)


def test_the_same_formula_is_one_form_in_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    answer = r"Use $\frac{a}{b}$ here, $\frac{a}{b}$ there and $$\frac{a}{b}$$ and \(x\)."
    (folder / "guide.yaml").write_text(
        "title: M\nedition: '1'\ndate: 2026-01-01\nquestions:\n  - id: q\n    topic: T\n"
        "    question: What is $\\frac{a}{b}$?\n    guidance: g\n    key_points: [k]\n"
        f"    answer: '{answer}'\n",
        encoding="utf-8",
    )
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    complete = next((tmp_path / "out" / "g").glob("*complete.pdf"))
    data = complete.read_bytes()
    assert data.count(b"/Subtype /Form") == 3  # a/b inline, a/b displayed, x
    pdf = pdfium.PdfDocument(str(complete))
    copied = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert r"\frac{a}{b}" in copied and "x" in copied


def test_a_formula_that_cannot_be_typeset_is_a_located_warning_and_prints_as_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "guide.yaml").write_text(
        "title: M\nedition: '1'\ndate: 2026-01-01\nquestions:\n  - id: q\n    topic: T\n"
        "    question: Why?\n    guidance: g\n    key_points: [k]\n    answer: 'It is $\\frac{1$ here.'\n",
        encoding="utf-8",
    )
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "guide.yaml:10:20: warning: question 'q', answer: cannot typeset the formula $\\frac{1$" in err
    key = next((tmp_path / "out" / "g").glob("*answer-key.pdf"))
    pdf = pdfium.PdfDocument(str(key))
    assert "$\\frac{1$" in "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out2"), "--strict"]) == 1


def _collect(block: Para) -> list[page.Item]:
    from pagemodel import Collect

    out = Collect()
    block.draw(out, 0.0, 0.0)
    return out.items


def test_a_formula_with_letters_the_math_font_lacks_prints_as_its_source_never_as_empty_boxes() -> None:
    source = r"$$\text{准确率} = \frac{TP+TN}{N}$$"
    kit = make_kit(load_theme("base"), set(source))
    (block,) = markdown.blocks(parse(source), kit)
    assert isinstance(block, Para)
    block.wrap(kit.frame_width, 1e9)
    out = _collect(block)
    assert not any(isinstance(i, page.Picture) for i in out)
    runs = [run for item in out if isinstance(item, page.TextLine) for run in item.runs]
    assert "".join(run.text for run in runs) == source
    chinese = next(run for run in runs if "准" in run.text)
    assert chinese.face != kit.style("code").face  # drawn by the chain's Chinese font, not as tofu
