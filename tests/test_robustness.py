"""Bad input never crashes, never loses a file, never writes outside out/ (issue 6).

The corpus ``tests/bad/``: one source file per mistake, ``NAME.yaml``, and next to it
``NAME.expected``: what the user must see when building it with the real command. Its lines are

    # a comment (why this input is bad)
    exit: 2                              the exit status (default 2)
    as: content/2018-06.yaml             where the file is put in a copy of the project (default)
    run: 2018-06                         the command's arguments (default: 2018-06)
    pad: 2200000                         append comment lines until the file has this many bytes
    content/2018-06.yaml:7:5 articles[0].title：标题不能为空     (any other line) must be in stderr

Every case must also end without a traceback, with a Chinese message, and without writing any file.
The cases run through the command's entry point (``jianbao.cli:main``, what ``make-issue`` calls)
in this process, each in its own copy of the project; the tests below run the command as a separate
process where the process boundary matters (exit status, --debug, concurrent builds).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DEFAULT_FONTS, DEFAULT_LAYOUT, ROOT, make_issue
from pdftext import glyphs

BAD = Path(__file__).resolve().parent / "bad"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _project(where: Path) -> Path:
    """A copy of the project without its content: layouts and the font roles."""
    (where / "layouts").mkdir(parents=True)
    shutil.copy(DEFAULT_LAYOUT, where / "layouts" / "default.yaml")
    (where / "fonts").mkdir(parents=True)
    shutil.copy(DEFAULT_FONTS, where / "fonts" / "fonts.yaml")
    (where / "content").mkdir()
    return where


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- the corpus of bad inputs ---------------------------------------------------------------------


@dataclass
class Case:
    name: str
    exit: int = 2
    place: str = "content/2018-06.yaml"
    args: list[str] = field(default_factory=lambda: ["2018-06"])
    pad: int = 0
    expected: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Case:
        case = cls(path.stem)
        for line in path.read_text(encoding="utf-8").splitlines():
            directive = re.match(r"^(exit|as|run|pad): ?(.*)$", line)
            if not line.strip() or line.startswith("#"):
                continue
            if directive is None:
                case.expected.append(line)
            elif directive[1] == "exit":
                case.exit = int(directive[2])
            elif directive[1] == "as":
                case.place = directive[2]
            elif directive[1] == "run":
                case.args = shlex.split(directive[2])
            else:
                case.pad = int(directive[2])
        assert case.expected, f"{path.name}: no expected message"
        return case


CASES = sorted(BAD.glob("*.expected"))


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stderr: str
    written: dict[str, bytes]  # files of the project copy that the run created or changed


def make_issue_here(args: list[str], cwd: Path) -> tuple[int, str]:
    """The command's entry point (``make-issue`` = ``jianbao.cli:main``) run in this process: the
    same code, exit status and stderr as in a shell, without 0.3 s of start-up per case."""
    from jianbao.cli import main

    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        mp.chdir(cwd)
        mp.setattr(sys, "argv", ["make-issue", *args])
        try:
            main()
        except SystemExit as exited:
            return int(exited.code or 0), err.getvalue()
    return 0, err.getvalue()


def _run_case(case: Case, where: Path) -> Outcome:
    project = _project(where)
    source = project / case.place
    source.parent.mkdir(parents=True, exist_ok=True)
    data = (BAD / f"{case.name}.yaml").read_bytes()
    if case.pad:
        line = b"#" + b" " * 98 + b"\n"
        data += line * ((case.pad - len(data)) // len(line) + 1)
    source.write_bytes(data)
    before = _files(project)
    code, stderr = make_issue_here(case.args, project)
    after = _files(project)
    return Outcome(code, stderr, {k: v for k, v in after.items() if before.get(k) != v})


def test_every_bad_input_has_an_expected_message() -> None:
    names = {p.stem for p in BAD.glob("*.yaml")}
    assert names == {p.stem for p in CASES}
    assert len(names) >= 50


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(tmp_path: Path, path: Path) -> None:
    case = Case.read(path)
    outcome = _run_case(case, tmp_path)
    stderr = outcome.stderr
    assert outcome.returncode == case.exit, stderr
    for expected in case.expected:
        assert expected in stderr, f"expected {expected!r} in:\n{stderr}"
    assert "Traceback" not in stderr
    assert CJK.search(stderr)
    assert not outcome.written, f"files written: {sorted(outcome.written)}"


# -- text: markup characters, long content --------------------------------------------------------

HEAD = "series: 工商联信息\nyear: 2018\nnumber: 6\ndate: 2018-04-13\nunits: 嘉兴市工商业联合会\n"


def _build(project: Path, text: str) -> Path:
    (project / "content" / "2018-06.yaml").write_text(text, encoding="utf-8")
    result = make_issue("2018-06", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "out" / "2018-06.pdf"


def _printed(pdf: Path) -> str:
    """All text of the PDF without whitespace and page numbers."""
    lines = [line for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]
    return re.sub(r"\s+", "", "".join(line for line in lines if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", line)))


def test_markup_characters_are_printed_literally(tmp_path: Path) -> None:
    marked = ["<b>粗体</b>", "&amp;", "a<b", "R&D", "<font color=red>红</font>", "<br/>", "&lt;&#x41;", "<para>"]
    text = HEAD + f"""articles:
  - title: "标题 {marked[0]} {marked[1]}"
    body:
      - "正文 {marked[2]} {marked[3]} {marked[4]}"
      - lead: "{marked[5]}段首"
        text: "{marked[6]} {marked[7]}"
