"""A paragraph that breaks its own lines and draws them straight into the page's content.

ReportLab's Paragraph parses markup, re-breaks its lines on every wrap and draws through a text
object call by call: most of a large guide's layout time. Here the spans come ready, each word
is measured once (widths are remembered per face and size), lines are broken greedily at
spaces, and each line is drawn as one PDF text operator per run of one style.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.ttfonts import TTFont

from guide.layout.blocks import Block
from guide.layout.kit import Colour, Style, fill, font
from guide.layout.spans import WHITE_SPACE, Span

EPS = 1e-6
# What separates a word from the one before it, besides a space (a span's index ≥ 0, whose
# font gives the space its width):
START = -1  # nothing: the paragraph's first word
JOINED = -2  # nothing, but a line may break here (between two ideographs, or inside a word too long)
HARD = -3  # a hard line break

# A word: (width, span index, text, further pieces or None, what separates it from the word before).
# A word that changes style midway ("**bold**,") has further (span index, text) pieces.
Word = tuple[float, int, str, tuple[tuple[int, str], ...] | None, int]
Line = tuple[int, int, float]  # first word, word after the last, width of the words and spaces

_widths: dict[tuple[str, float], dict[str, float]] = {}


def widths(face: str, size: float) -> dict[str, float]:
    """The widths of the strings measured so far in a face and size: words repeat."""
    table = _widths.get((face, size))
    if table is None or len(table) > 200_000:  # a bound on memory; the common words come back at once
        table = _widths[(face, size)] = {}
    return table


def width_of(span_font: TTFont, face: str, size: float, value: str) -> float:
    """The width of a string in a face and size, remembered."""
    table = widths(face, size)
    found = table.get(value)
    if found is None:
        found = table[value] = span_font.stringWidth(value, size)
    return found


# Line breaks are allowed between ideographs (Chinese, Japanese), but never before closing
# punctuation or after opening punctuation (kinsoku).
_IDEOGRAPHIC = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]"
)
_NO_BREAK_BEFORE = frozenset(
    "、。，．・：；？！）」』】〕〉》〙〗｝］〟’”ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.:;?!)]}"
)
_NO_BREAK_AFTER = frozenset("（「『【〔〈《〘〖｛［〝‘“([{")


def _ideographic_pieces(value: str) -> list[str]:
    """A word cut where a line may break inside it: around ideographs."""
    pieces: list[str] = []
    current = ""
    for char in value:
        if (
            current
            and char not in _NO_BREAK_BEFORE
            and current[-1] not in _NO_BREAK_AFTER
            and (_IDEOGRAPHIC.match(char) or _IDEOGRAPHIC.match(current[-1]))
        ):
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def words_of(spans: Sequence[Span]) -> list[Word]:
    """The words of a paragraph's spans, each measured, with what separates it from the last."""
    if len(spans) == 1 and spans[0].text.isascii() and not spans[0].hard_break:
        return _plain_words(spans[0])
    words: list[Word] = []
    gap = START  # what separates the next word from the last one
    word: list[Any] | None = None  # the word being made: [width, span index, text, pieces, gap]
    for index, span in enumerate(spans):
        if span.hard_break:
            if word is not None:
                words.append(_made(word))
                word = None
            gap = HARD
            continue
        value = span.text
        if "\n" in value or "\t" in value or "\r" in value:
            value = value.translate(WHITE_SPACE)
        parts = value.split(" ")
        table = widths(span.face, span.size)
        measure, size = span.font.stringWidth, span.size
        for k, part in enumerate(parts):
            if k:  # a space came before this part: the word before it is done
                if word is not None:
                    words.append(_made(word))
                    word = None
                if gap == JOINED:
                    gap = index  # the space is this span's, and as wide as its font has it
            if not part:
                continue
            pieces = (part,) if part.isascii() or not _IDEOGRAPHIC.search(part) else _ideographic_pieces(part)
            for p, piece in enumerate(pieces):
                width = table.get(piece)
                if width is None:
                    width = table[piece] = measure(piece, size)
                if word is not None and p == 0:  # no space before it: the word goes on, in this span
                    word[0] += width
                    word[3].append((index, piece))
                    continue
                if word is not None:
                    words.append(_made(word))
                word = [width, index, piece, [], gap]
                gap = JOINED
    if word is not None:
        words.append(_made(word))
    return words


