"""Turn command-line arguments into a build or a check; the only module that prints or exits."""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import signal
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from guide import FEW_COLLECTIONS, __version__
from guide.errors import GuideError, Problem, counted, did_you_mean

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

    def unrecognized(self, extras: Sequence[str]) -> None:
        """Refuse arguments the command does not take, each with the option it most likely meant.

        argparse leaves them to the top-level parser, whose usage line and message name no
        command and suggest nothing (on every Python version guide supports): they are
        reported here, by the parser of the command they were given to.
        """
        options = [s for action in self._actions for s in action.option_strings if s.startswith("--")]
        lines = []
        for extra in extras:
            word = extra.split("=", 1)[0]
            if extra.startswith("-") and word in options:
                hint = f"; it goes after the command: {self.prog} {word}"  # given before the command
            elif extra.startswith("-"):
                hint = did_you_mean(word, options)
            else:
                hint = ""
            lines.append(f"{self.prog}: error: unrecognized argument '{extra}'{hint}")
        self.print_usage(sys.stderr)
        raise _UsageError("\n".join(lines))


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
        "and manifest.json into OUT/<guide>/. Nothing of a guide is written unless every stage of its"
        " build succeeds.",
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
    build.add_argument(
        "--interviewer",
        action="store_true",
        help="also write the interviewer's packet, <guide>-<edition>-interviewer.pdf: for each question"
        " (on a page, or half a page, as the style says) what to listen for, the key points to tick,"
        " the model answer in brief, follow-ups with room for notes and a 1-4 rating, under fields for"
        " the candidate, the interviewer and the date",
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
        help="read the password from FILE (one trailing newline is dropped; the file itself, not a link)",
    )
    practice = build.add_argument_group(
        "practice sets",
        "Build a selection of the questions, with its own answer key and complete edition, into"
        " OUT/<guide>-practice-<seed>-<digest>/ beside the full edition (the digest is of the questions"
        " drawn: another set never replaces this one). Filters of one kind widen the set (--tags a,b:"
        " either tag), filters of different kinds narrow it.",
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
        description="Make OUT/<guide>-cards/<guide>-<edition>-cards.pdf for each guide folder: sheets of"
        " cards, the questions on one page and their key points on the next, mirrored so that printing"
        " on both sides (flipping on the long edge) puts each answer behind its question.",
    )
    _guide_args(cards)
    cards.set_defaults(command_parser=cards)
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
    handouts.set_defaults(command_parser=handouts)
    handouts.add_argument(
        "--candidates", type=Path, required=True, metavar="FILE.csv", help="the candidates, one a row"
    )
    handouts.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output)"
    )
    handouts.add_argument("--style", default="base", metavar="NAME|PATH", help="style (default: base)")
    handouts.add_argument(
        "--interviewer",
        action="store_true",
        help="also write, for each candidate, the interviewer's packet with the candidate's name and copy"
        " code in the header of every page, listed beside the copy in distribution.csv",
    )
    _paper_arg(handouts)
    _report_args(handouts)

    release = commands.add_parser(
        "release",
        help="record the edition just built, so that later editions say what changed",
        description="Record the edition built in OUT/<guide>/ in <GUIDE_DIR>/editions/<edition>.json, a"
        " small file to commit: the edition, its date, and each question's number, short title and"
        " content digest. A later edition's study guide and answer key then open with \"What's new in"
        ' this edition", since the most recent release of another edition (by date, then edition).'
        " Refused when the edition was not built, when the build is out of date with the data, and"
        " when the edition is already released with other questions.",
    )
    _guide_args(release)
    release.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="where it was built (default: output)"
    )

    diff = commands.add_parser(
        "diff",
        help="say which questions were added, revised and retired between two editions",
        usage="guide diff [-h] [--json] [GUIDE_DIR] OLD NEW",
        description="Compare two editions by question id: the questions added, revised (their content"
        " changed) and retired, by number and short title. OLD and NEW are editions released in the"
        " guide folder GUIDE_DIR (by name, such as 2026.1), or files: a manifest.json (or the folder"
        " holding it) or a release record. A value with a '/' or ending in .json is a file.",
    )
    diff.set_defaults(command_parser=diff)
    diff.add_argument("editions", nargs="+", metavar="[GUIDE_DIR] OLD NEW", help=argparse.SUPPRESS)
    diff.add_argument("--json", action="store_true", help="print JSON instead of text")

    check = commands.add_parser(
        "check",
        help="validate guides without writing anything",
        description="Validate each guide folder and report every problem, with file, line and column.",
    )
    _guide_args(check)
    check.set_defaults(command_parser=check)
    check.add_argument(
        "--style", default="base", metavar="NAME|PATH", help="style to check the text against (default: base)"
    )
    _report_args(check, check=True)
    _add_tools(commands)
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
        help="refuse input files (YAML, or a CSV of candidates) larger than this many MiB, counting what"
        " YAML aliases repeat (default: 16, or GUIDE_MAX_FILE_MB)",
    )


