"""The interviewer's packet: a sheet a question to ask, tick and rate it by, read back from its PDF."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, Built, text_column, write_guide
from pagemodel import info, paginate, texts
from pdfcheck import Pdf, dark_pixels, holds, norm
from pypdf import PdfReader

from guide import cli
from guide.data import text
from guide.data.model import Guide, Question
from guide.data.validate import load_guide
from guide.layout import compose, page, story
from guide.layout.forms import NotesArea, RatingRow
from guide.layout.kit import Kit, make_kit
from guide.layout.styles import PacketStyle, load_theme
from guide.pdf import verify

AI, SQL = DATA / "ai-engineer", DATA / "sql-fundamentals"
RATINGS = "☐ 1 No answer ☐ 2 Partial ☐ 3 Solid ☐ 4 Excellent"
HALF_STYLE = "extends: base\ninterviewer:\n  layout: half\n  follow_up_lines: 1\n"
SHORT_YAML = """\
title: Short questions
edition: "3"
date: 2026-01-10
topics: [Basics, More]
questions:
  - id: tcp-udp
    topic: Basics
    difficulty: easy
    question: How does TCP differ from UDP?
    guidance: Listen for reliability, ordering and connection set-up.
    answer: |
      TCP is connection-oriented and reliable; UDP sends datagrams without guarantees.

      A second paragraph the packet leaves out.
    key_points: [Reliable vs best effort, Ordering, Handshake]
    follow_ups: [When would you pick UDP?]
  - id: dns
    topic: Basics
    question: What happens when you type a URL?
    guidance: DNS, TCP, TLS, HTTP.
    answer: The browser resolves the name, connects, and asks for the page.
    key_points: [DNS lookup, TLS handshake]
    follow_ups: [What does a CDN change?]
  - id: hash
    topic: More
    question: What is a hash table?
    guidance: Buckets, collisions, load factor.
    answer: An array of buckets indexed by a hash of the key.
    key_points: [Average O(1) lookup]
    follow_ups: [What if every key collides?]
  - id: long
    topic: More
    question: Which isolation level would you choose for a bank transfer, and why?
    guidance: |
      {guidance}
    answer: Serializable, or a careful read-committed design with locks.
    key_points: [{points}]
    follow_ups: [What is a phantom read?, What does MVCC change?, How do you test it?]
  - id: last
    topic: More
    question: Is a short question still given its half?
    guidance: Listen for yes.
    answer: "Yes."
    key_points: [Saying yes]
    follow_ups: [Why?]
""".format(
    guidance="Listen for the anomalies each level allows, and what they cost. " * 12,
    points=", ".join(f"Point {n} of the rubric" for n in range(1, 13)),
)


def plain(markdown: str) -> str:
    """A Markdown text as the page shows it, whitespace collapsed."""
    return norm(text.plain_text(text.parse(markdown)))


def inline_plain(markdown: str) -> str:
    return norm(text.plain_text(text.parse_inline(markdown)))


@dataclass
class Packet:
    """A guide built with --interviewer: its manifest, and the packet read back."""

    guide: Guide
    folder: Path
    manifest: dict[str, Any]
    pdf: Pdf

    def sheets(self) -> dict[int, str]:
        """Each question's text, by number: the pages from its outline entry's to the next one's."""
        starts = [(int(item.title.split(".", 1)[0]), item.page) for item in self.pdf.outline]
        out = {}
        for k, (number, first) in enumerate(starts):
            assert first is not None
            end = starts[k + 1][1] if k + 1 < len(starts) else len(self.pdf)
            assert end is not None
            out[number] = " ".join(self.pdf.texts[first : max(end, first + 1)])
        return out


def build(source: Path, out: Path, *args: str) -> Packet:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        assert cli.main(["build", str(source), "--out", str(out), "--interviewer", "-q", *args]) == 0
    folder = next(p for p in out.iterdir() if p.is_symlink())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    style = next((args[i + 1] for i, a in enumerate(args) if a == "--style"), "base")
    pdf = Pdf(folder / manifest["files"]["interviewer"]["path"], text_column(style))
    guide = load_guide(source)[0]
    return Packet(guide, folder, manifest, pdf)


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Packet:
    return build(AI, tmp_path_factory.mktemp("packet"))


