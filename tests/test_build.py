"""The reference issue end to end: what the office prints and archives."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REFERENCE, ROOT, SHARED, make_issue
from pdftext import body_text, glyphs, page_texts

A4 = (595.28, 841.89)
MM = 72 / 25.4


def reference_lines() -> list[str]:
    """Each non-empty line of the printed copy's text, Markdown stripped, whitespace removed."""
    out = []
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
        line = re.sub(r"\[([^\]]+)\]\(#?\)", r"\1", line)
        line = re.sub(r"^- ", "", line.strip())
        line = re.sub(r"\s+", "", line)
        if line:
            out.append(line)
    return out


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared reference text (../shared) not present")
def test_every_reference_paragraph_is_in_the_pdf(built_pdf: Path) -> None:
    text = body_text(built_pdf)
    missing = [line for line in reference_lines() if line not in text]
    assert not missing, f"{len(missing)} reference lines missing, first: {missing[:3]}"


def test_pages_are_a4_portrait(built_pdf: Path) -> None:
    reader = PdfReader(built_pdf)
    assert len(reader.pages) >= 8
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1


def _fonts(reader: PdfReader) -> dict[str, dict]:
    found = {}
    for page in reader.pages:
        for _name, ref in page["/Resources"].get("/Font", {}).items():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def test_every_font_is_an_embedded_subset_with_tounicode(built_pdf: Path) -> None:
    fonts = _fonts(PdfReader(built_pdf))
    assert fonts
    for base, font in fonts.items():
        assert re.match(r"^/[A-Z]{6}\+", base), f"{base} is not a subset"
        desc = font["/FontDescriptor"].get_object()
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{base} not embedded"
        assert "/ToUnicode" in font, f"{base} has no ToUnicode"
    assert not any("Helvetica" in b for b in fonts)


def test_metadata_describes_the_issue(built_pdf: Path) -> None:
    reader = PdfReader(built_pdf)
    info = reader.metadata
    assert info.title == "工商联信息 2018年第6期（专刊）"
    assert "嘉兴市工商业联合会" in info.author and "嘉兴市总商会" in info.author
    assert "市委常委会专题听取市工商联工作情况汇报" in info.subject
    assert info["/CreationDate"].startswith("D:20180413")
    assert str(reader.trailer["/Root"]["/Lang"]) == "zh-CN"


def test_outline_has_articles_and_level_one_headings(built_pdf: Path) -> None:
    outline = PdfReader(built_pdf).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == [
        "市委常委会专题听取市工商联工作情况汇报",
        "市工商联召开所属商协会党组织党建工作会议",
        "在市工商联所属商协会党组织党建工作会议上的讲话摘要",
    ]
    children = [item for item in outline if isinstance(item, list)]
    assert [c.title for c in children[-1]] == [
        "一、全面加强党的领导，旗帜鲜明讲政治",
        "二、围绕党委中心任务，聚心聚力促发展",
        "三、大力弘扬红船精神，增强活力立潮头",
    ]


def test_build_is_byte_reproducible(built_pdf: Path, tmp_path: Path) -> None:
    result = make_issue("2018-06", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "2018-06.pdf").read_bytes() == built_pdf.read_bytes()


