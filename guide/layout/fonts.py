"""Turn a Theme's font files into registered ReportLab font families, and check text against their glyphs.

Font files are read here, for the layout and for validation alike: a character no font has is
an error before layout, never a black box.
"""

from __future__ import annotations

import hashlib
import string
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeAlias

from reportlab.pdfbase.ttfonts import FF_FIXED, TTFError, TTFont

from guide.data import places
from guide.data.fields import LISTS
from guide.data.model import Guide
from guide.data.source import char_name
from guide.data.text import is_invisible
from guide.errors import GuideError, Location, Problem
from guide.files import Refused, read_regular
from guide.layout import emoji
from guide.layout.shaping import SHAPED
from guide.layout.styles import TEMPLATES, FontFamily, Theme


@dataclass(frozen=True)
class RegisteredFamily:
    """ReportLab names of one family's faces, and the characters the family covers."""

    name: str
    regular: str
    bold: str
    italic: str
    bold_italic: str
    coverage: frozenset[int] = field(repr=False)

    def face(self, bold: bool, italic: bool) -> str:
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        return self.italic if italic else self.regular


Face: TypeAlias = TTFont  # a font face as ReportLab reads it: its character map, widths and metrics

_face_paths: dict[str, Path] = {}  # every face named so far → its file, loaded when first used
# Every face named so far → ranges of characters its character map may have a glyph for (a
# superset: read from the file at a glance, so as not to load a large font for nothing).
_face_ranges: dict[str, tuple[tuple[int, int], ...] | None] = {}


MAX_FONT_BYTES = 64 << 20  # the largest CJK fonts are about 20 MB


@cache
def _face_name(path: Path) -> str:
    """A face's ReportLab name, derived from its file's bytes: the same font, the same name.

    GuideError if the file cannot be a whole font: not a regular file, too large, or cut short.
    """
    try:
        data = read_regular(path, MAX_FONT_BYTES)
    except Refused as refused:
        why = {
            "folder": "it is a folder",
            "special": "it is a pipe or device, not a file",
            "link": "it is a symbolic link",
            "large": f"the file is over {MAX_FONT_BYTES >> 20} MiB, more than any font",
        }[refused.why]
        raise GuideError([Problem(Location(str(path)), f"cannot use this font: {why}")]) from None
    except OSError as exc:
        raise GuideError(
            [Problem(Location(str(path)), f"cannot use this font: {exc.strerror or exc}")]
        ) from None
    damage = _damage(data)
    if damage is not None:
        raise GuideError(
            [Problem(Location(str(path)), f"cannot use this font: {damage}; replace it with a whole copy")]
        )
    name = f"{path.stem}-{hashlib.sha256(data).hexdigest()[:8]}"
    _face_paths[name] = path
    _face_ranges[name] = _cmap_ranges(data)
    return name


def _damage(data: bytes) -> str | None:
    """What makes a TrueType file unusable at a glance, said for a message: too short, or a table
    that runs past the end of the file (a download cut short); None if it looks whole."""
    if data[:4] == b"ttcf":
        return None  # a collection: its fonts' tables are checked as ReportLab reads them
    if len(data) < 12:
        return f"the file holds {len(data)} bytes, too few for a font"
    count = int.from_bytes(data[4:6], "big")
    if len(data) < 12 + 16 * count:
        return f"the file is cut short: it ends at byte {len(data):,}, inside its table of contents"
    for index in range(count):
        entry = data[12 + 16 * index : 28 + 16 * index]
        offset, length = int.from_bytes(entry[8:12], "big"), int.from_bytes(entry[12:16], "big")
        if offset + length > len(data):
            tag = entry[:4].decode("latin-1").strip()
            return f"the file is cut short: its '{tag}' table runs past its end, at byte {len(data):,}"
    return None


