"""The command as the office uses it: exit codes, messages, and never a half-written PDF."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import make_issue


def test_version_and_help() -> None:
    version = make_issue("--version")
    assert version.returncode == 0 and re.search(r"\d+\.\d+\.\d+", version.stdout)
    helptext = make_issue("--help")
    assert helptext.returncode == 0 and "--check" in helptext.stdout and "--out" in helptext.stdout


def test_success_prints_one_line_with_path_pages_size_time(tmp_path: Path) -> None:
    result = make_issue("2018-06", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert re.search(r"2018-06\.pdf\s+\d+ 页\s+\d+ KB\s+\d+\.\d+ s$", lines[0]), lines[0]


def test_check_validates_without_writing(tmp_path: Path) -> None:
    result = make_issue("--check", "2018-06", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "校验通过" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_yaml_path_builds_into_out_named_by_stem(project_copy: Path, tmp_path: Path) -> None:
    source = project_copy / "content" / "2018-06.yaml"
    out = tmp_path / "pdfs"
    result = make_issue(str(source), "--out", str(out), cwd=project_copy)
    assert result.returncode == 0, result.stderr
    assert (out / "2018-06.pdf").read_bytes().startswith(b"%PDF")


def test_unknown_issue_and_bad_ids_are_usage_errors(tmp_path: Path) -> None:
    for arg in ("2031-01", "../../etc/passwd", "2018_06"):
        result = make_issue(arg, "--out", str(tmp_path))
        assert result.returncode == 2, (arg, result.stderr)
        assert "Traceback" not in result.stderr
        assert re.search(r"[\u4e00-\u9fff]", result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_invalid_source_reports_location_and_keeps_the_old_pdf(project_copy: Path) -> None:
    out = project_copy / "out"
    assert make_issue("2018-06", cwd=project_copy).returncode == 0
    good = (out / "2018-06.pdf").read_bytes()
    source = project_copy / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: 市委常委会专题听取市工商联工作情况汇报", 'title: ""', 1),
                      encoding="utf-8")
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 2
    assert re.search(r"content/2018-06\.yaml:\d+:\d+ articles\[0\]\.title：", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "2018-06.pdf").read_bytes() == good
    assert sorted(p.name for p in out.iterdir()) == [  # the good PDF and its record; nothing half-written
        "2018-06.pdf", "index.csv", "index.html", "index.json", "manifest.json"]


def test_character_without_a_glyph_is_reported_with_code_point(project_copy: Path) -> None:
    source = project_copy / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8").replace("4月4日，市委常委会", "4月4日，\U0002A6A5市委常委会", 1)
    source.write_text(text, encoding="utf-8")
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 2, result.stderr
    assert "U+2A6A5" in result.stderr
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "\U0002A6A5" in row)
    assert f"content/2018-06.yaml:{line}:" in result.stderr
    assert not (project_copy / "out").exists() or not list((project_copy / "out").iterdir())


def test_read_only_output_directory_is_a_clear_error(project_copy: Path) -> None:
    import os

    out = project_copy / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        if os.access(out, os.W_OK):  # root ignores permissions: use a path below a file instead
            blocker = project_copy / "file"
            blocker.write_text("x")
            out = blocker / "sub"
        result = make_issue("2018-06", "--out", str(out), cwd=project_copy)
        assert result.returncode == 2, result.stderr
        assert "输出" in result.stderr and "Traceback" not in result.stderr
    finally:
        (project_copy / "ro").chmod(0o755)


def test_an_issue_may_name_another_layout(project_copy: Path) -> None:
    layouts = project_copy / "layouts"
    text = (layouts / "default.yaml").read_text(encoding="utf-8")
    (layouts / "wide.yaml").write_text(text.replace("chars_per_line: 28", "chars_per_line: 26"), encoding="utf-8")
    source = project_copy / "content" / "2018-06.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("office: 办公室编", "office: 办公室编\nlayout: wide"),
                      encoding="utf-8")
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    from pdftext import glyphs

    first_line = sorted((g for g in glyphs(project_copy / "out" / "2018-06.pdf", 1)), key=lambda g: (g.baseline, g.x))
    xs = [g.x for g in first_line if abs(g.baseline - first_line[0].baseline) < 1]
    assert abs((xs[-1] - xs[0]) / (len(xs) - 1) - 442.205 / 26) < 0.6  # 26 cells of 17.0 pt


def test_missing_layout_is_reported(project_copy: Path) -> None:
    source = project_copy / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8").replace("office: 办公室编", "office: 办公室编\nlayout: nosuch")
    source.write_text(text, encoding="utf-8")
    result = make_issue("2018-06", cwd=project_copy)
    assert result.returncode == 2
    assert "nosuch.yaml" in result.stderr and "找不到版式文件" in result.stderr
