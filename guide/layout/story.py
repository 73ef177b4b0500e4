"""Turn the items of a part's story into blocks: the cover, contents, topics, questions and answers."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator, Sequence

from guide.data import text, titles
from guide.layout import compose, markdown
from guide.layout.blocks import (
    Block,
    Box,
    CondPageBreak,
    Keep,
    Mark,
    NoteLines,
    PageBreak,
    Rule,
    Separator,
    Spacer,
    stack_height,
)
from guide.layout.direction import has_rtl
from guide.layout.forms import NotesArea, RatingRow
from guide.layout.heads import TOC_NUMBER_WIDTH, ContentsLine, HeadLine
from guide.layout.kit import Kit, Style
from guide.layout.lines import fit_line, line_width, longest
from guide.layout.markdown import bullet_face
from guide.layout.page import Part
from guide.layout.paragraph import Bullet, Para
from guide.layout.spans import Span, inline, plain

CONTENTS_INDENT = 14.0  # of a question's entry, under its topic's
LEADER_ROOM = 14.0  # the least a cut entry leaves for the dotted leader


def blocks(items: Iterable[compose.Item], kit: Kit) -> Iterator[Block]:
    """The blocks of a run of story items, made one item at a time as the pager asks for them."""
    # A topic's heading goes into its first question's keep-together block: kept apart, a first
    # question too tall for the rest of the page would move on and leave the heading alone.
    lead: list[Block] = []
    topics = 0
    packet = False
    for item in items:
        if isinstance(item, compose.Cover):
            yield from cover(item, kit)
        elif isinstance(item, compose.Introduction):
            yield from introduction(item, kit)
        elif isinstance(item, compose.WhatsNew):
            yield from whats_new(item, kit)
        elif isinstance(item, compose.Contents):
            yield from contents(item, kit)
            yield PageBreak(recto=True, template="body")
        elif isinstance(item, compose.TopicStart):
            if topics:
                yield PageBreak()  # each topic starts a page
            topics += 1
            lead = topic(item, kit)
        elif isinstance(item, compose.StudyQuestion):
            yield Mark("id", item.id)
            yield from study_question(item, kit, lead)
            lead = []
        elif isinstance(item, compose.KeyAnswer):
            yield Mark("id", item.id)
            yield from key_answer(item, kit, lead)
            lead = []
        elif isinstance(item, compose.PacketQuestion):
            if not packet:
                # The packet's pages have its own head, from the first (nothing is on it yet: no break).
                yield PageBreak(template="packet")
                packet = True
            yield Mark("id", item.id)
            yield from packet_question(item, kit)
    yield from lead


def label(
    value: str,
    kit: Kit,
    style: str = "label",
    *,
    space_before: float | None = None,
    space_after: float | None = None,
    keep_with_next: bool | None = None,
) -> Para:
    """A paragraph of plain text in a named style (a label, a title): drawn as written."""
    resolved = kit.style(style)
    return Para(
        plain(value, resolved),
        resolved,
        space_before=space_before,
        space_after=space_after,
        keep_with_next=keep_with_next,
    )


def name(
    value: str,
    kit: Kit,
    style: str | Style,
    *,
    space_before: float | None = None,
    space_after: float | None = None,
    keep_with_next: bool | None = None,
) -> Para:
    """A paragraph of a name (a title, a topic: titles.py) in a style: its code and formulas set as
    in an answer, the rest drawn as written."""
    resolved = kit.style(style) if isinstance(style, str) else style
    return Para(
        name_spans(value, kit, resolved),
        resolved,
        space_before=space_before,
        space_after=space_after,
        keep_with_next=keep_with_next,
    )


def name_spans(value: str, kit: Kit, style: Style) -> list[Span]:
    """The spans of a name in a style: its text as written, its code and formulas as in an answer."""
    return inline(titles.runs(value), kit, style)


def furniture(value: str) -> str:
    """A name for a line of page furniture (a running head): plain text, its code and formulas
    marked to read left to right (lines.py draws it so)."""
    return titles.plain(value, marked=True)


def outline(kit: Kit, value: str) -> str:
    """A name as a PDF outline entry: plain text; in right-to-left text, its code and formulas
    between embedding marks, so that a viewer shows them left to right as typed."""
    shown = titles.plain(value)
    return titles.plain(value, marked=True) if kit.rtl or has_rtl(shown) else shown


def cover(item: compose.Cover, kit: Kit) -> list[Block]:
    """The title page. The answer key's names the part as prominently as the guide's its title,
    the guide's title above it: the wrong file is not handed out by mistake."""
    out: list[Block] = [Spacer(kit.theme.paper[1] * 0.18)]
    if item.part == "key":
        out += [
            name(item.title, kit, "cover_subtitle", space_after=4.0),
            label(item.part_label, kit, "cover_title"),
        ]
    else:
        if not titles.plain(item.title).casefold().endswith(item.part_label.casefold()):
            out += [label(item.part_label.upper(), kit), Spacer(6)]  # no "STUDY GUIDE" over "… Study Guide"
        out.append(name(item.title, kit, "cover_title"))
    if item.subtitle:
        out.append(name(item.subtitle, kit, "cover_subtitle"))
    out.append(Rule(kit.colour("rule")))
    meta = [f"Edition {item.edition}" + (f" · {item.date}" if item.date else "")]
    meta.append(item.count)
    if item.authors:
        meta.append(item.authors)
    if item.selection:
        meta.append(item.selection)
    out += [label(line, kit, "cover_meta") for line in meta]
    # Printed on both sides, the cover's back stays blank: the guide opens on a right-hand page.
    out.append(PageBreak(recto=True, template="front"))
    return out


