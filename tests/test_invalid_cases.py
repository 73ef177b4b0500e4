"""Each case under tests/cases/invalid/ makes `guide check` fail with exactly the expected messages.

A case is `<name>.expected`, the exact stderr of `guide check <name>` run in a temporary folder
(so paths read `<name>/guide.yaml:3:5: …`), beside its input:

- `<name>.yaml`: copied to `<name>/guide.yaml`;
- or a folder `<name>/`: a whole guide folder, copied as it is (for questions/ files, bytes that
  are not UTF-8, a missing guide.yaml, a folder where a file should be);
- or neither: `<name>` does not exist.

Cases named `strict-…` run with `--strict`. A `<name>.args` file adds command-line arguments,
one a line (for example `--max-file-size` and `0.001`).

To rewrite every .expected file from the current messages, run the tests with
GUIDE_UPDATE_EXPECTED=1, then read each changed file: every message must say what was expected,
what was found, and the fix.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from guide.cli import main

CASES = Path(__file__).parent / "cases" / "invalid"
UPDATE = os.environ.get("GUIDE_UPDATE_EXPECTED") == "1"
NAMES = sorted(p.stem for p in CASES.glob("*.expected"))


def test_there_are_enough_cases() -> None:
    """The error cases cover the format: at least 24 of them."""
    assert len(NAMES) >= 24


def test_every_input_has_an_expected_file() -> None:
    """An input without its .expected file would silently never run."""
    inputs = {p.stem for p in CASES.glob("*.yaml")} | {p.name for p in CASES.iterdir() if p.is_dir()}
    assert inputs <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_invalid_case(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`guide check` exits 1 and prints exactly the expected messages."""
    folder, single = CASES / name, CASES / f"{name}.yaml"
    if folder.is_dir():
        shutil.copytree(folder, tmp_path / name, symlinks=True)
    elif single.is_file():
        (tmp_path / name).mkdir()
        shutil.copyfile(single, tmp_path / name / "guide.yaml")
    argv = ["check", name]
    if name.startswith("strict-"):
        argv.append("--strict")
    args = CASES / f"{name}.args"
    if args.is_file():
        argv += [line for line in args.read_text(encoding="utf-8").splitlines() if line]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GUIDE_MAX_FILE_MB", raising=False)

    code = main(argv)

    out, err = capsys.readouterr()
    expected_file = CASES / f"{name}.expected"
    if UPDATE:
        expected_file.write_bytes(err.encode("utf-8"))
    assert (code, out) == (1, "")
    assert err == expected_file.read_bytes().decode("utf-8")
