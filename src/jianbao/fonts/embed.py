"""Registering faces with ReportLab from small TrueType fonts kept in the cache.

Each face is loaded from the smallest font the cache already holds that serves the build:

1. the face reduced to exactly this issue's characters (written by an earlier build of the issue);
2. else the face's prepared repertoire (``make-issue --prepare-fonts``: GB 2312 and the marks of
   Chinese text), plus, for the few characters outside it, a supplement of just those characters;
3. else the issue's characters are converted now (CFF) or subset (TrueType) and cached for next time.

A supplement and a later candidate drawing a character its role's face lacks (per-character
fallback) are both described to the composer as a ``Placement``: which font draws the character,
and how it is scaled and moved to fill the role's grid cell.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jianbao.errors import FontError, display_path

from . import convert
from .sfnt import DEFAULT_EM_BOX, SfntError, read_em_box

if TYPE_CHECKING:
    from .library import Assignment, Face, FontLibrary

SUPPLEMENT_SUFFIX = "-Sup"


@dataclass(frozen=True)
class Placement:
    """How one character is drawn from another font than its role's, in em of the role's size:
    the font, the advance it takes in the line, the scale of its glyph, and the glyph's offset."""

    font: str
    advance: float
    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0


@dataclass
class Registration:
    names: dict[str, str] = field(default_factory=dict)  # role → ReportLab font name of its face
    placements: dict[str, dict[str, Placement]] = field(default_factory=dict)  # role → char → placement


@dataclass(frozen=True)
class FontSet:
    """The registered fonts of one face: the main font, and a supplement for characters outside it."""

    main: str
    supplement: str | None = None
    supplement_chars: frozenset[int] = frozenset()

    def font_for(self, cp: int) -> str:
        return self.supplement if self.supplement is not None and cp in self.supplement_chars else self.main


@dataclass(frozen=True)
class Prepared:
    """One face made ready by ``prepare``."""

    face: Face
    roles: tuple[str, ...]
    chars: int
    seconds: float  # 0 when it was already in the cache
    size: int


def register(lib: FontLibrary, assignment: Assignment) -> Registration:
    """Register every face the assignment uses, each once, for all the characters it draws."""
    needs: dict[tuple[Path, int], tuple[Face, set[int], bool]] = {}
    for role, face in assignment.primary.items():  # first, so a face that is also a fallback counts as primary
        needs.setdefault(face.key, (face, set(), True))[1].update(assignment.chars[role])
    for by_char in assignment.fallback.values():
        for char, face in by_char.items():
            needs.setdefault(face.key, (face, set(), False))[1].add(ord(char))
    sets: dict[tuple[Path, int], FontSet] = {}
    for key, (face, cps, primary) in needs.items():
        lib.check_embedding(face)
        sets[key] = _font_set(lib, face, cps, primary)

    result = Registration()
    boxes: dict[tuple[Path, int], tuple[float, float]] = {}
    for role, face in assignment.primary.items():
        own = sets[face.key]
        result.names[role] = own.main
        placed: dict[str, Placement] = {}
        for cp in sorted(own.supplement_chars & assignment.chars[role]):
            placed[chr(cp)] = Placement(own.supplement or own.main, _advance(chr(cp), own.supplement or own.main))
        for char, other in assignment.fallback.get(role, {}).items():
            font = sets[other.key].font_for(ord(char))
            placed[char] = _fit(char, font, _em_box(face, boxes), _em_box(other, boxes))
        if placed:
            result.placements[role] = placed
    return result


def _fit(char: str, font: str, home: tuple[float, float], other: tuple[float, float]) -> Placement:
    """A character from another font in the role's cell. A full-width character takes one em (the
    ideographic cell), is shrunk if its glyph is wider, centred across and its em box centred on the
    role's em box; other characters keep their own width and sit on the baseline."""
    width = _advance(char, font)
    if unicodedata.east_asian_width(char) not in ("W", "F"):
        return Placement(font, width)
    scale = min(1.0, 1.0 / width if width > 0 else 1.0, (home[1] - home[0]) / (other[1] - other[0]))
    dx = (1.0 - scale * width) / 2
    dy = (home[0] + home[1]) / 2 - scale * (other[0] + other[1]) / 2
    return Placement(font, 1.0, round(scale, 4), round(dx, 4), round(dy, 4))


