"""Proofing: page previews and the long image, the warm rebuild, the watch loop, and the proof server's
refusals. (The proof page in a real browser: test_proof_browser.py.)"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT, make_issue
from pdftext import body_text, page_texts

EDITED = "会上，市工商联副主席孙昌佩传达了"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- previews ----------------------------------------------------------------------------------


def test_png_pages_and_long_image_are_written_and_byte_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = make_issue("2018-06", "--out", str(out), "--png", "--dpi", "50", "--long-image")
    assert first.returncode == 0, first.stderr
    pages = len(page_texts(out / "2018-06.pdf"))
    pngs = sorted((out / "2018-06").glob("page-*.png"))
    assert [p.name for p in pngs] == [f"page-{n:02d}.png" for n in range(1, pages + 1)]
    with Image.open(pngs[0]) as im:  # A4 at 50 dpi: 413 × 585 px
        assert abs(im.width - 210 / 25.4 * 50) <= 1 and abs(im.height - 297 / 25.4 * 50) <= 1
        assert round(im.info["dpi"][0]) == 50
    long = out / "2018-06-长图.png"
    with Image.open(long) as im:
        assert im.width == 1080
        page_h = round(1080 * 297 / 210)
        assert abs(im.height - (pages * page_h + (pages - 1) * 6)) <= pages
        assert im.getpixel((540, page_h + 3)) == (200, 200, 200)  # the separator under page 1
    assert "张页面预览" in first.stdout and "长图" in first.stdout
    before = {p.name: _sha(p) for p in [*pngs, long]}
    time.sleep(0.01)
    again = make_issue("2018-06", "--out", str(out), "--png", "--dpi", "50", "--long-image")
    assert again.returncode == 0, again.stderr
    assert {p.name: _sha(p) for p in [*sorted((out / "2018-06").glob("page-*.png")), long]} == before


def test_png_removes_pages_of_a_longer_earlier_version(tmp_path: Path) -> None:
    folder = tmp_path / "2018-06"
    folder.mkdir()
    (folder / "page-99.png").write_bytes(b"old")
    (folder / "notes.txt").write_text("mine")
    result = make_issue("2018-06", "--out", str(tmp_path), "--png", "--dpi", "30")
    assert result.returncode == 0, result.stderr
    assert not (folder / "page-99.png").exists() and (folder / "notes.txt").exists()


def test_dpi_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    result = make_issue("2018-06", "--out", str(tmp_path), "--png", "--dpi", "5000")
    assert result.returncode == 2 and "--dpi" in result.stderr
    assert not (tmp_path / "2018-06.pdf").exists()


# --- warm builds -------------------------------------------------------------------------------


def test_warm_rebuild_after_an_edit_is_the_cold_build_byte_for_byte(project_copy: Path, tmp_path: Path) -> None:
    from jianbao.pipeline import Project, build
    from jianbao.warm import Warm

    source = project_copy / "content" / "2018-06.yaml"
    project = Project(project_copy)
    warm = Warm()
    build(source, tmp_path / "warm", project, warm)
    made = warm.misses
    text = source.read_text(encoding="utf-8")
    assert EDITED in text
    source.write_text(text.replace(EDITED, "会上，市工商联副主席孙昌佩认真传达了"), encoding="utf-8")
    warm_pdf = build(source, tmp_path / "warm", project, warm).path
    # one paragraph is new (and the paragraphs the page make-up breaks again); the others are reused
    # (their breaks, or the blocks of their articles: compose/replay.py), not broken again
    assert warm.misses - made <= 3 and warm.paragraphs >= made
    cold_pdf = build(source, tmp_path / "cold", project).path
    assert warm_pdf.read_bytes() == cold_pdf.read_bytes()
    assert "孙昌佩认真传达了" in body_text(warm_pdf)


def test_a_series_of_warm_rebuilds_matches_cold_builds_and_reuses_unchanged_pages(
        project_copy: Path, tmp_path: Path) -> None:
    """Edits that add characters never used before, change the first page (so later pages' characters
    are numbered differently in the fonts' subsets), bring Latin text, and undo: each warm PDF is the
    cold one byte for byte, and pages the edit did not touch are not drawn again."""
    from jianbao.pipeline import Project, build
    from jianbao.warm import Warm

    source = project_copy / "content" / "2018-06.yaml"
    project = Project(project_copy)
    text = source.read_text(encoding="utf-8")
    assert EDITED in text and text.count("工商联") > 3
    edits = [
        text,
        text.replace(EDITED, "会上，市工商联副主席孙昌佩第3次传达了"),
        text.replace(EDITED, "会上，市工商联副主席孙昌佩鑫龘传达了"),  # characters the issue never had
        text.replace("研究部署下一阶段", "研究鑫龘下一阶段", 1),  # the same, on page 1: later codes all move
        text.replace("工商联", "工商业联合会", 3),  # the first pages change
        text.replace(EDITED, "会上，副主席传达了"),
        text.replace(EDITED, "会上，市工商联副主席孙昌佩在ABC xyz会上传达了"),
        text,
    ]
    warm = Warm()
    for n, edit in enumerate(edits):
        source.write_text(edit, encoding="utf-8")
        warm_pdf = build(source, tmp_path / "warm", project, warm).path
        warm.sweep()
        cold_pdf = build(source, tmp_path / f"cold{n}", project).path
        assert warm_pdf.read_bytes() == cold_pdf.read_bytes(), f"edit {n}"
    assert "研究鑫龘下一阶段" not in body_text(warm_pdf)
    assert warm.pages.hits >= 10  # the last build is the first one again: every page reused
    assert warm.pages.misses >= 10 + 4  # the first build drew every page, each edit at least one


def test_the_proof_page_after_an_edit_shows_every_page_as_a_fresh_rendering(project_copy: Path) -> None:
    """Pages the edit did not change are not drawn again for the proof page; what it shows must be
    what PDFium draws from the new PDF, page for page (pixels and text), including pages after the
    edit whose character codes moved."""
    from jianbao.pipeline import Project
    from jianbao.proof.previews import proof_pages
    from jianbao.proof.watch import Session

    source = project_copy / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    session = Session(source, Project(project_copy), project_copy / "out", board=True, dpi=30,
                      out=lambda _line: None, err=lambda _line: None)
    for edit in (text, text.replace(EDITED, "会上，市工商联副主席孙昌佩鑫龘传达了"),
                 text.replace("研究部署下一阶段", "研究鑫龘下一阶段", 1), text):
        source.write_text(edit, encoding="utf-8")
        assert session.build()
        board = session.board
        assert board is not None
        fresh = proof_pages((project_copy / "out" / "2018-06.pdf").read_bytes(), 30, {})
        assert list(board.snapshot.page_versions) == [p.version for p in fresh]
        assert list(board.snapshot.page_texts) == [p.text for p in fresh]
        assert [board.image(n) for n in range(1, len(fresh) + 1)] == [p.png for p in fresh]
    assert session.last is not None and sum(d is not None for d in session.last.drawings) == len(fresh)
    assert session.warm.pages.hits >= len(fresh)  # the last build is the first again: its pages reused


def test_warm_layout_and_fonts_are_read_again_when_their_files_change(project_copy: Path) -> None:
    from jianbao.warm import Warm

    warm = Warm()
    layout_file = project_copy / "layouts" / "default.yaml"
    first = warm.layout(layout_file)
    assert warm.layout(layout_file) is first
    layout_file.write_text(layout_file.read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8")
    assert warm.layout(layout_file) is not first
    config, fonts_dir = project_copy / "fonts" / "fonts.yaml", project_copy / "fonts"
    library = warm.font_library(config, fonts_dir)
    assert warm.font_library(config, fonts_dir) is library
    (fonts_dir / "extra.ttf").write_bytes(b"not really a font")
    assert warm.font_library(config, fonts_dir) is not library


# --- the watch loop ----------------------------------------------------------------------------


class Watch:
    """``make-issue watch`` as a separate process, its output lines collected as they come."""

    def __init__(self, cwd: Path, *args: str, command: tuple[str, ...] = ("watch",)) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "jianbao", *command, *args], cwd=cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put((name, line.rstrip("\n")))

    def expect(self, pattern: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(item)
            if re.search(pattern, item[1]):
                return item[1]
        raise AssertionError(f"no line matching {pattern!r} in {timeout} s; seen:\n" +
                             "\n".join(f"{n}: {t}" for n, t in self.seen))

    def drain(self, wait: float) -> list[str]:
        time.sleep(wait)
        out = []
        while True:
            try:
                item = self.lines.get_nowait()
            except queue.Empty:
                return out
            self.seen.append(item)
            out.append(item[1])

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture()
def watch(project_copy: Path) -> Iterator[Watch]:
    w = Watch(project_copy, "2018-06")
    yield w
    if w.proc.poll() is None:
        w.proc.kill()
        w.proc.wait()


def test_watch_rebuilds_on_save_keeps_last_good_pdf_and_ends_on_ctrl_c(watch: Watch, project_copy: Path) -> None:
    source = project_copy / "content" / "2018-06.yaml"
    pdf = project_copy / "out" / "2018-06.pdf"
    watch.expect(r"2018-06\.pdf\s+\d+ 页")
    watch.expect("正在监视")
    good = source.read_text(encoding="utf-8")

    source.write_text(good.replace(EDITED, "会上，市工商联副主席孙昌佩及时传达了"), encoding="utf-8")
    watch.expect(r"2018-06\.pdf\s+\d+ 页")
    assert "孙昌佩及时传达了" in body_text(pdf)

    kept = pdf.read_bytes()
    source.write_text(good.replace("date: 2018-04-13", "date: 2018-13-45"), encoding="utf-8")
    located = watch.expect(r"date：日期不存在")
    assert re.match(r"content/2018-06\.yaml:\d+:\d+ date：", located), located
    watch.expect("未生成 PDF.*保留不变")
    assert pdf.read_bytes() == kept

    source.write_text(good, encoding="utf-8")
    watch.expect(r"2018-06\.pdf\s+\d+ 页")
    assert "孙昌佩传达了" in body_text(pdf)

    assert watch.stop() == 0
    assert "已停止监视" in "\n".join(watch.drain(0.3) + [t for _, t in watch.seen])
    assert not [p for p in pdf.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_burst_of_saves_gives_one_rebuild(watch: Watch, project_copy: Path) -> None:
    source = project_copy / "content" / "2018-06.yaml"
    watch.expect("正在监视")
    good = source.read_text(encoding="utf-8")
    for n in range(5):  # an editor saving several times in a row
        source.write_text(good.replace(EDITED, f"会上（{n}），市工商联副主席孙昌佩传达了"), encoding="utf-8")
    watch.expect(r"2018-06\.pdf\s+\d+ 页")
    later = watch.drain(1.5)
    assert not [line for line in later if "已改动" in line], later
    assert sum("已改动" in t for _, t in watch.seen) == 1
    assert "会上（4）" in body_text(project_copy / "out" / "2018-06.pdf")


def test_a_burst_spread_over_many_milliseconds_still_gives_one_report(watch: Watch, project_copy: Path) -> None:
    """Saves 3 ms apart (the watcher waits 1 ms for the next): builds caught by a later save are
    dropped unsaid, and only the build of the last version puts its PDF in place and reports."""
    source = project_copy / "content" / "2018-06.yaml"
    watch.expect("正在监视")
    good = source.read_text(encoding="utf-8")
    for n in range(6):
        source.write_text(good.replace(EDITED, f"会上（{n}），市工商联副主席孙昌佩传达了"), encoding="utf-8")
        time.sleep(0.003)
    watch.expect(r"2018-06\.pdf\s+\d+ 页")
    later = watch.drain(1.5)
    assert not [line for line in later if "已改动" in line or " 页 " in line], later
    assert sum("已改动" in t for _, t in watch.seen) == 1
    assert "会上（5）" in body_text(project_copy / "out" / "2018-06.pdf")


def test_a_build_whose_source_changes_while_it_runs_leaves_the_old_pdf_and_says_nothing(
        project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jianbao.pipeline import Project
    from jianbao.proof import watch as watch_module

    source = project_copy / "content" / "2018-06.yaml"
    good = source.read_text(encoding="utf-8")
    said: list[str] = []
    session = watch_module.Session(source, Project(project_copy), project_copy / "out",
                                   out=said.append, err=said.append)
    assert session.build() is True
    pdf = project_copy / "out" / "2018-06.pdf"
    before = pdf.read_bytes()
    real = watch_module.build

    def saved_meanwhile(*args: object, **kwargs: object) -> object:
        source.write_text(good.replace(EDITED, "会上，市工商联副主席孙昌佩后来传达了"), encoding="utf-8")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watch_module, "build", saved_meanwhile)
    source.write_text(good.replace(EDITED, "会上，市工商联副主席孙昌佩起初传达了"), encoding="utf-8")
    said.clear()
    assert session.build([source]) is None
    assert said == [] and pdf.read_bytes() == before
    assert not list(pdf.parent.glob(".*.tmp"))
    monkeypatch.setattr(watch_module, "build", real)
    assert session.build([source]) is True
    assert "孙昌佩后来传达了" in body_text(pdf) and any("已改动" in line for line in said)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the dropped interrupt
def test_ctrl_c_ends_the_watch_even_when_python_drops_the_interrupt(project_copy: Path) -> None:
    """An interrupt that lands in an object's finalizer (the garbage collector runs them, e.g. right
    after a build) is printed and dropped by Python; the watch must end all the same."""
    from jianbao.pipeline import Project
    from jianbao.proof.watch import Session

    class Finalizer:
        def __del__(self) -> None:
            signal.raise_signal(signal.SIGINT)  # KeyboardInterrupt raised here is dropped by Python

    def after_build(ok: bool) -> None:
        finalizer = Finalizer()
        del finalizer

    said: list[str] = []
    session = Session(project_copy / "content" / "2018-06.yaml", Project(project_copy), project_copy / "out",
                      out=said.append, err=said.append)
    rescue = threading.Timer(15, lambda: os.kill(os.getpid(), signal.SIGINT))  # never hang the suite
    rescue.start()
    started = time.monotonic()
    try:
        assert session.run(on_build=after_build) == 0
    finally:
        rescue.cancel()
    assert time.monotonic() - started < 10, "the dropped interrupt was not followed"
    assert any("停止" in line or "结束" in line for line in said[-1:]), said


def test_a_save_caught_half_written_shows_no_errors(project_copy: Path) -> None:
    """An editor truncates the file and writes it a moment later: the build of the empty file fails,
    but the file changes again at once, so its errors are not shown; the next build is the good one."""
    from jianbao.pipeline import Project
    from jianbao.proof.watch import Session

    source = project_copy / "content" / "2018-06.yaml"
    good = source.read_text(encoding="utf-8")
    said: list[str] = []
    session = Session(source, Project(project_copy), project_copy / "out", out=said.append, err=said.append)
    assert session.build() is True
    said.clear()
    edited = good.replace(EDITED, "会上，市工商联副主席孙昌佩随即传达了")
    source.write_text("", encoding="utf-8")  # truncated: the rest comes 20 ms later
    later = threading.Timer(0.02, lambda: source.write_text(edited, encoding="utf-8"))
    later.start()
    try:
        assert session.build([source]) is None
    finally:
        later.join()
    assert said == []
    assert session.build([source]) is True
    assert "孙昌佩随即传达了" in body_text(project_copy / "out" / "2018-06.pdf")
    assert not [line for line in said if "错误" in line], said


def test_a_closed_terminal_ends_the_watch_as_ctrl_c_does(watch: Watch) -> None:
    """SIGTERM (a shutdown) and SIGHUP (a closed terminal) unwind the watch like Ctrl-C: it says it
    stopped and exits 0, leaving no temporary file."""
    watch.expect("正在监视")
    watch.proc.send_signal(signal.SIGHUP)
    assert watch.proc.wait(timeout=20) == 0
    watch.expect("已停止监视")


def test_a_save_without_an_edit_gives_no_rebuild(watch: Watch, project_copy: Path) -> None:
    source = project_copy / "content" / "2018-06.yaml"
    watch.expect("正在监视")
    good = source.read_text(encoding="utf-8")
    source.write_text(good, encoding="utf-8")  # saved again as it was (an editor's Ctrl-S with no edit)
    later = watch.drain(1.0)
    assert not [line for line in later if "已改动" in line or "页" in line], later
    source.write_text(good.replace(EDITED, "会上，市工商联副主席孙昌佩再次传达了"), encoding="utf-8")
    watch.expect(r"2018-06\.yaml 已改动")
    watch.expect(r"2018-06\.pdf\s+\d+ 页")
    assert "孙昌佩再次传达了" in body_text(project_copy / "out" / "2018-06.pdf")


def test_watch_rebuilds_when_the_layout_changes(watch: Watch, project_copy: Path) -> None:
    watch.expect("正在监视")
    layout = project_copy / "layouts" / "default.yaml"
    layout.write_text(layout.read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8")
    watch.expect(r"layouts/default\.yaml 已改动")
    watch.expect(r"2018-06\.pdf\s+\d+ 页")


def test_watch_option_rebuilds_when_the_font_configuration_changes(project_copy: Path) -> None:
    w = Watch(project_copy, "2018-06", "--watch", command=())  # make-issue 2018-06 --watch
    try:
        w.expect("正在监视")
        config = project_copy / "fonts" / "fonts.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8")
        w.expect(r"fonts/fonts\.yaml 已改动")
        w.expect(r"2018-06\.pdf\s+\d+ 页")
        (project_copy / "fonts" / "notes.txt").write_text("不是字体", encoding="utf-8")  # not a font: no rebuild
        assert not [line for line in w.drain(1.0) if "已改动" in line]
        assert w.stop() == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()
            w.proc.wait()


def test_a_fault_in_one_build_does_not_end_the_watch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import jianbao.proof.watch as watch_module
    from jianbao.pipeline import Project

    said: list[str] = []
    session = watch_module.Session(ROOT / "content" / "2018-06.yaml", Project(ROOT), tmp_path, board=True, dpi=30,
                                   out=said.append, err=said.append)
    assert session.build()
    good = (tmp_path / "2018-06.pdf").read_bytes()
    real = watch_module.build

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(watch_module, "build", broken)
    assert not session.build()
    assert any("内部错误" in line for line in said) and any("RuntimeError: a bug" in line for line in said)
    assert session.board is not None and not session.board.snapshot.ok
    assert session.board.snapshot.pages > 0  # the last good pages stay on the proof page
    assert (tmp_path / "2018-06.pdf").read_bytes() == good
    monkeypatch.setattr(watch_module, "build", real)
    assert session.build() and session.board.snapshot.ok


# --- the proof server: what it refuses ------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    import tempfile

    from jianbao.pipeline import Project
    from jianbao.proof.server import ProofServer
    from jianbao.proof.watch import Session

    with tempfile.TemporaryDirectory() as out:
        session = Session(ROOT / "content" / "2018-06.yaml", Project(ROOT), Path(out), board=True, dpi=30,
                          out=lambda _: None, err=lambda _: None)
        assert session.build()
        assert session.board is not None
        proof = ProofServer(session.board).start()
        yield proof.url
        proof.stop()


def _request(url: str, raw: str) -> tuple[int, bytes]:
    host, port = url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(raw.encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.partition(b"\r\n\r\n")[2]


def _get(url: str, path: str, method: str = "GET", host: str = "127.0.0.1") -> tuple[int, bytes]:
    return _request(url, f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")


def test_server_listens_on_loopback_only_and_serves_the_page_state_images_and_pdf(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")
    status, body = _get(server, "/")
    assert status == 200 and "校对".encode() in body
    status, body = _get(server, "/state.json")
    assert status == 200 and b'"ok": true' in body
    status, body = _get(server, "/page/1.png")
    assert status == 200 and body.startswith(b"\x89PNG")
    status, body = _get(server, "/2018-06.pdf")
    assert status == 200 and body.startswith(b"%PDF")


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/content/2018-06.yaml", "/layouts/default.yaml",
    "/page/", "/page/99.png", "/page/0.png", "/page/1.png/../../pyproject.toml", "/out/", "/static/",
    "/2018-05.pdf", "//etc/passwd", "/state.json/..", "/proof/page.html",
])
def test_server_serves_no_other_path_and_lists_no_directory(server: str, path: str) -> None:
    status, body = _get(server, path)
    assert status == 404, (path, body[:200])
    assert b"root:" not in body and b"<a href" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_server_has_no_write_endpoint(server: str, method: str) -> None:
    for path in ("/", "/state.json", "/page/1.png", "/2018-06.pdf", "/content/2018-06.yaml"):
        status, _ = _get(server, path, method)
        assert status == 405, (method, path)


def test_server_refuses_requests_for_another_host_name(server: str) -> None:
    status, _ = _get(server, "/state.json", host="attacker.example")
    assert status == 403


def test_the_watch_records_each_build_with_the_layout_and_fonts_it_was_made_from(project_copy: Path) -> None:
    """out/manifest.json after each watch build names the inputs of that build: after a layout edit,
    the new layout's fingerprint (the watch keeps the fingerprints while layouts and fonts stay as they
    were), so that make-issue --all neither rebuilds a current PDF nor trusts a stale one."""
    import json

    from jianbao.archive.fingerprint import Fingerprints, bytes_digest
    from jianbao.pipeline import Project
    from jianbao.proof.watch import Session

    source = project_copy / "content" / "2018-06.yaml"
    layout = project_copy / "layouts" / "default.yaml"
    session = Session(source, Project(project_copy), project_copy / "out", out=lambda _: None, err=lambda _: None)

    def recorded() -> dict[str, str]:
        manifest = json.loads((project_copy / "out" / "manifest.json").read_text(encoding="utf-8"))
        inputs: dict[str, str] = manifest["issues"]["2018-06"]["inputs"]
        return inputs

    def fresh() -> dict[str, str | None]:
        digest = bytes_digest(source.read_bytes())
        return Fingerprints(project_copy).inputs(digest, "default").to_json()

    text = source.read_text(encoding="utf-8")
    steps = [
        lambda: None,
        lambda: source.write_text(text.replace(EDITED, "会上，市工商联副主席孙昌佩再次传达了"), encoding="utf-8"),
        lambda: layout.write_text(layout.read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8"),
        lambda: source.write_text(text, encoding="utf-8"),
    ]
    layouts_seen = set()
    for n, step in enumerate(steps):
        step()
        assert session.build() is True, f"step {n}"
        assert recorded() == fresh(), f"step {n}: the record names other inputs than the build's"
        layouts_seen.add(recorded()["layout"])
    assert len(layouts_seen) == 2  # the layout edit was seen