def introduction(item: compose.Introduction, kit: Kit) -> list[Block]:
    out: list[Block] = [label(item.heading, kit, "heading")]
    out += markdown.blocks(item.description, kit)
    out += markdown.blocks(item.advice, kit)
    return out


def number_column(kit: Kit, numbers: Iterable[int]) -> float:
    """The width of a column of question numbers ('15.'), set right-aligned in it."""
    return max((line_width(kit, "toc_entry", f"{n}.") for n in numbers), default=0.0)


def contents(item: compose.Contents, kit: Kit) -> Iterator[Block]:
    """The contents as a book sets them: the numbers right-aligned in a column of their own, each
    title hanging clear of it on every line, a dotted leader to the page number."""
    yield CondPageBreak(kit.theme.paper[1] * 0.3)
    yield Spacer(10)
    yield label(item.heading, kit, "heading")
    leader = kit.colour("rule")
    column = number_column(kit, (e.number for s in item.topics for e in s.entries))
    hang = column + kit.style("toc_entry").size * 0.5
    entry_style = kit.derive("toc_entry", f"hang{hang:g}", left_indent=hang, first_indent=0.0)
    # The first line of an entry: the text block less the contents' indent, the number column,
    # the page number and a few dots of the leader.
    room = kit.frame_width - CONTENTS_INDENT - hang - TOC_NUMBER_WIDTH - 8 - LEADER_ROOM
    # Made as the pager asks for them, but for the last three, held back until the end is known:
    # the contents of 50,000 questions are never all in memory at once.
    held: deque[ContentsLine] = deque()
    for section in item.topics:
        head = ContentsLine(name(section.title, kit, "toc_topic"), section.anchor, 0, leader)
        head.keep_with_next = bool(section.entries)  # a topic's line never ends a page
        held.append(head)
        for entry in section.entries:
            if len(held) > 3:
                yield held.popleft()
            title = entry.title
            if entry.cut:  # a first sentence, not a title given: one line, cut at a word
                title = fit_name(kit, title, room)
            para = name(title, kit, entry_style)
            number = (f"{entry.number}.", column)
            held.append(ContentsLine(para, entry.anchor, CONTENTS_INDENT, leader, number))
    lines = list(held)
    if len(lines) > 2:
        # The contents' last two lines share a page: no page of one entry alone (or of one topic
        # and its one entry: that topic's line goes with it).
        lines[-2].keep_with_next = True
        if lines[-2].entry.style.name == "toc_topic" and len(lines) > 3:
            lines[-3].keep_with_next = True
    yield from lines


