"""Turn LaTeX formulas into forms: typeset by ziamath (no TeX needed), once per build, drawn as outlines.

ziamath sets a formula in STIX Two Math and gives it as SVG paths (svg.py turns them into a
form's operators); each formula is set once, at a reference size, and scaled to the size of the
text around it. `\\tag{…}` is taken out and printed at the right margin by the display block.
ziamath fails silently on what it does not know (an unknown command prints its name, a stray
brace prints as a brace, a character STIX Two Math lacks as an empty box): a formula with an
unknown command, braces that do not pair, a character the font lacks, or that draws fewer glyphs
than it has letters and digits, counts as one it cannot set, and prints as its source.
Where a formula is set, in the room it has, is mathset.py's work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from guide import cache as guide_cache
from guide.data import text
from guide.data.nodes import found
from guide.layout import latex, page, pictures

REFERENCE = 10.0  # the size formulas are set at: scaled to the text's size when drawn
_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_DROPPED = re.compile(r"\\(?:label\s*\{[^{}]*\}|nonumber|notag)")
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?")
# Commands ziamath handles beyond latex2mathml's own lists.
_EXTRA = frozenset(
    {"binom", "tag", "displaystyle", "textstyle", "mathop", "operatorname", "limits", "nolimits"}
)


class Formula(NamedTuple):
    """A formula set at the reference size: its form, width, height above and depth below the
    baseline; and its tag, if it had one."""

    key: str
    width: float
    height: float
    depth: float
    tag: str


@cache
def known_commands() -> frozenset[str]:
    """Every command name latex2mathml (which ziamath reads LaTeX with) knows."""
    import latex2mathml.symbols_parser as symbols
    from latex2mathml import commands

    names: set[str] = set(_EXTRA)
    for value in vars(commands).values():
        values = value if isinstance(value, set | frozenset | tuple | list | dict) else (value,)
        for item in values:
            if isinstance(item, str) and item.startswith("\\"):
                names.add(item[1:].rstrip("*"))
    names.update(key.lstrip("\\") for key in symbols.SYMBOLS if isinstance(key, str))
    return frozenset(names)


def split_tag(source: str) -> tuple[str, str]:
    """A formula without its \\tag{…} (and \\label, \\nonumber), and the tag's text."""
    found = _TAG.search(source)
    tag = found.group(1).strip() if found else ""
    return _DROPPED.sub("", _TAG.sub("", source)).strip(), tag


# What a typeset formula depends on besides its source: these files and these libraries.
_MADE_BY = (
    tuple(str(Path(__file__).with_name(name)) for name in ("maths.py", "latex.py", "svg.py", "pictures.py")),
    ("ziamath", "ziafont", "latex2mathml"),
)


@cache
def typeset(source: str, display: bool) -> Formula | str:
    """A formula set once per process (forked workers share what was set before), and kept between
    builds (cache.py): its Formula, or why it cannot be set."""
    made_by = guide_cache.maker(*_MADE_BY)
    key = (source, "display" if display else "inline")
    kept = guide_cache.get("formulas", made_by, key)
    if kept is not None:
        try:
            if "error" in kept:
                return str(kept["error"])
            made_form = pictures.form(kept["content"], tuple(kept["bbox"]))
            return Formula(made_form.key, kept["width"], kept["height"], kept["depth"], kept["tag"])
        except (KeyError, TypeError, ValueError, UnicodeEncodeError):
            pass  # an entry of another shape: made again
    made = _typeset(source, display)
    if isinstance(made, str):
        guide_cache.put("formulas", made_by, key, {"error": made})
    else:
        form = pictures.lookup(made.key)
        assert isinstance(form, page.FormData)
        guide_cache.put(
            "formulas",
            made_by,
            key,
            {
                "content": form.content.decode("latin-1"),
                "bbox": list(form.bbox),
                "width": made.width,
                "height": made.height,
                "depth": made.depth,
                "tag": made.tag,
            },
        )
    return made


def _typeset(source: str, display: bool) -> Formula | str:
    body, tag = split_tag(source)
    if not body:
        return "it is empty"
    unknown = sorted({name for name in _COMMAND.findall(body) if name not in known_commands()})
    if unknown:
        return "unknown command " + ", ".join(f"\\{name}" for name in unknown)
    unpaired = latex.unbalanced(body)
    if unpaired:
        return f"its braces do not pair: {unpaired}"
    lacking = latex.missing(body)
    if lacking:
        named = ", ".join(f"'{char}' (U+{ord(char):04X})" for char in lacking[:3])
        more = f" and {len(lacking) - 3} more" if len(lacking) > 3 else ""
        return f"the math font (STIX Two Math) has no {named}{more}"
    body = latex.prepared(body)
    import warnings

    with warnings.catch_warnings():  # ziamath 0.13 finds its font with importlib's deprecated path()
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    ziamath.config.svg2 = False  # type: ignore[attr-defined]  # plain paths, no <symbol>/<use>
    try:
        made = ziamath.Latex(body, size=REFERENCE, inline=not display)  # type: ignore[attr-defined]
        drawn = made.svg()
        box = made.node.bbox
    except Exception as exc:  # ziamath and latex2mathml raise anything on input they cannot read
        return f"it does not read as LaTeX ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"
    from guide.layout import svg

    root = svg.parse(drawn.encode())
    # ziamath's units are points, y down, the baseline at 0: flipped, and moved to start at 0.
    drawing = svg.draw(root, {}, base=(1.0, 0.0, 0.0, -1.0, -box.xmin, 0.0), default_fill=None)
    if drawing.paths < latex.letters(body) or drawing.paths == 0:
        return "it was typeset with parts missing"
    width, height, depth = box.xmax - box.xmin, max(box.ymax, 0.0), max(-box.ymin, 0.0)
    made_form = pictures.form(drawing.content, (0.0, -depth, width, height))
    return Formula(made_form.key, width, height, depth, tag)


def formulas(nodes: Iterable[text.Node]) -> Iterator[text.Math]:
    """Every formula in a tree, in order."""
    return found(nodes, text.Math)
