"""Read a layout file (layouts/NAME.yaml) into a ``Layout``; errors name the file and the field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from jianbao.design.layout import (
    CMYK,
    ClosingDesign,
    Layout,
    Masthead,
    Page,
    PageNumber,
    Rule,
    TextStyle,
    TitleCosts,
    Typography,
)
from jianbao.errors import LayoutError
from jianbao.yamlfile import fast as fastyaml

MM = 72 / 25.4
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


class _Reader:
    def __init__(self, path: Path, colours: dict[str, CMYK]) -> None:
        self.path = path
        self.colours = colours

    def fail(self, field: str, message: str) -> LayoutError:
        return LayoutError(f"{self.path} {field}：{message}")

    def mapping(self, data: Any, field: str, allowed: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(field, "应为映射（键: 值）")
        if allowed is not None:
            unknown = sorted(set(data) - allowed)
            if unknown:
                raise self.fail(f"{field}.{unknown[0]}", "未知字段")
        return data

    def length(self, value: Any, field: str) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        m = _LENGTH.match(str(value))
        if not m:
            raise self.fail(field, f"无法识别的长度 {value!r}（应写如 37mm、16pt）")
        number, unit = float(m.group(1)), m.group(2) or "pt"
        return number * {"pt": 1.0, "mm": MM, "cm": 10 * MM}[unit]

    def size(self, value: Any, field: str) -> float:
        if isinstance(value, str) and value.strip() in ZIHAO:
            return float(ZIHAO[value.strip()])
        return self.length(value, field)

    def colour(self, value: Any, field: str) -> CMYK:
        if isinstance(value, str):
            if value not in self.colours:
                raise self.fail(field, f"未定义的颜色 {value!r}（在 colours 中定义）")
            return self.colours[value]
        if (
            isinstance(value, list)
            and len(value) == 4
            and all(isinstance(v, int | float) and 0 <= v <= 100 for v in value)
        ):
            c, m, y, k = (float(v) / 100 for v in value)
            return (c, m, y, k)
        raise self.fail(field, "颜色应为 [C, M, Y, K] 四个 0–100 的百分数或已定义的颜色名")

    def style(self, data: Any, field: str, default_role: str | None = None) -> TextStyle:
        d = self.mapping(data, field, _STYLE_KEYS)
        role = d.get("role", default_role)
        if not isinstance(role, str) or not role:
            raise self.fail(f"{field}.role", "缺少字体角色")
        if "size" not in d:
            raise self.fail(f"{field}.size", "缺少字号")
        return TextStyle(
            role=role,
            size=self.size(d["size"], f"{field}.size"),
            colour=self.colour(d.get("colour", "black"), f"{field}.colour"),
            indent=float(d.get("indent", 0)),
            space_before=int(d.get("space_before", 0)),
            space_after=int(d.get("space_after", 0)),
            line_pitch=float(d.get("line_pitch", 1.0)),
            tracking=float(d.get("tracking", 0.0)),
            baseline=self.length(d.get("baseline", 0), f"{field}.baseline"),
            line_gap=self.length(d.get("line_gap", 0), f"{field}.line_gap"),
            marker=str(d.get("marker", "")),
            hang=float(d.get("hang", 0.0)),
            bold=self.flag(d.get("bold", False), f"{field}.bold"),
        )

    def flag(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(field, "应为 true 或 false")
        return value

    def rule(self, data: Any, field: str) -> Rule:
        d = self.mapping(data, field, {"colour", "weight", "below_last_line"})
        return Rule(
            colour=self.colour(d.get("colour", "black"), f"{field}.colour"),
            weight=self.length(d.get("weight", 1), f"{field}.weight"),
            below_last_line=self.length(d.get("below_last_line", 0), f"{field}.below_last_line"),
        )


def layout_path(layouts_dir: Path, name: str) -> Path:
    return layouts_dir / f"{name}.yaml"


def load_layout(path: Path) -> Layout:
    """Read and check one layout file."""
    if not path.is_file():
        raise LayoutError(f"{path}：找不到版式文件")
    try:
        raw = fastyaml.safe_load(path.read_text(encoding="utf-8-sig"))  # = yaml.safe_load, with libyaml
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path}：版式文件无法读取（{exc}）") from exc
    top = _Reader(path, {}).mapping(
        raw, "(顶层)", {"page", "colours", "typography", "styles", "masthead", "closing", "page_number"}
    )
    colours: dict[str, CMYK] = {}
    r = _Reader(path, colours)
    for key, value in r.mapping(top.get("colours", {}), "colours").items():
        colours[str(key)] = r.colour(value, f"colours.{key}")
    colours.setdefault("black", (0.0, 0.0, 0.0, 1.0))

    p = r.mapping(top.get("page"), "page", {
        "width", "height", "margin_top", "margin_left", "block_width", "block_height",
        "chars_per_line", "lines_per_page",
    })
    try:
        page = Page(
            width=r.length(p["width"], "page.width"),
            height=r.length(p["height"], "page.height"),
            margin_top=r.length(p["margin_top"], "page.margin_top"),
            margin_left=r.length(p["margin_left"], "page.margin_left"),
            block_width=r.length(p["block_width"], "page.block_width"),
            block_height=r.length(p["block_height"], "page.block_height"),
            chars_per_line=int(p["chars_per_line"]),
            lines_per_page=int(p["lines_per_page"]),
        )
    except KeyError as exc:
        raise r.fail(f"page.{exc.args[0]}", "缺少必填字段") from exc
    if page.chars_per_line < 1 or page.lines_per_page < 1:
        raise r.fail("page", "每行字数和每页行数必须为正整数")

    s = r.mapping(top.get("styles"), "styles", {*STYLE_NAMES, "toc_rule"})
    missing = [n for n in STYLE_NAMES if n not in s]
    if missing:
        raise r.fail(f"styles.{missing[0]}", "缺少必填的样式")
    styles = {n: r.style(s[n], f"styles.{n}") for n in STYLE_NAMES}
    toc_rule = r.rule(s.get("toc_rule", {}), "styles.toc_rule")

    m = r.mapping(top.get("masthead"), "masthead", {
        "lines", "title", "edition", "number", "units", "office", "date", "rule",
    })
    masthead = Masthead(
        lines=int(m.get("lines", 8)),
        **{k: r.style(m.get(k), f"masthead.{k}") for k in ("title", "edition", "number", "units", "office", "date")},
        rule=r.rule(m.get("rule", {}), "masthead.rule"),
    )

    c = r.mapping(top.get("closing"), "closing", {
        "style", "inset", "line_pitch", "padding", "rule_thick", "rule_thin", "contact_columns",
        "column_split", "signoff_gap",
    })
    closing = ClosingDesign(
        style=r.style(c.get("style"), "closing.style"),
        inset=float(c.get("inset", 1)),
        line_pitch=r.length(c.get("line_pitch", "22pt"), "closing.line_pitch"),
        padding=r.length(c.get("padding", "6pt"), "closing.padding"),
        rule_thick=r.length(c.get("rule_thick", "0.35mm"), "closing.rule_thick"),
        rule_thin=r.length(c.get("rule_thin", "0.25mm"), "closing.rule_thin"),
        contact_columns=int(c.get("contact_columns", 2)),
        column_split=float(c.get("column_split", 0.5)),
        signoff_gap=float(c.get("signoff_gap", 2)),
    )
    if closing.contact_columns not in (1, 2):
        raise r.fail("closing.contact_columns", "只能为 1 或 2")

    n = r.mapping(top.get("page_number"), "page_number", {"style", "format", "below_block", "inset"})
    fmt = str(n.get("format", "— {n} —"))
    if "{n}" not in fmt:
        raise r.fail("page_number.format", "格式中必须含有 {n}")
    page_number = PageNumber(
        style=r.style(n.get("style"), "page_number.style"),
        format=fmt,
        below_block=r.length(n.get("below_block", "7mm"), "page_number.below_block"),
        inset=float(n.get("inset", 1)),
    )
    t = r.mapping(
        top.get("typography", {}), "typography",
        {"latin_gap", "compress_adjacent", "hanging", "latin_role", "dictionary", "titles"},
    )
    latin_role = t.get("latin_role")
    if latin_role is not None and (not isinstance(latin_role, str) or not latin_role):
        raise r.fail("typography.latin_role", "应为字体角色名")
    typography = Typography(
        latin_gap=float(t.get("latin_gap", 0.25)),
        compress_adjacent=r.flag(t.get("compress_adjacent", True), "typography.compress_adjacent"),
        hanging=r.flag(t.get("hanging", False), "typography.hanging"),
        latin_role=latin_role,
        dictionary=_dictionary(r, t.get("dictionary")),
        titles=_title_costs(r, t.get("titles", {})),
    )
    if not 0 <= typography.latin_gap <= 1:
        raise r.fail("typography.latin_gap", "应在 0 到 1（字宽）之间")
    return Layout(
        name=path.stem, page=page, styles=styles, toc_rule=toc_rule, masthead=masthead,
        closing=closing, page_number=page_number, colours=colours, typography=typography,
    )


def _dictionary(r: _Reader, value: Any) -> tuple[str, ...]:
    """The words of the layout's user dictionary (``typography.dictionary``: a file beside the layout,
    one word a line, in jieba's format — ``词 [词频] [词性]``; ``#`` starts a comment)."""
    if value is None:
        return ()
    if not isinstance(value, str) or not value.strip():
        raise r.fail("typography.dictionary", "应为词典文件名（与版式文件同目录，每行一个词）")
    path = r.path.parent / value
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise r.fail("typography.dictionary", f"找不到词典文件 {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise r.fail("typography.dictionary", f"词典文件 {path} 无法读取（{exc}）") from exc
    words = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split()
        if line:
            words.append(line[0])
    return tuple(words)


_COST_NUMBERS = {
    "inside_word", "number_unit", "short_quote", "short_line", "shape", "extra_line", "diamond", "balance",
    "plain", "after_pause", "before_connective", "particle",
}


def _title_costs(r: _Reader, data: Any) -> TitleCosts:
    """``typography.titles``: the title breaker's weights (see TitleCosts), each optional."""
    d = r.mapping(data, "typography.titles", {*_COST_NUMBERS, "pauses", "particles", "connectives", "quote_chars"})
    values: dict[str, Any] = {}
    for key in _COST_NUMBERS & set(d):
        v = d[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            raise r.fail(f"typography.titles.{key}", "应为不小于 0 的数")
        values[key] = float(v)
    for key, example in (("pauses", "、，：；"), ("particles", "的之地得")):
        if key in d:
            if not isinstance(d[key], str):
                raise r.fail(f"typography.titles.{key}", f"应为字符串，如 “{example}”")
            values[key] = d[key]
    if "connectives" in d:
        c = d["connectives"]
        if not isinstance(c, list) or not all(isinstance(x, str) and x for x in c):
            raise r.fail("typography.titles.connectives", "应为词的列表，如 [暨, 在, 的, 关于]")
        values["connectives"] = tuple(c)
    if "quote_chars" in d:
        q = d["quote_chars"]
        if isinstance(q, bool) or not isinstance(q, int) or q < 0:
            raise r.fail("typography.titles.quote_chars", "应为不小于 0 的整数")
        values["quote_chars"] = q
    return TitleCosts(**values)
