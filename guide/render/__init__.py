"""Turn a Guide and a Theme into the PDF bytes of its two parts, with where every question and answer landed.

The only package that uses ReportLab. Both parts are laid out once, each in its own
PartDocument (for a large guide, the study guide in a forked child beside the answer key);
the numbers that cross parts (the page of an answer printed under its question, and back)
are filled in afterwards, before either is saved.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
)
from reportlab.platypus.doctemplate import LayoutError

from guide import compose, pdfinfo, text
from guide.errors import GuideError, Problem
from guide.fonts import guide_chars
from guide.model import Guide
from guide.parallel import can_fork, receive, wanted
from guide.render import markup
from guide.render.document import Anchor, LinkRecord, OutlineEntry, PartDocument, PartInfo, folio
from guide.render.flowables import ContentsLine, HeadLine, Mark, NoteLines, Paragraph, RectoBreak, Separator
from guide.render.styles import Kit, make_kit
from guide.styles import Theme


@dataclass(frozen=True)
class Layout:
    """Where a laid-out part's pages and anchors fell, before its deferred numbers are filled in."""

    pages: int
    body_start: int  # index of the first body page (after cover, introduction and contents)
    folio_prefix: str
    anchors: dict[str, Anchor]
    outline: tuple[OutlineEntry, ...]
    links: tuple[LinkRecord, ...]

    def folio(self, page_index: int) -> str:
        """The printed folio of one of the part's pages."""
        return folio(self.folio_prefix, self.body_start, page_index)


@dataclass(frozen=True)
class PartPdf(Layout):
    """One laid-out part, a finished file: its layout, and its bytes.

    Its links to the other part open the other part's file (GoToR); the complete edition turns
    them into links within itself.
    """

    part: str
    data: bytes


@dataclass(frozen=True)
class Parts:
    study: PartPdf
    key: PartPdf


Progress = Callable[[str], None]  # told what is being done, now and then, for a terminal to show

STUDY_PROCESS = "the process laying out the study guide"


