"""make-issue --ofd: the OFD (GB/T 33190) written from the same pages as the PDF, read back by two
independent readers (easyofd, which also draws it, and ofdkit) and set beside the PDF as pdfium
reads it.

The figures the assertions rest on are printed (pytest -s shows them); docs/ofd.md quotes them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from conftest import ROOT, make_issue
from ofdread import largest_gap, parse, pdf_boxes, pdf_origins, reader_glyphs, reader_pdf

NS = {"ofd": "http://www.ofdspec.org/2016"}
TOLERANCE_MM = 0.1
READER_UNIT = 25.4 / 200  # easyofd draws 1 mm as 200/25.4 pt

pytest.importorskip("easyofd", reason="easyofd（OFD 阅读库）未安装：pip install -e '.[test]'")


def _build(project: Path, issue: str, out: Path) -> tuple[Path, Path]:
    result = make_issue(issue, "--ofd", "--root", str(project), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{issue}.ofd" in result.stdout  # the user is told where the OFD is
    return out / f"{issue}.pdf", out / f"{issue}.ofd"


@pytest.fixture(scope="session")
def issue_2018_06(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _build(ROOT, "2018-06", tmp_path_factory.mktemp("ofd-out"))


@pytest.fixture(scope="session")
def example_issue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """docs/example-issue.yaml (every field of the format) as content/2019-03.yaml of a project."""
    project = tmp_path_factory.mktemp("example-project")
    (project / "content").mkdir()  # the built-in layout and fonts serve it
    shutil.copy(ROOT / "docs" / "example-issue.yaml", project / "content" / "2019-03.yaml")
    return _build(project, "2019-03", project / "out")


@pytest.fixture(params=["2018-06", "2019-03"])
def built(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    return request.getfixturevalue("issue_2018_06" if request.param == "2018-06" else "example_issue")


def _xml(ofd: Path, name: str) -> ET.Element:
    with zipfile.ZipFile(ofd) as z:
        return ET.fromstring(z.read(name))


# --- the independent reader ------------------------------------------------------------------------


def test_reader_finds_the_pdfs_text_at_the_pdfs_places(
    built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """easyofd parses the package; on every page its characters are the PDF's characters, in the same
    order, and each stands where pdfium finds it in the PDF (origin, within 0.1 mm)."""
    pdf_path, ofd_path = built
    docs = parse(ofd_path, tmp_path_factory.mktemp("easyofd"))
    assert len(docs) == 1
    doc = docs[0]
    assert doc["default_page_size"] == [0.0, 0.0, 210.0, 297.0]  # A4 in mm
    pages = reader_glyphs(doc)
    pdf = pdfium.PdfDocument(str(pdf_path))
    assert len(pages) == len(pdf)
    gaps, chars = [], 0
    for i, placed in enumerate(pages):
        expected = pdf_origins(pdf, i)
        gaps.append(largest_gap(placed, expected))  # also asserts the same text in the same order
        chars += len(expected)
    print(f"\n{ofd_path.name}: easyofd read {chars} characters on {len(pages)} pages; "
          f"largest distance from the PDF's glyph origins {max(gaps):.5f} mm")
    assert max(gaps) < TOLERANCE_MM
    assert chars > 500


def test_reader_draws_the_fonts_we_embedded(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every font the text uses is in the package, and each holds a glyph for every character drawn
    with it: the OFD needs no font of the reading machine. The files are the subsets the build made
    for the PDF (its fonts are cut from them), as the font cache holds them."""
    from fontTools.ttLib import TTFont

    _, ofd_path = built
    doc = parse(ofd_path, tmp_path_factory.mktemp("easyofd"))[0]
    files = {fid: base64.b64decode(f["font_b64"]) for fid, f in doc["fonts"].items()}
    cmaps = {fid: TTFont(io.BytesIO(data)).getBestCmap() for fid, data in files.items()}
    for page in doc["page_info"].values():
        for obj in page["text_list"]:
            missing = [ch for ch in obj["text"] if ord(ch) not in cmaps[obj["font"]]]
            assert not missing, (obj["text"], missing)
    # the same files the build registered for the PDF: the subsets in the font cache
    from jianbao.fonts.cache import Cache, default_cache_dir

    cache = Cache(default_cache_dir())  # entries are sealed with a checksum: read them as the build does
    entries = (cache.read(p) for p in (default_cache_dir() / "ttf").glob("*.ttf"))
    cached = {hashlib.sha256(data).digest() for data in entries if data is not None}
    assert {hashlib.sha256(data).digest() for data in files.values()} <= cached


