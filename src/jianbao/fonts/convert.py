"""CFF (PostScript-outline) face -> TrueType font that ReportLab can embed.

ReportLab reads only ``glyf`` outlines. We keep the glyphs of the requested code points, draw each
through Cu2QuPen (cubic -> quadratic, max_err 1 unit, direction reversed for TrueType) into a
TTGlyphPen, and build a new font around them, copying head/hhea/OS/2/name/post from the source.
Layout tables (GSUB/GPOS), vertical metrics, hinting and all but the essential names are left out:
ReportLab uses none of them.

The output depends only on the source font, the face index, the code points and CONVERTER_VERSION:
no timestamps are touched (recalcTimestamp=False), so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# The modules whose code decides the bytes of a cached font (converted, cut or prepared).
_PRODUCERS = ("convert.py", "ttsubset.py", "repertoire.py", "sfnt.py", "embed.py")


def _code_digest() -> str:
    """A digest of the code that makes cached fonts: a changed converter or subsetter can never
    reuse fonts an older one made (a hand-bumped number was forgotten once, and the same issue
    then gave different PDFs on a fresh and on a warm cache)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _PRODUCERS:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]


# Part of every cache key: the format generation and the producing code.
CONVERTER_VERSION = f"3.{_code_digest()}"

# Always included in a converted subset, so that text the composer generates (page numbers, rules,
# punctuation) is drawable even if it was not passed in the character set.
BASE_CODEPOINTS: frozenset[int] = frozenset(
    [*range(0x20, 0x7F), *range(0x3000, 0x3040), *range(0xFF00, 0xFF5F)] + [ord(c) for c in "“”‘’—…·0123456789"]
)

# Number of conversions done by this process, and of glyphs they converted (the tests use them to
# check that the cache is used, and that a watch converts only the characters a save brings).
conversion_count = 0
glyphs_converted = 0

# Dashes set on the character grid. A CJK font may map them to a Latin (proportional) glyph and keep
# the Chinese form for its 'locl' feature (script hani, language ZHS), which is what a shaper told
# the text is zh-Hans applies: Noto CJK's — is 0.89 em, its Chinese form 1 em, so that —— is one
# unbroken 2-em line. The converted font maps these code points to their Chinese forms.
ZHS_FORMS: frozenset[int] = frozenset(map(ord, "—⸺⸻"))


def convert_cff(path: Path, index: int, codepoints: Iterable[int], *, keep_open: bool = False) -> bytes:
    """A TrueType-outline font with .notdef and the glyphs of those code points the face maps.
    ``keep_open``: leave the face open for the next conversion (a watch process; see :data:`_OPENED`)."""
    src = _opened(path, index) if keep_open else _Opened(path, index)
    try:
        return _converted(src, codepoints)
    finally:
        if not keep_open:
            src.font.close()


def _converted(src: _Opened, codepoints: Iterable[int]) -> bytes:
    global conversion_count, glyphs_converted
    import copy

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    font = src.font
    wanted = sorted(set(codepoints))
    forms = src.forms() if any(cp in ZHS_FORMS for cp in wanted) else {}
    cmap = src.cmap
    mapping = {cp: forms.get(cmap[cp], cmap[cp]) if cp in ZHS_FORMS else cmap[cp] for cp in wanted if cp in cmap}
    order = [".notdef", *sorted(set(mapping.values()), key=font.getGlyphID)]
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        src.glyph_set[name].draw(Cu2QuPen(pen, max_err=1, reverse_direction=True))
        glyphs[name] = pen.glyph()

    fb = FontBuilder(font["head"].unitsPerEm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(mapping)
    fb.setupGlyf(glyphs)
    glyf = fb.font["glyf"]
    hmtx = font["hmtx"]
    # A TrueType lsb must equal the glyph's xMin, which the quadratic outline may move slightly.
    fb.setupHorizontalMetrics({n: (hmtx[n][0], getattr(glyf[n], "xMin", 0)) for n in order})
    for tag in ("head", "hhea", "OS/2", "name", "post"):
        fb.font[tag] = copy.deepcopy(font[tag])  # saving sets their summary fields: the source keeps its own
    _trim_names(fb.font["name"])
    fb.font["head"].glyphDataFormat = 0
    fb.font["post"].formatType = 3.0
    fb.setupMaxp()
    fb.font.recalcTimestamp = False
    out = io.BytesIO()
    fb.font.save(out)
    conversion_count += 1
    glyphs_converted += len(order)
    return out.getvalue()


class _Opened:
    """A CFF face opened for conversion, with its character map and glyphs (read lazily)."""

    def __init__(self, path: Path, index: int) -> None:
        from fontTools.ttLib import TTFont

        self.font = TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False)
        self.cmap = {cp: g for cp, g in (self.font.getBestCmap() or {}).items() if g != ".notdef"}
        self.glyph_set = self.font.getGlyphSet()
        self._forms: dict[str, str] | None = None

    def forms(self) -> dict[str, str]:
        if self._forms is None:
            self._forms = _zhs_forms(self.font)
        return self._forms


