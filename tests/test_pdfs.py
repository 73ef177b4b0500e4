"""Read the study guide and the answer key back: text, contents, cross references, outline, links."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROLES, TRICKY_YAML, Built, build_into, make_edition, stories, titles, write_guide
from pdfcheck import (
    BASE14,
    FOOTER,
    Pdf,
    expected_labels,
    front_matter,
    holds,
    norm,
    overlaps,
    pdf_array,
    pdf_dict,
    pdf_str,
)
from pypdf import PdfReader
from pypdf.generic import BooleanObject, StreamObject

from guide.data import text
from guide.data.model import Guide
from guide.errors import GuideError
from guide.layout import compose
from guide.layout.styles import load_theme

PARTS = ("study_guide", "answer_key")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def study_questions(guide: Guide) -> list[compose.StudyQuestion]:
    return [item for item in stories(guide)[0] if isinstance(item, compose.StudyQuestion)]


def key_answers(guide: Guide) -> list[compose.KeyAnswer]:
    return [item for item in stories(guide)[1] if isinstance(item, compose.KeyAnswer)]


def paragraphs(blocks: tuple[text.Block, ...]) -> Iterator[str]:
    """The plain text of every paragraph, heading and list item paragraph, at any depth."""
    stack: list[text.Block] = list(reversed(blocks))
    while stack:
        block = stack.pop()
        if isinstance(block, text.Paragraph) and all(isinstance(c, text.Image) for c in block.children):
            yield norm(" ".join(c.alt for c in block.children if isinstance(c, text.Image)))  # captions
        elif isinstance(block, text.Paragraph | text.Heading):
            yield norm(text.plain_text(block))
        elif isinstance(block, text.ListBlock):
            for item in reversed(block.items):
                stack.extend(reversed(item))
        elif isinstance(block, text.Quote):
            stack.extend(reversed(block.children))


def answer_texts(answer: compose.KeyAnswer) -> list[str]:
    """What only the answer key may print for a question: answer paragraphs, key points, follow-ups."""
    out = list(paragraphs(answer.answer))
    out += [norm(text.plain_text(point)) for point in answer.key_points]
    out += [norm(text.plain_text(follow)) for follow in answer.follow_ups]
    return [t for t in out if t]


def part_prefix(role: str) -> str:
    return "A-" if role == "answer_key" else ""


# --- the study guide ----------------------------------------------------------------------------


def test_every_question_is_on_its_heading_page(ai: Built) -> None:
    """Each question's text is printed on the page of its heading, in the study guide and in the key."""
    questions = study_questions(ai.guide)
    assert len(questions) == 15
    for pdf in (ai.study, ai.key):
        for q in questions:
            page = pdf.headings[q.number]
            assert norm(text.plain_text(q.question)) in pdf.texts[page], (pdf.path.name, q.id)


def test_study_guide_has_no_answers(ai: Built) -> None:
    """No answer sentence, key point or follow-up appears in the study guide; each appears in the key."""
    study, key = ai.study.frame_text, ai.key.frame_text
    checked = 0
    for answer in key_answers(ai.guide):
        passages = list(paragraphs(answer.answer))
        for passage in passages:
            for sentence in SENTENCE.split(passage):
                if len(sentence) >= 30:
                    assert holds(key, sentence), (answer.id, sentence)
                    assert not holds(study, sentence), (answer.id, sentence)
                    checked += 1
        for item in (*answer.key_points, *answer.follow_ups):
            line = norm(text.plain_text(item))
            assert holds(key, line), (answer.id, line)
            assert not holds(study, line), (answer.id, line)
            checked += 1
    assert checked > 150


def test_questions_are_numbered_in_order(ai: Built) -> None:
    """The study guide prints QUESTION 1 … QUESTION 15 in reading order, each once."""
    numbers = [int(m.group(1)) for m in re.finditer(r"\bQUESTION (\d+)\b", ai.study.text)]
    assert numbers == list(range(1, 16))
    pages = [ai.study.headings[n] for n in numbers]
    assert pages == sorted(pages)


@pytest.mark.parametrize("role", PARTS)
def test_cover(ai: Built, role: str) -> None:
    """The cover names the part (the title does for the study guide: 'AI Engineer Interview Study
    Guide'), the title, the subtitle, the edition, its date and the question count."""
    cover = ai.pdf(role).texts[0]
    guide = ai.guide
    if role == "study_guide":
        assert cover.startswith(guide.title)
    else:
        assert cover.startswith(f"{guide.title} Answer key")
    for expected in (
        guide.title,
        guide.subtitle,
        "Edition 2026.1 · 25 November 2026",
        "15 questions in 5 topics",
    ):
        assert norm(expected) in cover
    assert "The guide team" in cover


