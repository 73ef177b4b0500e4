"""Turn a guide and a list of candidates into one marked copy of the study guide per candidate.

Every page of a copy carries the candidate's name (and id) and a copy code in its footer,
and the name as a light watermark, so a copy that travels can be traced to whom it was
given. The code is derived from the guide, the edition and the candidate, so building the
copies again gives the same codes. A copy holds the study guide only: links into the answer
key are removed (the printed "Answer: page A-7" stays, and matches the published key).

Asked for, the interviewer's packet is made for each candidate too, the name and the same copy
code printed in its header, so that the sheets of an interview say whose they are.
"""

from __future__ import annotations

import base64
import codecs
import csv
import hashlib
import io
import shutil
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from guide.data.model import Guide
from guide.data.source import DEFAULT_MAX_FILE_BYTES
from guide.edition import publish
from guide.errors import GuideError, Location, Problem, Problems, counted, did_you_mean, display_path
from guide.files import Refused, read_regular
from guide.layout.styles import Theme

COLUMNS = ("name", "id", "email")
DISTRIBUTION = "distribution.csv"
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): a cell of
# distribution.csv that starts with one of them gets an apostrophe in front.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DISTRIBUTION_COLUMNS = ("name", "id", "email", "copy_code", "file", "pages", "sha256")
# With --interviewer: the interviewer's packet made for each candidate, after the copy's columns.
PACKET_COLUMNS = ("interviewer_file", "interviewer_pages", "interviewer_sha256")
CODE_LENGTH = 8  # base32: 40 bits, short enough to read out on the phone


@dataclass(frozen=True)
class Candidate:
    """One row of the candidates file."""

    name: str
    id: str
    email: str
    location: Location  # the row's line, for messages

    @property
    def line(self) -> int:
        return self.location.line


@dataclass(frozen=True)
class Made:
    """A file made for one candidate: its name, where it was made, its pages and SHA-256."""

    name: str
    path: Path
    pages: int
    sha256: str


@dataclass(frozen=True)
class Handout:
    """The copy of the study guide made for one candidate (and the interviewer's packet for the
    interview, when asked for)."""

    candidate: Candidate
    code: str
    name: str  # file name
    path: Path  # where the file was made
    pages: int
    sha256: str
    packet: Made | None = None

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


def folder_name(guide: Guide) -> str:
    """The output folder of a guide's handouts, beside its edition."""
    return f"{guide.id}-handouts"


# --- the candidates file ---------------------------------------------------------------------


