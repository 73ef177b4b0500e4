"""Run the pieces of a stage in two processes: one way, used by loading, layout, writing and read-back.

A machine has two cores or more, and a large guide's stages split into pieces that share
nothing while they run: the halves of a bank's files, the units of its parts, the standalone
PDFs and the complete edition, the files to read back. `run` takes the pieces as tasks and
returns their results in order. A task is a function; if it returns a generator, the task is a
conversation in rounds: each `yield` reports a value, and every task waits until `between` has
seen the values of all of them and sent each its reply (the layout's workers report where their
pages fell, and are told how the pages are numbered). A task's return value is its result.

Three ways to run the same tasks, giving the same results:
- "fork": the first task here, the others in forked children, which start with everything this
  process has built;
- "fresh": every task in a new Python process (the task must be picklable: a module's function,
  or a functools.partial of one), whose memory is its own and counts nowhere else;
- "here": all in this process, one after the other, round by round.
Only values and located problems cross between processes; a child that fails or dies is an error.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast

from guide.errors import GuideError, Location, Problem

A = TypeVar("A")
B = TypeVar("B")
How = Literal["fork", "fresh", "here"]
Task = Callable[[], Any]
Between = Callable[[list[Any]], list[Any]]

# Below this many questions a stage runs in one process: starting a second one costs more than it
# saves on a small guide.
MIN_QUESTIONS = 60
# Variables a child process never inherits: the password of a protected key reaches no
# process but the one that encrypts.
SECRET_VARIABLES = ("GUIDE_KEY_PASSWORD",)


def wanted(forced: bool | None, questions: int) -> bool:
    """Whether a stage should run in two processes: as `forced`, else when the guide is large."""
    return questions >= MIN_QUESTIONS if forced is None else forced


def can_fork() -> bool:
    """Whether a child can be forked safely: fork() copies only the calling thread, so a
    program with other threads alive could deadlock in the child (and Python warns)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def how_for(forced: bool | None, questions: int) -> How:
    """Fork for a large guide (or when `forced`) where forking is safe; else one process."""
    return "fork" if wanted(forced, questions) and can_fork() else "here"


def run(
    tasks: Sequence[Task],
    where: Location,
    *,
    between: Between | None = None,
    how: How = "fork",
    what: str = "a process of the build",
) -> list[Any]:
    """The results of `tasks`, run as `how` says; GuideError for their problems or a child's failure.

    A GuideError in a task keeps its problems; any other failure of a child is reported at
    `where` as an internal error in guide, naming the child as `what`.
    """
    if how == "fork" and not can_fork():
        how = "here"
    drivers: list[_Driver] = []
    try:
        if how == "here":
            drivers = [_Local(task) for task in tasks]
        elif how == "fork":
            drivers = [_Local(tasks[0]), *(_Forked(task, what) for task in tasks[1:])]
        else:
            drivers = [_Fresh(task) for task in tasks]
        for driver in drivers:
            driver.start()
        messages = [driver.next(where) for driver in drivers]
        while any(kind == "yield" for kind, _ in messages):
            if between is None or not all(kind == "yield" for kind, _ in messages):
                raise GuideError([Problem(where, "an internal error in guide (tasks out of step)")])
            replies = between([value for _, value in messages])
            for driver, reply in zip(drivers, replies, strict=True):
                driver.reply(reply)
            messages = [driver.next(where) for driver in drivers]
        return [value for _, value in messages]
    finally:
        for driver in drivers:
            driver.close()


def pair(
    first: Callable[[], A], second: Callable[[], B], where: Location, *, how: How = "fork"
) -> tuple[A, B]:
    """Both results of two plain tasks (no rounds): `run` for two, typed."""
    one, two = run([first, second], where, how=how)
    return cast(A, one), cast(B, two)


def _steps(task: Task) -> Generator[tuple[str, Any], Any, None]:
    """A task as messages: ("yield", value) for each round, then ("done", result)."""
    made = task()
    if not isinstance(made, Generator):
        yield ("done", made)
        return
    try:
        value = next(made)
        while True:
            reply = yield ("yield", value)
            value = made.send(reply)
    except StopIteration as stop:
        yield ("done", stop.value)


class Channel(Protocol):
    """Either end of the pipe between a parent and a child: values sent and received."""

    def send(self, obj: Any) -> None: ...

    def recv(self) -> Any: ...