def test_reader_rendering_matches_the_pdf(
    issue_2018_06: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """easyofd draws the OFD (as a PDF of its own); pdfium reads and renders both. Glyph boxes agree
    within 0.1 mm on every page, and the pictures at 5 px/mm differ only at the glyphs' anti-aliased
    edges — and in colour: easyofd takes our CMYK values for RGB (the red masthead comes out
    cyan) and strokes every path black, so ink is compared, not hue."""
    pdf_path, ofd_path = issue_2018_06
    work = tmp_path_factory.mktemp("easyofd")
    drawn = pdfium.PdfDocument(reader_pdf(ofd_path, work))
    ours = pdfium.PdfDocument(str(pdf_path))
    assert len(drawn) == len(ours)
    box_gap = max(largest_gap(pdf_boxes(ours, i), pdf_boxes(drawn, i, READER_UNIT)) for i in range(len(ours)))
    print(f"\nglyph boxes (PdfTextPage.get_charbox), PDF vs easyofd's drawing: largest distance {box_gap:.5f} mm")
    assert box_gap < TOLERANCE_MM
    for i in (0, 1, len(ours) - 1):  # the masthead page, a body page, the page with the closing block
        a, b = _picture(ours[i]), _picture(drawn[i])
        overlap, far = _compare(a, b)
        print(f"page {i + 1}: ink overlap (IoU) {overlap:.3f}; pixels more than 64 grey levels apart {far:.4%}")
        assert overlap > 0.9
        assert far < 0.005


def _picture(page: pdfium.PdfPage, px_per_mm: int = 5) -> Image.Image:
    """The page at px_per_mm, whatever unit its PDF uses: both pictures come out the same size."""
    image = page.render(scale=210 * px_per_mm / page.get_width()).to_pil().convert("L")
    return image.crop((0, 0, 210 * px_per_mm, 297 * px_per_mm))


def _compare(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """(ink overlap as intersection over union, share of pixels more than 64 grey levels apart)"""
    ink_a = a.point(lambda v: 255 if v < 160 else 0, "1")
    ink_b = b.point(lambda v: 255 if v < 160 else 0, "1")
    both = ImageChops.logical_and(ink_a, ink_b).histogram()[-1]
    either = ImageChops.logical_or(ink_a, ink_b).histogram()[-1]
    grey = ImageChops.difference(a, b).histogram()
    return both / either, sum(grey[65:]) / (a.width * a.height)


# --- what the package says ---------------------------------------------------------------------------


def test_package_layout_and_reproducible_bytes(issue_2018_06: tuple[Path, Path], tmp_path: Path) -> None:
    pdf_path, ofd_path = issue_2018_06
    with zipfile.ZipFile(ofd_path) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(2018, 4, 13, 0, 0, 0)}  # the issue's date, not the clock
    pages = len(PdfReader(pdf_path).pages)
    assert {f"Doc_0/Pages/Page_{i}/Content.xml" for i in range(pages)} <= set(names)
    assert {"OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"} <= set(names)
    root = _xml(ofd_path, "OFD.xml")
    assert (root.get("Version"), root.get("DocType")) == ("1.0", "OFD")
    assert root.findtext("ofd:DocBody/ofd:DocRoot", namespaces=NS) == "Doc_0/Document.xml"
    again = tmp_path / "again"
    _, second = _build(ROOT, "2018-06", again)
    assert second.read_bytes() == ofd_path.read_bytes()


def test_metadata_and_outline_are_the_pdfs(built: tuple[Path, Path]) -> None:
    pdf_path, ofd_path = built
    reader = PdfReader(pdf_path)
    meta = reader.metadata
    assert meta is not None
    info = _xml(ofd_path, "OFD.xml").find("ofd:DocBody/ofd:DocInfo", NS)
    assert info is not None
    assert info.findtext("ofd:Title", namespaces=NS) == meta.title
    assert info.findtext("ofd:Author", namespaces=NS) == meta.author
    assert info.findtext("ofd:Subject", namespaces=NS) == meta.subject
    keywords = [k.text or "" for k in info.iterfind("ofd:Keywords/ofd:Keyword", NS)]
    assert keywords and ", ".join(keywords) == meta["/Keywords"]
    created = str(meta["/CreationDate"])  # D:20180413000000+08'00'
    assert info.findtext("ofd:CreationDate", namespaces=NS) == f"{created[2:6]}-{created[6:8]}-{created[8:10]}"
    assert re.fullmatch(r"[0-9a-f]{32}", info.findtext("ofd:DocID", namespaces=NS) or "")

    document = _xml(ofd_path, "Doc_0/Document.xml")
    page_of = {p.get("ID"): i for i, p in enumerate(document.iterfind("ofd:Pages/ofd:Page", NS))}

    def ofd_outline(elem: ET.Element, level: int) -> list[tuple[int, str, int]]:
        out = []
        for entry in elem.iterfind("ofd:OutlineElem", NS):
            dest = entry.find("ofd:Actions/ofd:Action/ofd:Goto/ofd:Dest", NS)
            assert dest is not None
            out.append((level, entry.get("Title", ""), page_of[dest.get("PageID")]))
            out += ofd_outline(entry, level + 1)
        return out

    def pdf_outline(items: list, level: int) -> list[tuple[int, str, int]]:
        out = []
        for item in items:
            if isinstance(item, list):
                out += pdf_outline(item, level + 1)
            else:
                out.append((level, str(item.title), reader.get_destination_page_number(item) or 0))
        return out

    outlines = document.find("ofd:Outlines", NS)
    assert outlines is not None
    expected = pdf_outline(reader.outline, 0)
    assert expected and ofd_outline(outlines, 0) == expected


def test_colours_are_the_pdfs_cmyk(issue_2018_06: tuple[Path, Path]) -> None:
    """The masthead's red and the rules: the same CMYK values as the PDF's operators, in a CMYK
    colour space of the package."""
    pdf_path, ofd_path = issue_2018_06
    spaces = _xml(ofd_path, "Doc_0/PublicRes.xml").findall("ofd:ColorSpaces/ofd:ColorSpace", NS)
    cmyk = {s.get("ID") for s in spaces if s.get("Type") == "CMYK"}
    assert cmyk
    contents = PdfReader(pdf_path).pages[0].get_contents()
    assert contents is not None
    stream = contents.get_data().decode("latin-1")

    def operands(op: str) -> set[tuple[float, ...]]:
        number = r"(-?[\d.]+)"
        return {tuple(round(float(v), 3) for v in m) for m in re.findall(rf"{number} {number} {number} {number} {op}\b",
                                                                        stream)}

    page = _xml(ofd_path, "Doc_0/Pages/Page_0/Content.xml")

    def values(path: str) -> set[tuple[float, ...]]:
        found = set()
        for colour in page.iterfind(path, NS):
            assert colour.get("ColorSpace") in cmyk
            found.add(tuple(round(int(v) / 255, 3) for v in colour.get("Value", "").split()))
        return found

    strokes = values(".//ofd:PathObject/ofd:StrokeColor")
    assert (0.0, 0.8, 0.8, 0.0) in strokes  # the red rule under the masthead
    assert strokes == operands("K")
    assert values(".//ofd:TextObject/ofd:FillColor") == operands("k")


def test_synthetic_bold_stretched_dash_fallback_glyph_and_dotted_rule(tmp_path: Path) -> None:
    """The text features the two issues above do not use, written as OFD says them."""
    from jianbao.compose.frames import Document, Metadata, Page, Rule, TextRun
    from jianbao.pipeline import Project, prepare, register_fonts
    from jianbao.render.ofd import ofd_bytes

    prepared = prepare(ROOT / "content" / "2018-06.yaml", Project(ROOT))
    assert prepared.assignment is not None
    fonts = register_fonts(prepared.fonts, prepared.assignment)
    body, other = fonts.names["fangsong"], fonts.names["heiti"]
    black = (0.0, 0.0, 0.0, 1.0)
    page = Page([
        TextRun(100, 700, "一是", body, 16, black, (16.0, 16.0), stroke=0.4),
        TextRun(100, 650, "—", body, 16, black, (14.24,), horiz_scale=112.36),
        TextRun(100, 600, "国", body, 16, black, (16.0,), glyph_font=other, glyph_size=14),
        TextRun(100, 550, "  x ", body, 16, black, (4.0, 4.0, 8.0, 4.0)),
        Rule(100, 300, 500, black, 1.0, dash=(0.1, 5.0)),
    ])
    doc = Document(595.2756, 841.8898, Metadata("t"), [page])
    target = tmp_path / "t.ofd"
    target.write_bytes(ofd_bytes(doc))
    content = _xml(target, "Doc_0/Pages/Page_0/Content.xml")
    bold, dash, fallback, spaced = content.findall(".//ofd:TextObject", NS)
    assert (bold.get("Stroke"), bold.get("LineWidth")) == ("true", "0.1411")
    assert bold.find("ofd:StrokeColor", NS) is not None
    assert dash.get("CTM") == "1.1236 0 0 1 0 0"
    res = _xml(target, "Doc_0/PublicRes.xml")
    font_of = {f.get("ID"): f.findtext("ofd:FontFile", namespaces=NS) for f in res.iterfind(".//ofd:Font", NS)}
    assert font_of[fallback.get("Font")] == f"{other}.ttf"
    assert fallback.get("Size") == "4.9389"  # 14 pt
    code = spaced.find("ofd:TextCode", NS)
    assert code is not None and code.text == "x"  # no blanks at the ends, the x where it stands
    box_x = float(spaced.get("Boundary", "").split()[0])
    assert abs(box_x + float(code.get("X", "")) - (100 + 8) * 25.4 / 72) < 1e-3
    path = content.find(".//ofd:PathObject", NS)
    assert path is not None and (path.get("Cap"), path.get("DashPattern")) == ("Round", "0.0353 1.7639")
    parsed = reader_glyphs(parse(target, tmp_path)[0])
    assert [p.char for p in parsed[0]] == ["一", "是", "—", "国", "x"]


# --- batch runs -------------------------------------------------------------------------------------


def test_batch_builds_and_records_the_ofd(project_copy: Path) -> None:
    out = project_copy / "out"
    first = make_issue("2018", "--ofd", "-j", "1", cwd=project_copy)
    assert first.returncode == 0, first.stderr
    ofd = out / "2018-06.ofd"
    digest = hashlib.sha256(ofd.read_bytes()).hexdigest()
    row = json.loads((out / "index.json").read_text(encoding="utf-8"))["issues"][0]
    assert row["ofd"] == {"file": "2018-06.ofd", "size": ofd.stat().st_size, "sha256": digest}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["issues"]["2018-06"]["ofd"]["sha256"] == digest

    again = make_issue("--all", "--ofd", cwd=project_copy)
    assert again.returncode == 0 and "生成 0 期" in again.stdout, again.stdout

    ofd.unlink()  # the PDF is current, its OFD is gone: --ofd builds the issue again
    third = make_issue("2018", "--ofd", cwd=project_copy)
    assert third.returncode == 0, third.stderr
    assert "尚未生成 OFD" in third.stdout
    assert hashlib.sha256(ofd.read_bytes()).hexdigest() == digest

    ofd.unlink()  # without --ofd nobody asked for one: nothing to do, and the record lists none
    fourth = make_issue("2018", cwd=project_copy)
    assert "生成 0 期" in fourth.stdout
    assert "ofd" not in json.loads((out / "index.json").read_text(encoding="utf-8"))["issues"][0]


# --- a second reader --------------------------------------------------------------------------------


def test_second_reader_ofdkit_agrees(built: tuple[Path, Path]) -> None:
    """ofdkit (PyPI, another reader written without easyofd's code) reads the metadata as the PDF
    carries it, the same text, and puts each text object's first glyph (CTM and box applied) where
    pdfium finds it in the PDF."""
    ofdkit = pytest.importorskip("ofdkit", reason="ofdkit（OFD 阅读库）未安装：pip install -e '.[test]'")
    pdf_path, ofd_path = built
    meta = PdfReader(pdf_path).metadata
    assert meta is not None
    pdf = pdfium.PdfDocument(str(pdf_path))
    gaps = []
    with ofdkit.open(ofd_path) as doc:
        info = doc.info
        assert (info.title, info.author, info.subject) == (meta.title, meta.author, meta.subject)
        assert ", ".join(info.keywords) == meta["/Keywords"]
        assert len(doc.pages) == len(pdf)
        for i, page in enumerate(doc.pages):
            assert page.box == (0.0, 0.0, 210.0, 297.0)
            expected = pdf_origins(pdf, i)
            at = 0  # index in the PDF's characters of the run's first character
            for run in page.runs:
                text = "".join(run.text.split())
                assert "".join(p.char for p in expected[at:at + len(text)]) == text
                first = expected[at]
                gaps.append(max(abs(run.x - first.x), abs(run.y - first.y)))
                at += len(text)
            assert at == len(expected)
    print(f"\n{ofd_path.name}: ofdkit read {len(gaps)} text objects; largest distance of their first glyph "
          f"from the PDF's {max(gaps):.5f} mm")
    assert max(gaps) < TOLERANCE_MM


def test_a_failed_ofd_write_leaves_both_files_as_they_were(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = make_issue("2018-06", "--out", str(out))
    assert first.returncode == 0, first.stderr
    pdf = out / "2018-06.pdf"
    before = (pdf.read_bytes(), pdf.stat().st_mtime_ns)
    (out / "2018-06.ofd").mkdir()  # the OFD cannot take its name
    failed = make_issue("2018-06", "--ofd", "--out", str(out))
    assert failed.returncode == 2
    assert "2018-06.ofd：写入 OFD 失败（已有同名的目录），原有文件未改动" in failed.stderr
    assert (pdf.read_bytes(), pdf.stat().st_mtime_ns) == before
    left = sorted(p.name for p in out.iterdir() if not p.name.startswith(("index.", "manifest.")))
    assert left == ["2018-06.ofd", "2018-06.pdf"]  # no temporary file left (the record is the first build's)
