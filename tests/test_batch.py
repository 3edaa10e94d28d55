"""Rebuilding the archive: many issues at once, only what changed, the record, and Ctrl-C.

Every test drives the real command (or batch.run for a worker that dies) on a throw-away copy of the
project whose content/ holds the reference issue and variants of it (other years and numbers).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_issue
from jianbao.archive import batch
from jianbao.archive.selection import Selected
from jianbao.archive.worker import Job, Outcome, build_job


def variant(project: Path, year: int, number: int, *, broken: bool = False) -> Path:
    """content/YEAR-NN.yaml: the reference issue as another year and number."""
    text = (project / "content" / "2018-06.yaml").read_text(encoding="utf-8")
    text = text.replace("year: 2018", f"year: {year}").replace("number: 6", f"number: {number}")
    text = text.replace("date: 2018-04-13", f"date: {year}-05-{number:02d}")
    if broken:
        text = text.replace("title: 市委常委会专题听取市工商联工作情况汇报", 'title: ""', 1)
    path = project / "content" / f"{year}-{number:02d}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def archive(project_copy: Path) -> Path:
    """A project with three issues: 2018-06, 2018-07 and 2019-01."""
    variant(project_copy, 2018, 7)
    variant(project_copy, 2019, 1)
    return project_copy


def pdfs(out: Path) -> dict[str, int]:
    """PDF name → modification time (ns)."""
    return {p.name: p.stat().st_mtime_ns for p in sorted(out.glob("*.pdf"))}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_manifest_matches(out: Path) -> dict:
    """Every manifest entry describes a PDF exactly as it is in out/; no temporary file is left."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["issues"]
    for entry in manifest.values():
        path = out / entry["pdf"]["name"]
        st = path.stat()
        assert (st.st_size, st.st_mtime_ns) == (entry["pdf"]["size"], entry["pdf"]["mtime_ns"])
        assert sha256(path) == entry["pdf"]["sha256"]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]
    return manifest


# --- choosing issues -------------------------------------------------------------------------------


def test_bad_arguments_are_refused_before_anything_is_touched(archive: Path) -> None:
    for args in (["../../etc/passwd", "2018-06"], ["2018-06", "2018_07"], ["--all", "-j", "0"],
                 ["--volume", "18"], ["--volume", "../2018"], ["2018", "--check"], ["2031"]):
        result = make_issue(*args, cwd=archive)
        assert result.returncode == 2, (args, result.stderr)
        assert re.search(r"[\u4e00-\u9fff]", result.stderr) and "Traceback" not in result.stderr, args
    assert not (archive / "out").exists()


def test_all_builds_every_issue_with_a_summary_and_a_record(archive: Path) -> None:
    result = make_issue("--all", cwd=archive)
    assert result.returncode == 0, result.stderr
    out = archive / "out"
    assert set(pdfs(out)) == {"2018-06.pdf", "2018-07.pdf", "2019-01.pdf"}
    assert "共 3 期：生成 3 期，未变 0 期，失败 0 期" in result.stdout
    assert "[3/3]" in result.stdout  # plain progress lines when the output is not a terminal
    manifest = assert_manifest_matches(out)
    assert set(manifest) == {"2018-06", "2018-07", "2019-01"}

    index = json.loads((out / "index.json").read_text(encoding="utf-8"))["issues"]
    assert [i["id"] for i in index] == ["2018-06", "2018-07", "2019-01"]
    first = index[0]
    assert first["title"] == "工商联信息 2018年第6期（专刊）" and first["edition"] == "专刊"
    assert first["date"] == "2018-04-13" and first["pages"] >= 8
    assert first["size"] == (out / "2018-06.pdf").stat().st_size
    assert first["sha256"] == sha256(out / "2018-06.pdf")
    assert first["articles"][0] == "市委常委会专题听取市工商联工作情况汇报" and len(first["articles"]) == 3

    rows = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8-sig"))))
    assert [r["期号"] for r in rows] == ["2018年第6期", "2018年第7期", "2019年第1期"]
    assert rows[2]["SHA-256"] == sha256(out / "2019-01.pdf") and "市委常委会专题听取" in rows[2]["文章"]
    page = (out / "index.html").read_text(encoding="utf-8")
    for issue in index:
        assert issue["sha256"] in page and f'href="{issue["file"]}"' in page


