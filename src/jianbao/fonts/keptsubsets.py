"""A ReportLab TrueType font that keeps the font program it last embedded.

On saving a PDF, ReportLab cuts each registered font down to the characters the document used
(``TTFont.makeSubset``) and compresses the result: a third of a save's time for an issue. A watch
loop saves the same issue again after every edit, with the same fonts and, unless the edit brought
new characters, the same subsets. This class keeps the last subset made for each subset of codes
and its compressed bytes, keyed by the code list and the program's bytes, and likewise each
subset's font dictionary parts that depend on nothing else: its widths array (formatted) and its
ToUnicode map (compressed). What it returns is exactly what ReportLab would compute, so the PDF is
byte-identical.

A single build compresses every subset once (about 300 KB for an issue: ~10 ms, a twentieth of a
cold build). When the font was registered from the font cache (``memo``, the cached font's path),
the compressed subset is also kept beside it in the cache, under the subset's codes and zlib's
version, with the SHA-256 of the bytes it compresses: a later build of the same issue reads it
back instead of compressing again, but only when the bytes to compress are the very same. The
font cache's clean-up removes it with the font (same name prefix).
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path
from typing import Any

_CLASS: type | None = None

# Set on a ReportLab PDFDocument by render.assemble (which writes a warm build's PDF): the subsets'
# objects may then be registered already formatted, as kept by an earlier document (see addObjects).
KEEP_FORMATTED = "_jianbao_keep_formatted"


def kept_subsets_font() -> type:
    """``reportlab.pdfbase.ttfonts.TTFont`` with the memory described above (made on first use, so that
    importing this module does not import ReportLab)."""
    global _CLASS
    if _CLASS is None:
        _CLASS = _make_class()
    return _CLASS


def _make_class() -> type:
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

    class KeptCompress:
        """ReportLab's Flate filter (``pdfdoc.PDFZCompress``), remembering its last input and output
        (and, with ``memo``, keeping the output in the font cache)."""

        pdfname = pdfdoc.PDFZCompress.pdfname
        stream_key = ("KeptCompress", pdfname)  # its output is zlib.compress of its input (render.assemble)

        def __init__(self, memo: Path | None = None) -> None:
            self.last: tuple[bytes, bytes] | None = None
            self.memo = memo

        def encode(self, data: bytes | str) -> bytes:
            if isinstance(data, str):
                data = data.encode("utf8")
            if self.last is None or self.last[0] != data:
                self.last = (data, compressed(data, self.memo))
            return self.last[1]

        def decode(self, encoded: bytes) -> bytes:
            return zlib.decompress(encoded)

    class FormattedArray(pdfdoc.PDFObject):  # type: ignore[misc]
        """A PDF array of numbers, formatted once (numbers format the same in every document)."""

        doc_independent = True  # render.assemble may key it by its bytes

        def __init__(self, numbers: list[int]) -> None:
            self.array = pdfdoc.PDFArray(numbers)
            self.formatted: bytes | None = None

        def format(self, document: Any) -> bytes:
            if self.formatted is None:
                self.formatted = self.array.format(document)
            return self.formatted

    class Formatted(pdfdoc.PDFObject):  # type: ignore[misc]
        """A top-level PDF object whose bytes are known."""

        __RefOnly__ = 1
        preformatted = True  # render.assemble takes its body as it is

        def __init__(self, body: bytes) -> None:
            self.body = body

        def format(self, document: Any) -> bytes:
            return self.body

    class KeptSubsetsTTFont(TTFont):  # type: ignore[misc]
        """The face (``self.face``, a TTFontFace) makes and embeds the subsets; its two methods are
        wrapped on this font's own face object."""

        memo: Path | None = None  # the cached font it was read from (set by fonts.embed)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            face = self.face
            make, add = face.makeSubset, face.addSubsetObjects
            subsets: dict[tuple[int, ...], bytes] = {}
            compress: dict[tuple[int, ...], KeptCompress] = {}

            def make_subset(subset: list[int]) -> bytes:
                key = tuple(subset)
                data = subsets.get(key)
                if data is None:
                    if len(subsets) > 64:  # subsets of earlier versions of the issue (an issue has a dozen)
                        subsets.clear()
                        compress.clear()
                    data = subsets[key] = make(subset)
                return data

            def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
                descriptor = add(doc, fontname, subset)
                stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
                if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
                    key = tuple(subset)
                    if key not in compress:
                        compress[key] = KeptCompress(memo_path(self.memo, subset))
                    stream.filters = [compress[key]]
                return descriptor

            face.makeSubset = make_subset
            face.addSubsetObjects = add_subset_objects
            # (subset name, codes) → its widths and ToUnicode map, as ReportLab makes them
            self._kept_parts: dict[tuple[str, tuple[int, ...]], tuple[Any, str, KeptCompress]] = {}
            # a subset's four objects (ToUnicode map, font program, descriptor, font), formatted: see addObjects
            self._kept_objects: dict[tuple[object, ...], tuple[bytes, bytes, bytes, bytes]] = {}

        def addObjects(self, doc: Any) -> None:
            """``TTFont.addObjects`` (ReportLab 5.1), with each subset's widths and ToUnicode map kept.

            For a document marked with ``KEEP_FORMATTED``, a subset's four objects are also kept
            formatted, keyed by all they are made of: the subset's codes and name (this font's
            program, widths and ToUnicode map for them), the font's name in the document, the
            numbers the objects get (the objects refer to each other by number), whether the
            document compresses, and ReportLab's layout setting for dictionaries. A later document
            with the same key gets the kept bytes, registered under the same names in the same
            order (so with the same numbers), instead of the objects being made and formatted."""
            try:
                state = self.state[doc]
            except KeyError:
                state = self.state[doc] = TTFont.State(self._asciiReadable)
            state.frozen = 1
            kept_parts = self._kept_parts
            if len(kept_parts) > 64:  # subsets of earlier versions of the issue
                kept_parts.clear()
            kept_objects = self._kept_objects if getattr(doc, KEEP_FORMATTED, False) else None
            if kept_objects is not None and len(kept_objects) > 64:
                kept_objects.clear()
            for n, subset in enumerate(state.subsets):
                internal_name = self.getSubsetInternalName(n, doc)[1:]
                base_font_name = (b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))).decode("pdfdoc")
                if kept_objects is not None:
                    names = ("toUnicodeCMap:" + base_font_name, f"fontFile:{self.face.filename}({base_font_name})",
                             "fontDescriptor:" + base_font_name, internal_name)
                    objects_key = (base_font_name, tuple(subset), internal_name, doc.objectcounter,
                                   bool(doc.compression), rl_config.pdfMultiLine)
                    bodies = kept_objects.get(objects_key)
                    if bodies is not None:
                        formatted = [Formatted(body) for body in bodies]
                        for obj, name in zip(formatted, names, strict=True):
                            doc.Reference(obj, name)
                        doc.idToObject["BasicFonts"].dict[internal_name] = formatted[3]
                        continue
                pdf_font = pdfdoc.PDFTrueTypeFont()
                pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
                pdf_font.Name = internal_name
                pdf_font.BaseFont = base_font_name
                pdf_font.FirstChar = 0
                pdf_font.LastChar = len(subset) - 1
                key = (base_font_name, tuple(subset))
                parts = kept_parts.get(key)
                if parts is None:
                    parts = kept_parts[key] = (FormattedArray(list(map(self.face.getCharWidth, subset))),
                                               makeToUnicodeCMap(base_font_name, subset), KeptCompress())
                pdf_font.Widths = parts[0]
                cmap_stream = pdfdoc.PDFStream()
                cmap_stream.content = parts[1]
                if doc.compression:
                    cmap_stream.filters = [parts[2]]
                pdf_font.ToUnicode = doc.Reference(cmap_stream, "toUnicodeCMap:" + base_font_name)
                pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
                doc.Reference(pdf_font, internal_name)
                doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
                if kept_objects is not None:  # every object they refer to has its number now
                    kept_objects[objects_key] = tuple(  # type: ignore[assignment]
                        bytes(pdfdoc.format(doc.idToObject[name], doc, 1)) for name in names)
            del self.state[doc]

    return KeptSubsetsTTFont


def memo_path(font: Path | None, subset: list[int]) -> Path | None:
    """Where the compressed subset of the cached font at ``font`` is kept (None: not kept)."""
    if font is None:
        return None
    codes = hashlib.sha256(",".join(map(str, subset)).encode()).hexdigest()[:16]
    return font.with_name(f"{font.name}.{codes}.zlib-{zlib.ZLIB_RUNTIME_VERSION}.flate")


def compressed(data: bytes, memo: Path | None) -> bytes:
    """``zlib.compress(data)``, read from ``memo`` when it holds the compression of these very bytes
    (by zlib of this version), else computed and kept there."""
    if memo is None:
        return zlib.compress(data)
    from jianbao.fonts.cache import Cache

    cache = Cache(memo.parent)
    digest = hashlib.sha256(data).digest()
    kept = cache.read(memo)  # None when absent or damaged (checked against its own SHA-256)
    if kept is not None and kept[:32] == digest:
        return kept[32:]
    out = zlib.compress(data)
    cache.write(memo, digest + out)
    return out
