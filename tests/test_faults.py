"""Faults while publishing: a build killed at any moment, a failed build, a read-only or full disk, two builds
at once. Afterwards output/<guide> is absent, the previous edition or the new one, whole: every file the
manifest lists is there with its SHA-256 and page count, and no PDF is cut short.

Kills come two ways. `python -m guide build` runs in a child process that gets SIGKILL, half the
time at a random moment of the build (seeded), half just after the new edition's files start to
be written; 10 kills, 100 under `make fuzz` (GUIDE_FUZZ_EXAMPLES set). And, deterministically,
publishing is stopped at each of its filesystem steps in turn, in the middle of a write too, as
a kill there would stop it; then the next publications must still be whole.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from guide.cli import main

GUIDE = "fault"  # the guide's folder name, so its output is out/fault
KILLS_PER_LANE = 5 if "GUIDE_FUZZ_EXAMPLES" not in os.environ else 50
LANES = 2  # independent output folders killed side by side, to keep the run short


def write_guide(parent: Path, edition: str, questions: int = 4) -> Path:
    """A small valid guide at parent/fault; its text differs by edition, and so do its PDFs."""
    folder = parent / GUIDE
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'title: Fault guide\nedition: "{edition}"\ndate: 2025-01-15\nquestions:']
    for i in range(questions):
        lines.append(
            f"  - id: q{i}\n    topic: Topic {i % 2}\n    question: Question {i} of edition {edition}?\n"
            f"    guidance: Listen for point {i}.\n    answer: |\n      Answer {i}, edition {edition}. "
            + "A sentence of the model answer. " * 30
            + f"\n    key_points: [Point {i}]"
        )
    (folder / "guide.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDE_")}
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def start_build(data: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "guide", "build", str(data), "--out", str(out), "--quiet"],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def edition_of(out: Path) -> str | None:
    """The edition out/<guide> holds (None: no edition yet), after checking that it is whole."""
    target = out / GUIDE
    if not target.exists():
        assert not target.is_symlink(), f"{target} is a dangling link to {os.readlink(target)}"
        return None
    folder = target.resolve()  # once: a concurrent switch must not mix two editions in one check
    assert (folder / "manifest.json").is_file(), f"{folder.name} has no manifest.json"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = set()
    for role, entry in manifest["files"].items():
        path = folder / entry["path"]
        assert path.is_file(), f"{folder.name}: {entry['path']} is in the manifest but not in the folder"
        data = path.read_bytes()
        listed.add(entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{role}: checksum differs"
        assert len(data) == entry.get("bytes", len(data)), f"{role}: size differs"
        assert len(PdfReader(io.BytesIO(data), strict=True).pages) == entry["pages"], f"{role}: pages"
    for pdf in folder.glob("*.pdf"):
        assert pdf.name in listed, f"{pdf.name} is not in the manifest"
    assert manifest["guide"] == GUIDE
    return str(manifest["edition"])


def listing(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def wait_for_publishing(out: Path, proc: subprocess.Popen[bytes], before: set[str]) -> None:
    """Return as soon as the build starts writing its edition: a new temporary folder appears."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(n.startswith(f".{GUIDE}") and "tmp-" in n for n in listing(out) - before):
            return
        time.sleep(0.002)


def _lane(lane: int, root: Path, failures: list[str]) -> None:
    try:
        rng = random.Random(20251125 + lane)
        out = root / f"out{lane}"
        data = {e: write_guide(root / f"data{lane}-{e}", e) for e in ("1", "2")}
        start = time.monotonic()
        proc = start_build(data["1"], out)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        duration = time.monotonic() - start
        current = edition_of(out)
        assert current == "1"
        for kill in range(KILLS_PER_LANE):
            new = "2" if current == "1" else "1"
            before = listing(out)
            proc = start_build(data[new], out)
            if kill % 2:
                wait_for_publishing(out, proc, before)
                time.sleep(rng.uniform(0, 0.3))  # writing, renaming, switching, cleaning up
            else:
                time.sleep(rng.uniform(0.2, 1.1) * duration)
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=60)
            found = edition_of(out)
            assert found in (current, new), f"kill {kill}: found edition {found}, expected {current} or {new}"
            current = found
        # After all that, a build runs to the end and publishes whole.
        new = "2" if current == "1" else "1"
        proc = start_build(data[new], out)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        assert edition_of(out) == new
    except BaseException as exc:  # reported by the test, in its own thread
        failures.append(f"lane {lane}: {type(exc).__name__}: {exc}")


