"""Check a Theme against its page, and a label template against its placeholders.

The style reader (styles.py) reads each value and checks it alone; what depends on several
values, or on the page (which --paper may change), is checked here. Each problem is located
where its value was written.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from guide.errors import Location, Problem, closest, counted, display_path

if TYPE_CHECKING:
    from guide.layout.styles import Theme

MIN_TEXT_BLOCK = 72.0  # the margins leave at least an inch each way for the text
_MM = 72 / 25.4
# A paragraph style's lengths that must fit the text block.
_MEASURED = ("size", "leading", "space_before", "space_after", "left_indent")


def points(value: float) -> str:
    """A length for a message: points, and millimetres for lengths of a page's scale."""
    shown = f"{value:.1f}".removesuffix(".0") + "pt"
    return f"{shown} ({value / _MM:.1f} mm)" if abs(value) >= 36 else shown


def latest(files: Sequence[Path], *places: Location | None) -> Location | None:
    """Of the places of values that together cause a problem, the one in the style read last (an
    overlay's, rather than the base's it changes), or the first given among equals."""
    order = {display_path(path): index for index, path in enumerate(files)}
    found = [(order.get(place.file, -1), -n, place) for n, place in enumerate(places) if place is not None]
    return max(found)[2] if found else None


def fit_problems(theme: Theme, paper: str = "") -> list[Problem]:
    """What of a theme does not fit its page: margins that leave no text block, paragraph sizes
    and spacings or note lines larger than the text block. Each is located where it was written;
    a value a style inherits is reported where its parent sets it, once."""
    width, height = theme.paper
    margins = theme.margins
    block = (width - margins["inner"] - margins["outer"], height - margins["top"] - margins["bottom"])
    places = theme.places
    fallback = Location(display_path(theme.files[-1])) if theme.files else Location(theme.name)
    problems: list[Problem] = []
    for (first, second), room, side, extent in (
        (("inner", "outer"), block[0], "wide", width),
        (("top", "bottom"), block[1], "tall", height),
    ):
        if room < MIN_TEXT_BLOCK:
            wide, narrow = (first, second) if margins[first] >= margins[second] else (second, first)
            where = latest(
                theme.files,
                places.get(f"margins.{wide}"),
                places.get(f"margins.{narrow}"),
                places.get("paper"),
            )
            problems.append(
                Problem(
                    where or fallback,
                    f"the margins leave a text block {points(room)} {side} on a page {points(extent)}"
                    f" {side}{paper}; it needs at least {points(MIN_TEXT_BLOCK)}: make '{first}' and"
                    f" '{second}' smaller",
                )
            )
    if problems:
        return problems  # the rest is measured against the text block
    across, down = (
        f"the text block's width, {points(block[0])}",
        f"the text block's height, {points(block[1])}",
    )
    for name, style in theme.styles.items():
        own = {key: places[f"{name}.{key}"] for key in _MEASURED if f"{name}.{key}" in places}
        for key, value, limit, measure in (
            ("size", style.size, block[0], across),
            ("leading", style.leading, block[1], down),
            ("space_before", style.space_before, block[1], down),
            ("space_after", style.space_after, block[1], down),
            ("left_indent", style.left_indent + style.size, block[0], across),
        ):
            where = own.get(key) or (own.get("size") if key == "leading" else None)
            if value > limit and where is not None:
                shown = points(value)
                if key == "left_indent":
                    shown = f"{points(style.left_indent)} and a character of {points(style.size)}"
                problems.append(
                    Problem(
                        where, f"style '{name}': {key} {shown} is more than {measure}{paper}; make it smaller"
                    )
                )
    lines, spacing = theme.note_lines, theme.note_spacing
    if lines * spacing > block[1]:
        where = latest(theme.files, places.get("notes.lines"), places.get("notes.spacing"))
        problems.append(
            Problem(
                where or fallback,
                f"{counted(lines, 'note line')} at {points(spacing)} {'takes' if lines == 1 else 'take'}"
                f" {points(lines * spacing)}, more than {down}{paper}; give fewer lines or less spacing",
            )
        )
    lines = theme.packet.follow_up_lines
    if lines * spacing > block[1]:
        where = latest(theme.files, places.get("interviewer.follow_up_lines"), places.get("notes.spacing"))
        problems.append(
            Problem(
                where or fallback,
                f"{counted(lines, 'note line')} under each follow-up question of the interviewer's packet,"
                f" at {points(spacing)}, {'takes' if lines == 1 else 'take'} {points(lines * spacing)}, more"
                f" than {down}{paper}; give fewer lines or less spacing",
            )
        )
    return problems


def template_problem(name: str, text: str, names: tuple[str, ...]) -> str | None:
    """What is wrong with a label the layout fills in with str.format, or None.

    Only the named placeholders, exactly as written ({page}): no attribute or index access,
    no conversion or format spec (each can read or print far more than a page number), and no
    brace that is not part of one ('{{' and '}}' print a brace).
    """
    wanted = " and ".join("{" + n + "}" for n in names)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return (
            f"label '{name}' has a '{{' or '}}' that is not part of a placeholder; write '{{{{' or '}}}}'"
            f" for a brace itself, and {wanted} for the page"
        )
    found = set()
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        shown = (
            "{" + field_name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        )
        base = re.split(r"[.\[]", field_name, maxsplit=1)[0]
        if field_name in names and not spec and not conversion:
            found.add(field_name)
        elif base in names:
            return f"label '{name}' has '{shown}': write {{{base}}} alone, with nothing after its name"
        elif not field_name:
            return f"label '{name}' has '{shown}', which names nothing; write {wanted}"
        else:
            close = closest(base, names)
            fix = f"did you mean '{{{close}}}'?" if close else f"it takes {wanted}"
            return f"label '{name}' has an unknown placeholder '{shown}'; {fix}"
    missing = [n for n in names if n not in found]
    if missing:
        return f"label '{name}' must contain {' and '.join('{' + n + '}' for n in missing)}"
    return None