def test_cover_of_one_question_says_it_in_the_singular(built: Callable[[str], Built]) -> None:
    assert "1 question in 1 topic" in built("minimal").study.texts[0]


@pytest.mark.parametrize("role", PARTS)
def test_contents_links_and_numbers(ai: Built, role: str) -> None:
    """Contents: every topic and question, with the page label where its heading is, linked to that page."""
    pdf = ai.pdf(role)
    front = front_matter(pdf)
    links = [link for link in pdf.links if link.page < front]
    shown = pdf.text_in([(link.page, link.rect) for link in links])
    topics = [t.title for t in ai.guide.topics]
    questions = {q.number: norm(q.title) for q in study_questions(ai.guide)}
    seen_topics, seen_questions = [], []
    for link, entry in zip(links, shown, strict=True):
        assert link.file is None and link.target is not None, entry
        label = pdf.labels[link.target]
        assert entry.endswith(f" {label}"), (entry, label)
        title = entry.removesuffix(f" {label}")
        if title in topics:
            seen_topics.append(title)
            assert title in pdf.texts[link.target]
        else:
            number, _, rest = title.partition(". ")
            # A title made from a long first sentence is cut at a word to fit one line.
            full = questions[int(number)]
            assert rest == full or (rest.endswith("…") and full.startswith(rest[:-1])), entry
            assert pdf.headings[int(number)] == link.target, entry
            seen_questions.append(int(number))
    assert seen_topics == topics
    assert seen_questions == list(range(1, 16))


# --- cross references between the parts ---------------------------------------------------------


@pytest.mark.parametrize("role", PARTS)
def test_printed_references_match_the_other_part(ai: Built, role: str) -> None:
    """'Answer: page A-n' under each question, and 'Question: page n' beside each answer, are true."""
    pdf, other = (ai.study, ai.key) if role == "study_guide" else (ai.key, ai.study)
    word = "Answer" if role == "study_guide" else "Question"
    refs: dict[int, str] = {}
    for page_text in pdf.texts:
        for match in re.finditer(rf"\bQUESTION (\d+)\b.*?\b{word}: page (\S+)", page_text):
            refs[int(match.group(1))] = match.group(2)
    assert sorted(refs) == list(range(1, 16))
    for number, label in refs.items():
        assert other.labels[other.headings[number]] == label, number


@pytest.mark.parametrize("role", PARTS)
def test_links_to_the_other_file(ai: Built, role: str) -> None:
    """Each reference links (GoToR) to the sibling file, at the index of the page with that heading."""
    pdf, other = (ai.study, ai.key) if role == "study_guide" else (ai.key, ai.study)
    sibling = ai.manifest["files"]["answer_key" if role == "study_guide" else "study_guide"]["path"]
    remote = [link for link in pdf.links if link.file is not None]
    assert len(remote) == 15
    word = "Answer" if role == "study_guide" else "Question"
    shown = pdf.text_in([(link.page, link.rect) for link in remote])
    # The heading label sits level with the reference, to its left.
    beside = pdf.text_in([(link.page, (0, link.rect[1], link.rect[0], link.rect[3])) for link in remote])
    numbers = []
    for link, ref, head in zip(remote, shown, beside, strict=True):
        assert link.file == sibling
        match = re.fullmatch(r"QUESTION (\d+)\b.*", head)
        assert match, head
        number = int(match.group(1))
        numbers.append(number)
        assert link.target == other.headings[number], number
        assert ref == f"{word}: page {other.labels[link.target]}"
        assert link.top is not None and link.top <= float(other.reader.pages[link.target].mediabox.top)
    assert numbers == list(range(1, 16))
    pdfium = [(link.page, link.file, link.target) for link in pdf.pdfium_links if link.file is not None]
    assert pdfium == [(link.page, link.file, link.target) for link in remote]


# --- the answer key -----------------------------------------------------------------------------


def test_key_has_every_answer_on_its_page(ai: Built) -> None:
    """Every answer paragraph, key point and follow-up is in the key, starting on its question's page."""
    for answer in key_answers(ai.guide):
        page = ai.key.headings[answer.number]
        passages = answer_texts(answer)
        assert holds(ai.key.frame_texts[page], passages[0]), answer.id
        for passage in passages:
            assert holds(ai.key.frame_text, passage), (answer.id, passage)
        assert len(answer.key_points) >= 3 and len(answer.follow_ups) >= 2


