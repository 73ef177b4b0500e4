"""`guide diff`: what changed between two editions, as text or JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from guide.cli.output import print_problems, say
from guide.cli.parser import EXIT_INVALID, EXIT_OK
from guide.errors import GuideError, counted


def run_diff(args: argparse.Namespace) -> int:
    """`guide diff`: what changed between two editions, as text or JSON, on stdout."""

    from guide import build
    from guide.edition import changes

    *folder, old, new = args.editions
    try:
        before, after, found = build.diff_editions(old, new, Path(folder[0]) if folder else None)
    except GuideError as exc:
        print_problems(exc.problems)
        say(f"guide: {counted(len(exc.errors), 'error')}", sys.stderr)
        return EXIT_INVALID
    lines = (
        [json.dumps(changes.diff_json(before, after, found), indent=2, ensure_ascii=False)]
        if args.json
        else changes.diff_text(before, after, found)
    )
    try:
        for line in lines:
            for part in line.split("\n"):  # the JSON's lines, each printed as a line
                say(part)
        sys.stdout.flush()
    except BrokenPipeError:  # `guide diff … | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