closing:
  distribution:
    - label: 送
      groups:
        - "<u>单位</u>&amp"
  contacts:
    - 网址: "http://example.com/?a=1&b=<2>"
"""
    printed = _printed(_build(_project(tmp_path), text))
    for item in [*marked, "<u>单位</u>&amp。", "http://example.com/?a=1&b=<2>"]:
        assert item.replace(" ", "") in printed


def test_very_long_content_paginates_and_stays_in_the_block(tmp_path: Path) -> None:
    paragraph = "很长的一段正文，没有换行也没有小标题。" * 300  # 5 700 characters: about 10 pages
    title = "一个长得排不下一页的标题" * 60  # 720 characters at 二号: about two pages
    headings = "".join(f"      - h1: 一、连续的第{i}个小标题\n" for i in range(30))  # 30 headings glued together
    groups = "".join(f"        - 第{i}个发送单位\n" for i in range(150))  # a closing block taller than a page
    text = HEAD + f"""articles:
  - title: 标题
    body:
      - {paragraph}
  - title: {title}
    subtitle: 副标题
    body:
{headings}      - 正文。
closing:
  distribution:
    - label: 送
      groups:
{groups}"""
    pdf = _build(_project(tmp_path), text)
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 15
    printed = _printed(pdf)
    for item in (
        paragraph, title, "副标题", "一、连续的第29个小标题", "第0个发送单位；第1个发送单位", "第149个发送单位。",
    ):
        assert item in printed, item[:20]
    from jianbao.design.load import load_layout

    page = load_layout(DEFAULT_LAYOUT).page
    left, right = page.margin_left, page.margin_left + page.block_width
    for index in range(len(reader.pages)):
        for glyph in glyphs(pdf, index):
            assert left - 1 <= glyph.x <= right, (index, glyph)


# -- output: never a partial file, never outside out/ ----------------------------------------------


def _valid_issue(project: Path) -> Path:
    source = project / "content" / "2018-06.yaml"
    source.write_text(HEAD + "articles:\n  - title: 标题\n    body:\n      - 正文。\n", encoding="utf-8")
    return source


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from jianbao.cli import run

    code = run(list(args))
    return code, capsys.readouterr().err


def test_full_disk_keeps_the_old_pdf_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jianbao.render import pdf

    project = _project(tmp_path)
    _valid_issue(project)
    out = project / "out"
    out.mkdir()
    (out / "2018-06.pdf").write_bytes(b"%PDF-1.4 the good old issue")

    def disk_fills_up(document: object, path: Path, **options: object) -> None:
        path.write_bytes(b"%PDF-1.4 half of the new iss")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pdf, "render_pdf", disk_fills_up)
    code, err = _cli(capsys, "2018-06", "--root", str(project))
    assert code == 2
    assert "写入 PDF 失败（磁盘空间不足），原有文件未改动" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["2018-06.pdf"]
    assert (out / "2018-06.pdf").read_bytes() == b"%PDF-1.4 the good old issue"


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.EROFS, "磁盘或目录是只读的"), (errno.EACCES, "没有写入权限"), (errno.ENOSPC, "磁盘空间不足")],
)
def test_unwritable_output_directory_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], code: int, reason: str
) -> None:
    from jianbao import portable

    project = _project(tmp_path)
    _valid_issue(project)

    def refuse(*args: object, **kwargs: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(portable, "create_new", refuse)  # where every temporary file of out/ is made
    status, err = _cli(capsys, "2018-06", "--root", str(project))
    assert status == 2 and "Traceback" not in err
    assert f"out：无法在输出目录中写文件（{reason}）" in err.replace(str(project) + "/", "")
    assert not list((project / "out").iterdir())


def test_output_path_that_is_a_file_or_a_directory(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _valid_issue(project)
    (project / "afile").write_text("not a directory")
    result = make_issue("2018-06", "--out", "afile", cwd=project)
    assert result.returncode == 2 and "afile：输出路径已是一个文件，不是目录" in result.stderr
    (project / "out" / "2018-06.pdf").mkdir(parents=True)
    result = make_issue("2018-06", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "out/2018-06.pdf：写入 PDF 失败（已有同名的目录），原有文件未改动" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in (project / "out").iterdir()] == ["2018-06.pdf"]


def test_two_builds_of_the_same_issue_at_once_end_with_one_valid_pdf(tmp_path: Path) -> None:
    project = _project(tmp_path)
    shutil.copy(ROOT / "content" / "2018-06.yaml", project / "content" / "2018-06.yaml")
    command = [sys.executable, "-m", "jianbao", "2018-06"]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    out = project / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "2018-06.pdf", "index.csv", "index.html", "index.json", "manifest.json"]
    assert len(PdfReader(out / "2018-06.pdf").pages) >= 8
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["issues"]["2018-06"]["pdf"]
    assert entry["sha256"] == hashlib.sha256((out / "2018-06.pdf").read_bytes()).hexdigest()  # the PDF that won


def test_a_source_named_by_path_is_read_where_it_is_and_only_out_is_written(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere" / "drafts"
    elsewhere.mkdir(parents=True)
    source = _valid_issue(project).rename(elsewhere / "2018-06.yaml")
    before = _files(tmp_path)
    result = make_issue("../elsewhere/drafts/../drafts/2018-06.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    record = {"manifest.json", "index.json", "index.html", "index.csv"}  # the PDF's line in the 发文登记
    changed = {k for k, v in _files(tmp_path).items() if before.get(k) != v}
    assert changed == {f"project/out/{name}" for name in {"2018-06.pdf", *record}}
    assert source.exists()
    result = make_issue(str(source), "--out", str(tmp_path / "pdfs"), cwd=project)
    assert result.returncode == 0, result.stderr
    changed = {k for k, v in _files(tmp_path).items() if before.get(k) != v}
    assert changed == {f"{folder}/{name}" for folder in ("project/out", "pdfs") for name in {"2018-06.pdf", *record}}


def test_a_link_where_the_pdf_goes_is_replaced_not_written_through(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    _valid_issue(project)
    victim = tmp_path / "precious.txt"
    victim.write_text("must stay as it is")
    (project / "out").mkdir()
    (project / "out" / "2018-06.pdf").symlink_to(victim)
    result = make_issue("2018-06", cwd=project)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "must stay as it is"
    pdf = project / "out" / "2018-06.pdf"
    assert not pdf.is_symlink() and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("arg", ["../../etc/passwd", "/etc/passwd", "2018-06/../../x", "2018_06", "２０１８-０６", "-"])
def test_anything_but_an_issue_id_or_a_yaml_path_is_refused(tmp_path: Path, arg: str) -> None:
    project = _project(tmp_path)
    result = make_issue(arg, cwd=project)
    assert result.returncode == 2, result.stderr
    assert CJK.search(result.stderr) and "Traceback" not in result.stderr
    assert not (project / "out").exists()


# -- messages: user errors without a traceback unless --debug; internal faults with one --------------


def test_debug_adds_the_traceback_to_a_user_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "content" / "2018-06.yaml").write_text("series: [\n", encoding="utf-8")
    plain = make_issue("2018-06", cwd=project)
    debug = make_issue("2018-06", "--debug", cwd=project)
    assert plain.returncode == debug.returncode == 2
    assert "Traceback" not in plain.stderr and "Traceback" in debug.stderr
    assert "content/2018-06.yaml:2:1：YAML 语法错误" in plain.stderr
    assert "content/2018-06.yaml:2:1：YAML 语法错误" in debug.stderr


def test_an_internal_fault_shows_a_traceback_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jianbao import cli, pipeline

    project = _project(tmp_path)
    _valid_issue(project)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in jianbao")

    monkeypatch.setattr(pipeline, "prepare", broken)
    monkeypatch.setattr(sys, "argv", ["make-issue", "2018-06", "--root", str(project)])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: a bug in jianbao" in err
    assert "内部错误" in err
    assert not (project / "out").exists() or not list((project / "out").iterdir())


def test_an_interrupt_right_after_the_temporary_pdf_is_created_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal handled just after the temporary file exists (before it is locked, before the build's
    clean-up block is entered): the build's clean-up still removes it, and the old PDF stays."""
    from jianbao import pipeline
    from jianbao.pipeline import Project, build

    project = _project(tmp_path)
    _valid_issue(project)
    out = project / "out"
    out.mkdir()
    (out / "2018-06.pdf").write_bytes(b"%PDF-1.4 the good old issue")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_hold", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(project / "content" / "2018-06.yaml", out, Project(project))
    assert sorted(p.name for p in out.iterdir()) == ["2018-06.pdf"]
    assert (out / "2018-06.pdf").read_bytes() == b"%PDF-1.4 the good old issue"
