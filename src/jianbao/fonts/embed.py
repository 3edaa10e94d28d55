"""Registering faces with ReportLab from small TrueType fonts kept in the cache.

Each face is registered as a font of exactly the characters the build draws with it (ReportLab
parses all of a font's cmap and metrics when it loads it, which for a whole CJK font costs far more
than for an issue's subset). That font is cached, keyed by the face's content hash and the
characters; a build that misses it makes it quickly (``ttsubset``) from

- the font file itself, for a face with TrueType outlines;
- for a CFF face (Noto CJK), its prepared repertoire (``make-issue --prepare-fonts``: GB 2312 and
  the marks of Chinese text, converted once), plus a conversion of the few characters outside it,
  cached too; without a prepared repertoire, a conversion of the issue's characters (seconds).

A later candidate drawing a character its role's face lacks (per-character fallback) is described
to the composer as a ``Placement``: which font draws it, how it is scaled and moved into the cell.
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
from typing import TYPE_CHECKING, NamedTuple

from jianbao import collector
from jianbao.errors import FontError, display_path, os_reason
from jianbao.files import read_regular
from jianbao.fonts import convert, ttsubset
from jianbao.fonts.sfnt import DEFAULT_EM_BOX, MAX_FONT_BYTES, SfntError, read_em_box

if TYPE_CHECKING:
    from jianbao.fonts.catalog import Assignment, Face, FontCatalog, KeptGlyphs


class Placement(NamedTuple):
    """How one character is drawn from another font than its role's, in em of the role's size:
    the font, the advance it takes in the line, the scale of its glyph, and the glyph's offset."""

    font: str
    advance: float
    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0


@dataclass
class Registration:
    """What registering an assignment's faces with ReportLab gave: names and placements by role."""

    names: dict[str, str] = field(default_factory=dict)  # role → ReportLab font name of its face
    placements: dict[str, dict[str, Placement]] = field(default_factory=dict)  # role → char → placement


class Prepared(NamedTuple):
    """One face made ready by ``prepare``."""

    face: Face
    roles: tuple[str, ...]
    chars: int
    seconds: float  # 0 when it was already in the cache or needs no preparation
    size: int


def register(lib: FontCatalog, assignment: Assignment) -> Registration:
    """Register every face the assignment uses, each once, for all the characters it draws. A face is
    known by its file's content, not its path: the same font reached twice (simhei.ttf copied into
    fonts/ for 黑体 and the installed SimHei standing in for 小标宋) is one font in the PDF — two
    subsets of it would carry the same PostScript name, which ReportLab cannot write."""

    def same(face: Face) -> tuple[str, int]:
        return (lib.digest(face), face.index)

    needs: dict[tuple[str, int], tuple[Face, set[int], bool]] = {}
    for role, face in assignment.primary.items():  # first, so a face that is also a fallback counts as primary
        needs.setdefault(same(face), (face, set(), True))[1].update(assignment.chars[role])
    for by_char in assignment.fallback.values():
        for char, face in by_char.items():
            needs.setdefault(same(face), (face, set(), False))[1].add(ord(char))
    fonts: dict[tuple[str, int], str] = {}
    for key, (face, cps, primary) in needs.items():
        lib.check_embedding(face)
        fonts[key] = _font(lib, face, cps, primary)

    result = Registration()
    boxes: dict[tuple[Path, int], tuple[float, float]] = {}
    for role, face in assignment.primary.items():
        result.names[role] = fonts[same(face)]
        placed = {
            char: _fit(char, fonts[same(other)], _em_box(face, boxes), _em_box(other, boxes))
            for char, other in assignment.fallback.get(role, {}).items()
        }
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

    return float(stringWidth(char, font, 1.0))


def _em_box(face: Face, boxes: dict[tuple[Path, int], tuple[float, float]]) -> tuple[float, float]:
    if face.key not in boxes:
        try:
            boxes[face.key] = read_em_box(face.path, face.index)
        except (OSError, SfntError):
            boxes[face.key] = DEFAULT_EM_BOX
    return boxes[face.key]


# --- making the fonts ---------------------------------------------------------------------------


