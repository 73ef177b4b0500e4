"""Turn code in a named language into lines of coloured pieces, with Pygments.

Each token kind takes a colour role of the theme (`code_keyword`, `code_string`, `code_comment`,
`code_number`, `code_name`, `code_operator`; the text colour where a theme has none), keywords
bold and comments italic, so that a grey-only style (print) still tells them apart. A language
Pygments does not know prints plain. Pygments is loaded only for code that names a language.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

ROLES = ("keyword", "string", "comment", "number", "name", "operator")


class Piece(NamedTuple):
    """Code in one look: its text, colour role (or ""), bold, italic."""

    text: str
    role: str
    bold: bool
    italic: bool


@cache
def _lexer(language: str) -> object | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        found: object = get_lexer_by_name(language.lower(), stripnl=False, stripall=False, ensurenl=False)
    except ClassNotFound:
        return None
    return found


def _look(kind: object) -> tuple[str, bool, bool]:
    from pygments import token

    if kind in token.Comment:
        return "comment", False, True
    if kind in token.Keyword or kind in token.Name.Builtin.Pseudo:
        return "keyword", True, False
    if kind in token.String:
        return "string", False, False
    if kind in token.Number:
        return "number", False, False
    if kind in token.Name.Function or kind in token.Name.Class or kind in token.Name.Decorator:
        return "name", False, False
    if kind in token.Operator.Word:
        return "keyword", True, False
    if kind in token.Operator:
        return "operator", False, False
    return "", False, False


def lines(source: str, language: str) -> list[list[Piece]] | None:
    """The code's lines as pieces, or None when the language is unknown (the code prints plain)."""
    if not language:
        return None
    lexer = _lexer(language)
    if lexer is None:
        return None
    out: list[list[Piece]] = [[]]
    for kind, value in lexer.get_tokens(source):  # type: ignore[attr-defined]
        role, bold, italic = _look(kind)
        for index, part in enumerate(value.split("\n")):
            if index:
                out.append([])
            if part:
                line = out[-1]
                if line and line[-1][1:] == (role, bold, italic):
                    line[-1] = Piece(line[-1].text + part, role, bold, italic)
                else:
                    line.append(Piece(part, role, bold, italic))
    if source.endswith("\n") and out and not out[-1]:
        out.pop()
    return out
