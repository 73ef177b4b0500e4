"""Turn a paragraph's measured words into the best places to end its lines (total fit, Knuth–Plass).

The breaks are chosen for the whole paragraph at once, as TeX chooses them: each line has a
badness (how far its spaces stretch, or for ragged text how much room it leaves), each break
its demerits ((linepenalty + badness)² + penalty²; more for two hyphens in a row, for a
hyphen before the last line, and in justified text for a tight line next to a loose one), and
the breaks with the least demerits in all win. TeX's values are the starting point.

The search runs forward over the places a line may end, each found from where its line begins
by bisection on the words' ends, so that only the few places near a line's full width are
tried (the longest few lines from a start, no more), and states at a place are bounded by its
fitness classes and hyphens: the ways in play at once are a handful, and a paragraph of a
million words stays linear in time and memory. Ragged text starts from the greedy breaks and
keeps only the ways that can still beat them (branch and bound), which leaves a short ragged
paragraph a few times the cost of greedy breaking. A place inside a word (a hyphen, or a cut
between the characters of a word wider than a line) is asked for only for the word across the
end of a line, and only if no break between words makes a good line there: a paragraph that
needs no hyphen looks no word up.

When no way of breaking keeps every line within tolerance, the least bad lines are taken all
the same, and a line that cannot be made to fit at all (a character wider than the column)
breaks where it overflows least: the paragraph is always set.
"""

from __future__ import annotations

import gc
import heapq
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import NamedTuple

# TeX's defaults (plain.tex).
LINE_PENALTY = 10.0
HYPHEN_PENALTY = 50.0
DOUBLE_HYPHEN_DEMERITS = 10_000.0
FINAL_HYPHEN_DEMERITS = 5_000.0
ADJ_DEMERITS = 10_000.0
PRETOLERANCE = 100.0  # a line this good needs no hyphen looked for
TOLERANCE = 200.0
CUT_PENALTY = 1_000.0  # a break between the characters of a word wider than a line
MAX_HYPHENS_IN_A_ROW = 2
# The longest few lines within tolerance from a line's start are tried, no shorter ones: a
# shorter line is seldom the best, and trying every one makes a node of nearly every word.
CANDIDATES = 3
# Justified text: a space stretches by half its width and shrinks by a third (cmr10's 1/6 and
# 1/9 em on a 1/3 em space); ragged text leaves up to RAGGED_STRETCH ems at a line's end
# without badness 100 (plain TeX's \raggedright uses 2 em; more hyphenates less: a word is
# hyphenated only where a line would be left some 4 ems short). A ragged line may end up to
# RAGGED_REACH ems short: rather that than a hyphen forced on it by a tolerance made for
# justified text.
STRETCH, SHRINK = 0.5, 1 / 3
MOST_STRETCH = STRETCH * (TOLERANCE / 100.0) ** (1 / 3)  # a space's stretch at the tolerance, per point
RAGGED_STRETCH, RAGGED_REACH = 4.5, 7.0
# A hyphenated word leaves no last line shorter than this share of the measure (TeX discourages
# a hyphen before the last line with \finalhyphendemerits; a lonely syllable is worse).
SHORT_LAST = 0.2
EPS = 1e-6


class Inner(NamedTuple):
    """A place inside a word where a line may end: after `offset` characters, `before` points
    of the word, adding `extra` at the line's end (a hyphen's width)."""

    offset: int
    before: float
    extra: float
    penalty: float
    flagged: bool  # a hyphen: counted for hyphens in a row


Position = tuple[int, int]  # (word, characters of it already set): where a line begins
# A node: total demerits, position, fitness class, hyphens in a row, previous node, and the place
# inside its word where the line before it ended (None: between words).
Node = tuple[float, int, int, int, int, object, "Inner | None"]
Break = tuple[int, "Inner | None"]  # where a line ends: before word k, or inside it
_PLAIN = (1, 0)  # the state of a line that ends between words: decent, no hyphen
# The demerits of two lines, the first good (badness at most PRETOLERANCE), the second the last.
TWO_LINES_GOOD = (LINE_PENALTY + PRETOLERANCE) ** 2 + LINE_PENALTY**2


