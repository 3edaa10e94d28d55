"""Saying when a stand-in serves a role: a build, --check, --fonts and the batch record tell which
roles are set in a free font and which office font would take its place."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, make_issue
from jianbao.fonts import folder_library

BODY = "正文（仿宋）暂用 Noto Serif CJK SC：未找到仿宋字体；将 仿宋_GB2312 或 FangSong 字体文件放入 fonts/ 即可"
# a real font file under an office font's name (not the Regular that serves 楷体: one face, one path)
LXGW = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Light.ttf")


def _body_is_a_stand_in() -> bool:
    library = folder_library(ROOT / "fonts")
    return any(s.role == "fangsong" and s.font == "Noto Serif CJK SC" for s in library.stand_ins(["fangsong"]))


pytestmark = pytest.mark.skipif(not _body_is_a_stand_in(), reason="正文由真正的仿宋排印：没有替代字体可提示")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    for issue in ("2018-06", "2018-07"):
        text = (ROOT / "content" / "2018-06.yaml").read_text(encoding="utf-8")
        (tmp_path / "content" / f"{issue}.yaml").write_text(text.replace("number: 6", f"number: {issue[-1]}"),
                                                           encoding="utf-8")
    return tmp_path


def test_a_build_and_check_say_once_which_roles_use_a_stand_in(folder: Path) -> None:
    built = make_issue("2018-06", cwd=folder)
    assert built.returncode == 0, built.stderr
    lines = built.stderr.splitlines()
    assert lines.count(BODY) == 1
    assert not any("仿宋加粗" in line for line in lines)  # the same advice as for 仿宋: said once
    assert len(built.stdout.splitlines()) == 1  # the result line stays alone on standard output
    checked = make_issue("--check", "2018-06", cwd=folder)
    assert checked.returncode == 0 and BODY in checked.stderr.splitlines()
    report = make_issue("--fonts", cwd=folder)
    assert f"  替代字体：{BODY}" in report.stdout.splitlines()


def test_an_office_font_in_fonts_ends_the_message_for_its_role(folder: Path) -> None:
    if not LXGW.is_file():
        pytest.skip("没有 LXGW WenKai 字体文件可用作仿宋_GB2312.ttf")
    (folder / "fonts").mkdir()
    target = folder / "fonts" / "仿宋_GB2312.ttf"
    try:
        os.symlink(LXGW, target)
    except OSError:
        shutil.copy(LXGW, target)
    built = make_issue("2018-06", cwd=folder)
    assert built.returncode == 0, built.stderr
    assert "正文（仿宋）" not in built.stderr
    assert "报头和标题（小标宋）暂用 Noto Serif CJK SC Bold" in built.stderr  # the others still told


def test_a_batch_tells_it_once_and_records_it(folder: Path) -> None:
    result = make_issue("--all", "-j", "1", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines().count(BODY) == 1  # two issues, one message
    record = json.loads((folder / "out" / "index.json").read_text(encoding="utf-8"))
    assert [row["stand_in_fonts"]["fangsong"] for row in record["issues"]] == ["Noto Serif CJK SC"] * 2
    manifest = json.loads((folder / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["issues"]["2018-07"]["issue"]["stand_in_fonts"]["fangsong"] == "Noto Serif CJK SC"
    assert "仿宋：Noto Serif CJK SC" in (folder / "out" / "index.csv").read_text(encoding="utf-8-sig")
    assert "替代字体" in (folder / "out" / "index.html").read_text(encoding="utf-8")