def fit_name(kit: Kit, value: str, room: float) -> str:
    """A name cut at a word, with an ellipsis, until it sets on one line of the contents no wider
    than `room` (its formulas as they are drawn); plain text the quick way (lines.fit_line)."""
    found = titles.runs(value)
    if all(isinstance(run, text.Text) for run in found):
        return titles.markup((text.Text(fit_line(kit, "toc_entry", titles.plain(value), room)),))
    style = kit.style("toc_entry")

    def fits(limit: int) -> bool:
        lines = Para(inline(titles.runs(titles.shortened(value, limit)), kit, style), style).lines(1e9)
        return not lines or lines[0].width <= room

    most = titles.length(found)
    limit = longest(most, fits)
    return value if limit == most else titles.shortened(value, limit) if limit > 1 else ""


def whats_new(item: compose.WhatsNew, kit: Kit) -> Iterator[Block]:
    """A page of its own: each added or revised question linked to its page, like a contents line;
    a retired one by its number and title alone."""
    yield PageBreak()
    yield label(item.heading, kit, "heading")
    yield label(item.since, kit, "meta", space_after=6.0)
    leader = kit.colour("rule")
    column = number_column(kit, (e.number for s in item.lists for e in s.entries))
    hang = column + kit.style("toc_entry").size * 0.5
    entry_style = kit.derive("toc_entry", f"hang{hang:g}", left_indent=hang, first_indent=0.0)
    for section in item.lists:
        yield label(section.heading.upper(), kit, space_before=8.0, keep_with_next=True)
        for entry in section.entries:
            para = name(entry.title, kit, entry_style)
            number = (f"{entry.number}.", column)
            yield ContentsLine(para, entry.anchor, 0, leader if section.linked else None, number)


def topic(item: compose.TopicStart, kit: Kit) -> list[Block]:
    noun = kit.theme.labels["question" if item.questions == 1 else "questions"]
    count = f"{item.questions} {noun}"
    heading = name(item.title, kit, "heading")
    return [
        Mark("topic", furniture(item.title)),
        label(f"{kit.theme.labels['topic']} {item.index} · {count}".upper(), kit),
        HeadLine(heading, anchor=item.anchor, outline=outline(kit, item.title)),
        Spacer(kit.style("heading").space_after),
    ]


def meta_label(number: int, difficulty: str, tags: tuple[str, ...], kit: Kit, extra: str = "") -> Para:
    """'QUESTION 4 · EASY · tags': the question's number in bold, then what else is known of it."""
    style = kit.style("meta")
    word = kit.theme.labels["question"].upper()
    spans = plain(f"{word} {number}", style, bold=True)
    if extra:  # a topic: a name, its code and formulas set as such
        spans += plain("\u00a0· ", style) + inline(titles.runs(extra), kit, style)
    rest = []
    if difficulty:
        rest.append(difficulty.upper())
    if tags:
        rest.append(", ".join(tags))
    for part in rest:
        # '·' stays with the word before it: a wrapped label never starts a line with '· EASY'.
        spans += plain(f"\u00a0· {part}", style)
    return Para(spans, style)


def _head(item: compose.StudyQuestion | compose.KeyAnswer, meta: Para, kit: Kit) -> HeadLine:
    """A question's head: its label, and the page of the same question in the other part, linked."""
    study = isinstance(item, compose.StudyQuestion)
    ref: tuple[Part, str] = ("key", "answer_ref") if study else ("study", "question_ref")
    label = f"{kit.theme.labels['question']} {item.number}"
    return HeadLine(
        meta,
        anchor=item.anchor,
        outline=f"{item.number}. {outline(kit, item.title)}",
        ref=ref,
        question=(label, furniture(item.topic), furniture(item.title)),
    )


def question_blocks(nodes: Sequence[text.Block], kit: Kit) -> list[Block]:
    """A question's blocks: its first paragraph in the question style, the rest (code, lists,
    tables, more paragraphs) as in answers."""
    first = next((i for i, node in enumerate(nodes) if isinstance(node, text.Paragraph)), None)
    if first is None:
        return markdown.blocks(nodes, kit, "body")
    before = markdown.blocks(nodes[:first], kit, "body")
    node = nodes[first]
    assert isinstance(node, text.Paragraph)
    para = markdown.paragraph(node.children, kit, "question")
    if first + 1 < len(nodes) and text.leads_in(node):
        para.keep_with_next = True
    return [*before, para, *markdown.blocks(nodes[first + 1 :], kit, "body")]


