"""Turn a text field into a small tree of blocks and inline runs: Markdown (with the HTML authors
write in it), or plain text whose lines are kept as they are."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import reference as _reference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from guide.data import html
from guide.data.nodes import (
    Block,
    Cell,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Highlight,
    Image,
    Inline,
    Kbd,
    LineBreak,
    Link,
    ListBlock,
    Math,
    Node,
    Paragraph,
    Quote,
    Rule,
    RunBuilder,
    Small,
    Strike,
    Strong,
    Sub,
    Sup,
    Table,
    Text,
    Tip,
    Underline,
    merge,
    plain_text,
    trim_breaks,
    walk_text,
)

__all__ = [
    "FORMATS",
    "Block",
    "Cell",
    "Code",
    "CodeBlock",
    "Emphasis",
    "Format",
    "Heading",
    "Highlight",
    "Image",
    "Inline",
    "Kbd",
    "LineBreak",
    "Link",
    "ListBlock",
    "Math",
    "Node",
    "Paragraph",
    "Quote",
    "Rule",
    "Small",
    "Strike",
    "Strong",
    "Sub",
    "Sup",
    "Table",
    "Text",
    "Tip",
    "Underline",
    "first_sentence",
    "flatten",
    "flattened",
    "inline_runs",
    "is_invisible",
    "leads_in",
    "looks_like_code",
    "math_rule",
    "own_number",
    "parse",
    "parse_inline",
    "parse_plain",
    "plain_text",
    "sentence_end",
    "short_title",
    "trim_breaks",
    "visible",
    "walk_text",
    "without_own_number",
]

# How a text field is read: as Markdown, or as plain text whose lines and indents are kept.
Format = Literal["markdown", "text"]
FORMATS: tuple[Format, ...] = ("markdown", "text")

# --- the parser ---------------------------------------------------------------


_FLATTENED = "guide_flattened"  # set in a parse's env when content nested too deep was kept as text
# How many levels markdown-it reads (its maxNesting, 20): a quote takes one, a list two (list, item).
NESTING_LIMIT = 20
# What a paragraph of the text does not read as its blocks: a line that starts a list, a quote,
# a heading, a table, code or HTML, or a blank line between paragraphs.
_BLOCK_IN_TEXT = re.compile(r"^[ \t]*(?:[>*+\-#|=_<]|\d{1,9}[.)]|```|~~~)|\n[ \t]*\n", re.MULTILINE)
# A container opens that deep only on a line that starts with half as many markers and spaces (a
# quote's `>`, a list's marker and the indent of its content), a marker among them: a text without
# such a line (an indented line of code has no marker) is never parsed to find out.
_DEEP_LINE = re.compile(
    rf"^(?=(?:[ >*+\-]|\d{{1,9}}[.)]){{{NESTING_LIMIT // 2}}}) *(?:[>*+\-]|\d{{1,9}}[.)])", re.MULTILINE
)


class _BlockParser(ParserBlock):
    """markdown-it's block parser, except that content nested too deep is kept as text."""

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        # Past maxNesting, markdown-it skips the rest of the container ("we should
        # not care about content"), which would silently lose the user's text. Keep
        # the nesting limit (it is what bounds recursion in markdown-it and in the
        # tree) but turn what lies beyond it into one literal paragraph.
        if state.level < state.md.options.maxNesting:
            super().tokenize(state, startLine, endLine)
            return
        line = state.skipEmptyLines(startLine)
        state.line = line
        if line >= endLine or state.sCount[line] < state.blkIndent:
            return
        end = line
        while end < endLine and (state.isEmpty(end) or state.sCount[end] >= state.blkIndent):
            end += 1
        content = state.getLines(line, end, state.blkIndent, False).strip()
        state.line = end
        if not content:
            return
        if _BLOCK_IN_TEXT.search(content):  # more than a line of text: its markers print as typed
            state.env[_FLATTENED] = True
        token = state.push("paragraph_open", "p", 1)
        token.map = [line, end]
        token = state.push("inline", "", 0)
        token.content = content
        token.map = [line, end]
        token.children = []
        state.push("paragraph_close", "p", -1)


