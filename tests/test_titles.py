"""The names of a guide (its title and subtitle, its topics, a question's title, and the title made
from a question's first sentence): their `code` and formulas set as in an answer where a name is
a paragraph, as plain text kept left to right in one-line page furniture and the PDF outline, so
that a reader sees the same name in the question, the contents, the outline and the running heads,
in a right-to-left guide too."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pagemodel import info, paginate

from guide import cli
from guide.data import text, titles
from guide.data.model import Guide
from guide.data.nodes import Code, Math, Strong, Text
from guide.data.validate import load_guide
from guide.layout import compose, lines, page, story
from guide.layout.kit import Kit, make_kit
from guide.layout.styles import load_theme

THEME = load_theme("base")
CODE = "[1, 2, 3].map(x => x * 2)"
RTL_YAML = f"""\
title: "دليل مقابلات JavaScript و $O(n)$"
subtitle: "مراجعة `async` و \\\\(\\\\alpha\\\\)"
edition: "1"
date: 2026-01-01
language: ar
topics: ["أساسيات `this`"]
questions:
  - id: map
    topic: "أساسيات `this`"
    question: "ما هو ناتج `{CODE}` باستخدام $f(x)=2x$؟ اشرح."
    guidance: g
    answer: "الناتج هو [2, 4, 6]"
    key_points: [k]
  - id: titled
    topic: "أساسيات `this`"
    title: "الدالة `f(x)` و $O(n^2)$"
    question: "ما تعقيد الدالة؟"
    guidance: g
    answer: "تربيعي"
    key_points: [k]
"""


def write(folder: Path, yaml_text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guide.yaml").write_text(yaml_text, encoding="utf-8")
    return folder


def visual(line: page.TextLine) -> str:
    """A line's characters in the order they are drawn from the left."""
    out = []
    for run in line.runs:
        if run.glyphs is None:
            out.append(run.text)
        elif any(unicodedata.bidirectional(c) in ("R", "AL") for c in run.text) or all(
            unicodedata.bidirectional(c) not in ("L", "EN") for c in run.text
        ):
            out.append("".join(t[::-1] for t in run.glyphs.texts))
        else:
            out.append("".join(run.glyphs.texts))
    return "".join(out)


# --- reading a name ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Maths: $E=mc^2$ and \\(\\alpha\\)",
         (Text("Maths: "), Math("E=mc^2", False, "$E=mc^2$"), Text(" and "),
          Math("\\alpha", False, "\\(\\alpha\\)"))),
        ("With $$\\sum_i x_i$$ inside",  # set in the line
         (Text("With "), Math("\\sum_i x_i", False, "$$\\sum_i x_i$$"), Text(" inside"))),
        ("`this` in an arrow <function>", (Code("this"), Text(" in an arrow <function>"))),
        ("C# *args and **kwargs", (Text("C# *args and **kwargs"),)),  # no emphasis: as typed
        ("Prices $5 and $10", (Text("Prices $5 and $10"),)),  # pandoc's rule, as in answers
        ("a \\$x$ and \\`b\\`", (Text("a $x$ and `b`"),)),  # escaped
    ],
)  # fmt: skip
def test_a_name_reads_code_and_formulas_and_nothing_else(name: str, expected: tuple[titles.Run, ...]) -> None:
    assert titles.runs(name) == expected
    assert titles.runs(titles.markup(expected)) == expected  # written back, it reads the same


def test_a_name_as_plain_text_drops_backticks_and_delimiters_and_can_mark_them_left_to_right() -> None:
    name = "الدالة `f(x)` و $O(n^2)$"
    assert titles.plain(name) == "الدالة f(x) و O(n^2)"
    assert titles.plain(name, marked=True) == "الدالة \u202af(x)\u202c و \u202aO(n^2)\u202c"
    assert titles.unmarked(titles.plain(name, marked=True)) == titles.plain(name)


