"""Reading our PDFs the way a user's viewer does (pypdfium2) and the way archives do (pypdf)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float  # left of the glyph box, pt from the page's left edge
    baseline: float  # pt from the page's top edge
    size: float
    fill: tuple[int, int, int, int]


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def body_text(path: Path) -> str:
    """All text without whitespace and without the page-number lines."""
    out = []
    for text in page_texts(path):
        for line in text.splitlines():
            if PAGE_NUMBER.match(line.strip()):
                continue
            out.append(re.sub(r"\s+", "", line))
    return "".join(out)


def glyphs(path: Path, page_index: int) -> list[Glyph]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_index]
        height = page.get_height()
        tp = page.get_textpage()
        out = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if not ch.strip():
                continue
            origin = pdfium.raw.FPDFText_GetCharOrigin
            import ctypes

            x, y = ctypes.c_double(), ctypes.c_double()
            origin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
            size = pdfium.raw.FPDFText_GetFontSize(tp.raw, i)
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            pdfium.raw.FPDFText_GetFillColor(tp.raw, i, *(ctypes.byref(v) for v in (r, g, b, a)))
            out.append(Glyph(ch, x.value, height - y.value, size, (r.value, g.value, b.value, a.value)))
        return out
    finally:
        pdf.close()
