"""Turn a TrueType subset into one where some codes draw new composite glyphs: a cluster HarfBuzz
shaped into several glyphs (a consonant and the vowel sign drawn before it), or a mark it moved
above or beside its letter, as one glyph.

Drawn glyph by glyph, such clusters read badly: a mark raised with the text rise (Ts) is taken
by PDFium for a line of its own ("تعلّمنا" read as "ّمنا … تعل"), and a glyph that belongs to
no character of its own reads as its code. One glyph per cluster, on the baseline, reads as
the cluster's characters in every reader. Only bytes are handled here: the subset comes from
ReportLab's subsetter (draw.py), whose layout this module relies on (a format 6 'cmap' from
code 0, 'glyf' and 'loca' in either format).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

ARGS_ARE_WORDS, ARGS_ARE_XY, MORE_COMPONENTS = 0x0001, 0x0002, 0x0020


def with_composites(program: bytes, composites: Mapping[int, tuple[tuple[int, int, int], ...]]) -> bytes:
    """The font `program` with each code of `composites` drawing a new glyph made of parts: each
    the glyph that code k draws in `program`, at (x, y) font units."""
    tables = _tables(program)
    cmap = bytearray(tables[b"cmap"])
    glyf = bytearray(tables[b"glyf"])
    head = bytearray(tables[b"head"])
    maxp = bytearray(tables[b"maxp"])
    loca = tables[b"loca"]
    if struct.unpack(">h", head[50:52])[0] == 1:
        offsets = list(struct.unpack(f">{len(loca) // 4}L", loca))
    else:
        offsets = [2 * v for v in struct.unpack(f">{len(loca) // 2}H", loca)]

    def glyph_of(code: int) -> int:  # the glyph code k draws: the format 6 subtable's array from code 0
        return int(struct.unpack(">H", cmap[22 + 2 * code : 24 + 2 * code])[0])

    made = {code: [(glyph_of(k), x, y) for k, x, y in parts] for code, parts in composites.items()}
    count = struct.unpack(">H", maxp[4:6])[0]
    elements = 1
    lsbs = bytearray()
    for code, parts in sorted(made.items()):
        boxes, records = [], []
        for number, (glyph, x, y) in enumerate(parts):
            start, end = offsets[glyph], offsets[glyph + 1]
            if end - start >= 10:
                x1, y1, x2, y2 = struct.unpack(">4h", glyf[start + 2 : start + 10])
                boxes.append((x1 + x, y1 + y, x2 + x, y2 + y))
            flags = ARGS_ARE_WORDS | ARGS_ARE_XY | (MORE_COMPONENTS if number < len(parts) - 1 else 0)
            records.append(struct.pack(">HHhh", flags, glyph, x, y))
        box = (
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            if boxes
            else (0, 0, 0, 0)
        )
        record = struct.pack(">h4h", -1, *box) + b"".join(records)
        glyf += record + b"\0" * (-len(record) % 4)
        offsets.append(len(glyf))
        lsbs += struct.pack(">h", box[0])
        cmap[22 + 2 * code : 24 + 2 * code] = struct.pack(">H", count)
        count += 1
        elements = max(elements, len(parts))
    maxp[4:6] = struct.pack(">H", count)
    if len(maxp) >= 32:  # version 1.0: the bounds a rasteriser may allocate by
        points, contours, composite_points, composite_contours = struct.unpack(">4H", maxp[6:14])
        most, depth = struct.unpack(">2H", maxp[28:32])
        # A composite of composites has at most the parts' points, each at most the largest.
        largest = max(points, composite_points)
        maxp[10:14] = struct.pack(
            ">2H",
            min(0xFFFF, max(composite_points, largest * elements)),
            min(0xFFFF, max(composite_contours, max(contours, composite_contours) * elements)),
        )
        maxp[28:32] = struct.pack(">2H", max(most, elements), depth + 1)
    if offsets[-1] > 0x1FFFE:
        head[50:52] = struct.pack(">h", 1)
        loca_out = struct.pack(f">{len(offsets)}L", *offsets)
    else:
        head[50:52] = struct.pack(">h", 0)
        loca_out = struct.pack(f">{len(offsets)}H", *(v // 2 for v in offsets))
    tables.update(
        {
            b"cmap": bytes(cmap),
            b"glyf": bytes(glyf),
            b"loca": loca_out,
            b"maxp": bytes(maxp),
            b"head": bytes(head),
            b"hmtx": tables[b"hmtx"] + bytes(lsbs),
        }
    )
    return _font(tables)


def _tables(program: bytes) -> dict[bytes, bytes]:
    count = struct.unpack(">H", program[4:6])[0]
    tables = {}
    for index in range(count):
        tag, _, offset, length = struct.unpack(">4sLLL", program[12 + 16 * index : 28 + 16 * index])
        tables[tag] = program[offset : offset + length]
    return tables


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return int(sum(struct.unpack(f">{len(data) // 4}L", data))) & 0xFFFFFFFF


def _font(tables: dict[bytes, bytes]) -> bytes:
    """A TrueType file of the tables, sorted by tag, with their checksums and head's adjustment."""
    tags = sorted(tables)
    head = bytearray(tables[b"head"])
    head[8:12] = b"\0\0\0\0"
    tables[b"head"] = bytes(head)
    count = len(tags)
    power = 1
    while power * 2 <= count:
        power *= 2
    directory = [
        struct.pack(">LHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    ]
    offset = 12 + 16 * count
    body = []
    for tag in tags:
        data = tables[tag]
        directory.append(struct.pack(">4sLLL", tag, _checksum(data), offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    font = bytearray(b"".join(directory) + b"".join(body))
    head_at = 12 + 16 * count + sum(len(b) for t, b in zip(tags, body, strict=True) if t < b"head")
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    font[head_at + 8 : head_at + 12] = struct.pack(">L", adjustment)
    return bytes(font)