def _cmap_ranges(data: bytes) -> tuple[tuple[int, int], ...] | None:
    """The ranges of characters a TrueType font's Unicode character map (format 4 or 12) lists,
    each range whole (a code in it may still have no glyph); None if there is none to read."""
    try:
        if data[:4] == b"ttcf":
            return None
        count = struct.unpack(">H", data[4:6])[0]
        cmap = next(
            (struct.unpack(">L", data[20 + 16 * i : 24 + 16 * i])[0] for i in range(count)
             if data[12 + 16 * i : 16 + 16 * i] == b"cmap"),
            None,
        )  # fmt: skip
        if cmap is None:
            return None
        tables = struct.unpack(">H", data[cmap + 2 : cmap + 4])[0]
        best: tuple[int, int] | None = None  # (format, offset)
        for i in range(tables):
            platform, encoding, offset = struct.unpack(">HHL", data[cmap + 4 + 8 * i : cmap + 12 + 8 * i])
            if (platform, encoding) in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3), (0, 1), (0, 0)):
                fmt = struct.unpack(">H", data[cmap + offset : cmap + offset + 2])[0]
                if fmt in (4, 12) and (best is None or fmt > best[0]):
                    best = (fmt, cmap + offset)
        if best is None:
            return None
        fmt, at = best
        if fmt == 12:
            groups = struct.unpack(">L", data[at + 12 : at + 16])[0]
            return tuple(
                struct.unpack(">LL", data[at + 16 + 12 * i : at + 24 + 12 * i]) for i in range(groups)
            )
        segments = struct.unpack(">H", data[at + 6 : at + 8])[0] // 2
        ends = struct.unpack(f">{segments}H", data[at + 14 : at + 14 + 2 * segments])
        starts = struct.unpack(f">{segments}H", data[at + 16 + 2 * segments : at + 16 + 4 * segments])
        return tuple((start, end) for start, end in zip(starts, ends, strict=True) if start <= end < 0xFFFF)
    except (struct.error, IndexError):
        return None


def may_draw(family: FontFamily, codes: Iterable[int]) -> bool:
    """Whether a family's regular face may have a glyph for one of `codes`, by its character map
    read at a glance: True when unsure. A family that cannot is never loaded for them."""
    ranges = _face_ranges.get(_face_name(family.regular))
    if ranges is None:
        return True
    return any(start <= code <= end for code in codes for start, end in ranges)


@cache
def load_face(name: str) -> Face:
    """The registered font of a face named by _face_name, read from its file the first time.

    Faces are read when first needed: parsing the dozen faces of a theme was a sixth of the
    time a small guide takes to build, and most guides never set a bold italic monospace word.
    """
    path = _face_paths[name]
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError, ValueError) as exc:
        raise GuideError([Problem(Location(str(path)), f"cannot use this font: {exc}")]) from None
    except Exception as exc:  # a damaged file: ReportLab's parser fails in any way (struct.error …)
        raise GuideError(
            [
                Problem(
                    Location(str(path)),
                    f"cannot use this font: it is damaged or not a TrueType font ({type(exc).__name__}:"
                    f" {exc}); replace it with a whole copy",
                )
            ]
        ) from None
    return font


def face_path(name: str) -> Path:
    """The file of a face named by _face_name (HarfBuzz reads it for shaping)."""
    return _face_paths[name]


@cache
def fixed_pitch(name: str) -> bool:
    """Whether a face's glyphs are all one width (a code font)."""
    return bool(load_face(name).face.flags & FF_FIXED)


@cache
def face_coverage(name: str) -> frozenset[int]:
    """The characters a face has a glyph for."""
    return frozenset(load_face(name).face.charToGlyph)


@cache
def register_family(family: FontFamily) -> RegisteredFamily:
    """Name the family's four faces and read its regular one, whose characters are the family's.

    A character its bold or italic face lacks is drawn in the regular face (see spans.py).
    """
    regular, bold, italic, bold_italic = (
        _face_name(p) for p in (family.regular, family.bold, family.italic, family.bold_italic)
    )
    return RegisteredFamily(family.name, regular, bold, italic, bold_italic, face_coverage(regular))


