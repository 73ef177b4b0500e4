"""Turn a planned import into the files of a guide folder: guide.yaml and questions/NN-<topic>.yaml.

Text is written so that YAML reads back exactly what was imported: several lines as a literal
block (`|`), and quotes wherever YAML would read a plain value as something else (`no`, `1.0`,
`C# is #1`, `key: value`); what a block cannot hold (trailing spaces, tabs) goes in double quotes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from guide.data.create import make_folder
from guide.data.fields import QUESTION_KEYS
from guide.data.imports.plan import Plan, slug, unique
from guide.data.validate import GUIDE_FILE, QUESTIONS_DIR

# The order of a question's keys in the files written: as the README shows them.
ORDER = (
    "id",
    "topic",
    "title",
    "difficulty",
    "tags",
    "format",
    "question",
    "guidance",
    "answer",
    "key_points",
    "follow_ups",
)
assert set(ORDER) == set(QUESTION_KEYS)
EDITION = "1"


class _Flow(list[str]):
    """A list written on one line, [a, b]: tags."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with lists indented under their key as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = "|" if "\n" in value else None
    # YAML 1.1 reads these as line breaks, and guide refuses them unescaped: escape them in quotes.
    if any(char in value for char in "\x85\u2028\u2029\ufeff"):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


def dump(data: Any) -> str:
    """YAML for `data` that reads back as the same values, text as it was (see the module's docstring)."""
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1 << 30
    )


def _text(value: str) -> str:
    # Several lines end with a newline, so that they are written as `|`, not `|-`: Markdown is the same.
    return value + "\n" if "\n" in value else value


def question_files(plan: Plan) -> dict[str, str]:
    """questions/NN-<topic>.yaml → its YAML, one file a topic in the source's order."""
    files: dict[str, str] = {}
    names: set[str] = set()
    for index, (topic, questions) in enumerate(plan.by_topic(), 1):
        name = unique(f"{index:02d}-{slug(topic, 40) if topic else 'topic'}", names)
        items = []
        for question in questions:
            values: dict[str, Any] = {"id": question.id, "topic": topic, **question.fields}
            item: dict[str, Any] = {}
            for key in ORDER:
                value = values.get(key)
                if not value:
                    continue
                if key == "tags":
                    item[key] = _Flow(value)
                elif isinstance(value, tuple):
                    item[key] = [_text(v) for v in value]
                else:
                    item[key] = _text(value)
            items.append(dump([item]))
        header = f"# Topic: {' '.join(topic.split())}\n\n"
        files[f"{QUESTIONS_DIR}/{name}.yaml"] = header + "\n".join(items)
    return files


def guide_file(plan: Plan, title: str, source: str, today: dt.date) -> str:
    """guide.yaml of an imported guide: title, edition, date, topics; its questions are in questions/."""
    head = dump({"title": title, "edition": EDITION, "date": today, "language": "en"})
    topics = dump({"topics": list(plan.topics)})
    return (
        f"# Imported from {' '.join(source.split())} by guide import. Check the title, the edition and\n"
        "# the date; the questions are in questions/, one file a topic.\n"
        f"{head}{topics}"
    )


def write_guide(folder: Path, plan: Plan, title: str, source: str, today: dt.date) -> list[Path]:
    """Write a new guide folder for `plan`; GuideError if the folder exists. The files written."""
    files = {GUIDE_FILE: guide_file(plan, title, source, today), **question_files(plan)}
    return make_folder(folder, files, "guide import")