def render_parts(
    guide: Guide,
    theme: Theme,
    *,
    stamp: str = "",
    watermark: str = "",
    key: PartPdf | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> Parts:
    """Lay out the study guide and the answer key of a guide: the two standalone files.

    `stamp` and `watermark` go on every page of the study guide (a copy made for one reader).
    Given `key`, the answer key already laid out for this guide and theme, only the study guide
    is laid out, as a copy that goes out alone: its page references point into that key, and
    do not link to it. The two parts are laid out in two
    processes when the guide is large enough (`parallel` forces the choice); the bytes are the same.
    """
    kit = make_kit(theme, guide_chars(guide) | set(stamp) | set(watermark))
    numbers = {q.id: q.number for q in guide.questions}

    def lay_out(part: compose.Part, report: Progress | None) -> PartDocument:
        story = compose.compose(guide, part, labels=theme.labels, note_lines=theme.note_lines)
        info = _info(guide, theme, part, links_across=key is None)
        if part == "study":
            info.stamp, info.watermark = stamp, watermark
        doc = PartDocument(kit, info)
        if report is not None:
            what = info.part_label.lower()
            total = len(guide.questions)
            doc.on_page = lambda page, qid: report(
                f"laying out the {what}: question {numbers.get(qid, 0)} of {total}, page {page}"
            )
        _build(doc, story, kit, guide)
        return doc

    if key is not None:
        doc = lay_out("study", progress)
        values = _values(guide, theme.labels, _layout(doc), key)
        return Parts(study=_part_pdf("study", doc, values["study"], key.anchors), key=key)
    if wanted(parallel, len(guide.questions)) and can_fork():
        return _render_in_two_processes(guide, theme, lay_out, progress)
    study, answers = lay_out("study", progress), lay_out("key", progress)
    values = _values(guide, theme.labels, _layout(study), _layout(answers))
    return Parts(
        study=_part_pdf("study", study, values["study"], answers.anchors),
        key=_part_pdf("key", answers, values["key"], study.anchors),
    )


def _layout(doc: PartDocument) -> Layout:
    return Layout(doc.page_count, doc.body_start - 1, doc.info.folio_prefix, doc.anchors, tuple(doc.outline),
                  tuple(doc.links))  # fmt: skip


def _part_pdf(part: str, doc: PartDocument, values: dict[str, str], across: dict[str, Anchor]) -> PartPdf:
    data = doc.finish(values, across)
    return _pdf(part, data, _layout(doc))


def _pdf(part: str, data: bytes, layout: Layout) -> PartPdf:
    return PartPdf(**{f.name: getattr(layout, f.name) for f in fields(Layout)}, part=part, data=data)


def _values(guide: Guide, labels: dict[str, str], study: Layout, key: Layout) -> dict[str, dict[str, str]]:
    """The text of every deferred number of each part: contents pages, and pages across parts."""
    values: dict[str, dict[str, str]] = {"study": {}, "key": {}}
    for part, layout in (("study", study), ("key", key)):
        for anchor, (page, _, _) in layout.anchors.items():
            values[part][f"toc-{anchor}"] = layout.folio(page)
    for q in guide.questions:
        q_anchor, a_anchor = compose.question_anchor(q.id), compose.answer_anchor(q.id)
        answer_page = key.folio(key.anchors[a_anchor][0])
        question_page = study.folio(study.anchors[q_anchor][0])
        values["study"][f"ref-{a_anchor}"] = labels["answer_ref"].format(page=answer_page)
        values["key"][f"ref-{q_anchor}"] = labels["question_ref"].format(page=question_page)
    return values


def _render_in_two_processes(
    guide: Guide,
    theme: Theme,
    lay_out: Callable[[compose.Part, Progress | None], PartDocument],
    progress: Progress | None,
) -> Parts:
    """Lay out the study guide in a forked child while this process lays out the answer key.

    Each side first lays out its part, then they swap where their pages and anchors fell, then
    each fills in its deferred numbers and saves: the same two steps as one after the other.
    """
    ours, theirs = multiprocessing.get_context("fork").Pipe()

    def child() -> None:
        # The child's copy of the parent's end: closed, so that a parent killed mid-build is an
        # end of file here, not a wait for ever.
        ours.close()
        try:
            doc = lay_out("study", None)
            theirs.send(("layout", _layout(doc)))
            theirs.send(("pdf", doc.finish(*theirs.recv())))
        except (EOFError, BrokenPipeError):
            return  # the parent stopped (it failed, or was killed): nobody is left to tell
        except GuideError as exc:
            with contextlib.suppress(OSError):
                theirs.send(("error", exc.problems))
        except BaseException as exc:  # reported by the parent, at the guide's place
            with contextlib.suppress(OSError):
                theirs.send(("crash", f"{type(exc).__name__}: {exc}"))

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    theirs.close()
    try:
        answers = lay_out("key", progress)
        study = receive(ours, guide.location, "layout", STUDY_PROCESS)
        values = _values(guide, theme.labels, study, _layout(answers))
        ours.send((values["study"], answers.anchors))
        key = _part_pdf("key", answers, values["key"], study.anchors)
        data = receive(ours, guide.location, "pdf", STUDY_PROCESS)
    finally:
        ours.close()
        if process.is_alive():
            process.terminate()
        process.join()
    return Parts(study=_pdf("study", data, study), key=key)


def _info(guide: Guide, theme: Theme, part: str, *, links_across: bool) -> PartInfo:
    role, other = ("study_guide", "answer_key") if part == "study" else ("answer_key", "study_guide")
    label = theme.labels[role]
    return PartInfo(
        part=part,
        title=guide.title,
        edition=guide.edition,
        folio_prefix="" if part == "study" else "A-",
        part_label=label,
        metadata=pdfinfo.document_info(guide, f"{guide.title}: {label}", with_pypdf=False),
        language=guide.language,
        sibling=pdfinfo.file_name(guide, other) if links_across else None,
    )


def _build(doc: PartDocument, story: compose.Story, kit: Kit, guide: Guide) -> None:
    # A failure inside ReportLab still names the question being laid out, and its line.
    locations = {q.id: q.location for q in guide.questions}
    try:
        doc.build(_flowables(story, kit, doc))
    except LayoutError as exc:
        where = locations.get(doc.current_id, guide.location)
        what = f"question '{doc.current_id}'" if doc.current_id else "the guide"
        detail = str(exc).strip().split("\n", 1)[0][:200]
        raise GuideError([Problem(where, f"cannot lay out {what}: {detail}")]) from exc
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        where = locations.get(doc.current_id, guide.location)
        what = f"question '{doc.current_id}'" if doc.current_id else "the guide"
        detail = " ".join(str(exc).split())[:200]
        raise GuideError(
            [
                Problem(
                    where, f"cannot lay out {what}: an internal error in guide ({detail}); please report it"
                )
            ]
        ) from exc


def _tag(flowables: list[Flowable], qid: str) -> list[Flowable]:
    for f in flowables:
        f._guide_qid = qid
    return flowables


def _flowables(story: compose.Story, kit: Kit, doc: PartDocument | None = None) -> Iterator[Flowable]:
    """The flowables of a part, made one story item at a time as the layout asks for them."""
    first_topic = True
    # A topic's heading goes into its first question's keep-together block: kept apart, a first
    # question too tall for the rest of the page would move on and leave the heading alone.
    lead: list[Flowable] = []
    for item in story:
        if doc is not None:
            doc.making_id = getattr(item, "id", "")
        if isinstance(item, compose.Cover):
            yield from _cover(item, kit)
        elif isinstance(item, compose.Introduction):
            yield from _introduction(item, kit)
        elif isinstance(item, compose.Contents):
            yield from _contents(item, kit)
            yield from [NextPageTemplate("body"), RectoBreak(kit.theme.duplex), Mark("body")]
        elif isinstance(item, compose.TopicStart):
            if not first_topic:
                yield PageBreak()
            first_topic = False
            lead = _topic(item, kit)
        elif isinstance(item, compose.StudyQuestion):
            yield from _tag(_study_question(item, kit, lead), item.id)
            lead = []
        elif isinstance(item, compose.KeyAnswer):
            yield from _tag(_key_answer(item, kit, lead), item.id)
            lead = []
    yield from lead


def _p(value: str, kit: Kit, style: str) -> Paragraph:
    return Paragraph(markup.text_markup(value, kit.fonts_for(style)), kit.styles[style])


def _cover(item: compose.Cover, kit: Kit) -> list[Flowable]:
    out: list[Flowable] = [
        Spacer(1, kit.theme.paper[1] * 0.18),
        _p(item.part_label.upper(), kit, "label"),
        Spacer(1, 6),
        _p(item.title, kit, "cover_title"),
    ]
    if item.subtitle:
        out.append(_p(item.subtitle, kit, "cover_subtitle"))
    out.append(markup.block(text.Rule(), kit, "body", 0)[0])
    meta = [f"Edition {item.edition}" + (f" · {item.date}" if item.date else "")]
    topics = "topic" if item.topics == 1 else "topics"
    meta.append(f"{item.questions} {kit.theme.labels['questions']} in {item.topics} {topics}")
    if item.authors:
        meta.append(item.authors)
    if item.selection:
        meta.append(item.selection)
    out += [_p(line, kit, "cover_meta") for line in meta]
    # Printed on both sides, the cover's back stays blank: the guide opens on a right-hand page.
    out += [NextPageTemplate("front"), RectoBreak(kit.theme.duplex)]
    return out


def _introduction(item: compose.Introduction, kit: Kit) -> list[Flowable]:
    out: list[Flowable] = [_p(item.heading, kit, "heading")]
    out += markup.blocks(item.description, kit)
    out += markup.blocks(item.advice, kit)
    return out


def _contents(item: compose.Contents, kit: Kit) -> list[Flowable]:
    out: list[Flowable] = [
        CondPageBreak(kit.theme.paper[1] * 0.3),
        Spacer(1, 10),
        _p(item.heading, kit, "heading"),
    ]
    leader = kit.colour("rule")
    for topic in item.topics:
        head = ContentsLine(_p(topic.title, kit, "toc_topic"), topic.anchor, f"toc-{topic.anchor}", 0, leader)
        lines: list[Flowable] = []
        for entry in topic.entries:
            style = kit.derive("toc_entry", "hang", leftIndent=18, firstLineIndent=-18)
            text = f"{entry.number}.\u2002" + markup.text_markup(entry.title, kit.fonts_for("toc_entry"))
            para = Paragraph(text, style)
            lines.append(ContentsLine(para, entry.anchor, f"toc-{entry.anchor}", 14, leader))
        # A topic's line never ends a page: it goes with its first entry.
        out += [KeepTogether([head, *lines[:1]]), *lines[1:]]
    return out


def _topic(item: compose.TopicStart, kit: Kit) -> list[Flowable]:
    noun = kit.theme.labels["question" if item.questions == 1 else "questions"]
    count = f"{item.questions} {noun}"
    label = _p(f"{kit.theme.labels['topic']} {item.index} · {count}".upper(), kit, "label")
    heading = _p(item.title, kit, "heading")
    return [
        Mark("topic", item.title),
        label,
        HeadLine(heading, anchor=item.anchor, outline=(item.title, 0)),
        Spacer(1, kit.styles["heading"].spaceAfter),
    ]


def _meta_label(number: int, difficulty: str, tags: tuple[str, ...], kit: Kit, extra: str = "") -> Paragraph:
    word = kit.theme.labels["question"].upper()
    parts = [f"<b>{word} {number}</b>"]
    if extra:
        parts.append(markup.text_markup(extra, kit.fonts_for("meta")))
    if difficulty:
        parts.append(difficulty.upper())
    if tags:
        parts.append(markup.text_markup(", ".join(tags), kit.fonts_for("meta")))
    # '·' stays with the word before it: a wrapped label never starts a line with '· EASY'.
    return Paragraph("\u00a0· ".join(parts), kit.styles["meta"])


def _study_question(item: compose.StudyQuestion, kit: Kit, lead: list[Flowable]) -> list[Flowable]:
    """A question of the study guide, kept together with `lead` (its topic's heading, if first)."""
    label = kit.theme.labels
    head = HeadLine(
        _meta_label(item.number, item.difficulty, item.tags, kit),
        anchor=item.anchor,
        outline=(f"{item.number}. {item.title}", 1),
        ref_number=f"ref-{item.answer_anchor}",
        ref_link=item.answer_anchor,
        question=f"{label['question']} {item.number}",
        topic=item.topic,
    )
    keep: list[Flowable] = [*lead, head, markup.paragraph(item.question, kit, "question")]
    if item.guidance:
        inner = [_p(label["guidance"].upper(), kit, "label"), *markup.blocks(item.guidance, kit, "guidance")]
        keep.append(markup._boxed(inner, kit, 0, rule="accent", background="tint"))
    if item.note_lines:
        # The notes belong to their question: they move with it rather than start a page alone.
        notes_label = Paragraph(
            markup.text_markup(label["notes"].upper(), kit.fonts_for("label")),
            kit.derive("label", "notes", spaceBefore=4),
        )
        keep += [notes_label, NoteLines(item.note_lines, kit.theme.note_spacing, kit.colour("note_line"))]
    return [KeepTogether(keep), Mark("end"), Separator(20)]


def _key_answer(item: compose.KeyAnswer, kit: Kit, lead: list[Flowable]) -> list[Flowable]:
    """An answer of the key, its opening kept together with `lead` (its topic's heading, if first)."""
    label = kit.theme.labels
    head = HeadLine(
        _meta_label(item.number, item.difficulty, (), kit, extra=item.topic),
        anchor=item.anchor,
        outline=(f"{item.number}. {item.title}", 1),
        ref_number=f"ref-{item.question_anchor}",
        ref_link=item.question_anchor,
        question=f"{label['question']} {item.number}",
        topic=item.topic,
    )
    answer = markup.blocks(item.answer, kit, "body")
    keep: list[Flowable] = [
        *lead,
        head,
        markup.paragraph(item.question, kit, "question"),
        _p(label["answer"].upper(), kit, "label"),
        *answer[:1],
    ]
    out: list[Flowable] = [KeepTogether(keep), *answer[1:]]
    # The hanging indent fits the box or arrow and a space at the style's size (16 pt in large print).
    body = kit.styles["body"]
    mark = max(stringWidth(m + "\u2002", body.bulletFontName, body.bulletFontSize) for m in ("☐", "→"))
    bullet_style = kit.derive(
        "body", "check", leftIndent=max(16, round(mark + 0.5)), bulletIndent=0, spaceAfter=3
    )
    if item.key_points:
        out.append(Paragraph(markup.text_markup(label["key_points"].upper(), kit.fonts_for("label")),
                             kit.derive("label", "keep-space", keepWithNext=1, spaceBefore=6)))  # fmt: skip
        for point in item.key_points:
            out.append(markup.paragraph(point, kit, bullet_style, bulletText="☐"))
    if item.follow_ups:
        out.append(Paragraph(markup.text_markup(label["follow_ups"].upper(), kit.fonts_for("label")),
                             kit.derive("label", "keep-space", keepWithNext=1, spaceBefore=6)))  # fmt: skip
        for follow in item.follow_ups:
            out.append(markup.paragraph(follow, kit, bullet_style, bulletText="→"))
    if (item.key_points or item.follow_ups) and len(out) > 2 and isinstance(out[-1], Paragraph):
        # The answer's last item never starts a page alone, as a line would not end a paragraph.
        out[-2].keepWithNext = 1
    out += [Mark("end"), Separator(8, 14, rule=kit.colour("rule"))]
    return out
