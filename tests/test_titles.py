"""The names of a guide (its title and subtitle, its topics, a question's title, and the title made
from a question's first sentence): read as text, `code` and formulas."""

from __future__ import annotations

import pytest

from guide.data import text, titles
from guide.data.nodes import Code, Math, Strong, Text

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


def test_a_summary_reads_its_code_and_formulas_but_pre_keeps_them_as_typed() -> None:
    source = "<details>\n<summary>Why? $x^2$ and `kill -2`</summary>\n\nBecause.\n</details>"
    summary = text.parse(source)[0]
    assert summary == text.Paragraph(
        (Strong((Text("Why? "), Math("x^2", False, "$x^2$"), Text(" and "), Code("kill -2"))),),
    )
    assert text.parse("<pre>\n$x$ and `a`\n</pre>") == (text.Paragraph((Text("<pre> $x$ and `a` </pre>"),)),)
