"""Per-character font fallback: a character the role's font lacks is drawn by the next candidate of the
role that has it, fitted to the grid cell, with a located warning; only a character no candidate has
stops the build. And the font cache that makes fonts ready: --prepare-fonts, supplements, two builds
at once."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from conftest import DEFAULT_FONTS, ROOT, make_issue
from jianbao.fonts import FontLibrary
from jianbao.fonts import convert as convert_module
from jianbao.fonts.repertoire import gb2312
from pdftext import body_text

NOTO_SERIF_REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
LXGW_REGULAR = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")

pytestmark = pytest.mark.skipif(
    not (NOTO_SERIF_REGULAR.is_file() and LXGW_REGULAR.is_file()),
    reason="needs Noto CJK and LXGW WenKai (sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai)",
)

EXT_A = "㐀"  # U+3400, CJK Extension A: in Noto CJK SC, not in LXGW WenKai nor in GB 2312
EXT_B = "𠮷"  # U+20BB7, Extension B: in Noto CJK SC and LXGW WenKai, not in GB 2312
EXT_B_FIRST = "𠀀"  # U+20000, the first of Extension B: in none of the installed fonts
WIDE = 1.25  # the advance, in em, of the glyph our extension-B test font draws for 𠀀


# --- test fonts ----------------------------------------------------------------------------------


def _rename(font, family: str) -> None:  # a fontTools TTFont
    name = font["name"]
    name.names = [r for r in name.names if r.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    ps = re.sub(r"[^A-Za-z0-9]", "", family)
    for nid, text in ((1, family), (2, "Regular"), (3, ps), (4, family), (6, f"{ps}-Regular")):
        name.setName(text, nid, 3, 1, 0x409)


@pytest.fixture(scope="session")
def gb2312_font(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """仿宋_GB2312.ttf as offices have it: a TrueType face with exactly the GB 2312 repertoire (made
    from LXGW WenKai)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path = tmp_path_factory.mktemp("gbfont") / "仿宋_GB2312.ttf"
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE"]
    with TTFont(LXGW_REGULAR, lazy=True) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(gb2312() | set(range(0x20, 0x7F))))
        subsetter.subset(font)
        _rename(font, "Test FangSong GB2312")
        font.save(str(path))
    return path


