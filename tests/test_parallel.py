"""guide.parallel.beside: a result from a forked child beside one from this process, or the reason not."""

from __future__ import annotations

import os
import signal

import pytest

from guide import parallel
from guide.errors import GuideError, Location, Problem

WHERE = Location("data/g/guide.yaml", 1, 1)


def test_both_results_come_back() -> None:
    assert parallel.beside(lambda: ("child", os.getpid()), lambda: "here", WHERE)[1] == "here"
    (tag, pid), _ = parallel.beside(lambda: ("child", os.getpid()), lambda: "here", WHERE)
    assert tag == "child" and pid != os.getpid()  # it did run in another process


def test_a_located_error_in_the_child_keeps_its_place() -> None:
    problem = Problem(Location("data/g/questions/a.yaml", 4, 7), "no font has it")

    def fails() -> None:
        raise GuideError([problem])

    with pytest.raises(GuideError) as caught:
        parallel.beside(fails, lambda: None, WHERE)
    assert caught.value.problems == (problem,)


def test_a_crash_or_a_death_in_the_child_is_an_error_at_the_place_given() -> None:
    def crashes() -> None:
        raise ValueError("boom")

    with pytest.raises(
        GuideError, match=r"data/g/guide.yaml:1:1: error: an internal error in guide \(ValueError: boom\)"
    ):
        parallel.beside(crashes, lambda: None, WHERE)
    with pytest.raises(GuideError, match="a process of the build stopped"):
        parallel.beside(lambda: os.kill(os.getpid(), signal.SIGKILL), lambda: None, WHERE)


def test_without_fork_the_two_run_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.beside(os.getpid, lambda: "here", WHERE) == (os.getpid(), "here")
