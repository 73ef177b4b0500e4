"""Turn a YAML file into a tree of Nodes: plain values with the line and column of each.

PyYAML's own composer keeps the last of two equal keys without a word, recurses once per
nesting level (a deep enough file crashes the interpreter) and expands aliases without
limit. So this module builds the tree itself from libyaml's event stream: iteratively,
with duplicate keys reported, nesting and alias expansion bounded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml import events
from yaml.resolver import Resolver

from guide.errors import Location, Problem, Problems

# Limits: generous for real banks, tight enough that a hostile file is refused quickly.
DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
ALIAS_BUDGET = 100_000  # nodes an alias may add beyond the file's own

Kind = Literal["str", "bool", "int", "float", "null", "timestamp", "seq", "map", "other"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAGS: dict[str, Kind] = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
    "tag:yaml.org,2002:seq": "seq",
    "tag:yaml.org,2002:map": "map",
}
_SHORT_TAGS = {"!!" + k.rsplit(":", 1)[1]: v for k, v in _TAGS.items()}


@dataclass(slots=True)
class Node:
    """A YAML value: scalars keep their source text; mappings keep key locations."""

    kind: Kind
    location: Location
    text: str = ""  # a scalar's text as written (after YAML unescaping)
    items: list[Node] = field(default_factory=list)  # a sequence's items
    entries: dict[str, tuple[Location, Node]] = field(default_factory=dict)  # key → (where, value)
    quoted: bool = False

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
            "other": "a tagged value",
        }
        return names[self.kind]


def _resolve_plain(value: str) -> Kind:
    """The YAML 1.1 type a plain (unquoted) scalar resolves to, as PyYAML's safe loader does."""
    resolvers = Resolver.yaml_implicit_resolvers
    candidates = resolvers.get(value[0] if value else "", [])
    for tag, regexp in (*candidates, *resolvers.get(None, [])):
        if regexp.match(value):
            return _TAGS.get(tag, "other")
    return "str"


