"""SVG figures: text drawn in the guide's fonts (accents, scripts, right to left, white space as
SVG says), an expansion of `use` that could not end refused, and what guide cannot draw said."""

from __future__ import annotations

import itertools
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdfcheck import colour_pixels, grey_at
from PIL import Image
from test_images import guide_with

from guide import cli
from guide.build import Options, build_guide
from guide.layout import figures, fonts, svgtext
from guide.layout import svg as reader
from guide.layout.styles import load_theme


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
                image: Image.Image = page.render(scale=scale).to_pil().convert("RGB")
                height = page.get_height()
                box = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
                return image.crop(tuple(round(v) for v in box))
    raise AssertionError("no figure drawn")


def inked(image: Image.Image) -> list[int]:
    """The columns of an image that hold a dark pixel."""
    grey = image.convert("L")
    width, height = grey.size
    return [x for x in range(width) if any(grey_at(grey, (x, y)) < 128 for y in range(height))]


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
        "guide.yaml:13:7: error: question 'q1', answer: the image 'figures/t.svg' cannot be drawn:"
        " it draws 22,222,223 elements and characters once its <use> references are expanded, over the"
        " limit of 100,000"
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

    monkeypatch.setattr(svgcheck, "MAX_DRAWN", 1000)
    drawing = reader.draw(reader.parse(bomb(7)), {})
    assert 0 < drawing.paths < 1000
    assert drawing.skipped


def laid_out(drawing: bytes) -> list[svgtext.GlyphRun]:
    """The glyphs of an SVG's first text, as placed, in the base style's fonts."""
    root = reader.parse(drawing)
    fonts = figures.text_fonts(load_theme("base"), svgtext.characters(root))
    walker = reader.Reader(root, fonts, (0.0, 0.0, 0.0))
    element = next(e for e in root.iter() if e.tag.endswith("}text"))
    return svgtext.lay_out(walker, element, walker.style_of(element, walker.style_of(root, {})), fonts)


def font_of(run: svgtext.GlyphRun) -> str:
    return fonts.face_path(run.face).stem


@pytest.mark.parametrize(
    ("words", "font"),
    [("中文", "DroidSansFallbackFull"), ("नमस्ते", "NotoSansDevanagari-Regular"), ("한국어", "NanumGothic"),
     ("สวัสดี", "NotoSansThai-Regular")],
)  # fmt: skip
def test_svg_text_of_every_script_is_drawn_in_the_guide_s_font_for_it(words: str, font: str) -> None:
    runs = laid_out(svg(f'<text x="10" y="40">{words}</text>'))
    assert [font_of(run) for run in runs] == [font]
    assert all(name != ".notdef" for run in runs for name, _, _ in run.glyphs)


def test_svg_text_is_shaped_where_its_script_needs_it() -> None:
    # नमस्ते: स्त is one conjunct glyph, and the vowel sign of ते joins its consonant: fewer glyphs
    # than characters. Arabic letters take their joined forms, none of them the isolated one.
    (devanagari,) = laid_out(svg('<text x="10" y="40">नमस्ते</text>'))
    assert len(devanagari.glyphs) < len("नमस्ते")
    (arabic,) = laid_out(svg('<text x="10" y="40">مرحبا</text>'))
    isolated = {svgtext._cmap(arabic.face)[ord(c)] for c in "مرحبا"}
    assert len({name for name, _, _ in arabic.glyphs} - isolated) >= 3


def test_right_to_left_svg_text_is_drawn_in_visual_order() -> None:
    (run,) = laid_out(svg('<text x="10" y="40">שלום</text>'))
    cmap = svgtext._cmap(run.face)
    xs = {name: x for name, x, _ in run.glyphs}
    # Read right to left: its first letter, shin, is the rightmost; the text starts at x = 10.
    assert [xs[cmap[ord(c)]] for c in "שלום"] == sorted(xs.values(), reverse=True)
    assert min(xs.values()) == pytest.approx(10.0)
    mixed = laid_out(svg('<text x="10" y="40">abc שלום def</text>'))
    assert [run.text for run in mixed] == ["abc ", "שלום", " def"]  # each run reads in logical order
    assert [run.glyphs[0][1] for run in mixed] == sorted(run.glyphs[0][1] for run in mixed)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ('<text>Bold <tspan fill="red">red</tspan> text</text>', "Bold red text"),
        ("<text>Bold<tspan> red </tspan> text</text>", "Bold red text"),
        ("<text>  two   spaces  \n  and a line  </text>", "two spaces and a line"),
        ("<text>a\nb</text>", "ab"),  # a line break is removed, not made a space (SVG 1.1, browsers)
        ("<text>a\tb</text>", "a b"),
        ('<text xml:space="preserve">  a\n b  </text>', "  a  b  "),
        ('<text>a <tspan xml:space="preserve">  b  </tspan> c</text>', "a   b  c"),
    ],
)
def test_white_space_in_svg_text_is_as_xml_space_says(body: str, text: str) -> None:
    assert "".join(run.text for run in laid_out(svg(body))) == text


