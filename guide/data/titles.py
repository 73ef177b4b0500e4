"""Read the one-line names of a guide (its title and subtitle, its topics, a question's `title:` and
the short title made from its first sentence) as runs of text, code and formulas, and write
them back.

A name reads `code` and formulas (`$…$`, `\\(…\\)`; `$$…$$` and `\\[…\\]` too, set in the line) as
Markdown does, and nothing else: `*`, `_`, `<b>` and `#` print as typed. `\\$`, `` \\` `` and `\\\\`
are a dollar sign, a backtick and a backslash. Where a name is a paragraph (the cover, headings,
the contents) its code and formulas are set as in an answer; where it is one line of page
furniture or a PDF outline entry, it is plain text (`plain`): code as typed inside its
backticks, a formula as its LaTeX without delimiters, each kept left to right in right-to-left
text by a pair of embedding marks around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from guide.data import nodes, text
from guide.data.nodes import Code, Inline, Kbd, LineBreak, Math, Text

# Runs of a name: what a name holds once read.
Run = Text | Code | Math

LRE, PDF = "\u202a", "\u202c"  # LEFT-TO-RIGHT EMBEDDING … POP DIRECTIONAL FORMATTING
_ESCAPED = "$`\\"


def _escape(state: StateInline, silent: bool) -> bool:
    """`\\$`, `` \\` `` and `\\\\`: the character itself (the only escapes a name reads)."""
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= len(src) or src[pos + 1] not in _ESCAPED:
        return False
    if not silent:
        state.pending += src[pos + 1]
    state.pos += 2
    return True


class _NameMarkdown(MarkdownIt):
    """Code spans and formulas, nothing else."""

    def __init__(self) -> None:
        super().__init__("zero")
        self.enable(["backticks"])
        self.inline.ruler.before("escape", "guide_math", text.math_rule)
        self.inline.ruler.before("escape", "guide_escape", _escape)


@lru_cache(maxsize=1)
def _names() -> _NameMarkdown:
    return _NameMarkdown()  # made once, when a name first holds a backtick, a $ or a backslash


def _itself(pos: int) -> int:
    return pos  # a name is parsed whole: a position in it is where it stands in the name


@lru_cache(maxsize=4096)
def runs(value: str) -> tuple[Run, ...]:
    """A name as runs: text as typed, code, formulas."""
    if not any(char in value for char in "`$\\"):
        return (Text(value),) if value else ()
    out: list[Run] = []
    for token in _names().parseInline(value):
        for run in text.inline_runs(token.children or [], _itself):
            if isinstance(run, Math) and run.display:  # a name is a line: its formulas are set in it
                out.append(Math(run.source, False, run.written, run.at))
            elif isinstance(run, Text | Code | Math):
                out.append(run)
            else:  # what a name's parser never makes: kept as its text
                out.append(Text(nodes.plain_text(run)))
    return tuple(_merged(out))


def _merged(found: Sequence[Run]) -> list[Run]:
    out: list[Run] = []
    for run in found:
        if isinstance(run, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + run.text)
        elif not isinstance(run, Text) or run.text:
            out.append(run)
    return out


def markup(found: Sequence[Run]) -> str:
    """Runs written as a name that reads back as them (`runs`): its text as it is, unless a `$`,
    a backtick or a backslash in it would read otherwise (then escaped)."""
    bare = _written(found, escape=False)
    return bare if runs(bare) == tuple(_merged(list(found))) else _written(found, escape=True)


def _written(found: Sequence[Run], *, escape: bool) -> str:
    parts: list[str] = []
    for run in found:
        if isinstance(run, Text):
            parts.append(re.sub(r"([$`\\])", r"\\\1", run.text) if escape else run.text)
        elif isinstance(run, Code):
            parts.append(_code(run.text))
        else:
            parts.append(run.written)
    return "".join(parts)


def _code(value: str) -> str:
    """Code between enough backticks, padded where it starts or ends with one (CommonMark)."""
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    spaced = value.startswith(" ") and value.endswith(" ") and bool(value.strip())
    pad = " " if value.startswith("`") or value.endswith("`") or spaced else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def plain(value: str, *, marked: bool = False) -> str:
    """A name as plain text: code as typed, a formula as its LaTeX without its delimiters; with
    `marked`, each of them between LRE and PDF, so that it reads left to right in right-to-left
    text (lines.py and the PDF outline)."""
    found = runs(value)
    if len(found) == 1 and isinstance(found[0], Text):
        return found[0].text
    parts: list[str] = []
    for run in found:
        if isinstance(run, Text):
            parts.append(run.text)
        else:
            shown = run.text if isinstance(run, Code) else run.source
            parts.append(f"{LRE}{shown}{PDF}" if marked else shown)
    return "".join(parts)


