"""The HTML Markdown authors write: what each known tag becomes, that every other tag prints as typed,
that nothing is lost to a tag left open or closed twice, and how the new runs are drawn."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pagemodel import Collect

from guide.data import html, text
from guide.data.text import (
    Code,
    Emphasis,
    Highlight,
    Image,
    Kbd,
    LineBreak,
    Link,
    Paragraph,
    Small,
    Strike,
    Strong,
    Sub,
    Sup,
    Table,
    Text,
    Underline,
    parse,
    plain_text,
)
from guide.layout import markdown, page
from guide.layout.kit import make_kit
from guide.layout.spans import Span, inline
from guide.layout.styles import load_theme


def only(source: str) -> tuple[text.Inline, ...]:
    blocks = parse(source)
    assert len(blocks) == 1 and isinstance(blocks[0], Paragraph), blocks
    return blocks[0].children


# --- tags inside a paragraph -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "node"),
    [
        ("<b>x</b>", Strong((Text("x"),))),
        ("<strong>x</strong>", Strong((Text("x"),))),
        ("<i>x</i>", Emphasis((Text("x"),))),
        ("<em>x</em>", Emphasis((Text("x"),))),
        ("<u>x</u>", Underline((Text("x"),))),
        ("<s>x</s>", Strike((Text("x"),))),
        ("<del>x</del>", Strike((Text("x"),))),
        ("<sub>x</sub>", Sub((Text("x"),))),
        ("<sup>x</sup>", Sup((Text("x"),))),
        ("<code>a &lt; b</code>", Code("a < b")),
        ("<kbd>Ctrl</kbd>", Kbd("Ctrl")),
        ("<mark>x</mark>", Highlight((Text("x"),))),
        ("<small>x</small>", Small((Text("x"),))),
        (
            '<a href="https://example.com/a?b=1&amp;c=2">x</a>',
            Link("https://example.com/a?b=1&c=2", (Text("x"),)),
        ),
        ('<a href="mailto:a@example.com">x</a>', Link("mailto:a@example.com", (Text("x"),))),
        ("<B>x</B>", Strong((Text("x"),))),  # tags are not case-sensitive
    ],
)
def test_known_tags_become_their_nodes(source: str, node: text.Inline) -> None:
    assert only(f"a {source} b") == (Text("a "), node, Text(" b"))


def test_a_link_to_anything_but_http_https_or_mailto_keeps_only_its_text() -> None:
    assert only('<a href="javascript:alert(1)">x</a> <a href="file:///etc/passwd">y</a> <a>z</a>') == (
        Text("x y z"),
    )


def test_an_html_link_is_written_as_a_markdown_link_is() -> None:
    """Percent-encoded, so that quotes and brackets never leave the address; refused characters an
    attribute's references would bring in are dropped."""
    assert only('<a href="https://example.com/a b&quot;c&lt;d">x</a>') == (
        Link("https://example.com/a%20b%22c%3Cd", (Text("x"),)),
    )
    assert only('<a href=" https://x.org ">y</a>') == (Link("https://x.org", (Text("y"),)),)
    assert only('<img src="x" alt="a&#x202E;b&#7;c">') == (Image("x", "abc"),)


def test_span_p_and_div_keep_their_content() -> None:
    assert only('say <span style="color:red">hi</span> now') == (Text("say hi now"),)
    assert only("one<p>two</p>three") == (Text("one"), LineBreak(), Text("two"), LineBreak(), Text("three"))


@pytest.mark.parametrize("tag", ["<br>", "<br/>", "<br />", "<BR>", "</br>"])
def test_br_breaks_the_line(tag: str) -> None:
    assert only(f"one{tag}two") == (Text("one"), LineBreak(), Text("two"))


def test_br_breaks_a_line_inside_a_table_cell() -> None:
    [table] = parse("| a | b |\n|---|---|\n| one<br />two | <i>x</i> |")
    assert isinstance(table, Table)
    assert table.rows == (((Text("one"), LineBreak(), Text("two")), (Emphasis((Text("x"),)),)),)


def test_comments_are_dropped() -> None:
    assert only("a <!-- a note --> b") == (Text("a  b"),)
    assert parse("<!-- a note\nover lines -->\n\ntext") == (Paragraph((Text("text"),)),)