# --- both parts, and the complete edition where it applies --------------------------------------


def outline_expectation(ai: Built, pdf: Pdf) -> list[tuple[int, str, int]]:
    out = []
    for topic in ai.guide.topics:
        first = pdf.headings[topic.questions[0].number]
        out.append((0, topic.title, first))
        out += [
            (1, f"{q.number}. {titles(ai.guide)[q.number]}", pdf.headings[q.number]) for q in topic.questions
        ]
    return out


@pytest.mark.parametrize("role", PARTS)
def test_outline(ai: Built, role: str) -> None:
    """Topics at level 0, their questions under them, each opening the page that holds its heading."""
    pdf = ai.pdf(role)
    got = [(item.level, norm(item.title), item.page) for item in pdf.outline]
    assert got == outline_expectation(ai, pdf)
    for item in pdf.outline:
        assert item.page is not None
        if item.level == 0:
            assert item.title in pdf.texts[item.page]
    assert [(i.level, i.title, i.page) for i in pdf.pdfium_outline] == [
        (i.level, i.title, i.page) for i in pdf.outline
    ]


@pytest.mark.parametrize("role", PARTS)
def test_page_labels(ai: Built, role: str) -> None:
    """Page labels: i, ii for the front matter, then 1, 2 … (A-i …, A-1 … in the key), as printed."""
    pdf = ai.pdf(role)
    front = front_matter(pdf)
    assert front == 2
    prefix = part_prefix(role)
    assert pdf.labels == expected_labels(front, len(pdf) - front, prefix)
    for index in range(1, front):
        assert pdf.texts[index].endswith(f" {pdf.labels[index]}"), "the folio of a front page"


@pytest.mark.parametrize("role", PARTS)
def test_running_footer(ai: Built, role: str) -> None:
    """Every body page says 'Page X of Y' with X its own label and Y the number of body pages,
    as one phrase (it reads back unbroken)."""
    pdf = ai.pdf(role)
    front = front_matter(pdf)
    prefix = part_prefix(role)
    body = len(pdf) - front
    for index in range(front, len(pdf)):
        footers = [(m.group(1), m.group(2)) for m in FOOTER.finditer(pdf.texts[index])]
        assert footers == [(pdf.labels[index], str(body))], index
        assert f"Page {pdf.labels[index]} of {body}" in pdf.texts[index]
        assert footers[0][0] == f"{prefix}{index - front + 1}"
    for index in range(front):
        assert not FOOTER.search(pdf.texts[index])


@pytest.mark.parametrize("role", [*PARTS, "complete"])
def test_metadata(ai: Built, role: str) -> None:
    """Title, author, subject, keywords, creation date, language, and the outline shown on opening."""
    pdf = ai.pdf(role)
    meta = pdf.reader.metadata
    assert meta is not None
    suffix = {"study_guide": ": Study guide", "answer_key": ": Answer key", "complete": ""}[role]
    assert meta.title == ai.guide.title + suffix
    assert meta.author == "The guide team"
    assert meta.subject == ai.guide.subtitle
    keywords = meta["/Keywords"]
    assert isinstance(keywords, str)
    assert all(t.title in keywords for t in ai.guide.topics) and "2026.1" in keywords
    assert meta.creation_date_raw == "D:20261125000000Z"
    root = pdf.reader.root_object
    assert pdf_str(root["/Lang"]) == "en"
    assert pdf_str(root["/PageMode"]) == "/UseOutlines"
    display_title = pdf_dict(root["/ViewerPreferences"])["/DisplayDocTitle"]
    assert isinstance(display_title, BooleanObject)
    assert display_title.value is True  # bool() of pypdf's False is True


