"""The packages are the stages, and each imports only those before it: data knows no layout, layout
no PDF file, pdf no publishing; each library is used by the one package that adapts it."""

from __future__ import annotations

import ast
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "guide"
ORDER = ("data", "layout", "pdf", "edition")  # each may import those before it
# The libraries that only their adapters use: where they may be imported. ReportLab draws pages
# and reads fonts (layout; the package's __init__ loads it first, without HarfBuzz); pypdf writes
# and changes PDF files, PDFium reads them (pdf).
LIBRARIES = {
    "reportlab": ("layout/fonts.py", "layout/draw.py", "layout/__init__.py"),
    "pypdf": ("pdf/",),
    "pypdfium2": ("pdf/",),
}


def imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (deferred imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_each_package_imports_only_the_stages_before_it() -> None:
    wrong = []
    for index, package in enumerate(ORDER):
        later = ORDER[index + 1 :]
        for path in (GUIDE / package).rglob("*.py"):
            for name in imports(path):
                parts = name.split(".")
                if parts[0] == "guide" and len(parts) > 1 and parts[1] in later:
                    wrong.append(f"{path.relative_to(GUIDE)} imports {name}")
                if parts[0] == "guide" and len(parts) > 1 and parts[1] in ("cli", "build"):
                    wrong.append(f"{path.relative_to(GUIDE)} imports {name}, which runs the stages")
    assert wrong == []


def test_each_library_is_used_by_its_adapters_only() -> None:
    wrong = []
    for path in GUIDE.rglob("*.py"):
        where = str(path.relative_to(GUIDE))
        for name in imports(path):
            library = name.split(".")[0]
            if library in LIBRARIES and not where.startswith(LIBRARIES[library]):
                wrong.append(f"{where} imports {name}")
    assert wrong == []


def test_library_code_never_prints() -> None:
    """Only the command line (guide/cli/) talks to the terminal: everything else raises located problems."""
    wrong = []
    for path in GUIDE.rglob("*.py"):
        if path.parent.name == "cli" or path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                wrong.append(f"{path.relative_to(GUIDE)}:{node.lineno}")
    assert wrong == []
