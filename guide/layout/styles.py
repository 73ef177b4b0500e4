"""Turn style files (a base and overlays with `extends:`) into a Theme; no ReportLab here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from guide.data.source import DEFAULT_MAX_FILE_BYTES, Node, load_yaml
from guide.errors import Location, Problems, did_you_mean, display_path

STYLES_DIR = Path(__file__).resolve().parents[2] / "styles"
UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
PAPERS = {"A4": (595.2756, 841.8898), "LETTER": (612.0, 792.0), "A5": (419.5276, 595.2756)}
FACES = ("regular", "bold", "italic", "bold_italic")
ALIGNMENTS = ("left", "right", "center", "justify")
_LENGTH = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*\Z")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")

TOP_KEYS = (
    "extends", "name", "paper", "margins", "duplex", "fonts", "fallback", "colours", "notes", "labels",
    "styles",
)  # fmt: skip
MARGIN_KEYS = ("top", "bottom", "inner", "outer")
STYLE_KEYS = ("parent", "font", "bold", "italic", "size", "leading", "colour", "space_before", "space_after",
              "left_indent", "alignment")  # fmt: skip
REQUIRED_STYLES = ("body", "small", "label", "meta", "header", "cover_title", "cover_subtitle", "cover_meta",
                   "heading", "subheading", "question_number", "question", "guidance", "code", "toc_topic",
                   "toc_entry", "table")  # fmt: skip
REQUIRED_COLOURS = ("text", "muted", "accent", "rule", "tint", "code_background", "link", "note_line")
REQUIRED_LABELS = ("study_guide", "answer_key", "contents", "how_to_use", "guidance", "notes", "answer_ref",
                   "question_ref", "answer", "key_points", "follow_ups", "continued", "question", "questions",
                   "topic", "page", "of", "whats_new", "added", "revised", "retired")  # fmt: skip


@dataclass(frozen=True)
class FontFamily:
    """Four faces of one family, by file path; a missing face is the regular one."""

    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@dataclass(frozen=True)
class TextStyle:
    """A named paragraph style, inheritance already applied; lengths in points."""

    name: str
    font: str
    size: float
    leading: float
    colour: str
    bold: bool = False
    italic: bool = False
    space_before: float = 0.0
    space_after: float = 0.0
    left_indent: float = 0.0
    alignment: str = "left"


@dataclass(frozen=True)
class Theme:
    """Everything the layout needs to know about the look of the pages."""

    name: str
    paper: tuple[float, float]
    margins: dict[str, float]
    duplex: bool
    families: dict[str, FontFamily]
    fallback: tuple[str, ...]
    colours: dict[str, str]
    note_lines: int
    note_spacing: float
    labels: dict[str, str]
    styles: dict[str, TextStyle]
    files: tuple[Path, ...] = field(default=(), compare=False)  # the style files read, base first


def resolve_style_path(name: str) -> Path:
    """A style argument as a file: a path to a YAML file, or a name in ./styles or guide's styles/."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or "/" in name or "\\" in name:
        return candidate
    local = Path("styles") / f"{name}.yaml"
    return local if local.exists() else STYLES_DIR / f"{name}.yaml"


def load_theme(name: str) -> Theme:
    """Load a style by name or path, with its `extends:` chain, into a Theme; GuideError lists problems."""
    problems = Problems()
    path = resolve_style_path(name)
    if path.parent == STYLES_DIR and not path.exists():
        shipped = ", ".join(sorted(p.stem for p in STYLES_DIR.glob("*.yaml")))
        problems.error(
            Location("--style"), f"no style named '{name}' (styles: {shipped}; or give a style file's path)"
        )
    chain = [] if problems.has_errors else _load_chain(path, problems)
    problems.raise_if_errors()
    merged = chain[0][1]
    for _, node in chain[1:]:
        merged = _merge(merged, node)
    theme = _Reader(problems, [path for path, _ in chain]).theme(merged, chain[-1][0].stem)
    problems.raise_if_errors()
    assert theme is not None
    return theme


