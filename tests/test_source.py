"""The issue source loader (jianbao.source): the reference issue, the example, every kind of error."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jianbao.errors import Location, ValidationFailed
from jianbao.model import Heading, LabelledValue, Paragraph, Span
from jianbao.source import MAX_FILE_BYTES, load_issue
from jianbao.source.chars import describe
from jianbao.source.text import normalize

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "content" / "2018-06.yaml"
EXAMPLE = ROOT / "docs" / "example-issue.yaml"
SCHEMA = ROOT / "docs" / "issue.schema.json"

# A small valid issue; the line numbers in the error tests below refer to it.
MINIMAL = """\
series: 工商联信息
year: 2018
number: 6
date: 2018-04-13
units: 嘉兴市工商业联合会
articles:
  - title: 标题一
    body:
      - 第一段。
      - lead: 一是……。
        text: 内容。
"""


def write(tmp_path: Path, text: str | bytes, name: str = "2018-06.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def errors_of(tmp_path: Path, text: str | bytes, name: str = "2018-06.yaml") -> list[str]:
    """The error lines a user sees for a file shown as content/<name>."""
    path = write(tmp_path, text, name)
    with pytest.raises(ValidationFailed) as caught:
        load_issue(path, f"content/{name}")
    return [str(error) for error in caught.value.errors]


# -- the reference issue ------------------------------------------------------------------------


def test_reference_issue() -> None:
    issue = load_issue(REFERENCE, "content/2018-06.yaml")
    assert issue.id == "2018-06"
    assert issue.source == "content/2018-06.yaml"
    assert issue.series_title == "工商联信息"
    assert issue.edition == "专刊"
    assert (issue.year, issue.number, issue.cumulative) == (2018, 6, None)
    assert issue.date == dt.date(2018, 4, 13)
    assert issue.units == ("嘉兴市工商业联合会", "嘉兴市总商会")
    assert issue.office == "办公室编"
    assert issue.layout == "default"
    assert issue.document_title == "工商联信息 2018年第6期（专刊）"

    assert len(issue.articles) == 3
    first, _second, third = issue.articles
    assert first.title == "市委常委会专题听取市工商联工作情况汇报"
    assert first.contents_title is None and first.byline is None
    assert first.line == 16
    assert third.contents_title == (
        "市委统战部副部长、市工商联党委书记叶伟达在市工商联所属商协会党组织党建工作会议上的讲话摘要"
    )
    assert third.byline == "叶伟达"
    assert third.dateline == "2018年4月4日上午"

    headings = [block for block in third.body if isinstance(block, Heading)]
    assert [h.level for h in headings] == [1, 1, 1]
    assert headings[0].text == "一、全面加强党的领导，旗帜鲜明讲政治"
    lead = third.body[1]
    assert isinstance(lead, Paragraph)
    assert lead.spans[0] == Span("一是强化政治属性。", True)
    assert not lead.spans[1].emphasis and lead.spans[1].text.startswith("以学习贯彻党的十九大")
    assert lead.line == 34
    leads = [b for b in third.body if isinstance(b, Paragraph) and b.spans[0].emphasis]
    assert len(leads) == 13

    closing = issue.closing
    assert [d.label for d in closing.distribution] == ["送"]
    assert closing.distribution[0].text.endswith("；本会执委。")
    assert closing.print_run is None
    assert [c.label for c in closing.contacts] == ["网址", "邮箱", "电话", "微信公众号", "地址", "邮编"]
    assert closing.contacts[-1] == LabelledValue("邮编", "314000")
    assert closing.signoff == (
        LabelledValue("签发", "王静"),
        LabelledValue("审核", "李强"),
        LabelledValue("编辑", "黄克飞"),
    )


def test_default_shown_as_is_the_path(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    issue = load_issue(path)
    assert issue.source == str(path)
    assert issue.office == "办公室编" and issue.layout == "default" and issue.keywords == ()


def test_numbers_keep_the_digits_typed(tmp_path: Path) -> None:
    text = MINIMAL + "closing:\n  contacts:\n    - 邮编: 314000\n    - 区号: 0573\n    - 分机: 0314\n"
    issue = load_issue(write(tmp_path, text))
    assert [c.value for c in issue.closing.contacts] == ["314000", "0573", "0314"]


def test_example_uses_every_field(tmp_path: Path) -> None:
    path = tmp_path / "2019-03.yaml"
    shutil.copy(EXAMPLE, path)
    issue = load_issue(path, "content/2019-03.yaml")
    assert issue.id == "2019-03"
    assert issue.edition == "专刊" and issue.cumulative == 125
    assert issue.cumulative_label == "（总第125期）"
    assert issue.keywords == ("工商联", "商会党建")
    speech = issue.articles[1]
    assert speech.subtitle == "——坚定信心 奋发有为 推动民营经济高质量发展"
    assert speech.contents_title and speech.byline and speech.dateline
    assert sorted({b.level for b in speech.body if isinstance(b, Heading)}) == [1, 2, 3, 4]
    folded = issue.articles[0].body[1]
    assert isinstance(folded, Paragraph)
    assert "报告，增补了" in folded.text and "Business Association Network 建设" in folded.text
    assert issue.articles[0].body[2] == Paragraph((Span("会议号召广大非公有制经济人士坚定信心、埋头苦干。", True),), 44)
    assert [d.label for d in issue.closing.distribution] == ["报", "送", "发"]
    assert issue.closing.print_run == 200
    assert issue.closing.contacts[-1] == LabelledValue("邮编", "314000")
    assert [s.label for s in issue.closing.signoff] == ["签发", "审核", "编辑"]


# -- text -----------------------------------------------------------------------------------------


def test_line_breaks_join_the_chinese_way(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "      - 第一段。\n",
        "      - 第一行\n        第二行，use the\n        PDF file。\n"
        "      - |\n        字面\n        块\n"
        "      - >\n        折叠\n        块 Latin\n        words\n"
        '      - text: "  引号  \n         跨行 "\n',
    )
    body = load_issue(write(tmp_path, text)).articles[0].body
    assert [b.text for b in body[:4] if isinstance(b, Paragraph)] == [
        "第一行第二行，use the PDF file。",
        "字面块",
        "折叠块 Latin words",
        "引号跨行",
    ]


def test_normalize() -> None:
    assert normalize("  第一行\n  第二行  ") == "第一行第二行"
    assert normalize("“亲”\n“清”") == "“亲”“清”"
    assert normalize("Latin\r\nwords") == "Latin words"
    assert normalize("坚定信心 奋发有为") == "坚定信心 奋发有为"


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40))
def test_any_paragraph_text_survives(text: str) -> None:
    paragraph = json.dumps(text, ensure_ascii=False)  # a JSON string is a double-quoted YAML scalar
    source = MINIMAL.replace("      - 第一段。", f"      - {paragraph}")
    try:
        issue = _parse(source)
    except ValidationFailed as failed:
        # only an empty paragraph, or one with an invisible character, may fail
        assert not text.strip() or any(describe(ch) for ch in text), failed
        return
    assert not any(describe(ch) for ch in text.strip())
    assert issue.articles[0].body[0] == Paragraph((Span(text.strip()),), 9)


def _parse(text: str) -> object:
    from jianbao.source import parse_issue

    return parse_issue(text, "content/2018-06.yaml", stem="2018-06")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab: -\n\t'\"[]{}&*!|>#?,%@`年\ufeff")), max_size=60))
def test_any_input_gives_an_issue_or_located_errors(text: str) -> None:
    try:
        _parse(MINIMAL + text)
    except ValidationFailed as failed:
        assert failed.errors
        assert all(e.location.file == "content/2018-06.yaml" and e.message for e in failed.errors)


def test_bom_and_chinese_date_are_accepted(tmp_path: Path) -> None:
    text = "\ufeff" + MINIMAL.replace("date: 2018-04-13", "date: 2018年4月13日")
    issue = load_issue(write(tmp_path, text.encode("utf-8")))
    assert issue.date == dt.date(2018, 4, 13)


# -- errors: each one located and explained -------------------------------------------------------


def test_empty_title(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - title: 标题一", '  - title: ""')
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:7:5 articles[0].title：标题不能为空"]
    text = MINIMAL.replace("  - title: 标题一", "  - title:")
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:7:5 articles[0].title：标题不能为空"]


def test_unknown_key_with_hint(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - title: 标题一", "  - titel: 标题一")
    assert errors_of(tmp_path, text) == [
        'content/2018-06.yaml:7:5 articles[0].titel：未知字段 "titel"，是否应为 "title"？'
    ]
    text = MINIMAL + "colour: red\n"
    [message] = errors_of(tmp_path, text)
    assert message.startswith('content/2018-06.yaml:12:1 colour：未知字段 "colour"（此处可用的字段：series、')


def test_chinese_field_name_hints_the_english_key(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - title: 标题一", "  - 标题: 标题一")
    assert errors_of(tmp_path, text) == [
        'content/2018-06.yaml:7:5 articles[0].标题：未知字段 "标题"，是否应为 "title"？'
    ]


def test_missing_required_field(tmp_path: Path) -> None:
    text = MINIMAL.replace("series: 工商联信息\n", "")
    assert errors_of(tmp_path, text) == ['content/2018-06.yaml:1:1 series：缺少必填字段 "series"（简报名称）']


def test_a_required_field_left_empty_is_not_told_to_be_deleted(tmp_path: Path) -> None:
    text = MINIMAL.replace("year: 2018", "year:")
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:2:1 year：年份不能为空"]
    text = MINIMAL[: MINIMAL.index("articles:")] + "articles:\n"
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:6:1 articles：文章不能为空"]
    text = MINIMAL.replace("    body:\n      - 第一段。\n      - lead: 一是……。\n        text: 内容。\n", "    body:\n")
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:8:5 articles[0].body：正文不能为空"]
    text = MINIMAL + "closing:\n"
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:12:1 closing：版记不能为空；不需要时请删去这一行"]


@pytest.mark.parametrize(
    ("typed", "column", "message"),
    [
        ("第一\u200b段。", 11, "含有零宽空格（U+200B），常见于从网页或 Word 复制的文字，看不见；请删除它"),
        ("第\u00ad一\u00ad段。", 10, "含有软连字符（U+00AD，共 2 处），"),
        ("\u202e第一段。", 9, "含有文字方向控制符（U+202E）"),
        ("第一段\ufeff。", 12, "含有零宽不换行空格（BOM）（U+FEFF）"),
        ('"第一段\\x07。"', 9, "含有控制字符（U+0007）"),  # an escape: located at the value
        ('"第一\\t段。"', 9, "文字中有制表符（Tab），请改用空格"),
        ('"第一\\ud800段。"', 9, "含有无效字符（U+D800），多半来自写错的“\\u”转义"),
    ],
)
def test_invisible_characters_are_located_and_named(tmp_path: Path, typed: str, column: int, message: str) -> None:
    text = MINIMAL.replace("      - 第一段。", f"      - {typed}")
    [error] = errors_of(tmp_path, text)
    assert error.startswith(f"content/2018-06.yaml:9:{column} articles[0].body[0]：{message}"), error


def test_invisible_characters_are_found_in_every_kind_of_text(tmp_path: Path) -> None:
    text = MINIMAL.replace("标题一", "标题\u200b一").replace("内容。", "内\u200d容。")
    text = text.replace("units: 嘉兴市工商业联合会", "units: 嘉兴市\u2060工商业联合会")
    errors = errors_of(tmp_path, text)
    assert [e.split("：")[0] for e in errors] == [
        "content/2018-06.yaml:5:11 units",
        "content/2018-06.yaml:7:14 articles[0].title",
        "content/2018-06.yaml:11:16 articles[0].body[1].text",
    ]


def test_ordinary_and_ideographic_spaces_are_kept(tmp_path: Path) -> None:
    text = MINIMAL.replace("      - 第一段。", "      - 第一段\u3000Word\u00a0文档 PDF。")
    issue = load_issue(write(tmp_path, text))
    assert issue.articles[0].body[0] == Paragraph((Span("第一段\u3000Word\u00a0文档 PDF。"),), 9)


def test_duplicate_key(tmp_path: Path) -> None:
    text = MINIMAL.replace("    body:", "    title: 标题二\n    body:")
    assert errors_of(tmp_path, text) == [
        'content/2018-06.yaml:8:5 articles[0].title：字段 "title" 重复出现（第一次在第 7 行），请删去或合并其中一个'
    ]


def test_impossible_date(tmp_path: Path) -> None:
    text = MINIMAL.replace("date: 2018-04-13", "date: 2018-02-30")
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:4:7 date：日期不存在：2018-02-30（2018年2月只有 28 天）"]
    text = MINIMAL.replace("date: 2018-04-13", "date: 2018年13月1日")
    assert errors_of(tmp_path, text) == ["content/2018-06.yaml:4:7 date：日期不存在：2018年13月1日（月份应为 1 到 12）"]
    text = MINIMAL.replace("date: 2018-04-13", "date: 4月13日")
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:4:7 date：日期应写成 2018-04-13 或 2018年4月13日（只写年月日），现为“4月13日”"
    ]


def test_file_name_must_match_year_and_number(tmp_path: Path) -> None:
    assert errors_of(tmp_path, MINIMAL, name="2018-07.yaml") == [
        "content/2018-07.yaml:3:9 number：与文件名不一致："
        "year: 2018、number: 6 的文件应命名为“2018-06.yaml”，现为“2018-07.yaml”；请改正文件名或期号"
    ]


def test_wrong_types(tmp_path: Path) -> None:
    text = MINIMAL.replace("series: 工商联信息", "series:\n  - 工商联信息").replace("number: 6", "number: 六")
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:2:3 series：简报名称应为文字，而不是列表",
        "content/2018-06.yaml:4:9 number：期号应为整数（如 6），现为“六”",
    ]
    text = MINIMAL.replace("articles:\n", "keywords: 党建\narticles:\n")
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:6:11 keywords：关键词应为列表（每项一行，以“- ”开头），而不是文字"
    ]


def test_syntax_error(tmp_path: Path) -> None:
    text = MINIMAL.replace("date: 2018-04-13", "date 2018-04-13")
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:4:1：YAML 语法错误：缺少“: ”，或这一行的缩进、引号有误（could not find expected ':'）"
    ]


def test_unclosed_quote_is_found_where_it_starts(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - title: 标题一", '  - title: "标题一')
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:7:12：YAML 语法错误：引号没有配对：从这里开始的引号没有结束"
        "（found unexpected end of stream）"
    ]
    # The quote runs on until the next one, on line 11, where YAML finally gives up.
    text = MINIMAL.replace("units: 嘉兴市工商业联合会", 'units: "嘉兴市工商业联合会').replace(
        "text: 内容。", 'text: "内容。"'
    )
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:5:8：YAML 语法错误：引号没有配对：从这里开始的引号没有结束"
        "（引号内的文字可以跨行，所以到第 11 行才出错：expected <block end>, but found '<scalar>'）"
    ]


def test_tab_indentation(tmp_path: Path) -> None:
    text = MINIMAL.replace("      - 第一段。", "\t- 第一段。").replace("        text:", "\t  text:")
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:9:1：这一行用制表符（Tab）缩进；YAML 只能用空格缩进，请把 Tab 换成空格",
        "content/2018-06.yaml:11:1：这一行用制表符（Tab）缩进；YAML 只能用空格缩进，请把 Tab 换成空格",
    ]


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "- series: 工商联信息\n- year: 2018\n") == [
        "content/2018-06.yaml:1:1：文件的顶层应是“字段: 值”的映射（series: …、articles: … 等），而不是列表"
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n", "\ufeff"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml：文件是空的：至少要写 series、year、number、date、units 和 articles"
        "（参见 docs/example-issue.yaml）"
    ]


def test_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    found = errors_of(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2
    assert found == [
        "content/2018-06.yaml:1:4 a：不支持 YAML 锚点和别名（“&名称”“*名称”），请把内容直接写出来；"
        "若这是以“&”或“*”开头的文字，请给整段文字加引号"
    ]


def test_python_tags_are_never_evaluated(tmp_path: Path) -> None:
    marker = tmp_path / "evaluated"
    text = MINIMAL.replace(
        "series: 工商联信息",
        f"series: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]",
    )
    found = errors_of(tmp_path, text)
    assert found[0] == (
        "content/2018-06.yaml:1:9 series：不支持 YAML 标签“!!python/object/apply:pathlib.Path.touch”，请删去它"
    )
    assert not marker.exists()


def test_too_large_file_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + "# " + "x" * MAX_FILE_BYTES + "\n"
    [message] = errors_of(tmp_path, text)
    assert message == (
        "content/2018-06.yaml：文件过大（2.0 MB），上限为 2 MB；一期简报的源文件通常只有几十 KB，请检查是否选错了文件"
    )


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "2018-06.yaml").mkdir()
    with pytest.raises(ValidationFailed) as caught:
        load_issue(tmp_path / "2018-06.yaml", "content/2018-06.yaml")
    assert [str(e) for e in caught.value.errors] == ["content/2018-06.yaml：无法读取文件（这是一个目录，不是文件）"]


def test_not_utf8(tmp_path: Path) -> None:
    assert errors_of(tmp_path, MINIMAL.encode("gbk")) == [
        "content/2018-06.yaml:1:9：文件不是 UTF-8 编码（可能是 GBK/GB2312），请在编辑器中另存为 UTF-8"
    ]


def test_paragraph_with_ascii_colon(tmp_path: Path) -> None:
    text = MINIMAL.replace("      - 第一段。", "      - 会议指出: 要加强党建。")
    assert errors_of(tmp_path, text) == [
        'content/2018-06.yaml:9:9 articles[0].body[0].会议指出：未知字段 "会议指出"：若这是一段正文，'
        "其中的英文冒号加空格“: ”被当成了字段，请改用中文冒号“：”或给整段文字加引号"
    ]


def test_closing_errors(tmp_path: Path) -> None:
    text = MINIMAL + (
        "closing:\n"
        "  distribution:\n"
        "    - label: 送\n"
        "      groups:\n"
        "        - 省工商联；\n"
        "        - 本会执委。\n"
        "  print_run: 0\n"
        "  contacts:\n"
        "    - 网址 http://www.0573zsh.com\n"
        "    - 电话: 0573-82073683\n"
        "      邮编: 314000\n"
    )
    assert errors_of(tmp_path, text) == [
        "content/2018-06.yaml:16:11 closing.distribution[0].groups[0]："
        "末尾的“；”请删去：各组之间的“；”和最后的“。”由排版自动加上",
        "content/2018-06.yaml:17:11 closing.distribution[0].groups[1]："
        "末尾的“。”请删去：各组之间的“；”和最后的“。”由排版自动加上",
        "content/2018-06.yaml:18:14 closing.print_run：印数应不小于 1，现为 0",
        "content/2018-06.yaml:20:7 closing.contacts[0]："
        "每项应写成“名称: 内容”（冒号后有空格），如“- 网址: http://www.example.com”",
        "content/2018-06.yaml:21:7 closing.contacts[1]："
        "每项只能写一个“名称: 内容”，多项请分行写，每行以“- ”开头（如“- 网址: http://www.example.com”）",
    ]


def test_all_errors_are_reported_together(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("date: 2018-04-13", "date: 2018-02-29")
        .replace("  - title: 标题一", '  - title: ""\n    subtitel: 副标题')
        .replace("      - lead: 一是……。", "      - h1: 一、标题\n        lead: 一是……。")
        + "layout: 新版式\n"
    )
    path = write(tmp_path, text, "2018-05.yaml")
    with pytest.raises(ValidationFailed) as caught:
        load_issue(path, "content/2018-05.yaml")
    failed = caught.value
    assert [(e.location.line, e.location.column, e.field) for e in failed.errors] == [
        (3, 9, "number"),
        (4, 7, "date"),
        (7, 5, "articles[0].title"),
        (8, 5, "articles[0].subtitel"),
        (11, 9, "articles[0].body[1]"),
        (14, 9, "layout"),
    ]
    assert failed.errors[1].location == Location("content/2018-05.yaml", 4, 7)
    assert failed.errors[1].message == "日期不存在：2018-02-29（2018年2月只有 28 天）"
    assert str(failed).endswith("\n共 6 处错误，未生成 PDF。")


# -- JSON Schema ----------------------------------------------------------------------------------


class _JsonLikeLoader(yaml.SafeLoader):
    """Reads dates as strings, as editors (YAML 1.2) do."""


_JsonLikeLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


@pytest.fixture(scope="module")
def validator() -> object:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _instance(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_JsonLikeLoader)


@pytest.mark.parametrize("path", [REFERENCE, EXAMPLE], ids=["reference", "example"])
def test_schema_accepts(validator: object, path: Path) -> None:
    errors = list(validator.iter_errors(_instance(path)))  # type: ignore[attr-defined]
    assert errors == []


def test_schema_rejects_unknown_keys_and_bad_values(validator: object) -> None:
    issue = _instance(REFERENCE)
    assert isinstance(issue, dict)
    issue["articles"][0]["titel"] = "x"
    assert not validator.is_valid(issue)  # type: ignore[attr-defined]
    issue = _instance(REFERENCE)
    issue["colour"] = "red"
    assert not validator.is_valid(issue)  # type: ignore[attr-defined]
    issue = _instance(REFERENCE)
    issue["closing"]["distribution"][0]["groups"][0] = "省工商联；"
    assert not validator.is_valid(issue)  # type: ignore[attr-defined]
    issue = _instance(REFERENCE)
    issue["date"] = "2018/4/13"
    assert not validator.is_valid(issue)  # type: ignore[attr-defined]