def check_faces(theme: Theme) -> None:
    """Raise GuideError naming every face of the theme's families that cannot be read."""
    problems: list[Problem] = []
    for family in theme.families.values():
        for path in (family.regular, family.bold, family.italic, family.bold_italic):
            try:
                load_face(_face_name(path))
            except GuideError as exc:
                problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise GuideError(problems)


def register_theme(theme: Theme, chars: Iterable[str] = ()) -> dict[str, RegisteredFamily]:
    """Register the theme's families that the text needs, by the theme's family names.

    Families that styles use are always registered; a fallback-only family (a large CJK
    font, say) only when `chars` holds a character the others lack, since loading one
    costs more than laying out a small guide.
    """
    used = {style.font for style in theme.styles.values()}
    families = {name: register_family(f) for name, f in theme.families.items() if name in used}
    covered: set[int] = set()
    for family in families.values():
        covered |= family.coverage
    # Line breaks, tabs and invisible characters are never drawn: without this, every guide
    # loaded every fallback font (several MB each) for want of a glyph for '\n'.
    drawn = {ord(c) for c in chars if _drawn(c)}
    missing = drawn - covered
    # Letters of shaped scripts want a font made for their script (spans.script_chain), even
    # where a font for everything (DejaVu Sans) has some of them.
    scripts = {code for code in drawn if SHAPED.match(chr(code))}
    for family in families.values():
        if not has_latin(family):
            scripts -= family.coverage
    for name in theme.fallback:
        if (
            name not in families
            and (missing or scripts)
            and may_draw(theme.families[name], missing | scripts)
        ):
            family = register_family(theme.families[name])
            families[name] = family
            missing -= family.coverage
            if not has_latin(family):
                scripts -= family.coverage
    return families


@cache
def has_latin(family: RegisteredFamily) -> bool:
    """Whether a family has the Latin letters: a font for everything, not one made for a script."""
    return all(code in family.coverage for code in range(ord("A"), ord("Z") + 1))


def _drawn(char: str) -> bool:
    """Whether a character needs a glyph: line breaks, tabs and invisible characters are never drawn."""
    return char not in "\n\t" and not is_invisible(char)


def guide_chars(guide: Guide) -> set[str]:
    """Every character of every text the layout draws."""
    if guide.characters:
        return set(guide.characters)
    return set("".join(t[3] for t in _question_texts(guide)))


def chain(theme: Theme, families: dict[str, RegisteredFamily], primary: str) -> tuple[RegisteredFamily, ...]:
    """The families tried, in order, for a character in text whose style uses `primary`."""
    names = [primary, *(f for f in theme.fallback if f != primary)]
    return tuple(families[n] for n in names if n in families)


def _question_texts(guide: Guide) -> Iterator[tuple[str, str, Location, str]]:
    """(question id, field, location, text) for every text the layout will draw."""
    yield "", "title", guide.location, guide.title
    yield "", "subtitle", guide.location, guide.subtitle
    yield "", "description", guide.location, guide.description
    yield "", "authors", guide.location, " ".join(guide.authors)
    for topic in guide.topics:
        yield "", "topic", topic.questions[0].where("topic"), topic.title
        for q in topic.questions:
            for name, where, value in q.texts():
                if name in LISTS:  # each item from where it is written, so that a place in it is exact
                    for index, item in enumerate(q.items(name)):
                        yield q.id, name, places.item(where, index), item
                else:
                    yield q.id, name, where, value


def check_coverage(guide: Guide, theme: Theme, *, draft: bool = False) -> list[Problem]:
    """Raise GuideError naming every character that no font of the theme can draw, with its place.

    In a `draft`, such characters are printed as placeholders ([U+1F951]): they come back as
    warnings instead.
    """
    problems = coverage_problems(_question_texts(guide), theme, guide_chars(guide), draft=draft)
    if any(p.severity == "error" for p in problems):
        raise GuideError(problems)
    return problems


