"""Turn the records read from a foreign file into the questions of a new guide: ids, topics, duplicates."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from guide.data.imports.common import DEFAULT_TOPIC, Record, SourceRead, Value
from guide.data.validate import ID_PATTERN, MAX_ID_LENGTH
from guide.errors import Location, Problem

# Words that open a question but say nothing of it: "What is the …" → the words after them.
_OPENERS = frozenset((
    "what", "whats", "which", "who", "when", "where", "why", "how", "is", "are", "was", "were", "do", "does",
    "did", "can", "could", "would", "should", "will", "you", "your", "we", "i", "the", "a", "an", "explain",
    "describe", "define", "name", "list", "tell", "me", "about", "give",
))  # fmt: skip
_ARTICLES = frozenset(("a", "an", "the"))
# Words a slug cut short should not end on.
_TRAILING = frozenset((
    "and", "or", "of", "in", "to", "for", "with", "between", "on", "at", "by", "from", "do", "does", "did",
    "is", "are", "vs", "versus",
))  # fmt: skip
_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe",
                        "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th"})  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
SLUG_WORDS = 6
SLUG_LENGTH = 48  # leaves room for a suffix (-2, -3 …) under the validator's 64


@dataclass(frozen=True)
class Planned:
    """A question ready to write: its id, topic, the line it came from and its fields."""

    id: str
    topic: str
    line: int
    fields: dict[str, Value]


@dataclass
class Plan:
    """The questions of a new guide, grouped by topic in the order the source has them."""

    questions: list[Planned] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def by_topic(self) -> list[tuple[str, list[Planned]]]:
        return [(topic, [q for q in self.questions if q.topic == topic]) for topic in self.topics]


def slug(text: str, limit: int = SLUG_LENGTH) -> str:
    """A short, stable id from a question's text: its first words that say something, in ASCII.

    'What is the difference between L1 and L2?' → 'difference-between-l1-and-l2'. Text with no
    Latin letters or digits (Chinese, say) gets 'q-' and a digest of the text, stable too.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLDS))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    words = _WORD.findall(ascii_text.replace("'", "").replace("’", ""))
    first = 0
    while first < len(words) and words[first] in _OPENERS:
        first += 1
    kept = [w for w in words[first:] if w not in _ARTICLES][:SLUG_WORDS]
    while len(kept) > 1 and kept[-1] in _TRAILING:
        kept.pop()  # 'difference-between-process-and' says less than 'difference-between-process'
    kept = kept or words
    result = ""
    for word in kept[:SLUG_WORDS]:
        longer = f"{result}-{word}" if result else word
        if len(longer) > limit:
            break
        result = longer
    if not result and kept:
        result = kept[0][:limit]
    if not result:
        return "q-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return result


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … : the first not yet taken (which it then is)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def plan(read: SourceRead, default_topic: str = DEFAULT_TOPIC) -> Plan:
    """Ids, topics and duplicates settled for every record; duplicates are added to read.skipped."""
    result = Plan()
    taken: set[str] = set()
    seen: dict[tuple[str, str], int] = {}
    asked: dict[str, tuple[int, str]] = {}
    for record in read.records:
        key = (_key(record.text("question")), _key(record.text("answer")))
        if key in seen:
            read.skip(record.line, f"the same question and answer as line {seen[key]}")
            continue
        seen[key] = record.line
        qid = _id(record, taken, read.display, result.notes)
        earlier = asked.get(key[0])
        if earlier is not None:
            result.notes.append(
                Problem(
                    Location(read.display, record.line, 1),
                    f"the same question as line {earlier[0]} ('{earlier[1]}') with another answer;"
                    f" imported as '{qid}': keep one, or merge them",
                    "warning",
                )
            )
        else:
            asked[key[0]] = (record.line, qid)
        topic = record.fields.get("topic")
        topic = topic if isinstance(topic, str) and topic else default_topic
        if topic not in result.topics:
            result.topics.append(topic)
        fields = {k: v for k, v in record.fields.items() if k not in ("id", "topic")}
        result.questions.append(Planned(qid, topic, record.line, fields))
    return result


def _id(record: Record, taken: set[str], display: str, notes: list[Problem]) -> str:
    given = record.fields.get("id")
    if isinstance(given, str) and given:
        if ID_PATTERN.match(given) and len(given) <= MAX_ID_LENGTH:
            if given not in taken:
                taken.add(given)
                return given
            made = unique(given[:SLUG_LENGTH], taken)
            notes.append(
                Problem(
                    Location(display, record.line, 1),
                    f"id '{given}' is taken by an earlier question; this one is '{made}'",
                    "warning",
                )
            )
            return made
        made = unique(slug(given), taken)
        notes.append(
            Problem(
                Location(display, record.line, 1),
                f"id '{given}' is not a valid id (lowercase letters, digits and '-', at most"
                f" {MAX_ID_LENGTH}); it is '{made}'",
                "warning",
            )
        )
        return made
    return unique(slug(record.text("question")), taken)
