"""Tests for guide.data.text: Markdown source to a typed tree of blocks and inline runs."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from guide.data import text
from guide.data.text import (
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Image,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Strike,
    Strong,
    Table,
    Text,
    flatten,
    parse,
    parse_inline,
    plain_text,
    walk_text,
)


def para(*children: text.Inline) -> Paragraph:
    return Paragraph(children)


def only(markdown: str) -> tuple[text.Inline, ...]:
    """The runs of a text that must parse to exactly one paragraph."""
    blocks = parse(markdown)
    assert len(blocks) == 1
    assert isinstance(blocks[0], Paragraph)
    return blocks[0].children


def depth(node: object) -> int:
    """How deep a tree goes, counted without recursion."""
    deepest, stack = 0, [(node, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, tuple):
            stack.extend((child, level) for child in item)
        elif dataclasses.is_dataclass(item):
            for f in dataclasses.fields(item):
                stack.append((getattr(item, f.name), level + 1))
    return deepest


# --- paragraphs and inline runs ---------------------------------------------


def test_paragraphs_split_on_blank_lines_and_soft_breaks_become_spaces() -> None:
    assert parse("one\ntwo\n\nthree") == (para(Text("one two")), para(Text("three")))


def test_empty_and_blank_text_give_no_blocks() -> None:
    assert parse("") == ()
    assert parse("  \n\n\t\n") == ()
    assert parse_inline("") == ()


def test_emphasis_and_strong_nest() -> None:
    assert only("**bold *both* bold** and _em_ ~~gone~~") == (
        Strong((Text("bold "), Emphasis((Text("both"),)), Text(" bold"))),
        Text(" and "),
        Emphasis((Text("em"),)),
        Text(" "),
        Strike((Text("gone"),)),
    )
    assert only("***x***") in (
        (Emphasis((Strong((Text("x"),)),)),),
        (Strong((Emphasis((Text("x"),)),)),),
    )


def test_single_tilde_is_not_strikethrough() -> None:
    assert only("~x~") == (Text("~x~"),)


def test_inline_code_keeps_angle_brackets_and_ampersands() -> None:
    assert only("run `a < b && c &amp; <b>`") == (Text("run "), Code("a < b && c &amp; <b>"))


def test_one_line_triple_backtick_is_a_code_span() -> None:
    assert only("```x``` y") == (Code("x"), Text(" y"))


@pytest.mark.parametrize(
    "source",
    [
        "a < b && c",
        "AT&T",
        "<script>alert(1)</script>",
        "say <b>hi now",  # a tag never closed prints as typed
        "List<a> and Optional<String>",
        "${x} and $ x^2 $ and $5 and $10",  # no formula, by pandoc's rule (formulas: tests/test_math.py)
        "50% of C# & F# users",
    ],
)
def test_html_math_and_ampersands_stay_literal(source: str) -> None:
    assert only(source) == (Text(source),)


def test_raw_html_block_keeps_its_text_and_unknown_tags() -> None:
    assert parse("<div>\n<script>alert(1)</script>\n</div>\n\nafter") == (
        para(Text("<script>alert(1)</script>")),
        para(Text("after")),
    )


def test_entities_follow_commonmark() -> None:
    # A user who writes &copy; in Markdown means ©; without the semicolon it is text.
    assert only("&copy &copy; &#169; &amp;") == (Text("&copy © © &"),)


def test_backslash_escapes_are_literal() -> None:
    assert only(r"\*not em\* \`x\` 2\. \\") == (Text("*not em* `x` 2. \\"),)


def test_hard_breaks_and_soft_breaks() -> None:
    assert only("a  \nb\\\nc\nd") == (
        Text("a"),
        LineBreak(),
        Text("b"),
        LineBreak(),
        Text("c d"),
    )


# --- links and images ---------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[site](http://example.com)", "http://example.com"),
        ("[site](https://example.com/a?b=1#c)", "https://example.com/a?b=1#c"),
        ("[site](HTTPS://example.com)", "HTTPS://example.com"),
        ("[site](mailto:a@example.com)", "mailto:a@example.com"),
        ("[site](<https://example.com/a b>)", "https://example.com/a%20b"),
    ],
)
def test_http_https_and_mailto_links_are_kept(source: str, href: str) -> None:
    assert only(source) == (Link(href, (Text("site"),)),)


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,alert(1)",
        "vbscript:x",
        "/relative/path",
        "relative.html",
        "#anchor",
        "//example.com/protocol-relative",
        "ftp://example.com",
    ],
)
def test_other_links_keep_only_their_label(href: str) -> None:
    assert only(f"see [the *label*](<{href}>) now") == (
        Text("see the "),
        Emphasis((Text("label"),)),
        Text(" now"),
    )


def test_scheme_check_ignores_case_whitespace_and_controls() -> None:
    assert text._safe_href(" HTTPS://x")
    assert text._safe_href("\tmailto:a@b.c")
    assert not text._safe_href("\x01javascript:alert(1)")
    assert not text._safe_href("java\nscript:alert(1)")
    assert not text._safe_href("https")
    assert not text._safe_href("")


def test_autolinks() -> None:
    assert only("<https://example.com> or <a@example.com>") == (
        Link("https://example.com", (Text("https://example.com"),)),
        Text(" or "),
        Link("mailto:a@example.com", (Text("a@example.com"),)),
    )
    assert only("<javascript:alert(1)>") == (Text("javascript:alert(1)"),)


def test_reference_links() -> None:
    assert parse("[docs][d] and [bad][b]\n\n[d]: https://example.com\n[b]: javascript:x") == (
        para(Link("https://example.com", (Text("docs"),)), Text(" and bad")),
    )


def test_images_are_typed_and_read_as_their_alt_text() -> None:
    assert only('![a *diagram*](https://example.com/x.png "title") here') == (
        Image("https://example.com/x.png", "a diagram"),
        Text(" here"),
    )
    assert only("![](x.png)") == (Image("x.png", ""),)
    assert plain_text(parse("![](x.png)")) == "[image]"
    tree = parse("![pic](data:text/html;base64,PHNjcmlwdD4=) ![pic](javascript:x)")
    assert plain_text(tree) == "[image: pic] [image: pic]"
    assert only("[![logo](logo.png)](https://example.com)") == (
        Link("https://example.com", (Image("logo.png", "logo"),)),
    )


# --- blocks -------------------------------------------------------------------


def test_ordered_list_keeps_its_start() -> None:
    assert parse("3. three\n4. four") == (
        ListBlock(True, 3, ((para(Text("three")),), (para(Text("four")),))),
    )


def test_loose_list_items_hold_several_blocks() -> None:
    assert parse("1. x\n\n   y\n2. z") == (
        ListBlock(True, 1, ((para(Text("x")), para(Text("y"))), (para(Text("z")),))),
    )


def test_nested_bullets() -> None:
    assert parse("- a\n  - b\n    - c\n- d") == (
        ListBlock(
            False,
            1,
            (
                (
                    para(Text("a")),
                    ListBlock(
                        False,
                        1,
                        ((para(Text("b")), ListBlock(False, 1, ((para(Text("c")),),))),),
                    ),
                ),
                (para(Text("d")),),
            ),
        ),
    )


def test_empty_list_item() -> None:
    assert parse("- a\n-\n- c") == (ListBlock(False, 1, ((para(Text("a")),), (), (para(Text("c")),))),)


def test_fenced_code_keeps_language_and_whitespace() -> None:
    source = "```python {.numbered}\n  indented\n\ttabbed\tand\n\n    deep  \n```\nafter"
    assert parse(source) == (
        CodeBlock("  indented\n\ttabbed\tand\n\n    deep  ", "python"),
        para(Text("after")),
    )


def test_fence_language_is_unescaped_and_tilde_fences_work() -> None:
    assert parse("~~~c\\+\\+\nint x;\n~~~") == (CodeBlock("int x;", "c++"),)
    assert parse("```\n```") == (CodeBlock("", ""),)


def test_code_is_not_parsed_as_markdown() -> None:
    assert parse("```\n*x* <b> &copy; [a](javascript:x)\n```") == (
        CodeBlock("*x* <b> &copy; [a](javascript:x)", ""),
    )


def test_unclosed_fence_runs_to_the_end() -> None:
    assert parse("before\n\n```sh\necho 1\n\necho 2\n") == (
        para(Text("before")),
        CodeBlock("echo 1\n\necho 2", "sh"),
    )


def test_indented_code() -> None:
    assert parse("text\n\n    def f():\n    \treturn\t1\n\nmore") == (
        para(Text("text")),
        CodeBlock("def f():\n\treturn\t1", ""),
        para(Text("more")),
    )


def test_block_quote_with_a_list_inside() -> None:
    assert parse("> Note:\n>\n> - one\n> - two") == (
        Quote(
            (
                para(Text("Note:")),
                ListBlock(False, 1, ((para(Text("one")),), (para(Text("two")),))),
            )
        ),
    )


def test_table_with_alignment_and_ragged_rows() -> None:
    source = (
        "| Name | *Kind* | Cost | Note |\n"
        "|:-----|:------:|-----:|------|\n"
        "| a | `x\\|y` |\n"  # GFM: a pipe in a cell needs a backslash, even in code
        "| b | c | 1 | n | extra |\n"
    )
    assert parse(source) == (
        Table(
            header=((Text("Name"),), (Emphasis((Text("Kind"),)),), (Text("Cost"),), (Text("Note"),)),
            rows=(
                ((Text("a"),), (Code("x|y"),), (), ()),
                # GFM ignores cells past the header's width.
                ((Text("b"),), (Text("c"),), (Text("1"),), (Text("n"),)),
            ),
            align=("left", "center", "right", ""),
        ),
    )


def test_table_with_header_only() -> None:
    assert parse("| a | b |\n|---|---|") == (
        Table(header=((Text("a"),), (Text("b"),)), rows=(), align=("", "")),
    )


def test_table_padding_never_cuts_cells() -> None:
    # markdown-it never sends a row wider than the header, but if a stream did,
    # the table widens instead of dropping the cell.
    frame = text._BlockFrame(None, cells=[(Text("h"),)], aligns=["left"])
    frame.rows.append((((Text("a"),), (Text("b"),)), ("", "")))
    assert text._table(frame) == Table(
        header=((Text("h"),), ()),
        rows=(((Text("a"),), (Text("b"),)),),
        align=("left", ""),
    )


def test_heading_inside_text_and_rule() -> None:
    assert parse("Intro\n# Big *one*\nbody\n\n---\n\nSetext\n===\n\n###### six") == (
        para(Text("Intro")),
        Heading(1, (Text("Big "), Emphasis((Text("one"),)))),
        para(Text("body")),
        Rule(),
        Heading(1, (Text("Setext"),)),
        Heading(6, (Text("six"),)),
    )


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_are_newlines(newline: str) -> None:
    source = newline.join(["a", "b", "", "```py", "x = 1", "```", "- c"])
    assert parse(source) == parse(source.replace(newline, "\n"))
    assert parse(source) == (
        para(Text("a b")),
        CodeBlock("x = 1", "py"),
        ListBlock(False, 1, ((para(Text("c")),),)),
    )


def test_nul_becomes_replacement_character() -> None:
    assert only("a\x00b") == (Text("a\ufffdb"),)


# --- depth ---------------------------------------------------------------------


def test_deep_block_quotes_do_not_raise_and_keep_the_text() -> None:
    tree = parse("> " * 1000 + "deep text")
    assert plain_text(tree).endswith("deep text")
    assert depth(tree) < 100


def test_deep_quote_lines_keep_every_line() -> None:
    tree = parse("\n".join(">" * level + f" q{level}" for level in range(1, 101)))
    visible = plain_text(tree)
    assert all(f"q{level}" in visible for level in range(1, 101))


def test_deep_bullets_do_not_raise_and_keep_the_text() -> None:
    tree = parse("\n".join("  " * level + f"- item{level}" for level in range(1000)))
    visible = plain_text(tree)
    assert all(f"item{level}" in visible for level in range(1000))
    assert depth(tree) < 100
    same_line = parse("- " * 1000 + "x")
    assert plain_text(same_line).endswith("x")


def test_text_after_a_too_deep_list_survives() -> None:
    source = "\n".join("  " * level + f"- item{level}" for level in range(30)) + "\n- sibling"
    assert plain_text(parse(source)).endswith("item29\nsibling")


def test_deep_inline_nesting_is_bounded() -> None:
    tree = parse("*a " * 1000 + "b" + " a*" * 1000)
    assert plain_text(tree) == "a " * 1000 + "b" + " a" * 1000
    assert depth(tree) < 100
    assert tree == parse("*a " * 1000 + "b" + " a*" * 1000)
    hash(tree)
    repr(tree)


@pytest.mark.parametrize(
    "source",
    [
        "> - " * 1000 + "x",
        "![" * 1000 + "a" + "](x)" * 1000,
        "[" * 1000 + "a" + "](http://x)" * 1000,
        "\n".join("   " * level + "1. x" for level in range(1000)),
    ],
)
def test_pathological_nesting_does_not_raise(source: str) -> None:
    tree = parse(source)
    assert plain_text(tree)
    assert depth(tree) < 100


# --- fallbacks --------------------------------------------------------------------


def test_unknown_tokens_keep_their_text() -> None:
    inline = Token("inline", "", 0, content="x")
    inline.children = [
        Token("text", "", 0, content="a "),
        Token("html_inline", "", 0, content="<b>"),
        Token("mark_open", "mark", 1),
        Token("text", "", 0, content="marked"),
        Token("mark_close", "mark", -1),
        Token("strong_open", "strong", 1),  # never closed
        Token("text", "", 0, content="!"),
    ]
    tokens = [
        Token("html_block", "", 0, content="<foo>\n"),
        Token("container_open", "div", 1),
        Token("paragraph_open", "p", 1),
        inline,
        Token("paragraph_close", "p", -1),
        Token("container_close", "div", -1),
        Token("math_block", "", 0, content="x^2\n"),
        Token("stray_close", "", -1),
    ]
    assert text._blocks(tokens) == (
        para(Text("<foo>")),
        para(Text("a <b>marked"), Strong((Text("!"),))),
        para(Text("x^2")),
    )


# --- parse_inline ------------------------------------------------------------------


def test_parse_inline_returns_the_runs_of_one_paragraph() -> None:
    assert parse_inline("What is `git rebase`?") == (
        Text("What is "),
        Code("git rebase"),
        Text("?"),
    )


def test_parse_inline_flattens_several_paragraphs() -> None:
    assert parse_inline("First *part*.\n\nSecond part.") == (
        Text("First "),
        Emphasis((Text("part"),)),
        Text(". Second part."),
    )


def test_parse_inline_flattens_other_blocks_without_losing_text() -> None:
    assert parse_inline("# Title") == (Text("Title"),)
    assert parse_inline("2001. A Space Odyssey") == (Text("2001. A Space Odyssey"),)
    assert parse_inline("- one\n- two") == (Text("one two"),)
    assert parse_inline("> quoted\n\n```\ncode\n```") == (Text("quoted "), Code("code"))
    assert parse_inline("| a | b |\n|---|---|\n| c |") == (Text("a b c"),)
    assert parse_inline("---") == ()


# --- plain_text and walk_text --------------------------------------------------------


def test_plain_text_of_a_tree() -> None:
    tree = parse(
        "# Title\n\nSome **bold** [link](https://x.org) `code`  \nnext\n\n"
        "- one\n- two\n\n---\n\n> quoted\n\n```\nx = 1\n```\n\n| a | b |\n|---|---|\n| c | |"
    )
    assert plain_text(tree) == ("Title\nSome bold link code\nnext\none\ntwo\nquoted\nx = 1\na\tb\nc\t")


def test_plain_text_of_single_nodes_and_runs() -> None:
    assert plain_text(Text("x")) == "x"
    assert plain_text(Strong((Text("a"), LineBreak(), Code("b")))) == "a\nb"
    assert plain_text((Text("a"), Emphasis((Text("b"),)))) == "ab"
    assert plain_text(Rule()) == ""
    assert plain_text(()) == ""
    assert plain_text(CodeBlock("", "")) == ""


def test_walk_text_yields_every_drawn_string() -> None:
    tree = parse(
        "Hi *there* [label](https://x.org)\n\n```py\ncode\n```\n\n| `h` |\n|---|\n| c |\n\n![alt](x)"
    )
    assert list(walk_text(tree)) == ["Hi ", "there", " ", "label", "code", "h", "c", "[image: alt]"]
    assert list(walk_text(Code("x"))) == ["x"]


# --- the tree -----------------------------------------------------------------------


def test_trees_are_frozen_hashable_tuples() -> None:
    tree = parse("- *a*\n\n| x |\n|---|\n| y |")
    assert isinstance(tree, tuple)
    assert hash(tree) == hash(parse("- *a*\n\n| x |\n|---|\n| y |"))
    first = tree[0]
    assert isinstance(first, ListBlock)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.start = 2  # type: ignore[misc]  # the assignment a frozen node refuses, on purpose


def test_module_does_not_use_reportlab() -> None:
    assert "reportlab" not in Path(text.__file__).read_text(encoding="utf-8")


# --- the fast path -----------------------------------------------------------------------


def test_fast_path_takes_ordinary_titles() -> None:
    for title in [
        "What is the difference between a process and a thread?",
        "Explains trade-offs (CAP) in 2 sentences",
        "C# vs F#: which is better!",
        "Uses 100% of {braces}",  # a "$" may open a formula: such titles take the slow path
    ]:
        assert text._is_plain(title), title
        assert parse(title) == (para(Text(title)),)
    for markdown in ["1. x", "# x", "- x", "> x", "a *b*", " x", "x ", "a\nb", "a&b", "|a|"]:
        assert not text._is_plain(markdown), markdown


def _interesting_characters() -> list[str]:
    chars = [chr(code) for code in range(128)]
    chars += [
        chr(code)
        for code in range(128, 0x3100)
        if unicodedata.category(chr(code)) in {"Zs", "Zl", "Zp", "Cc", "Cf", "Pd", "Po"}
    ]
    return [*chars, "\ufeff", "\ufffd", "\U0001f600"]


def test_fast_path_matches_markdown_it_for_every_character() -> None:
    for char in _interesting_characters():
        forms: tuple[str, ...] = ("{}", "a{}b", "{}a", "a{}", "a {} b", "{}. a", "{}) a", "{} a", "{0}{0}{0}")
        forms += ("a{}\n", "{}  \n")  # what ends a field written as a YAML block
        for form in forms:
            markdown = form.format(char)
            if text._is_plain(markdown.rstrip(" \n")):
                assert parse(markdown) == text._parse_slow(markdown), repr(markdown)


_ALPHABET = st.sampled_from(
    [*"abcXYZ019 .,;:?!#|>+-=$%@^{}()'\"/\t", "\u00a0", "\u2028", "\x0b", "\x1c", "é", "ß"]
)
# Pieces of Markdown syntax, so that generated texts hold whole constructs: the
# fast path must turn down every text in which one of them does something.
_FRAGMENTS = st.sampled_from(
    [
        *("word", " ", "  ", "\t", "\n", "\n\n", "1", "12", ".", ")", "x"),
        *("1. ", "2) ", "# ", "## ", "> ", "- ", "+ ", "* ", "---", "***", "___", "===", "|"),
        *("*", "**", "_", "__", "`", "```", "~~", "~~~", "\\", "&copy;", "&#169;", "&amp"),
        *("<http://x.org>", "<a@b.c>", "<b>", "[a](http://x)", "![a](x)", "[a]", "[a]: /x"),
        *("    ", "\u00a0", "\x00", "\r\n", "$x$", "{", "!", "a|b\n-|-"),
    ]
)


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet=_ALPHABET, min_size=1, max_size=30)
    | st.lists(_FRAGMENTS, min_size=1, max_size=8).map("".join)
    | st.text(min_size=1, max_size=30)
)
@example("Why? Because!")
@example("One line, as YAML's | writes it\n")
@example("Trailing spaces  \n\n")
@example("a\u00a0")
@example("x\u2028y")
def test_fast_path_equals_slow_path(markdown: str) -> None:
    markdown = text._normalise(markdown)
    if text._is_plain(markdown.rstrip(" \n")):  # what parse() takes the fast path for
        assert parse(markdown) == text._parse_slow(markdown)


# --- plain text (format: text) --------------------------------------------------------------------


def test_plain_text_keeps_every_line_and_reads_no_markdown() -> None:
    assert text.parse("First *line*\nsecond <b>line</b>\n\n# not a heading", "text") == (
        para(Text("First *line*"), LineBreak(), Text("second <b>line</b>")),
        para(Text("# not a heading")),
    )


def test_plain_text_sets_lines_that_look_like_code_as_code_with_their_indentation() -> None:
    source = (
        'What does it print?\n#include <stdio.h>\nint main(void) {\n\tputs("hi");\n\n\treturn 0;\n}\n'
        "It prints hi."
    )
    assert text.parse(source, "text") == (
        para(Text("What does it print?")),
        CodeBlock('#include <stdio.h>\nint main(void) {\n    puts("hi");\n\n    return 0;\n}', ""),
        para(Text("It prints hi.")),
    )


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("    indented", True),
        ("\ttabbed", True),
        ("x = 1;", True),
        ("if (x) {", True),
        ("});", True),
        ("#define N 10", True),
        ("Plain words.", False),
        ("# A title", False),
        ("", False),
    ],
)
def test_what_reads_as_code_in_plain_text(line: str, code: bool) -> None:
    assert text.looks_like_code(line) is code


@pytest.mark.parametrize("source", ["a\r\nb\r\n\r\n    c;", "a\rb\r\r    c;", "a\nb\n\n    c;"])
def test_crlf_and_cr_read_as_lf(source: str) -> None:
    for fmt in text.FORMATS:
        assert text.parse(source, fmt) == text.parse("a\nb\n\n    c;", fmt)


def test_plain_text_key_points_flatten_to_one_run() -> None:
    assert text.parse_inline("a\nb", "text") == (Text("a"), LineBreak(), Text("b"))


# --- a question's own number and first sentence --------------------------------------------------


@pytest.mark.parametrize(
    ("source", "number", "rest"),
    [
        ("72. What's the output?", 72, "What's the output?"),
        ("Q72: What's the output?", 72, "What's the output?"),
        ("q 7) Why?", 7, "Why?"),
        ("72) Why?", 72, "Why?"),
        ("Question 3 - Why?", 3, "Why?"),
        ("#12. Why?", 12, "Why?"),
    ],
)
def test_a_question_may_start_with_its_number(source: str, number: int, rest: str) -> None:
    found = text.own_number(source)
    assert found is not None and found[0] == number
    assert text.without_own_number(source) == rest


@pytest.mark.parametrize("source", ["3.5 is more than 3?", "Why 72?", "72", "2001 A Space Odyssey?", "v1. x"])
def test_other_starts_are_no_number(source: str) -> None:
    assert text.own_number(source) is None
    assert text.without_own_number(source) == source


@pytest.mark.parametrize(
    ("source", "sentence"),
    [
        ("What is bias? Explain with an example.", "What is bias?"),
        ("Compare e.g. bagging and boosting. Then stop.", "Compare e.g. bagging and boosting."),
        ("Who was J. S. Bach? A composer.", "Who was J. S. Bach?"),
        ("反向传播是如何工作的？为什么需要它？", "反向传播是如何工作的？"),
        ("ما الفرق بين var و let؟ اشرح بمثال.", "ما الفرق بين var و let؟"),
        ("یہ کیا ہے۔ مثال دیں۔", "یہ کیا ہے۔"),
        ("बैकप्रोपेगेशन क्या है। उदाहरण दें।", "बैकप्रोपेगेशन क्या है।"),
        ("What does `a.b()` return?\n\n```js\nx\n```", "What does a.b() return?"),
        ("```js\nx\n```\n\nWhat's the output?", "What's the output?"),
        ("```js\nx\n```\n\n- A: 1\n- B: 2", ""),
        ("No full stop at all", "No full stop at all"),
    ],
)
def test_first_sentence_of_the_first_paragraph_never_code(source: str, sentence: str) -> None:
    assert text.first_sentence(parse(source)) == sentence


# Markdown and HTML that make every kind of node: a node type added to nodes.py must be added here.
EVERY_NODE = """\
# Heading

