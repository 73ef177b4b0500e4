"""Installing guide: a fresh clone's `make guide` prints what it builds, not setuptools' warnings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Builds the editable wheel as pip does (PEP 660), and prints every warning the backend gave.
BUILD = """
import json, sys, warnings
import setuptools.build_meta as backend
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wheel = backend.build_editable(sys.argv[1])
print("RESULT " + json.dumps({"wheel": wheel, "warnings": [
    f"{w.category.__name__}: {w.message}" for w in caught]}))
"""


def test_the_editable_install_gives_no_warning(tmp_path: Path) -> None:
    """`make` installs guide in editable mode. With the layout left implicit, setuptools warned
    ("Editable installation … folders … with the same name as your package") on every fresh
    install; with it stated, the install is one path to the project in a .pth file."""
    project = tmp_path / "clone"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "guide", project / "guide", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    run = subprocess.run(
        [sys.executable, "-c", BUILD, str(wheels)], cwd=project, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.rsplit("RESULT ", 1)[1])
    assert result["warnings"] == []
    with zipfile.ZipFile(wheels / result["wheel"]) as wheel:
        (pth,) = (n for n in wheel.namelist() if n.endswith(".pth"))
        assert wheel.read(pth).decode().split() == [str(project.resolve())]
