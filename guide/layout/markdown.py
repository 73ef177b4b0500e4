"""Turn Markdown trees into blocks: paragraphs, lists, code, quotes, tips, tables, headings, rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from guide.data import images, text
from guide.data.text import leads_in
from guide.layout import direction, figures, page, visual
from guide.layout.blocks import EPS, Block, Box, Out, Rule, Spacer
from guide.layout.direction import has_rtl
from guide.layout.highlight import Piece
from guide.layout.kit import Kit, Style, font
from guide.layout.page import Colour
from guide.layout.paragraph import Bullet, Para, width_of
from guide.layout.shaping import needs_shaping
from guide.layout.spans import (
    Span,
    code_runs,
    drawn_keeping_emoji,
    faced,
    inline,
    plain,
    smallest_size,
    source_spans,
)
from guide.layout.table import Row, Table

MAX_INDENT_DEPTH = 6  # deeper lists and quotes keep this indent: the text column must stay readable
INDENT = 14.0
MIN_COLUMN = 42.0  # narrower columns wrap every word letter by letter: such a table is set as records
CONTINUED = "\u21aa "  # ↪, which DejaVu Sans Mono has: marks a code line wrapped at the box's edge


def paragraph(nodes: Sequence[text.Inline], kit: Kit, style: Style | str) -> Para:
    """A paragraph of inline runs in a style."""
    resolved = kit.style(style) if isinstance(style, str) else style
    return Para(inline(nodes, kit, resolved), resolved)


def blocks(
    nodes: Sequence[text.Block], kit: Kit, style: str = "body", depth: int = 0, quotes: int = 0
) -> list[Block]:
    """Blocks for a sequence of Markdown blocks set in a named style.

    `depth`: how many lists deep the blocks are (each indents them); `quotes`: how many boxes
    (quotes, tips) deep, past MAX_INDENT_DEPTH of which a box adds no more indent.
    """
    out: list[Block] = []
    for index, node in enumerate(nodes):
        made = block(node, kit, style, depth, quotes)
        if made and index + 1 < len(nodes) and leads_in(node):
            made[-1].keep_with_next = True  # "Consequences:" never ends a page, apart from its list
        out.extend(made)
    return out


def block(node: text.Block, kit: Kit, style: str, depth: int, quotes: int = 0) -> list[Block]:
    indent = min(depth, MAX_INDENT_DEPTH) * INDENT
    resolved = kit.style(style)
    if isinstance(node, text.Paragraph):
        if any(_standalone(child) for child in node.children):
            return standalone_parts(node.children, kit, resolved, indent)
        return [Para(inline(node.children, kit, resolved), resolved, indent=indent)]
    if isinstance(node, text.Heading):
        head = kit.style("subheading")
        return [Para(inline(node.children, kit, head), head, indent=indent, keep_with_next=True)]
    if isinstance(node, text.CodeBlock):
        return [code_block(node.text, kit, indent, node.language)]
    if isinstance(node, text.Quote):
        # Each box takes 14 pt of the width: past MAX_INDENT_DEPTH boxes (a flash card is
        # narrow), a deeper quote's text joins its parent's box rather than getting no width.
        if quotes >= MAX_INDENT_DEPTH:
            return blocks(node.children, kit, style, depth, quotes)
        inner = blocks(node.children, kit, style, 0, quotes + 1) or [Spacer(1)]
        return [Box(inner, rule=kit.colour("rule"), indent=indent, rtl=kit.rtl)]
    if isinstance(node, text.Tip):
        return tip(node, kit, style, depth, quotes)
    if isinstance(node, text.ListBlock):
        return list_block(node, kit, style, depth, quotes)
    if isinstance(node, text.Table):
        return [table(node, kit, indent)]
    if isinstance(node, text.Rule):
        return [Rule(kit.colour("rule"))]
    return [Para(inline((text.Text(text.plain_text(node)),), kit, resolved), resolved, indent=indent)]


def tip(node: text.Tip, kit: Kit, style: str, depth: int, quotes: int) -> list[Block]:
    """A tip: its label (the style's `tip`, in capitals) over its blocks, in a box framed in the accent
    colour; split between pages like any box, never right after its label."""
    indent = min(depth, MAX_INDENT_DEPTH) * INDENT
    head = kit.style("label")
    label = plain(kit.theme.labels["tip"].upper(), head)
    # A box takes width, as a quote's does: past MAX_INDENT_DEPTH boxes, a deeper tip is its label
    # and its blocks, with no frame of their own.
    if quotes >= MAX_INDENT_DEPTH:
        return [
            Para(label, head, indent=indent, keep_with_next=True),
            *blocks(node.children, kit, style, depth, quotes),
        ]
    inner = [Para(label, head, keep_with_next=True), *blocks(node.children, kit, style, 0, quotes + 1)]
    padding = (8.0, 8.0, 6.0, 4.0)  # left, right, top, bottom
    return [
        Box(
            inner,
            frame=kit.colour("accent"),
            padding=padding,
            indent=indent,
            before=4.0,
            after=8.0,
            rtl=kit.rtl,  # its indent (in a list) at the right
        )
    ]


def _standalone(node: text.Inline) -> bool:
    """Whether an inline node is set on lines of its own: a displayed formula, a local image."""
    return (isinstance(node, text.Math) and node.display) or (
        isinstance(node, text.Image) and bool(node.src) and not images.is_remote(node.src)
    )


def standalone_parts(nodes: Sequence[text.Inline], kit: Kit, style: Style, indent: float) -> list[Block]:
    """A paragraph cut around what stands on lines of its own (a displayed formula): the text
    before it, it, the text after it."""
    out: list[Block] = []
    runs: list[text.Inline] = []

    def flush() -> None:
        kept = text.trim_breaks(tuple(runs))
        if (kept and text.plain_text(kept).strip()) or any(not isinstance(r, text.Text) for r in kept):
            out.append(Para(inline(kept, kit, style), style, indent=indent))
        runs.clear()

    for node in nodes:
        if not _standalone(node):
            runs.append(node)
            continue
        if isinstance(node, text.Image):
            figure = figures.block(node, kit, indent)
            if figure is None:  # it cannot be drawn (validation said why): its label, in the text
                runs.append(node)
                continue
            flush()
            out.append(figure)
            continue
        flush()
        assert isinstance(node, text.Math)
        out.append(display_formula(node, kit, style, indent))
    flush()
    return out


def display_formula(node: text.Math, kit: Kit, style: Style, indent: float = 0.0) -> Block:
    """A displayed formula, centred, scaled down or broken over lines to fit; as its source in the
    code font if it cannot be typeset, or fits in no way."""
    from guide.layout import maths, mathset

    source = Para(source_spans(node, kit, style, style.size, style.colour), style, indent=indent)
    made = maths.typeset(node.source, node.display)
    if isinstance(made, str):
        return source
    code = kit.style("code")
    floor = mathset.floor_size(style.size, smallest_size(kit))
    return mathset.Display(made, node.source, node.written, style.size, floor, style.colour, code.face,
                           style.face, source, indent=indent)  # fmt: skip


def bullet_face(kit: Kit, style: Style) -> str:
    """The face of list bullets and numbers: the sans family's regular, else the style's own."""
    family = kit.families.get("sans", style.fonts[0])
    return family.regular


def list_block(node: text.ListBlock, kit: Kit, style: str, depth: int, quotes: int = 0) -> list[Block]:
    out: list[Block] = []
    resolved = kit.style(style)
    level = min(depth + 1, MAX_INDENT_DEPTH)
    indent = level * INDENT + (6 if node.ordered else 0)
    bullet_at = indent - INDENT - 2
    face = bullet_face(kit, resolved)
    # The text starts where the widest mark and the gap after it end, on the first line as on the
    # others (a list may start at any number up to 999999999: room for the widest one).
    widest = f"{node.start + len(node.items) - 1}." if node.ordered else ("•" if depth % 2 == 0 else "–")
    indent = max(indent, Bullet(widest, face, resolved.size, resolved.colour, bullet_at).end)
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


def code_block(source: str, kit: Kit, indent: float = 0.0, language: str = "") -> Block:
    """Code in the monospace font, whitespace kept, long lines wrapped rather than cut off;
    highlighted when it names a language Pygments knows."""
    source = drawn_keeping_emoji(source.expandtabs(4)) or " "
    looks = None
    if language:
        from guide.layout import highlight

        looks = highlight.lines(source, language)
    box = Box(
        [CodeText(source.split("\n"), kit, looks)], background=kit.colour("code_background"), indent=indent
    )
    box.rtl = kit.rtl  # its indent (in a list) on the right; its lines still read left to right
    return box


class CodeText(Block):
    """Lines of code, each wrapped at the box's edge with its continuation marked; splits between lines.

    An emoji is an image one cell of the monospace face wide, or two, as a terminal shows it. The
    parts of a split code block share its lines, each drawing its own range of them.
    """

    def __init__(
        self, lines: Sequence[str], kit: Kit, looks: Sequence[Sequence[Piece]] | None = None
    ) -> None:
        self.source = list(lines)
        self.style = kit.style("code")
        self.fonts = self.style.fonts
        # Highlighted code: each line's pieces, and the colour of each role (highlight.py).
        self.looks = list(looks) if looks is not None and len(looks) == len(self.source) else None
        self.colours = {
            role: kit.colour(f"code_{role}") if f"code_{role}" in kit.theme.colours else self.style.colour
            for role in ("keyword", "string", "comment", "number", "name", "operator")
        }
        self._drawn: list[list[Span]] = []  # each drawn line as spans, at width _for
        self._for: float | None = None
        self._first, self._end = 0, 0  # this part's range of the drawn lines
        self._part = False

    def _lines(self, width: float) -> list[list[Span]]:
        if width != self._for:
            if self._part:  # a part set at another width than the block was: its own lines anew
                self.source = [_text_of(line) for line in self._drawn[self._first : self._end]]
                self._part, self.looks = False, None
            self._drawn = []
            for index, line in enumerate(self.source):
                self._drawn.extend(self._wrap(line, width, index))
            self._for, self._first, self._end = width, 0, len(self._drawn)
        return self._drawn

    def _spans(
        self, value: str, colour: Colour | None = None, bold: bool = False, italic: bool = False
    ) -> list[Span]:
        """Code as spans: text in the faces that have it, each emoji an image (spans.code_runs)."""
        style = self.style
        colour = style.colour if colour is None else colour
        spans: list[Span] = []
        for family, run, box in code_runs(value, self.fonts, style.size):
            if box is not None:
                spans.append(Span(run, family.regular, style.size, colour, box=box))
                continue
            for face, part, heavy in faced(family, bold, italic, run):
                spans.append(Span(part, face, style.size, colour, embolden=heavy))
        return spans

    def _looked(self, index: int, line: str) -> list[Span]:
        """A source line as spans: highlighted, if the block is."""
        if self.looks is None:
            return self._spans(line)
        spans: list[Span] = []
        for piece in self.looks[index]:
            colour = self.colours.get(piece.role, self.style.colour)
            spans += self._spans(piece.text, colour, piece.bold, piece.italic)
        return spans

    def _wrap(self, line: str, width: float, index: int = 0) -> list[list[Span]]:
        spans = self._looked(index, line)
        if sum(_width(s, s.text) for s in spans) <= width + EPS:
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
                w = _width(span, char)
                if used + w > room + EPS and end > start:
                    break
                used += w
                end += 1
            if end < len(chars):
                # Wrapped after a space, if there is one in the line's second half: words stay whole.
                space = max((i for i in range(start, end) if chars[i][1] == " "), default=-1)
                if space >= start + (end - start) // 2:
                    end = space + 1
            out.append(
                [*self._spans(prefix), *_regrouped(chars[start:end])]
                if prefix
                else _regrouped(chars[start:end])
            )
            start, prefix = end, CONTINUED
        return out

    def line_texts(self, width: float) -> list[str]:
        """The text of each line as drawn at a width (a wrapped line's continuation starts with ↪)."""
        lines = self._lines(width)
        return [_text_of(line) for line in lines[self._first : self._end]]

    def measure(self, width: float) -> float:
        self._lines(width)
        return (self._end - self._first) * self.style.leading

    def split(self, width: float, height: float) -> list[Block]:
        self._lines(width)
        fit = int((height + EPS) // self.style.leading)
        count = self._end - self._first
        if count - fit == 1:
            fit -= 1  # no last line alone at the top of a page, as in a paragraph
        if fit < 2 or fit >= count:
            return []  # nor a first line alone at its foot
        return [self._piece(self._first, self._first + fit), self._piece(self._first + fit, self._end)]

    def _piece(self, first: int, end: int) -> CodeText:
        part = CodeText.__new__(CodeText)
        part.source, part.style, part.fonts = self.source, self.style, self.fonts
        part.looks, part.colours = self.looks, self.colours
        part._drawn, part._for, part._first, part._end, part._part = self._drawn, self._for, first, end, True
        part.width, part.height = self.width, (end - first) * self.style.leading
        part.space_before, part.space_after, part.keep_with_next = 0.0, 0.0, False
        return part

    def draw(self, out: Out, x: float, y: float) -> None:
        style = self.style
        baseline = y + self.height - style.size
        lines = self._lines(self.width)
        for line in lines[self._first : self._end]:
            if line:
                _draw_code_line(out, x, baseline, line)
            baseline -= style.leading


def _width(span: Span, value: str) -> float:
    """How wide a span's text (or its emoji's image) is drawn."""
    if span.box is not None:
        return span.box.width
    return width_of(span.font, span.face, span.size, value)


def _text_of(line: Sequence[Span]) -> str:
    """A line of code as text: each emoji as itself."""
    return "".join(s.box.picture.text if s.box is not None else s.text for s in line)


def _draw_code_line(out: Out, x: float, baseline: float, line: Sequence[Span]) -> None:
    """A line of code from x: its text in lines of runs, each emoji's image where it stands."""
    runs: list[page.Run] = []
    start = cursor = x
    for span, run, width in _code_placed(line):
        if run is not None:
            runs.append(run)
        else:
            assert span.box is not None
            if runs:
                out.add(page.TextLine(start, baseline, tuple(runs)))
                runs = []
            picture = span.box.picture
            out.add(picture._replace(x=cursor + picture.x, y=baseline + picture.y))
            start = cursor + width
        cursor += width
    if runs:
        out.add(page.TextLine(start, baseline, tuple(runs)))


def _code_placed(line: Sequence[Span]) -> list[tuple[Span, page.Run | None, float]]:
    """A line of code as drawn from the left, each (span, run or None for an emoji, width): left
    to right whatever it holds (code reads so), but a comment or string in a right-to-left script
    reads right to left inside it, and a shaped script shaped."""
    if not any(needs_shaping(s.text) or has_rtl(s.text) for s in line):
        return [(s, None if s.box is not None else _run(s), _width(s, s.text)) for s in line]
    pieces = [
        visual.Piece(i, s.face, s.size, s.colour, s.rise, s.embolden, s.text) for i, s in enumerate(line)
    ]
    value = "".join(p.text for p in pieces)
    levels = direction.levels(value, False) if has_rtl(value) else None
    placed: list[tuple[Span, page.Run | None, float]] = []
    for level, piece in visual.ordered(pieces, levels):
        span = line[piece.key]
        if span.box is not None:
            placed.append((span, None, span.box.width))
            continue
        made = visual.run(level, piece, lambda f, z, v: width_of(font(f), f, z, v))
        if made is not None:
            placed.append((span, made.run, made.width))
    return placed


def _run(span: Span) -> page.Run:
    return page.Run(span.face, span.size, span.colour, span.text, 0.0, None, span.embolden)


def _regrouped(chars: Sequence[tuple[Span, str]]) -> list[Span]:
    """Characters of spans as spans again, those of one span together (an emoji's, itself)."""
    out: list[Span] = []
    current: Span | None = None
    text_parts: list[str] = []

    def flush() -> None:
        if current is not None:
            if current.box is not None:
                out.append(current)
            else:
                out.append(Span("".join(text_parts), current.face, current.size, current.colour,
                                embolden=current.embolden))  # fmt: skip

    for span, char in chars:
        if span is not current:
            flush()
            current, text_parts = span, []
        text_parts.append(char)
    flush()
    return out


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
    thin, heavy = (0.3, kit.colour("rule")), (0.8, kit.colour("text"))
    grid: Table | None = None
    records: Table | None = None

    def made(width: float) -> Table:
        """The table as columns, or as records where its columns would be too narrow."""
        nonlocal grid, records
        if columns * MIN_COLUMN > width:
            if records is None:
                records = _records(node, kit, thin, heavy, indent)
            return records
        if grid is None:
            header = Row([[_cell(node, kit, c, i, header=True)] for i, c in enumerate(node.header)], heavy)
            rows = [Row([[_cell(node, kit, c, i, header=False)] for i, c in enumerate(row[:columns])], thin)
                    for row in node.rows]  # fmt: skip
            grid = Table(header, rows, lambda w: column_widths(weights, w), indent=indent, rtl=kit.rtl)
        return grid

    return Fitted(made, indent)


class Fitted(Block):
    """A table made for the width it lands in: as columns where they fit, else as records.

    A table may sit in a quote, a list, the guidance box or a card, each narrower than the page.
    """

    def __init__(self, make: Callable[[float], Table], indent: float) -> None:
        self.make = make
        self.indent = indent
        self.space_before, self.space_after = 3.0, 8.0
        self.table: Table | None = None

    def _for(self, width: float) -> Table:
        self.table = self.make(max(width - self.indent, 1.0))
        return self.table

    def measure(self, width: float) -> float:
        return self._for(width).measure(width)

    def split(self, width: float, height: float) -> list[Block]:
        return self._for(width).split(width, height)

    def draw(self, out: Out, x: float, y: float) -> None:
        made = self._for(self.width)
        made.width, made.height = self.width, self.height
        made.draw(out, x, y)


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


def _cell(node: text.Table, kit: Kit, runs: text.Cell, column: int, *, header: bool) -> Block:
    align = node.align[column] if column < len(node.align) else ""
    style = kit.style("table")
    changes: dict[str, bool | str] = {}
    if header:
        changes["bold"] = True
    if align in ("center", "right"):
        changes["alignment"] = align
    if changes:
        style = kit.derive("table", f"{'head' if header else 'cell'}-{align}", **changes)
    return Para(inline(runs, kit, style), style)


def _records(
    node: text.Table, kit: Kit, thin: tuple[float, Colour], heavy: tuple[float, Colour], indent: float
) -> Table:
    """A wide table as one record per row: each cell beside its column's header."""
    head = kit.derive("table", "head-", bold=True)
    rows: list[Row] = []
    for row in node.rows or ((),):
        for i, title in enumerate(node.header):
            value = row[i] if i < len(row) else ()
            last = i == len(node.header) - 1
            title_cell = Para(inline(title, kit, head), head)
            rows.append(
                Row([[title_cell], [_cell(node, kit, value, i, header=False)]], heavy if last else thin)
            )
    return Table(None, rows, lambda w: [w * 0.3, w * 0.7], indent=indent, rtl=kit.rtl)