def read_candidates(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> list[Candidate]:
    """The candidates of a CSV file with a header row (`name`, optional `id` and `email`).

    GuideError lists every problem, each with its line: a row with the wrong number of
    fields, an empty name, a file that is not UTF-8, the same candidate twice. Only a regular
    file of at most `max_bytes` is read, never through a symbolic link.
    """
    shown = display_path(path)
    try:
        raw = read_regular(path, max_bytes, follow_links=False)
    except Refused as refused:
        raise GuideError([Problem(Location(shown), _refused(refused, max_bytes))]) from None
    except OSError as exc:
        raise GuideError([Problem(Location(shown), f"cannot read the file: {exc.strerror or exc}")]) from None
    raw = raw.removeprefix(codecs.BOM_UTF8)  # spreadsheets write one
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        raise GuideError(
            [
                Problem(
                    Location(shown, line, column),
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as CSV UTF-8",
                )
            ]
        ) from None
    problems = Problems()
    candidates = _rows(content, shown, problems)
    if not problems.has_errors and not candidates:
        problems.error(Location(shown), "no candidates: the file has a header row but no rows below it")
    problems.raise_if_errors()
    return candidates


def _refused(refused: Refused, limit: int) -> str:
    if refused.why == "folder":
        return "expected a CSV file of candidates, found a folder; give the file"
    if refused.why == "special":
        return (
            "expected a CSV file of candidates, found a pipe or device; save the list to a file and give that"
        )
    if refused.why == "link":
        return "expected a CSV file of candidates, found a symbolic link; give the file itself"
    return (
        f"the file is {refused.size:,} bytes or more, over the limit of {limit:,}; split the candidates"
        " across files, or raise the limit with --max-file-size"
    )


def _rows(content: str, shown: str, problems: Problems) -> list[Candidate]:
    # strict: a quote left open or text after a closing quote is an error, not a guess.
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            problems.error(
                Location(shown), "the file is empty; its first row names the columns: name,id,email"
            )
            return []
        columns = _header(header, Location(shown, 1, 1), problems)
        if columns is None:
            return []
        candidates: list[Candidate] = []
        seen: dict[tuple[str, str, str], int] = {}
        line = reader.line_num + 1
        for row in reader:
            where = Location(shown, line, 1)
            line = reader.line_num + 1
            if not any(field.strip() for field in row):
                continue  # blank lines, and the empty rows spreadsheets leave at the end
            candidate = _candidate(row, columns, where, problems)
            if candidate is None:
                continue
            key = (
                unicodedata.normalize("NFC", candidate.name).casefold(),
                candidate.id,
                candidate.email.casefold(),
            )
            if (candidate.id or candidate.email) and key in seen:
                problems.error(where, f"the same candidate as on line {seen[key]} (same name, id and email)")
                continue
            seen.setdefault(key, where.line)
            candidates.append(candidate)
    except csv.Error as exc:
        problems.error(Location(shown, reader.line_num, 1), f"not a well-formed CSV file: {exc}")
        return []
    return candidates


def _header(header: list[str], where: Location, problems: Problems) -> dict[str, int] | None:
    names = [h.strip().casefold() for h in header]
    if "name" not in names:
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = "; this file is separated by ';': save it separated by commas"
        problems.error(
            where,
            f"the first row names the columns and must include 'name' (found: {', '.join(header)}){hint}",
        )
        return None
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in columns:
            problems.error(where, f"column '{name}' appears twice in the header")
        elif name not in COLUMNS:
            hint = did_you_mean(name, COLUMNS)
            problems.error(
                where, f"unknown column '{header[index].strip()}'{hint} (columns: name, id, email)"
            )
        else:
            columns[name] = index
    return None if problems.has_errors else columns


def _candidate(
    row: list[str], columns: dict[str, int], where: Location, problems: Problems
) -> Candidate | None:
    width = len(columns)
    if len(row) != width:
        problems.error(
            where,
            f"this row has {counted(len(row), 'field')}, the header {width}"
            " (a name or value with a comma must be in double quotes)",
        )
        return None
    values = {name: row[index].strip() for name, index in columns.items()}
    name = values["name"]
    if not name:
        problems.error(where, "the name is empty")
        return None
    for column, value in values.items():
        # The joiners and selectors of an emoji the image set draws (👩🏽‍💻) are part of its picture.
        bad = next((c for c in _without_emoji(value) if not c.isprintable() and c != " "), None)
        if bad is not None:
            problems.error(where, f"the {column} holds an invisible character U+{ord(bad):04X}")
            return None
    return Candidate(unicodedata.normalize("NFC", name), values.get("id", ""), values.get("email", ""), where)


def check_names(candidates: Iterable[Candidate], theme: Theme) -> None:
    """Raise GuideError, with each row's line, for a name the style's fonts cannot print."""
    from guide.layout.fonts import chain, register_theme

    candidates = list(candidates)
    chars = {c for candidate in candidates for c in candidate.name + candidate.id}
    families = register_theme(theme, chars)
    covered: set[int] = set()
    for style in ("header", "cover_title"):  # the footer stamp and the watermark
        for family in chain(theme, families, theme.styles[style].font):
            covered |= family.coverage
    problems = Problems()
    for candidate in candidates:
        text = _without_emoji(candidate.name + candidate.id)  # an emoji is drawn as an image
        missing = sorted({c for c in text if ord(c) not in covered and c != " "})
        if missing:
            shown = ", ".join(f"U+{ord(c):04X}" for c in missing)
            problems.error(
                candidate.location, f"no font of the style '{theme.name}' can draw {shown} in this row"
            )
    problems.raise_if_errors()


def _without_emoji(value: str) -> str:
    """A name without the emoji the image set draws (in the stamp, the watermark, the packet's head)."""
    from guide.layout import emoji

    return emoji.without_drawn(value)


# --- the copies --------------------------------------------------------------------------------


def copy_code(guide: Guide, candidate: Candidate, namesake: int = 1) -> str:
    """A short code for one candidate's copy of one edition: the same every time it is built.

    `namesake` counts candidates of the same name (with no id or email to tell them apart): the
    second Sam Lee of the file gets another code than the first, and rows added or moved
    elsewhere in the file change no one's code.
    """
    who = [guide.id, guide.edition, candidate.name, candidate.id, candidate.email]
    if namesake > 1:
        who.append(f"namesake {namesake}")
    digest = hashlib.sha256("\0".join(who).encode()).digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def copy_codes(guide: Guide, candidates: Sequence[Candidate]) -> list[str]:
    """The copy code of every candidate of a file, in order."""
    seen: dict[tuple[str, str, str], int] = {}
    codes = []
    for c in candidates:
        key = (c.name.casefold(), c.id, c.email.casefold())
        seen[key] = seen.get(key, 0) + 1
        codes.append(copy_code(guide, c, seen[key]))
    return codes


# Most file systems hold at most 255 bytes in a file name (ext4, APFS, in UTF-8; NTFS counts 255
# UTF-16 units, which a bound in UTF-8 bytes keeps as well).
MAX_FILE_NAME_BYTES = 255
MAX_SLUG_BYTES = 60


def slug(name: str, max_bytes: int = MAX_SLUG_BYTES) -> str:
    """A name as a part of a file name that every common file system takes: its letters, accents and
    digits in any script, lowercase, in NFC, every run of anything else as one '-' (no separator,
    control or character Windows refuses), at most `max_bytes` of UTF-8 cut between letters;
    'candidate' when nothing is left."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).lower())
    kept: list[str] = []
    size = 0
    for c in folded:
        category = unicodedata.category(c)
        if category[0] in "LN" or (category[0] == "M" and kept and kept[-1] != "-"):
            piece = c
        elif kept and kept[-1] != "-":
            piece = "-"
        else:
            continue
        size += len(piece.encode("utf-8"))
        if size > max_bytes:
            if category[0] == "M":  # a letter never loses an accent: cut before the letter
                while kept and unicodedata.category(kept[-1])[0] == "M":
                    kept.pop()
                if kept:
                    kept.pop()
            break
        kept.append(piece)
    return "".join(kept).strip("-") or "candidate"


def copy_file_name(guide: Guide, candidate: Candidate, code: str, kind: str = "study-guide") -> str:
    """The file name of a candidate's copy (`kind` "study-guide") or of the interviewer's packet for
    the candidate ("interviewer"): guide, edition, kind, the candidate's name, and the copy code,
    which makes it unique (two names that differ only in what the name part drops have their own).

    The name part gets what room the 255 bytes of a file name leave; the name as a whole starts
    with the guide's id and so is never one that Windows reserves (CON, NUL, COM1 …).
    """
    head = f"{guide.id}-{guide.edition}-{kind}-"
    tail = f"-{code}.pdf"
    room = MAX_FILE_NAME_BYTES - len((head + tail).encode("utf-8"))
    return head + slug(candidate.name, min(MAX_SLUG_BYTES, room)) + tail


def stamp(candidate: Candidate, code: str) -> str:
    """The footer line of a copy: its code first, so that a long name cut short never hides it."""
    # The id before the name: a name too long for the line is cut short at its end.
    who = f"{candidate.id} · {candidate.name}" if candidate.id else candidate.name
    return f"Copy {code} · prepared for {who}"


def make_handouts(
    guide: Guide, theme: Theme, candidates: Sequence[Candidate], work: Path, *, interviewer: bool = False
) -> list[Handout]:
    """One study guide per candidate, made in `work`, marked with the candidate's name and copy code
    on every page; and with `interviewer`, the interviewer's packet for each, with the candidate's
    name and the same copy code in the header of every page."""
    from guide import layout
    from guide.pdf import assemble

    codes = copy_codes(guide, candidates)
    if len(set(codes)) != len(codes):  # 40 bits: not expected to happen in anyone's lifetime
        raise GuideError([Problem(Location("guide"), "two copies got the same code; this is a bug in guide")])
    # The answer key is laid out once: each copy only needs its page numbers. A copy has no
    # links into the key, which it goes out without.
    pages = work / "pages"
    pages.mkdir(exist_ok=True)
    key = layout.render(guide, theme, pages).parts["key"]
    handouts = []
    for candidate, code in zip(candidates, codes, strict=True):
        copy_pages = pages / code  # each copy's laid-out pages, gone once its file is written
        copy_pages.mkdir()
        copy = layout.render(
            guide, theme, copy_pages, stamp=stamp(candidate, code), watermark=candidate.name, key=key
        )
        name = copy_file_name(guide, candidate, code)
        made = assemble.write_part(
            guide, theme, copy, copy.parts["study"], work / name, "study_guide", sibling=None
        )
        copy.close()
        shutil.rmtree(copy_pages)
        _check(guide, made.path, made.pages)
        packet = _packet(guide, theme, candidate, code, pages, work) if interviewer else None
        handouts.append(Handout(candidate, code, name, made.path, made.pages, made.sha256, packet))
    return handouts


def _packet(guide: Guide, theme: Theme, candidate: Candidate, code: str, pages: Path, work: Path) -> Made:
    """The interviewer's packet for one candidate's interview: the name and copy code in its header."""
    from guide import layout
    from guide.pdf.packet import ROLE, write_packet

    packet_pages = pages / f"{code}-packet"
    packet_pages.mkdir()
    who = f"{candidate.name} · {candidate.id}" if candidate.id else candidate.name
    rendered = layout.render_packet(guide, theme, packet_pages, candidate=who, copy_code=code)
    name = copy_file_name(guide, candidate, code, ROLE)
    made = write_packet(guide, theme, rendered, work / name)
    rendered.close()
    shutil.rmtree(packet_pages)
    _check(guide, made.path, made.pages, ROLE)
    return Made(name, made.path, made.pages, made.sha256)


def _check(guide: Guide, path: Path, pages: int, role: str = "study_guide") -> None:
    """A copy reads back whole, and leads nowhere outside itself but to the web: it has no file
    beside it, so a link into another file leads nowhere."""
    from guide.pdf import verify

    topics = 0 if role in verify.FLAT_OUTLINES else len(guide.topics)
    job = verify.Job(str(path), path.name, pages, role, {}, topics, len(guide.questions))
    found = verify.check([job])
    if found:
        where = Location(path.name)
        raise GuideError(
            Problem(where, f"a copy failed its check ({p}); this is a bug in guide") for p in found
        )


def distribution_csv(handouts: Sequence[Handout]) -> bytes:
    """Who got which copy: one row per candidate with the file, its copy code and its SHA-256.

    Safe to open in a spreadsheet (OWASP's advice on CSV injection): every field is quoted, and
    a field that a spreadsheet would take for a formula ('=…', '-2+3', '@…') starts with an
    apostrophe, which spreadsheets show as text and a CSV reader gives back as part of the value.
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    packets = any(h.packet is not None for h in handouts)
    writer.writerow(DISTRIBUTION_COLUMNS + (PACKET_COLUMNS if packets else ()))
    for h in handouts:
        c = h.candidate
        row: list[str | int] = [c.name, c.id, c.email, h.code, h.name, h.pages, h.sha256]
        if packets:
            row += [h.packet.name, h.packet.pages, h.packet.sha256] if h.packet is not None else ["", "", ""]
        writer.writerow([spreadsheet_safe(v) for v in row])
    return out.getvalue().encode("utf-8")


def spreadsheet_safe(value: str | int) -> str | int:
    """A CSV field as no spreadsheet runs it: a text that opens like a formula gets a leading apostrophe."""
    if isinstance(value, int):
        return value  # a number, written as digits: never a formula
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def publish_handouts(
    guide: Guide, handouts: Sequence[Handout], out_root: Path, owner: publish.Owner | None = None
) -> Path:
    """Write the copies and distribution.csv to out_root/<guide>-handouts/, all at once or not at all."""
    files: list[tuple[str, publish.Source]] = [(h.name, (h.path, h.sha256)) for h in handouts]
    files += [(h.packet.name, (h.packet.path, h.packet.sha256)) for h in handouts if h.packet is not None]
    files.append((DISTRIBUTION, distribution_csv(handouts)))
    owner = owner or publish.Owner(guide.id, "handouts")
    return publish.publish_folder(out_root, folder_name(guide), files, owner=owner)