class _Markdown(MarkdownIt):
    """CommonMark plus tables and strikethrough; HTML is read by html.py."""

    def __init__(self) -> None:
        super().__init__("commonmark", {"html": True, "linkify": False, "typographer": False})
        block = _BlockParser()
        block.ruler = self.block.ruler  # keep the rules the preset enabled
        self.block = block
        self.enable(["table", "strikethrough"])
        # `[^1]: text` is a footnote, not a link reference: kept as a paragraph, as written.
        self.block.ruler.at("reference", _reference_not_footnote)
        # $…$, \(…\), $$…$$ and \[…\] are math: read as written, backslashes and asterisks included.
        self.inline.ruler.before("escape", "guide_math", _math)
        # Before text_join turns entities into plain text, while each still knows its source.
        self.core.ruler.before("text_join", "guide_entities", _keep_refused_entities)
        # Images remember where they stand, for a problem with one to be reported there.
        ruler = self.inline.ruler
        for name in ("image", "html_inline"):
            ruler.at(name, _placed(ruler.__rules__[ruler.__find__(name)].fn))

    def validateLink(self, url: str) -> bool:
        # markdown-it turns a link it rejects (javascript:, file:, data:) back into
        # its source, so `[a](javascript:x)` would print the URL and `![a](data:...)`
        # the image source. Accept every link here; _safe_href decides what becomes a
        # Link, and everything else keeps just its label.
        return True


# Bidirectional embeddings, overrides and isolates, which the validator refuses when typed.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _refused(char: str) -> bool:
    """Whether a character would be refused if typed as itself, so an entity may not make it."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cc", "Cs", "Cn")  # controls, surrogates, unassigned, noncharacters
        or char == "\ufffd"  # what markdown-it makes of &#0; and other invalid references
        or char in _BIDI_CONTROLS
        or 0xE0000 <= code <= 0xE007F  # tag characters: refused typed, but in an emoji flag
    )


def _keep_refused_entities(state: StateCore) -> None:
    """Print `&#x5D0;`, `&#7;` and the like as typed rather than as the character they name.

    The validator checks the characters a user typed; a character reference would
    otherwise smuggle in one it refuses (a control, a bidi override).
    """
    stack = [t for t in state.tokens if t.type == "inline"]
    while stack:
        token = stack.pop()
        for child in token.children or ():
            if child.type == "text_special" and child.info == "entity" and any(map(_refused, child.content)):
                child.content = child.markup
            elif child.children:  # an image's description
                stack.append(child)


def _reference_not_footnote(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's link reference definitions, except `[^label]: …`.

    CommonMark reads a footnote definition as the definition of a link labelled `^label`
    and drops it from the page: the footnote's text would vanish, and `[^label]` in the
    text would shrink to `^label`. Refused here, both stay as typed.
    """
    pos = state.bMarks[start] + state.tShift[start]
    if state.src.startswith("[^", pos):
        return False
    return bool(_reference(state, start, end, silent))


# Delimiters of math other than a single $: (opener, closer, displayed).
_MATH_DELIMITERS = (("$$", "$$", True), ("\\[", "\\]", True), ("\\(", "\\)", False))


