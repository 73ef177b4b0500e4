"""Tricky input as data: each case under tests/cases/tricky/ builds, or fails with exactly its messages.

A case is `<name>.yaml`, a questions file holding one question (`- answer: …`), beside
`<name>.expect`. The test writes a minimal guide, `tricky/guide.yaml` plus
`tricky/questions/<name>.yaml`, fills in the fields the case leaves out (id `<name>`,
topic, question, answer, guidance, key points), runs `guide build tricky --out out` and
checks the outcome. So what a case file shows is exactly what is read: an error at
line 3, column 11 of the case is reported as `tricky/questions/<name>.yaml:3:11`.

`<name>.expect` holds one directive a line (`#` starts a comment):

- `error: <line>`: the build fails (exit 1, nothing written) and stderr holds exactly these
  lines, in this order, then the `guide: N errors; nothing was written` summary;
- otherwise the build succeeds, and the text extracted from the complete edition (PDFium,
  compared with all whitespace removed, since line breaks fall where they fall)
  contains every `text: <string>` and no `absent: <string>`; `uri: <uri>` names a link that
  must be there. Every successful case is also checked for what must never happen: a link
  that is not http, https or mailto, a glyph no font has (extracted as NUL), a run of
  text outside the text column's width;
- `make: <generator>`: the input is written by a function of this module rather than
  kept as a file (a 200,000-character answer, a 50 MiB file, a folder);
- `args: <argument>` (one a line) and `env: NAME=value` change how guide is run;
- `unreadable: yes`: reading the case file fails with EACCES (tests run as root, so
  chmod would not stop them);
- `max-seconds: <n>` and `max-mib: <n>`: bounds on a hang or a blow-up (not speed targets, which
  live in benchmarks/): the run takes at most this long, and at most
  this much memory (traced Python allocations).

Other hostile-input checks follow the cases: no local file is ever read because of
text in the bank, only http, https and mailto links are made, and the pages stay whole
when text in every field is huge, CJK, or runs on.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

import guide.build
import guide.layout
from guide.cli import main
from guide.layout.markdown import CONTINUED

# Imported above, not during a timed run: the time and memory limits are for the input's work.
assert guide.build and guide.layout

CASES = Path(__file__).parent / "cases" / "tricky"
NAMES = sorted(p.stem for p in CASES.glob("*.expect"))
GUIDE_YAML = 'title: Tricky inputs\nedition: "1"\ndate: 2025-01-15\n'
SAFE_SCHEMES = ("http://", "https://", "mailto:")


# --- reading PDFs back --------------------------------------------------------------------------


def squash(value: str) -> str:
    """Text as compared: no whitespace at all, no hyphen that ends a line (PDFium reports it as
    U+FFFE: a word hyphenated there reads whole), and no ↪, which starts the continuation of a
    wrapped code line."""
    return "".join(value.replace("\ufffe", "").replace(CONTINUED.strip(), "").split())


@dataclass
class PdfFacts:
    """What the checks need from one PDF: its text, NUL glyphs, links, and text drawn off the column."""

    text: str
    nul_glyphs: int
    uris: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # every link action type: /URI, /GoTo, /GoToR…
    overflow: list[str] = field(default_factory=list)  # text drawn right of the text column


def pdf_facts(path: Path, right_edge: float | None = None) -> PdfFacts:
    """Read one PDF with PDFium (text, glyphs, text boxes) and pypdf (link annotations)."""
    doc = pdfium.PdfDocument(path)
    parts: list[str] = []
    nul = 0
    overflow: list[str] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            nul += sum(
                pdfium_c.FPDFText_GetUnicode(textpage.raw, i) == 0 for i in range(textpage.count_chars())
            )
            if right_edge is not None:
                for i in range(textpage.count_rects()):
                    left, bottom, right, top = textpage.get_rect(i)
                    if right > right_edge:
                        overflow.append(textpage.get_text_bounded(left, bottom, right, top))
            textpage.close()
            page.close()
    finally:
        doc.close()
    facts = PdfFacts("".join(parts), nul, overflow=overflow)
    reader = PdfReader(path)
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is None:
                continue
            action = action.get_object()
            facts.actions.append(str(action.get("/S")))
            if action.get("/S") == "/URI":
                facts.uris.append(str(action["/URI"]))
    return facts


def right_edge(style: str = "base") -> float:
    """Where the text column of a style ends, 4 pt to spare: nothing but the page edge lies beyond."""
    from guide.layout.styles import load_theme

    theme = load_theme(style)
    return float(theme.paper[0] - min(theme.margins["inner"], theme.margins["outer"]) + 4)


# --- the corpus ---------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # of a build that succeeds, all of them
    texts: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    uris: list[str] = field(default_factory=list)
    make: str = ""
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    unreadable: bool = False
    max_seconds: float | None = None
    max_mib: float | None = None

    @classmethod
    def read(cls, name: str) -> Case:
        case = cls(name)
        for number, line in enumerate((CASES / f"{name}.expect").read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            key, sep, value = line.partition(": ")
            assert sep, f"{name}.expect:{number}: expected 'directive: value', found {line!r}"
            if key == "error":
                case.errors.append(value)
            elif key == "warning":
                case.warnings.append(value)
            elif key == "text":
                case.texts.append(value)
            elif key == "absent":
                case.absent.append(value)
            elif key == "uri":
                case.uris.append(value)
            elif key == "make":
                case.make = value
            elif key == "args":
                case.args.append(value)
            elif key == "env":
                env_name, _, env_value = value.partition("=")
                case.env[env_name] = env_value
            elif key == "unreadable":
                case.unreadable = value == "yes"
            elif key == "max-seconds":
                case.max_seconds = float(value)
            elif key == "max-mib":
                case.max_mib = float(value)
            else:
                raise AssertionError(f"{name}.expect:{number}: unknown directive {key!r}")
        assert case.errors or case.texts, f"{name}.expect: expects neither an error nor any text"
        assert not (case.errors and (case.texts or case.absent or case.uris or case.warnings)), (
            f"{name}.expect: both outcomes"
        )
        return case


def _fields(value: str) -> str:
    return "\n".join(f"  {line}" if i else f"- {line}" for i, line in enumerate(value.split("\n")))


def _words(count: int) -> str:
    return " ".join(f"word{i}" for i in range(count))


def _lines(template: str, count: int) -> str:
    return "\n".join(template.format(i) for i in range(count))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


# Inputs too big or too odd to keep as files. Each writes questions/<name>.yaml (or what stands in its place).
GENERATORS: dict[str, Callable[[Path], None]] = {
    # 200,000 characters of ordinary words, first and last marked.
    "huge_answer": lambda p: _write(
        p, _fields("answer: |\n  FIRSTWORD " + _words(40_000)[:199_990] + " LASTWORD")
    ),
    "huge_guidance": lambda p: _write(p, _fields("guidance: |\n  FIRSTWORD " + _words(4000) + " LASTWORD")),
    "long_word_answer": lambda p: _write(p, _fields(f"answer: before {'x' * 5000} after")),
    "long_word_question": lambda p: _write(p, _fields(f"question: before {'q' * 5000} after?")),
    "long_word_guidance": lambda p: _write(p, _fields(f"guidance: before {'g' * 5000} after")),
    "long_word_key_point": lambda p: _write(p, _fields(f"key_points:\n  - before {'k' * 5000} after")),
    "long_question": lambda p: _write(p, _fields(f"question: {_words(1200)} QUESTIONEND?")),
    "code_3000_lines": lambda p: _write(
        p,
        _fields("answer: |\n  ```\n" + "\n".join(f"  line {i} = a < b & c" for i in range(3000)) + "\n  ```"),
    ),
    "code_line_2000": lambda p: _write(
        p, _fields("answer: |\n  ```\n  " + "".join(chr(97 + i % 26) for i in range(2000)) + "\n  ```")
    ),
    "long_inline_code": lambda p: _write(p, _fields(f"answer: 'Run `{'c' * 3000}` now'")),
    "long_table_cell": lambda p: _write(
        p, _fields(f"answer: |\n  | a | b |\n  |---|---|\n  | {'t' * 3000} | {_words(500)} |")
    ),
    "tall_table": lambda p: _write(
        p,
        _fields(
            "answer: |\n  | a | b |\n  |---|---|\n" + "\n".join(f"  | r{i} | v{i} |" for i in range(300))
        ),
    ),
    "file_50_mib": lambda p: _sparse(p, 50 * 1024 * 1024),
    "folder": lambda p: p.mkdir(),
}


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.truncate(size)  # sparse: refused by its size, never read


def _defaults(name: str) -> dict[str, str]:
    return {
        "id": name,
        "topic": "Tricky",
        "question": "Which tricky input is this?",
        "answer": "This one.",
        "guidance": "Listen for the case.",
        "key_points": "[The case]",
    }


def write_case(case: Case, folder: Path) -> Path:
    """Write the guide of a case into folder/tricky and return the case's question file."""
    guide = folder / "tricky"
    (guide / "questions").mkdir(parents=True)
    _write(guide / "guide.yaml", GUIDE_YAML)
    target = guide / "questions" / f"{case.name}.yaml"
    if case.make:
        GENERATORS[case.make](target)
    else:
        target.write_bytes((CASES / f"{case.name}.yaml").read_bytes())
    if target.is_file() and target.stat().st_size < 1024 * 1024:
        data = target.read_bytes()
        present = set(re.findall(rb"^(?:\xef\xbb\xbf)?(?:- |  )([a-z_]+):", data, re.MULTILINE))
        missing = [f"  {k}: {v}\n" for k, v in _defaults(case.name).items() if k.encode() not in present]
        tail = b"" if not data or data.endswith((b"\n", b"\r")) else b"\n"
        target.write_bytes(data + tail + "".join(missing).encode())
    return target


