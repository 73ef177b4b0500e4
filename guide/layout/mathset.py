"""Set typeset formulas in the room they have: a displayed one centred, scaled down or broken over
lines; one in the text in pieces that a line may break between; one that fits in no way, as its
source.

ziamath sets each formula (and each piece of one) once, at a reference size (maths.py); here it
is fitted to a width, as a book sets a long equation. A displayed formula wider than its room is
scaled down, to FLOOR of its text's size at most (and never below the smallest size the style
sets text at); past that it is broken before its top-level relations and binary operators
(latex.py finds them) onto lines of its own: the first at the left, the others indented past
its left-hand side when it has one (`f(x) = a + b` goes on under the `=`), the lines together
centred. A formula in the text wider than a third of the text is also typeset in pieces cut
after its operators, one box each, joined like the letters of a word, so that a line may break
between them (TeX's breaks in the text). A formula that fits in neither way prints as its
source in the code font, and `problems` warns about it at its question, measured against the
style's text block: nothing is ever drawn past the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from guide.data import places, text, titles
from guide.data.model import Guide
from guide.errors import Location, Problem
from guide.layout import latex, maths, page
from guide.layout.blocks import EPS, Block, Out
from guide.layout.maths import REFERENCE, Formula
from guide.layout.styles import Theme

FLOOR = 0.7
LINE_GAP = 3.0  # between the lines of a broken display, at the reference size (TeX's \jot)
QUAD = REFERENCE  # an em at the reference size
BREAKABLE = 1 / 3  # an inline formula wider than this share of the text is typeset in pieces too


def floor_size(size: float, smallest: float) -> float:
    """The least size a formula set at `size` is scaled down to: FLOOR of it, but never below the
    smallest size the style sets text at (large print promises nothing under 14 pt)."""
    return min(size, max(size * FLOOR, smallest))


Part = tuple[Formula, str]  # a typeset piece, and the source it copies as


class Line(NamedTuple):
    """A line of a displayed formula: its pieces side by side, starting `x` from the formula's
    left; its width, height and depth, all at the reference size."""

    pieces: tuple[Part, ...]
    x: float
    width: float
    height: float
    depth: float


class Setting(NamedTuple):
    """A displayed formula as set in a width: its lines (one, mostly) at a scale."""

    scale: float
    lines: tuple[Line, ...]

    @property
    def width(self) -> float:
        return max(line.x + line.width for line in self.lines) * self.scale

    def height(self, first: int = 0, end: int | None = None) -> float:
        """The height of lines first to end, the gaps between them included."""
        lines = self.lines[first:end]
        total = sum(line.height + line.depth for line in lines) + LINE_GAP * (len(lines) - 1)
        return total * self.scale


def parts(source: str, display: bool, *, before: bool) -> list[tuple[Formula, latex.Piece]] | str:
    """A formula cut at its top-level operators (latex.pieces), each piece typeset; or why one
    cannot be."""
    body, _ = maths.split_tag(source)
    out: list[tuple[Formula, latex.Piece]] = []
    for piece in latex.pieces(body, before=before):
        made = maths.typeset(piece.source, display)
        if isinstance(made, str):
            return made
        out.append((made, piece))
    return out


def display_setting(source: str, size: float, floor: float, room: float) -> Setting | str:
    """A displayed formula set in `room` points: at its size, scaled down as far as `floor`, or
    broken over lines; or why it cannot be."""
    whole = maths.typeset(source, True)
    if isinstance(whole, str):
        return whole
    scale, least = size / REFERENCE, floor / REFERENCE
    one = (Line(((whole, ""),), 0.0, whole.width, whole.height, whole.depth),)
    if whole.width * least <= room + EPS:
        return Setting(min(scale, room / whole.width) if whole.width > 0 else scale, one)
    cut = parts(source, True, before=True)
    if isinstance(cut, str):
        return cut
    if len(cut) < 2:
        return f"it is wider than the text even at {floor:g} pt, and has no operator to break it at"
    widths = [formula.width for formula, _ in cut]
    # Later lines go on under the relation ("= a + b"), a quad past the left-hand side, where
    # that leaves them room; else two quads in, else none.
    hangs = [2 * QUAD, 0.0]
    left = widths[0] + QUAD
    if latex.starts_with_relation(cut[1][1].written) and left <= room / scale / 2:
        hangs.insert(0, left)
    for hang in hangs:
        need = max(widths[0], hang + max(widths[1:]))
        fitted = min(scale, room / need)
        if fitted >= least - EPS:
            break
    else:
        return f"a part of it between two operators is wider than the text even at {floor:g} pt"
    avail = room / fitted
    lines: list[Line] = []
    current: list[Part] = []
    at, used = 0.0, 0.0
    for (formula, piece), width in zip(cut, widths, strict=True):
        if current and at + used + width > avail + EPS:
            lines.append(_line(current, at))
            current, at, used = [], hang, 0.0
        current.append((formula, piece.written))
        used += width
    lines.append(_line(current, at))
    return Setting(fitted, tuple(lines))


def _line(pieces: list[Part], x: float) -> Line:
    return Line(
        tuple(pieces),
        x,
        sum(formula.width for formula, _ in pieces),
        max(formula.height for formula, _ in pieces),
        max(formula.depth for formula, _ in pieces),
    )


def inline_parts(source: str, display: bool, whole: Formula, scale: float, width: float) -> list[Part] | str:
    """A formula in the text set `scale` times its reference size, in a text `width` wide: whole,
    or (wider than BREAKABLE of the width) in pieces that a line may break between; or why it
    fits in no way (wider than the width, and not to be cut into pieces that each fit)."""
    if whole.width * scale <= width * BREAKABLE + EPS:
        return [(whole, "")]
    cut = parts(source, display, before=False)
    if not isinstance(cut, str) and len(cut) > 1 and all(f.width * scale <= width + EPS for f, _ in cut):
        return [(formula, piece.written) for formula, piece in cut]
    if whole.width * scale <= width + EPS:
        return [(whole, "")]
    if isinstance(cut, str):
        return cut
    if len(cut) < 2:
        return "it is wider than a line of text, and has no operator to break it at"
    return "a part of it between two operators is wider than a line of text"


class Display(Block):
    """A displayed formula: centred, scaled down to its room if it must be (to a floor), else broken
    over lines, its tag at the right of its last; or, where it fits in no way, `fallback` (its
    source). A formula on many lines splits between them."""

    def __init__(
        self,
        formula: Formula,
        source: str,
        written: str,
        size: float,
        floor: float,
        colour: page.Colour,
        face: str,
        tag_face: str,
        fallback: Block,
        *,
        indent: float = 0.0,
    ) -> None:
        self.indent = indent
        self.formula = formula
        self.source = source
        self.written = written  # as typed: what the formula copies as
        self.size = size
        self.floor = floor
        self.colour = colour
        self.face = face  # the invisible source's, the code face
        self.tag_face = tag_face
        self.fallback = fallback
        self.space_before, self.space_after = size * 0.5, size * 0.6
        self._tag_width = 0.0
        if formula.tag:
            from guide.layout.kit import font
            from guide.layout.paragraph import width_of

            self._tag_width = width_of(font(tag_face), tag_face, size, f"({formula.tag})")
        self._settings: dict[float, Setting | None] = {}
        self._fixed: tuple[Setting, int, int] | None = None  # a part of a split one: its lines

    def _room(self, width: float) -> float:
        """The width the formula may take: the text's, less the tag's on both sides (it is centred)."""
        return width - self.indent - (2 * self._tag_width + self.size if self._tag_width else 0.0)

    def _set(self, width: float) -> tuple[Setting, int, int] | None:
        """The formula set in a width, and the range of its lines this block draws; None when it
        fits in no way."""
        if self._fixed is not None:
            return self._fixed
        if width not in self._settings:
            made = display_setting(self.source, self.size, self.floor, self._room(width))
            self._settings[width] = made if isinstance(made, Setting) else None
        found = self._settings[width]
        return None if found is None else (found, 0, len(found.lines))

    def measure(self, width: float) -> float:
        found = self._set(width)
        if found is None:
            return self.fallback.wrap(width, 1e9)
        setting, first, end = found
        return setting.height(first, end)

    def split(self, width: float, height: float) -> list[Block]:
        found = self._set(width)
        if found is None:
            return self.fallback.split(width, height)
        setting, first, end = found
        fit = first
        while fit < end and setting.height(first, fit + 1) <= height + EPS:
            fit += 1
        if fit in (first, end):
            return []
        return [self._part(setting, first, fit), self._part(setting, fit, end)]

    def _part(self, setting: Setting, first: int, end: int) -> Display:
        part = Display(self.formula, self.source, self.written, self.size, self.floor, self.colour,
                       self.face, self.tag_face, self.fallback, indent=self.indent)  # fmt: skip
        part._fixed = (setting, first, end)
        part.width, part.height = self.width, setting.height(first, end)
        if first:
            part.space_before = 0.0
        if end < len(setting.lines):
            part.space_after = 0.0
        return part

    def draw(self, out: Out, x: float, y: float) -> None:
        found = self._set(self.width)
        if found is None:
            self.fallback.width, self.fallback.height = self.width, self.height
            self.fallback.draw(out, x, y)
            return
        setting, first, end = found
        scale = setting.scale
        x += self.indent
        room = self.width - self.indent
        left = x + (room - setting.width) / 2
        baseline = y + self.height
        last = len(setting.lines) - 1
        final = (last, len(setting.lines[last].pieces) - 1)  # the piece that closes the formula
        for number in range(first, end):
            line = setting.lines[number]
            baseline -= line.height * scale if number == first else (LINE_GAP + line.height) * scale
            at = left + line.x * scale
            for index, (formula, written) in enumerate(line.pieces):
                shown = self._copied(written, (number, index) == (0, 0), (number, index) == final)
                width, depth = formula.width * scale, formula.depth * scale
                out.add(page.Picture(at, baseline - depth, width, (formula.height + formula.depth) * scale,
                                     formula.key, shown, self.face, self.colour))  # fmt: skip
                at += width
            if number == last and self.formula.tag:
                label = f"({self.formula.tag})"
                out.add(page.TextLine(x + room - self._tag_width, baseline,
                                      (page.Run(self.tag_face, self.size, self.colour, label),)))  # fmt: skip
            baseline -= line.depth * scale

    def _copied(self, written: str, opens: bool, closes: bool) -> str:
        """What a piece copies as: the whole formula as typed, when it is whole; else its own
        source, the first piece opening the formula's delimiter and the last closing it."""
        if not written:
            return self.written
        opener, closer = delimiters(self.written)
        return (opener if opens else "") + written + (closer if closes else "")