def unmarked(value: str) -> str:
    """A plain name without the marks `plain(marked=True)` put in."""
    return value.replace(LRE, "").replace(PDF, "")


def segments(value: str) -> list[tuple[str, bool]]:
    """A plain name cut at its marks: (text, whether it reads left to right whatever is around it)."""
    if LRE not in value:
        return [(value, False)] if value else []
    out: list[tuple[str, bool]] = []
    for number, part in enumerate(re.split(f"[{LRE}{PDF}]", value)):
        if part:
            out.append((part, number % 2 == 1))
    return out


def length(found: Sequence[Run]) -> int:
    """How many characters runs print as plain text."""
    return sum(len(run.text) if isinstance(run, Text | Code) else len(run.source) for run in found)


def shortened(value: str, limit: int) -> str:
    """A name cut at a word, with an ellipsis, to at most `limit` characters of plain text; a
    formula is never cut (it goes whole, or not at all), code is cut like text."""
    found = runs(value)
    line = [_spaced(run) for run in found]
    if length(line) <= limit and line == list(found):
        return value
    if length(line) <= limit:
        return markup(line)
    out: list[Run] = []
    used = 0
    room = limit - 1  # for the ellipsis
    for run in line:
        size = len(run.text) if isinstance(run, Text | Code) else len(run.source)
        if used + size <= room:
            out.append(run)
            used += size
            continue
        if isinstance(run, Text | Code):
            cut = run.text[: room - used]
            space = cut.rfind(" ")
            if space > (limit // 2 - used) and space > 0:
                cut = cut[:space]
            elif used > limit // 2:
                cut = ""  # the cut would fall mid-word: end at the last run
            cut = cut.rstrip(" ,;:.·") if isinstance(run, Text) else cut.rstrip()
            if cut:
                out.append(Text(cut) if isinstance(run, Text) else Code(cut))
        break
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip(" ,;:.·"))
    return markup(_merged([*out, Text("…")]))


def _spaced(run: Run) -> Run:
    """A run on one line: its text's white space made single spaces."""
    if isinstance(run, Text):
        return Text(re.sub(r"\s+", " ", run.text))
    return run


_ATOM = "\ue000"  # stands for a run of code or a formula while the sentence's end is looked for


def first_sentence(children: Sequence[Inline]) -> str:
    """A paragraph's first sentence as a name (its code and formulas kept, its emphasis and links
    as their text), on one line; "" when it has no text."""
    atoms: list[Run] = []
    parts: list[str] = []
    for run in _flat(children):
        if isinstance(run, Text):
            parts.append(run.text.replace(_ATOM, ""))
        else:
            atoms.append(run)
            parts.append(_ATOM)
    value = " ".join("".join(parts).split())
    value = value[: text.sentence_end(value)].rstrip()
    out: list[Run] = []
    pieces = value.split(_ATOM)
    for index, piece in enumerate(pieces):
        if piece:
            out.append(Text(piece))
        if index < len(pieces) - 1:
            out.append(atoms[index])
    return markup(out)


def _flat(children: Sequence[Inline]) -> list[Run]:
    """Inline runs as text, code and formulas: containers as their runs, an image as its label, a
    key as code, a line break as a space."""
    out: list[Run] = []
    stack: list[Inline] = list(reversed(children))
    while stack:
        node = stack.pop()
        if isinstance(node, Text | Code | Math):
            out.append(node)
        elif isinstance(node, Kbd):
            out.append(Code(node.text))
        elif isinstance(node, LineBreak):
            out.append(Text(" "))
        elif isinstance(node, nodes.Image):
            out.append(Text(node.label))
        elif isinstance(node, nodes.CONTAINERS):
            stack.extend(reversed(node.children))
        else:  # a node type added without its case here would lose its text without a word
            raise TypeError(f"no reading of {type(node).__name__} in titles._flat")
    return _merged(out)
