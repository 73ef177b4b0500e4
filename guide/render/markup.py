"""Turn Markdown trees into ReportLab flowables; every text leaf is escaped, never read as markup."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Preformatted, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from guide import text
from guide.fonts import RegisteredFamily
from guide.render.flowables import Paragraph
from guide.render.styles import Kit
from guide.text import is_invisible

MAX_INDENT_DEPTH = 6  # deeper lists and quotes keep this indent: the text column must stay readable
INDENT = 14.0
TAB = "    "
MIN_COLUMN = 42.0  # narrower columns wrap every word letter by letter: such a table is set as records
_ATTR = {'"': "&quot;"}
_PLAIN_ASCII = re.compile(r"[\t\n\x20-\x7e]*")  # what every text font has: no need to look each up


def _visible(value: str) -> str:
    if value.isascii():
        return value
    return "".join(c for c in value if not is_invisible(c))


def text_markup(value: str, fonts: Sequence[RegisteredFamily]) -> str:
    """Escape text and wrap runs that the style's font lacks in the first fallback font that has them."""
    value = _visible(value)
    primary = fonts[0]
    if _PLAIN_ASCII.fullmatch(value) or all(ord(c) in primary.coverage for c in value):
        return escape(value)
    out = []
    for family, run in _font_runs(value, fonts):
        if family is primary:
            out.append(escape(run))
        else:
            out.append(f'<font name="{family.regular}">{escape(run)}</font>')
    return "".join(out)


def _font_runs(value: str, fonts: Sequence[RegisteredFamily]) -> list[tuple[RegisteredFamily, str]]:
    """Cut text into runs, each in the first family that has its characters.

    Validation refuses a character that no font has; should one get here all the same,
    it is drawn as U+FFFD, which reads as a replacement, never as an empty box that
    copies as NUL.
    """
    primary = fonts[0]
    runs: list[tuple[RegisteredFamily, list[str]]] = []
    replacement = next((f for f in fonts if 0xFFFD in f.coverage), primary)
    for char in value:
        code = ord(char)
        family, drawn = primary, char
        if code not in primary.coverage and char not in "\n\t":
            found = next((f for f in fonts if code in f.coverage), None)
            family, drawn = (found, char) if found is not None else (replacement, "\ufffd")
        if runs and runs[-1][0] is family:
            runs[-1][1].append(drawn)
        else:
            runs.append((family, [drawn]))
    return [(family, "".join(chars)) for family, chars in runs]


def _fonts(kit: Kit, style: str) -> tuple[RegisteredFamily, ...]:
    """The style's font and fallbacks, then every other font of the theme.

    Validation accepts a character that any font of the theme has (a technical sign such as ⌒
    only the monospace font has, say), so the layout must be able to reach all of them.
    """
    chain = kit.fonts_for(style)
    return (*chain, *(f for f in kit.families.values() if all(f is not g for g in chain)))


def inline_markup(nodes: Sequence[text.Inline], kit: Kit, style: str) -> str:
    """ReportLab paragraph markup for inline runs, in the given named style."""
    fonts = _fonts(kit, style)
    mono = _fonts(kit, "code")
    size = kit.theme.styles[style].size
    # Inline code a little smaller than its text, but never below the style's code size: large
    # print promises nothing under 14 pt, in a table cell too.
    code_size = min(size, max(round(size * 0.9, 2), kit.theme.styles["code"].size))
    link = kit.theme.colours["link"]
    code_bg = kit.theme.colours["code_background"]
    out: list[str] = []
    # An explicit stack instead of recursion: emphasis can nest as deep as the input does.
    stack: list[text.Inline | str] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, text.Text):
            out.append(text_markup(node.text, fonts))
        elif isinstance(node, text.Code):
            code = text_markup(_keep_space_runs(node.text), mono) if node.text else ""
            out.append(
                f'<font name="{mono[0].regular}" size="{code_size}" backColor="{code_bg}">{code}</font>'
            )
        elif isinstance(node, text.LineBreak):
            out.append("<br/>")
        else:
            tag, attrs = _TAGS[type(node)]
            if isinstance(node, text.Link):
                attrs = f' href="{escape(node.href, _ATTR)}" color="{link}"'
            out.append(f"<{tag}{attrs}>")
            stack.append(f"</{tag}>")
            stack.extend(reversed(node.children))
    return "".join(out)


