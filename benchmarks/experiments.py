"""What-if measurements: guide built with one change patched in at run time, to size a fix first.

Each variant runs in a fresh process (this file, --variant NAME) and prints the stage times of
stages.run; nothing in guide/ is edited. The patches are rough stand-ins for the proposed fixes:
they give the time a fix would save, not output to publish (pages are reported to show the
layout stayed comparable).

    python benchmarks/experiments.py 1000 --variants base,box,fastpara,noverify
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

VARIANTS = {
    "base": "guide as it is",
    "box": "boxed guidance/code/quotes as a light Box flowable instead of a one-cell Table",
    "fastpara": "paragraphs without inline markup as a light flowable (word-width cache, greedy wrap)",
    "noverify": "no read-back verification (verify.verify skipped)",
    "all": "box + fastpara + noverify",
}


def patch_box() -> None:
    from reportlab.platypus import Flowable

    from guide.render import markup

    class Box(Flowable):  # type: ignore[misc]
        def __init__(self, inner: list[Any], width: float, indent: float, rule: Any, background: Any) -> None:
            super().__init__()
            self.inner = inner
            self.box_width = width
            self.rule = rule
            self.background = background
            self.hAlign = "RIGHT" if indent else "LEFT"
            self.spaceBefore, self.spaceAfter = 2, 6
            self.pads = (8.0, 6.0, 4.0, 4.0)  # left, right, top, bottom

        def _layout(self, aH: float) -> tuple[list[tuple[Any, float]], float]:
            left, right, top, bottom = self.pads
            inner_w = self.box_width - left - right
            placed, y = [], top
            for i, f in enumerate(self.inner):
                _, h = f.wrapOn(self.canv, inner_w, aH)
                if i:
                    y += f.getSpaceBefore()
                placed.append((f, y + h))
                y += h + (f.getSpaceAfter() if i < len(self.inner) - 1 else 0)
            return placed, y + bottom

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            self._placed, self.height = self._layout(aH)
            self.width = self.box_width
            return self.width, self.height

        def split(self, aW: float, aH: float) -> list[Any]:
            left, right, top, bottom = self.pads
            inner_w = self.box_width - left - right
            room = aH - top - bottom
            first: list[Any] = []
            for i, f in enumerate(self.inner):
                _, h = f.wrapOn(self.canv, inner_w, room)
                if h <= room:
                    first.append(f)
                    room -= h + f.getSpaceAfter()
                    continue
                parts = f.split(inner_w, room) or []
                if len(parts) == 2:
                    first.append(parts[0])
                    rest = [parts[1], *self.inner[i + 1 :]]
                else:
                    rest = self.inner[i:]
                if not first:
                    return []
                return [
                    Box(first, self.box_width, 0, self.rule, self.background),
                    Box(rest, self.box_width, 0, self.rule, self.background),
                ]
            return [self]

        def draw(self) -> None:
            canv = self.canv
            left, _, _, _ = self.pads
            canv.saveState()
            if self.background is not None:
                canv.setFillColor(self.background)
                canv.rect(0, 0, self.box_width, self.height, stroke=0, fill=1)
            if self.rule is not None:
                canv.setStrokeColor(self.rule)
                canv.setLineWidth(1.5)
                canv.line(0, 0, 0, self.height)
            canv.restoreState()
            for f, bottom in self._placed:
                f.drawOn(canv, left, self.height - bottom)

    def boxed(inner: list[Any], kit: Any, indent: float, *, rule: str | None, background: str | None) -> Any:
        return Box(
            inner,
            kit.frame_width - indent,
            indent,
            kit.colour(rule) if rule else None,
            kit.colour(background) if background else None,
        )

    markup._boxed = boxed


class _WidthCache:
    """Word widths per (font, size): a dict lookup per word once warmed up."""

    def __init__(self) -> None:
        self.tables: dict[tuple[str, float], dict[str, float]] = {}

    def width(self, word: str, font: str, size: float) -> float:
        table = self.tables.get((font, size))
        if table is None:
            table = self.tables[(font, size)] = {}
        w = table.get(word)
        if w is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            w = table[word] = stringWidth(word, font, size)
        return w


WIDTHS = _WidthCache()


def patch_fastpara() -> None:
    import html

    from guide.render.flowables import Paragraph as GuideParagraph
    from reportlab.platypus import Flowable

    from guide import render
    from guide.render import markup

    class FastPara(Flowable):  # type: ignore[misc]
        """Single-style text: greedy line breaking with cached word widths, drawn with one text object."""

        def __init__(
            self, text: str, style: Any, bulletText: str | None = None, lines: list[str] | None = None
        ):
            super().__init__()
            self.text = text
            self.style = style
            self.bulletText = bulletText
            self.lines = lines
            self._wrapped_at: float | None = None

        def getSpaceBefore(self) -> float:
            return float(self.style.spaceBefore)

        def getSpaceAfter(self) -> float:
            return float(self.style.spaceAfter)

        def _break(self, width: float) -> list[str]:
            st = self.style
            font, size = st.fontName, st.fontSize
            space = WIDTHS.width(" ", font, size)
            lines: list[str] = []
            line: list[str] = []
            used = 0.0
            avail = width - st.leftIndent - st.rightIndent
            first = avail - st.firstLineIndent
            limit = first
            for word in self.text.split():
                w = WIDTHS.width(word, font, size)
                need = w if not line else used + space + w
                if line and need > limit:
                    lines.append(" ".join(line))
                    line, used, limit = [word], w, avail
                else:
                    line.append(word)
                    used = need
            if line:
                lines.append(" ".join(line))
            return lines

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            if self.lines is None or self._wrapped_at not in (None, aW):
                self.lines = self._break(aW)
                self._wrapped_at = aW
            self.width = aW
            self.height = len(self.lines) * self.style.leading
            return self.width, self.height

        def split(self, aW: float, aH: float) -> list[Any]:
            self.wrap(aW, aH)
            fit = int(aH // self.style.leading)
            if fit < 2 or len(self.lines) - fit < 2:
                return []
            a = FastPara(self.text, self.style, self.bulletText, self.lines[:fit])
            b = FastPara(self.text, self.style, None, self.lines[fit:])
            a._wrapped_at = b._wrapped_at = aW
            b.style = self.style
            return [a, b]

        def draw(self) -> None:
            st = self.style
            canv = self.canv
            y = self.height - st.fontSize
            if self.bulletText:
                canv.setFont(st.bulletFontName, st.bulletFontSize)
                canv.setFillColor(st.textColor)
                canv.drawString(st.bulletIndent, y, self.bulletText)
            t = canv.beginText(st.leftIndent, y)
            t.setFont(st.fontName, st.fontSize, st.leading)
            t.setFillColor(st.textColor)
            for line in self.lines or []:
                t.textLine(line)
            canv.drawText(t)

    def make(text: str, style: Any, **kw: Any) -> Any:
        if "<" not in text and style.alignment == 0:
            return FastPara(html.unescape(text), style, kw.get("bulletText"))
        return GuideParagraph(text, style, **kw)

    markup.Paragraph = make
    render.Paragraph = make


def patch_noverify() -> None:
    from guide import verify

    verify.verify = lambda edition: None


PATCHES = {
    "box": [patch_box],
    "fastpara": [patch_fastpara],
    "noverify": [patch_noverify],
    "all": [patch_box, patch_fastpara, patch_noverify],
}


def child(variant: str, bank: Path) -> dict[str, Any]:
    import stages

    for patch in PATCHES.get(variant, []):
        patch()
    with tempfile.TemporaryDirectory(prefix="guide-exp-") as out:
        return stages.run(bank, Path(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=sys.executable, help="interpreter (another venv: rl_accel)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    import bench

    bench.BANKS.mkdir(parents=True, exist_ok=True)
    bank, _ = bench.bank_for(args.n, args.seed)
    if args.child:
        json.dump(child(args.child, bank), sys.stdout)
        return 0
    env = bench.child_env(bytecode_cache=True)
    rows = []
    for r in range(args.repeats):
        for variant in args.variants.split(","):
            cmd = [args.python, __file__, str(args.n), "--seed", str(args.seed), "--child", variant]
            with tempfile.NamedTemporaryFile("rb", suffix=".json") as out:
                m = bench.measure(cmd, env, log=Path(out.name))
                text = Path(out.name).read_text()
            try:
                detail = json.loads(text)
            except ValueError:
                print(f"{variant}: failed\n{text[-1500:]}")
                continue
            cols = bench.guide_columns(detail, "cpu")
            row = {"variant": variant, "repeat": r, **m, "columns": cols, "pages": detail["pages"]}
            rows.append(row)
            print(
                f"{variant:>10}: wall {m['wall']:6.2f} s  cpu {m['cpu']:6.2f} s  RSS {m['rss_mb']:5.0f} MB"
                "  stages (cpu): "
                + "  ".join(f"{k} {v:.2f}" for k, v in cols.items())
                + f"  pages {detail['pages']}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
