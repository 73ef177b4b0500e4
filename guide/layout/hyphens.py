"""Turn a word of running text into the places a line may end inside it, with a hyphen (pyphen).

Only words of letters are hyphenated: never code, a URL, an id, a number, an acronym or a name
written in capitals inside (these the paragraph never asks about, or this module refuses).
pyphen is imported the first time a paragraph of a guide that hyphenates needs a word looked up,
and each word's places are remembered: words repeat.
"""

from __future__ import annotations

import itertools
import re
from typing import Protocol

# TeX's \lefthyphenmin and \righthyphenmin: at least two letters before a hyphen and three
# after it in English (pyphen ignores the dictionary's own header, so the values are given here).
LEFT, RIGHT = 2, 3
SHORTEST = LEFT + RIGHT  # a shorter word is never hyphenated
# Punctuation a word may carry before and after its letters: ("Hyphenation," …) is still a word.
_LEAD = "\"'([{\u2018\u201c\u00ab*_"
_TRAIL = "\"')]}.,;:!?\u2019\u201d\u00bb*_"
# The dashes a compound is written with: a hyphen, and the en dash of 'bias–variance'.
_DASHED = re.compile("[-\u2013]")


class _Dictionary(Protocol):
    def positions(self, word: str) -> list[int]: ...


_dictionaries: dict[str, _Dictionary | None] = {}
_found: dict[tuple[str, str], tuple[int, ...]] = {}


def dictionary_for(language: str) -> str:
    """The pyphen dictionary of a language tag ('en', 'en-GB', 'de_CH'), or '' if there is none."""
    import pyphen

    return pyphen.language_fallback(language.replace("-", "_")) or ""


def _dictionary(language: str) -> _Dictionary | None:
    found = _dictionaries.get(language, False)
    if found is False:
        import pyphen

        name = dictionary_for(language)
        right = RIGHT if name.startswith("en") else 2
        found = _dictionaries[language] = pyphen.Pyphen(lang=name, left=LEFT, right=right) if name else None
    return found  # type: ignore[return-value]


def places(word: str, language: str) -> tuple[int, ...]:
    """Where a word may be hyphenated, as counts of its characters before each hyphen; () when
    it is not a word of letters (code, a URL, an id, a number) or has no place to break. A
    compound ('over-parameterised') breaks only after its own dash, as Chicago and Hart's
    rules advise (after_dashes)."""
    key = (language, word)
    found = _found.get(key)
    if found is not None:
        return found
    found = ()
    core = word.lstrip(_LEAD)
    lead = len(word) - len(core)
    core = core.rstrip(_TRAIL)
    # Letters only, and lowercase after the first: 'PDF', 'JavaScript' and 'iPhone' are left whole.
    if len(core) >= SHORTEST and core.isalpha() and core[1:].islower():
        dictionary = _dictionary(language)
        if dictionary is not None:
            found = tuple(lead + p for p in dictionary.positions(core) if LEFT <= p <= len(core) - RIGHT)
    if len(_found) > 100_000:  # a bound on memory; the common words come back at once
        _found.clear()
    _found[key] = found
    return found


def after_dashes(word: str) -> tuple[int, ...]:
    """Where a line may end after a hyphen or an en dash the word is written with, adding nothing
    ('bias–' / 'variance', 'over-' / 'parameterised'), as counts of characters before each break.

    TeX breaks there whatever the language. Only between words of letters, at least two before
    the dash and three after it: never in 'e-mail', a number range ('10–15') or an id.
    """
    if not _has_dash(word):
        return ()
    core = word.lstrip(_LEAD)
    lead = len(word) - len(core)
    parts = _DASHED.split(core.rstrip(_TRAIL))
    if len(parts) < 2 or not all(part.isalpha() for part in parts):
        return ()
    found = []
    at = lead
    for before, after in itertools.pairwise(parts):
        at += len(before) + 1
        if len(before) >= LEFT and len(after) >= RIGHT:
            found.append(at)
    return tuple(found)


def _has_dash(text: str) -> bool:
    return "-" in text or "\u2013" in text
