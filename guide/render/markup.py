"""Turn Markdown trees into ReportLab flowables; every text leaf is escaped, never read as markup."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Preformatted, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from guide import text
from guide.fonts import RegisteredFamily, is_invisible, split_runs
from guide.render.styles import Kit

MAX_INDENT_DEPTH = 6  # deeper lists and quotes keep this indent: the text column must stay readable
INDENT = 14.0
TAB = "    "
_ATTR = {'"': "&quot;"}


def _visible(value: str) -> str:
    if value.isascii():
        return value
    return "".join(c for c in value if not is_invisible(c))


def text_markup(value: str, fonts: Sequence[RegisteredFamily]) -> str:
    """Escape text and wrap runs that the style's font lacks in the first fallback font that has them."""
    value = _visible(value)
    primary = fonts[0]
    if value.isascii() or all(ord(c) in primary.coverage for c in value):
        return escape(value)
    out = []
    for family, run in split_runs(value, fonts):
        if family is primary:
            out.append(escape(run))
        else:
            out.append(f'<font name="{family.regular}">{escape(run)}</font>')
    return "".join(out)


def inline_markup(nodes: Sequence[text.Inline], kit: Kit, style: str) -> str:
    """ReportLab paragraph markup for inline runs, in the given named style."""
    fonts = kit.fonts_for(style)
    mono = kit.fonts_for("code")
    size = kit.theme.styles[style].size
    code_size = round(size * 0.9, 2)
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
            code = text_markup(node.text.replace(" ", "\u00a0"), mono) if node.text else ""
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


def blocks(nodes: Sequence[text.Block], kit: Kit, style: str = "body", depth: int = 0) -> list[Flowable]:
    """Flowables for a sequence of Markdown blocks set in a named style."""
    out: list[Flowable] = []
    for node in nodes:
        out.extend(block(node, kit, style, depth))
    return out


def block(node: text.Block, kit: Kit, style: str, depth: int) -> list[Flowable]:
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
        inner = blocks(node.children, kit, style, 0) or [Spacer(1, 1)]
        return [_boxed(inner, kit, indent, rule="rule", background=None)]
    if isinstance(node, text.ListBlock):
        return list_block(node, kit, style, depth)
    if isinstance(node, text.Table):
        return [table(node, kit, indent)]
    if isinstance(node, text.Rule):
        return [
            HRFlowable(width="100%", thickness=0.5, color=kit.colour("rule"), spaceBefore=4, spaceAfter=8)
        ]
    return [Paragraph(text_markup(text.plain_text(node), kit.fonts_for(style)), pstyle)]


def list_block(node: text.ListBlock, kit: Kit, style: str, depth: int) -> list[Flowable]:
    out: list[Flowable] = []
    level = min(depth + 1, MAX_INDENT_DEPTH)
    indent = level * INDENT + (6 if node.ordered else 0)
    item_style = kit.derive(style, f"item{indent}", leftIndent=indent, bulletIndent=indent - INDENT - 2,
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
            out.extend(block(child, kit, style, level))
    if out:
        out.append(Spacer(1, 3))
    return out


def code_block(source: str, kit: Kit, indent: float = 0.0) -> Flowable:
    """Code in the monospace font, whitespace kept, long lines wrapped rather than cut off."""
    source = _visible(source.expandtabs(4)) or " "
    mono = kit.fonts_for("code")
    style = kit.styles["code"]
    if all(ord(c) in mono[0].coverage or c == "\n" for c in source):
        width = kit.frame_width - indent - 12
        columns = max(int(width / (style.fontSize * 0.602)), 8)  # DejaVu Sans Mono advance: 0.602 em
        body: Flowable = Preformatted(source, style, maxLineLength=columns, newLineChars="")
    else:
        lines = [text_markup(line.replace(" ", "\u00a0"), mono) or "&nbsp;" for line in source.split("\n")]
        body = Paragraph("<br/>".join(lines), style)
    return _boxed([body], kit, indent, rule=None, background="code_background")


def _boxed(
    inner: list[Flowable], kit: Kit, indent: float, *, rule: str | None, background: str | None
) -> Flowable:
    width = kit.frame_width - indent
    box = Table([[inner]], colWidths=[width], splitInRow=1, hAlign="RIGHT" if indent else "LEFT")
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
    box.spaceBefore = 2
    box.spaceAfter = 6
    return box


def table(node: text.Table, kit: Kit, indent: float = 0.0) -> Flowable:
    """A Markdown table: header row set bold and repeated on each page, rows split if they must."""
    columns = max(len(node.header), 1)
    style = kit.styles["table"]
    head_style = kit.derive("table", "head", fontName=kit.family_of("table").bold)
    aligns = {"center": 1, "right": 2}

    def cell(runs: text.Cell, column: int, header: bool) -> Paragraph:
        align = aligns.get(node.align[column] if column < len(node.align) else "", 0)
        base = head_style if header else style
        pstyle = base if not align else kit.derive(base.name.split(":", 1)[-1] if header else "table",
                                                   f"align{align}{header}", alignment=align)  # fmt: skip
        return Paragraph(inline_markup(runs, kit, "table"), pstyle)

    rows = [[cell(c, i, True) for i, c in enumerate(node.header)]]
    rows += [[cell(c, i, False) for i, c in enumerate(row[:columns])] for row in node.rows]
    width = kit.frame_width - indent
    weights = [1.0] * columns
    for row in (node.header, *node.rows):
        for i, c in enumerate(row[:columns]):
            weights[i] = max(weights[i], min(len(text.plain_text(c)), 40) + 4.0)
    total = sum(weights)
    widths = [width * w / total for w in weights]
    grid = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), kit.face("table"), 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, kit.colour("text")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, kit.colour("rule")),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    grid.spaceBefore = 3
    grid.spaceAfter = 8
    return grid
