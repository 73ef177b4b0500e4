"""Turn command-line arguments into a build or a check; the only module that prints or exits."""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from guide import FEW_COLLECTIONS, __version__
from guide.errors import GuideError, Problem

if TYPE_CHECKING:
    from guide.data.select import Selection

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("output")


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 2 through main() instead of inside the library."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")


class _UsageError(Exception):
    pass


def _parser() -> _Parser:
    parser = _Parser(
        prog="guide",
        description="Turn a question bank kept as YAML into a study guide, an answer key and a complete"
        " edition.",
    )
    parser.add_argument("--version", action="version", version=f"guide {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    build = commands.add_parser(
        "build",
        help="validate and build guides into PDFs",
        description="Validate each guide folder and build its study guide, answer key, complete edition "
        "and manifest.json into OUT/<guide>/. Nothing is written unless every stage succeeds.",
    )
    _guide_args(build)
    build.set_defaults(command_parser=build)
    build.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output)"
    )
    build.add_argument(
        "--style",
        default="base",
        metavar="NAME|PATH",
        help="style: a name in styles/ or a YAML file (default: base)",
    )
    _report_args(build)
    _paper_arg(build)
    build.add_argument(
        "--booklet",
        action="store_true",
        help="also write the study guide imposed for a folded, stapled booklet (two pages a sheet side;"
        " print on both sides, flipping on the short edge): <guide>-<edition>-study-guide-booklet.pdf",
    )
    protect = build.add_argument_group(
        "protecting the answers",
        "Encrypt the answer key and the complete edition (AES-256): they open only with the password,"
        " taken from --password-file or else the environment variable GUIDE_KEY_PASSWORD.",
    )
    protect.add_argument("--protect-key", action="store_true", help="encrypt the files that hold the answers")
    protect.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="read the password from FILE (one trailing newline is dropped)",
    )
    practice = build.add_argument_group(
        "practice sets",
        "Build a selection of the questions, with its own answer key and complete edition, into"
        " OUT/<guide>-practice-<seed>/ beside the full edition. Filters of one kind widen the set"
        " (--tags a,b: either tag), filters of different kinds narrow it.",
    )
    practice.add_argument("--topics", type=_names, metavar="T1,T2", help="topic titles (or their slugs)")
    practice.add_argument("--tags", type=_names, metavar="A,B", help="question tags")
    practice.add_argument("--difficulty", type=_names, metavar="D1,D2", help="easy, medium or hard")
    practice.add_argument(
        "--count", type=_positive, metavar="N", help="draw N questions at random (default: every match)"
    )
    practice.add_argument(
        "--seed", type=_natural, metavar="S", help="the draw: the same seed, the same set (default: 0)"
    )
    practice.add_argument(
        "--shuffle", action="store_true", help="print the questions in drawn order, not the guide's"
    )

    cards = commands.add_parser(
        "cards",
        help="make flash cards to print and cut out",
        description="Make OUT/<guide>-<edition>-cards.pdf for each guide folder: sheets of cards, the"
        " questions on one page and their key points on the next, mirrored so that printing on both"
        " sides (flipping on the long edge) puts each answer behind its question.",
    )
    _guide_args(cards)
    cards.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output)"
    )
    cards.add_argument("--style", default="base", metavar="NAME|PATH", help="style (default: base)")
    _paper_arg(cards)
    cards.add_argument(
        "--grid",
        type=_grid,
        metavar="CxR",
        help="cards a sheet, columns x rows, such as 2x4 (default: the most on which every card fits)",
    )
    _report_args(cards)

    handouts = commands.add_parser(
        "handouts",
        help="make a marked copy of the study guide for each candidate",
        description="Make one study guide per candidate listed in a CSV file (header row: name, and"
        " optionally id and email), each page marked with the candidate's name and a copy code, and"
        " distribution.csv listing who got which file, into OUT/<guide>-handouts/.",
    )
    _guide_args(handouts, many=False)
    handouts.add_argument(
        "--candidates", type=Path, required=True, metavar="FILE.csv", help="the candidates, one a row"
    )
    handouts.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output)"
    )
    handouts.add_argument("--style", default="base", metavar="NAME|PATH", help="style (default: base)")
    _paper_arg(handouts)
    _report_args(handouts)

    check = commands.add_parser(
        "check",
        help="validate guides without writing anything",
        description="Validate each guide folder and report every problem, with file, line and column.",
    )
    _guide_args(check)
    check.add_argument(
        "--style", default="base", metavar="NAME|PATH", help="style to check the text against (default: base)"
    )
    _report_args(check, check=True)
    return parser