def test_an_empty_font_cache_gives_the_same_pdf(built_pdf: Path, tmp_path: Path) -> None:
    """Whatever the cache holds (or not), the archive copy can be rebuilt to the same bytes."""
    result = make_issue("2018-06", "--out", str(tmp_path / "out"), env={"JIANBAO_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "2018-06.pdf").read_bytes() == built_pdf.read_bytes()


def test_page_numbers_on_the_outer_side(built_pdf: Path) -> None:
    texts = page_texts(built_pdf)
    for index in range(len(texts)):
        n = index + 1
        marks = [g for g in glyphs(built_pdf, index) if g.baseline > A4[1] - 99.21 + 5]
        number = "".join(g.char for g in marks if g.char.isdigit())
        assert number == str(n), f"page {n}: {number!r}"
        left = min(g.x for g in marks)
        right = max(g.x for g in marks)
        if n % 2:
            assert left > A4[0] / 2, f"page {n} number should be on the right"
            assert right < 28 * MM + 156 * MM
        else:
            assert right < A4[0] / 2, f"page {n} number should be on the left"
            assert left > 28 * MM


def test_masthead_is_red_and_body_is_black(built_pdf: Path) -> None:
    first = glyphs(built_pdf, 0)
    red = [g for g in first if g.fill[0] > 200 and g.fill[1] < 120 and g.fill[2] < 120]
    assert "".join(g.char for g in red).startswith("工商联信息")
    second = glyphs(built_pdf, 1)
    assert all(max(g.fill[:3]) < 60 for g in second)  # CMYK K100 renders as near-black


def test_body_text_stays_inside_the_text_block(built_pdf: Path) -> None:
    left, right = 28 * MM, (28 + 156) * MM
    for index in range(len(page_texts(built_pdf))):
        for g in glyphs(built_pdf, index):
            assert g.x >= left - 0.5, (index + 1, g)
            assert g.x + g.size * 0.5 <= right + 0.5, (index + 1, g)


FORBIDDEN_START = set("，。、；：？！”’）》〉」』】")
FORBIDDEN_END = set("“‘（《〈「『【")


def _lines(path: Path, index: int) -> list[str]:
    rows: dict[int, list] = {}
    for g in glyphs(path, index):
        rows.setdefault(round(g.baseline), []).append(g)
    return ["".join(g.char for g in sorted(r, key=lambda g: g.x)) for _, r in sorted(rows.items())]


def test_no_line_starts_or_ends_with_a_forbidden_mark(built_pdf: Path) -> None:
    for index in range(len(page_texts(built_pdf))):
        for line in _lines(built_pdf, index):
            assert line[0] not in FORBIDDEN_START, (index + 1, line)
            assert line[-1] not in FORBIDDEN_END, (index + 1, line)


PDFCHECK = SHARED / "tools" / "pdfcheck"
MUST_PASS = [
    "geometry.page_size", "text.extractable", "fidelity.text", "fonts.embedded", "fonts.tounicode",
    "kinsoku", "justify.right_edge", "justify.left_edge", "metadata.title", "metadata.outline",
    "colour.red_masthead", "page_numbers.present", "page_numbers.position", "geometry.left",
    "geometry.width", "geometry.top_margin", "lines.chars_per_line", "lines.pitch_uniform",
]


@pytest.mark.skipif(not PDFCHECK.exists() or shutil.which("bash") is None, reason="shared pdfcheck not present")
def test_shared_checker_finds_no_failure(built_pdf: Path) -> None:
    """The shared GB/T 9704 + clreq checker passes the checks the foundation issue lists."""
    proc = subprocess.run(
        [str(PDFCHECK), str(built_pdf), "--reference", str(REFERENCE), "--json"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    status = {c["id"]: (c["status"], c["detail"]) for c in report["checks"]}
    failed = {k: status[k] for k in MUST_PASS if status[k][0] not in ("PASS", "WARN")}
    assert not failed, failed
    # page make-up (issue 3): full pages, no widows/orphans/stranded headings, no lone last characters,
    # no mid-line mark squeezed
    strict = ["lines.short_pages", "lines.page_breaks", "lines.single_char_last", "punct.midline_squeezed", "kinsoku"]
    not_passed = {k: status[k] for k in strict if status[k][0] != "PASS"}
    assert not not_passed, not_passed


def test_bold_lead_is_synthesised_when_the_face_has_no_bold(project_copy: Path) -> None:
    """An office whose 仿宋 has no bold weight (仿宋_GB2312) still gets bold lead sentences."""
    config = project_copy / "fonts" / "fonts.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "fangsong-bold:\n", 'fangsong-bold:\n  - {family: "LXGW WenKai"}\n', 1
        ),
        encoding="utf-8",
    )
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    pdf = project_copy / "out" / "2018-06.pdf"
    streams = b"".join(page.get_contents().get_data() for page in PdfReader(pdf).pages)
    assert b" 2 Tr" in streams or b"\n2 Tr" in streams  # fill + stroke
    assert "一是强化政治属性。" in body_text(pdf)  # drawn once, extracted once


def test_the_suite_uses_a_private_font_cache(private_font_cache: Path, tmp_path: Path) -> None:
    """conftest's promise: a build run by a test fills the test run's own cache, never ~/.cache."""
    result = make_issue("2018-06", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert any(private_font_cache.rglob("*")), "the build did not use the private cache"
    from jianbao.fonts.cache import default_cache_dir

    assert default_cache_dir() == private_font_cache
