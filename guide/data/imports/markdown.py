"""Turn a Markdown question bank into records: topics from one heading level, questions from the next.

The file is parsed with markdown-it (the structure is never guessed from the text); answers are
cut from the source between one question and the next, so they stay as written. Questions are:

- headings of one level (`## Topic` / `### Question`), the level the most headings have unless
  told; topics are the headings of the level above;
- numbered headings (`### 12. What is …`): the number goes; at a level where some headings are
  numbered and none are above, the unnumbered ones are the topics;
- bold lines (`**Q: What is …?**`, `**Q:** What is …`, or a bold line ending in '?'), when there
  are more of them than headings; the headings are then the topics.

A collapsed answer (`<details><summary>Answer</summary> … </details>`) is unwrapped, and a
leading `A:` or `**Answer:**` dropped. A single `# Title` above everything is the guide's title.
"""

from __future__ import annotations

import bisect
import re
import textwrap
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from guide.data.imports.common import (
    ImportOptions,
    SourceRead,
    clean_text,
    decode,
    one_line,
    to_record,
    usable,
)
from guide.errors import GuideError, Location, Problem

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")

# Labels are read off one line of plain text (a heading's, or a bold run's), never off the Markdown.
_QUESTION_LABEL = re.compile(r"(?:q|question)\s*\d*\s*[:.)]\s*|q\s*\d+\s+", re.IGNORECASE)
_QUESTION_LABEL_ONLY = re.compile(r"(?:q|question)\s*\d*\s*[:.)]?", re.IGNORECASE)
_ANSWER_LABEL = re.compile(r"(?:a|answer)\s*:\s*", re.IGNORECASE)
_ANSWER_LABEL_ONLY = re.compile(r"(?:a|answer)\s*[:.]?", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,4}\s*[.)]\s+")


@dataclass(frozen=True)
class _Block:
    """A top-level block of the file: its type, its lines [start, end), and its tokens."""

    type: str
    start: int
    end: int
    tokens: tuple[Token, ...]

    @property
    def level(self) -> int:
        return int(self.tokens[0].tag[1]) if self.type == "heading" else 0

    @property
    def inline(self) -> Token | None:
        return next((t for t in self.tokens if t.type == "inline"), None)

    @property
    def content(self) -> str:
        inline = self.inline
        return inline.content if inline is not None else ""


@dataclass(frozen=True)
class _Question:
    start: int  # its first line
    body: int  # where its answer starts
    text: str


def read(data: bytes, display: str, options: ImportOptions) -> SourceRead:
    """Read a Markdown bank into records; what lies outside every question is reported as skipped."""
    text = decode(data, display, options.encoding)
    lines = text.split("\n")
    blocks = _blocks(_MD.parse(text))
    read = SourceRead(display)
    headings = [b for b in blocks if b.type == "heading"]
    title = None
    if (
        headings
        and headings[0].level == 1
        and sum(h.level == 1 for h in headings) == 1
        and options.question_level != 1
        and options.topic_level != 1
    ):
        title = headings[0]
        read.title = one_line(title.content)
    others = [h for h in headings if h is not title]
    bold = [q for q in (_bold_question(b, lines) for b in blocks if b.type == "paragraph") if q is not None]
    counts = Counter(h.level for h in others)
    most = max(counts.values(), default=0)
    wanted = options.question_level
    topics: list[_Block]
    if wanted == "bold" or (wanted is None and bold and len(bold) > most):
        questions = bold
        level = options.topic_level if options.topic_level is not None else _most_frequent(counts)
        topics = [h for h in others if h.level == level] if level else []
        # A heading ends an answer when it is a topic's, or any heading when there are no topics.
        ends = [h.start for h in others if not level or h.level <= level]
    else:
        if not others:
            raise GuideError(
                [
                    Problem(
                        Location(display, 1, 1),
                        "found no questions: expected a heading for each question (## Topic, then"
                        " ### Question), or bold question lines (**Q: …**)",
                    )
                ]
            )
        level = wanted if isinstance(wanted, int) else _most_frequent(counts)
        at_level = [h for h in others if h.level == level]
        above = [h.level for h in others if h.level < level]
        topic_level = options.topic_level if options.topic_level is not None else max(above, default=0)
        if options.topic_level is None and not above and _numbered_and_not(at_level):
            topics = [h for h in at_level if not _NUMBER.match(h.content)]
            at_level = [h for h in at_level if _NUMBER.match(h.content)]
        else:
            topics = [h for h in others if topic_level and h.level == topic_level]
        questions = [_Question(h.start, h.end, _strip_label(h.content)) for h in at_level]
        ends = [h.start for h in others if h.level <= level]
    if not questions:
        present = ", ".join(str(level) for level in sorted(counts)) or "none"
        raise GuideError(
            [
                Problem(
                    Location(display, 1, 1),
                    "found no questions: no bold question lines (**Q: …**)"
                    if wanted == "bold"
                    else f"found no questions: no heading of level {wanted} (levels in the file: {present})",
                )
            ]
        )
    _collect(read, questions, topics, ends, blocks, lines, title, options)
    return read


