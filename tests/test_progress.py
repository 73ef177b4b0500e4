"""Long builds: the parts laid out, the PDFs assembled and read back in two processes give the same
bytes and the same checks, and progress is shown on a terminal only, after a delay, and erased
before anything else is printed."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import make_edition

from guide import layout
from guide.build import Options, build_guide
from guide.cli import Progress, main
from guide.data.validate import load_guide
from guide.errors import GuideError, Location, Problem
from guide.layout import compose
from guide.layout.fonts import check_coverage
from guide.layout.styles import load_theme
from guide.parallel import MIN_QUESTIONS, can_fork

ROOT = Path(__file__).resolve().parent.parent
AI = ROOT / "data" / "ai-engineer"


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated bank just large enough to be laid out by two workers."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    folder = tmp_path_factory.mktemp("bank") / "bank"
    generate.generate(MIN_QUESTIONS, folder)
    return folder


def test_two_processes_give_the_bytes_of_one(bank: Path, tmp_path: Path) -> None:
    """Half the units laid out in a forked child: every byte as when both halves are laid out in turn."""
    guide, _ = load_guide(bank)
    theme = load_theme("base")
    check_coverage(guide, theme)
    one = make_edition(guide, theme, tmp_path / "one", parallel=False)
    two = make_edition(guide, theme, tmp_path / "two", parallel=True)
    assert can_fork()  # so that the second build did run in two processes
    assert [f.data for f in two.files] == [f.data for f in one.files]


def test_read_back_in_two_processes(tmp_path: Path) -> None:
    """The standalone files read back in a child while this process reads the complete edition:
    a file the child reads back that is damaged fails the check, named."""
    import dataclasses

    from guide.pdf import verify

    guide, _ = load_guide(AI)
    theme = load_theme("base")
    check_coverage(guide, theme)
    two = make_edition(guide, theme, tmp_path)
    verify.verify(two, parallel=True)
    study = two.files[0]
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(study.data[: len(study.data) // 2])
    broken = dataclasses.replace(study, path=cut)
    with pytest.raises(GuideError, match=f"{study.name}: cannot be read back"):
        verify.verify(dataclasses.replace(two, files=(broken, *two.files[1:])), parallel=True)


def _in_child(action: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the layout of every topic do `action` first, in the child process only."""
    import os

    parent = os.getpid()
    real = compose.topic_items

    def items(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(compose, "topic_items", items)


def test_an_error_in_the_child_is_reported_with_its_place(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A located error raised while the child lays out its units reaches the user as it was."""
    guide, _ = load_guide(bank)
    theme = load_theme("base")
    problem = Problem(Location("data/ai-engineer/questions/01-fundamentals.yaml", 3, 5), "does not fit")

    def fail() -> None:
        raise GuideError([problem])

    _in_child(fail, monkeypatch)
    with pytest.raises(GuideError) as caught:
        layout.render(guide, theme, tmp_path, parallel=True)
    assert caught.value.problems == (problem,)


def test_a_child_that_dies_is_an_error_not_a_hang(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child killed mid-layout: the build fails with a message, promptly."""
    import os
    import signal

    guide, _ = load_guide(bank)
    theme = load_theme("base")
    _in_child(lambda: os.kill(os.getpid(), signal.SIGKILL), monkeypatch)
    with pytest.raises(GuideError, match="the process laying out half of the guide stopped"):
        layout.render(guide, theme, tmp_path, parallel=True)


def test_a_build_reports_its_stages_and_counts(tmp_path: Path) -> None:
    """Progress names each stage, and while laying out, the question reached."""
    said: list[str] = []
    build_guide(AI, tmp_path, Options(progress=said.append))
    assert said[0] == "checking the bank"
    assert "laying out the study guide: question 15 of 15" in said
    assert "laying out the answer key: question 15 of 15" in said
    assert said[-3:] == ["writing the three PDFs", "reading the PDFs back", "publishing"]


def test_the_status_line_waits_then_redraws_then_erases(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("guide.cli.output.time.monotonic", lambda: clock[0])
    stream = io.StringIO()
    progress = Progress(stream)
    progress.start("data/big")
    progress("laying out")
    assert stream.getvalue() == ""  # a quick build shows nothing
    clock[0] += 1.5
    progress("laying out the study guide: question 3 of 9, page 2")
    assert stream.getvalue() == "\r\x1b[Kguide: data/big: laying out the study guide: question 3 of 9, page 2"
    clock[0] += 0.01
    progress("too soon to redraw")
    assert "too soon" not in stream.getvalue()
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    written = stream.getvalue()
    progress.clear()  # nothing shown: nothing to erase
    assert stream.getvalue() == written


def test_no_progress_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(AI), "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "\r" not in err and "\x1b" not in err
    assert "complete" in out
