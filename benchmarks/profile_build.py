"""Profile guide's build of a generated bank: where the time goes, per stage and per function.

    python benchmarks/profile_build.py 1000                       # the built-in sampler
    python benchmarks/profile_build.py 10000 --profiler cprofile  # call counts, 2-2.5x slower

The default, a SIGPROF stack sampler (below), costs a few percent and keeps proportions honest.
cProfile and pyinstrument (`pip install pyinstrument`, not a project dependency) both hook every
call and return, which slows this call-heavy code 2-2.5x and inflates ReportLab's tiny per-word
functions; cProfile is still the one that gives call counts.
Writes benchmarks/results/profile-<N>-<profiler>.{txt,prof,json}.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import signal
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from types import FrameType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

import bench  # noqa: E402
import stages  # noqa: E402

AREAS = (  # (label, path fragment): first match wins, for a by-library split of self time
    ("guide", "/guide/"),
    ("reportlab.platypus", "reportlab/platypus/"),
    ("reportlab.pdfbase", "reportlab/pdfbase/"),
    ("reportlab.pdfgen", "reportlab/pdfgen/"),
    ("reportlab.lib", "reportlab/lib/"),
    ("pypdf", "/pypdf/"),
    ("yaml", "/yaml/"),
    ("markdown_it", "/markdown_it/"),
)


def _area(path: str) -> str:
    for label, fragment in AREAS:
        if fragment in path:
            return label
    return "python/other"


def with_pyinstrument(bank: Path, out: Path, name: str) -> dict[str, Any]:
    """The call tree as pyinstrument prints it (its self times are in the tree, not aggregated)."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    result = stages.run(bank, out)
    profiler.stop()
    (RESULTS / f"{name}.txt").write_text(profiler.output_text(unicode=False, color=False))
    return {"result": result, "top_self": [], "areas": {}}


def with_sampler(bank: Path, out: Path, name: str, interval: float = 0.002) -> dict[str, Any]:
    """A minimal statistical profiler: SIGPROF every `interval` s of CPU, the Python stack counted.

    Its cost is per sample, not per call, so unlike cProfile it does not inflate call-heavy
    code (ReportLab's per-word width lookups) relative to the rest.
    """
    own: Counter[tuple[str, str, int]] = Counter()
    inclusive: Counter[tuple[str, str, int]] = Counter()
    samples = 0

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal samples
        samples += 1
        seen = set()
        top = True
        while frame is not None:
            code = frame.f_code
            key = (code.co_name, code.co_filename, code.co_firstlineno)
            if top:
                own[key] += 1
                top = False
            if key not in seen:
                inclusive[key] += 1
                seen.add(key)
            frame = frame.f_back

    previous = signal.signal(signal.SIGPROF, handler)
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    try:
        result = stages.run(bank, out)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, previous)
    scale = result["build"] / max(samples, 1)  # seconds per sample, against the wall clock of the build
    areas: dict[str, float] = defaultdict(float)
    for (_, path, _), count in own.items():
        areas[_area(path)] += count * scale
    lines = [f"{samples} samples every {interval * 1000:.0f} ms of CPU; build {result['build']:.2f} s", ""]
    lines.append("self s    incl s   function (file:line)")
    for key, count in own.most_common(60):
        lines.append(
            f"{count * scale:7.2f}  {inclusive[key] * scale:7.2f}   {key[0]} ({_short(key[1])}:{key[2]})"
        )
    lines += ["", "Inclusive, guide's functions and the largest others:"]
    for key, count in inclusive.most_common(120):
        lines.append(f"{count * scale:7.2f}   {key[0]} ({_short(key[1])}:{key[2]})")
    (RESULTS / f"{name}.txt").write_text("\n".join(lines) + "\n")
    return {
        "result": result,
        "samples": samples,
        "top_self": [
            {
                "function": f,
                "file": _short(p),
                "line": ln,
                "self_s": c * scale,
                "incl_s": inclusive[(f, p, ln)] * scale,
            }
            for (f, p, ln), c in own.most_common(60)
        ],
        "top_inclusive": [
            {"function": f, "file": _short(p), "line": ln, "incl_s": c * scale}
            for (f, p, ln), c in inclusive.most_common(120)
        ],
        "areas": dict(sorted(areas.items(), key=lambda kv: -kv[1])),
    }


def _short(path: str) -> str:
    for marker in ("site-packages/", "/work/main/", str(REPO) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def with_cprofile(bank: Path, out: Path, name: str) -> dict[str, Any]:
    profiler = cProfile.Profile()
    result = profiler.runcall(stages.run, bank, out)
    profiler.dump_stats(RESULTS / f"{name}.prof")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)
    (RESULTS / f"{name}.txt").write_text(text.getvalue())
    raw = stats.stats  # type: ignore[attr-defined]
    top = sorted(raw.items(), key=lambda kv: -kv[1][2])[:40]
    areas: dict[str, float] = defaultdict(float)
    for (path, _, _), (_, _, tt, _, _) in raw.items():
        areas[_area(path)] += tt
    return {
        "result": result,
        "top_self": [
            {"function": fn, "file": path, "line": line, "calls": nc, "self_s": tt, "cum_s": ct}
            for (path, line, fn), (_, nc, tt, ct, _) in top
        ],
        "areas": dict(sorted(areas.items(), key=lambda kv: -kv[1])),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int, help="questions in the generated bank")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profiler", choices=("sample", "pyinstrument", "cprofile"), default="sample")
    args = parser.parse_args(argv)
    profiler = args.profiler
    RESULTS.mkdir(parents=True, exist_ok=True)
    bench.BANKS.mkdir(parents=True, exist_ok=True)
    bank, _ = bench.bank_for(args.n, args.seed)
    name = f"profile-{args.n}-{profiler}"
    out = Path(tempfile.mkdtemp(prefix="guide-profile-"))
    try:
        run = {"sample": with_sampler, "pyinstrument": with_pyinstrument, "cprofile": with_cprofile}[profiler]
        report = run(bank, out, name)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    result = report["result"]
    print(
        f"N={args.n:,}, {profiler}: build {result['build']:.2f} s (profiled),"
        f" imports {result['imports']:.2f} s"
    )
    print("\nStages (inclusive, profiled):")
    for stage, seconds in result["stages"].items():
        depth = stage.count("/")
        print(f"  {'  ' * depth}{stage.rsplit('/', 1)[-1]:<28} {seconds:8.2f} s")
    total = sum(report["areas"].values()) or 1.0
    print("\nSelf time by library:")
    for area, seconds in report["areas"].items():
        print(f"  {area:<22} {seconds:8.2f} s  {100 * seconds / total:5.1f} %")
    print("\nTop functions by self time:")
    for row in report["top_self"][:25]:
        calls = f"{row['calls']:>9,}" if "calls" in row else ""
        print(f"  {row['self_s']:8.2f} s {calls}  {row['function']}  ({row['file']}:{row['line']})")
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1, default=str))
    print(f"\nWritten: benchmarks/results/{name}.txt and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
