"""A ReportLab TrueType font that keeps the font program it last embedded.

On saving a PDF, ReportLab cuts each registered font down to the characters the document used
(``TTFont.makeSubset``) and compresses the result: a third of a save's time for an issue. A watch
loop saves the same issue again after every edit, with the same fonts and, unless the edit brought
new characters, the same subsets. This class keeps the last subset made for each subset of codes
and its compressed bytes, keyed by the code list and the program's bytes: what it returns is
exactly what ReportLab would compute, so the PDF is byte-identical. A single build gains nothing
and loses nothing (one entry per subset).
"""

from __future__ import annotations

import zlib
from typing import Any

_CLASS: type | None = None


def kept_subsets_font() -> type:
    """``reportlab.pdfbase.ttfonts.TTFont`` with the memory described above (made on first use, so that
    importing this module does not import ReportLab)."""
    global _CLASS
    if _CLASS is None:
        _CLASS = _make_class()
    return _CLASS


def _make_class() -> type:
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import TTFont

    class KeptCompress:
        """ReportLab's Flate filter (``pdfdoc.PDFZCompress``), remembering its last input and output."""

        pdfname = pdfdoc.PDFZCompress.pdfname

        def __init__(self) -> None:
            self.last: tuple[bytes, bytes] | None = None

        def encode(self, data: bytes | str) -> bytes:
            if isinstance(data, str):
                data = data.encode("utf8")
            if self.last is None or self.last[0] != data:
                self.last = (data, zlib.compress(data))
            return self.last[1]

        def decode(self, encoded: bytes) -> bytes:
            return zlib.decompress(encoded)

    class KeptSubsetsTTFont(TTFont):  # type: ignore[misc]
        """The face (``self.face``, a TTFontFace) makes and embeds the subsets; its two methods are
        wrapped on this font's own face object."""

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
                    if len(subsets) > 8:  # subsets of earlier versions of the issue
                        subsets.clear()
                        compress.clear()
                    data = subsets[key] = make(subset)
                return data

            def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
                descriptor = add(doc, fontname, subset)
                stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
                if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
                    stream.filters = [compress.setdefault(tuple(subset), KeptCompress())]
                return descriptor

            face.makeSubset = make_subset
            face.addSubsetObjects = add_subset_objects

    return KeptSubsetsTTFont
