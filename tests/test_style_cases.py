"""Each style under tests/cases/styles/ makes `guide build --style` fail with exactly the expected messages.

A case is `<name>.yaml`, a style (most extend base), beside `<name>.expected`, the exact stderr of
`guide build --style <name>.yaml <a guide> --out out` run in a temporary folder, so paths read
`<name>.yaml:3:10: …`. A `<name>.args` file adds command-line arguments, one a line (for
example `--paper` and `letter`).

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

CASES = Path(__file__).parent / "cases" / "styles"
GUIDE = Path(__file__).resolve().parent.parent / "data" / "sql-fundamentals"
UPDATE = os.environ.get("GUIDE_UPDATE_EXPECTED") == "1"
NAMES = sorted(p.stem for p in CASES.glob("*.expected"))


def test_every_style_case_has_an_expected_file() -> None:
    assert {p.stem for p in CASES.glob("*.yaml")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_style_case(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`guide build` exits 1, writes nothing and prints exactly the expected messages."""
    shutil.copyfile(CASES / f"{name}.yaml", tmp_path / f"{name}.yaml")
    argv = ["build", "--style", f"{name}.yaml", str(GUIDE), "--out", "out"]
    args = CASES / f"{name}.args"
    if args.is_file():
        argv += [line for line in args.read_text(encoding="utf-8").splitlines() if line]
    monkeypatch.chdir(tmp_path)

    code = main(argv)

    out, err = capsys.readouterr()
    expected_file = CASES / f"{name}.expected"
    if UPDATE:
        expected_file.write_bytes(err.encode("utf-8"))
    assert (code, out) == (1, "")
    assert not (tmp_path / "out").exists()
    assert err == expected_file.read_bytes().decode("utf-8")
