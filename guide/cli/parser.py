"""The commands' options: one parser for `guide`, one sub-parser a command, usage errors as exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from guide import __version__
from guide.cli.output import GROUPED
from guide.errors import did_you_mean

if TYPE_CHECKING:
    from guide.data.select import Selection

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2  # done; invalid input; wrong usage
DEFAULT_DATA = Path("data")


DEFAULT_OUT = Path("output")


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 2 through main() instead of inside the library."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: error: {message}")

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
        raise UsageError("\n".join(lines))


class UsageError(Exception):
    pass


def make_parser() -> Parser:
    parser = Parser(
        prog="guide",
        description="Turn a question bank kept as YAML into a study guide, an answer key and a complete"
        " edition.",
    )
    parser.add_argument("--version", action="version", version=f"guide {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    build = commands.add_parser(
        "build",
        help="validate and build guides into PDFs",
        description="Validate each guide folder and build its study guide, answer key, complete edition "
        "and manifest.json into OUT/<guide>/. Nothing of a guide is written unless every stage of its"
        " build succeeds.",
    )
    guide_args(build)
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
    report_args(build)
    paper_arg(build)
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
    practice.add_argument("--topics", type=names, metavar="T1,T2", help="topic titles (or their slugs)")
    practice.add_argument("--tags", type=names, metavar="A,B", help="question tags")
    practice.add_argument("--difficulty", type=names, metavar="D1,D2", help="easy, medium or hard")
    practice.add_argument(
        "--count", type=positive, metavar="N", help="draw N questions at random (default: every match)"
    )
    practice.add_argument(
        "--seed", type=natural, metavar="S", help="the draw: the same seed, the same set (default: 0)"
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
    guide_args(cards)
    cards.set_defaults(command_parser=cards)
    cards.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output)"
    )
    cards.add_argument("--style", default="base", metavar="NAME|PATH", help="style (default: base)")
    paper_arg(cards)
    cards.add_argument(
        "--grid",
        type=grid,
        metavar="CxR",
        help="cards a sheet, columns x rows, such as 2x4 (default: the most on which every card fits)",
    )
    report_args(cards)

    handouts = commands.add_parser(
        "handouts",
        help="make a marked copy of the study guide for each candidate",
        description="Make one study guide per candidate listed in a CSV file (header row: name, and"
        " optionally id and email), each page marked with the candidate's name and a copy code, and"
        " distribution.csv listing who got which file, into OUT/<guide>-handouts/.",
    )
    guide_args(handouts, many=False)
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
    paper_arg(handouts)
    report_args(handouts)

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
    guide_args(release)
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
    guide_args(check)
    check.set_defaults(command_parser=check)
    check.add_argument(
        "--style", default="base", metavar="NAME|PATH", help="style to check the text against (default: base)"
    )
    report_args(check, check=True)
    from guide.cli.tools import add_tools  # the tools' parsers, each beside what it runs

    add_tools(commands)
    return parser


def report_args(parser: argparse.ArgumentParser, *, check: bool = False) -> None:
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


def guide_args(parser: argparse.ArgumentParser, *, many: bool = True) -> None:
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
        type=megabytes,
        metavar="MB",
        help="refuse input files (YAML, or a CSV of candidates) larger than this many MiB, counting what"
        " YAML aliases repeat (default: 16, or GUIDE_MAX_FILE_MB)",
    )


def paper_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paper",
        type=str.lower,
        choices=("a4", "letter"),
        metavar="a4|letter",
        help="paper size, instead of the style's",
    )


def names(value: str) -> tuple[str, ...]:
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    if not names:
        raise argparse.ArgumentTypeError("give one or more values, separated by commas")
    return names


def megabytes(value: str) -> float:
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 1 << 40:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"'{value}' is not a size in MiB above 0, such as 16")
    return megabytes


def positive(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 1 or more")
    return int(value)


def natural(value: str) -> int:
    if not value.strip().isdigit():
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 0 or more")
    return int(value)


def grid(value: str) -> tuple[int, int]:
    columns, _, rows = value.lower().partition("x")
    if not (columns.strip().isdigit() and rows.strip().isdigit()) or not (
        1 <= int(columns) <= 6 and 1 <= int(rows) <= 8
    ):
        raise argparse.ArgumentTypeError(f"'{value}' is not a grid such as 2x4 (columns x rows)")
    return int(columns), int(rows)


def check_usage(parser: Parser, args: argparse.Namespace) -> None:
    """Combinations argparse cannot express; parser.error raises UsageError."""
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


def selection(args: argparse.Namespace) -> Selection | None:
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
