"""Benchmark guide against a plain ReportLab baseline on synthetic banks of several sizes.

    python benchmarks/bench.py                      # N = 15, 1,000, 10,000, 50,000 within --budget
    python benchmarks/bench.py --sizes 15,1000      # a quick run
    python benchmarks/bench.py --sizes 50000 --budget 0 --repeats 1

Each measurement is a fresh child process (guide: benchmarks/stages.py, which runs the real
build_guide with a timer per stage; baseline: benchmarks/baseline.py); the parent takes its wall
time, and its CPU time and peak RSS from the kernel's rusage of that child (os.wait4: the
getrusage(RUSAGE_CHILDREN) counters of exactly one child, no /usr/bin/time). guide and baseline
runs alternate, medians are reported. Sizes whose predicted time (from the previous size, scaled
linearly) would overrun --budget are skipped and said so. Prints a table and the targets, and
writes everything to benchmarks/results/bench-<time>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
BANKS = RESULTS / "banks"
DEFAULT_SIZES = (15, 1000, 10_000, 50_000)
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TARGETS_TEXT = {
    "ratio_10k": "10,000 questions, complete edition: guide <= 0.5 x baseline wall time",
    "rss_50k": "peak RSS at 50,000 questions <= 300 MB",
    "scaling": "time(10k) <= 11 x time(1k)",
    "cli_ai": "guide build data/ai-engineer, whole process <= 0.8 s",
    "make_noop": "make guide with nothing changed < 0.2 s",
}


# ---- running one measurement -------------------------------------------------------------------


def child_env(bytecode_cache: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(
    cmd: list[str],
    env: dict[str, str],
    *,
    cwd: Path = REPO,
    timeout: float | None = None,
    log: Path | None = None,
) -> dict[str, Any]:
    """Run cmd as a child process: wall time, CPU time, peak RSS (MB) and exit code."""
    log_file = log or Path(os.devnull)
    load_before = os.getloadavg()[0]
    with open(log_file, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,  # KiB on Linux
        "exit": proc.returncode,
        "load1_before": load_before,
        "timed_out": bool(timeout) and proc.returncode == -9,
    }


def run_tool(tool: str, bank: Path, env: dict[str, str], timeout: float | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"guide-bench-{tool}-"))
    try:
        report = work / "result.json"
        script = HERE / ("stages.py" if tool == "guide" else "baseline.py")
        cmd = [sys.executable, str(script), str(bank), "--out", str(work / "out"), "--json", str(report)]
        if tool == "baseline-minimal":
            cmd.append("--minimal")
        log = work / "log.txt"
        result = measure(cmd, env, timeout=timeout, log=log)
        if result["exit"] == 0 and report.exists():
            result["detail"] = json.loads(report.read_text())
        else:
            result["error"] = log.read_text(errors="replace")[-2000:]
        result["tool"] = tool
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- banks -------------------------------------------------------------------------------------


def bank_for(n: int, seed: int, rich: bool = False) -> tuple[Path, float]:
    """The generated bank for n questions (with formulas, code and figures if `rich`), made once per
    generator version; (folder, seconds)."""
    version = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]
    name = f"bank-{n}-s{seed}" + ("-rich" if rich else "")
    folder = BANKS / name
    stamp = BANKS / f"{name}.version"
    if folder.is_dir() and stamp.exists() and stamp.read_text() == version:
        return folder, 0.0
    start = time.perf_counter()
    generate.generate(n, folder, seed=seed, rich=rich)
    stamp.write_text(version)
    return folder, time.perf_counter() - start


# ---- one block of any length (issue "Hardening": memory bounded by the page, not the block) -----

LONG_BLOCKS = {"answer of 1,000,000 words": "words", "code block of 100,000 lines": "code"}


def long_block_bank(kind: str, folder: Path) -> Path:
    """A one-question guide whose answer is one very long paragraph or code block."""
    if kind == "words":
        answer = "answer: |\n    " + " ".join(f"word{i}" for i in range(1_000_000)) + "\n"
    else:
        lines = "\n".join(f"    line {i} = compute(a, b) < limit & ok" for i in range(100_000))
        answer = "answer: |\n    ```\n" + lines + "\n    ```\n"
    (folder / "questions").mkdir(parents=True, exist_ok=True)
    (folder / "guide.yaml").write_text('title: Long blocks\nedition: "1"\ndate: 2026-01-01\n')
    question = "- id: long\n  topic: Long\n  question: How long?\n  guidance: All of it.\n"
    (folder / "questions" / "long.yaml").write_text(question + "  key_points: [Every line]\n  " + answer)
    return folder


def long_block_runs(env: dict[str, str]) -> dict[str, Any]:
    """`guide build` of each long block, one run each: wall and CPU time, peak memory, pages."""
    found: dict[str, Any] = {}
    for name, kind in LONG_BLOCKS.items():
        work = Path(tempfile.mkdtemp(prefix="guide-bench-long-"))
        try:
            bank = long_block_bank(kind, work / "long")
            result = measure(
                [sys.executable, "-m", "guide", "build", str(bank), "--out", str(work / "out"), "-q"], env
            )
            manifest = work / "out" / "long" / "manifest.json"
            if result["exit"] == 0 and manifest.exists():
                result["pages"] = json.loads(manifest.read_text())["files"]["complete"]["pages"]
            found[name] = result
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return found


# ---- summarising -------------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def guide_columns(detail: dict[str, Any], clock: str = "wall") -> dict[str, float]:
    """guide's stage times folded into the table's columns (wall clock, or "cpu": process CPU time).

    With two processes, the stages are those of the parent; "wait" is the time the parent spent
    waiting for the child, inside the layout, beyond its own share.
    """
    s = detail["stages_cpu"] if clock == "cpu" and "stages_cpu" in detail else detail["stages"]
    render = s.get("render", 0.0)
    layout = s.get("render/layout", 0.0)
    finish = s.get("render/finish", 0.0) + s.get("render/numbering", 0.0)
    return {
        "load+validate": s.get("load+validate", 0.0) + s.get("theme", 0.0),
        "coverage": s.get("coverage", 0.0),
        "layout": layout,
        "finish": finish,
        "wait": max(0.0, render - layout - finish),
        "assemble/merge": s.get("assemble", 0.0),
        "verify": s.get("verify", 0.0),
        "write": s.get("write", 0.0),
        "startup": detail["imports_cpu"] if clock == "cpu" and "imports_cpu" in detail else detail["imports"],
    }


def guide_cpu_columns(detail: dict[str, Any]) -> dict[str, float]:
    """CPU seconds of each of guide's stages, summed over the build's process and those it forks
    (the read-back runs in fresh processes that are not timed per stage: its wall time is shown)."""
    here, forked = detail.get("stages_cpu", {}), detail.get("children_cpu", {})

    def both(path: str) -> float:
        return float(here.get(path, 0.0) + forked.get(path, 0.0))

    yaml = both("load+validate/file/yaml") + both("load+validate/yaml")
    return {
        "read YAML": yaml,
        "validate": here.get("load+validate", 0.0) + forked.get("load+validate/file", 0.0) - yaml,
        "layout study": both("render/layout/part[study]"),
        "layout key": both("render/layout/part[key]"),
        "finish": both("render/finish") + both("render/numbering"),
        "merge (complete)": both("assemble/complete"),
        "parts": both("assemble/part[study]") + both("assemble/part[key]"),
        "verify (wall)": detail["stages"].get("verify", 0.0),
        "write": both("write"),
    }


CPU_COLUMNS = tuple(guide_cpu_columns({"stages": {}}))  # the columns, in the order made above


def baseline_columns(detail: dict[str, Any]) -> dict[str, float]:
    s = detail["stages"]
    return {
        "load+validate": s["load"] + s["validate"],
        "coverage": s["fonts"],  # the baseline checks nothing: this is its font registration
        "layout": s["layout_study"] + s["layout_key"],
        "finish": 0.0,
        "wait": 0.0,
        "assemble/merge": s["merge_write"],
        "verify": 0.0,
        "write": 0.0,  # written inside layout and merge
        "startup": s["imports"],
    }


COLUMNS = (
    "load+validate",
    "coverage",
    "layout",
    "finish",
    "wait",
    "assemble/merge",
    "verify",
    "write",
    "startup",
)


def summarise(n: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if "detail" in r]
    if not ok:
        return {"n": n, "tool": runs[0]["tool"], "error": runs[0].get("error", "failed")}
    tool = ok[0]["tool"]
    columns = guide_columns if tool == "guide" else baseline_columns
    stages = {c: _median([columns(r["detail"])[c] for r in ok]) for c in COLUMNS}
    cpu_stages = {}
    if tool == "guide":
        cpu_stages = {c: _median([guide_cpu_columns(r["detail"])[c] for r in ok]) for c in CPU_COLUMNS}
    detail = ok[0]["detail"]
    if tool == "guide":
        pages = detail["pages"].get("complete", 0)
        size = detail["files"].get("complete", {}).get("bytes", 0)
        total_bytes = sum(f["bytes"] for f in detail["files"].values())
    else:
        pages = detail["pages"]["complete"]
        size = detail["bytes"]["complete"]
        total_bytes = sum(detail["bytes"].values())
    wall = _median([r["wall"] for r in ok])
    return {
        "n": n,
        "tool": tool,
        "runs": len(ok),
        "wall": wall,
        "wall_min": min(r["wall"] for r in ok),
        "wall_max": max(r["wall"] for r in ok),
        "cpu": _median([r["cpu"] for r in ok]),
        "rss_mb": max(r["rss_mb"] for r in ok),
        "stages": stages,
        "cpu_stages": cpu_stages,
        "pages": pages,
        "pages_parts": detail["pages"],
        "pages_per_s": pages / wall if wall else 0.0,
        "complete_bytes": size,
        "all_bytes": total_bytes,
        "code_versions": sorted({str(r["detail"].get("code_version", "")) for r in ok}),
    }


def print_table(summaries: list[dict[str, Any]]) -> None:
    head = ("N", "tool", "wall s", "cpu s", *COLUMNS, "pages", "pages/s", "RSS MB", "complete MB")
    short = {"load+validate": "load+val", "assemble/merge": "assemble"}
    names = [short.get(h, h) for h in head]
    rows = []
    for s in summaries:
        if "error" in s:
            rows.append([f"{s['n']:,}", s["tool"], "FAILED", *([""] * (len(head) - 3))])
            continue
        rows.append(
            [
                f"{s['n']:,}",
                s["tool"],
                f"{s['wall']:.2f}",
                f"{s['cpu']:.2f}",
                *(f"{s['stages'][c]:.2f}" for c in COLUMNS),
                f"{s['pages']:,}",
                f"{s['pages_per_s']:.0f}",
                f"{s['rss_mb']:.0f}",
                f"{s['complete_bytes'] / 1e6:.1f}",
            ]
        )
    _print_rows(names, rows)
    guide_rows = [s for s in summaries if s.get("cpu_stages")]
    if guide_rows:
        print("\nguide, CPU seconds per stage over all its processes:")
        _print_rows(
            ["N", *CPU_COLUMNS],
            [[f"{s['n']:,}", *(f"{s['cpu_stages'][c]:.2f}" for c in CPU_COLUMNS)] for s in guide_rows],
        )


def _print_rows(names: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(names, *rows, strict=True)]
    print("  ".join(h.rjust(w) for h, w in zip(names, widths, strict=True)))
    for row in rows:
        print("  ".join(str(x).rjust(w) for x, w in zip(row, widths, strict=True)))


# ---- whole-command measurements ----------------------------------------------------------------


def cli_runs(folder: Path, env: dict[str, str], repeats: int) -> dict[str, Any]:
    """`guide build FOLDER` as a user runs it, whole process, median of repeats (after one warm-up)."""
    script = Path(sys.executable).with_name("guide")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "guide"]
    out = Path(tempfile.mkdtemp(prefix="guide-bench-cli-"))
    try:
        cmd = [*base, "build", str(folder), "--out", str(out), "--quiet"]
        measure(cmd, env)  # warm-up: bytecode cache, page cache
        runs = [measure(cmd, env) for _ in range(repeats)]
    finally:
        shutil.rmtree(out, ignore_errors=True)
    failed = [r for r in runs if r["exit"] != 0]
    return {
        "command": " ".join([*cmd[:-3], "--out", "TMP", "--quiet"]),
        "wall": _median([r["wall"] for r in runs]),
        "wall_min": min(r["wall"] for r in runs),
        "cpu": _median([r["cpu"] for r in runs]),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "failed": len(failed),
    }


def make_runs(env: dict[str, str], venv: Path | None = None) -> dict[str, Any]:
    """`make guide` three times: the first may build, the others have nothing to do.

    In the repository when .venv exists (as a user runs it). Without .venv, `make guide` would
    first create it with pip, so it is skipped, unless `venv` names an environment where guide
    is installed: then Makefile, pyproject.toml, guide/, styles/ and data/ are copied to a
    temporary folder and make runs there with VENV=venv and a fresh install stamp.
    """
    if shutil.which("make") is None:
        return {"skipped": "make is not installed"}
    if (REPO / ".venv" / "bin" / "guide").exists():
        where, extra, scratch = REPO, [], None
    elif venv is not None and (venv / "bin" / "guide").exists():
        scratch = Path(tempfile.mkdtemp(prefix="guide-bench-make-"))
        for name in ("Makefile", "pyproject.toml"):
            shutil.copy2(REPO / name, scratch / name)
        for name in ("guide", "styles", "data"):
            shutil.copytree(REPO / name, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
        stamp = scratch / ".installed"
        stamp.touch()
        where, extra = scratch, [f"VENV={venv}", f"STAMP={stamp}"]
    else:
        return {"skipped": "no .venv in the repository: `make guide` would create it with pip first"}
    try:
        runs = [measure(["make", "--no-print-directory", "guide", *extra], env, cwd=where) for _ in range(3)]
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return {
        "where": "repository" if scratch is None else f"a copy of the repository, VENV={venv}",
        "first": runs[0],
        "noop": min(r["wall"] for r in runs[1:]),
        "noop_runs": runs[1:],
    }


# ---- main --------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import pypdf
        import reportlab

        versions = {"reportlab": reportlab.Version, "pypdf": pypdf.__version__}
    except ImportError:
        versions = {}
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--", "guide")),
        "versions": versions,
        "loadavg_start": os.getloadavg(),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
    }


def check_targets(
    summaries: list[dict[str, Any]], cli: dict[str, Any] | None, make: dict[str, Any] | None
) -> dict[str, Any]:
    by = {(s["n"], s["tool"]): s for s in summaries if "error" not in s}
    out: dict[str, Any] = {}

    def verdict(ok: bool, value: str) -> dict[str, Any]:
        return {"ok": ok, "value": value}

    g10, b10 = by.get((10_000, "guide")), by.get((10_000, "baseline"))
    if g10 and b10:
        ratio = g10["wall"] / b10["wall"]
        out["ratio_10k"] = verdict(
            ratio <= 0.5, f"{ratio:.2f} x ({g10['wall']:.1f} s vs {b10['wall']:.1f} s)"
        )
    g50 = by.get((50_000, "guide"))
    if g50:
        out["rss_50k"] = verdict(g50["rss_mb"] <= 300, f"{g50['rss_mb']:.0f} MB")
    g1 = by.get((1000, "guide"))
    if g1 and g10:
        k = g10["wall"] / g1["wall"]
        out["scaling"] = verdict(k <= 11, f"{k:.1f} x ({g1['wall']:.1f} s -> {g10['wall']:.1f} s)")
    if cli and not cli.get("failed"):
        out["cli_ai"] = verdict(
            cli["wall"] <= 0.8, f"{cli['wall']:.2f} s (median; min {cli['wall_min']:.2f} s)"
        )
    if make and "noop" in make:
        out["make_noop"] = verdict(make["noop"] < 0.2, f"{make['noop']:.3f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated numbers of questions (default: %(default)s)",
    )
    parser.add_argument(
        "--repeats", type=int, help="runs per tool and size (default: 5 up to 15, 3 up to 1,000, else 1)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rich",
        action="store_true",
        help="the bank with a formula or code block in one answer of ten and a figure in one of fifty",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=13 * 60,
        help="seconds for the size runs; a size predicted to overrun it is skipped (0: no limit)",
    )
    parser.add_argument("--timeout", type=float, default=0, help="kill a single run after this many seconds")
    parser.add_argument("--no-baseline", action="store_true", help="time guide only")
    parser.add_argument(
        "--minimal-baseline",
        action="store_true",
        help="also time the note's baseline (answer key without key points and follow-ups)",
    )
    parser.add_argument("--no-cli", action="store_true", help="skip `guide build data/ai-engineer`")
    parser.add_argument("--no-make", action="store_true", help="skip `make guide`")
    parser.add_argument(
        "--no-long-blocks",
        action="store_true",
        help="skip the 1,000,000-word answer and 100,000-line code block",
    )
    parser.add_argument(
        "--make-venv",
        type=Path,
        help="without .venv: time `make guide` in a copy of the repository with this environment",
    )
    parser.add_argument(
        "--env-as-is",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE for the children (default: allow the bytecode cache)",
    )
    parser.add_argument(
        "--json", type=Path, help="results file (default: benchmarks/results/bench-<time>.json)"
    )
    args = parser.parse_args(argv)

    sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()]
    env = child_env(bytecode_cache=not args.env_as_is)
    tools = ["guide"] + ([] if args.no_baseline else ["baseline"])
    if args.minimal_baseline:
        tools.append("baseline-minimal")
    RESULTS.mkdir(parents=True, exist_ok=True)
    BANKS.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(
        f"guide benchmark: {info['date']}, {info['nproc']} cores ({info['cpu']}), Python {info['python']},"
        f" commit {info['git_commit'][:10]}{' + uncommitted guide/ changes' if info['git_dirty'] else ''}"
    )
    started = time.perf_counter()
    runs: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    skipped: dict[int, str] = {}
    per_question: dict[str, float] = {}
    banks: dict[int, dict[str, Any]] = {}
    for n in sizes:
        repeats = args.repeats or (5 if n <= 15 else 3 if n <= 1000 else 1)
        if args.budget and per_question:
            left = args.budget - (time.perf_counter() - started)
            predicted = sum(per_question.get(t, 0.0) for t in tools) * n * repeats
            if predicted > left:
                skipped[n] = (
                    f"predicted {predicted:.0f} s (linear from the previous size)"
                    f" > {left:.0f} s left of --budget"
                )
                print(f"N={n:,}: skipped: {skipped[n]}")
                continue
        bank, seconds = bank_for(n, args.seed, args.rich)
        banks[n] = {
            "path": str(bank),
            "generate_s": seconds,
            "bytes": sum(p.stat().st_size for p in bank.rglob("*.yaml")),
            "files": len(list((bank / "questions").glob("*.yaml"))),
        }
        print(
            f"N={n:,}: bank {banks[n]['bytes'] / 1e6:.1f} MB in {banks[n]['files']} files"
            f"{f' (generated in {seconds:.1f} s)' if seconds else ''}; {repeats} run(s) per tool",
            flush=True,
        )
        size_runs: dict[str, list[dict[str, Any]]] = {t: [] for t in tools}
        for r in range(repeats):
            order = tools if r % 2 == 0 else list(reversed(tools))
            for tool in order:
                result = run_tool(tool, bank, env, args.timeout or None)
                result["n"] = n
                runs.append(result)
                size_runs[tool].append(result)
                state = "" if "detail" in result else "  FAILED"
                print(
                    f"  {tool:>16}: {result['wall']:7.2f} s wall, {result['cpu']:7.2f} s cpu,"
                    f" {result['rss_mb']:5.0f} MB{state}",
                    flush=True,
                )
                if state:
                    print("    " + result.get("error", "").strip().replace("\n", "\n    ")[-1500:])
        for tool in tools:
            summary = summarise(n, size_runs[tool])
            summaries.append(summary)
            if "wall" in summary:
                per_question[tool] = summary["wall"] / max(n, 1)
    cli = None
    cli_env_as_is = None
    if not args.no_cli:
        cli = cli_runs(REPO / "data" / "ai-engineer", env, 5)
        if os.environ.get("PYTHONDONTWRITEBYTECODE") and not args.env_as_is:
            cli_env_as_is = cli_runs(REPO / "data" / "ai-engineer", child_env(bytecode_cache=False), 5)
    make = None if args.no_make else make_runs(env, args.make_venv)
    long_blocks = None if args.no_long_blocks else long_block_runs(env)

    print()
    print_table(summaries)
    print()
    by = {(s["n"], s["tool"]): s for s in summaries if "wall" in s}
    for n in sizes:
        g, b = by.get((n, "guide")), by.get((n, "baseline"))
        if g and b:
            print(
                f"N={n:>6,}: guide / baseline = {g['wall'] / b['wall']:.2f} x wall,"
                f" {g['cpu'] / b['cpu']:.2f} x cpu;"
                f" pages {g['pages']:,} vs {b['pages']:,}"
            )
    if cli:
        print(
            f"guide build data/ai-engineer (whole process, median of 5): {cli['wall']:.2f} s,"
            f" {cli['rss_mb']:.0f} MB{'  (FAILED runs)' if cli['failed'] else ''}"
        )
    if cli_env_as_is:
        print(f"  same with PYTHONDONTWRITEBYTECODE=1 as in this environment: {cli_env_as_is['wall']:.2f} s")
    if make is not None:
        if "skipped" in make:
            print(f"make guide: not measured: {make['skipped']}")
        else:
            print(
                f"make guide ({make['where']}): first {make['first']['wall']:.2f} s,"
                f" nothing changed {make['noop']:.3f} s"
            )
    for name, result in (long_blocks or {}).items():
        state = f"{result.get('pages', '?'):,} pages" if result["exit"] == 0 else "FAILED"
        print(
            f"one {name}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s cpu,"
            f" {result['rss_mb']:.0f} MB peak, {state}"
        )
    versions = {v for s in summaries for v in s.get("code_versions", []) if v}
    if len(versions) > 1:
        print(f"note: guide/ changed during the run ({len(versions)} versions of its source were timed)")
    targets = check_targets(summaries, cli, make)
    print("\nTargets:")
    for key, text in TARGETS_TEXT.items():
        t = targets.get(key)
        mark = "not measured" if t is None else ("met" if t["ok"] else "NOT MET")
        print(f"  [{mark:>12}] {text}{': ' + t['value'] if t else ''}")
    for n, why in skipped.items():
        print(f"  (N={n:,} skipped: {why}; run it with --sizes {n} --budget 0)")

    info["loadavg_end"] = os.getloadavg()
    info["total_s"] = time.perf_counter() - started
    path = args.json or RESULTS / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps(
            {
                "machine": info,
                "args": vars(args) | {"json": str(args.json) if args.json else None},
                "banks": banks,
                "summaries": summaries,
                "runs": runs,
                "skipped": skipped,
                "cli_ai_engineer": cli,
                "cli_ai_engineer_env_as_is": cli_env_as_is,
                "make": make,
                "long_blocks": long_blocks,
                "targets": targets,
            },
            indent=1,
            default=str,
        )
    )
    print(
        f"\nResults: {path.relative_to(REPO) if path.is_relative_to(REPO) else path}"
        f" ({info['total_s']:.0f} s in all)"
    )
    return 0 if all("error" not in s for s in summaries) else 1


if __name__ == "__main__":
    sys.exit(main())
