"""Run the stages for one guide: load, validate, lay out, assemble, verify, then publish to output/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guide.errors import GuideError, Problem
from guide.model import Guide
from guide.validate import find_guides, load_guide

__all__ = ["BuildResult", "Options", "build_guide", "check_guide", "find_guides"]


@dataclass(frozen=True)
class Options:
    """What the user asked for, beyond which guides."""

    style: str = "base"
    strict: bool = False
    max_file_bytes: int | None = None
    quiet: bool = False
    progress: bool = False


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, for the command line to report."""

    guide: Guide
    folder: Path
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # role → (file name, pages)
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> list[str]:
        lines = []
        for role, (name, pages) in self.files.items():
            lines.append(f"{self.folder / name}  ({pages} pages, {role.replace('_', ' ')})")
        return lines


def _validated(folder: Path, options: Options) -> tuple[Guide, tuple[Problem, ...]]:
    guide, warnings = load_guide(folder, max_file_bytes=options.max_file_bytes)
    if options.strict and warnings:
        raise GuideError(Problem(w.location, w.message + " (--strict)", "error") for w in warnings)
    return guide, warnings


def check_guide(folder: Path, options: Options) -> tuple[Problem, ...]:
    """Validate one guide folder (data, style and glyph coverage) and write nothing; return warnings."""
    from guide import fonts, styles

    guide, warnings = _validated(folder, options)
    theme = styles.load_theme(options.style)
    fonts.check_coverage(guide, theme)
    return warnings


def build_guide(folder: Path, out_root: Path, options: Options) -> BuildResult:
    """Build one guide's PDFs and manifest into out_root/<guide id>/; nothing is written on failure."""
    from guide import assemble, fonts, publish, render, styles, verify

    guide, warnings = _validated(folder, options)
    theme = styles.load_theme(options.style)
    fonts.check_coverage(guide, theme)
    parts = render.render_parts(guide, theme)
    edition = assemble.assemble(guide, theme, parts)
    verify.verify(edition)
    written = publish.publish(guide, edition, out_root)
    return BuildResult(guide=guide, folder=written, files=edition.summary(), warnings=warnings)
