"""Fonts: fallback families are loaded only for characters the style's own fonts lack."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from guide.layout.fonts import face_coverage, register_theme
from guide.layout.spans import faced
from guide.layout.styles import STYLES_DIR, load_theme


def test_line_breaks_and_invisible_characters_load_no_fallback_font() -> None:
    """'\\n', tabs and zero-width characters are never drawn: no fallback (several MB) for them."""
    families = register_theme(load_theme("base"), set("Plain text\n\twith a zero\u200bwidth space"))
    assert set(families) == {"serif", "sans", "mono"}


def test_a_character_the_fonts_lack_loads_the_first_fallback_that_has_it() -> None:
    assert set(register_theme(load_theme("base"), set("漢"))) == {"serif", "sans", "mono", "cjk"}
    # Droid Sans Fallback (4 MB) comes before NanumGothic, but has no Hangul: it is not loaded.
    assert set(register_theme(load_theme("base"), set("한"))) == {"serif", "sans", "mono", "korean"}


def test_letters_of_a_shaped_script_load_the_font_made_for_it() -> None:
    """DejaVu Sans has some Arabic and Hebrew, but Noto's are made for them (joining forms, marks):
    they are loaded all the same; a guide without such letters loads none of them."""
    assert set(register_theme(load_theme("base"), set("بש"))) == {"serif", "sans", "mono", "arabic", "hebrew"}
    assert set(register_theme(load_theme("base"), set("क"))) == {"serif", "sans", "mono", "devanagari"}
    assert set(register_theme(load_theme("base"), set("ก"))) == {"serif", "sans", "mono", "thai"}


def test_a_character_the_bold_face_lacks_is_drawn_from_the_regular_face() -> None:
    """DejaVu Serif Bold has no double-struck ℝ: a bold run keeps its other characters bold and
    draws ℝ upright rather than as an empty box."""
    serif = register_theme(load_theme("base"))["serif"]
    bold = serif.face(True, False)
    assert ord("ℝ") in face_coverage(serif.regular) and ord("ℝ") not in face_coverage(bold)
    # The upright ℝ is emboldened (drawn stroked too), so that it still looks bold.
    assert faced(serif, True, False, "x ∈ ℝ, y") == [
        (bold, "x ∈ ", False),
        (serif.regular, "ℝ", True),
        (bold, ", y", False),
    ]
    assert faced(serif, True, False, "plain") == [(bold, "plain", False)]
    assert faced(serif, False, False, "x ∈ ℝ") == [(serif.regular, "x ∈ ℝ", False)]


def test_bold_in_a_family_without_a_bold_face_is_emboldened() -> None:
    """Droid Sans Fallback has no bold: **粗体** is drawn in its regular face, stroked as well."""
    cjk = register_theme(load_theme("base"), set("粗"))["cjk"]
    assert faced(cjk, True, False, "粗体") == [(cjk.regular, "粗体", True)]
    assert faced(cjk, False, False, "粗体") == [(cjk.regular, "粗体", False)]


@pytest.mark.parametrize("size", [1000, 300_000])
def test_a_font_file_cut_short_is_one_clear_error(
    size: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A TrueType file cut to 1,000 bytes made ReportLab raise struct.error; cut later, it would
    have failed only when a subset was written."""
    from conftest import MINIMAL_YAML, write_guide

    from guide.cli import main

    monkeypatch.chdir(tmp_path)
    font = tmp_path / "cut.ttf"
    font.write_bytes((STYLES_DIR / "fonts" / "DejaVuSerif.ttf").read_bytes()[:size])
    style = tmp_path / "cut.yaml"
    style.write_text(
        f"extends: {STYLES_DIR / 'base'}\nfonts:\n  serif:\n    regular: cut.ttf\n", encoding="utf-8"
    )
    source = write_guide(tmp_path / "g", MINIMAL_YAML)
    assert main(["check", str(source), "--style", str(style)]) == 1
    assert main(["build", str(source), "--style", str(style), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{font.name}: error: cannot use this font: the file is cut short: " in err
    assert err.count("replace it with a whole copy\n") == 2
    assert not (tmp_path / "out" / "g").exists()


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u4e00", "cjk unified ideograph-4E00"),
        ("\U0002a6a5", "cjk unified ideograph-2A6A5"),
        ("\U00031350", "cjk unified ideograph-31350"),  # Unicode 15: newer than Python's database
        ("\uf900", "cjk compatibility ideograph-F900"),
        ("\u1200", "ethiopic syllable ha"),
        ("\U0001f951", "avocado"),
        ("\ue000", "a private-use character"),
        ("\u0007", "bell, a control character"),
        ("\U0003fffe", "a noncharacter"),
        ("\u0378", "a character Unicode 14.0.0 does not name"),
    ],
)
def test_characters_are_named_whole_with_their_code_point(char: str, name: str) -> None:
    from guide.data.source import char_name

    if unicodedata.unidata_version != "14.0.0" and name.startswith("a character Unicode"):
        name = name.replace("14.0.0", unicodedata.unidata_version)
    assert char_name(char) == name


def test_a_chinese_character_no_font_has_is_named_whole(tmp_path: Path) -> None:
    from guide.data.validate import load_guide
    from guide.errors import GuideError
    from guide.layout.fonts import check_coverage

    (tmp_path / "guide.yaml").write_text(
        'title: T\nedition: "1"\nquestions:\n'
        '  - {id: q, topic: T, question: "\U0002a6a5 \U00031350?", answer: a}\n',
        encoding="utf-8",
    )
    guide, _ = load_guide(tmp_path)
    with pytest.raises(GuideError) as caught:
        check_coverage(guide, load_theme("base"))
    messages = [p.message for p in caught.value.problems]
    assert any("'\U0002a6a5' (U+2A6A5, cjk unified ideograph-2A6A5), used once" in m for m in messages)
    assert any("'\U00031350' (U+31350, cjk unified ideograph-31350), used once" in m for m in messages)


def test_a_character_no_font_has_is_located_where_it_is_typed(tmp_path: Path) -> None:
    """The line and column of the character itself, in a block scalar, a quoted one and an item
    of a list: not the start of a 20,000-character answer."""
    from guide.data.validate import load_guide
    from guide.errors import GuideError
    from guide.layout.fonts import check_coverage

    (tmp_path / "guide.yaml").write_text(
        'title: T\nedition: "1"\nquestions:\n'
        "  - id: q\n"
        "    topic: T\n"
        '    question: "Why \U00013000?"\n'  # line 6: the hieroglyph at column 20
        "    answer: |\n"
        "      A first line.\n"
        "      Then \u1230 here.\n"  # line 9: column 12
        "    key_points:\n"
        "      - one\n"
        "      - two \U0001d400\n",  # line 12: column 13
        encoding="utf-8",
    )
    guide, _ = load_guide(tmp_path)
    with pytest.raises(GuideError) as caught:
        check_coverage(guide, load_theme("base"))
    found = {
        p.message[len("no font has '")]: (p.location.line, p.location.column) for p in caught.value.problems
    }
    assert found == {"\U00013000": (6, 20), "\u1230": (9, 12), "\U0001d400": (12, 13)}
