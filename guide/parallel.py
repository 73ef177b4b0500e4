"""Run two independent pieces of a build at once: one in a forked child process, one here.

A machine has two cores or more, and a large guide's stages split into halves that share
nothing while they run (the two standalone PDFs and the complete edition, say). The child
is forked, so it starts with everything this process has built, and sends back its result
through a pipe. Only results and located problems cross; a child that dies is an error.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from guide.errors import GuideError, Location, Problem

A = TypeVar("A")
B = TypeVar("B")

# Below this many questions a stage runs in one process: starting a second one costs more than it
# saves on a small guide.
MIN_QUESTIONS = 60


def wanted(forced: bool | None, questions: int) -> bool:
    """Whether a stage should run in two processes: as `forced`, else when the guide is large."""
    return questions >= MIN_QUESTIONS if forced is None else forced


def can_fork() -> bool:
    """Whether a child can be forked safely: fork() copies only the calling thread, so a
    program with other threads alive could deadlock in the child (and Python warns)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def beside(in_child: Callable[[], A], here: Callable[[], B], where: Location) -> tuple[A, B]:
    """Both results: `in_child` computed in a forked child while `here` runs in this process.

    A GuideError in either keeps its problems; any other failure of the child is reported at
    `where` as an internal error. Without fork, the two run one after the other.
    """
    if not can_fork():
        return in_child(), here()
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe(duplex=False)

    def child() -> None:
        ours.close()  # so that a parent killed mid-build makes the send fail, not wait for ever
        try:
            message: tuple[str, Any] = ("done", in_child())
        except GuideError as exc:
            message = ("error", exc.problems)
        except BaseException as exc:  # reported by the parent, with a place
            message = ("crash", f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(OSError):  # the parent stopped: nobody is left to tell
            theirs.send(message)

    process = context.Process(target=child, daemon=True)
    process.start()
    theirs.close()
    try:
        mine = here()
        return receive(ours, where), mine
    finally:
        ours.close()
        if process.is_alive():
            process.terminate()
        process.join()


def receive(
    connection: Any, where: Location, expected: str = "done", process: str = "a process of the build"
) -> Any:
    """The value a child sent tagged `expected`; GuideError for the child's problems or its end."""
    try:
        tag, value = connection.recv()
    except EOFError:
        tag, value = "crash", f"{process} stopped"
    if tag == "error":
        raise GuideError(value)
    if tag != expected:
        raise GuideError([Problem(where, f"an internal error in guide ({value}); please report it")])
    return value
