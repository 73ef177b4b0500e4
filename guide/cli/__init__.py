"""The command line: `guide COMMAND …` turned into a build, a check or a tool's run, and an exit code.

The only package that prints (through output.py) or exits. parser.py defines every command's
options; building.py runs build, check, cards and handouts; editions.py diff; tools.py import,
new, stats and preview.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Sequence

from guide import FEW_COLLECTIONS
from guide.cli.building import run_build
from guide.cli.editions import run_diff
from guide.cli.output import GROUPED, Progress, printable, say
from guide.cli.parser import EXIT_USAGE, UsageError, check_usage, make_parser
from guide.cli.tools import run_tool

__all__ = ["EXIT_USAGE", "GROUPED", "Progress", "main", "make_parser", "printable", "run"]


def run() -> None:
    """The `guide` command: main() in a process of its own, which it then ends."""
    # A build raises the collector's threshold while it runs, and restoring it sets off one
    # sweep of everything the build made (half a second at 1,000 questions). A process that
    # ends with its last build has no use for that sweep: the threshold stays raised, and the
    # loop over guides sweeps between builds instead.
    gc.set_threshold(*FEW_COLLECTIONS)
    _stop_cleanly_on(signal.SIGTERM, signal.SIGHUP)
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of the output went away (`guide stats … | head`): what was asked for is done
        # or needs no one to read it, and Python's own flush at exit must not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 128 + signal.SIGPIPE
    # The interpreter's shutdown ends with one sweep of every object still tracked (a tenth of a
    # second after a small build, all of it spent on objects the exit frees anyway). Frozen
    # objects are left out of it; exit handlers and `finally` clauses still run as before.
    gc.freeze()
    sys.exit(code)


class _Stopped(BaseException):
    """A signal asked the command to stop: raised where it runs, so that its work files are removed
    on the way out (a build's `finally` clauses), as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_cleanly_on(*signums: int) -> None:
    """Turn these signals into _Stopped in this process; a process it forks dies of them as before."""
    main_pid = os.getpid()

    def stop(signum: int, _: object) -> None:
        if os.getpid() != main_pid:  # a forked child of the build: no cleaning of its own to do
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for other in signums:  # once: the cleaning on the way out is not cut short again
            signal.signal(other, signal.SIG_IGN)
        raise _Stopped(signum)

    for signum in signums:
        signal.signal(signum, stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code: 0 done, 1 invalid input, 2 wrong usage."""
    parser = make_parser()
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:
            command = getattr(args, "command_parser", None)
            (command if command is not None else parser).unrecognized(extras)
        check_usage(parser, args)
    except UsageError as exc:
        for line in str(exc).split("\n"):  # one message a line, each escaped on its own
            say(line, sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "diff":
            return run_diff(args)
        tool = run_tool(args)
        return tool if tool is not None else run_build(args)
    except KeyboardInterrupt:
        say("guide: interrupted; nothing was written", sys.stderr)
        return 130
    except _Stopped as stopped:
        say(f"guide: stopped by {signal.Signals(stopped.signum).name}; nothing was written", sys.stderr)
        return 128 + stopped.signum
