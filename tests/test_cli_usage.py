"""Command-line edge cases found in review: bad sizes, bad SOURCE_DATE_EPOCH, partial multi-guide builds."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

from guide import cli
from guide.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.mark.parametrize("size", ["nan", "inf", "1e400", "0", "-1", "abc"])
def test_max_file_size_must_be_a_positive_finite_number(
    size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--max-file-size", size, str(DATA / "sql-fundamentals")]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("epoch", ["abc", "1e9", "99999999999999", "²", "-5"])
def test_bad_source_date_epoch_is_an_input_error(
    epoch: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert main(["build", str(DATA / "sql-fundamentals"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("SOURCE_DATE_EPOCH: error: ")
    assert not any(tmp_path.iterdir())


def test_a_partial_build_does_not_claim_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(DATA / "sql-fundamentals", tmp_path / "good")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "guide.yaml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "good", "bad", "--out", "out", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert (tmp_path / "out" / "good" / "manifest.json").is_file()
    assert "nothing was written" not in err
    assert err.endswith("guide: 1 error; 1 of 2 guides not built (the rest were written)\n")


def test_an_unknown_style_is_named_once_with_the_styles_there_are(capsys: pytest.CaptureFixture[str]) -> None:
    guides = [str(DATA / "sql-fundamentals"), str(DATA / "ai-engineer")]
    assert main(["check", "--style", "nosuch", *guides]) == 1
    assert capsys.readouterr().err == (
        "--style: error: no style named 'nosuch' (styles: base, booklet, large-print, print; or give a style"
        " file's path)\nguide: 1 error\n"
    )


def test_source_date_epoch_with_spaces_is_the_date_of_every_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked and read by the same rule: ' 86400 ' is 2 January 1970, not the guide's own date."""
    from pypdf import PdfReader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 86400 ")
    assert main(["build", str(DATA / "sql-fundamentals"), "--out", str(tmp_path), "--quiet"]) == 0
    for pdf in (tmp_path / "sql-fundamentals").glob("*.pdf"):
        meta = PdfReader(pdf).metadata
        assert meta is not None, pdf.name
        assert str(meta["/CreationDate"]).startswith("D:19700102000000"), pdf.name


@pytest.mark.parametrize(
    ("argv", "command", "expected"),
    [
        (["build", "--stirct"], "build", "'--stirct'; did you mean '--strict'?"),
        (["check", "x", "--stlye=print"], "check", "'--stlye=print'; did you mean '--style'?"),
        (["cards", "--qiuet"], "cards", "'--qiuet'; did you mean '--quiet'?"),
        (["--strict", "check"], "check", "'--strict'; it goes after the command: guide check --strict"),
    ],
)
def test_a_mistyped_option_gets_its_commands_usage_and_the_nearest_option(
    argv: list[str], command: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse itself reports it with the usage of `guide` and no suggestion."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: guide {command} "), err
    assert err.endswith(f"\nguide {command}: error: unrecognized argument {expected}\n"), err


def test_every_unknown_argument_is_named_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["handouts", "g", "extra", "--candidates", "c.csv", "--bokklet"]) == 2
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "guide handouts: error: unrecognized argument 'extra'",
        "guide handouts: error: unrecognized argument '--bokklet'",
    ]


def _help(*command: str) -> str:
    """The output of `guide … --help`, with its lines joined (argparse wraps them)."""
    with pytest.raises(SystemExit), contextlib.redirect_stdout(io.StringIO()) as out:
        cli.make_parser().parse_args([*command, "--help"])
    return " ".join(out.getvalue().split())


def _options(synopsis: str) -> dict[str, str]:
    """Each option a synopsis shows, with what follows it ('' for a flag): {'--out': 'DIR', …}."""
    found = re.findall(r"(--[a-z][a-z-]*)(?: ([^\s\[\]]+))?", synopsis)
    return {option: value for option, value in found if option != "--help"}


