"""Build end to end: the manifest, byte-identical rebuilds, pictures of the pages, the CLI and publishing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROLES, ROOT, TRICKY_YAML, Built, tree, write_guide
from pdfcheck import MM, dark_pixels, ink_box
from pypdf import PdfReader
from pypdf.generic import PdfObject

from guide.cli import main
from guide.errors import GuideError
from guide.layout.styles import load_theme
from guide.pdf import assemble, writer

# --- the manifest ---------------------------------------------------------------------------------


def test_manifest_describes_the_files(ai: Built) -> None:
    """Manifest keys, relative paths, and page counts, sizes and SHA-256 that match the files."""
    manifest = ai.manifest
    assert manifest["guide"] == "ai-engineer"
    assert manifest["title"] == "AI Engineer Interview Study Guide"
    assert manifest["edition"] == "2026.1"
    assert manifest["date"] == "2026-11-25"
    assert manifest["questions"] == 15
    assert set(manifest["files"]) == set(ROLES)
    names = set()
    for role, entry in manifest["files"].items():
        path = entry["path"]
        assert path == f"ai-engineer-2026.1-{role.replace('_', '-')}.pdf"
        assert not Path(path).is_absolute() and Path(path).name == path
        data = (ai.folder / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["pages"] == len(PdfReader(ai.folder / path).pages)
        names.add(path)
    assert sorted(os.listdir(ai.folder)) == sorted([*names, "manifest.json", ".guide.json"])
    # The hidden folder the edition is published in: a script that read the manifest through
    # output/<guide> can tell which edition it read.
    assert manifest["folder"] == ai.folder.resolve().name
    marker = json.loads((ai.folder / ".guide.json").read_text(encoding="utf-8"))
    assert marker == {"made_by": "guide", "guide": "ai-engineer", "kind": "edition"}
    hashes = manifest["question_hashes"]
    assert list(hashes) == [q.id for q in ai.guide.questions]
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in hashes.values())
    assert len(set(hashes.values())) == 15


# --- determinism ----------------------------------------------------------------------------------


def _build_in_process_env(seed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH" and not k.startswith("RL_")}
    env["PYTHONHASHSEED"] = seed
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_separate_processes_build_identical_bytes(ai: Built, tmp_path: Path) -> None:
    """Two builds in fresh processes with different hash seeds, and this session's build: identical bytes."""
    outs = [tmp_path / "one", tmp_path / "two"]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "guide", "build", str(DATA / "ai-engineer"), "--out", str(out), "--quiet"],
            cwd=tmp_path,
            env=_build_in_process_env(seed),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for out, seed in zip(outs, ("1", "4242"), strict=True)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr.decode()
    expected = {name: (ai.folder / name).read_bytes() for name in os.listdir(ai.folder)}
    for out in outs:
        got = {name: (out / "ai-engineer" / name).read_bytes() for name in os.listdir(out / "ai-engineer")}
        assert got.keys() == expected.keys()
        for name, data in expected.items():
            assert got[name] == data, name


