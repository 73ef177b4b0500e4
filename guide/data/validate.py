"""Turn a guide folder's YAML Nodes into a Guide, reporting every problem at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from guide.data import images, places
from guide.data import text as markdown
from guide.data.fields import QUESTION_FIELDS, QUESTION_KEYS
from guide.data.model import DIFFICULTIES, Guide, Question, Topic, positions
from guide.data.source import Node, describe_char, load_yaml
from guide.data.store import Texts, TextStore
from guide.data.text import FORMATS, Format
from guide.errors import GuideError, Location, Problem, Problems, closest, display_path

GUIDE_FILE = "guide.yaml"
QUESTIONS_DIR = "questions"
QUESTION_SUFFIXES = (".yaml", ".yml")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
FOLDER_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
LANGUAGE_PATTERN = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
# A date, optionally with a time as YAML writes timestamps (ignored): never other words after it.
DATE_PATTERN = re.compile(
    r"(\d{4})-(\d\d?)-(\d\d?)"
    r"(?:(?:[Tt]|[ \t]+)\d\d?:\d\d(?::\d\d(?:\.\d*)?)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?\Z"
)
MAX_ID_LENGTH = 64
# The edition goes in file names, beside the folder's name: most file systems stop at 255 bytes.
MAX_EDITION_LENGTH = 64
MAX_FOLDER_LENGTH = 100

GUIDE_KEYS = (
    "title", "subtitle", "edition", "date", "authors", "language", "description", "format", "topics",
    "questions",
)  # fmt: skip

# What each field holds, for messages that say what to write (a question's: fields.py).
_WANTS = {
    "title": "the guide's title",
    "subtitle": "a subtitle",
    "edition": 'the edition, for example "2025.1"',
    "authors": "the authors",
    "language": "a language tag such as en or en-GB",
    "description": "a description",
}
# A question's own (its `title:` is not the guide's).
_QUESTION_WANTS = {f.name: f.wants for f in QUESTION_FIELDS if f.kind != "id"}

# Characters that never belong in text: C0/C1 controls (tab and newline are fine),
# bidirectional embeddings/overrides/isolates, which can make text read differently from
# what it says, and tag characters (U+E0000-U+E007F), which are invisible and can carry
# hidden text. Left-to-right and right-to-left marks stay allowed.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "\U000e0000-\U000e007f]"
)
# The one place tags belong: an emoji tag sequence, a black flag, tags naming a region, and a
# cancel tag (Unicode TS #51), such as the flags of England, Scotland and Wales.
_FLAG = "\U0001f3f4"
_FLAG_SEQUENCE = re.compile(_FLAG + "[\U000e0020-\U000e007e]+\U000e007f")


def forbidden_character(value: str) -> str | None:
    """The first character of a text that never belongs in text (see _FORBIDDEN), or None."""
    if _FLAG in value:
        value = _FLAG_SEQUENCE.sub(_FLAG, value)
    found = _FORBIDDEN.search(value)
    return found.group() if found else None


def forbidden_message(what: str, char: str) -> str:
    """Say that a text holds a character that never belongs in text, and the fix."""
    if 0xE0000 <= ord(char) <= 0xE007F:
        return (
            f"{what} contains U+{ord(char):04X} ({describe_char(char)}), an invisible tag character that"
            " can hide text; delete it (tags belong only in emoji flags such as Scotland's)"
        )
    return f"{what} contains U+{ord(char):04X} ({describe_char(char)}), which cannot be printed; delete it"


class InvalidGuide(GuideError):
    """A guide with errors, and every text that did read well, so that characters no font can
    draw are reported in the same run as the other problems rather than after they are fixed."""

    def __init__(self, problems: Iterable[Problem], texts: Sequence[Text]) -> None:
        super().__init__(problems)
        self.texts = tuple(texts)


Text = tuple[str, str, Location, str]  # (question id or "", field, location, text)
_C = TypeVar("_C", bound=str)


def load_guide(
    folder: Path, *, max_file_bytes: int | None = None, store: TextStore | None = None
) -> tuple[Guide, tuple[Problem, ...]]:
    """Read and validate one guide folder: the Guide and its warnings, or InvalidGuide with all problems.

    Given a `store`, the questions' texts are kept in it rather than in memory.
    """
    problems = Problems()
    reader = _GuideReader(folder, problems, max_file_bytes, store)
    guide = reader.read()
    if problems.has_errors:
        # The texts of the questions that read well, with those kept of the ones that did not.
        good = [(q.id, *text) for q in reader.questions for text in q.texts()]
        raise InvalidGuide(problems.items, [*reader.texts, *good])
    assert guide is not None  # read() gives None only after recording an error
    return guide, problems.warnings


def _show(text: str, limit: int = 60) -> str:
    """User text as a message quotes it: shortened, with invisible characters spelled out."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _yaml_quote(text: str) -> str:
    if '"' in text or "\\" in text:
        return "'" + text.replace("'", "''") + "'"
    return f'"{text}"'


def _found(node: Node) -> str:
    """What a value is, for 'found …': its type, with the text when that helps."""
    if node.kind == "str":
        return f"the text '{_show(node.text)}'"
    if node.kind in ("bool", "int", "float", "timestamp"):
        return f"{node.describe()} ({_show(node.text)})"
    return node.describe()