@pytest.fixture(scope="module")
def half(tmp_path_factory: pytest.TempPathFactory) -> Packet:
    root = tmp_path_factory.mktemp("half")
    (root / "half.yaml").write_text(HALF_STYLE, encoding="utf-8")
    source = write_guide(root / "short", SHORT_YAML)
    return build(source, root / "out", "--style", str(root / "half.yaml"))


# --- the file and its role ---------------------------------------------------------------------------


def test_the_packet_is_a_file_of_the_edition_under_its_role(packet: Packet, ai: Built) -> None:
    """Listed in the manifest as `interviewer`, named <id>-<edition>-interviewer.pdf; the study guide,
    answer key and complete edition are byte for byte those of a build without it."""
    entry = packet.manifest["files"]["interviewer"]
    data = packet.pdf.path.read_bytes()
    assert entry["path"] == "ai-engineer-2026.1-interviewer.pdf"
    assert (entry["pages"], entry["bytes"], entry["sha256"]) == (
        len(packet.pdf),
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    assert list(packet.manifest["files"]) == ["study_guide", "answer_key", "complete", "interviewer"]
    for role in ("study_guide", "answer_key", "complete"):
        assert packet.manifest["files"][role]["sha256"] == ai.manifest["files"][role]["sha256"], role
    assert "interviewer" not in ai.manifest["files"]


def test_every_question_has_its_sheet_with_every_field(packet: Packet) -> None:
    """The question, what to listen for, each key point with its box, the answer's first paragraph
    (and no more of it), each follow-up, the rating row with its anchor words, room for notes."""
    sheets = packet.sheets()
    assert sorted(sheets) == [q.number for q in packet.guide.questions]
    for q in packet.guide.questions:
        sheet = sheets[q.number]
        found = _fields(q, sheet)
        assert found == [], (q.id, found)
        rest = [b for b in text.parse(q.answer) if isinstance(b, text.Paragraph)][1:]
        assert rest and norm(text.plain_text(rest[-1])) not in sheet, q.id  # the answer in brief only


def _fields(q: Question, sheet: str) -> list[str]:
    """What of a question's sheet is missing from its text."""
    brief = compose.first_paragraph(text.parse(q.answer))
    wanted = [
        f"QUESTION {q.number} · {q.topic}",
        plain(q.question),
        "WHAT TO LISTEN FOR " + plain(q.guidance),
        "KEY POINTS HEARD",
        *(f"☐ {inline_plain(p)}" for p in q.key_points),
        "MODEL ANSWER IN BRIEF " + norm(text.plain_text(brief[0])),
        "FOLLOW-UP QUESTIONS",
        *(f"→ {inline_plain(f)}" for f in q.follow_ups),
        "RATING " + RATINGS,
        "NOTES",
    ]
    return [w for w in wanted if not holds(sheet, w)]


def test_every_page_has_the_header_fields_and_the_footer(packet: Packet) -> None:
    total = len(packet.pdf)
    for index, page_text in enumerate(packet.pdf.texts):
        assert "AI Engineer Interview Study Guide · 2026.1" in page_text, index
        for field in ("Candidate", "Interviewer", "Date"):
            assert field in page_text, (index, field)
        assert "Interviewer’s packet" in page_text
        assert f"Page {index + 1} of {total}" in page_text


def test_each_question_starts_a_page_with_its_outline_entry(packet: Packet) -> None:
    """A flat outline, an entry a question titled as the contents name it; page labels 1, 2 …;
    the guide's metadata."""
    outline = packet.pdf.outline
    titles = {q.number: compose.title(q)[0] for q in packet.guide.questions}
    assert [(item.level, item.title) for item in outline] == [(0, f"{n}. {t}") for n, t in titles.items()]
    pages = [item.page or 0 for item in outline]
    assert pages[0] == 0 and all(b > a for a, b in itertools.pairwise(pages))
    for item in outline:
        assert packet.pdf.texts[item.page or 0].startswith(f"QUESTION {item.title.split('.')[0]} ")
    assert packet.pdf.labels == [str(n) for n in range(1, len(packet.pdf) + 1)]
    meta = packet.pdf.reader.metadata
    assert meta is not None and meta.title == "AI Engineer Interview Study Guide: Interviewer’s packet"
    assert meta.creation_date_raw == "D:20261125000000Z"


def test_the_notes_fill_the_page(packet: Packet) -> None:
    """Looked at: the ruled lines of a sheet's notes run down to the foot of its text column."""
    (image,) = packet.pdf.render([0], scale=1.0)
    theme = load_theme("base")
    foot = round(theme.paper[1] - theme.margins["bottom"])
    band = image.crop((round(theme.margins["inner"]), foot - 40, round(theme.paper[0] - 80), foot))
    assert dark_pixels(band, threshold=235) > 300  # a note line, light gray, in the last 40 pt


# --- two to a page ---------------------------------------------------------------------------------------


def test_half_pages_share_a_page_and_a_long_question_takes_its_own(half: Packet) -> None:
    """The two first questions share page 1; the third takes the top of page 2, the long fourth
    (too tall for half a page) starts page 3 and runs on, and the last follows on a page of its own."""
    pages = {int(item.title.split(".")[0]): item.page for item in half.pdf.outline}
    assert pages[1] == pages[2] == 0
    assert pages[3] == 1
    assert pages[4] == 2
    assert pages[5] == len(half.pdf) - 1 > pages[4]
    sheets = half.sheets()
    for q in half.guide.questions:
        if q.number != 2:  # the first two share a page's text: their own is checked in it
            assert _fields(q, sheets[q.number]) == [], q.id
    assert "A second paragraph the packet leaves out" not in half.pdf.text


def test_half_pages_are_looked_at(half: Packet) -> None:
    """Ink in both halves of the first page, and a rule between them in the middle of the column."""
    (image,) = half.pdf.render([0], scale=1.0)
    theme = load_theme("base")
    top, bottom = theme.margins["top"], theme.paper[1] - theme.margins["bottom"]
    middle = round((top + bottom) / 2)
    width = round(theme.paper[0])
    upper = image.crop((0, round(top), width, middle - 14))
    lower = image.crop((0, middle + 14, width, round(bottom)))
    assert dark_pixels(upper) > 1000 and dark_pixels(lower) > 1000
    cut = image.crop((round(theme.margins["inner"]) + 10, middle - 3, width - 90, middle + 3))
    assert dark_pixels(cut, threshold=230) > 300


# --- the page model -----------------------------------------------------------------------------------


def _pages(guide: Guide, style: str = "base", **changes: object) -> list[page.Page]:
    theme = load_theme(style)
    kit = make_kit(theme)
    items = [compose.packet_question(q, theme.packet) for q in guide.questions]
    found, _ = paginate(story.blocks(items, kit), kit, info("interviewer", **changes))
    return found


def test_the_header_holds_fields_to_write_on() -> None:
    """Three labels, each with a line to write on, above the text column; in a packet made for one
    candidate, the name on its line and the copy code at the right."""
    guide = load_guide(SQL)[0]
    theme = load_theme("base")
    top = theme.paper[1] - theme.margins["top"]
    blank, named = _pages(guide)[0], _pages(guide, candidate="Ada Lovelace · 17", copy_code="ABCD2345")[0]
    for found in (blank, named):
        lines = [r for r in found.of(page.Rule) if isinstance(r, page.Rule) and r.y1 > top and r.y1 == r.y2]
        assert len(lines) == 3 and all(r.x2 - r.x1 > 50 for r in lines)
        assert {"Candidate", "Interviewer", "Date"} <= set(texts(found))
    assert "Ada Lovelace · 17" in texts(named) and "Copy ABCD2345" in texts(named)
    assert "Ada Lovelace · 17" not in texts(blank)


def test_the_notes_end_at_the_foot_of_the_page_or_of_the_half() -> None:
    guide = load_guide(SQL)[0]
    theme = load_theme("base")
    bottom = theme.margins["bottom"]
    for found in _pages(guide):
        note_lines = [r for r in found.of(page.Rule) if isinstance(r, page.Rule) and r.width == 0.4]
        assert bottom <= min(r.y1 for r in note_lines) < bottom + theme.note_spacing


def test_rating_row_falls_back_to_fewer_columns() -> None:
    kit = make_kit(load_theme("base"))
    choices = [story.rating_choice(n, word, kit) for n, word in enumerate(("No answer", "Partial"), 1)]
    row = RatingRow(
        [*choices, *(story.rating_choice(n, w, kit) for n, w in ((3, "Solid"), (4, "Excellent")))]
    )
    one_line = kit.style("body").leading
    assert row.wrap(450, 1e9) == pytest.approx(one_line) and row.columns == 4
    assert row.wrap(200, 1e9) == pytest.approx(2 * one_line + 3) and row.columns == 2
    assert row.wrap(100, 1e9) == pytest.approx(4 * one_line + 9) and row.columns == 1


def test_a_notes_area_takes_the_room_it_is_given() -> None:
    kit = make_kit(load_theme("base"))
    notes = NotesArea(story.label("NOTES", kit), 22.0, (0.5, 0.5, 0.5), least=2)
    label_height = kit.style("label").leading
    assert notes.wrap(400, 1e9) == pytest.approx(label_height + 44)
    assert notes.wrap(400, 300) == 300 and notes.lines() == int((300 - label_height) // 22)
    # Less room than its label and least lines: it asks for them, so that it goes to the next page.
    assert notes.wrap(400, 5) == pytest.approx(label_height + 44) and notes.lines() == 2


# --- what a packet is made of, as data ------------------------------------------------------------------


def test_a_packet_question_as_data() -> None:
    guide = load_guide(SQL)[0]
    q = guide.questions[0]
    item = compose.packet_question(q, PacketStyle("half", 3))
    assert (item.number, item.topic, item.half, item.follow_up_lines) == (1, q.topic, True, 3)
    assert item.answer == compose.first_paragraph(text.parse(q.answer))
    assert item.key_points == tuple(text.parse_inline(p) for p in q.key_points)
    assert item.follow_ups == tuple(text.parse_inline(f) for f in q.follow_ups)


def test_the_answer_in_brief_is_the_first_paragraph_and_what_it_leads_in_to() -> None:
    led = text.parse("Three parts:\n\n- a\n- b\n\nMore.")
    assert compose.first_paragraph(led) == led[:2]
    assert compose.first_paragraph(text.parse("One.\n\nTwo.")) == text.parse("One.")
    assert compose.first_paragraph(text.parse("```\ncode\n```\n\nAfter.")) == text.parse("After.")
    assert compose.first_paragraph(text.parse("```\ncode\n```")) == text.parse("```\ncode\n```")


def test_units_of_the_packet() -> None:
    """Each question on a page of its own: a unit a topic (shared by two processes in a large guide);
    two to a page: one unit, so that no half is left empty where a topic ends."""
    guide = load_guide(AI)[0]
    page_units = compose.packet_plan(guide, PacketStyle("page"))
    assert [(u.part, u.order, u.topics) for u in page_units] == [
        ("interviewer", i + 1, (i,)) for i in range(len(guide.topics))
    ]
    assert compose.packet_plan(guide, PacketStyle("half")) == [
        compose.Unit("interviewer", 1, tuple(range(len(guide.topics))))
    ]


# --- candidates, practice sets, protection, the read-back ------------------------------------------------


def test_handouts_make_a_packet_for_each_candidate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each packet carries the candidate's name and copy code in the header of every page, is listed
    beside the copy in distribution.csv; the copies themselves are those made without it."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    people = tmp_path / "candidates.csv"
    people.write_text('name,id\nAda Lovelace,17\n"Smith, Jo",\n', encoding="utf-8")
    rows = {}
    for name, extra in (("plain", []), ("with", ["--interviewer"])):
        argv = ["handouts", str(SQL), "--candidates", str(people), "--out", str(tmp_path / name), "-q"]
        assert cli.main([*argv, *extra]) == 0
        folder = tmp_path / name / "sql-fundamentals-handouts"
        with open(folder / "distribution.csv", encoding="utf-8", newline="") as fh:
            rows[name] = list(csv.DictReader(fh))
    folder = tmp_path / "with" / "sql-fundamentals-handouts"
    assert list(rows["with"][0]) == [
        *rows["plain"][0],
        "interviewer_file",
        "interviewer_pages",
        "interviewer_sha256",
    ]
    for plain_row, row in zip(rows["plain"], rows["with"], strict=True):
        assert {k: row[k] for k in plain_row} == plain_row  # the copies are the same files
        code = row["copy_code"]
        assert (
            row["interviewer_file"] == f"sql-fundamentals-2026.1-interviewer-{_slug(row['name'])}-{code}.pdf"
        )
        data = (folder / row["interviewer_file"]).read_bytes()
        assert row["interviewer_sha256"] == hashlib.sha256(data).hexdigest()
        pdf = Pdf(folder / row["interviewer_file"], text_column())
        assert int(row["interviewer_pages"]) == len(pdf) == 5
        who = f"{row['name']} · {row['id']}" if row["id"] else row["name"]
        for index, page_text in enumerate(pdf.texts):
            assert f"Candidate {who}" in page_text, index
            assert f"Copy {code}" in page_text, index
    listed = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    files = [r[k] for r in rows["with"] for k in ("file", "interviewer_file")]
    assert listed == sorted([*files, "distribution.csv"])


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def test_a_practice_set_gives_the_packet_of_exactly_its_questions(tmp_path: Path) -> None:
    built = build(AI, tmp_path / "out", "--topics", "Deep learning", "--count", "3", "--seed", "7")
    study = Pdf(built.folder / built.manifest["files"]["study_guide"]["path"], text_column())
    drawn = [item.title for item in study.outline if item.level == 1]
    assert len(drawn) == 3
    assert [item.title for item in built.pdf.outline] == drawn
    assert built.manifest["files"]["interviewer"]["path"] == f"{built.folder.name}-2026.1-interviewer.pdf"
    assert re.findall(r"QUESTION (\d+) ·", built.pdf.text) == ["1", "2", "3"]
    practice = {q.id: q for q in load_guide(AI)[0].questions}
    titles = {t.split(". ", 1)[1] for t in drawn}
    chosen = [q for q in practice.values() if compose.title(q)[0] in titles]
    assert len(chosen) == 3
    sheets = built.sheets()
    for number, title in enumerate(drawn, 1):
        q = next(q for q in chosen if compose.title(q)[0] == title.split(". ", 1)[1])
        assert plain(q.guidance) in sheets[number]


def test_protect_key_encrypts_the_packet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The packet holds each answer's first paragraph and key points: it is locked with the key."""
    from guide.pdf.protect import PASSWORD_VARIABLE

    monkeypatch.setenv(PASSWORD_VARIABLE, "a password")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out"
    assert cli.main(["build", str(SQL), "--out", str(out), "--interviewer", "--protect-key", "-q"]) == 0
    entry = json.loads((out / "sql-fundamentals" / "manifest.json").read_text(encoding="utf-8"))["files"][
        "interviewer"
    ]
    assert entry["encrypted"] is True
    reader = PdfReader(io.BytesIO((out / "sql-fundamentals" / entry["path"]).read_bytes()))
    assert reader.is_encrypted and not reader.decrypt("")
    assert reader.decrypt("a password") and len(reader.pages) == entry["pages"]


def test_the_read_back_counts_the_packets_questions(half: Packet) -> None:
    """verify reads a packet's flat outline: a question without its entry is a failed check."""
    path, pages = half.pdf.path, len(half.pdf)
    assert verify.check([verify.Job(str(path), path.name, pages, "interviewer", {}, 0, 5)]) == []
    found = verify.check([verify.Job(str(path), path.name, pages, "interviewer", {}, 0, 6)])
    assert any("no outline entry for question 6" in p for p in found)


def test_a_large_packet_laid_out_by_two_processes_is_the_same(tmp_path: Path) -> None:
    """A bank large enough for two workers: its topics shared between a forked child and this
    process give the bytes of one process laying them out in turn, and the file reads back."""
    import sys

    from guide import layout
    from guide.layout.fonts import check_coverage
    from guide.parallel import MIN_QUESTIONS, can_fork
    from guide.pdf.packet import write_packet

    sys.path.insert(0, str(DATA.parent / "benchmarks"))
    import generate

    generate.generate(MIN_QUESTIONS, tmp_path / "bank")
    guide = load_guide(tmp_path / "bank")[0]
    theme = load_theme("base")
    check_coverage(guide, theme)
    made = []
    for parallel in (False, True):
        folder = tmp_path / str(parallel)
        folder.mkdir()
        rendered = layout.render_packet(guide, theme, folder, parallel=parallel)
        assert len(rendered.workers) == 2
        made.append(write_packet(guide, theme, rendered, folder / "packet.pdf"))
        rendered.close()
    assert can_fork()
    assert made[0].path.read_bytes() == made[1].path.read_bytes()
    job = verify.Job(str(made[1].path), "packet.pdf", made[1].pages, "interviewer", {}, 0, MIN_QUESTIONS)
    assert verify.check([job]) == []


def test_the_packet_is_reproducible(tmp_path: Path) -> None:
    first = build(SQL, tmp_path / "a")
    second = build(SQL, tmp_path / "b")
    assert first.pdf.path.read_bytes() == second.pdf.path.read_bytes()


# --- the style ---------------------------------------------------------------------------------------------


def test_a_style_without_interviewer_settings_gets_the_defaults(tmp_path: Path) -> None:
    """A whole style written before the packet (not extending base) keeps working."""
    base = (Path(load_theme("base").files[0])).read_text(encoding="utf-8")
    start = base.index("interviewer:")
    own = base[:start] + base[base.index("\nlabels:", start) + 1 :]
    shutil.copytree(Path(load_theme("base").files[0]).parent / "fonts", tmp_path / "fonts")
    (tmp_path / "old.yaml").write_text(own, encoding="utf-8")
    assert load_theme(str(tmp_path / "old.yaml")).packet == PacketStyle("page", 2)


def test_the_styles_set_the_packet() -> None:
    assert load_theme("base").packet == PacketStyle("page", 2)
    labels = load_theme("base").labels
    assert [labels[f"rating_{n}"] for n in range(1, 5)] == ["No answer", "Partial", "Solid", "Excellent"]


RTL_BANK = """\
title: دليل المقابلة
edition: "1"
language: ar
questions:
  - id: q
    topic: أساسيات
    question: ما الفرق بين `var` و `let`؟
    guidance: |
      يذكر المرشح نطاق الكتلة.

      - أولا
        > اقتباس في قائمة
        > > اقتباس داخلي

        > [!TIP]
        > نصيحة داخل قائمة
    answer: نطاق الدالة مقابل نطاق الكتلة.
    key_points: [نطاق الكتلة, الرفع]
    follow_ups: [ماذا عن const؟, وماذا عن الإغلاق؟]
"""


Shapes = list[set[tuple[float, float, float, float]]]  # each page's rules, as (x1, y1, x2, y2)


def _mirrored_shapes(tmp_path: Path) -> tuple[Shapes, Shapes, tuple[Shapes, list[page.Page], Kit]]:
    """The rules of the packet of a right-to-left guide, laid out left to right and right to left
    (these mirrored across the text block)."""
    from guide.layout.fonts import guide_chars

    guide = load_guide(write_guide(tmp_path / "rtl", RTL_BANK))[0]
    theme = load_theme("base")
    made: list[tuple[Shapes, list[page.Page], Kit]] = []
    for rtl in (False, True):
        kit = make_kit(theme, guide_chars(guide), guide.language, rtl=rtl)
        items = [compose.packet_question(q, theme.packet) for q in guide.questions]
        found, _ = paginate(story.blocks(items, kit), kit, info("interviewer"))
        left, right = kit.left_margin, kit.left_margin + kit.frame_width
        shapes: Shapes = []
        for one in found:
            rules = set()
            for r in one.of(page.Rule):
                assert isinstance(r, page.Rule)
                x1, x2 = (left + right - r.x2, left + right - r.x1) if rtl else (r.x1, r.x2)
                rules.add((round(x1, 1), round(r.y1, 1), round(x2, 1), round(r.y2, 1)))
            shapes.append(rules)
        made.append((shapes, found, kit))
    return made[0][0], made[1][0], made[1]


def test_the_packet_of_a_right_to_left_guide_is_mirrored(tmp_path: Path) -> None:
    """As the answer key is: the header's title and fields, the guidance box's rule, nested quotes'
    bars, a tip's indent, the lines under follow-ups and the rating row, each where a left-to-right
    packet has it, mirrored; check boxes and arrows at the right."""
    ltr, rtl, (_, found, kit) = _mirrored_shapes(tmp_path)
    assert len(ltr) == len(rtl) and ltr == rtl
    middle = kit.left_margin + kit.frame_width / 2
    first = found[0]
    lines = [item for item in first.items if isinstance(item, page.TextLine)]

    def at(value: str) -> page.TextLine:
        return next(line for line in lines if "".join(r.text for r in line.runs) == value)

    assert at("Candidate").x > at("Interviewer").x > at("Date").x > middle - kit.frame_width / 2
    assert at("Candidate").x > middle and at("Title · 1").x > middle
    assert all(at(mark).x > middle for mark in ("☐", "←"))
    ratings = sorted(
        (line.x, line.runs[0].text) for line in lines if line.runs[0].text in ("1", "2", "3", "4")
    )
    assert [number for _, number in ratings] == ["4", "3", "2", "1"]  # from the right