def _most_frequent(counts: Counter[int]) -> int:
    """The heading level most headings have (the deeper one of a tie); 0 when there are none."""
    if not counts:
        return 0
    return max(counts, key=lambda level: (counts[level], level))


def _numbered_and_not(headings: list[_Block]) -> bool:
    numbered = sum(bool(_NUMBER.match(h.content)) for h in headings)
    return 0 < numbered < len(headings)


def _collect(
    read: SourceRead,
    questions: list[_Question],
    topics: list[_Block],
    ends: list[int],
    blocks: list[_Block],
    lines: list[str],
    title: _Block | None,
    options: ImportOptions,
) -> None:
    """Cut each question's answer from the source, name its topic, and report what no question holds.

    Every look-up is a bisection, so a bank of thousands of questions takes linear time.
    """
    used: list[tuple[int, int]] = [(t.start, t.end) for t in topics]
    if title is not None:
        used.append((title.start, title.end))
    starts = sorted({q.start for q in questions} | set(ends) | {t.start for t in topics})
    block_starts = [b.start for b in blocks]
    topic_starts = [t.start for t in topics]
    for question in questions:
        after = bisect.bisect_right(starts, question.start)
        stop = starts[after] if after < len(starts) else len(lines)
        used.append((question.start, stop))
        index = bisect.bisect_left(topic_starts, question.start)
        topic = topics[index - 1] if index else None
        inside = blocks[
            bisect.bisect_left(block_starts, question.body) : bisect.bisect_left(block_starts, stop)
        ]
        answer = _answer(inside, lines, question.body, stop)
        values = {"question": question.text, "answer": answer}
        if topic is not None:
            values["topic"] = _strip_label(topic.content)
        record = to_record(values, question.start + 1, read, options)
        if usable(record, read, "the question"):
            read.records.append(record)
    covered = [False] * len(blocks)
    for first, end in used:
        for index in range(bisect.bisect_left(block_starts, first), bisect.bisect_left(block_starts, end)):
            covered[index] = True
    group: list[_Block] = []
    for block, is_covered in zip(blocks, covered, strict=True):
        if is_covered:
            if group:
                _report_outside(read, group)
            group = []
        else:
            group.append(block)
    if group:
        _report_outside(read, group)


def _report_outside(read: SourceRead, group: list[_Block]) -> None:
    first, last = group[0].start + 1, group[-1].end
    where = f"line {first}" if last <= first else f"lines {first}-{last}"
    what = (
        f"the heading '{one_line(group[0].content)}' and what follows"
        if group[0].type == "heading"
        else "text"
    )
    read.skip(first, f"{what} ({where}) is outside every question; not imported")


def _blocks(tokens: list[Token]) -> list[_Block]:
    """The top-level blocks of a parsed file, each with its tokens."""
    blocks: list[_Block] = []
    current: list[Token] = []
    for token in tokens:
        current.append(token)
        if token.level == 0 and token.nesting <= 0:
            opener = current[0]
            if opener.map is not None:
                kind = opener.type.removesuffix("_open")
                blocks.append(_Block(kind, opener.map[0], opener.map[1], tuple(current)))
            current = []
    return blocks


def _strip_label(text: str) -> str:
    """A question's text without its number or label: '12. What is …', 'Q3: What is …'."""
    text = text.strip()
    for pattern in (_NUMBER, _QUESTION_LABEL):
        match = pattern.match(text)
        if match and match.end() < len(text):
            text = text[match.end() :]
    return text.strip()


def _children(block: _Block) -> list[Token]:
    """A paragraph's inline tokens, without the empty texts markdown-it leaves beside emphasis."""
    inline = block.inline
    if inline is None or not inline.children:
        return []
    return [c for c in inline.children if c.type != "text" or c.content]