def _math(state: StateInline, silent: bool) -> bool:
    """Math, as pandoc reads it: `$$…$$` and `\\[…\\]` displayed, `\\(…\\)` and `$…$` inline.

    A single `$` opens math only with a non-space right after it, and the next unescaped `$`
    closes it only with a non-space right before it and no digit right after; else neither is
    math (`$5 and $10` is two prices). `\\$` is a dollar sign, and code spans are never math
    (they are read before a `$` inside them is met).
    """
    src, pos = state.src, state.pos
    for opener, closer, display in _MATH_DELIMITERS:
        if src.startswith(opener, pos):
            end = src.find(closer, pos + len(opener))
            if end < 0 or not src[pos + len(opener) : end].strip():  # unclosed or empty: as typed
                return False
            return _math_token(state, silent, pos + len(opener), end, end + len(closer), display)
    if src[pos] != "$" or pos + 1 >= len(src) or src[pos + 1].isspace() or src[pos + 1] == "$":
        return False
    end = pos + 1
    while True:
        end = src.find("$", end)
        if end < 0:
            return False
        if src[end - 1] != "\\":
            break
        end += 1
    if src[end - 1].isspace() or (end + 1 < len(src) and src[end + 1].isdigit()):
        return False
    return _math_token(state, silent, pos + 1, end, end + 1, False)


def _math_token(state: StateInline, silent: bool, start: int, end: int, after: int, display: bool) -> bool:
    if not silent:
        token = state.push("math_display" if display else "math_inline", "", 0)
        token.content = state.src[start:end].replace("\n", " ")
        token.markup = state.src[state.pos : after].replace("\n", " ")
        token.meta["at"] = state.pos
    state.pos = after
    return True


InlineRule = Callable[[StateInline, bool], bool]


def _placed(rule: InlineRule) -> InlineRule:
    """An inline rule whose token keeps where in its inline text it starts (meta "at")."""

    def run(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and not silent and len(state.tokens) > count:
            state.tokens[-1].meta["at"] = start  # after the text pending before it, if any
        return found

    run.__name__ = getattr(rule, "__name__", "rule")
    return run


def _placer(token: Token, source: str, starts: Sequence[int]) -> Callable[[int], int]:
    """What turns a position in a token's content (an inline's, an HTML block's) into its offset in
    the whole text, -1 where it cannot be found: the token's lines are the text's lines from
    token.map, each with what marks its block (indents, '> ', '- ') left out before it."""
    content, first = token.content, token.map[0] if token.map else -1

    def place(pos: int) -> int:
        number = first + content.count("\n", 0, pos)
        if first < 0 or pos < 0 or number >= len(starts):
            return -1
        stop = content.find("\n", pos)
        rest = content[pos : len(content) if stop < 0 else stop].rstrip()
        begin = starts[number]
        line = source[begin : starts[number + 1] - 1 if number + 1 < len(starts) else len(source)].rstrip()
        if rest and line.endswith(rest):
            return begin + len(line) - len(rest)
        at = line.find(rest) if rest else -1  # a table's cell: its text within the row
        return begin + at if at >= 0 else -1

    return place


def _line_starts(source: str) -> list[int]:
    starts = [0]
    for line in source.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts


# One instance for the whole run: building it costs far more than a short parse.
_MD = _Markdown()

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Whitespace and C0/C1 controls, which browsers and PDF viewers drop from a URL.
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f]+")

# The fast path: a single line with none of these characters anywhere, and none of
# _LINE_START first, starts no Markdown construct, so it is one paragraph of text.
# Inline syntax needs one of _ANYWHERE (emphasis, code, links, images, autolinks,
# entities, escapes, strikethrough); block syntax needs a line start from
# _LINE_START (headings, quotes, lists, rules) or a second line (setext headings,
# tables, breaks). "\0" is there because markdown-it replaces it; ! . = | and "\r"
# cannot start anything on a lone line and are there only to stay on the safe side.
# tests/test_text.py checks the equivalence, and that dropping any needed one fails.
_ANYWHERE = re.compile(r"[*_`\[\]<&\\~\n\r\x00$]")
_LINE_START = frozenset("#>+-=|!.0123456789")


def _safe_href(href: str) -> bool:
    """Whether an href (as markdown-it normalised it) may become a Link."""
    scheme, colon, _ = _URL_JUNK.sub("", href).partition(":")
    return bool(colon) and scheme.lower() in _SAFE_SCHEMES