def read_text(path: Path, display: str, problems: Problems, max_bytes: int) -> str | None:
    """Read a UTF-8 text file, or record why it cannot be read and return None."""
    where = Location(display)
    try:
        if path.is_dir():
            problems.error(where, "expected a file, found a folder")
            return None
        size = path.stat().st_size
    except FileNotFoundError:
        problems.error(where, "file not found")
        return None
    except OSError as exc:
        problems.error(where, f"cannot read the file: {exc.strerror or exc}")
        return None
    if size > max_bytes:
        problems.error(
            where,
            f"file is {size / 1048576:.1f} MiB, over the limit of {max_bytes / 1048576:.1f} MiB;"
            " split the questions across files in questions/, or raise the limit with"
            " --max-file-size",
        )
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(where, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(
            Location(display, line, column),
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        )
        return None
    return text.removeprefix("\ufeff")


def load_yaml(path: Path, display: str, problems: Problems, *, max_bytes: int | None = None) -> Node | None:
    """Read and parse one YAML file into a Node tree; problems go to `problems`."""
    limit = max_bytes if max_bytes is not None else max_file_bytes()
    text = read_text(path, display, problems, limit)
    if text is None:
        return None
    return parse_yaml(text, display, problems)


def max_file_bytes() -> int:
    """The per-file size limit: GUIDE_MAX_FILE_MB in the environment, else 16 MiB."""
    raw = os.environ.get("GUIDE_MAX_FILE_MB", "")
    try:
        return int(float(raw) * 1024 * 1024) if raw else DEFAULT_MAX_FILE_BYTES
    except ValueError:
        return DEFAULT_MAX_FILE_BYTES


def parse_yaml(text: str, display: str, problems: Problems) -> Node | None:
    """Parse YAML text into a Node tree, or record the syntax error and return None."""
    builder = _Builder(display, problems)
    try:
        return builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        what = exc.problem or exc.context or "invalid YAML"
        problems.error(where, f"YAML syntax: {what}")
    except yaml.YAMLError as exc:
        problems.error(Location(display), f"YAML syntax: {exc}")
    except _Refused:
        pass
    return None


class _Refused(Exception):
    """The file was refused (too deep, too many aliases); the problem is already recorded."""


class _Builder:
    """Assemble Nodes from parser events with an explicit stack (no recursion)."""

    def __init__(self, display: str, problems: Problems) -> None:
        self.display = display
        self.problems = problems
        self.anchors: dict[str, tuple[Node, int]] = {}  # anchor → (node, expanded size)
        self.alias_nodes = 0

    def where(self, event: events.Event) -> Location:
        mark = event.start_mark
        if mark is None:
            return Location(self.display)
        return Location(self.display, mark.line + 1, mark.column + 1)

    def build(self, stream: Iterator[events.Event]) -> Node | None:
        # Stack frames: [node, pending key (for maps), key location, anchor, size]
        stack: list[list[Any]] = []
        root: Node | None = None
        documents = 0
        for event in stream:
            if isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problems.error(
                        self.where(event),
                        "more than one YAML document; a file holds one (remove '---')",
                    )
                    raise _Refused
                continue
            node: Node | None = None
            size = 1
            if isinstance(event, events.ScalarEvent):
                node = self.scalar(event)
            elif isinstance(event, events.AliasEvent):
                anchored = self.anchors.get(event.anchor or "")
                if anchored is None:
                    self.problems.error(self.where(event), f"unknown alias '*{event.anchor}'")
                    raise _Refused
                node, size = anchored
                self.alias_nodes += size
                if self.alias_nodes > ALIAS_BUDGET:
                    self.problems.error(
                        self.where(event),
                        f"aliases expand to more than {ALIAS_BUDGET:,} values; write the values out",
                    )
                    raise _Refused
            elif isinstance(event, events.SequenceStartEvent | events.MappingStartEvent):
                kind: Kind = "seq" if isinstance(event, events.SequenceStartEvent) else "map"
                if event.tag not in (None, "!", f"tag:yaml.org,2002:{kind}"):
                    self.problems.error(self.where(event), f"YAML tags like '{event.tag}' are not supported")
                    raise _Refused
                if len(stack) >= MAX_DEPTH:
                    self.problems.error(self.where(event), f"values nested more than {MAX_DEPTH} levels deep")
                    raise _Refused
                stack.append([Node(kind, self.where(event)), None, None, event.anchor, 1])
                continue
            elif isinstance(event, events.SequenceEndEvent | events.MappingEndEvent):
                node, _, _, anchor, size = stack.pop()
                if anchor:
                    self.anchors[anchor] = (node, size)
            else:
                continue
            assert node is not None
            if not stack:
                root = node
                continue
            self.attach(stack[-1], node, event, size)
        return root

    def attach(self, frame: list[Any], node: Node, event: events.Event, size: int) -> None:
        parent: Node = frame[0]
        frame[4] += size
        if parent.kind == "seq":
            parent.items.append(node)
            return
        if frame[1] is None:  # this node is a key
            if node.kind in ("seq", "map"):
                self.problems.error(node.location, "a key must be plain text, not a list or mapping")
                frame[1] = ""
            else:
                frame[1] = node.text
            frame[2] = node.location
            return
        key, key_location = frame[1], frame[2]
        frame[1] = None
        if key in parent.entries:
            first = parent.entries[key][0]
            self.problems.error(
                key_location,
                f"duplicate key '{key}' (first at line {first.line}); YAML keeps only the last,"
                " so remove or rename one",
            )
            return
        parent.entries[key] = (key_location, node)

    def scalar(self, event: events.ScalarEvent) -> Node:
        where = self.where(event)
        tag = event.tag
        quoted = event.style is not None and event.style in "'\""
        if tag in (None, "!"):
            plain_implicit = event.implicit[0] if event.implicit else True
            kind: Kind = _resolve_plain(event.value) if plain_implicit and not event.style else "str"
        else:
            resolved = _TAGS.get(tag) or _SHORT_TAGS.get(tag)
            if resolved is None:
                self.problems.error(where, f"YAML tags like '{tag}' are not supported")
                resolved = "other"
            kind = resolved
        node = Node(kind, where, text=event.value, quoted=quoted)
        if event.anchor:
            self.anchors[event.anchor] = (node, 1)
        return node


def iter_problems(problems: Problems) -> Iterator[Problem]:
    """All problems collected so far, sorted by place."""
    yield from sorted(problems.items, key=Problem.sort_key)