def _keep_space_runs(code: str) -> str:
    """Inline code whose runs of spaces survive (a paragraph collapses them) and whose single
    spaces still break: made all non-breaking, a long span became one word, cut mid-identifier."""
    return re.sub(r" {2,}", lambda run: "\u00a0" * (len(run.group()) - 1) + " ", code)


_TAGS: dict[type, tuple[str, str]] = {
    text.Emphasis: ("i", ""),
    text.Strong: ("b", ""),
    text.Strike: ("strike", ""),
    text.Link: ("a", ""),
}


def paragraph(nodes: Sequence[text.Inline], kit: Kit, style: str | ParagraphStyle, **kw: object) -> Paragraph:
    name = style if isinstance(style, str) else style.name.split(":")[0]
    pstyle = kit.styles[style] if isinstance(style, str) else style
    return Paragraph(inline_markup(nodes, kit, name), pstyle, **kw)


def blocks(
    nodes: Sequence[text.Block], kit: Kit, style: str = "body", depth: int = 0, quotes: int = 0
) -> list[Flowable]:
    """Flowables for a sequence of Markdown blocks set in a named style."""
    out: list[Flowable] = []
    for index, node in enumerate(nodes):
        made = block(node, kit, style, depth, quotes)
        if made and index + 1 < len(nodes) and _leads_in(node):
            made[-1].keepWithNext = 1  # "Consequences:" never ends a page, apart from its list
        out.extend(made)
    return out


def _leads_in(node: text.Block) -> bool:
    """A paragraph that introduces the next block: it ends with ':' or is all bold (a run-in head)."""
    if not isinstance(node, text.Paragraph):
        return False
    if len(node.children) == 1 and isinstance(node.children[0], text.Strong):
        return True
    return text.plain_text(node.children).rstrip().endswith(":")


def block(node: text.Block, kit: Kit, style: str, depth: int, quotes: int = 0) -> list[Flowable]:
    indent = min(depth, MAX_INDENT_DEPTH) * INDENT
    pstyle = kit.styles[style] if not indent else kit.derive(style, f"indent{indent}", leftIndent=indent)
    if isinstance(node, text.Paragraph):
        return [Paragraph(inline_markup(node.children, kit, style), pstyle)]
    if isinstance(node, text.Heading):
        head = kit.derive("subheading", f"indent{indent}", leftIndent=indent, keepWithNext=1)
        return [Paragraph(inline_markup(node.children, kit, "subheading"), head)]
    if isinstance(node, text.CodeBlock):
        return [code_block(node.text, kit, indent)]
    if isinstance(node, text.Quote):
        # Each box takes 14 pt of the width: past MAX_INDENT_DEPTH boxes (a flash card is
        # narrow), a deeper quote's text joins its parent's box rather than getting no width.
        if quotes >= MAX_INDENT_DEPTH:
            return blocks(node.children, kit, style, depth, quotes)
        inner = blocks(node.children, kit, style, 0, quotes + 1) or [Spacer(1, 1)]
        return [_boxed(inner, kit, indent, rule="rule", background=None)]
    if isinstance(node, text.ListBlock):
        return list_block(node, kit, style, depth, quotes)
    if isinstance(node, text.Table):
        return [table(node, kit, indent)]
    if isinstance(node, text.Rule):
        return [
            HRFlowable(width="100%", thickness=0.5, color=kit.colour("rule"), spaceBefore=4, spaceAfter=8)
        ]
    return [Paragraph(text_markup(text.plain_text(node), _fonts(kit, style)), pstyle)]


