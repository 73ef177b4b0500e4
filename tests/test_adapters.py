"""What guide takes from each library, through the one module that uses it: a new release that
changes any of it fails here, by name, rather than somewhere in a build.

- ReportLab (layout/fonts.py, layout/draw.py): a TrueType face's character map, widths, metrics
  and subsetter, and rl_accel's formatting;
- pypdf (pdf/writer.py): generic objects and how they serialise;
- pypdfium2 (pdf/verify.py): the raw functions the read-back calls.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pypdfium2.raw as pdfium_c
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.ttfonts import FF_FIXED, FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont

from guide.pdf.writer import Name

FONTS = Path(__file__).resolve().parent.parent / "styles" / "fonts"


def test_reportlab_gives_a_faces_map_widths_metrics_and_subsets() -> None:
    font = TTFont("adapter-test", str(FONTS / "DejaVuSans.ttf"))
    face = font.face
    assert face.charToGlyph[ord("A")] > 0 and ord("\u4e00") not in face.charToGlyph
    assert 0 < face.getCharWidth(ord("A")) < 1000  # 1/1000 em
    assert abs(font.stringWidth("AA", 10) - 2 * face.getCharWidth(ord("A")) / 100) < 1e-6
    for name in ("ascent", "descent", "capHeight", "italicAngle", "stemV", "flags", "defaultWidth"):
        assert isinstance(getattr(face, name), int | float), name
    assert len(face.bbox) == 4 and face.name == b"DejaVuSans" and face.subfontNameX == b""
    program = face.makeSubset([0, 32, ord("A"), ord("é")])
    assert struct.unpack(">I", program[:4])[0] == 0x00010000  # a TrueType font file
    assert FF_SYMBOLIC and FF_NONSYMBOLIC and FF_FIXED
    mono = TTFont("adapter-test-mono", str(FONTS / "DejaVuSansMono.ttf"))
    assert mono.face.flags & FF_FIXED and not face.flags & FF_FIXED


def test_reportlab_formats_numbers_and_escapes_strings() -> None:
    assert fp_str(1.0, 0.5, 72.123456) == "1 .5 72.12346"
    assert escapePDF(b"(a\\b)\x01") == "\\(a\\\\b\\)\\001"
    assert escapePDF("ASCII (text)") == "ASCII \\(text\\)"


def test_pypdf_serialises_generic_objects_and_names() -> None:
    out = io.BytesIO()
    DictionaryObject(
        {NameObject("/Type"): NameObject("/Annot"), NameObject("/Rect"): ArrayObject([NumberObject(1)])}
    ).write_to_stream(out)
    assert out.getvalue() == b"<<\n/Type /Annot\n/Rect [ 1 ]\n>>"
    assert NameObject("/A#B c").renumber() == b"/A#23B#20c"  # what guide's Name remembers
    out = io.BytesIO()
    Name("/A#B c").write_to_stream(out)
    assert out.getvalue() == b"/A#23B#20c"
    out = io.BytesIO()
    ByteStringObject(b"(\x00)").write_to_stream(out)
    assert out.getvalue() == b"<280029>"


def test_pdfium_has_the_functions_the_read_back_calls() -> None:
    for function in (
        "FPDF_GetPageSizeByIndexF",
        "FPDFLink_Enumerate",
        "FPDFLink_GetAction",
        "FPDFLink_GetDest",
        "FPDFAction_GetType",
        "FPDFAction_GetFilePath",
        "FPDFAction_GetDest",
        "FPDFDest_GetDestPageIndex",
        "FPDFBookmark_GetFirstChild",
        "FPDFBookmark_GetNextSibling",
        "FPDFBookmark_GetTitle",
        "FPDFBookmark_GetCount",
        "FPDFBookmark_GetDest",
    ):
        assert callable(getattr(pdfium_c, function)), function
    assert (pdfium_c.PDFACTION_URI, pdfium_c.PDFACTION_GOTO, pdfium_c.PDFACTION_REMOTEGOTO) == (3, 1, 2)
