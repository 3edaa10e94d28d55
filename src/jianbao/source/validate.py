"""From the YAML node tree of an issue to the model, with every problem located and explained.

Validation never stops at the first problem: each field is checked and all errors are collected,
so a user sees everything that is wrong with a file at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from typing import NamedTuple, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jianbao.errors import Location, SourceError, ValidationFailed
from jianbao.files import excerpt
from jianbao.model import (
    Article,
    Block,
    Closing,
    Distribution,
    Heading,
    Issue,
    LabelledValue,
    Paragraph,
    Span,
)
from jianbao.source import chars
from jianbao.source.text import normalize
from jianbao.yamlfile.nodes import NULL_TAG, Composed, child_path, node_location

T = TypeVar("T")

YEAR_MIN, YEAR_MAX = 1949, 2100
LABEL_MAX = 10
LAYOUT_NAME = re.compile(r"[A-Za-z0-9_-]+")
DEFAULT_OFFICE = "办公室编"
DEFAULT_LAYOUT = "default"

# Allowed keys of each mapping, with the Chinese name used in messages (and accepted as a hint).
ISSUE_FIELDS: Mapping[str, str] = {
    "series": "简报名称",
    "edition": "版别",
    "year": "年份",
    "number": "期号",
    "cumulative": "总期号",
    "date": "日期",
    "units": "编印单位",
    "office": "编印部门",
    "layout": "版式",
    "keywords": "关键词",
    "articles": "文章",
    "closing": "版记",
}
ARTICLE_FIELDS: Mapping[str, str] = {
    "title": "标题",
    "subtitle": "副标题",
    "contents": "目录条目",
    "byline": "署名",
    "dateline": "时间地点",
    "body": "正文",
}
BLOCK_FIELDS: Mapping[str, str] = {
    "lead": "段首句",
    "text": "段落文字",
    "h1": "一级标题",
    "h2": "二级标题",
    "h3": "三级标题",
    "h4": "四级标题",
}
CLOSING_FIELDS: Mapping[str, str] = {
    "distribution": "发送范围",
    "print_run": "印数",
    "contacts": "联系方式",
    "signoff": "签发",
}
DISTRIBUTION_FIELDS: Mapping[str, str] = {"label": "标签", "groups": "发送单位"}
ISSUE_REQUIRED = ("series", "year", "number", "date", "units", "articles")
ARTICLE_REQUIRED = ("title", "body")
HEADING_LEVELS: Mapping[str, int] = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DOTTED_DATE = re.compile(r"(\d{4})([./])(\d{1,2})\2(\d{1,2})")  # 2018.7.23, 2018/7/23
# A comment that YAML cut off a plain value with: `联系会员企业 #注 1.2万余家` (one space, then #).
_CUT_BY_COMMENT = re.compile(r" #[^\n]*")
# `title：标题` — a field name followed by the Chinese colon, read by YAML as one piece of text.
_CHINESE_COLON_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*：")
# `-6月4日…` — a list item without the space after its dash.
_DASH_WITHOUT_SPACE = re.compile(r"^([ ]*)-(?![-\s])", re.MULTILINE)
_DIGITS = re.compile(r"[0-9]+")

PLACEHOLDER_MARK = "【待填写】"  # what ``make-issue new`` writes where an article is still to come
PLACEHOLDER_MESSAGE = ("这是 make-issue new 写下的占位内容，请换成真正的文章"
                       "（或 make-issue import 稿件.docx --into 本期编号）")
CUT_BY_COMMENT_MESSAGE = "“ #”后的文字会被当作注释而丢失：请给整段加引号，或去掉“#”前的空格"
CHINESE_COLON_MESSAGE = "字段名后要用英文冒号加空格：把“{key}：”改为“{key}: ”"
DASH_MESSAGE = "“-”后要有空格：列表的每一项以“- ”（减号加空格）开头，请改为“- {rest}”"


class Field(NamedTuple):
    """A ``key: value`` pair of a mapping, or an item of a list (then ``key`` is None)."""

    value: Node
    path: str
    label: str
    key: ScalarNode | None = None
    required: bool = False

    @property
    def empty(self) -> bool:
        return isinstance(self.value, ScalarNode) and self.value.tag == NULL_TAG

    @property
    def anchor(self) -> Node:
        """Where to point at: the key when the value is empty, else the value."""
        return self.key if self.key is not None and self.empty else self.value


def _kind(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "列表"
    if isinstance(node, MappingNode):
        return "“字段: 值”映射"
    return "文字"


def _quote(value: str, limit: int = 24) -> str:
    first = value.split("\n", 1)[0]
    if first != value:  # the next lines were folded into this value: their indentation is wrong
        return f"“{_quote(first, limit)[1:-1]}…”（下面几行被并进了这一项，请检查它们的缩进）"
    return "“" + (value if len(value) <= limit else value[: limit - 1] + "…") + "”"


def guess_key(name: str, allowed: Mapping[str, str]) -> str | None:
    """The allowed key a misspelt ``name`` probably means: a close spelling or its Chinese name."""
    import difflib  # only when a name is wrong

    keys = list(allowed)
    guess = difflib.get_close_matches(name, keys, n=1) or difflib.get_close_matches(name.lower(), keys, n=1)
    if guess:
        return guess[0]
    return next((key for key, chinese in allowed.items() if name == chinese), None)


def unknown_key_message(name: str, allowed: Mapping[str, str]) -> str:
    """``未知字段 "titel"，是否应为 "title"？``, or the list of allowed keys when nothing is close."""
    guess = guess_key(name, allowed)
    if guess is not None:
        return f'未知字段 "{excerpt(name, 30)}"，是否应为 "{guess}"？'
    return f'未知字段 "{excerpt(name, 30)}"（此处可用的字段：{"、".join(allowed)}）'


def _line_column(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


class Reuse:
    """What converting the items of a node tree gave, kept for the same tree after an edit inside it
    (make-issue watch: :mod:`jianbao.source.incremental`).

    ``kept`` maps ``id(node)`` to (the node, what converting its item gave, the errors it reported);
    ``dirty`` holds the ids of the nodes whose subtree changed since. An item whose node is in ``kept``
    and not dirty gives its kept value and errors again: its subtree, its place in the tree and its
    lines are as they were (only character offsets after the edit moved), so converting it again would
    give the same. Conversion never reads the source outside the lines of the node it converts.
    """

    __slots__ = ("dirty", "kept")

    def __init__(self) -> None:
        self.kept: dict[int, tuple[Node, object, list[SourceError]]] = {}
        self.dirty: set[int] = set()


class Checker:
    """Collects the errors of one file while converting its nodes."""

    def __init__(self, file: str, source: str = "", reuse: Reuse | None = None) -> None:
        self.file = file
        self.source = source  # the file's text, to point at a character inside a value
        self.errors: list[SourceError] = []
        self._guessed: dict[int, set[str]] = {}  # id(mapping node) → keys suggested for misspellings
        self.reuse = reuse

    def error(self, node: Node, path: str, message: str) -> None:
        self.errors.append(SourceError(node_location(self.file, node), path, message))

    # -- mappings -----------------------------------------------------------------------------

    def fields(
        self, item: Field, allowed: Mapping[str, str], what: str, required: Collection[str] = ()
    ) -> dict[str, Field] | None:
        """The known fields of a mapping; unknown keys are reported, duplicates skipped, and each
        ``required`` field that is missing is reported."""
        node = item.value
        if not isinstance(node, MappingNode):
            self.wrong_type(item, f"{what}应为“字段: 值”的映射")
            return None
        found: dict[str, Field] = {}
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.error(key, item.path, "字段名应为文字")
                continue
            name = key.value
            if name in seen:  # reported as a duplicate when the tree was composed
                continue
            seen.add(name)
            if name not in allowed:
                message = unknown_key_message(name, allowed)
                if allowed is ARTICLE_FIELDS and name in BLOCK_FIELDS:
                    message = (f"“{name}:”的缩进有误：它属于正文（body）里的一段，"
                               "应与这一段的第一个字段（如“lead:”）左端对齐")
                self.error(key, child_path(item.path, name), message)
                guess = guess_key(name, allowed)
                if guess is not None:
                    self._guessed.setdefault(id(node), set()).add(guess)
                continue
            found[name] = Field(value, child_path(item.path, name), allowed[name], key, name in required)
        for name in required:
            self.require(item, found, name, allowed)
        return found

    def require(self, item: Field, fields: Mapping[str, Field], name: str, allowed: Mapping[str, str]) -> None:
        if name not in fields and name not in self._guessed.get(id(item.value), ()):
            self.error(item.value, child_path(item.path, name), f'缺少必填字段 "{name}"（{allowed[name]}）')

    def wrong_type(self, item: Field, expected: str, hint: str = "") -> None:
        if self.misread_scalar(item):
            return
        if item.empty:
            advice = "" if item.required else "；不需要时请删去这一行"
            self.error(item.anchor, item.path, f"{item.label}不能为空{advice}")
        else:
            self.error(item.value, item.path, f"{expected}，而不是{_kind(item.value)}{hint}")

    def misread_scalar(self, item: Field) -> bool:
        """Report a plain value that YAML read as text because of a typing slip: a field name with
        the Chinese colon (``title：标题``) or a list item without the space after ``-``."""
        node = item.value
        if not isinstance(node, ScalarNode) or node.style is not None or node.tag == NULL_TAG:
            return False
        key = _CHINESE_COLON_KEY.match(node.value)
        if key is not None:
            self.error(node, item.path, CHINESE_COLON_MESSAGE.format(key=key.group(1)))
            return True
        start, end = node.start_mark, node.end_mark
        if not self.source or start is None or end is None:
            return False
        line_start = self.source.rfind("\n", 0, start.index) + 1
        for match in _DASH_WITHOUT_SPACE.finditer(self.source, line_start, end.index):
            line, column = _line_column(self.source, match.end() - 1)
            rest = self.source[match.end() :].split("\n", 1)[0].strip()
            self.errors.append(
                SourceError(Location(self.file, line, column), item.path, DASH_MESSAGE.format(rest=_quote(rest)[1:-1]))
            )
            return True
        return False

    def cut_by_comment(self, item: Field) -> bool:
        """Report a plain value followed by `` #…`` on its line: YAML drops that text as a comment.
        A comment set off by two or more spaces (``title: 标题   # 说明``) is taken as meant."""
        node = item.value
        end = node.end_mark
        if not isinstance(node, ScalarNode) or node.style is not None or end is None or not self.source:
            return False
        match = _CUT_BY_COMMENT.match(self.source, end.index)
        if match is None:
            return False
        line, column = _line_column(self.source, match.start() + 1)
        self.errors.append(SourceError(Location(self.file, line, column), item.path, CUT_BY_COMMENT_MESSAGE))
        return True

    # -- scalars ------------------------------------------------------------------------------

    def raw_text(self, item: Field, hint: str = "") -> str | None:
        """The text the user typed for a scalar ('' when empty); None if it is not a scalar."""
        node = item.value
        if isinstance(node, ScalarNode):
            if node.tag == NULL_TAG:
                return ""
            return None if self.cut_by_comment(item) else node.value
        self.wrong_type(item, f"{item.label}应为文字", hint)
        return None

    def text(self, item: Field, hint: str = "", optional: bool = False) -> str | None:
        """Normalised, non-empty text; None (error reported) otherwise."""
        raw = self.raw_text(item, hint)
        if raw is None:
            return None
        value = normalize(raw)
        if not value:
            advice = "；不需要时请删去这一行" if optional else ""
            self.error(item.key or item.value, item.path, f"{item.label}不能为空{advice}")
            return None
        if PLACEHOLDER_MARK in value:
            self.error(item.value, item.path, PLACEHOLDER_MESSAGE)
            return None
        return value if self.printable(item, value) else None

    def printable(self, item: Field, value: str) -> bool:
        """Report each control or zero-width character of ``value`` where the file has it."""
        clean = True
        for char, description, count in chars.forbidden(value):
            clean = False
            location = self._find(item.value, char)
            self.errors.append(SourceError(location, item.path, chars.message(char, description, count)))
        return clean

    def _find(self, node: Node, char: str) -> Location:
        """Where ``char`` is typed inside ``node``; the node's start when it came from an escape."""
        start, end = node.start_mark, node.end_mark
        if start is not None and end is not None and self.source:
            index = self.source.find(char, start.index, end.index)
            if index >= 0:
                line = self.source.count("\n", 0, index) + 1
                column = index - (self.source.rfind("\n", 0, index) + 1) + 1
                return Location(self.file, line, column)
        return node_location(self.file, node)

    def optional_text(self, item: Field | None) -> str | None:
        return None if item is None else self.text(item, optional=True)

    def integer(self, item: Field, minimum: int, maximum: int | None = None, example: str = "6") -> int | None:
        node = item.value
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.wrong_type(item, f"{item.label}应为整数")
            return None
        if not _DIGITS.fullmatch(node.value):
            self.error(node, item.path, f"{item.label}应为整数（如 {example}），现为{_quote(node.value)}")
            return None
        if node.style is not None:
            self.error(node, item.path, f"{item.label}应为整数，请去掉引号")
            return None
        number = int(node.value)
        if maximum is not None and not minimum <= number <= maximum:
            self.error(node, item.path, f"{item.label}应在 {minimum} 到 {maximum} 之间，现为 {number}")
            return None
        if number < minimum:
            self.error(node, item.path, f"{item.label}应不小于 {minimum}，现为 {number}")
            return None
        return number

    def date(self, item: Field) -> dt.date | None:
        node = item.value
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.wrong_type(item, f"{item.label}应写成 2018-04-13 或 2018年4月13日")
            return None
        value = node.value.strip()
        match = _ISO_DATE.fullmatch(value) or _CHINESE_DATE.fullmatch(value)
        dotted = _DOTTED_DATE.fullmatch(value)
        if match is None and dotted is None:
            self.error(
                node,
                item.path,
                f"日期应写成 2018-04-13 或 2018年4月13日（只写年月日），现为{_quote(value)}",
            )
            return None
        if match is not None:
            parts = match.groups()
        else:
            assert dotted is not None
            parts = (dotted.group(1), dotted.group(3), dotted.group(4))
        year, month, day = (int(part) for part in parts)
        try:
            return dt.date(year, month, day)
        except ValueError:
            if not 1 <= month <= 12:
                reason = "月份应为 1 到 12"
            elif year < dt.MINYEAR:
                reason = "年份有误"
            else:
                import calendar  # only for an impossible date
                reason = f"{year}年{month}月只有 {calendar.monthrange(year, month)[1]} 天"
            self.error(node, item.path, f"日期不存在：{value}（{reason}）")
            return None

    # -- lists --------------------------------------------------------------------------------

    def items(self, item: Field, what: str, label: str, allow_empty: bool = False) -> list[Field] | None:
        """The items of a list, each with its path ``name[i]`` and the given label."""
        node = item.value
        if not isinstance(node, SequenceNode):
            self.wrong_type(item, f"{item.label}应为列表（每项一行，以“- ”开头）")
            return None
        if not node.value and not allow_empty:
            self.error(item.key or node, item.path, f"{what}不能为空")
            return None
        return [Field(child, child_path(item.path, i), label) for i, child in enumerate(node.value)]

    def each(self, fields: list[Field] | None, convert: Callable[[Field], T | None]) -> tuple[T, ...]:
        if fields is None:
            return ()
        if self.reuse is None:
            converted = [convert(field) for field in fields]
        else:
            converted = [self._reused(self.reuse, field, convert) for field in fields]
        return tuple(value for value in converted if value is not None)

    def _reused(self, reuse: Reuse, item: Field, convert: Callable[[Field], T | None]) -> T | None:
        """``convert(item)``, or what it gave before for the same unchanged node (see :class:`Reuse`)."""
        node = item.value
        key = id(node)
        kept = reuse.kept.get(key)
        if kept is not None and kept[0] is node and key not in reuse.dirty:
            self.errors.extend(kept[2])
            return kept[1]  # type: ignore[return-value]  # what convert gave for this very node
        start = len(self.errors)
        value = convert(item)
        reuse.kept[key] = (node, value, self.errors[start:])
        return value


# -- the issue ------------------------------------------------------------------------------------


def check_issue(
    composed: Composed, text: str, file: str, *, stem: str, suffix: str, reuse: Reuse | None = None
) -> Issue:
    """The issue of a composed file, or :class:`ValidationFailed` with every problem, by line and column."""
    checker = Checker(file, text, reuse)
    checker.errors.extend(composed.errors)
    issue = build_issue(composed.root, checker, stem=stem, suffix=suffix, source=file)
    if issue is None or checker.errors:
        errors = sorted(checker.errors, key=lambda e: (e.location.line, e.location.column))
        raise ValidationFailed(errors)
    return issue


def build_issue(root: Node, checker: Checker, *, stem: str, suffix: str, source: str) -> Issue | None:
    """The issue described by ``root``, or None when ``checker`` has collected errors."""
    top = Field(root, "", "文件")
    if not isinstance(root, MappingNode):
        checker.error(
            root,
            "",
            f"文件的顶层应是“字段: 值”的映射（series: …、articles: … 等），而不是{_kind(root)}",
        )
        return None
    fields = checker.fields(top, ISSUE_FIELDS, "文件", ISSUE_REQUIRED)
    if fields is None:
        return None

    series = checker.text(fields["series"]) if "series" in fields else None
    edition = checker.optional_text(fields.get("edition"))
    year = checker.integer(fields["year"], YEAR_MIN, YEAR_MAX, "2018") if "year" in fields else None
    number = checker.integer(fields["number"], 1) if "number" in fields else None
    cumulative = checker.integer(fields["cumulative"], 1, example="120") if "cumulative" in fields else None
    date = checker.date(fields["date"]) if "date" in fields else None
    units = _units(checker, fields["units"]) if "units" in fields else ()
    office = checker.text(fields["office"]) if "office" in fields else DEFAULT_OFFICE
    layout = _layout(checker, fields["layout"]) if "layout" in fields else DEFAULT_LAYOUT
    keywords: tuple[str, ...] = ()
    if "keywords" in fields:
        keywords = checker.each(checker.items(fields["keywords"], "关键词", "关键词", True), checker.text)
    articles: tuple[Article, ...] = ()
    if "articles" in fields:
        found = checker.items(fields["articles"], "文章列表", "文章")
        articles = checker.each(found, lambda item: _article(checker, item))
    closing = _closing(checker, fields["closing"]) if "closing" in fields else Closing()

    if year is not None and number is not None and stem != f"{year}-{number:02d}":
        expected = f"{year}-{number:02d}{suffix}"
        checker.error(
            fields["number"].value,
            "number",
            f"与文件名不一致：year: {year}、number: {number} 的文件应命名为“{expected}”，"
            f"现为“{stem}{suffix}”；请改正文件名或期号",
        )

    if (
        checker.errors
        or series is None
        or year is None
        or number is None
        or date is None
        or office is None
        or layout is None
        or closing is None
    ):
        return None
    return Issue(
        id=stem,
        source=source,
        series_title=series,
        year=year,
        number=number,
        date=date,
        units=units,
        office=office,
        articles=articles,
        closing=closing,
        edition=edition,
        cumulative=cumulative,
        layout=layout,
        keywords=keywords,
    )


def _units(checker: Checker, item: Field) -> tuple[str, ...]:
    if isinstance(item.value, ScalarNode) and not item.empty:
        unit = checker.text(item)
        return (unit,) if unit is not None else ()
    if item.empty:
        checker.error(item.anchor, item.path, "编印单位不能为空")
        return ()
    return checker.each(checker.items(item, "编印单位", "编印单位"), checker.text)


def _layout(checker: Checker, item: Field) -> str | None:
    name = checker.text(item)
    if name is not None and not LAYOUT_NAME.fullmatch(name):
        checker.error(
            item.value,
            item.path,
            f"版式名{_quote(name)}只能由英文字母、数字、“-”和“_”组成（即 layouts/ 下的文件名，不带 .yaml）",
        )
        return None
    return name


# -- articles -------------------------------------------------------------------------------------


def _article(checker: Checker, item: Field) -> Article | None:
    fields = checker.fields(item, ARTICLE_FIELDS, "每篇文章", ARTICLE_REQUIRED)
    if fields is None:
        return None
    title = checker.text(fields["title"]) if "title" in fields else None
    subtitle = checker.optional_text(fields.get("subtitle"))
    contents = checker.optional_text(fields.get("contents"))
    byline = checker.optional_text(fields.get("byline"))
    dateline = checker.optional_text(fields.get("dateline"))
    body: tuple[Block, ...] = ()
    if "body" in fields:
        found = checker.items(fields["body"], "正文", "段落")
        body = checker.each(found, lambda block: _block(checker, block))
    if title is None or not body:
        return None
    return Article(
        title=title,
        body=body,
        subtitle=subtitle,
        contents_title=contents if contents != title else None,
        byline=byline,
        dateline=dateline,
        line=item.value.start_mark.line + 1,
    )


_PARAGRAPH_HINT = "；以“[”或“{”开头的段落请给整段加引号"


def _block(checker: Checker, item: Field) -> Block | None:
    node = item.value
    line = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        if item.empty:
            checker.error(node, item.path, "空段落：请删去这一行或写上内容")
            return None
        text = checker.text(item)
        return Paragraph((Span(text),), line) if text is not None else None
    if not isinstance(node, MappingNode):
        checker.error(node, item.path, f"段落应为文字，而不是列表{_PARAGRAPH_HINT}")
        return None

    if len(node.value) == 1 and isinstance(node.value[0][0], ScalarNode):
        # `- 会议指出: 内容` is a paragraph whose ASCII colon made YAML read it as a mapping.
        key = node.value[0][0]
        if key.value not in BLOCK_FIELDS and guess_key(key.value, BLOCK_FIELDS) is None:
            checker.error(
                key,
                child_path(item.path, key.value),
                f'未知字段 "{excerpt(key.value, 30)}"：若这是一段正文，其中的英文冒号加空格“: ”被当成了字段，'
                "请改用中文冒号“：”或给整段文字加引号",
            )
            return None
    fields = checker.fields(item, BLOCK_FIELDS, "段落")
    if fields is None:
        return None
    if not fields:
        if not node.value:
            checker.error(node, item.path, "空段落：请删去这一行或写上内容")
        return None

    headings = [name for name in fields if name in HEADING_LEVELS]
    if headings:
        if len(fields) > 1:
            others = "、".join(f'"{name}"' for name in fields if name != headings[0])
            checker.error(
                node,
                item.path,
                f'标题 "{headings[0]}" 要单独占一项，不能与 {others} 写在一起',
            )
            return None
        heading = fields[headings[0]]
        text = checker.text(heading)
        return Heading(HEADING_LEVELS[headings[0]], text, line) if text is not None else None

    if "lead" in fields:
        lead = checker.text(fields["lead"])
        rest = ""
        if "text" in fields:
            raw = checker.raw_text(fields["text"])
            rest = normalize(raw) if raw is not None else ""
            if not checker.printable(fields["text"], rest):
                return None
        if lead is None:
            return None
        spans = (Span(lead, True), Span(rest)) if rest else (Span(lead, True),)
        return Paragraph(spans, line)

    text = checker.text(fields["text"])
    return Paragraph((Span(text),), line) if text is not None else None


# -- closing block --------------------------------------------------------------------------------


def _closing(checker: Checker, item: Field) -> Closing | None:
    fields = checker.fields(item, CLOSING_FIELDS, "版记")
    if fields is None:
        return None
    distribution: tuple[Distribution, ...] = ()
    if "distribution" in fields:
        found = checker.items(fields["distribution"], "发送范围", "发送范围", True)
        distribution = checker.each(found, lambda line: _distribution(checker, line))
    print_run = checker.integer(fields["print_run"], 1, example="200") if "print_run" in fields else None
    contacts: tuple[LabelledValue, ...] = ()
    if "contacts" in fields:
        found = checker.items(fields["contacts"], "联系方式", "联系方式", True)
        contacts = checker.each(found, lambda line: _labelled(checker, line, "网址: http://www.example.com"))
    signoff: tuple[LabelledValue, ...] = ()
    if "signoff" in fields:
        found = checker.items(fields["signoff"], "签发", "签发", True)
        signoff = checker.each(found, lambda line: _labelled(checker, line, "签发: 王静"))
    return Closing(distribution=distribution, print_run=print_run, contacts=contacts, signoff=signoff)


def _distribution(checker: Checker, item: Field) -> Distribution | None:
    fields = checker.fields(item, DISTRIBUTION_FIELDS, "每条发送范围（label、groups）", tuple(DISTRIBUTION_FIELDS))
    if fields is None:
        return None
    label = checker.text(fields["label"]) if "label" in fields else None
    if label is not None:
        if label.endswith((":", "：")):
            checker.error(fields["label"].value, fields["label"].path, "标签后不要加冒号，排版时会自动加上")
            label = None
        elif len(label) > LABEL_MAX:
            checker.error(
                fields["label"].value,
                fields["label"].path,
                f"标签过长（{len(label)} 个字），应为“送”“报”“发”“抄送”之类的短词",
            )
            label = None
    groups: tuple[str, ...] = ()
    if "groups" in fields:
        groups = checker.each(checker.items(fields["groups"], "发送单位", "发送单位"), lambda g: _group(checker, g))
    if label is None or not groups:
        return None
    return Distribution(label, groups)


def _group(checker: Checker, item: Field) -> str | None:
    text = checker.text(item)
    if text is not None and text.endswith(("；", ";", "。")):
        checker.error(
            item.value,
            item.path,
            f"末尾的“{text[-1]}”请删去：各组之间的“；”和最后的“。”由排版自动加上",
        )
        return None
    return text


def _labelled(checker: Checker, item: Field, example: str) -> LabelledValue | None:
    node = item.value
    if not isinstance(node, MappingNode) or len(node.value) != 1:
        if isinstance(node, MappingNode):
            message = f"每项只能写一个“名称: 内容”，多项请分行写，每行以“- ”开头（如“- {example}”）"
        else:
            message = f"每项应写成“名称: 内容”（冒号后有空格），如“- {example}”"
        checker.error(node, item.path, message)
        return None
    key, value = node.value[0]
    label_field = Field(key, item.path, "名称")
    label = checker.text(label_field)
    value_text = checker.text(Field(value, item.path, f"“{label or ''}”的内容", key))
    if label is None or value_text is None:
        return None
    return LabelledValue(label, value_text)