def test_fonts_embedded(ai: Built) -> None:
    """Every font, in pages and in the forms they draw, is an embedded TrueType program; no base-14
    font; and one subset name means one program, within a file and across the three."""
    programs: dict[str, set[str]] = {}
    for role in (*PARTS, "complete"):
        count = 0
        for name, font in ai.pdf(role).fonts():
            count += 1
            bare = name.lstrip("/").split("+", 1)[-1]
            assert bare not in BASE14, name
            if font.get("/Subtype") == "/Type0":
                continue  # checked through its descendant font
            assert font.get("/Subtype") in ("/TrueType", "/CIDFontType2"), (name, font.get("/Subtype"))
            descriptor = pdf_dict(font["/FontDescriptor"])
            assert "/FontFile2" in descriptor, name
            program = descriptor["/FontFile2"]
            assert isinstance(program, StreamObject), name
            data = program.get_data()
            programs.setdefault(name, set()).add(hashlib.sha256(data).hexdigest())
        assert count >= 4
    # ReportLab numbers subsets (AAAAAA+, AAAAAB+ …) in each file: tags derived from the
    # characters a subset holds keep two different programs from sharing a name.
    assert {name: len(digests) for name, digests in programs.items() if len(digests) > 1} == {}
    assert not any(name.startswith("/AAAAAA+") for name in programs)


@pytest.mark.parametrize("role", [*PARTS, "complete"])
def test_topics_are_open_in_the_outline(ai: Built, role: str) -> None:
    """Every topic's entry shows its questions (a positive /Count), in every file."""
    outline = pdf_dict(ai.pdf(role).reader.root_object["/Outlines"])
    item = pdf_dict(outline["/First"])
    if role == "complete":
        item = pdf_dict(item["/First"])  # the study guide's entry, then its topics
    counts = []
    while True:
        count = item["/Count"]
        assert isinstance(count, int), count
        counts.append(int(count))
        if "/Next" not in item:
            break
        item = pdf_dict(item["/Next"])
    assert len(counts) == len(ai.guide.topics)
    assert counts == [len(t.questions) for t in ai.guide.topics]


def test_each_file_has_its_own_identifier(ai: Built, tmp_path: Path) -> None:
    """A part's /ID comes from what it draws: the study guide and the answer key differ, and a copy
    stamped for a reader differs from the plain study guide."""
    from guide import layout
    from guide.pdf import assemble

    study, key = (pdf_array(PdfReader(io.BytesIO(ai.pdf(role).data)).trailer["/ID"])[0] for role in PARTS)
    assert study != key
    theme = load_theme("base")
    edition = make_edition(ai.guide, theme, tmp_path / "edition")
    rendered = layout.render(ai.guide, theme, tmp_path, stamp="Copy 1", key=None)
    copy = assemble.write_part(
        ai.guide, theme, rendered, rendered.parts["study"], tmp_path / "copy.pdf", "study_guide", sibling=None
    )
    assert (
        pdf_array(PdfReader(copy.path).trailer["/ID"])[0]
        != pdf_array(PdfReader(edition.file("study_guide").path).trailer["/ID"])[0]
    )


@pytest.mark.parametrize("role", [*PARTS, "complete"])
def test_links_lead_only_within_the_edition(ai: Built, role: str) -> None:
    """A part's links to another file all open the other part's file; the complete edition links
    to no file at all; and no link opens an address (the bank has no Markdown links)."""
    pdf = ai.pdf(role)
    other = {"study_guide": "answer-key", "answer_key": "study-guide"}.get(role)
    files = {link.file for link in pdf.links if link.file is not None}
    assert files == ({f"ai-engineer-2026.1-{other}.pdf"} if other else set())
    assert [link for link in pdf.links if link.uri is not None] == []
    assert [link for link in pdf.pdfium_links if link.uri is not None] == []


@pytest.mark.parametrize("role", PARTS)
def test_pdfium_resolves_links_like_pypdf(ai: Built, role: str) -> None:
    """PDFium, an independent reader, finds the same links going to the same pages and files."""
    pdf = ai.pdf(role)

    assert [link.key for link in pdf.pdfium_links] == [link.key for link in pdf.links]
    assert len(pdf.links) == 15 + 5 + 15  # references, contents topics, contents questions


# --- the second guide, and a guide of tricky text ------------------------------------------------


def test_sql_guide_keeps_special_characters(built: Callable[[str], Built]) -> None:
    """The SQL bank builds, and `a < b`, `R&D` and `<>` reach the page as typed."""
    sql = built("sql-fundamentals")
    assert sql.manifest["questions"] == len(sql.guide.questions) == 5
    for literal in ("WHERE dept <> 'R&D'", "comparisons such as a < b, a = b or a <> b return UNKNOWN"):
        assert literal in sql.study.text, literal
    for literal in ("WHERE dept <> 'R&D'", "NULL <> 'R&D' is UNKNOWN", "WHERE dept IS DISTINCT FROM 'R&D'"):
        assert literal in sql.key.text, literal
    assert sorted(sql.study.headings) == sorted(sql.key.headings) == [1, 2, 3, 4, 5]
    assert not any(link.file for link in sql.pdf("complete").links)