def _paper_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paper",
        type=str.lower,
        choices=("a4", "letter"),
        metavar="a4|letter",
        help="paper size, instead of the style's",
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
    if args.command == "diff":
        from guide.edition.releases import is_file_name

        values = args.editions
        if len(values) not in (2, 3):
            args.command_parser.error(
                f"give OLD and NEW, after GUIDE_DIR if they are edition names; found {len(values)} values"
            )
        if len(values) == 2 and not all(map(is_file_name, values)):
            args.command_parser.error(
                "OLD and NEW name editions: give the guide folder first (guide diff data/<guide> OLD NEW),"
                " or give two manifest.json files"
            )


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
    _stop_cleanly_on(signal.SIGTERM, signal.SIGHUP)
    sys.exit(main())


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
    parser = _parser()
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:
            command = getattr(args, "command_parser", None)
            (command if command is not None else parser).unrecognized(extras)
        _check_usage(parser, args)
    except _UsageError as exc:
        for line in str(exc).split("\n"):  # one message a line, each escaped on its own
            _say(line, sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "diff":
            return _diff(args)
        tool = _run_tool(args)
        return tool if tool is not None else _run(args)
    except KeyboardInterrupt:
        _say("guide: interrupted; nothing was written", sys.stderr)
        return 130
    except _Stopped as stopped:
        _say(f"guide: stopped by {signal.Signals(stopped.signum).name}; nothing was written", sys.stderr)
        return 128 + stopped.signum


def _run(args: argparse.Namespace) -> int:
    if not getattr(args, "protect_key", False):
        return _run_with(args, None)
    from guide.pdf.protect import PASSWORD_VARIABLE, read_password

    try:
        password = read_password(args.password_file)
    except GuideError as exc:
        _print_problems(exc.problems)
        _say("guide: 1 error; nothing was written", sys.stderr)
        return EXIT_INVALID
    # Read once: out of the environment while the command runs, so that no process it starts or
    # forks has the password in its environment.
    kept = os.environ.pop(PASSWORD_VARIABLE, None)
    try:
        return _run_with(args, password)
    finally:
        if kept is not None:
            os.environ[PASSWORD_VARIABLE] = kept


def _run_with(args: argparse.Namespace, password: str | None) -> int:
    from guide import build  # deferred: `guide --help` stays fast

    guides: list[Path] = [args.guide] if args.command == "handouts" else list(args.guides)
    if not guides:
        guides = build.find_guides(DEFAULT_DATA)
        if not guides:
            _say(f"guide: error: no guide folders (with a guide.yaml) under {DEFAULT_DATA}/", sys.stderr)
            return EXIT_INVALID
    if args.command not in ("check", "release"):
        from guide.pdf.info import MAX_EPOCH, source_date_epoch

        try:
            source_date_epoch()
        except ValueError as exc:
            _say(
                f"SOURCE_DATE_EPOCH: error: SOURCE_DATE_EPOCH must be whole seconds since 1970 (at most"
                f" {MAX_EPOCH}), found '{exc}'; fix it or unset it",
                sys.stderr,
            )
            _say("guide: 1 error; nothing was written", sys.stderr)
            return EXIT_INVALID
    max_bytes = int(args.max_file_size * 1024 * 1024) if args.max_file_size is not None else None
    shown = sys.stderr.isatty() and not getattr(args, "quiet", False) and "CI" not in os.environ
    progress = _Progress(sys.stderr) if shown else None
    options = build.Options(
        style=getattr(args, "style", "base"),
        strict=args.strict,
        max_file_bytes=max_bytes,
        quiet=getattr(args, "quiet", False),
        progress=progress,
        paper=getattr(args, "paper", None),
        booklet=getattr(args, "booklet", False),
        key_password=password,
        selection=_selection(args),
        draft=getattr(args, "draft", False),
        interviewer=getattr(args, "interviewer", False),
    )
    report = _Report(verbose=getattr(args, "verbose", False), quiet=getattr(args, "quiet", False))
    try:
        if args.command != "release":  # a release lays nothing out
            build.theme_for(options)  # once: a broken style is one report, not one for every guide
    except GuideError as exc:
        report.problems(exc.problems)
        count = len(exc.errors)
        tail = "" if args.command == "check" else "; nothing was written"
        _say(f"guide: {counted(count, 'error')}{tail}", sys.stderr)
        return EXIT_INVALID
    failed = 0
    errors = 0
    for index, folder in enumerate(guides):
        if index:
            gc.collect()  # what the previous guide's build left (see run)
        if progress is not None:
            progress.start(str(folder))
        try:
            result: build.BuildResult | build.CardsResult | build.HandoutsResult | build.ReleaseResult
            if args.command == "check":
                warnings = build.check_guide(folder, options)
            else:
                if args.command == "release":
                    result = build.release_guide(folder, args.out, options)
                elif args.command == "cards":
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
                    _say(line)
            elif args.command == "check" and not options.quiet:
                _say(f"{folder}: ok")
        except GuideError as exc:
            failed += 1
            if progress is not None:
                progress.clear()
            report.problems(exc.problems)
            errors += len(exc.errors)
    report.hidden_warnings()
    if failed:
        done = len(guides) - failed
        if args.command == "check":
            tail = ""
        elif done:
            tail = f"; {failed} of {len(guides)} guides not built (the rest were written)"
        else:
            tail = "; nothing was written"
        _say(f"guide: {counted(errors, 'error')}{tail}", sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    """`guide diff`: what changed between two editions, as text or JSON, on stdout."""
    import json

    from guide import build
    from guide.edition import changes

    *folder, old, new = args.editions
    try:
        before, after, found = build.diff_editions(old, new, Path(folder[0]) if folder else None)
    except GuideError as exc:
        _print_problems(exc.problems)
        _say(f"guide: {counted(len(exc.errors), 'error')}", sys.stderr)
        return EXIT_INVALID
    lines = (
        [json.dumps(changes.diff_json(before, after, found), indent=2, ensure_ascii=False)]
        if args.json
        else changes.diff_text(before, after, found)
    )
    try:
        for line in lines:
            for part in line.split("\n"):  # the JSON's lines, each printed as a line
                _say(part)
        sys.stdout.flush()
    except BrokenPipeError:  # `guide diff … | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
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
        line = printable(f"guide: {self.folder}: {what}")
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
        _say(str(problem), sys.stderr)


def _say(text: str, stream: TextIO | None = None) -> None:
    """Print one line of guide's own output: every line the command prints goes through here."""
    print(printable(text), file=stream if stream is not None else sys.stdout)


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts sequences
# that recolour, retitle or rewrite the screen; a line break or carriage return forges a line),
# and the bidirectional controls that make text read differently from what it says.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text as the terminal may show it: each control character written as an escape (\\x1b, \\u202e)."""
    return _UNSHOWN.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


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
                _say(str(problem), sys.stderr)
            elif group not in shown:
                shown.add(group)
                _say(
                    f"{problem} ({counts[group]:,} {group}, this one first; --verbose lists them all)",
                    sys.stderr,
                )

    def hidden_warnings(self) -> None:
        """With --quiet, the one line that counts the warnings it did not print."""
        if self.hidden:
            noun = "warning" if self.hidden == 1 else "warnings"
            _say(f"guide: {self.hidden:,} {noun}; run without --quiet to see them", sys.stderr)


# ---- guide import, new, stats and preview -----------------------------------------------------
# Each command has its own functions below: _<name>_command adds its parser, _run_<name> runs it.

IMPORT_FORMATS = ("markdown", "csv", "json", "yaml", "anki")
SHOWN_WARNINGS = 10  # an imported bank has a warning per question without guidance: show the first


def _add_tools(commands: argparse._SubParsersAction[_Parser]) -> None:
    _import_command(commands)
    _new_command(commands)
    _stats_command(commands)
    _preview_command(commands)


def _run_tool(args: argparse.Namespace) -> int | None:
    """Run the command if it is one of these; None if it is not."""
    tools = {"import": _run_import, "new": _run_new, "stats": _run_stats, "preview": _run_preview}
    run_it = tools.get(args.command)
    return run_it(args) if run_it is not None else None


def _import_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    command = commands.add_parser(
        "import",
        help="make a new guide folder from a bank in Markdown, CSV, JSON, YAML or an Anki export",
        description="Read a question bank kept in another format and write it as a new guide folder"
        " (guide.yaml, and questions/ with a file a topic), then check it as `guide check` does. It"
        " says what was imported, what was skipped and why (with the line), and what to fix. An"
        " existing folder is never written over.",
        epilog="Formats, by the file's suffix or --format: Markdown (.md: '## Topic' and '### Question'"
        " headings, numbered headings, or '**Q: …**' lines; the answer is what follows), CSV (.csv,"
        " .tsv: a header row naming the fields), JSON or YAML (a list of objects with the same names),"
        " and Anki's 'Notes in Plain Text' export (.txt: front, back). Fields: question, answer, topic,"
        " guidance, key_points, follow_ups, tags, difficulty, id.",
    )
    command.add_argument("source", type=Path, metavar="SOURCE", help="the file to import")
    command.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="the new guide folder (default: data/<the file's name>); it must not exist",
    )
    command.add_argument(
        "--format",
        choices=IMPORT_FORMATS,
        metavar="FORMAT",
        help=f"the source's format: {', '.join(IMPORT_FORMATS)} (default: from its suffix)",
    )
    command.add_argument(
        "--map",
        type=_field_map,
        metavar="FIELD=NAME,…",
        help="which column or key holds a field, such as question=front,answer=back",
    )
    command.add_argument(
        "--title", help="the guide's title (default: the Markdown's '# Title', or the file's name)"
    )
    command.add_argument(
        "--topic", default="General", help="the topic of questions that have none (default: General)"
    )
    command.add_argument(
        "--encoding", type=_encoding, help="the source's encoding, such as cp1252 (default: UTF-8)"
    )
    command.add_argument(
        "--delimiter", type=_one_char, metavar="CHAR", help="CSV: the cell separator (default: guessed)"
    )
    command.add_argument(
        "--list-separator",
        metavar="TEXT",
        help="CSV, JSON, YAML: what separates key points and follow-ups in one cell"
        " (default: a line break, or a Markdown list)",
    )
    command.add_argument(
        "--question-level",
        type=_question_level,
        metavar="N|bold",
        help="Markdown: the heading level of questions (1-6), or 'bold' for **Q: …** lines"
        " (default: detected)",
    )
    command.add_argument(
        "--topic-level",
        type=_topic_level,
        metavar="N|none",
        help="Markdown: the heading level of topics (1-6), or 'none'"
        " (default: the level above the questions)",
    )
    command.add_argument(
        "--style", default="base", metavar="NAME|PATH", help="style to check the text against (default: base)"
    )


def _field_map(value: str) -> tuple[tuple[str, str], ...]:
    from guide.data.fields import QUESTION_KEYS
    from guide.errors import did_you_mean

    pairs: list[tuple[str, str]] = []
    for part in value.split(","):
        target, equals, source = (s.strip() for s in part.partition("="))
        if not equals or not target or not source:
            raise argparse.ArgumentTypeError(f"'{part.strip()}' is not FIELD=NAME, such as question=front")
        if target not in QUESTION_KEYS:
            raise argparse.ArgumentTypeError(
                f"'{target}' is not a field{did_you_mean(target, QUESTION_KEYS)}"
                f" (fields: {', '.join(QUESTION_KEYS)})"
            )
        if any(t == target for t, _ in pairs):
            raise argparse.ArgumentTypeError(f"'{target}' is mapped twice")
        pairs.append((target, source))
    return tuple(pairs)


def _encoding(value: str) -> str:
    import codecs

    try:
        codecs.lookup(value)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not an encoding Python knows, such as cp1252"
        ) from None
    return value


