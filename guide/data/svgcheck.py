"""Say why an SVG file may not be drawn: it would load a file or an address, it is no well-formed
SVG, or its `use` references expand into more than guide will draw.

Kept in the data layer, which checks a guide's images before anything is laid out; the layout's
SVG reader (layout/svg.py) asks the same before reading one, and stops where the count stops.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# How much an SVG may draw once its `use` references are expanded: elements walked, and
# characters of text, together. A figure draws a few thousand; 1.4 KB of groups that each use
# the one below ten times would draw ten million, and take the build hours (as YAML's aliases
# are bounded for the same reason).
MAX_DRAWN = 100_000
# Elements that draw nothing where they stand: definitions, metadata, what a `use` or a paint refers
# to; and animations (a page shows the drawing as it stands before any).
NOT_DRAWN = frozenset({"title", "desc", "metadata", "defs", "style", "symbol", "linearGradient",
                       "radialGradient", "stop", "clipPath", "marker", "pattern", "script", "mask",
                       "filter", "view", "cursor", "font-face", "color-profile", "animate",
                       "animateTransform", "animateMotion", "animateColor", "set", "discard"})  # fmt: skip
_NS = re.compile(r"\{[^}]*\}")
_XLINK = "{http://www.w3.org/1999/xlink}href"


def refusal(data: bytes) -> str | None:
    """Why an SVG may not be read (it would load a file or an address, or declares entities), or None."""
    text = data.decode("utf-8", "replace")
    if "<!ENTITY" in text:
        return "it declares XML entities"
    if re.search(r"<(?:\w+:)?image\b", text):
        return "it embeds or links an image (<image>)"
    for found in re.finditer(r"(?:xlink:)?href\s*=\s*[\"']\s*([^\"']*)", text):
        if not found.group(1).startswith("#"):
            return f"it refers to '{found.group(1)[:60]}', outside itself"
    for found in re.finditer(r"url\(\s*[\"']?\s*([^)\"']*)", text):
        if not found.group(1).startswith("#"):
            return f"it refers to '{found.group(1)[:60]}', outside itself"
    if "@import" in text or "<foreignObject" in text:
        return "it loads a style sheet or foreign content"
    return None


def tag(element: ET.Element) -> str:
    """An element's name without its namespace ("" for a comment or processing instruction)."""
    return _NS.sub("", element.tag) if isinstance(element.tag, str) else ""


def href(element: ET.Element) -> str:
    """What a `use` refers to, as written (`#id`), "" if nothing."""
    return element.get(_XLINK) or element.get("href") or ""


def parse(data: bytes) -> ET.Element | str:
    """The root element of an SVG file; or why it cannot be drawn, said for a message ("it …")."""
    why = refusal(data)
    if why is not None:
        return why
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        # Expat counts columns from 0, editors from 1.
        reason = str(exc).split(":", 1)[0]
        line, column = exc.position
        return f"it is not well-formed XML ({reason} at line {line}, column {column + 1})"
    if tag(root) != "svg":
        return "it is not an SVG image (its root element is not <svg>)"
    return root


def problem(data: bytes) -> str | None:
    """Why an SVG file cannot be drawn, said for a message ("it …"); None if it can."""
    root = parse(data)
    if isinstance(root, str):
        return root
    drawn = expansion(root)
    if isinstance(drawn, str):
        return drawn
    if drawn > MAX_DRAWN:
        shown = f"{drawn:,}" if drawn < 10**12 else "more than a trillion"
        return (
            f"it draws {shown} elements and characters once its <use> references are expanded,"
            f" over the limit of {MAX_DRAWN:,}; use each group fewer times, or save the figure as a PNG"
        )
    return None


def expansion(root: ET.Element) -> int | str:
    """How many elements and characters of text an SVG draws with its `use` references expanded,
    as layout/svg.py walks it (or a little more); or why it cannot be drawn (a `use` of an
    element that holds it, which would never end).

    What an element draws is counted once and remembered, so that uses within uses within uses
    are counted as fast as they are written.
    """
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    counted: dict[int, int] = {}
    open_now: set[int] = set()  # the elements being counted, on the way down from the root
    # (element, what it draws once opened): an element is opened, its parts counted, then it.
    stack: list[tuple[ET.Element, list[ET.Element] | None]] = [(root, None)]
    while stack:
        element, parts = stack.pop()
        key = id(element)
        if parts is None:
            if key in counted:
                continue
            name = tag(element)
            parts = [] if name in NOT_DRAWN else list(element)
            if name == "use":
                target = ids.get(href(element)[1:]) if href(element).startswith("#") else None
                if target is not None:
                    # A symbol draws its content only where it is used.
                    parts.extend(list(target) if tag(target) == "symbol" else [target])
            if any(id(part) in open_now or id(part) == key for part in parts):
                shown = href(element)[:60]
                return f"it uses an element within itself (<use> of '{shown}'), which would never end"
            open_now.add(key)
            stack.append((element, parts))
            stack.extend((part, None) for part in parts if id(part) not in counted)
            continue
        name = tag(element)
        # A text's characters as written: the layout draws no more of them (it collapses spaces).
        total = 0 if name in NOT_DRAWN else 1 + (len("".join(element.itertext())) if name == "text" else 0)
        for part in parts:
            total += counted.get(id(part), 0)
        counted[key] = total
        open_now.discard(key)
    return counted[id(root)]