def _not_text(what: str, node: Node, *, single_line: bool) -> str:
    """'<what> must be text, found <type>', with why YAML read it so, and the fix."""
    message = f"{what} must be text, found {node.describe()}"
    if node.kind in ("bool", "int", "float", "timestamp") and not node.quoted:
        base60 = ", in base 60" if ":" in node.text and node.kind in ("int", "float") else ""
        return (
            f"{message}: YAML reads a plain {_show(node.text)} as {node.describe()}{base60};"
            f" write it in quotes: {_yaml_quote(_show(node.text))}"
        )
    lines = "" if single_line else " (for several lines, write '|' and indent the lines below it)"
    if node.kind == "seq":
        return f"{message}; write it as text, without '- ' or [ ]{lines}"
    if node.kind == "map":
        return f"{message}: a ': ' in text makes it a mapping; put the text in quotes{lines}"
    return f"{message} ({_show(node.text)}); write it as text"


# A bank whose question files hold this much is read by two processes, each half of the files.
TWO_PROCESSES_BYTES = 1 << 20


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_file reports why


@dataclasses.dataclass
class _Checked:
    """What a reader of some of the files found: sent from a child process to the parent.

    The questions come without their texts, which stay where the child put them: a store the
    parent made before the child started, and reads from.
    """

    problems: list[Problem]
    texts: list[Text]
    ids: list[tuple[str, Location]]
    topic_refs: list[tuple[str, Location, str]]
    topics_unknown: bool
    numbered: list[tuple[str, int, Location]]
    chars: set[str]
    questions: list[tuple[Question, int, tuple[int, ...]]]  # without its texts; where they are

    @classmethod
    def of(cls, reader: _GuideReader) -> _Checked:
        questions: list[tuple[Question, int, tuple[int, ...]]]
        if reader.store is None:  # texts held in memory travel with their questions
            questions = [(q, 0, ()) for q in reader.questions]
        else:
            empty = Texts.empty()
            questions = [(dataclasses.replace(q, body=empty), *q.body.where()) for q in reader.questions]
        return cls(
            reader.problems.items,
            reader.texts,
            reader.ids,
            reader.topic_refs,
            reader.topics_unknown,
            reader.numbered,
            reader.chars,
            questions,
        )

    def merge_into(self, reader: _GuideReader, store: TextStore | None) -> None:
        reader.problems.items.extend(self.problems)
        reader.texts.extend(self.texts)
        reader.ids.extend(self.ids)
        reader.topic_refs.extend(self.topic_refs)
        reader.topics_unknown |= self.topics_unknown
        reader.numbered.extend(self.numbered)
        reader.chars |= self.chars
        for question, offset, lengths in self.questions:
            body = Texts(None, store, offset, lengths) if store is not None else question.body
            reader.questions.append(
                dataclasses.replace(
                    question,
                    body=body,
                    topic=reader.shared(question.topic),
                    tags=tuple(map(reader.shared, question.tags)),
                )
            )


