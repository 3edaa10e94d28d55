"""A TrueType font reduced to some characters, read and written with ``struct``, without fontTools.

``subset(sources, codepoints)`` takes each character's glyph from the first source that maps it:
sources are TrueType-outline faces of one design (the prepared repertoire of a face, a conversion of
the few characters outside it, or an installed TrueType file), so their metrics tables agree. The
result has .notdef, the glyphs of the characters (and the components of composite glyphs), metrics,
a format 12 cmap, and the source's head/hhea/OS/2/post/hinting tables; the name table keeps IDs 0–6
in English. Glyph outlines are copied byte for byte, so the glyphs a PDF embeds are the source's.

ReportLab loads such a small font far faster than it parses a whole CJK font's cmap and metrics, and
making one this way is far faster than fontTools' subsetter (``benchmarks/scaling.py`` times the
font phases of a build).
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_right
from collections.abc import Iterable

_SFNT_VERSIONS = {b"\x00\x01\x00\x00", b"true"}
_KEEP_AS_IS = ("OS/2", "cvt ", "fpgm", "prep", "gasp")

# composite glyph flags
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_TWO_BY_TWO = 0x0080


class SubsetError(ValueError):
    """The source is not a TrueType-outline font this module can read."""


class TrueType:
    """One face of a TrueType (glyf) font file, parsed only as far as subsetting needs."""

    def __init__(self, data: bytes, index: int = 0) -> None:
        self.data = data
        offset = 0
        if data[:4] == b"ttcf":
            (count,) = struct.unpack_from(">I", data, 8)
            if not 0 <= index < count:
                raise SubsetError(f"face index {index} out of range 0..{count - 1}")
            (offset,) = struct.unpack_from(">I", data, 12 + 4 * index)
        if data[offset : offset + 4] not in _SFNT_VERSIONS:
            raise SubsetError("not a TrueType-outline font")
        (num_tables,) = struct.unpack_from(">H", data, offset + 4)
        self.tables: dict[str, tuple[int, int]] = {}
        for i in range(num_tables):
            tag, _sum, start, length = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
            self.tables[tag.decode("latin-1")] = (start, length)
        for tag in ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"):
            if tag not in self.tables:
                raise SubsetError(f"no {tag} table")
        (loca_format,) = struct.unpack_from(">h", data, self.tables["head"][0] + 50)
        (self.num_glyphs,) = struct.unpack_from(">H", data, self.tables["maxp"][0] + 4)
        (self.num_hmetrics,) = struct.unpack_from(">H", data, self.tables["hhea"][0] + 34)
        start, _ = self.tables["loca"]
        loca = array("I" if loca_format else "H")
        if loca.itemsize != (4 if loca_format else 2):
            raise SubsetError("unsupported platform integer sizes")
        loca.frombytes(data[start : start + loca.itemsize * (self.num_glyphs + 1)])
        if struct.pack("=H", 1) != struct.pack(">H", 1):
            loca.byteswap()
        self._loca = loca
        self._loca_scale = 1 if loca_format else 2
        self._cmap = _Cmap(data, self.tables["cmap"][0])

    def table(self, tag: str) -> bytes | None:
        if tag not in self.tables:
            return None
        start, length = self.tables[tag]
        return self.data[start : start + length]

    def glyph_id(self, codepoint: int) -> int:
        return self._cmap.lookup(codepoint)

    def glyph(self, gid: int) -> bytes:
        scale = self._loca_scale
        glyf = self.tables["glyf"][0]
        return self.data[glyf + self._loca[gid] * scale : glyf + self._loca[gid + 1] * scale]

    def metrics(self, gid: int) -> tuple[int, int]:
        """(advance width, left side bearing)."""
        hmtx = self.tables["hmtx"][0]
        if gid < self.num_hmetrics:
            return struct.unpack_from(">Hh", self.data, hmtx + 4 * gid)
        (advance,) = struct.unpack_from(">H", self.data, hmtx + 4 * (self.num_hmetrics - 1))
        (lsb,) = struct.unpack_from(">h", self.data, hmtx + 4 * self.num_hmetrics + 2 * (gid - self.num_hmetrics))
        return advance, lsb


class _Cmap:
    """The face's Unicode cmap (format 12 preferred, else format 4), looked up by bisection."""

    def __init__(self, data: bytes, start: int) -> None:
        _version, count = struct.unpack_from(">HH", data, start)
        found: dict[tuple[int, int, int], int] = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", data, start + 4 + 8 * i)
            (fmt,) = struct.unpack_from(">H", data, start + offset)
            found[(platform, encoding, fmt)] = start + offset
        order = [(3, 10, 12), (0, 4, 12), (0, 6, 12), (3, 1, 4), (0, 3, 4), (0, 1, 4), (0, 0, 4)]
        key = next((k for k in order if k in found), None)
        if key is None:
            raise SubsetError("no Unicode cmap of format 4 or 12")
        self.data = data
        at = found[key]
        if key[2] == 12:
            (groups,) = struct.unpack_from(">I", data, at + 12)
            raw = struct.unpack_from(f">{3 * groups}I", data, at + 16)
            self.starts, self.ends, self.firsts = list(raw[0::3]), list(raw[1::3]), list(raw[2::3])
            self.format = 12
        else:
            (seg2,) = struct.unpack_from(">H", data, at + 6)
            n = seg2 // 2
            self.ends = list(struct.unpack_from(f">{n}H", data, at + 14))
            self.starts = list(struct.unpack_from(f">{n}H", data, at + 16 + seg2))
            self.deltas = list(struct.unpack_from(f">{n}h", data, at + 16 + 2 * seg2))
            self.range_at = at + 16 + 3 * seg2
            self.ranges = list(struct.unpack_from(f">{n}H", data, self.range_at))
            self.format = 4

    def lookup(self, cp: int) -> int:
        i = bisect_right(self.starts, cp) - 1
        if i < 0 or cp > self.ends[i]:
            return 0
        if self.format == 12:
            return int(self.firsts[i] + cp - self.starts[i])
        if cp > 0xFFFF:
            return 0
        if self.ranges[i] == 0:
            return int((cp + self.deltas[i]) & 0xFFFF)
        at = self.range_at + 2 * i + self.ranges[i] + 2 * (cp - self.starts[i])
        (gid,) = struct.unpack_from(">H", self.data, at)
        return (gid + self.deltas[i]) & 0xFFFF if gid else 0