def _unreadable(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    import guide.data.source
    import guide.files

    read_regular = guide.files.read_regular  # what guide.data.source imported

    def refuse(path: Path, *args: Any, **kwargs: Any) -> bytes:
        if path.name == target.name:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return read_regular(path, *args, **kwargs)

    monkeypatch.setattr(guide.data.source, "read_regular", refuse)


def test_the_corpus_is_large_enough_and_complete() -> None:
    """At least 50 cases; every input has its .expect, and every generator named exists."""
    assert len(NAMES) >= 50
    assert {p.stem for p in CASES.glob("*.yaml")} <= set(NAMES)
    for name in NAMES:
        case = Case.read(name)
        assert case.make in GENERATORS if case.make else (CASES / f"{name}.yaml").is_file(), name


@pytest.mark.parametrize("name", NAMES)
def test_tricky_case(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each case fails with exactly its messages, or builds with its text on the page."""
    case = Case.read(name)
    target = write_case(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GUIDE_MAX_FILE_MB", raising=False)
    for env_name, value in case.env.items():
        monkeypatch.setenv(env_name, value)
    if case.unreadable:
        _unreadable(monkeypatch, target)
    if case.max_mib is not None:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        code = main(["build", "tricky", "--out", "out", *case.args])
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
        tracemalloc.stop()
    out, err = capsys.readouterr()
    if case.max_seconds is not None:
        assert elapsed <= case.max_seconds, f"took {elapsed:.1f} s"
    if case.max_mib is not None:
        assert peak <= case.max_mib * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"

    if case.errors:
        noun = "error" if len(case.errors) == 1 else "errors"
        assert err.splitlines() == [*case.errors, f"guide: {len(case.errors)} {noun}; nothing was written"]
        assert (code, out) == (1, "")
        assert not (tmp_path / "out" / "tricky").exists()
        return
    assert (code, err.splitlines()) == (0, case.warnings), err
    complete = next((tmp_path / "out" / "tricky").glob("*-complete.pdf"))
    facts = pdf_facts(complete, right_edge())
    page_text = squash(facts.text)
    for expected in case.texts:
        assert squash(expected) in page_text, f"{expected!r} is not on the page"
    for unexpected in case.absent:
        assert squash(unexpected) not in page_text, f"{unexpected!r} is on the page"
    assert facts.nul_glyphs == 0, "a character was drawn with no glyph"
    assert all(uri.lower().startswith(SAFE_SCHEMES) for uri in facts.uris), facts.uris
    assert set(facts.actions) <= {"/URI", "/GoTo"}, facts.actions
    for uri in case.uris:
        assert uri in facts.uris, f"no link to {uri!r} among {facts.uris}"
    assert not facts.overflow, f"drawn past the right margin: {facts.overflow[:3]}"


# --- no file is read because of text in the bank -------------------------------------------------


def _png(path: Path) -> None:
    """A real 2×2 image: were it ever opened as an image, it would load and be drawn."""
    from PIL import Image

    Image.new("RGB", (2, 2), "red").save(path, format="PNG")


def _guide_yaml(texts: dict[str, str], title: str = "Hostile text", topic: str = "Hostile") -> str:
    import json

    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars

    return (
        f'title: {q(title)}\nedition: "1"\ndate: 2025-01-15\ndescription: {q(texts["description"])}\n'
        f"questions:\n  - id: hostile\n    topic: {q(topic)}\n    question: {q(texts['question'])}\n"
        f"    guidance: {q(texts['guidance'])}\n    answer: {q(texts['answer'])}\n"
        f"    key_points: [{q(texts['key_point'])}]\n    follow_ups: [{q(texts['follow_up'])}]\n"
    )


def _all_fields(value: str) -> dict[str, str]:
    return dict.fromkeys(("description", "question", "guidance", "answer", "key_point", "follow_up"), value)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path opened while the test runs (builtins, io and os), and every ImageReader made."""
    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def record(file: Any) -> None:
        if isinstance(file, str | bytes | os.PathLike):
            seen.append(os.fsdecode(file))

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        record(file)
        return real_open(file, *args, **kwargs)

    def fake_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        record(path)
        return real_os_open(path, *args, **kwargs)

    def no_images(self: object, source: object, *args: object, **kwargs: object) -> None:
        seen.append(f"ImageReader({source!r})")
        raise AssertionError(f"an image was read: {source!r}")

    import reportlab.lib.utils

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(reportlab.lib.utils.ImageReader, "__init__", no_images)
    yield seen


def test_no_local_file_is_read_because_of_text(
    tmp_path: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Image tags, Markdown images and file links in every field never make guide open a file outside
    the guide folder: images that name one are refused, at their place, before anything is read."""
    canary = tmp_path / "canary.png"
    _png(canary)
    _png(tmp_path / "SOMEFILE")
    opened.clear()  # those were the test's own writes
    hostile = (
        f'<img src="{canary}"/> <img src="SOMEFILE"> <img src=SOMEFILE width=9/> ![c]({canary}) '
        f"![s](SOMEFILE) [l]({canary}) [f](file://{canary}) <file://{canary}> "
        f'<a href="file://{canary}">a</a> <onDraw name="x" label="{canary}"/> ![r][ref]\n\n'
        f"[ref]: {canary}\n"
    )
    (tmp_path / "hostile").mkdir()
    (tmp_path / "hostile" / "guide.yaml").write_text(_guide_yaml(_all_fields(hostile)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["build", "hostile", "--out", "out", "--quiet"])

    assert code == 1  # an absolute path, a file not in the guide folder: refused
    assert not [p for p in opened if "canary" in p or "SOMEFILE" in p]
    assert not (tmp_path / "out" / "hostile").exists()


# --- only http, https and mailto links ------------------------------------------------------------

LINK_ZOO = (
    "[js](javascript:alert(1)) [JS](JAVASCRIPT:alert(1)) [ent](jav&#x61;script:x) [ws]( javascript:x)\n"
    "[file](file:///etc/passwd) [data](data:text/html,x) [vb](vbscript:x) [smb](smb://h/s)\n"
    "[rel](relative.pdf) [abs](/etc/passwd) [frag](#q-hostile) [gr](guide-ref:a-hostile) [qb](qbank:a-1)\n"
    "<javascript:alert(1)> <file:///etc/passwd> <ftp://example.com/x> <irc://h/c> [r][ref]\n"
    "[ok1](https://example.com/1) <http://example.com/2> <mailto:a@example.com> <b@example.com>\n\n"
    "[ref]: javascript:alert(2)\n"
)


def test_only_http_https_and_mailto_links_are_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every link annotation in all three PDFs is web or mail, or goes to a page of the edition."""
    (tmp_path / "hostile").mkdir()
    (tmp_path / "hostile" / "guide.yaml").write_text(_guide_yaml(_all_fields(LINK_ZOO)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "hostile", "--out", "out", "--quiet"]) == 0

    folder = tmp_path / "out" / "hostile"
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        reader = PdfReader(pdf)
        for page in reader.pages:
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                action = annot.get("/A")
                if action is None:
                    assert annot.get("/Dest") is not None  # an internal link
                    continue
                action = action.get_object()
                kind = action.get("/S")
                if kind == "/URI":
                    assert str(action["/URI"]).lower().startswith(SAFE_SCHEMES), action["/URI"]
                elif kind == "/GoToR":  # from one part to the other, beside it
                    assert str(action["/F"]) in {p.name for p in pdfs}, action["/F"]
                else:
                    assert kind == "/GoTo", kind
        uris = set(pdf_facts(pdf).uris)
        assert {"https://example.com/1", "http://example.com/2", "mailto:a@example.com"} <= uris
        assert "mailto:b@example.com" in uris


# --- pages stay whole ---------------------------------------------------------------------------


def test_cjk_title_topic_and_description_have_glyphs_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CJK in the title, topic and description: covers, running heads, contents and outline all draw it."""
    texts = {**_all_fields("漢字の説明"), "question": "中文问题？"}
    (tmp_path / "cjk").mkdir()
    (tmp_path / "cjk" / "guide.yaml").write_text(
        _guide_yaml(texts, title="面试指南", topic="话题"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["build", "cjk", "--out", "out", "--quiet"]) == 0
    for pdf in (tmp_path / "out" / "cjk").glob("*.pdf"):
        facts = pdf_facts(pdf, right_edge())
        assert facts.nul_glyphs == 0, pdf.name
        assert not facts.overflow
        for expected in ("面试指南", "话题", "中文问题？", "漢字の説明"):
            assert expected in facts.text, (pdf.name, expected)
        titles: list[str] = []
        # The outline: its entries, and lists of their children.
        stack: list[Destination | list[Any]] = list(PdfReader(pdf).outline)
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            else:
                titles.append(str(item.title))
        assert "话题" in titles, (pdf.name, titles)
        assert any("中文问题？" in title for title in titles), (pdf.name, titles)


def test_a_tall_first_block_does_not_strand_the_topic_heading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer that opens with a table taller than a page: no page holds a topic heading alone,
    and no running head reads '(continued)' without the question it continues, and its title."""
    rows = "\n".join(f"| r{i} | v{i} |" for i in range(150))
    texts = {**_all_fields("Short text."), "answer": f"| a | b |\n|---|---|\n{rows}\n"}
    (tmp_path / "tall").mkdir()
    (tmp_path / "tall" / "guide.yaml").write_text(_guide_yaml(texts, topic="Tables"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "tall", "--out", "out", "--quiet"]) == 0
    key = next((tmp_path / "out" / "tall").glob("*-answer-key.pdf"))
    doc = pdfium.PdfDocument(key)
    try:
        pages = []
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            pages.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
    finally:
        doc.close()
    for number, page in enumerate(pages, 1):
        if "TOPIC 1" in page:
            assert "QUESTION 1" in page, f"page {number} holds the topic heading alone: {page!r}"
        for found in re.finditer(r"\(continued\)", page):
            # Always "Question 1 (continued) · Short text.": the question it continues, and its title.
            assert re.search(r"Question \d+ $", page[: found.start()]), f"page {number}: {page!r}"
            assert page[found.end() :].startswith(" · Short text."), f"page {number}: {page!r}"


def test_characters_above_the_bmp_copy_back_in_both_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emoji and mathematical letters extract as themselves, with pypdf as with PDFium."""
    texts = {**_all_fields("Smile 😀 and 𝔸𝔹 sets"), "question": "Is 😎 cool in 𝕏?"}
    (tmp_path / "astral").mkdir()
    (tmp_path / "astral" / "guide.yaml").write_text(_guide_yaml(texts), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "astral", "--out", "out", "--quiet"]) == 0
    complete = next((tmp_path / "out" / "astral").glob("*-complete.pdf"))
    extracted = "".join(page.extract_text() for page in PdfReader(complete).pages)
    for expected in ("Smile 😀 and 𝔸𝔹 sets", "Is 😎 cool in 𝕏?"):
        assert squash(expected) in squash(extracted)
        assert squash(expected) in squash(pdf_facts(complete).text)
