"""Style files: overlays, inheritance, units, and errors located like data errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide.errors import GuideError
from guide.layout.styles import STYLES_DIR, load_theme


def _overlay(tmp_path: Path, body: str, name: str = "mine") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {STYLES_DIR / 'base'}\n{body}", encoding="utf-8")
    return str(path)


def _messages(style: str) -> list[str]:
    with pytest.raises(GuideError) as caught:
        load_theme(style)
    return [f"{p.location.line}:{p.location.column}: {p.message}" for p in caught.value.problems]


def test_base_style_has_every_named_style_and_a4_paper() -> None:
    theme = load_theme("base")
    assert theme.paper == pytest.approx((595.28, 841.89), abs=0.01)
    assert theme.styles["body"].size == 11
    assert theme.styles["small"].font == "serif"  # inherited from body through `parent:`
    scripts = ("arabic", "hebrew", "devanagari", "bengali", "tamil", "thai")
    assert theme.fallback == ("sans", *scripts, "cjk", "korean")


def test_overlay_changes_only_what_it_states(tmp_path: Path) -> None:
    theme = load_theme(_overlay(tmp_path, "paper: Letter\nstyles:\n  body:\n    size: 12pt\n"))
    base = load_theme("base")
    assert theme.paper == (612.0, 792.0)
    assert theme.styles["body"].size == 12
    assert theme.styles["body"].leading == base.styles["body"].leading
    assert theme.styles["small"].size == base.styles["small"].size
    assert theme.colours == base.colours


def test_units_are_converted_to_points(tmp_path: Path) -> None:
    theme = load_theme(
        _overlay(tmp_path, "margins:\n  top: 1in\n  bottom: 2.54cm\n  inner: 25.4mm\n  outer: 72pt\n")
    )
    assert all(theme.margins[k] == pytest.approx(72.0) for k in ("top", "bottom", "inner", "outer"))


def test_unknown_unit_is_located(tmp_path: Path) -> None:
    style = _overlay(tmp_path, "styles:\n  body:\n    size: 14pts\n")
    assert _messages(style) == ["4:11: unknown unit 'pts' in '14pts' (use pt, mm, cm or in)"]


def test_unknown_key_colour_and_font_are_all_reported_at_once(tmp_path: Path) -> None:
    body = "colours:\n  accent: blue\nstyles:\n  body:\n    font: serif-bold\n    colr: text\n"
    assert _messages(_overlay(tmp_path, body)) == [
        "3:11: colour 'accent' must be #rrggbb, found 'blue'",
        "6:11: unknown font 'serif-bold'; did you mean 'serif'?",
        "7:5: unknown paragraph style key 'colr'; did you mean 'colour'?",
    ]


def test_missing_font_file_is_located(tmp_path: Path) -> None:
    style = _overlay(tmp_path, "fonts:\n  serif:\n    regular: nowhere/Missing.ttf\n")
    (message,) = _messages(style)
    assert message.startswith("4:14: font file 'nowhere/Missing.ttf' not found")


def test_styles_extending_each_other_in_a_loop(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a\n", encoding="utf-8")
    with pytest.raises(GuideError, match="extend each other in a loop"):
        load_theme(str(tmp_path / "a.yaml"))


def test_parent_cycle_is_an_error(tmp_path: Path) -> None:
    style = _overlay(tmp_path, "styles:\n  body:\n    parent: small\n")
    assert any("inherits from itself" in m for m in _messages(style))


def test_a_face_that_is_not_a_font_is_located_by_check_and_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build reads a face when it first needs one, a check reads them all: a bold face that
    is not a font fails both, named, and the build writes nothing."""
    from guide.cli import main

    bad = tmp_path / "NotABold.ttf"
    bad.write_bytes(b"\x00\x01" * 2000)
    style = _overlay(
        tmp_path,
        f"fonts:\n  sans:\n    regular: {STYLES_DIR / 'fonts/DejaVuSans.ttf'}\n    bold: {bad}\n"
        f"    italic: {STYLES_DIR / 'fonts/DejaVuSans-Oblique.ttf'}\n"
        f"    bold_italic: {STYLES_DIR / 'fonts/DejaVuSans-BoldOblique.ttf'}\n",
    )
    guide = str(Path(__file__).resolve().parent.parent / "data" / "sql-fundamentals")
    for argv in (
        ["check", guide, "--style", style],
        ["build", guide, "--style", style, "--out", str(tmp_path / "out")],
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert f"{bad}: error: cannot use this font: " in err, err
    assert not (tmp_path / "out" / "sql-fundamentals").exists()


def test_a_page_reference_label_may_print_braces_and_other_labels_are_text(tmp_path: Path) -> None:
    """'{{' and '}}' print a brace in a page reference (the layout fills it with str.format);
    other labels are printed as written, braces and all."""
    theme = load_theme(
        _overlay(tmp_path, "labels:\n  answer_ref: '{{p. {page}}}'\n  notes: 'Notes {for you}'\n")
    )
    assert theme.labels["answer_ref"].format(page="A-7") == "{p. A-7}"
    assert theme.labels["notes"] == "Notes {for you}"


def test_a_style_that_fits_a4_may_not_fit_letter(tmp_path: Path) -> None:
    """--paper is checked like the style's own paper: Letter is 50pt shorter than A4."""
    from guide.layout.styles import on_paper

    theme = load_theme(_overlay(tmp_path, "margins:\n  top: 350pt\n  bottom: 380pt\n"))
    assert on_paper(theme, "a4").paper == theme.paper
    with pytest.raises(GuideError, match=r"62pt \(21.9 mm\) tall .* on Letter paper \(--paper letter\)"):
        on_paper(theme, "letter")


def test_a_zero_length_is_not_taken_for_the_default(tmp_path: Path) -> None:
    """A margin of 0mm is 0, not the 20mm default; a paper side of 0pt is an error, not A4."""
    theme = load_theme(_overlay(tmp_path, "margins:\n  top: 0mm\n  bottom: 0in\n"))
    assert theme.margins["top"] == theme.margins["bottom"] == 0
