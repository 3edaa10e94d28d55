"""The validated issue: typed, immutable, free of YAML. The layout engine reads only this."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A run of text; ``emphasis`` marks a lead sentence such as 一是要高质量开展主题教育。"""

    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: its runs of text, and the source line it starts on."""

    spans: tuple[Span, ...]
    line: int = 0  # source line, for messages

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Heading:
    """A section heading inside an article: level 1 一、 level 2 （一） level 3 1. level 4 （1）."""

    level: int
    text: str
    line: int = 0


Block = Paragraph | Heading


@dataclass(frozen=True)
class Article:
    """One article: its title (and optional subtitle, contents line, byline, dateline) and body."""

    title: str
    body: tuple[Block, ...]
    subtitle: str | None = None
    contents_title: str | None = None  # the 目录 line when it differs from the title
    byline: str | None = None
    dateline: str | None = None
    line: int = 0

    @property
    def toc_text(self) -> str:
        return self.contents_title or self.title


@dataclass(frozen=True)
class Distribution:
    """One distribution line of the closing block: 送：a；b；c。"""

    label: str  # 送, 报, 发, 本期增发 …
    groups: tuple[str, ...]

    @property
    def text(self) -> str:
        return "；".join(self.groups) + "。"


@dataclass(frozen=True)
class LabelledValue:
    """A contact line (网址：…) or a sign-off role (签发：…)."""

    label: str
    value: str


@dataclass(frozen=True)
class Closing:
    """The closing block (版记): distribution lines, print run, contacts and sign-off."""

    distribution: tuple[Distribution, ...] = ()
    print_run: int | None = None  # 共印N份
    contacts: tuple[LabelledValue, ...] = ()
    signoff: tuple[LabelledValue, ...] = ()


@dataclass(frozen=True)
class Issue:
    """One issue as validated from its source: masthead fields, articles and closing block."""

    id: str  # the source file's stem, e.g. 2018-06
    source: str  # the source path as the user named it
    series_title: str
    year: int
    number: int
    date: dt.date
    units: tuple[str, ...]
    office: str  # 办公室编
    articles: tuple[Article, ...]
    closing: Closing = field(default_factory=Closing)
    edition: str | None = None  # 专刊, 增刊
    cumulative: int | None = None  # 总第N期
    layout: str = "default"
    keywords: tuple[str, ...] = ()

    @property
    def number_label(self) -> str:
        """2018年第6期"""
        return f"{self.year}年第{self.number}期"

    @property
    def cumulative_label(self) -> str | None:
        return f"（总第{self.cumulative}期）" if self.cumulative is not None else None

    @property
    def date_label(self) -> str:
        """2018年4月13日 (Arabic digits, full year, no zero padding: GB/T 9704 §7.3.5.4)."""
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    @property
    def document_title(self) -> str:
        """工商联信息 2018年第6期（专刊）"""
        suffix = f"（{self.edition}）" if self.edition else ""
        return f"{self.series_title} {self.number_label}{suffix}"