def test_source_date_epoch_sets_the_pdf_date(
    tricky_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SOURCE_DATE_EPOCH, when set, is the creation and modification date of every file."""
    from guide.build import Options, build_guide

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    folder = build_guide(tricky_source, tmp_path / "out", Options()).folder
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"].values():
        meta = PdfReader(folder / entry["path"]).metadata
        assert meta is not None
        assert meta.creation_date_raw == "D:20231114221320Z"
        assert meta.modification_date_raw == "D:20231114221320Z"


# --- pictures -------------------------------------------------------------------------------------

SCALE = 0.5


@pytest.mark.parametrize("guide_id", ["ai-engineer", "tricky"])
@pytest.mark.parametrize("role", ["study_guide", "answer_key"])
def test_ink_stays_inside_the_margins(built: Callable[[str], Built], guide_id: str, role: str) -> None:
    """Nothing is drawn left or right of the text column, nor in the outer 10 mm at top and bottom."""
    theme = load_theme("base")
    (width, height), margins = theme.paper, theme.margins
    pdf = built(guide_id).pdf(role)
    slack = 2  # pixels: anti-aliasing
    left = margins["inner"] * SCALE - slack
    right = (width - margins["outer"]) * SCALE + slack
    top, bottom = 10 * MM * SCALE, (height - 10 * MM) * SCALE
    pictures = pdf.render(list(range(len(pdf))), SCALE)
    for index, picture in enumerate(pictures):
        box = ink_box(picture)
        assert box is not None, f"page {index} is blank"
        x0, y0, x1, y1 = box
        assert left <= x0 and x1 <= right, (index, box, (left, right))
        assert top <= y0 and y1 <= bottom, (index, box, (top, bottom))
    # The cover carries its title block: a good deal of ink in the upper half.
    cover = pictures[0]
    assert dark_pixels(cover.crop((0, 0, cover.width, cover.height // 2))) > 400


# --- the command line -----------------------------------------------------------------------------


def test_cli_build_writes_the_edition(
    tricky_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_epoch: None
) -> None:
    """`guide build DIR --out OUT` returns 0 and writes three PDFs and a manifest into OUT/<id>/."""
    out = tmp_path / "out"
    assert main(["build", str(tricky_source), "--out", str(out)]) == 0
    folder = out / "tricky"
    assert folder.is_symlink()
    pdfs = [f"tricky-0.9-{role}.pdf" for role in ("answer-key", "complete", "study-guide")]
    assert sorted(os.listdir(folder)) == [".guide.json", "manifest.json", *pdfs]
    captured = capsys.readouterr()
    assert all(": warning: question 'plain-question' has no" in line for line in captured.err.splitlines())
    assert len(captured.out.splitlines()) == 3 and "tricky-0.9-complete.pdf" in captured.out


def test_cli_check_writes_nothing(
    tricky_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`guide check DIR` returns 0, says ok, and writes nothing, in the working folder or beside the guide."""
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    assert main(["check", str(tricky_source)]) == 0
    assert tree(tmp_path) == before
    assert capsys.readouterr().out.strip().endswith(": ok")


def _published(out: Path, guide_id: str = "tricky") -> tuple[Path, dict[str, object]]:
    link = out / guide_id
    assert link.is_symlink()
    folder = out / os.readlink(link)
    assert folder.parent == out and folder.name.startswith(f".{guide_id}-")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"].values():
        assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    return folder, manifest


def test_failed_build_leaves_the_previous_edition(
    tricky_source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_epoch: None,
) -> None:
    """A guide with an error, or a failure while writing, leaves the output folder byte for byte as it was."""
    out = tmp_path / "out"
    assert main(["build", str(tricky_source), "--out", str(out), "--quiet"]) == 0
    before = tree(out)
    assert any(name.endswith("manifest.json") for name in before)

    write_guide(
        tricky_source, TRICKY_YAML.replace("    answer: An answer of one sentence", "    anwser: An answer")
    )
    capsys.readouterr()
    assert main(["build", str(tricky_source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "anwser" in err and "nothing was written" in err
    assert tree(out) == before

    # Valid data this time, but the disk fails halfway through writing the new edition.
    write_guide(tricky_source, TRICKY_YAML.replace("which says nothing else", "which says little else"))
    calls = []
    real_write = writer.PdfFile.write

    def failing_write(self: writer.PdfFile, number: int, obj: PdfObject) -> None:
        calls.append(self.path.name)
        if len(calls) == 60:
            raise OSError(28, "No space left on device")
        real_write(self, number, obj)

    monkeypatch.setattr(writer.PdfFile, "write", failing_write)
    assert main(["build", str(tricky_source), "--out", str(out)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert tree(out) == before


def test_publish_swaps_the_edition(tricky_source: Path, tmp_path: Path, no_epoch: None) -> None:
    """A new edition replaces the old by swapping the link: the old folder is gone, the manifest matches."""
    out = tmp_path / "out"
    assert main(["build", str(tricky_source), "--out", str(out), "--quiet"]) == 0
    first, first_manifest = _published(out)
    # The same data again: the same edition, left in place.
    assert main(["build", str(tricky_source), "--out", str(out), "--quiet"]) == 0
    assert _published(out)[0] == first

    write_guide(tricky_source, TRICKY_YAML.replace("which says nothing else", "which says little else"))
    assert main(["build", str(tricky_source), "--out", str(out), "--quiet"]) == 0
    second, second_manifest = _published(out)
    assert second != first and not first.exists()
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert hidden == [second.name]  # no lock file, no temporary folder left
    old_hashes, new_hashes = first_manifest["question_hashes"], second_manifest["question_hashes"]
    assert isinstance(old_hashes, dict) and isinstance(new_hashes, dict)
    assert [q for q in new_hashes if new_hashes[q] != old_hashes[q]] == ["plain-question"]
    complete = PdfReader(out / "tricky" / "tricky-0.9-complete.pdf")
    assert "which says little else" in " ".join(p.extract_text() for p in complete.pages)


def test_publish_never_replaces_a_folder_it_did_not_make(
    tricky_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_epoch: None
) -> None:
    """A folder, file or link where the edition goes, which guide did not make, is an error naming it;
    nothing of it is renamed, moved or deleted."""
    out = tmp_path / "out"
    (out / "tricky").mkdir(parents=True)
    (out / "tricky" / "old.pdf").write_bytes(b"%PDF old")
    before = tree(out)
    assert main(["build", str(tricky_source), "--out", str(out), "--quiet"]) == 1
    assert capsys.readouterr().err == (
        f"{out / 'tricky'}: error: this is a folder that guide did not make; guide replaces only its own"
        " output: move it away or rename it, or give another --out\nguide: 1 error; nothing was written\n"
    )
    assert tree(out) == before
    makers: tuple[tuple[Callable[[Path], object], str], ...] = (
        (lambda p: p.write_bytes(b"notes"), "a file that guide did not make;"),
        (lambda p: p.symlink_to(tmp_path), f"a symbolic link (to '{tmp_path}') that guide did not make;"),
        (
            lambda p: p.symlink_to(".tricky-0123456789ab"),
            "a link to a folder (.tricky-0123456789ab) that does not say which guide made it;",
        ),
    )
    for make, what in makers:
        shutil.rmtree(out)
        out.mkdir()
        (out / ".tricky-0123456789ab").mkdir()  # named like guide's, but not guide's
        make(out / "tricky")
        before = tree(out)
        assert main(["build", str(tricky_source), "--out", str(out), "--quiet"]) == 1
        assert f"tricky: error: this is {what}" in capsys.readouterr().err
        assert tree(out) == before


def test_publish_leaves_other_guides_alone(tmp_path: Path, no_epoch: None) -> None:
    """Cleaning up after guide 'ml' removes none of the folders of guide 'ml-tmp-notes', however old."""
    out = tmp_path / "out"
    other = write_guide(tmp_path / "src" / "ml-tmp-notes")
    assert main(["build", str(other), "--out", str(out), "--quiet"]) == 0
    folder, _ = _published(out, "ml-tmp-notes")
    hours_ago = folder.stat().st_mtime - 2 * 3600
    os.utime(folder, (hours_ago, hours_ago))  # older than any build still running
    assert main(["build", str(write_guide(tmp_path / "src" / "ml")), "--out", str(out), "--quiet"]) == 0
    assert _published(out, "ml-tmp-notes")[0] == folder
    assert _published(out, "ml")[0] != folder


def test_a_build_collects_cycles_less_often_and_restores_the_collector(
    tricky_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_epoch: None
) -> None:
    """The raised collector threshold holds for the build only, a failed build included."""
    import gc

    from guide.build import Options, build_guide
    from guide.pdf import assemble

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    real = assemble.assemble

    def spying(*args: Any, **kwargs: Any) -> assemble.Edition:  # as assemble.assemble
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(assemble, "assemble", spying)
    build_guide(tricky_source, tmp_path / "out", Options(quiet=True))
    assert seen and seen[0][0] > before[0]
    assert gc.get_threshold() == before

    def failing(*args: object, **kwargs: object) -> assemble.Edition:
        raise OSError("disk gone")

    monkeypatch.setattr(assemble, "assemble", failing)
    with pytest.raises(GuideError, match="cannot write the output: disk gone"):
        build_guide(tricky_source, tmp_path / "out2", Options(quiet=True))
    assert gc.get_threshold() == before
