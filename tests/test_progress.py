"""Long builds: the parts laid out, the PDFs assembled and read back in two processes give the same
bytes and the same checks, and progress is shown on a terminal only, after a delay, and erased
before anything else is printed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from guide import compose, render
from guide.build import Options, build_guide
from guide.cli import _Progress, main
from guide.errors import GuideError, Location, Problem
from guide.fonts import check_coverage
from guide.parallel import can_fork
from guide.styles import load_theme
from guide.validate import load_guide

ROOT = Path(__file__).resolve().parent.parent
AI = ROOT / "data" / "ai-engineer"


def test_two_processes_give_the_bytes_of_one() -> None:
    """The study guide laid out in a forked child: every byte and anchor as when laid out in turn."""
    guide, _ = load_guide(AI)
    theme = load_theme("base")
    check_coverage(guide, theme)
    one = render.render_parts(guide, theme, parallel=False)
    two = render.render_parts(guide, theme, parallel=True)
    assert can_fork()  # so that the second build did run in two processes
    assert two == one


def test_read_back_in_two_processes() -> None:
    """The standalone files read back in a child while this process reads the complete edition:
    a file the child reads back that is damaged fails the check, named."""
    import dataclasses

    from guide import assemble, verify

    guide, _ = load_guide(AI)
    theme = load_theme("base")
    check_coverage(guide, theme)
    parts = render.render_parts(guide, theme)
    two = assemble.assemble(guide, theme, parts)
    verify.verify(two, parallel=True)
    study = two.files[0]
    broken = dataclasses.replace(study, data=study.data[: len(study.data) // 2])
    with pytest.raises(GuideError, match=f"{study.name}: cannot be read back"):
        verify.verify(dataclasses.replace(two, files=(broken, *two.files[1:])), parallel=True)


def test_an_error_in_the_child_is_reported_with_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """A located error raised while the child lays out the study guide reaches the user as it was."""
    guide, _ = load_guide(AI)
    theme = load_theme("base")
    real = compose.compose
    problem = Problem(Location("data/ai-engineer/questions/01-fundamentals.yaml", 3, 5), "does not fit")

    def failing(g: object, part: str, **kwargs: object) -> object:
        if part == "study":
            raise GuideError([problem])
        return real(g, part, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compose, "compose", failing)
    with pytest.raises(GuideError) as caught:
        render.render_parts(guide, theme, parallel=True)
    assert caught.value.problems == (problem,)


def test_a_child_that_dies_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child killed mid-layout: the build fails with a message, promptly."""
    import os
    import signal

    guide, _ = load_guide(AI)
    theme = load_theme("base")
    real = compose.compose

    def dying(g: object, part: str, **kwargs: object) -> object:
        if part == "study":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(g, part, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compose, "compose", dying)
    with pytest.raises(GuideError, match="the process laying out the study guide stopped"):
        render.render_parts(guide, theme, parallel=True)


def test_a_build_reports_its_stages_and_counts(tmp_path: Path) -> None:
    """Progress names each stage, and while laying out, the question and page reached."""
    said: list[str] = []
    build_guide(AI, tmp_path, Options(progress=said.append))
    assert said[0] == "checking the bank"
    assert "laying out the study guide: question 15 of 15, page 12" in said
    assert any(line.startswith("laying out the answer key: question 15 of 15") for line in said)
    assert said[-3:] == ["assembling the three PDFs", "reading the PDFs back", "writing"]


def test_the_status_line_waits_then_redraws_then_erases(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("guide.cli.time.monotonic", lambda: clock[0])
    stream = io.StringIO()
    progress = _Progress(stream)
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