def _one_char(value: str) -> str:
    value = {"tab": "\t", "\\t": "\t"}.get(value.lower(), value)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not one character (or 'tab')")
    return value


def _question_level(value: str) -> int | str:
    if value.strip().lower() == "bold":
        return "bold"
    if value.strip() in tuple("123456"):
        return int(value)
    raise argparse.ArgumentTypeError(f"'{value}' is not a heading level 1-6, or 'bold'")


def _topic_level(value: str) -> int:
    if value.strip().lower() == "none":
        return 0
    if value.strip() in tuple("123456"):
        return int(value)
    raise argparse.ArgumentTypeError(f"'{value}' is not a heading level 1-6, or 'none'")


def _run_import(args: argparse.Namespace) -> int:
    from guide import build
    from guide.data.create import folder_for
    from guide.data.imports import ImportOptions

    folder = args.out if args.out is not None else DEFAULT_DATA / folder_for(args.source.stem)
    how = ImportOptions(
        format=args.format,
        mapping=args.map or (),
        encoding=args.encoding,
        delimiter=args.delimiter,
        list_separator=args.list_separator,
        question_level=args.question_level,
        topic_level=args.topic_level,
        topic=args.topic,
    )
    options = build.Options(style=args.style)
    try:
        build.theme_for(options)
        result = build.import_guide(args.source, folder, how, options, args.title)
    except GuideError as exc:
        _print_problems(exc.problems)
        count = len(exc.errors)
        _say(f"guide: {counted(count, 'error')}; nothing was written", sys.stderr)
        return EXIT_INVALID
    _print_problems(result.notes)
    if not result.files:
        for skipped in result.skipped:
            _say(str(skipped))
        _say(f"{result.source}: error: found no question with an answer; nothing was written", sys.stderr)
        return EXIT_INVALID
    topics = len(result.topics)
    _say(
        f"{result.source} → {folder}: {result.questions}"
        f" {'question' if result.questions == 1 else 'questions'}"
        f" in {topics} {'topic' if topics == 1 else 'topics'}"
    )
    for topic, count in result.topics:
        _say(f"  {topic}: {count}")
    for path in result.files:
        _say(f"  wrote {path}")
    if result.skipped:
        _say(f"skipped {len(result.skipped)}:")
        for skipped in result.skipped:
            _say(f"  {skipped}")
    errors = [p for p in result.check if p.severity == "error"]
    warnings = [p for p in result.check if p.severity == "warning"]
    _print_problems(errors)
    _print_problems(warnings[:SHOWN_WARNINGS])
    if len(warnings) > SHOWN_WARNINGS:
        _say(
            f"guide: … and {len(warnings) - SHOWN_WARNINGS} more warnings;"
            f" `guide check {folder}` lists them all",
            sys.stderr,
        )
    if not result.passed:
        noun = "error" if len(errors) == 1 else "errors"
        _say(
            f"guide: {len(errors)} {noun} in the new guide {folder} (it was written): fix them, then run"
            f" `guide check {folder}`",
            sys.stderr,
        )
        return EXIT_INVALID
    _say(f"{folder}: passes guide check; build it with `guide build {folder}`")
    return EXIT_OK


