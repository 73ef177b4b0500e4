"""Properties over arbitrary text: whatever a user types either builds, with every character on the page, or
fails validation with messages that each name a file, line and column; never another exception.

The number of examples comes from GUIDE_FUZZ_EXAMPLES (default 30, so that `make test` stays
quick; `make fuzz` runs thousands). Runs with the default are derandomised: the same examples
every time, so a failure in CI is a failure on every machine. Under GUIDE_FUZZ_EXAMPLES the
examples are random, and hypothesis keeps any failure it finds in .hypothesis/ to try first
next time.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pagemodel import drawn_items

from guide import layout
from guide.data import text
from guide.data.validate import load_guide
from guide.errors import GuideError
from guide.layout import emoji, fonts, markdown
from guide.layout.direction import has_rtl
from guide.layout.kit import make_kit
from guide.layout.spans import Span, inline
from guide.layout.styles import load_theme
from guide.pdf import assemble

FUZZING = "GUIDE_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("GUIDE_FUZZ_EXAMPLES", "30"))
THEME = load_theme("base")  # one theme for every example: loading fonts is the slow part

# Characters worth trying, beside arbitrary ones: Markdown syntax, what ReportLab's paragraph
# parser reads as markup, whitespace of every kind, and text from every corner of the fonts
# (combining marks, zero-width characters, CJK, emoji, mathematical letters), plus characters
# that must be refused (controls, right-to-left letters, a private-use character).
_CHARS = [
    *"abcXYZ019 .,;:?!#|>+-=$%@^{}()'\"/\\*_`~[]<>&",
    *"\t\n\r\u00a0\u2028\u3000\u200b\u200d\u00ad\ufeff\u200e",
    *"é\u0301\u0308ßøÅ漢字かな😀😎𝔸ℝ⌒☃\ufe0f–—…€",
    *"\x07\u202e\u05d0\u0628\ue000\U0001d400",
]
_FRAGMENTS = [
    *("word", " ", "\n", "\n\n", "\r\n", "    ", "1. ", "- ", "> ", "# ", "---", "|", "* ", "```", "~~~"),
    *("**", "*", "_", "`", "~~", "\\", "&copy", "&copy;", "&#169;", "&#x5D0;", "&#0;", "&#x1F600;", "AT&T"),
    *("<b>", "</b>", "<br>", "<br/>", '<img src="/etc/passwd"/>', '<font color="x">', "<para>", "<!--"),
    *("<http://x.org>", "<a@b.c>", "[a](http://x)", "[a](javascript:x)", "![a](/etc/passwd)", "[a]: /x"),
    *("| a | b |\n|---|:-:|\n| 1 |", "e\u0301", "\u200b", "😀", "漢字", "\t", "&#999999999;"),
]
TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(_CHARS), min_size=1, max_size=40),
    st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=10).map("".join),
    st.text(min_size=1, max_size=40),
)

FIELDS = st.fixed_dictionaries(
    {
        "question": TEXT,
        "answer": TEXT,
        "guidance": TEXT,
        "key_points": st.lists(TEXT, min_size=1, max_size=3),
    }
)


def _yaml_string(value: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly value, whatever its characters."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F or (0xA0 <= code <= 0xFFFD and code not in (0x2028, 0x2029, 0xFEFF)):
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04X}")
        else:
            out.append(f"\\U{code:08X}")
    out.append('"')
    return "".join(out)


def guide_yaml(fields: dict[str, object]) -> str:
    """A whole guide holding one question with the given text fields."""
    lines = [
        "title: Fuzz",
        'edition: "1"',
        "date: 2025-01-15",
        "questions:",
        "  - id: fuzz",
        "    topic: Fuzz",
    ]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"    {key}:")
            lines += [f"      - {_yaml_string(item)}" for item in value]
        else:
            assert isinstance(value, str)
            lines.append(f"    {key}: {_yaml_string(value)}")
    return "\n".join(lines) + "\n"


def expected_words(source: str, *, inline: bool) -> list[str]:
    """The words a field must show: its Markdown's visible text, without what draws nothing."""
    tree = text.parse_inline(source) if inline else text.parse(source)
    visible = unicodedata.normalize("NFC", text.plain_text(tree))
    kept = "".join(c for c in visible if c.isspace() or (c.isprintable() and not text.is_invisible(c)))
    return kept.split()


def page_text(data: bytes) -> str:
    """All the text of a PDF, with no whitespace (line breaks fall where they fall)."""
    doc = pdfium.PdfDocument(data)
    try:
        parts = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            parts.append(_read(textpage))
            textpage.close()
            page.close()
    finally:
        doc.close()
    # As expected_words has them: what draws nothing is left out (an emoji copies as its whole
    # sequence, '☃\ufe0f' with its presentation selector).
    shown = unicodedata.normalize("NFC", "".join(parts))
    return "".join("".join(c for c in shown if not text.is_invisible(c)).split())