def list_block(node: text.ListBlock, kit: Kit, style: str, depth: int, quotes: int = 0) -> list[Flowable]:
    out: list[Flowable] = []
    level = min(depth + 1, MAX_INDENT_DEPTH)
    indent = level * INDENT + (6 if node.ordered else 0)
    bullet_at = indent - INDENT - 2
    if node.ordered and node.items:
        # A list may start at any number up to 999999999: make room for the widest one.
        base = kit.styles[style]
        widest = f"{node.start + len(node.items) - 1}."
        indent = max(indent, bullet_at + stringWidth(widest, base.bulletFontName, base.bulletFontSize) + 4)
    item_style = kit.derive(style, f"item{indent}-{bullet_at}", leftIndent=indent, bulletIndent=bullet_at,
                            spaceAfter=2)  # fmt: skip
    for number, item in enumerate(node.items, node.start):
        bullet = f"{number}." if node.ordered else ("•" if depth % 2 == 0 else "–")
        first, rest = (item[0], item[1:]) if item else (text.Paragraph(()), ())
        if isinstance(first, text.Paragraph):
            out.append(Paragraph(inline_markup(first.children, kit, style), item_style, bulletText=bullet))
        else:
            out.append(Paragraph("", item_style, bulletText=bullet))
            rest = (first, *rest)
        for child in rest:
            out.extend(block(child, kit, style, level, quotes))
    if out:
        out.append(Spacer(1, 3))
    return out


CONTINUED = "\u21aa "  # ↪, which DejaVu Sans Mono has


def code_block(source: str, kit: Kit, indent: float = 0.0) -> Flowable:
    """Code in the monospace font, whitespace kept, long lines wrapped rather than cut off."""
    source = _visible(source.expandtabs(4)) or " "
    mono = _fonts(kit, "code")
    style = kit.styles["code"]
    body: Flowable
    if all(ord(c) in mono[0].coverage or c == "\n" for c in source):
        advance = style.fontSize * 0.6021  # DejaVu Sans Mono: 1233/2048 em
        # A wrapped line's continuation starts with an arrow: in code (Python above all) a line
        # that merely looks new would change what the code says.
        body = _Fitted(
            lambda width: Preformatted(
                source, style, maxLineLength=max(int(width / advance), 8), newLineChars=CONTINUED
            )
        )
    else:
        lines = [text_markup(line.replace(" ", "\u00a0"), mono) or "&nbsp;" for line in source.split("\n")]
        body = Paragraph("<br/>".join(lines), style)
    return _boxed([body], kit, indent, rule=None, background="code_background")


class _Fitted(Flowable):  # type: ignore[misc]
    """A flowable made for the width it lands in: code that wraps at its box's edge, a table that
    chooses columns or records.

    A code box or a table may sit in a quote, a list, the guidance box or a card, each narrower
    than the page: laid out for a width fixed in advance, it would draw past the box's edge.
    """

    def __init__(self, make: Callable[[float], Flowable]) -> None:
        super().__init__()
        self._make = make
        self._made: tuple[float, Flowable] | None = None

    def _inner(self, width: float) -> Flowable:
        if self._made is None or self._made[0] != width:
            self._made = (width, self._make(width))
        return self._made[1]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._wrapped = avail_width
        self.width, self.height = self._inner(avail_width).wrap(avail_width, avail_height)
        return (self.width, self.height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # A table splitting a row (splitInRow) passes the whole column width, its padding
        # included, though it wrapped the cell at the width inside the padding: made for the
        # wider width, code lines would run past the box's right edge.
        width = min(avail_width, getattr(self, "_wrapped", avail_width))
        parts: list[Flowable] = self._inner(width).split(width, avail_height)
        return parts

    def draw(self) -> None:
        assert self._made is not None
        self._made[1].drawOn(self.canv, 0, 0)


def _indented(flowable: Flowable, kit: Kit, indent: float) -> Flowable:
    """The flowable moved right by indent, as wide as what is left of its container."""
    if not indent:
        return flowable
    # An empty first column of fixed width; "100%" shares out whatever width remains.
    holder = Table([["", flowable]], colWidths=[indent, "100%"], splitInRow=1, hAlign="LEFT")
    holder.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), kit.face("body"), 9),
                *((side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING")),
                *((side, (0, 0), (-1, -1), 0) for side in ("TOPPADDING", "BOTTOMPADDING")),
            ]
        )
    )
    return holder


def _spaced(flowable: Flowable, before: float, after: float) -> Flowable:
    flowable.spaceBefore = before
    flowable.spaceAfter = after
    return flowable


