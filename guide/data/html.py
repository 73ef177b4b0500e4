"""Turn the HTML that Markdown authors write (`<br>`, `<sub>`, `<details>`…) into the tree's nodes.

Only a few tags mean something here (TAGS, <br>, <img>, BLOCK_TAGS); every other tag prints exactly
as typed, and so does a known tag that is never closed (`List<a>`) or closed without being opened.
Comments are dropped. Only href, src and alt are read from attributes; an href becomes a link
only for http, https and mailto, and a src is kept as a string, never read as a path or fetched.
Tags are told apart by Python's html.parser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from guide.data.nodes import (
    Block,
    Image,
    Inline,
    LineBreak,
    Math,
    Paragraph,
    RunBuilder,
    Text,
    merge,
    plain_text,
    trim_breaks,
)

# Containers: the tag's name → the kind of RunBuilder container it opens.
TAGS = {
    "b": "strong",
    "strong": "strong",
    "i": "em",
    "em": "em",
    "u": "u",
    "s": "s",
    "del": "s",
    "sub": "sub",
    "sup": "sup",
    "code": "code",
    "kbd": "kbd",
    "mark": "mark",
    "small": "small",
    "a": "link",
    "span": "span",
    "summary": "strong",  # the summary of <details>, in bold, then the body
    "details": "span",
    "p": "block",
    "div": "block",
}
# At the level of blocks (an HTML block between Markdown paragraphs), these start and end
# paragraphs rather than being paired; <summary> makes a paragraph of its own.
BLOCK_TAGS = frozenset({"p", "div", "details"})
# What an HTML block's text is read as typed inside: no code spans or formulas there.
LITERAL_TAGS = frozenset({"pre", "script", "style", "textarea", "code", "kbd"})


@dataclass(frozen=True, slots=True)
class Event:
    """One piece of HTML source: text, an entity, a start or end tag, a comment, or anything else."""

    kind: str  # "text" | "entity" | "start" | "end" | "void" | "comment" | "other"
    raw: str  # exactly as written
    tag: str = ""
    attrs: tuple[tuple[str, str | None], ...] = ()

    def attr(self, name: str) -> str:
        return next((value or "" for key, value in self.attrs if key == name), "")


class _Tokeniser(HTMLParser):
    """html.parser's events, each with where it starts: its source is the text up to the next."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, int, str, str, tuple[tuple[str, str | None], ...], str]] = []

    def _add(
        self, kind: str, tag: str = "", attrs: Sequence[tuple[str, str | None]] = (), text: str = ""
    ) -> None:
        line, column = self.getpos()
        self.found.append((line, column, kind, tag, tuple(attrs), text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, attrs, self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("void", tag, attrs, self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("text")

    def handle_entityref(self, name: str) -> None:
        self._add("entity")

    def handle_charref(self, name: str) -> None:
        self._add("entity")

    def handle_comment(self, data: str) -> None:
        self._add("comment")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


def events(source: str) -> list[Event]:
    """The source cut into events that, joined, give back exactly the source.

    html.parser skips a few things without an event (`</>`) and stops reporting the text of an
    unclosed <script>; whatever lies between one event's own text and the next event's start is
    kept as text, so that nothing is ever lost.
    """
    parser = _Tokeniser()
    parser.feed(source)
    parser.close()
    starts = [0]
    for line in source.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found = parser.found
    offsets = [starts[line - 1] + column for line, column, *_ in found]
    out: list[Event] = []
    if not found or offsets[0] > 0:
        out.append(Event("text", source[: offsets[0] if found else len(source)]))
    for i, (_, _, kind, tag, attrs, text) in enumerate(found):
        raw = source[offsets[i] : offsets[i + 1] if i + 1 < len(found) else len(source)]
        own = len(raw)
        if kind in ("start", "void"):
            own = len(text) if raw.startswith(text) else len(raw)
        elif kind == "end":
            own = raw.find(">") + 1 or len(raw)
        elif kind == "comment" and raw.startswith("<!--"):
            own = raw.find("-->", 4) + 3 if "-->" in raw[4:] else len(raw)
        # `<!x>`: a bogus comment to a browser, a declaration to Markdown; printed as typed.
        named = "other" if kind == "comment" and not raw.startswith("<!--") else kind
        out.append(Event(named, raw[:own], tag, attrs))
        if own < len(raw):
            out.append(Event("text", raw[own:]))
    return [e for e in out if e.raw]


def event(raw: str) -> Event:
    """One tag, comment or declaration (as markdown-it finds them inside a paragraph) as an Event."""
    found = events(raw)
    if len(found) == 1:
        return found[0]
    return Event("other", raw)


def paired(found: Sequence[Event]) -> set[int]:
    """The indices of the known tags that open and close each other (a close matches the innermost
    open tag of its name). The others print as typed."""
    pairs: set[int] = set()
    open_tags: list[tuple[str, int]] = []
    for index, item in enumerate(found):
        if item.tag not in TAGS:
            continue
        if item.kind == "start":
            open_tags.append((item.tag, index))
        elif item.kind == "end":
            at = next((k for k in range(len(open_tags) - 1, -1, -1) if open_tags[k][0] == item.tag), -1)
            if at >= 0:
                # Tags opened inside it and still open stay open: `<i>a <b>b</i> c</b>` pairs both.
                pairs.update((open_tags[at][1], index))
                del open_tags[at]
    return pairs


@dataclass(frozen=True, slots=True)
class Reader:
    """What the Markdown side decides for HTML: which links may be made (and how their address is
    written), and which characters an entity or an attribute may not bring in."""

    link: Callable[[str], str | None]  # an href → the link's address, or None: no link
    refused: Callable[[str], bool]  # a character refused when typed
    # The text of an HTML block (a <summary>, a <div>) → its runs: its `code` and formulas read.
    runs: Callable[[str], Sequence[Inline]] = lambda value: (Text(value),)

    def entity(self, raw: str) -> str:
        return decode_entity(raw, self.refused)

    def attribute(self, value: str) -> str:
        """An attribute's text (html.parser resolved its references) on one line, without the
        characters a reference could smuggle in that would be refused when typed."""
        return " ".join("".join(c for c in value if not self.refused(c)).split())


def apply(item: Event, builder: RunBuilder, *, is_paired: bool, reader: Reader, at: int = -1) -> None:
    """Add one event to a builder: a known tag opens, closes or stands for its node; the rest is text.
    `at`: where the event stands in the whole text (an image keeps it)."""
    kind, tag = item.kind, item.tag
    if kind == "comment":
        return
    if kind == "text":
        builder.text(item.raw)
    elif kind == "entity":
        builder.text(reader.entity(item.raw))
    elif tag == "br" and kind in ("start", "void", "end"):  # browsers read </br> as <br> too
        builder.add(LineBreak())
    elif tag == "img" and kind in ("start", "void"):
        builder.add(Image(item.attr("src"), reader.attribute(item.attr("alt")), at))
    elif kind == "start" and is_paired:
        container = TAGS[tag]
        address = reader.link(item.attr("href")) if container == "link" else None
        builder.open(container, tag=tag, href=address or "", keep=container != "link" or address is not None)
    elif kind == "end" and is_paired:
        builder.close(TAGS[tag], tag=tag)
        if tag == "summary":
            builder.add(LineBreak())  # the body of <details> starts on the next line
    else:
        builder.text(item.raw)


def decode_entity(raw: str, refused: Callable[[str], bool]) -> str:
    """An entity's character, or the entity as typed: when it is incomplete (no ';', as Markdown
    reads it), unknown, or names a character guide refuses when typed."""
    if not raw.endswith(";"):
        return raw
    value = html.unescape(raw)
    if value == raw or any(map(refused, value)):
        return raw
    return value


def _strip(runs: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Runs without the white space that the lines of an HTML block leave at either end."""
    out = list(runs)
    if out and isinstance(out[0], Text):
        out[0] = Text(out[0].text.lstrip())
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return merge(out)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _nowhere(pos: int) -> int:
    return -1


def blocks(source: str, reader: Reader, place: Callable[[int], int] = _nowhere) -> list[Block]:
    """An HTML block (markdown-it's html_block: HTML on lines of its own) as paragraphs; `place`
    gives where a position in it stands in the whole text.

    <p>, <div> and <details> start and end paragraphs, <summary> is a bold paragraph of its
    own, a blank line ends a paragraph (inside <script> or <pre>, which print as typed); the
    runs between are built as in a paragraph, line breaks read as spaces, and their text's
    `code` and formulas read as in Markdown (`reader.runs`), but inside <pre>, <script>,
    <style>, <textarea>, <code> and <kbd>.
    """
    out: list[Block] = []
    segment: list[Event] = []
    places: list[int] = []  # where each event of the segment starts in the block

    def flush() -> None:
        if not segment:
            return
        pairs = paired(segment)
        builder = RunBuilder()
        literal = 0  # how many tags deep in what prints as typed (<pre>, <code> …)
        for index, item in enumerate(segment):
            if item.tag in LITERAL_TAGS and item.kind in ("start", "end"):
                literal = max(literal + (1 if item.kind == "start" else -1), 0)
            if item.kind == "text" and not literal:
                for run in reader.runs(item.raw):
                    if isinstance(run, Text):
                        builder.text(run.text)
                    elif isinstance(run, Math) and run.at >= 0:  # where it stands in the whole text
                        builder.add(replace(run, at=place(places[index] + run.at)))
                    else:
                        builder.add(run)
                continue
            at = place(places[index]) if item.tag == "img" else -1
            apply(item, builder, is_paired=index in pairs, reader=reader, at=at)
        runs = _strip(trim_breaks(builder.finish()))
        if plain_text(runs).strip() or any(isinstance(run, Image) for run in runs):
            out.append(Paragraph(runs))
        segment.clear()
        places.clear()

    position = 0
    for item in events(source):
        start, position = position, position + len(item.raw)
        if item.tag in BLOCK_TAGS and item.kind in ("start", "end", "void"):
            flush()
            continue
        if item.tag == "summary" and item.kind == "start":
            flush()
        if item.kind == "text":
            begins = [0, *(blank.end() for blank in _BLANK_LINE.finditer(item.raw))]
            for number, part in enumerate(_BLANK_LINE.split(item.raw)):
                if number:
                    flush()
                segment.append(Event("text", part.replace("\n", " ")))
                places.append(start + begins[number])
        else:
            segment.append(Event(item.kind, item.raw.replace("\n", " "), item.tag, item.attrs))
            places.append(start)
        if item.tag == "summary" and item.kind == "end":
            flush()
    flush()
    return out