def test_the_space_before_a_tspan_is_drawn(tmp_path: Path) -> None:
    image = figure(
        tmp_path, svg('<text x="10" y="40" font-size="30">Bold <tspan fill="red">red</tspan> text</text>')
    )
    columns = inked(image)
    gaps = [b - a for a, b in itertools.pairwise(columns) if b - a > 1]
    assert len([gap for gap in gaps if gap > 20]) == 2, gaps  # two word spaces, of about 9 px at this size
    red = [p for p in colour_pixels(image) if p[0] > 180 and p[1] < 80 and p[2] < 80]
    assert red


def test_svg_text_positions_anchors_and_sizes() -> None:
    middle = laid_out(svg('<text x="150" y="40" text-anchor="middle">Mid</text>'))
    (run,) = middle
    left = run.glyphs[0][1]
    right = run.glyphs[-1][1]
    assert left < 150 < right + 10 and abs((150 - left) - (right + 7 - 150)) < 6
    (letters,) = laid_out(svg('<text x="10 20 30 40" y="80">abcd</text>'))[:1]
    placed = [run.glyphs[0][1] for run in laid_out(svg('<text x="10 20 30 40" y="80">abcd</text>'))]
    assert placed == [10.0, 20.0, 30.0, 40.0] and letters.text == "a"
    runs = laid_out(
        svg('<text x="10" y="120" font-size="20">a<tspan dy="-10" font-size="50%">sup</tspan></text>')
    )
    assert [r.text for r in runs] == ["a", "sup"]
    assert runs[1].glyphs[0][2] == pytest.approx(110.0)
    assert runs[1].scale == pytest.approx(runs[0].scale / 2)


def test_the_font_shorthand_and_generic_families_choose_the_guide_s_faces() -> None:
    (run,) = laid_out(
        svg('<style>.a{font:bold 20px serif}</style><text class="a" x="1" y="30">Styled</text>')
    )
    assert font_of(run) == "DejaVuSerif-Bold"
    (mono,) = laid_out(svg('<text font-family="Courier New, monospace" x="1" y="30">code</text>'))
    assert font_of(mono) == "DejaVuSansMono"
    (plain,) = laid_out(svg('<text font-family="Comic Sans MS" font-style="italic" x="1" y="30">hi</text>'))
    assert font_of(plain) == "DejaVuSans-Oblique"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('<defs><path id="p" d="M10 80 Q 95 10 180 80"/></defs><text><textPath href="#p">On a path</textPath>'
         "</text>", "text on a path (<textPath>), left out"),
        ('<clipPath id="c"><rect width="5" height="5"/></clipPath>'
         '<rect width="9" height="9" clip-path="url(#c)"/>', "clipping (clip-path: drawn unclipped)"),
        ('<text x="1" y="20">Avocado \U0001f951</text>', "its text has characters no font of the style has,"
         " printed as [U+1F951]"),
    ],
)  # fmt: skip
def test_what_an_svg_holds_that_guide_cannot_draw_is_a_warning_at_the_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, said: str
) -> None:
    folder = guide_with(
        tmp_path / "g", "A figure:\n\n![the figure](figures/t.svg)", {"figures/t.svg": svg(body)}
    )
    assert cli.main(["check", str(folder)]) == 0
    err = capsys.readouterr().err
    assert (
        "guide.yaml:13:7: warning: question 'q1', answer: the image 'figures/t.svg' is not drawn whole:"
        in err
    )
    assert said in err, err
    assert cli.main(["check", "--strict", str(folder)]) == 1


@pytest.mark.parametrize(
    "body",
    [
        '<text x="1" y="9">a <tspan>b</tspan> <tspan>c</tspan> <tspan>d</tspan> e</text>',
        '<defs><g id="t"><text y="9">  spaced   out  </text><rect width="1" height="1"/></g></defs>'
        '<use href="#t"/><use href="#t" x="5"/>',
        '<defs><symbol id="s"><circle r="1"/><text>x</text></symbol></defs>'
        '<use href="#s"/><g><use href="#s"/></g>',
    ],
)
def test_the_layout_draws_no_more_than_validation_counts(body: str) -> None:
    from guide.data import svgcheck

    root = reader.parse(svg(body))
    walker = reader.Reader(
        root, figures.text_fonts(load_theme("base"), svgtext.characters(root)), (0.0, 0.0, 0.0)
    )
    for child in root:
        walker.walk(child, walker.style_of(root, {}))
    assert 0 < walker.drawn <= int(svgcheck.expansion(root))


def test_a_switch_draws_its_first_child_a_viewer_would_choose(tmp_path: Path) -> None:
    body = (
        '<rect x="0" y="0" width="300" height="120" fill="white"/>'
        '<switch><text x="10" y="40" requiredExtensions="http://example.org/ext">Skipped</text>'
        '<text x="10" y="40" systemLanguage="en">English</text>'
        '<text x="10" y="40" systemLanguage="fr">Français</text></switch>'
    )
    alone = '<rect x="0" y="0" width="300" height="120" fill="white"/><text x="10" y="40">English</text>'
    # The same pixels as the English text alone: not three texts drawn over each other.
    assert figure(tmp_path / "a", svg(body)).tobytes() == figure(tmp_path / "b", svg(alone)).tobytes()
