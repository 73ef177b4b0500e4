"""Draw the page model with ReportLab's fonts: page items into PDF content, font subsets to embed.

The only module that turns items into PDF operators. Text is encoded in subsets of at most 256
characters per face, assigned in the order characters are first drawn, as ReportLab does it
(printable ASCII at its own codes in a face's first subset, so that copied text reads and word
spacing works); the subsets' font programs come from ReportLab's TrueType subsetter when the
drawer is done. Everything used is ReportLab's public API: a TTFont's face (its character map,
glyph metrics and widths), `makeSubset`, and rl_accel's number and string formatting.

A shaped run (page.Glyphs) is drawn by glyph: each glyph gets a code of its subset whose
ToUnicode entry gives back its cluster's characters, and TJ moves each glyph to where HarfBuzz
put it. A run whose glyphs do not follow its characters' order (Devanagari's vowel sign before
its consonant) is marked with its text as ActualText, which PDFium reads instead of the glyphs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

import reportlab
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace

from guide.layout.composites import with_composites
from guide.layout.fonts import load_face
from guide.layout.page import (
    Colour,
    FaceMetrics,
    Fill,
    FontSubset,
    FormData,
    Glyphs,
    Group,
    ImageData,
    Picture,
    Resources,
    Rule,
    Run,
    Shape,
    Static,
    TextLine,
)

ASCII = range(32, 128)
ENGINE = f"ReportLab {reportlab.Version}"  # what drew the pages, for the files' Producer entry


class Composite(NamedTuple):
    """A glyph made for a subset (composites.py): glyphs by id at (x, y) in font units, drawn as one;
    what it reads as, and its advance in font units."""

    parts: tuple[tuple[int, int, int], ...]
    text: str
    advance: int


# What a code draws: a character; a glyph (by id) and what it reads as; or a composite.
Slot = int | tuple[int, str] | Composite


class _Subsets:
    """How one face's characters and glyphs are coded in its subsets, as the pages first use them.

    The same scheme as ReportLab's TTFont.splitString with ttfAsciiReadable: subset 0 holds
    printable ASCII at its own codes and fills codes 1–31 first; code 32 of every later subset
    is a space; code 0 is always the missing glyph. A glyph of shaped text that is not simply
    its character's (a joining form, a conjunct) takes a code of its own, as (glyph id, text).
    """

    def __init__(self, font: TTFont, number: int) -> None:
        self.font = font
        self.number = number  # resources are named F<number>+<subset>
        glyphs = font.face.charToGlyph
        self.codes: dict[int, int] = {n: n for n in ASCII if n in glyphs}
        self.codes[0] = 0
        self.glyph_codes: dict[tuple[int, str] | Composite, int] = {}
        self.subsets: list[list[Slot]] = [[*([0] * 32), *ASCII]]
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

    def encode_glyphs(self, glyphs: Glyphs) -> list[tuple[int, float, float]]:
        """A shaped run's clusters as (code, the code's width in the font, HarfBuzz's advance), in
        thousandths of an em, left to right.

        A glyph that is its own character's (a letter, a digit, a space) shares that
        character's code; any other single glyph gets a code for its id and what it reads as. A
        cluster of several glyphs (a consonant with the vowel sign drawn before it) or a glyph
        HarfBuzz moved (a mark) becomes one composite glyph, at its offsets: every reader takes
        the cluster's characters from its one code, in order, on the baseline.
        """
        face = self.font.face
        chars, codes = face.charToGlyph, self.codes
        units = face.unitsPerEm / 1000
        ids, advances, offsets, texts, clusters = glyphs
        out: list[tuple[int, float, float]] = []
        count, index = len(ids), 0
        while index < count:
            end = index + 1
            while end < count and clusters[end] == clusters[index]:
                end += 1
            advance = sum(advances[index:end])
            moved = offsets is not None and any(offsets[k] != (0.0, 0.0) for k in range(index, end))
            if end - index > 1 or moved:
                parts, pen = [], 0.0
                for k in range(index, end):
                    dx, dy = offsets[k] if offsets is not None else (0.0, 0.0)
                    parts.append((ids[k], round((pen + dx) * units), round(dy * units)))
                    pen += advances[k]
                slot = Composite(tuple(parts), "".join(texts[index:end]), round(advance * units))
                found = self.glyph_codes.get(slot)
                n = self._assign(slot) if found is None else found
                out.append((n, _slot_width(face, slot), advance))
                index = end
                continue
            gid, text = ids[index], texts[index]
            index = end
            if len(text) == 1 and chars.get(ord(text)) == gid:
                char = 32 if text == "\u00a0" else ord(text)
                found = codes.get(char)
                n = self._assign(char) if found is None else found
                out.append((n, float(face.getCharWidth(char)), advance))
                continue
            key = (gid, text)
            found = self.glyph_codes.get(key)
            n = self._assign(key) if found is None else found
            out.append((n, _glyph_width(face, gid), advance))
        return out

    def _assign(self, slot: Slot) -> int:
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
            self.subsets[n >> 8].append(slot)
        else:
            if n == 31:  # codes 1–31 are taken: go on after subset 0's ASCII
                self.next_code = 127
            self.subsets[0][n] = slot
        self.next_code += 1
        if isinstance(slot, int):
            self.codes[slot] = n
        else:
            self.glyph_codes[slot] = n
        return n

    def program(self, slots: Sequence[Slot]) -> bytes:
        """The TrueType font of one subset: code k draws the glyph of `slots[k]`."""
        face = self.font.face
        if all(isinstance(slot, int) for slot in slots):
            return bytes(face.makeSubset(list(slots)))
        # ReportLab's subsetter takes characters and looks their glyphs up: it is given the
        # codes themselves, each looked up as the glyph it draws, for the time it runs; a
        # composite's parts come after the codes, so that the subset holds them too.
        chars = face.charToGlyph
        glyphs = [
            chars.get(s, 0) if isinstance(s, int) else s.parts[0][0] if isinstance(s, Composite) else s[0]
            for s in slots
        ]
        extra = sorted(
            {gid for s in slots if isinstance(s, Composite) for gid, _, _ in s.parts} - set(glyphs)
        )
        keys = [*glyphs, *extra]
        face.charToGlyph = dict(enumerate(keys))
        try:
            program = bytes(face.makeSubset(list(range(len(keys)))))
        finally:
            face.charToGlyph = chars
        first = {gid: code for code, gid in reversed(list(enumerate(keys)))}
        composites = {
            code: tuple((first[gid], x, y) for gid, x, y in slot.parts)
            for code, slot in enumerate(slots)
            if isinstance(slot, Composite)
        }
        return with_composites(program, composites) if composites else program


def _glyph_width(face: TTFontFace, gid: int) -> float:
    """A glyph's advance as its font has it, in thousandths of an em."""
    return float(face._pdfScale(face.hmetrics[gid][0]))


