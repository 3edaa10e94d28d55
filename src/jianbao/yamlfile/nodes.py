"""Reading an issue file into a YAML node tree that keeps positions.

Everything that can go wrong *before* the fields are looked at is turned into a
:class:`~jianbao.errors.SourceError` here: unreadable or oversized files, encodings other than
UTF-8, syntax errors, tab indentation, anchors and aliases, unknown tags, duplicate keys and
excessive nesting. Fatal problems raise :class:`~jianbao.errors.ValidationFailed`; duplicate keys
and odd tags are collected and returned so that validation can still report everything else.

Only the node tree is built (``compose``); no Python object is ever constructed from a tag.

The tree is composed from libyaml's events (:mod:`.fastyaml`) when libyaml is there and the text is
one where it is known to give what PyYAML's pure-Python loader gives; otherwise, and whenever that
path fails for any reason, by the pure-Python loader, whose errors are the ones reported.
"""

from __future__ import annotations

import errno
import re
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import yaml
from yaml.events import AliasEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from jianbao.errors import Location, SourceError, ValidationFailed
from jianbao.files import NotRegularFile, excerpt, open_regular
from jianbao.yamlfile import fast as fastyaml

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Larger files are refused: a real issue is a few dozen KB."""

MAX_DEPTH = 32
"""Deepest nesting accepted; the format itself needs 6 levels."""

YAML_TAG = "tag:yaml.org,2002:"
NULL_TAG = YAML_TAG + "null"

_ALLOWED_TAGS = frozenset(
    YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge", "value")
)


def child_path(path: str, key: str | int) -> str:
    """``articles`` + 2 → ``articles[2]``; ``articles[2]`` + ``title`` → ``articles[2].title``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def node_location(file: str, node: Node) -> Location:
    return mark_location(file, node.start_mark)


def mark_location(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file)
    return Location(file, mark.line + 1, mark.column + 1)


def show_tag(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG) :] if tag.startswith(YAML_TAG) else tag


@dataclass
class Composed:
    """The node tree of one file and the non-fatal problems found while building it."""

    root: Node
    errors: list[SourceError] = field(default_factory=list)


class _Refused(Exception):
    """Stops composing at once (anchors, aliases, nesting too deep)."""

    def __init__(self, error: SourceError) -> None:
        super().__init__(str(error))
        self.error = error


# Stands for a line break inside a scalar while scanning, so that YAML's folding (which turns a
# line break of a plain, quoted or ``>`` scalar into a space) leaves it alone; see scan_line_break.
_BREAK = fastyaml.BREAK


class _Positioned:
    """Composing that tracks field paths, refuses anchors/aliases and deep nesting, and reports
    duplicate keys and odd tags; mixed into a PyYAML composer."""

    def _start_positioned(self, file: str) -> None:
        self.file = file
        self.problems: list[SourceError] = []
        self._paths: list[str] = []

    def _refuse(self, error: SourceError) -> NoReturn:
        raise _Refused(error)

    def _path_of_child(self, parent: Node | None, index: object) -> str:
        if parent is None or not self._paths:
            return ""
        here = self._paths[-1]
        if isinstance(parent, SequenceNode) and isinstance(index, int):
            return child_path(here, index)
        if isinstance(parent, MappingNode) and isinstance(index, ScalarNode):
            return child_path(here, index.value)
        return here  # a mapping key, or a value under a non-text key

    def compose_node(self, parent: Node | None, index: object) -> Node:
        path = self._path_of_child(parent, index)
        event: Event = self.peek_event()  # type: ignore[attr-defined]  # a mixin over PyYAML's Composer
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            self._refuse(
                SourceError(
                    mark_location(self.file, event.start_mark),
                    path,
                    "不支持 YAML 锚点和别名（“&名称”“*名称”），请把内容直接写出来；"
                    "若这是以“&”或“*”开头的文字，请给整段文字加引号",
                )
            )
        if len(self._paths) >= MAX_DEPTH:
            self._refuse(
                SourceError(
                    mark_location(self.file, event.start_mark),
                    path,
                    f"嵌套层次过深（超过 {MAX_DEPTH} 层），简报源文件不需要这么多层",
                )
            )
        self._paths.append(path)
        try:
            node: Node = super().compose_node(parent, index)  # type: ignore[misc]  # (mixin)
        finally:
            self._paths.pop()
        if node.tag not in _ALLOWED_TAGS:
            self.problems.append(
                SourceError(
                    node_location(self.file, node),
                    path,
                    f"不支持 YAML 标签“{show_tag(node.tag)}”，请删去它",
                )
            )
        return node

    def compose_mapping_node(self, anchor: str | None) -> MappingNode:
        node: MappingNode = super().compose_mapping_node(anchor)  # type: ignore[misc]  # (mixin)
        here = self._paths[-1] if self._paths else ""
        seen: dict[str, ScalarNode] = {}
        for key, _value in node.value:
            if not isinstance(key, ScalarNode):
                continue
            first = seen.get(key.value)
            if first is None:
                seen[key.value] = key
                continue
            self.problems.append(
                SourceError(
                    node_location(self.file, key),
                    child_path(here, key.value),
                    f'字段 "{excerpt(key.value, 30)}" 重复出现（第一次在第 {first.start_mark.line + 1} 行），'
                    "请删去或合并其中一个",
                )
            )
        return node