class _GuideReader:
    """Check one guide folder, field by field, collecting problems instead of stopping."""

    def __init__(
        self, folder: Path, problems: Problems, max_file_bytes: int | None, store: TextStore | None = None
    ) -> None:
        self.folder = folder
        self.store = store
        self.problems = problems
        self.max_file_bytes = max_file_bytes
        self.ids: list[tuple[str, Location]] = []  # every valid id, in reading order
        # Every valid topic a question names, where, and the question's id.
        self.topic_refs: list[tuple[str, Location, str]] = []
        # Set when some question's topic could not be read (a file that did not parse, an item
        # that is not a question, a question without a usable topic): a topic with no questions
        # then says nothing of the bank, and is not warned about.
        self.topics_unknown = False
        # Questions whose text starts with a number ("72. What…"): id, number, where.
        self.numbered: list[tuple[str, int, Location]] = []
        self.default_format: Format = "markdown"  # the guide's `format:`, for questions without one
        # Texts that read well, for the glyph check of a guide with errors: the guide's own and
        # those of questions with errors (a question read well has its texts).
        self.texts: list[Text] = []
        self.questions: list[Question] = []  # the questions read well
        self.chars: set[str] = set()  # every character of every text read well
        self._strings: dict[str, str] = {}
        self.real_folder: str | None = None  # the guide folder, symbolic links resolved
        # Each image source found, or why it is refused: a figure shown by many questions is
        # read and decoded once.
        self.located: dict[str, images.ImageFile | str] = {}

    def keep_texts(self, qid: str, node: Node, fields: dict[str, str | tuple[str, ...]]) -> None:
        """Note texts read well, with where they are, for the glyph check of a guide with errors."""
        for name, value in fields.items():
            if value and name in node.entries:
                shown = value if isinstance(value, str) else " ".join(value)
                self.texts.append((qid, name, node.entries[name][1].location, shown))

    def error(self, where: Location, message: str) -> None:
        self.problems.error(where, message)

    # ---- whole guide -------------------------------------------------------------------------

    def read(self) -> Guide | None:
        folder = self.folder
        display = display_path(folder)
        try:
            exists, is_dir = folder.exists(), folder.is_dir()
        except OSError as exc:
            self.error(Location(display), f"cannot open the guide folder: {exc.strerror or exc}")
            return None
        if not exists:
            self.error(
                Location(display),
                "guide folder not found; check the path (a guide is a folder holding guide.yaml)",
            )
            return None
        if not is_dir:
            if folder.name == GUIDE_FILE:
                self.error(
                    Location(display),
                    f"expected a guide folder, found its {GUIDE_FILE}; pass the folder that holds it:"
                    f" {display_path(folder.parent)}",
                )
            else:
                self.error(Location(display), f"expected a guide folder holding {GUIDE_FILE}, found a file")
            return None
        guide_id = os.path.basename(os.path.abspath(folder))
        if not FOLDER_PATTERN.match(guide_id):
            self.error(
                Location(display),
                f"the guide folder's name '{_show(guide_id)}' is used in file names: expected letters,"
                " digits, '.', '-' and '_', starting with a letter or digit; rename the folder",
            )
        elif len(guide_id) > MAX_FOLDER_LENGTH:
            self.error(
                Location(display),
                f"the guide folder's name is {len(guide_id)} characters long, over the limit of"
                f" {MAX_FOLDER_LENGTH}: it is used in file names; rename the folder",
            )
        guide_file = folder / GUIDE_FILE
        root: Node | None = None
        if not guide_file.exists() and not guide_file.is_symlink():
            self.error(
                Location(display_path(guide_file)),
                f"the guide folder has no {GUIDE_FILE}; create it with at least title, edition and questions",
            )
        else:
            root = self.load(guide_file)
        if root is not None and root.kind != "map":
            if root.kind == "other":
                pass
            elif root.kind == "null":
                self.error(
                    root.location,
                    "the file is empty, expected the guide's fields;"
                    " write at least title, edition and questions",
                )
            else:
                ini = root.kind == "str" and " = " in root.text  # 'title = …' lines read as one text
                self.error(
                    root.location,
                    f"expected the guide's fields (title: …, edition: …), found {root.describe()}"
                    f"{' (key = value is INI, not YAML)' if ini else ''}; write one 'key: value' per line",
                )
            root = None
        fields = _GuideFields(self, root) if root is not None else None
        if fields is not None:
            self.default_format = fields.format

        # Questions are checked even when guide.yaml is unusable: every problem at once.
        before = len(self.problems.items)
        found = 0  # questions written, read well or not
        inline = root.entries.get("questions") if root is not None else None
        if inline is not None and inline[1].kind != "null":
            found += self.take(self.question_list(inline[1]))
        found += self.question_files()
        sources_failed = any(p.severity == "error" for p in self.problems.items[before:])
        # A misspelt 'questions:' key is already reported ("did you mean 'questions'?").
        misspelt = any(
            k not in GUIDE_KEYS and closest(k, GUIDE_KEYS, cutoff=0.7) == "questions"
            for k in (root.entries if root is not None else ())
        )
        if root is not None and not found and not sources_failed and not misspelt:
            self.topics_unknown = True  # every topic is empty: the error says so once
            self.error(
                root.location,
                f"the guide has no questions; add a 'questions:' list, or YAML files in"
                f" {display_path(folder / QUESTIONS_DIR)}/",
            )
        questions = self.questions
        self.check_ids()
        if fields is None:
            return None
        self.topics_unknown |= misspelt
        self.check_topics(fields.topics)
        if self.problems.has_errors:
            return None
        return Guide(
            id=guide_id,
            title=fields.title,
            edition=fields.edition,
            topics=self.group(questions, fields.topics),
            format=fields.format,
            subtitle=fields.subtitle,
            date=fields.date,
            authors=tuple(fields.authors),
            language=fields.language,
            description=fields.description,
            root=folder,
            location=fields.location,
            description_location=fields.description_location,
            characters=frozenset(self.chars),
        )

    def shared(self, value: str) -> str:
        return self._strings.setdefault(value, value)

    def take(self, nodes: list[Node]) -> int:
        """Check questions as read, keeping those read well; return how many there were."""
        for node in nodes:
            question = self.question(node)
            if question is not None:
                self.questions.append(question)
        return len(nodes)

    def question_files(self) -> int:
        """Read and check the question files, one at a time (a large bank's YAML trees are never
        all in memory at once); return how many questions they held."""
        qdir = self.folder / QUESTIONS_DIR
        where = Location(display_path(qdir))
        if not qdir.exists():
            if qdir.is_symlink():
                self.topics_unknown = True
                self.error(
                    where,
                    "questions is a symbolic link that leads nowhere (or back to itself);"
                    " point it at a folder of question files, or delete it",
                )
            return 0
        if self.outside(qdir, "questions"):
            return 0
        if not qdir.is_dir():
            self.topics_unknown = True
            self.error(where, "expected a folder of question files, found a file; rename it or move it away")
            return 0
        try:
            names = sorted(os.listdir(qdir))
        except OSError as exc:
            reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else exc.strerror
            self.topics_unknown = True
            self.error(where, f"cannot list the folder: {reason or exc}; make it readable (chmod a+rx)")
            return 0
        paths = []
        for name in names:
            # Hidden files (editor backups and locks) are not questions, as a shell's * skips them.
            if name.startswith("."):
                continue
            path = qdir / name
            if not name.lower().endswith(QUESTION_SUFFIXES):  # B.YAML is read: a Windows editor's way
                if path.is_dir():  # questions filed by subject are never left out without a word
                    self.problems.warning(
                        Location(display_path(path)),
                        f"this folder is not read: only the .yaml and .yml files directly in"
                        f" {QUESTIONS_DIR}/ hold questions; move its files up into {QUESTIONS_DIR}/",
                        group="folders in questions/ that are not read",
                    )
                continue
            paths.append(path)
        sizes = [_size(p) for p in paths]
        if len(paths) > 1 and sum(sizes) >= TWO_PROCESSES_BYTES:
            return self.read_in_two(paths, sizes)
        return sum(self.read_file(path) for path in paths)

    def load(self, path: Path) -> Node | None:
        """Read one YAML file of the guide, unless it is a link that leads out of the guide folder."""
        if self.outside(path, "the file"):
            return None
        real = Path(os.path.realpath(path))
        # Read where the links lead, never through a link again: what was checked is what is read.
        # A link that leads nowhere (or in a loop) is read as it is, for the message that says so.
        follow = not real.exists()
        return load_yaml(
            path if follow else real,
            display_path(path),
            self.problems,
            max_bytes=self.max_file_bytes,
            follow_links=follow,
        )

    def outside(self, path: Path, what: str) -> bool:
        """Whether `path` leads out of the guide folder through a symbolic link (reported if so).

        A guide is read from its own folder only: a link to /etc/passwd or ~/.ssh would otherwise
        be read, and its first line quoted in a message.
        """
        if self.real_folder is None:
            self.real_folder = os.path.realpath(self.folder)
        real = os.path.realpath(path)
        if real == self.real_folder or real.startswith(self.real_folder.rstrip(os.sep) + os.sep):
            return False
        self.error(
            Location(display_path(path)),
            f"{what} is a symbolic link to {display_path(Path(real))}, outside the guide folder; guide reads"
            " only the guide's own files: copy what it leads to into the folder instead of linking to it",
        )
        return True

    def read_file(self, path: Path) -> int:
        """Read and check one file of questions; return how many it held."""
        node = self.load(path)
        if node is None:
            self.topics_unknown = True  # its questions, and their topics, are not known
            return 0
        if node.kind == "null":
            self.problems.warning(
                node.location,
                "the file is empty; add a list of questions, each starting with '- ', or delete it",
                group="empty question files",
            )
            return 0
        return self.take(self.question_list(node, whole_file=True))

    def read_in_two(self, paths: list[Path], sizes: list[int]) -> int:
        """Read the first files here and the others in a forked child, about half the bytes each.

        The child keeps the texts of its questions in a store of its own and sends back the rest
        of them, its problems and what the checks across files need; everything comes back in
        the order the files are read in one process.
        """
        from guide import parallel

        half, split = sum(sizes) / 2, 1
        while split < len(paths) - 1 and sum(sizes[:split]) < half:
            split += 1
        theirs = TextStore() if self.store is not None else None

        def in_child() -> tuple[int, _Checked]:
            reader = _GuideReader(self.folder, Problems(), self.max_file_bytes, theirs)
            reader.default_format = self.default_format
            count = sum(reader.read_file(path) for path in paths[split:])
            if theirs is not None:
                theirs.flush()  # read by the parent, from its side of the same file
            return count, _Checked.of(reader)

        def here() -> int:
            return sum(self.read_file(path) for path in paths[:split])

        mine, (count, checked) = parallel.pair(here, in_child, Location(str(self.folder)))
        checked.merge_into(self, theirs)
        return mine + count

    def question_list(self, node: Node, *, whole_file: bool = False) -> list[Node]:
        """The items of a list of questions that are mappings; the others are reported."""
        good = [item for item in node.items if item.kind == "map"]
        if node.kind != "seq" or len(good) < len(node.items):
            self.topics_unknown = True  # something written as questions could not be read as one
        if node.kind == "other":
            return []
        if node.kind != "seq":
            if node.kind == "map" and ("id" in node.entries or "question" in node.entries):
                self.error(
                    node.location,
                    "expected a list of questions, found a single question (a mapping);"
                    " put '- ' before its first key to make it a list",
                )
            elif whole_file and node.kind == "str":
                # A whole file that YAML reads as one text is no YAML file: never quoted.
                self.error(
                    node.location,
                    "expected a list of questions, found a file that YAML reads as one plain text (not a"
                    " YAML file of questions?); start each question with '- ', or move the file away",
                )
            else:
                self.error(
                    node.location,
                    f"expected a list of questions, found {_found(node)}; start each question with '- '",
                )
            return []
        for item in node.items:
            if item.kind in ("map", "other"):  # a question, or a value whose tag is already reported
                continue
            if item.kind == "null":
                self.error(item.location, "expected a question, found an empty item; remove the lone '-'")
            else:
                self.error(
                    item.location,
                    f"expected a question (id: …, topic: …, question: …, answer: …), found {_found(item)}",
                )
        return good

    # ---- one question ------------------------------------------------------------------------

    def question(self, node: Node) -> Question | None:
        before = len(self.problems.items)
        meant = meant_keys(node, QUESTION_KEYS)
        qid = self.identifier(node, meant)
        # Every message about a question names it, when it has an id to name it by.
        owner = f"question '{qid}'" if qid else ""
        label = f"question '{qid}'" if qid else "this question"
        unknown_keys(self, node, QUESTION_KEYS, "a question's", owner=owner)
        for key in (f.name for f in QUESTION_FIELDS if f.required and f.kind != "id"):
            if key not in node.entries and key not in meant:
                what = "question text" if key == "question" else key
                self.error(node.location, f"{label} has no {what}; add '{key}:' with {_QUESTION_WANTS[key]}")
        fmt = self.choice(node, "format", FORMATS, owner) or self.default_format
        # Topics and tags repeat from question to question: one string each, shared.
        topic = self.shared(
            text(self, node, "topic", single_line=True, required=True, owner=owner, question=True)
        )
        if topic:
            self.topic_refs.append((topic, node.entries["topic"][1].location, qid))
        else:
            self.topics_unknown = True
        # Each field read by its kind (fields.py); the texts are kept by name.
        texts: dict[str, str | tuple[str, ...]] = {}
        for f in QUESTION_FIELDS:
            if f.kind == "text":
                texts[f.name] = text(
                    self, node, f.name, required=f.required, owner=owner, fmt=fmt, question=True
                )
            elif f.kind == "line" and f.stored:
                texts[f.name] = text(self, node, f.name, single_line=True, owner=owner, question=True)
            elif f.kind == "list":
                texts[f.name] = tuple(text_list(self, node, f.name, owner=owner, fmt=fmt, question=True))
        tags = [
            self.shared(tag)
            for tag in text_list(self, node, "tags", single_line=True, owner=owner, question=True)
        ]
        difficulty = self.choice(node, "difficulty", DIFFICULTIES, owner)
        for f in QUESTION_FIELDS:
            if f.missing_warns and self.missing(node, f.name, meant):
                what = f.name.replace("_", " ")
                self.problems.warning(
                    node.location,
                    f"{label} has no {what}; add '{f.name}:' with {f.wants}",
                    group=f"questions without {what}",
                )
        asked = texts.get("question")
        if isinstance(asked, str) and asked and qid:
            where = node.entries["question"][1].location
            found = markdown.own_number(asked)
            if found is not None and _as_printed(asked, fmt) != asked:
                self.numbered.append((qid, found[0], where))
            if not texts.get("title") and not _names_itself(asked, fmt):
                self.problems.warning(
                    where,
                    f"question '{qid}' has no sentence to name it in the contents (its text starts with"
                    " code, a list or a table, and no paragraph follows), so the contents show '…';"
                    " add 'title:' with a short name",
                    group="questions that need a title for the contents",
                )
        pictures = self.pictures(node, texts, fmt, qid)
        if any(p.severity == "error" for p in self.problems.items[before:]):
            # The texts fonts check, so that a guide with errors gets the same glyph check.
            self.keep_texts(qid, node, {"topic": topic, **texts, "tags": tuple(tags)})
            return None
        return Question.make(
            id=qid,
            number=0,
            topic=topic,
            store=self.store,
            difficulty=difficulty,
            tags=tuple(tags),
            location=node.location,
            field_positions=positions({k: v[1].location for k, v in node.entries.items()}),
            format=fmt,
            images=pictures,
            **texts,
        )

    def pictures(
        self, node: Node, texts: dict[str, str | tuple[str, ...]], fmt: Format, qid: str
    ) -> tuple[tuple[str, str], ...]:
        """The images a question's texts name, checked: (source, digest) of each local one; a located
        error for each that is refused, a warning for each on the web (never fetched)."""
        if fmt != "markdown":
            return ()
        found: dict[str, str] = {}
        for name, value in texts.items():
            values = value if isinstance(value, tuple) else (value,)
            if not any(map(images.may_hold_images, values)):
                continue
            field = node.entries[name][1] if name in node.entries else node
            # Where each text starts: the field's, or each item's of a list.
            starts = [i.location for i in field.items] if len(field.items) == len(values) else []
            owner = f"question '{qid}', {name.replace('_', ' ')}" if qid else f"the guide's {name}"
            for number, item in enumerate(values):
                start = starts[number] if starts else field.location
                for image in images.images(markdown.parse(item, fmt)):
                    src = image.src
                    if src in found:
                        continue
                    if images.is_remote(src):
                        self.problems.warning(
                            places.place(start, item, image.at),  # read back only for a problem
                            f"{owner}: the image {src[:80]} is on the web and is never fetched: it prints as"
                            " its"
                            " alt text, linked to its address; copy it into the guide folder to print it",
                            group="images on the web",
                        )
                        found[src] = ""
                        continue
                    located = self.located.get(src)
                    if located is None:
                        located = self.located[src] = images.locate(src, self.folder)
                    if isinstance(located, str):
                        self.error(places.place(start, item, image.at), f"{owner}: {located}")
                        found[src] = ""
                    else:
                        found[src] = located.digest
        return tuple((src, digest) for src, digest in found.items() if digest)

    def choice(self, node: Node, key: str, choices: Sequence[_C], owner: str) -> _C | None:
        """A field that holds one of a few words (difficulty, format), or None if it has none."""
        entry = node.entries.get(key)
        if entry is None:
            return None
        value = entry[1]
        words = f"{', '.join(choices[:-1])} or {choices[-1]}"
        if value.kind == "other":
            return None
        if value.kind == "null":
            self.error(value.location, _owned(owner, f"{key} is empty; write {words}, or remove the line"))
            return None
        if value.kind == "str":
            for choice in choices:
                if value.text == choice:
                    return choice
            close = closest(value.text.strip(), choices, cutoff=0.7)
            fix = f"did you mean '{close}'?" if close else "use one of those, or remove the line"
            self.error(
                value.location, _owned(owner, f"{key} must be {words}, found '{_show(value.text)}'; {fix}")
            )
            return None
        self.error(
            value.location,
            _owned(owner, f"{key} must be {words}, found {_found(value)}; write one of those words"),
        )
        return None

    @staticmethod
    def missing(node: Node, key: str, meant: set[str]) -> bool:
        """Whether a question lacks a field (or has an empty list for it), not counting a misspelt key."""
        entry = node.entries.get(key)
        if entry is None:
            return key not in meant
        return entry[1].kind == "seq" and not entry[1].items

    def identifier(self, node: Node, meant: set[str]) -> str:
        entry = node.entries.get("id")
        if entry is None:
            if "id" in meant:
                return ""
            self.error(
                node.location,
                "this question has no id; add 'id:' with a short name unique in the guide, such as"
                " 'bias-variance' (lowercase letters, digits and '-')",
            )
            return ""
        value = entry[1]
        if value.kind == "other":
            return ""
        if value.kind == "null" or (value.kind == "str" and not value.text.strip()):
            self.error(
                value.location, "id is empty; write a short name unique in the guide, such as 'bias-variance'"
            )
            return ""
        if value.kind in ("seq", "map"):
            self.error(value.location, f"id must be text such as 'bias-variance', found {value.describe()}")
            return ""
        # Ids are always text: a plain 2024 or 1-2 means what it says, whatever YAML 1.1 reads.
        qid = value.text
        # 'ümlaut' → 'umlaut': accents are dropped, not made into separators.
        plain = "".join(c for c in unicodedata.normalize("NFKD", qid) if not unicodedata.combining(c))
        suggestion = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
        suggestion = suggestion[:MAX_ID_LENGTH].rstrip("-")
        example = f"for example '{suggestion}'" if suggestion else "for example 'bias-variance'"
        if not ID_PATTERN.match(qid):
            self.error(
                value.location,
                f"id '{_show(qid)}' is not valid: expected lowercase letters, digits and '-', starting"
                f" with a letter or digit; {example}",
            )
            return ""
        if len(qid) > MAX_ID_LENGTH:
            self.error(
                value.location,
                f"id '{_show(qid, 30)}' is {len(qid)} characters long, over the limit of {MAX_ID_LENGTH};"
                f" shorten it, {example}",
            )
            return ""
        self.ids.append((qid, value.location))
        return qid

    def check_ids(self) -> None:
        seen: dict[str, Location] = {}
        for qid, where in self.ids:
            first = seen.get(qid)
            if first is None:
                seen[qid] = where
            else:
                self.error(
                    where,
                    f"duplicate id '{qid}' (first used at {first}); ids must be unique in the guide:"
                    " rename one of them",
                )

    def check_topics(self, declared: list[tuple[str, Location]]) -> None:
        """Report topics no question declares; warn of declared topics no question uses."""
        if not declared:
            return
        titles = [title for title, _ in declared]
        used = set()
        for topic, where, qid in self.topic_refs:
            used.add(topic)
            if topic in titles:
                continue
            close = closest(topic, titles, cutoff=0.7)
            if close:
                used.add(close)  # already named in the error: no second message saying it is empty
            fix = (
                f"did you mean '{close}'?"
                if close
                else "add it to 'topics:' in guide.yaml, or use one listed there"
            )
            owner = f"question '{qid}': " if qid else ""
            self.error(
                where, f"{owner}topic '{_show(topic)}' is not among the topics listed in guide.yaml; {fix}"
            )
        if self.topics_unknown:
            return  # a topic's questions may be among those that could not be read
        for title, where in declared:
            if title not in used:
                self.problems.warning(
                    where,
                    f"topic '{_show(title)}' has no questions; give a question 'topic: {_show(title)}',"
                    " or remove it from topics",
                    group="topics without questions",
                )

    def warn_own_number(self, qid: str, own: int, number: int, where: Location, *, mine: bool) -> None:
        """A question whose text starts with a number: its own is printed once; another, as written."""
        if mine:
            self.problems.warning(
                where,
                f"question '{qid}' starts with its own number ({own}); guide numbers every question itself"
                f" (this is question {number}), so the text's number is left out; remove it from the text",
                group="questions that start with their own number",
            )
        else:
            self.problems.warning(
                where,
                f"question '{qid}' starts with the number {own}, but it is question {number} in this guide:"
                " both are printed; remove the number from the text if it numbers the question",
                group="questions that start with a number other than their own",
            )

    def group(self, questions: list[Question], declared: list[tuple[str, Location]]) -> tuple[Topic, ...]:
        """Questions by topic: declared topics in their order, else in order of first appearance."""
        order = [title for title, _ in declared] or list(dict.fromkeys(q.topic for q in questions))
        by_topic: dict[str, list[Question]] = {t: [] for t in order}
        for q in questions:
            by_topic[q.topic].append(q)
        topics = []
        number = 0
        slugs: set[str] = set()
        written = {qid: (own, where) for qid, own, where in self.numbered}
        for title in order:
            numbered = []
            for place, q in enumerate(by_topic[title], 1):
                number += 1
                own, where = written.get(q.id, (0, q.location))
                # Its own number: the one guide gives it, or its place in its topic (a bank in
                # several languages numbers each from 1).
                mine = own in (number, place)
                if own:
                    self.warn_own_number(q.id, own, number, where, mine=mine)
                numbered.append(dataclasses.replace(q, number=number, numbered=mine))
            if numbered:
                topics.append(Topic(title=title, slug=_unique_slug(title, slugs), questions=tuple(numbered)))
        return tuple(topics)


