"""Output folders: guide replaces only its own output of the same guide and kind, never writes beside or
inside a guide's sources, leaves nothing behind, and cleans what a killed command left."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from conftest import DATA, MINIMAL_YAML, ROOT, tree, write_guide

from guide.cli import main

CANDIDATES = "name,email\nAda Lovelace,ada@example.org\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SOURCE_DATE_EPOCH", "GUIDE_MAX_FILE_MB"):
        monkeypatch.delenv(name, raising=False)


def _source(name: str) -> Path:
    return write_guide(Path("src") / name, MINIMAL_YAML)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main([*argv, "--quiet"] if argv[0] != "check" else argv)
    return code, capsys.readouterr().err


# --- where output may go ------------------------------------------------------------------------------


@pytest.mark.parametrize("out", ["data", ".", "data/small", "data/small/out"])
def test_an_out_folder_that_holds_or_is_inside_the_guide_is_refused(
    out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`guide build data/small --out data` renamed data/small aside and put a link to the PDFs in its
    place: now nothing is written, and the guide's folder is as it was."""
    write_guide(tmp_path / "data" / "small", MINIMAL_YAML)
    before = tree(tmp_path)
    where = "is inside" if out.startswith("data/small/") else "is" if out == "data/small" else "holds"
    for command in (["build"], ["cards"], ["handouts", "--candidates", "c.csv"]):
        code, err = _run([*command, "data/small", "--out", out], capsys)
        assert (code, err) == (
            1,
            f"{out}: error: the output folder (--out) {where} the guide's own folder (data/small); guide"
            " writes its output to a folder apart from what it reads: give another --out, such as output\n"
            "guide: 1 error; nothing was written\n",
        )
        assert tree(tmp_path) == before


# --- one kind of output never replaces another ---------------------------------------------------------


