"""Turn command-line arguments into a build or a check; the only module that prints or exits."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from guide import __version__
from guide.errors import GuideError, Problem

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
    build.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: output)"
    )
    build.add_argument(
        "--style",
        default="base",
        metavar="NAME|PATH",
        help="style: a name in styles/ or a YAML file (default: base)",
    )
    build.add_argument("--quiet", "-q", action="store_true", help="print nothing but problems")

    check = commands.add_parser(
        "check",
        help="validate guides without writing anything",
        description="Validate each guide folder and report every problem, with file, line and column.",
    )
    _guide_args(check)
    check.add_argument(
        "--style", default="base", metavar="NAME|PATH", help="style to check the text against (default: base)"
    )
    return parser


def _guide_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "guides",
        nargs="*",
        type=Path,
        metavar="GUIDE_DIR",
        help="guide folders (default: every folder under data/ holding a guide.yaml)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--max-file-size",
        type=float,
        metavar="MB",
        help="refuse YAML files larger than this many MiB (default: 16, or GUIDE_MAX_FILE_MB)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code: 0 done, 1 invalid input, 2 wrong usage."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
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

    guides: list[Path] = list(args.guides)
    if not guides:
        guides = build.find_guides(DEFAULT_DATA)
        if not guides:
            print(
                f"guide: error: no guide folders (with a guide.yaml) under {DEFAULT_DATA}/", file=sys.stderr
            )
            return EXIT_INVALID
    max_bytes = int(args.max_file_size * 1024 * 1024) if args.max_file_size else None
    options = build.Options(
        style=args.style,
        strict=args.strict,
        max_file_bytes=max_bytes,
        quiet=getattr(args, "quiet", False),
        progress=sys.stderr.isatty() and not getattr(args, "quiet", False) and "CI" not in os.environ,
    )
    failed = 0
    errors = 0
    for folder in guides:
        try:
            if args.command == "check":
                warnings = build.check_guide(folder, options)
            else:
                result = build.build_guide(folder, args.out, options)
                warnings = result.warnings
            _print_problems(warnings)
            if args.command == "build" and not options.quiet:
                for line in result.summary():
                    print(line)
            elif args.command == "check" and not options.quiet:
                print(f"{folder}: ok")
        except GuideError as exc:
            failed += 1
            _print_problems(exc.problems)
            errors += len(exc.errors)
    if failed:
        noun = "error" if errors == 1 else "errors"
        tail = "; nothing was written" if args.command == "build" else ""
        print(f"guide: {errors} {noun}{tail}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
