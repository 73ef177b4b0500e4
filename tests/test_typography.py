"""Lines broken for the whole paragraph (total fit), hyphenated and justified as a book sets them."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

import pytest
from pagemodel import drawn_items

from guide.layout import breaking, hyphens
from guide.layout.kit import Kit, make_kit
from guide.layout.paragraph import Para, break_lines, words_of
from guide.layout.spans import Span, plain
from guide.layout.styles import load_theme

BASE = make_kit(load_theme("base"), language="en")
PLAIN = make_kit(load_theme("base"))  # no language given: nothing is hyphenated
PROSE = (
    "A model that is too simple misses the structure of the data and underfits, while a model that is "
    "too flexible learns the noise of its training set and overfits; regularisation, more data and a "
    "validation set tell the two apart."
)
# The most a ragged line may leave empty and still be within TeX's tolerance, at 10 pt.
RAGGED_MOST = breaking.RAGGED_STRETCH * 10 * (breaking.TOLERANCE / 100) ** (1 / 3)


def _para(value: str, kit: Kit = PLAIN, style: str = "body") -> Para:
    """A paragraph at 10 pt (whatever the base style's size), in which the widths below were chosen."""
    resolved = kit.derive(style, "ten", size=10.0, leading=14.0)
    return Para(plain(value, resolved), resolved)


def test_breaks_are_chosen_for_the_whole_paragraph() -> None:
    """Greedy breaking leaves a line 45 pt short here, to fill the lines before it; total fit
    evens the lines out, none further from the edge than the tolerance allows."""
    para = _para(PROSE)
    width = 171.0
    lines = para.lines(width)
    assert len(lines) == 7
    assert all(width - line.width <= RAGGED_MOST for line in lines[:-1])
    assert para.line_texts(width)[2] == "underfits, while a model that"


def test_a_paragraph_on_one_line_is_one_line() -> None:
    para = _para("Short and sweet.")
    assert para.line_texts(400) == ["Short and sweet."]


def test_hard_breaks_end_lines() -> None:
    kit = PLAIN
    style = kit.style("body")
    spans = [*plain("first line", style), Span("", style.face, style.size, style.colour, hard_break=True)]
    spans += plain("second line", style)
    assert Para(spans, style).line_texts(400) == ["first line", "second line"]


def _hyphenated(lines: list[str], source: str) -> list[bool]:
    """Which lines end with a hyphen the source does not have there."""
    words = set(source.split())
    return [line.endswith("-") and line.split()[-1] not in words for line in lines]


def test_words_are_hyphenated_in_the_guides_language() -> None:
    """A word of letters across a line's end is hyphenated where the dictionary allows, as TeX
    would: 'regularisation' at 'regu-', never after one letter or before two."""
    text = "The interviewer wants the decomposition of expected error and regularisation explained."
    found = 0
    for width in range(100, 200, 5):
        lines = _para(text, BASE).line_texts(float(width))
        ends = _hyphenated(lines, text)
        found += sum(ends)
        joined = "".join(line[:-1] if end else line + " " for line, end in zip(lines, ends, strict=True))
        assert joined.split() == text.split()
        for line, end in zip(lines, ends, strict=True):
            if end:
                assert len(line.split()[-1]) >= 3  # two letters and the hyphen at least
                piece = line.split()[-1][:-1]
                word = next(w for w in text.split() if w.startswith(piece))
                assert len(piece) in hyphens.places(word, "en"), (word, piece)
        # Without a language (hyphenate: false, or a language pyphen does not know), no hyphen.
        assert not any(_hyphenated(_para(text).line_texts(float(width)), text))
    assert found


def test_no_hyphen_in_code_links_numbers_or_capitals() -> None:
    kit = BASE
    style = kit.style("body")
    code = Span("supercalifragilistic_expialidocious", kit.style("code").face, 9, style.colour)
    link = Span("documentation", style.face, style.size, style.colour, link="https://example.org")
    spans = [*plain("Call ", style), code, *plain(" or read the ", style), link]
    spans += plain(" about 1234567890123 and JavaScript and ABCDEFGHIJKLMNOP here.", style)
    para = Para(spans, style)
    for width in range(60, 200, 7):
        for line in para.line_texts(float(width)):
            assert not line.endswith("-"), (width, line)


def test_at_most_two_hyphenated_lines_in_a_row() -> None:
    rng = random.Random(4)
    long_words = ["characteristically", "regularisation", "interpretability", "generalisation",
                  "overparameterised", "hyperparameters", "classification", "representation"]  # fmt: skip
    for _ in range(30):
        text = " ".join(rng.choice(long_words) for _ in range(40))
        lines = _para(text, BASE).line_texts(rng.uniform(90, 160))
        run = 0
        for hyphen in _hyphenated(lines, text):
            run = run + 1 if hyphen else 0
            assert run <= breaking.MAX_HYPHENS_IN_A_ROW, lines


def test_a_paragraph_broken_again_at_another_width_loses_its_hyphens() -> None:
    para = _para(PROSE * 2, BASE)
    narrow = para.line_texts(120)
    assert any(line.endswith("-") for line in narrow)
    wide = para.line_texts(800)
    assert wide == _para(PROSE * 2, BASE).line_texts(800)
    assert not any(re.search(r"\w-\w", line.replace("over-", "")) for line in wide[:-1])


def test_justified_lines_stretch_within_bounds() -> None:
    """Every line but the last fills the column; no space stretches past TeX's tolerance, but
    where nothing else will do, and then the line is left short rather than spread further."""
    theme = load_theme("base")
    kit = make_kit(theme.__class__(**{**theme.__dict__, "justify": True}), language="en")
    assert kit.style("body").alignment == "justify"
    style = kit.style("body")
    space = plain(" ", style)[0].space
    most = space * breaking.STRETCH * (breaking.TOLERANCE / 100) ** (1 / 3)
    para = Para(plain(PROSE * 3, style), style)
    lines = drawn_items(para, 300)
    assert len(lines) > 4
    for line in lines[:-1]:
        assert -space * breaking.SHRINK - 1e-3 <= line.word_space <= most + 1e-3, line
    assert lines[-1].word_space == 0
    # A line that cannot be set within tolerance stretches no further than that: ragged instead.
    loose = Para(plain("a " + "x" * 40 + " b " + "y" * 40, style), style)
    for line in drawn_items(loose, 300):
        assert line.word_space <= most + 1e-3  # (word_space is rounded to 3 places)


def test_a_long_paragraph_breaks_in_linear_time() -> None:
    """Each place a line may end is visited from the few line starts within a line's width:
    a paragraph of 40,000 words makes no more nodes a word than one of 10,000."""

    def nodes(count: int) -> float:
        words = ("the quick brown fox jumps over the lazy dog and then some " * (count // 12 + 1)).split()
        spans = plain(" ".join(words[:count]), BASE.style("body"))
        made = 0
        original = breaking._Search.ragged_from

        def counting(self: breaking._Search, *args: Any, **kwargs: Any) -> bool:  # as ragged_from
            nonlocal made
            made += 1
            return original(self, *args, **kwargs)

        breaking._Search.ragged_from = counting  # type: ignore[method-assign]  # counted, put back below
        try:
            break_lines(words_of(spans), spans, 300.0, 300.0)
        finally:
            breaking._Search.ragged_from = original  # type: ignore[method-assign]  # as it was
        assert made
        return made / count

    assert nodes(40_000) <= nodes(10_000) * 1.05


@pytest.mark.parametrize("seed", range(10))
def test_lines_keep_every_character_and_the_column(seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = ["a", "of", "model", "regularisation", "x" * rng.randint(1, 60), "naïve", "—", "Z" * 90]
    text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 120)))
    width = rng.uniform(40, 400)
    para = _para(text, BASE)
    style = para.style
    for line in para.lines(width):
        assert line.width <= width + 1e-6
    lines = para.line_texts(width)
    measured = [plain(line, style)[0].font.stringWidth(line, style.size) for line in lines if line]
    assert all(w <= width + 1e-6 for w in measured)
    ends = _hyphenated(lines, text)
    flat = "".join(line[:-1] if hyphen else line for line, hyphen in zip(lines, ends, strict=True))
    assert "".join(flat.split()) == "".join(text.split())


def test_a_hyphen_leaves_no_syllable_alone_on_the_last_line() -> None:
    """'overfit-' / 'ting' was set at one width: a word goes to the last line whole rather than
    leave a short syllable there alone."""
    text = "Variance: sensitivity to the particular training sample → overfitting"
    kit = make_kit(load_theme("base"), set("→"), language="en")
    style = kit.style("body")
    for width in range(300, 420, 2):
        lines = Para(plain(text, style), style).line_texts(float(width))
        if len(lines) > 1 and _hyphenated(lines, text)[-2]:
            last = plain(lines[-1], style)[0]
            assert last.font.stringWidth(lines[-1], style.size) >= width * breaking.SHORT_LAST, lines


def test_justified_text_leaves_no_syllable_alone_on_the_last_line() -> None:
    """'… unseen feature val-' / 'ues': justified text had no other way within tolerance, and
    took it; the line before is left short instead, and the word goes down whole."""
    theme = load_theme("base")
    kit = make_kit(theme.__class__(**{**theme.__dict__, "justify": True}), language="en")
    style = kit.style("body")
    text = "Laplace smoothing avoids zero probabilities for unseen feature values"
    hyphenated = 0
    for width in range(200, 420, 2):
        lines = Para(plain(text, style), style).line_texts(float(width))
        ends = _hyphenated(lines, text)
        hyphenated += sum(ends)
        if len(lines) > 1 and ends[-2]:
            last = plain(lines[-1], style)[0]
            assert last.font.stringWidth(lines[-1], style.size) >= width * breaking.SHORT_LAST, lines
    assert hyphenated  # the paragraph is hyphenated at other widths: the test reaches the rule


def test_pyphen_is_imported_only_when_a_paragraph_needs_a_hyphen() -> None:
    """A guide that does not hyphenate, or whose lines all break well between words, never loads
    pyphen (its import and a dictionary cost a tenth of a second)."""
    import subprocess
    import sys

    script = """
import sys
from guide.layout.kit import make_kit
from guide.layout.paragraph import Para
from guide.layout.spans import plain
from guide.layout.styles import load_theme
kit = make_kit(load_theme("base"), language=sys.argv[1])
style = kit.style("body")
Para(plain("Short and sweet.", style), style).lines(400)
Para(plain("characteristically " * 40, style), style).lines(float(sys.argv[2]))
print("pyphen" in sys.modules)
"""
    for language, width, loaded in (("", "150", "False"), ("en", "400", "False"), ("en", "150", "True")):
        found = subprocess.run(
            [sys.executable, "-c", script, language, width], capture_output=True, text=True, check=True
        )
        assert found.stdout.strip() == loaded, (language, width, found.stderr)


def test_a_compound_breaks_after_its_own_dash_adding_nothing() -> None:
    """'Heavily over-' / 'parameterised': a line may end after the dash a compound is written
    with (hyphen or en dash), as TeX lets it, with no second hyphen drawn and never a hyphen of
    pyphen's inside one of its parts ('over-para-')."""
    text = "The decomposition is exact only for squared loss. Heavily over-parameterised networks"
    compounds = {"over-parameterised": "over-", "bias\u2013variance": "bias\u2013"}
    seen = set()
    for compound, first in compounds.items():
        source = text.replace("over-parameterised", compound)
        for width in range(150, 330, 3):
            para = _para(source, BASE)
            lines = para.line_texts(float(width))
            for line, after in itertools.pairwise(lines):
                if line.endswith(first):
                    seen.add(compound)
                    assert after.startswith(compound[len(first) :]), lines
                assert not re.search(r"\w-$", line) or line.endswith(first), lines  # no 'over-para-'
            # The words are all there, the compound whole once its line end is closed up.
            assert "".join(lines).replace(" ", "") == source.replace(" ", "")
            # Broken again at a wider measure, the compound is one word again.
            assert compound in " ".join(para.line_texts(2000.0))
    assert seen == set(compounds)


def test_dashes_break_only_between_words_of_letters() -> None:
    assert hyphens.after_dashes("over-parameterised") == (5,)
    assert hyphens.after_dashes("(bias\u2013variance),") == (6,)
    # Not 'state-' / 'of-…': two letters after a dash are too few; 'state-of-' and 'state-of-the-'.
    assert hyphens.after_dashes("state-of-the-art") == (9, 13)
    for word in ("e-mail", "10\u201315", "q12-regularisation", "x-1", "well-", "-flag", "T-shirt"):
        assert hyphens.after_dashes(word) == (), word
    assert hyphens.places("over-parameterised", "en") == ()  # the parts are never hyphenated


def test_no_break_after_a_dash_in_code_or_in_large_print() -> None:
    style = BASE.style("body")
    code = Span("--no-cache-dir", BASE.style("code").face, 9, style.colour)  # narrower than a line: never cut
    spans = [*plain("Pass ", style), code, *plain(" to pip.", style)]
    text = "Heavily over-parameterised networks and bias\u2013variance trade-offs"
    for width in range(90, 240, 7):
        for line in Para(spans, style).line_texts(float(width))[:-1]:
            assert not line.endswith("-"), (width, line)
        for line in _para(text, PLAIN).line_texts(float(width)):
            assert not line.endswith(("-", "\u2013")), (width, line)  # a guide that does not hyphenate
