"""Draw the page model with ReportLab's fonts: page items into PDF content, font subsets to embed.

The only module that turns items into PDF operators. Text is encoded in subsets of at most 256
characters per face, assigned in the order characters are first drawn, as ReportLab does it
(printable ASCII at its own codes in a face's first subset, so that copied text reads and word
spacing works); the subsets' font programs come from ReportLab's TrueType subsetter when the
drawer is done. Everything used is ReportLab's public API: a TTFont's face (its character map,
widths and metrics), `makeSubset`, and rl_accel's number and string formatting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache

import reportlab
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont

from guide.layout.fonts import load_face
from guide.layout.page import (
    Colour,
    FaceMetrics,
    Fill,
    FontSubset,
    FormData,
    Group,
    ImageData,
    Picture,
    Resources,
    Rule,
    Shape,
    Static,
    TextLine,
)

ASCII = range(32, 128)
ENGINE = f"ReportLab {reportlab.Version}"  # what drew the pages, for the files' Producer entry


class _Subsets:
    """How one face's characters are coded in its subsets, as the pages first use them.

    The same scheme as ReportLab's TTFont.splitString with ttfAsciiReadable: subset 0 holds
    printable ASCII at its own codes and fills codes 1–31 first; code 32 of every later subset
    is a space; code 0 is always the missing glyph.
    """

    def __init__(self, font: TTFont, number: int) -> None:
        self.font = font
        self.number = number  # resources are named F<number>+<subset>
        glyphs = font.face.charToGlyph
        self.codes: dict[int, int] = {n: n for n in ASCII if n in glyphs}
        self.codes[0] = 0
        self.subsets: list[list[int]] = [[0] * 32 + list(ASCII)]
        self.next_code = 1
        self.names: list[str] = [f"/F{number}+0"]

    def encode(self, text: str, *, any_char: bool = False) -> list[tuple[int, bytes]]:
        """The text as (subset, bytes) runs, new characters given codes as they come.

        A character the face has no glyph for is drawn as the missing glyph (code 0), unless
        `any_char`: invisible text (what a picture copies as) gives every character a code of
        its own, so that the subset's ToUnicode map gives it back.
        """
        codes = self.codes
        glyphs: object = self.font.face.charToGlyph if not any_char else _Everything()
        out: list[tuple[int, bytes]] = []
        current, run = -1, bytearray()
        for code in map(ord, text):
            char = 32 if code == 0xA0 else code  # a no-break space is drawn (and copied) as a space
            n = codes.get(char)
            if n is None:
                n = self._assign(char) if char in glyphs else 0  # type: ignore[operator]
            if n >> 8 != current:
                if run:
                    out.append((current, bytes(run)))
                current, run = n >> 8, bytearray()
            run.append(n & 0xFF)
        if run:
            out.append((current, bytes(run)))
        return out

    def _assign(self, char: int) -> int:
        n = self.next_code
        if n & 0xFF == 32:  # code 32 of every subset stays a space
            if n != 32:
                self.subsets[n >> 8].append(32)
            self.next_code += 1
            n = self.next_code
        if n > 32:
            if not n & 0xFF:  # a new subset, with the missing glyph at code 0
                self.subsets.append([0])
                self.names.append(f"/F{self.number}+{len(self.subsets) - 1}")
                self.next_code += 1
                n = self.next_code
            self.subsets[n >> 8].append(char)
        else:
            if n == 31:  # codes 1–31 are taken: go on after subset 0's ASCII
                self.next_code = 127
            self.subsets[0][n] = char
        self.next_code += 1
        self.codes[char] = n
        return n


class _Everything:
    """Holds every character: invisible text gives each a code, glyph or not."""

    def __contains__(self, item: object) -> bool:
        return True


class Drawer:
    """Turns page items into PDF content operators; says at the end which font subsets they used.

    One drawer per process that lays out pages: its subsets and resource names are those of the
    pages it drew, which share one resource dictionary in the PDF.
    """

    def __init__(self) -> None:
        self.faces: dict[str, _Subsets] = {}
        self.opacities: dict[float, str] = {}
        self.pictures: dict[str, ImageData | FormData] = {}  # placed so far, by key

    def _subsets(self, face: str) -> _Subsets:
        found = self.faces.get(face)
        if found is None:
            found = self.faces[face] = _Subsets(load_face(face), len(self.faces) + 1)
        return found

    # --- content --------------------------------------------------------------------------------

    def content(self, items: Iterable[Static]) -> str:
        """The PDF operators that draw `items`, in order.

        Lines of text that follow one another share one text object, in which a font or a
        colour is set only where it changes: most of a page is such lines.
        """
        ops: list[str] = []
        text: _TextState | None = None
        rules: list[Rule] = []  # rules in a row are drawn as one path where they look alike
        for item in items:
            kind = type(item)
            if rules and kind is not Rule:
                self._rules(ops, rules)
                rules = []
            if kind is TextLine:
                if text is None:
                    text = _TextState(ops)
                self._text(text, item)  # type: ignore[arg-type]
                continue
            if text is not None:
                text.close()
                text = None
            if kind is Fill:
                x, y, width, height, colour = item  # type: ignore[misc]
                ops.append(f"q {fill(colour)} {fp_str(x, y, width, height)} re f Q")
            elif kind is Rule:
                rules.append(item)  # type: ignore[arg-type]
                continue
            elif kind is Group:
                self._group(ops, item)  # type: ignore[arg-type]
            elif kind is Picture:
                self._picture(ops, item)  # type: ignore[arg-type]
            elif kind is Shape:
                self._shape(ops, item)  # type: ignore[arg-type]
        if text is not None:
            text.close()
        if rules:
            self._rules(ops, rules)
        return "\n".join(ops)

    def _text(self, state: _TextState, line: TextLine) -> None:
        ops = state.ops
        ops.append(f"1 0 0 1 {line.x:.2f} {line.y:.2f} Tm")
        if line.word_space != state.word_space:
            ops.append(f"{line.word_space:.3f} Tw")
            state.word_space = line.word_space
        for face, size, colour, value, rise in line.runs:
            if colour != state.colour:
                ops.append(fill(colour))
                state.colour = colour
            if rise != state.rise:
                ops.append(f"{fp_str(rise)} Ts")
                state.rise = rise
            subsets = self._subsets(face)
            if value.isascii() and _ascii_ready(face):
                parts: Sequence[tuple[int, bytes | str]] = ((0, value),)
            else:
                parts = subsets.encode(value)
            for subset, data in parts:
                name = subsets.names[subset]
                if state.font != (name, size):
                    ops.append(f"{name} {_size(size)} Tf")
                    state.font = (name, size)
                ops.append(f"({escapePDF(data)}) Tj")

    def _rules(self, ops: list[str], rules: list[Rule]) -> None:
        """Straight lines, those of one width, colour and dash in one path (note lines, a table's rules)."""
        style: tuple[float, Colour, tuple[float, float] | None] | None = None
        for x1, y1, x2, y2, width, colour, dash in rules:
            if (width, colour, dash) != style:
                if style is not None:
                    ops.append("S Q")
                pattern = f" [{fp_str(*dash)}] 0 d" if dash else ""
                ops.append(f"q {stroke(colour)} {fp_str(width)} w{pattern}")
                style = (width, colour, dash)
            ops.append(f"{fp_str(x1, y1)} m {fp_str(x2, y2)} l")
        ops.append("S Q")

    def _group(self, ops: list[str], group: Group) -> None:
        state = ""
        if group.opacity < 1:
            name = self.opacities.get(group.opacity)
            if name is None:
                name = self.opacities[group.opacity] = f"/GS{len(self.opacities) + 1}"
            state = f" {name} gs"
        ops.append(f"q{state} {fp_str(*group.transform)} cm")
        ops.append(self.content(group.items))
        ops.append("Q")

    def _picture(self, ops: list[str], item: Picture) -> None:
        """An image (drawn into its box) or a form (set at its natural size, its origin at x, y:
        a formula's baseline), then the invisible text it copies as."""
        from guide.layout import pictures

        found = self.pictures.get(item.key)
        if found is None:
            found = self.pictures[item.key] = pictures.lookup(item.key)
        if isinstance(found, ImageData):
            ops.append(
                f"q {fp_str(item.width)} 0 0 {fp_str(item.height)} {fp_str(item.x, item.y)} cm"
                f" /{item.key} Do Q"
            )
        else:
            colour = f"{fill(item.colour)} " if item.colour is not None else ""
            left, bottom, right, top = found.bbox
            sx = item.width / (right - left) if right > left else 1.0
            sy = item.height / (top - bottom) if top > bottom else 1.0
            ox, oy = item.x - left * sx, item.y - bottom * sy
            ops.append(f"q {colour}{fp_str(sx)} 0 0 {fp_str(sy)} {fp_str(ox, oy)} cm /{item.key} Do Q")
        if item.text and item.face:
            self._invisible(ops, item)

    def _invisible(self, ops: list[str], item: Picture) -> None:
        """Text over a picture's box that draws nothing (render mode 3) but copies and searches as
        the picture's text, stretched to the box's width."""
        size = max(min(item.height, 12.0), 1.0)
        subsets = self._subsets(item.face)
        parts = subsets.encode(item.text, any_char=True)
        face = subsets.font.face
        glyphs = face.charToGlyph
        natural = sum(face.getCharWidth(ord(c)) for c in item.text if ord(c) in glyphs) * size / 1000
        # Squeezed into the box if wider; else spaced out over it: characters without a glyph (an
        # emoji's) have no width, and readers drop characters drawn on top of one another.
        spread = ""
        if natural > item.width:
            spread = f"{fp_str(100.0 * item.width / natural)} Tz "
        elif item.text:
            spread = f"{fp_str((item.width - natural) / len(item.text))} Tc "
        out = [f"q BT 3 Tr {spread}1 0 0 1 {fp_str(item.x, item.y + item.height * 0.25)} Tm"]
        for subset, data in parts:
            out.append(f"{subsets.names[subset]} {_size(size)} Tf ({escapePDF(data)}) Tj")
        out.append("ET Q")
        ops.append(" ".join(out))

    def _shape(self, ops: list[str], item: Shape) -> None:
        paint = ("B" if item.stroke is not None else "f") if item.fill is not None else "S"
        state = []
        if item.fill is not None:
            state.append(fill(item.fill))
        if item.stroke is not None:
            state.append(f"{stroke(item.stroke)} {fp_str(item.width)} w")
        ops.append(f"q {' '.join(state)} {item.ops} {paint} Q")

    # --- what the pages refer to -------------------------------------------------------------------

    def resources(self) -> Resources:
        """Every font subset the pages used, with its program, and the transparency they set."""
        fonts: list[FontSubset] = []
        for face, subsets in self.faces.items():
            font = subsets.font
            metrics = _metrics(face)
            for index, characters in enumerate(subsets.subsets):
                tag = _subset_tag(font.face.name, characters)
                fonts.append(
                    FontSubset(
                        resource=subsets.names[index][1:],
                        base_font=f"{tag}+{(font.face.name + font.face.subfontNameX).decode('latin-1')}",
                        program=font.face.makeSubset(characters),
                        characters=tuple(characters),
                        widths=tuple(float(font.face.getCharWidth(c)) for c in characters),
                        metrics=metrics,
                    )
                )
        opacities = tuple((name[1:], opacity) for opacity, name in self.opacities.items())
        images = tuple(p for p in self.pictures.values() if isinstance(p, ImageData))
        forms = tuple(p for p in self.pictures.values() if isinstance(p, FormData))
        return Resources(tuple(fonts), opacities, images, forms)


class _TextState:
    """A text object being written: the font, colour, word spacing and rise it has set so far."""

    def __init__(self, ops: list[str]) -> None:
        self.ops = ops
        ops.append("q")
        ops.append("BT")
        self.font: tuple[str, float] | None = None
        self.colour: Colour | None = None
        self.word_space = 0.0
        self.rise = 0.0

    def close(self) -> None:
        self.ops.append("ET")
        self.ops.append("Q")


def _subset_tag(face: bytes, subset: Sequence[int]) -> str:
    """Six letters from the characters a subset holds: one name for one program in every file.

    Numbered tags (AAAAAA+, AAAAAB+ …) would give the study guide's and the answer key's
    different first subsets one name, which a merge or a printer's font cache takes for one font.
    """
    digest = hashlib.sha256(face + ",".join(map(str, subset)).encode()).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


@cache
def _metrics(face_name: str) -> FaceMetrics:
    face = load_face(face_name).face
    # Every subset maps its own codes, not a standard encoding: a symbolic font in PDF's terms.
    flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    x1, y1, x2, y2 = (float(v) for v in face.bbox)
    return FaceMetrics(
        ascent=float(face.ascent),
        descent=float(face.descent),
        cap_height=float(face.capHeight),
        bbox=(x1, y1, x2, y2),
        italic_angle=float(face.italicAngle),
        stem_v=float(face.stemV),
        flags=flags,
        missing_width=float(face.defaultWidth or 0),
    )


@cache
def _ascii_ready(face: str) -> bool:
    """Whether a face draws printable ASCII as itself, in its first subset: no lookups needed.

    Text with a character the face lacks still takes the long way (drawn as the missing glyph).
    """
    glyphs = load_face(face).face.charToGlyph
    return all(code in glyphs for code in range(32, 127))


_sizes: dict[float, str] = {}


def _size(value: float) -> str:
    """A font size as PDF writes it (the few sizes of a theme, formatted once)."""
    text = _sizes.get(value)
    if text is None:
        text = _sizes[value] = fp_str(value)
    return text


@cache
def fill(colour: Colour) -> str:
    """The PDF operator that sets the fill colour (text is drawn in it)."""
    return f"{fp_str(*colour)} rg"


@cache
def stroke(colour: Colour) -> str:
    """The PDF operator that sets the stroke colour (rules are drawn in it)."""
    return f"{fp_str(*colour)} RG"