def _plain_words(span: Span) -> list[Word]:
    """The words of one span of ASCII text (most paragraphs): words_of, the quick way."""
    table = widths(span.face, span.size)
    measure, size, get = span.font.stringWidth, span.size, table.get
    words: list[Word] = []
    append = words.append
    value = span.text
    if "\n" in value or "\t" in value or "\r" in value:
        value = value.translate(WHITE_SPACE)
    for part in value.split(" "):
        if part:
            width = get(part)
            if width is None:
                width = table[part] = measure(part, size)
            append((width, 0, part, None, 0))
    if words:
        width, _, part, _, _ = words[0]
        words[0] = (width, 0, part, None, START)
    return words


def _made(word: list[Any]) -> Word:
    width, index, value, pieces, gap = word
    return (width, index, value, tuple(pieces) if pieces else None, gap)


def break_lines(
    words: list[Word], spans: Sequence[Span], first_width: float, width: float
) -> tuple[list[Word], list[Line]]:
    """Break words into lines greedily: the first line `first_width` wide, the others `width`.

    A word wider than a whole line is cut between characters (into new words joined without a
    space), so that nothing is ever drawn past the edge. Returns the words (cut ones replaced)
    and the lines.
    """
    lines: list[Line] = []
    i, n = 0, len(words)
    start, used, room = 0, 0.0, first_width
    out = words
    while i < n:
        word = out[i]
        if i == start:
            if word[0] <= room + EPS:
                used = word[0]
                i += 1
                continue
            pieces = _cut(word, spans, room, width)
            out = [*out[:i], *pieces, *out[i + 1 :]]
            n = len(out)
            used = out[i][0]
            i += 1
            continue
        gap = word[4]
        if gap == HARD:
            lines.append((start, i, used))
            start, used, room = i, 0.0, width
            continue
        space = spans[gap].space if gap >= 0 else 0.0
        if used + space + word[0] <= room + EPS:
            used += space + word[0]
            i += 1
            continue
        if word[0] > width and room - used - space >= room / 5:
            # A word wider than any line is cut anyway: its first piece fills this line, rather
            # than leaving it short and starting the word on the next.
            pieces = _cut(word, spans, room - used - space, width)
            out = [*out[:i], *pieces, *out[i + 1 :]]
            n = len(out)
            used += space + out[i][0]
            i += 1
        lines.append((start, i, used))
        start, used, room = i, 0.0, width
    if start < n or not lines:
        lines.append((start, n, used))
    return out, lines


def _cut(word: Word, spans: Sequence[Span], room: float, width: float) -> list[Word]:
    """A word too wide for its line cut between characters: the first piece fills `room`."""
    pieces = [(word[1], word[2]), *(word[3] or ())]
    chars = [(index, char) for index, value in pieces for char in value]
    out: list[Word] = []
    current: list[tuple[int, str]] = []
    used = 0.0
    limit = max(room, 1.0)
    for index, char in chars:
        span = spans[index]
        w = width_of(span.font, span.face, span.size, char)
        if current and used + w > limit + EPS:
            out.append(_word(current, used, word[4] if not out else JOINED))
            current, used, limit = [], 0.0, max(width, 1.0)
        current.append((index, char))
        used += w
    if current:
        out.append(_word(current, used, word[4] if not out else JOINED))
    return out


def _word(chars: list[tuple[int, str]], width: float, gap: int) -> Word:
    """A word from (span index, character) pairs, consecutive ones of a span joined."""
    pieces: list[tuple[int, str]] = []
    for index, char in chars:
        if pieces and pieces[-1][0] == index:
            pieces[-1] = (index, pieces[-1][1] + char)
        else:
            pieces.append((index, char))
    first = pieces[0]
    return (width, first[0], first[1], tuple(pieces[1:]) or None, gap)


@dataclass(frozen=True, slots=True)
class Bullet:
    """What stands before a list item's first line: its text, face, size, colour and x."""

    text: str
    face: str
    size: float
    colour: Colour
    indent: float

    @property
    def end(self) -> float:
        """Where the bullet's text ends, with the gap ReportLab leaves after it."""
        drawn = width_of(font(self.face), self.face, self.size, self.text)
        return self.indent + drawn + self.size * 0.6