def badness(slack: float, stretch: float) -> float:
    """TeX's badness of a line `slack` short of its width (over it, if negative, with `stretch`
    the shrink it has): 100·r³, r the share of the stretch (or shrink) used."""
    if slack <= 0:
        return 0.0
    if stretch <= 0:
        return 1e7
    ratio = slack / stretch
    return 100.0 * ratio * ratio * ratio


def fitness(slack: float, stretch: float, shrink: float) -> int:
    """TeX's fitness class of a line: 0 tight, 1 decent, 2 loose, 3 very loose."""
    if slack < 0:
        return 0 if shrink > 0 and -slack / shrink > 0.5 else 1
    ratio = slack / stretch if stretch > 0 else 2.0
    return 1 if ratio <= 0.5 else 2 if ratio <= 1 else 3


class _Search:
    """One paragraph's search: nodes reached at each position, the positions still to visit."""

    def __init__(
        self,
        starts: Sequence[float],
        ends: Sequence[float],
        forced: Sequence[int],
        first_width: float,
        width: float,
        inner: Callable[[int, bool], Sequence[Inner]],
        em: float,
        spaces: Sequence[float] | None,
    ) -> None:
        self.starts, self.ends, self.n = starts, ends, len(starts)
        self.first_width, self.width = first_width, width
        self.inner = inner
        self.spaces = spaces
        self.ragged = em * RAGGED_STRETCH
        self.forced = [*forced, self.n]
        # The paragraph's last line starts after this word (its last forced break, if any).
        self.last_line_from = forced[-1] if forced else 0
        # How far short of its width a line may end and still be within tolerance: for justified
        # text, with every space of a full line stretched (a space is never half a line).
        justified = (TOLERANCE / 100.0) ** (1 / 3) * width * STRETCH * 0.7
        self.reach = em * RAGGED_REACH if spaces is None else justified
        self.inner_of: dict[tuple[int, bool], Sequence[Inner]] = {}
        self.bound = math.inf  # the demerits to beat: the greedy breaks', once known
        self.pending: dict[Position, dict[tuple[int, int], Node]] = {}
        self.heap: list[Position] = []

    def places_in(self, k: int, cut: bool) -> Sequence[Inner]:
        found = self.inner_of.get((k, cut))
        if found is None:
            found = self.inner_of[(k, cut)] = self.inner(k, cut)
        return found

    def relax(self, node: Node, k: int, point: Inner | None, b: float, fit: int, final: bool) -> bool:
        """A line from `node` to before word k (or to `point` inside it), of badness b, kept if it
        makes the best way yet there in its fitness class and count of hyphens in a row; False if
        it may not be taken (a third hyphen in a row)."""
        total, _, _, prev_fit, prev_streak, _, _ = node
        flagged = point is not None and point.flagged
        penalty = point.penalty if point is not None else 0.0
        streak = prev_streak + 1 if flagged else 0
        if streak > MAX_HYPHENS_IN_A_ROW:
            return False
        d = LINE_PENALTY + b
        d = d * d + penalty * penalty
        if prev_streak:
            if flagged:
                d += DOUBLE_HYPHEN_DEMERITS
            if final:
                d += FINAL_HYPHEN_DEMERITS
        if self.spaces is not None and abs(fit - prev_fit) > 1:
            d += ADJ_DEMERITS
        total += d
        if total + self.rest(k, point) > self.bound:
            return True  # no better than the greedy breaks can be from here: not worth a node
        at = (k, point.offset if point is not None else 0)
        states = self.pending.get(at)
        if states is None:
            states = self.pending[at] = {}
            heapq.heappush(self.heap, at)
        key = (fit, streak)
        found = states.get(key)
        if found is None or total < found[0]:
            states[key] = (total, k, at[1], fit, streak, node, point)
        return True

    def rest(self, k: int, point: Inner | None) -> float:
        """The least demerits the lines from before word k (or `point` in it) to the end can
        have: as many lines as its text fills, each at least the line penalty."""
        base = self.starts[k] + (point.before if point is not None else 0.0) if k < self.n else self.ends[-1]
        lines = math.ceil((self.ends[-1] - base) / self.width - EPS) if k < self.n else 0
        return max(lines, 1 if k < self.n else 0) * LINE_PENALTY * LINE_PENALTY

    def greedy(self) -> tuple[list[Break], float] | None:
        """The breaks made line by line, each line as full as it goes (as guide broke lines before
        total fit), and their demerits as the search counts them; None if a word is wider than
        its line. The search keeps only the ways that may still beat them."""
        starts, ends, n, forced = self.starts, self.ends, self.n, self.forced
        out: list[Break] = []
        total = 0.0
        k0, room = 0, self.first_width
        while k0 < n:
            base = starts[k0]
            stop = forced[bisect_right(forced, k0)]
            j = bisect_right(ends, base + room + EPS, k0, stop) - 1
            if j < k0:
                return None
            b = 0.0
            if j + 1 < stop:
                ratio = (room - (ends[j] - base)) / self.ragged
                b = 100.0 * ratio * ratio * ratio
            total += (LINE_PENALTY + b) * (LINE_PENALTY + b)
            out.append((j + 1, None))
            k0, room = j + 1, self.width
        return out, total

    def run(self) -> list[Break]:
        fallback = self.greedy() if self.spaces is None else None
        if fallback is not None:
            breaks, total = fallback
            if len(breaks) == 2 and len(self.forced) == 1 and total <= TWO_LINES_GOOD:
                # Two lines, the first as full as it goes and good: no other way is better. A
                # shorter first line is worse, the second costs nothing, three lines cost more,
                # and a hyphen is looked for only after a line that is not good.
                return breaks
            # Branch and bound: a way that cannot beat the greedy breaks is dropped at once, so
            # that the search keeps to the few ways that can (a short ragged paragraph costs
            # little more than breaking it greedily did).
            self.bound = total * (1 - 1e-9) - 1e-6
        start: Node = (0.0, 0, 0, 1, 0, None, None)
        self.pending[(0, 0)] = {(1, 0): start}
        self.heap.append((0, 0))
        n, starts, forced = self.n, self.starts, self.forced
        expand = self.ragged_from if self.spaces is None else self.lines_from
        while True:
            if not self.heap:
                assert fallback is not None  # without a bound, the end is always reached
                return fallback[0]
            position = heapq.heappop(self.heap)
            states = self.pending.pop(position)
            k0, p0 = position
            if len(self.inner_of) > 512:
                # The places inside the words behind every line start are asked for no more.
                self.inner_of = {key: v for key, v in self.inner_of.items() if key[0] >= k0}
            if k0 >= n:
                end = min(states.values())
                if fallback is not None and end[0] >= fallback[1]:
                    return fallback[0]  # the ways that beat the bound did not beat it in the end
                break
            if p0:
                point = next(iter(states.values()))[6]
                base = starts[k0] + (point.before if point is not None else 0.0)
            else:
                base = starts[k0]
            room = self.first_width if k0 == 0 and p0 == 0 else self.width
            # No line runs past a forced break.
            stop = forced[bisect_right(forced, k0)] if len(forced) > 1 else n
            for node in states.values():
                if not expand(node, k0, p0, base, room, stop):
                    self.rescue(node, k0, p0, base, room, stop)
        out: list[Break] = []
        back: Node | None = end
        while back is not None:
            out.append((back[1], back[6]))
            back = back[5]  # type: ignore[assignment]
        out.pop()  # the paragraph's start
        out.reverse()
        return out

    def ragged_from(self, node: Node, k0: int, p0: int, base: float, room: float, stop: int) -> bool:
        """lines_from for ragged text, the common case, written out for speed: the longest few
        lines from a node's position that fit, as nodes (unless they cannot beat the bound)."""
        ends = self.ends
        j = bisect_left(ends, base + room - self.reach, k0)
        f = stop - 1
        if j > f and ends[f] - base <= room + EPS:
            j = f  # the line that a forced break ends, however short
        fits = bisect_right(ends, base + room + EPS, j, stop)  # words j … fits - 1 end in the line
        total0, streak0, point0 = node[0], node[4], node[6]
        n, starts, width, ragged, bound = self.n, self.starts, self.width, self.ragged, self.bound
        last, pending = ends[-1], self.pending
        tried = good = False
        for i in range(max(j, fits - CANDIDATES), fits):
            k = i + 1
            if k == stop:
                b = 0.0
                if k == n and point0 is not None and point0.flagged and ends[i] - base < room * SHORT_LAST:
                    b = 1e4  # a hyphenated word's last syllable alone on the last line
            else:
                ratio = (room - (ends[i] - base)) / ragged
                b = 100.0 * ratio * ratio * ratio
            d = LINE_PENALTY + b
            total = total0 + d * d
            if streak0 and k == n:
                total += FINAL_HYPHEN_DEMERITS
            tried = True
            good = good or b <= PRETOLERANCE
            if k < n:
                lines = math.ceil((last - starts[k]) / width - EPS)
                if total + (lines if lines > 1 else 1) * LINE_PENALTY * LINE_PENALTY > bound:
                    continue  # cannot beat the greedy breaks from here
            elif total > bound:
                continue
            at = (k, 0)
            states = pending.get(at)
            if states is None:
                states = pending[at] = {}
                heapq.heappush(self.heap, at)
            found = states.get(_PLAIN)
            if found is None or total < found[0]:
                states[_PLAIN] = (total, k, 0, 1, 0, node, None)
        if fits < stop and not good:
            # The word across the line's end: a hyphen in it, or cuts if no line can hold it.
            tried = self.inside(node, fits, k0, p0, base, room, 0.0, within=True) or tried
        return tried

    def lines_from(self, node: Node, k0: int, p0: int, base: float, room: float, stop: int) -> bool:
        """The lines within tolerance from a node's position; whether there were any."""
        ends, spaces = self.ends, self.spaces
        spaces0 = spaces[k0] if spaces is not None else 0.0
        j = bisect_left(ends, base + room - self.reach, k0)
        f = stop - 1
        if j > f and ends[f] - base <= room + EPS:
            j = f  # the line that a forced break ends, however short
        straddling = -1
        shrink, stretch = 0.0, self.ragged
        found: list[tuple[int, float, int]] = []  # (word, badness, fitness) of the lines in tolerance
        while j < stop:
            slack = room - (ends[j] - base)
            if spaces is not None:
                stretchable = spaces[j] - spaces0
                shrink, stretch = stretchable * SHRINK, stretchable * STRETCH
            if slack < -shrink - EPS:
                straddling = j
                break
            if j + 1 == stop:
                lonely = j + 1 == self.n and node[6] is not None and node[6].flagged
                short = lonely and room - slack < room * SHORT_LAST
                found.append((j, 1e4 if short else 0.0, 1))
            elif spaces is None:
                ratio = slack / stretch
                found.append((j, 100.0 * ratio * ratio * ratio, 1))
            else:
                b = badness(-slack, shrink) if slack < 0 else badness(slack, stretch)
                if b <= TOLERANCE:
                    found.append((j, b, fitness(slack, stretch, shrink)))
            j += 1
        tried = good = False
        for j, b, fit in found[-CANDIDATES:]:
            tried = self.relax(node, j + 1, None, b, fit, j + 1 == self.n) or tried
            good = good or b <= PRETOLERANCE
        if straddling >= 0 and not good:
            # The word across the line's end: a hyphen in it, or cuts if no line can hold it.
            tried = self.inside(node, straddling, k0, p0, base, room, spaces0, within=True) or tried
        return tried

    def inside(
        self, node: Node, s: int, k0: int, p0: int, base: float, room: float, spaces0: float, *, within: bool
    ) -> bool:
        """Lines that end inside word s: within tolerance, or (not `within`) any that fits."""
        word = self.ends[s] - self.starts[s]
        cut = s == k0 or word > self.width + EPS or (s == 0 and word > self.first_width + EPS)
        after = p0 if s == k0 else 0
        spaces = self.spaces
        stretchable = (spaces[s] - spaces0) if spaces is not None else 0.0
        shrink = stretchable * SHRINK
        stretch = stretchable * STRETCH if spaces is not None else self.ragged
        origin = self.starts[s] - base
        # No hyphen leaves the paragraph's last line shorter than SHORT_LAST of the measure ('val-'
        # / 'ues'): justified text may have no other way within tolerance, and would take it; a
        # line left short (rescue) reads better. (Ragged text always has another way.)
        rest = self.ends[-1] - self.starts[s] if not cut and s >= self.last_line_from else math.inf
        fits: list[tuple[Inner, float]] = []
        for point in self.places_in(s, cut):
            if point.offset <= after or (point.flagged and rest - point.before < self.width * SHORT_LAST):
                continue
            slack = room - (origin + point.before + point.extra)
            if slack < -shrink - EPS:
                break
            fits.append((point, slack))
        if cut:
            fits = fits[-1:]  # a word cut between characters fills each line it is on
        tried = False
        for point, slack in fits:
            b = badness(-slack, shrink) if slack < 0 else badness(slack, stretch)
            if b <= TOLERANCE or not within or cut:
                fit = fitness(slack, stretch, shrink) if spaces is not None else 1
                tried = self.relax(node, s, point, b, fit, False) or tried
        return tried

    def rescue(self, node: Node, k0: int, p0: int, base: float, room: float, stop: int) -> None:
        """No line within tolerance from here: every line that fits, however bad; else cuts in the
        word too long; and if not even one character fits, the break that overflows least."""
        ends, spaces = self.ends, self.spaces
        spaces0 = spaces[k0] if spaces is not None else 0.0
        tried = False
        j = k0
        while j < stop:
            used = ends[j] - base
            if used > room + EPS:
                break
            if j + 1 == stop:
                b = 0.0
            else:
                stretch = (spaces[j] - spaces0) * STRETCH if spaces is not None else self.ragged
                b = badness(room - used, stretch)
            tried = self.relax(node, j + 1, None, b, 1 if j + 1 == stop else 3, j + 1 == self.n) or tried
            j += 1
        if j >= stop:
            return
        if self.inside(node, j, k0, p0, base, room, spaces0, within=False) or tried:
            return
        # Not even one character fits: the least overfull break, so that the paragraph goes on.
        after = p0 if j == k0 else 0
        points = [p for p in self.places_in(j, True) if p.offset > after]
        if points:
            self.relax(node, j, points[0], 1e7, 3, False)
        else:
            self.relax(node, j + 1, None, 1e7, 3, j + 1 == self.n)


def breaks(
    starts: Sequence[float],
    ends: Sequence[float],
    forced: Sequence[int],
    first_width: float,
    width: float,
    inner: Callable[[int, bool], Sequence[Inner]],
    *,
    em: float,
    spaces: Sequence[float] | None = None,
) -> list[Break]:
    """Where each line of a paragraph ends, first to last: before word k, or at a place inside
    it; the last before the word after the last.

    `starts[k]`, `ends[k]`: where word k starts and ends, spaces before it counted; `forced`: the
    words a line must end before (hard line breaks), in order; `inner(k, cut)`: the places
    inside word k where a line may end (hyphens; with `cut`, between any two characters
    instead); `em`: the text's size.
    Justified when `spaces` is given (the total width of the spaces up to each word, which
    stretch and shrink); else ragged.
    """
    # The nodes are tuples that point back along their way: many, short-lived, never in a cycle.
    # The cycle collector would walk every one alive again and again in a long paragraph
    # (quadratic time): it is paused while they are made, and reference counting frees them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Search(starts, ends, forced, first_width, width, inner, em, spaces).run()
    finally:
        if collecting:
            gc.enable()
