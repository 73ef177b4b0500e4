"""Turn a YAML file into a tree of Nodes: plain values with the line and column of each.

PyYAML's own composer keeps the last of two equal keys without a word, recurses once per
nesting level (a deep enough file crashes the interpreter) and expands aliases without
limit. So this module builds the tree itself from libyaml's event stream: iteratively,
with duplicate keys reported, nesting and alias expansion bounded.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml import events
from yaml.resolver import Resolver

from guide.errors import Location, Problem, Problems
from guide.files import Refused, read_regular

# Limits: generous for real banks, tight enough that a hostile file is refused quickly.
DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024
ENV_MAX_FILE_MB = "GUIDE_MAX_FILE_MB"
MAX_DEPTH = 64
ALIAS_BUDGET = 100_000  # nodes an alias may add beyond the file's own

Kind = Literal["str", "bool", "int", "float", "null", "timestamp", "seq", "map", "other"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_TAGS: dict[str, Kind] = {
    _CORE + "str": "str",
    _CORE + "bool": "bool",
    _CORE + "int": "int",
    _CORE + "float": "float",
    _CORE + "null": "null",
    _CORE + "timestamp": "timestamp",
    _CORE + "seq": "seq",
    _CORE + "map": "map",
}
_NO_KEY = object()  # a mapping key that was refused (a list or mapping used as a key)
# What scalars have for items and entries: shared, never added to (only sequences and mappings
# get their own, made by the builder).
_NO_ITEMS: list[Node] = []
_NO_ENTRIES: dict[str, tuple[Location, Node]] = {}


class Node:
    """A YAML value: scalars keep their source text; mappings keep key locations.

    A plain class rather than a dataclass: a large bank makes a million of them, and scalars
    share one empty list and mapping rather than allocate their own.
    """

    __slots__ = ("entries", "items", "kind", "location", "quoted", "text")

    def __init__(
        self,
        kind: Kind,
        location: Location,
        text: str = "",
        items: list[Node] | None = None,
        entries: dict[str, tuple[Location, Node]] | None = None,
        quoted: bool = False,
    ) -> None:
        self.kind = kind
        self.location = location
        self.text = text  # a scalar's text as written (after YAML unescaping)
        self.items: list[Node] = _NO_ITEMS if items is None else items  # a sequence's items
        # A mapping's entries: key → (where the key is, its value).
        self.entries: dict[str, tuple[Location, Node]] = _NO_ENTRIES if entries is None else entries
        self.quoted = quoted  # written in '…' or "…" (a block scalar, | or >, is not quoted)

    def __repr__(self) -> str:
        return f"Node({self.kind!r}, {self.location!r}, text={self.text!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def describe(self) -> str:
        """Name the value's type the way an error message should."""
        names = {
            "str": "text",
            "bool": "a boolean",
            "int": "a number",
            "float": "a number",
            "null": "nothing (null)",
            "timestamp": "a date",
            "seq": "a list",
            "map": "a mapping",
            "other": "a value with an unsupported tag",
        }
        return names[self.kind]


def _resolve_plain(value: str) -> Kind:
    """The YAML 1.1 type a plain (unquoted) scalar resolves to, as PyYAML's safe loader does."""
    resolvers = Resolver.yaml_implicit_resolvers
    candidates = resolvers.get(value[0] if value else "", [])
    for tag, regexp in (*candidates, *resolvers.get(None, [])):
        if regexp.match(value):
            # '=' (value) and '<<' (merge) are text to us; a merge key is refused where keys are read.
            return _TAGS.get(tag, "str")
    return "str"


