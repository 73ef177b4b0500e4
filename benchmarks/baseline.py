"""The plain ReportLab pipeline a user writes in an afternoon: the yardstick for guide's speed.

As in shared/notes/performance-baseline.md: yaml.CSafeLoader, a minimal validate() (required keys,
non-empty strings, unique ids), platypus SimpleDocTemplate on A4 with the DejaVu Sans TTF family,
one Paragraph per block (text split at blank lines, XML-escaped, no Markdown):

- study guide, per question: a bold heading "Q12. Topic" with a small grey <font> run holding the
  id and difficulty (keepWithNext), the question, then the guidance in italic, indented, starting
  with <b>Guidance:</b>;
- answer key, per question: the heading, then the answer, key points and follow-ups, one
  Paragraph per block or item (the note's key had only the answer: `--minimal` does that);
- a page-number footer drawn in onPage; then pypdf merges the two PDFs into a third.

No cover, contents, outline, links, notes lines or cross-references: those are guide's features.

    python benchmarks/baseline.py GUIDE_DIR --out DIR [--json FILE] [--minimal]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

T0 = time.perf_counter()

import yaml  # noqa: E402
from pypdf import PdfWriter  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

IMPORTS = time.perf_counter() - T0
FONTS = Path(__file__).resolve().parent.parent / "styles" / "fonts"


def load(folder: Path) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    with open(folder / "guide.yaml", encoding="utf-8") as fh:
        meta = yaml.load(fh, Loader=yaml.CSafeLoader)
    questions = list(meta.get("questions") or [])
    for path in sorted((folder / "questions").glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            questions += yaml.load(fh, Loader=yaml.CSafeLoader) or []
    return meta, questions


def validate(questions: list[dict]) -> None:  # type: ignore[type-arg]
    seen = set()
    for q in questions:
        for key in ("id", "topic", "question", "answer"):
            value = q.get(key)
            if not isinstance(value, str) or not value.strip():
                raise SystemExit(f"question {q.get('id')!r}: {key} missing or empty")
        if q["id"] in seen:
            raise SystemExit(f"duplicate id {q['id']}")
        seen.add(q["id"])


def register_fonts() -> None:
    for name, file in (
        ("DejaVu", "DejaVuSans.ttf"),
        ("DejaVu-Bold", "DejaVuSans-Bold.ttf"),
        ("DejaVu-Oblique", "DejaVuSans-Oblique.ttf"),
        ("DejaVu-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    pdfmetrics.registerFontFamily(
        "DejaVu",
        normal="DejaVu",
        bold="DejaVu-Bold",
        italic="DejaVu-Oblique",
        boldItalic="DejaVu-BoldOblique",
    )


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks(text: str) -> list[str]:
    return [esc(b.strip()) for b in text.split("\n\n") if b.strip()]


STYLES = {
    "heading": ParagraphStyle(
        "heading",
        fontName="DejaVu-Bold",
        fontSize=11,
        leading=14,
        spaceBefore=10,
        spaceAfter=3,
        keepWithNext=1,
    ),
    "body": ParagraphStyle("body", fontName="DejaVu", fontSize=10, leading=13.5, spaceAfter=4),
    "guidance": ParagraphStyle(
        "guidance", fontName="DejaVu-Oblique", fontSize=9.5, leading=12.5, leftIndent=14, spaceAfter=4
    ),
    "item": ParagraphStyle("item", fontName="DejaVu", fontSize=10, leading=13, leftIndent=14, spaceAfter=2),
}


def heading(number: int, q: dict) -> Paragraph:  # type: ignore[type-arg]
    meta = esc(f"{q['id']} · {q.get('difficulty') or ''}")
    text = f"<b>Q{number}. {esc(q['topic'])}</b> <font size=8 color=grey>{meta}</font>"
    return Paragraph(text, STYLES["heading"])


def footer(canv, doc) -> None:  # type: ignore[no-untyped-def]
    canv.saveState()
    canv.setFont("DejaVu", 8)
    canv.drawCentredString(A4[0] / 2, 12 * mm, f"Page {doc.page}")
    canv.restoreState()


def build_pdf(path: Path, story: list[Paragraph], title: str) -> int:
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=title)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return int(doc.page)


def study_story(questions: list[dict]) -> list[Paragraph]:  # type: ignore[type-arg]
    story = []
    for number, q in enumerate(questions, 1):
        story.append(heading(number, q))
        story += [Paragraph(b, STYLES["body"]) for b in blocks(q["question"])]
        guidance = blocks(q.get("guidance") or "")
        if guidance:
            guidance[0] = "<b>Guidance:</b> " + guidance[0]
            story += [Paragraph(b, STYLES["guidance"]) for b in guidance]
    return story


def key_story(questions: list[dict], minimal: bool) -> list[Paragraph]:  # type: ignore[type-arg]
    story = []
    for number, q in enumerate(questions, 1):
        story.append(heading(number, q))
        story += [Paragraph(b, STYLES["body"]) for b in blocks(q["answer"])]
        if minimal:
            continue
        for point in q.get("key_points") or []:
            story.append(Paragraph("☐ " + esc(point), STYLES["item"]))
        for follow in q.get("follow_ups") or []:
            story.append(Paragraph("→ " + esc(follow), STYLES["item"]))
    return story


def run(folder: Path, out: Path, *, minimal: bool = False) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    stages: dict[str, float] = {"imports": IMPORTS}
    t = time.perf_counter()
    meta, questions = load(folder)
    stages["load"] = time.perf_counter() - t
    t = time.perf_counter()
    validate(questions)
    stages["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    register_fonts()
    stages["fonts"] = time.perf_counter() - t
    title = str(meta.get("title", folder.name))
    t = time.perf_counter()
    guide_pages = build_pdf(out / "guide.pdf", study_story(questions), f"{title}: study guide")
    stages["layout_study"] = time.perf_counter() - t
    t = time.perf_counter()
    key_pages = build_pdf(out / "key.pdf", key_story(questions, minimal), f"{title}: answer key")
    stages["layout_key"] = time.perf_counter() - t
    t = time.perf_counter()
    writer = PdfWriter()
    writer.append(str(out / "guide.pdf"))
    writer.append(str(out / "key.pdf"))
    with open(out / "complete.pdf", "wb") as fh:
        writer.write(fh)
    stages["merge_write"] = time.perf_counter() - t
    sizes = {name: (out / f"{name}.pdf").stat().st_size for name in ("guide", "key", "complete")}
    return {
        "tool": "baseline-minimal" if minimal else "baseline",
        "questions": len(questions),
        "stages": stages,
        "pages": {"study": guide_pages, "key": key_pages, "complete": guide_pages + key_pages},
        "bytes": sizes,
        "in_process": time.perf_counter() - T0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--json", type=Path, help="write the measurements here")
    parser.add_argument(
        "--minimal", action="store_true", help="answer key with the answer only, as in the note"
    )
    args = parser.parse_args(argv)
    result = run(args.folder, args.out, minimal=args.minimal)
    if args.json:
        args.json.write_text(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
