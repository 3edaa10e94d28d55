"""Fonts by role: choosing faces, coverage, and fonts ReportLab can embed (jianbao.fonts)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jianbao.errors import FontError, UserError
from jianbao.fonts import ROLES, FontLibrary
from jianbao.fonts import convert as convert_module
from jianbao.fonts.cache import SEAL, Cache, default_cache_dir
from jianbao.fonts.discover import SystemFonts

ROOT = Path(__file__).resolve().parents[1]
from conftest import DEFAULT_FONTS, make_issue  # noqa: E402

PROJECT_CONFIG = DEFAULT_FONTS

NOTO_SERIF_REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NOTO_SERIF_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
LXGW_REGULAR = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")

needs_noto = pytest.mark.skipif(
    not (NOTO_SERIF_REGULAR.is_file() and NOTO_SERIF_BOLD.is_file()),
    reason="Noto CJK is not installed (sudo apt-get install fonts-noto-cjk)",
)
needs_lxgw = pytest.mark.skipif(
    not LXGW_REGULAR.is_file(),
    reason="LXGW WenKai is not installed (sudo apt-get install fonts-lxgw-wenkai)",
)

# Free fonts only, so that the result does not depend on licensed fonts a machine may have.
FREE_CONFIG = """\
fangsong: [{family: "Noto Serif CJK SC"}]
songti: [{family: "Noto Serif CJK SC", style: Regular}]
xiaobiaosong: [{family: "Noto Serif CJK SC", style: Bold}]
kaiti: [{family: "LXGW WenKai"}]
"""


def library(tmp_path: Path, config: str | None = None, local: Path | None = None) -> FontLibrary:
    """A library with its own cache and (empty unless given) local fonts folder under tmp_path."""
    path = PROJECT_CONFIG
    if config is not None:
        path = tmp_path / "fonts.yaml"
        path.write_text(config, encoding="utf-8")
    local_dir = local if local is not None else tmp_path / "local-fonts"
    return FontLibrary(path, local_dir, cache_dir=tmp_path / "cache")


# --- choosing a face -----------------------------------------------------------------------------


@needs_noto
@needs_lxgw
def test_default_config_resolves_every_role(tmp_path):
    lib = library(tmp_path)
    for role in ROLES:
        face = lib.face(role)
        assert face.role == role
        assert face.path.is_file()
        assert face.outlines in ("truetype", "cff")
        assert face.origin == "system"
        if "Noto" in face.family:  # a .ttc: the Simplified Chinese face, not the Japanese one at index 0
            assert face.family.endswith("SC") and face.index == 2
    assert "Bold" in lib.face("xiaobiaosong").style


@needs_noto
def test_ttc_face_is_chosen_by_family_and_style(tmp_path):
    lib = library(tmp_path, FREE_CONFIG)
    face = lib.face("xiaobiaosong")
    assert (face.family, face.style, face.index, face.outlines) == ("Noto Serif CJK SC", "Bold", 2, "cff")
    assert face.path.name == NOTO_SERIF_BOLD.name


@needs_lxgw
def test_regular_is_not_confused_with_light(tmp_path):
    # LXGWWenKai-Light.ttf also carries the family name "LXGW WenKai" (with style Light).
    face = library(tmp_path, FREE_CONFIG).face("kaiti")
    assert (face.path.name, face.style, face.outlines) == ("LXGWWenKai-Regular.ttf", "Regular", "truetype")


@needs_lxgw
@pytest.mark.parametrize("name", ["simkai.ttf", "楷体_GB2312.TTF"])
def test_file_dropped_into_local_folder_wins_over_system_font(tmp_path, name):
    local = tmp_path / "fonts"
    local.mkdir()
    shutil.copyfile(LXGW_REGULAR, local / name)
    lib = library(tmp_path, local=local)
    face = lib.face("kaiti")
    assert face.origin == "local"
    assert face.path == local / name
    assert "本地字体" in lib.describe()


def test_role_without_any_available_font_raises_chinese_font_error(tmp_path):
    lib = library(tmp_path, 'kaiti: [{file: "nosuchfont*.ttf"}, {family: "No Such Family 42"}]\n')
    with pytest.raises(FontError) as info:
        lib.face("kaiti")
    message = str(info.value)
    assert isinstance(info.value, UserError)
    assert "kaiti" in message and "楷体" in message
    assert "找不到" in message and "nosuchfont*.ttf" in message and "No Such Family 42" in message


def test_role_missing_from_config_is_a_font_error(tmp_path):
    lib = library(tmp_path, 'kaiti: [{family: "LXGW WenKai"}]\n')
    with pytest.raises(FontError, match="heiti"):
        lib.face("heiti")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("kaiti: [{famliy: KaiTi}]\n", "未知的键 famliy"),
        ("kaiti2: [{family: KaiTi}]\n", "未知的字体角色"),
        ("kaiti: []\n", "非空"),
        ("kaiti: [{family: KaiTi, index: 1}]\n", "index"),
        ("kaiti: [{file: a.ttf\n", "YAML"),
    ],
)
def test_invalid_config_is_reported_in_chinese(tmp_path, config, expected):
    with pytest.raises(FontError, match=expected):
        library(tmp_path, config)


@needs_noto
@needs_lxgw
def test_font_folder_scan_without_fontconfig_finds_the_same_faces(tmp_path):
    fonts = SystemFonts(Cache(tmp_path / "cache"), folders=[Path("/usr/share/fonts")])
    serif = fonts.find("Noto Serif CJK SC", "Bold", [])
    assert serif is not None and serif.path == NOTO_SERIF_BOLD and serif.info.index == 2
    kai = fonts.find("霞鹜文楷", "常规", [])  # Chinese names and style synonyms match too
    assert kai is not None and kai.path == LXGW_REGULAR


# --- coverage ------------------------------------------------------------------------------------


@needs_noto
@needs_lxgw
def test_missing_reports_characters_the_face_cannot_draw(tmp_path):
    lib = library(tmp_path, FREE_CONFIG)
    # 𠮷 (U+20BB7) is in both Noto Serif CJK SC and LXGW WenKai; 𡋾 (U+212FE) only in Noto;
    # 𪚥 (U+2A6A5) in neither.
    assert lib.missing("fangsong", "姚家埭𠮷𡋾") == []
    assert lib.missing("kaiti", "姚家埭𠮷") == []
    assert lib.covers("kaiti", "埭") and lib.covers("kaiti", "𠮷")
    assert not lib.covers("kaiti", "𡋾")
    assert lib.missing("kaiti", ["𪚥 姚家埭\n", "𡋾\t𪚥"]) == ["𡋾", "𪚥"]  # sorted, unique, no whitespace
    assert lib.missing("fangsong", "𪚥姚") == ["𪚥"]
    report = lib.describe({"kaiti": "姚家埭𡋾𪚥"})
    assert "𡋾 U+212FE" in report and "𪚥 U+2A6A5" in report


@needs_noto
def _unsealed(path):
    """A cache entry's content without its checksum."""
    data = path.read_bytes()
    assert data[-32 - len(SEAL) : -32] == SEAL
    return data[: -32 - len(SEAL)]


