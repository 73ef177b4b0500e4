"""The typed tree that text fields turn into (blocks and inline runs), how runs are built, how it reads back.

Markdown (text.py), the HTML authors write inside it (html.py) and plain text (text.py) all turn
into these nodes; the layout draws them, and nothing in them is ever markup: a Text's text is
drawn exactly as it is, an Image's source is a string that is never opened or fetched.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeAlias, TypeVar

# --- the tree ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Literal text, drawn as is (the renderer escapes it)."""

    text: str


@dataclass(frozen=True, slots=True)
class Code:
    """An inline code span."""

    text: str


@dataclass(frozen=True, slots=True)
class Kbd:
    """Keys to press (``<kbd>``): set like inline code."""

    text: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Emphasised runs (``*x*``, ``<i>``, ``<em>``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    """Strongly emphasised runs (``**x**``, ``<b>``, ``<strong>``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strike:
    """Struck-through runs (``~~x~~``, ``<s>``, ``<del>``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Underline:
    """Underlined runs (``<u>``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Highlight:
    """Marked runs (``<mark>``), drawn on a light background."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Small:
    """Smaller runs (``<small>``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Sub:
    """Subscript runs (``<sub>``): smaller, below the baseline."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Sup:
    """Superscript runs (``<sup>``): smaller, above the baseline."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A link whose href is http, https or mailto; its children are the label."""

    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Image:
    """An image (``![alt](src)``, ``<img src alt>``). `src` is kept as written and never read as a
    path or fetched; until images are drawn, the image prints as its label."""

    src: str
    alt: str
    at: int = field(default=-1, compare=False)  # where it starts in its text (-1: not known)

    @property
    def label(self) -> str:
        """What stands for the image on the page: `[image: alt]`, or `[image]` without alt text."""
        return f"[image: {self.alt}]" if self.alt else "[image]"


@dataclass(frozen=True, slots=True)
class Math:
    """A formula in LaTeX (`$…$`, `\\(…\\)` inline; `$$…$$`, `\\[…\\]` displayed), its source as
    written between the delimiters; `written` is the whole of it as typed, delimiters included
    (what prints when it cannot be typeset)."""

    source: str
    display: bool
    written: str
    at: int = field(default=-1, compare=False)  # where it starts in its text (-1: not known)


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break (two trailing spaces or a backslash before a newline, ``<br>``)."""


Inline: TypeAlias = (
    Text
    | Code
    | Kbd
    | Emphasis
    | Strong
    | Strike
    | Underline
    | Highlight
    | Small
    | Sub
    | Sup
    | Link
    | Image
    | Math
    | LineBreak
)
Cell: TypeAlias = tuple[Inline, ...]
# Inline nodes that hold other runs: the layout walks into them.
Container: TypeAlias = Emphasis | Strong | Strike | Underline | Highlight | Small | Sub | Sup | Link
CONTAINERS = (Emphasis, Strong, Strike, Underline, Highlight, Small, Sub, Sup, Link)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of inline runs."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading written inside a text field (``# x``), level 1 to 6."""

    level: int
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced or indented code block; text has no final newline, language may be ""."""

    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A block quote."""

    children: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Tip:
    """A tip: a block quote whose first line is ``[!TIP]`` (GitHub's alert), printed as a framed box
    under the style's `tip` label. Its children are the quote's blocks, the marker line left out."""

    children: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bulleted or numbered list; each item is a tuple of blocks; start is 1 for bullets."""

    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table; every row has as many cells as the header, align has one entry per column."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[str, ...]  # "left" | "center" | "right" | ""


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break (``---``)."""


Block: TypeAlias = Paragraph | Heading | CodeBlock | Quote | Tip | ListBlock | Table | Rule
Node: TypeAlias = Inline | Block
T = TypeVar("T")

NODE_TYPES = (
    Text, Code, Kbd, Emphasis, Strong, Strike, Underline, Highlight, Small, Sub, Sup, Link, Image, Math,
    LineBreak, Paragraph, Heading, CodeBlock, Quote, Tip, ListBlock, Table, Rule,
)  # fmt: skip


# --- building inline runs -------------------------------------------------------

# Inline containers deeper than this are dissolved into their parent (the text stays, the
# formatting goes): markdown-it's emphasis rule has no depth limit, nor has HTML, and a bounded
# tree is what lets every consumer walk it recursively.
MAX_INLINE_DEPTH = 20

# What a container of each kind becomes once closed. "code" and "kbd" keep only their text;
# "span" and "details" dissolve (their runs stay, the container goes); "block" (an HTML <p> or
# <div> inside a paragraph) sets its runs on lines of their own.
_MADE: dict[str, type[Emphasis | Strong | Strike | Underline | Highlight | Small | Sub | Sup]] = {
    "em": Emphasis,
    "strong": Strong,
    "s": Strike,
    "u": Underline,
    "mark": Highlight,
    "small": Small,
    "sub": Sub,
    "sup": Sup,
}
KINDS = frozenset({*_MADE, "link", "code", "kbd", "span", "block"})


@dataclass(slots=True, eq=False)
class _Frame:
    kind: str
    keep: bool  # False: dissolve into the parent on close
    tag: str = ""  # an HTML tag's name (its close names it); "" for Markdown's own containers
    href: str = ""
    runs: list[Inline] = field(default_factory=list)


class RunBuilder:
    """Turn a stream of text, nodes, opens and closes into inline runs, as a stack of containers.

    Markdown's containers and HTML's may cross (`*a <b>b* c</b>`): closing one that others were
    opened inside closes those too and opens them again after it, so every run keeps the
    formatting of everything around it, and nothing is lost.
    """

    def __init__(self) -> None:
        self.stack = [_Frame("root", keep=True)]

    def add(self, node: Inline) -> None:
        self.stack[-1].runs.append(node)

    def text(self, value: str) -> None:
        if value:
            self.stack[-1].runs.append(Text(value))

    def open(self, kind: str, *, tag: str = "", href: str = "", keep: bool = True) -> None:
        """Open a container of a kind (KINDS; any other kind dissolves when closed)."""
        keep = keep and kind in KINDS and len(self.stack) <= MAX_INLINE_DEPTH
        self.stack.append(_Frame(kind, keep, tag, href))

    def close(self, kind: str, *, tag: str = "") -> bool:
        """Close the innermost open container of this kind (and HTML tag); False if none is open."""
        index = next(
            (
                i
                for i in range(len(self.stack) - 1, 0, -1)
                if self.stack[i].kind == kind and self.stack[i].tag == tag
            ),
            0,
        )
        if not index:
            return False
        inside = self.stack[index + 1 :]
        for frame in reversed(inside):
            self.stack.pop()
            _close(frame, self.stack[-1].runs)
        _close(self.stack.pop(), self.stack[-1].runs)
        for frame in inside:  # opened again: what follows is still inside them
            self.stack.append(_Frame(frame.kind, frame.keep, frame.tag, frame.href))
        return True

    def finish(self) -> tuple[Inline, ...]:
        """The runs, every container still open closed."""
        while len(self.stack) > 1:
            frame = self.stack.pop()
            _close(frame, self.stack[-1].runs)
        return merge(self.stack[0].runs)


def _close(frame: _Frame, into: list[Inline]) -> None:
    if not frame.keep:
        into.extend(frame.runs)
        return
    runs = merge(frame.runs)
    kind = frame.kind
    if not runs:
        return
    made = _MADE.get(kind)
    if made is not None:
        into.append(made(runs))
    elif kind == "link":
        into.append(Link(frame.href, runs))
    elif kind in ("code", "kbd"):
        value = plain_text(runs).replace("\n", " ")
        into.append(Code(value) if kind == "code" else Kbd(value))
    elif kind == "block":
        into.extend((LineBreak(), *runs, LineBreak()))
    else:
        into.extend(runs)


def merge(runs: Iterable[Inline]) -> tuple[Inline, ...]:
    """Join adjacent Text runs, drop empty ones, and compose them (NFC)."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Text):
            if not run.text:
                continue
            if out and isinstance(last := out[-1], Text):
                out[-1] = Text(last.text + run.text)
                continue
        out.append(run)
    # An entity can put a combining mark after a letter (e&#x301;): compose it as the
    # validator composes what was typed, so that é is one character on the page.
    for i, run in enumerate(out):
        if isinstance(run, Text) and not unicodedata.is_normalized("NFC", run.text):
            out[i] = Text(unicodedata.normalize("NFC", run.text))
    return tuple(out)


def trim_breaks(runs: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Runs without line breaks at either end, and without a third break in a row (an empty line
    is the most a `</p><p>` or `<br><br>` makes): a paragraph never starts or ends with one."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, LineBreak) and (
            not out or (len(out) > 1 and isinstance(out[-1], LineBreak) and isinstance(out[-2], LineBreak))
        ):
            continue
        out.append(run)
    while out and isinstance(out[-1], LineBreak):
        out.pop()
    return tuple(out)


# --- reading a tree back ------------------------------------------------------


class _Mark(enum.Enum):
    BLOCK = enum.auto()  # a block boundary: one "\n" between non-empty blocks
    CELL = enum.auto()  # between table cells: "\t"
    LINE = enum.auto()  # a hard break: "\n"


def _events(nodes: Node | Iterable[Node]) -> Iterator[str | _Mark]:
    """Every drawn string of a tree, in reading order, with the marks between them."""
    start: list[Node | str | _Mark]
    start = [nodes] if isinstance(nodes, NODE_TYPES) else list(nodes)
    stack = start[::-1]
    while stack:
        item = stack.pop()
        if isinstance(item, str | _Mark):
            yield item
        elif isinstance(item, Text | Code | Kbd):
            yield item.text
        elif isinstance(item, Image):
            yield item.label
        elif isinstance(item, Math):
            yield item.written
        elif isinstance(item, CodeBlock):
            stack.append(_Mark.BLOCK)
            stack.append(item.text)
            yield _Mark.BLOCK
        elif isinstance(item, LineBreak):
            yield _Mark.LINE
        elif isinstance(item, CONTAINERS):
            stack.extend(reversed(item.children))
        elif isinstance(item, Paragraph | Heading | Quote | Tip):
            yield _Mark.BLOCK
            stack.append(_Mark.BLOCK)
            stack.extend(reversed(item.children))
        elif isinstance(item, ListBlock):
            yield _Mark.BLOCK
            for blocks in reversed(item.items):
                stack.append(_Mark.BLOCK)
                stack.extend(reversed(blocks))
                stack.append(_Mark.BLOCK)
        elif isinstance(item, Table):
            yield _Mark.BLOCK
            for row in reversed((item.header, *item.rows)):
                stack.append(_Mark.BLOCK)
                for index in reversed(range(len(row))):
                    stack.extend(reversed(row[index]))
                    if index:
                        stack.append(_Mark.CELL)
                stack.append(_Mark.BLOCK)
        elif isinstance(item, Rule):  # draws nothing, separates like any block
            yield _Mark.BLOCK
        else:  # a node type added without its case here would lose its text without a word
            raise TypeError(f"no reading of {type(item).__name__} in nodes._events")


def found(nodes: Iterable[Node], kind: type[T]) -> Iterator[T]:
    """Every node of a kind in a tree, in reading order: inside paragraphs, headings, quotes,
    tips, list items, table cells and inline containers alike (one walk, so that an image in a
    tip box is checked as one in a paragraph is)."""
    stack: list[Node] = list(nodes)
    stack.reverse()
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            yield node
        elif isinstance(node, (Paragraph, Heading, Quote, Tip, *CONTAINERS)):
            stack.extend(reversed(node.children))
        elif isinstance(node, ListBlock):
            stack.extend(block for item in reversed(node.items) for block in reversed(item))
        elif isinstance(node, Table):
            stack.extend(run for row in reversed((node.header, *node.rows)) for cell in reversed(row)
                         for run in reversed(cell))  # fmt: skip


def plain_text(nodes: Node | Iterable[Node]) -> str:
    """Turn a node or a sequence of nodes into its visible text, blocks joined by newlines."""
    parts: list[str] = []
    pending = False  # a block ended: the next visible text starts a new line
    for event in _events(nodes):
        if event is _Mark.BLOCK:
            pending = bool(parts)
            continue
        text = "\t" if event is _Mark.CELL else "\n" if event is _Mark.LINE else event
        assert isinstance(text, str)
        if not text:
            continue
        if pending:
            parts.append("\n")
            pending = False
        parts.append(text)
    return "".join(parts)


def walk_text(nodes: Node | Iterable[Node]) -> Iterator[str]:
    """Turn a node or a sequence of nodes into every non-empty string it draws, in order."""
    for event in _events(nodes):
        if isinstance(event, str) and event:
            yield event
