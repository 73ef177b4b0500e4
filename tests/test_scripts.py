"""Every script a candidate reads: shaped with HarfBuzz, ordered by the bidirectional algorithm, a
right-to-left guide laid out mirrored, and text that PDFium reads back in logical order."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import bidi
import pypdfium2 as pdfium
import pytest
import uharfbuzz as hb
from pagemodel import Collect, drawn_items

from guide import cli
from guide.build import Options, build_guide
from guide.data import text
from guide.edition.handouts import Candidate, check_names
from guide.errors import Location
from guide.layout import markdown, page
from guide.layout.draw import Drawer
from guide.layout.fonts import face_path
from guide.layout.kit import Kit, make_kit
from guide.layout.paragraph import JOINED, words_of
from guide.layout.spans import inline
from guide.layout.styles import load_theme

ROOT = Path(__file__).resolve().parent.parent
BANKS = Path(__file__).parent / "banks"
THEME = load_theme("base")

ARABIC = "تعلّمنا اليوم لغة Python في 3 ساعات و45 دقيقة، راجع https://example.org/docs/v2 للمزيد."
HEBREW = "שלום, זהו משפט בעברית עם המילה PDF והמספר 2024 בתוכו."
SAMPLES = {
    "arabic": "تعلّمنا اليوم لغةً جديدة بسرعة",
    "persian": "می‌خواهم برنامه‌نویسی یاد بگیرم",
    "hebrew": "שלום עולם, זהו משפט בעברית",
    "hindi": "क्षत्रिय विद्यार्थी ने श्रद्धा से हिन्दी पढ़ी।",
    "bengali": "স্ট্যাক ও কিউ-এর পার্থক্য কী?",
    "tamil": "அடுக்கு மற்றும் வரிசை வேறுபாடு",
    "thai": "ภาษาไทยเป็นภาษาที่สวยงาม น้ำใจ",
}


def kit_for(value: str, *, rtl: bool = False) -> Kit:
    return make_kit(THEME, set(value), rtl=rtl)


def lines_of(source: str, kit: Kit, width: float = 400.0, style: str = "body") -> list[page.TextLine]:
    para = markdown.paragraph(text.parse_inline(source), kit, style)
    return drawn_items(para, width)


def harfbuzz(face: str, value: str, rtl: bool) -> tuple[list[int], list[int]]:
    """Glyph ids and advances (font units) as HarfBuzz shapes a run itself."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(face_path(face)))))
    buffer = hb.Buffer()
    buffer.add_str(value)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    hb.shape(font, buffer, {})
    return [g.codepoint for g in buffer.glyph_infos], [p.x_advance for p in buffer.glyph_positions]


def reads_rtl(run: page.Run) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in run.text)


def visual(line: page.TextLine) -> str:
    """A line's characters in the order they are drawn from the left."""
    out = []
    for run in line.runs:
        if run.glyphs is None:
            out.append(run.text)
        elif reads_rtl(run) or all(unicodedata.bidirectional(c) not in ("L", "EN") for c in run.text):
            out.append("".join(t[::-1] for t in run.glyphs.texts))
        else:
            out.append("".join(run.glyphs.texts))
    return "".join(out)


# --- shaping --------------------------------------------------------------------------------------


@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_the_glyphs_drawn_are_the_glyphs_harfbuzz_returns(script: str) -> None:
    value = SAMPLES[script]
    lines = lines_of(value, kit_for(value))
    shaped = [run for line in lines for run in line.runs if run.glyphs is not None]
    assert shaped, "nothing was shaped"
    for run in shaped:
        assert run.glyphs is not None
        neutral = all(unicodedata.bidirectional(c) not in ("L", "EN") for c in run.text)
        ids, advances = harfbuzz(run.face, run.text, reads_rtl(run) or neutral)
        assert list(run.glyphs.ids) == ids, run.text
        scale = 1000 / hb.Face(hb.Blob.from_file_path(str(face_path(run.face)))).upem
        assert list(run.glyphs.advances) == pytest.approx([a * scale for a in advances]), run.text
    drawn = "".join("".join(r.glyphs.texts) if r.glyphs else r.text for line in lines for r in line.runs)
    # Every character reads back from one glyph or another (a non-joiner with its neighbour).
    assert sorted(drawn.replace(" ", "")) == sorted(value.replace(" ", ""))


def test_devanagari_conjuncts_and_a_vowel_sign_before_its_consonant() -> None:
    value = "क्षत्रिय"
    (line,) = lines_of(value, kit_for(value))
    (run,) = line.runs
    assert run.glyphs is not None
    # क्ष is one glyph; ि is drawn before त्र, and the two read as one cluster: "त्रि".
    assert run.glyphs.texts == ("क्ष", "त्रि", "", "य")
    assert run.glyphs.clusters[1] == run.glyphs.clusters[2]