class _GuideFields:
    """The guide's own fields from guide.yaml, each checked."""

    def __init__(self, reader: _GuideReader, root: Node) -> None:
        self.location = root.location
        meant = unknown_keys(reader, root, GUIDE_KEYS, "a guide's")
        for key in ("title", "edition"):
            if key not in root.entries and key not in meant:
                reader.error(root.location, f"the guide has no {key}; add '{key}:' with {_WANTS[key]}")
        self.title = text(reader, root, "title", required=True)
        self.format: Format = reader.choice(root, "format", FORMATS, "") or "markdown"
        self.edition = edition(reader, root)
        self.subtitle = text(reader, root, "subtitle")
        self.description = text(reader, root, "description")
        self.description_location = (
            root.entries["description"][1].location if "description" in root.entries else root.location
        )
        # Its images are drawn on the "how to use" page: checked as a question's are.
        reader.pictures(root, {"description": self.description}, self.format, "")
        self.language = language(reader, root)
        self.date = date(reader, root)
        self.authors = text_list(reader, root, "authors", allow_single=True)
        self.topics = topics(reader, root)
        fields = {"title": self.title, "subtitle": self.subtitle, "description": self.description}
        reader.keep_texts("", root, {**fields, "authors": tuple(self.authors)})
        reader.texts += [("", "topic", where, title) for title, where in self.topics]