def _size(n: int, other: int) -> str:
    """A byte count for a message, in a unit that tells `n` apart from `other`."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if min(n, other) >= scale // 10 and f"{n / scale:.1f}" != f"{other / scale:.1f}":
            return f"{n / scale:.1f} {unit}"
    return f"{n:,} {'byte' if n == 1 else 'bytes'}"


_CONTROL_NAMES = {
    0x00: "null",
    0x07: "bell",
    0x08: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x1B: "escape",
    0x7F: "delete",
}


# Ranges whose characters Unicode names by their code point ("CJK UNIFIED IDEOGRAPH-2A6A5"), up to
# Unicode 15.1: those added after the version Python's database knows are named all the same.
_NAMED_BY_CODE = (
    (0x3400, 0x4DBF, "cjk unified ideograph"),
    (0x4E00, 0x9FFF, "cjk unified ideograph"),
    (0x20000, 0x2A6DF, "cjk unified ideograph"),
    (0x2A700, 0x2EE5D, "cjk unified ideograph"),
    (0x30000, 0x323AF, "cjk unified ideograph"),
    (0xF900, 0xFAFF, "cjk compatibility ideograph"),
    (0x2F800, 0x2FA1F, "cjk compatibility ideograph"),
    (0x17000, 0x187F7, "tangut ideograph"),
    (0x18D00, 0x18D08, "tangut ideograph"),
    (0x18B00, 0x18CD5, "khitan small script character"),
    (0x1B170, 0x1B2FB, "nushu character"),
)
_CODE_SUFFIX = re.compile(r"-[0-9A-F]{4,6}$")


def char_name(char: str) -> str:
    """A character's Unicode name, whole, in lower case but for a code point it ends with ("cjk
    unified ideograph-2A6A5"), or what it is if Unicode gives it no name: never "" or a name cut short."""
    name = unicodedata.name(char, "")
    if name:
        suffix = _CODE_SUFFIX.search(name)
        return name.lower() if suffix is None else name[: suffix.start()].lower() + suffix.group()
    code = ord(char)
    for first, last, prefix in _NAMED_BY_CODE:
        if first <= code <= last:
            return f"{prefix}-{code:04X}"
    category = unicodedata.category(char)
    if category == "Cs":
        return "a lone surrogate, half of a UTF-16 pair and not a character"
    if category == "Co":
        return "a private-use character"
    if category == "Cc":
        control = _CONTROL_NAMES.get(code)
        return f"{control}, a control character" if control else "a control character"
    if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
        return "a noncharacter"
    return f"a character Unicode {unicodedata.unidata_version} does not name"


def describe_char(char: str) -> str:
    """Name a character for a message, including those Unicode gives no name (controls, surrogates)."""
    return char_name(char)


def read_text(
    path: Path, display: str, problems: Problems, max_bytes: int, *, follow_links: bool = True
) -> str | None:
    """Read a UTF-8 text file, or record why it cannot be read and return None.

    Only a regular file is read (a pipe or device is refused, never waited on), and no more of it
    than `max_bytes`; with follow_links=False, a path that is a symbolic link is refused.
    """
    where = Location(display)
    try:
        data = read_regular(path, max_bytes, follow_links=follow_links)
    except Refused as refused:
        if refused.why == "folder":
            problems.error(where, "expected a YAML file, found a folder; rename the folder or move it away")
        elif refused.why == "special":
            problems.error(where, "expected a YAML file, found a special file (a pipe or device); replace it")
        elif refused.why == "link":
            problems.error(where, "expected a YAML file, found a symbolic link; put the file itself here")
        else:
            size = refused.size
            problems.error(
                where,
                f"the file is {_size(size, max_bytes)}, over the limit of {_size(max_bytes, size)};"
                " split its questions across files in questions/, or raise the limit with --max-file-size",
            )
        return None
    except OSError as exc:
        problems.error(where, _os_problem(path, exc))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.error(Location(display, 1, 1), "the file is UTF-16, expected UTF-8; save it as UTF-8")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", "replace")
        problems.error(
            _offset_location(before, display, len(before)),
            f"the file is not UTF-8: expected UTF-8 text, found the byte 0x{data[exc.start]:02x}"
            " (perhaps Latin-1 or Windows-1252); save the file as UTF-8",
        )
        return None
    return text.removeprefix("\ufeff")


def _os_problem(path: Path, exc: OSError) -> str:
    """Say why a file cannot be read, and what to do about it."""
    if exc.errno == errno.ELOOP:
        return "the file is a symbolic link that leads back to itself; point it at a real file or delete it"
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            target = os.readlink(path)
            return f"the file is a symbolic link to '{target}', which does not exist; fix or delete it"
        return "file not found"
    if exc.errno == errno.EISDIR:
        return "expected a YAML file, found a folder; rename the folder or move it away"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read the file: permission denied; make it readable (chmod a+r)"
    return f"cannot read the file: {exc.strerror or exc}"