def _readme_synopses() -> dict[str, str]:
    """The README's command-line block: each command's lines, by command ('' for `guide` alone)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## The command line", 1)[1].split("```", 2)[1]
    synopses: dict[str, str] = {}
    command = None
    for line in block.splitlines():
        if line.startswith("guide "):
            word = line.split()[1]
            command = "" if word.startswith("-") else word
            synopses[command] = synopses.get(command, "") + " " + line
        elif line.startswith(" ") and command is not None:
            synopses[command] += " " + line
        else:
            command = None
    return synopses


def _commands() -> tuple[str, ...]:
    """Every command the parser knows."""
    import argparse

    (actions,) = [a for a in cli.make_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return tuple(actions.choices)


COMMANDS = _commands()


def test_the_readme_shows_every_option_of_every_command_and_no_other() -> None:
    """Each option in the README's synopsis, with its argument, is in the command's --help, and the
    other way round."""
    synopses = _readme_synopses()
    assert set(synopses) == {"", *COMMANDS}
    for command in COMMANDS:
        usage = _help(command).split(" options: ")[0]
        assert _options(synopses[command]) == _options(usage), command
    assert _options(synopses[""]) == _options(_help().split(" options: ")[0]) == {"--version": ""}


def test_every_output_the_help_names_is_where_the_command_writes(tmp_path: Path) -> None:
    """The folders and files each command's --help promises (OUT/<guide>-practice-<seed>-<digest>/
    …) are the ones it makes."""
    guide = DATA / "sql-fundamentals"
    (tmp_path / "c.csv").write_text("name\nAda Lovelace\n", encoding="utf-8")
    runs = {
        "build": [["build", str(guide)], ["build", str(guide), "--count", "2", "--seed", "4"]],
        "cards": [["cards", str(guide)]],
        "handouts": [["handouts", str(guide), "--candidates", str(tmp_path / "c.csv")]],
    }
    fields = {"guide": "sql-fundamentals", "edition": "2026.1", "seed": "4", "digest": "[0-9a-f]{6}"}
    for command, argvs in runs.items():
        out = tmp_path / command
        for argv in argvs:
            assert main([*argv, "--out", str(out), "--quiet"]) == 0
        made = [p.name + ("/" if p.is_dir() else "") for p in out.iterdir() if not p.name.startswith(".")]
        named = re.findall(r"OUT/(\S+?)(?=[\s,.)]*(?:\s|$))", _help(command))
        assert named, command
        # What OUT holds: the first step of each path named (a folder, for a file inside one).
        promised = [p.split("/", 1)[0] + "/" if "/" in p.rstrip("/") else p for p in named]
        patterns = [
            re.sub(r"<(\w+)>", lambda m: fields[m[1]], re.escape(p).replace(r"\<", "<").replace(r"\>", ">"))
            for p in promised
        ]
        unmade = [p for p, pattern in zip(promised, patterns, strict=True) if not _any(pattern, made)]
        unnamed = [m for m in made if not any(re.fullmatch(pattern, m) for pattern in patterns)]
        assert (unmade, unnamed) == ([], []), (command, made)


def _any(pattern: str, names: list[str]) -> bool:
    return any(re.fullmatch(pattern, name) for name in names)


def test_control_characters_never_reach_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV header or a file name holding escape sequences (which retitle, recolour or rewrite a
    terminal) is shown with them escaped, in every line guide prints."""
    from conftest import MINIMAL_YAML, write_guide

    monkeypatch.chdir(tmp_path)
    evil = "\x1b]0;PWNED\x07\x1b[31mevil\u202e"
    candidates = tmp_path / "c.csv"
    candidates.write_text(f"name,{evil}\nAnn,1\n", encoding="utf-8")
    source = write_guide(tmp_path / "g", MINIMAL_YAML)
    assert main(["handouts", str(source), "--candidates", str(candidates), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "unknown column '\\x1b]0;PWNED\\x07\\x1b[31mevil\\u202e'" in err
    (source / "questions").mkdir()
    (source / "questions" / f"{evil}\r\n.yaml").write_text("- [unclosed\n", encoding="utf-8")
    assert main(["check", str(source)]) == 1
    err = capsys.readouterr().err
    assert "questions/\\x1b]0;PWNED\\x07\\x1b[31mevil\\u202e\\x0d\\x0a.yaml:" in err
    for text in (err, *capsys.readouterr()):
        assert not any(c in text for c in "\x1b\x07\r\u202e")


def test_printable_escapes_controls_and_keeps_the_rest() -> None:
    from guide.cli import printable

    assert printable("a\tb\x00c\x9bd\u2066e é 漢 ✓") == "a\\x09b\\x00c\\x9bd\\u2066e é 漢 ✓"