Text *emphasis* **strong** ~~strike~~ `code` [link](https://x.org) ![alt](x.png) a\\
break <u>u</u> <mark>m</mark> <small>s</small> H<sub>2</sub>O x<sup>2</sup> <kbd>K</kbd> $x^2$

> quote

> [!TIP]
> a tip

- item

| a | b |
|---|---|
| c | d |

```
code block
```

***
"""


def test_every_kind_of_node_has_its_case_wherever_trees_are_read() -> None:
    """Reading text out of a tree, flattening it and laying it out each handle every node type: one
    forgotten would lose text without a word (they raise instead)."""
    from guide.data.nodes import NODE_TYPES
    from guide.layout import markdown
    from guide.layout.kit import make_kit
    from guide.layout.styles import load_theme

    tree = parse(EVERY_NODE)
    seen: set[type] = set()
    stack: list[object] = list(tree)
    while stack:
        node = stack.pop()
        seen.add(type(node))
        for name in ("children", "items", "header", "rows"):
            value = getattr(node, name, ())
            for child in value:
                stack.extend(child if isinstance(child, tuple) else (child,))
    assert seen >= set(NODE_TYPES), set(NODE_TYPES) - seen
    assert "code block" in plain_text(tree) and "a tip" in plain_text(tree)
    assert flatten(tree)
    kit = make_kit(load_theme("base"), set(EVERY_NODE))
    assert markdown.blocks(tree, kit)
