"""Benchmark `guide stats` on a synthetic bank (10,000 questions unless told): target under 1 s.

    python benchmarks/stats_bench.py                   # 10,000 questions, 3 runs each
    python benchmarks/stats_bench.py --size 1000 --repeats 1 --json result.json

Measures, in fresh processes (medians): the statistics themselves (counts, duplicates, the page
estimate: data/stats.py on a bank already read), reading and checking the bank as every command
does (the same work as `guide check` without the glyph check), and `guide stats --json` as a
whole process. The bank comes from generate.py and is kept in benchmarks/results/banks/.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench  # noqa: E402

TARGET_SECONDS = 1.0

# Run in a child: read the bank, then time the statistics alone, printing both as JSON.
_IN_PROCESS = """
import json, sys, time
from pathlib import Path
from guide.data.stats import stats
from guide.data.validate import load_guide
start, cpu = time.perf_counter(), time.process_time()
guide, _ = load_guide(Path(sys.argv[1]))
read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
start, cpu = time.perf_counter(), time.process_time()
found = stats(guide)
print(json.dumps({"read": read, "read_cpu": read_cpu, "stats": time.perf_counter() - start,
                  "stats_cpu": time.process_time() - cpu, "questions": found.questions,
                  "duplicates": len(found.duplicates), "pages": found.pages.complete}))
"""


def run(bank: Path, repeats: int) -> dict[str, Any]:
    """The median of each measurement over `repeats` runs, and the figures of the last."""
    env = bench.child_env(bytecode_cache=True)
    runs = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", _IN_PROCESS, str(bank)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "guide", "stats", str(bank), "--json"],
            env=env,
            check=True,
            capture_output=True,
        )
        result["command"] = time.perf_counter() - start
        runs.append(result)
    keys = ("read", "read_cpu", "stats", "stats_cpu", "command")
    summary: dict[str, Any] = {key: statistics.median(r[key] for r in runs) for key in keys}
    summary.update({key: runs[-1][key] for key in ("questions", "duplicates", "pages")})
    summary["target_met"] = summary["stats"] < TARGET_SECONDS
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="questions in the bank (default: 10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bank", type=Path, help="a bank to use instead of a generated one")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    bank = args.bank or bench.bank_for(args.size, args.seed)[0]
    summary = run(bank, args.repeats)
    summary["bank"] = str(bank)
    print(f"guide stats, {summary['questions']:,} questions (medians of {args.repeats}):")
    for key, what in (("stats", "statistics (counts, duplicates, pages)"), ("read", "reading and checking")):
        print(f"  {what:<40} {summary[key]:.2f} s  ({summary[key + '_cpu']:.2f} s CPU)")
    print(f"  {'guide stats --json, whole process':<40} {summary['command']:.2f} s")
    verdict = "met" if summary["target_met"] else "NOT met"
    print(f"target: the statistics in under {TARGET_SECONDS:g} s: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
