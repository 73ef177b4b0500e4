"""Colour emoji: every fully-qualified sequence of Unicode's emoji-test.txt (tests/data, Emoji 15.0)
is drawn from the shipped Noto Color Emoji as an image the size of a letter, each image once per
file, and copies as its sequence; none is refused by the glyph check."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pagemodel import Collect, info, paginate
from PIL import Image

from guide import cli
from guide.data import text
from guide.data.nodes import Inline, Paragraph
from guide.layout import emoji, markdown, page, pictures
from guide.layout.blocks import Box
from guide.layout.draw import Drawer
from guide.layout.kit import make_kit
from guide.layout.spans import Span, inline
from guide.layout.styles import load_theme
from guide.pdf.writer import write_pages


def _children(source: str) -> tuple[Inline, ...]:
    """What the one paragraph of a Markdown source holds."""
    (paragraph,) = text.parse(source)
    assert isinstance(paragraph, Paragraph)
    return paragraph.children


DATA = Path(__file__).parent / "data" / "emoji-test.txt"


def fully_qualified() -> list[str]:
    found = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if "; fully-qualified" in line:
            found.append("".join(chr(int(code, 16)) for code in line.split(";")[0].split()))
    return found


def test_the_image_set_has_every_fully_qualified_sequence() -> None:
    sequences = fully_qualified()
    assert len(sequences) == 3655
    assert [s for s in sequences if not emoji.drawable(s)] == []


def test_a_page_of_every_sequence_draws_each_as_an_image_without_a_box(tmp_path: Path) -> None:
    sequences = fully_qualified()
    kit = make_kit(load_theme("base"))
    pages, _ = paginate(markdown.blocks(text.parse("Emoji: " + " ".join(sequences)), kit), kit)
    drawn = [item for p in pages for item in p.items if isinstance(item, page.Picture)]
    assert [item.text for item in drawn] == sequences  # each one an image, in order
    lines = [item for p in pages for item in p.items if isinstance(item, page.TextLine)]
    assert all("[U+" not in run.text for line in lines for run in line.runs)  # no placeholder
    body = kit.style("body")
    for item in drawn[:50]:  # as tall as a letter of the text, on its baseline
        assert item.height == pytest.approx(body.size * 128 / 109)
    drawer = Drawer()
    contents = [
        drawer.content([i for i in p.items if isinstance(i, page.STATIC)]).encode("latin-1") for p in pages
    ]
    resources = drawer.resources()
    assert len(resources.images) == len({item.key for item in drawn}) > 3600  # one resource an image
    path = tmp_path / "emoji.pdf"
    write_pages(path, contents, resources, kit.theme.paper, {"/Title": "emoji"}, "en")
    pdf = pdfium.PdfDocument(str(path))
    # Every emoji is ink (no blank), in colour (no monochrome box).
    bitmap = pdf[0].render(scale=1).to_pil().convert("RGB")
    data = bitmap.tobytes()
    colourful = sum(1 for k in range(0, len(data), 3) if max(data[k : k + 3]) - min(data[k : k + 3]) > 60)
    assert colourful > 20_000
    copied = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))

    def bare(value: str) -> str:  # readers drop joiners and variation selectors
        return "".join(c for c in value if c not in "\u200d\ufe0f \r\n")

    found = sum(1 for s in sequences if bare(s) in bare(copied))
    assert found >= 0.9 * len(sequences)
    assert all(s[0] in copied for s in sequences)


def test_each_emoji_image_is_embedded_once(tmp_path: Path) -> None:
    kit = make_kit(load_theme("base"))
    pages, _ = paginate(markdown.blocks(text.parse("🚀 " * 300 + "👍🏽 🇩🇪 #️⃣ 👨‍👩‍👧"), kit), kit)
    drawer = Drawer()
    for p in pages:
        drawer.content([i for i in p.items if isinstance(i, page.STATIC)])
    assert len(drawer.resources().images) == 5


def test_text_default_symbols_stay_text_where_a_font_has_them() -> None:
    kit = make_kit(load_theme("base"))
    spans = inline(_children("© ™ ↔ and ❤️"), kit, kit.style("body"))
    boxes = [s.box for s in spans if s.box is not None]
    assert [box.picture.text for box in boxes] == ["❤️"]
    assert "©" in "".join(s.text for s in spans)


def test_a_bank_of_emoji_builds_without_draft(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "guide.yaml").write_text(
        "title: Emoji 🚀\nedition: '1'\ndate: 2026-01-01\ntopics: ['👶 Easy']\nquestions:\n"
        "  - id: q\n    topic: '👶 Easy'\n    question: Which is 🥑 and 🧑🏽‍🚀 and 🏴󠁧󠁢󠁳󠁣󠁴󠁿?\n"
        "    guidance: g\n    key_points: ['🦢 swan']\n    answer: '🥳 done #️⃣ 🇯🇵'\n",
        encoding="utf-8",
    )
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out"), "--strict"]) == 0, (
        capsys.readouterr().err
    )
    complete = next((tmp_path / "out" / "e").glob("*complete.pdf"))
    pdf = pdfium.PdfDocument(str(complete))
    copied = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for wanted in ("🥑", "🦢", "🥳", "🇯🇵"):
        assert wanted in copied


def test_text_without_emoji_loads_no_emoji_data() -> None:
    assert not emoji.may_hold("Plain text, 100% ASCII: a < b, #1 and *2*")
    assert not emoji.may_hold("Ünïcödé, 中文, русский")
    assert emoji.may_hold("a 🚀") and emoji.may_hold("key #️⃣")


def test_pictures_are_keyed_by_their_content() -> None:
    one = pictures.image(_png((255, 0, 0)))
    assert pictures.image(_png((255, 0, 0))).key == one.key
    assert pictures.image(_png((0, 255, 0))).key != one.key


def _png(colour: tuple[int, int, int]) -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, "PNG")
    return out.getvalue()


# --- in code, and in candidates' names -----------------------------------------------------------

EMOCODE = (
    "title: Emoji in code\nedition: '1'\ndate: 2026-01-01\nquestions:\n"
    "  - id: q\n    topic: T\n    question: \"What does `console.log('🔥')` print?\"\n"
    "    guidance: g\n    key_points: ['`✅ done`', '<kbd>⌘</kbd> <kbd>🔥</kbd>']\n"
    "    answer: |\n      It prints 🔥:\n\n      ```js\n"
    '      const s = "👍🏽 👨‍👩‍👧 🇯🇵"; // emoji in code 😀\n'
    "      console.log(s.length); // 中文 注释 and العربية\n      ```\n"
    "      | code | note |\n      |---|---|\n      | `ok ✅` | 🎉 |\n"
    "  - id: plain\n    topic: T\n    format: text\n    question: And this?\n"
    "    guidance: g\n    key_points: [k]\n    answer: |\n      It logs:\n"
    '      console.log("🚀 go");\n      }\n'
)


def _code_pictures(kit_spans: Sequence[Span]) -> list[str]:
    return [s.box.picture.text for s in kit_spans if s.box is not None]


def test_emoji_in_inline_code_are_images_one_or_two_cells_wide() -> None:
    """As in a terminal: an emoji shown as one takes two cells of the monospace face, a sign that is
    text by default and has no glyph of its own one; never a [U+…] placeholder."""
    kit = make_kit(load_theme("base"))
    body = kit.style("body")
    spans = inline(_children("Run `console.log('🔥')` and `a 👨‍👩‍👧 ✅ b`"), kit, body)
    assert _code_pictures(spans) == ["🔥", "👨‍👩‍👧", "✅"]
    assert not any("[U+" in s.text for s in spans)
    code = [s for s in spans if s.code]
    assert all(s.back == kit.colour("code_background") for s in code)  # on the code's background
    mono = code[0].face
    from guide.layout.kit import font

    for span in code:
        if span.box is not None:
            cell = font(mono).stringWidth(" ", span.size)
            assert span.box.width == pytest.approx(2 * cell)
            assert span.box.picture.width <= span.box.width + 1e-6  # the image within its cells
    from guide.layout.spans import cells

    assert [cells(s) for s in ("🔥", "👍🏽", "🇯🇵", "#️⃣", "✅", "❤")] == [2, 2, 2, 2, 2, 1]


def test_emoji_in_code_blocks_are_images_in_their_cells_and_copy_as_themselves() -> None:
    kit = make_kit(load_theme("base"))
    source = 'const s = "👍🏽 👨‍👩‍👧 🇯🇵"; // emoji 😀\nconsole.log(s); // العربية 🎉 نص'
    for language in ("", "js"):
        (block,) = markdown.blocks(text.parse(f"```{language}\n{source}\n```"), kit)
        block.wrap(kit.frame_width, 1e9)
        out = Collect()
        block.draw(out, 0.0, 0.0)
        drawn = [item for item in out.items if isinstance(item, page.Picture)]
        assert [item.text for item in drawn] == ["👍🏽", "👨‍👩‍👧", "🇯🇵", "😀", "🎉"]
        lines = [item for item in out.items if isinstance(item, page.TextLine)]
        assert not any("[U+" in run.text or "\ufffc" in run.text for line in lines for run in line.runs)
        assert isinstance(block, Box)
        inner = block.blocks[0]
        assert isinstance(inner, markdown.CodeText)
        assert inner.line_texts(inner.width) == source.split("\n")  # each emoji as itself
        # In the first line the images follow the text, each two cells on from the one before.
        first = sorted(i.x for i in drawn[:3])
        from guide.layout.kit import font

        cell = font(kit.style("code").face).stringWidth(" ", kit.style("code").size)
        assert first[1] - first[0] == pytest.approx(3 * cell, abs=cell / 2)  # an emoji and a space


def test_a_code_line_with_emoji_wraps_between_them() -> None:
    kit = make_kit(load_theme("base"))
    code = markdown.CodeText(["x = '" + "🚀" * 60 + "'"], kit)
    texts = code.line_texts(200.0)
    assert len(texts) > 2 and all(line.startswith("\u21aa ") for line in texts[1:])
    assert "".join(line.removeprefix("\u21aa ") for line in texts) == "x = '" + "🚀" * 60 + "'"


def test_a_bank_with_emoji_in_code_builds_with_them_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Code, key points, tables, keys and plain-text code: each emoji an image, none a placeholder,
    without --draft and without a warning."""
    folder = tmp_path / "emocode"
    folder.mkdir()
    (folder / "guide.yaml").write_text(EMOCODE, encoding="utf-8")
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out"), "--strict"]) == 0
    assert capsys.readouterr().err == ""
    complete = next((tmp_path / "out" / "emocode").glob("*complete.pdf"))
    pdf = pdfium.PdfDocument(str(complete))
    copied = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "[U+" not in copied
    for wanted in ("🔥", "✅", "👍", "🇯🇵", "😀", "🎉", "🚀"):
        assert wanted in copied, wanted
    images = sum(
        1
        for i in range(len(pdf))
        for obj in pdf[i].get_objects()
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
    )
    assert images >= 12  # the emoji of both parts, each drawn