def _image_alt(image: Token) -> str:
    """The alt text of an image token (an image inside it as `[image: alt]`); the source is kept apart."""
    parts: list[str] = []
    # Iterative: markdown-it allows images inside image descriptions to any depth.
    stack: list[Token | str] = list(reversed(image.children or []))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif item.type == "image":
            children = item.children or []
            stack.append("]")
            stack.extend(reversed(children))
            stack.append("[image: " if children else "[image")
        elif item.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif item.nesting == 0:
            parts.append(item.content)
    return "".join(parts)


# Markdown's inline containers, by the name their tokens carry (em_open, em_close …).
_MARKDOWN_KINDS = frozenset({"em", "strong", "s", "link"})


def _html_link(href: str) -> str | None:
    """An HTML link's address as a Markdown link's would be written (percent-encoded), if it may be
    a link at all (http, https, mailto)."""
    address = _MD.normalizeLink(href.strip())
    return address if _safe_href(address) else None


def _html_runs(value: str) -> tuple[Inline, ...]:
    """The text of an HTML block as runs: its `code` and formulas read as a name's are (titles.py)."""
    from guide.data import titles

    return titles.runs(value)


_HTML = html.Reader(link=_html_link, refused=_refused, runs=_html_runs)


def _nowhere(pos: int) -> int:
    return -1


def _inlines(tokens: Sequence[Token], place: Callable[[int], int] = _nowhere) -> tuple[Inline, ...]:
    """Turn the children of an inline token into inline runs, HTML tags among them included;
    `place` gives where a position in the inline's content stands in the whole text."""
    builder = RunBuilder()
    tags = {i: html.event(t.content) for i, t in enumerate(tokens) if t.type == "html_inline"}
    order = list(tags)
    pairs = {order[k] for k in html.paired([tags[i] for i in order])}
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "text":
            builder.text(token.content)
        elif kind == "code_inline":
            builder.add(Code(token.content))
        elif kind == "softbreak":
            builder.text(" ")
        elif kind == "hardbreak":
            builder.add(LineBreak())
        elif kind in ("math_inline", "math_display"):
            at = place(token.meta.get("at", -1))
            builder.add(Math(" ".join(token.content.split()), kind == "math_display", token.markup, at))
        elif kind == "image":
            at = place(token.meta.get("at", -1))
            builder.add(Image(str(token.attrs.get("src", "")), " ".join(_image_alt(token).split()), at))
        elif kind == "html_inline":
            at = place(token.meta.get("at", -1))
            html.apply(tags[index], builder, is_paired=index in pairs, reader=_HTML, at=at)
        elif token.nesting == 1:
            name = kind.removesuffix("_open")
            href = str(token.attrs.get("href", "")) if name == "link" else ""
            keep = name in _MARKDOWN_KINDS and (name != "link" or _safe_href(href))
            builder.open(name, href=href, keep=keep)
        elif token.nesting == -1:
            builder.close(kind.removesuffix("_close"))
        elif token.content:
            # A token type this module does not know: keep its text.
            builder.text(token.content)
    return trim_breaks(builder.finish())


@dataclass(slots=True, eq=False)
class _BlockFrame:
    token: Token | None
    blocks: list[Block] = field(default_factory=list)
    runs: list[Inline] = field(default_factory=list)  # paragraph, heading, cell
    items: list[tuple[Block, ...]] = field(default_factory=list)  # list
    cells: list[Cell] = field(default_factory=list)  # table row
    aligns: list[str] = field(default_factory=list)  # table row
    rows: list[tuple[tuple[Cell, ...], tuple[str, ...]]] = field(default_factory=list)
    tip: bool = False  # a block quote that opened with TIP_MARKER; or the paragraph that held it


_HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}
# The line that makes a block quote a tip, alone on the quote's first line, in any case (GitHub's
# alert syntax). GitHub's other alerts ([!NOTE], [!WARNING] …) stay block quotes, printed as typed.
TIP_MARKER = "[!TIP]"
_RUN_HOLDERS = frozenset({"paragraph_open", "heading_open", "th_open", "td_open"})


def _align(token: Token) -> str:
    style = str(token.attrs.get("style", ""))
    value = style.removeprefix("text-align:")
    return value if value != style and value in ("left", "center", "right") else ""


def _blocks(tokens: Sequence[Token], source: str = "") -> tuple[Block, ...]:
    """Turn markdown-it's flat block token stream into blocks, without recursion; `source`, the
    text parsed, for where its images and formulas stand in it."""
    starts = _line_starts(source) if source else []
    stack = [_BlockFrame(None)]
    for token in tokens:
        kind = token.type
        top = stack[-1]
        if kind == "inline":
            children = token.children or []
            if _opens_tip(stack, children):
                stack[-2].tip = top.tip = True
                children = children[2:]  # the marker and the line break after it
            runs = _inlines(children, _placer(token, source, starts))
            if top.token is not None and top.token.type in _RUN_HOLDERS:
                top.runs.extend(runs)
            elif runs:
                top.blocks.append(Paragraph(runs))
        elif kind in ("fence", "code_block"):
            info = unescapeAll(token.info).split(maxsplit=1)
            language = info[0] if info else ""
            top.blocks.append(CodeBlock(token.content.removesuffix("\n"), language))
        elif kind == "hr":
            top.blocks.append(Rule())
        elif kind == "html_block":
            top.blocks.extend(html.blocks(token.content, _HTML, _placer(token, source, starts)))
        elif token.nesting == 1:
            stack.append(_BlockFrame(token))
        elif token.nesting == -1:
            if len(stack) > 1:
                _close_block(stack.pop(), stack[-1])
        elif token.content.strip():
            # A type this module does not know: keep its text as a literal paragraph.
            top.blocks.append(Paragraph((Text(token.content.strip("\n")),)))
    while len(stack) > 1:  # unbalanced stream: close what is open
        _close_block(stack.pop(), stack[-1])
    return tuple(stack[0].blocks)


def _opens_tip(stack: list[_BlockFrame], children: Sequence[Token]) -> bool:
    """Whether an inline token's runs are the first paragraph of a block quote, and its first line
    is TIP_MARKER alone."""
    return (
        len(stack) > 2
        and _is(stack[-1], "paragraph_open")
        and _is(stack[-2], "blockquote_open")
        and not stack[-2].blocks
        and bool(children)
        and children[0].type == "text"
        and children[0].content.strip().upper() == TIP_MARKER
        and (len(children) == 1 or children[1].type in ("softbreak", "hardbreak"))
    )


def _close_block(frame: _BlockFrame, parent: _BlockFrame) -> None:
    assert frame.token is not None
    kind = frame.token.type
    runs = merge(frame.runs)
    if kind == "paragraph_open":
        if runs or not frame.tip:  # the marker alone on its paragraph leaves none
            parent.blocks.append(Paragraph(runs))
    elif kind == "heading_open":
        parent.blocks.append(Heading(_HEADING_LEVELS.get(frame.token.tag, 1), runs))
    elif kind == "blockquote_open":
        parent.blocks.append((Tip if frame.tip else Quote)(tuple(frame.blocks)))
    elif kind in ("bullet_list_open", "ordered_list_open"):
        ordered = kind == "ordered_list_open"
        start = int(frame.token.attrs.get("start", 1)) if ordered else 1
        items = (*frame.items, *((block,) for block in frame.blocks))
        parent.blocks.append(ListBlock(ordered, start, items))
    elif kind == "list_item_open" and _is(parent, "bullet_list_open", "ordered_list_open"):
        parent.items.append(tuple(frame.blocks))
    elif kind in ("th_open", "td_open") and _is(parent, "tr_open"):
        parent.cells.append(runs)
        parent.aligns.append(_align(frame.token))
    elif kind == "tr_open" and _is(parent, "thead_open", "tbody_open", "table_open"):
        parent.rows.append((tuple(frame.cells), tuple(frame.aligns)))
    elif kind == "thead_open" and _is(parent, "table_open") and frame.rows:
        header, aligns = frame.rows[0]
        parent.cells, parent.aligns = list(header), list(aligns)
        parent.rows.extend(frame.rows[1:])  # GFM has one header row; keep any others
    elif kind == "tbody_open" and _is(parent, "table_open"):
        parent.rows.extend(frame.rows)
    elif kind == "table_open":
        parent.blocks.append(_table(frame))
    else:
        # A container this module does not know (or one out of place): dissolve it
        # into its parent so that its text survives.
        parent.blocks.extend(frame.blocks)
        parent.blocks.extend(block for item in frame.items for block in item)
        if runs:
            parent.blocks.append(Paragraph(runs))
        loose = [*frame.cells, *(cell for row, _ in frame.rows for cell in row)]
        parent.blocks.extend(Paragraph(cell) for cell in loose if cell)