def _read(textpage: pdfium.PdfTextPage) -> str:
    """A page's text by PDFium, character by character. In a right-to-left line PDFium puts the
    two UTF-16 halves of a character beyond U+FFFF (𝔸 in 'א𝔸') in reverse order, and its own text
    drops them: here they are put back in order."""
    units = [pdfium_c.FPDFText_GetUnicode(textpage.raw, i) for i in range(textpage.count_chars())]
    # A hyphen that ends a line PDFium gives as 2 here (U+FFFE in its text of the page).
    units = [0x2D if u in (0x02, 0xFFFE) else u for u in units]
    for i in range(len(units) - 1):
        if 0xDC00 <= units[i] <= 0xDFFF and 0xD800 <= units[i + 1] <= 0xDBFF:
            units[i], units[i + 1] = units[i + 1], units[i]
    return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le", "replace")


def _fields(question: str, answer: str, guidance: str, key_point: str) -> dict[str, object]:
    return {"question": question, "answer": answer, "guidance": guidance, "key_points": [key_point]}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FUZZING,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(FIELDS)
@example(
    {"question": "x <y & AT&T?", "answer": "&copy 2024 <b>", "guidance": "e\u0301", "key_points": ["😀"]}
)
@example(
    {"question": "漢字", "answer": "| a |\n|---|\n| 1 | 2 |", "guidance": "```", "key_points": ["&#x5D0;"]}
)
@example({"question": "\u05d0", "answer": "a", "guidance": "b", "key_points": ["c"]})
@example({"question": "q", "answer": "a\x07", "guidance": " ", "key_points": [""]})
@example({"question": "0", "answer": "0", "guidance": "0", "key_points": ["\u05d0\U0001d538"]})  # א𝔸
@example({"question": "0", "answer": "0", "guidance": "0", "key_points": ["0:\u05d0"]})
@example({"question": "0", "answer": "0", "guidance": "B-", "key_points": ["0"]})
@example({"question": "1 . >", "answer": "0", "guidance": "0", "key_points": ["0"]})
@example({"question": "1 . >0", "answer": "0", "guidance": "0", "key_points": ["0"]})
@example({"question": "0", "answer": "0", "guidance": "0", "key_points": ["\u2603\ufe0f0"]})
@example({"question": "0", "answer": "0", "guidance": "[ \u05d0", "key_points": ["[\u05d0", "\u05d0\u2026"]})
def test_any_text_builds_with_every_character_or_fails_with_located_messages(
    fields: dict[str, object],
) -> None:
    """Arbitrary text in question, answer, guidance and key points: a build, or located problems."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fuzz"
        folder.mkdir()
        (folder / "guide.yaml").write_text(guide_yaml(fields), encoding="utf-8")
        try:
            guide, _ = load_guide(folder)
            fonts.check_coverage(guide, THEME)
            rendered = layout.render(guide, THEME, Path(tmp))
            edition = assemble.assemble(guide, THEME, rendered, Path(tmp))
        except GuideError as exc:
            assert exc.problems
            for problem in exc.problems:
                where = problem.location
                assert where.file and where.line > 0 and where.column > 0, str(problem)
            return
        study = page_text(edition.file("study_guide").data)
        key = page_text(edition.file("answer_key").data)
    assert isinstance(fields["question"], str) and isinstance(fields["guidance"], str)
    assert isinstance(fields["answer"], str) and isinstance(fields["key_points"], list)
    # A question keeps its blocks ('>0' is a quote), and its own number is printed once, by guide.
    asked = fields["question"]
    if guide.questions[0].numbered:
        asked = text.without_own_number(asked)
    shown = {
        "question": (expected_words(asked, inline=False), study + key),
        "guidance": (expected_words(fields["guidance"], inline=False), study),
        "answer": (expected_words(fields["answer"], inline=False), key),
        "key_points": ([w for p in fields["key_points"] for w in expected_words(p, inline=True)], key),
    }
    for name, (words, page) in shown.items():
        held = Counter(_folded(page))
        rtl = any(map(has_rtl, words))
        for word in words:
            if rtl and word not in page:
                # PDFium orders a right-to-left line's numbers and neutrals its own way ('0:א' read
                # as ':0א'), mirrors its brackets a second time ('[' read as ']') and spells out
                # '…' as '...' (README: Copying and searching); the order drawn is tested against
                # python-bidi in test_scripts.py. Here: no character of it is lost.
                assert not Counter(_folded(word)) - held, f"{name}: {word!r} is not on the page"
                continue
            assert word in page, f"{name}: {word!r} is not on the page"


# Each bracket and its mirror image as one: PDFium reads a right-to-left line's brackets mirrored.
_MIRROR_FOLD = str.maketrans(")]}>»›", "([{<«‹")


def _folded(value: str) -> str:
    """Text as PDFium may give a right-to-left line back: compatibility forms spelled out."""
    return unicodedata.normalize("NFKC", value).translate(_MIRROR_FOLD)


# --- the markup alone: cheaper, so many more examples ---------------------------------------------

KIT = make_kit(THEME, "".join(_CHARS))


@settings(max_examples=EXAMPLES * 10, deadline=None, derandomize=not FUZZING)
@given(st.one_of(TEXT, st.text(max_size=80)))
@example('<img src="/etc/passwd"/> &copy <a href="javascript:x">y</a> &#999999999; <br> <font color=x>')
@example('[ok](https://example.com/?a=1&b="2") [no](file:///etc/passwd) `a <b> &c`')
@example("\u05d0\u200b")
@example("$\U0001d400$")
def test_user_text_never_becomes_markup(source: str) -> None:
    """The spans drawn hold exactly the text of the tree: nothing is read as markup, every link is
    one the tree holds, and a paragraph's lines hold every word of it."""
    runs = text.parse_inline(source)
    spans = inline(runs, KIT, KIT.style("body"))
    # An inline box (an emoji, a formula) stands for its picture's text.
    boxed = "".join("\n" if span.hard_break else span.text for span in spans).replace("\u00a0", " ")
    # Invisible characters draw nothing, and control characters (which validation refuses) neither;
    # an emoji of the image set is drawn whole.
    usable = set().union(*(f.coverage for f in KIT.families.values()))

    def shown(value: str) -> str:
        value = "".join(
            c
            for c in value
            if not text.is_invisible(c) and (unicodedata.category(c) != "Cc" or c in "\t\n\r")
        )
        return "".join(c if ord(c) in usable or c in "\t\n" else fonts.placeholder(c) for c in value)

    def stands_for(span: Span) -> str:
        if span.hard_break:
            return "\n"
        if span.box is None:
            return span.text
        # A typeset formula draws its letters with the math font ('$𝐀$'): its source is compared
        # as text would print it.
        return shown(span.box.picture.text) if span.box.fallback else span.box.picture.text

    drawn = "".join(map(stands_for, spans)).replace("\u00a0", " ")

    covered = lambda char: ord(char) in usable  # noqa: E731
    visible = "".join(
        "".join(c for c in piece if not text.is_invisible(c)) if made else shown(piece)
        for piece, made in emoji.pieces(text.plain_text(runs), covered)
    )
    drawn = "".join(c for c in drawn if not text.is_invisible(c))
    assert drawn.split() == visible.split()
    hrefs = {node.href for node in _links(runs)}
    assert {span.link for span in spans if span.link is not None} <= hrefs
    lines = markdown.paragraph(runs, KIT, "body").line_texts(KIT.frame_width)
    # A zero-width space is where a line may break (between Thai words): it draws nothing.
    assert "".join("".join(lines).split()) == "".join(boxed.replace("\u200b", "").split())