# Faces kept open by this process, keyed by the file's identity: a watch process converts the
# characters a save brings, and opening a CJK face (its character map and CFF index) takes ~0.5 s.
_OPENED: dict[tuple[str, int, int, int], _Opened] = {}
OPENED_KEPT = 4


def _opened(path: Path, index: int) -> _Opened:
    st = path.stat()
    key = (str(path), index, st.st_size, st.st_mtime_ns)
    found = _OPENED.pop(key, None)
    if found is None:
        for stale in [k for k in _OPENED if k[:2] == key[:2]]:  # the file changed: its old face goes
            _OPENED.pop(stale).font.close()
        found = _Opened(path, index)
        while len(_OPENED) >= OPENED_KEPT:
            _OPENED.pop(next(iter(_OPENED))).font.close()
    _OPENED[key] = found  # the most recently used last
    return found


def _zhs_forms(font: Any) -> dict[str, str]:  # a fontTools TTFont
    """Glyph → its Simplified Chinese form: the single substitutions of the font's 'locl' feature for
    script 'hani', language 'ZHS ' (empty when the font has none)."""
    if "GSUB" not in font:
        return {}
    table = font["GSUB"].table
    if not (table.ScriptList and table.FeatureList and table.LookupList):
        return {}
    out: dict[str, str] = {}
    for script in table.ScriptList.ScriptRecord:
        if script.ScriptTag != "hani":
            continue
        for lang in script.Script.LangSysRecord:
            if lang.LangSysTag != "ZHS ":
                continue
            for index in lang.LangSys.FeatureIndex:
                feature = table.FeatureList.FeatureRecord[index]
                if feature.FeatureTag != "locl":
                    continue
                for lookup_index in feature.Feature.LookupListIndex:
                    for sub in table.LookupList.Lookup[lookup_index].SubTable:
                        sub = getattr(sub, "ExtSubTable", sub)  # an extension lookup wraps the real one
                        for glyph, form in (getattr(sub, "mapping", None) or {}).items():  # type 1 only
                            out.setdefault(glyph, form)
    return out


def _trim_names(table: Any) -> None:  # a fontTools name table
    """Only the names a PDF needs: IDs 0–6 (copyright, family, style, unique ID, full name, version,
    PostScript name) in English. ReportLab copies the name table into every 256-glyph subset it
    embeds: the 2 KB of Noto CJK's (licence text, names in five languages) cost a PDF 5 KB."""

    def english(record: Any) -> bool:
        return (record.platformID, record.langID) in ((3, 0x409), (1, 0)) or record.platformID == 0

    kept = [r for r in table.names if r.nameID <= 6 and english(r)]
    for needed in (1, 6):  # a face without English names keeps its own
        if not any(r.nameID == needed for r in kept):
            kept += [r for r in table.names if r.nameID == needed][:1]
    table.names = kept