def test_arabic_letters_join_and_go_to_the_font_made_for_them() -> None:
    value = "بيت"
    (line,) = lines_of(value, kit_for(value))
    (run,) = line.runs
    assert "NotoNaskhArabic" in run.face  # not DejaVu Sans, which has Arabic too
    assert run.glyphs is not None
    isolated = (
        harfbuzz(run.face, "ب", True)[0] + harfbuzz(run.face, "ي", True)[0] + harfbuzz(run.face, "ت", True)[0]
    )
    assert set(run.glyphs.ids).isdisjoint(isolated)  # initial, medial and final forms, not isolated ones


def test_a_persian_zero_width_non_joiner_keeps_letters_apart() -> None:
    joined, apart = "میخواهم", "می\u200cخواهم"
    kit = kit_for(joined + apart)
    (a,) = lines_of(joined, kit)[0].runs
    (b,) = lines_of(apart, kit)[0].runs
    assert a.glyphs is not None and b.glyphs is not None
    assert a.glyphs.ids != b.glyphs.ids  # the non-joiner changes the forms, and draws nothing


def test_latin_text_is_never_shaped() -> None:
    value = "Plain text with ﬁ and fi, é, ß, 漢字."
    assert all(run.glyphs is None for line in lines_of(value, kit_for(value)) for run in line.runs)


# --- bidirectional order --------------------------------------------------------------------------


def test_arabic_with_numbers_latin_and_a_url_in_the_order_the_algorithm_gives() -> None:
    kit = kit_for(ARABIC, rtl=True)
    (line,) = lines_of(ARABIC, kit, width=1000)
    expected = bidi.get_display(ARABIC, base_dir="R")  # the Rust implementation, as a reference
    assert visual(line) == expected
    assert "https://example.org/docs/v2" in visual(line)
    assert "Python" in visual(line) and "45" in visual(line)


def test_hebrew_with_a_number_and_a_latin_word_in_order() -> None:
    (line,) = lines_of(HEBREW, kit_for(HEBREW), width=1000)
    assert visual(line) == bidi.get_display(HEBREW, base_dir="R")


def test_code_in_right_to_left_text_reads_left_to_right() -> None:
    source = "היא מדפיסה `[1, 2]` ואחר כך `items=None` בסוף"
    kit = kit_for(source)
    (line,) = lines_of(source, kit, width=1000)
    runs = [run.text for run in line.runs]
    assert "[1, 2]" in runs and "items=None" in runs  # each whole, as typed
    assert runs.index("items=None") < runs.index("[1, 2]")  # the later one further left


def test_lines_break_in_logical_order_then_read_right_to_left() -> None:
    value = " ".join(["مرحبا"] * 30)
    kit = kit_for(value)
    para = markdown.paragraph(text.parse_inline(value), kit, "body")
    lines = drawn_items(para, 200)
    assert len(lines) > 2
    right = max(line.x + sum(r.glyphs.width * r.size / 1000 for r in line.runs if r.glyphs) for line in lines)
    for line in lines:  # every line ends at the right edge: right to left, ragged left
        width = sum(r.glyphs.width * r.size / 1000 for r in line.runs if r.glyphs)
        assert line.x + width == pytest.approx(right, abs=0.01)


def test_a_paragraph_takes_its_direction_from_its_first_strong_character() -> None:
    kit = kit_for("abc שלום")
    (english,) = lines_of("Hello שלום", kit)
    (hebrew,) = lines_of("שלום Hello", kit)
    assert english.x == 0.0  # left to right, at the left edge
    assert hebrew.x > 100  # right to left, ending at the right edge of 400 pt
    assert english.runs[0].text == "Hello "
    assert hebrew.runs[0].text == "Hello"


def test_emoji_and_formulas_stand_in_right_to_left_text_where_the_algorithm_puts_them() -> None:
    """Inline boxes (an emoji, a formula) in an Arabic paragraph: the words around them shaped, and
    each box drawn between the words it stands between, read from the right."""
    source = "مرحبا 🙂 عالم $x^2$ نهاية"
    kit = kit_for(source)
    out = Collect()
    para = markdown.paragraph(text.parse_inline(source), kit, "body")
    para.wrap(1000, 1e9)
    para.draw(out, 0.0, 0.0)
    lines = [item for item in out.items if isinstance(item, page.TextLine)]
    pictures = [item for item in out.items if isinstance(item, page.Picture)]
    assert len(pictures) == 2
    assert all(run.glyphs is not None for line in lines for run in line.runs if run.text.strip())

    def where(word: str) -> float:
        (line,) = [line for line in lines if any(word in r.text for r in line.runs)]
        return line.x

    emoji_x, formula_x = sorted(pictures, key=lambda p: -p.x)[0].x, sorted(pictures, key=lambda p: p.x)[0].x
    # From the right: مرحبا, 🙂, عالم, x², نهاية.
    assert where("مرحبا") > emoji_x > where("عالم") > formula_x > where("نهاية")


