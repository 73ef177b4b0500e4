"""Candidate copies: the name on every page, never an answer, no way into the key, a list that matches."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from guide import cli
from guide.data import text
from guide.data.model import Guide
from guide.data.validate import load_guide
from guide.edition.handouts import (
    Candidate,
    Handout,
    copy_code,
    copy_codes,
    copy_file_name,
    distribution_csv,
    make_handouts,
    read_candidates,
    slug,
)
from guide.errors import GuideError, Location
from guide.layout.styles import load_theme

ROOT = Path(__file__).resolve().parent.parent
AI = ROOT / "data" / "ai-engineer"
CANDIDATES = """\
name,id,email
Ada Lovelace,17,ada@example.org
"Smith, John ""Johnny\""",,

"Smith, John ""Johnny\""",,
李小龍,,li@example.cn
Zoë Ångström-Øster,A-9,
"""


def norm(value: str) -> str:
    return " ".join(value.split())


@dataclass
class Run:
    guide: Guide
    folder: Path
    rows: list[dict[str, str]]
    stdout: str
    pages: dict[str, list[str]]  # file → the text of each page, as PDFium reads it


def _pdfium_pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [norm(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """`guide handouts` for five candidates, once for the module."""
    root = tmp_path_factory.mktemp("handouts")
    candidates = root / "candidates.csv"
    candidates.write_text(CANDIDATES, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        out = io.StringIO()
        mp.setattr("sys.stdout", out)
        code = cli.main(["handouts", str(AI), "--candidates", str(candidates), "--out", str(root / "out")])
    assert code == 0
    folder = root / "out" / "ai-engineer-handouts"
    with open(folder / "distribution.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pages = {row["file"]: _pdfium_pages(folder / row["file"]) for row in rows}
    return Run(load_guide(AI)[0], folder, rows, out.getvalue(), pages)


def test_distribution_lists_every_copy_with_its_digest(run: Run) -> None:
    names = [r["name"] for r in run.rows]
    assert names == [
        "Ada Lovelace",
        'Smith, John "Johnny"',
        'Smith, John "Johnny"',
        "李小龍",
        "Zoë Ångström-Øster",
    ]
    assert list(run.rows[0]) == ["name", "id", "email", "copy_code", "file", "pages", "sha256"]
    listed = sorted(p.name for p in run.folder.iterdir() if not p.name.startswith("."))
    assert listed == sorted([*(r["file"] for r in run.rows), "distribution.csv"])
    codes = [r["copy_code"] for r in run.rows]
    assert len(set(codes)) == len(codes)  # two people of the same name get different copies
    for row in run.rows:
        assert re.fullmatch(r"[A-Z2-7]{8}", row["copy_code"])
        data = (run.folder / row["file"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert int(row["pages"]) == len(PdfReader(io.BytesIO(data)).pages)
        assert row["file"] == f"ai-engineer-2026.1-study-guide-{slug(row['name'])}-{row['copy_code']}.pdf"
    assert run.rows[4]["file"].startswith("ai-engineer-2026.1-study-guide-zoë-ångström-øster-")
    assert run.rows[3]["file"].startswith("ai-engineer-2026.1-study-guide-李小龍-")
    assert run.folder.is_symlink() and run.folder.resolve().name.startswith(".ai-engineer-handouts-")
    assert f"{run.folder / run.rows[0]['file']}  (" in run.stdout


def test_every_page_carries_the_name_and_the_code(run: Run) -> None:
    """Read back by PDFium for every copy, and by pypdf (slower) for a Latin and a Chinese name."""
    for row in run.rows:
        who = f"{row['id']} · {row['name']}" if row["id"] else row["name"]
        stamp = f"Copy {row['copy_code']} · prepared for {who}"
        for index, page_text in enumerate(run.pages[row["file"]]):
            assert stamp in page_text, (row["name"], index)
            assert page_text.count(row["name"]) >= 2, (row["name"], index)  # the stamp and the watermark
        if row["name"] in ("Ada Lovelace", "李小龍"):
            for page in PdfReader(run.folder / row["file"]).pages:
                assert stamp in norm(page.extract_text())


def _sentences(guide: Guide) -> list[str]:
    """Sentences of every answer and key point, long enough to be unique to them."""
    found = []
    for q in guide.questions:
        for source in (q.answer, *q.key_points):
            for sentence in re.split(r"(?<=[.!?])\s+", norm(text.plain_text(text.parse(source)))):
                if len(sentence) > 30:
                    found.append(sentence.rstrip(".!?"))
    return found


def test_no_copy_holds_an_answer_or_a_way_to_the_key(run: Run) -> None:
    sentences = _sentences(run.guide)
    assert len(sentences) > 50
    for row in run.rows:
        data = (run.folder / row["file"]).read_bytes()
        reader = PdfReader(io.BytesIO(data))
        content = " ".join(run.pages[row["file"]])
        assert "What is the bias–variance trade-off" in content  # the questions are there
        assert [s for s in sentences if s in content] == []
        for page in reader.pages:
            for ref in page.get("/Annots") or []:
                action = ref.get_object().get("/A")
                action = action.get_object() if action is not None else {}
                assert action.get("/S") not in ("/GoToR", "/Launch")
        assert b"answer-key" not in data


def test_copies_are_reproducible(run: Run, tmp_path: Path) -> None:
    """The same candidate and edition give the same code and the same bytes."""
    row = run.rows[0]
    ada = Candidate("Ada Lovelace", "17", "ada@example.org", Location("other.csv", 9, 1))
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        (copy,) = make_handouts(run.guide, load_theme("base"), [ada], tmp_path)
    assert copy.code == row["copy_code"]
    assert copy.data == (run.folder / row["file"]).read_bytes()


def test_copy_codes(run: Run) -> None:
    guide = run.guide
    a = Candidate("Sam Lee", "", "", Location("c.csv", 2, 1))
    assert copy_code(guide, a) == copy_code(guide, Candidate("Sam Lee", "", "", Location("d.csv", 9, 1)))
    assert copy_code(guide, a) != copy_code(guide, a, namesake=2)
    # A row added above changes no one's code; a second Sam Lee gets a code of its own.
    ann, new = (Candidate(name, "", "", Location("c.csv", 2, 1)) for name in ("Ann Roe", "Ned New"))
    assert copy_codes(guide, [new, ann, a]) == [copy_code(guide, new), *copy_codes(guide, [ann, a])]
    assert copy_codes(guide, [a, ann, a])[::2] == [copy_code(guide, a), copy_code(guide, a, 2)]
    assert copy_code(guide, Candidate("Sam Lee", "1", "", a.location)) != copy_code(
        guide, Candidate("Sam Lee", "2", "", a.location)
    )
    with_id = Candidate("Sam Lee", "1", "", Location("c.csv", 2, 1))
    assert copy_code(guide, with_id) == copy_code(
        guide, Candidate("Sam Lee", "1", "", Location("c.csv", 7, 1))
    )


def _read(tmp_path: Path, content: bytes) -> list[Candidate]:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    return read_candidates(path)


def test_reading_candidates(tmp_path: Path) -> None:
    people = _read(
        tmp_path, '\ufeffName , EMAIL\r\n"O\'Brien, Ann",ann@example.org\r\n\r\n,\r\nBo,\r\n'.encode()
    )
    assert [(p.name, p.id, p.email, p.line) for p in people] == [
        ("O'Brien, Ann", "", "ann@example.org", 2),
        ("Bo", "", "", 5),
    ]
    multiline = _read(tmp_path, b'name,id\n"Ann",1\nBo,2\n')
    assert [p.line for p in multiline] == [2, 3]


def test_a_name_with_emoji_is_accepted_whole(tmp_path: Path) -> None:
    """The joiners and selectors of an emoji the image set draws are part of it, not invisible
    characters; a name's emoji is drawn as an image, not looked for in a font."""
    from guide.edition.handouts import check_names

    people = _read(tmp_path, "name\nAda 👩🏽‍💻 Lovelace\nZoë 🫠\nLee ❤️\n".encode())
    assert [p.name for p in people] == ["Ada 👩🏽‍💻 Lovelace", "Zoë 🫠", "Lee ❤️"]
    check_names(people, load_theme("base"))  # no error
    with pytest.raises(GuideError, match="invisible character U\\+200D"):
        _read(tmp_path, "name\nAda\u200dLovelace\n".encode())  # a joiner outside an emoji


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name,id\nAnn,1\nBo,2,extra\n", "people.csv:3:1: error: this row has 3 fields, the header 2"),
        (b"name,id\nAnn,1\n ,2\n", "people.csv:3:1: error: the name is empty"),
        (
            b"name\nAnn\nB\xe9a\n",
            "people.csv:3:2: error: not UTF-8 text (byte 0xe9); save the file as CSV UTF-8",
        ),
        (b"name,emial\nAnn,a@b\n", "people.csv:1:1: error: unknown column 'emial'; did you mean 'email'?"),
        (b"name;id\nAnn;1\n", "separated by ';'"),
        (b"nom,id\n", "must include 'name'"),
        (b"name\n", "no candidates"),
        (b"", "the file is empty"),
        (b"name,id\nAnn,1\nBo,2\nann,1\n", "people.csv:4:1: error: the same candidate as on line 2"),
        (b'name\n"Ann\nBo"\n', "people.csv:2:1: error: the name holds an invisible character U+000A"),
        (b'name\nAnn\n"Bob\n', "people.csv:3:1: error: not a well-formed CSV file: unexpected end of data"),
        (b'name,id\n"Bob"x,1\n', "people.csv:2:1: error: not a well-formed CSV file: ',' expected after"),
    ],
)
def test_bad_candidate_files_name_the_line(tmp_path: Path, content: bytes, expected: str) -> None:
    with pytest.raises(GuideError) as caught:
        _read(tmp_path, content)
    assert expected in str(caught.value)