def study_question(item: compose.StudyQuestion, kit: Kit, lead: list[Block]) -> list[Block]:
    """A question of the study guide, kept together with `lead` (its topic's heading, if first)."""
    labels = kit.theme.labels
    head = _head(item, meta_label(item.number, item.difficulty, item.tags, kit), kit)
    keep: list[Block] = [*lead, head, *question_blocks(item.question, kit)]
    if item.guidance:
        inner = [
            label(labels["guidance"].upper(), kit, keep_with_next=True),
            *markdown.blocks(item.guidance, kit, "guidance"),
        ]
        keep.append(Box(inner, background=kit.colour("tint"), rule=kit.colour("accent"), rtl=kit.rtl))
    if item.note_lines:
        # The notes belong to their question: they move with it rather than start a page alone.
        keep.append(label(labels["notes"].upper(), kit, space_before=4.0, keep_with_next=True))
        keep.append(NoteLines(item.note_lines, kit.theme.note_spacing, kit.colour("note_line")))
    return [Keep(keep), Mark("end"), Separator(20)]


def item_hang(face: str, body: Style) -> float:
    """The hanging indent of a key point or a follow-up: it fits the box or arrow and the gap after
    it at the style's size (16 pt in large print), so that the first line starts where the others do."""
    mark = max(Bullet(m, face, body.size, body.colour, 0.0).end for m in ("☐", "→", "←"))
    return float(max(16, math.ceil(mark)))


def key_answer(item: compose.KeyAnswer, kit: Kit, lead: list[Block]) -> list[Block]:
    """An answer of the key, its opening kept together with `lead` (its topic's heading, if first)."""
    labels = kit.theme.labels
    # The topic is named just above, in the heading or the running head: not again in the head.
    head = _head(item, meta_label(item.number, item.difficulty, (), kit), kit)
    answer = markdown.blocks(item.answer, kit, "body")
    keep: list[Block] = [
        *lead,
        head,
        *question_blocks(item.question, kit),
        label(labels["answer"].upper(), kit, keep_with_next=True),
        *answer[:1],
    ]
    out: list[Block] = [Keep(keep), *answer[1:]]
    body = kit.style("body")
    face = bullet_face(kit, body)
    arrow = "←" if kit.rtl else "→"  # pointing the way the text reads
    hang = item_hang(face, body)
    for heading, values, symbol in (
        (labels["key_points"], item.key_points, "☐"),
        (labels["follow_ups"], item.follow_ups, arrow),
    ):
        if not values:
            continue
        out.append(label(heading.upper(), kit, space_before=6.0, keep_with_next=True))
        for value in values:
            bullet = Bullet(symbol, face, body.size, body.colour, 0.0)
            out.append(Para(inline(value, kit, body), body, indent=hang, bullet=bullet, space_after=3.0))
    if (item.key_points or item.follow_ups) and len(out) > 2 and isinstance(out[-1], Para):
        # The answer's last item never starts a page alone, as a line would not end a paragraph.
        out[-2].keep_with_next = True
    out += [Mark("end"), Separator(8, 14, rule=kit.colour("rule"))]
    return out


# The space between the two halves of a page of the interviewer's packet, a light rule in its middle.
CUT_SPACE = 24.0
LEAST_NOTE_LINES = 2  # a question set on half a page leaves at least this many lines for notes


