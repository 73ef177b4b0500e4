"""SVG figures: text drawn in the guide's fonts (accents, scripts, right to left, white space as
SVG says), an expansion of `use` that could not end refused, and what guide cannot draw said."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image
from test_images import guide_with

from guide import cli
from guide.build import Options, build_guide


def svg(body: str, width: int = 300, height: int = 120) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{body}</svg>'
    ).encode()


def figure(tmp_path: Path, drawing: bytes, scale: float = 4.0, name: str = "figures/t.svg") -> Image.Image:
    """An image built into a guide's answer key, as pixels: the figure alone (its ink, for an SVG),
    rendered by PDFium."""
    folder = guide_with(tmp_path / "g", f"![the figure]({name})", {name: drawing})
    result = build_guide(folder, tmp_path / "out", Options())
    pdf = pdfium.PdfDocument(str(result.folder / result.files["answer_key"][0]))
    kinds = (pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_IMAGE)
    for page in pdf:
        for item in page.get_objects():
            if item.type in kinds:
                left, bottom, right, top = item.get_bounds()
                image = page.render(scale=scale).to_pil().convert("RGB")
                height = page.get_height()
                box = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
                return image.crop(tuple(round(v) for v in box))
    raise AssertionError("no figure drawn")


def inked(image: Image.Image) -> list[int]:
    """The columns of an image that hold a dark pixel."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    assert pixels is not None
    return [x for x in range(width) if any(pixels[x, y] < 128 for y in range(height))]  # type: ignore[operator]


@pytest.mark.parametrize("word", ["héllo", "Précision", "مرحبا"])
def test_text_with_accented_letters_and_composite_glyphs_is_drawn(tmp_path: Path, word: str) -> None:
    # An accented letter is a composite glyph (a base and an accent) in most fonts.
    image = figure(tmp_path, svg(f'<text x="10" y="40">{word}</text>'))
    assert inked(image)


def test_an_accent_is_drawn_over_its_letter(tmp_path: Path) -> None:
    plain = figure(tmp_path / "e", svg('<text x="10" y="60" font-size="40">e</text>'))
    accented = figure(tmp_path / "é", svg('<text x="10" y="60" font-size="40">é</text>'))
    # The figure's ink, cropped: the accent makes it taller by its own height.
    assert accented.height > plain.height * 1.3


def bomb(levels: int, times: int = 10) -> bytes:
    """Groups nested `levels` deep, each using the one below `times` times: 1.4 KB for 10**7."""
    uses = "".join
    groups = "".join(
        f'<g id="g{level}">{uses(f"<use href={chr(34)}#g{level - 1}{chr(34)}/>" for _ in range(times))}</g>'
        for level in range(1, levels + 1)
    )
    return svg(f'<defs><rect id="g0" width="1" height="1"/>{groups}</defs><use href="#g{levels}"/>', 100, 100)


def test_an_svg_whose_uses_expand_past_the_limit_is_refused_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = guide_with(tmp_path / "g", "See:\n\n![bomb](figures/t.svg)", {"figures/t.svg": bomb(7)})
    assert cli.main(["check", str(folder)]) == 1
    err = capsys.readouterr().err
    assert (
        "error: question 'q1', answer: the image 'figures/t.svg' cannot be drawn: it draws 22,222,223"
        " elements and characters once its <use> references are expanded, over the limit of 100,000"
    ) in err, err


@pytest.mark.parametrize(
    "body",
    [
        '<g id="a"><use href="#a"/></g>',
        '<use id="u" href="#u"/>',
        '<defs><symbol id="s"><use href="#s"/></symbol></defs><use href="#s"/>',
        '<defs><g id="a"><use href="#b"/></g><g id="b"><use xlink:href="#a"/></g></defs><use href="#a"/>',
    ],
)
def test_an_svg_that_uses_an_element_within_itself_is_refused(body: str) -> None:
    from guide.data import svgcheck

    drawing = svg(body).replace(b"<svg ", b'<svg xmlns:xlink="http://www.w3.org/1999/xlink" ')
    assert "which would never end" in str(svgcheck.problem(drawing))


def test_the_layout_never_draws_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from guide.data import svgcheck
    from guide.layout import svg as reader

    monkeypatch.setattr(svgcheck, "MAX_DRAWN", 1000)
    drawing = reader.draw(reader.parse(bomb(7)), {})
    assert 0 < drawing.paths < 1000
    assert drawing.skipped
