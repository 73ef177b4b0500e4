"""Read a formula's LaTeX as far as guide needs to, before and around ziamath: braces that do not
pair, characters the math font lacks, commands ziamath draws wrong rewritten, the letters a
formula should draw counted, and a formula cut at its top-level operators where a line may break.

Nothing here typesets: maths.py does, with what this module says.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|.", re.DOTALL)

# What draws no glyph of its own: environment names and an array's column spec, colours, spaces,
# and their arguments. A formula that draws fewer glyphs than it has letters and digits left
# lost some (maths.py says it cannot set it).
_UNDRAWN = re.compile(
    r"\\begin\s*\{(?:array|tabular)\}\s*\{[^{}]*\}"
    r"|\\(?:begin|end|color|textcolor|hspace|vspace|operatorname\*?|mathop|label|rule|phantom|hphantom|vphantom)"
    r"\s*(?:\{[^{}]*\})?|\\[A-Za-z]+"
)


def letters(body: str) -> int:
    """How many letters and digits a formula draws at least: those typed, but for command names
    and what draws nothing (environment names, an array's column spec)."""
    return len(re.findall(r"[A-Za-z0-9]", _UNDRAWN.sub("", body)))


def unbalanced(body: str) -> str:
    """Why a formula's braces do not pair ("" when they do): ziamath would print a stray one as a
    brace, `\\text{unclosed` as `{unclosed`."""
    depth = 0
    for token in _TOKEN.findall(body):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return "a '}' closes no '{'"
    if depth > 0:
        return "a '{' is never closed" if depth == 1 else f"{depth} '{{' are never closed"
    return ""


@cache
def _math_font_characters() -> frozenset[int]:
    """The code points ziamath's STIX Two Math has a glyph for."""
    from importlib.util import find_spec
    from pathlib import Path

    from fontTools.ttLib import TTFont

    # Found, not imported: ziamath takes half a second to load, and warns as it does.
    spec = find_spec("ziamath")
    assert spec is not None and spec.origin is not None
    font = TTFont(str(Path(spec.origin).parent / "fonts" / "STIXTwoMath-Regular.ttf"), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing(body: str) -> list[str]:
    """The characters of a formula (in `\\text{…}` or anywhere) that the math font has no glyph
    for, in order: ziamath would draw each as an empty box. Chinese, Arabic and emoji, say."""
    if body.isascii():
        return []
    has = _math_font_characters()
    found: list[str] = []
    for char in body:
        if ord(char) > 127 and ord(char) not in has and char not in found:
            found.append(char)
    return found


# \mathop{…}: latex2mathml puts its argument inside an <mo>, which ziamath draws as nothing.
_MATHOP = re.compile(r"\\mathop\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_NAMED = re.compile(
    r"(?:\\(?:mathrm|text|textrm|operatorname)\s*\{([A-Za-z ]+)\}|\\rm\s+([A-Za-z ]+)|([A-Za-z ]+))"
)


def prepared(body: str) -> str:
    """A formula rewritten where ziamath would draw it wrong: `\\mathop{name}` (a word, perhaps in
    `\\mathrm`) as `\\operatorname*{name}`, its limits below in display; any other `\\mathop{x}` as
    the group `{x}`."""
    if "\\mathop" not in body:
        return body

    def operator(found: re.Match[str]) -> str:
        inner = found.group(1).strip()
        named = _NAMED.fullmatch(inner)
        if named is not None:
            word = next(group for group in named.groups() if group is not None).strip()
            if word:
                return rf"\operatorname*{{{word}}}"
        return "{" + inner + "}"

    return _MATHOP.sub(operator, body)


# Where TeX lets a formula in the text break: after a relation or a binary operator at its top
# level (not inside braces, \left…\right or an environment); and after a comma.
_RELATIONS = frozenset(
    {
        "=", "<", ">", ":", "≤", "≥", "≠", "≈", "≡", "→", "←", "⇒", "⇔", "∈", "∉", "⊂", "⊆",
        r"\leq", r"\le", r"\geq", r"\ge", r"\neq", r"\ne", r"\approx", r"\equiv", r"\sim", r"\simeq",
        r"\cong", r"\propto", r"\to", r"\rightarrow", r"\leftarrow", r"\Rightarrow", r"\Leftarrow",
        r"\leftrightarrow", r"\Leftrightarrow", r"\iff", r"\implies", r"\impliedby", r"\mapsto",
        r"\longrightarrow", r"\Longrightarrow", r"\longmapsto", r"\in", r"\notin", r"\ni", r"\subset",
        r"\subseteq", r"\supset", r"\supseteq", r"\ll", r"\gg", r"\prec", r"\succ", r"\preceq",
        r"\succeq", r"\parallel", r"\perp", r"\models", r"\vdash", r"\coloneqq", r"\doteq", r"\asymp",
    }
)  # fmt: skip
_BINARY = frozenset(
    {
        "+", "-", "−", "×", "·", "±", "∓", "÷", "∪", "∩",
        r"\pm", r"\mp", r"\times", r"\cdot", r"\div", r"\cup", r"\cap", r"\setminus", r"\wedge",
        r"\vee", r"\land", r"\lor", r"\oplus", r"\ominus", r"\otimes", r"\odot", r"\circ", r"\bullet",
        r"\star", r"\ast",
    }
)  # fmt: skip
_PUNCTUATION = frozenset({",", ";"})
# Switches that set the rest of the formula: carried to each piece after them.
_SWITCHES = frozenset(
    {r"\displaystyle", r"\textstyle", r"\scriptstyle", r"\scriptscriptstyle", r"\rm", r"\bf", r"\it",
     r"\sf", r"\tt", r"\cal"}
)  # fmt: skip
_OPTIONAL_ARGUMENT = frozenset({"\\sqrt"})


class Piece(NamedTuple):
    """A piece of a formula cut at an operator: what is typeset (with an empty group beside a
    binary operator at its edge, so that it keeps its spacing), and the source it stands for,
    with the spaces after it: a formula's pieces joined are its source."""

    source: str
    written: str


def _roles(tokens: list[str]) -> list[str]:
    """What each token is to line breaking: "space", "op" (a relation or binary operator at the
    top level), "punct" (a comma there), "switch" (\\displaystyle there), "arg" (inside braces,
    \\left…\\right, an environment, or a script's argument) or "other"."""
    roles: list[str] = []
    depth = bracket = environment = pairs = 0
    script = False  # the next token is a sub- or superscript's argument: x^+ is no operator
    last = ""  # the last top-level token that is not a space
    for token in tokens:
        if token.isspace():
            roles.append("space")
            continue
        top = depth == bracket == environment == pairs == 0
        role = "other" if top else "arg"
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token == "[" and top and last in _OPTIONAL_ARGUMENT:
            bracket += 1
        elif token == "]" and bracket:
            bracket -= 1
        elif token == "\\begin":
            environment += 1
        elif token == "\\end":
            environment -= 1
        elif token == "\\left":
            pairs += 1
        elif token == "\\right":
            pairs -= 1
        if token in ("}", "]", "\\end", "\\right") and depth == bracket == environment == pairs == 0:
            role = "other"  # what closes a group at the top level ends an operand
        if script:
            script, role = False, "arg" if role == "other" else role
        elif role == "other":
            if token in _RELATIONS or token in _BINARY:
                # A sign after an operator, an opening bracket, a comma or nothing is unary.
                unary = token in _BINARY and (
                    not last
                    or last in _RELATIONS
                    or last in _BINARY
                    or last in ("(", "[", "\\{")
                    or last in _PUNCTUATION
                )
                role = "other" if unary else "op"
            elif token in _PUNCTUATION:
                role = "punct"
            elif token in _SWITCHES:
                role = "switch"
            if token in ("^", "_"):
                script = True
        if role != "arg":
            last = token
        roles.append(role)
    return roles


def pieces(body: str, *, before: bool) -> list[Piece]:
    """A formula cut where a line may break: at its top-level relations and binary operators (a
    unary minus is none) and after its commas. `before`: each operator starts the next piece (a
    displayed formula broken over lines); else it ends the piece before (TeX's way in the text).
    A formula with no such place is one piece."""
    tokens = _TOKEN.findall(body)
    roles = _roles(tokens)
    # Whether anything but spaces and operators comes after each token.
    more = [False] * (len(tokens) + 1)
    following = [""] * (len(tokens) + 1)  # the role of the next token that is not a space
    for index in range(len(tokens) - 1, -1, -1):
        more[index] = more[index + 1] or roles[index] in ("other", "arg")
        following[index] = following[index + 1] if roles[index] == "space" else roles[index]
    out: list[Piece] = []
    switches: list[str] = []
    made: list[str] = []  # the piece being made: its tokens as typed
    content = False  # it holds something besides operators and switches
    leading = False  # it starts with an operator

    def finish(trailing: bool) -> None:
        # As typed, the spaces after it kept: the pieces joined give the formula back, to copy.
        written = "".join(made).lstrip() if not out else "".join(made)
        if written.strip():
            source = written.strip()
            if leading:  # an empty group before it: the operator stays binary, with its spacing
                source = "{}" + source
            if trailing:
                source += "{}"
            if out and switches:  # the switches in force before it (the first piece has them)
                source = " ".join(switches) + " " + source
            out.append(Piece(source, written))

    for index, (token, role) in enumerate(zip(tokens, roles, strict=True)):
        if role == "op" and before and content and more[index + 1]:
            finish(False)
            made, content, leading = [], False, True
        made.append(token)
        if role == "switch":
            switches.append(token)
        elif role in ("other", "arg"):
            content = True
        # Operators in a row (:=, or = before a unary minus) are one: the break comes after the last.
        ends = (role == "op" and not before and following[index + 1] != "op") or role == "punct"
        if ends and content and more[index + 1]:
            finish(role == "op")
            made, content, leading = [], False, False
    finish(False)
    return out


def starts_with_relation(source: str) -> bool:
    """Whether a piece of a formula starts with a relation (`= a + b`): a broken display's later
    lines go on under it."""
    first = next((token for token in _TOKEN.findall(source) if not token.isspace()), "")
    return first in _RELATIONS