def _font(lib: FontCatalog, face: Face, codepoints: set[int], primary: bool) -> str:
    """The registered name of the face reduced to the code points (those it has)."""
    cov = lib.coverage(face)
    wanted = {cp for cp in codepoints if cp in cov}
    if primary:  # the role's own face also gets ASCII and Chinese punctuation: text the composer adds
        wanted |= {cp for cp in convert.BASE_CODEPOINTS if cp in cov}
    wanted_list = sorted(wanted)
    source = lib.digest(face)
    prefix = f"{source[:16]}-{face.index}-"
    digest = _key(f"{convert.CONVERTER_VERSION}:{source}:{face.index}:{','.join(map(str, wanted_list))}")
    name = _font_name(face, digest)
    path = lib.cache.font_path(f"{prefix}{digest[:16]}.ttf")
    if not _registered(name):  # else registered by an earlier build of this process
        cached = _read(lib, path)
        if cached is not None:
            _register(face, name, cached, path)
        else:
            try:
                with collector.as_usual():  # fontTools leaves a converted face's tables in reference cycles
                    data = _make(lib, face, source, prefix, wanted_list)
            except (ttsubset.SubsetError, IndexError, ValueError) as exc:  # ValueError: struct.error too
                if face.outlines != "truetype":
                    raise FontError(f"{display_path(face.path)}：无法读取字体的字形（{exc}）") from exc
                whole = _font_name(face, source)  # a TrueType file we cannot subset, ReportLab may still embed
                if not _registered(whole):
                    _load(face, whole, str(face.path), face.index)
                return whole
            _store(lib, path, data, prefix)
            _register(face, name, data, path)
    if lib.converted is not None and face.outlines != "truetype" and (source, face.index) not in lib.converted:
        # a watch's kept glyphs start from the first subset of the face it has, however it came
        registered = _registered_data(name)
        if registered is not None:
            lib.converted[(source, face.index)] = ([ttsubset.TrueType(registered)], frozenset(wanted_list))
    return name


def _make(lib: FontCatalog, face: Face, source: str, prefix: str, wanted: list[int]) -> bytes:
    if face.outlines == "truetype":
        return ttsubset.subset([ttsubset.TrueType(_read_font(face), face.index)], wanted)
    base = _read(lib, _base_path(lib, face, source))
    if base is None:  # not prepared: convert what the build needs, then cut it like the prepared
        # repertoire would be cut, so all ways give the same bytes (ttsubset._fit_headers)
        if lib.converted is None:
            return ttsubset.subset([ttsubset.TrueType(_convert(face, wanted))], wanted)
        return _grown(lib.converted, face, source, wanted)
    sources = [ttsubset.TrueType(base)]
    outside = [cp for cp in wanted if not sources[0].glyph_id(cp)]
    if outside:  # characters beyond the repertoire: converted once, cached by themselves
        key = _key(f"{convert.CONVERTER_VERSION}:{source}:{face.index}:extra:{','.join(map(str, outside))}")
        extra_path = lib.cache.font_path(f"{prefix}{key[:16]}.ttf")
        extra = _read(lib, extra_path)
        if extra is None:
            extra = _convert(face, outside, keep_open=lib.converted is not None)
            _store(lib, extra_path, extra, prefix)
        sources.append(ttsubset.TrueType(extra))
    return ttsubset.subset(sources, wanted)


GROWN_PIECES = 8  # fonts of new characters kept side by side before they are cut into one


def _grown(converted: dict[tuple[str, int], KeptGlyphs], face: Face, source: str, wanted: list[int]) -> bytes:
    """The subset of ``wanted`` made from the glyphs of the face converted before in this process
    (``converted``: per CFF face (digest, index), the fonts holding them and their code points) and
    those converted now: a watch converts only the characters a save brings (a few ms) instead of
    every character of the issue again (a second or more). The same bytes as converting ``wanted``
    alone (tests/test_fonts.py)."""
    key = (source, face.index)
    kept = converted.get(key)
    if kept is None:
        data = ttsubset.subset([ttsubset.TrueType(_convert(face, wanted, keep_open=True))], wanted)
        converted[key] = ([ttsubset.TrueType(data)], frozenset(wanted))
        return data
    sources, has = kept
    outside = [cp for cp in wanted if cp not in has]
    if outside:
        has = has | frozenset(outside)
        sources = [*sources, ttsubset.TrueType(_convert(face, outside, keep_open=True))]
        if len(sources) > GROWN_PIECES:
            sources = [ttsubset.TrueType(ttsubset.subset(sources, has))]
        converted[key] = (sources, has)
    return ttsubset.subset(sources, wanted)


def _read(lib: FontCatalog, path: Path) -> bytes | None:
    """A cached font, if it reads back whole (a damaged entry is deleted and made again)."""
    data = lib.cache.read(path)
    if data is not None:
        _keep(path)
    return data


def _read_font(face: Face) -> bytes:
    try:
        return read_regular(face.path, MAX_FONT_BYTES)
    except OSError as exc:
        raise FontError(f"{display_path(face.path)}：无法读取字体文件（{os_reason(exc)}）") from exc