def _is(frame: _BlockFrame, *kinds: str) -> bool:
    return frame.token is not None and frame.token.type in kinds


def _table(frame: _BlockFrame) -> Table:
    """Build a table, padding short rows (and the header, never cutting) to one width."""
    header, rows = tuple(frame.cells), [row for row, _ in frame.rows]
    width = max([len(header), *(len(row) for row in rows)])
    empty: Cell = ()
    return Table(
        header=header + (empty,) * (width - len(header)),
        rows=tuple(row + (empty,) * (width - len(row)) for row in rows),
        align=tuple(frame.aligns) + ("",) * (width - len(frame.aligns)),
    )


def _parse_slow(markdown: str) -> tuple[Block, ...]:
    """Parse with markdown-it (the path the fast path must agree with)."""
    return _blocks(_MD.parse(markdown), markdown)


def _normalise(markdown: str) -> str:
    """Newlines as \\n, characters composed (NFC), as the validator leaves every text field."""
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
    return markdown if unicodedata.is_normalized("NFC", markdown) else unicodedata.normalize("NFC", markdown)


def _is_plain(markdown: str) -> bool:
    """Whether markdown is one line that provably parses to one paragraph of itself."""
    return (
        bool(markdown)
        and markdown[0] not in _LINE_START
        # markdown-it strips the paragraph (str.strip, so any Unicode space).
        and not markdown[0].isspace()
        and not markdown[-1].isspace()
        and _ANYWHERE.search(markdown) is None
    )


def parse(source: str, fmt: Format = "markdown") -> tuple[Block, ...]:
    """Turn a text field into a tuple of blocks: Markdown, or plain text (see parse_plain)."""
    if fmt == "text":
        return parse_plain(source)
    markdown = _normalise(source)
    # White space at the end changes nothing in Markdown: a field written as a YAML block (`|`)
    # ends with a newline, and is still one line of plain text.
    line = markdown.rstrip(" \n")
    if _is_plain(line):
        return (Paragraph((Text(line),)),)
    return _parse_slow(markdown)


def flattened(source: str, fmt: Format = "markdown") -> bool:
    """Whether Markdown nests lists or quotes deeper than it is read (lists 10 levels, quotes 20):
    what lies deeper is one paragraph printed as typed, its `-` and `>` included."""
    if fmt != "markdown":
        return False
    markdown = _normalise(source).expandtabs(4)
    if _DEEP_LINE.search(markdown) is None:
        return False
    env: dict[str, bool] = {}
    _MD.parse(markdown, env)
    return env.get(_FLATTENED, False)


def parse_inline(source: str, fmt: Format = "markdown") -> tuple[Inline, ...]:
    """Turn a one-line field into inline runs, flattening any blocks into text."""
    blocks = parse(source, fmt)
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return blocks[0].children
    return flatten(blocks)