def _slot_width(face: TTFontFace, slot: Slot) -> float:
    """What a code is wide in its font (its /Widths entry), in thousandths of an em."""
    if isinstance(slot, int):
        return float(face.getCharWidth(slot))
    if isinstance(slot, Composite):
        return float(face._pdfScale(slot.advance))
    return _glyph_width(face, slot[0])


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
        for run in line.runs:
            face, size, colour, value, rise, glyphs, bold = run
            if colour != state.colour:
                ops.append(fill(colour))
                state.colour = colour
                if state.bold:
                    ops.append(stroke(colour))
            if rise != state.rise:
                ops.append(f"{fp_str(rise)} Ts")
                state.rise = rise
            if bold or state.bold:
                state.embolden(run)
            subsets = self._subsets(face)
            if glyphs is not None:
                self._glyphs(state, subsets, run, glyphs)
                continue
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

    def _glyphs(self, state: _TextState, subsets: _Subsets, run: Run, glyphs: Glyphs) -> None:
        """A shaped run: its clusters by code, each moved by HarfBuzz's advance where that differs
        from the code's width (TJ's numbers)."""
        ops, size = state.ops, run.size
        shown: list[str] = []  # what the next TJ shows
        data = bytearray()

        def flush() -> None:
            if data:
                shown.append(f"({escapePDF(bytes(data))})")
                data.clear()
            if shown:
                ops.append(f"[{' '.join(shown)}] TJ")
                shown.clear()

        for code, width, advance in subsets.encode_glyphs(glyphs):
            name = subsets.names[code >> 8]
            if state.font != (name, size):
                flush()
                ops.append(f"{name} {_size(size)} Tf")
                state.font = (name, size)
            data.append(code & 0xFF)
            _adjust(shown, data, width - advance)
        flush()

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
            face_ = font.face
            for index, slots in enumerate(subsets.subsets):
                tag = _subset_tag(face_.name, slots)
                fonts.append(
                    FontSubset(
                        resource=subsets.names[index][1:],
                        base_font=f"{tag}+{(face_.name + face_.subfontNameX).decode('latin-1')}",
                        program=subsets.program(slots),
                        texts=tuple(
                            chr(s) if isinstance(s, int) else s.text if isinstance(s, Composite) else s[1]
                            for s in slots
                        ),
                        widths=tuple(_slot_width(face_, s) for s in slots),
                        metrics=metrics,
                    )
                )
        opacities = tuple((name[1:], opacity) for opacity, name in self.opacities.items())
        images = tuple(p for p in self.pictures.values() if isinstance(p, ImageData))
        forms = tuple(p for p in self.pictures.values() if isinstance(p, FormData))
        return Resources(tuple(fonts), opacities, images, forms)


def _adjust(shown: list[str], data: bytearray, amount: float) -> None:
    """Move the next glyph of a TJ left by `amount` thousandths of an em (right, if negative)."""
    amount = round(amount, 2)
    if amount:
        if data:
            shown.append(f"({escapePDF(bytes(data))})")
            data.clear()
        elif shown and not shown[-1].startswith("("):  # two moves in a row are one
            amount = round(float(shown.pop()) + amount, 2)
            if not amount:
                return
        shown.append(fp_str(amount))


BOLD_STROKE = 0.03  # a synthetic bold's outline stroke, as a share of the size: about a bold's weight


class _TextState:
    """A text object being written: the font, colour, word spacing and rise it has set so far,
    and whether glyphs are stroked as well as filled (a synthetic bold), and how thick."""

    def __init__(self, ops: list[str]) -> None:
        self.ops = ops
        ops.append("q")
        ops.append("BT")
        self.font: tuple[str, float] | None = None
        self.colour: Colour | None = None
        self.word_space = 0.0
        self.rise = 0.0
        self.bold = False
        self.stroke_width = 0.0

    def embolden(self, run: Run) -> None:
        """Fill and stroke the run's glyphs (text render mode 2) if it asks for a synthetic bold;
        back to filling alone if not."""
        if not run.bold:
            self.ops.append("0 Tr")
            self.bold = False
            return
        if not self.bold:
            self.ops.append(f"2 Tr {stroke(run.colour)}")
            self.bold = True
        width = round(run.size * BOLD_STROKE, 3)
        if width != self.stroke_width:
            self.ops.append(f"{fp_str(width)} w")
            self.stroke_width = width

    def close(self) -> None:
        self.ops.append("ET")
        self.ops.append("Q")


def _subset_tag(face: bytes, subset: Sequence[Slot]) -> str:
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