def load_yaml(
    path: Path, display: str, problems: Problems, *, max_bytes: int | None = None, follow_links: bool = True
) -> Node | None:
    """Read and parse one YAML file into a Node tree (empty: a null Node); problems go to `problems`.

    The file, and the text its aliases expand to, must stay within `max_bytes`.
    """
    if max_bytes is None:
        max_bytes = max_file_bytes()
        if max_bytes is None:
            max_bytes = DEFAULT_MAX_FILE_BYTES
            bad = Problem(
                Location(ENV_MAX_FILE_MB),
                f"{ENV_MAX_FILE_MB} must be a number of MiB above 0, such as 16, found"
                f" '{os.environ[ENV_MAX_FILE_MB]}'; fix it or unset it",
            )
            if bad not in problems.items:  # once, not once per file
                problems.items.append(bad)
    text = read_text(path, display, problems, max_bytes, follow_links=follow_links)
    if text is None:
        return None
    return parse_yaml(text, display, problems, max_bytes=max_bytes)


def max_file_bytes() -> int | None:
    """The per-file size limit: GUIDE_MAX_FILE_MB, else 16 MiB; None when the variable is not a size."""
    raw = os.environ.get(ENV_MAX_FILE_MB, "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_BYTES
    try:
        megabytes = float(raw)
    except ValueError:
        return None
    return int(megabytes * 1024 * 1024) if 0 < megabytes < float("inf") else None


def parse_yaml(text: str, display: str, problems: Problems, *, max_bytes: int | None = None) -> Node | None:
    """Parse YAML text into a Node tree, or record why it cannot be read and return None.

    An empty document (nothing, or only comments) gives a null Node at line 1, column 1. The
    text the tree holds once its aliases are expanded is bounded like a file: by `max_bytes`
    (16 MiB unless told), counted in characters.
    """
    text = text.removeprefix("\ufeff")
    bad = _SURROGATE.search(text)
    if bad is not None:  # only possible for text that did not come from a file; libyaml refuses it
        at = bad.start()
        problems.error(_offset_location(text, display, at), f"the text contains {describe_char(text[at])}")
        return None
    # YAML 1.1 (libyaml) counts NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR as line breaks,
    # editors do not: every line number after one would be off. Refuse them where they stand.
    found = _YAML_ONLY_BREAK.search(text)
    if found is not None:
        odd = found.start()
        char = text[odd]
        problems.error(
            _offset_location(text, display, odd),
            f"the file contains U+{ord(char):04X} ({describe_char(char)}), which YAML reads as a line"
            " break though editors do not; replace it with a space or a real line break",
        )
        return None
    limit = DEFAULT_MAX_FILE_BYTES if max_bytes is None else max_bytes
    builder = _Builder(display, problems, text, max(limit, len(text)))
    try:
        root = builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        where, message = _syntax_problem(exc, text, display)
        problems.error(where, f"invalid YAML: {message}")
        return None
    except yaml.reader.ReaderError as exc:
        # libyaml counts the position in UTF-8 bytes.
        offset = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
        char = text[offset] if offset < len(text) else ""
        name = f"U+{ord(char):04X} ({describe_char(char)})" if char else "a character"
        problems.error(
            _offset_location(text, display, offset),
            f"the file contains {name}, which YAML does not allow and cannot be printed; delete it",
        )
        return None
    except yaml.YAMLError as exc:
        problems.error(Location(display), f"invalid YAML: {exc}")
        return None
    except _Refused:
        return None
    return root if root is not None else Node("null", Location(display, 1, 1))


# Line breaks as YAML and editors count them: a file saved on Windows (CRLF) or an old Mac (CR)
# has its lines where the editor shows them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _offset_location(text: str, display: str, offset: int) -> Location:
    """The line and column of a character of the text, lines ending in LF, CRLF or CR alike."""
    line, start = 1, 0
    for found in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, found.end()
    return Location(display, line, offset - start + 1)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> tuple[Location, str]:
    """Turn libyaml's description of a syntax error into a place and a message that says the fix."""
    problem = exc.problem or exc.context or "the file cannot be read as YAML"
    context = exc.context or ""
    pm = exc.problem_mark or exc.context_mark
    cm = exc.context_mark
    lines = text.splitlines()

    def char_at(mark: Any) -> str:
        if mark is None or mark.line >= len(lines):
            return ""
        line = lines[mark.line]
        return line[mark.column] if mark.column < len(line) else ""

    def loc(mark: Any) -> Location:
        return Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)

    def at(mark: Any) -> str:
        return f"line {mark.line + 1}, column {mark.column + 1}"

    char = char_at(pm)
    tab = "a tab in the indentation; YAML indents with spaces only: replace the tab with spaces"
    if problem == "found a tab character that violates indentation":
        return loc(pm), tab
    if problem == "found character that cannot start any token":
        if char == "\t":
            return loc(pm), tab
        return loc(pm), f"a value cannot start with '{char}'; put the whole value in quotes"
    if problem == "mapping values are not allowed in this context":
        return loc(pm), (
            "found ': ' inside a value that is not in quotes, or a key indented under a value;"
            " put the whole value in quotes, or fix the indentation"
        )
    for opening, closing, what in (("[", "]", "list"), ("{", "}", "mapping")):
        if problem == f"did not find expected ',' or '{closing}'" and cm is not None:
            return loc(cm), (
                f"the {what} opened with '{opening}' here is not closed: expected ',' or '{closing}'"
                f" at {at(pm)}; close it with '{closing}', or put text holding"
                f" '{opening}', '{closing}' or ',' in quotes"
            )
    if problem == "did not find expected key":
        if char == "-":
            return loc(pm), (
                "expected a key, found a list item ('- '); indent the list under the key it belongs to"
            )
        if char in ("]", "}"):
            return loc(pm), f"found '{char}' with no opening bracket; remove it, or put the value in quotes"
    if problem in ("did not find expected key", "did not find expected '-' indicator"):
        what = "mapping" if "mapping" in context else "list"
        start = f" (the {what} starts at {at(cm)})" if cm is not None else ""
        return loc(pm), (
            "bad indentation: expected this line to line up with the keys or '- ' items above it,"
            f" found it indented differently{start}; indent it exactly like the lines it belongs with"
        )
    if problem == "found unexpected end of stream" and "quoted scalar" in context and cm is not None:
        quote = char_at(cm) or "quote"
        return loc(cm), f"the value opened with {quote} here is never closed; add the closing {quote}"
    if problem == "found unknown escape character" and pm is not None:
        escape = lines[pm.line][pm.column : pm.column + 2]
        return loc(pm), (
            f"unknown escape '{escape}' in a double-quoted value; write '\\\\' for a backslash,"
            " or use single quotes, which keep backslashes as they are"
        )
    if problem == "found invalid Unicode character escape code" and pm is not None:
        source = lines[pm.line]
        begin = source.rfind("\\", 0, pm.column + 1)
        end = begin + 2
        while end < len(source) and source[end] in "0123456789abcdefABCDEF":
            end += 1
        escape = source[begin:end] if begin >= 0 else "the escape"
        return Location(display, pm.line + 1, begin + 1 if begin >= 0 else pm.column + 1), (
            f"'{escape}' is not a character (a lone surrogate, or past U+10FFFF);"
            " write the character itself, or the escape of a whole character"
        )
    if problem == "found undefined tag handle" and pm is not None:
        tag = lines[pm.line][pm.column :].split(maxsplit=1)[0] if char else "!"
        return loc(pm), f"unknown YAML tag '{tag}'; guide files need no tags: remove it"
    if problem == "could not find expected ':'" and cm is not None:
        return loc(cm), (
            "expected ':' after a key; a value that goes on over several lines must be indented"
            " more than its key, or put in quotes"
        )
    if problem == "did not find expected <document start>":
        # A whole value (the file's) ended, and more follows. An INI file's '[section]' line is
        # a whole list to YAML, so INI gets here too.
        section = _ini_section(lines)
        if section:
            return Location(display, section, 1), (
                "this looks like an INI file ('[section]' lines, 'key = value' lines), but guide reads"
                " YAML: write one 'key: value' per line, without '[section]' lines (title: My guide)"
            )
        upto = pm.line if pm is not None else len(lines)
        before = [line.strip() for line in lines[:upto] if line.strip() and line.lstrip()[0] != "#"]
        if before and before[-1] == "...":
            return loc(pm), "text after the end of the document ('...'); remove the '...' line"
        return loc(pm), (
            "more text after a value that was already complete (a file holds one value: 'key: value'"
            " lines, or a list of '- ' items); check the lines above, and put a value that starts with"
            " a quote or a bracket in quotes as a whole"
        )
    if problem == "did not find expected comment or line break" and "block scalar" in context:
        return loc(pm), "after '|' or '>' the text must start on the next line; move it down and indent it"
    if problem == "did not find expected alphabetic or numeric character" and context in (
        "while scanning an alias",
        "while scanning an anchor",
    ):
        sign = "*" if "alias" in context else "&"
        return loc(cm or pm), (
            f"'{sign}' starts an {'alias' if sign == '*' else 'anchor'} and must be followed by a name;"
            " to write the character itself, put the value in quotes"
        )
    where = f" ({context} at {at(cm)})" if context and cm is not None and cm is not pm else ""
    return loc(pm), f"{problem}{where}; check the quotes and the indentation here"