def flatten(blocks: Sequence[Block]) -> tuple[Inline, ...]:
    """Blocks as one run of inline text: paragraphs, list items and cells joined by spaces."""
    groups: list[tuple[Inline, ...]] = []
    prefix = ""  # a list number waiting for the item's first text
    # Iterative, depth-first; a str on the stack is a list marker.
    stack: list[Block | str] = list(reversed(blocks))
    while stack:
        block = stack.pop()
        runs: tuple[Inline, ...] = ()
        if isinstance(block, str):
            prefix += block
            continue
        if isinstance(block, Paragraph | Heading):
            runs = block.children
        elif isinstance(block, CodeBlock):
            runs = (Code(block.text),) if block.text else ()
        elif isinstance(block, Quote | Tip):
            stack.extend(reversed(block.children))
        elif isinstance(block, ListBlock):
            for number, item in reversed(list(enumerate(block.items, block.start))):
                stack.extend(reversed(item))
                # Numbers are often content ("2001. A Space Odyssey"); bullets are not.
                if block.ordered:
                    stack.append(f"{number}. ")
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                groups.extend(cell for cell in row if cell)
        elif not isinstance(block, Rule):  # a block type added without its case would lose its text
            raise TypeError(f"no flattening of {type(block).__name__} in text.flatten")
        if runs:
            groups.append(merge((Text(prefix), *runs)))
            prefix = ""
    if prefix.strip():
        groups.append((Text(prefix.strip()),))
    out: list[Inline] = []
    for group in groups:
        if out:
            out.append(Text(" "))
        out.extend(group)
    return merge(out)


# --- plain text -------------------------------------------------------------------

TAB_SIZE = 4  # as code blocks expand tabs
# Lines that read as code though neither indented nor ending in '{' or ';': closing brackets,
# perhaps with a ';' or ',' ("}", "});"), and C's preprocessor lines ("#include <stdio.h>").
_CODE_LINE = re.compile(
    r"[\]})]+[;,]?\Z|#\s*(?:include|define|undef|if|ifdef|ifndef|elif|else|endif|pragma)\b"
)


def looks_like_code(line: str) -> bool:
    """Whether a line of plain text reads as code: indented, ending in '{' or ';', only closing
    brackets, or a preprocessor line."""
    stripped = line.rstrip()
    return bool(stripped) and (
        line[0] in " \t" or stripped.endswith(("{", ";")) or _CODE_LINE.match(stripped) is not None
    )


def parse_plain(source: str) -> tuple[Block, ...]:
    """Turn plain text into blocks, reading no Markdown: every line break kept, tabs expanded.

    Lines that look like code (looks_like_code) and the blank lines between them are a code
    block, set in the code font with their indentation; the other lines are paragraphs, a blank
    line between paragraphs, each line on a line of its own.
    """
    lines = [line.expandtabs(TAB_SIZE).rstrip() for line in _normalise(source).split("\n")]
    out: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        end = index + 1
        if looks_like_code(line):
            last = index  # the last code line: blank lines go in only when more code follows
            while end < len(lines) and (not lines[end] or looks_like_code(lines[end])):
                if lines[end]:
                    last = end
                end += 1
            end = last + 1
            out.append(CodeBlock("\n".join(lines[index:end]), ""))
        else:
            while end < len(lines) and lines[end] and not looks_like_code(lines[end]):
                end += 1
            runs: list[Inline] = []
            for number, text_line in enumerate(lines[index:end]):
                if number:
                    runs.append(LineBreak())
                runs.append(Text(text_line))
            out.append(Paragraph(merge(runs)))
        index = end
    return tuple(out)


# --- a question's own number and its first sentence -------------------------------------

# "72. What's…", "72) What's…", "Q72: What's…", "Question 72 - What's…", "#72. What's…".
_OWN_NUMBER = re.compile(r"\s*(?:(?:Q|Question)\s*|#)?(\d{1,6})\s*(?:[.):]|\s-)\s+(?=\S)", re.IGNORECASE)