def test_tricky_text_is_literal(built: Callable[[str], Built]) -> None:
    """Text that looks like markup or entities is printed exactly as typed, in every part."""
    tricky = built("tricky")
    study, key = tricky.study.text, tricky.key.text
    everywhere = [
        "Tricky <b>text</b> & R&D guide",
        "Where a < b and x <> y stay literal",
        "Ada & Bob",
        "<blink>this</blink>",
        "100 % of $HOME",
        "what does bold & R&D become?",  # <b> is HTML an author means: bold, not a tag
    ]
    for literal in everywhere:
        assert literal in study and literal in key, literal
    assert "<script>alert(1)</script> kept as text, and for 5 > 3 && 2 < 4." in study
    key_only = [
        "<blink>bold</blink> stays a tag you can read, R&D keeps its ampersand",
        "<> unknown",
        "Escaping happens after Markdown: <hr/> is text",
        "if & were not escaped?",
    ]
    for literal in key_only:
        assert literal in key and literal not in study, literal
    assert pdf_str(tricky.pdf("complete").reader.root_object["/Lang"]) == "en-GB"
    # A Markdown link stays a web link, its '&' intact, in the key and the complete edition.
    url = "https://example.org/search?q=a&lang=en"
    for role in ("answer_key", "complete"):
        assert [link.uri for link in tricky.pdf(role).links if link.uri] == [url]
        assert [link.uri for link in tricky.pdf(role).pdfium_links if link.uri] == [url]
    assert [link.uri for link in tricky.study.links if link.uri] == []
    # pypdf, a second text extractor, reads the same characters (it spaces a form apart: 'of A- 2').
    for role in ROLES:
        pdf = tricky.pdf(role)
        assert ["".join(t.split()) for t in pdf.pypdf_texts] == ["".join(t.split()) for t in pdf.texts]


LONG_TITLE = (
    "A Remarkably Long Title for an Interview Study Guide That Covers Machine Learning Engineering in Depth"
)


def _running_head_clashes(pdf: Pdf) -> dict[int, list[tuple[str, str]]]:
    """Pages of the body whose running head has text drawn over text."""
    (width, height), margins = load_theme("base").paper, load_theme("base").margins
    band = (0.0, height - margins["top"] + 6, width, height)
    clashes = {}
    for index in range(front_matter(pdf), len(pdf)):
        found = overlaps(pdf.glyphs(index, band))
        if found:
            clashes[index] = found[:5]
    return clashes


def test_running_heads_do_not_overlap(built: Callable[[str], Built], tmp_path: Path) -> None:
    """The title on the left of the running head and the topic on the right never print over each other."""
    for guide_id in ("ai-engineer", "sql-fundamentals", "tricky"):
        for role in PARTS:
            assert _running_head_clashes(built(guide_id).pdf(role)) == {}, (guide_id, role)
    # A long title leaves little room for the topic: the topic must shrink (or the title be refused).
    yaml_text = TRICKY_YAML.replace("title: Tricky <b>text</b> & R&D guide", f"title: {LONG_TITLE}")
    source = write_guide(tmp_path / "src" / "long-title", yaml_text)
    try:
        long_title = build_into(source, tmp_path / "out")
    except GuideError as exc:
        assert "title" in str(exc)
        return
    for role in PARTS:
        assert _running_head_clashes(long_title.pdf(role)) == {}, role


@pytest.mark.parametrize("role", [*PARTS, "complete"])
def test_deferred_numbers_are_drawn_in_the_page(ai: Built, role: str) -> None:
    """Folios, contents numbers and page references are drawn in each page's own content: no
    form XObject is left for them (one each used to make thousands of objects), and no marker
    either; the only XObjects are pictures (figures, formulas), named by their content's digest."""
    pdf = ai.pdf(role)
    for page in pdf.reader.pages:
        xobjects = pdf_dict(page["/Resources"]).get("/XObject")
        names = list(xobjects.get_object()) if xobjects else []
        assert all(re.fullmatch(r"/(?:Im|Fm)[0-9a-f]{20}", n) for n in names), names
        contents = page.get_contents()
        assert contents is not None
        assert b"\x00deferred" not in contents.get_data()
    assert FOOTER.search(pdf.texts[-1])
