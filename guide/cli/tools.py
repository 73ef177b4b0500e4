"""`guide import`, `new`, `stats` and `preview`: each command's parser and what it runs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from guide.cli.output import Progress, print_problems, say
from guide.cli.parser import (
    DEFAULT_DATA,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    guide_args,
    paper_arg,
)
from guide.errors import GuideError, counted

IMPORT_FORMATS = ("markdown", "csv", "json", "yaml", "anki")


SHOWN_WARNINGS = 10  # an imported bank has a warning per question without guidance: show the first


def add_tools(commands: argparse._SubParsersAction[Parser]) -> None:
    _import_command(commands)
    _new_command(commands)
    _stats_command(commands)
    _preview_command(commands)


def run_tool(args: argparse.Namespace) -> int | None:
    """Run the command if it is one of these; None if it is not."""
    tools = {"import": _run_import, "new": _run_new, "stats": _run_stats, "preview": _run_preview}
    run_it = tools.get(args.command)
    return run_it(args) if run_it is not None else None


def _import_command(commands: argparse._SubParsersAction[Parser]) -> None:
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
        print_problems(exc.problems)
        count = len(exc.errors)
        say(f"guide: {counted(count, 'error')}; nothing was written", sys.stderr)
        return EXIT_INVALID
    print_problems(result.notes)
    if not result.files:
        for skipped in result.skipped:
            say(str(skipped))
        say(f"{result.source}: error: found no question with an answer; nothing was written", sys.stderr)
        return EXIT_INVALID
    topics = len(result.topics)
    say(
        f"{result.source} → {folder}: {result.questions}"
        f" {'question' if result.questions == 1 else 'questions'}"
        f" in {topics} {'topic' if topics == 1 else 'topics'}"
    )
    for topic, count in result.topics:
        say(f"  {topic}: {count}")
    for path in result.files:
        say(f"  wrote {path}")
    if result.skipped:
        say(f"skipped {len(result.skipped)}:")
        for skipped in result.skipped:
            say(f"  {skipped}")
    errors = [p for p in result.check if p.severity == "error"]
    warnings = [p for p in result.check if p.severity == "warning"]
    print_problems(errors)
    print_problems(warnings[:SHOWN_WARNINGS])
    if len(warnings) > SHOWN_WARNINGS:
        say(
            f"guide: … and {len(warnings) - SHOWN_WARNINGS} more warnings;"
            f" `guide check {folder}` lists them all",
            sys.stderr,
        )
    if not result.passed:
        noun = "error" if len(errors) == 1 else "errors"
        say(
            f"guide: {len(errors)} {noun} in the new guide {folder} (it was written): fix them, then run"
            f" `guide check {folder}`",
            sys.stderr,
        )
        return EXIT_INVALID
    say(f"{folder}: passes guide check; build it with `guide build {folder}`")
    return EXIT_OK


def _new_command(commands: argparse._SubParsersAction[Parser]) -> None:
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
        print_problems(exc.problems)
        say("guide: 1 error; nothing was written", sys.stderr)
        return EXIT_INVALID
    say(f"{path}: written; edit it, then build it with `guide build {folder}`")
    return EXIT_OK


def _stats_command(commands: argparse._SubParsersAction[Parser]) -> None:
    command = commands.add_parser(
        "stats",
        help="what a bank holds: questions by topic and difficulty, gaps, duplicates, pages",
        description="Count what each guide's bank holds: questions per topic and difficulty, questions"
        " without guidance, key points, follow-ups or tags, answer lengths (median and longest, in"
        " words), questions that look like duplicates, the estimated pages of each part (base style,"
        " without laying anything out) and the reading time. Nothing is written.",
    )
    guide_args(command)
    command.add_argument(
        "--json", action="store_true", help="print JSON instead of a table: one object a guide, one a line"
    )


def _run_stats(args: argparse.Namespace) -> int:
    import json

    from guide import build

    guides = list(args.guides) or build.find_guides(DEFAULT_DATA)
    if not guides:
        say(f"guide: error: no guide folders (with a guide.yaml) under {DEFAULT_DATA}/", sys.stderr)
        return EXIT_INVALID
    max_bytes = int(args.max_file_size * 1024 * 1024) if args.max_file_size is not None else None
    options = build.Options(strict=args.strict, max_file_bytes=max_bytes)
    errors = 0
    for index, folder in enumerate(guides):
        try:
            found = build.guide_stats(folder, options)
        except GuideError as exc:
            print_problems(exc.problems)
            errors += len(exc.errors)
            continue
        if args.json:
            say(json.dumps(found.as_json(), ensure_ascii=False))
            continue
        if index:
            say("")
        lines = found.table()
        for number, line in enumerate(lines):
            say(f"{folder}: {line}" if number == 0 else line)
    if errors:
        say(f"guide: {counted(errors, 'error')}", sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _preview_command(commands: argparse._SubParsersAction[Parser]) -> None:
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
    paper_arg(command)
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
            say(f"guide preview: error: give the guide folder (guides: {there})", sys.stderr)
            return EXIT_USAGE
        folder = found[0]
    out = args.out if args.out is not None else Path(f"{Path(os.path.abspath(folder)).name}-preview.png")
    shown = sys.stderr.isatty() and not args.quiet and "CI" not in os.environ
    progress = Progress(sys.stderr) if shown else None
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
        print_problems(exc.problems)
        count = len(exc.errors)
        say(f"guide: {counted(count, 'error')}; nothing was written", sys.stderr)
        return EXIT_INVALID
    if progress is not None:
        progress.clear()
    print_problems(result.warnings)
    if not args.quiet:
        for line in result.summary():
            say(line)
    return EXIT_OK
