"""Turn style files (a base and overlays with `extends:`) into a Theme; no ReportLab here.

A style is checked like a bank, every problem at once, each at its line and column: numbers
in range (a page PDF can hold, margins that leave a text block, sizes and spacings that fit
it), labels free of characters that never belong in text, and the page-reference labels
holding only their placeholder, so that the layout can trust them. What depends on the page
is in stylecheck.py (--paper changes the page); whether the fonts can draw the labels is checked
by fonts.label_problems, which needs the font files.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from guide.data.source import DEFAULT_MAX_FILE_BYTES, Node, load_yaml
from guide.data.validate import forbidden_character, forbidden_message
from guide.errors import (
    GuideError,
    Location,
    Problem,
    Problems,
    did_you_mean,
    display_path,
)
from guide.layout.stylecheck import fit_problems, latest, points, template_problem

STYLES_DIR = Path(__file__).resolve().parents[2] / "styles"
UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
PAPERS = {"A4": (595.2756, 841.8898), "LETTER": (612.0, 792.0), "A5": (419.5276, 595.2756)}
FACES = ("regular", "bold", "italic", "bold_italic")
ALIGNMENTS = ("left", "right", "center", "justify")
_LENGTH = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*\Z")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")
_WHOLE = re.compile(r"(?:0|[1-9][0-9]*)\Z")  # no sign, no leading zero (YAML 1.1 reads 010 as 8)

# PDF's limits on a page's side, in points (ISO 32000-1, annex C): 3 to 14,400 units.
PAGE_LIMITS = (3.0, 14_400.0)
MIN_SIZE = 1.0  # the smallest type size and note spacing: anything less prints as nothing
MAX_NOTE_LINES = 60
# The labels the layout fills in with str.format, and the placeholders each takes.
TEMPLATES = {"answer_ref": ("page",), "question_ref": ("page",)}

TOP_KEYS = (
    "extends", "name", "paper", "margins", "duplex", "hyphenate", "justify", "fill_pages", "fonts",
    "fallback", "colours", "notes", "labels", "styles", "interviewer",
)  # fmt: skip
INTERVIEWER_KEYS = ("layout", "follow_up_lines")
PACKET_LAYOUTS = ("page", "half")
MARGIN_KEYS = ("top", "bottom", "inner", "outer")
STYLE_KEYS = ("parent", "font", "bold", "italic", "size", "leading", "colour", "space_before", "space_after",
              "left_indent", "alignment")  # fmt: skip
REQUIRED_STYLES = ("body", "small", "label", "meta", "header", "cover_title", "cover_subtitle", "cover_meta",
                   "heading", "subheading", "question_number", "question", "guidance", "code", "toc_topic",
                   "toc_entry", "table")  # fmt: skip
REQUIRED_COLOURS = ("text", "muted", "accent", "rule", "tint", "code_background", "link", "note_line")
REQUIRED_LABELS = ("study_guide", "answer_key", "contents", "how_to_use", "guidance", "notes", "answer_ref",
                   "question_ref", "answer", "key_points", "follow_ups", "continued", "question", "questions",
                   "topic", "page", "of", "whats_new", "added", "revised", "retired", "tip",
                   "interviewer_packet", "candidate", "interviewer", "date", "copy", "listen_for", "rubric",
                   "answer_in_brief",
                   "rating", "rating_1", "rating_2", "rating_3", "rating_4", "interview_notes")  # fmt: skip


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
class PacketStyle:
    """How the interviewer's packet sets its questions: each on a page of its own, or two to a page
    (`half`) when they fit; and how many ruled lines each follow-up question gets for notes."""

    layout: str = "page"  # one of PACKET_LAYOUTS
    follow_up_lines: int = 2


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
    hyphenate: bool = True  # running text hyphenated in the guide's language
    justify: bool = False  # running text justified
    fill_pages: bool = True  # the notes of a study-guide page's last question fill the page
    files: tuple[Path, ...] = field(default=(), compare=False)  # the style files read, base first
    # Where the values checked against the page were written ('margins.top', 'labels.notes',
    # 'body.size' for a paragraph style's own size …), for problems found once it is known.
    places: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)
    packet: PacketStyle = PacketStyle()  # the interviewer's packet (guide build --interviewer)


class InvalidStyle(GuideError):
    """A style with problems, and what of it did read well (`partial`: its fonts and its labels,
    None when its fonts are broken), so that labels no font can draw are reported in the same run
    as the other problems rather than after they are fixed."""

    def __init__(self, problems: Iterable[Problem], partial: Theme | None) -> None:
        super().__init__(problems)
        self.partial = partial


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
    reader = _Reader(problems, [path for path, _ in chain])
    theme = reader.theme(merged, chain[-1][0].stem)
    if theme is None:
        raise InvalidStyle(problems.items, reader.partial)
    return theme


def on_paper(theme: Theme, paper: str) -> Theme:
    """The theme on another paper (--paper a4|letter); GuideError if its margins or sizes do not fit it."""
    moved = dataclasses.replace(theme, paper=PAPERS[paper.upper()])
    shown = "A4" if paper.lower() == "a4" else paper.title()
    problems = fit_problems(moved, f" on {shown} paper (--paper {paper.lower()})")
    if problems:
        raise GuideError(problems)
    return moved


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
        self.places: dict[str, Location] = {}  # see Theme.places
        self.partial: Theme | None = None  # see InvalidStyle

    def theme(self, root: Node, name: str) -> Theme | None:
        self.keys(root, TOP_KEYS, "style")
        paper = self.paper(root)
        margin_node = self.entry(root, "margins", "map")
        margins = {
            k: self.length(margin_node, k, 20 * UNITS["mm"], minimum=0.0, place=f"margins.{k}")
            for k in MARGIN_KEYS
        }
        duplex = self.boolean(root, "duplex", False)
        hyphenate = self.boolean(root, "hyphenate", True)
        justify = self.boolean(root, "justify", False)
        fill_pages = self.boolean(root, "fill_pages", True)
        before = len(self.problems.items)
        families = self.families(self.entry(root, "fonts", "map"))
        fallback = self.fallback(root, families)
        fonts_read = len(self.problems.items) == before
        colours = self.colours(self.entry(root, "colours", "map"))
        notes = self.entry(root, "notes", "map")
        note_lines = self.integer(notes, "lines", 5, MAX_NOTE_LINES, place="notes.lines")
        note_spacing = self.length(notes, "spacing", 22.0, minimum=MIN_SIZE, place="notes.spacing")
        labels = self.labels(self.entry(root, "labels", "map"))
        styles = self.text_styles(self.entry(root, "styles", "map"), families, colours)
        packet = self.packet(root)
        theme = Theme(
            name, paper, margins, duplex, families, fallback, colours, note_lines, note_spacing, labels,
            styles, hyphenate, justify, fill_pages, tuple(self.files), self.places, packet,
        )  # fmt: skip
        self.partial = theme if fonts_read else None
        if not self.problems.has_errors:
            self.problems.extend(fit_problems(theme))  # measured against a page that is itself right
        return None if self.problems.has_errors else theme

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

    def length(
        self, node: Node | None, key: str, default: float, *, minimum: float | None = None, place: str = ""
    ) -> float:
        if node is None:
            return default
        found = node.entries.get(key)
        if found is None:
            self.problems.error(node.location, f"missing '{key}' (a length such as 10pt or 2cm)")
            return default
        value = self.parse_length(found[1], key, minimum)
        if place:
            self.places[place] = found[1].location
        return default if value is None else value

    def parse_length(self, value: Node, key: str, minimum: float | None = None) -> float | None:
        """A length in points; None (and a problem) when it is not one, or less than `minimum`."""
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
        length = number * UNITS[unit]
        if minimum is not None and length < minimum:
            least = "0 or more" if minimum == 0 else f"at least {points(minimum)}"
            self.problems.error(value.location, f"'{key}' must be {least}, found '{value.text}'")
            return None
        return length

    def boolean(self, node: Node, key: str, default: bool) -> bool:
        found = node.entries.get(key)
        if found is None:
            return default
        if found[1].kind != "bool":
            self.problems.error(found[1].location, f"'{key}' must be true or false, found '{found[1].text}'")
            return default
        return found[1].text.lower() in ("true", "yes", "on", "y")

    def integer(self, node: Node | None, key: str, default: int, most: int, *, place: str = "") -> int:
        if node is None or key not in node.entries:
            return default
        value = node.entries[key][1]
        if place:
            self.places[place] = value.location
        # Only digits as written: YAML 1.1 reads 010 as 8 (octal) and 1:30 as 90 (base 60).
        text = value.text.strip()
        if value.kind not in ("int", "str") or not _WHOLE.match(text) or int(text) > most:
            zeros = "; write it without leading zeros" if text[1:2].isdigit() and text.startswith("0") else ""
            self.problems.error(
                value.location,
                f"'{key}' must be a whole number from 0 to {most}, found '{value.text}'{zeros}",
            )
            return default
        return int(text)

    # --- parts ------------------------------------------------------------------------------------

    def paper(self, root: Node) -> tuple[float, float]:
        found = root.entries.get("paper")
        if found is None:
            return PAPERS["A4"]
        value = found[1]
        self.places["paper"] = value.location
        if value.kind == "str" and value.text.upper() in PAPERS:
            return PAPERS[value.text.upper()]
        if value.kind == "seq" and len(value.items) == 2:
            sides = []
            for item, what in zip(value.items, ("paper width", "paper height"), strict=True):
                side = self.parse_length(item, what)
                if side is not None and not PAGE_LIMITS[0] <= side <= PAGE_LIMITS[1]:
                    self.problems.error(
                        item.location,
                        f"{what} must be from 3pt to 14400pt (200in), the limits of a PDF page, found"
                        f" '{item.text}'",
                    )
                    side = None
                sides.append(side)
            width, height = sides
            if width is not None and height is not None:
                return (width, height)
            return PAPERS["A4"]
        self.problems.error(
            value.location, f"paper must be A4, Letter or [width, height], found '{value.text}'"
        )
        return PAPERS["A4"]

    def packet(self, root: Node) -> PacketStyle:
        """The `interviewer:` settings; a style written before the packet existed has none, and
        gets the defaults."""
        found = root.entries.get("interviewer")
        if found is None:
            return PacketStyle()
        node = found[1]
        if node.kind != "map":
            self.problems.error(
                node.location,
                f"'interviewer' must be a mapping, such as {{layout: half, follow_up_lines: 2}}, found"
                f" {node.describe()}",
            )
            return PacketStyle()
        self.keys(node, INTERVIEWER_KEYS, "interviewer")
        layout = PacketStyle.layout
        chosen = node.entries.get("layout")
        if chosen is not None:
            value = chosen[1]
            if value.kind == "str" and value.text in PACKET_LAYOUTS:
                layout = value.text
            else:
                self.problems.error(
                    value.location,
                    f"'layout' must be page (each question on a page of its own) or half (two questions"
                    f" to a page where they fit), found '{value.text}'"
                    + did_you_mean(value.text, PACKET_LAYOUTS),
                )
        lines = self.integer(
            node, "follow_up_lines", PacketStyle.follow_up_lines, MAX_NOTE_LINES,
            place="interviewer.follow_up_lines",
        )  # fmt: skip
        return PacketStyle(layout, lines)

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
        # Absolute, for a style's fonts are read when first drawn with, whatever the working folder is then.
        origin = Path(os.path.abspath(value.location.file)).parent
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
                value = found[1]
                self.places[f"labels.{name}"] = value.location
                bad = forbidden_character(value.text)
                problem = forbidden_message(f"label '{name}'", bad) if bad else None
                if problem is None and name in TEMPLATES:
                    problem = template_problem(name, value.text, TEMPLATES[name])
                if problem is not None:
                    self.problems.error(value.location, problem)
                else:
                    labels[name] = value.text
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
        def length(key: str, default: float, minimum: float = 0.0) -> float:
            if key not in values:
                return default
            if key in node.entries:  # its own value, not its parent's: checked against the page
                self.places[f"{name}.{key}"] = values[key].location
            value = self.parse_length(values[key], key, minimum)
            return default if value is None else value

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
        size = length("size", 10.0, MIN_SIZE)
        leading = length("leading", size * 1.3)
        own = [values[k].location for k in ("leading", "size") if k in node.entries]
        if leading < size and own:
            self.problems.error(
                latest(self.files, *own) or own[0],
                f"style '{name}': leading {points(leading)} is less than the size {points(size)}, so lines"
                f" would overlap; make the leading at least {points(size)}",
            )
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
            leading=leading,
            colour=colours.get(colour_name, colour_name),
            bold=flags["bold"],
            italic=flags["italic"],
            space_before=length("space_before", 0.0),
            space_after=length("space_after", 0.0),
            left_indent=length("left_indent", 0.0),
            alignment=alignment.text if alignment is not None and alignment.text in ALIGNMENTS else "left",
        )