def _load_chain(path: Path, problems: Problems) -> list[tuple[Path, Node]]:
    """The style file and its ancestors, base first."""
    chain: list[tuple[Path, Node]] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            problems.error(Location(display_path(current)), "styles extend each other in a loop")
            break
        seen.add(resolved)
        # The bank's size limit (--max-file-size) is for question files; a style is always small.
        node = load_yaml(current, display_path(current), problems, max_bytes=DEFAULT_MAX_FILE_BYTES)
        if node is None:
            break
        if node.kind != "map":
            problems.error(node.location, f"a style file holds a mapping, found {node.describe()}")
            break
        chain.append((current, node))
        parent = node.entries.get("extends")
        current = None
        if parent is not None:
            value = parent[1]
            if value.kind != "str" or not value.text.strip():
                problems.error(value.location, "extends names a style, such as: extends: base")
                break
            sibling = path.parent / f"{value.text}.yaml"
            current = sibling if sibling.exists() else resolve_style_path(value.text)
            if not current.exists():
                problems.error(value.location, f"style '{value.text}' not found (looked for {current})")
                current = None
    chain.reverse()
    return chain


def _merge(base: Node, overlay: Node) -> Node:
    """Overlay a style mapping on another: mappings merge key by key, anything else replaces."""
    if base.kind != "map" or overlay.kind != "map":
        return overlay
    entries = dict(base.entries)
    for key, (where, value) in overlay.entries.items():
        if key in entries and key != "extends":
            entries[key] = (where, _merge(entries[key][1], value))
        else:
            entries[key] = (where, value)
    return Node("map", overlay.location, entries=entries)


