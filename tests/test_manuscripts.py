"""From manuscripts and printed issues to sources: make-issue new and import, and the round trips
(the printed copy's text, every PDF make-issue writes, Word files typed the ways offices type them)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REFERENCE, ROOT, make_issue
from jianbao.errors import ValidationFailed
from jianbao.manuscripts.command import read_one
from jianbao.manuscripts.writer import issue_text, scalar
from jianbao.model import Article, Issue
from jianbao.pipeline import Project, build
from jianbao.source import load_issue, parse_issue
from manuscript_files import report, speech

# -- helpers ------------------------------------------------------------------------------------------


def comparable(issue: Issue) -> Issue:
    """The issue without what only says where its source was: file name and line numbers."""
    articles = tuple(
        dataclasses.replace(a, line=0, body=tuple(dataclasses.replace(b, line=0) for b in a.body))
        for a in issue.articles
    )
    return dataclasses.replace(issue, articles=articles, source="")


def differences(a: object, b: object, path: str = "") -> list[str]:
    """Every place two models differ: ``.articles[2].body[5]: … != …``."""
    if dataclasses.is_dataclass(a) and type(a) is type(b):
        return [d for f in dataclasses.fields(a) for d in differences(getattr(a, f.name), getattr(b, f.name),
                                                                      f"{path}.{f.name}")]
    if isinstance(a, tuple) and isinstance(b, tuple):
        out = [f"{path}: {len(a)} 项 != {len(b)} 项"] if len(a) != len(b) else []
        return out + [d for i, (x, y) in enumerate(zip(a, b, strict=False)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def imported_model(printed: Path, issue_id: str) -> Issue:
    """The printed issue imported, written as YAML and loaded back as --check loads it."""
    result = read_one(printed)
    assert result.issue is not None
    return comparable(parse_issue(issue_text(result.issue), f"{issue_id}.yaml", stem=issue_id))


# -- round trips -----------------------------------------------------------------------------------------

# What the printed copy cannot tell (layout, keywords) equals the defaults 2018-06 uses, so nothing is left.
REFERENCE_TEXT_DIFFERENCES: list[str] = []


def test_reference_text_imports_to_the_reference_model() -> None:
    expected = comparable(load_issue(ROOT / "content" / "2018-06.yaml"))
    assert differences(expected, imported_model(REFERENCE, "2018-06")) == REFERENCE_TEXT_DIFFERENCES


def test_reference_pdf_imports_to_its_model(built_pdf: Path) -> None:
    expected = comparable(load_issue(ROOT / "content" / "2018-06.yaml"))
    assert differences(expected, imported_model(built_pdf, "2018-06")) == []


def test_example_issue_pdf_imports_to_its_model(tmp_path: Path) -> None:
    source = tmp_path / "2019-03.yaml"
    shutil.copy(ROOT / "docs" / "example-issue.yaml", source)
    result = build(source, tmp_path / "out", Project(ROOT))
    expected = comparable(load_issue(source))
    assert expected.keywords and expected.cumulative and any(a.subtitle for a in expected.articles)
    assert differences(expected, imported_model(result.path, "2019-03")) == []


GENERATED = 6


def test_generated_issues_pdfs_import_to_their_models(tmp_path: Path) -> None:
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_issues.py"), str(GENERATED),
                    "--out", str(content), "--seed", "11"], check=True, capture_output=True)
    sources = sorted(content.glob("*.yaml"))
    assert len(sources) == GENERATED
    project = Project(ROOT)
    kinds: set[str] = set()
    for source in sources:
        expected = comparable(load_issue(source))
        kinds.update(type(b).__name__ + (str(getattr(b, "level", "")) if hasattr(b, "level") else "")
                     for a in expected.articles for b in a.body)
        pdf = build(source, tmp_path / "out", project).path
        assert differences(expected, imported_model(pdf, source.stem)) == [], source.name
    assert {"Heading1", "Heading2", "Heading3", "Heading4", "Paragraph"} <= kinds  # every block type was tried


# -- Word manuscripts --------------------------------------------------------------------------------------


def _articles_of(source: Path) -> tuple[Article, ...]:
    return comparable(load_issue(source)).articles


def _plain_article(article: Article) -> Article:
    return comparable(Issue("x", "", "s", 2018, 1, dt.date(2018, 1, 1), ("u",), "o", (article,))).articles[0]


@pytest.fixture()
def desk(project_copy: Path) -> tuple[Path, list[Article]]:
    """A project copy with two Word manuscripts on the desk, and the articles they should give."""
    expected = [speech(project_copy / "稿件1.docx"), report(project_copy / "稿件2.docx")]
    return project_copy, [_plain_article(a) for a in expected]


def test_new_with_manuscripts_then_build(desk: tuple[Path, list[Article]]) -> None:
    root, expected = desk
    made = make_issue("new", "2018-07", "稿件1.docx", "稿件2.docx", cwd=root)
    assert made.returncode == 0, made.stderr
    assert "已建立 content/2018-07.yaml：以 2018-06 为底稿，2 篇文章" in made.stderr
    assert "识别出 2 篇文章、5 个小标题、4 个段首句" in made.stderr
    # what cannot be carried over is said, with its place
    assert "稿件1.docx 第 10 段之后：表格（2 行 × 2 列" in made.stderr
    assert "稿件2.docx 第 7 段：有批注" in made.stderr
    assert "稿件2.docx 第 7 段：有修订记录，已按接受全部修订后的文字导入" in made.stderr
    source = root / "content" / "2018-07.yaml"
    text = source.read_text(encoding="utf-8")
    assert "# 请核对：按“一、”识别为一级标题" in text
    new, previous = load_issue(source), load_issue(root / "content" / "2018-06.yaml")
    assert (new.year, new.number, new.date, new.edition) == (2018, 7, dt.date.today(), None)
    assert (new.series_title, new.units, new.office, new.closing) == (
        previous.series_title, previous.units, previous.office, previous.closing)
    assert list(comparable(new).articles) == expected
    built = make_issue("2018-07", cwd=root)
    assert built.returncode == 0, built.stderr
    from pdftext import body_text

    text = body_text(root / "out" / "2018-07.pdf")
    for article in expected:
        assert article.title in text
        for block in article.body:
            assert block.text.replace(" ", "") in text
    # and this PDF, too, imports back to its model (a heading without numbering: known by its 楷体)
    assert differences(comparable(new), imported_model(root / "out" / "2018-07.pdf", "2018-07")) == []


def test_new_never_overwrites_without_force(desk: tuple[Path, list[Article]]) -> None:
    root, _ = desk
    assert make_issue("new", "2018-07", "稿件1.docx", cwd=root).returncode == 0
    before = (root / "content" / "2018-07.yaml").read_bytes()
    again = make_issue("new", "2018-07", "稿件2.docx", cwd=root)
    assert again.returncode == 2
    assert "content/2018-07.yaml 已存在，没有改动它；确要重新生成请加 --force" in again.stderr
    assert (root / "content" / "2018-07.yaml").read_bytes() == before
    forced = make_issue("new", "2018-07", "稿件2.docx", "--force", cwd=root)
    assert forced.returncode == 0, forced.stderr
    assert load_issue(root / "content" / "2018-07.yaml").articles[0].title == "市工商联召开民营企业座谈会"


def test_new_without_files_has_a_placeholder_that_check_reports(desk: tuple[Path, list[Article]]) -> None:
    root, expected = desk
    source = root / "content" / "2018-06.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("number: 6\n", "number: 6\ncumulative: 118\n"),
                      encoding="utf-8")
    made = make_issue("new", "2018-07", "--edition", "增刊", cwd=root)
    assert made.returncode == 0, made.stderr
    checked = make_issue("--check", "2018-07", cwd=root)
    assert checked.returncode == 2
    assert "articles[0].title：这是 make-issue new 写下的占位内容，请换成真正的文章" in checked.stderr
    added = make_issue("import", "稿件1.docx", "--into", "2018-07", cwd=root)
    assert added.returncode == 0, added.stderr
    assert "已把 1 篇文章加入 content/2018-07.yaml" in added.stderr
    issue = load_issue(root / "content" / "2018-07.yaml")
    assert (issue.edition, issue.cumulative) == ("增刊", 119)
    assert list(comparable(issue).articles) == expected[:1]
    assert make_issue("import", "稿件2.docx", "--into", "2018-07", cwd=root).returncode == 0
    assert list(comparable(load_issue(root / "content" / "2018-07.yaml")).articles) == expected


def test_new_needs_an_earlier_issue(project_copy: Path) -> None:
    made = make_issue("new", "2017-01", cwd=project_copy)
    assert made.returncode == 2
    assert "没有 2017-01 之前的一期可作底稿" in made.stderr
    assert not (project_copy / "content" / "2017-01.yaml").exists()


# -- plain text, Markdown, printed text ----------------------------------------------------------------------


def test_text_manuscript_in_gb18030_is_read_and_said(tmp_path: Path) -> None:
    path = tmp_path / "稿件.txt"
    path.write_bytes("关于开展营商环境调研的通知\n\n张三\n\n　　一、调研内容\n\n　　二是要摸清底数。逐户走访。\n\n"
                     "　　调研时间为7月。\n".encode("gb18030"))
    done = make_issue("import", str(path))
    assert done.returncode == 0, done.stderr
    assert "按 GB18030（GBK）编码读取" in done.stderr
    assert done.stdout.splitlines()[2:] == [
        "  # 请核对：按第一段识别为标题",
        "  - title: 关于开展营商环境调研的通知",
        "    # 请核对：按标题下的短行识别为署名",
        "    byline: 张三",
        "    body:",
        "      # 请核对：按“一、”识别为一级标题",
        "      - h1: 一、调研内容",
        "      # 请核对：按“二是……。”识别为段首句",
        "      - lead: 二是要摸清底数。",
        "        text: 逐户走访。",
        "      - 调研时间为7月。",
    ]


def test_markdown_manuscript(tmp_path: Path) -> None:
    path = tmp_path / "稿件.md"
    path.write_text("# 市工商联开展结对帮扶\n\n**一是摸清需求。**走访企业30家，\n形成问题清单。\n\n"
                    "## 二、下一步打算\n\n- 联系 <http://www.example.com> 了解详情。\n", encoding="utf-8")
    done = make_issue("import", str(path))
    assert done.returncode == 0, done.stderr
    assert "  - title: 市工商联开展结对帮扶" in done.stdout
    assert "      - lead: 一是摸清需求。\n        text: 走访企业30家，形成问题清单。" in done.stdout
    assert "      - h1: 二、下一步打算" in done.stdout
    assert "      - 联系 http://www.example.com 了解详情。" in done.stdout


def test_import_printed_text_writes_a_checked_source_once(tmp_path: Path) -> None:
    target = tmp_path / "content" / "2018-06.yaml"
    done = make_issue("import", str(REFERENCE), "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert "识别出 3 篇文章、3 个小标题、13 个段首句" in done.stderr
    assert load_issue(target).articles[2].byline == "叶伟达"
    again = make_issue("import", str(REFERENCE), "-o", str(target))
    assert again.returncode == 2 and "已存在，没有改动它" in again.stderr
    assert [p.name for p in target.parent.iterdir()] == ["2018-06.yaml"]  # no temporary file left


def test_unknown_and_old_formats_are_refused(tmp_path: Path) -> None:
    for name, said in (("稿件.doc", "另存为”.docx"), ("稿件.rtf", "不支持的文件类型“.rtf”")):
        (tmp_path / name).write_bytes(b"x")
        done = make_issue("import", str(tmp_path / name))
        assert done.returncode == 2 and said in done.stderr, done.stderr
    (tmp_path / "坏.docx").write_bytes(b"not a zip")
    done = make_issue("import", str(tmp_path / "坏.docx"))
    assert done.returncode == 2 and "不是可读的 Word .docx 文件" in done.stderr


@pytest.mark.parametrize("value", ["联系会员企业 #注", "会议指出: 要", "[有场所]等", "yes", "314000", "- 六月",
                                   "2018-04-13", "“引号”开头", "#号开头", "a：b", "  前后空格  "])
def test_writer_values_read_back_unchanged(tmp_path: Path, value: str) -> None:
    text = (f"series: {scalar('工商联信息')}\nyear: 2018\nnumber: 6\ndate: 2018-04-13\nunits: 单位\n"
            f"articles:\n  - title: 标题\n    body:\n      - {scalar(value)}\n")
    try:
        issue = parse_issue(text, "x.yaml", stem="2018-06")
    except ValidationFailed as failed:  # pragma: no cover - shows what went wrong
        raise AssertionError(str(failed)) from None
    assert issue.articles[0].body[0].text == value.strip()


def test_help_lists_new_and_import_with_an_example() -> None:
    shown = make_issue("--help").stdout
    assert "new      由上一期生成新一期的源文件，可带稿件：make-issue new 2018-07 稿件1.docx 稿件2.docx" in shown
    assert "import   把稿件（.docx .txt .md）或已印发的一期（.pdf 或其文字稿）转成 YAML" in shown
    assert "make-issue import 稿件3.docx --into 2018-07" in shown


def test_into_an_issue_keeps_its_comments_and_closing(desk: tuple[Path, list[Article]]) -> None:
    root, expected = desk
    source = root / "content" / "2019-03.yaml"
    shutil.copy(ROOT / "docs" / "example-issue.yaml", source)
    done = make_issue("import", "稿件2.docx", "--into", "2019-03", cwd=root)
    assert done.returncode == 0, done.stderr
    text = source.read_text(encoding="utf-8")
    assert text.index("  - title: 市工商联召开民营企业座谈会") < text.index("# ---- 版记 Closing block")
    issue = load_issue(source)
    assert len(issue.articles) == 3 and issue.closing.print_run == 200
    assert comparable(issue).articles[2] == expected[1]
