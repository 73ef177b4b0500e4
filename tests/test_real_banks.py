"""Banks made like the public ones new users bring (tests/banks/): each builds, or is refused only for
what cannot be printed yet, with every such character named at its place; and what they hold
(code and options in questions, HTML, plain text, CJK, Cyrillic, emoji) reaches the page as meant."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfcheck import Pdf, norm

from guide import cli
from guide.build import Options, build_cards, build_guide
from guide.data.validate import load_guide
from guide.layout import compose, story
from guide.layout.blocks import Box
from guide.layout.heads import ContentsLine
from guide.layout.kit import make_kit
from guide.layout.markdown import CodeText
from guide.layout.paragraph import Para
from guide.layout.styles import load_theme

BANKS = Path(__file__).parent / "banks"
# Characters no shipped font has: a bank holding them builds only as a draft. Colour emoji are
# drawn from the shipped image set (tests/test_emoji.py): no bank is refused for them.
EMOJI: dict[str, list[str]] = {}


def _lines(pdf: Pdf) -> list[str]:
    """Every line of text PDFium reads off a file, stripped."""
    doc = pdfium.PdfDocument(pdf.path)
    try:
        pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return [line.strip() for page in pages for line in page.splitlines()]


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Pdf]]:
    """bank(name): its three PDFs, built once (as a draft when it holds emoji)."""
    made: dict[str, dict[str, Pdf]] = {}

    def get(name: str) -> dict[str, Pdf]:
        if name not in made:
            out = tmp_path_factory.mktemp(f"bank-{name}")
            with pytest.MonkeyPatch.context() as mp:
                mp.delenv("SOURCE_DATE_EPOCH", raising=False)
                result = build_guide(BANKS / name, out, Options(draft=name in EMOJI))
            frame = (0.0, 0.0, 1e4, 1e4)
            made[name] = {role: Pdf(result.folder / file, frame) for role, (file, _) in result.files.items()}
        return made[name]

    return get


@pytest.mark.parametrize("name", ["js-quiz", "ds-interview", "flash-cards", "dl-zh"])
def test_each_bank_builds_or_is_refused_only_for_its_emoji(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --draft, a bank with emoji no font has is refused, each character named once with its
    place and count (never '… and N more'); with it, or without emoji, the bank builds."""
    monkeypatch.chdir(BANKS.parent)
    code = cli.main(["build", f"banks/{name}", "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if ": error: " in line]
    if name not in EMOJI:
        assert code == 0 and not errors, err
        return
    assert code == 1

    def code_point(line: str) -> str:
        found = re.search(r"U\+[0-9A-F]+", line)
        assert found, line
        return found.group()

    assert [code_point(line) for line in errors] == EMOJI[name]
    for line in errors:
        assert re.match(rf"banks/{name}/\S+\.yaml:\d+:\d+: error: no font has '.' \(U\+", line), line
        assert "more" not in line and ("used once" in line or "times" in line), line
    assert cli.main(["build", f"banks/{name}", "--out", str(tmp_path / "out"), "--quiet", "--draft"]) == 0


def test_emoji_print_as_themselves(bank: Callable[[str], dict[str, Pdf]]) -> None:
    """The banks refused for three emoji each build, every emoji copying as itself."""
    key = norm(bank("js-quiz")["answer_key"].text)
    assert "Answer: B 🥑" in key
    assert "🥳" in key and "🦢" in key
    topics = norm(bank("ds-interview")["study_guide"].text)
    assert "👶 Easy" in topics and "🚀 Hard" in topics


def test_code_questions_keep_their_code_and_options_on_lines_of_their_own(
    bank: Callable[[str], dict[str, Pdf]],
) -> None:
    for role in ("study_guide", "answer_key"):
        lines = _lines(bank("js-quiz")[role])
        at = lines.index("function sayHi() {")
        assert lines[at + 1 : at + 3] == ["console.log(name);", "console.log(age);"]
        options = [line for line in lines if re.match(r"•?\s*[A-D]: ", line)]
        assert "A: Lydia and undefined" in " ".join(options), options
        assert not any("What's the output? function" in line for line in lines)


def test_contents_name_each_question_once_by_its_title_or_first_sentence(
    bank: Callable[[str], dict[str, Pdf]],
) -> None:
    study = bank("js-quiz")["study_guide"]
    contents = norm(study.texts[1])
    assert "1. What's the output?" in contents and "1. 1." not in contents
    assert "6. Подъём переменных" in contents  # its title:
    assert "4. 输出是什么？" in contents  # "1. 输出是什么？" is the first of its topic: its own number
    assert "7. Какое из этих утверждений является допустимым?" in contents  # "Q7:" left out
    assert "3. …" in contents  # only code and options: nothing to name it by (and a warning says so)
    outline = [item.title for item in study.outline]
    assert "1. What's the output?" in outline and "6. Подъём переменных" in outline
    assert not any("function" in title or "```" in title for title in outline)


def test_a_long_first_sentence_is_cut_at_a_word_to_one_line(tmp_path: Path) -> None:
    long = "Explain " + " and ".join(f"the consequences of choice {i}" for i in range(12)) + "?"
    guide_yaml = (
        'title: T\nedition: "1"\ndate: 2025-01-15\nquestions:\n'
        f"  - id: long\n    topic: A\n    question: {long} More words.\n    answer: Yes.\n"
        "  - id: named\n    topic: A\n    question: Short?\n    answer: Yes.\n"
        f"    title: {long}\n"
    )
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "guide.yaml").write_text(guide_yaml, encoding="utf-8")
    guide, _ = load_guide(tmp_path / "g")
    theme = load_theme("base")
    kit = make_kit(theme, guide.characters)
    [contents] = [
        item
        for item in compose.front(guide, "study", labels=theme.labels)
        if isinstance(item, compose.Contents)
    ]
    lines = [block for block in story.contents(contents, kit) if isinstance(block, ContentsLine)]
    cut, named = lines[1], lines[2]
    width = kit.frame_width - 14 - 44 - 8
    assert len(cut.entry.lines(width)) == 1
    assert cut.entry.line_texts(width)[0].endswith("…")
    assert len(named.entry.lines(width)) > 1  # a title given is printed whole


def test_a_question_is_set_as_blocks_its_first_paragraph_in_the_question_style() -> None:
    guide, _ = load_guide(BANKS / "js-quiz")
    theme = load_theme("base")
    kit = make_kit(theme, guide.characters)
    q = guide.questions[0]
    made = story.question_blocks(compose.question_blocks(q), kit)
    assert isinstance(made[0], Para) and made[0].style.name == "question"
    assert "".join(s.text for s in made[0].spans) == "What's the output?"
    assert isinstance(made[1], Box)
    code = made[1].blocks[0]
    assert isinstance(code, CodeText) and code.source[0] == "function sayHi() {"
    assert all(not isinstance(b, Para) or b.style.name != "question" for b in made[1:])


def test_html_in_a_bank_renders_as_meant(bank: Callable[[str], dict[str, Pdf]]) -> None:
    key = norm(bank("ds-interview")["answer_key"].text)
    assert "constant variance of the errors" in key  # <br /> in a table cell
    # A web image is never fetched: its alt text, linked to its address.
    assert "supervised learning" in key and "supervised.png" not in key
    assert "Show the normal equation" in key and "<details>" not in key and "<summary>" not in key
    assert "TODO" not in key  # a comment
    assert "<blink>blink</blink>" in key  # a tag guide does not know prints as typed
    for tag in ("<i>", "<sub>", "<sup>", "<mark>", "<kbd>", "<small>", "<a href", "<b>", "<u>"):
        assert tag not in key, tag
    links = [link.uri for link in bank("ds-interview")["answer_key"].links if link.uri]
    # A web image prints as its alt text, linked to its address.
    assert links == ["https://example.com/supervised.png", "https://en.wikipedia.org/wiki/Linear_regression"]


def test_plain_text_cards_keep_their_lines_and_code(bank: Callable[[str], dict[str, Pdf]]) -> None:
    lines = _lines(bank("flash-cards")["answer_key"])
    at = lines.index("#include <stdio.h>")
    assert lines[at - 1] == "What does this program print?"
    assert lines[at + 1 : at + 3] == ["int main(void) {", "int i;"]
    assert "*not* O(n) -- the asterisks stay as typed." in lines
    assert lines[lines.index("It prints the squares of 0, 1 and 2:") + 1 :][:3] == ["0", "1", "4"]
    # The file with CR line ends reads as the others.
    assert "for i in range(10):" in lines and "print(i)" in lines


def test_plain_text_cards_print_as_flash_cards(tmp_path: Path) -> None:
    result = build_cards(BANKS / "flash-cards", tmp_path, Options())
    pdf = Pdf(result.path, (0.0, 0.0, 1e4, 1e4))
    text = norm(pdf.text)
    assert "Fix the loop:" in text and "for i in range(10) print(i)" in text
    assert "Add the colon after the for line: for i in range(10): print(i)" in text


def test_cjk_and_latex_stay_as_typed(bank: Callable[[str], dict[str, Pdf]]) -> None:
    key = norm(bank("dl-zh")["answer_key"].text)
    assert "反向传播是如何工作的？为什么需要它？" in key
    # In a table cell, `\|` is a pipe that does not end the cell: the formula is typeset, and
    # copies as typed.
    assert r"$$|A|_F = \sqrt{\sum_{i,j} a_{ij}^2}$$" in key
    assert "第15段" in key  # the end of an answer of thousands of characters


def test_empty_answers_are_refused_naming_their_questions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BANKS.parent)
    assert cli.main(["check", "banks/empty-answers", "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "banks/empty-answers/guide.yaml:14:12: error: question 'udp': answer is empty; write a model answer",
        "banks/empty-answers/guide.yaml:18:13: error: question 'dns': answer is empty; write a model answer",
        "banks/empty-answers/guide.yaml:22:13: error: question 'http2': answer is empty; write a model"
        " answer",
        "guide: 8 warnings; run without --quiet to see them",
        "guide: 3 errors",
    ]