class _PositionedLoader(_Positioned, yaml.SafeLoader):
    """The pure-Python loader: a safe loader with the checks of :class:`_Positioned`.

    Line breaks inside scalars are kept as ``\\n`` instead of being folded into spaces, so that
    :func:`jianbao.source.text.normalize` can join Chinese lines without a space.
    """

    def __init__(self, text: str, file: str) -> None:
        super().__init__(text)
        self._start_positioned(file)

    def scan_line_break(self) -> str:
        # PyYAML folds a break only when this returns "\n"; any other break is kept verbatim.
        line_break: str = super().scan_line_break()
        return _BREAK if line_break == "\n" else line_break

    def compose_scalar_node(self, anchor: str | None) -> ScalarNode:
        node: ScalarNode = super().compose_scalar_node(anchor)
        if _BREAK in node.value:
            node.value = node.value.replace(_BREAK, "\n")
        return node


if fastyaml.CheckedComposer is not None:

    class _FastPositionedLoader(_Positioned, fastyaml.CheckedComposer):
        """The same tree from libyaml's events; scalars that need it are scanned again by
        :class:`_PositionedLoader`'s scanner, which keeps line breaks."""

        def __init__(self, text: str, file: str) -> None:
            super().__init__(text)
            self._start_positioned(file)

        def _refuse(self, error: SourceError) -> NoReturn:
            raise fastyaml.Unsupported(error.message)  # the pure-Python loader reports it

        def make_reference_scanner(self) -> _PositionedLoader:
            return _PositionedLoader(self.text, self.file)

        def reference_value(self, scanned: str) -> tuple[str, str]:
            # as in _PositionedLoader: the tag is resolved before the stand-ins become "\n"
            return scanned, scanned.replace(_BREAK, "\n") if _BREAK in scanned else scanned


_READ_ERRORS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.EIO: "磁盘读写出错",
}