class _Reader:
    """Read a merged style tree into a Theme, collecting every problem."""

    def __init__(self, problems: Problems, files: list[Path]) -> None:
        self.problems = problems
        self.files = files
        # Names defined but broken: their own error is enough, so uses of them are not reported too.
        self.broken: set[str] = set()

    def theme(self, root: Node, name: str) -> Theme | None:
        self.keys(root, TOP_KEYS, "style")
        paper = self.paper(root)
        margins = {
            k: self.length(self.entry(root, "margins", "map"), k, 20 * UNITS["mm"]) for k in MARGIN_KEYS
        }
        duplex = self.boolean(root, "duplex", False)
        families = self.families(self.entry(root, "fonts", "map"))
        fallback = self.fallback(root, families)
        colours = self.colours(self.entry(root, "colours", "map"))
        notes = self.entry(root, "notes", "map")
        note_lines = self.integer(notes, "lines", 5)
        note_spacing = self.length(notes, "spacing", 22.0)
        labels = self.labels(self.entry(root, "labels", "map"))
        styles = self.text_styles(self.entry(root, "styles", "map"), families, colours)
        if self.problems.has_errors:
            return None
        return Theme(
            name, paper, margins, duplex, families, fallback, colours, note_lines, note_spacing, labels,
            styles, tuple(self.files),
        )  # fmt: skip

    # --- generic readers -----------------------------------------------------------------------

    def entry(self, node: Node | None, key: str, kind: str) -> Node | None:
        if node is None:
            return None
        found = node.entries.get(key)
        if found is None:
            self.problems.error(node.location, f"the style has no '{key}'")
            return None
        value = found[1]
        if value.kind != kind:
            expected = {"map": "a mapping", "seq": "a list", "str": "text"}[kind]
            self.problems.error(value.location, f"'{key}' must be {expected}, found {value.describe()}")
            return None
        return value

    def keys(self, node: Node, allowed: tuple[str, ...], what: str) -> None:
        for key, (where, _) in node.entries.items():
            if key not in allowed:
                self.problems.error(where, f"unknown {what} key '{key}'{did_you_mean(key, allowed)}")

    def length(self, node: Node | None, key: str, default: float) -> float:
        if node is None:
            return default
        found = node.entries.get(key)
        if found is None:
            self.problems.error(node.location, f"missing '{key}' (a length such as 10pt or 2cm)")
            return default
        return self.parse_length(found[1], key) or default

    def parse_length(self, value: Node, key: str) -> float | None:
        match = _LENGTH.match(value.text) if value.kind in ("str", "int", "float") else None
        if match is None:
            self.problems.error(
                value.location, f"'{key}' must be a length such as 10pt or 2cm, found '{value.text}'"
            )
            return None
        number, unit = float(match.group(1)), match.group(2)
        if unit not in UNITS:
            self.problems.error(
                value.location,
                f"unknown unit '{unit or '(none)'}' in '{value.text}' (use pt, mm, cm or in)",
            )
            return None
        return number * UNITS[unit]

    def boolean(self, node: Node, key: str, default: bool) -> bool:
        found = node.entries.get(key)
        if found is None:
            return default
        if found[1].kind != "bool":
            self.problems.error(found[1].location, f"'{key}' must be true or false, found '{found[1].text}'")
            return default
        return found[1].text.lower() in ("true", "yes", "on", "y")

    def integer(self, node: Node | None, key: str, default: int) -> int:
        if node is None or key not in node.entries:
            return default
        value = node.entries[key][1]
        if value.kind != "int" or not 0 <= int(value.text, 0) <= 60:
            self.problems.error(
                value.location, f"'{key}' must be a whole number from 0 to 60, found '{value.text}'"
            )
            return default
        return int(value.text, 0)

    # --- parts ------------------------------------------------------------------------------------

    def paper(self, root: Node) -> tuple[float, float]:
        found = root.entries.get("paper")
        if found is None:
            return PAPERS["A4"]
        value = found[1]
        if value.kind == "str" and value.text.upper() in PAPERS:
            return PAPERS[value.text.upper()]
        if value.kind == "seq" and len(value.items) == 2:
            width = self.parse_length(value.items[0], "paper width")
            height = self.parse_length(value.items[1], "paper height")
            if width and height:
                return (width, height)
            return PAPERS["A4"]
        self.problems.error(
            value.location, f"paper must be A4, Letter or [width, height], found '{value.text}'"
        )
        return PAPERS["A4"]

    def families(self, node: Node | None) -> dict[str, FontFamily]:
        families: dict[str, FontFamily] = {}
        if node is None:
            return families
        for name, (_, value) in node.entries.items():
            if value.kind != "map":
                self.problems.error(
                    value.location, f"font '{name}' must map faces to files, found {value.describe()}"
                )
                self.broken.add(name)
                continue
            self.keys(value, FACES, "font face")
            paths: dict[str, Path] = {}
            for face in FACES:
                found = value.entries.get(face)
                if found is None:
                    continue
                path = self.font_file(found[1])
                if path is not None:
                    paths[face] = path
            if "regular" not in paths:
                self.broken.add(name)
                if "regular" not in value.entries:
                    self.problems.error(value.location, f"font '{name}' has no regular face")
                continue
            regular = paths["regular"]
            bold = paths.get("bold", regular)
            italic = paths.get("italic", regular)
            families[name] = FontFamily(name, regular, bold, italic, paths.get("bold_italic", bold))
        return families

    def font_file(self, value: Node) -> Path | None:
        if value.kind != "str":
            self.problems.error(value.location, f"a font face is a .ttf file, found {value.describe()}")
            return None
        origin = Path(value.location.file).parent
        path = origin / value.text
        if not path.is_file():
            self.problems.error(value.location, f"font file '{value.text}' not found (looked for {path})")
            return None
        if path.suffix.lower() not in (".ttf", ".ttc"):
            self.problems.error(value.location, f"font '{value.text}' must be a TrueType (.ttf) file")
            return None
        return path

    def fallback(self, root: Node, families: dict[str, FontFamily]) -> tuple[str, ...]:
        found = root.entries.get("fallback")
        if found is None:
            return ()
        value = found[1]
        if value.kind != "seq":
            self.problems.error(value.location, "fallback must be a list of font names, such as [sans, cjk]")
            return ()
        names = []
        for item in value.items:
            if item.text not in families:
                self.problems.error(
                    item.location,
                    f"unknown font '{item.text}' in fallback{did_you_mean(item.text, list(families))}",
                )
            else:
                names.append(item.text)
        return tuple(names)

    def colours(self, node: Node | None) -> dict[str, str]:
        colours: dict[str, str] = {}
        if node is None:
            return colours
        for name, (_, value) in node.entries.items():
            if value.kind != "str" or not _COLOUR.match(value.text):
                self.problems.error(value.location, f"colour '{name}' must be #rrggbb, found '{value.text}'")
                self.broken.add(name)
                continue
            colours[name] = value.text.lower()
        for name in REQUIRED_COLOURS:
            if name not in colours and name not in node.entries:
                self.problems.error(node.location, f"the style has no colour '{name}'")
        return colours

    def labels(self, node: Node | None) -> dict[str, str]:
        labels: dict[str, str] = {}
        if node is None:
            return labels
        self.keys(node, REQUIRED_LABELS, "label")
        for name in REQUIRED_LABELS:
            found = node.entries.get(name)
            if found is None:
                self.problems.error(node.location, f"the style has no label '{name}'")
            elif found[1].kind != "str":
                self.problems.error(
                    found[1].location, f"label '{name}' must be text, found {found[1].describe()}"
                )
            else:
                labels[name] = found[1].text
        for name in ("answer_ref", "question_ref"):
            if name in labels and "{page}" not in labels[name]:
                self.problems.error(node.entries[name][1].location, f"label '{name}' must contain {{page}}")
        return labels

    def text_styles(
        self, node: Node | None, families: dict[str, FontFamily], colours: dict[str, str]
    ) -> dict[str, TextStyle]:
        styles: dict[str, TextStyle] = {}
        if node is None:
            return styles
        raw = {name: value for name, (_, value) in node.entries.items() if value.kind == "map"}
        for name, (_, value) in node.entries.items():
            if value.kind != "map":
                self.problems.error(
                    value.location, f"style '{name}' must be a mapping, found {value.describe()}"
                )

        def resolve(name: str, trail: tuple[str, ...]) -> dict[str, Node]:
            value = raw[name]
            self.keys(value, STYLE_KEYS, "paragraph style")
            own = {k: v for k, (_, v) in value.entries.items()}
            parent = own.pop("parent", None)
            if parent is None:
                return own
            if parent.text in trail:
                self.problems.error(parent.location, f"style '{name}' inherits from itself")
                return own
            if parent.text not in raw:
                self.problems.error(
                    parent.location,
                    f"unknown parent style '{parent.text}'{did_you_mean(parent.text, list(raw))}",
                )
                return own
            return {**resolve(parent.text, (*trail, name)), **own}

        for name, value in raw.items():
            values = resolve(name, (name,))
            styles[name] = self.text_style(name, value, values, families, colours)
        for name in REQUIRED_STYLES:
            if name not in raw:
                self.problems.error(node.location, f"the style has no paragraph style '{name}'")
        return styles

    def text_style(
        self,
        name: str,
        node: Node,
        values: dict[str, Node],
        families: dict[str, FontFamily],
        colours: dict[str, str],
    ) -> TextStyle:
        def length(key: str, default: float) -> float:
            return self.parse_length(values[key], key) or default if key in values else default

        font = values.get("font")
        font_name = font.text if font is not None else "serif"
        if font is None:
            self.problems.error(node.location, f"style '{name}' has no font")
        elif font_name not in families and font_name not in self.broken:
            self.problems.error(
                font.location, f"unknown font '{font_name}'{did_you_mean(font_name, list(families))}"
            )
        colour = values.get("colour")
        colour_name = colour.text if colour is not None else "text"
        if (
            colour is not None
            and colour_name not in {*colours, *self.broken}
            and not _COLOUR.match(colour_name)
        ):
            self.problems.error(
                colour.location, f"unknown colour '{colour_name}'{did_you_mean(colour_name, list(colours))}"
            )
        alignment = values.get("alignment")
        if alignment is not None and alignment.text not in ALIGNMENTS:
            self.problems.error(alignment.location, f"alignment must be one of {', '.join(ALIGNMENTS)}")
        size = length("size", 10.0)
        flags = {}
        for key in ("bold", "italic"):
            flag = values.get(key)
            if flag is not None and flag.kind != "bool":
                self.problems.error(flag.location, f"'{key}' must be true or false, found '{flag.text}'")
            flags[key] = (
                flag is not None and flag.kind == "bool" and flag.text.lower() in ("true", "yes", "on")
            )
        return TextStyle(
            name=name,
            font=font_name,
            size=size,
            leading=length("leading", size * 1.3),
            colour=colours.get(colour_name, colour_name),
            bold=flags["bold"],
            italic=flags["italic"],
            space_before=length("space_before", 0.0),
            space_after=length("space_after", 0.0),
            left_indent=length("left_indent", 0.0),
            alignment=alignment.text if alignment is not None and alignment.text in ALIGNMENTS else "left",
        )