def _links(runs: tuple[text.Inline, ...]) -> list[text.Link]:
    found, stack = [], list(runs)
    while stack:
        node = stack.pop()
        if isinstance(node, text.Link):
            found.append(node)
        if isinstance(node, text.Emphasis | text.Strong | text.Strike | text.Link):
            stack.extend(node.children)
    return found


@settings(max_examples=EXAMPLES * 5, deadline=None, derandomize=not FUZZING)
@given(st.one_of(TEXT, st.text(max_size=80)))
def test_any_markdown_makes_blocks(source: str) -> None:
    """Every Markdown tree turns into blocks that lay out at the page's width, whatever it holds."""
    for block in markdown.blocks(text.parse(source), KIT):
        assert block.wrap(KIT.frame_width, 10_000) >= 0
        for line in drawn_items(block, KIT.frame_width):
            # Nothing starts left of the column but a first-level list bullet, which hangs 2 pt
            # into the margin (markdown.list_block).
            assert line.x >= -2.01


def test_yaml_string_reads_back_exactly() -> None:
    """The YAML writer of these tests is exact for every kind of character."""
    import yaml

    sample = "".join(_CHARS) + '"\\' + "\U0010fffd"
    assert yaml.safe_load(_yaml_string(sample)) == sample
    assert json.loads(json.dumps(sample)) == sample