def test_coverage_is_cached_on_disk(tmp_path):
    library(tmp_path, FREE_CONFIG).missing("fangsong", "中")
    stored = list((tmp_path / "cache" / "json").glob("cmap-*.json"))
    assert len(stored) == 1
    kept = json.loads(_unsealed(stored[0]))
    flat = kept["ranges"]  # [start, end, start, end, ...]
    assert kept["version"] == 2 and len(flat) % 2 == 0
    assert any(a <= ord("中") <= b for a, b in zip(flat[0::2], flat[1::2], strict=True))


@needs_noto
@pytest.mark.parametrize("damage", [[5, 3], [1, 2, 3], [1, 9, 5, 20], ["a", "b"], "x", None])
def test_damaged_coverage_in_the_cache_is_read_again(tmp_path, damage):
    library(tmp_path, FREE_CONFIG).missing("fangsong", "中")
    stored = next((tmp_path / "cache" / "json").glob("cmap-*.json"))
    Cache(tmp_path / "cache").write(stored, json.dumps({"version": 2, "ranges": damage}).encode())  # sealed
    assert library(tmp_path, FREE_CONFIG).missing("fangsong", "中𪚥") == ["𪚥"]
    flat = json.loads(_unsealed(stored))["ranges"]
    assert flat != damage and any(a <= ord("中") <= b for a, b in zip(flat[0::2], flat[1::2], strict=True))