# --- Thai -----------------------------------------------------------------------------------------


def test_thai_breaks_only_at_spaces_and_zero_width_spaces() -> None:
    value = "ภาษา\u200bไทย\u200bสวย งาม"
    kit = kit_for(value)
    words = words_of(inline(text.parse_inline(value), kit, kit.style("body")))
    assert words.texts == ["ภาษา", "ไทย", "สวย", "งาม"]
    assert words.gaps[1] == words.gaps[2] == JOINED  # no space drawn, a line may break there
    assert words.gaps[3] >= 0  # a space
    long = "ภาษาไทยเป็นภาษาที่สวยงามมาก" * 3
    para = markdown.paragraph(text.parse_inline(long + "\u200b" + long), kit, "body")
    width = drawn_items(markdown.paragraph(text.parse_inline(long), kit, "body"), 10_000)[0].runs[0]
    assert width.glyphs is not None
    room = width.glyphs.width * width.size / 1000 * 1.5
    assert para.line_texts(room) == [long, long]  # never inside a run of Thai without a break


# --- a guide laid out right to left -----------------------------------------------------------------


def test_a_right_to_left_guide_mirrors_lists_boxes_heads_and_numbers() -> None:
    source = "- أولاً\n- ثانياً\n\n> اقتباس\n\n```\ncode()\n```"
    kit = kit_for(source, rtl=True)
    blocks = markdown.blocks(text.parse(source), kit)
    out = Collect()
    top = 500.0
    for block in blocks:
        height = block.wrap(400, 1e9)
        block.draw(out, 0.0, top - height)
        top -= height + 10
    lines = [i for i in out.items if isinstance(i, page.TextLine)]
    bullets = [line for line in lines if line.runs[0].text == "•"]
    assert len(bullets) == 2 and all(line.x > 380 for line in bullets)  # the markers at the right
    (rule,) = [i for i in out.items if isinstance(i, page.Rule)]
    assert rule.x1 > 390  # the quote's rule down the right edge
    (code,) = [line for line in lines if line.runs[0].text == "code()"]
    assert code.x < 20  # code stays left to right, at the left of its box


def test_a_right_to_left_guide_has_its_running_head_and_folio_mirrored(tmp_path: Path) -> None:
    result = build_guide(BANKS / "ar-js", tmp_path, Options())
    study = result.folder / result.files["study_guide"][0]
    doc = pdfium.PdfDocument(study)
    try:
        body = next(i for i in range(len(doc)) if "Page 1 of" in doc[i].get_textpage().get_text_range())
        textpage = doc[body].get_textpage()
        found = {}
        for needle in ("Study guide", "Page 1 of", "2026.1"):
            index = textpage.get_text_range().find(needle)
            assert index >= 0, needle
            found[needle] = textpage.get_charbox(index)[0]
        width = doc[body].get_width()
    finally:
        doc.close()
    assert found["Study guide"] > width / 2  # the part's name at the right, the folio at the left
    assert found["Page 1 of"] < width / 2
    assert found["2026.1"] > width / 2  # the guide's title and edition in the head, at the right


# --- text that survives -----------------------------------------------------------------------------


def _pdfium_text(path: Path) -> str:
    doc = pdfium.PdfDocument(path)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """built(bank): the text PDFium reads off its complete edition."""
    made: dict[str, str] = {}

    def get(name: str) -> str:
        if name not in made:
            out = tmp_path_factory.mktemp(name)
            result = build_guide(BANKS / name, out, Options())
            made[name] = _pdfium_text(result.folder / result.files["complete"][0])
        return made[name]

    return get