def test_a_second_run_builds_nothing_and_a_change_rebuilds_only_its_issue(archive: Path) -> None:
    assert make_issue("--all", cwd=archive).returncode == 0
    out = archive / "out"
    before = pdfs(out)
    record = (out / "index.json").read_bytes()

    again = make_issue("--all", cwd=archive)
    assert again.returncode == 0, again.stderr
    assert "生成 0 期，未变 3 期" in again.stdout, again.stdout
    assert pdfs(out) == before and (out / "index.json").read_bytes() == record

    source = archive / "content" / "2018-07.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("嘉兴市总商会", "嘉兴市总商会（商会）", 1),
                      encoding="utf-8")
    changed = make_issue("--all", cwd=archive)
    assert changed.returncode == 0, changed.stderr
    assert "生成 1 期，未变 2 期" in changed.stdout, changed.stdout
    after = pdfs(out)
    assert after["2018-07.pdf"] != before["2018-07.pdf"]
    assert {k: v for k, v in after.items() if k != "2018-07.pdf"} == {
        k: v for k, v in before.items() if k != "2018-07.pdf"}
    assert_manifest_matches(out)

    forced = make_issue("--all", "--force", cwd=archive)
    assert "生成 3 期，未变 0 期" in forced.stdout, forced.stdout


