"""`guide build`, `check`, `cards` and `handouts`: each guide folder given, one after the other."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from guide.cli.output import Progress, Report, print_problems, say
from guide.cli.parser import DEFAULT_DATA, EXIT_INVALID, EXIT_OK, selection
from guide.errors import GuideError, counted


def run_build(args: argparse.Namespace) -> int:
    if not getattr(args, "protect_key", False):
        return run_build_with(args, None)
    from guide.pdf.protect import PASSWORD_VARIABLE, read_password

    try:
        password = read_password(args.password_file)
    except GuideError as exc:
        print_problems(exc.problems)
        say("guide: 1 error; nothing was written", sys.stderr)
        return EXIT_INVALID
    # Read once: out of the environment while the command runs, so that no process it starts or
    # forks has the password in its environment.
    kept = os.environ.pop(PASSWORD_VARIABLE, None)
    try:
        return run_build_with(args, password)
    finally:
        if kept is not None:
            os.environ[PASSWORD_VARIABLE] = kept


def run_build_with(args: argparse.Namespace, password: str | None) -> int:
    from guide import build  # deferred: `guide --help` stays fast

    guides: list[Path] = [args.guide] if args.command == "handouts" else list(args.guides)
    if not guides:
        guides = build.find_guides(DEFAULT_DATA)
        if not guides:
            say(f"guide: error: no guide folders (with a guide.yaml) under {DEFAULT_DATA}/", sys.stderr)
            return EXIT_INVALID
    if args.command not in ("check", "release"):
        from guide.pdf.info import MAX_EPOCH, source_date_epoch

        try:
            source_date_epoch()
        except ValueError as exc:
            say(
                f"SOURCE_DATE_EPOCH: error: SOURCE_DATE_EPOCH must be whole seconds since 1970 (at most"
                f" {MAX_EPOCH}), found '{exc}'; fix it or unset it",
                sys.stderr,
            )
            say("guide: 1 error; nothing was written", sys.stderr)
            return EXIT_INVALID
    max_bytes = int(args.max_file_size * 1024 * 1024) if args.max_file_size is not None else None
    shown = sys.stderr.isatty() and not getattr(args, "quiet", False) and "CI" not in os.environ
    progress = Progress(sys.stderr) if shown else None
    options = build.Options(
        style=getattr(args, "style", "base"),
        strict=args.strict,
        max_file_bytes=max_bytes,
        quiet=getattr(args, "quiet", False),
        progress=progress,
        paper=getattr(args, "paper", None),
        booklet=getattr(args, "booklet", False),
        key_password=password,
        selection=selection(args),
        draft=getattr(args, "draft", False),
        interviewer=getattr(args, "interviewer", False),
    )
    report = Report(verbose=getattr(args, "verbose", False), quiet=getattr(args, "quiet", False))
    try:
        if args.command != "release":  # a release lays nothing out
            build.theme_for(options)  # once: a broken style is one report, not one for every guide
    except GuideError as exc:
        report.problems(exc.problems)
        count = len(exc.errors)
        tail = "" if args.command == "check" else "; nothing was written"
        say(f"guide: {counted(count, 'error')}{tail}", sys.stderr)
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
                    say(line)
            elif args.command == "check" and not options.quiet:
                say(f"{folder}: ok")
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
        say(f"guide: {counted(errors, 'error')}{tail}", sys.stderr)
        return EXIT_INVALID
    return EXIT_OK