def test_a_candidates_name_keeps_its_emoji_in_the_stamp_and_the_watermark() -> None:
    from guide.layout import pictured
    from guide.layout.finish import Resolver
    from guide.layout.units import Numbering

    kit = make_kit(load_theme("base"))
    name = "Ada 👩🏽‍💻 Lovelace"
    pages, _ = paginate(
        markdown.blocks(text.parse("Some text."), kit), kit, info(stamp=f"Copy ABCD · prepared for {name}")
    )
    stamp = [item for item in pages[0].items if isinstance(item, page.Picture)]
    assert [item.text for item in stamp] == ["👩🏽‍💻"]
    runs = "".join(r.text for item in pages[0].items if isinstance(item, page.TextLine) for r in item.runs)
    assert "prepared for Ada " in runs and "Lovelace" in runs
    watermark = Resolver(kit, Drawer(), Numbering({}, {}, {}))._watermark(name, True)  # numbers nothing
    assert [item.text for item in watermark.items if isinstance(item, page.Picture)] == ["👩🏽‍💻"]
    items, width = pictured.line(kit, "header", "Plain name")
    assert len(items) == 1 and isinstance(items[0], page.TextLine) and width > 0  # as lines.py sets it


def test_a_formula_printed_as_typed_draws_its_emoji(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A formula that cannot be typeset prints as its source in the code font: its emoji too."""
    monkeypatch.setenv("GUIDE_CACHE_DIR", str(tmp_path))
    kit = make_kit(load_theme("base"))
    spans = inline(_children(r"See $\nosuchcommand{🔥}$ here"), kit, kit.style("body"))
    assert _code_pictures(spans) == ["🔥"]
    assert not any("[U+" in s.text for s in spans)