def test_only_href_src_and_alt_are_read() -> None:
    tree = parse(
        '<img src="x.png" alt="A chart" width="200" onerror="alert(1)"> <b class="x" onclick="y">b</b>'
    )
    assert tree == (Paragraph((Image("x.png", "A chart"), Text(" "), Strong((Text("b"),)))),)


def test_img_is_an_image_read_as_its_alt_text_and_its_source_is_never_opened(tmp_path: object) -> None:
    assert only('see <img src="/etc/passwd"> and <img src="https://example.com/x.png" alt="x"/>') == (
        Text("see "),
        Image("/etc/passwd", ""),
        Text(" and "),
        Image("https://example.com/x.png", "x"),
    )
    assert plain_text(parse('<img src="/etc/passwd"> <img src="a.png" alt="  a   chart ">')) == (
        "[image] [image: a chart]"
    )


@pytest.mark.parametrize(
    "source",
    [
        "use <foo>bar</foo> and <script>alert(1)</script>",
        "List<a> and Optional<String> and Map<K, V>",
        "<b>never closed",
        "closed twice</b></b>",
        "<font color=red>x</font> <para>y</para> <onDraw name=x/>",
        "<![CDATA[x]]> <!DOCTYPE html> <?xml version='1.0'?> <!x>",
        "<b/> self-closed container",
    ],
)
def test_unknown_and_unpaired_tags_print_as_typed_and_lose_no_text(source: str) -> None:
    drawn = plain_text(parse(source))
    for word in source.replace("<", " ").replace(">", " ").replace("/", " ").split():
        assert word.strip("\"'=?!") in drawn, (word, drawn)


def test_an_unclosed_known_tag_prints_as_typed() -> None:
    assert only("List<a> of <b>bold") == (Text("List<a> of <b>bold"),)
    assert only("a</i> stray") == (Text("a</i> stray"),)


def test_crossed_tags_both_apply_as_a_browser_reads_them() -> None:
    assert only("<i>crossed <b>tags</i> here</b>") == (
        Emphasis((Text("crossed "), Strong((Text("tags"),)))),
        Strong((Text(" here"),)),
    )


def test_markdown_and_html_containers_may_cross() -> None:
    assert only("*a <b>b* c</b> d") == (
        Emphasis((Text("a "), Strong((Text("b"),)))),
        Strong((Text(" c"),)),
        Text(" d"),
    )
    assert only("<b>*x</b>*") == (Strong((Emphasis((Text("x"),)),)),)


def test_deep_html_nesting_is_bounded() -> None:
    source = "<b><i>" * 200 + "x" + "</i></b>" * 200
    tree = parse(source)
    assert plain_text(tree) == "x"
    node: object = tree[0]
    depth = 0
    while hasattr(node, "children"):
        node = node.children[0]
        depth += 1
    assert depth < 40


# --- HTML on lines of its own ------------------------------------------------------------------


def test_details_print_their_summary_in_bold_then_their_body() -> None:
    source = "<details>\n<summary>Show the answer</summary>\n\nIt is **42**.\n\n</details>\n\nAfter."
    assert parse(source) == (
        Paragraph((Strong((Text("Show the answer"),)),)),
        Paragraph((Text("It is "), Strong((Text("42"),)), Text("."))),
        Paragraph((Text("After."),)),
    )
    one_line = parse("<details><summary>Why?</summary>Because.</details>")
    assert one_line == (Paragraph((Strong((Text("Why?"),)),)), Paragraph((Text("Because."),)))


def test_an_html_block_keeps_its_text_and_its_entities_resolve() -> None:
    assert parse('<div align="center">\n<b>bold</b> &amp; stuff &copy; &copy &#x5D0;\n</div>') == (
        # &copy without ';' is text (as Markdown reads it); a right-to-left letter made by a
        # reference is the letter, as one typed is.
        Paragraph((Strong((Text("bold"),)), Text(" & stuff © &copy \u05d0"))),
    )
    assert parse("<p>one<p>two</p>") == (Paragraph((Text("one"),)), Paragraph((Text("two"),)))


def test_an_unclosed_script_block_keeps_every_line() -> None:
    """html.parser reports nothing of what follows an unclosed <script>: it is kept as text."""
    tree = parse("<script>\nalert(1)\n\nmore text\n\n</p>after")
    assert "alert(1)" in plain_text(tree) and "more text" in plain_text(tree)