def _report_args(parser: argparse.ArgumentParser, *, check: bool = False) -> None:
    """--quiet, --verbose and --draft: how much a command says, and what it does with characters no
    font has."""
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument(
        "--quiet", "-q", action="store_true", help="print only errors, and one line counting the warnings"
    )
    amount.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help=f"list every warning (without it, a warning that {GROUPED} or more questions share is one line)",
    )
    parser.add_argument(
        "--draft",
        action="store_true",
        help="report characters no font has as warnings, as a draft build prints them"
        if check
        else "print characters no font has as their code point, such as [U+1F951], with a warning each,"
        " rather than stopping: a draft to read, not to publish",
    )


def _guide_args(parser: argparse.ArgumentParser, *, many: bool = True) -> None:
    if many:
        parser.add_argument(
            "guides",
            nargs="*",
            type=Path,
            metavar="GUIDE_DIR",
            help="guide folders (default: every folder under data/ holding a guide.yaml)",
        )
    else:
        parser.add_argument("guide", type=Path, metavar="GUIDE_DIR", help="the guide folder")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--max-file-size",
        type=_megabytes,
        metavar="MB",
        help="refuse YAML files larger than this many MiB (default: 16, or GUIDE_MAX_FILE_MB)",
    )


def _paper_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paper",
        type=str.lower,
        choices=("a4", "letter"),
        help="paper size, instead of the style's: a4 or letter",
    )


def _names(value: str) -> tuple[str, ...]:
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    if not names:
        raise argparse.ArgumentTypeError("give one or more values, separated by commas")
    return names


def _megabytes(value: str) -> float:
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 1 << 40:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"'{value}' is not a size in MiB above 0, such as 16")
    return megabytes