def _new_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    command = commands.add_parser(
        "new",
        help="start a new guide: data/NAME/guide.yaml with an example question",
        description="Write data/NAME/guide.yaml: a guide with one example question that shows every"
        " field, each explained in a comment. It builds as it is; edit it, then `guide build data/NAME`."
        " An existing folder is never written over.",
    )
    command.add_argument(
        "name", metavar="NAME", help="the guide's name: letters, digits, '.', '-', '_' (or a folder's path)"
    )


def _run_new(args: argparse.Namespace) -> int:
    import datetime as dt

    from guide.data.create import new_guide

    given = Path(args.name)
    folder = given if len(given.parts) > 1 else DEFAULT_DATA / args.name
    try:
        path = new_guide(folder, dt.date.today())
    except GuideError as exc:
        _print_problems(exc.problems)
        _say("guide: 1 error; nothing was written", sys.stderr)
        return EXIT_INVALID
    _say(f"{path}: written; edit it, then build it with `guide build {folder}`")
    return EXIT_OK


def _stats_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    command = commands.add_parser(
        "stats",
        help="what a bank holds: questions by topic and difficulty, gaps, duplicates, pages",
        description="Count what each guide's bank holds: questions per topic and difficulty, questions"
        " without guidance, key points, follow-ups or tags, answer lengths (median and longest, in"
        " words), questions that look like duplicates, the estimated pages of each part (base style,"
        " without laying anything out) and the reading time. Nothing is written.",
    )
    _guide_args(command)
    command.add_argument(
        "--json", action="store_true", help="print JSON instead of a table: one object a guide, one a line"
    )