# --- ReportLab -----------------------------------------------------------------------------------


@needs_noto
@needs_lxgw
def test_registered_cff_face_draws_and_embeds(tmp_path):
    from pypdf import PdfReader
    from reportlab.pdfgen import canvas

    lib = library(tmp_path, FREE_CONFIG)
    names = lib.register({"fangsong": "姚家埭的会议", "songti": "第页", "kaiti": "叶伟达"})
    # Roles on one face share one registered font, holding the union of their characters.
    assert names["fangsong"] == names["songti"] != names["kaiti"]
    pdf = tmp_path / "t.pdf"
    c = canvas.Canvas(str(pdf), invariant=1, initialFontName=names["fangsong"])
    c.setFont(names["fangsong"], 16)
    c.drawString(72, 700, "姚家埭的会议第1页")
    c.setFont(names["kaiti"], 16)
    c.drawString(72, 650, "叶伟达")
    c.save()
    page = PdfReader(pdf).pages[0]
    text = page.extract_text()
    assert "姚家埭的会议第1页" in text and "叶伟达" in text
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert any("NotoSerifCJKsc-Regular" in f["/BaseFont"] for f in fonts)
    for f in fonts:
        assert "/FontFile2" in f["/FontDescriptor"]  # embedded TrueType


@needs_noto
def test_conversion_is_byte_identical(tmp_path):
    chars = [ord(c) for c in "简报第一期"]
    first = convert_module.convert_cff(NOTO_SERIF_REGULAR, 2, chars)
    second = convert_module.convert_cff(NOTO_SERIF_REGULAR, 2, reversed(chars))
    assert first == second


