"""guide.parallel.run: tasks in a forked child, in fresh processes or here, in rounds, and their failures."""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Generator
from pathlib import Path

import pytest

from guide import parallel
from guide.errors import GuideError, Location, Problem

WHERE = Location("data/g/guide.yaml", 1, 1)
HOWS: tuple[parallel.How, ...] = ("fork", "fresh", "here")


def where_am_i(tag: str) -> tuple[str, int]:
    return tag, os.getpid()


def count_in_rounds(start: int) -> Generator[int, int, str]:
    """Reports its number, is told a total, reports that plus its number, returns what it was told."""
    total = yield start
    second = yield total + start
    return f"{start}: {total}, {second}"


def summed(values: list[int]) -> list[int]:
    return [sum(values)] * len(values)


@pytest.fixture(autouse=True)
def _importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process imports this module by name to unpickle its tasks."""
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))


def test_pair_gives_both_results_and_forks_a_child() -> None:
    (tag, pid), here = parallel.pair(lambda: ("child", os.getpid()), lambda: "here", WHERE)
    assert (tag, here) == ("child", "here") and pid == os.getpid()  # the first task runs here
    here, (tag, pid) = parallel.pair(lambda: "here", lambda: ("child", os.getpid()), WHERE)
    assert pid != os.getpid()  # the second ran in another process


@pytest.mark.parametrize("how", HOWS)
def test_every_way_gives_the_same_results(how: parallel.How) -> None:
    tasks = [functools.partial(where_am_i, "a"), functools.partial(where_am_i, "b")]
    results = parallel.run(tasks, WHERE, how=how)
    assert [tag for tag, _ in results] == ["a", "b"]
    pids = {pid for _, pid in results}
    assert (os.getpid() in pids) == (how != "fresh")
    assert len(pids) == (1 if how == "here" else 2)


@pytest.mark.parametrize("how", HOWS)
def test_tasks_talk_in_rounds(how: parallel.How) -> None:
    """Each round waits for every task's report; `between` answers them all at once."""
    seen: list[list[int]] = []

    def between(values: list[int]) -> list[int]:
        seen.append(values)
        return summed(values)

    tasks = [functools.partial(count_in_rounds, 1), functools.partial(count_in_rounds, 10)]
    assert parallel.run(tasks, WHERE, between=between, how=how) == ["1: 11, 33", "10: 11, 33"]
    assert seen == [[1, 10], [12, 21]]


def raises_located(problem: Problem) -> None:
    raise GuideError([problem])


def raises_value_error() -> None:
    raise ValueError("boom")


@pytest.mark.parametrize("how", HOWS)
def test_a_located_error_keeps_its_place(how: parallel.How) -> None:
    problem = Problem(Location("data/g/questions/a.yaml", 4, 7), "no font has it")
    with pytest.raises(GuideError) as caught:
        parallel.run([dict, functools.partial(raises_located, problem)], WHERE, how=how)
    assert caught.value.problems == (problem,)


@pytest.mark.parametrize("how", ["fork", "fresh"])
def test_a_crash_or_a_death_in_a_child_is_an_error_at_the_place_given(how: parallel.How) -> None:
    with pytest.raises(
        GuideError, match=r"data/g/guide.yaml:1:1: error: an internal error in guide \(ValueError: boom\)"
    ):
        parallel.run([dict, raises_value_error], WHERE, how=how)
    dies = functools.partial(os._exit, 3)
    with pytest.raises(GuideError, match="stopped"):
        parallel.run([dict, dies], WHERE, how=how)
    if how == "fork":
        with pytest.raises(GuideError, match="a process of the build stopped"):
            parallel.run([dict, lambda: os.kill(os.getpid(), signal.SIGKILL)], WHERE, how=how)


def test_a_fresh_process_never_sees_the_key_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDE_KEY_PASSWORD", "sesame")
    monkeypatch.setenv("GUIDE_OTHER", "kept")
    found = parallel.run(
        [
            functools.partial(os.getenv, "GUIDE_KEY_PASSWORD"),
            functools.partial(os.getenv, "GUIDE_OTHER"),
        ],
        WHERE,
        how="fresh",
    )
    assert found == [None, "kept"]


def test_without_fork_the_tasks_run_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.pair(os.getpid, lambda: "here", WHERE) == (os.getpid(), "here")
