"""The fields of a question, in one table: what each holds, whether it must be there, how it is kept.

Adding a field to questions means a row here, the validator's rule for its kind (validate.py),
and its layout (layout/compose.py and layout/story.py): the store, the model, the glyph check
and the manifest's digests follow this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# id: a short name; line: one line of text; text: Markdown (or plain text, see `format`); list:
# a list of such texts; names: a list of one-line names (tags); choice: one of a few words.
Kind = Literal["id", "line", "text", "list", "names", "choice"]


@dataclass(frozen=True)
class Field:
    """One field of a question."""

    name: str
    kind: Kind
    wants: str  # what it holds, as a message says what to write: "add 'answer:' with a model answer"
    required: bool = False
    missing_warns: bool = False  # a question without it builds, with a warning
    # Kept on the question itself, one string shared by every question that names it (topic),
    # rather than in the text store with the other texts.
    shared: bool = False
    # In the digest of a question's content even when empty: False for fields added later, so
    # that the digests of questions without them stay what they were (the manifest's contract).
    digest_empty: bool = True

    @property
    def stored(self) -> bool:
        """Whether the text store keeps it (texts, lists, one-line texts); else the question does."""
        return self.kind in ("text", "list") or (self.kind == "line" and not self.shared)


QUESTION_FIELDS: tuple[Field, ...] = (
    Field("id", "id", "a short name unique in the guide, such as 'bias-variance'", required=True),
    Field("topic", "line", "the title of its topic", required=True, shared=True),
    Field("title", "line", "a short name for the contents", digest_empty=False),
    Field("question", "text", "the question to ask", required=True),
    Field("answer", "text", "a model answer", required=True),
    Field("guidance", "text", "what the interviewer listens for", missing_warns=True),
    Field("key_points", "list", "the checklist a reviewer ticks", missing_warns=True),
    Field("follow_ups", "list", "the follow-up questions"),
    Field("difficulty", "choice", "easy, medium or hard"),
    Field("tags", "names", "its tags"),
    Field("format", "choice", "markdown or text"),
)
BY_NAME = {f.name: f for f in QUESTION_FIELDS}
QUESTION_KEYS = tuple(f.name for f in QUESTION_FIELDS)
# The texts a question keeps in the text store (store.py), in this order: its texts (Markdown and
# one-line), then lists of texts. Their sizes and digests are read by name.
TEXTS = tuple(f.name for f in QUESTION_FIELDS if f.kind == "text")
STRINGS = tuple(f.name for f in QUESTION_FIELDS if f.stored and f.kind != "list")
LISTS = tuple(f.name for f in QUESTION_FIELDS if f.kind == "list")
STORED = (*STRINGS, *LISTS)
DIGEST_EMPTY = frozenset(f.name for f in QUESTION_FIELDS if f.digest_empty)
STORED_INDEX = {name: index for index, name in enumerate(STORED)}