class TextPen:
    """Writes text operators into a canvas's page content: the fonts' subsets, the current font."""

    def __init__(self, canv: Any) -> None:
        self.doc = canv._doc
        names = getattr(canv, "_guide_subset_names", None)
        if names is None:
            names = canv._guide_subset_names = {}
        self.names: dict[tuple[str, int], str] = names
        self.current: tuple[str, float] | None = None
        self.colour: Colour | None = None
        self.rise = 0.0  # the text rise (Ts): 0 where every pen starts, inside its q … Q
        self.ops: list[str] = []

    def move(self, x: float, y: float) -> None:
        # Two decimals are a hundredth of a point: and half the time of ReportLab's fp_str.
        self.ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")

    def set_colour(self, colour: Colour) -> None:
        if colour != self.colour:
            self.ops.append(fill(colour))
            self.colour = colour

    def set_rise(self, rise: float) -> None:
        """Raise (or lower, if negative) what is shown next from the baseline: super- and subscripts."""
        if rise != self.rise:
            self.ops.append(f"{_number(rise)} Ts")
            self.rise = rise

    def show(self, face: str, text_font: TTFont, size: float, value: str) -> None:
        """Draw a string at the current point, in the subsets of its face that hold its characters."""
        ops = self.ops
        if value.isascii() and _ascii_ready(face):
            parts: Sequence[tuple[int, Any]] = ((0, value),)
        else:
            parts = text_font.splitString(value, self.doc)
        for subset, data in parts:
            key = (face, subset)
            name = self.names.get(key)
            if name is None:
                name = self.names[key] = text_font.getSubsetInternalName(subset, self.doc)
            if self.current != (name, size):
                ops.append(f"{name} {_number(size)} Tf")
                self.current = (name, size)
            ops.append(f"({escapePDF(data)}) Tj")


_numbers: dict[float, str] = {}


def _number(value: float) -> str:
    """A font size as PDF writes it (the few sizes of a theme, formatted once)."""
    text = _numbers.get(value)
    if text is None:
        text = _numbers[value] = fp_str(value)
    return text


_ascii_faces: dict[str, bool] = {}


def _ascii_ready(face: str) -> bool:
    """Whether a face draws printable ASCII as itself, in its first subset: no lookups needed.

    ReportLab puts the printable ASCII characters a font has at their own codes in subset 0
    (rl_config.ttfAsciiReadable); text with a control character still takes the long way.
    """
    ready = _ascii_faces.get(face)
    if ready is None:
        glyphs = font(face).face.charToGlyph
        ready = _ascii_faces[face] = all(code in glyphs for code in range(32, 127))
    return ready


