"""The distribution record (发文登记): kept current by every build path, with the columns an office
files, a spreadsheet Excel opens as is, and never written over a user's own files.

(How the page looks in a browser: tests/test_record_browser.py.)
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_issue
from jianbao.archive.record import CSV_COLUMNS, csv_cell
from jianbao.archive.register import record_builds
from test_batch import assert_manifest_matches, sha256, variant


@pytest.fixture()
def archive(project_copy: Path) -> Path:
    """2018-06 (the reference) and 2018-07, whose closing block has 报/送/发, a print run and a 校对."""
    path = variant(project_copy, 2018, 7)
    text = path.read_text(encoding="utf-8")
    text = text.replace("  distribution:\n    - label: 送\n",
                        "  distribution:\n    - label: 报\n      groups:\n        - 省工商联\n    - label: 送\n")
    text = text.replace("  contacts:\n", "  print_run: 120\n  contacts:\n")
    text = text.replace("    - 编辑: 黄克飞\n", "    - 编辑: 黄克飞\n    - 校对: 陈明\n")
    path.write_text(text, encoding="utf-8")
    return project_copy


def index(out: Path) -> dict[str, dict]:
    return {i["id"]: i for i in json.loads((out / "index.json").read_text(encoding="utf-8"))["issues"]}


def csv_rows(out: Path) -> list[dict[str, str]]:
    data = (out / "index.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --- every build path keeps it current -------------------------------------------------------------


def test_a_single_build_updates_the_record_and_a_year_run_then_builds_nothing(archive: Path) -> None:
    out = archive / "out"
    assert make_issue("--all", cwd=archive).returncode == 0
    old = index(out)["2018-07"]

    source = archive / "content" / "2018-07.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("date: 2018-05-07", "date: 2018-05-09"),
                      encoding="utf-8")
    single = make_issue("2018-07", cwd=archive)
    assert single.returncode == 0, single.stderr
    new = index(out)["2018-07"]
    assert new["date"] == "2018-05-09" and new["sha256"] == sha256(out / "2018-07.pdf") != old["sha256"]
    assert index(out)["2018-06"]["sha256"] == sha256(out / "2018-06.pdf")  # the others are kept
    assert set(assert_manifest_matches(out)) == {"2018-06", "2018-07"}
    row = next(r for r in csv_rows(out) if r["文件"] == "2018-07.pdf")
    assert row["印发日期"] == "2018-05-09" and row["SHA-256"] == new["sha256"]
    assert new["sha256"][:12] in (out / "index.html").read_text(encoding="utf-8")

    year = make_issue("2018", cwd=archive)
    assert year.returncode == 0 and "生成 0 期，未变 2 期" in year.stdout, year.stdout


def test_a_single_build_into_another_folder_starts_a_record_there(archive: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "sent"
    result = make_issue(str(archive / "content" / "2018-07.yaml"), "--out", str(elsewhere), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert list(index(elsewhere)) == ["2018-07"] and not (archive / "out").exists()
    assert set(assert_manifest_matches(elsewhere)) == {"2018-07"}


def test_files_of_the_users_own_are_never_overwritten(archive: Path, tmp_path: Path) -> None:
    desktop = tmp_path / "desktop"
    desktop.mkdir()
    (desktop / "index.html").write_text("<html><body>我的主页</body></html>", encoding="utf-8")
    result = make_issue("2018-06", "--out", str(desktop), cwd=archive)
    assert result.returncode == 0, result.stderr
    assert (desktop / "2018-06.pdf").is_file()
    assert (desktop / "index.html").read_text(encoding="utf-8") == "<html><body>我的主页</body></html>"
    assert "index.html：不是 make-issue 写的文件，未改动" in result.stderr and "--out" in result.stderr
    assert sorted(p.name for p in desktop.iterdir()) == ["2018-06.pdf", "index.html"]
    batch = make_issue("--all", "--out", str(desktop), cwd=archive)
    assert batch.returncode == 0 and "不是 make-issue 写的文件" in batch.stderr, batch.stderr
    assert (desktop / "index.html").read_text(encoding="utf-8") == "<html><body>我的主页</body></html>"


def test_a_build_waits_for_another_runs_record_and_keeps_its_entries(archive: Path) -> None:
    """Two runs writing into one folder: the second merges under the folder's lock, so both entries
    stay (a batch run, a watcher and a clerk's single build may well meet in out/)."""
    out = archive / "out"
    assert make_issue("2018-06", cwd=archive).returncode == 0
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another run is recording
        process = subprocess.Popen([sys.executable, "-m", "jianbao", "2018-07"], cwd=archive,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not (out / "2018-07.pdf").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert process.poll() is None, "the build recorded without waiting for the lock"
        assert "2018-07" not in index(out)
    finally:
        os.close(fd)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    assert set(assert_manifest_matches(out)) == {"2018-06", "2018-07"} == set(index(out))


def test_an_entry_without_the_closing_block_is_rebuilt_once(archive: Path) -> None:
    out = archive / "out"
    assert make_issue("--all", cwd=archive).returncode == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for key in ("distribution", "print_run", "signoff"):  # as written before the record had them
        del manifest["issues"]["2018-06"]["issue"][key]
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    again = make_issue("--all", cwd=archive)
    assert "生成 1 期，未变 1 期" in again.stdout, again.stdout
    assert "清单中缺少发文登记所需的版记信息或各篇页码 1 期" in again.stdout, again.stdout
    assert index(out)["2018-06"]["signoff"][0] == {"role": "签发", "name": "王静"}


# --- what it holds ---------------------------------------------------------------------------------


def test_the_record_has_the_columns_of_a_fawen_dengji(archive: Path) -> None:
    out = archive / "out"
    assert make_issue("--all", cwd=archive).returncode == 0
    issue = index(out)["2018-07"]
    assert [d["label"] for d in issue["distribution"]] == ["报", "送"]
    assert issue["distribution"][1]["groups"][0] == "省工商联" and issue["print_run"] == 120
    assert [s["role"] for s in issue["signoff"]] == ["签发", "审核", "编辑", "校对"]

    rows = csv_rows(out)
    assert tuple(rows[0]) == CSV_COLUMNS
    first, second = rows
    assert first["期号"] == "2018年第6期" and first["版别"] == "专刊" and first["印发日期"] == "2018-04-13"
    assert first["标题"] == "工商联信息 2018年第6期（专刊）" and first["文章"].startswith("市委常委会专题听取")
    assert first["报/送/发单位"].startswith("送：省工商联；市委办公室") and first["报/送/发单位"].endswith("本会执委。")
    assert (first["签发"], first["审核"], first["编辑"], first["印数"]) == ("王静", "李强", "黄克飞", "")
    assert first["SHA-256"] == sha256(out / "2018-06.pdf") and first["页数"] == str(issue["pages"])
    assert second["报/送/发单位"].split("\n")[0] == "报：省工商联。" and second["印数"] == "120"
    assert second["其他签署"] == "校对：陈明"

    page = (out / "index.html").read_text(encoding="utf-8")
    for header in ("期号", "总期号", "版别", "印发日期", "标题", "报/送/发单位", "印数", "签发", "审核", "编辑",
                   "其他签署", "页数", "文件", "SHA-256"):
        assert f"<th>{header}</th>" in page, header
    full = sha256(out / "2018-06.pdf")
    assert f'title="{full}"><code>{full[:12]}</code>' in page and f">{full}<" not in page
    assert "报：省工商联。" in page and "校对：陈明" in page and ">120<" in page


def test_csv_cells_never_start_a_formula(archive: Path) -> None:
    assert [csv_cell(v) for v in ("=1+2", "+86 573", "-3", "@SUM(A1)", "\t=x", "2018-04-13", None, 120)] == [
        "'=1+2", "'+86 573", "'-3", "'@SUM(A1)", "'\t=x", "2018-04-13", "", "120"]
    source = archive / "content" / "2018-07.yaml"
    text = source.read_text(encoding="utf-8").replace("    - 签发: 王静", '    - 签发: "=HYPERLINK(\\"http://x\\")"')
    source.write_text(text.replace("title: 市委常委会专题听取市工商联工作情况汇报", "title: +市委常委会专题听取", 1),
                      encoding="utf-8")
    result = make_issue("2018-07", cwd=archive)
    assert result.returncode == 0, result.stderr
    (row,) = csv_rows(archive / "out")
    assert row["签发"] == "'=HYPERLINK(\"http://x\")" and row["文章"].startswith("'+市委常委会专题听取")


def test_the_yearly_volume_is_linked_once_it_exists(archive: Path) -> None:
    out = archive / "out"
    result = make_issue("--volume", "2018", cwd=archive)
    assert result.returncode == 0, result.stderr
    record = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert record["volumes"] == [{"year": 2018, "file": "2018-volume.pdf",
                                  "size": (out / "2018-volume.pdf").stat().st_size}]
    assert '<a href="2018-volume.pdf">2018 年合订本</a>' in (out / "index.html").read_text(encoding="utf-8")
    (out / "2018-volume.pdf").unlink()
    record_builds(out)
    assert "2018-volume.pdf" not in (out / "index.html").read_text(encoding="utf-8")