def _boxed(
    inner: list[Flowable], kit: Kit, indent: float, *, rule: str | None, background: str | None
) -> Flowable:
    # "100%": as wide as the container, whether the page, a list item or another box.
    box = Table([[inner]], colWidths=["100%"], splitInRow=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        # Tables set each cell's font even for Paragraph cells; the default would pull in
        # an unembedded Helvetica.
        ("FONT", (0, 0), (-1, -1), kit.face("body"), 9),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if background:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), kit.colour(background)))
    if rule:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), 1.5, kit.colour(rule)))
    box.setStyle(TableStyle(commands))
    return _spaced(_indented(box, kit, indent), 2, 6)


def table(node: text.Table, kit: Kit, indent: float = 0.0) -> Flowable:
    """A Markdown table: header row set bold and repeated on each page, rows split if they must.

    A table with more columns than the width it lands in has room for (the page, a list
    item, a quote, the guidance box or a flash card) is set as records, one header–value
    line per cell, rather than in columns too narrow for a word. Every column gets at
    least MIN_COLUMN: a column of short cells beside long ones is never squeezed to nothing.
    """
    columns = max(len(node.header), 1)
    weights = [1.0] * columns
    for row in (node.header, *node.rows):
        for i, c in enumerate(row[:columns]):
            weights[i] = max(weights[i], min(len(text.plain_text(c)), 40) + 4.0)

    def make(width: float) -> Flowable:
        if columns * MIN_COLUMN > width:
            return _records(node, kit)
        rows = [[_cell(node, kit, c, i, header=True) for i, c in enumerate(node.header)]]
        rows += [
            [_cell(node, kit, c, i, header=False) for i, c in enumerate(row[:columns])] for row in node.rows
        ]
        grid = Table(rows, colWidths=column_widths(weights, width), repeatRows=1, splitInRow=1, hAlign="LEFT")
        grid.setStyle(
            TableStyle([*_grid_style(kit), ("LINEBELOW", (0, 0), (-1, 0), 0.8, kit.colour("text"))])
        )
        return grid

    return _spaced(_indented(_Fitted(make), kit, indent), 3, 8)


def column_widths(weights: Sequence[float], width: float) -> list[float]:
    """Share `width` out by weight, raising any column below MIN_COLUMN to it (len * MIN_COLUMN <= width)."""
    floored: set[int] = set()
    while True:
        free = width - MIN_COLUMN * len(floored)
        total = sum(w for i, w in enumerate(weights) if i not in floored)
        low = {i for i, w in enumerate(weights) if i not in floored and free * w / total < MIN_COLUMN}
        if not low:
            return [MIN_COLUMN if i in floored else free * w / total for i, w in enumerate(weights)]
        floored |= low


_ALIGNS = {"center": 1, "right": 2}


def _cell(node: text.Table, kit: Kit, runs: text.Cell, column: int, *, header: bool) -> Paragraph:
    align = _ALIGNS.get(node.align[column] if column < len(node.align) else "", 0)
    changes: dict[str, object] = {"fontName": kit.family_of("table").bold} if header else {}
    if align:
        changes["alignment"] = align
    pstyle = kit.derive("table", f"{'head' if header else 'cell'}{align}", **changes) if changes else None
    return Paragraph(inline_markup(runs, kit, "table"), pstyle or kit.styles["table"])


def _records(node: text.Table, kit: Kit) -> Flowable:
    """A wide table as one record per row: each cell beside its column's header."""
    head = kit.derive("table", "head0", fontName=kit.family_of("table").bold)
    rows: list[list[Paragraph]] = []
    ends: list[int] = []  # the last line of each record
    for row in node.rows or ((),):
        for i, title in enumerate(node.header):
            value = row[i] if i < len(row) else ()
            rows.append(
                [
                    Paragraph(inline_markup(title, kit, "table"), head),
                    _cell(node, kit, value, i, header=False),
                ]
            )
        ends.append(len(rows) - 1)
    grid = Table(rows, colWidths=["30%", "70%"], splitInRow=1, hAlign="LEFT")
    commands = _grid_style(kit)
    commands += [("LINEBELOW", (0, end), (-1, end), 0.8, kit.colour("text")) for end in ends]
    grid.setStyle(TableStyle(commands))
    return grid


def _grid_style(kit: Kit) -> list[tuple[object, ...]]:
    return [
        # Tables set each cell's font even for Paragraph cells; the default would pull in
        # an unembedded Helvetica.
        ("FONT", (0, 0), (-1, -1), kit.face("table"), 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, kit.colour("rule")),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
