"""A bulletin folder anywhere: make-issue init, finding the folder from a subfolder or with -C, and the
built-in layout and font configuration that a folder's own layouts/ and fonts/ override."""

from __future__ import annotations

from pathlib import Path

from conftest import DEFAULT_LAYOUT, ROOT, make_issue
from jianbao.folder import MARKER
from pdftext import body_text


def test_init_makes_a_folder_whose_example_builds_from_any_subfolder(tmp_path: Path) -> None:
    made = make_issue("init", "工商联信息", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "已创建简报目录 工商联信息" in made.stdout and "make-issue 2018-01" in made.stdout
    folder = tmp_path / "工商联信息"
    for name in ("content/2018-01.yaml", "fonts/README.txt", "layouts/README.txt", ".gitignore", MARKER):
        assert (folder / name).is_file(), name
    assert (folder / ".gitignore").read_text(encoding="utf-8").strip() == "out/"
    assert str(DEFAULT_LAYOUT) in (folder / "layouts" / "README.txt").read_text(encoding="utf-8")
    example = (folder / "content" / "2018-01.yaml").read_text(encoding="utf-8")
    assert example.count("\n#") > 5  # commented for the clerk who copies it

    built = make_issue("2018-01", cwd=folder / "content")  # from a subfolder, like git
    assert built.returncode == 0, built.stderr
    pdf = folder / "out" / "2018-01.pdf"
    assert pdf.is_file() and not (folder / "content" / "out").exists()
    text = body_text(pdf)
    assert "市工商联召开十届二次执委会议" in text and "一是理想信念教育扎实开展。" in text


def test_init_refuses_a_folder_that_is_not_empty_and_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    refused = make_issue("init", cwd=tmp_path)
    assert refused.returncode == 2
    assert "目录不是空的" in refused.stderr and "--force" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "2018-01.yaml").write_text("# 我自己的\n", encoding="utf-8")
    forced = make_issue("init", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "已存在、未改动：content/2018-01.yaml" in forced.stdout
    assert (tmp_path / "content" / "2018-01.yaml").read_text(encoding="utf-8") == "# 我自己的\n"
    assert (tmp_path / "fonts" / "README.txt").is_file()


def test_init_in_the_current_folder_and_a_file_in_the_way(tmp_path: Path) -> None:
    assert make_issue("init", cwd=tmp_path).returncode == 0
    assert (tmp_path / "content" / "2018-01.yaml").is_file()
    (tmp_path / "file").write_text("", encoding="utf-8")
    blocked = make_issue("init", "file", cwd=tmp_path)
    assert blocked.returncode == 2 and "已有同名的文件" in blocked.stderr


def test_dash_c_names_the_folder_and_outside_one_the_message_says_how_to_start(tmp_path: Path) -> None:
    assert make_issue("init", "简报", cwd=tmp_path).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    lost = make_issue("--check", "2018-01", cwd=elsewhere)
    assert lost.returncode == 2
    assert "make-issue init" in lost.stderr and "-C" in lost.stderr
    found = make_issue("-C", str(tmp_path / "简报"), "--check", "2018-01", cwd=elsewhere)
    assert found.returncode == 0, found.stderr
    assert "校验通过" in found.stdout


def test_the_marker_alone_marks_a_folder(tmp_path: Path) -> None:
    (tmp_path / MARKER).write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    result = make_issue("--check", "2018-01", cwd=tmp_path / "sub")
    assert result.returncode == 2
    assert "content/2018-01.yaml" in result.stderr and "make-issue init" not in result.stderr


def test_a_folders_own_layout_and_font_roles_override_the_built_in_ones(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "2018-06.yaml").write_bytes((ROOT / "content" / "2018-06.yaml").read_bytes())
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "default.yaml").write_text(
        DEFAULT_LAYOUT.read_text(encoding="utf-8").replace("chars_per_line: 28", "chars_per_line: 0"), encoding="utf-8")
    own_layout = make_issue("--check", "2018-06", cwd=tmp_path)
    assert own_layout.returncode == 2 and "layouts/default.yaml" in own_layout.stderr  # the folder's, not ours

    (tmp_path / "layouts" / "default.yaml").unlink()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "fonts.yaml").write_text('kaiti: [{family: "Noto Sans CJK SC"}]\n', encoding="utf-8")
    report = make_issue("--fonts", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "其中 kaiti 按 fonts/fonts.yaml" in report.stdout
    kaiti = report.stdout.split("kaiti（楷体）：", 1)[1].splitlines()[0]
    assert kaiti.startswith("Noto Sans CJK SC")
    fangsong = report.stdout.split("fangsong（仿宋）：", 1)[1].splitlines()[0]
    assert fangsong  # from the built-in candidates
    assert make_issue("--check", "2018-06", cwd=tmp_path).returncode == 0


def test_an_unknown_layout_names_the_built_in_ones(project_copy: Path) -> None:
    source = project_copy / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("office: 办公室编", "office: 办公室编\nlayout: nosuch"), encoding="utf-8")
    result = make_issue("--check", "2018-06", cwd=project_copy)
    assert result.returncode == 2
    assert "layouts/nosuch.yaml" in result.stderr and "自带的版式：default" in result.stderr