def test_a_layout_change_rebuilds_the_issues_that_use_it(archive: Path) -> None:
    layouts = archive / "layouts"
    (layouts / "wide.yaml").write_text((layouts / "default.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    source = archive / "content" / "2019-01.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("office: 办公室编", "office: 办公室编\nlayout: wide"),
                      encoding="utf-8")
    assert make_issue("--all", cwd=archive).returncode == 0
    before = pdfs(archive / "out")
    wide = (layouts / "wide.yaml").read_text(encoding="utf-8")
    (layouts / "wide.yaml").write_text(wide.replace("chars_per_line: 28", "chars_per_line: 26"), encoding="utf-8")
    result = make_issue("--all", cwd=archive)
    assert "生成 1 期，未变 2 期" in result.stdout, result.stdout
    after = pdfs(archive / "out")
    assert after["2019-01.pdf"] != before["2019-01.pdf"] and after["2018-06.pdf"] == before["2018-06.pdf"]


def test_a_year_or_several_ids_build_just_those(archive: Path) -> None:
    year = make_issue("2018", cwd=archive)
    assert year.returncode == 0, year.stderr
    assert set(pdfs(archive / "out")) == {"2018-06.pdf", "2018-07.pdf"}
    ids = make_issue("2019-01", "2018-06", cwd=archive)
    assert ids.returncode == 0 and "生成 1 期，未变 1 期" in ids.stdout, ids.stdout
    record = json.loads((archive / "out" / "index.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in record["issues"]] == ["2018-06", "2018-07", "2019-01"]


# --- failures ------------------------------------------------------------------------------------


def test_a_broken_issue_fails_alone_with_its_reason(archive: Path) -> None:
    variant(archive, 2018, 8, broken=True)
    result = make_issue("--all", "-j", "2", cwd=archive)
    assert result.returncode == 1
    out = archive / "out"
    assert set(pdfs(out)) == {"2018-06.pdf", "2018-07.pdf", "2019-01.pdf"}
    assert "生成 3 期，未变 0 期，失败 1 期" in result.stdout
    reason = r"2018-08：\n\s+content/2018-08\.yaml:\d+:\d+ articles\[0\]\.title："
    assert re.search(reason, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert "2018-08" not in assert_manifest_matches(out)
    # fixed, it is built on the next run, and the others are left alone
    variant(archive, 2018, 8)
    again = make_issue("--all", cwd=archive)
    assert again.returncode == 0 and "生成 1 期，未变 3 期" in again.stdout, again.stdout


def _dies_on_2018_07(job: Job) -> Outcome:
    if job.id == "2018-07":
        os._exit(9)  # the worker process dies without a word (like an out-of-memory kill)
    return build_job(job)


def test_a_worker_that_dies_costs_only_its_own_issue(archive: Path) -> None:
    content = archive / "content"
    selected = [Selected(p.stem, p) for p in sorted(content.glob("*.yaml"))]
    stream = io.StringIO()
    report = batch.run(selected, root=archive, out_dir=archive / "out", jobs=2, stream=stream, tty=False,
                       build=_dies_on_2018_07)
    assert [o.id for o in report.failed] == ["2018-07"] and report.failed[0].internal
    assert "进程意外退出" in (report.failed[0].error or "")
    assert sorted(o.id for o in report.built) == ["2018-06", "2019-01"]
    assert report.exit_status == 1
    assert_manifest_matches(archive / "out")


def test_ctrl_c_leaves_whole_pdfs_and_a_manifest_that_matches_them(archive: Path) -> None:
    for number in range(8, 12):
        variant(archive, 2018, number)
    total = len(list((archive / "content").glob("*.yaml")))
    out = archive / "out"
    # started as from a terminal, with Ctrl-C's default action: a test run started in the background
    # (nohup ... &) ignores SIGINT, and a child inherits that, so the interrupt was lost whenever it
    # came outside the moments the batch holds it itself (the run ended with status 0)
    process = subprocess.Popen(
        [sys.executable, "-m", "jianbao", "--all", "-j", "1"], cwd=archive, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        while not list(out.glob("*.pdf")) and process.poll() is None:  # wait for the first PDF
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "已中断" in stdout and "Traceback" not in stderr
    manifest = assert_manifest_matches(out)
    built = set(pdfs(out))
    assert 1 <= len(built) < total
    assert {e["pdf"]["name"] for e in manifest.values()} == built
    resumed = make_issue("--all", cwd=archive)
    assert resumed.returncode == 0, resumed.stderr
    assert f"生成 {total - len(built)} 期，未变 {len(built)} 期" in resumed.stdout, resumed.stdout


def test_single_issue_mode_prints_one_line_and_keeps_the_record(archive: Path) -> None:
    result = make_issue("2018-07", cwd=archive)
    assert result.returncode == 0
    assert re.fullmatch(r"out/2018-07\.pdf\s+\d+ 页\s+\d+ KB\s+\d+\.\d+ s\n", result.stdout), result.stdout
    assert sorted(p.name for p in (archive / "out").iterdir()) == [
        "2018-07.pdf", "index.csv", "index.html", "index.json", "manifest.json"]
    assert set(assert_manifest_matches(archive / "out")) == {"2018-07"}


# --- the generator behind the scale benchmark ------------------------------------------------------


def test_generated_issues_are_valid_sources_using_every_block_type(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from generate_issues import generate
    finally:
        sys.path.pop(0)
    from jianbao.source import load_issue

    paths = generate(48, tmp_path, seed=7, start_year=2019, per_year=24)
    assert [p.name for p in paths[:2]] == ["2019-01.yaml", "2019-02.yaml"] and paths[-1].name == "2020-24.yaml"
    issues = [load_issue(p) for p in paths]
    text = "".join(p.read_text(encoding="utf-8") for p in paths)
    for field in ("edition:", "cumulative:", "keywords:", "layout:", "subtitle:", "contents:", "byline:",
                  "dateline:", "- lead:", "text:", "- >-", "- h1:", "- h2:", "- h3:", "- h4:", "print_run:",
                  "contacts:", "signoff:", "distribution:"):
        assert field in text, field
    assert any(len(i.units) > 1 for i in issues) and any(len(i.units) == 1 for i in issues)
    assert generate(2, tmp_path / "again", seed=7, start_year=2019)[0].read_bytes() == paths[0].read_bytes()


def test_batch_run_reports_each_issues_warnings_after_building_it(project_copy: Path) -> None:
    result = make_issue("--all", "-j", "1", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    assert "有警告的期（1，PDF 已生成）" in result.stderr
    assert "content/2018-06.yaml:39:41：警告：中文中使用了半角标点“[”" in result.stderr
    assert (project_copy / "out" / "2018-06.pdf").exists()