_INI_SECTION = re.compile(r"\s*\[[^\]\[]+\]\s*(?:[;#].*)?\Z")
_INI_SETTING = re.compile(r"\s*[\w.-]+\s*=")


def _ini_section(lines: list[str]) -> int:
    """The line of the first '[section]' of a file that reads as INI (its first line of content a
    section, 'key = value' lines below), or 0 when it does not."""
    content = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and line.lstrip()[0] not in ";#"]
    if content and _INI_SECTION.match(content[0][1]) and any(_INI_SETTING.match(line) for _, line in content):
        return content[0][0]
    return 0


class _Refused(Exception):
    """The file was refused (too deep, too many aliases); the problem is already recorded."""


def _place(first: Location, here: Location) -> str:
    """Where a first occurrence is, as a message says it: 'line 12', or 'column 5' on the same line."""
    return f"column {first.column}" if first.line == here.line else f"line {first.line}"


_SCALAR = events.ScalarEvent
_SURROGATE = re.compile("[\ud800-\udfff]")
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")
_TIGHT_COMMENT = re.compile(r"[ \t]#[^\s#]")  # one space, '#', then a word: text, not a comment


class _Builder:
    """Assemble Nodes from parser events with an explicit stack (no recursion)."""

    def __init__(
        self, display: str, problems: Problems, source: str = "", max_chars: int = DEFAULT_MAX_FILE_BYTES
    ) -> None:
        self.display = display
        self.problems = problems
        self.source = source
        # anchor → (node, values, characters, levels of nesting) that each alias of it adds
        self.anchors: dict[str, tuple[Node, int, int, int]] = {}
        self.alias_nodes = 0
        # The text the tree holds, counted as it expands: the file's own, then each alias's.
        self.chars = len(source)
        self.max_chars = max_chars

    def where(self, event: events.Event) -> Location:
        mark = event.start_mark
        if mark is None:
            return Location(self.display)
        return Location(self.display, mark.line + 1, mark.column + 1)

    def tag_problem(self, event: events.NodeEvent, tag: str) -> None:
        shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
        self.problems.error(
            self.where(event),
            f"unsupported YAML tag '{shown}': guide files hold only text, lists and mappings; remove the tag",
        )

    def build(self, stream: Iterator[events.Event]) -> Node | None:
        # Stack frames: [node, pending key (for maps), key location, anchor, size, is a sequence,
        # characters, levels of nesting]
        stack: list[list[Any]] = []
        root: Node | None = None
        documents = 0
        for event in stream:
            cls = type(event)
            if cls is _SCALAR:  # most events: tested first
                value = self.scalar(event)  # type: ignore[arg-type]
                if stack:
                    self.attach(stack[-1], value, 1, len(value.text), 0, plain_key=True)
                else:
                    root = value
                continue
            if isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problems.error(
                        self.where(event),
                        "a second YAML document starts here, but a file holds one;"
                        " remove the '---' line and what follows, or move it to its own file",
                    )
                    raise _Refused
                continue
            node: Node | None = None
            size, chars, height = 1, 0, 0
            if isinstance(event, events.ScalarEvent):
                node = self.scalar(event)
                chars = len(node.text)
            elif isinstance(event, events.AliasEvent):
                name = event.anchor or ""
                anchored = self.anchors.get(name)
                if anchored is None:
                    if any(frame[3] == name for frame in stack):
                        message = (
                            f"the alias '*{name}' is inside the value it refers to, which would never end;"
                            " write the value out"
                        )
                    else:
                        message = (
                            f"unknown alias '*{name}': no anchor '&{name}' comes before it;"
                            f" define '&{name}' earlier, or write the value out"
                        )
                    self.problems.error(self.where(event), message)
                    raise _Refused
                node, size, chars, height = anchored
                self.alias_nodes += size
                self.chars += chars
                if self.alias_nodes > ALIAS_BUDGET:
                    self.problems.error(
                        self.where(event),
                        f"aliases here expand to more than {ALIAS_BUDGET:,} values, which looks like an"
                        " alias bomb; write the values out instead of aliases of aliases",
                    )
                    raise _Refused
                if self.chars > self.max_chars:
                    limit = _size(self.max_chars, 1 << 62)
                    self.problems.error(
                        self.where(event),
                        f"aliases here expand the file's text past {limit}, the limit of a file, which"
                        " counts every copy an alias makes; write the value out where it is needed, or"
                        " raise the limit with --max-file-size",
                    )
                    raise _Refused
                if len(stack) + height > MAX_DEPTH:
                    self.problems.error(
                        self.where(event),
                        f"this alias nests its values more than {MAX_DEPTH} levels deep; a guide needs"
                        " only a few levels: flatten the structure",
                    )
                    raise _Refused
            elif isinstance(event, events.SequenceStartEvent | events.MappingStartEvent):
                kind: Kind = "seq" if isinstance(event, events.SequenceStartEvent) else "map"
                if event.tag not in (None, "!", _CORE + kind):
                    self.tag_problem(event, event.tag)
                    kind = "other"  # reported: whoever reads it skips it rather than report it again
                if len(stack) >= MAX_DEPTH:
                    self.problems.error(
                        self.where(event),
                        f"values nested more than {MAX_DEPTH} levels deep; a guide needs only a few"
                        " levels: flatten the structure",
                    )
                    raise _Refused
                is_seq = isinstance(event, events.SequenceStartEvent)
                node = Node(kind, self.where(event), items=[], entries={})
                stack.append([node, None, None, event.anchor, 1, is_seq, 0, 1])
                continue
            elif isinstance(event, events.SequenceEndEvent | events.MappingEndEvent):
                node, _, _, anchor, size, _, chars, height = stack.pop()
                if anchor:
                    self.anchors[anchor] = (node, size, chars, height)
            else:
                continue
            assert node is not None
            if not stack:
                root = node
                continue
            scalar = isinstance(event, events.ScalarEvent)
            self.attach(stack[-1], node, size, chars, height, plain_key=scalar)
        return root

    def attach(
        self, frame: list[Any], node: Node, size: int, chars: int, height: int, *, plain_key: bool
    ) -> None:
        parent: Node = frame[0]
        frame[4] += size
        frame[6] += chars
        if height >= frame[7]:
            frame[7] = height + 1
        if parent.kind == "seq" or (parent.kind == "other" and frame[5]):
            parent.items.append(node)
            return
        if frame[1] is None:  # this node is a key
            if node.kind in ("seq", "map"):
                self.problems.error(
                    node.location, f"a key must be plain text, found {node.describe()}; write the key as text"
                )
                frame[1] = _NO_KEY
            elif node.text == "<<" and plain_key and not node.quoted:
                self.problems.error(
                    node.location, "merge keys ('<<') are not supported; write the fields out in full"
                )
                frame[1] = _NO_KEY
            else:
                frame[1] = node.text
            frame[2] = node.location
            return
        key, key_location = frame[1], frame[2]
        frame[1] = None
        if key is _NO_KEY:
            return
        if key in parent.entries:
            first = parent.entries[key][0]
            self.problems.error(
                key_location,
                f"duplicate key '{key}' (first at {_place(first, key_location)});"
                " YAML would keep only the last,"
                " so remove or rename one",
            )
            return
        parent.entries[key] = (key_location, node)

    def scalar(self, event: events.ScalarEvent) -> Node:
        mark = event.start_mark
        where = (
            Location(self.display, mark.line + 1, mark.column + 1)
            if mark is not None
            else Location(self.display)
        )
        tag = event.tag
        plain = not event.style  # libyaml gives '' for plain scalars, the pure-Python parser None
        quoted = event.style in ("'", '"')
        if tag is None:
            kind: Kind = _resolve_plain(event.value) if plain else "str"
        elif tag == "!":  # the non-specific tag: '! 12' is the text "12"
            kind = "str"
        else:
            resolved = _TAGS.get(tag)
            if resolved is None or resolved in ("seq", "map"):
                self.tag_problem(event, tag)
                resolved = "other"
            kind = resolved
        node = Node(kind, where, text=event.value, quoted=quoted)
        if event.anchor:
            self.anchors[event.anchor] = (node, 1, len(event.value), 0)
        end = event.end_mark
        if plain and end is not None and _TIGHT_COMMENT.match(self.source, end.index):
            # 'answer: C# is #1' is the text 'C# is': YAML takes ' #1' for a comment. A comment
            # written so tight ('#' then a word, one space before) was most likely meant as text.
            self.problems.warning(
                Location(self.display, end.line + 1, end.column + 2),
                f"YAML reads ' #' as the start of a comment, so the value ends at '{event.value[-20:]}'"
                " and the rest of the line is left out; put the whole value in quotes to keep it",
                group="values that YAML cuts short at ' #'",
            )
        return node


def iter_problems(problems: Problems) -> Iterator[Problem]:
    """All problems collected so far, sorted by place."""
    yield from sorted(problems.items, key=Problem.sort_key)
