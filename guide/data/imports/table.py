"""Turn a CSV file (a spreadsheet saved as CSV) into records: a row a question, columns named by a header."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from guide.data.imports.common import (
    Columns,
    ImportOptions,
    SourceRead,
    decode,
    to_record,
    usable,
)
from guide.errors import GuideError, Location, Problem, did_you_mean

DELIMITERS = (",", ";", "\t", "|")
REQUIRED = ("question", "answer")


def read(data: bytes, display: str, options: ImportOptions) -> SourceRead:
    """Read CSV bytes into records; a bad encoding, quote or header is a GuideError with its place."""
    text = decode(data, display, options.encoding)
    delimiter = options.delimiter or ("\t" if display.lower().endswith(".tsv") else guess_delimiter(text))
    return read_rows(rows(text, display, delimiter), display, options)


def read_rows(
    found: Iterator[tuple[int, list[str], str]],
    display: str,
    options: ImportOptions,
    *,
    tag_spaces: bool = False,
    fixed: dict[int, str] | None = None,
) -> SourceRead:
    """Records from rows of cells (line, cells, the line's text); the first row is the header,
    unless `fixed` names the field of each column (index → field)."""
    read = SourceRead(display)
    columns = Columns(options.mapping)
    fields = fixed
    width = 0
    for line, cells, raw in found:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a spreadsheet's empty row: nothing to import or to skip
        if fields is None:
            fields = _header(cells, raw, line, read, columns, options)
            width = len(cells)
            continue
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = fields.get(index)
            if name is not None:
                values[name] = cell
        if width and len(cells) > width and any(c.strip() for c in cells[width:]):
            read.note(
                line, f"the row has {len(cells)} cells, the header {width}: the cells past it are ignored"
            )
        record = to_record(values, line, read, options, tag_spaces=tag_spaces)
        if usable(record, read, "the row"):
            read.records.append(record)
    if fields is None:
        raise GuideError(
            [
                Problem(
                    Location(display),
                    "the file holds no rows; expected a header row, then one row a question",
                )
            ]
        )
    return read


def _header(
    cells: list[str], raw: str, line: int, read: SourceRead, columns: Columns, options: ImportOptions
) -> dict[int, str]:
    """Which field each column holds, from the header row; unknown names are noted, clashes are errors."""
    display = read.display
    problems: list[Problem] = []
    fields: dict[int, str] = {}
    first: dict[str, tuple[int, str]] = {}
    offset = 0
    for index, cell in enumerate(cells):
        name = cell.strip()
        found = raw.find(name, offset) if name else -1
        column = found + 1 if found >= 0 else 1
        offset = found + len(name) if found >= 0 else offset
        if not name:
            continue
        target = columns.field(name)
        if target is None:
            read.note(line, f"column {index + 1}, {columns.unknown(name)}", column)
            continue
        if target in first:
            other_index, other = first[target]
            problems.append(
                Problem(
                    Location(display, line, column),
                    f"columns {other_index + 1} ('{other}') and {index + 1} ('{name}') are both '{target}';"
                    " rename one, or map one with --map",
                )
            )
            continue
        first[target] = (index, name)
        fields[index] = target
    for message in columns.missing_sources(c for c in cells if c.strip()):
        problems.append(Problem(Location(display, line, 1), message))
    names = [c.strip() for c in cells if c.strip()]
    for required in REQUIRED:
        if required not in first and not any(t == required for t, _ in options.mapping):
            hint = did_you_mean(required, names)
            problems.append(
                Problem(
                    Location(display, line, 1),
                    f"the header has no '{required}' column{hint} (it has: {', '.join(names)});"
                    f" name one '{required}', or map one with --map {required}=NAME",
                )
            )
    if problems:
        raise GuideError(problems)
    return fields


def guess_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the one of , ; tab | that its header line uses most outside quotes."""
    header = next((line for line in text.split("\n") if line.strip()), "")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the first, a comma
    return best if counts[best] else ","


def rows(text: str, display: str, delimiter: str) -> Iterator[tuple[int, list[str], str]]:
    """(line, cells, the text of its first line) for each row; a broken quote is a GuideError at its row."""
    lines = text.split("\n")
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, len(text) + 1))  # a cell may be as long as the file
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise GuideError([_broken(exc, start, lines, display)]) from None
            yield start, cells, lines[start - 1] if start <= len(lines) else ""
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(before)


def _broken(exc: csv.Error, start: int, lines: list[str], display: str) -> Problem:
    message = str(exc)
    if "unexpected end of data" in message:
        column = lines[start - 1].find('"') + 1 if start <= len(lines) else 1
        return Problem(
            Location(display, start, max(column, 1)),
            "a quote opened in this row is never closed, so the rest of the file would be one cell;"
            ' close it, or write a quote inside a cell as ""',
        )
    return Problem(
        Location(display, start, 1),
        f'the row cannot be read as CSV ({message}); a quote inside a quoted cell is written ""',
    )