class Para(Block):
    """A paragraph of spans in a style: broken into lines once per width, split between lines."""

    def __init__(
        self,
        spans: Sequence[Span],
        style: Style,
        *,
        indent: float | None = None,
        first_indent: float | None = None,
        bullet: Bullet | None = None,
        space_before: float | None = None,
        space_after: float | None = None,
        keep_with_next: bool | None = None,
    ) -> None:
        self.spans = list(spans)
        self.style = style
        self.indent = style.left_indent if indent is None else indent
        self.first_indent = style.first_indent if first_indent is None else first_indent
        self.bullet = bullet
        self.space_before = style.space_before if space_before is None else space_before
        self.space_after = style.space_after if space_after is None else space_after
        self.keep_with_next = style.keep_with_next if keep_with_next is None else keep_with_next
        self.ends_paragraph = True  # False for the first part of a split paragraph (justify its last line)
        self._words: list[Word] | None = None
        self._lines: list[Line] = []
        self._lines_width: float | None = None
        self._joined = False
        self.width = self.height = 0.0

    # --- measuring ---------------------------------------------------------------------------------

    def _first_offset(self) -> float:
        """How far the first line starts right of the indent (a bullet may push it further)."""
        offset = self.first_indent
        if self.bullet is not None:
            offset = max(offset, self.bullet.end - self.indent)
        return offset

    def lines(self, width: float) -> list[Line]:
        """The lines for a width, broken once and remembered."""
        if width != self._lines_width:
            if self._words is None:
                self._words = words_of(self.spans)
            text_width = width - self.indent
            self._words, self._lines = break_lines(
                self._words, self.spans, text_width - self._first_offset(), text_width
            )
            self._lines_width = width
            # Whether some words meet without a space (ideographs, a word cut): lines join them so.
            self._joined = any(w[4] == JOINED for w in self._words)
        return self._lines

    def line_texts(self, width: float) -> list[str]:
        """The text of each line as it is drawn at a width."""
        lines = self.lines(width)
        words = self._words or []
        return ["".join(value for _, value in _segments(words, start, end)[0]) for start, end, _ in lines]

    def measure(self, width: float) -> float:
        if not self.spans:
            return self.style.leading if self.bullet is not None else 0.0
        return len(self.lines(width)) * self.style.leading

    def last_line_width(self, width: float) -> float:
        """How far the last line's text reaches from the left edge (a contents leader starts there)."""
        lines = self.lines(width)
        if not lines:
            return self.indent
        return self.indent + (self._first_offset() if len(lines) == 1 else 0.0) + lines[-1][2]

    def split(self, width: float, height: float) -> list[Para]:
        lines = self.lines(width)
        count = len(lines)
        fit = int((height + EPS) // self.style.leading)
        if fit >= count:
            return []
        if count - fit == 1:
            fit -= 1  # no last line alone at the top of a page (a widow)
        if fit < 2:
            return []  # no first line alone at the foot of a page (an orphan)
        assert self._words is not None
        first = self._part(self._words, lines[:fit], width)
        first.bullet, first.first_indent = self.bullet, self.first_indent
        first.space_after, first.keep_with_next, first.ends_paragraph = 0.0, False, False
        shift = lines[fit][0]
        words = self._words[shift:]
        rest = self._part(words, [(s - shift, e - shift, w) for s, e, w in lines[fit:]], width)
        rest.space_before = 0.0
        # The rest starts with a word that had a space before it: at a line's start it has none.
        if words and words[0][4] != START:
            w = words[0]
            words[0] = (w[0], w[1], w[2], w[3], START)
        return [first, rest]

    def _part(self, words: list[Word], lines: list[Line], width: float) -> Para:
        part = Para.__new__(Para)
        part.__dict__.update(self.__dict__)
        part.bullet, part.first_indent = None, 0.0
        part._words, part._lines, part._lines_width = list(words), lines, width
        part.width = width
        part.height = len(lines) * self.style.leading
        return part

    # --- drawing -------------------------------------------------------------------------------------

    def render(self, canv: Any, x: float, y: float) -> None:
        style = self.style
        width = self.width
        lines = self.lines(width)
        top = y + self.height
        baseline = top - style.size
        leading = style.leading
        pen = TextPen(canv)
        move, set_colour, show = pen.move, pen.set_colour, pen.show
        code = canv._code
        ops = pen.ops
        decorations: list[str] = []  # code backgrounds go under the text, strikes over it
        over: list[str] = []
        if self.bullet is not None:
            b = self.bullet
            move(x + b.indent, baseline)
            set_colour(b.colour)
            show(b.face, font(b.face), b.size, b.text)
        spans = self.spans
        words = self._words or []
        align = style.alignment
        decorated = any(s.back is not None or s.link is not None or s.strike or s.underline for s in spans)
        text_width = width - self.indent
        first_offset = self._first_offset()
        last = len(lines) - 1
        if len(spans) == 1 and align != "justify":  # one style: each line one string
            span = spans[0]
            face, span_font, size = span.face, span.font, span.size
            set_colour(span.colour)
            pen.set_rise(span.rise)
            for number, (start, end, used) in enumerate(lines):
                if start < end:
                    left = x + self.indent + (first_offset if number == 0 else 0.0)
                    if align != "left":
                        room = text_width - (first_offset if number == 0 else 0.0)
                        left += room - used if align == "right" else (room - used) / 2
                    if self._joined:
                        value = "".join(
                            (" " if i > start and words[i][4] >= 0 else "") + words[i][2]
                            for i in range(start, end)
                        )
                    else:
                        value = " ".join([w[2] for w in words[start:end]])
                    move(left, baseline)
                    show(face, span_font, size, value)
                    if decorated:
                        self._decorate(canv, span, left, used, baseline, decorations, over)
                baseline -= leading
        else:
            for number, (start, end, used) in enumerate(lines):
                left = x + self.indent + (first_offset if number == 0 else 0.0)
                room = text_width - (first_offset if number == 0 else 0.0)
                if align == "right":
                    left += room - used
                elif align == "center":
                    left += (room - used) / 2
                segments, spaces = _segments(words, start, end)
                stretch = 0.0
                hard = end < len(words) and words[end][4] == HARD  # a line a hard break ends
                if align == "justify" and spaces and (number < last or not self.ends_paragraph) and not hard:
                    stretch = (room - used) / spaces
                move(left, baseline)
                if stretch:
                    ops.append(f"{stretch:.3f} Tw")
                cursor = left
                for index, value in segments:
                    span = spans[index]
                    set_colour(span.colour)
                    pen.set_rise(span.rise)
                    show(span.face, span.font, span.size, value)
                    if decorated or stretch:
                        advance = width_of(span.font, span.face, span.size, value) + stretch * value.count(
                            " "
                        )
                        if span.back is not None or span.link is not None or span.strike or span.underline:
                            self._decorate(canv, span, cursor, advance, baseline, decorations, over, value)
                        cursor += advance
                if stretch:
                    ops.append("0 Tw")
                baseline -= leading
        code.append("q")
        code.extend(decorations)
        code.append("BT")
        code.extend(ops)
        code.append("ET")
        code.extend(over)
        code.append("Q")

    def _decorate(
        self,
        canv: Any,
        span: Span,
        x: float,
        width: float,
        baseline: float,
        under: list[str],
        over: list[str],
        value: str = "",
    ) -> None:
        """A code background, a highlight, a strike, an underline, a link: for a run drawn from x,
        `width` wide."""
        if value:
            # A run's spaces at either end are not part of its code box or its link.
            lead = len(value) - len(value.lstrip(" "))
            trail = len(value) - len(value.rstrip(" "))
            if lead or trail:
                space = width_of(span.font, span.face, span.size, " ")
                x += lead * space
                width -= (lead + trail) * space
            if width <= 0:
                return
        size, leading = self.style.size, self.style.leading
        if span.back is not None:
            bottom = baseline + size - leading
            under.append(f"{fill(span.back)} {fp_str(x, bottom, width, leading)} re f")
        baseline += span.rise
        if span.underline:
            y = baseline - 0.12 * span.size
            over.append(
                f"{fill(span.colour)} {fp_str(x, y - 0.03 * span.size, width, 0.06 * span.size)} re f"
            )
        if span.strike:
            y = baseline + 0.25 * span.size
            over.append(
                f"{fill(span.colour)} {fp_str(x, y - 0.03 * span.size, width, 0.06 * span.size)} re f"
            )
        if span.link is not None:
            add_link(canv, (x, baseline - 0.2 * span.size, x + width, baseline + span.size), "uri", span.link)


def _segments(words: list[Word], start: int, end: int) -> tuple[list[tuple[int, str]], int]:
    """A line's text as runs of one span each, spaces included; and how many spaces it has."""
    segments: list[tuple[int, str]] = []
    current = -1
    parts: list[str] = []
    spaces = 0
    for i in range(start, end):
        _, index, value, more, gap = words[i]
        if i > start and gap >= 0:
            spaces += 1
            if gap != current:
                if parts:
                    segments.append((current, "".join(parts)))
                current, parts = gap, []
            parts.append(" ")
        if index != current:
            if parts:
                segments.append((current, "".join(parts)))
            current, parts = index, []
        parts.append(value)
        for piece_index, piece in more or ():
            if piece_index != current:
                if parts:
                    segments.append((current, "".join(parts)))
                current, parts = piece_index, []
            parts.append(piece)
    if parts:
        segments.append((current, "".join(parts)))
    return segments, spaces


def add_link(canv: Any, rect: tuple[float, float, float, float], kind: str, target: str) -> None:
    """A link over a rectangle in the current coordinates: to an address (kind "uri") or an anchor.

    Our page canvas records it for the writer; any other ReportLab canvas makes the annotation.
    """
    recorder = getattr(canv, "record_link", None)
    if recorder is not None:
        recorder(rect, kind, target)
    elif kind == "uri":
        canv.linkURL(target, rect, relative=1, thickness=0)
