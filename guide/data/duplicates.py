"""Turn question texts into the questions that look like duplicates: the same words, or nearly.

Two questions are the same when their normalised texts are equal (case, width, punctuation and
spacing aside): such questions are reported in groups. Two are near duplicates when most of their
content words are shared (Jaccard ≥ 0.7 of the words left when small ones such as 'what' and
'the' are dropped, British and American spellings and plurals folded together): 'What's the
difference between L1 and L2 regularisation?' and 'What is the difference between L1 and L2
regularization?' are; 'What is overfitting?' and 'What is underfitting?' are not. Near duplicates
are reported in pairs, each question with the first one before it that it resembles.

Comparing every pair is quadratic; instead each question gets a MinHash signature of its content
words, and only questions that share a band of it are compared (locality-sensitive hashing), each
with at most a few others of a band: near-linear, at the cost of rarely missing a pair.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

SIMILAR = 0.7  # Jaccard of content words
HASHES = 10
ROWS = 2  # hashes per band: a pair sharing 70 % of its words meets in some band 96 % of the time
COMPARED = 3  # members of a band each question is compared with
_PRIME = (1 << 61) - 1
_SMALL = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "define", "describe", "do", "does",
    "explain", "for", "from", "give", "how", "i", "in", "is", "it", "its", "of", "on", "or", "s", "should",
    "tell", "that", "the", "this", "to", "was", "we", "what", "when", "where", "which", "who", "why", "will",
    "with", "would", "you", "your",
))  # fmt: skip
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicates:
    """Questions that look alike: a group of the 'same' text, or a 'similar' pair and how alike (0-1)."""

    kind: str
    ids: tuple[str, ...]
    similarity: float


def normalise(text: str) -> str:
    """The words of a text, case-folded and compatibility-normalised, one space apart."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _coefficients(count: int) -> list[tuple[int, int]]:
    # Fixed, not random: the same bank always gives the same groups.
    return [(zlib.crc32(f"a{i}".encode()) | 1, zlib.crc32(f"b{i}".encode())) for i in range(count)]


_HASHES = _coefficients(HASHES)


def _fold(word: str) -> str:
    """One spelling for a word's variants: 'regularisation' and 'regularizations' are 'regularization'."""
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for british, american in (("isation", "ization"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing")):
        if word.endswith(british):
            return word[: -len(british)] + american
    return word


def _score(a: frozenset[str], b: frozenset[str]) -> float:
    """The Jaccard similarity of two sets of words: shared words over all words."""
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def content_words(normal: str) -> frozenset[str]:
    """The words of a normalised text that say what it asks (all of them, if all are small)."""
    words = normal.split()
    return frozenset(_fold(w) for w in words if w not in _SMALL) or frozenset(words)


def _hashes(word: str) -> tuple[int, ...]:
    token = zlib.crc32(word.encode())
    return tuple((a * token + b) % _PRIME for a, b in _HASHES)


def find(ids: Sequence[str], texts: Sequence[str]) -> list[Duplicates]:
    """Groups of questions (by id) with the same text, then pairs of near duplicates, in source order."""
    normal = [normalise(t) for t in texts]
    same: dict[str, list[int]] = {}
    for index, text in enumerate(normal):
        same.setdefault(text, []).append(index)
    found = [
        Duplicates("same", tuple(ids[i] for i in members), 1.0)
        for members in same.values()
        if len(members) > 1
    ]
    # Near duplicates, among the first question of each text. A bank repeats its words: each is
    # folded and hashed once, and the per-question work is maps over them.
    kept = [members[0] for members in same.values()]
    vocabulary = {word for index in kept for word in normal[index].split()}
    folded = {word: _fold(word) for word in vocabulary if word not in _SMALL}
    hashed = {word: _hashes(word) for word in {*folded.values(), *(vocabulary - folded.keys())}}
    words: dict[int, frozenset[str]] = {}
    buckets: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for index in kept:
        split = normal[index].split()
        content = frozenset(map(folded.__getitem__, filter(folded.__contains__, split))) or frozenset(split)
        words[index] = content
        if not content:
            continue
        signature = tuple(map(min, zip(*map(hashed.__getitem__, content), strict=True)))
        for band in range(0, HASHES, ROWS):
            buckets.setdefault((band, signature[band : band + ROWS]), []).append(index)
    best: dict[int, tuple[int, float]] = {}  # a question → the first earlier one it resembles
    for members in buckets.values():
        for position in range(1, len(members)):
            index = members[position]
            for other in members[max(0, position - COMPARED) : position]:
                score = _score(words[index], words[other])
                if score >= SIMILAR and (index not in best or other < best[index][0]):
                    best[index] = (other, score)
    for index in sorted(best):
        other, score = best[index]
        found.append(Duplicates("similar", (ids[other], ids[index]), round(score, 2)))
    return found