def test_bad_candidates_file_fails_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every problem reported with file:line:column, exit 1, nothing written."""
    path = tmp_path / "c.csv"
    path.write_text("name,id\nAnn,1\nBo\n\nCy,3,x\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["handouts", str(AI), "--candidates", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    shown = str(path)
    assert err == [
        f"{shown}:3:1: error: this row has 1 field, the header 2 (a name or value with a comma must be in"
        " double quotes)",
        f"{shown}:5:1: error: this row has 3 fields, the header 2 (a name or value with a comma must be in"
        " double quotes)",
        "guide: 2 errors; nothing was written",
    ]
    assert not out.exists()


def test_a_long_name_is_cut_in_the_watermark_never_drawn_off_the_page(tmp_path: Path) -> None:
    """At its smallest size the watermark still had to hold the whole name: 3,000 letters ran 7,000 pt off."""
    guide = load_guide(AI)[0]
    name = "N" * 3000
    candidate = Candidate(name, "", "", Location("c.csv", 2, 1))
    (copy,) = make_handouts(guide, load_theme("base"), [candidate], tmp_path)
    pdf = pdfium.PdfDocument(copy.data)
    try:
        page = pdf[0]
        width, height = page.get_size()
        textpage = page.get_textpage()
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            assert left >= 0 and right <= width and bottom >= 0 and top <= height
    finally:
        pdf.close()


def test_distribution_csv_opens_in_a_spreadsheet_as_text(tmp_path: Path) -> None:
    """OWASP's rule for CSV injection: no field starts with = + - @ tab or carriage return; those that
    would get an apostrophe in front, every field is quoted, and reading the file back gives each
    value, apostrophe included, in its own column."""
    risky = ["-2+3+cmd|' /C calc'!A0", '=1+2";=1+2', "+44 20 7946 0000", "@SUM(A1)", "\tx", "\rx", "Ann"]
    handouts = [
        Handout(
            Candidate(value, value, value, Location("c.csv", n, 1)),
            "CODE2345",
            f"f{n}.pdf",
            tmp_path,
            3,
            "ab",
        )
        for n, value in enumerate(risky, 2)
    ]
    data = distribution_csv(handouts).decode("utf-8")
    lines = data.splitlines()
    assert lines[0] == '"name","id","email","copy_code","file","pages","sha256"'
    assert lines[1].startswith("\"'-2+3+cmd|' /C calc'!A0\",")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    for row, value in zip(rows[1:], risky, strict=True):
        shown = value if value == "Ann" else "'" + value
        assert row == [shown, shown, shown, "CODE2345", row[4], "3", "ab"]
        for field in row:
            assert not field.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_candidates_whose_values_look_like_formulas_are_accepted_and_neutralised(tmp_path: Path) -> None:
    candidates = tmp_path / "c.csv"
    candidates.write_text("name,email\n-2+3+cmd|' /C calc'!A0,@evil\n=HYPERLINK(1),+1@x\n", encoding="utf-8")
    people = read_candidates(candidates)
    assert [(p.name, p.email) for p in people] == [
        ("-2+3+cmd|' /C calc'!A0", "@evil"),
        ("=HYPERLINK(1)", "+1@x"),
    ]


HOSTILE_NAMES = [
    "Ирина Петрова",
    "山田太郎",
    'a/b\\c:d*e?f<g>h|i"j',
    "CON",
    "nul.txt",
    "..",
    " . ",
    "e\u0301cole",  # decomposed: the name is written composed
    "Ⅻ ½ ①",
    "José " * 40,
    "😀",
]


def test_copy_file_names_keep_the_name_in_any_script_and_suit_every_file_system(run: Run) -> None:
    names = []
    for n, name in enumerate(HOSTILE_NAMES, 2):
        candidate = Candidate(name, "", "", Location("c.csv", n, 1))
        file_name = copy_file_name(run.guide, candidate, copy_code(run.guide, candidate))
        names.append(file_name)
        assert file_name == unicodedata.normalize("NFC", file_name)
        assert len(file_name.encode("utf-8")) <= 255
        assert not any(c in '/\\:*?"<>|' or unicodedata.category(c)[0] in "CZ" for c in file_name), file_name
        assert file_name.split(".")[0].upper() not in WINDOWS_RESERVED
        assert not file_name.endswith((".", " "))
    assert "ирина-петрова" in names[0] and "山田太郎" in names[1] and "école" in names[7]
    assert "josé-josé" in names[9] and len(names[9].encode("utf-8")) < 255
    # The code makes each name unique, also where the name parts come out the same.
    same = [Candidate(name, "", "", Location("c.csv", 2, 1)) for name in ("Ann!", "Ann?", "ann")]
    files = {copy_file_name(run.guide, c, copy_code(run.guide, c)) for c in same}
    assert {slug(c.name) for c in same} == {"ann"} and len(files) == 3


WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}


def test_a_long_name_is_cut_between_letters_never_within_one() -> None:
    assert slug("e\u0301" * 100, max_bytes=7) == "ééé"  # é is two bytes: three fit, not half of a fourth
    assert slug("ab\u0301\u0302", max_bytes=3) == "a"  # the accents stay with their letter, or all go


def test_a_pipe_or_device_as_candidates_is_refused(tmp_path: Path) -> None:
    import os
    import threading

    from test_protect import _feed_fifo

    fifo = tmp_path / "people.csv"
    os.mkfifo(fifo)
    feeder = threading.Thread(target=_feed_fifo, args=(fifo, b"name\nAnn\n", 2.0))
    feeder.start()
    try:
        with pytest.raises(GuideError) as caught:
            read_candidates(fifo)
    finally:
        feeder.join()
    assert str(caught.value) == (
        f"{fifo}: error: expected a CSV file of candidates, found a pipe or device; save the list to a file"
        " and give that"
    )
    big = tmp_path / "big.csv"
    big.write_bytes(b"name\n" + b"Ann\n" * 300)
    with pytest.raises(GuideError, match="the file is 1,205 bytes or more, over the limit of 1,000"):
        read_candidates(big, 1000)


def test_dev_zero_as_candidates_is_one_clear_error(tmp_path: Path) -> None:
    """Read without a limit, /dev/zero fills the memory: a separate process, its memory capped."""
    from test_protect import _guide_capped

    result = _guide_capped(["handouts", str(AI), "--candidates", "/dev/zero", "--out", "out"], tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "/dev/zero: error: expected a CSV file of candidates, found a pipe or device; save the list to a"
        " file and give that\nguide: 1 error; nothing was written\n",
    )
    assert not (tmp_path / "out").exists()
