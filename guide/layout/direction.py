"""Turn a paragraph's text into bidirectional levels, and a line's runs into the order they are drawn.

The Unicode bidirectional algorithm (UAX #9) as python-bidi's pure-Python steps give it: a
level for each character of a paragraph (even: left to right, odd: right to left), resolved
once for the whole paragraph in logical order; lines are broken in logical order, then each
line's runs are put in visual order by rule L2. Nothing here is loaded for a text with no
right-to-left character in a left-to-right guide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

# Characters whose bidirectional type is R or AL, by block: Hebrew, Arabic, Syriac, Thaana, N'Ko,
# Samaritan, Mandaic, the Arabic extensions and presentation forms, and the right-to-left planes.
_RTL_BLOCKS = re.compile(
    "[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "iw", "ps", "sd", "ug", "yi", "dv", "ckb"})


def rtl_language(tag: str) -> bool:
    """Whether a language tag (ar, fa-IR, he …) names a language written right to left."""
    return tag.split("-", maxsplit=1)[0].split("_", maxsplit=1)[0].lower() in RTL_LANGUAGES


def has_rtl(text: str) -> bool:
    """Whether a text may hold right-to-left characters (a quick test by block)."""
    return not text.isascii() and _RTL_BLOCKS.search(text) is not None


def first_strong(text: str) -> bool | None:
    """The direction of a text's first strong character (rules P2 and P3): True for right to
    left, False for left to right, None if it has none (numbers, punctuation)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return None


LRE, PDF = "\u202a", "\u202c"
_REMOVED = frozenset({"RLE", "LRE", "RLO", "LRO", "PDF", "BN"})  # what rule X9 takes out


def levels(text: str, rtl: bool, ltr: Sequence[tuple[int, int]] = ()) -> list[int]:
    """The resolved level of each character of a paragraph set with base direction `rtl` (rules
    X1 to I2), the ranges `ltr` of it (code) embedded left to right, so that `[1, 2]` stays as
    written in right-to-left text. Guide refuses explicit embeddings typed in a text; joiners
    and other characters rule X9 sets aside take the level of the character before them."""
    from bidi import algorithm

    marked = text
    if ltr:
        pieces, at = [], 0
        for start, end in ltr:
            pieces += [text[at:start], LRE, text[start:end], PDF]
            at = end
        pieces.append(text[at:])
        marked = "".join(pieces)
    storage = algorithm.get_empty_storage()
    storage["base_level"], storage["base_dir"] = (1, "R") if rtl else (0, "L")
    algorithm.get_embedding_levels(marked, storage)
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    resolved = iter([char["level"] for char in storage["chars"]])
    out: list[int] = []
    inserted = {i + 2 * k for k, (start, end) in enumerate(ltr) for i in (start, end + 1)}
    level = 1 if rtl else 0
    for index, char in enumerate(marked):
        if index in inserted:
            continue
        if unicodedata.bidirectional(char) not in _REMOVED:
            level = next(resolved)
        out.append(level)
    return out


T = TypeVar("T")


def visual(runs: Sequence[tuple[int, T]]) -> list[tuple[int, T]]:
    """Runs of a line (level, value), in logical order, put in the order they are drawn from the
    left (rule L2): from the highest level down to the lowest odd one, every stretch of runs at
    that level or higher is reversed."""
    out = list(runs)
    if not out:
        return out
    top = max(level for level, _ in out)
    odd = [level for level, _ in out if level % 2]
    if not odd:
        return out
    for level in range(top, min(odd) - 1, -1):
        i = 0
        while i < len(out):
            if out[i][0] < level:
                i += 1
                continue
            j = i
            while j < len(out) and out[j][0] >= level:
                j += 1
            out[i:j] = out[i:j][::-1]
            i = j
    return out