def own_number(source: str) -> tuple[int, int] | None:
    """The number a question's text starts with ("72. What…", "Q72: What…") and where its text
    starts after it; None when it starts otherwise."""
    found = _OWN_NUMBER.match(source)
    if found is None:
        return None
    return int(found.group(1)), found.end()


def without_own_number(source: str) -> str:
    """The text without the number it starts with ("72. What…" → "What…"), if it starts with one."""
    found = own_number(source)
    return source if found is None else source[found[1] :]


# A sentence ends at '.', '?' or '!' before a space (or at '。', '？', '！'), except after these.
# A sentence ends at '.', '?' or '!' and the Arabic question mark, the Urdu full stop and the
# Devanagari dandas before a space; at the ideographic full stop and full-width marks at once.
_SENTENCE_END = re.compile(r"(?<=[.?!\u061f\u06d4\u0964\u0965])\s+|(?<=[。？！])")
_ABBREVIATIONS = frozenset(
    {"e.g.", "i.e.", "etc.", "vs.", "cf.", "mr.", "mrs.", "ms.", "dr.", "prof.", "no.", "fig.", "approx."}
)


def leads_in(node: Block) -> bool:
    """A paragraph that introduces the next block: it ends with ':' or is all bold (a run-in head)."""
    if not isinstance(node, Paragraph):
        return False
    if len(node.children) == 1 and isinstance(node.children[0], Strong):
        return True
    return plain_text(node.children).rstrip().endswith(":")


def first_sentence(blocks: Sequence[Block]) -> str:
    """The first sentence of the first paragraph (or heading) among the blocks, as plain text on
    one line; "" when they hold none (only code, lists or tables)."""
    first = next((b for b in blocks if isinstance(b, Paragraph | Heading)), None)
    if first is None:
        return ""
    value = " ".join(plain_text(first.children).split())
    return value[: sentence_end(value)].rstrip()


def sentence_end(value: str) -> int:
    """Where the first sentence of a text on one line ends: at '.', '?', '!', '؟', '۔', '।' or '॥'
    before a space (or at '。', '？', '！'), but not after an abbreviation or an initial; the text's
    length if nowhere."""
    for found in _SENTENCE_END.finditer(value):
        before = value[: found.start()].rsplit(" ", 1)[-1].lower()
        # Not after an abbreviation, nor after an initial ("J. S. Bach").
        if before in _ABBREVIATIONS or (len(before) == 2 and before[0].isalpha() and before[1] == "."):
            continue
        return found.start()
    return len(value)


class _Invisibles(dict[int, int | None]):
    """A str.translate table that drops invisible characters: each character is looked at once,
    the first time it is met, then answered from the table at C speed."""

    def __missing__(self, code: int) -> int | None:
        kept = None if is_invisible(chr(code)) else code
        self[code] = kept
        return kept


_INVISIBLES = _Invisibles()


def visible(value: str) -> str:
    """The text without its invisible characters (see is_invisible)."""
    if value.isascii():
        return value
    return value.translate(_INVISIBLES)


def is_invisible(char: str) -> bool:
    """Format characters (zero-width space, soft hyphen, joiners, marks) and variation selectors.

    They draw nothing, and most fonts have no glyph for them, so the layout drops them
    rather than letting ReportLab draw an empty box.
    """
    return (
        unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF
    )


def short_title(value: str, limit: int = 320) -> str:
    """Turn plain text into one line of at most `limit` characters, cut at a word with an ellipsis.

    For the contents and the outline, which name a question rather than hold it: a case study
    of a thousand words, or a word of thousands of characters, stays whole in the question itself.
    """
    line = " ".join(value.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.·") + "…"


# For the names of a guide (titles.py), which read code spans and formulas as Markdown does.
math_rule = _math
inline_runs = _inlines