def test_outputs_of_another_guide_or_kind_are_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`guide handouts x` then `guide build x-handouts` into one folder: the build replaced x's copies
    and distribution.csv. Either way round, and for flash cards and practice sets, the second is an
    error naming what is there, and nothing changes."""
    Path("c.csv").write_text(CANDIDATES, encoding="utf-8")
    x = _source("x")
    pairs = [
        (["handouts", str(x), "--candidates", "c.csv"], ["build", str(_source("x-handouts"))], "x-handouts",
         "the candidates' copies of guide 'x', not the edition of guide 'x-handouts'"),
        (["build", str(_source("x-handouts"))], ["handouts", str(x), "--candidates", "c.csv"], "x-handouts",
         "the edition of guide 'x-handouts', not the candidates' copies of guide 'x'"),
        (["cards", str(x)], ["build", str(_source("x-cards"))], "x-cards",
         "the flash cards of guide 'x', not the edition of guide 'x-cards'"),
        (["build", str(_source("x-cards"))], ["cards", str(x)], "x-cards",
         "the edition of guide 'x-cards', not the flash cards of guide 'x'"),
    ]  # fmt: skip
    for index, (first, second, name, words) in enumerate(pairs):
        out = f"out{index}"
        assert _run([*first, "--out", out], capsys)[0] == 0
        before = tree(tmp_path / out)
        assert _run([*second, "--out", out], capsys) == (
            1,
            f"{out}/{name}: error: this holds {words}; guide never replaces one guide's output, or one kind"
            " of output, with another: give another --out, or rename one of the guide folders\n"
            "guide: 1 error; nothing was written\n",
        )
        assert tree(tmp_path / out) == before
    # A practice set of x, and a guide whose folder has the practice set's name.
    assert _run(["build", str(x), "--count", "1", "--out", "p"], capsys)[0] == 0
    (practice,) = (p.name for p in Path("p").iterdir() if not p.name.startswith("."))
    before = tree(tmp_path / "p")
    code, err = _run(["build", str(_source(practice)), "--out", "p"], capsys)
    assert (
        code == 1 and f"this holds a practice set of guide 'x', not the edition of guide '{practice}'" in err
    )
    assert tree(tmp_path / "p") == before


def test_every_output_folder_says_what_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("c.csv").write_text(CANDIDATES, encoding="utf-8")
    x = _source("x")
    for command in (["build", str(x)], ["cards", str(x)], ["handouts", str(x), "--candidates", "c.csv"]):
        assert _run([*command, "--out", "out"], capsys)[0] == 0
    kinds = {"x": "edition", "x-cards": "cards", "x-handouts": "handouts"}
    for name, kind in kinds.items():
        marker = json.loads((Path("out") / name / ".guide.json").read_text(encoding="utf-8"))
        assert marker == {"made_by": "guide", "guide": "x", "kind": kind}
    # Nothing else in the listing, nothing hidden but the folders the links lead to: no lock file.
    assert sorted(p for p in os.listdir("out") if not p.startswith(".")) == sorted(kinds)
    hidden = sorted(p for p in os.listdir("out") if p.startswith("."))
    assert hidden == sorted(os.readlink(Path("out") / name) for name in kinds)
    assert (Path("out") / "x-cards" / "x-1-cards.pdf").is_file()


# --- leftovers -------------------------------------------------------------------------------------------


def test_what_killed_commands_left_is_cleaned_by_the_next_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Leftovers of any guide, from any command: a work folder, a half-written cards file of an
    earlier version, a link made but never renamed, an old lock file, trash. A temporary folder
    still locked by a living process stays; pipes and links are never opened."""
    out = tmp_path / "out"
    out.mkdir()
    (out / ".x+tmp-work-abc12345" / "pages").mkdir(parents=True)
    (out / ".x+tmp-work-abc12345" / "pages" / "0001").write_bytes(b"x" * 1000)
    (out / ".x-1-cards.pdf+tmp-q1w2e3r4").write_bytes(b"%PDF half")
    (out / ".x+link-99999").symlink_to(".x-0123456789ab")
    (out / "x").symlink_to(".x-0123456789ab")  # an edition of guide x, published by guide 0.1 …
    (out / ".x.lock").write_bytes(b"")  # … with its lock file
    (out / ".notes.lock").write_bytes(b"")  # a lock file beside no output of guide: not guide's
    (out / ".x-0123456789ab+old-12-34").mkdir()
    live = out / ".z+tmp-work-live1234"
    live.mkdir()
    os.mkfifo(out / ".fifo.lock")
    (out / ".link.lock").symlink_to(tmp_path / "outside")
    os.mkfifo(out / ".y+tmp-fifo1234")
    handle = os.open(live, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        assert _run(["cards", str(_source("y")), "--out", "out"], capsys)[0] == 0
        kept = [live.name, "x", ".notes.lock", ".fifo.lock", ".link.lock", ".y+tmp-fifo1234"]
        assert sorted(os.listdir(out)) == sorted([*kept, "y-cards", os.readlink(out / "y-cards")])
    finally:
        os.close(handle)
    assert not (tmp_path / "outside").exists()
    assert _run(["build", str(_source("w")), "--out", "out"], capsys)[0] == 0
    assert not live.exists()  # its lock is free now: its process is gone


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDE_") and k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "guide", *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _wait_for(out: Path, pattern: str, proc: subprocess.Popen[bytes]) -> str:
    """The first entry of out whose name matches, once the running command has made it."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        found = [n for n in (os.listdir(out) if out.is_dir() else []) if re.search(pattern, n)]
        if found:
            return found[0]
        time.sleep(0.002)
    raise AssertionError(f"no {pattern} in {out} before the command ended")


def test_a_stopped_build_removes_its_work_files(tmp_path: Path) -> None:
    """SIGTERM (or SIGHUP), which a process survives long enough to clean up: its work folder goes,
    nothing is published, and the exit code says which signal. The bank is large enough that the
    build is still laying out when the signal comes, in two processes."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    generate.generate(400, tmp_path / "bank")
    out = tmp_path / "out"
    for signum in (signal.SIGTERM, signal.SIGHUP):
        proc = _start(["build", str(tmp_path / "bank"), "--out", str(out)])
        _wait_for(out, r"^\.bank\+tmp-work-", proc)
        time.sleep(0.3)  # well into the layout
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        name = signal.Signals(signum).name
        assert (proc.returncode, err.decode()) == (
            128 + signum,
            f"guide: stopped by {name}; nothing was written\n",
        )
        assert os.listdir(out) == []


def test_a_killed_build_leaves_work_that_the_next_command_removes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _start(["build", str(DATA / "ai-engineer"), "--out", str(out)])
    work = _wait_for(out, r"^\.ai-engineer\+tmp-work-", proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert work in os.listdir(out)
    assert main(["cards", str(_source("y")), "--out", str(out), "--quiet"]) == 0  # another guide, command
    assert not any("+tmp-" in name for name in os.listdir(out))


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_a_lock_file_that_is_a_pipe_or_a_link_is_never_opened(kind: str, tmp_path: Path) -> None:
    """guide locked out/.<guide>.lock: a pipe there hung the build, a link made a file where it led."""
    out = tmp_path / "out"
    out.mkdir()
    if kind == "fifo":
        os.mkfifo(out / ".x.lock")
    else:
        (out / ".x.lock").symlink_to(tmp_path / "elsewhere")
    proc = _start(["build", str(tmp_path / _source("x")), "--out", str(out)])
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err.decode()
    assert not (tmp_path / "elsewhere").exists()
    assert (out / ".x.lock").is_symlink() if kind == "link" else (out / ".x.lock").is_fifo()


# --- reading an edition safely ---------------------------------------------------------------------------


def _readme_recipe() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Reading an edition from a script", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_recipe_reads_one_whole_edition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's way to read an edition: resolve output/<guide> once, then read inside it. Reading
    through the link, file after file, mixed two editions while one was being published."""
    namespace: dict[str, object] = {}
    exec(_readme_recipe(), namespace)  # the README's own example, run as written
    # The README's function, as it declares itself.
    read_edition = cast(Callable[[Path, str], dict[str, bytes]], namespace["read_edition"])
    source = _source("x")
    assert _run(["build", str(source), "--out", "out"], capsys)[0] == 0
    files = read_edition(Path("out"), "x")
    assert sorted(files) == ["answer_key", "complete", "study_guide"]
    manifest = json.loads((Path("out") / "x" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["folder"] == os.readlink(Path("out") / "x")


def test_the_readme_recipe_never_mixes_editions_while_one_is_published(tmp_path: Path) -> None:
    """Editions published one after another while a script reads: each read is of one whole edition
    (its files match its manifest), or fails with FileNotFoundError, to be started again."""
    import threading

    from test_faults import _edition
    from test_faults import write_guide as fault_guide

    from guide.edition.publish import publish

    namespace: dict[str, object] = {}
    exec(_readme_recipe(), namespace)  # the README's own example, run as written
    # The README's function, as it declares itself.
    read_edition = cast(Callable[[Path, str], dict[str, bytes]], namespace["read_edition"])
    editions = [_edition(fault_guide(tmp_path / f"v{e}", e, questions=1)) for e in ("1", "2")]
    out = tmp_path / "out"
    publish(*editions[0], out)
    done = threading.Event()
    outcomes: list[str] = []

    def reader() -> None:
        while not done.is_set():
            try:
                read_edition(out, "fault")
                outcomes.append("whole")
            except FileNotFoundError:
                outcomes.append("gone")
            except BaseException as exc:
                outcomes.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(30):
            publish(*editions[(n + 1) % 2], out)
    finally:
        done.set()
        thread.join()
    assert set(outcomes) <= {"whole", "gone"}, [o for o in outcomes if o not in ("whole", "gone")][:3]
    assert "whole" in outcomes


def test_make_clean_removes_what_the_build_made() -> None:
    """`make clean` left guide.egg-info, which installing guide makes."""
    dry_run = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert {"output", "guide.egg-info"} <= set(dry_run.stdout.split())


def test_output_published_before_folders_said_what_they_are_is_still_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An edition or handouts published by guide 0.1 (no .guide.json) is recognised by its manifest or
    its distribution.csv: a new build replaces it, and the other kind is still refused."""
    Path("c.csv").write_text(CANDIDATES, encoding="utf-8")
    x = _source("x")
    assert _run(["build", str(x), "--out", "out"], capsys)[0] == 0
    assert _run(["handouts", str(x), "--candidates", "c.csv", "--out", "out"], capsys)[0] == 0
    for name in ("x", "x-handouts"):
        (Path("out") / name / ".guide.json").unlink()
    code, err = _run(["build", str(_source("x-handouts")), "--out", "out"], capsys)
    assert code == 1 and "this holds the candidates' copies of guide 'x'" in err
    write_guide(x, MINIMAL_YAML.replace('edition: "1"', 'edition: "2"'))
    assert _run(["build", str(x), "--out", "out"], capsys)[0] == 0
    assert (Path("out") / "x" / "x-2-study-guide.pdf").is_file()
    assert _run(["handouts", str(x), "--candidates", "c.csv", "--out", "out"], capsys)[0] == 0
    assert sorted(p for p in os.listdir("out") if not p.startswith(".")) == ["x", "x-handouts"]
    assert len([p for p in os.listdir("out") if p.startswith(".")]) == 2  # the old folders are gone
