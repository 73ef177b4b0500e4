"""Colour emoji: every fully-qualified sequence of Unicode's emoji-test.txt (tests/data, Emoji 15.0)
is drawn from the shipped Noto Color Emoji as an image the size of a letter, each image once per
file, and copies as its sequence; none is refused by the glyph check."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pagemodel import paginate
from PIL import Image

from guide import cli
from guide.data import text
from guide.layout import emoji, markdown, page, pictures
from guide.layout.draw import Drawer
from guide.layout.kit import make_kit
from guide.layout.styles import load_theme
from guide.pdf.writer import write_pages

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
    spans = markdown.inline(text.parse("© ™ ↔ and ❤️")[0].children, kit, kit.style("body"))  # type: ignore[attr-defined]
    boxes = [s for s in spans if s.box is not None]
    assert [s.box.picture.text for s in boxes] == ["❤️"]  # type: ignore[union-attr]
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
