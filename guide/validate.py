"""Turn a guide folder's YAML Nodes into a Guide, reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from guide.errors import GuideError, Location, Problem, Problems
from guide.model import DIFFICULTIES, Difficulty, Guide, Question, Topic
from guide.source import Node, load_yaml

GUIDE_FILE = "guide.yaml"
QUESTIONS_DIR = "questions"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
FOLDER_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
LANGUAGE_PATTERN = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
MAX_ID_LENGTH = 64

GUIDE_KEYS = (
    "title", "subtitle", "edition", "date", "authors", "language", "description", "topics",
    "questions",
)  # fmt: skip
QUESTION_KEYS = (
    "id", "topic", "question", "answer", "guidance", "key_points", "follow_ups", "difficulty",
    "tags",
)  # fmt: skip
REQUIRED_QUESTION_KEYS = ("id", "topic", "question", "answer")

# Characters that never belong in text: C0/C1 controls (tab and newline are fine), and
# bidirectional embeddings/overrides/isolates, which can make text read differently from
# what it says. Left-to-right and right-to-left marks stay allowed.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_guide(folder: Path, *, max_file_bytes: int | None = None) -> tuple[Guide, tuple[Problem, ...]]:
    """Read and validate one guide folder: the Guide and its warnings, or GuideError with all problems."""
    problems = Problems()
    guide = _GuideReader(folder, problems, max_file_bytes).read()
    problems.raise_if_errors()
    assert guide is not None
    return guide, problems.warnings


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _type_hint(node: Node) -> str:
    if node.kind in ("bool", "int", "float", "null", "timestamp") and not node.quoted:
        return f"; YAML reads `{node.text}` as {node.describe()}: put it in quotes"
    return ""


class _GuideReader:
    """Check one guide folder, field by field, collecting problems instead of stopping."""

    def __init__(self, folder: Path, problems: Problems, max_file_bytes: int | None) -> None:
        self.folder = folder
        self.problems = problems
        self.max_file_bytes = max_file_bytes

    # ---- whole guide -------------------------------------------------------------------------

    def read(self) -> Guide | None:
        folder = self.folder
        display = display_path(folder)
        if not folder.exists():
            self.problems.error(Location(display), "guide folder not found")
            return None
        if not folder.is_dir():
            self.problems.error(Location(display), "expected a guide folder, found a file")
            return None
        guide_id = folder.resolve().name
        guide_file = folder / GUIDE_FILE
        root = load_yaml(guide_file, display_path(guide_file), self.problems, max_bytes=self.max_file_bytes)
        if root is None:
            return None
        if root.kind != "map":
            self.problems.error(root.location, f"expected a mapping of guide fields, found {root.describe()}")
            return None
        if not FOLDER_PATTERN.match(guide_id):
            self.problems.error(
                Location(display),
                f"guide folder name '{guide_id}' is used in file names: use letters, digits, '.', '-', '_'",
            )
        self.unknown_keys(root, GUIDE_KEYS, "guide")
        title = self.text(root, "title", required=True)
        edition = self.edition(root)
        subtitle = self.text(root, "subtitle")
        description = self.text(root, "description")
        language = self.language(root)
        date = self.date(root)
        authors = self.text_list(root, "authors", allow_single=True)
        declared = self.topics(root)

        raw_questions: list[Node] = []
        inline = root.entries.get("questions")
        if inline is not None:
            raw_questions.extend(self.question_list(inline[1]))
        raw_questions.extend(self.question_files())
        if not raw_questions and not self.problems.has_errors:
            self.problems.error(
                root.location,
                f"the guide has no questions: add a 'questions:' list or YAML files in {QUESTIONS_DIR}/",
            )
        questions = [q for q in (self.question(n) for n in raw_questions) if q is not None]
        self.check_ids(questions)
        topics = self.group(questions, declared)
        if self.problems.has_errors:
            return None
        return Guide(
            id=guide_id,
            title=title,
            edition=edition,
            topics=topics,
            subtitle=subtitle,
            date=date,
            authors=tuple(authors),
            language=language,
            description=description,
            root=folder,
            location=root.location,
        )

    def question_files(self) -> list[Node]:
        qdir = self.folder / QUESTIONS_DIR
        if not qdir.exists():
            return []
        if not qdir.is_dir():
            self.problems.error(
                Location(display_path(qdir)), "expected a folder of question files, found a file"
            )
            return []
        nodes: list[Node] = []
        files = sorted(p for p in qdir.iterdir() if p.suffix in (".yaml", ".yml"))
        for path in files:
            node = load_yaml(path, display_path(path), self.problems, max_bytes=self.max_file_bytes)
            if node is None:
                continue
            if node.kind == "null":
                self.problems.warning(node.location, "the file is empty")
                continue
            nodes.extend(self.question_list(node))
        return nodes

    def question_list(self, node: Node) -> list[Node]:
        if node.kind != "seq":
            self.problems.error(node.location, f"expected a list of questions, found {node.describe()}")
            return []
        good = []
        for item in node.items:
            if item.kind != "map":
                self.problems.error(
                    item.location, f"expected a question (a mapping), found {item.describe()}"
                )
            else:
                good.append(item)
        return good

    # ---- one question ------------------------------------------------------------------------

    def question(self, node: Node) -> Question | None:
        before = len(self.problems.items)
        self.unknown_keys(node, QUESTION_KEYS, "question")
        qid = self.identifier(node)
        label = f"question '{qid}'" if qid else "question"
        for key in REQUIRED_QUESTION_KEYS:
            if key not in node.entries and key != "id":
                self.problems.error(node.location, f"{label} has no {key}")
        topic = self.text(node, "topic", single_line=True)
        question = self.text(node, "question")
        answer = self.text(node, "answer")
        guidance = self.text(node, "guidance")
        key_points = self.text_list(node, "key_points")
        follow_ups = self.text_list(node, "follow_ups")
        tags = self.text_list(node, "tags", single_line=True)
        difficulty = self.difficulty(node)
        if "guidance" not in node.entries:
            self.problems.warning(node.location, f"{label} has no guidance")
        if "key_points" not in node.entries:
            self.problems.warning(node.location, f"{label} has no key points")
        if any(p.severity == "error" for p in self.problems.items[before:]):
            return None
        return Question(
            id=qid,
            number=0,
            topic=topic,
            question=question,
            answer=answer,
            guidance=guidance,
            key_points=tuple(key_points),
            follow_ups=tuple(follow_ups),
            difficulty=difficulty,
            tags=tuple(tags),
            location=node.location,
            field_locations={k: v[1].location for k, v in node.entries.items()},
        )

    def identifier(self, node: Node) -> str:
        entry = node.entries.get("id")
        if entry is None:
            self.problems.error(node.location, "question has no id")
            return ""
        value = entry[1]
        if value.kind not in ("str", "int") or (value.kind == "int" and not ID_PATTERN.match(value.text)):
            self.problems.error(
                value.location, f"id must be text, found {value.describe()}{_type_hint(value)}"
            )
            return ""
        qid = value.text
        if not ID_PATTERN.match(qid) or len(qid) > MAX_ID_LENGTH:
            suggestion = re.sub(r"[^a-z0-9]+", "-", qid.lower()).strip("-")[:MAX_ID_LENGTH]
            hint = f"; for example '{suggestion}'" if suggestion else ""
            self.problems.error(
                value.location,
                f"id '{qid}' is not valid: use lowercase letters, digits and '-', starting with a"
                f" letter or digit, at most {MAX_ID_LENGTH} characters{hint}",
            )
            return ""
        return qid

    def difficulty(self, node: Node) -> Difficulty | None:
        entry = node.entries.get("difficulty")
        if entry is None:
            return None
        value = entry[1]
        if value.kind == "str":
            for choice in DIFFICULTIES:
                if value.text == choice:
                    return choice
        self.problems.error(
            value.location,
            f"difficulty must be one of {', '.join(DIFFICULTIES)}, found '{value.text}'"
            f"{_did_you_mean(value.text.lower(), list(DIFFICULTIES))}",
        )
        return None

    def check_ids(self, questions: list[Question]) -> None:
        seen: dict[str, Question] = {}
        for q in questions:
            first = seen.get(q.id)
            if first is None:
                seen[q.id] = q
                continue
            where = first.where("id")
            self.problems.error(
                q.where("id"),
                f"duplicate id '{q.id}' (first used at {where}); ids must be unique in the guide",
            )

    def group(self, questions: list[Question], declared: list[tuple[str, Location]]) -> tuple[Topic, ...]:
        order = [title for title, _ in declared]
        known = set(order)
        for q in questions:
            if q.topic in known:
                continue
            if declared:
                self.problems.error(
                    q.where("topic"),
                    f"topic '{q.topic}' is not among the guide's topics{_did_you_mean(q.topic, order)}",
                )
            else:
                order.append(q.topic)
                known.add(q.topic)
        by_topic: dict[str, list[Question]] = {t: [] for t in order}
        for q in questions:
            if q.topic in by_topic:
                by_topic[q.topic].append(q)
        for title, where in declared:
            if not by_topic[title]:
                self.problems.warning(where, f"topic '{title}' has no questions")
        topics = []
        number = 0
        slugs: set[str] = set()
        for title in order:
            numbered = []
            for q in by_topic[title]:
                number += 1
                numbered.append(_renumber(q, number))
            if numbered:
                topics.append(Topic(title=title, slug=_unique_slug(title, slugs), questions=tuple(numbered)))
        return tuple(topics)

    # ---- fields ----------------------------------------------------------------------------

    def unknown_keys(self, node: Node, allowed: tuple[str, ...], what: str) -> None:
        for key, (where, _) in node.entries.items():
            if key not in allowed:
                self.problems.error(where, f"unknown {what} key '{key}'{_did_you_mean(key, allowed)}")

    def text(self, node: Node, key: str, *, required: bool = False, single_line: bool = False) -> str:
        entry = node.entries.get(key)
        if entry is None:
            if required:
                self.problems.error(node.location, f"missing required field '{key}'")
            return ""
        return self.check_text(entry[1], key, single_line=single_line)

    def check_text(self, value: Node, what: str, *, single_line: bool = False) -> str:
        if value.kind != "str":
            self.problems.error(
                value.location, f"{what} must be text, found {value.describe()}{_type_hint(value)}"
            )
            return ""
        text = unicodedata.normalize("NFC", value.text.replace("\r\n", "\n").replace("\r", "\n"))
        if not text.strip():
            self.problems.error(value.location, f"{what} is empty")
            return ""
        bad = _FORBIDDEN.search(text)
        if bad:
            char = bad.group()
            line_offset = text.count("\n", 0, bad.start())
            where = Location(value.location.file, value.location.line + line_offset, value.location.column)
            name = unicodedata.name(char, "a control character")
            self.problems.error(
                where,
                f"{what} contains U+{ord(char):04X} ({name.lower()}), which cannot be printed; delete it",
            )
            return ""
        if single_line:
            text = " ".join(text.split())
        return text

    def text_list(
        self, node: Node, key: str, *, allow_single: bool = False, single_line: bool = False
    ) -> list[str]:
        entry = node.entries.get(key)
        if entry is None:
            return []
        value = entry[1]
        if allow_single and value.kind == "str":
            return [self.check_text(value, key)]
        if value.kind != "seq":
            self.problems.error(value.location, f"{key} must be a list, found {value.describe()}")
            return []
        label = key.replace("_", " ")
        items = [
            self.check_text(item, f"an item of {label}", single_line=single_line) for item in value.items
        ]
        return [i for i in items if i]

    def edition(self, root: Node) -> str:
        entry = root.entries.get("edition")
        if entry is None:
            self.problems.error(
                root.location, "missing required field 'edition' (for example edition: \"2025.1\")"
            )
            return ""
        value = entry[1]
        # A plain 2025.1 is a float to YAML 1.1; its source text is exactly what the user meant.
        if value.kind in ("int", "float") and not value.quoted:
            text = value.text
        else:
            text = self.check_text(value, "edition", single_line=True)
        if text and not FOLDER_PATTERN.match(text):
            self.problems.error(
                value.location,
                f"edition '{text}' is used in file names: use letters, digits, '.', '-', '_'",
            )
        return text

    def language(self, root: Node) -> str:
        entry = root.entries.get("language")
        if entry is None:
            return "en"
        text = self.check_text(entry[1], "language", single_line=True)
        if text and not LANGUAGE_PATTERN.match(text):
            self.problems.error(
                entry[1].location, f"language '{text}' is not a language tag such as en or en-GB"
            )
        return text

    def date(self, root: Node) -> dt.date | None:
        entry = root.entries.get("date")
        if entry is None:
            self.problems.warning(root.location, "no 'date': the edition's date is not printed")
            return None
        value = entry[1]
        text = value.text.strip()
        try:
            if value.kind in ("timestamp", "str"):
                return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
        except ValueError:
            pass
        self.problems.error(value.location, f"date must be a date like 2025-01-15, found '{value.text}'")
        return None

    def topics(self, root: Node) -> list[tuple[str, Location]]:
        entry = root.entries.get("topics")
        if entry is None:
            return []
        value = entry[1]
        if value.kind != "seq":
            self.problems.error(value.location, f"topics must be a list of titles, found {value.describe()}")
            return []
        result: list[tuple[str, Location]] = []
        seen: set[str] = set()
        for item in value.items:
            title = self.check_text(item, "a topic", single_line=True)
            if not title:
                continue
            if title in seen:
                self.problems.error(item.location, f"topic '{title}' is listed twice")
                continue
            seen.add(title)
            result.append((title, item.location))
        return result


def _renumber(q: Question, number: int) -> Question:
    return Question(
        id=q.id,
        number=number,
        topic=q.topic,
        question=q.question,
        answer=q.answer,
        guidance=q.guidance,
        key_points=q.key_points,
        follow_ups=q.follow_ups,
        difficulty=q.difficulty,
        tags=q.tags,
        location=q.location,
        field_locations=q.field_locations,
    )


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
