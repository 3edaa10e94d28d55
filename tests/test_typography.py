"""Chinese typography a reader notices: warnings for ASCII punctuation, quote marks and dashes in their cells,
Latin in the layout's Latin face."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from conftest import make_issue
from jianbao.compose.frames import Document, Metadata, Page
from jianbao.compose.linebreak import Line, Placed
from jianbao.compose.textset import Face, line_runs
from jianbao.fonts import convert
from jianbao.render.pdf import render_pdf
from pdftext import glyphs

MM = 72 / 25.4
LEFT = 28 * MM
CELL = 156 * MM / 28


def _edit(project: Path, old: str, new: str) -> None:
    source = project / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_ascii_punctuation_in_chinese_is_a_warning_with_the_full_width_form(project_copy: Path) -> None:
    _edit(project_copy, "4月4日，市委常委会专题听取", "4月4日,市委常委会(专题)听取")
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 0, result.stderr  # a warning, not an error
    assert "警告：中文中使用了半角标点“,”" in result.stderr and "应为全角“，”" in result.stderr
    assert "应为全角“（”" in result.stderr and "应为全角“）”" in result.stderr
    # the reference issue's own [ ] are reported with their place, and printed as typed
    assert "content/2018-06.yaml:39:41：警告：中文中使用了半角标点“[”" in result.stderr
    text = "".join(g.char for g in glyphs(project_copy / "out" / "2018-06.pdf", 0))
    assert "4月4日,市委常委会(专题)听取" in text


def test_urls_numbers_and_latin_brackets_are_not_flagged(project_copy: Path) -> None:
    result = make_issue("2018-06", cwd=project_copy)
    assert "http:" not in result.stderr and "0573-" not in result.stderr


def test_proportional_opening_quote_sits_against_the_text_it_opens(project_copy: Path) -> None:
    """LXGW WenKai (the 楷体 role) gives “ a Latin width: it is set at the right of its cell."""
    _edit(project_copy, "      - h1: 一、全面加强党的领导，旗帜鲜明讲政治",
          "      - h2: 一是“红船”精神\n      - h1: 一、全面加强党的领导，旗帜鲜明讲政治")
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    pdf = project_copy / "out" / "2018-06.pdf"
    for index in range(12):
        found = [g for g in glyphs(pdf, index) if g.char == "“"]
        line = [g for g in glyphs(pdf, index) if found and abs(g.baseline - found[0].baseline) < 0.5]
        if "".join(g.char for g in line).startswith("一是“红船”"):
            break
    else:
        raise AssertionError("heading not found")
    quote, red = line[2], line[3]
    # 2 cells of indent, 2 characters, then the quote's cell: its glyph ends where 红 begins
    assert abs(red.x - (LEFT + 5 * CELL)) < 0.3
    assert quote.x > LEFT + 4 * CELL + CELL / 3  # not at the left of its cell
    closing = line[5]
    assert abs(closing.x - (LEFT + 7 * CELL)) < 0.3  # a closing quote stays at the left of its cell


def _dash_boxes(pdf_bytes: bytes) -> list[tuple[float, float]]:
    """(left, right) of each — on the first page, from the glyph boxes a viewer computes."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        text = pdf[0].get_textpage()
        return [(box[0], box[2]) for i in range(text.count_chars()) if text.get_text_range(i, 1) == "—"
                for box in [text.get_charbox(i, loose=True)]]
    finally:
        pdf.close()


def test_a_dash_narrower_than_its_cell_is_stretched_to_fill_it() -> None:
    """—— is one 2-cell unit: a font whose — is narrower than a cell (Courier's is 0.6 em) has it
    stretched across its cell, so the pair ends where its second cell ends."""
    cell = 15.0
    glyphs_ = (Placed("甲", 0.0, cell, 0), Placed("—", cell, cell, 0), Placed("—", 2 * cell, cell, 0))
    line = Line(glyphs_, 3 * cell, True)
    out = io.BytesIO()
    items: list = []
    line_runs(items, line, 10.0, 50.0, [Face("Courier", 16.0, (0.0, 0.0, 0.0, 1.0))])
    render_pdf(Document(200, 100, Metadata("dash"), [Page(items)]), out)
    (a0, a1), (b0, b1) = _dash_boxes(out.getvalue())
    assert abs(a0 - (10 + cell)) < 0.05 and abs(b0 - (10 + 2 * cell)) < 0.05
    assert abs(a1 - b0) < 0.05 and abs(b1 - (10 + 3 * cell)) < 0.05  # no gap, flush with the cells


def test_the_chinese_form_of_the_em_dash_is_embedded() -> None:
    """Noto CJK maps — to a 0.89 em Latin dash and keeps the 1 em Chinese form for zh-Hans ('locl'):
    the converted font maps — to the Chinese form."""
    noto = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    if not noto.exists():
        pytest.skip("Noto Serif CJK not installed")
    font = TTFont(io.BytesIO(convert.convert_cff(noto, 2, [ord("—"), ord("中")])))
    upm = font["head"].unitsPerEm
    widths = {ch: font["hmtx"][font.getBestCmap()[ord(ch)]][0] / upm for ch in "—中"}
    assert widths == {"—": 1.0, "中": 1.0}
