"""Windows and macOS, tested from Linux: font discovery in folders laid out as on those systems,
Windows paths, messages through a GBK (cp936) stream, batch builds under the 'spawn' start method,
and the file operations that behave differently on Windows."""

from __future__ import annotations

import io
import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path, PurePath, PureWindowsPath

import pytest

from conftest import ROOT, make_issue
from jianbao import defaults, portable
from jianbao.archive import batch
from jianbao.archive.selection import select
from jianbao.errors import OutputError
from jianbao.fonts import FontLibrary
from jianbao.fonts.discover import system_font_dirs, uses_fontconfig
from jianbao.fonts.standin import messages

LXGW = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
SAMPLE = "工商联信息正文仿宋黑体楷体宋体一二三年月日第期（）、，。：0123456789"


# --- font files as the systems ship them -----------------------------------------------------------


@pytest.fixture(scope="module")
def real_font(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real TrueType font (LXGW WenKai) reduced to a few characters: the outlines every fake system
    font below is made of, under that system font's names."""
    if not LXGW.is_file():
        pytest.skip("需要 LXGW WenKai（fonts-lxgw-wenkai）作为字体数据")
    from fontTools import subset

    options = subset.Options()
    options.name_IDs = ["*"]
    font = subset.load_font(str(LXGW), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=SAMPLE)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _named(data: bytes, family: str, chinese: str, style: str = "Regular"):  # type: ignore[no-untyped-def]
    """The font with the names a system font carries: English and Simplified Chinese family names."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    name = font["name"]
    name.names = []
    ps = f"{family.replace(' ', '')}-{style}"
    for lang, fam in ((0x409, family), (0x804, chinese)):
        name.setName(fam, 1, 3, 1, lang)
        name.setName(style, 2, 3, 1, lang)
        name.setName(f"{fam} {style}", 4, 3, 1, lang)
    name.setName(ps, 6, 3, 1, 0x409)
    font["OS/2"].fsType = 0
    return font


def _save(path: Path, *fonts) -> None:  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(fonts) == 1:
        fonts[0].save(str(path))
        return
    from fontTools.ttLib.ttCollection import TTCollection

    collection = TTCollection()
    collection.fonts = list(fonts)
    collection.save(str(path))


def _on_disk(root: Path, path: PurePath) -> Path:
    """Where a path of another system lies in the fake tree: C:\\Windows\\Fonts → root/C/Windows/Fonts."""
    parts = path.parts
    if isinstance(path, PureWindowsPath):
        return root.joinpath(path.drive.rstrip(":"), *parts[1:])
    return root.joinpath(*parts[1:])


def _library(tmp_path: Path, dirs: list[Path]) -> FontLibrary:
    fonts = tmp_path / "folder" / "fonts"  # a bulletin folder with no fonts of its own
    fonts.mkdir(parents=True)
    return FontLibrary(fonts / "fonts.yaml", fonts, tmp_path / "cache", defaults=defaults.FONTS_CONFIG,
                       system_dirs=dirs)


def _served(library: FontLibrary) -> dict[str, tuple[str, str, str, int]]:
    return {role: (f.family, f.style, f.path.name, f.index)
            for role in library.candidates for f in [library.face(role)]}


WINDOWS_ENV = {"WINDIR": r"C:\Windows", "LOCALAPPDATA": r"C:\Users\张三\AppData\Local", "USERPROFILE": r"C:\Users\张三"}


def test_windows_font_folders_are_windows_paths() -> None:
    dirs = system_font_dirs("win32", WINDOWS_ENV)
    assert dirs == [PureWindowsPath(r"C:\Windows\Fonts"),
                    PureWindowsPath(r"C:\Users\张三\AppData\Local\Microsoft\Windows\Fonts")]
    assert str(dirs[1]) == r"C:\Users\张三\AppData\Local\Microsoft\Windows\Fonts"
    assert system_font_dirs("win32", {"SystemRoot": r"D:\WINDOWS"}) == [PureWindowsPath(r"D:\WINDOWS\Fonts")]
    mac = system_font_dirs("darwin", {}, home=PurePath("/Users/zhang"))
    assert [str(d) for d in mac] == ["/Library/Fonts", "/System/Library/Fonts", "/Users/zhang/Library/Fonts"]
    assert not uses_fontconfig("win32") and not uses_fontconfig("darwin") and uses_fontconfig("linux")


def test_a_windows_machine_finds_its_office_fonts(tmp_path: Path, real_font: bytes) -> None:
    system, user = system_font_dirs("win32", WINDOWS_ENV)
    fonts, mine = _on_disk(tmp_path, system), _on_disk(tmp_path, user)
    _save(fonts / "simfang.ttf", _named(real_font, "FangSong", "仿宋"))
    _save(fonts / "simhei.ttf", _named(real_font, "SimHei", "黑体"))
    _save(fonts / "simkai.ttf", _named(real_font, "KaiTi", "楷体"))
    _save(fonts / "simsun.ttc", _named(real_font, "SimSun", "宋体"), _named(real_font, "NSimSun", "新宋体"))
    _save(fonts / "msyh.ttc", _named(real_font, "Microsoft YaHei", "微软雅黑"))
    _save(mine / "FZXBSJW.TTF", _named(real_font, "FZXiaoBiaoSong-B05S", "方正小标宋简体"))  # installed for one user

    library = _library(tmp_path, [fonts, mine])
    assert _served(library) == {
        "xiaobiaosong": ("FZXiaoBiaoSong-B05S", "Regular", "FZXBSJW.TTF", 0),
        "fangsong": ("FangSong", "Regular", "simfang.ttf", 0),  # 仿宋 first, as everywhere
        "fangsong-bold": ("FangSong", "Regular", "simfang.ttf", 0),  # made bold by the composer
        "heiti": ("SimHei", "Regular", "simhei.ttf", 0),
        "kaiti": ("KaiTi", "Regular", "simkai.ttf", 0),
        "songti": ("SimSun", "Regular", "simsun.ttc", 0),  # face 0 of the collection, not NSimSun
    }
    assert library.stand_ins(library.candidates) == []
    assert library.system.source == "folders"


def test_a_windows_machine_without_a_xiaobiaosong_is_told_so(tmp_path: Path, real_font: bytes) -> None:
    fonts = _on_disk(tmp_path, system_font_dirs("win32", WINDOWS_ENV)[0])
    _save(fonts / "simfang.ttf", _named(real_font, "FangSong", "仿宋"))
    _save(fonts / "simhei.ttf", _named(real_font, "SimHei", "黑体"))
    library = _library(tmp_path, [fonts])
    assert library.face("xiaobiaosong").family == "SimHei"  # the last stand-in: every Windows has it
    assert library.face("fangsong").family == "FangSong"
    said = messages(library.stand_ins(["xiaobiaosong", "fangsong"]), library.local_dir)
    assert len(said) == 1 and said[0].startswith("报头和标题（小标宋）暂用 SimHei：未找到小标宋字体；将 方正小标宋简体")


def test_a_mac_finds_its_chinese_fonts_in_collections(tmp_path: Path, real_font: bytes) -> None:
    home = PurePath("/Users/zhang")
    library_fonts, system_fonts, user_fonts = (_on_disk(tmp_path, d) for d in system_font_dirs("darwin", {}, home))
    _save(system_fonts / "Supplemental" / "Songti.ttc", _named(real_font, "Songti SC", "宋体-简", "Regular"),
          _named(real_font, "Songti SC", "宋体-简", "Bold"), _named(real_font, "Songti SC", "宋体-简", "Black"))
    _save(system_fonts / "STHeiti Medium.ttc", _named(real_font, "Heiti SC", "黑体-简", "Medium"),
          _named(real_font, "Heiti TC", "黑體-繁", "Medium"))
    _save(library_fonts / "华文仿宋.ttf", _named(real_font, "STFangsong", "华文仿宋"))
    _save(user_fonts / "Kaiti.ttc", _named(real_font, "Kaiti SC", "楷体-简", "Regular"),
          _named(real_font, "Kaiti SC", "楷体-简", "Bold"))

    library = _library(tmp_path, [library_fonts, system_fonts, user_fonts])
    assert _served(library) == {
        "xiaobiaosong": ("Songti SC", "Bold", "Songti.ttc", 1),  # stand-in: face 1 of the collection
        "fangsong": ("STFangsong", "Regular", "华文仿宋.ttf", 0),
        "fangsong-bold": ("STFangsong", "Regular", "华文仿宋.ttf", 0),
        "heiti": ("Heiti SC", "Medium", "STHeiti Medium.ttc", 0),
        "kaiti": ("Kaiti SC", "Regular", "Kaiti.ttc", 0),
        "songti": ("Songti SC", "Regular", "Songti.ttc", 0),
    }
    said = messages(library.stand_ins(library.candidates), library.local_dir)
    assert len(said) == 1 and said[0].startswith("报头和标题（小标宋）暂用 Songti SC Bold：")


def test_one_font_reached_by_two_paths_is_one_font_in_the_pdf(project_copy: Path) -> None:
    """As on Windows when simhei.ttf is copied into fonts/ for 黑体 while the installed SimHei stands
    in for 小标宋: here LXGW WenKai copied in as 仿宋_GB2312.ttf, and installed, serving 楷体."""
    if not LXGW.is_file():
        pytest.skip("需要 LXGW WenKai（fonts-lxgw-wenkai）")
    import shutil

    shutil.copy(LXGW, project_copy / "fonts" / "仿宋_GB2312.ttf")
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    report = make_issue("--fonts", cwd=project_copy).stdout
    assert "fangsong（仿宋）：LXGW WenKai" in report and "kaiti（楷体）：LXGW WenKai" in report


# --- messages on a GBK console ---------------------------------------------------------------------


def test_a_gbk_stream_prints_every_message() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp936", errors="strict")
    portable.safe_console(stream)
    stream.write("✗ 2018-06 生成失败：字符“𠮷”（U+20BB7）\n")
    stream.flush()
    assert raw.getvalue().decode("cp936") == "? 2018-06 生成失败：字符“?”（U+20BB7）\n"
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    portable.safe_console(utf8)
    assert utf8.errors == "strict"  # nothing to replace where everything can be written


def test_the_command_writes_chinese_to_a_cp936_pipe(tmp_path: Path) -> None:
    """As on a Chinese Windows with output redirected: stdout in cp936. A path with a character GBK
    lacks must not turn a finished build into an internal error."""
    out = tmp_path / "输出𠮷"
    env = {**os.environ, "PYTHONIOENCODING": "cp936"}
    run = subprocess.run([sys.executable, "-m", "jianbao", "2018-06", "--out", str(out)], cwd=ROOT, env=env,
                         capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode("cp936", "replace")
    line = run.stdout.decode("cp936")
    assert "输出?" in line and "2018-06.pdf" in line and " 页 " in line
    assert "警告" in run.stderr.decode("cp936")  # the warnings, in Chinese, through the same code page
    made = subprocess.run([sys.executable, "-m", "jianbao", "init", str(tmp_path / "简报𠮷")], cwd=tmp_path,
                          env=env, capture_output=True, timeout=60)
    assert made.returncode == 0 and "已创建简报目录" in made.stdout.decode("cp936")


# --- batch builds under 'spawn' (Windows, macOS) ---------------------------------------------------


def test_batch_builds_under_spawn_make_the_same_pdfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "folder"
    (folder / "content").mkdir(parents=True)
    text = (ROOT / "content" / "2018-06.yaml").read_text(encoding="utf-8")
    for number in (6, 7):
        (folder / "content" / f"2018-{number:02d}.yaml").write_text(text.replace("number: 6", f"number: {number}"),
                                                                   encoding="utf-8")
    single = make_issue("2018-06", "--out", str(tmp_path / "single"), cwd=folder)
    assert single.returncode == 0, single.stderr

    monkeypatch.setattr(batch, "_context", lambda: multiprocessing.get_context("spawn"))
    stream = io.StringIO()
    report = batch.run(select(["2018"], all_issues=False, content=folder / "content"), root=folder,
                       out_dir=folder / "out", jobs=2, stream=stream, tty=False, prepare_fonts=False)
    assert report.exit_status == 0, [o.error for o in report.failed]
    assert sorted(o.id for o in report.built) == ["2018-06", "2018-07"]
    assert (folder / "out" / "2018-06.pdf").read_bytes() == (tmp_path / "single" / "2018-06.pdf").read_bytes()
    assert (folder / "out" / "index.json").is_file()


def test_the_platforms_start_methods() -> None:
    method = batch._context().get_start_method()
    assert method == ("fork" if sys.platform.startswith("linux") else "spawn")


# --- replacing and flushing files as on Windows ----------------------------------------------------


def test_a_pdf_held_open_on_windows_is_retried_then_explained(project_copy: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from jianbao.pipeline import Project, build

    source, out = project_copy / "content" / "2018-06.yaml", project_copy / "out"
    out.mkdir()
    (out / "2018-06.pdf").write_bytes(b"the PDF the viewer shows")
    real_replace, attempts = os.replace, []
    let_go_after = [3]

    def locked(src: str, dst: str) -> None:  # a viewer holds the old PDF open (WinError 32)
        if str(dst).endswith(".pdf"):  # (the font cache's files are not held)
            attempts.append(dst)
            if len(attempts) < let_go_after[0]:
                raise PermissionError(13, "The process cannot access the file because it is being used")
        real_replace(src, dst)

    monkeypatch.setattr(portable, "WINDOWS", True)
    monkeypatch.setattr(portable.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(os, "replace", locked)
    result = build(source, out, Project(project_copy))  # the viewer let go on the third attempt
    assert len(attempts) == 3 and result.path.read_bytes().startswith(b"%PDF")

    (out / "2018-06.pdf").write_bytes(b"the PDF the viewer shows")
    attempts.clear()
    let_go_after[0] = 100  # the viewer keeps it open
    with pytest.raises(OutputError, match="可能正被 PDF 阅读器或其他程序打开") as error:
        build(source, out, Project(project_copy))
    assert "原有文件未改动" in str(error.value) and len(attempts) == 6
    assert (out / "2018-06.pdf").read_bytes() == b"the PDF the viewer shows"
    assert [p.name for p in out.iterdir()] == ["2018-06.pdf"]  # no temporary file left


def test_flushing_uses_a_descriptor_windows_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    real_fsync = os.fsync

    def windows_fsync(fd: int) -> None:  # _commit: EBADF on a descriptor opened read-only
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(9, "Bad file descriptor")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", windows_fsync)
    path = tmp_path / "f.pdf"
    path.write_bytes(b"x")
    path.chmod(stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    portable.sync_file(path)
    with pytest.raises(OSError):  # what the old read-only descriptor met on Windows
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
