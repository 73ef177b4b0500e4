"""Highlighted code: Pygments' tokens in the theme's code colours (grays in print), keywords bold
and comments italic; an unknown language plain; wrapping with ↪ and indentation kept."""

from __future__ import annotations

from pagemodel import paginate

from guide.data import text
from guide.layout import highlight, markdown, page
from guide.layout.kit import colour_of, make_kit
from guide.layout.styles import load_theme

CODE = '```python\ndef f(x):  # why\n    return "s" + str(42)\n```'


def runs(style: str, source: str = CODE) -> list[page.Run]:
    kit = make_kit(load_theme(style))
    pages, _ = paginate(markdown.blocks(text.parse(source), kit), kit)
    return [run for item in pages[0].items if isinstance(item, page.TextLine) for run in item.runs]


def test_tokens_take_the_theme_s_colours_keywords_bold_comments_italic() -> None:
    theme = load_theme("base")
    found = {run.text.strip(): run for run in runs("base")}
    assert found["def"].colour == colour_of(theme.colours["code_keyword"]) and "Bold" in found["def"].face
    assert (
        found["# why"].colour == colour_of(theme.colours["code_comment"]) and "Oblique" in found["# why"].face
    )
    assert found['"s"'].colour == colour_of(theme.colours["code_string"])
    assert found["42"].colour == colour_of(theme.colours["code_number"])
    assert "".join(run.text for run in runs("base")).startswith("def f(x):  # why    return")


def test_print_highlights_in_grays_only() -> None:
    for run in runs("print"):
        red, green, blue = run.colour
        assert red == green == blue, run


def test_an_unknown_language_prints_plain() -> None:
    assert highlight.lines("x = 1", "no-such-language") is None
    found = runs("base", "```no-such-language\nkeyword def\n```")
    assert len({run.colour for run in found if "Mono" in run.face}) == 1


def test_a_long_highlighted_line_wraps_with_its_arrow_and_keeps_its_looks() -> None:
    source = "```python\n    return " + " + ".join(f'"piece{n}"' for n in range(40)) + "\n```"
    kit = make_kit(load_theme("base"))
    pages, _ = paginate(markdown.blocks(text.parse(source), kit), kit)
    lines = [
        item
        for item in pages[0].items
        if isinstance(item, page.TextLine) and item.runs[0].text != "Title · 1"
    ]
    assert len(lines) > 2
    assert lines[0].runs[0].text == "    " and lines[1].runs[0].text.startswith("\u21aa")
    strings = colour_of(kit.theme.colours["code_string"])
    assert any(run.colour == strings for run in lines[1].runs)