# ---- fields ------------------------------------------------------------------------------------


def meant_keys(node: Node, allowed: tuple[str, ...]) -> set[str]:
    """The allowed keys that unknown keys of a mapping look like misspellings of."""
    meant = set()
    for key in node.entries:
        if key not in allowed:
            close = closest(key, allowed, cutoff=0.7)
            if close:
                meant.add(close)
    return meant


def unknown_keys(
    reader: _GuideReader, node: Node, allowed: tuple[str, ...], whose: str, *, owner: str = ""
) -> set[str]:
    """Report keys not in `allowed`; return the keys they look like misspellings of."""
    for key, (where, _) in node.entries.items():
        if key in allowed:
            continue
        close = closest(key, allowed, cutoff=0.7)
        fix = f"did you mean '{close}'?" if close else f"{whose} keys are {', '.join(allowed)}"
        reader.error(where, _owned(owner, f"unknown key '{_show(key)}'; {fix}"))
    return meant_keys(node, allowed)


def _owned(owner: str, message: str) -> str:
    """A message about a field, naming whose field it is ("question 'bagging': answer is empty")."""
    return f"{owner}: {message}" if owner else message


def text(
    reader: _GuideReader,
    node: Node,
    key: str,
    *,
    required: bool = False,
    single_line: bool = False,
    owner: str = "",
    fmt: Format = "markdown",
    question: bool = False,
) -> str:
    entry = node.entries.get(key)
    if entry is None:
        return ""  # a missing required field is reported once, by the caller
    return check_text(
        reader,
        entry[1],
        key,
        single_line=single_line,
        required=required,
        owner=owner,
        fmt=fmt,
        question=question,
    )


