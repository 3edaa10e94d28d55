"""What an import recognised, before it is written as YAML: articles and issue fields, each guess
with the note a reviewer should check (``请核对：按“一、”识别为一级标题``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jianbao.model import Closing


@dataclass
class DraftBlock:
    """One body item: ``kind`` is ``p`` (paragraph), ``lead`` or ``h1``…``h4``."""

    kind: str
    text: str
    lead: str = ""  # kind == "lead": the emphasised sentence; ``text`` is what follows it
    note: str | None = None


@dataclass
class DraftArticle:
    title: str
    body: list[DraftBlock] = field(default_factory=list)
    subtitle: str | None = None
    contents: str | None = None
    byline: str | None = None
    dateline: str | None = None
    source: str = ""  # where it came from: 稿件1.docx
    notes: dict[str, str] = field(default_factory=dict)  # field name → note


@dataclass
class DraftIssue:
    """A whole source: what ``new`` carries over or a printed issue shows."""

    series: str = ""
    year: int = 0
    number: int = 0
    date: dt.date | None = None
    units: tuple[str, ...] = ()
    articles: list[DraftArticle] = field(default_factory=list)
    edition: str | None = None
    cumulative: int | None = None
    office: str | None = None
    layout: str | None = None
    keywords: tuple[str, ...] = ()
    closing: Closing | None = None
    header: list[str] = field(default_factory=list)  # comment lines at the top of the file
    notes: dict[str, str] = field(default_factory=dict)  # field name → note
    placeholder: bool = False  # one commented placeholder article instead of ``articles``

    @property
    def id(self) -> str:
        return f"{self.year}-{self.number:02d}"


@dataclass
class Imported:
    """The result of importing one or more files."""

    articles: list[DraftArticle] = field(default_factory=list)
    issue: DraftIssue | None = None  # a printed issue: the whole source
    warnings: list[str] = field(default_factory=list)  # located: 稿件1.docx 第3段：……
    said: list[str] = field(default_factory=list)  # facts worth saying: 按 GB18030 编码读取

    def all_articles(self) -> list[DraftArticle]:
        return self.issue.articles if self.issue is not None else self.articles

    def summary(self) -> str:
        """``识别出 2 篇文章、5 个小标题、8 个段首句；1 条警告``."""
        articles = self.all_articles()
        headings = sum(1 for a in articles for b in a.body if b.kind.startswith("h"))
        leads = sum(1 for a in articles for b in a.body if b.kind == "lead")
        paragraphs = sum(len(a.body) for a in articles) - headings - leads
        guesses = sum(1 for a in articles for b in a.body if b.note) + sum(len(a.notes) for a in articles)
        line = (f"识别出 {len(articles)} 篇文章、{headings} 个小标题、{leads} 个段首句、{paragraphs} 个段落；"
                f"{guesses} 处按格式推断（已在 YAML 中注明“请核对”）；{len(self.warnings)} 条警告")
        return line