def _advance(char: str, font: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(char, font, 1.0)


def _em_box(face: Face, boxes: dict[tuple[Path, int], tuple[float, float]]) -> tuple[float, float]:
    if face.key not in boxes:
        try:
            boxes[face.key] = read_em_box(face.path, face.index)
        except (OSError, SfntError):
            boxes[face.key] = DEFAULT_EM_BOX
    return boxes[face.key]


# --- choosing and making the font files ------------------------------------------------------------


def _font_set(lib: FontLibrary, face: Face, codepoints: set[int], primary: bool) -> FontSet:
    cov = lib.coverage(face)
    need = sorted(cp for cp in codepoints if cp in cov)
    # The role's own face also gets ASCII and Chinese punctuation: text the composer adds.
    wanted = sorted(set(need) | {cp for cp in convert.BASE_CODEPOINTS if cp in cov}) if primary else need
    source = lib.digest(face)
    prefix = f"{source[:16]}-{face.index}-"
    exact = _key(f"{convert.CONVERTER_VERSION}:{source}:{face.index}:{','.join(map(str, wanted))}")
    name = _font_name(face, exact)
    path = lib.cache.font_path(f"{prefix}{exact[:16]}.ttf")
    if _registered(name) or _register_cached(face, name, path):
        return FontSet(name)

    base = _base_path(lib, face, source)
    try:  # the prepared file's identity: a process may use fonts of several caches (tests do)
        stamp = base.stat()
    except OSError:
        stamp = None
    base_name = _font_name(face, _key(f"{base}:{stamp and (stamp.st_size, stamp.st_mtime_ns)}"))
    if stamp is not None and (_registered(base_name) or _register_cached(face, base_name, base)):
        covered = _charset(base_name)
        extra = [cp for cp in need if cp not in covered]
        if not extra:
            return FontSet(base_name)
        sup = _key(f"{convert.CONVERTER_VERSION}:{source}:{face.index}:sup:{','.join(map(str, extra))}")
        sup_name = _font_name(face, sup)
        sup_path = lib.cache.font_path(f"{prefix}{sup[:16]}.ttf")
        if not (_registered(sup_name) or _register_cached(face, sup_name, sup_path)):
            data = _derive(face, extra, SUPPLEMENT_SUFFIX)
            _store(lib, sup_path, data, prefix)
            _register(face, sup_name, data, sup_path)
        return FontSet(base_name, sup_name, frozenset(extra))

    try:
        data = _derive(face, wanted)
    except FontError:
        if face.outlines != "truetype":
            raise
        # A TrueType file fontTools cannot subset may still be one ReportLab can embed as it is.
        whole = _font_name(face, source)
        if not _registered(whole):
            _register_file(face, whole)
        return FontSet(whole)
    _store(lib, path, data, prefix)
    _register(face, name, data, path)
    return FontSet(name)


def _base_path(lib: FontLibrary, face: Face, source: str) -> Path:
    from .repertoire import REPERTOIRE_VERSION

    return lib.cache.font_path(f"{source[:16]}-{face.index}-base{REPERTOIRE_VERSION}.{convert.CONVERTER_VERSION}.ttf")


def prepare(lib: FontLibrary, progress: Callable[[str], None]) -> list[Prepared]:
    """Convert the repertoire of every role's face into the cache, once; faces already prepared are
    skipped. Takes seconds per face (CFF faces longest) and runs only on request."""
    from .config import role_label
    from .repertoire import repertoire

    by_face: dict[tuple[Path, int], tuple[Face, list[str]]] = {}
    for role in lib.candidates:
        face = lib.face(role)
        by_face.setdefault(face.key, (face, []))[1].append(role)
    chars = repertoire()
    done = []
    for face, roles in by_face.values():
        lib.check_embedding(face)
        source = lib.digest(face)
        path = _base_path(lib, face, source)
        wanted = sorted(cp for cp in chars if cp in lib.coverage(face))
        labels = "、".join(role_label(r) for r in roles)
        if path.is_file():
            done.append(Prepared(face, tuple(roles), len(wanted), 0.0, path.stat().st_size))
            progress(f"{face}：已准备（{labels}）")
            continue
        progress(f"{face}：正在准备 {len(wanted)} 个字符（{labels}）……")
        started = time.perf_counter()
        data = _derive(face, wanted)
        if not lib.cache.write(path, data):
            raise FontError(f"{lib.cache.root}：无法写入字体缓存目录")
        seconds = time.perf_counter() - started
        done.append(Prepared(face, tuple(roles), len(wanted), seconds, len(data)))
        progress(f"{face}：完成，{len(data) / 1e6:.1f} MB，{seconds:.1f} s")
    return done


def _derive(face: Face, codepoints: list[int], suffix: str = "") -> bytes:
    try:
        return convert.derive(face.path, face.index, face.outlines, codepoints, suffix)
    except Exception as exc:  # a broken third-party file is the user's font problem
        what = "把 CFF 字形转换为 TrueType" if face.outlines == "cff" else "提取所需字形"
        raise FontError(f"{display_path(face.path)}：无法{what}（{exc}）") from exc


def _store(lib: FontLibrary, path: Path, data: bytes, prefix: str) -> None:
    if lib.cache.write(path, data):
        lib.cache.prune_fonts(prefix)


# --- ReportLab --------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _font_name(face: Face, digest: str) -> str:
    """ReportLab font name: readable, and the same for the same font content."""
    stem = re.sub(r"[^A-Za-z0-9]+", "", face.family) or "Font"
    style = re.sub(r"[^A-Za-z0-9]+", "", face.style) or "Regular"
    return f"{stem}-{style}-{digest[:12]}"


def _registered(name: str) -> bool:
    from reportlab.pdfbase import pdfmetrics

    return name in pdfmetrics.getRegisteredFontNames()


def _charset(name: str) -> set[int] | dict[int, int]:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.getFont(name).face.charToGlyph


def _register_cached(face: Face, name: str, path: Path) -> bool:
    """Register the cached font at path if it is there; False if not (or removed just now)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    _register(face, name, data, path)
    _keep(path)
    return True


def _keep(path: Path) -> None:
    """Mark a cached font as in use, so the clean-up of old conversions spares it (at most daily)."""
    with contextlib.suppress(OSError):
        if time.time() - path.stat().st_mtime > 86400:
            os.utime(path)


def _register(face: Face, name: str, data: bytes, path: Path) -> None:
    buffer = io.BytesIO(data)
    buffer.name = str(path)  # ReportLab keys the embedded font file by this name
    _load(face, name, buffer, 0)


def _register_file(face: Face, name: str) -> None:
    _load(face, name, str(face.path), face.index)


def _load(face: Face, name: str, source: str | io.BytesIO, index: int) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    _fix_tounicode()

    try:
        font = TTFont(name, source, subfontIndex=index)
    except TTFError as exc:
        raise FontError(f"{display_path(face.path)}：ReportLab 无法使用这个字体（{exc}）") from exc
    pdfmetrics.registerFont(font)
    if pdfmetrics.getFont(name) is not font:
        # ReportLab files a second font with the same PostScript name under the first one (one face,
        # one font); ours are different subsets of one face, and the first may lack our characters.
        pdfmetrics._fonts[name] = font


_BFCHAR = re.compile(r"^(<[0-9A-F]{2}> )<([0-9A-F]{5,6})>$", re.MULTILINE)


def _fix_tounicode() -> None:
    """ReportLab writes the ToUnicode entry of a character beyond U+FFFF (CJK extension B and later:
    𠮷 U+20BB7) as five hex digits, which readers take for U+20BB and a stray 7: copying or searching
    the name in the PDF finds the wrong character. Such entries must be UTF-16 surrogate pairs."""
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "jianbao_fixed", False):
        return

    def utf16(match: re.Match[str]) -> str:
        return f"{match[1]}<{chr(int(match[2], 16)).encode('utf-16-be').hex().upper()}>"

    def make_cmap(fontname: str, subset: list[int]) -> str:
        return _BFCHAR.sub(utf16, original(fontname, subset))

    make_cmap.jianbao_fixed = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_cmap
