"""Turn an Anki deck exported as text ("Notes in Plain Text") into records: front → question, back → answer.

Anki writes one note a line, fields separated by a tab (or what `#separator:` says), quoted as
CSV quotes them when they hold the separator or a line break. Header lines at the top say how:
`#separator:tab`, `#html:true` (fields are HTML: turned into Markdown here), and the columns that
hold a note's `#guid`, `#notetype`, `#deck` and `#tags`; `#columns:` names every column.
"""

from __future__ import annotations

from html.parser import HTMLParser

from guide.data.imports.common import Columns, ImportOptions, SourceRead, clean_text, decode
from guide.data.imports.table import read_rows, rows
from guide.errors import GuideError, Location, Problem

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
_META = {"guid column": "guid", "notetype column": "notetype", "deck column": "deck", "tags column": "tags"}


def read(data: bytes, display: str, options: ImportOptions) -> SourceRead:
    """Read an Anki text export into records; the deck (its last part) becomes the topic."""
    text = decode(data, display, options.encoding)
    lines = text.split("\n")
    settings: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.startswith("#") or ":" not in line:
            break
        key, _, value = line[1:].partition(":")
        settings[key.strip().casefold()] = value.strip()
        lines[index] = ""  # keeps the line numbers of the notes below
    separator = options.delimiter or _separator(settings.get("separator", "tab"))
    html = settings.get("html", "false").casefold() == "true"
    meta: dict[int, str] = {}
    for key, name in _META.items():
        if settings.get(key, "").isdigit():
            meta[int(settings[key]) - 1] = name
    names = settings["columns"].split(separator) if "columns" in settings else []
    if options.mapping and not names:
        raise GuideError(
            [
                Problem(
                    Location(display, 1, 1),
                    "--map needs the names of the columns, and this export has no '#columns:' line;"
                    " without --map the first field is the question and the second the answer",
                )
            ]
        )
    found = list(rows("\n".join(lines), display, separator))
    width = max((len(cells) for _, cells, _ in found), default=0)
    fixed = _fields(width, meta, names, options)
    converted = [
        (line, [_field(cell, html) if fixed.get(i) in _TEXTS else cell for i, cell in enumerate(cells)], raw)
        for line, cells, raw in found
    ]
    read = read_rows(iter(converted), display, options, tag_spaces=True, fixed=fixed)
    for record in read.records:
        deck = record.fields.get("topic")
        if isinstance(deck, str) and "::" in deck:
            record.fields["topic"] = deck.rsplit("::", 1)[-1].strip() or deck
    extra = [i for i in range(width) if i not in fixed and i not in meta]
    if extra and found:
        shown = ", ".join(str(i + 1) for i in extra)
        read.note(
            found[0][0], f"the notes have more fields than a front and a back: column(s) {shown} ignored"
        )
    return read


_TEXTS = ("question", "answer", "guidance")


def _separator(value: str) -> str:
    return SEPARATORS.get(value.casefold(), value[:1] or "\t")


def _fields(width: int, meta: dict[int, str], names: list[str], options: ImportOptions) -> dict[int, str]:
    """Which field each column holds: the meta columns Anki names, then front and back (or --map's)."""
    fixed: dict[int, str] = {}
    for index, name in meta.items():
        if name == "deck":
            fixed[index] = "topic"
        elif name == "tags":
            fixed[index] = "tags"
    note_columns = [i for i in range(width) if i not in meta]
    if options.mapping and names:
        columns = Columns(options.mapping)
        for index, name in enumerate(names):
            target = columns.field(name) if index not in meta else None
            if target is not None:
                fixed[index] = target
        return fixed
    for index, target in zip(note_columns, ("question", "answer"), strict=False):
        fixed[index] = target
    return fixed


def _field(value: str, html: bool) -> str:
    return html_to_markdown(value) if html else value


_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}


class _Html(HTMLParser):
    """HTML of an Anki field into Markdown: line breaks, paragraphs, bold, italics, code, list items."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")
        elif tag in ("div", "p", "ul", "ol"):
            self.out.append("\n\n" if tag == "p" else "\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in _MARKS:
            self.out.append(_MARKS[tag])
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.out.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in _MARKS:
            self.out.append(_MARKS[tag])
        elif tag in ("div", "p", "ul", "ol"):
            self.out.append("\n\n" if tag in ("p", "ul", "ol") else "\n")

    def handle_data(self, data: str) -> None:
        self.out.append(data.replace("\xa0", " "))


def html_to_markdown(value: str) -> str:
    """An HTML field as Markdown text: tags that shape text become Markdown, the others go."""
    parser = _Html()
    parser.feed(value)
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.out).split("\n")]
    kept: list[str] = []
    for line in lines:
        if not line and kept and not kept[-1]:
            continue  # at most one blank line in a row
        kept.append(line)
    return clean_text("\n".join(kept))