def delimiters(written: str) -> tuple[str, str]:
    """A formula's delimiters as typed: `$`, `$$`, `\\(`…`\\)` or `\\[`…`\\]`."""
    for opener, closer in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if written.startswith(opener) and written.endswith(closer):
            return opener, closer
    return "", ""


# --- the check ----------------------------------------------------------------------------------


def _may_hold_math(value: str) -> bool:
    return "$" in value or "\\(" in value or "\\[" in value


class Room(NamedTuple):
    """What a formula of a field is measured against: the text block's width, the sizes it may be
    set at (a question's first paragraph is larger than the rest), and the smallest text size."""

    width: float
    sizes: tuple[float, ...]
    smallest: float


def _rooms(theme: Theme) -> dict[str, Room]:
    width = theme.paper[0] - theme.margins["inner"] - theme.margins["outer"]
    smallest = min(style.size for style in theme.styles.values())

    def sizes(*names: str) -> tuple[float, ...]:
        return tuple(theme.styles[name].size for name in names if name in theme.styles)

    body = sizes("body")
    return {
        "question": Room(width, sizes("question", "body"), smallest),
        "guidance": Room(width, sizes("guidance"), smallest),
        "title": Room(width, sizes("toc_entry", "heading", "cover_title"), smallest),
        "": Room(width, body, smallest),
    }


