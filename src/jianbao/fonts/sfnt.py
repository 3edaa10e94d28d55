"""Just enough of the OpenType file format to list a file's faces, names and outline kind.

Reads the table directory, ``name`` and the ``fsType`` field of ``OS/2`` with ``struct``: no fontTools,
a few kilobytes read per face, so discovery stays cheap even for a folder of large CJK fonts.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, TypeVar

from jianbao.files import open_regular

MAX_FONT_BYTES = 1 << 30
"""Larger files are not fonts (the largest CJK collections are a few hundred MB)."""

T = TypeVar("T")

_SFNT_VERSIONS = {b"\x00\x01\x00\x00", b"OTTO", b"true"}
_OUTLINE_TABLES = (("glyf", "truetype"), ("CFF ", "cff"), ("CFF2", "cff2"))
# Windows (platform 3) and Mac (platform 1) legacy CJK encodings seen in Chinese fonts.
_WIN_CODECS = {2: "shift_jis", 3: "gbk", 4: "big5", 5: "euc_kr", 6: "johab"}
_MAC_CODECS = {0: "mac_roman", 1: "shift_jis", 2: "big5", 3: "euc_kr", 25: "gb2312"}


class SfntError(ValueError):
    """The file is not a readable TrueType/OpenType font or collection."""


class NameGroup(NamedTuple):
    """A family name with the style names that go with it (all languages, English first)."""

    families: tuple[str, ...]
    styles: tuple[str, ...]


class FaceInfo(NamedTuple):
    index: int  # type: ignore[assignment]  # a field named like tuple.index
    outlines: str  # "truetype", "cff", "cff2" or "none"
    fs_type: int  # OS/2 embedding permissions
    psname: str
    groups: tuple[NameGroup, ...]  # typographic names (IDs 16/17) first, then legacy (IDs 1/2)

    @property
    def family(self) -> str:
        return self.groups[0].families[0] if self.groups else self.psname

    @property
    def style(self) -> str:
        return self.groups[0].styles[0] if self.groups and self.groups[0].styles else "Regular"

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "outlines": self.outlines,
            "fs_type": self.fs_type,
            "psname": self.psname,
            "groups": [[list(g.families), list(g.styles)] for g in self.groups],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaceInfo:
        groups = tuple(NameGroup(tuple(f), tuple(s)) for f, s in data["groups"])
        return cls(data["index"], data["outlines"], data["fs_type"], data["psname"], groups)


def _reading(path: Path, read: Callable[[BinaryIO], T]) -> T:
    """``read`` on the open file: only a regular file is opened (a FIFO would never end), and any
    failure to make sense of the bytes (``struct.error``, a bad name encoding) is an SfntError."""
    with open_regular(path, MAX_FONT_BYTES) as f:
        try:
            return read(f)
        except (struct.error, UnicodeError, OverflowError, IndexError, KeyError) as exc:
            raise SfntError(f"damaged font file ({exc.__class__.__name__}: {exc})") from None


def read_faces(path: Path) -> list[FaceInfo]:
    """Every face of a font file (one for .ttf/.otf, all of a .ttc/.otc). Raises SfntError or OSError."""
    return _reading(path, lambda f: [_read_face(f, i, offset) for i, offset in enumerate(_face_offsets(f))])


def read_face(path: Path, index: int) -> FaceInfo:
    def read(f: BinaryIO) -> FaceInfo:
        offsets = _face_offsets(f)
        if not 0 <= index < len(offsets):
            raise SfntError(f"face index {index} out of range 0..{len(offsets) - 1}")
        return _read_face(f, index, offsets[index])

    return _reading(path, read)


def _read(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise SfntError("file is truncated")
    return data


def _face_offsets(f: BinaryIO) -> list[int]:
    head = _read(f, 0, 12)
    if head[:4] == b"ttcf":
        (count,) = struct.unpack(">I", head[8:12])
        if not 0 < count < 1024:
            raise SfntError("bad font collection header")
        return list(struct.unpack(f">{count}I", _read(f, 12, 4 * count)))
    if head[:4] not in _SFNT_VERSIONS:
        raise SfntError("not a TrueType/OpenType font")
    return [0]


def _read_face(f: BinaryIO, index: int, offset: int) -> FaceInfo:
    try:
        tables = _table_directory(f, offset)
    except SfntError:
        raise SfntError(f"face {index}: not a TrueType/OpenType font") from None
    outlines = next((kind for tag, kind in _OUTLINE_TABLES if tag in tables), "none")
    fs_type = 0
    if "OS/2" in tables:
        (fs_type,) = struct.unpack(">H", _read(f, tables["OS/2"][0] + 8, 2))
    names = _read_names(_read(f, *tables["name"])) if "name" in tables else {}
    groups = []
    legacy_styles = names.get(2, ())
    if names.get(16):
        groups.append(NameGroup(names[16], names.get(17) or legacy_styles))
    if names.get(1):
        groups.append(NameGroup(names[1], legacy_styles))
    psname = (names.get(6) or ("",))[0]
    return FaceInfo(index, outlines, fs_type, psname, tuple(groups))


def _read_names(data: bytes) -> dict[int, tuple[str, ...]]:
    """Name ID -> distinct strings, English first, then in record order."""
    if len(data) < 6:
        return {}
    _fmt, count, storage = struct.unpack(">HHH", data[:6])
    found: dict[int, list[tuple[int, int, str]]] = {}
    for i in range(count):
        rec = data[6 + 12 * i : 18 + 12 * i]
        if len(rec) < 12:
            break
        pid, eid, lid, nid, length, off = struct.unpack(">6H", rec)
        if nid not in (1, 2, 6, 16, 17):
            continue
        raw = data[storage + off : storage + off + length]
        text = _decode(pid, eid, raw)
        if not text:
            continue
        english = pid == 0 or (pid == 3 and lid == 0x409) or (pid == 1 and lid == 0)
        found.setdefault(nid, []).append((0 if english else 1, i, text))
    result = {}
    for nid, items in found.items():
        seen: dict[str, None] = {}
        for _, _, text in sorted(items):
            seen.setdefault(text, None)
        result[nid] = tuple(seen)
    return result


def _decode(pid: int, eid: int, raw: bytes) -> str:
    if pid == 0 or (pid == 3 and eid in (0, 1, 10)):
        text = raw.decode("utf-16-be", "replace")
    elif pid == 3 and eid in _WIN_CODECS:
        # Double-byte strings stored in 16-bit units: single bytes are zero-padded.
        text = bytes(b for b in raw if b).decode(_WIN_CODECS[eid], "replace")
    elif pid == 1 and eid in _MAC_CODECS:
        text = raw.decode(_MAC_CODECS[eid], "replace")
    else:
        return ""
    return text.replace("\x00", "").strip()


# The ideographic em box of CJK fonts without usable metrics: 0.88 em above the baseline, 0.12 below.
DEFAULT_EM_BOX = (-0.12, 0.88)


def read_em_box(path: Path, index: int) -> tuple[float, float]:
    """The face's ideographic em box (bottom, top) in em, from OS/2 sTypoDescender/sTypoAscender, which
    CJK fonts set to the em box (Noto CJK, 霞鹜文楷, 宋体: −120/880 of 1000); DEFAULT_EM_BOX when the
    typo metrics do not span one em."""
    return _reading(path, lambda f: _em_box(f, index))


def _em_box(f: BinaryIO, index: int) -> tuple[float, float]:
    offsets = _face_offsets(f)
    if not 0 <= index < len(offsets):
        raise SfntError(f"face index {index} out of range 0..{len(offsets) - 1}")
    tables = _table_directory(f, offsets[index])
    if "head" not in tables or "OS/2" not in tables:
        return DEFAULT_EM_BOX
    (upm,) = struct.unpack(">H", _read(f, tables["head"][0] + 18, 2))
    if tables["OS/2"][1] < 72 or not 16 <= upm <= 16384:
        return DEFAULT_EM_BOX
    ascender, descender = struct.unpack(">hh", _read(f, tables["OS/2"][0] + 68, 4))
    if ascender <= 0 or abs(ascender - descender - upm) > upm // 100:
        return DEFAULT_EM_BOX
    return descender / upm, ascender / upm


def _table_directory(f: BinaryIO, offset: int) -> dict[str, tuple[int, int]]:
    head = _read(f, offset, 12)
    if head[:4] not in _SFNT_VERSIONS:
        raise SfntError("not a TrueType/OpenType font")
    (num_tables,) = struct.unpack(">H", head[4:6])
    directory = _read(f, offset + 12, 16 * num_tables)
    tables: dict[str, tuple[int, int]] = {}
    for i in range(num_tables):
        tag, _checksum, toff, tlen = struct.unpack(">4sIII", directory[16 * i : 16 * i + 16])
        tables[tag.decode("latin-1")] = (toff, tlen)
    return tables