def packet_question(item: compose.PacketQuestion, kit: Kit) -> list[Block]:
    """A question of the interviewer's packet: on a page of its own, or on half of one.

    Its notes take the room its page (or half) leaves: two questions share a page when each fits
    its half with room for notes; any other starts a page, and runs on over more if it must.
    """
    content = packet_content(item, kit)
    theme = kit.theme
    notes = label(theme.labels["interview_notes"].upper(), kit, space_before=4.0)
    spacing, colour = theme.note_spacing, kit.colour("note_line")
    if item.half:
        frame = theme.paper[1] - theme.margins["top"] - theme.margins["bottom"]
        half = (frame - CUT_SPACE) / 2
        natural = stack_height([*content, NotesArea(notes, spacing, colour, height=0.0)], kit.frame_width)
        least = NotesArea(notes, spacing, colour, least=LEAST_NOTE_LINES).least_height(kit.frame_width)
        if natural + least <= half:
            sheet = Keep([*content, NotesArea(notes, spacing, colour, height=half - natural)])
            sheet.space_before = 0.0  # the second half starts where the space between the halves ends
            between = Separator(CUT_SPACE / 2, CUT_SPACE / 2, rule=kit.colour("rule"))
            return [sheet, Mark("end"), between]
    # Set as it comes from the top of a page: a question longer than the page runs on over the next.
    return [
        PageBreak(),  # a page of its own (where nothing is on the page yet, no break)
        *content,
        # At least a line for notes under the label, or they go on the next page with more.
        NotesArea(notes, spacing, colour, least=1),
        Mark("end"),
        PageBreak(),
    ]


def packet_content(item: compose.PacketQuestion, kit: Kit) -> list[Block]:
    """What the interviewer reads and ticks: the question, what to listen for, the key points as a
    rubric, the model answer in brief, the follow-ups with lines for notes, and the rating row."""
    labels = kit.theme.labels
    meta = meta_label(item.number, item.difficulty, (), kit, extra=item.topic)
    out: list[Block] = [
        HeadLine(
            meta,
            anchor=item.anchor,
            outline=f"{item.number}. {outline(kit, item.title)}",
            question=(f"{labels['question']} {item.number}", furniture(item.topic), furniture(item.title)),
        ),
        *question_blocks(item.question, kit),
    ]
    if item.guidance:
        inner = [
            label(labels["listen_for"].upper(), kit, keep_with_next=True),
            *markdown.blocks(item.guidance, kit, "guidance"),
        ]
        out.append(Box(inner, background=kit.colour("tint"), rule=kit.colour("accent"), rtl=kit.rtl))
    body = kit.style("body")
    face = bullet_face(kit, body)
    hang = item_hang(face, body)

    def item_para(value: tuple[text.Inline, ...], symbol: str, space_after: float) -> Para:
        bullet = Bullet(symbol, face, body.size, body.colour, 0.0)
        return Para(inline(value, kit, body), body, indent=hang, bullet=bullet, space_after=space_after)

    if item.key_points:
        out.append(label(labels["rubric"].upper(), kit, space_before=6.0, keep_with_next=True))
        out += [item_para(point, "☐", 3.0) for point in item.key_points]
    if item.answer:
        out.append(label(labels["answer_in_brief"].upper(), kit, space_before=6.0, keep_with_next=True))
        out += markdown.blocks(item.answer, kit, "body")
    if item.follow_ups:
        out.append(label(labels["follow_ups"].upper(), kit, space_before=6.0, keep_with_next=True))
        theme = kit.theme
        for follow_up in item.follow_ups:
            para = item_para(follow_up, "←" if kit.rtl else "→", 0.0 if item.follow_up_lines else 3.0)
            out.append(para)
            if item.follow_up_lines:
                para.keep_with_next = True  # a question and the lines for its answer go together
                out.append(
                    NoteLines(
                        item.follow_up_lines,
                        theme.note_spacing,
                        kit.colour("note_line"),
                        indent=hang,
                        rtl=kit.rtl,
                    )
                )
    out.append(label(labels["rating"].upper(), kit, space_before=8.0, keep_with_next=True))
    out.append(RatingRow([rating_choice(n, labels[f"rating_{n}"], kit) for n in range(1, 5)], rtl=kit.rtl))
    return out


def rating_choice(number: int, anchor: str, kit: Kit) -> Para:
    """One choice of the rating: a box to tick, its number in bold, and its anchor word."""
    body = kit.style("body")
    face = bullet_face(kit, body)
    spans = plain(f"{number}", body, bold=True) + plain(f"\u2002{anchor}", body)
    bullet = Bullet("☐", face, body.size, body.colour, 0.0)
    hang = float(max(16, math.ceil(bullet.end)))  # the first line starts where the others do
    return Para(spans, body, indent=hang, bullet=bullet, space_after=0.0)