@pytest.mark.parametrize(
    ("bank", "expected"),
    [
        ("ar-js", ["أساسيات اللغة", "البرمجة غير المتزامنة", "نطاق الدالة مقابل نطاق الكتلة", "تقريبًا"]),
        ("ar-js", ["المتغير المعرّف بـ var نطاقه الدالة، أما let فنطاقه الكتلة."]),
        ("he-code", ["ערכי ברירת מחדל מחושבים פעם אחת", "מה מדפיסה הפונקציה הבאה כאשר קוראים לה פעמיים?"]),
        ("hi-dsa", ["स्टैक और क्यू में क्या अंतर है?", "क्षत्रिय विद्यार्थी ने श्रद्धा से हिन्दी पढ़ी।"]),
        ("hi-dsa", ["স্ট্যাক ও কিউ-এর পার্থক্য কী?", "அடுக்கு மற்றும் வரிசை."]),
        ("th-web", ["GET ปลอดภัยและทำซ้ำได้", "ความแตกต่างระหว่าง GET และ POST คืออะไร?"]),
        ("zh-bold", ["普通文字与粗体文字对比。", "什么是过拟合？如何避免？"]),
    ],
)
def test_pdfium_reads_every_script_in_logical_order(
    bank: str, expected: list[str], built: Callable[[str], str]
) -> None:
    page_text = " ".join(built(bank).split())
    for sentence in expected:
        assert sentence in page_text, sentence


def test_code_lines_with_a_hebrew_comment_read_back_whole(built: Callable[[str], str]) -> None:
    assert "def add(item=1, items=[]):" in built("he-code")
    assert "print(items)" in built("he-code")


# --- bold Chinese ---------------------------------------------------------------------------------------


def test_bold_chinese_is_drawn_stroked_as_well() -> None:
    source = "普通**粗体**"
    kit = kit_for(source)
    (line,) = lines_of(source, kit)
    assert [(run.text, run.bold) for run in line.runs] == [("普通", False), ("粗体", True)]
    content = Drawer().content([line])
    plain, bold = content.split("2 Tr")
    assert " w" in bold and "RG" in bold  # a stroke as wide as a share of the size, in the text's colour
    assert "0 Tr" not in plain


# --- candidates' names ----------------------------------------------------------------------------------


def test_names_in_any_script_are_accepted_for_handouts() -> None:
    names = ["محمد علي", "דוד לוי", "अनन्या शर्मा", "สมชาย ใจดี", "李小龍"]
    check_names([Candidate(name, "", "", Location("c.csv", n + 2, 1)) for n, name in enumerate(names)], THEME)


def test_a_candidate_name_in_arabic_prints_in_the_watermark_and_the_stamp(tmp_path: Path) -> None:
    candidates = tmp_path / "candidates.csv"
    candidates.write_text("name\nمحمد علي\nअनन्या शर्मा\n", encoding="utf-8")
    code = cli.main(
        ["handouts", str(BANKS / "zh-bold"), "--candidates", str(candidates), "--out", str(tmp_path / "o")]
    )
    assert code == 0
    folder = tmp_path / "o" / "zh-bold-handouts"
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == 2
    for path in files:
        page_text = _pdfium_text(path)
        name = "محمد علي" if "محمد" in path.name else "अनन्या शर्मा"
        assert name in page_text  # the watermark, a line of its own
        for word in name.split():
            assert page_text.count(word) >= 2  # and in the stamp


# --- the cost for Latin text -------------------------------------------------------------------


def test_a_latin_guide_loads_neither_harfbuzz_nor_the_bidi_algorithm(tmp_path: Path) -> None:
    folder = str(ROOT / "data" / "sql-fundamentals")
    script = (
        "import sys\n"
        "from guide.cli import main\n"
        f"code = main(['build', {folder!r}, '--out', {str(tmp_path)!r}, '--quiet'])\n"
        "assert code == 0, code\n"
        "print(sorted(m for m in ('uharfbuzz', 'bidi') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_synthetic_glyphs_keep_readers_on_the_baseline(tmp_path: Path) -> None:
    """A shadda raised by HarfBuzz, drawn with a text rise, was read as a line of its own."""
    value = "تعلّمنا"
    kit = kit_for(value)
    (line,) = lines_of(value, kit)
    drawer = Drawer()
    content = drawer.content([page.TextLine(100, 700, line.runs)])
    assert " Ts" not in content
    from guide.pdf.writer import write_pages

    path = tmp_path / "word.pdf"
    write_pages(path, [content.encode("latin-1")], drawer.resources(), (595, 842), {}, "ar")
    assert _pdfium_text(path).strip() == value


def test_a_right_to_left_book_printed_on_both_sides_opens_the_other_way() -> None:
    """Its first page is a left-hand one, bound at its right: laid out from the outer margin, and
    the pages after it (bound at their left) moved over to the inner one."""
    theme = load_theme("print")
    assert theme.duplex
    margins = theme.margins
    rtl, ltr = make_kit(theme, rtl=True), make_kit(theme)
    assert (ltr.left_margin, ltr.shift) == (margins["inner"], margins["outer"] - margins["inner"])
    assert (rtl.left_margin, rtl.shift) == (margins["outer"], margins["inner"] - margins["outer"])
