"""What every reader of a foreign file shares: options, records, decoding, and turning values into fields."""

from __future__ import annotations

import codecs
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from guide.data.fields import BY_NAME, QUESTION_KEYS
from guide.data.model import DIFFICULTIES
from guide.data.source import DEFAULT_MAX_FILE_BYTES
from guide.errors import GuideError, Location, Problem, did_you_mean

# Formats and the file-name suffixes that name them.
FORMATS: dict[str, tuple[str, ...]] = {
    "markdown": (".md", ".markdown"),
    "csv": (".csv", ".tsv"),
    "json": (".json",),
    "yaml": (".yaml", ".yml"),
    "anki": (".txt",),
}
DEFAULT_TOPIC = "General"

Value = str | tuple[str, ...]


@dataclass(frozen=True)
class ImportOptions:
    """How to read a foreign file: its format, how its names map to fields, and the Markdown levels."""

    format: str | None = None  # one of FORMATS; None: from the file's suffix
    mapping: tuple[tuple[str, str], ...] = ()  # (guide field, the source's name for it)
    encoding: str | None = None  # None: UTF-8 (or UTF-16 with its byte-order mark)
    delimiter: str | None = None  # CSV: None guesses from the header line
    list_separator: str | None = None  # key points, follow-ups: None: one a line, or a Markdown list
    question_level: int | str | None = None  # Markdown: a heading level 1-6, "bold", None: detected
    topic_level: int | None = None  # Markdown: a heading level; 0: no topics; None: detected
    topic: str = DEFAULT_TOPIC  # for questions whose source names no topic
    max_bytes: int = DEFAULT_MAX_FILE_BYTES


@dataclass
class Record:
    """One question as the source holds it: guide field → text (lists as tuples), and its line."""

    line: int
    fields: dict[str, Value]

    def text(self, name: str) -> str:
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else "\n".join(value)


@dataclass(frozen=True)
class Skipped:
    """Something of the source that did not become a question, with where it is and why."""

    location: Location
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: skipped: {self.reason}"


@dataclass
class SourceRead:
    """What a reader found: the records, what it skipped, notes (warnings) and a title if the file has one."""

    display: str
    records: list[Record] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    title: str = ""

    def skip(self, line: int, reason: str, column: int = 1) -> None:
        self.skipped.append(Skipped(Location(self.display, line, column), reason))

    def note(self, line: int, message: str, column: int = 1) -> None:
        self.notes.append(Problem(Location(self.display, line, column), message, "warning"))


