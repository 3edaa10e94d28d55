"""The lines of a PDF as pypdf extracts them, with where they start and the fonts they use.

pypdf reports each text object with the position where it starts; a line of our PDFs is one or a few
text objects on one baseline. Objects on one baseline far apart (the masthead's date, two contacts on
one line) are kept as separate cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jianbao.errors import ManuscriptError
from jianbao.script import is_cjk

PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")


@dataclass
class Piece:
    text: str
    bold: bool
    face: str  # serif, sans (黑体), kai (楷体), fang (仿宋)


@dataclass
class Cell:
    x: float
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass
class Line:
    page: int
    y: float  # baseline, pt from the page's bottom
    size: float
    cells: list[Cell] = field(default_factory=list)  # text objects far apart are separate cells
    objects: list[Cell] = field(default_factory=list)  # every text object on its own (the masthead's pieces)

    @property
    def x(self) -> float:
        return self.cells[0].x

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.cells)

    @property
    def pieces(self) -> list[Piece]:
        return [p for c in self.cells for p in c.pieces]


def _face(name: str) -> str:
    lowered = name.lower()
    if "kai" in lowered or "楷" in name:
        return "kai"
    if "sans" in lowered or "hei" in lowered or "黑" in name:
        return "sans"
    if "fang" in lowered or "仿" in name:
        return "fang"
    return "serif"


def _width(text: str, size: float) -> float:
    return sum(size if is_cjk(c) or ord(c) > 0x2000 else size * 0.55 for c in text)


def read_lines(path: Path, shown: str) -> tuple[list[Line], tuple[str, ...]]:
    """Every text line of the PDF in reading order (page by page, top to bottom), and its keywords."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        reader = PdfReader(str(path))
        pages = list(reader.pages)
        metadata = reader.metadata
    except (OSError, ValueError, PyPdfError) as exc:
        raise ManuscriptError(f"{shown}：不是可读的 PDF 文件（{exc}）") from exc
    keywords: tuple[str, ...] = ()
    raw_keywords = metadata.get("/Keywords") if metadata is not None else None
    if raw_keywords:
        keywords = tuple(k.strip() for k in re.split(r"[,，;；]", str(raw_keywords)) if k.strip())
    lines: list[Line] = []
    for number, page in enumerate(pages):
        found: dict[float, list[tuple[float, float, Piece]]] = {}

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, found: Any = found) -> None:
            if not text.strip("\n"):
                return
            scale = abs(cm[3]) or 1.0
            y = round(tm[5] * cm[3] + cm[5], 0)
            x = tm[4] * cm[0] + cm[4]
            name = str((font or {}).get("/BaseFont", "")).split("+")[-1]
            found.setdefault(y, []).append((x, size * scale * abs(tm[3] or 1.0),
                                            Piece(text.replace("\n", ""), "bold" in name.lower(), _face(name))))

        try:
            page.extract_text(visitor_text=visit)
        except Exception as exc:
            raise ManuscriptError(f"{shown}：第 {number + 1} 页的文字无法读取（{exc}）") from exc
        for y in sorted(found, reverse=True):
            items = found[y]
            line = Line(number, y, max(size for _, size, _ in items))
            end = -1e9
            last_x = None
            for x, size, piece in items:
                if not piece.text:
                    continue
                if last_x is None or (x != last_x and x > end + 1.5 * size):
                    line.cells.append(Cell(x))
                    end = x
                elif x != last_x:
                    end = max(end, x)
                if x != last_x:
                    last_x = x
                    line.objects.append(Cell(x))
                line.cells[-1].pieces.append(piece)
                line.objects[-1].pieces.append(piece)
                end += _width(piece.text, size)
            if line.cells and not PAGE_NUMBER.match(line.text.strip()):
                lines.append(line)
    return lines, keywords