def _run_stats(args: argparse.Namespace) -> int:
    import json

    from guide import build

    guides = list(args.guides) or build.find_guides(DEFAULT_DATA)
    if not guides:
        _say(f"guide: error: no guide folders (with a guide.yaml) under {DEFAULT_DATA}/", sys.stderr)
        return EXIT_INVALID
    max_bytes = int(args.max_file_size * 1024 * 1024) if args.max_file_size is not None else None
    options = build.Options(strict=args.strict, max_file_bytes=max_bytes)
    errors = 0
    for index, folder in enumerate(guides):
        try:
            found = build.guide_stats(folder, options)
        except GuideError as exc:
            _print_problems(exc.problems)
            errors += len(exc.errors)
            continue
        if args.json:
            _say(json.dumps(found.as_json(), ensure_ascii=False))
            continue
        if index:
            _say("")
        lines = found.table()
        for number, line in enumerate(lines):
            _say(f"{folder}: {line}" if number == 0 else line)
    if errors:
        _say(f"guide: {counted(errors, 'error')}", sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _preview_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    command = commands.add_parser(
        "preview",
        help="a PNG contact sheet of chosen pages of each part",
        description="Build a guide into a temporary folder (output/ is not touched) and write a PNG"
        " showing chosen pages of the study guide and of the answer key, a row for each, for a look"
        " without a PDF viewer or for a review.",
        epilog="--pages applies to each part: '1-3,7' is pages 1, 2, 3 and 7 of the study guide and the"
        " same of the answer key; '10-' runs from page 10 to the end; pages past a part's end are left"
        " out. Page numbers count the PDF's pages from its cover, 1 up.",
    )
    command.add_argument(
        "guide",
        nargs="?",
        type=Path,
        metavar="GUIDE_DIR",
        help="the guide folder (default: the one folder under data/ holding a guide.yaml)",
    )
    command.add_argument(
        "--pages",
        type=_page_list,
        default="1-3",
        metavar="PAGES",
        help="the pages of each part, such as 1-3,7 (default: 1-3)",
    )
    command.add_argument(
        "--out", type=_png, metavar="FILE.png", help="the PNG to write (default: <guide>-preview.png here)"
    )
    command.add_argument(
        "--width",
        type=_pixels,
        default=420,
        metavar="PX",
        help="the width of each page, in pixels (default: 420)",
    )
    command.add_argument("--style", default="base", metavar="NAME|PATH", help="style (default: base)")
    _paper_arg(command)
    command.add_argument("--strict", action="store_true", help="treat warnings as errors")
    command.add_argument("--quiet", "-q", action="store_true", help="print nothing but problems")


def _png(value: str) -> Path:
    if not value.lower().endswith(".png"):
        raise argparse.ArgumentTypeError(f"'{value}' does not end in .png")
    return Path(value)


def _page_list(value: str) -> str:
    from guide.pdf.preview import PagesError, parse_pages

    try:
        parse_pages(value)
    except PagesError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _pixels(value: str) -> int:
    if not value.strip().isdigit() or not 100 <= int(value) <= 2000:
        raise argparse.ArgumentTypeError(f"'{value}' is not a width in pixels from 100 to 2000")
    return int(value)


def _run_preview(args: argparse.Namespace) -> int:
    from guide import build

    folder = args.guide
    if folder is None:
        found = build.find_guides(DEFAULT_DATA)
        if len(found) != 1:
            there = ", ".join(map(str, found)) or f"none under {DEFAULT_DATA}/"
            _say(f"guide preview: error: give the guide folder (guides: {there})", sys.stderr)
            return EXIT_USAGE
        folder = found[0]
    out = args.out if args.out is not None else Path(f"{Path(os.path.abspath(folder)).name}-preview.png")
    shown = sys.stderr.isatty() and not args.quiet and "CI" not in os.environ
    progress = _Progress(sys.stderr) if shown else None
    if progress is not None:
        progress.start(str(folder))
    options = build.Options(
        style=args.style, strict=args.strict, paper=args.paper, quiet=True, progress=progress
    )
    try:
        build.theme_for(options)
        result = build.preview_guide(folder, out, options, args.pages, args.width)
    except GuideError as exc:
        if progress is not None:
            progress.clear()
        _print_problems(exc.problems)
        count = len(exc.errors)
        _say(f"guide: {counted(count, 'error')}; nothing was written", sys.stderr)
        return EXIT_INVALID
    if progress is not None:
        progress.clear()
    _print_problems(result.warnings)
    if not args.quiet:
        for line in result.summary():
            _say(line)
    return EXIT_OK
