"""The read-back check before publishing: a good edition passes, a damaged one names what is wrong."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from conftest import make_edition

from guide.data.validate import load_guide
from guide.errors import GuideError
from guide.layout import fonts
from guide.layout.styles import load_theme
from guide.pdf import assemble, verify

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> assemble.Edition:
    guide, _ = load_guide(ROOT / "data" / "sql-fundamentals")
    theme = load_theme("base")
    fonts.check_coverage(guide, theme)
    return make_edition(guide, theme, tmp_path_factory.mktemp("edition"))


def test_a_good_edition_passes(edition: assemble.Edition) -> None:
    verify.verify(edition)


def test_a_question_missing_from_the_pdfs_fails_the_check(edition: assemble.Edition) -> None:
    """The edition claims one question more than its PDFs hold: every file fails, naming it."""
    guide = edition.guide
    extra = dataclasses.replace(guide.questions[-1], id="extra", number=len(guide.questions) + 1)
    topics = (
        *guide.topics[:-1],
        dataclasses.replace(guide.topics[-1], questions=(*guide.topics[-1].questions, extra)),
    )
    claimed = dataclasses.replace(edition, guide=dataclasses.replace(guide, topics=topics))
    with pytest.raises(GuideError) as caught:
        verify.verify(claimed)
    message = str(caught.value)
    assert message.count(f"no outline entry for question {extra.number}") == 3, message
    assert "this is a bug in guide" in message


def test_a_truncated_pdf_fails_the_check(edition: assemble.Edition, tmp_path: Path) -> None:
    first = edition.files[0]
    path = tmp_path / first.name
    path.write_bytes(first.data[: len(first.data) // 2])
    cut = dataclasses.replace(first, path=path)
    with pytest.raises(GuideError, match=f"{first.name}: "):
        verify.verify(dataclasses.replace(edition, files=(cut, *edition.files[1:])))


def test_a_link_past_the_other_files_last_page_fails_the_check(edition: assemble.Edition) -> None:
    """The study guide links into the answer key by page index: an answer key with fewer pages
    than those links need fails the study guide's check."""
    study, key, complete = edition.files
    cut = dataclasses.replace(key, pages=2)
    with pytest.raises(GuideError) as caught:
        verify.verify(dataclasses.replace(edition, files=(study, cut, complete)), parallel=False)
    assert f"{study.name}: a link on page" in str(caught.value)
    assert "leads nowhere" in str(caught.value)


def test_small_windows_read_every_link_and_every_outline_entry(
    edition: assemble.Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large book is read in windows of links and groups of outline entries, each from the file
    opened afresh: with windows of a few links the check reads the same links as in one pass, and
    the outline check (which counts every entry) still passes."""
    seen: list[int] = []
    lands = verify._lands

    def counting(pdf: pdfium.PdfDocument, link: Any, siblings: dict[str, int], meet: verify._Meeting) -> bool:
        seen.append(1)
        return lands(pdf, link, siblings, meet)

    monkeypatch.setattr(verify, "_lands", counting)
    verify.verify(edition, parallel=False)
    in_one_pass = len(seen)
    assert in_one_pass > 20
    seen.clear()
    monkeypatch.setattr(verify, "WINDOW_LINKS", 3)
    monkeypatch.setattr(verify, "OUTLINE_GROUP", 4)
    verify.verify(edition, parallel=False)
    assert len(seen) == in_one_pass


def test_a_bad_link_in_a_later_window_is_found(
    edition: assemble.Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    study, key, complete = edition.files
    monkeypatch.setattr(verify, "WINDOW_LINKS", 2)
    cut = dataclasses.replace(key, pages=2)
    with pytest.raises(GuideError) as caught:
        verify.verify(dataclasses.replace(edition, files=(study, cut, complete)), parallel=False)
    assert f"{study.name}: a link on page" in str(caught.value)


def test_the_read_back_processes_run_this_guide_whatever_the_working_folder(
    edition: assemble.Edition, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder named guide in the working folder (a checkout of another version, say) is not
    what the fresh read-back processes import."""
    impostor = tmp_path / "guide"
    impostor.mkdir()
    (impostor / "__init__.py").write_text("raise SystemExit('the wrong guide')\n")
    monkeypatch.chdir(tmp_path)
    verify.verify(edition, parallel=True)