def subset(sources: list[TrueType], codepoints: Iterable[int]) -> bytes:
    """A font with the glyphs of those code points that a source maps (the others are left out)."""
    first = sources[0]
    order: list[tuple[int, int]] = [(0, 0)]  # (source, glyph id) for each new glyph id
    new_id: dict[tuple[int, int], int] = {(0, 0): 0}
    cmap: list[tuple[int, int]] = []
    for cp in sorted(set(codepoints)):
        for s, source in enumerate(sources):
            gid = source.glyph_id(cp)
            if gid and gid < source.num_glyphs:
                if (s, gid) not in new_id:
                    new_id[(s, gid)] = len(order)
                    order.append((s, gid))
                cmap.append((cp, new_id[(s, gid)]))
                break
    glyphs: list[bytes] = []
    k = 0
    while k < len(order):  # components of composite glyphs are appended as they are found
        s, gid = order[k]
        glyphs.append(_remap_components(sources[s].glyph(gid), s, new_id, order))
        k += 1
    n = len(order)

    tables: dict[str, bytes] = {}
    glyf = bytearray()
    offsets = []
    for data in glyphs:
        offsets.append(len(glyf))
        glyf += data + b"\0" * (-len(data) % 4)
    offsets.append(len(glyf))
    tables["glyf"] = bytes(glyf)
    tables["loca"] = struct.pack(f">{n + 1}I", *offsets)
    tables["hmtx"] = b"".join(struct.pack(">Hh", *sources[s].metrics(gid)) for s, gid in order)
    tables["cmap"] = _cmap12(cmap)
    head = bytearray(first.table("head") or b"")
    struct.pack_into(">I", head, 8, 0)  # checksumAdjustment, set below
    struct.pack_into(">h", head, 50, 1)  # long loca offsets
    tables["head"] = bytes(head)
    hhea = bytearray(first.table("hhea") or b"")
    struct.pack_into(">H", hhea, 34, n)
    tables["hhea"] = bytes(hhea)
    tables["maxp"] = _maxp(sources, n)
    post = first.table("post")
    if post is not None:  # format 3: no glyph names
        tables["post"] = b"\x00\x03\x00\x00" + post[4:32]
    name = first.table("name")
    if name is not None:
        tables["name"] = _trim_names(name)
    for tag in _KEEP_AS_IS:
        kept = first.table(tag)
        if kept is not None:
            tables[tag] = kept
    _fit_headers(tables, glyphs, [sources[s].metrics(gid) for s, gid in order], [cp for cp, _ in cmap])
    return _assemble(tables)


