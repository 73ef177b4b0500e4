"""Formulas and SVG figures kept between builds (guide/cache.py): the same forms whether made or
read back, never a failure because of the cache, and nothing kept when it is turned off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guide import cache

ROOT = Path(__file__).resolve().parent.parent

BANK = """\
title: Cached
edition: "1"
date: 2026-01-15
topics: [Maths]
questions:
  - id: gradient
    topic: Maths
    difficulty: easy
    question: What is $\\nabla f$ for $f(x) = x^2$?
    guidance: The derivative.
    answer: |
      $$\\frac{df}{dx} = 2x \\tag{1}$$

      ![A square](square.svg)
    key_points: [It is $2x$, '$\\notacommand$ is no formula']
"""
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
    '<rect width="40" height="30" fill="#36c"/></svg>'
)


def _bank(tmp_path: Path) -> Path:
    folder = tmp_path / "cached"
    folder.mkdir()
    (folder / "guide.yaml").write_text(BANK, encoding="utf-8")
    (folder / "square.svg").write_text(SVG, encoding="utf-8")
    return folder


def _build(folder: Path, out: Path, cache_dir: str) -> dict[str, bytes]:
    """The bank built in a fresh process (nothing made before in memory), its PDFs by name."""
    env = {**os.environ, cache.ENV: cache_dir, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run(
        [sys.executable, "-m", "guide", "build", str(folder), "--out", str(out), "-q"],
        env=env, capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted((out / folder.name).glob("*.pdf"))}


def test_a_build_from_the_cache_is_the_build_made_afresh(tmp_path: Path) -> None:
    folder, kept = _bank(tmp_path), tmp_path / "cache"
    afresh = _build(folder, tmp_path / "a", str(kept))
    entries = sorted(kept.glob("*/*.json"))
    kinds = {p.parent.name for p in entries}
    assert kinds == {"formulas", "figures"}
    # Four formulas that set (one twice) and one that cannot: each kept once, its failure too.
    formulas = [json.loads(p.read_text()) for p in kept.glob("formulas/*.json")]
    assert len(formulas) == 5
    assert sum("error" in f for f in formulas) == 1
    again = _build(folder, tmp_path / "b", str(kept))
    assert again == afresh
    assert sorted(kept.glob("*/*.json")) == entries  # nothing new made


def test_a_cached_formula_loads_no_typesetter(tmp_path: Path) -> None:
    """With the formula kept, ziamath (half a second to load) is never imported."""
    probe = (
        "import sys; from guide.layout import maths; "
        "made = maths.typeset(r'\\frac{a}{b}', True); "
        "print(type(made).__name__, 'ziamath' in sys.modules)"
    )
    env = {**os.environ, cache.ENV: str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs == ["Formula True\n", "Formula False\n"]


def test_a_damaged_entry_is_made_again(tmp_path: Path) -> None:
    folder, kept = _bank(tmp_path), tmp_path / "cache"
    afresh = _build(folder, tmp_path / "a", str(kept))
    for number, entry in enumerate(sorted(kept.glob("*/*.json"))):
        damage = ["{not json", '{"content": 3}', "[]", '{"content": "\\u20ac", "bbox": [0, 0, 1, 1]}']
        entry.write_text(damage[number % len(damage)], encoding="utf-8")
    assert _build(folder, tmp_path / "b", str(kept)) == afresh


def test_a_cache_that_cannot_be_written_is_no_cache(tmp_path: Path) -> None:
    folder = _bank(tmp_path)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    afresh = _build(folder, tmp_path / "a", str(blocked / "cache"))
    assert afresh == _build(folder, tmp_path / "b", "")
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_an_empty_cache_variable_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cache.ENV, "")
    assert cache.folder() is None
    cache.put("formulas", "x", ("a",), {"error": "e"})
    assert cache.get("formulas", "x", ("a",)) is None
    monkeypatch.delenv(cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "guide"
    cache.put("formulas", "x", ("a",), {"error": "e"})
    assert cache.get("formulas", "x", ("a",)) == {"error": "e"}
    assert cache.get("formulas", "x", ("a", "")) is None  # another key
    assert cache.get("formulas", "y", ("a",)) is None  # made by other code
    assert not list(tmp_path.glob("guide/formulas/.*.tmp"))  # no temporary file left


def test_the_readme_says_where_the_cache_is() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert cache.ENV in readme and "~/.cache/guide/" in readme