@needs_noto
def test_second_build_uses_the_converted_font_from_the_cache(tmp_path):
    config = tmp_path / "fonts.yaml"
    config.write_text(FREE_CONFIG, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from jianbao.fonts import FontLibrary, convert
        lib = FontLibrary(Path({str(config)!r}), Path({str(tmp_path / "none")!r}), Path({str(tmp_path / "c")!r}))
        names = lib.register({{"fangsong": "嘉兴市工商联", "xiaobiaosong": "工商联信息"}})
        missing = lib.missing("fangsong", "嘉兴市工商联𪚥")
        print(json.dumps([convert.conversion_count, missing, "fontTools" in sys.modules, names]))
        """
    )

    def build() -> list:
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        return json.loads(run.stdout)

    count, missing, fonttools_loaded, names = build()
    assert count == 2 and missing == ["𪚥"] and fonttools_loaded
    converted = sorted((tmp_path / "c" / "ttf").glob("*.ttf"))
    assert len(converted) == 2
    stamps = [(p.read_bytes(), p.stat().st_mtime_ns) for p in converted]

    count, missing, fonttools_loaded, names_again = build()
    assert count == 0 and missing == ["𪚥"]
    assert not fonttools_loaded  # a warm build does not even import fontTools
    assert names_again == names
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in converted] == stamps


@needs_lxgw
def test_truetype_face_is_embedded_from_a_small_cached_subset(tmp_path):
    # ReportLab parses a whole font it loads: 60 ms for the 15 MB LXGW WenKai, 1 ms for a subset.
    before = convert_module.conversion_count
    name = library(tmp_path, FREE_CONFIG).register({"kaiti": "桐乡海宁平湖"})["kaiti"]
    assert name.startswith("LXGWWenKai-Regular-")
    subsets = list((tmp_path / "cache" / "ttf").glob("*.ttf"))
    assert len(subsets) == 1 and subsets[0].stat().st_size < 200_000
    assert library(tmp_path, FREE_CONFIG).register({"kaiti": "桐乡海宁平湖"})["kaiti"] == name
    assert convert_module.conversion_count == before  # made without fontTools


@needs_lxgw
@needs_noto
def test_subset_has_the_source_glyphs_and_metrics(tmp_path):
    """ttsubset copies outlines byte for byte, composite glyphs (¨ −) included; fontTools reads it back."""
    import io

    from fontTools.ttLib import TTFont

    from jianbao.fonts import ttsubset

    text = "嘉兴市姚家埭𠮷¨−A1，。"
    for path, index in ((LXGW_REGULAR, 0), (NOTO_SERIF_REGULAR, 2)):
        if path.suffix == ".ttc":  # CFF: subset a conversion, as builds do from the prepared repertoire
            data = convert_module.convert_cff(path, index, [ord(c) for c in text + "一二"])
            path, index = tmp_path / "converted.ttf", 0
            path.write_bytes(data)
        source = TTFont(path, fontNumber=index)
        out = ttsubset.subset([ttsubset.TrueType(path.read_bytes(), index)], [ord(c) for c in text])
        font = TTFont(io.BytesIO(out))
        font.ensureDecompiled()
        cmap, src_cmap = font.getBestCmap(), source.getBestCmap()
        assert set(cmap) == {ord(c) for c in text} & set(src_cmap)
        for cp, glyph in cmap.items():
            ours, theirs = font["glyf"][glyph], source["glyf"][src_cmap[cp]]
            assert ours.getCoordinates(font["glyf"])[0] == theirs.getCoordinates(source["glyf"])[0]
            assert font["hmtx"][glyph] == source["hmtx"][src_cmap[cp]]
        assert font["maxp"].numGlyphs < 20


def test_font_that_forbids_embedding_is_refused(tmp_path):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "uni4E2D"])
    fb.setupCharacterMap({0x4E2D: "uni4E2D"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0)), pen.lineTo((500, 0)), pen.lineTo((500, 500)), pen.closePath()
    fb.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "uni4E2D": pen.glyph()})
    fb.setupHorizontalMetrics({".notdef": (1000, 0), "uni4E2D": (1000, 0)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test KaiTi", "styleName": "Regular"})
    fb.setupOS2(fsType=0x0002)  # restricted licence embedding
    fb.setupPost()
    local = tmp_path / "fonts"
    local.mkdir()
    fb.save(str(local / "simkai.ttf"))

    lib = library(tmp_path, 'kaiti: [{file: "simkai.ttf"}]\n', local=local)
    assert lib.face("kaiti").family == "Test KaiTi"
    with pytest.raises(FontError, match="fsType"):
        lib.register({"kaiti": "中"})


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JIANBAO_CACHE_DIR", str(tmp_path / "a"))
    assert default_cache_dir() == tmp_path / "a"
    monkeypatch.delenv("JIANBAO_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "jianbao"


def test_a_font_cut_from_a_larger_conversion_equals_a_direct_one(tmp_path):
    """The prepared repertoire and a conversion of just the issue's characters give the same bytes
    once cut, so a PDF does not depend on what the font cache holds."""
    from jianbao.fonts import convert, ttsubset

    face = library(tmp_path).face("fangsong")
    if face.outlines != "cff":
        pytest.skip("needs a CFF face (Noto Serif CJK)")
    wanted = sorted({ord(c) for c in "工商联信息，。“”2018年"})
    larger = wanted + sorted({ord(c) for c in "嘉兴市总商会办公室编龘"} - set(wanted))
    direct = ttsubset.subset([ttsubset.TrueType(convert.convert_cff(face.path, face.index, wanted))], wanted)
    cut = ttsubset.subset([ttsubset.TrueType(convert.convert_cff(face.path, face.index, larger))], wanted)
    assert direct == cut


def test_fontconfig_listing_is_reused_until_a_font_folder_changes(tmp_path, tmp_path_factory, monkeypatch):
    """fc-list runs once; its answer is reused until a folder holding (or above) a listed font changes."""
    fonts = tmp_path / "share" / "fonts" / "demo"
    fonts.mkdir(parents=True)
    (fonts / "Demo-Regular.ttf").write_bytes(b"")
    state = tmp_path_factory.mktemp("state")  # outside the fonts' folders: writing here changes none
    calls = state / "calls"
    bin_dir = state / "bin"
    bin_dir.mkdir()
    fc_list = bin_dir / "fc-list"
    fc_list.write_text(
        "#!/bin/sh\n"
        f"echo x >> {calls}\n"
        f"for f in {fonts}/*.ttf; do printf '%s\\t0\\tDemo Sans,演示黑体\\n' \"$f\"; done\n",
        encoding="utf-8",
    )
    fc_list.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(state / "config"))
    cache = Cache(state / "cache")

    def listed() -> list[str]:
        return sorted(f"{path.name}:{'|'.join(sorted(fam))}" for path, _i, fam, _info in SystemFonts(cache)._list())

    def runs() -> int:
        return len(calls.read_text().splitlines())

    assert listed() == ["Demo-Regular.ttf:demo sans|演示黑体"] and runs() == 1
    assert listed() == ["Demo-Regular.ttf:demo sans|演示黑体"] and runs() == 1  # from the cache
    (fonts / "Demo-Bold.ttf").write_bytes(b"")  # a font installed: its folder's time changes
    assert listed() == ["Demo-Bold.ttf:demo sans|演示黑体", "Demo-Regular.ttf:demo sans|演示黑体"]
    assert runs() == 2
    (state / "config" / "fontconfig").mkdir(parents=True)  # fontconfig configured for this user
    listed()
    assert runs() == 3


def test_a_watch_converts_only_the_characters_a_save_brings_and_gives_the_cold_pdf(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing a character the issue never had, in make-issue watch: the CFF faces (Noto CJK) convert that
    character alone, not the issue's thousand characters again (a second or more a save), and the PDF
    is byte for byte what a new process with an empty font cache makes of the same source."""
    from jianbao.pipeline import Project, build
    from jianbao.warm import Warm

    convert = convert_module
    monkeypatch.setenv("JIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "content", tmp_path / "project" / "content")
    source = tmp_path / "project" / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    project = Project(tmp_path / "project")
    warm = Warm()
    build(source, tmp_path / "warm", project, warm)
    warm.sweep()
    assert convert.conversion_count > 0, "the default fonts are no longer CFF: this test checks nothing"
    for n, new in enumerate(["琰", "琰璟", "璟"]):  # new, another new one, one taken away
        source.write_text(text.replace("研究部署下一阶段", f"研究{new}部署下一阶段", 1), encoding="utf-8")
        assert new[-1] not in text
        before = convert.glyphs_converted
        warm_pdf = build(source, tmp_path / "warm", project, warm).path
        warm.sweep()
        assert convert.glyphs_converted - before <= 2 * 2, f"save {n}: converted more than the new character"
        cold = make_issue(str(source), "--out", str(tmp_path / f"cold{n}"),
                          env={"JIANBAO_CACHE_DIR": str(tmp_path / f"empty{n}")})
        assert cold.returncode == 0, cold.stderr
        assert warm_pdf.read_bytes() == (tmp_path / f"cold{n}" / "2018-06.pdf").read_bytes(), f"save {n}"