def test_a_name_cut_short_never_cuts_a_formula() -> None:
    name = "Complexity of `sorted(xs)` is $O(n \\log n)$ in the worst case"
    cut = titles.shortened(name, 30)
    assert cut == "Complexity of `sorted(xs)` is…"  # cut at a word, the formula left out whole
    assert titles.shortened(name, 42) == "Complexity of `sorted(xs)` is $O(n \\log n)$…"
    assert titles.shortened(name, 200) == name


def test_a_title_made_from_the_first_sentence_keeps_its_code_and_formulas(tmp_path: Path) -> None:
    guide, _ = load_guide(write(tmp_path / "g", RTL_YAML))
    made, cut = compose.title(guide.questions[0])
    assert cut and made == f"ما هو ناتج `{CODE}` باستخدام $f(x)=2x$؟"  # the first sentence: it ends at ؟
    assert compose.title(guide.questions[1]) == ("الدالة `f(x)` و $O(n^2)$", False)


def test_a_summary_reads_its_code_and_formulas_but_pre_keeps_them_as_typed() -> None:
    source = "<details>\n<summary>Why? $x^2$ and `kill -2`</summary>\n\nBecause.\n</details>"
    summary = text.parse(source)[0]
    assert summary == text.Paragraph(
        (Strong((Text("Why? "), Math("x^2", False, "$x^2$"), Text(" and "), Code("kill -2"))),),
    )
    assert text.parse("<pre>\n$x$ and `a`\n</pre>") == (text.Paragraph((Text("<pre> $x$ and `a` </pre>"),)),)


# --- where a name is drawn ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rtl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Guide, Kit]:
    guide, _ = load_guide(write(tmp_path_factory.mktemp("rtl") / "g", RTL_YAML))
    kit = make_kit(THEME, {c for q in guide.questions for c in q.question} | set(RTL_YAML), rtl=True)
    return guide, kit


def test_the_cover_sets_the_formulas_of_the_title_and_subtitle(rtl: tuple[Guide, Kit]) -> None:
    guide, kit = rtl
    front = compose.front(guide, "study", labels=THEME.labels)
    pages, _ = paginate(story.blocks(front, kit), kit, info("study"))
    cover = pages[0].items
    assert len([item for item in cover if isinstance(item, page.Picture)]) == 2  # O(n) and α
    drawn = [visual(item) for item in cover if isinstance(item, page.TextLine)]
    assert not any("$" in line or "\\(" in line for line in drawn)
    assert any("async" in line for line in drawn)


def test_the_contents_keep_code_in_a_right_to_left_title_as_typed(rtl: tuple[Guide, Kit]) -> None:
    guide, kit = rtl
    front = compose.front(guide, "study", labels=THEME.labels)
    pages, _ = paginate(story.blocks(front, kit), kit, info("study"))
    contents = [visual(item) for p in pages for item in p.items if isinstance(item, page.TextLine)]
    assert any(CODE in line for line in contents), contents  # never "(map(x => x * 2.[3 ,2 ,1"
    assert any("this" in line for line in contents)  # the topic's code, without its backticks
    assert not any("`" in line for line in contents)
    formulas = [item for p in pages for item in p.items if isinstance(item, page.Picture)]
    assert any(item.text == "$O(n^2)$" for item in formulas)  # the title's formula, typeset


def test_running_heads_keep_code_and_formulas_left_to_right(rtl: tuple[Guide, Kit]) -> None:
    guide, kit = rtl
    head = lines.text_line(kit, "header", 500.0, 0.0, story.furniture(guide.title), "right")
    assert "O(n)" in visual(head) and "$" not in visual(head)  # never "$(O(n$"
    title = compose.title(guide.questions[0])[0]
    head = lines.text_line(kit, "header", 500.0, 0.0, f"Question 1 (continued) · {story.furniture(title)}")
    assert CODE in visual(head)
    assert "f(x)=2x" in visual(head)