def _bold_question(block: _Block, lines: list[str]) -> _Question | None:
    """A paragraph that opens with a question in bold: '**Q: What …?**', '**Q:** What …', '**What …?**'."""
    children = _children(block)
    if not children or children[0].type != "strong_open":
        return None
    depth, close = 0, -1
    for index, child in enumerate(children):
        depth += child.nesting if child.type in ("strong_open", "strong_close") else 0
        if depth == 0:
            close = index
            break
    if close < 0:
        return None
    inner = "".join(c.content for c in children[1:close] if c.type in ("text", "code_inline"))
    after = children[close + 1 :]
    breaks = sum(c.type in ("softbreak", "hardbreak") for c in children[1:close])
    first = lines[block.start].lstrip()
    marker = children[0].markup
    if not after or after[0].type in ("softbreak", "hardbreak"):
        # The whole line is bold: a question if labelled or asking.
        if not (_QUESTION_LABEL.match(inner.strip()) or inner.rstrip().endswith("?")):
            return None
        source = "\n".join([first, *lines[block.start + 1 : block.start + 1 + breaks]]).strip()
        text = source[len(marker) :]
        text = text[: text.rfind(marker)] if marker in text else text
        return _Question(block.start, block.start + 1 + breaks, _strip_label(text))
    # '**Q:** What is …': a bold label, the question after it on the same line.
    if breaks or not _QUESTION_LABEL_ONLY.fullmatch(inner.strip()):
        return None
    rest = first[len(marker) :]
    rest = rest[rest.find(marker) + len(marker) :] if marker in rest else rest
    return _Question(block.start, block.start + 1, _strip_label(rest.lstrip(" :")))


def _answer(blocks: list[_Block], lines: list[str], start: int, stop: int) -> str:
    """The source of an answer, lines [start, stop): collapsed <details> unwrapped, rules around it
    and an 'A:' label dropped."""
    while blocks and blocks[-1].type == "hr":
        stop = blocks[-1].start
        blocks = blocks[:-1]
    while blocks and blocks[0].type == "hr":
        start = blocks[0].end
        blocks = blocks[1:]
    body = lines[start:stop]
    unwrapped = False
    for block in reversed(blocks):
        if block.type != "html_block":
            continue
        source = "\n".join(lines[block.start : block.end])
        kept = _unwrap_details(source)
        if kept != source:
            unwrapped = True
            replacement = [line for line in kept.split("\n") if line.strip()] if kept.strip() else []
            body[block.start - start : block.end - start] = replacement
    answer = "\n".join(body)
    if unwrapped:
        answer = textwrap.dedent(clean_text(answer))
    answer = clean_text(answer)
    # Parsed again: the answer may start inside the question's paragraph ('**Q: …**' then 'A: …').
    first = _blocks(_MD.parse(answer))[:1]
    if first and first[0].type == "paragraph":
        answer = _strip_answer_label(answer, first[0])
    return answer


def _strip_answer_label(answer: str, first: _Block) -> str:
    """The answer without a leading 'A:', 'Answer:' or '**A:**' label, when its first paragraph has one."""
    children = _children(first)
    if not children:
        return answer
    head = children[0]
    if head.type == "strong_open":
        close = next((i for i, c in enumerate(children) if c.type == "strong_close"), -1)
        inner = "".join(c.content for c in children[1:close])
        if close > 0 and _ANSWER_LABEL_ONLY.fullmatch(inner.strip()):
            marker = head.markup
            stripped = answer.lstrip()
            end = stripped.find(marker, len(marker))
            if end > 0:
                return clean_text(stripped[end + len(marker) :].lstrip(" :"))
        return answer
    if head.type == "text":
        match = _ANSWER_LABEL.match(answer)
        if match and match.end() < len(answer):
            return clean_text(answer[match.end() :])
    return answer


class _Details(HTMLParser):
    """Where the <details>, </details>, <summary>…</summary> and <br> tags of an HTML block are."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self.starts.append(index + 1)
        self.cuts: list[tuple[int, int]] = []
        self.breaks: list[tuple[int, int]] = []
        self.summary: int | None = None

    def _here(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = self._here()
        raw = self.get_starttag_text() or ""
        if tag == "details":
            self.cuts.append((where, where + len(raw)))
        elif tag == "summary":
            self.summary = where
        elif tag == "br":
            self.breaks.append((where, where + len(raw)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        where = self._here()
        end = self.source.find(">", where) + 1 or len(self.source)
        if tag == "details":
            self.cuts.append((where, end))
        elif tag == "summary" and self.summary is not None:
            self.cuts.append((self.summary, end))
            self.summary = None


def _unwrap_details(source: str) -> str:
    """An HTML block without its <details> and <summary> tags (and the <br> right after them)."""
    parser = _Details(source)
    parser.feed(source)
    parser.close()
    if not parser.cuts:
        return source
    cuts = sorted(parser.cuts)
    for start, end in parser.breaks:
        before = [z for _, z in cuts if z <= start]
        if before and not source[max(before) : start].strip():
            cuts.append((start, end))
            cuts.sort()
    kept, at = [], 0
    for start, end in cuts:
        if start >= at:
            kept.append(source[at:start])
            at = end
    kept.append(source[at:])
    return "".join(kept)