def make_ext_b_font(path: Path) -> Path:
    """A font with a glyph for 𠀀 U+20000 that no installed font has: a box 1.25 em wide filling the
    ideographic em box (−0.12 … 0.88 em), so it must be scaled to 0.8 to fit a cell."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "u20000"])
    fb.setupCharacterMap({0x20000: "u20000"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, -120)), pen.lineTo((0, 880)), pen.lineTo((1250, 880)), pen.lineTo((1250, -120))
    pen.closePath()
    fb.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "u20000": pen.glyph()})
    fb.setupHorizontalMetrics({".notdef": (1000, 0), "u20000": (1250, 0)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test ExtB", "styleName": "Regular", "psName": "TestExtB-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120, fsType=0)
    fb.setupPost()
    fb.save(str(path))
    return path


def library(tmp_path: Path, config: str, local: Path | None = None) -> FontLibrary:
    path = tmp_path / "fonts.yaml"
    path.write_text(config, encoding="utf-8")
    return FontLibrary(path, local or tmp_path / "no-local-fonts", cache_dir=tmp_path / "cache")


# --- which font draws which character --------------------------------------------------------------


def test_characters_a_gb2312_font_lacks_come_from_the_next_candidate_that_has_them(tmp_path, gb2312_font):
    local = tmp_path / "fonts"
    local.mkdir()
    shutil.copy(gb2312_font, local)
    lib = library(tmp_path, 'fangsong: [{file: "*仿宋_GB2312*"}, {family: "LXGW WenKai"}, '
                            '{family: "Noto Serif CJK SC"}]\n', local)
    result = lib.assign({"fangsong": f"姚家埭{EXT_B}{EXT_A}{EXT_B_FIRST}"})
    assert result.primary["fangsong"].path.name == "仿宋_GB2312.ttf"
    fallback = {ch: face.family for ch, face in result.fallback["fangsong"].items()}
    # 𠮷 from the first later candidate that has it (LXGW), 㐀 only Noto has
    assert fallback == {EXT_B: "LXGW WenKai", EXT_A: "Noto Serif CJK SC"}
    assert result.missing == {"fangsong": [EXT_B_FIRST]}


def test_kaiti_draws_extension_a_from_a_later_candidate(tmp_path):
    lib = library(tmp_path, 'kaiti: [{family: "LXGW WenKai"}, {family: "Noto Serif CJK SC"}]\n')
    result = lib.assign({"kaiti": f"叶伟达{EXT_A}{EXT_B}"})
    assert {c: f.family for c, f in result.fallback["kaiti"].items()} == {EXT_A: "Noto Serif CJK SC"}
    assert not result.missing
    assert f"{EXT_A} U+3400（Noto Serif CJK SC" in lib.describe({"kaiti": f"叶伟达{EXT_A}"})


# --- whole builds ----------------------------------------------------------------------------------


def _edit(project: Path, old: str, new: str) -> None:
    source = project / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")


NAME = f"吉{EXT_B}{EXT_A}"  # a person's name in the first paragraph
FIRST = "4月4日，市委常委会专题听取"


@pytest.fixture(scope="module")
def gb2312_build(tmp_path_factory: pytest.TempPathFactory, gb2312_font: Path) -> tuple[Path, str, Path]:
    """2018-06 with a name outside GB 2312 in its first paragraph, built with 仿宋_GB2312.ttf dropped
    into the project's fonts/ folder and the project's own fonts.yaml."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "content", project / "content")
    (project / "fonts").mkdir()
    shutil.copy(DEFAULT_FONTS, project / "fonts")
    shutil.copy(gb2312_font, project / "fonts")
    _edit(project, FIRST, f"{NAME}：{FIRST}")
    cache = tmp_path_factory.mktemp("cache")
    result = make_issue("2018-06", cwd=project, env={"JIANBAO_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    return project / "out" / "2018-06.pdf", result.stderr, project


def test_build_warns_with_location_character_and_font_and_succeeds(gb2312_build):
    _, stderr, project = gb2312_build
    lines = [x for x in stderr.strip().splitlines() if "字体角色" in x]  # other warnings may come too
    source = (project / "content" / "2018-06.yaml").read_text(encoding="utf-8").splitlines()
    line_no = next(i for i, line in enumerate(source, 1) if NAME in line)
    for ch, code in ((EXT_B, "U+20BB7"), (EXT_A, "U+3400")):
        found = [x for x in lines if f"“{ch}”" in x]
        assert len(found) == 1, lines  # once per character, not per occurrence
        col = source[line_no - 1].index(ch) + 1
        assert found[0].startswith(f"content/2018-06.yaml:{line_no}:{col}：警告："), found[0]
        assert code in found[0] and "仿宋_GB2312.ttf" in found[0] and "Noto Serif CJK SC" in found[0]
    assert len(lines) == 2


def _line_of(pdf: Path, char: str) -> list[tuple[str, float, float, float]]:
    """(character, x, baseline, size) of the characters on the line holding ``char``; characters
    beyond U+FFFF joined from the two UTF-16 halves pdfium reports."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            tp = page.get_textpage()
            chars = []
            for i in range(tp.count_chars()):
                u = pdfium.raw.FPDFText_GetUnicode(tp.raw, i)
                if 0xDC00 <= u < 0xE000 and chars:
                    high = ord(chars[-1][0])
                    chars[-1] = (chr(0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00)), *chars[-1][1:])
                    continue
                x, y = ctypes.c_double(), ctypes.c_double()
                pdfium.raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
                chars.append((chr(u), x.value, round(y.value, 2), pdfium.raw.FPDFText_GetFontSize(tp.raw, i)))
            hit = next((c for c in chars if c[0] == char), None)
            if hit is not None:
                return [c for c in chars if c[2] == hit[2] and c[0].strip()]
    finally:
        doc.close()
    raise AssertionError(f"{char} not in {pdf}")


def test_fallback_characters_are_in_the_text_and_on_the_grid(gb2312_build):
    pdf, _, _ = gb2312_build
    assert f"{NAME}：{FIRST}" in body_text(pdf)  # extension B too: copy and search find the name
    line = _line_of(pdf, EXT_A)
    text = "".join(c[0] for c in line)
    start = text.index(NAME)
    assert start == 0 and line[0][1] == pytest.approx(79.37 + 2 * 15.79, abs=0.05)  # after the 2-cell indent
    x = [c[1] for c in line]
    name_steps = {round(x[k + 1] - x[k], 2) for k in range(len(NAME) + 1)}  # 吉 𠮷 㐀 ： 4
    later = text.index("市委常委会")
    han_steps = {round(x[k + 1] - x[k], 2) for k in range(later, later + 4)}
    assert name_steps == han_steps and abs(han_steps.pop() - 15.79) < 0.05  # the pitch of the line
    assert {c[3] for c in line} == {16.0}  # unscaled: Noto's em box is the GB 2312 font's


def test_fallback_font_is_embedded_as_a_subset(gb2312_build):
    pdf, _, _ = gb2312_build
    fonts = set()
    for page in PdfReader(pdf).pages:
        fonts |= {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("TestFangSongGB2312" in f for f in fonts) and any("NotoSerifCJKsc-Regular" in f for f in fonts)
    assert all(re.match(r"^/[A-Z]{6}\+", f) for f in fonts)


def test_character_no_candidate_has_is_an_error_with_location_and_no_pdf(project_copy, tmp_path):
    _edit(project_copy, FIRST, f"{EXT_B_FIRST}{FIRST}")
    result = make_issue("2018-06", cwd=project_copy, env={"JIANBAO_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 2
    assert re.search(r"content/2018-06\.yaml:\d+:\d+：字符“𠀀”（U\+20000）在字体角色 fangsong（仿宋）的所有候选字体",
                     result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not (project_copy / "out" / "2018-06.pdf").exists()


def test_a_wider_glyph_from_another_font_is_scaled_into_its_cell(project_copy, tmp_path):
    make_ext_b_font(project_copy / "fonts" / "TestExtB.ttf")
    config = project_copy / "fonts" / "fonts.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("# 仿宋加粗", '  - {file: "TestExtB.ttf"}\n\n# 仿宋加粗', 1), encoding="utf-8")
    _edit(project_copy, FIRST, f"吉{EXT_B_FIRST}：{FIRST}")
    result = make_issue("2018-06", cwd=project_copy, env={"JIANBAO_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert "“𠀀”（U+20000）" in result.stderr and "Test ExtB" in result.stderr

    pdf = pdfium.PdfDocument(str(project_copy / "out" / "2018-06.pdf"))
    try:
        page = pdf[0]
        height = page.get_height()
        tp = page.get_textpage()
        units = [pdfium.raw.FPDFText_GetUnicode(tp.raw, k) for k in range(tp.count_chars())]
        i = units.index(0xD840)  # 𠀀 as UTF-16: D840 DC00, one glyph
        assert units[i + 1] == 0xDC00 and units[i - 1] == ord("吉")

        def box(k: int) -> tuple[float, float, float, float]:
            left, right, bottom, top = (ctypes.c_double() for _ in range(4))
            pdfium.raw.FPDFText_GetCharBox(tp.raw, k, *(ctypes.byref(v) for v in (left, right, bottom, top)))
            return left.value, right.value, height - top.value, height - bottom.value

        def origin(k: int) -> tuple[float, float]:
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium.raw.FPDFText_GetCharOrigin(tp.raw, k, ctypes.byref(x), ctypes.byref(y))
            return x.value, height - y.value

        size = pdfium.raw.FPDFText_GetFontSize(tp.raw, i)
        left, right, top, bottom = box(i)
        prev_x, baseline = origin(i - 1)
        next_x, _ = origin(i + 2)
        later = units.index(ord("市"), i)  # 市委: two Han characters of the same line
        step = origin(later + 1)[0] - origin(later)[0]  # the line's pitch
    finally:
        pdf.close()
    assert abs(size - 16 / WIDE) < 0.01  # scaled to 0.8
    assert next_x - prev_x == pytest.approx(2 * step, abs=0.02)
    assert left == pytest.approx(prev_x + step, abs=0.02)  # the glyph starts at its own cell
    assert right - left == pytest.approx(16.0, abs=0.05)  # the ink is one em wide, like its neighbours'
    # and inside the line's em box, centred on it as the body font's ideographs are
    assert top >= baseline - 0.88 * 16 - 0.05 and bottom <= baseline + 0.12 * 16 + 0.05
    assert (top + bottom) / 2 == pytest.approx(baseline - 0.38 * 16, abs=0.05)


# --- the cache -------------------------------------------------------------------------------------


def test_two_subsets_of_one_face_in_one_process_each_draw_their_own_characters(tmp_path):
    """A batch run registers one issue's subset of a face after another's: ReportLab must not hand
    the second issue the first one's font, which lacks its characters."""
    from reportlab.pdfgen import canvas

    lib = library(tmp_path, 'kaiti: [{family: "LXGW WenKai"}]\n')
    first = lib.register({"kaiti": "叶伟达"})["kaiti"]
    second = lib.register({"kaiti": "孙昌佩"})["kaiti"]
    assert first != second
    for name, text in ((first, "叶伟达"), (second, "孙昌佩")):
        pdf = tmp_path / f"{name}.pdf"
        c = canvas.Canvas(str(pdf), invariant=1, initialFontName=name)
        c.setFont(name, 16)
        c.drawString(72, 700, text)
        c.save()
        assert text in PdfReader(pdf).pages[0].extract_text()


def test_prepared_repertoire_serves_new_text_without_conversion(tmp_path, monkeypatch):
    from reportlab.pdfbase import pdfmetrics

    from jianbao.fonts import repertoire

    # the composer's own marks (convert.BASE_CODEPOINTS) are always in the real repertoire
    assert convert_module.BASE_CODEPOINTS.issubset(repertoire.repertoire())
    small = frozenset(ord(c) for c in "嘉兴市工商联信息第期") | convert_module.BASE_CODEPOINTS
    monkeypatch.setattr(repertoire, "repertoire", lambda: small)
    config = 'fangsong: [{family: "Noto Serif CJK SC"}]\nkaiti: [{family: "LXGW WenKai"}]\n'
    prepared = library(tmp_path, config).prepare()
    assert [(p.face.family, p.seconds > 0) for p in prepared] == [("Noto Serif CJK SC", True), ("LXGW WenKai", False)]
    assert len(list((tmp_path / "cache" / "ttf").glob("*-base*.ttf"))) == 1  # TrueType faces need none
    assert all(p.seconds == 0 for p in library(tmp_path, config).prepare())  # once only

    before = convert_module.conversion_count
    library(tmp_path, config).register({"fangsong": "工商联信息第6期", "kaiti": "嘉兴市"})
    assert convert_module.conversion_count == before  # made from the prepared repertoire: no conversion
    # A character outside the repertoire: converted once, by itself, then served from the cache.
    name = library(tmp_path, config).register({"fangsong": "工商联信息姚"})["fangsong"]
    assert convert_module.conversion_count == before + 1
    assert {ord("姚"), ord("联")} <= set(pdfmetrics.getFont(name).face.charToGlyph)  # one font for both
    library(tmp_path, config).register({"fangsong": "工商联信息第姚"})
    assert convert_module.conversion_count == before + 1


def test_warm_build_does_not_import_fonttools(project_copy, tmp_path):
    env = {"JIANBAO_CACHE_DIR": str(tmp_path / "cache")}
    assert make_issue("2018-06", cwd=project_copy, env=env).returncode == 0
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "jianbao", "2018-06"], cwd=project_copy,
        capture_output=True, text=True, env={**__import__("os").environ, **env}, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "fontTools" not in run.stderr


def test_two_builds_at_once_on_an_empty_cache_both_succeed_with_the_same_pdf(project_copy, tmp_path):
    env = {**__import__("os").environ, "JIANBAO_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.Popen([sys.executable, "-m", "jianbao", "2018-06", "--out", str(tmp_path / f"out{i}")],
                         cwd=project_copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert (tmp_path / "out0" / "2018-06.pdf").read_bytes() == (tmp_path / "out1" / "2018-06.pdf").read_bytes()
    assert not list((tmp_path / "cache").rglob(".tmp-*"))


def test_prepare_fonts_command(project_copy, tmp_path):
    make_ext_b_font(project_copy / "fonts" / "TestExtB.ttf")
    (project_copy / "fonts" / "fonts.yaml").write_text('songti: [{file: "TestExtB.ttf"}]\n', encoding="utf-8")
    result = make_issue("--prepare-fonts", cwd=project_copy, env={"JIANBAO_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert "Test ExtB" in result.stdout and "songti" in result.stdout and "无需准备" in result.stdout