def read_text(
    path: Path, file: str, limit: int = MAX_FILE_BYTES, usual: str = "一期简报的源文件通常只有几十 KB"
) -> str:
    """The file's text: UTF-8 (with or without BOM), at most ``limit`` bytes; only a regular file
    is read (a FIFO or a device would never end)."""
    try:
        with open_regular(path) as handle:
            data = handle.read(limit + 1)
    except NotRegularFile as exc:
        raise ValidationFailed([SourceError(Location(file), "", f"无法读取文件（{exc.strerror}）")]) from exc
    except OSError as exc:
        reason = _READ_ERRORS.get(exc.errno or 0) or exc.strerror or exc.__class__.__name__
        raise ValidationFailed([SourceError(Location(file), "", f"无法读取文件（{reason}）")]) from exc
    if len(data) > limit:
        try:
            size = path.stat().st_size
        except OSError:
            size = len(data)
        shown = f"{size / 1024 / 1024:.1f} MB" if size > limit else f"超过 {limit // 1024} KB"
        raise ValidationFailed(
            [
                SourceError(
                    Location(file),
                    "",
                    f"文件过大（{shown}），上限为 {_shown_limit(limit)}；"
                    f"{usual}，请检查是否选错了文件",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise ValidationFailed(
            [
                SourceError(
                    Location(file, line, column),
                    "",
                    "文件不是 UTF-8 编码（可能是 GBK/GB2312），请在编辑器中另存为 UTF-8",
                )
            ]
        ) from exc


def _shown_limit(limit: int) -> str:
    return f"{limit // 1024 // 1024} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def compose_text(text: str, file: str) -> Composed:
    """Build the node tree of ``text``; raises :class:`ValidationFailed` on fatal problems."""
    if _BREAK in text:  # the scanner's stand-in for a line break must not come from the file
        line, column = _line_column(text, text.index(_BREAK))
        raise ValidationFailed(
            [SourceError(Location(file, line, column), "", f"含有无效字符（U+{ord(_BREAK):04X}），请删除它")]
        )
    if fastyaml.available(text):
        with suppress(Exception):  # libyaml cannot vouch for the text, or failed: the loader below decides
            return _compose_fast(text, file)
    return _compose_pure(text, file)


def _compose_fast(text: str, file: str) -> Composed:
    """The tree composed from libyaml's events; raises for anything the pure-Python loader must do."""
    loader = _FastPositionedLoader(text, file)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    if root is None:
        raise fastyaml.Unsupported("an empty file is reported by the pure-Python loader")
    return Composed(root, loader.problems)


def _compose_pure(text: str, file: str) -> Composed:
    """The tree composed by PyYAML's pure-Python loader, which reports every syntax error."""
    try:
        loader = _PositionedLoader(text, file)
    except ReaderError as exc:
        raise ValidationFailed([_reader_error(exc, text, file)]) from exc
    try:
        root = loader.get_single_node()
    except _Refused as exc:
        raise ValidationFailed([exc.error]) from None
    except yaml.MarkedYAMLError as exc:
        raise ValidationFailed(_syntax_errors(exc, text, file)) from None
    except ReaderError as exc:
        raise ValidationFailed([_reader_error(exc, text, file)]) from None
    finally:
        loader.dispose()
    if root is None:
        raise ValidationFailed(
            [
                SourceError(
                    Location(file),
                    "",
                    "文件是空的：至少要写 series、year、number、date、units 和 articles"
                    "（参见 docs/example-issue.yaml）",
                )
            ]
        )
    return Composed(root, loader.problems)


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _reader_error(exc: ReaderError, text: str, file: str) -> SourceError:
    line, column = _line_column(text, exc.position)
    code = exc.character if isinstance(exc.character, int) else 0
    return SourceError(
        Location(file, line, column),
        "",
        f"含有不可见的控制字符 U+{code:04X}（常见于从 Word 或网页复制的文字），请删除它",
    )


_TAB_LINE = re.compile(r"^[ \t]*\t", re.MULTILINE)

# (text in PyYAML's problem or context, explanation, report at the context mark rather than the problem)
_EXPLANATIONS: tuple[tuple[str, str, bool], ...] = (
    (
        "expected a single document",
        "文件里只能有一期简报（一个 YAML 文档），请删去多余的“---”",
        False,
    ),
    (
        "mapping values are not allowed here",
        "此处不能出现“冒号+空格”（: ）；若文字里有英文冒号，请改用中文冒号“：”或给整段文字加引号",
        False,
    ),
    ("could not find expected ':'", "缺少“: ”，或这一行的缩进、引号有误", True),
    ("while scanning a quoted scalar", "引号没有配对：从这里开始的引号没有结束", True),
    ("unknown escape character", "双引号里的反斜杠“\\”须写成“\\\\”，或改用单引号", False),
    ("while scanning an alias", "“*”在 YAML 中有特殊含义，以“*”开头的文字请加引号", True),
    ("while scanning an anchor", "“&”在 YAML 中有特殊含义，以“&”开头的文字请加引号", True),
    ("while scanning a tag", "“!”在 YAML 中有特殊含义，以“!”开头的文字请加引号", True),
    ("while scanning a directive", "“%”在 YAML 中有特殊含义，以“%”开头的文字请加引号", True),
    ("found character '@'", "以“@”开头的文字请加引号", False),
    ("found character '`'", "以“`”开头的文字请加引号", False),
    ("while scanning a block scalar", "“|”或“>”后面只能换行，文字从下一行开始写", False),
    ("flow sequence", "方括号“[ ]”没有配对；以“[”开头的文字请加引号", True),
    ("flow mapping", "花括号“{ }”没有配对；以“{”开头的文字请加引号", True),
    ("expected <block end>", "缩进不一致：同一层的字段或列表项要上下对齐", False),
    ("did not find expected key", "缩进不一致，或上一行的引号没有配对", False),
    ("did not find expected '-' indicator", "缩进不一致：同一列表的各项要以“- ”上下对齐", False),
    ("<document start>", "缩进不一致，或这一行前面的内容已经结束，多出了这一行", False),
    ("expected the node content", "此处缺少内容；以“]”“}”“,”“?”等符号开头的文字请加引号", False),
)


def _syntax_errors(exc: yaml.MarkedYAMLError, text: str, file: str) -> list[SourceError]:
    problem = exc.problem or exc.context or ""
    context = exc.context or ""
    if "'\\t'" in problem or "tab character" in problem:
        return _tab_errors(exc, text, file)
    if exc.problem_mark is not None:
        slip = _typing_slip(text, exc.problem_mark, problem, file)
        if slip is not None:
            return [slip]
    explanation = "YAML 格式有误"
    use_context = False
    for needle, chinese, prefer_context in _EXPLANATIONS:
        if needle in problem or needle in context:
            explanation, use_context = chinese, prefer_context
            break
    mark = exc.context_mark if use_context and exc.context_mark is not None else exc.problem_mark
    if mark is None:
        mark = exc.context_mark
    if exc.problem_mark is not None:
        unclosed = _unclosed_quote(text, exc.problem_mark.line)
        if unclosed is not None and (mark is None or unclosed < (mark.line + 1, mark.column + 1)):
            line, column = unclosed
            return [
                SourceError(
                    Location(file, line, column),
                    "",
                    "YAML 语法错误：引号没有配对：从这里开始的引号没有结束"
                    f"（引号内的文字可以跨行，所以到第 {exc.problem_mark.line + 1} 行才出错：{problem}）",
                )
            ]
    if "<block end>" in problem and exc.problem_mark is not None:
        bracket = _bracketed_text(text, exc.problem_mark)
        if bracket is not None:
            line, column, char = bracket
            return [
                SourceError(
                    Location(file, line, column),
                    "",
                    f"YAML 语法错误：以“{char}”开头的文字请给整段文字加引号"
                    f"（YAML 把“{char}…{_CLOSING[char]}”读成了{'列表' if char == '[' else '映射'}：{problem}）",
                )
            ]
    return [SourceError(mark_location(file, mark), "", f"YAML 语法错误：{explanation}（{problem}）")]


# `title：标题`: a field name with the Chinese colon; `-6月4日…`: a list item without a space after "-";
# `text: …` indented deeper than the field above it.
_CHINESE_COLON_KEY = re.compile(r"^([ ]*(?:-[ ]+)*)([A-Za-z_][A-Za-z0-9_]*)[ \t]*：")
_DASH_WITHOUT_SPACE = re.compile(r"^([ ]*)-(?![-\s])(.*)$")
_FIELD_LINE = re.compile(r"^([ ]*(?:-[ ]+)*)([A-Za-z_][A-Za-z0-9_]*):(?:[ ]|$)")


def _typing_slip(text: str, mark: yaml.Mark, problem: str, file: str) -> SourceError | None:
    """The usual typing slip behind a syntax error, reported at the line where it was made."""
    lines = text.splitlines()
    if mark.line >= len(lines) + 1:
        return None
    window = range(mark.line, max(mark.line - 3, -1), -1)  # the line of the error and the two above
    for number in window:
        if number >= len(lines):
            continue
        key = _CHINESE_COLON_KEY.match(lines[number])
        if key is not None:
            return SourceError(
                Location(file, number + 1, len(key.group(1)) + 1),
                "",
                "YAML 语法错误：字段名后要用英文冒号加空格："
                f"把“{_excerpt(key.group(2))}：”改为“{_excerpt(key.group(2))}: ”",
            )
    for number in window:
        if number >= len(lines):
            continue
        dash = _DASH_WITHOUT_SPACE.match(lines[number])
        if dash is not None:
            return SourceError(
                Location(file, number + 1, len(dash.group(1)) + 1),
                "",
                "YAML 语法错误：“-”后要有空格：列表的每一项以“- ”（减号加空格）开头，"
                f"请改为“- {_excerpt(dash.group(2).strip())}”",
            )
    if mark.line < len(lines) and "mapping values" in problem:
        field = _FIELD_LINE.match(lines[mark.line])
        if field is not None and mark.column == len(field.group(1)) + len(field.group(2)):
            above = next(
                (m for m in (_FIELD_LINE.match(lines[n]) for n in range(mark.line - 1, -1, -1)) if m is not None), None
            )
            align = f"，与上面的“{_excerpt(above.group(2))}:”左端对齐" if above is not None else ""
            return SourceError(
                Location(file, mark.line + 1, len(field.group(1)) + 1),
                "",
                f"YAML 语法错误：这一行的缩进有误：“{_excerpt(field.group(2))}:”与同一项的其他字段要上下对齐{align}"
                f"（每层缩进两个空格：{problem}）",
            )
    return None


def _excerpt(text: str, limit: int = 30) -> str:
    """At most ``limit`` characters of a file's text in a message (a damaged or foreign file is
    never echoed at length)."""
    return text if len(text) <= limit else text[:limit] + "…"


# A value that starts with a bracket: `- [有场所、有设施]等六有标准`, `key: {注}本文…`.
_BRACKETED = re.compile(r"""^([ ]*(?:-[ ]+)*(?:[^\s#'"\[{][^#]*?:[ ]+)?)([\[{])""")
_CLOSING = {"[": "]", "{": "}"}


def _bracketed_text(text: str, mark: yaml.Mark) -> tuple[int, int, str] | None:
    """Line, column and bracket of text that starts with ``[`` or ``{`` on the line where the
    parser stopped, when text follows the closing bracket: YAML read the start as a list or mapping."""
    lines = text.splitlines()
    if mark.line >= len(lines):
        return None
    match = _BRACKETED.match(lines[mark.line])
    if match is None or len(match.group(1)) >= mark.column:
        return None
    return mark.line + 1, len(match.group(1)) + 1, match.group(2)


# A value that starts with a quote: `key: "…`, `- "…`, `- key: '…`.
_QUOTED_START = re.compile(r"""^([ ]*(?:-[ ]+)*(?:[^\s#'"\[{][^#]*?:[ ]+)?)(["'])(.*)$""")
_CLOSED = {'"': re.compile(r'(?:[^"\\]|\\.)*"'), "'": re.compile(r"(?:[^']|'')*'")}


def _unclosed_quote(text: str, last_line: int) -> tuple[int, int] | None:
    """Line and column of the first quote on lines 0…``last_line`` (0-based) that is not closed
    on its own line: the usual cause of a syntax error many lines further down."""
    for number, line in enumerate(text.splitlines()[: last_line + 1]):
        match = _QUOTED_START.match(line)
        if match is not None and not _CLOSED[match.group(2)].match(match.group(3)):
            return number + 1, len(match.group(1)) + 1
    return None


def _tab_errors(exc: yaml.MarkedYAMLError, text: str, file: str) -> list[SourceError]:
    """One error per line indented with tabs, plus the tab PyYAML stopped at."""
    errors: dict[int, SourceError] = {}
    for match in _TAB_LINE.finditer(text):
        line, column = _line_column(text, match.end() - 1)
        errors[line] = SourceError(
            Location(file, line, column),
            "",
            "这一行用制表符（Tab）缩进；YAML 只能用空格缩进，请把 Tab 换成空格",
        )
    mark = exc.problem_mark
    if mark is not None and mark.line + 1 not in errors:
        errors[mark.line + 1] = SourceError(
            mark_location(file, mark),
            "",
            "这里有制表符（Tab）；YAML 中请改用空格",
        )
    return [errors[line] for line in sorted(errors)]