def _blank(value: str) -> bool:
    """Nothing a reader would see: whitespace and invisible characters (zero-width space, U+FE0F…)."""
    return not markdown.visible(value).strip()


def check_text(
    reader: _GuideReader,
    value: Node,
    what: str,
    *,
    single_line: bool = False,
    required: bool = False,
    owner: str = "",
    fmt: Format = "markdown",
    question: bool = False,
) -> str:
    """A text field's value, checked (as Markdown or plain text, `fmt`); "" when it has errors.
    `owner` names whose field it is in every message ("question 'bagging'"); `question`: whether
    it is a question's field, for what a message says to write."""
    wants = _QUESTION_WANTS if question else _WANTS
    if value.kind == "other":  # an unsupported tag: reported where the file was read
        return ""
    if value.kind == "null" or (value.kind == "str" and _blank(value.text)):
        if what.startswith("an item of"):
            message = f"{what} is empty; write it, or remove the item"
        elif required:
            message = f"{what} is empty; write {wants.get(what, 'it')}"
        else:
            message = f"{what} is empty; write {wants.get(what, 'it')}, or remove the line"
        reader.error(value.location, _owned(owner, message))
        return ""
    if value.kind != "str":
        reader.error(value.location, _owned(owner, _not_text(what, value, single_line=single_line)))
        return ""
    result = unicodedata.normalize("NFC", value.text.replace("\r\n", "\n").replace("\r", "\n"))
    # Printable ASCII, tabs and newlines (most text) holds nothing forbidden: no need to scan it.
    ordinary = result.isascii() and result.replace("\n", "").replace("\t", "").isprintable()
    bad = None if ordinary else forbidden_character(result)
    if bad:
        reader.error(value.location, _owned(owner, forbidden_message(what, bad)))
        return ""
    if (required or what.startswith("an item of")) and fmt == "markdown" and not _draws_something(result):
        reader.error(
            value.location,
            _owned(
                owner,
                f"{what} draws nothing on the page: it holds only Markdown syntax, HTML comments or"
                f" invisible characters ('***' is a rule, '[a]: https://…' a link definition); write"
                f" {wants.get(what, 'it')}, or put the text in `code`",
            ),
        )
        return ""
    if single_line:
        result = " ".join(result.split())
    elif fmt == "markdown" and markdown.flattened(result):
        reader.problems.warning(
            value.location,
            _owned(
                owner,
                f"{what} nests lists deeper than {markdown.NESTING_LIMIT // 2} levels or quotes deeper than"
                f" {markdown.NESTING_LIMIT}: what lies deeper is flattened into one paragraph, printed as"
                " typed with its '-' and '>' marks; nest it less deeply",
            ),
            group="texts nested too deeply",
        )
    reader.chars.update(result)
    return result


