"""Shared fixtures: each guide built once per session, and small synthetic guides, one full of tricky text."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pdfcheck import Pdf, Rect, norm

from guide.build import Options, build_guide
from guide.data import titles as names
from guide.data.model import Guide
from guide.layout import compose
from guide.layout.styles import Theme, load_theme

if TYPE_CHECKING:
    from guide.pdf.assemble import Edition

ROOT = Path(__file__).resolve().parent.parent

# Builds keep typeset formulas and drawn figures between runs (guide/cache.py): the tests keep
# theirs in a folder of the session's own, never in the user's cache, and start with it empty.
_CACHE = tempfile.TemporaryDirectory(prefix="guide-test-cache-")
os.environ["GUIDE_CACHE_DIR"] = _CACHE.name
DATA = ROOT / "data"
ROLES = ("study_guide", "answer_key", "complete")

# A guide whose text tries to become markup, to overflow the page, or to be missing:
# every line of it must reach the page literally and inside the margins.
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
TRICKY_YAML = f"""\
title: Tricky <b>text</b> & R&D guide
subtitle: Where a < b and x <> y stay literal
edition: "0.9"
date: 2025-01-15
authors: [Ada & Bob]
language: en-GB
description: |
  Text that looks like markup, <blink>this</blink> and &lt; and R&D, stays as typed; 100 % of $HOME.
topics:
  - Edge cases
  - Plain
questions:
  - id: markup-literal
    topic: Edge cases
    difficulty: hard
    tags: [escaping, r-and-d]
    question: Why does `a < b` print as typed, and what does <b>bold</b> & R&D become?
    guidance: |
      Listen for <script>alert(1)</script> kept as text, and for 5 > 3 && 2 < 4.
    answer: |
      ReportLab paragraphs are a small markup language, so every user character is escaped
      before it reaches them: <blink>bold</blink> stays a tag you can read, R&D keeps its ampersand.

      | Operator | Meaning when an operand is NULL |
      |----------|---------------------------------|
      | `<>`     | unknown, so WHERE drops the row |
      | `a < b`  | unknown as well                 |
    key_points:
      - "Escaping happens after Markdown: <hr/> is text"
      - Tables keep `<>` literal too
    follow_ups:
      - "What would go wrong if `&` were not escaped?"
  - id: long-lines
    topic: Edge cases
    question: What does {LONG_WORD} do to a line that cannot break?
    guidance: |
      The word {LONG_WORD} must be split, never drawn past the margin.
    answer: |
      It is split across lines: {LONG_WORD}.

      ```
      a_code_line_far_too_long_to_fit_on_one_line = compute(argument_one, argument_two, argument_3)
      ```

      | Column | {LONG_WORD} |
      |--------|-------------|
      | {LONG_WORD} | short |
    key_points:
      - Long words split instead of overflowing
  - id: plain-question
    topic: Plain
    question: A question with no difficulty, tags, guidance or key points?
    answer: An answer of one sentence, which says nothing else whatsoever.
    follow_ups:
      - "Where is [the reference](https://example.org/search?q=a&lang=en) documented?"
"""

# One short question: a study guide of front matter and one body page. With the tricky guide's
# two topics (a page each) it makes one study guide of each page-count parity, so the complete
# edition is tested both with and without the blank page before the answer key.
MINIMAL_YAML = """\
title: Minimal
edition: "1"
date: 2025-01-15
language: en
questions:
  - id: only
    topic: Only topic
    difficulty: easy
    question: Is one question enough for a guide?
    guidance: Listen for yes.
    answer: Yes; the guide still has a cover, contents, and both parts.
    key_points: [Saying yes, with a reason]
"""
SYNTHETIC = {"tricky": TRICKY_YAML, "minimal": MINIMAL_YAML}


@cache
def text_column(style: str = "base") -> Rect:
    """The text column of a style's pages, 4 pt larger all round: running heads and footers lie outside."""
    theme = load_theme(style)
    (width, height), margins = theme.paper, theme.margins
    return (
        margins["inner"] - 4,
        margins["bottom"] - 4,
        width - margins["outer"] + 4,
        height - margins["top"] + 4,
    )


