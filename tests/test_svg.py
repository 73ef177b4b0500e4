"""SVG figures: text drawn in the guide's fonts (accents, scripts, right to left, white space as
SVG says), an expansion of `use` that could not end refused, and what guide cannot draw said."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image
from test_images import guide_with

from guide.build import Options, build_guide


def svg(body: str, width: int = 300, height: int = 120) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{body}</svg>'
    ).encode()


def figure(tmp_path: Path, drawing: bytes, scale: float = 4.0) -> Image.Image:
    """An SVG built into a guide's answer key, as pixels: the figure alone, rendered by PDFium."""
    folder = guide_with(tmp_path / "g", "![the figure](figures/t.svg)", {"figures/t.svg": drawing})
    result = build_guide(folder, tmp_path / "out", Options())
    pdf = pdfium.PdfDocument(str(result.folder / result.files["answer_key"][0]))
    for page in pdf:
        for item in page.get_objects():
            if item.type == pdfium_c.FPDF_PAGEOBJ_FORM:
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