_LETTER_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
# How a line that is not a sentence starts: code (``` ~~~ or indented), a list, a table, a quote,
# a heading or HTML. Only a question that starts so is parsed to look for a sentence.
_NOT_A_SENTENCE = re.compile(r"\s*(?:```|~~~|[-*+>|#<]|\d+[.)])|    |\t")


def _as_printed(question: str, fmt: Format) -> str:
    """A question's text without the number it starts with, if something is left to print then
    ('1 . >' stays whole: the rest is an empty quote)."""
    rest = markdown.without_own_number(question)
    return rest if fmt != "markdown" or _draws_something(rest) else question


def _names_itself(question: str, fmt: Format) -> bool:
    """Whether a question has a first sentence for the contents to name it by."""
    question = _as_printed(question, fmt)
    if fmt == "markdown" and not _NOT_A_SENTENCE.match(question):
        return True
    if fmt == "text" and not markdown.looks_like_code(question.lstrip("\n").split("\n", 1)[0]):
        return True
    return bool(markdown.first_sentence(markdown.parse(question, fmt)))


def _draws_something(value: str) -> bool:
    """Whether Markdown text puts a visible character on the page (not just a rule or a definition)."""
    # The common case without parsing: letters or digits draw, unless all of them could sit in
    # a link definition ('[a]: https://…'), a code fence's language ('```python' alone), or an
    # HTML tag or comment ('<br>', '<!-- x -->').
    if _LETTER_OR_DIGIT.search(value) and "]:" not in value and "<" not in value:
        if not any(fence in value for fence in _FENCES):
            return True
        # Code fences: a letter on any line but a fence's own (code is drawn, as is all else).
        if any(
            _LETTER_OR_DIGIT.search(line) and not line.lstrip().startswith(_FENCES)
            for line in value.split("\n")
        ):
            return True
    drawn = markdown.plain_text(markdown.parse(value))
    return not _blank(drawn)