@cache
def stories(guide: Guide) -> tuple[compose.Story, compose.Story]:
    """The composed stories of the study guide and the answer key: what the PDFs must show."""
    theme = load_theme("base")
    study = compose.compose(guide, "study", labels=theme.labels, note_lines=theme.note_lines)
    key = compose.compose(guide, "key", labels=theme.labels, note_lines=theme.note_lines)
    return study, key


def titles(guide: Guide) -> dict[int, str]:
    """Question number → its plain text, as the outline prints it (code without its backticks),
    whitespace collapsed."""
    return {
        item.number: norm(names.plain(item.title))
        for item in stories(guide)[0]
        if isinstance(item, compose.StudyQuestion)
    }


def make_edition(guide: Guide, theme: Theme, folder: Path, **kwargs: Any) -> Edition:
    """A guide's edition laid out and written into `folder` (made if need be), as a build does."""
    from guide import layout
    from guide.pdf import assemble

    folder.mkdir(parents=True, exist_ok=True)
    rendered = layout.render(guide, theme, folder, **kwargs)
    return assemble.assemble(guide, theme, rendered, folder)


def write_guide(folder: Path, yaml_text: str = TRICKY_YAML) -> Path:
    """Write a guide.yaml (the tricky guide's unless told) into folder, created, and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guide.yaml").write_text(yaml_text, encoding="utf-8")
    return folder


@dataclass
class Built:
    """One guide built into a temporary output folder, with its manifest and its three PDFs."""

    guide: Guide
    folder: Path
    manifest: dict[str, Any]
    _pdfs: dict[str, Pdf] = field(default_factory=dict)

    def path(self, role: str) -> Path:
        relative: str = self.manifest["files"][role]["path"]
        return self.folder / relative

    def pdf(self, role: str) -> Pdf:
        if role not in self._pdfs:
            self._pdfs[role] = Pdf(self.path(role), text_column())
        return self._pdfs[role]

    @property
    def study(self) -> Pdf:
        return self.pdf("study_guide")

    @property
    def key(self) -> Pdf:
        return self.pdf("answer_key")

    @property
    def complete(self) -> Pdf:
        return self.pdf("complete")


def build_into(source: Path, out_root: Path) -> Built:
    """Build the guide at source into out_root/<id>/ with SOURCE_DATE_EPOCH unset."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = build_guide(source, out_root, Options())
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    return Built(result.guide, result.folder, manifest)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Built]:
    """built(guide_id): a guide under data/, or 'tricky' or 'minimal', built once per session."""
    cache: dict[str, Built] = {}

    def get(guide_id: str) -> Built:
        if guide_id not in cache:
            out = tmp_path_factory.mktemp(f"out-{guide_id}")
            if guide_id in SYNTHETIC:
                source = write_guide(tmp_path_factory.mktemp("src") / guide_id, SYNTHETIC[guide_id])
            else:
                source = DATA / guide_id
            cache[guide_id] = build_into(source, out)
        return cache[guide_id]

    return get


@pytest.fixture(scope="session")
def ai(built: Callable[[str], Built]) -> Built:
    return built("ai-engineer")


@pytest.fixture
def tricky_source(tmp_path: Path) -> Path:
    """A fresh copy of the tricky guide's folder, to change or break."""
    return write_guide(tmp_path / "src" / "tricky")


@pytest.fixture
def no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in this test take their date from the guide, whatever the environment says."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under folder: file bytes, 'link → target' (not followed), or 'folder'."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                out[rel] = f"link → {os.readlink(path)}"
            elif path.is_dir():
                out[rel] = "folder"
            else:
                out[rel] = path.read_bytes()
    return out