def test_events_give_back_the_source_exactly() -> None:
    for source in ("a</>b<b>c</ b>", "<script>x", "<!-- open", "&copy; <x y='1'>", "<", "</p\n>z"):
        assert "".join(event.raw for event in html.events(source)) == source


# --- drawing the new runs ----------------------------------------------------------------------

KIT = make_kit(load_theme("base"), set("H2O x2 ab"))


def _spans(source: str) -> list[Span]:
    return inline(only(source), KIT, KIT.style("body"))


def test_sub_and_superscripts_are_smaller_and_moved_off_the_baseline() -> None:
    body = KIT.style("body")
    spans = _spans("H<sub>2</sub>O x<sup>2</sup>")
    sub, sup = [s for s in spans if s.text == "2"]
    assert sub.size < body.size and sub.rise < 0
    assert sup.size < body.size and sup.rise > 0
    assert all(s.rise == 0 for s in spans if s.text != "2")
    # Never below the smallest size of the theme (large print promises 14 pt).
    large = make_kit(load_theme("large-print"), set("x2"))
    assert min(s.size for s in inline(only("x<sup>2</sup>"), large, large.style("body"))) >= 14


def test_underline_highlight_and_keys_are_marked_on_their_spans() -> None:
    spans = _spans("<u>a</u> <mark>b</mark> <kbd>K</kbd> <small>s</small>")
    marked = {s.text.strip(): s for s in spans if s.text.strip()}
    assert marked["a"].underline
    assert marked["b"].back == KIT.colour("highlight")
    assert (
        marked["K"].back == KIT.colour("code_background")
        and marked["K"].face == KIT.style("code").fonts[0].regular
    )
    assert marked["s"].size < KIT.style("body").size


def _drawn(source: str) -> list[page.Item]:
    """The items a paragraph draws, alone, 400 pt wide."""
    kit = make_kit(load_theme("base"), set(source))
    para = markdown.paragraph(only(source), kit, "body")
    out = Collect()
    para.wrap(400, 1000)
    para.draw(out, 72, 600)
    return out.items


def test_a_superscript_is_drawn_raised_and_a_subscript_lowered() -> None:
    items = _drawn("H<sub>2</sub>O and E=mc<sup>2</sup>")
    runs = [run for item in items if isinstance(item, page.TextLine) for run in item.runs]
    twos = [run.rise for run in runs if run.text == "2"]
    assert len(twos) == 2
    assert twos[0] < -1 and twos[1] > 1  # the subscript below the baseline, the superscript above
    assert all(run.rise == 0 for run in runs if run.text != "2")


def test_underline_and_highlight_are_drawn() -> None:
    plain = [i for i in _drawn("plain words here") if isinstance(i, page.Fill)]
    marked = [i for i in _drawn("<u>plain</u> <mark>words</mark> here") if isinstance(i, page.Fill)]
    # Each is one filled rectangle more than the plain paragraph has: a thin one under "plain", a
    # box of the line's height behind "words".
    assert len(marked) == len(plain) + 2
    underline, highlight = sorted(marked, key=lambda f: f.height)
    assert underline.height < 1 < highlight.height


# --- any mix of tags and words -----------------------------------------------------------------

FRAGMENTS = [
    *("<b>", "</b>", "<i>", "</i>", "<sub>", "</sub>", "<sup>", "</sup>", "<code>", "</code>", "<kbd>"),
    *("</kbd>", "<a href='https://x.org'>", "<a href='file:///x'>", "</a>", "<p>", "</p>", "<div>"),
    *("</div>", "<details>", "<summary>", "</summary>", "</details>", "<span>", "</span>", "<br>"),
    *("<br/>", "<img src=x alt=y>", "<foo>", "</foo>", "<script>", "</script>", "<u>", "</u>", "<mark>"),
    *("</mark>", "*", "**", "`", "\n", "\n\n", " ", "|", "- ", "1. ", "&amp;", "&copy", "<", ">"),
]
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(FRAGMENTS + WORDS), max_size=40))
def test_no_mix_of_tags_loses_a_word(pieces: list[str]) -> None:
    """Whatever tags surround them, open or not, paired or crossed, every word reaches the page."""
    source = " ".join(pieces)
    tree = parse(source)
    drawn = plain_text(tree)
    for word in WORDS:
        assert source.count(word) <= drawn.count(word), (word, source, drawn)
