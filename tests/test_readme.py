"""Every `guide …` command in the README's shell examples runs as written, in order, in a copy."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from guide import cli

ROOT = Path(__file__).resolve().parent.parent

# What the README says the reader writes themselves before a command: a list of candidates,
# a password file, a style of their own.
READER_FILES = {
    "candidates.csv": 'name,id,email\n"Ada Lovelace",c-1,ada@example.org\nИрина Петрова,c-2,\n',
    "key-password.txt": "correct horse battery staple\n",
    "my-styles/big.yaml": "extends: base\nstyles:\n  body:\n    size: 12pt\n    leading: 17pt\n",
}


def readme_commands() -> list[str]:
    """The lines of the README's shell blocks that run guide (an environment variable may lead)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```(?:sh|bash|shell)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            while words and re.match(r"[A-Z_]+=", words[0]):
                words = words[1:]
            if words[:1] == ["guide"] or words[:3] == ["python", "-m", "guide"]:
                commands.append(line)
    return commands


def test_the_readme_has_examples() -> None:
    commands = readme_commands()
    assert len(commands) > 20
    assert any("cards data/ai-engineer --grid 2x4" in c for c in commands)


@pytest.mark.slow
def test_every_readme_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in ("data", "docs"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("editions"))
    for name, content in READER_FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for line in readme_commands():
        words = shlex.split(line, comments=True)
        env = {}
        while re.match(r"[A-Z_]+=", words[0]):
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        args = words[3:] if words[0] == "python" else words[1:]
        with monkeypatch.context() as patched:
            for key, value in env.items():
                patched.setenv(key, value)
            code = cli.main(args)
        captured = capsys.readouterr()
        assert code == 0, (line, captured.err[-2000:])
    assert os.path.exists(tmp_path / "output" / "ai-engineer-cards")