def coverage_problems(
    texts: Iterable[tuple[str, str, Location, str]],
    theme: Theme,
    chars: set[str] | None = None,
    *,
    draft: bool = False,
) -> list[Problem]:
    """A problem for every character that no font of the theme can draw, at its first place, with how
    many times it is used.

    `texts`: (question id or "", field, location, text), as the guide's texts or as those of
    a guide that failed validation (so that both kinds of problem come in one report); `chars`,
    every character they hold, if known. The texts are only read through when some are bad.
    In a `draft`, a missing character is a warning: it is printed as a placeholder.
    """
    if chars is None:
        kept = list(texts)
        texts, chars = kept, set("".join(t[3] for t in kept))
    families = register_theme(theme, chars)
    usable: set[int] = set()
    for family in families.values():
        usable |= family.coverage
    bad = {c for c in chars if _drawn(c) and ord(c) not in usable}
    if not bad:
        return []  # the texts are not read at all
    # (question id, field, location, text searched, text as typed)
    searched: Iterable[tuple[str, str, Location, str, str]] = (
        (qid, name, where, value, value) for qid, name, where, value in texts
    )
    if emoji.may_hold("".join(bad)):
        # Emoji the shipped image set draws need no font: what is left of the texts without them.
        searched = [
            (qid, name, where, emoji.without_drawn(typed), typed) for qid, name, where, _, typed in searched
        ]
        bad &= set("".join(t[3] for t in searched))
        if not bad:
            return []
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    first: dict[str, tuple[Location, str]] = {}  # where each missing character is first used, and by what
    for qid, name, where, text, typed in searched:
        if bad.isdisjoint(text):
            continue
        if qid:
            owner = f"question '{qid}', {name}"
        else:
            owner = f"the topic '{text}'" if name == "topic" else f"the guide's {name}"
        for char in dict.fromkeys(text):  # in the order typed
            if char in bad:
                counts[char] = counts.get(char, 0) + text.count(char)
                if char not in first:
                    # The character's own line and column in a question's field (place() keeps the
                    # field's own where it cannot tell, as in a list given as one text).
                    first[char] = (places.place(where, typed, typed.index(char)) if qid else where, owner)
    fonts = ", ".join(theme.families) or "none"
    for char, (where, owner) in first.items():
        times = "once" if counts[char] == 1 else f"{counts[char]:,} times"
        shown = f"no font has {_characters([char])}, used {times}, first in {owner}"
        if draft:
            problems.append(Problem(where, f"{shown}; printed as {placeholder(char)} (--draft)", "warning"))
        else:
            problems.append(
                Problem(
                    where,
                    f"{shown}; add a font that has it to the style's 'fonts:' and 'fallback:' (style"
                    f" '{theme.name}' has: {fonts}), or build with --draft to print it as"
                    f" {placeholder(char)}",
                )
            )
    return problems


def label_problems(theme: Theme) -> list[Problem]:
    """A problem for every label of the theme holding characters its fonts cannot draw, checked as
    printed: many labels are set in capitals."""
    texts = []
    for name, value in theme.labels.items():
        drawn = value
        if name in TEMPLATES:  # what a template prints around its placeholders
            drawn = "".join(literal for literal, *_ in string.Formatter().parse(value))
        where = theme.places.get(f"labels.{name}", Location(theme.name))
        capitals = "".join(c for c in drawn.upper() if c not in drawn)  # many labels print in capitals
        texts.append(("", f"label '{name}'", where, f"{drawn} {capitals}"))
    return coverage_problems(texts, theme)


def placeholder(char: str) -> str:
    """What a draft prints for a character no font has: its code point, as in [U+1F951]."""
    return f"[U+{ord(char):04X}]"


def _characters(chars: Sequence[str]) -> str:
    """Characters named for a message, every one of them: '한' (U+D55C, hangul syllable han)."""
    names = [f"'{c}' (U+{ord(c):04X}, {char_name(c)})" for c in chars]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
