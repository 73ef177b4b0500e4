"""Images in texts: local files of the guide folder only, drawn once per file, scaled, captioned;
everything else refused at its place, or (on the web) printed as its alt text, linked."""

from __future__ import annotations

import io
import json
import os
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfcheck import grey_at
from PIL import Image

from guide import cli
from guide.build import Options, build_guide

SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
<rect x="10" y="10" width="80" height="80" fill="#cc0000"/><circle cx="150" cy="50" r="40" fill="navy"/>
<text x="100" y="95" font-size="12" text-anchor="middle">label</text></svg>"""


def png(width: int = 40, height: int = 20, colour: tuple[int, int, int, int] = (0, 128, 0, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def guide_with(folder: Path, answer: str, files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    body = "\n".join("      " + line for line in answer.splitlines())
    (folder / "guide.yaml").write_text(
        f"""title: Pictures
edition: "1"
date: 2026-01-01
questions:
  - id: q1
    topic: Figures
    question: What does the picture show?
    guidance: Look.
    key_points: [It shows]
    answer: |
{body}
""",
        encoding="utf-8",
    )
    return folder


def test_local_images_are_drawn_once_per_file_centred_and_captioned(tmp_path: Path) -> None:
    folder = guide_with(
        tmp_path / "g",
        "![a green bar](figures/bar.png)\n\nAgain: ![a green bar](figures/bar.png)\n\n"
        '![a vector figure](figures/shapes.svg)\n\n<img src="figures/bar.gif" alt="a gif" width="200">',
        {"figures/bar.png": png(), "figures/shapes.svg": SVG, "figures/bar.gif": _gif()},
    )
    result = build_guide(folder, tmp_path / "out", Options())
    key = result.folder / result.files["answer_key"][0]
    data = key.read_bytes()
    assert data.count(b"/Subtype /Image") == 2  # the PNG once, though shown twice; the GIF
    assert data.count(b"/Subtype /Form") == 1  # the SVG, as vector
    pdf = pdfium.PdfDocument(str(key))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "a green bar" in text and "a vector figure" in text and "a gif" in text


def test_an_image_changes_the_question_digest(tmp_path: Path) -> None:
    folder = guide_with(tmp_path / "g", "![x](bar.png)", {"bar.png": png()})
    first = build_guide(folder, tmp_path / "out", Options())
    before = json.loads((first.folder / "manifest.json").read_text())["question_hashes"]["q1"]
    (folder / "bar.png").write_bytes(png(colour=(200, 0, 0, 255)))
    second = build_guide(folder, tmp_path / "out2", Options())
    after = json.loads((second.folder / "manifest.json").read_text())["question_hashes"]["q1"]
    assert before != after


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("../outside.png", "climbs out of the guide folder"),
        ("/etc/passwd", "is an absolute path"),
        ("missing.png", "does not exist"),
        ("notes.txt", "is not a PNG, JPEG, GIF or SVG file"),
        ("file:///etc/passwd", "is not a file in the guide folder"),
        ("link.png", "symbolic link leading out of the guide folder"),
        ("evil.svg", "an SVG guide will not read"),
    ],
)
def test_images_that_are_not_the_guide_s_own_files_are_refused_at_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], src: str, message: str
) -> None:
    (tmp_path / "outside.png").write_bytes(png())
    folder = guide_with(
        tmp_path / "g",
        f"See ![x]({src}).",
        {
            "notes.txt": b"hello",
            "evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/y.png"/></svg>',
        },
    )
    os.symlink(tmp_path / "outside.png", folder / "link.png")
    assert cli.main(["check", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"guide.yaml:11:11: error: question 'q1', answer: the image '{src}' " in err, err
    assert message in err


def test_web_images_are_never_fetched_and_print_as_their_alt_text_linked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = guide_with(tmp_path / "g", "See ![the chart](https://example.com/chart.png) here.")
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "is on the web and is never fetched" in err
    key = next((tmp_path / "out" / "g").glob("*answer-key.pdf"))
    data = key.read_bytes()
    assert b"/URI" in data and b"/Subtype /Image" not in data
    pdf = pdfium.PdfDocument(str(key))
    assert "the chart" in "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out2"), "--strict"]) == 1


def test_an_image_wider_than_the_text_is_scaled_to_it_keeping_its_aspect(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from pagemodel import paginate

    from guide.data import text
    from guide.layout import figures, markdown, page
    from guide.layout.kit import make_kit
    from guide.layout.styles import load_theme

    (tmp_path / "wide.png").write_bytes(png(4000, 1000))
    figures.use_folder(tmp_path)
    kit = make_kit(load_theme("base"))
    pages, _ = paginate(markdown.blocks(text.parse("![wide](wide.png)"), kit), kit)
    picture = next(i for i in pages[0].items if isinstance(i, page.Picture))
    assert picture.width == pytest.approx(kit.frame_width)
    assert picture.height == pytest.approx(kit.frame_width / 4)
    assert picture.x == pytest.approx(kit.theme.margins["inner"])


def _gif() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("P", (30, 30), 1), Image.new("P", (30, 30), 2)]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def test_the_read_back_finds_every_picture_embedded(tmp_path: Path) -> None:
    from guide.pdf.verify import Job, _check

    folder = guide_with(tmp_path / "g", "![a bar](bar.png) and $\\frac{a}{b}$", {"bar.png": png()})
    result = build_guide(folder, tmp_path / "out", Options())  # read back as it is built
    key = result.folder / result.files["answer_key"][0]
    pages = result.files["answer_key"][1]
    found = _check(Job(str(key), key.name, pages, "answer_key", {}, 1, 1, pictures=5))
    assert "2 pictures placed, but 5 embedded" in found


def test_an_image_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    from guide.data import images

    (tmp_path / "big.png").write_bytes(png() + b"\0" * 4096)
    found = images.locate("big.png", tmp_path, limit=1024)
    assert (
        found
        == f"the image 'big.png' is {len(png()) + 4096:,} bytes, over the limit of 1,024 bytes; shrink it"
    )
    assert isinstance(images.locate("big.png", tmp_path), images.ImageFile)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((200, 100), 60).convert("RGB").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png(400, 300)[:-40], "is damaged and cannot be decoded"),  # cut short: its last chunks gone
        (png(400, 300)[:60], "is damaged and cannot be decoded"),
        (_jpeg()[:-300], "is damaged and cannot be decoded"),
        (_gif()[:40], "is damaged and cannot be decoded"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="100"><rect x="0"', "cannot be drawn: it is not"
         " well-formed XML (unclosed token at line 1, column 53)"),
        (b'<?xml version="1.0"?><svg:x xmlns:svg="http://www.w3.org/2000/svg"/><!-- <svg -->', "cannot be"
         " drawn: it is not an SVG image (its root element is not <svg>)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg><svg>', "cannot be drawn: it is not"
         " well-formed XML (junk after document element at line 1, column 54)"),
        (b'<?xml version="1.0"?><html><!-- <svg> --></html>', "cannot be drawn: it is not an SVG image"),
    ],
    ids=["png-end", "png-half", "jpeg", "gif", "svg-cut", "svg-prefix", "svg-junk", "html"],
)  # fmt: skip
def test_an_image_that_cannot_be_decoded_is_an_error_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    name = "figures/x.svg" if data.startswith(b"<") else "figures/x.img"
    folder = guide_with(tmp_path / "g", f"See:\n\n![x]({name})", {name: data})
    assert cli.main(["check", "--strict", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"error: question 'q1', answer: the image '{name}' {message}" in err, err


def test_an_image_of_too_many_pixels_is_refused_undecoded(tmp_path: Path) -> None:
    from guide.data import images

    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, "PNG")  # 60 million pixels in a few kilobytes
    (tmp_path / "big.png").write_bytes(out.getvalue())
    found = images.locate("big.png", tmp_path)
    assert found == (
        "the image 'big.png' is 10,000 × 6,000 pixels, over the limit of 50 million; scale it down (a page"
        " printed at 300 dpi needs about 9 million)"
    )


def _sixteen_bit_grey(values: list[int], width: int = 64, height: int = 32) -> bytes:
    """A 16-bit greyscale PNG: its columns in bands of `values` (0–65535), left to right."""
    picture = Image.new("I;16", (width, height))
    band = width // len(values)
    for x in range(width):
        for y in range(height):
            picture.putpixel((x, y), values[min(x // band, len(values) - 1)])
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def test_a_16_bit_greyscale_png_prints_its_greys(tmp_path: Path) -> None:
    from test_svg import figure

    data = _sixteen_bit_grey([0, 16384, 30000, 49152, 65535])
    assert Image.open(io.BytesIO(data)).mode == "I;16"
    image = figure(tmp_path, data, scale=2.0, name="figures/grey.png").convert("L")
    width, height = image.size
    found = [grey_at(image, (round(width * (0.1 + 0.2 * band)), height // 2)) for band in range(5)]
    expected = [0, 64, 117, 191, 255]
    assert all(abs(a - b) <= 6 for a, b in zip(found, expected, strict=True)), found


def test_a_transparent_grey_of_a_16_bit_png_stays_transparent() -> None:
    from guide.layout import pictures

    picture = Image.open(io.BytesIO(_sixteen_bit_grey([0, 30000])))
    out = io.BytesIO()
    picture.save(out, "PNG", transparency=0)
    made = pictures.image(out.getvalue())
    assert made.alpha is not None

    alpha = zlib.decompress(made.alpha)
    assert alpha[0] == 0 and alpha[63] == 255  # the black half clear, the grey half opaque


@pytest.mark.parametrize(
    "answer",
    [
        "> [!TIP]\n> See ![x](missing.png).",  # a tip box
        "> Quoted ![x](missing.png).",
        "- a list\n  - nested ![x](missing.png)",
        "| a | b |\n|---|---|\n| c | ![x](missing.png) |",
        "**strong ![x](missing.png)**",
    ],
    ids=["tip", "quote", "list", "table", "strong"],
)
def test_an_image_is_checked_wherever_it_stands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str
) -> None:
    assert cli.main(["check", str(guide_with(tmp_path / "g", answer))]) == 1
    assert "the image 'missing.png' does not exist" in capsys.readouterr().err
