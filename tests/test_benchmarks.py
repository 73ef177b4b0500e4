"""The benchmark times guide's real stages: every function it wraps still exists, and the stages
of the processes a build forks are counted. (Speed itself is measured by `make bench`, never here.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench
import generate

BENCHMARKS = Path(bench.__file__).parent


def test_the_stage_timer_finds_every_stage_and_the_forked_processes_work(tmp_path: Path) -> None:
    generate.generate(120, tmp_path / "bank")  # enough questions for two layout processes
    result = tmp_path / "result.json"
    command = [sys.executable, str(BENCHMARKS / "stages.py"), str(tmp_path / "bank")]
    subprocess.run([*command, "--out", str(tmp_path / "out"), "--json", str(result)], check=True)
    detail = json.loads(result.read_text())
    assert detail["missing_targets"] == []
    assert detail["questions"] == 120
    assert detail["children_cpu"], "nothing was counted in the forked processes"
    stages = bench.guide_cpu_columns(detail)
    for stage in ("read YAML", "layout study", "layout key", "finish", "merge (complete)", "parts"):
        assert stages[stage] > 0, stage


def test_the_stats_benchmark_measures_guide_stats(tmp_path: Path) -> None:
    generate.generate(40, tmp_path / "bank")
    result = tmp_path / "stats.json"
    command = [sys.executable, str(BENCHMARKS / "stats_bench.py"), "--bank", str(tmp_path / "bank")]
    subprocess.run([*command, "--repeats", "1", "--json", str(result)], check=True, capture_output=True)
    detail = json.loads(result.read_text())
    assert detail["questions"] == 40
    for key in ("stats", "read", "command"):
        assert detail[key] > 0, key


def test_the_page_model_calibration_runs_and_prints_its_coefficients() -> None:
    command = [sys.executable, str(BENCHMARKS / "calibrate_pages.py"), "--sizes", "20"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    for name in ("STUDY = (", "KEY = (", "FRONT = ("):
        assert name in out
    assert "bank-20" in out