def test_the_outline_names_questions_as_the_contents_do(tmp_path: Path) -> None:
    folder = write(tmp_path / "g", RTL_YAML)
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    complete = next((tmp_path / "out" / "g").glob("*complete.pdf"))
    pdf = pdfium.PdfDocument(complete)
    try:
        outline = [item.get_title() for item in pdf.get_toc()]
    finally:
        pdf.close()
    lre, pdf_mark = titles.LRE, titles.PDF
    assert f"أساسيات {lre}this{pdf_mark}" in outline
    assert f"1. ما هو ناتج {lre}{CODE}{pdf_mark} باستخدام {lre}f(x)=2x{pdf_mark}؟" in outline
    assert f"2. الدالة {lre}f(x){pdf_mark} و {lre}O(n^2){pdf_mark}" in outline


def test_a_left_to_right_outline_is_plain_text(tmp_path: Path) -> None:
    yaml_text = (
        "title: 'Maths: $E=mc^2$'\nedition: '1'\ndate: 2026-01-01\ntopics: ['Calculus $\\int$']\n"
        "questions:\n  - id: q\n    topic: 'Calculus $\\int$'\n    title: 'The `this` of $x^2$'\n"
        "    question: Why?\n    guidance: g\n    key_points: [k]\n    answer: Because.\n"
    )
    folder = write(tmp_path / "g", yaml_text)
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    complete = next((tmp_path / "out" / "g").glob("*complete.pdf"))
    pdf = pdfium.PdfDocument(complete)
    try:
        outline = [item.get_title() for item in pdf.get_toc()]
        assert pdf.get_metadata_dict()["Title"] == "Maths: E=mc^2"
    finally:
        pdf.close()
    assert "Calculus \\int" in outline and "1. The this of x^2" in outline


def test_a_formula_in_a_name_that_cannot_be_typeset_is_a_located_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_text = (
        "title: 'Maths: $\\frac{1$'\nedition: '1'\ndate: 2026-01-01\n"
        "questions:\n  - id: q\n    topic: T\n    title: 'The $\\nosuch{x}$'\n"
        "    question: Why?\n    guidance: g\n    key_points: [k]\n    answer: Because.\n"
    )
    folder = write(tmp_path / "g", yaml_text)
    assert cli.main(["check", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "guide.yaml:1:1: warning: the guide's title: cannot typeset the formula $\\frac{1$" in err
    # where it was typed: the quoted title starts at column 12, the formula five characters on
    assert "guide.yaml:7:17: warning: question 'q', title: cannot typeset the formula $\\nosuch{x}$" in err


def test_a_contents_line_with_a_tall_formula_keeps_its_number_and_page_on_its_baseline(
    tmp_path: Path,
) -> None:
    yaml_text = (
        "title: M\nedition: '1'\ndate: 2026-01-01\nquestions:\n  - id: q\n    topic: T\n"
        "    title: 'The integral $\\int_0^\\infty e^{-x^2}dx$'\n"
        "    question: Why?\n    guidance: g\n    key_points: [k]\n    answer: Because.\n"
    )
    guide, _ = load_guide(write(tmp_path / "g", yaml_text))
    kit = make_kit(THEME)
    front = compose.front(guide, "study", labels=THEME.labels)
    pages, _ = paginate(story.blocks(front, kit), kit, info("study"))
    items = [item for p in pages for item in p.items]
    number = next(i for i in items if isinstance(i, page.TextLine) and i.runs[0].text == "1.")
    lines = [i for i in items if isinstance(i, page.TextLine)]
    entry = next(i for i in lines if i.runs[0].text.startswith("The integral"))
    placed = next(i for i in items if isinstance(i, page.ContentsNumber) and i.anchor == ("question", 1))
    formula = next(i for i in items if isinstance(i, page.Picture))
    assert formula.height > kit.style("toc_entry").leading  # taller than a line of the contents
    assert number.y == pytest.approx(entry.y) and placed.y == pytest.approx(entry.y)
