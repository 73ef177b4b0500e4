"""Run guide's real build (build.build_guide) with a timer around each stage it calls.

Nothing of guide is re-implemented here: the functions build_guide calls are wrapped where
they are looked up (module attributes, patched in every guide module that holds them), so a
stage added or renamed in guide/ shows up as "other" rather than breaking the benchmark.
Timers nest: a wrapped function called inside another is reported under it ("parent/child").

    python benchmarks/stages.py GUIDE_DIR --out DIR [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

T0 = time.perf_counter()
REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # use the work tree's guide even if not installed

MODULES = (
    "guide.build",
    "guide.data.validate",
    "guide.data.source",
    "guide.layout.styles",
    "guide.layout.fonts",
    "guide.data.text",
    "guide.layout.compose",
    "guide.layout",
    "guide.layout.units",
    "guide.pdf.assemble",
    "guide.pdf.verify",
    "guide.edition.publish",
)


def _import_guide() -> dict[str, Any]:
    mods = {}
    for name in MODULES:
        with contextlib.suppress(ImportError):
            mods[name] = importlib.import_module(name)
    return mods


IMPORT_START = time.perf_counter()
MODS = _import_guide()
IMPORTS = time.perf_counter() - T0
IMPORTS_CPU = time.process_time()  # CPU since the process started: interpreter start and imports


# (module, attribute or Class.method, stage name, how to name the part from the arguments or None)
TARGETS: tuple[tuple[str, str, str, Callable[[tuple[Any, ...]], str] | None], ...] = (
    ("guide.build", "_validated", "load+validate", None),
    ("guide.data.validate", "load_guide", "load+validate", None),
    ("guide.data.validate", "_GuideReader.read_file", "file", None),
    ("guide.data.source", "load_yaml", "yaml", None),
    ("guide.data.source", "parse_yaml", "parse", None),
    ("guide.layout.styles", "load_theme", "theme", None),
    ("guide.layout.fonts", "check_coverage", "coverage", None),
    ("guide.layout.fonts", "register_theme", "fonts", None),
    ("guide.layout", "render", "render", None),
    ("guide.layout.units", "Worker.lay_out", "layout", None),
    ("guide.layout.pager", "Pager.run", "part", lambda args: str(args[0].info.part)),
    ("guide.layout.units", "number", "numbering", None),
    ("guide.layout.units", "Worker.finish", "finish", None),
    ("guide.pdf.assemble", "assemble", "assemble", None),
    ("guide.pdf.assemble", "write_part", "part", lambda args: str(args[3].part)),
    ("guide.pdf.assemble", "write_complete", "complete", None),
    ("guide.pdf.verify", "verify", "verify", None),
    ("guide.edition.publish", "publish", "write", None),
)


class Timers:
    """Inclusive time per call path ("render/layout/part[study]"), summed over calls.

    A build forks processes of its own (the second layout process, the half of a large bank
    read beside, the parts written beside the complete edition): the timers they inherit write
    each measurement to `log`, one JSON line each, which `children()` sums.
    """

    def __init__(self, log: Path) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)  # process CPU time: robust when the machine is busy
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []
        self.last_part = ""
        self.pid = os.getpid()
        self.log = log

    def record(self, path: str, wall: float, cpu: float) -> None:
        if os.getpid() == self.pid:
            self.totals[path] += wall
            self.cpu[path] += cpu
            self.calls[path] += 1
        else:  # a forked child, which may end with os._exit: written at once
            with open(self.log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"path": path, "wall": wall, "cpu": cpu}) + "\n")

    def children(self) -> dict[str, float]:
        """CPU seconds per call path in the forked children."""
        cpu: dict[str, float] = defaultdict(float)
        if self.log.exists():
            for line in self.log.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                cpu[entry["path"]] += entry["cpu"]
        return dict(cpu)

    def wrap(self, fn: Callable[..., Any], name: str, part: Callable[[tuple[Any, ...]], str] | None) -> Any:
        timers = self

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            label = name
            if part is not None:
                try:
                    timers.last_part = part(args)
                except Exception:
                    timers.last_part = "?"
                label = f"{name}[{timers.last_part}]"
            elif name == "flowables" and timers.last_part:
                label = f"{name}[{timers.last_part}]"
            if timers.stack and timers.stack[-1].split("/")[-1].split("[")[0] == name:
                return fn(*args, **kwargs)  # the same stage calling itself (_validated → load_guide)
            path = "/".join([*timers.stack[-1:], label]) if timers.stack else label
            timers.stack.append(path)
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                timers.record(path, time.perf_counter() - start, time.process_time() - cpu)
                timers.stack.pop()

        timed._bench_original = fn  # type: ignore[attr-defined]
        return timed


def install(timers: Timers) -> list[str]:
    """Wrap every target in every guide module that refers to it; return the targets not found."""
    missing = []
    for module, attr, name, part in TARGETS:
        mod = sys.modules.get(module) or MODS.get(module)
        if mod is None:
            try:
                mod = importlib.import_module(module)
            except ImportError:
                missing.append(f"{module}.{attr}")
                continue
        owner: Any = mod
        function = attr
        if "." in attr:  # a method: wrapped on its class
            cls_name, function = attr.split(".", 1)
            owner = getattr(mod, cls_name, None)
        fn = getattr(owner, function, None) if owner is not None else None
        if fn is None:
            missing.append(f"{module}.{attr}")
            continue
        fn = getattr(fn, "_bench_original", fn)
        wrapped = timers.wrap(fn, name, part)
        if owner is not mod:
            setattr(owner, function, wrapped)
            continue
        for other in list(sys.modules.values()):
            if getattr(other, "__name__", "").startswith("guide") and getattr(other, function, None) is fn:
                setattr(other, function, wrapped)
    return missing


def code_version() -> str:
    """A digest of guide/'s source as this process imported it: others edit guide/ while benchmarks run."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "guide").rglob("*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = code_version()


def run(folder: Path, out: Path) -> dict[str, Any]:
    """Build one guide as `guide build` does, timing each stage."""
    build = MODS["guide.build"]
    log = Path(tempfile.mkdtemp(prefix="guide-stages-")) / "children.jsonl"
    timers = Timers(log)
    missing = install(timers)
    options = build.Options(quiet=True)
    start, cpu = time.perf_counter(), time.process_time()
    result = build.build_guide(folder, out, options)
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    files = {}
    for role, (name, pages) in result.files.items():
        files[role] = {"pages": pages, "bytes": (result.folder / name).stat().st_size}
    stages = dict(timers.totals)
    top = sum(v for k, v in stages.items() if "/" not in k)
    stages["other"] = total - top
    stages_cpu = dict(timers.cpu)
    stages_cpu["other"] = total_cpu - sum(v for k, v in stages_cpu.items() if "/" not in k)
    children_cpu = timers.children()
    shutil.rmtree(log.parent, ignore_errors=True)
    return {
        "tool": "guide",
        "code_version": CODE_VERSION,
        "questions": len(result.guide.questions),
        "imports": IMPORTS,
        "imports_cpu": IMPORTS_CPU,
        "build": total,
        "build_cpu": total_cpu,
        "stages": stages,
        "stages_cpu": stages_cpu,
        "children_cpu": children_cpu,
        "calls": dict(timers.calls),
        "files": files,
        "pages": {role: f["pages"] for role, f in files.items()},
        "missing_targets": missing,
        "in_process": time.perf_counter() - T0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--json", type=Path, help="write the measurements here")
    args = parser.parse_args(argv)
    result = run(args.folder, args.out)
    if args.json:
        args.json.write_text(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