def _base_path(lib: FontCatalog, face: Face, source: str) -> Path:
    from jianbao.fonts.repertoire import REPERTOIRE_VERSION

    return lib.cache.font_path(f"{source[:16]}-{face.index}-base{REPERTOIRE_VERSION}.{convert.CONVERTER_VERSION}.ttf")


def prepare(lib: FontCatalog, progress: Callable[[str], None]) -> list[Prepared]:
    """Convert the repertoire of every role's CFF face into the cache, once (faces already prepared
    are skipped; TrueType faces need nothing). Seconds per face; runs only on request."""
    from jianbao.fonts.config import role_label
    from jianbao.fonts.repertoire import repertoire

    by_face: dict[tuple[Path, int], tuple[Face, list[str]]] = {}
    for role in lib.candidates:
        face = lib.face(role)
        by_face.setdefault(face.key, (face, []))[1].append(role)
    chars = repertoire()
    done = []
    for face, roles in by_face.values():
        lib.check_embedding(face)
        labels = "、".join(role_label(r) for r in roles)
        if face.outlines == "truetype":
            done.append(Prepared(face, tuple(roles), 0, 0.0, 0))
            progress(f"{face}：TrueType 字形，无需准备（{labels}）")
            continue
        path = _base_path(lib, face, lib.digest(face))
        wanted = sorted(cp for cp in chars if cp in lib.coverage(face))
        kept = lib.cache.read(path)
        if kept is not None:
            done.append(Prepared(face, tuple(roles), len(wanted), 0.0, len(kept)))
            progress(f"{face}：已准备（{labels}）")
            continue
        progress(f"{face}：正在准备 {len(wanted)} 个字符（{labels}）……")
        started = time.perf_counter()
        data = _convert(face, wanted)
        if not lib.cache.write(path, data):
            raise FontError(f"{lib.cache.root}：无法写入字体缓存目录")
        seconds = time.perf_counter() - started
        done.append(Prepared(face, tuple(roles), len(wanted), seconds, len(data)))
        progress(f"{face}：完成，{len(data) / 1e6:.1f} MB，{seconds:.1f} s")
    return done


def _convert(face: Face, codepoints: list[int], *, keep_open: bool = False) -> bytes:
    try:
        return convert.convert_cff(face.path, face.index, codepoints, keep_open=keep_open)
    except Exception as exc:  # a broken third-party file is the user's font problem
        raise FontError(f"{display_path(face.path)}：无法把 CFF 字形转换为 TrueType（{exc}）") from exc


def _store(lib: FontCatalog, path: Path, data: bytes, prefix: str) -> None:
    if lib.cache.write(path, data):
        lib.cache.prune_fonts(prefix)


# --- ReportLab --------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _font_name(face: Face, digest: str) -> str:
    """ReportLab font name: readable, and the same for the same font content (not written in the PDF)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "", face.family) or "Font"
    style = re.sub(r"[^A-Za-z0-9]+", "", face.style) or "Regular"
    return f"{stem}-{style}-{digest[:12]}"


def _registered(name: str) -> bool:
    from reportlab.pdfbase import pdfmetrics

    return name in pdfmetrics.getRegisteredFontNames()


def _keep(path: Path) -> None:
    """Mark a cached font as in use, so the clean-up of old conversions spares it (at most daily)."""
    with contextlib.suppress(OSError):
        if time.time() - path.stat().st_mtime > 86400:
            os.utime(path)


def _registered_data(name: str) -> bytes | None:
    """The font file ReportLab read for a registered font: the subset a watch's kept glyphs start from
    when an earlier build of the process registered it (None if ReportLab no longer keeps it)."""
    from reportlab.pdfbase import pdfmetrics

    data = getattr(getattr(pdfmetrics.getFont(name), "face", None), "_ttf_data", None)
    return data if isinstance(data, bytes) else None


def _register(face: Face, name: str, data: bytes, path: Path) -> None:
    buffer = io.BytesIO(data)
    buffer.name = str(path)  # ReportLab keys the embedded font file by this name
    _load(face, name, buffer, 0, memo=path)


def _load(face: Face, name: str, source: str | io.BytesIO, index: int, memo: Path | None = None) -> None:
    """Register the font with ReportLab; ``memo``: the cached font it is read from, beside which its
    compressed subsets are kept (:mod:`.keptsubsets`)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError

    from jianbao.fonts.keptsubsets import kept_subsets_font

    _fix_tounicode()

    try:  # a TTFont that keeps its last embedded subset: saving the same issue again reuses it
        font = kept_subsets_font()(name, source, subfontIndex=index)
    except TTFError as exc:
        raise FontError(f"{display_path(face.path)}：ReportLab 无法使用这个字体（{exc}）") from exc
    font.memo = memo
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
