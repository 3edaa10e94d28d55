"""Read a layout file (layouts/NAME.yaml) into a ``Layout``, checked like an issue source.

The file is read by the same YAML reader as issue sources (:mod:`jianbao.yamlfile.nodes`: only a
regular file, a size limit, no anchors or aliases, limited nesting, positions kept). Every field is
then typed and range-checked against what can be printed: lengths and sizes are finite and within
sane bounds, the text block fits the page, at least a few characters and lines fit the block, the
masthead leaves room for text, the page number fits below the block and its format holds ``{n}``
and nothing else. All problems are reported together, each as ``file:line:column field：说明``.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jianbao import defaults
from jianbao.design.layout import (
    CMYK,
    ClosingDesign,
    Layout,
    MakeupCosts,
    Masthead,
    Page,
    PageNumber,
    Rule,
    TextStyle,
    TitleCosts,
    Typography,
)
from jianbao.errors import (
    LayoutError,
    LayoutInvalid,
    Location,
    SourceError,
    ValidationFailed,
    display_path,
    os_reason,
)
from jianbao.files import excerpt, read_regular
from jianbao.yamlfile.nodes import child_path, compose_text, node_location, read_text

MM = 72 / 25.4
MAX_LAYOUT_BYTES = 256 * 1024
"""A layout is a few KB; anything much larger is not one."""

# 中文字号 → pt (GB/T 9704 practice; 四号 = 14 pt as in Word/WPS/CTeX)
ZIHAO = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16, "小三": 15,
    "四号": 14, "小四": 12, "五号": 10.5, "小五": 9, "六号": 7.5, "小六": 6.5, "七号": 5.5, "八号": 5,
}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|pt)?\s*$")
STYLE_NAMES = (
    "body", "lead", "heading1", "heading2", "heading3", "heading4", "title", "subtitle", "byline",
    "dateline", "toc_heading", "toc_entry",
)
_STYLE_KEYS = {
    "role", "size", "colour", "indent", "space_before", "space_after", "line_pitch", "tracking",
    "baseline", "line_gap", "marker", "hang", "bold",
}
# Styles of running text: their characters sit in the grid's cells and lines.
_GRID_STYLES = ("body", "lead", "heading1", "heading2", "heading3", "heading4", "toc_entry")

# Physical bounds (pt unless said otherwise).
PAGE_MIN, PAGE_MAX = 50 * MM, 1200 * MM  # a small card … A0
SIZE_MIN, SIZE_MAX = 4.0, 200.0  # legible … a masthead title on a poster
MIN_CHARS, MAX_CHARS = 5, 100  # characters per line
MIN_LINES, MAX_LINES = 5, 100  # lines per page
MIN_TEXT_LINES = 3  # lines the first page must keep below the masthead
MAX_FORMAT = 40  # characters of a page-number format

T = TypeVar("T")


class _Invalid(Exception):
    """A value that cannot be used; the problem is already recorded."""


class _Reader:
    """Reads typed values from nodes; every problem is recorded with its place and field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.base = Path(".")  # the layout's folder, for the files it names (typography.dictionary)
        self.errors: list[SourceError] = []
        self.colours: dict[str, CMYK] = {}
        self._constructor = SafeConstructor()

    # --- problems ----------------------------------------------------------------------------------

    def problem(self, node: Node | None, field: str, message: str) -> None:
        where = node_location(self.file, node) if node is not None else Location(self.file)
        self.errors.append(SourceError(where, field, message))

    def fail(self, node: Node | None, field: str, message: str) -> _Invalid:
        self.problem(node, field, message)
        return _Invalid()

    def attempt(self, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except _Invalid:
            return None

    # --- structure ---------------------------------------------------------------------------------

    def mapping(self, node: Node | None, field: str, allowed: Collection[str]) -> dict[str, tuple[Node, Node]]:
        """key → (key node, value node); unknown keys are recorded."""
        if not isinstance(node, MappingNode):
            raise self.fail(node, field or "(顶层)", "应为映射（键: 值）")
        found: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name is None:
                self.problem(key, field or "(顶层)", "键应为文字")
                continue
            if name not in allowed:
                self.problem(key, child_path(field, name), f"未知字段（可用：{'、'.join(sorted(allowed))}）")
                continue
            found[name] = (key, value)
        return found

    def scalar(self, node: Node, field: str) -> Any:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, field, "应为单个值，不能是列表或映射")
        try:
            return self._constructor.construct_object(node)
        except (ConstructorError, ValueError, TypeError, OverflowError) as exc:
            raise self.fail(node, field, f"无法识别的值（{excerpt(str(exc))}）") from None

    # --- values ------------------------------------------------------------------------------------

    def number(self, node: Node, field: str, low: float, high: float, unit: str = "") -> float:
        value = self.scalar(node, field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, field, f"应为数字，现为“{_shown(node)}”")
        return self.within(node, field, float(value), low, high, unit)

    def integer(self, node: Node, field: str, low: int, high: int) -> int:
        value = self.scalar(node, field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(node, field, f"应为整数，现为“{_shown(node)}”")
        self.within(node, field, float(value), low, high)
        return value

    def within(self, node: Node, field: str, value: float, low: float, high: float, unit: str = "") -> float:
        if not math.isfinite(value):
            raise self.fail(node, field, f"应为有限的数，现为“{_shown(node)}”")
        if not low <= value <= high:
            bounds = f"{_pt(low)} 到 {_pt(high)}" if unit == "pt" else f"{_num(low)}{unit} 到 {_num(high)}{unit}"
            raise self.fail(node, field, f"应在 {bounds}之间，现为“{_shown(node)}”")
        return value

    def length(self, node: Node, field: str, low: float, high: float) -> float:
        value = self.scalar(node, field)
        if isinstance(value, bool):
            raise self.fail(node, field, "应为长度（如 37mm、16pt）")
        if isinstance(value, int | float):
            points = float(value)
        else:
            m = _LENGTH.match(str(value))
            if not m:
                raise self.fail(node, field, f"无法识别的长度“{_shown(node)}”（应写如 37mm、16pt）")
            points = float(m.group(1)) * {"pt": 1.0, "mm": MM, "cm": 10 * MM}[m.group(2) or "pt"]
        return self.within(node, field, points, low, high, "pt")

    def size(self, node: Node, field: str) -> float:
        if isinstance(node, ScalarNode) and node.value.strip() in ZIHAO:
            return float(ZIHAO[node.value.strip()])
        return self.length(node, field, SIZE_MIN, SIZE_MAX)

    def flag(self, node: Node, field: str) -> bool:
        value = self.scalar(node, field)
        if not isinstance(value, bool):
            raise self.fail(node, field, "应为 true 或 false")
        return value

    def text(self, node: Node, field: str, max_chars: int) -> str:
        value = self.scalar(node, field)
        if not isinstance(value, str) or len(value) > max_chars:
            raise self.fail(node, field, f"应为不超过 {max_chars} 个字符的文字")
        return value

    def role(self, node: Node, field: str) -> str:
        value = self.scalar(node, field)
        if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", value):
            raise self.fail(node, field, f"应为字体角色名（如 fangsong），现为“{_shown(node)}”")
        return value

    def colour(self, node: Node, field: str) -> CMYK:
        if isinstance(node, ScalarNode):
            name = node.value
            if name not in self.colours:
                raise self.fail(node, field, f"未定义的颜色“{excerpt(name, 30)}”（在 colours 中定义）")
            return self.colours[name]
        if isinstance(node, SequenceNode) and len(node.value) == 4:
            values = [self.attempt(lambda n=n: self.number(n, field, 0, 100)) for n in node.value]  # type: ignore[misc]
            if any(v is None for v in values):
                raise _Invalid()
            c, m, y, k = (float(v) / 100 for v in values if v is not None)
            return (c, m, y, k)
        raise self.fail(node, field, "颜色应为 [C, M, Y, K] 四个 0–100 的百分数或已定义的颜色名")


def _shown(node: Node) -> str:
    return excerpt(str(node.value), 30) if isinstance(node, ScalarNode) else "列表或映射"


def _num(x: float) -> str:
    return f"{x:g}"


def _pt(x: float) -> str:
    return f"{x:.4g} pt（{x / MM:.4g} mm）" if x >= 20 else f"{x:.4g} pt"


def layout_path(layouts_dir: Path, name: str) -> Path:
    """The file of layout ``name``: the folder's own ``layouts/<name>.yaml`` when it has one, else the
    built-in layout of that name (package data), else the folder's path (for the error message)."""
    own = layouts_dir / f"{name}.yaml"
    if own.exists() or own.is_symlink():  # the folder's own, whatever it is (a FIFO is refused when read)
        return own
    builtin = defaults.LAYOUTS / f"{name}.yaml"
    return builtin if builtin.is_file() else own


def load_layout(path: Path) -> Layout:
    """Read and check one layout file; LayoutInvalid lists every problem."""
    file = display_path(path)
    if not path.exists():
        builtin = "、".join(defaults.layout_names())
        raise LayoutError(f"{file}：找不到版式文件（自带的版式：{builtin}；自己的版式放在简报目录的 layouts/ 中）")
    try:
        text = read_text(path, file, MAX_LAYOUT_BYTES, "版式文件通常只有几 KB")
        if not text.strip():
            raise LayoutInvalid([SourceError(Location(file), "", "版式文件是空的（参见 layouts/default.yaml）")])
        composed = compose_text(text, file)
    except ValidationFailed as exc:
        raise LayoutInvalid(exc.errors) from None
    r = _Reader(file)
    r.base = path.parent
    r.errors.extend(composed.errors)
    layout = r.attempt(lambda: _layout(r, composed.root, path.stem))
    if layout is None or r.errors:
        raise LayoutInvalid(sorted(r.errors, key=lambda e: (e.location.line, e.location.column)))
    return layout


_TOP = {"page", "colours", "typography", "styles", "masthead", "closing", "page_number"}


def _layout(r: _Reader, root: Node, name: str) -> Layout | None:
    top = r.mapping(root, "", _TOP)

    def section(key: str, allowed: Collection[str], required: bool = True) -> dict[str, tuple[Node, Node]]:
        if key not in top:
            if required:
                raise r.fail(root, key, "缺少必填的部分")
            return {}
        return r.mapping(top[key][1], key, allowed)

    colours = r.attempt(lambda: section("colours", _AnyKey(), required=False)) or {}
    for key, (_k, value) in colours.items():
        c = r.attempt(lambda v=value, k=key: r.colour(v, f"colours.{k}"))  # type: ignore[misc]
        if c is not None:
            r.colours[key] = c
    r.colours.setdefault("black", (0.0, 0.0, 0.0, 1.0))

    page = r.attempt(lambda: _page(r, root, section("page", _PAGE_KEYS)))
    styles = r.attempt(lambda: _styles(r, root, section("styles", {*STYLE_NAMES, "toc_rule"}), page))
    masthead = r.attempt(lambda: _masthead(r, root, section("masthead", _MASTHEAD_KEYS), page))
    closing = r.attempt(lambda: _closing(r, section("closing", _CLOSING_KEYS), page))
    number = r.attempt(lambda: _page_number(r, section("page_number", {"style", "format", "below_block", "inset"}),
                                            page))
    typography = r.attempt(lambda: _typography(r, section("typography", _TYPOGRAPHY_KEYS, required=False)))
    if page is None or styles is None or masthead is None or closing is None or number is None or typography is None:
        return None
    return Layout(
        name=name, page=page, styles=styles[0], toc_rule=styles[1], masthead=masthead, closing=closing,
        page_number=number, colours=dict(r.colours), typography=typography,
    )


class _AnyKey(frozenset[str]):
    """Any key is allowed (the colour names)."""

    def __contains__(self, item: object) -> bool:
        return True


_PAGE_KEYS = ("width", "height", "margin_top", "margin_left", "block_width", "block_height",
              "chars_per_line", "lines_per_page", "duplex")
_MASTHEAD_KEYS = {"lines", "title", "edition", "number", "units", "office", "date", "rule"}
_CLOSING_KEYS = {"style", "inset", "line_pitch", "padding", "rule_thick", "rule_thin", "contact_columns",
                 "column_split", "signoff_gap"}
_TYPOGRAPHY_KEYS = {"latin_gap", "compress_adjacent", "hanging", "latin_role", "dictionary", "titles", "makeup"}
MAX_DICTIONARY_BYTES = 4 << 20  # a user dictionary of names: tens of thousands of words at most


def _required(r: _Reader, parent: Node | None, fields: dict[str, tuple[Node, Node]], key: str, field: str) -> Node:
    if key not in fields:
        raise r.fail(parent, child_path(field, key), "缺少必填字段")
    return fields[key][1]


def _page(r: _Reader, root: Node, p: dict[str, tuple[Node, Node]]) -> Page:
    where = _node_of(root, "page")
    values: dict[str, float] = {}
    for key in _PAGE_KEYS[:6]:
        value = r.attempt(lambda k=key: r.length(_required(r, where, p, k, "page"), f"page.{k}",  # type: ignore[misc]
                                                 0 if k.startswith("margin") else PAGE_MIN / 10, PAGE_MAX))
        if value is not None:
            values[key] = value
    chars = r.attempt(lambda: r.integer(_required(r, where, p, "chars_per_line", "page"), "page.chars_per_line",
                                        MIN_CHARS, MAX_CHARS))
    lines = r.attempt(lambda: r.integer(_required(r, where, p, "lines_per_page", "page"), "page.lines_per_page",
                                        MIN_LINES, MAX_LINES))
    if len(values) < 6 or chars is None or lines is None:
        raise _Invalid()
    for key in ("width", "height"):
        if not PAGE_MIN <= values[key] <= PAGE_MAX:
            r.problem(p[key][1], f"page.{key}", f"纸张尺寸应在 {_pt(PAGE_MIN)} 到 {_pt(PAGE_MAX)} 之间")
    if values["margin_left"] + values["block_width"] > values["width"]:
        r.problem(p["block_width"][1], "page.block_width",
                  f"版心超出纸张：订口 {_pt(values['margin_left'])} + 版心宽 {_pt(values['block_width'])} "
                  f"大于纸宽 {_pt(values['width'])}")
    if values["margin_top"] + values["block_height"] > values["height"]:
        r.problem(p["block_height"][1], "page.block_height",
                  f"版心超出纸张：天头 {_pt(values['margin_top'])} + 版心高 {_pt(values['block_height'])} "
                  f"大于纸高 {_pt(values['height'])}")
    duplex = r.attempt(lambda: r.flag(p["duplex"][1], "page.duplex")) if "duplex" in p else True
    page = Page(values["width"], values["height"], values["margin_top"], values["margin_left"],
                values["block_width"], values["block_height"], chars, lines, duplex is not False)
    if page.cell < SIZE_MIN:
        r.problem(p["chars_per_line"][1], "page.chars_per_line",
                  f"每字只有 {page.cell:.2f} pt，小于可读的 {SIZE_MIN:g} pt：请减少每行字数或加大版心宽")
    if page.pitch < SIZE_MIN * 1.2:
        r.problem(p["lines_per_page"][1], "page.lines_per_page",
                  f"行距只有 {page.pitch:.2f} pt，放不下可读的文字：请减少每页行数或加大版心高")
    return page


def _node_of(root: Node, key: str) -> Node | None:
    if isinstance(root, MappingNode):
        for k, v in root.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


def _style(r: _Reader, node: Node, field: str) -> TextStyle:
    d = r.mapping(node, field, _STYLE_KEYS)
    values: dict[str, Any] = {}

    def read(key: str, fn: Callable[[Node, str], Any]) -> None:
        if key in d:
            value = r.attempt(lambda: fn(d[key][1], f"{field}.{key}"))
            if value is None:
                values["?"] = True
            else:
                values[key] = value

    if "role" not in d:
        r.problem(node, f"{field}.role", "缺少字体角色")
        values["?"] = True
    if "size" not in d:
        r.problem(node, f"{field}.size", "缺少字号")
        values["?"] = True
    read("role", r.role)
    read("size", r.size)
    read("colour", r.colour)
    read("indent", lambda n, f: r.number(n, f, 0, 20, " 字"))
    read("space_before", lambda n, f: r.integer(n, f, 0, 10))
    read("space_after", lambda n, f: r.integer(n, f, 0, 10))
    read("line_pitch", lambda n, f: r.number(n, f, 0.5, 5))
    read("tracking", lambda n, f: r.number(n, f, -0.5, 2))
    read("baseline", lambda n, f: r.length(n, f, 0, PAGE_MAX))
    read("line_gap", lambda n, f: r.length(n, f, 0, 200))
    read("marker", lambda n, f: r.text(n, f, 4))
    read("hang", lambda n, f: r.number(n, f, 0, 20, " 字"))
    read("bold", r.flag)
    if "?" in values:
        raise _Invalid()
    return TextStyle(**values)


def _styles(r: _Reader, root: Node, s: dict[str, tuple[Node, Node]],
            page: Page | None) -> tuple[dict[str, TextStyle], Rule]:
    where = _node_of(root, "styles")
    styles: dict[str, TextStyle] = {}
    for name in STYLE_NAMES:
        if name not in s:
            r.problem(where, f"styles.{name}", "缺少必填的样式")
            continue
        style = r.attempt(lambda n=name: _style(r, s[n][1], f"styles.{n}"))  # type: ignore[misc]
        if style is not None:
            styles[name] = style
    toc_rule = r.attempt(lambda: _rule(r, s["toc_rule"][1] if "toc_rule" in s else None, "styles.toc_rule"))
    if len(styles) < len(STYLE_NAMES) or toc_rule is None:
        raise _Invalid()
    if page is not None:
        for name in _GRID_STYLES:
            style, node = styles[name], _node_of(s[name][1], "size") or s[name][1]
            if style.size > page.cell * 1.25 or style.size > page.pitch:
                r.problem(node, f"styles.{name}.size",
                          f"字号 {style.size:g} pt 放不进版面网格（每字 {page.cell:.2f} pt，行距 {page.pitch:.2f} pt）")
            if style.indent + style.hang >= page.chars_per_line:
                r.problem(s[name][1], f"styles.{name}.indent", f"缩进超过了每行 {page.chars_per_line} 字")
        for name in STYLE_NAMES:
            if styles[name].size > page.block_width / 2:
                r.problem(_node_of(s[name][1], "size") or s[name][1], f"styles.{name}.size",
                          f"字号 {styles[name].size:g} pt 过大，一行放不下两个字")
    return styles, toc_rule


def _rule(r: _Reader, node: Node | None, field: str) -> Rule:
    d = r.mapping(node, field, {"colour", "weight", "below_last_line"}) if node is not None else {}
    colour = r.attempt(lambda: r.colour(d["colour"][1], f"{field}.colour")) if "colour" in d else r.colours["black"]
    weight = r.attempt(lambda: r.length(d["weight"][1], f"{field}.weight", 0, 10)) if "weight" in d else 1.0
    below = (r.attempt(lambda: r.length(d["below_last_line"][1], f"{field}.below_last_line", 0, 72))
             if "below_last_line" in d else 0.0)
    if colour is None or weight is None or below is None:
        raise _Invalid()
    return Rule(colour, weight, below)


def _masthead(r: _Reader, root: Node, m: dict[str, tuple[Node, Node]], page: Page | None) -> Masthead:
    where = _node_of(root, "masthead")
    high = page.lines_per_page - MIN_TEXT_LINES if page is not None else MAX_LINES
    lines = r.attempt(lambda: r.integer(m["lines"][1], "masthead.lines", 1, max(1, high))) if "lines" in m else 8
    if "lines" not in m and page is not None and high < 8:
        r.problem(where, "masthead.lines", f"报头默认占 8 行，每页只有 {page.lines_per_page} 行，放不下正文")
        lines = None
    parts: dict[str, TextStyle | None] = {}
    for key in ("title", "edition", "number", "units", "office", "date"):
        if key not in m:
            r.problem(where, f"masthead.{key}", "缺少必填的样式")
            parts[key] = None
            continue
        parts[key] = r.attempt(lambda k=key: _style(r, m[k][1], f"masthead.{k}"))  # type: ignore[misc]
    rule = r.attempt(lambda: _rule(r, m["rule"][1] if "rule" in m else None, "masthead.rule"))
    if lines is None or rule is None or any(v is None for v in parts.values()):
        raise _Invalid()
    styles = {k: v for k, v in parts.items() if v is not None}
    if page is not None:
        height = lines * page.pitch
        for key, style in styles.items():
            if style.baseline > height:
                r.problem(_node_of(m[key][1], "baseline") or m[key][1], f"masthead.{key}.baseline",
                          f"基线位置 {_pt(style.baseline)} 超出报头高度 {_pt(height)}（{lines} 行）")
    return Masthead(lines=lines, rule=rule, **styles)


def _closing(r: _Reader, c: dict[str, tuple[Node, Node]], page: Page | None) -> ClosingDesign:
    def opt(key: str, default: T, fn: Callable[[Node, str], T]) -> T | None:
        if key not in c:
            return default
        return r.attempt(lambda: fn(c[key][1], f"closing.{key}"))

    style = r.attempt(lambda: _style(r, c["style"][1], "closing.style")) if "style" in c else None
    if "style" not in c:
        r.problem(None, "closing.style", "缺少必填的样式")
    values = {
        "inset": opt("inset", 1.0, lambda n, f: r.number(n, f, 0, 10, " 字")),
        "line_pitch": opt("line_pitch", 22.0, lambda n, f: r.length(n, f, SIZE_MIN, 100)),
        "padding": opt("padding", 6.0, lambda n, f: r.length(n, f, 0, 50)),
        "rule_thick": opt("rule_thick", 0.35 * MM, lambda n, f: r.length(n, f, 0, 10)),
        "rule_thin": opt("rule_thin", 0.25 * MM, lambda n, f: r.length(n, f, 0, 10)),
        "contact_columns": opt("contact_columns", 2, lambda n, f: r.integer(n, f, 1, 2)),
        "column_split": opt("column_split", 0.5, lambda n, f: r.number(n, f, 0.1, 0.9)),
        "signoff_gap": opt("signoff_gap", 2.0, lambda n, f: r.number(n, f, 0, 10, " 字")),
    }
    if style is None or any(v is None for v in values.values()):
        raise _Invalid()
    design = ClosingDesign(style=style, **values)  # type: ignore[arg-type]
    if page is not None and design.style.size > design.line_pitch:
        r.problem(c["style"][1], "closing.style.size",
                  f"报尾字号 {design.style.size:g} pt 大于报尾行距 {design.line_pitch:.4g} pt")
    return design


def _page_number(r: _Reader, n: dict[str, tuple[Node, Node]], page: Page | None) -> PageNumber:
    style = r.attempt(lambda: _style(r, n["style"][1], "page_number.style")) if "style" in n else None
    if "style" not in n:
        r.problem(None, "page_number.style", "缺少必填的样式")
    fmt = r.attempt(lambda: _format(r, n["format"][1])) if "format" in n else "— {n} —"
    below = (r.attempt(lambda: r.length(n["below_block"][1], "page_number.below_block", 0, PAGE_MAX))
             if "below_block" in n else 7 * MM)
    inset = r.attempt(lambda: r.number(n["inset"][1], "page_number.inset", 0, 10, " 字")) if "inset" in n else 1.0
    if style is None or fmt is None or below is None or inset is None:
        raise _Invalid()
    if page is not None and below + style.size > page.block_bottom:
        node = n["below_block"][1] if "below_block" in n else n["style"][1]
        r.problem(node, "page_number.below_block",
                  f"页码超出纸张下边：版心下方只有 {_pt(page.block_bottom)}，"
                  f"页码需要 {_pt(below + style.size)}")
    return PageNumber(style=style, format=fmt, below_block=below, inset=inset)


def _format(r: _Reader, node: Node) -> str:
    """A page-number format: text with ``{n}`` (the page number) and nothing else in braces."""
    fmt = r.text(node, "page_number.format", MAX_FORMAT)
    wrong = "页码格式只能含有 {n}（页码），其他花括号内容都不支持；字面的花括号请写成 {{ 和 }}"
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        raise r.fail(node, "page_number.format", wrong) from None
    if any(f is not None and (f != "n" or spec or conv) for _, f, spec, conv in parsed):
        raise r.fail(node, "page_number.format", wrong)
    if not any(f == "n" for _, f, _, _ in parsed):
        raise r.fail(node, "page_number.format", "格式中必须含有 {n}")
    return fmt


def _typography(r: _Reader, t: dict[str, tuple[Node, Node]]) -> Typography:
    default = Typography()
    latin_gap = r.attempt(lambda: r.number(t["latin_gap"][1], "typography.latin_gap", 0, 1, " 字")) \
        if "latin_gap" in t else default.latin_gap
    compress = r.attempt(lambda: r.flag(t["compress_adjacent"][1], "typography.compress_adjacent")) \
        if "compress_adjacent" in t else default.compress_adjacent
    hanging = r.attempt(lambda: r.flag(t["hanging"][1], "typography.hanging")) \
        if "hanging" in t else default.hanging
    latin_role: str | None = None
    if "latin_role" in t and not (isinstance(t["latin_role"][1], ScalarNode)
                                  and t["latin_role"][1].tag.endswith(":null")):
        latin_role = r.attempt(lambda: r.role(t["latin_role"][1], "typography.latin_role"))
        if latin_role is None:
            raise _Invalid()
    dictionary = r.attempt(lambda: _dictionary(r, t["dictionary"][1])) if "dictionary" in t else ()
    titles = r.attempt(lambda: _title_costs(r, t["titles"][1])) if "titles" in t else TitleCosts()
    makeup = r.attempt(lambda: _makeup_costs(r, t["makeup"][1])) if "makeup" in t else MakeupCosts()
    if (latin_gap is None or compress is None or hanging is None or dictionary is None or titles is None
            or makeup is None):
        raise _Invalid()
    return Typography(latin_gap=latin_gap, compress_adjacent=compress, hanging=hanging, latin_role=latin_role,
                      dictionary=dictionary, titles=titles, makeup=makeup)


def _dictionary(r: _Reader, node: Node) -> tuple[str, ...]:
    """The words of the layout's user dictionary (``typography.dictionary``: a file beside the layout,
    one word a line, in jieba's format — ``词 [词频] [词性]``; ``#`` starts a comment)."""
    field = "typography.dictionary"
    name = r.text(node, field, 255)
    if not name.strip():
        raise r.fail(node, field, "应为词典文件名（与版式文件同目录，每行一个词）")
    path = r.base / name
    try:
        text = read_regular(path, MAX_DICTIONARY_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        raise r.fail(node, field, f"找不到词典文件 {display_path(path)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        why = os_reason(exc) if isinstance(exc, OSError) else "不是 UTF-8 文本"
        raise r.fail(node, field, f"词典文件 {display_path(path)} 无法读取（{why}）") from None
    words = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split()
        if line:
            words.append(line[0])
    return tuple(words)


def _makeup_costs(r: _Reader, node: Node) -> MakeupCosts:
    """``typography.makeup``: the page make-up's prices (see MakeupCosts), each optional."""
    field = "typography.makeup"
    keys = set(MakeupCosts.__dataclass_fields__)
    d = r.mapping(node, field, keys)
    values: dict[str, Any] = {}
    for key in sorted(d):
        low = 0.01 if key == "grid_line" else 0.0  # the unit of every price: never free
        values[key] = r.attempt(lambda k=key, lo=low: r.number(d[k][1], f"{field}.{k}", lo, 1000))  # type: ignore[misc]
    if any(v is None for v in values.values()):
        raise _Invalid()
    return MakeupCosts(**values)


_COST_NUMBERS = {
    "inside_word", "number_unit", "short_quote", "short_line", "shape", "extra_line", "diamond", "balance",
    "plain", "after_pause", "before_connective", "particle",
}


def _title_costs(r: _Reader, node: Node) -> TitleCosts:
    """``typography.titles``: the title breaker's weights (see TitleCosts), each optional."""
    field = "typography.titles"
    d = r.mapping(node, field, {*_COST_NUMBERS, "pauses", "particles", "connectives", "quote_chars"})
    values: dict[str, Any] = {}
    bad = False
    for key in sorted(_COST_NUMBERS & set(d)):
        v = r.attempt(lambda k=key: r.number(d[k][1], f"{field}.{k}", 0, 100000))  # type: ignore[misc]
        bad |= v is None
        values[key] = v
    for key in ("pauses", "particles"):
        if key in d:
            values[key] = r.attempt(lambda k=key: r.text(d[k][1], f"{field}.{k}", 40))  # type: ignore[misc]
            bad |= values[key] is None
    if "connectives" in d:
        seq = d["connectives"][1]
        if not isinstance(seq, SequenceNode) or not seq.value:
            r.problem(seq, f"{field}.connectives", "应为词的列表，如 [暨, 在, 关于]")
            bad = True
        else:
            words = [r.attempt(lambda n=item: r.text(n, f"{field}.connectives", 10))  # type: ignore[misc]
                     for item in seq.value]
            bad |= any(w is None or not w for w in words)
            values["connectives"] = tuple(w for w in words if w)
    if "quote_chars" in d:
        values["quote_chars"] = r.attempt(lambda: r.integer(d["quote_chars"][1], f"{field}.quote_chars", 0, 50))
        bad |= values["quote_chars"] is None
    if bad:
        raise _Invalid()
    return TitleCosts(**values)


