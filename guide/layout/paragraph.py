"""A paragraph that breaks its own lines and draws them as TextLine items.

The spans come ready (spans.py), each word is measured once (widths are remembered per face
and size), lines are broken for the whole paragraph at once (breaking.py: total fit, with
hyphens from hyphens.py where a line needs one), and each line is one TextLine of runs, one run
per change of style. A paragraph split between pages shares its words and lines with its
parts, so that a paragraph of a million words costs its words once, however many pages it takes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, chain
from operator import add
from typing import NamedTuple

from guide.layout import breaking, hyphens, page, shaping, visual
from guide.layout.blocks import Block, Out
from guide.layout.direction import has_rtl
from guide.layout.fonts import Face, fixed_pitch
from guide.layout.kit import Style, font
from guide.layout.page import Colour
from guide.layout.spans import WHITE_SPACE, InlineBox, Span

EPS = 1e-6
# What separates a word from the one before it, besides a space (a span's index ≥ 0, whose
# font gives the space its width):
START = -1  # nothing: the paragraph's first word
JOINED = -2  # nothing, but a line may break here (between two ideographs, or inside a word too long)
HARD = -3  # a hard line break
SOFT = -4  # nothing: the word goes on after a hyphen that ended a line (the piece before ends with it)
DASHED = -5  # nothing: the word goes on after its own dash ('over-'), which ended a line
BROKEN = (SOFT, DASHED)  # a word in pieces where a line ended inside it, made whole to break anew
UNSPACED = (JOINED, *BROKEN)  # no space before the word
FORMULA_PENALTY = 500.0  # a break between the pieces of a formula (TeX's \\relpenalty)
BOX_SKIP = 0.3  # of the size: the least room between inline boxes on lines one under the other


class Words:
    """A paragraph's words as measured, one list a field (a million words make no million objects).

    Word k: `widths[k]`; the span its text starts in, `spans[k]`, and that text, `texts[k]`; the
    further (span, text) pieces of a word that changes style midway ("**bold**,"), `more[k]`;
    and what separates it from the word before, `gaps[k]`: a span's index, whose space it is, or
    START, JOINED, HARD, SOFT, DASHED.
    """

    __slots__ = ("gaps", "joined", "more", "soft", "spans", "texts", "widths")

    def __init__(self) -> None:
        self.widths: list[float] = []
        self.spans: list[int] = []
        self.texts: list[str] = []
        self.more: list[tuple[tuple[int, str], ...] | None] = []
        self.gaps: list[int] = []
        self.joined = False  # whether some words meet without a space (ideographs, a word cut)
        self.soft = False  # whether a word is in pieces broken at a line's end (SOFT, DASHED)

    def __len__(self) -> int:
        return len(self.widths)

    def add(
        self, width: float, span: int, text: str, more: tuple[tuple[int, str], ...] | None, gap: int
    ) -> None:
        self.widths.append(width)
        self.spans.append(span)
        self.texts.append(text)
        self.more.append(more)
        self.gaps.append(gap)
        if gap in UNSPACED:
            self.joined = True
            self.soft = self.soft or gap in BROKEN

    def pieces(self, k: int) -> list[tuple[int, str]]:
        """Word k as (span, text) pieces."""
        return [(self.spans[k], self.texts[k]), *(self.more[k] or ())]

    def replace(self, k: int, by: Words) -> None:
        """Word k replaced by the words of `by` (a word too wide, cut)."""
        self.widths[k : k + 1] = by.widths
        self.spans[k : k + 1] = by.spans
        self.texts[k : k + 1] = by.texts
        self.more[k : k + 1] = by.more
        self.gaps[k : k + 1] = by.gaps
        self.joined = self.joined or by.joined
        self.soft = self.soft or by.soft

    def splice(self, pieces: dict[int, Words]) -> None:
        """Each word k of `pieces` replaced by the words given for it, all in one pass (replacing
        them one at a time moved the rest of a long paragraph's lists each time)."""
        columns = ("widths", "spans", "texts", "more", "gaps")
        for name in columns:
            column = getattr(self, name)
            out: list[object] = []
            done = 0
            for k in sorted(pieces):
                out += column[done:k]
                out += getattr(pieces[k], name)
                done = k + 1
            out += column[done:]
            setattr(self, name, out)
        self.joined = self.joined or any(by.joined for by in pieces.values())
        self.soft = self.soft or any(by.soft for by in pieces.values())

    def part(self, start: int, end: int) -> Words:
        """Words start to end as words of their own, the first with nothing before it."""
        part = Words()
        part.widths, part.spans, part.texts = (
            self.widths[start:end],
            self.spans[start:end],
            self.texts[start:end],
        )
        part.more, part.gaps = self.more[start:end], self.gaps[start:end]
        if part.gaps:
            part.gaps[0] = START
        part.joined = any(gap in UNSPACED for gap in part.gaps)
        part.soft = any(gap in BROKEN for gap in part.gaps)
        return part


class Line(NamedTuple):
    """A line of a paragraph: its first word, the word after its last, and its width."""

    start: int
    end: int
    width: float


_widths: dict[tuple[str, float], dict[str, float]] = {}


def widths(face: str, size: float) -> dict[str, float]:
    """The widths of the strings measured so far in a face and size: words repeat."""
    table = _widths.get((face, size))
    if table is None or len(table) > 200_000:  # a bound on memory; the common words come back at once
        table = _widths[(face, size)] = {}
    return table


def width_of(span_font: Face, face: str, size: float, value: str) -> float:
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


def words_of(spans: Sequence[Span]) -> Words:
    """The words of a paragraph's spans, each measured, with what separates it from the last."""
    if len(spans) == 1 and spans[0].text.isascii() and not spans[0].hard_break:
        return _plain_words(spans[0])
    words = Words()
    gap = START  # what separates the next word from the last one
    # The word being made: its width, first span and text, further pieces, and gap.
    making: tuple[float, int, str, list[tuple[int, str]], int] | None = None
    for index, span in enumerate(spans):
        if span.hard_break:
            if making is not None:
                _made(words, making)
                making = None
            gap = HARD
            continue
        if span.box is not None:  # an inline box: one piece of the word it is in, never broken
            if making is not None:
                making[3].append((index, span.text))
                making = (making[0] + span.box.width, making[1], making[2], making[3], making[4])
            else:
                making = (span.box.width, index, span.text, [], gap)
                gap = JOINED
            continue
        value = span.text
        if "\n" in value or "\t" in value or "\r" in value:
            value = value.translate(WHITE_SPACE)
        parts = value.split(" ")
        table = widths(span.face, span.size)
        measure, size = span.font.stringWidth, span.size
        if shaping.needs_shaping(value) or has_rtl(value):
            measure = _shaped_measure(span.face)
        for k, part in enumerate(parts):
            if k:  # a space came before this part: the word before it is done
                if making is not None:
                    _made(words, making)
                    making = None
                if gap == JOINED:
                    gap = index  # the space is this span's, and as wide as its font has it
            if not part:
                continue
            pieces = (part,) if part.isascii() or not _IDEOGRAPHIC.search(part) else _ideographic_pieces(part)
            if "\u200b" in part:  # a zero-width space: a line may break there (between Thai words)
                pieces = [p for piece in pieces for p in piece.split("\u200b")]
            for p, piece in enumerate(pieces):
                if not piece:  # where a zero-width space was: the word ends, the next is joined
                    if making is not None:
                        _made(words, making)
                        making = None
                    continue
                width = table.get(piece)
                if width is None:
                    width = table[piece] = measure(piece, size)
                if making is not None and p == 0:  # no space before it: the word goes on, in this span
                    making[3].append((index, piece))
                    making = (making[0] + width, making[1], making[2], making[3], making[4])
                    continue
                if making is not None:
                    _made(words, making)
                making = (width, index, piece, [], gap)
                gap = JOINED
    if making is not None:
        _made(words, making)
    return words


def _shaped_measure(face: str) -> Callable[[str, float], float]:
    """What measures a word of text that is shaped or right to left: HarfBuzz's advances."""

    def measure(value: str, size: float) -> float:
        return shaping.width(face, size, value, has_rtl(value))

    return measure


def _made(words: Words, making: tuple[float, int, str, list[tuple[int, str]], int]) -> None:
    width, span, text, more, gap = making
    words.add(width, span, text, tuple(more) if more else None, gap)


def _plain_words(span: Span) -> Words:
    """The words of one span of ASCII text (most paragraphs): words_of, the quick way."""
    table = widths(span.face, span.size)
    measure, size, get = span.font.stringWidth, span.size, table.get
    words = Words()
    value = span.text
    if "\n" in value or "\t" in value or "\r" in value:
        value = value.translate(WHITE_SPACE)
    texts = [part for part in value.split(" ") if part]
    found = []
    for part in texts:
        width = get(part)
        if width is None:
            width = table[part] = measure(part, size)
        found.append(width)
    words.widths, words.texts = found, texts
    words.spans, words.more, words.gaps = [0] * len(texts), [None] * len(texts), [0] * len(texts)
    if texts:
        words.gaps[0] = START
    return words


def break_lines(
    words: Words,
    spans: Sequence[Span],
    first_width: float,
    width: float,
    *,
    hyphenate: str = "",
    justify: bool = False,
) -> list[Line]:
    """Break words into lines, the best breaks for the whole paragraph (breaking.py): the first
    line `first_width` wide, the others `width`; justified lines may stretch and shrink.

    With `hyphenate` (a language), a word of letters across a line's end may be hyphenated: it
    is then two words in `words`, the first ending with the hyphen, the second joined to it
    (SOFT). A word wider than a whole line is cut between characters (into words joined without
    a space), so that nothing is ever drawn past the edge.
    """
    if words.soft:
        _unhyphenate(words, spans)
    widths, gaps = words.widths, words.gaps
    n = len(widths)
    if not n:
        return [Line(0, 0, 0.0)]
    if len(spans) == 1 and not words.joined:  # one span, words between spaces: most paragraphs
        space = spans[0].space
        total = sum(widths) + (n - 1) * space
        if total <= first_width + EPS:
            return [Line(0, n, total)]  # one line: most labels, titles and short answers
        before = [space] * n
        before[0] = 0.0
    else:
        space_of = [span.space for span in spans]
        before = [space_of[g] if g >= 0 else 0.0 for g in gaps]
    starts = list(accumulate(map(add, before, chain((0.0,), widths))))
    ends = list(map(add, starts, widths))
    forced = [k for k, gap in enumerate(gaps) if gap == HARD] if HARD in gaps else []
    if ends[-1] <= first_width + EPS and not forced:
        return [Line(0, n, ends[-1])]

    def inner(k: int, cut: bool) -> list[breaking.Inner]:
        if cut:
            return _cuts(words, k, spans)
        return _formula_breaks(words, k, spans) or _hyphens(words, k, spans, hyphenate)

    spaces = list(accumulate(before)) if justify else None
    em = spans[words.spans[0]].size
    found = breaking.breaks(starts, ends, forced, first_width, width, inner, em=em, spaces=spaces)
    # Each line's width, from where it starts to where it ends (a hyphen included).
    lines: list[Line] = []
    begin, begin_at = 0, 0.0
    splits: dict[int, list[breaking.Inner]] = {}
    for k, point in found:
        if point is None:
            end_at = ends[k - 1]
        else:
            splits.setdefault(k, []).append(point)
            end_at = starts[k] + point.before + point.extra
        lines.append(Line(begin, k, end_at - starts[begin] - begin_at))
        begin, begin_at = k, (point.before if point is not None else 0.0)
    if not splits:
        return lines
    # Words broken inside become pieces, the last first so that the earlier indices hold; a line's
    # first word is then counted past the pieces added before it.
    split_words = sorted(splits)
    words.splice({k: _split(words, k, spans, splits[k]) for k in split_words})
    added = list(accumulate(len(splits[k]) for k in split_words))

    def index(k: int, point: breaking.Inner | None) -> int:
        at = bisect_left(split_words, k)
        shift = added[at - 1] if at else 0
        return k + shift + (splits[k].index(point) + 1 if point is not None else 0)

    firsts = [0, *(index(k, point) for k, point in found[:-1]), len(words)]
    return [Line(firsts[i], firsts[i + 1], line.width) for i, line in enumerate(lines)]


def _cuts(words: Words, k: int, spans: Sequence[Span]) -> list[breaking.Inner]:
    """Word k's places between two characters: for a word wider than any line."""
    out: list[breaking.Inner] = []
    used = 0.0
    offset = 0
    for index, value in words.pieces(k):
        span = spans[index]
        for char in value:
            if offset:
                out.append(breaking.Inner(offset, used, 0.0, breaking.CUT_PENALTY, False))
            used += _char_width(span, char)
            offset += 1
    return out


def _formula_breaks(words: Words, k: int, spans: Sequence[Span]) -> list[breaking.Inner]:
    """Word k's places between the pieces of a formula cut at its operators (spans.formula): a
    line may end there, as TeX lets it end after a relation or a binary operator in the text."""
    if words.more[k] is None:
        return []
    out: list[breaking.Inner] = []
    used = 0.0
    offset = 0
    last: InlineBox | None = None
    for index, value in words.pieces(k):
        box = spans[index].box
        if box is not None and last is not None and box.fallback and box.fallback is last.fallback:
            out.append(breaking.Inner(offset, used, 0.0, FORMULA_PENALTY, False))
        last = box
        used += box.width if box is not None else _chars_width([(index, c) for c in value], spans)
        offset += len(value)
    return out


def _hyphens(words: Words, k: int, spans: Sequence[Span], language: str) -> list[breaking.Inner]:
    """Word k's places for a hyphen, in running text: never in code or a link. A line may also
    end after a dash the word is written with ('bias–' / 'variance'), adding nothing. A guide
    that does not hyphenate (large print) splits no word at all."""
    if not language or words.more[k] is not None:
        return []
    span = spans[words.spans[k]]
    if span.link is not None or _fixed(span.face):
        return []
    text = words.texts[k]
    if not text.isascii() and (shaping.needs_shaping(text) or has_rtl(text)):
        return []  # hyphenation patterns are for alphabets set letter by letter
    found = hyphens.places(text, language)
    dashes = hyphens.after_dashes(text)
    if not found and not dashes:
        return []
    font, face, size = span.font, span.face, span.size
    hyphen = width_of(font, face, size, "-")
    made = [breaking.Inner(p, width_of(font, face, size, text[:p]), hyphen, breaking.HYPHEN_PENALTY, True)
            for p in found]  # fmt: skip
    # TeX's \exhyphenpenalty is its \hyphenpenalty, and such a line counts as hyphenated too.
    made += [breaking.Inner(p, width_of(font, face, size, text[:p]), 0.0, breaking.HYPHEN_PENALTY, True)
             for p in dashes]  # fmt: skip
    return made  # one or the other: a word with a dash has no hyphen of pyphen's


@cache
def _fixed(face: str) -> bool:
    return fixed_pitch(face)


def _split(words: Words, k: int, spans: Sequence[Span], points: list[breaking.Inner]) -> Words:
    """Word k in pieces at the places lines end inside it: a hyphen drawn at the end of each
    piece hyphenated there, the pieces after it joined to it (SOFT; DASHED after the word's own
    dash) or, cut, JOINED."""
    chars = [(index, char) for index, value in words.pieces(k) for char in value]
    out = Words()
    gap = words.gaps[k]
    begin = 0
    for point in [*points, None]:
        end = point.offset if point is not None else len(chars)
        piece = chars[begin:end]
        # A hyphen is drawn where one is added (extra: its width), none after the word's own dash.
        if point is not None and point.flagged and point.extra > 0:
            piece.append((piece[-1][0], "-"))
            after = SOFT
        else:
            after = DASHED if point is not None and point.flagged else JOINED
        _word(out, piece, _chars_width(piece, spans), gap)
        gap = after
        begin = end
    return out


def _unhyphenate(words: Words, spans: Sequence[Span]) -> None:
    """Words hyphenated (or broken after their own dash) at a line's end made whole again, for
    breaking anew at another width."""
    merged = Words()
    for k in range(len(words)):
        if words.gaps[k] in BROKEN and len(merged):
            last = len(merged) - 1
            pieces = merged.pieces(last)
            if words.gaps[k] == SOFT:
                index, value = pieces[-1]
                pieces[-1] = (index, value[:-1])  # its hyphen
            chars = [(i, c) for i, v in (*pieces, *words.pieces(k)) for c in v]
            width = _chars_width(chars, spans)
            gap = merged.gaps[last]
            merged.replace(last, Words())
            _word(merged, chars, width, gap)
        else:
            merged.add(words.widths[k], words.spans[k], words.texts[k], words.more[k], words.gaps[k])
    words.widths, words.spans, words.texts = merged.widths, merged.spans, merged.texts
    words.more, words.gaps, words.soft = merged.more, merged.gaps, False


def _char_width(span: Span, char: str) -> float:
    """One character's advance (an inline box's width, for its one character)."""
    if span.box is not None:
        return span.box.width
    return width_of(span.font, span.face, span.size, char)


def _chars_width(chars: Sequence[tuple[int, str]], spans: Sequence[Span]) -> float:
    """The width of (span index, character) pairs drawn together: each span's run measured whole,
    shaped if it needs to be, as words are measured (words_of)."""
    total = 0.0
    at = 0
    while at < len(chars):
        index = chars[at][0]
        end = at
        while end < len(chars) and chars[end][0] == index:
            end += 1
        span = spans[index]
        value = "".join(char for _, char in chars[at:end])
        if span.box is not None:
            total += span.box.width * len(value)
        elif not value.isascii() and (shaping.needs_shaping(value) or has_rtl(value)):
            total += shaping.width(span.face, span.size, value, has_rtl(value))
        else:
            total += width_of(span.font, span.face, span.size, value)
        at = end
    return total


def _word(out: Words, chars: list[tuple[int, str]], width: float, gap: int) -> None:
    """A word from (span index, character) pairs, consecutive ones of a span joined."""
    pieces: list[tuple[int, str]] = []
    for index, char in chars:
        if pieces and pieces[-1][0] == index:
            pieces[-1] = (index, pieces[-1][1] + char)
        else:
            pieces.append((index, char))
    first = pieces[0]
    out.add(width, first[0], first[1], tuple(pieces[1:]) or None, gap)


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


class Para(Block):
    """A paragraph of spans in a style: broken into lines once per width, split between lines.

    The parts of a split paragraph share its words and lines, each drawing its own range of lines.
    """

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
        self.spans = spans if isinstance(spans, list) else list(spans)
        self.style = style
        self.indent = style.left_indent if indent is None else indent
        self.first_indent = style.first_indent if first_indent is None else first_indent
        self.bullet = bullet
        self.space_before = style.space_before if space_before is None else space_before
        self.space_after = style.space_after if space_after is None else space_after
        self.keep_with_next = style.keep_with_next if keep_with_next is None else keep_with_next
        self.ends_paragraph = True  # False for every part of a split paragraph but its last
        # Inline boxes (formulas, emoji) give their lines their own heights; a paragraph without
        # any keeps the fixed leading, line for line.
        self._boxed = any(span.box is not None for span in self.spans)
        self._extents: list[
            tuple[float, float]
        ] = []  # with boxes: each line's room above and below its baseline
        self._words: Words | None = None
        self._all: list[Line] = []  # the lines of the whole paragraph, at _lines_width
        self._first, self._end = 0, 0  # this part's range of them
        self._lines_width: float | None = None
        self._part = False  # a piece of a split paragraph
        self._visual: bool | None = None  # whether it holds text that is shaped or right to left
        self._levels: tuple[tuple[int, int], tuple[bool, list[int] | None, list[int]]] | None = None
        self._decorated: bool | None = None  # whether some span has a background, a link, a line

    # --- measuring ---------------------------------------------------------------------------------

    def _first_offset(self) -> float:
        """How far the first line starts right of the indent (a bullet may push it further)."""
        offset = self.first_indent
        if self.bullet is not None:
            offset = max(offset, self.bullet.end - self.indent)
        return offset

    def lines(self, width: float) -> Sequence[Line]:
        """This part's lines for a width, broken once and remembered."""
        if width != self._lines_width:
            if self._boxed and not self._part:
                self._fit_boxes(width - self.indent - max(self._first_offset(), 0.0))
            if self._words is None:
                self._words = words_of(self.spans)
            elif self._part:
                self._own_words()
            text_width = width - self.indent
            style = self.style
            self._all = break_lines(
                self._words,
                self.spans,
                text_width - self._first_offset(),
                text_width,
                hyphenate=style.hyphenate,
                justify=style.alignment == "justify",
            )
            if self._boxed:
                self._extents = line_extents(self._words, self.spans, self._all, self.style)
            self._first, self._end = 0, len(self._all)
            self._lines_width = width
        if self._first == 0 and self._end == len(self._all):
            return self._all  # the whole paragraph: most of them
        return self._all[self._first : self._end]

    def _fit_boxes(self, room: float) -> None:
        """Formulas wider than a line of `room` (in a narrow table cell, say) replaced by what
        stands for them (their source, which breaks like text): nothing is drawn past the edge."""
        spans = self.spans
        if not any(s.box is not None and s.box.fallback and s.box.width > room + EPS for s in spans):
            return
        out: list[Span] = []
        at = 0
        while at < len(spans):
            box = spans[at].box
            if box is None or not box.fallback:
                out.append(spans[at])
                at += 1
                continue
            end = at  # the pieces of one formula hold the same fallback
            while end < len(spans) and (other := spans[end].box) is not None:
                if other.fallback is not box.fallback:
                    break
                end += 1
            wide = any((s.box is not None and s.box.width > room + EPS) for s in spans[at:end])
            out.extend(box.fallback if wide else spans[at:end])
            at = end
        self.spans = out
        self._words, self._visual, self._levels, self._decorated = None, None, None, None
        self._boxed = any(span.box is not None for span in out)

    def _own_words(self) -> None:
        """A part set at another width than the paragraph was: it takes its own words, to break anew."""
        assert self._words is not None
        lines = self._all[self._first : self._end]
        start, end = (lines[0].start, lines[-1].end) if lines else (0, 0)
        self._words, self._all, self._part = self._words.part(start, end), [], False
        self._extents = []

    def line_texts(self, width: float) -> list[str]:
        """The text of each line as it is drawn at a width."""
        lines = self.lines(width)
        words = self._words or Words()
        return ["".join(value for _, value in _segments(words, start, end)[0]) for start, end, _ in lines]

    def measure(self, width: float) -> float:
        if not self.spans:
            return self.style.leading if self.bullet is not None else 0.0
        if self._boxed:
            self.lines(width)
            return self._height(self._first, self._end)
        return len(self.lines(width)) * self.style.leading

    def _height(self, first: int, end: int) -> float:
        """The height of lines first to end of a paragraph with inline boxes."""
        return sum(above + below for above, below in self._extents[first:end])

    def baselines(self) -> tuple[float, float]:
        """How far below its top the first line's baseline is, and how far above its bottom the
        last line's, as last wrapped: lines with a formula taller than the text sit lower."""
        style = self.style
        if self._boxed and self._extents and self._end > self._first:
            return self._extents[self._first][0], self._extents[self._end - 1][1]
        return style.size, style.leading - style.size

    def last_line_width(self, width: float) -> float:
        """How far the last line's text reaches from the left edge (a contents leader starts there)."""
        lines = self.lines(width)
        if not lines:
            return self.indent
        return self.indent + (self._first_offset() if len(lines) == 1 else 0.0) + lines[-1].width

    def split(self, width: float, height: float) -> list[Block]:
        lines = self.lines(width)
        count = len(lines)
        if self._boxed:
            fit, used = len(lines), 0.0
            for index, (above, below) in enumerate(self._extents[self._first : self._end]):
                if used + above + below > height + EPS:
                    fit = index
                    break
                used += above + below
        else:
            fit = int((height + EPS) // self.style.leading)
        if fit >= count:
            return []
        if count - fit == 1:
            fit -= 1  # no last line alone at the top of a page (a widow)
        if fit < 2:
            return []  # no first line alone at the foot of a page (an orphan)
        first = self._piece(self._first, self._first + fit)
        first.space_after, first.keep_with_next, first.ends_paragraph = 0.0, False, False
        rest = self._piece(self._first + fit, self._end)
        rest.bullet, rest.first_indent, rest.space_before = None, 0.0, 0.0
        return [first, rest]

    def _piece(self, first: int, end: int) -> Para:
        part = Para(
            self.spans,
            self.style,
            indent=self.indent,
            first_indent=self.first_indent,
            bullet=self.bullet,
            space_before=self.space_before,
            space_after=self.space_after,
            keep_with_next=self.keep_with_next,
        )
        part.ends_paragraph = self.ends_paragraph
        part._decorated = self.decorated()
        part._words, part._all, part._first, part._end = self._words, self._all, first, end
        part._lines_width, part._part = self._lines_width, True
        part._boxed, part._extents = self._boxed, self._extents
        part.width = self.width
        part.height = self._height(first, end) if self._boxed else (end - first) * self.style.leading
        return part

    # --- drawing -------------------------------------------------------------------------------------

    def decorated(self) -> bool:
        """Whether some span has a background, a link or a line: known once a paragraph, and shared
        with its parts (a paragraph of a hundred pages is not looked through a hundred times)."""
        if self._decorated is None:
            self._decorated = any(
                s.back is not None or s.link is not None or s.strike or s.underline for s in self.spans
            )
        return self._decorated

    def draw(self, out: Out, x: float, y: float) -> None:
        style = self.style
        lines = self.lines(self.width)
        baseline = y + self.height - style.size
        leading = style.leading
        if self._boxed:
            self._draw_boxed(out, x, y, lines)
            return
        under: list[page.Item] = []  # code backgrounds go under the text, strikes and links over it
        text: list[page.Item] = []
        over: list[page.Item] = []
        bidi = self._bidi()
        right = style.rtl or (bidi is not None and bidi[0])  # the lines start at the right
        if self.bullet is not None and self._first == 0:
            b = self.bullet
            run = page.Run(b.face, b.size, b.colour, b.text)
            at = x + b.indent
            if right:  # the bullet hangs at the right, as far in from the right edge
                at = x + self.width - b.indent - width_of(font(b.face), b.face, b.size, b.text)
            text.append(page.TextLine(at, baseline, (run,)))
        spans = self.spans
        words = self._words or Words()
        texts, gaps = words.texts, words.gaps
        align = style.alignment
        decorated = self.decorated()
        first_offset = self._first_offset() if self._first == 0 else 0.0
        last = len(lines) - 1
        if bidi is not None:
            self._draw_visual(bidi, x, baseline, first_offset, right, under, text, over)
        elif len(spans) == 1 and align != "justify":  # one style: each line one run
            span = spans[0]
            face, size, colour, rise = span.face, span.size, span.colour, span.rise
            heavy = span.embolden
            for number, (start, end, used) in enumerate(lines):
                if start < end:
                    offset = first_offset if number == 0 else 0.0
                    left = self._start(x, offset, used, right)
                    if words.joined:
                        value = "".join(
                            (" " if i > start and gaps[i] >= 0 else "") + texts[i] for i in range(start, end)
                        )
                    else:
                        value = " ".join(texts[start:end])
                    run = page.Run(face, size, colour, value, rise, None, heavy)
                    text.append(page.TextLine(left, baseline, (run,)))
                    if decorated:
                        self._decorate(span, left, used, baseline, under, over)
                baseline -= leading
        else:
            text_width = self.width - self.indent
            for number, (start, end, used) in enumerate(lines):
                offset = first_offset if number == 0 else 0.0
                room = text_width - offset
                segments, spaces = _segments(words, start, end)
                stretch = 0.0
                hard = end < len(words) and gaps[end] == HARD  # a line a hard break ends
                ends = self.ends_paragraph and self._end == len(self._all)
                if align == "justify" and spaces and (number < last or not ends) and not hard:
                    stretch = self._stretch(room - used, spaces)
                left = self._start(x, offset, used + stretch * spaces, right)
                runs = []
                cursor = left
                for index, value in segments:
                    span = spans[index]
                    heavy = span.embolden
                    runs.append(page.Run(span.face, span.size, span.colour, value, span.rise, None, heavy))
                    if decorated or stretch:
                        advance = width_of(span.font, span.face, span.size, value) + stretch * value.count(
                            " "
                        )
                        if span.back is not None or span.link is not None or span.strike or span.underline:
                            self._decorate(span, cursor, advance, baseline, under, over, value)
                        cursor += advance
                if runs:  # a line a hard break leaves empty draws nothing
                    text.append(page.TextLine(left, baseline, tuple(runs), round(stretch, 3)))
                baseline -= leading
        for item in (*under, *text, *over):
            out.add(item)

    def _stretch(self, room: float, spaces: int) -> float:
        """How much wider than its font's space each space of a justified line is: spread to the
        edge, but no wider than the breaker's tolerance allows (a line it could not set within it
        is left short rather than full of holes)."""
        return min(room / spaces, float(self.spans[0].space * breaking.MOST_STRETCH))

    def _start(self, x: float, offset: float, used: float, right: bool) -> float:
        """Where a line `used` wide starts, by the style's alignment: a line that starts at the right
        (right to left) is set from the right edge, with the indent (and the bullet) there."""
        align = self.style.alignment
        room = self.width - self.indent - offset
        if right:
            edge = x
            align = {"left": "right", "justify": "right"}.get(align, align)
        else:
            edge = x + self.indent + offset
        if align == "right":
            return edge + (room - used)
        if align == "center":
            return edge + (room - used) / 2
        return edge

    def _bidi(self) -> tuple[bool, list[int] | None, list[int]] | None:
        """For a paragraph with text that is shaped or right to left: its base direction, its
        characters' levels (None: all left to right) and where each word starts in its text, as
        the line breaker left its words; None for any other paragraph (most), drawn as it was."""
        words = self._words
        if words is None:
            return None
        if self._visual is None:
            self._visual = any(shaping.needs_shaping(s.text) or has_rtl(s.text) for s in self.spans)
        if not self._visual:
            return None
        key = (id(words), len(words))
        if self._levels is None or self._levels[0] != key:
            starts: list[int] = []
            parts: list[str] = []
            code: list[tuple[int, int]] = []  # where inline code is: it stays left to right
            at = 0
            for k in range(len(words)):
                gap = words.gaps[k]
                own = words.pieces(k)
                # A hard break reads as a space; a word hyphenated across lines as one word.
                pieces = [(gap, " "), *own] if k and gap not in UNSPACED else own
                for number, (span, value) in enumerate(pieces):
                    if number == len(pieces) - len(own):
                        starts.append(at)  # the word itself starts here
                    if span >= 0 and self.spans[span].code:
                        if code and code[-1][1] == at:
                            code[-1] = (code[-1][0], at + len(value))
                        else:
                            code.append((at, at + len(value)))
                    parts.append(value)
                    at += len(value)
            base, levels = visual.paragraph_levels("".join(parts), self.style.rtl, code)
            self._levels = (key, (base, levels, starts))
        return self._levels[1]

    def _draw_visual(
        self,
        bidi: tuple[bool, list[int] | None, list[int]],
        x: float,
        baseline: float,
        first_offset: float,
        right: bool,
        under: list[page.Item],
        text: list[page.Item],
        over: list[page.Item],
    ) -> None:
        """The lines of a paragraph with text that is shaped or right to left: each line's runs
        in visual order (rule L2 on the paragraph's levels), shaped where they need it."""
        _, levels, starts = bidi
        words = self._words or Words()
        spans = self.spans
        lines = self.lines(self.width)
        align = self.style.alignment
        last = len(lines) - 1
        text_width = self.width - self.indent
        for number, (start, end, _used) in enumerate(lines):
            if start >= end:
                baseline -= self.style.leading
                continue
            offset = first_offset if number == 0 else 0.0
            segments, spaces = _segments(words, start, end)
            pieces = [
                visual.Piece(index, s.face, s.size, s.colour, s.rise, s.embolden, value)
                for index, value in segments
                for s in (spans[index],)
            ]
            at = starts[start]
            length = sum(len(p.text) for p in pieces)
            line_levels = None if levels is None else levels[at : at + length]
            placed = visual.runs(pieces, line_levels, lambda f, z, v: width_of(font(f), f, z, v))
            used = sum(p.width for p in placed)
            stretch = 0.0
            hard = end < len(words) and words.gaps[end] == HARD
            ends = self.ends_paragraph and self._end == len(self._all)
            if align == "justify" and spaces and (number < last or not ends) and not hard:
                stretch = self._stretch(text_width - offset - used, spaces)
            left = self._start(x, offset, used + stretch * spaces, right)
            cursor = left
            for key, run, width in placed:
                span = spans[key]
                advance = width + stretch * run.text.count(" ")
                if span.back is not None or span.link is not None or span.strike or span.underline:
                    self._decorate(span, cursor, advance, baseline, under, over, run.text)
                cursor += advance
            text.append(page.TextLine(left, baseline, tuple(p.run for p in placed), round(stretch, 3)))
            baseline -= self.style.leading

    def _draw_boxed(self, out: Out, x: float, y: float, lines: Sequence[Line]) -> None:
        """Draw lines holding inline boxes: each line as far below the last as their boxes need,
        each box's picture where it stands in its line, the text around it in lines of its own;
        text that is shaped or right to left in visual order, the boxes among it."""
        style = self.style
        under: list[page.Item] = []
        text: list[page.Item] = []
        over: list[page.Item] = []
        extents = self._extents[self._first : self._end]
        top = y + self.height
        baseline = top - (extents[0][0] if extents else style.size)
        bidi = self._bidi()
        right = style.rtl or (bidi is not None and bidi[0])
        if self.bullet is not None and self._first == 0:
            b = self.bullet
            at = x + b.indent
            if right:
                at = x + self.width - b.indent - width_of(font(b.face), b.face, b.size, b.text)
            text.append(page.TextLine(at, baseline, (page.Run(b.face, b.size, b.colour, b.text),)))
        spans = self.spans
        words = self._words or Words()
        gaps = words.gaps
        align = style.alignment
        text_width = self.width - self.indent
        first_offset = self._first_offset() if self._first == 0 else 0.0
        last = len(lines) - 1
        for number, (start, end, broken) in enumerate(lines):
            if number:
                baseline -= extents[number - 1][1] + extents[number][0]
            offset = first_offset if number == 0 else 0.0
            segments, spaces = _segments(words, start, end)
            placed = self._placed(segments, bidi, start)
            used = broken if bidi is None else sum(width for _, _, width in placed)  # shaped widths
            stretch = 0.0
            hard = end < len(words) and gaps[end] == HARD
            ends = self.ends_paragraph and self._end == len(self._all)
            if align == "justify" and spaces and (number < last or not ends) and not hard:
                stretch = self._stretch(text_width - offset - used, spaces)
            runs: list[page.Run] = []
            cursor = start_x = self._start(x, offset, used + stretch * spaces, right)
            for at, (index, run, width) in enumerate(placed):
                span = spans[index]
                if run is None:  # an inline box
                    assert span.box is not None
                    if runs:
                        text.append(page.TextLine(start_x, baseline, tuple(runs), round(stretch, 3)))
                        runs = []
                    picture = span.box.picture
                    text.append(picture._replace(x=cursor + picture.x, y=baseline + picture.y))
                    if span.back is not None:  # an emoji in inline code: on the code's background
                        top = baseline + style.size
                        under.append(page.Fill(cursor, top - style.leading, width, style.leading, span.back))
                    if span.link is not None:
                        rect = (cursor, baseline - span.box.depth, cursor + width, baseline + span.box.height)
                        over.append(page.Link(rect, page.WebTarget(span.link)))
                    cursor += width
                    start_x = cursor
                    continue
                runs.append(run)
                advance = width + stretch * run.text.count(" ")
                if span.back is not None or span.link is not None or span.strike or span.underline:
                    value = run.text
                    if span.back is not None:  # an emoji in the same code: the background goes on
                        value = _backed_spaces(value, span.back, placed, at, spans)
                    self._decorate(span, cursor, advance, baseline, under, over, value)
                cursor += advance
            if runs:
                text.append(page.TextLine(start_x, baseline, tuple(runs), round(stretch, 3)))
        for item in (*under, *text, *over):
            out.add(item)

    def _placed(
        self,
        segments: list[tuple[int, str]],
        bidi: tuple[bool, list[int] | None, list[int]] | None,
        start: int,
    ) -> list[tuple[int, page.Run | None, float]]:
        """A line's segments as drawn from the left, each (span, run, width): a run None for an
        inline box; shaped and in visual order for a paragraph with such text (`bidi`)."""
        spans = self.spans
        if bidi is None:
            out: list[tuple[int, page.Run | None, float]] = []
            for index, value in segments:
                span = spans[index]
                if span.box is not None:
                    out.append((index, None, span.box.width))
                else:
                    run = page.Run(span.face, span.size, span.colour, value, span.rise, None, span.embolden)
                    out.append((index, run, width_of(span.font, span.face, span.size, value)))
            return out
        _, levels, starts = bidi
        pieces = [
            visual.Piece(index, s.face, s.size, s.colour, s.rise, s.embolden, value)
            for index, value in segments
            for s in (spans[index],)
        ]
        at = starts[start]
        length = sum(len(p.text) for p in pieces)
        line_levels = None if levels is None else levels[at : at + length]
        placed: list[tuple[int, page.Run | None, float]] = []
        for level, piece in visual.ordered(pieces, line_levels):
            box = spans[piece.key].box
            if box is not None:
                placed.append((piece.key, None, box.width))
                continue
            made = visual.run(level, piece, lambda f, z, v: width_of(font(f), f, z, v))
            if made is not None:
                placed.append((made.key, made.run, made.width))
        return placed

    def _decorate(
        self,
        span: Span,
        x: float,
        width: float,
        baseline: float,
        under: list[page.Item],
        over: list[page.Item],
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
            under.append(page.Fill(x, baseline + size - leading, width, leading, span.back))
        baseline += span.rise
        if span.underline:
            y = baseline - 0.12 * span.size
            over.append(page.Fill(x, y - 0.03 * span.size, width, 0.06 * span.size, span.colour))
        if span.strike:
            y = baseline + 0.25 * span.size
            over.append(page.Fill(x, y - 0.03 * span.size, width, 0.06 * span.size, span.colour))
        if span.link is not None:
            rect = (x, baseline - 0.2 * span.size, x + width, baseline + span.size)
            over.append(page.Link(rect, page.WebTarget(span.link)))


def _backed_spaces(
    value: str,
    back: Colour,
    placed: Sequence[tuple[int, page.Run | None, float]],
    at: int,
    spans: Sequence[Span],
) -> str:
    """The text of the run `at` of a line, with its spaces at an end that touches an inline box on
    the same background (an emoji in the same code) kept: its background goes on under them."""

    def boxed(index: int) -> bool:
        return 0 <= index < len(placed) and placed[index][1] is None and spans[placed[index][0]].back == back

    if boxed(at - 1):
        stripped = value.lstrip(" ")
        value = "\u00a0" * (len(value) - len(stripped)) + stripped
    if boxed(at + 1):
        stripped = value.rstrip(" ")
        value = stripped + "\u00a0" * (len(value) - len(stripped))
    return value


def line_extents(
    words: Words, spans: Sequence[Span], lines: Sequence[Line], style: Style
) -> list[tuple[float, float]]:
    """How far each line reaches above and below its baseline: as a line of text in the style
    (its size above, the rest of its leading below), or as far as its tallest inline box needs.
    Where formulas on two lines one under the other would come closer than BOX_SKIP of the size
    (two fractions), the upper line reaches further down: they never touch (TeX's \\lineskip).
    Emoji, the size of a letter, keep the leading."""
    above, below = style.size, style.leading - style.size
    out: list[tuple[float, float]] = []
    formulas: list[tuple[float, float]] = []  # each line's tallest formula above and below, or (0, 0)
    for start, end, _ in lines:
        high, low = above, below
        tallest, deepest = 0.0, 0.0
        for i in range(start, end):
            for index, _value in words.pieces(i):
                box = spans[index].box
                if box is not None:
                    high = max(high, box.height)
                    low = max(low, box.depth)
                    if box.fallback:  # a formula (an emoji has no source to fall back on)
                        tallest, deepest = max(tallest, box.height), max(deepest, box.depth)
        out.append((high, low))
        formulas.append((tallest, deepest))
    skip = style.size * BOX_SKIP
    for n in range(1, len(out)):
        (_, low_box), (high_box, _) = formulas[n - 1], formulas[n]
        if not (low_box and high_box):
            continue  # no formula on one of the lines
        short = low_box + high_box + skip - (out[n - 1][1] + out[n][0])
        if short > 0:
            out[n - 1] = (out[n - 1][0], out[n - 1][1] + short)
    return out


def _segments(words: Words, start: int, end: int) -> tuple[list[tuple[int, str]], int]:
    """A line's text as runs of one span each, spaces included; and how many spaces it has."""
    segments: list[tuple[int, str]] = []
    current = -1
    parts: list[str] = []
    spaces = 0
    spans, texts, more, gaps = words.spans, words.texts, words.more, words.gaps
    for i in range(start, end):
        index, value, gap = spans[i], texts[i], gaps[i]
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
        for piece_index, piece in more[i] or ():
            if piece_index != current:
                if parts:
                    segments.append((current, "".join(parts)))
                current, parts = piece_index, []
            parts.append(piece)
    if parts:
        segments.append((current, "".join(parts)))
    return segments, spaces