_FENCES = ("```", "~~~")


def text_list(
    reader: _GuideReader,
    node: Node,
    key: str,
    *,
    allow_single: bool = False,
    single_line: bool = False,
    owner: str = "",
    fmt: Format = "markdown",
    question: bool = False,
) -> list[str]:
    entry = node.entries.get(key)
    if entry is None:
        return []
    value = entry[1]
    if value.kind == "other":
        return []
    if allow_single and value.kind == "str":
        item = check_text(
            reader, value, key, single_line=single_line, owner=owner, fmt=fmt, question=question
        )
        return [item] if item else []
    if value.kind == "null":
        reader.error(
            value.location,
            _owned(
                owner,
                f"{key} is empty; write {(_QUESTION_WANTS if question else _WANTS).get(key, 'its items')},"
                " each on a line starting with '- ',"
                " or remove the line",
            ),
        )
        return []
    if value.kind != "seq":
        reader.error(
            value.location,
            _owned(
                owner,
                f"{key} must be a list, found {_found(value)}; write each item on its own line starting"
                " with '- ', or as [a, b]",
            ),
        )
        return []
    items = [
        check_text(
            reader,
            item,
            f"an item of {key}",
            single_line=single_line,
            owner=owner,
            fmt=fmt,
            question=question,
        )
        for item in value.items
    ]
    return [i for i in items if i]


def edition(reader: _GuideReader, root: Node) -> str:
    entry = root.entries.get("edition")
    if entry is None:
        return ""
    value = entry[1]
    # A plain 2025.1 is a float to YAML 1.1, 1.10 would become 1.1: the source text is what the user meant.
    if value.kind in ("int", "float", "timestamp") and not value.quoted:
        result = value.text
    else:
        result = check_text(reader, value, "edition", single_line=True, required=True)
    if result and not FOLDER_PATTERN.match(result):
        suggestion = re.sub(r"[^A-Za-z0-9._-]+", "-", result).strip("-._") or "2025.1"
        reader.error(
            value.location,
            f"edition '{_show(result)}' is used in file names: expected letters, digits, '.', '-' and '_',"
            f" starting with a letter or digit; for example '{suggestion}'",
        )
    elif len(result) > MAX_EDITION_LENGTH:
        reader.error(
            value.location,
            f"edition '{_show(result, 30)}' is {len(result)} characters long, over the limit of"
            f" {MAX_EDITION_LENGTH}: it is used in file names; shorten it",
        )
    return result


def language(reader: _GuideReader, root: Node) -> str:
    entry = root.entries.get("language")
    if entry is None:
        return "en"
    result = check_text(reader, entry[1], "language", single_line=True)
    if result and not LANGUAGE_PATTERN.match(result):
        reader.error(
            entry[1].location,
            f"language '{_show(result)}' is not a language tag: expected one such as en or en-GB",
        )
    return result


def date(reader: _GuideReader, root: Node) -> dt.date | None:
    entry = root.entries.get("date")
    if entry is None:
        reader.problems.warning(
            root.location,
            "the guide has no date, so none is printed; add 'date:' with the edition's date, like 2025-01-15",
        )
        return None
    value = entry[1]
    if value.kind == "other":
        return None
    if value.kind == "null":
        reader.error(
            value.location, "date is empty; write the edition's date like 2025-01-15, or remove the line"
        )
        return None
    match = DATE_PATTERN.match(value.text.strip()) if value.kind in ("timestamp", "str") else None
    if match is None:
        reader.error(
            value.location, f"date must be a date like 2025-01-15 (year-month-day), found {_found(value)}"
        )
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        reader.error(
            value.location,
            f"date {_show(value.text)} is not a day of the calendar; write year-month-day, like 2025-01-15",
        )
        return None


def topics(reader: _GuideReader, root: Node) -> list[tuple[str, Location]]:
    entry = root.entries.get("topics")
    if entry is None:
        return []
    value = entry[1]
    if value.kind == "other":
        return []
    if value.kind != "seq":
        reader.error(
            value.location,
            f"topics must be a list of topic titles, found {_found(value)}; write each title on its own"
            " line starting with '- '",
        )
        return []
    result: list[tuple[str, Location]] = []
    seen: dict[str, Location] = {}
    for item in value.items:
        title = check_text(reader, item, "an item of topics", single_line=True)
        if not title:
            continue
        if title in seen:
            reader.error(
                item.location,
                f"topic '{_show(title)}' is listed twice (first at line {seen[title].line}); remove one",
            )
            continue
        seen[title] = item.location
        result.append((title, item.location))
    return result


def _unique_slug(title: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", title).lower()).strip("-") or "topic"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def find_guides(data: Path) -> list[Path]:
    """Every folder under `data` that holds a guide.yaml, in name order."""
    if not data.is_dir():
        return []
    return sorted(p.parent for p in data.glob(f"*/{GUIDE_FILE}"))


Loader = Callable[[Path], tuple[Guide, tuple[Problem, ...]]]
__all__ = ["GuideError", "display_path", "find_guides", "load_guide"]