class _Driver:
    def start(self) -> None:
        pass

    def next(self, where: Location) -> tuple[str, Any]:
        raise NotImplementedError

    def reply(self, value: Any) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _Local(_Driver):
    """A task run in this process, a round at a time."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.steps: Generator[tuple[str, Any], Any, None] | None = None
        self.pending: Any = None

    def next(self, where: Location) -> tuple[str, Any]:
        if self.steps is None:
            self.steps = _steps(self.task)
            return next(self.steps)
        return self.steps.send(self.pending)

    def reply(self, value: Any) -> None:
        self.pending = value


class _Remote(_Driver):
    """A task run in another process, talked to through a pipe."""

    connection: Connection

    def next(self, where: Location) -> tuple[str, Any]:
        try:
            kind, value = self.connection.recv()
        except (EOFError, OSError):
            kind, value = "crash", self.stopped()
        if kind == "error":
            raise GuideError(value)
        if kind not in ("yield", "done"):
            raise GuideError([Problem(where, f"an internal error in guide ({value}); please report it")])
        return kind, value

    def reply(self, value: Any) -> None:
        self.connection.send(("reply", value))

    def stopped(self) -> str:
        """Why the child said nothing more."""
        return "a process of the build stopped"


def serve(task: Task, connection: Channel) -> None:
    """Run a task in a child process, telling the parent each round and the result."""
    try:
        steps = _steps(task)
        message = next(steps)
        while message[0] == "yield":
            connection.send(message)
            _, value = connection.recv()
            message = steps.send(value)
        connection.send(message)
    except (EOFError, BrokenPipeError):
        return  # the parent stopped (it failed, or was killed): nobody is left to tell
    except GuideError as exc:
        with contextlib.suppress(OSError):
            connection.send(("error", exc.problems))
    except BaseException as exc:  # reported by the parent, at its place
        with contextlib.suppress(OSError):
            connection.send(("crash", f"{type(exc).__name__}: {exc}"))


class _Forked(_Remote):
    """A task in a forked child: it starts with everything this process holds."""

    def __init__(self, task: Task, what: str) -> None:
        self.task = task
        self.what = what
        self.process: Any = None

    def stopped(self) -> str:
        return f"{self.what} stopped"

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()

        def child() -> None:
            # The child's copy of the parent's end is closed, so that a parent killed mid-build
            # is an end of file here, not a wait for ever.
            ours.close()
            serve(self.task, theirs)

        self.connection = ours
        self.process = context.Process(target=child, daemon=True)
        self.process.start()
        theirs.close()

    def close(self) -> None:
        self.connection.close()
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()


class _Fresh(_Remote):
    """A task in a new Python process (python -P -m guide.parallel), sent to it pickled."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        env = {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES}
        # The package as this process has it, wherever it was imported from.
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            # -P: the working folder is not put first on the path, where a folder named guide
            # would stand in for the package.
            [sys.executable, "-P", "-m", "guide.parallel", str(down_read), str(up_write)],
            pass_fds=(down_read, up_write),
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        os.close(down_read)
        os.close(up_write)
        self.connection = Connection(up_read, writable=False)
        self.down = Connection(down_write, readable=False)
        self.down.send_bytes(pickle.dumps(self.task))

    def reply(self, value: Any) -> None:
        self.down.send(("reply", value))

    def stopped(self) -> str:
        """The last line the child wrote to its error stream, if any."""
        assert self.process is not None
        err = self.process.stderr.read() if self.process.stderr else b""
        lines = err.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "a process started by the build stopped"

    def close(self) -> None:
        for name in ("connection", "down"):
            with contextlib.suppress(Exception):
                getattr(self, name).close()
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.communicate()


class _Both:
    """The two ends a fresh child talks through, as one connection."""

    def __init__(self, incoming: Connection, outgoing: Connection) -> None:
        self.incoming, self.outgoing = incoming, outgoing

    def send(self, value: Any) -> None:
        self.outgoing.send(value)

    def recv(self) -> Any:
        return self.incoming.recv()


def _main(read_fd: int, write_fd: int) -> None:
    incoming = Connection(read_fd, writable=False)
    outgoing = Connection(write_fd, readable=False)
    try:
        task = pickle.loads(incoming.recv_bytes())
    except Exception:
        traceback.print_exc()
        raise SystemExit(1) from None
    serve(task, _Both(incoming, outgoing))


if __name__ == "__main__":  # a process started by _Fresh: its task comes down the pipe
    _main(int(sys.argv[1]), int(sys.argv[2]))
