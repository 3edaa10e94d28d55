"""``make-issue new`` and ``make-issue import``: the work and every message they print.

``new 2018-07 [FILE…]`` starts an issue from the latest earlier one of its series; ``import FILE…``
turns manuscripts into articles (printed, added to an issue with ``--into``, or written with ``-o``)
and a printed issue into a whole source. Files are written whole, then renamed into place; an
existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from jianbao import portable
from jianbao.errors import ManuscriptError, ValidationFailed, display_path
from jianbao.manuscripts import plaintext, printed, wordfile
from jianbao.manuscripts.draft import DraftIssue, Imported
from jianbao.manuscripts.recognise import article
from jianbao.manuscripts.writer import article_lines, articles_text, issue_text
from jianbao.model import Issue
from jianbao.source import load_issue, parse_issue

ISSUE_ID = re.compile(r"^(\d{4})-(\d{2})$")
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
_PRINTED_HINT = re.compile(r"^\s*(\d{4})\s*年\s*第\s*\d+\s*期", re.MULTILINE)


@dataclass
class Outcome:
    """What a command prints: ``out`` to stdout (YAML), ``err`` lines to stderr (summary, warnings)."""

    out: str = ""
    err: list[str] = field(default_factory=list)


# -- reading ----------------------------------------------------------------------------------------


def read_one(path: Path) -> Imported:
    """One manuscript (.docx, .txt, .md) or printed issue (.pdf, or its extracted text)."""
    shown = display_path(path)
    if not path.is_file():
        raise ManuscriptError(f"找不到文件 {shown}")
    suffix = path.suffix.lower()
    result = Imported()
    if suffix == ".pdf":
        result.issue = printed.from_pdf(path, shown)
        return result
    if suffix == ".docx":
        paras, warnings = wordfile.paragraphs(path, shown)
        result.warnings += warnings
    elif suffix in TEXT_SUFFIXES:
        text, said = plaintext.read_text(path, shown)
        if said:
            result.said.append(said)
        head = "\n".join(text.strip().splitlines()[:16])
        if _PRINTED_HINT.search(head) and ("目 录" in text or "目录" in head or "共印" in text or "签发" in text):
            result.issue = printed.from_text(text, shown)
            return result
        paras = plaintext.paragraphs(text, suffix in (".md", ".markdown"), shown)
    elif suffix in (".doc", ".wps"):
        raise ManuscriptError(f"{shown}：旧版 Word（{suffix}）文件无法直接读取，请在 Word/WPS 中“另存为”.docx 后再导入")
    else:
        raise ManuscriptError(f"{shown}：不支持的文件类型“{suffix or '无扩展名'}”；"
                              "可导入 .docx、.txt、.md 稿件，或已印发一期的 .pdf 及其文字稿")
    draft = article(paras, path.name)
    if draft is None:
        result.warnings.append(f"{shown}：没有文字，未导入")
    elif not draft.body:
        result.warnings.append(f"{shown}：只有标题“{draft.title}”，没有正文，未导入")
    else:
        result.articles.append(draft)
    return result


def read_all(paths: list[Path]) -> Imported:
    total = Imported()
    for path in paths:
        one = read_one(path)
        if one.issue is not None:
            if total.issue is not None:
                raise ManuscriptError(f"{display_path(path)}：一次只能导入一期已印发的简报")
            total.issue = one.issue
        total.articles += one.articles
        total.warnings += one.warnings
        total.said += one.said
    if total.issue is not None and total.articles:
        total.issue.articles += total.articles
        total.articles = []
    return total


# -- writing ----------------------------------------------------------------------------------------


def write_atomically(path: Path, text: str, *, force: bool) -> None:
    shown = display_path(path)
    if path.exists() and not force:
        raise ManuscriptError(f"{shown} 已存在，没有改动它；确要替换请加 --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = portable.temporary_name(path.parent, f".{path.name}.", ".tmp")  # removed below if need be
    try:
        with os.fdopen(portable.create_new(temporary), "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_text(text: str, issue_id: str, shown: str) -> list[str]:
    """The problems ``make-issue --check`` would report for this text (none for a good import)."""
    try:
        parse_issue(text, shown, stem=issue_id)
    except ValidationFailed as failed:
        return [str(error) for error in failed.errors]
    return []


def _report(result: Imported, outcome: Outcome) -> None:
    outcome.err += result.said
    outcome.err.append(result.summary())
    outcome.err += [f"警告：{w}" for w in result.warnings]


# -- make-issue import -------------------------------------------------------------------------------


def run_import(paths: list[Path], *, root: Path, into: str | None, output: Path | None, force: bool) -> Outcome:
    result = read_all(paths)
    outcome = Outcome()
    if result.issue is not None:
        if into is not None:
            raise ManuscriptError("--into 只用于稿件；已印发的一期导入为完整的源文件，请用 -o content/年-期.yaml")
        issue = result.issue
        issue.header = [f"《{issue.series}》{issue.year}年第{issue.number}期：由 make-issue import 从印发件导入",
                        "“# 请核对”标出了按格式推断的地方；格式说明见 docs/source-format.md"]
        text = issue_text(issue)
        target = output if output is not None else None
        problems = check_text(text, issue.id, display_path(target) if target else f"{issue.id}.yaml")
        _report(result, outcome)
        outcome.err += [f"警告：导入结果未通过校验，请核对：{p}" for p in problems]
        if target is None:
            outcome.out = text
        else:
            if target.stem != issue.id and ISSUE_ID.match(target.stem):
                outcome.err.append(f"警告：这一期是 {issue.id}，文件名却是 {target.name}")
            write_atomically(target, text, force=force)
            outcome.err.append(f"已写入 {display_path(target)}")
        return outcome
    if not result.articles:
        _report(result, outcome)
        raise ManuscriptError("没有可导入的文章：" + "；".join(result.warnings or ["文件中没有文字"]))
    if into is not None:
        _add_into(result, root, into, outcome)
        return outcome
    text = articles_text(result.articles)
    _report(result, outcome)
    if output is None:
        outcome.out = text
    else:
        write_atomically(output, text, force=force)
        outcome.err.append(f"已写入 {display_path(output)}")
    return outcome


_PLACEHOLDER = re.compile(r"^  # ↓ 占位文章.*?^  # ↑ 占位文章到此为止\n", re.MULTILINE | re.DOTALL)
_TOP_LEVEL = re.compile(r"^(?![ #\n])\S", re.MULTILINE)


def _add_into(result: Imported, root: Path, into: str, outcome: Outcome) -> None:
    if not ISSUE_ID.match(into):
        raise ManuscriptError(f"--into 后应为期号 ID（如 2018-07），现为“{into}”")
    path = root / "content" / f"{into}.yaml"
    shown = display_path(path)
    if not path.is_file():
        raise ManuscriptError(f"找不到 {shown}；先用 make-issue new {into} 建立这一期")
    text = path.read_text(encoding="utf-8-sig")
    added = "\n".join(line for a in result.articles for line in article_lines(a)) + "\n"
    if _PLACEHOLDER.search(text):
        new_text = _PLACEHOLDER.sub(lambda _: added, text, count=1)
    else:
        start = re.search(r"^articles:[ \t]*(?:#.*)?\n", text, re.MULTILINE)
        if start is None:
            raise ManuscriptError(f"{shown} 中没有 articles:，无法加入文章")
        following = _TOP_LEVEL.search(text, start.end())
        end = following.start() if following is not None else len(text)
        while following is not None and end > start.end():  # leave the next section's comment lines to it
            previous_line = text.rfind("\n", start.end(), end - 1) + 1
            if previous_line <= start.end() or (text[previous_line:end].strip() and text[previous_line] != "#"):
                break
            end = previous_line
        body = text[start.end():end]
        kept = body.rstrip("\n") + "\n" if body.strip() else ""
        new_text = text[: start.end()] + kept + added + ("\n" if following is not None else "") + text[end:]
    problems = check_text(new_text, into, shown)
    _report(result, outcome)
    outcome.err += [f"警告：加入后未通过校验，请核对：{p}" for p in problems]
    write_atomically(path, new_text, force=True)
    outcome.err.append(f"已把 {len(result.articles)} 篇文章加入 {shown}")


# -- make-issue new -----------------------------------------------------------------------------------


def earlier_issue(content: Path, issue_id: str, series: str | None) -> Issue:
    """The latest issue before ``issue_id`` in content/ (of ``series`` when given)."""
    earlier = sorted((p for p in content.glob("*.yaml") if ISSUE_ID.match(p.stem) and p.stem < issue_id),
                     key=lambda p: p.stem, reverse=True)
    for path in earlier:
        issue = load_issue(path, display_path(path))
        if series is None or issue.series_title == series:
            return issue
    which = f"《{series}》" if series else ""
    raise ManuscriptError(
        f"{display_path(content)} 中没有 {issue_id} 之前的{which}一期可作底稿；"
        "请把 docs/example-issue.yaml 复制为 content/" + issue_id + ".yaml 后修改")


def run_new(issue_id: str, paths: list[Path], *, root: Path, edition: str | None, series: str | None,
            force: bool, today: dt.date | None = None) -> Outcome:
    match = ISSUE_ID.match(issue_id)
    if match is None:
        raise ManuscriptError(f"“{issue_id}”不是有效的期号 ID（应为 年-两位期号，如 2018-07）")
    year, number = int(match.group(1)), int(match.group(2))
    if number < 1:
        raise ManuscriptError(f"期号应不小于 1，现为 {issue_id}")
    target = root / "content" / f"{issue_id}.yaml"
    if target.exists() and not force:
        raise ManuscriptError(f"{display_path(target)} 已存在，没有改动它；确要重新生成请加 --force")
    previous = earlier_issue(root / "content", issue_id, series)
    result = read_all(paths) if paths else Imported()
    articles = result.all_articles()
    draft = DraftIssue(
        series=previous.series_title, year=year, number=number, date=today or dt.date.today(),
        units=previous.units, office=previous.office, layout=previous.layout, keywords=previous.keywords,
        closing=previous.closing, edition=edition, articles=list(articles), placeholder=not articles,
        cumulative=previous.cumulative + 1 if previous.cumulative is not None else None,
    )
    draft.header = [f"《{draft.series}》{year}年第{number}期",
                    f"由 make-issue new 以 {previous.id} 为底稿生成：报头、版记照上一期；"
                    "格式说明见 docs/source-format.md"]
    draft.notes["date"] = "印发日期按今天填写"
    if draft.cumulative is not None:
        draft.notes["cumulative"] = f"上一期 {previous.id} 为总第{previous.cumulative}期，加 1"
    text = issue_text(draft)
    outcome = Outcome()
    if paths:
        _report(result, outcome)
        problems = check_text(text, issue_id, display_path(target))
        outcome.err += [f"警告：未通过校验，请核对：{p}" for p in problems]
    write_atomically(target, text, force=force)
    what = f"{len(articles)} 篇文章" if articles else "一篇占位文章（换成真正的文章之前，--check 会报告它）"
    outcome.err.append(f"已建立 {display_path(target)}：以 {previous.id} 为底稿，{what}")
    return outcome
