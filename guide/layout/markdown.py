"""Turn Markdown trees into blocks: paragraphs, lists, code, quotes, tables, headings, rules."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from guide.data import text
from guide.data.text import visible
from guide.layout.blocks import EPS, Block, Box, Fitted, Rule, Spacer
from guide.layout.kit import Kit, Style, font
from guide.layout.paragraph import Bullet, Para, TextPen, width_of
from guide.layout.spans import Span, font_runs, inline

MAX_INDENT_DEPTH = 6  # deeper lists and quotes keep this indent: the text column must stay readable
INDENT = 14.0
MIN_COLUMN = 42.0  # narrower columns wrap every word letter by letter: such a table is set as records
CONTINUED = "\u21aa "  # ↪, which DejaVu Sans Mono has: marks a code line wrapped at the box's edge


def paragraph(nodes: Sequence[text.Inline], kit: Kit, style: Style | str, **kw: Any) -> Para:
    """A paragraph of inline runs in a style."""
    resolved = kit.style(style) if isinstance(style, str) else style
    return Para(inline(nodes, kit, resolved), resolved, **kw)


def blocks(
    nodes: Sequence[text.Block], kit: Kit, style: str = "body", depth: int = 0, quotes: int = 0
) -> list[Any]:
    """Blocks for a sequence of Markdown blocks set in a named style."""
    out: list[Any] = []
    for index, node in enumerate(nodes):
        made = block(node, kit, style, depth, quotes)
        if made and index + 1 < len(nodes) and leads_in(node):
            made[-1].keep_with_next = True  # "Consequences:" never ends a page, apart from its list
        out.extend(made)
    return out


def leads_in(node: text.Block) -> bool:
    """A paragraph that introduces the next block: it ends with ':' or is all bold (a run-in head)."""
    if not isinstance(node, text.Paragraph):
        return False
    if len(node.children) == 1 and isinstance(node.children[0], text.Strong):
        return True
    return text.plain_text(node.children).rstrip().endswith(":")


def block(node: text.Block, kit: Kit, style: str, depth: int, quotes: int = 0) -> list[Any]:
    indent = min(depth, MAX_INDENT_DEPTH) * INDENT
    resolved = kit.style(style)
    if isinstance(node, text.Paragraph):
        return [Para(inline(node.children, kit, resolved), resolved, indent=indent)]
    if isinstance(node, text.Heading):
        head = kit.style("subheading")
        return [Para(inline(node.children, kit, head), head, indent=indent, keep_with_next=True)]
    if isinstance(node, text.CodeBlock):
        return [code_block(node.text, kit, indent)]
    if isinstance(node, text.Quote):
        # Each box takes 14 pt of the width: past MAX_INDENT_DEPTH boxes (a flash card is
        # narrow), a deeper quote's text joins its parent's box rather than getting no width.
        if quotes >= MAX_INDENT_DEPTH:
            return blocks(node.children, kit, style, depth, quotes)
        inner = blocks(node.children, kit, style, 0, quotes + 1) or [Spacer(1)]
        return [Box(inner, rule=kit.colour("rule"), indent=indent)]
    if isinstance(node, text.ListBlock):
        return list_block(node, kit, style, depth, quotes)
    if isinstance(node, text.Table):
        return [table(node, kit, indent)]
    if isinstance(node, text.Rule):
        return [Rule(kit.colour("rule"))]
    return [Para(inline((text.Text(text.plain_text(node)),), kit, resolved), resolved, indent=indent)]


def bullet_face(kit: Kit, style: Style) -> str:
    """The face of list bullets and numbers: the sans family's regular, else the style's own."""
    family = kit.families.get("sans", style.fonts[0])
    return family.regular


def list_block(node: text.ListBlock, kit: Kit, style: str, depth: int, quotes: int = 0) -> list[Any]:
    out: list[Any] = []
    resolved = kit.style(style)
    level = min(depth + 1, MAX_INDENT_DEPTH)
    indent = level * INDENT + (6 if node.ordered else 0)
    bullet_at = indent - INDENT - 2
    face = bullet_face(kit, resolved)
    if node.ordered and node.items:
        # A list may start at any number up to 999999999: make room for the widest one.
        widest = f"{node.start + len(node.items) - 1}."
        indent = max(indent, bullet_at + width_of_face(face, resolved.size, widest) + 4)
    for number, item in enumerate(node.items, node.start):
        mark = f"{number}." if node.ordered else ("•" if depth % 2 == 0 else "–")
        bullet = Bullet(mark, face, resolved.size, resolved.colour, bullet_at)
        first, rest = (item[0], item[1:]) if item else (text.Paragraph(()), ())
        runs: list[Span] = []
        if isinstance(first, text.Paragraph):
            runs = inline(first.children, kit, resolved)
        else:
            rest = (first, *rest)
        out.append(Para(runs, resolved, indent=indent, bullet=bullet, space_after=2.0))
        for child in rest:
            out.extend(block(child, kit, style, level, quotes))
    if out:
        out.append(Spacer(3))
    return out


def width_of_face(face: str, size: float, value: str) -> float:
    return width_of(font(face), face, size, value)


def code_block(source: str, kit: Kit, indent: float = 0.0) -> Block:
    """Code in the monospace font, whitespace kept, long lines wrapped rather than cut off."""
    source = visible(source.expandtabs(4)) or " "
    return Box([CodeText(source.split("\n"), kit)], background=kit.colour("code_background"), indent=indent)


class CodeText(Block):
    """Lines of code, each wrapped at the box's edge with its continuation marked; splits between lines."""

    def __init__(self, lines: Sequence[str], kit: Kit) -> None:
        self.source = list(lines)
        self.style = kit.style("code")
        self.fonts = self.style.fonts
        self._drawn: list[list[Span]] = []  # each drawn line as spans
        self._for: float | None = None

    def _lines(self, width: float) -> list[list[Span]]:
        if width != self._for:
            self._drawn = []
            for line in self.source:
                self._drawn.extend(self._wrap(line, width))
            self._for = width
        return self._drawn

    def _spans(self, value: str) -> list[Span]:
        style = self.style
        return [
            Span(run, family.regular, style.size, style.colour)
            for family, run in font_runs(value, self.fonts)
        ]

    def _wrap(self, line: str, width: float) -> list[list[Span]]:
        spans = self._spans(line)
        if sum(width_of(s.font, s.face, s.size, s.text) for s in spans) <= width + EPS:
            return [spans]
        # A wrapped line's continuation starts with an arrow: in code (Python above all) a line
        # that merely looks new would change what the code says.
        out: list[list[Span]] = []
        chars = [(s, c) for s in spans for c in s.text]
        start, prefix = 0, ""
        while start < len(chars):
            room = width - (width_of_face(self.style.face, self.style.size, CONTINUED) if prefix else 0.0)
            used, end = 0.0, start
            while end < len(chars):
                span, char = chars[end]
                w = width_of(span.font, span.face, span.size, char)
                if used + w > room + EPS and end > start:
                    break
                used += w
                end += 1
            if end < len(chars):
                # Wrapped after a space, if there is one in the line's second half: words stay whole.
                space = max((i for i in range(start, end) if chars[i][1] == " "), default=-1)
                if space >= start + (end - start) // 2:
                    end = space + 1
            piece = "".join(c for _, c in chars[start:end])
            out.append(self._spans(prefix + piece))
            start, prefix = end, CONTINUED
        return out

    def measure(self, width: float) -> float:
        return len(self._lines(width)) * self.style.leading

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        lines = self._lines(avail_width)
        fit = int((avail_height + EPS) // self.style.leading)
        if fit < 1 or fit >= len(lines):
            return []
        return [self._part(lines[:fit], avail_width), self._part(lines[fit:], avail_width)]

    def _part(self, lines: list[list[Span]], width: float) -> CodeText:
        part = CodeText.__new__(CodeText)
        part.__dict__.update(self.__dict__)
        part._drawn, part._for = lines, width
        part.source = ["".join(s.text for s in line) for line in lines]  # only if re-wrapped wider
        return part

    def render(self, canv: Any, x: float, y: float) -> None:
        style = self.style
        pen = TextPen(canv)
        pen.set_colour(style.colour)
        baseline = y + self.height - style.size
        for line in self._lines(self.width):
            if line:
                pen.move(x, baseline)
                for span in line:
                    pen.show(span.face, span.font, span.size, span.text)
            baseline -= style.leading
        canv._code.extend(["q", "BT", *pen.ops, "ET", "Q"])


def table(node: text.Table, kit: Kit, indent: float = 0.0) -> Block:
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

    def make(width: float) -> Any:
        from reportlab.platypus import Table, TableStyle  # only a guide with a table needs them

        if columns * MIN_COLUMN > width:
            return _records(node, kit)
        rows = [[_cell(node, kit, c, i, header=True) for i, c in enumerate(node.header)]]
        rows += [
            [_cell(node, kit, c, i, header=False) for i, c in enumerate(row[:columns])] for row in node.rows
        ]
        grid = Table(rows, colWidths=column_widths(weights, width), repeatRows=1, splitInRow=1, hAlign="LEFT")
        grid.setStyle(
            TableStyle([*_grid_style(kit), ("LINEBELOW", (0, 0), (-1, 0), 0.8, _colour(kit, "text"))])
        )
        return grid

    return Fitted(make, indent, before=3.0, after=8.0)


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


def _colour(kit: Kit, role: str) -> Any:
    from reportlab.lib.colors import HexColor

    return HexColor(kit.theme.colours[role])


@cache
def _cell_class() -> type:
    """ReportLab's Flowable around a block: what a Table's cells must be."""
    from reportlab.platypus import Flowable

    class Cell(Flowable):  # type: ignore[misc]
        def __init__(self, block: Block) -> None:
            super().__init__()
            self.block = block

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            return self.block.wrap(avail_width, avail_height)

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            return [Cell(part) for part in self.block.split(avail_width, avail_height)]

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            self.block.drawOn(canvas, x, y)

        def getSpaceBefore(self) -> float:
            return self.block.space_before

        def getSpaceAfter(self) -> float:
            return self.block.space_after

    return Cell


def _cell(node: text.Table, kit: Kit, runs: text.Cell, column: int, *, header: bool) -> Any:
    align = node.align[column] if column < len(node.align) else ""
    style = kit.style("table")
    changes: dict[str, Any] = {}
    if header:
        changes["bold"] = True
    if align in ("center", "right"):
        changes["alignment"] = align
    if changes:
        style = kit.derive("table", f"{'head' if header else 'cell'}-{align}", **changes)
    return _cell_class()(Para(inline(runs, kit, style), style))


def _records(node: text.Table, kit: Kit) -> Any:
    """A wide table as one record per row: each cell beside its column's header."""
    from reportlab.platypus import Table, TableStyle

    head = kit.derive("table", "head-", bold=True)
    rows: list[list[Any]] = []
    ends: list[int] = []  # the last line of each record
    for row in node.rows or ((),):
        for i, title in enumerate(node.header):
            value = row[i] if i < len(row) else ()
            title_cell = _cell_class()(Para(inline(title, kit, head), head))
            rows.append([title_cell, _cell(node, kit, value, i, header=False)])
        ends.append(len(rows) - 1)
    grid = Table(rows, colWidths=["30%", "70%"], splitInRow=1, hAlign="LEFT")
    commands = _grid_style(kit)
    commands += [("LINEBELOW", (0, end), (-1, end), 0.8, _colour(kit, "text")) for end in ends]
    grid.setStyle(TableStyle(commands))
    return grid


def _grid_style(kit: Kit) -> list[tuple[object, ...]]:
    font(kit.face("table"))  # ReportLab looks the table's font up by name
    return [
        # Tables set each cell's font even for flowable cells; the default would pull in an
        # unembedded Helvetica.
        ("FONT", (0, 0), (-1, -1), kit.face("table"), 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, _colour(kit, "rule")),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
