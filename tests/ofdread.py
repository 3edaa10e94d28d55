"""Reading our OFD files with an independent reader (easyofd, PyPI) and setting them beside the PDF.

easyofd parses an OFD package into pages of text objects (box, font, size, X/Y of the first glyph,
DeltaX) and draws them into a PDF of its own with ReportLab. We use both halves as they are:

- :func:`reader_glyphs` — each character where easyofd places it, computed by easyofd's own
  position code (``DrawPDF.cmp_offset``) from what its parser read;
- :func:`reader_pdf` — easyofd's drawing of the OFD, made in a process of its own. easyofd draws
  every text object in a font it calls 宋体 (SimSun), which a Linux machine does not have (it then
  falls back to Helvetica, which has no Chinese); we let it draw each object in the font it
  extracted from our package and registered itself, and change nothing else.

Positions are compared in millimetres from the page's top left corner, as OFD measures.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Placed:
    char: str
    x: float  # mm from the left edge: the glyph's origin, or the left of its box
    y: float  # mm from the top edge: the baseline, or the top of its box


@contextlib.contextmanager
def _in(directory: Path) -> Iterator[None]:
    """easyofd unpacks into (and writes font files to) the current directory."""
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def parse(path: Path, workdir: Path) -> list[dict[str, Any]]:
    """easyofd's parse of the package: one dict per document (pages, fonts, sizes)."""
    from easyofd.parser_ofd import OFDParser

    with _in(workdir):
        return OFDParser(base64.b64encode(path.read_bytes()).decode())()


def reader_glyphs(doc: dict[str, Any]) -> list[list[Placed]]:
    """Every non-blank character of every page where easyofd puts its origin (mm, top left)."""
    from easyofd.draw.draw_pdf import DrawPDF

    positions = DrawPDF.cmp_offset
    pages = []
    for number in sorted(doc["page_info"]):
        out = []
        for obj in doc["page_info"][number]["text_list"]:
            xs = positions(None, obj["pos"][0], obj["X"], obj["DeltaX"], obj["text"], {}, dire="X")
            ys = positions(None, obj["pos"][1], obj["Y"], obj["DeltaY"], obj["text"], {}, dire="Y")
            for i, ch in enumerate(obj["text"]):
                if ch.strip():
                    out.append(Placed(ch, xs[i], ys[i] if i < len(ys) else ys[-1]))
        pages.append(out)
    return pages


def reader_pdf(ofd: Path, workdir: Path) -> bytes:
    """easyofd's own drawing of the OFD as a PDF (in its unit: 1 mm = 200/25.4 pt).

    Drawn in a process of its own: easyofd registers the fonts it finds with ReportLab, and in a
    process where fonts of the same face were registered before (another test's build), ReportLab
    would hand it one of those instead."""
    target = workdir / "easyofd.pdf"
    done = subprocess.run([sys.executable, __file__, str(ofd), str(target)], cwd=workdir, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return target.read_bytes()


def _draw(ofd: Path, target: Path) -> None:
    from easyofd.draw.draw_pdf import DrawPDF

    class EmbeddedFonts(DrawPDF):  # type: ignore[misc]
        def draw_chars(self, canvas: Any, text_list: list, fonts: dict, page_size: list, drawparams: dict) -> None:
            for obj in text_list:
                registered = Path(fonts.get(obj["font"], {}).get("FontFile", "")).stem  # as easyofd registered it
                super().draw_chars(_FontAs(canvas, registered), [obj], fonts, page_size, drawparams)

    target.write_bytes(EmbeddedFonts(parse(ofd, Path.cwd()))())


class _FontAs:
    """The canvas, but setFont uses the given font (easyofd asks for 宋体 each time)."""

    def __init__(self, canvas: Any, font: str) -> None:
        self._canvas = canvas
        self._font = font

    def setFont(self, name: str, size: float, *args: Any) -> None:  # ReportLab's name
        self._canvas.setFont(self._font, size, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._canvas, name)


# --- the PDF side ----------------------------------------------------------------------------------


def pdf_origins(pdf: pdfium.PdfDocument, index: int, unit: float = MM_PER_PT) -> list[Placed]:
    """Every non-blank character of a PDF page at its origin (mm from the top left)."""
    page = pdf[index]
    height = page.get_height()
    tp = page.get_textpage()
    out = []
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if not ch.strip() or pdfium.raw.FPDFText_IsGenerated(tp.raw, i) == 1:
            continue
        pdfium.raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
        out.append(Placed(ch, x.value * unit, (height - y.value) * unit))
    return out


def pdf_boxes(pdf: pdfium.PdfDocument, index: int, unit: float = MM_PER_PT) -> list[Placed]:
    """Every non-blank character's glyph box (PdfTextPage.get_charbox): its left and top, in mm."""
    page = pdf[index]
    height = page.get_height()
    tp = page.get_textpage()
    out = []
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if not ch.strip() or pdfium.raw.FPDFText_IsGenerated(tp.raw, i) == 1:
            continue
        left, _bottom, _right, top = tp.get_charbox(i)
        out.append(Placed(ch, left * unit, (height - top) * unit))
    return out


def largest_gap(a: list[Placed], b: list[Placed]) -> float:
    """The largest distance (mm, x or y) between the same characters of two lists in the same order."""
    assert [p.char for p in a] == [p.char for p in b], _first_difference(a, b)
    return max((max(abs(p.x - q.x), abs(p.y - q.y)) for p, q in zip(a, b, strict=True)), default=0.0)


def _first_difference(a: list[Placed], b: list[Placed]) -> str:
    sa, sb = "".join(p.char for p in a), "".join(p.char for p in b)
    i = next((i for i, (x, y) in enumerate(zip(sa, sb, strict=False)) if x != y), min(len(sa), len(sb)))
    return f"text differs at {i}: {sa[max(0, i - 10):i + 20]!r} vs {sb[max(0, i - 10):i + 20]!r}"


if __name__ == "__main__":  # reader_pdf's process: python ofdread.py FILE.ofd OUT.pdf
    _draw(Path(sys.argv[1]), Path(sys.argv[2]))
