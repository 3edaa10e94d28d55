"""The 发文登记 page as a clerk sees it in headless Chromium: at 1200 px no 期号 wraps and nothing is cut
off, and printed it is A4 landscape with every row whole.

Skipped, with the reason, where Chromium is not installed (``./bootstrap test`` installs it).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from browser import layout, missing, open_browser
from conftest import ROOT, make_issue

pytestmark = pytest.mark.skipif(missing() is not None, reason=missing() or "")

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """out/index.html of a year of issues as offices write them: the reference issue and five
    generated ones (报/送/发 lines, print runs, 总期号, editions), bound into a volume."""
    project = tmp_path_factory.mktemp("record")
    shutil.copytree(ROOT / "content", project / "content")  # the built-in layout and fonts serve it
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate_issues import generate
    finally:
        sys.path.pop(0)
    generate(5, project / "content", seed=14, start_year=2018)
    third = project / "content" / "2018-03.yaml"  # values longer than any column is wide
    text = re.sub(r"(?m)^edition: .*\n", "", third.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^(year: 2018)$", r"\1\nedition: 纪念改革开放四十周年暨商会成立七十周年特刊", text)
    text = re.sub(r"(?m)^(    - 编辑: ).*$", r"\1市工商联办公室综合信息科与宣传教育处全体同志", text)
    third.write_text(text, encoding="utf-8")
    result = make_issue("--volume", "2018", cwd=project)
    assert result.returncode == 0, result.stderr
    page = project / "out" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "七十周年特刊" in html and "宣传教育处全体同志" in html
    return page


def test_at_1200_px_no_issue_number_wraps_and_nothing_is_cut_off(record: Path) -> None:
    with open_browser(1200) as context:
        found = layout(context, record.as_uri())
    assert found["view"] == 1200
    assert [text for text, _ in found["ids"]] == [f"2018年第{n}期" for n in range(1, 7)]
    assert [text for text, lines in found["ids"] if lines != 1] == []
    assert found["wrapped"] == [], "headers, dates, numbers and checksums stay on one line"
    assert found["shortWrapped"] == [], "names and editions of up to four characters stay on one line"
    assert found["overflowing"] == [] and found["pageWidth"] <= 1200 and found["tableRight"] <= 1200, found


def test_printed_on_a4_landscape_every_page_and_row_is_whole(record: Path, tmp_path: Path) -> None:
    with open_browser(1200) as context:
        printable = round((297 - 2 * 10) / 25.4 * 96)  # the print stylesheet's page less its margins, CSS px
        found = layout(context, record.as_uri(), media="print", width=printable)
        assert found["view"] == printable and found["overflowing"] == [] and found["wrapped"] == [], found
        assert found["shortWrapped"] == [], found
        page = context.new_page()
        page.goto(record.as_uri())
        page.evaluate("document.fonts.ready")
        pdf = tmp_path / "record.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    reader = PdfReader(pdf)
    for p in reader.pages:
        width, height = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(width - 297 * MM) < 1 and abs(height - 210 * MM) < 1, (width / MM, height / MM)
    document = pdfium.PdfDocument(pdf)
    pages = [re.sub(r"\s+", "", document[i].get_textpage().get_text_range()) for i in range(len(document))]
    assert len(pages) >= 2 and all("期号总期号版别印发日期" in p for p in pages), "the header on every page"
    text = "".join(pages)
    html = record.read_text(encoding="utf-8")
    checksums = re.findall(r'title="([0-9a-f]{64})"', html)
    assert len(checksums) == 6
    for sha in checksums:  # printed in full
        assert sha in text, f"{sha}: a checksum is missing from the printout (cut off at the right?)"
    for n in range(1, 7):
        assert f"2018年第{n}期" in text
    assert "工商联信息》发文登记" in text and "签发" in text and "报/送/发单位" in text