def test_a_build_killed_at_any_moment_leaves_a_whole_edition(tmp_path: Path) -> None:
    """SIGKILL at random moments and while publishing: out/<guide> is always the old or the new edition."""
    failures: list[str] = []
    threads = [threading.Thread(target=_lane, args=(lane, tmp_path, failures)) for lane in range(LANES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, "\n".join(failures)


def test_two_builds_at_once_leave_one_whole_edition(tmp_path: Path) -> None:
    """Two builds of the same guide into the same folder, of different editions or the same."""
    out = tmp_path / "out"
    one, two = write_guide(tmp_path / "a", "1"), write_guide(tmp_path / "b", "2")
    for pair, allowed in (((one, two), {"1", "2"}), ((two, two), {"2"})):
        procs = [start_build(data, out) for data in pair]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode()
        assert edition_of(out) in allowed
        leftovers = [n for n in os.listdir(out) if "tmp-" in n or "link-" in n]
        assert not leftovers, leftovers


# --- in-process faults: the CLI reports them, and out/ does not change ----------------------------


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under folder: bytes of files, targets of links (not followed)."""
    entries: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                entries[key] = "→ " + os.readlink(path)
            elif path.is_file():
                entries[key] = path.read_bytes()
    return entries


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/out holding edition 1 of the guide, and the working folder at tmp_path."""
    monkeypatch.chdir(tmp_path)
    for name in ("GUIDE_MAX_FILE_MB", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    write_guide(tmp_path / "v1", "1")
    write_guide(tmp_path / "v2", "2")
    assert main(["build", f"v1/{GUIDE}", "--out", "out", "--quiet"]) == 0
    assert edition_of(tmp_path / "out") == "1"
    return tmp_path / "out"


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert out == ""
    return code, err


def test_a_failed_build_changes_nothing(published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Invalid data: exit 1 and not one byte of out/ changes."""
    before = snapshot(published)
    guide = published.parent / "v2" / GUIDE / "guide.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("answer: |", "anwser: |", 1), encoding="utf-8")
    code, err = _cli(["build", f"v2/{GUIDE}", "--out", "out"], capsys)
    assert code == 1
    assert "unknown key 'anwser'; did you mean 'answer'?" in err
    assert err.endswith("nothing was written\n")
    assert snapshot(published) == before


def test_output_under_a_file_is_a_clear_error(published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out inside a regular file (read-only to root as to anyone): one clear line, exit 1."""
    (published.parent / "afile").write_text("x", encoding="utf-8")
    code, err = _cli(["build", f"v2/{GUIDE}", "--out", "afile/out"], capsys)
    assert (code, err) == (
        1,
        f"afile/out/{GUIDE}: error: cannot write the output: Not a directory\n"
        "guide: 1 error; nothing was written\n",
    )


def test_output_on_proc_is_a_clear_error(published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out on /proc, where nothing can be created: a clear line, exit 1, no traceback."""
    code, err = _cli(["build", f"v2/{GUIDE}", "--out", "/proc/guide-test-out"], capsys)
    assert code == 1
    assert err.splitlines()[0].startswith(f"/proc/guide-test-out/{GUIDE}: error: cannot write the output: ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("target", "fault"),
    [
        ("os.replace", errno.EROFS),  # the switch to the new edition
        ("os.rename", errno.EROFS),
        ("os.fsync", errno.ENOSPC),  # the disk fills while the files are written
        ("open", errno.ENOSPC),
        ("os.mkdir", errno.EROFS),  # the staging folder cannot be made
    ],
)
def test_a_read_only_or_full_disk_is_a_clear_error_and_keeps_the_edition(
    target: str,
    fault: int,
    published: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """EROFS and ENOSPC while publishing: one line naming the cause, exit 1, the old edition whole."""
    import guide.edition.publish

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(fault, os.strerror(fault))

    real_open = open

    def fail_writes(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode or "a" in mode or "x" in mode:
            raise OSError(fault, os.strerror(fault))
        return real_open(file, mode, *args, **kwargs)

    if target == "open":
        monkeypatch.setattr(guide.edition.publish, "open", fail_writes, raising=False)
    else:
        monkeypatch.setattr(os, target.removeprefix("os."), fail)
    code, err = _cli(["build", f"v2/{GUIDE}", "--out", "out"], capsys)
    monkeypatch.undo()
    reason = os.strerror(fault)
    assert (code, err) == (
        1,
        f"out/{GUIDE}: error: cannot write the output: {reason}\nguide: 1 error; nothing was written\n",
    )
    assert edition_of(published) == "1"
    # And the next build, on a healthy disk, publishes whole.
    monkeypatch.chdir(published.parent)
    assert main(["build", f"v2/{GUIDE}", "--out", "out", "--quiet"]) == 0
    assert edition_of(published) == "2"


def test_an_edition_half_deleted_by_a_kill_is_not_published_again(published: Path) -> None:
    """A build killed while it deleted an old edition's folder leaves it half there; publishing
    that edition again must not point out/<guide> at the remains."""
    first = (published / GUIDE).resolve()
    kept = published.parent / "kept"
    shutil.copytree(first, kept)
    assert main(["build", f"v2/{GUIDE}", "--out", "out", "--quiet"]) == 0
    assert not first.exists()  # edition 2 is published, and edition 1's folder removed
    # What a SIGKILL in the middle of that removal leaves: the folder, some of its files gone.
    shutil.copytree(kept, first)
    next(first.glob("*-complete.pdf")).unlink()
    assert main(["build", f"v1/{GUIDE}", "--out", "out", "--quiet"]) == 0
    assert edition_of(published) == "1"


# --- publishing interrupted at every step -----------------------------------------------------------


class Killed(BaseException):
    """What the process sees of a SIGKILL: nothing more runs, not even `finally` clauses' file work."""


class _Crash:
    """Counts publishing's filesystem steps and kills the publisher at step `at` (0: never)."""

    STEPS = ("mkdir", "rename", "replace", "symlink", "unlink", "rmdir", "fsync", "chmod")

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
        import builtins

        import guide.edition.publish

        self.at, self.steps, self.dead = at, 0, False
        for name in self.STEPS:
            monkeypatch.setattr(os, name, self._wrap(getattr(os, name)))
        real_open = builtins.open
        crash = self

        class HalfWriter:
            """A file that, killed during a write, keeps the first half of what it was given."""

            def __init__(self, raw: Any) -> None:
                self.raw = raw

            def __enter__(self) -> HalfWriter:
                return self

            def __exit__(self, *exc: object) -> None:
                self.raw.close()

            def write(self, data: bytes) -> int:
                crash.step(lambda: (self.raw.write(data[: len(data) // 2]), self.raw.flush()))
                return int(self.raw.write(data))

            def __getattr__(self, name: str) -> Any:
                return getattr(self.raw, name)

        def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            crash.step()
            handle = real_open(file, mode, *args, **kwargs)
            return HalfWriter(handle) if "w" in mode and "b" in mode else handle

        monkeypatch.setattr(guide.edition.publish, "open", fake_open, raising=False)

    def step(self, before_dying: Any = None) -> None:
        if self.dead:
            raise Killed
        self.steps += 1
        if self.steps == self.at:
            if before_dying is not None:
                before_dying()
            self.dead = True
            raise Killed

    def _wrap(self, real: Any) -> Any:
        def step_then_call(*args: Any, **kwargs: Any) -> Any:
            self.step()
            return real(*args, **kwargs)

        return step_then_call


def _edition(folder: Path) -> tuple[Any, Any]:
    """A guide and its finished edition, ready to publish."""
    from conftest import make_edition

    from guide.data.validate import load_guide
    from guide.layout import fonts
    from guide.layout.styles import load_theme

    guide, _ = load_guide(folder)
    theme = load_theme("base")
    fonts.check_coverage(guide, theme)
    return guide, make_edition(guide, theme, folder / "made")


def test_publishing_interrupted_at_every_step_leaves_a_whole_edition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kill publishing at each of its filesystem steps in turn (mid-write too), then publish again."""
    from guide.edition.publish import publish

    editions = {e: _edition(write_guide(tmp_path / f"v{e}", e, questions=1)) for e in ("1", "2")}
    out = tmp_path / "out"
    publish(*editions["1"], out)
    with pytest.MonkeyPatch.context() as mp:
        counter = _Crash(mp, at=0)
        publish(*editions["2"], out)  # an uninterrupted run, to count its steps
    steps = counter.steps
    assert steps >= 5
    current = "2"
    for at in range(1, steps + 1):
        new = "1" if current == "2" else "2"
        with pytest.MonkeyPatch.context() as mp:
            _Crash(mp, at)
            with pytest.raises(Killed):
                publish(*editions[new], out)
        found = edition_of(out)
        assert found in (current, new), f"killed at step {at}: edition {found}"
        # Whatever the kill left behind, the next publications are whole: of the edition it was
        # replacing (whose folder it may have been deleting), then of the one it was publishing.
        for then in (current, new):
            publish(*editions[then], out)
            assert edition_of(out) == then, f"after a kill at step {at}, publishing {then}"
        current = new