def _fit_headers(tables: dict[str, bytes], glyphs: list[bytes], metrics: list[tuple[int, int]],
                 codepoints: list[int]) -> None:
    """Set the summary fields of head, hhea, maxp and OS/2 from the glyphs actually kept, so that a
    font depends only on its glyphs, not on what it was cut from (the prepared repertoire or a
    conversion of just these characters): the PDF is the same whatever the font cache holds."""
    boxes = []
    points = contours = 0
    for glyph in glyphs:
        if len(glyph) < 10:
            continue  # an empty glyph (a space)
        count, *box = struct.unpack_from(">hhhhh", glyph, 0)
        boxes.append(box)
        if count > 0:  # a simple glyph: its last contour's end point gives the number of points
            (last,) = struct.unpack_from(">H", glyph, 10 + 2 * (count - 1))
            points, contours = max(points, last + 1), max(contours, count)
    advances = [aw for aw, _ in metrics]
    head = bytearray(tables["head"])
    if boxes:
        struct.pack_into(">hhhh", head, 36, min(b[0] for b in boxes), min(b[1] for b in boxes),
                         max(b[2] for b in boxes), max(b[3] for b in boxes))
    tables["head"] = bytes(head)
    hhea = bytearray(tables["hhea"])
    inked = [(aw, lsb, box) for (aw, lsb), glyph, box in zip(metrics, glyphs, _boxes(glyphs), strict=True)
             if box is not None]
    struct.pack_into(">H", hhea, 10, max(advances, default=0))
    if inked:
        struct.pack_into(">hhh", hhea, 12, min(lsb for _, lsb, _ in inked),
                         min(aw - lsb - (box[2] - box[0]) for aw, lsb, box in inked),
                         max(lsb + (box[2] - box[0]) for _, lsb, box in inked))
    tables["hhea"] = bytes(hhea)
    maxp = bytearray(tables["maxp"])
    if len(maxp) >= 32 and maxp[:4] == b"\x00\x01\x00\x00":
        struct.pack_into(">HH", maxp, 6, points, contours)
    tables["maxp"] = bytes(maxp)
    os2 = tables.get("OS/2")
    if os2 is not None and len(os2) >= 68:
        data = bytearray(os2)
        inked_advances = [aw for aw in advances if aw > 0]
        if inked_advances:
            struct.pack_into(">h", data, 2, round(sum(inked_advances) / len(inked_advances)))
        if codepoints:
            struct.pack_into(">HH", data, 64, min(min(codepoints), 0xFFFF), min(max(codepoints), 0xFFFF))
        tables["OS/2"] = bytes(data)


