"""Say why an SVG file may not be read: what in it would load a file or an address.

Kept in the data layer, which checks a guide's images before anything is laid out; the layout's
SVG reader (layout/svg.py) asks the same before reading one.
"""

from __future__ import annotations

import re


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