def read_bytes(path: Path, display: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """The bytes of a source file, or GuideError saying why it cannot be read."""

    def fail(message: str) -> GuideError:
        return GuideError([Problem(Location(display), message)])

    try:
        info = path.stat()
    except FileNotFoundError:
        raise fail("file not found; check the path") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail("expected a file to import, found a folder")
    if not stat.S_ISREG(info.st_mode):
        raise fail("expected a file to import, found a special file (a pipe or device)")
    if info.st_size > max_bytes:
        raise fail(f"the file is larger than {_size(max_bytes)}, the most guide imports; split it")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None


def _size(count: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


def decode(data: bytes, display: str, encoding: str | None = None) -> str:
    """Bytes into text with LF line ends: UTF-8 (a byte-order mark dropped), UTF-16 with its mark, or
    the encoding given; a byte that does not decode is a GuideError at its line and column."""
    if encoding is None:  # UTF-16 with its mark is what Excel saves as "Unicode text"
        utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        encoding = "utf-16" if utf16 else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise GuideError([_undecodable(data, display, encoding, exc)]) from None
    # CRLF (Windows) and lone CR (old Macs) read as LF, so that lines count as editors count them.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _undecodable(data: bytes, display: str, encoding: str, exc: UnicodeDecodeError) -> Problem:
    line = data.count(b"\n", 0, exc.start) + 1
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    column = len(data[line_start : exc.start].decode(encoding, "replace")) + 1
    byte = data[exc.start]
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        message = (
            f"the file is not UTF-8: found the byte 0x{byte:02x} (perhaps Latin-1 or Windows-1252);"
            " save it as UTF-8, or name its encoding with --encoding cp1252"
        )
    else:
        message = f"the byte 0x{byte:02x} is not {encoding}; name the file's encoding with --encoding"
    return Problem(Location(display, line, column), message)


def field_key(name: str) -> str:
    """A column or key name as a field name: 'Key points', 'key-points' and 'KEY_POINTS' are key_points."""
    return "_".join(name.strip().casefold().replace("-", " ").replace("_", " ").split())


class Columns:
    """Which guide field each name of the source stands for: the field's own name, or --map's."""

    def __init__(self, mapping: Sequence[tuple[str, str]]) -> None:
        self.pairs = tuple(mapping)
        self.by_source = {field_key(source): target for target, source in mapping}
        self.mapped = {target for target, _ in mapping}

    def field(self, name: str) -> str | None:
        key = field_key(name)
        if key in self.by_source:
            return self.by_source[key]
        if key in BY_NAME and key not in self.mapped:
            return key
        return None

    def unknown(self, name: str) -> str:
        """The note for a name that is not a field: ignored, and how to use it."""
        hint = did_you_mean(field_key(name), [k for k in QUESTION_KEYS if k not in self.mapped])
        return f"'{name}' is not a field of a question{hint}; ignored (use it with --map FIELD={name})"

    def missing_sources(self, names: Iterable[str]) -> list[str]:
        """What to say of each --map source that none of `names` matches, with a suggestion."""
        seen = {field_key(n): n for n in names}
        return [
            f"--map {target}={source}: the file has no '{source}'"
            + did_you_mean(field_key(source), list(seen))
            for target, source in self.pairs
            if field_key(source) not in seen
        ]


def clean_text(value: str) -> str:
    """A text as kept: blank lines around it dropped and a single line trimmed; nothing else changed."""
    lines = value.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) == 1:
        return lines[0].strip()
    if lines:
        lines[-1] = lines[-1].rstrip()
    return "\n".join(lines)


def one_line(value: str) -> str:
    return " ".join(value.split())


_LISTS = MarkdownIt("commonmark")


def split_list(value: str, separator: str | None) -> tuple[str, ...]:
    """A cell holding several items (key points, follow-ups) as its items.

    With a separator, the parts between separators; otherwise the items of a Markdown list when
    the cell is one ('- a' lines, or '1. a'), else one item a line.
    """
    if separator is not None:
        parts = value.split(separator)
    else:
        items = _list_items(value)
        parts = items if items is not None else value.split("\n")
    return tuple(item for item in (clean_text(p) for p in parts) if item)


def _list_items(value: str) -> list[str] | None:
    """The items of a Markdown list that is the whole of `value`, as their source; None if it is not one."""
    tokens = _LISTS.parse(value)
    if not tokens or tokens[0].type not in ("bullet_list_open", "ordered_list_open"):
        return None
    depth = 0
    items: list[str] = []
    lines = value.split("\n")
    for index, token in enumerate(tokens):
        if token.level == 0 and token.type.endswith("_list_close") and index != len(tokens) - 1:
            return None  # more than one list, or something after it
        if token.type == "list_item_open" and token.level == 1:
            depth += 1
            inner = tokens[index + 1 : index + 4]
            simple = [t.type for t in inner] == ["paragraph_open", "inline", "paragraph_close"]
            after = tokens[index + 4] if index + 4 < len(tokens) else None
            if simple and after is not None and after.type == "list_item_close":
                items.append(inner[1].content)
            elif token.map is not None:
                start, end = token.map
                first = lines[start].lstrip()
                marker = len(token.info) + len(token.markup)
                body = [first[marker:].lstrip(), *(line.strip() for line in lines[start + 1 : end])]
                items.append("\n".join(body))
    return items if depth else None


def split_tags(value: str, *, spaces: bool = False) -> tuple[str, ...]:
    """Tags written in one cell: separated by commas or line breaks (or spaces, for Anki)."""
    parts = value.split() if spaces else value.replace("\n", ",").split(",")
    seen: dict[str, None] = {}
    for part in parts:
        tag = one_line(part)
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def to_record(
    values: Mapping[str, str | Sequence[str]],
    line: int,
    read: SourceRead,
    options: ImportOptions,
    *,
    tag_spaces: bool = False,
) -> Record:
    """A record from a source's values by field name: texts cleaned, lists split, difficulty checked."""
    fields: dict[str, Value] = {}
    for name, raw in values.items():
        kind = BY_NAME[name].kind
        if kind in ("list", "names"):
            if isinstance(raw, str):
                items = (
                    split_tags(raw, spaces=tag_spaces)
                    if kind == "names"
                    else split_list(raw, options.list_separator)
                )
            else:
                items = tuple(clean_text(item) for item in raw if clean_text(item))
                if kind == "names":
                    items = tuple(dict.fromkeys(one_line(i) for i in items))
            if items:
                fields[name] = items
            continue
        text = raw if isinstance(raw, str) else "\n".join(raw)
        text = clean_text(text)
        if not text:
            continue
        if kind in ("line", "id"):
            text = one_line(text)
        elif kind == "choice":
            folded = text.casefold()
            if folded not in DIFFICULTIES:
                read.note(line, f"difficulty '{text}' is not easy, medium or hard; left out")
                continue
            text = folded
        fields[name] = text
    return Record(line, fields)


def usable(record: Record, read: SourceRead, what: str) -> bool:
    """Whether a record has a question and an answer; if not, it is noted as skipped."""
    question, answer = record.text("question"), record.text("answer")
    if not question and not answer:
        read.skip(record.line, f"{what} has neither a question nor an answer")
        return False
    if not question:
        read.skip(record.line, f"{what} has an answer but no question")
        return False
    if not answer:
        shown = question if len(question) <= 50 else question[:49] + "…"
        read.skip(record.line, f"'{one_line(shown)}' has no answer")
        return False
    return True
