"""The one place that writes issue YAML: a whole source, or the ``articles`` of manuscripts, in the
format of docs/source-format.md, with ``# 请核对：…`` above every guess. Values are written plain
when YAML reads them back unchanged, and double-quoted otherwise (``: ``, `` #``, a leading ``[``…)."""

from __future__ import annotations

import json
from functools import lru_cache

import yaml

from jianbao.manuscripts.draft import DraftArticle, DraftBlock, DraftIssue
from jianbao.model import Closing
from jianbao.source.validate import PLACEHOLDER_MARK

SCHEMA_LINE = "# yaml-language-server: $schema=../docs/issue.schema.json"
CHECK = "# 请核对："


@lru_cache(maxsize=4096)
def scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as exactly this text."""
    plain = value
    if (
        value
        and value == value.strip()
        and "\n" not in value
        and " #" not in value
        and "\t" not in value
        and not value.startswith(("-", "?", ":", ",", "#"))
    ):
        try:
            loaded = yaml.safe_load(f"k: {plain}")
        except yaml.YAMLError:
            loaded = None
        if loaded == {"k": value}:
            return plain
    return json.dumps(value, ensure_ascii=False)


def _comment(indent: str, note: str | None) -> list[str]:
    return [f"{indent}{CHECK}{note}"] if note else []


def block_lines(block: DraftBlock, indent: str) -> list[str]:
    out = _comment(indent, block.note)
    if block.kind == "p":
        out.append(f"{indent}- {scalar(block.text)}")
    elif block.kind == "lead":
        out.append(f"{indent}- lead: {scalar(block.lead)}")
        if block.text:
            out.append(f"{indent}  text: {scalar(block.text)}")
    else:
        out.append(f"{indent}- {block.kind}: {scalar(block.text)}")
    return out


def article_lines(article: DraftArticle, indent: str = "  ") -> list[str]:
    out: list[str] = []
    if article.source:
        out.append(f"{indent}# 来自 {article.source}")
    inner = indent + "  "
    out += _comment(indent, article.notes.get("title"))
    out.append(f"{indent}- title: {scalar(article.title)}")
    for name in ("subtitle", "contents", "byline", "dateline"):
        value = getattr(article, name)
        if value:
            out += _comment(inner, article.notes.get(name))
            out.append(f"{inner}{name}: {scalar(value)}")
    out.append(f"{inner}body:")
    for block in article.body:
        out += block_lines(block, inner + "  ")
    return out


def articles_text(articles: list[DraftArticle]) -> str:
    """An ``articles:`` list of manuscripts, to paste into an issue or to add with ``--into``."""
    lines = ["articles:"]
    for article in articles:
        lines += article_lines(article)
    return "\n".join(lines) + "\n"


def placeholder_lines() -> list[str]:
    return [
        "  # ↓ 占位文章：make-issue --check 会一直报告它，直到换成真正的文章。",
        "  #   换法：直接改写下面几行，或 make-issue import 稿件.docx --into 本期编号",
        f"  - title: {PLACEHOLDER_MARK}文章标题",
        "    body:",
        f"      - {PLACEHOLDER_MARK}第一段正文。",
        "  # ↑ 占位文章到此为止",
    ]


def closing_lines(closing: Closing) -> list[str]:
    out = ["closing:"]
    if closing.distribution:
        out.append("  distribution:")
        for line in closing.distribution:
            out.append(f"    - label: {scalar(line.label)}")
            out.append("      groups:")
            out += [f"        - {scalar(group)}" for group in line.groups]
    if closing.print_run is not None:
        out.append(f"  print_run: {closing.print_run}")
    for name, items in (("contacts", closing.contacts), ("signoff", closing.signoff)):
        if items:
            out.append(f"  {name}:")
            out += [f"    - {scalar(item.label)}: {scalar(item.value)}" for item in items]
    return out if len(out) > 1 else []


def issue_text(issue: DraftIssue) -> str:
    """The whole source of an issue."""
    out = [*(f"# {line}" for line in issue.header), SCHEMA_LINE, ""]

    def field(name: str, value: str) -> None:
        out.extend(_comment("", issue.notes.get(name)))
        out.append(f"{name}: {value}")

    field("series", scalar(issue.series))
    if issue.edition:
        field("edition", scalar(issue.edition))
    field("year", str(issue.year))
    field("number", str(issue.number))
    if issue.cumulative is not None:
        field("cumulative", str(issue.cumulative))
    field("date", issue.date.isoformat() if issue.date is not None else '""')
    if len(issue.units) == 1:
        field("units", scalar(issue.units[0]))
    else:
        out.extend(_comment("", issue.notes.get("units")))
        out.append("units:")
        out += [f"  - {scalar(unit)}" for unit in issue.units]
    if issue.office:
        field("office", scalar(issue.office))
    if issue.layout and issue.layout != "default":
        field("layout", scalar(issue.layout))
    if issue.keywords:
        out.append("keywords:")
        out += [f"  - {scalar(k)}" for k in issue.keywords]
    out += ["", "articles:"]
    if issue.placeholder and not issue.articles:
        out += placeholder_lines()
    for article in issue.articles:
        out += article_lines(article)
    if issue.closing is not None:
        lines = closing_lines(issue.closing)
        if lines:
            out += ["", *lines]
    return "\n".join(out) + "\n"
