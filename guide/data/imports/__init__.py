"""Turn a question bank kept in another format into records, then into a new guide folder.

One module per format reads a file into neutral records (`Record`: a question's fields as text,
with the line it came from); `plan.py` turns records into questions with ids and topics, and
`write.py` writes the guide folder. Nothing here prints: what was skipped, and why, comes back
with the records.

    markdown.py, table.py (CSV), objects.py (JSON, YAML), anki.py → Record → plan.py → write.py
"""

from __future__ import annotations

from pathlib import Path

from guide.data.imports.common import FORMATS, ImportOptions, Record, Skipped, SourceRead, read_bytes
from guide.errors import GuideError, Location, Problem, display_path

__all__ = ["FORMATS", "ImportOptions", "Record", "Skipped", "SourceRead", "format_of", "read_source"]


def format_of(path: Path, given: str | None) -> str:
    """The format of a source file: the one given, else the one its name's suffix says."""
    if given is not None:
        return given
    suffix = path.suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    known = ", ".join(s for suffixes in FORMATS.values() for s in suffixes)
    raise GuideError(
        [
            Problem(
                Location(display_path(path)),
                f"cannot tell the format from the name (expected one of {known});"
                " give it with --format markdown, csv, json, yaml or anki",
            )
        ]
    )


def read_source(path: Path, options: ImportOptions) -> SourceRead:
    """Read a foreign file into records, what was skipped and notes; GuideError if it cannot be read."""
    from guide.data.imports import anki, markdown, objects, table

    kind = format_of(path, options.format)
    display = display_path(path)
    data = read_bytes(path, display, options.max_bytes)
    readers = {
        "markdown": markdown.read,
        "csv": table.read,
        "json": objects.read_json,
        "yaml": objects.read_yaml,
        "anki": anki.read,
    }
    return readers[kind](data, display, options)