def _positive(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 1 or more")
    return int(value)


def _natural(value: str) -> int:
    if not value.strip().isdigit():
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 0 or more")
    return int(value)


def _grid(value: str) -> tuple[int, int]:
    columns, _, rows = value.lower().partition("x")
    if not (columns.strip().isdigit() and rows.strip().isdigit()) or not (
        1 <= int(columns) <= 6 and 1 <= int(rows) <= 8
    ):
        raise argparse.ArgumentTypeError(f"'{value}' is not a grid such as 2x4 (columns x rows)")
    return int(columns), int(rows)


def _check_usage(parser: _Parser, args: argparse.Namespace) -> None:
    """Combinations argparse cannot express; parser.error raises _UsageError."""
    if getattr(args, "password_file", None) is not None and not args.protect_key:
        args.command_parser.error("--password-file is the password of --protect-key: give both")


def _selection(args: argparse.Namespace) -> Selection | None:
    if (
        not any(getattr(args, name, None) for name in ("topics", "tags", "difficulty", "count", "shuffle"))
        and getattr(args, "seed", None) is None
    ):
        return None
    from guide.data.select import Selection

    return Selection(
        topics=args.topics or (),
        tags=args.tags or (),
        difficulties=args.difficulty or (),
        count=args.count,
        seed=args.seed or 0,
        shuffle=args.shuffle,
    )


def run() -> None:
    """The `guide` command: main() in a process of its own, which it then ends."""
    # A build raises the collector's threshold while it runs, and restoring it sets off one
    # sweep of everything the build made (half a second at 1,000 questions). A process that
    # ends with its last build has no use for that sweep: the threshold stays raised, and the
    # loop over guides sweeps between builds instead.
    gc.set_threshold(*FEW_COLLECTIONS)
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code: 0 done, 1 invalid input, 2 wrong usage."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        _check_usage(parser, args)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("guide: interrupted; nothing was written", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    from guide import build  # deferred: `guide --help` stays fast

    password: str | None = None
    if getattr(args, "protect_key", False):
        from guide.pdf.protect import read_password

        try:
            password = read_password(args.password_file)
        except GuideError as exc:
            _print_problems(exc.problems)
            print("guide: 1 error; nothing was written", file=sys.stderr)
            return EXIT_INVALID
    guides: list[Path] = [args.guide] if args.command == "handouts" else list(args.guides)
    if not guides:
        guides = build.find_guides(DEFAULT_DATA)
        if not guides:
            print(
                f"guide: error: no guide folders (with a guide.yaml) under {DEFAULT_DATA}/", file=sys.stderr
            )
            return EXIT_INVALID
    if args.command != "check":
        from guide.pdf.info import MAX_EPOCH, source_date_epoch

        try:
            source_date_epoch()
        except ValueError as exc:
            print(
                f"SOURCE_DATE_EPOCH: error: SOURCE_DATE_EPOCH must be whole seconds since 1970 (at most"
                f" {MAX_EPOCH}), found '{exc}'; fix it or unset it",
                file=sys.stderr,
            )
            print("guide: 1 error; nothing was written", file=sys.stderr)
            return EXIT_INVALID
    max_bytes = int(args.max_file_size * 1024 * 1024) if args.max_file_size is not None else None
    shown = sys.stderr.isatty() and not getattr(args, "quiet", False) and "CI" not in os.environ
    progress = _Progress(sys.stderr) if shown else None
    options = build.Options(
        style=args.style,
        strict=args.strict,
        max_file_bytes=max_bytes,
        quiet=getattr(args, "quiet", False),
        progress=progress,
        paper=getattr(args, "paper", None),
        booklet=getattr(args, "booklet", False),
        key_password=password,
        selection=_selection(args),
        draft=args.draft,
    )
    report = _Report(verbose=args.verbose, quiet=args.quiet)
    try:
        build.theme_for(options)  # once: a broken style is one report, not one for every guide
    except GuideError as exc:
        report.problems(exc.problems)
        count = len(exc.errors)
        tail = "" if args.command == "check" else "; nothing was written"
        print(f"guide: {count} {'error' if count == 1 else 'errors'}{tail}", file=sys.stderr)
        return EXIT_INVALID
    failed = 0
    errors = 0
    for index, folder in enumerate(guides):
        if index:
            gc.collect()  # what the previous guide's build left (see run)
        if progress is not None:
            progress.start(str(folder))
        try:
            result: build.BuildResult | build.CardsResult | build.HandoutsResult
            if args.command == "check":
                warnings = build.check_guide(folder, options)
            else:
                if args.command == "cards":
                    result = build.build_cards(folder, args.out, options, args.grid)
                elif args.command == "handouts":
                    result = build.build_handouts(folder, args.candidates, args.out, options)
                else:
                    result = build.build_guide(folder, args.out, options)
                warnings = result.warnings
            if progress is not None:
                progress.clear()
            report.problems(warnings)
            if args.command != "check" and not options.quiet:
                for line in result.summary():
                    print(line)
            elif args.command == "check" and not options.quiet:
                print(f"{folder}: ok")
        except GuideError as exc:
            failed += 1
            if progress is not None:
                progress.clear()
            report.problems(exc.problems)
            errors += len(exc.errors)
    report.hidden_warnings()
    if failed:
        noun = "error" if errors == 1 else "errors"
        done = len(guides) - failed
        if args.command == "check":
            tail = ""
        elif done:
            tail = f"; {failed} of {len(guides)} guides not built (the rest were written)"
        else:
            tail = "; nothing was written"
        print(f"guide: {errors} {noun}{tail}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


class _Progress:
    """One status line on a terminal for a build that takes a while: what it does, and how far.

    Nothing shows for the first second, so a quick build prints only its result; the line is
    redrawn at most ten times a second and erased before anything else is printed.
    """

    DELAY = 1.0
    INTERVAL = 0.1

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.folder = ""
        self.started = self.drawn = 0.0
        self.showing = False

    def start(self, folder: str) -> None:
        self.folder = folder
        self.started = time.monotonic()

    def __call__(self, what: str) -> None:
        now = time.monotonic()
        if now - self.started < self.DELAY or now - self.drawn < self.INTERVAL:
            return
        self.drawn = now
        width = shutil.get_terminal_size().columns - 1
        line = f"guide: {self.folder}: {what}"
        self.stream.write("\r\x1b[K" + line[:width])
        self.stream.flush()
        self.showing = True

    def clear(self) -> None:
        if self.showing:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.showing = False


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


GROUPED = 3  # a warning shared by this many questions or more is one line, without --verbose


class _Report:
    """Prints problems: every error; warnings that many share as one line, unless verbose; and
    when quiet, no warning, but how many there were, once at the end."""

    def __init__(self, *, verbose: bool = False, quiet: bool = False) -> None:
        self.verbose = verbose
        self.quiet = quiet
        self.hidden = 0

    def problems(self, problems: Sequence[Problem]) -> None:
        if self.quiet:
            self.hidden += sum(p.severity == "warning" for p in problems)
            _print_problems([p for p in problems if p.severity == "error"])
            return
        counts = Counter(p.group for p in problems if p.severity == "warning" and p.group)
        shown: set[str] = set()
        for problem in problems:
            group = problem.group if problem.severity == "warning" else ""
            if self.verbose or not group or counts[group] < GROUPED:
                print(problem, file=sys.stderr)
            elif group not in shown:
                shown.add(group)
                print(
                    f"{problem} ({counts[group]:,} {group}, this one first; --verbose lists them all)",
                    file=sys.stderr,
                )

    def hidden_warnings(self) -> None:
        """With --quiet, the one line that counts the warnings it did not print."""
        if self.hidden:
            noun = "warning" if self.hidden == 1 else "warnings"
            print(f"guide: {self.hidden:,} {noun}; run without --quiet to see them", file=sys.stderr)
