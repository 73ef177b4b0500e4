"""Write a new guide folder, never over an existing one; and the example guide `guide new` writes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from guide.data.validate import FOLDER_PATTERN, GUIDE_FILE, MAX_FOLDER_LENGTH
from guide.errors import GuideError, Location, Problem, display_path


def check_folder_name(folder: Path) -> None:
    """GuideError unless the folder's name can be a guide's (it goes into file names)."""
    name = folder.name
    if not FOLDER_PATTERN.match(name) or len(name) > MAX_FOLDER_LENGTH:
        raise GuideError(
            [
                Problem(
                    Location(display_path(folder)),
                    f"'{name}' cannot name a guide: it goes into file names, so use letters, digits, '.',"
                    f" '-' and '_' (at most {MAX_FOLDER_LENGTH}), starting with a letter or digit",
                )
            ]
        )


def make_folder(folder: Path, files: dict[str, str], command: str) -> list[Path]:
    """Create `folder` holding `files` (relative path → text); GuideError if it already exists.

    The files are written in a hidden folder beside it, which is then renamed: the new folder
    appears whole or not at all, and an existing one is never written into.
    """
    check_folder_name(folder)
    shown = display_path(folder)
    exists = GuideError(
        [
            Problem(
                Location(shown),
                f"the folder already exists, and {command} never writes over one; choose another name,"
                " or move the folder away",
            )
        ]
    )
    if os.path.lexists(folder):
        raise exists
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    except OSError as exc:
        raise GuideError(
            [Problem(Location(shown), f"cannot create the folder: {exc.strerror or exc}")]
        ) from exc
    claimed = False
    try:
        for relative, text in files.items():
            path = work / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.chmod(work, 0o755)  # mkdtemp makes it private; a guide folder is an ordinary one
        try:
            os.mkdir(folder)  # claims the name: fails if the folder appeared meanwhile
        except FileExistsError:
            raise exists from None
        claimed = True
        os.replace(work, folder)  # over the empty folder just made, in one step
    except OSError as exc:
        if claimed:
            os.rmdir(folder)  # the empty folder made above, and nothing else
        raise GuideError(
            [Problem(Location(shown), f"cannot write the folder: {exc.strerror or exc}")]
        ) from exc
    finally:
        if work.exists():
            shutil.rmtree(work)
    return [folder / relative for relative in files]


def humanised(name: str) -> str:
    """A folder's name as a title: 'sql-interview_bank' → 'Sql interview bank'."""
    words = name.replace("_", " ").replace("-", " ").replace(".", " ").split()
    text = " ".join(words) or name
    return text[:1].upper() + text[1:]


def new_guide(folder: Path, today: dt.date) -> Path:
    """Write folder/guide.yaml: an example guide with one question that shows every field, commented."""
    make_folder(folder, {GUIDE_FILE: example(humanised(folder.name), today)}, "guide new")
    return folder / GUIDE_FILE


def example(title: str, today: dt.date) -> str:
    """The text of an example guide.yaml: every field of a guide and of a question, each explained."""
    from guide.data.imports.write import dump

    title_line = dump({"title": f"{title} Interview Study Guide"}).strip()
    # The comments start in one column, whatever the title's length.
    return EXAMPLE.format(
        title=title_line.ljust(COMMENTS - 1), date=f"date: {today.isoformat()}".ljust(COMMENTS - 1)
    )


COMMENTS = 33  # the column (from 0) of the comments in the example


EXAMPLE = """\
# A guide: this file, and optionally more questions in questions/*.yaml (each a list like the
# one below). Check it with `guide check`, build it with `guide build`; both take this folder.
{title} # required: printed on the cover
subtitle: What a candidate should know, with what interviewers listen for   # optional
edition: "1"                     # required; goes into file names, so keep it in quotes
{date} # the edition's date: printed, and the date of the PDFs
authors: [Your name]             # optional: a list
language: en                     # a language tag: en, en-GB, fr …
description: |                   # Markdown, printed on the "how to use" page
  Who this guide is for and how to use it. All text fields are Markdown: *emphasis*,
  **bold**, `code`, lists, tables and [links](https://example.com).
format: markdown                 # or text: every line kept as typed, no Markdown read
topics:                          # optional: the order and titles of the sections
  - Fundamentals

questions:
  - id: first-question           # required: lowercase letters, digits and '-'; unique; keep it
                                 # unchanged between editions (links and digests follow it)
    topic: Fundamentals          # required: one of `topics`
    title: Make your own question  # optional: its name in the contents (else its first sentence)
    format: markdown             # optional: this question's own format (markdown or text)
    difficulty: easy             # optional: easy, medium or hard
    tags: [example, basics]      # optional: short names, for practice sets (--tags)
    question: |                  # required: what the interviewer asks
      What does this example question show, and how do you make your own?
    guidance: |                  # what the interviewer listens for (a warning if missing)
      A good answer names the required fields (id, topic, question, answer) and says
      which ones are optional.
    answer: |                    # required: the model answer, in Markdown
      Each question is a mapping in the `questions` list. Four fields are required:

      - `id`, a short name that never changes;
      - `topic`, one of the guide's topics;
      - `question` and `answer`, in Markdown.

      The others (difficulty, tags, guidance, key points, follow-ups) are optional but make
      a better guide. Write text over several lines after `|`, indented under its key.
    key_points:                  # the checklist a reviewer ticks (a warning if missing)
      - Four fields are required; the others are optional
      - Text fields are Markdown
    follow_ups:                  # optional: what an interviewer asks next
      - How would you split a large bank into several files?
"""


def folder_for(stem: str) -> str:
    """A guide folder's name made from a file's: 'Interview Questions (2024)' → 'interview-questions-2024'."""
    kept = "".join(c if c.isalnum() and c.isascii() else "-" for c in stem.casefold())
    return "-".join(part for part in kept.split("-") if part) or "imported"