def problems(guide: Guide, theme: Theme) -> list[Problem]:
    """A warning for every formula of the guide that cannot be typeset, or that is too wide for the
    text block of the theme however it is scaled or broken, at its question and field; every
    formula (and its pieces) is typeset here once, for the layout to use."""
    rooms = _rooms(theme)
    found: list[Problem] = []
    for topic in guide.topics:
        for q in topic.questions:
            for name, where, value in q.texts():
                if not _may_hold_math(value) or name == "tags":
                    continue
                room = rooms.get(name, rooms[""])
                listed = name in ("key_points", "follow_ups")
                for number, item in enumerate(q.items(name) if listed else (value,)):
                    start = places.item(where, number) if listed else where
                    tree = titles.runs(item) if name == "title" else text.parse(item, q.format)
                    for formula, why in _unset(tree, room):
                        at = places.place(start, item, formula.at)
                        found.append(_warning(at, f"question '{q.id}', {name}", formula, why))
    owned = [("the guide's description", guide.description, guide.description_location, rooms[""], False)]
    owned += [(f"the guide's {name}", value, guide.location, rooms["title"], True)
              for name, value in (("title", guide.title), ("subtitle", guide.subtitle))]  # fmt: skip
    owned += [("a topic", topic.title, guide.location, rooms["title"], True) for topic in guide.topics]
    for owner, value, where, room, one_line in owned:
        if _may_hold_math(value):
            tree = titles.runs(value) if one_line else text.parse(value, guide.format)
            for formula, why in _unset(tree, room):
                found.append(_warning(places.place(where, value, formula.at), owner, formula, why))
    return found


def _unset(tree: Iterable[text.Node], room: Room) -> Iterator[tuple[text.Math, str]]:
    """The formulas of a tree that print as their source, each with why."""
    for formula in maths.formulas(tree):
        why = _why_unset(formula, room)
        if why:
            yield formula, why


def _why_unset(formula: text.Math, room: Room) -> str:
    made = maths.typeset(formula.source, formula.display)
    if isinstance(made, str):
        return made
    for size in room.sizes:
        fitted: Setting | list[Part] | str
        if formula.display:
            fitted = display_setting(formula.source, size, floor_size(size, room.smallest), room.width)
        else:
            fitted = inline_parts(formula.source, False, made, size / REFERENCE, room.width)
        if isinstance(fitted, str):
            return fitted
    return ""


def _warning(where: Location, owner: str, formula: text.Math, why: str) -> Problem:
    shown = formula.written if len(formula.written) <= 60 else formula.written[:59] + "…"
    return Problem(
        where,
        f"{owner}: cannot typeset the formula {shown} ({why}); it prints as its source in the code"
        " font: check the LaTeX",
        "warning",
        group="formulas that cannot be typeset",
    )