def _boxes(glyphs: list[bytes]) -> list[tuple[int, int, int, int] | None]:
    return [None if len(g) < 10 else struct.unpack_from(">hhhh", g, 2) for g in glyphs]


def _remap_components(glyph: bytes, s: int, new_id: dict[tuple[int, int], int],
                      order: list[tuple[int, int]]) -> bytes:
    if len(glyph) < 10 or struct.unpack_from(">h", glyph, 0)[0] >= 0:
        return glyph  # empty or simple glyph
    out = bytearray(glyph)
    at = 10
    flags = _MORE_COMPONENTS
    while flags & _MORE_COMPONENTS:
        flags, gid = struct.unpack_from(">HH", out, at)
        if (s, gid) not in new_id:
            new_id[(s, gid)] = len(order)
            order.append((s, gid))
        struct.pack_into(">H", out, at + 2, new_id[(s, gid)])
        at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
        at += 2 if flags & _HAVE_SCALE else 4 if flags & _HAVE_XY_SCALE else 8 if flags & _HAVE_TWO_BY_TWO else 0
    return bytes(out)


def _cmap12(mapping: list[tuple[int, int]]) -> bytes:
    groups: list[list[int]] = []
    for cp, gid in mapping:
        if groups and cp == groups[-1][1] + 1 and gid == groups[-1][2] + (cp - groups[-1][0]):
            groups[-1][1] = cp
        else:
            groups.append([cp, cp, gid])
    body = b"".join(struct.pack(">III", *g) for g in groups)
    sub = struct.pack(">HHIII", 12, 0, 16 + len(body), 0, len(groups)) + body
    return struct.pack(">HHHHI", 0, 1, 3, 10, 12) + sub


def _maxp(sources: list[TrueType], n: int) -> bytes:
    """The first source's maxp with numGlyphs n and, for version 1.0, each maximum the largest of the
    sources' (a converted glyph may have more points than any of the prepared repertoire)."""
    data = bytearray(sources[0].table("maxp") or b"")
    struct.pack_into(">H", data, 4, n)
    if len(data) >= 32 and data[:4] == b"\x00\x01\x00\x00":
        fields = [list(struct.unpack_from(">13H", s.table("maxp") or b"", 6)) for s in sources
                  if len(s.table("maxp") or b"") >= 32]
        struct.pack_into(">13H", data, 6, *(max(column) for column in zip(*fields, strict=True)))
    return bytes(data)


def _trim_names(data: bytes) -> bytes:
    """Name IDs 0–6 in English only (see convert._trim_names)."""
    try:
        _fmt, count, storage = struct.unpack_from(">HHH", data, 0)
        records = [struct.unpack_from(">6H", data, 6 + 12 * i) for i in range(count)]
    except struct.error:
        return data
    keep = [r for r in records if r[3] <= 6 and ((r[0], r[2]) in ((3, 0x409), (1, 0)) or r[0] == 0)]
    for needed in (1, 6):
        if not any(r[3] == needed for r in keep):
            keep += [r for r in records if r[3] == needed][:1]
    strings = bytearray()
    out = []
    for pid, eid, lid, nid, length, offset in sorted(keep):
        out.append(struct.pack(">6H", pid, eid, lid, nid, length, len(strings)))
        strings += data[storage + offset : storage + offset + length]
    return struct.pack(">HHH", 0, len(out), 6 + 12 * len(out)) + b"".join(out) + bytes(strings)


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return int(sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF)


def _assemble(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">4sHHHH", b"\x00\x01\x00\x00", count, 16 * power, power.bit_length() - 1,
                         16 * count - 16 * power)
    offset = 12 + 16 * count
    directory = bytearray()
    body = bytearray()
    head_at = 0
    for tag in tags:
        data = tables[tag]
        if tag == "head":
            head_at = offset + len(body)
        directory += struct.pack(">4sIII", tag.encode("latin-1"), _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)
