"""YAML without traps: text YAML would drop or misread is an error at the place of the slip, with the fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jianbao.errors import ValidationFailed
from jianbao.source import load_issue

HEAD = """\
series: 工商联信息
year: 2018
number: 6
date: 2018-04-13
units: 嘉兴市工商业联合会
articles:
"""  # the articles start on line 7


def errors_of(tmp_path: Path, articles: str, head: str = HEAD) -> list[str]:
    path = tmp_path / "2018-06.yaml"
    path.write_text(head + articles, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_issue(path, "content/2018-06.yaml")
    return [str(error) for error in caught.value.errors]


CUT = "“ #”后的文字会被当作注释而丢失：请给整段加引号，或去掉“#”前的空格"


@pytest.mark.parametrize(
    ("articles", "field"),
    [
        ("  - title: 标题\n    body:\n      - 联系会员企业 #注 1.2万余家\n", "articles[0].body[0]"),
        ("  - title: 标题 #一\n    body:\n      - 正文。\n", "articles[0].title"),
        ("  - title: 标题\n    body:\n      - lead: 一是强化。\n        text: 会员 #1 企业\n",
         "articles[0].body[0].text"),
        ("  - title: 标题\n    body:\n      - h1: 一、总体 #要求\n", "articles[0].body[0].h1"),
        ("  - title: 标题\n    body:\n      - 正文。\nclosing:\n  contacts:\n    - 电话: 0573 #转 8\n",
         "closing.contacts[0]"),
    ],
)
def test_text_after_space_hash_is_an_error_not_lost(tmp_path: Path, articles: str, field: str) -> None:
    lines = (HEAD + articles).splitlines()
    line = next(n for n, text in enumerate(lines, 1) if " #" in text)
    column = lines[line - 1].index(" #") + 2  # the "#" itself
    assert errors_of(tmp_path, articles) == [f"content/2018-06.yaml:{line}:{column} {field}：{CUT}"]


def test_quoted_hash_and_a_comment_set_off_by_spaces_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "2018-06.yaml"
    path.write_text(HEAD + '  - title: 标题    # 说明：两个以上空格后的注释照常是注释\n    body:\n'
                    '      - "联系会员企业 #注 1.2万余家"\n      - 编号#3 不受影响。\n', encoding="utf-8")
    issue = load_issue(path)
    assert issue.articles[0].title == "标题"
    assert [b.text for b in issue.articles[0].body] == ["联系会员企业 #注 1.2万余家", "编号#3 不受影响。"]


def test_field_with_chinese_colon_is_reported_at_its_line(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "  - title：标题\n    body:\n      - 正文。\n")
    assert errors == ["content/2018-06.yaml:7:5：YAML 语法错误：字段名后要用英文冒号加空格：把“title：”改为“title: ”"]
    errors = errors_of(tmp_path, "  - title: 标题\n    byline：叶伟达\n    body:\n      - 正文。\n")
    assert errors == ["content/2018-06.yaml:8:5：YAML 语法错误：字段名后要用英文冒号加空格：把“byline：”改为“byline: ”"]
    # the only field of an article: YAML reads it as text, the message is the same
    errors = errors_of(tmp_path, "  - title: 标题\n    body:\n      - 正文。\n  - title：标题二\n")
    assert errors == ["content/2018-06.yaml:10:5 articles[1]：字段名后要用英文冒号加空格：把“title：”改为“title: ”"]


def test_dash_without_space(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "  - title: 标题\n    body:\n      -6月4日，开会。\n      - 正文。\n")
    assert errors == ["content/2018-06.yaml:9:7 articles[0].body："
                      "“-”后要有空格：列表的每一项以“- ”（减号加空格）开头，请改为“- 6月4日，开会。”"]
    errors = errors_of(tmp_path, "  - title: 标题\n    body:\n      - 正文。\n      -6月4日，开会。\n")
    assert errors == ["content/2018-06.yaml:10:7：YAML 语法错误："
                      "“-”后要有空格：列表的每一项以“- ”（减号加空格）开头，请改为“- 6月4日，开会。”"]


def test_misindented_text_says_indentation_at_its_line(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "  - title: 标题\n    body:\n      - lead: 一是强化。\n         text: 内容。\n")
    assert len(errors) == 1
    assert errors[0].startswith("content/2018-06.yaml:10:10：YAML 语法错误：这一行的缩进有误：“text:”")
    assert "与上面的“lead:”左端对齐" in errors[0]
    errors = errors_of(tmp_path, "  - title: 标题\n    body:\n      - lead: 一是强化。\n    text: 内容。\n")
    assert errors == ["content/2018-06.yaml:10:5 articles[0].text：“text:”的缩进有误："
                      "它属于正文（body）里的一段，应与这一段的第一个字段（如“lead:”）左端对齐"]


@pytest.mark.parametrize("written", ["2018.7.23", "2018/7/23", "2018年07月23日", "2018-07-23", "2018年7月23日"])
def test_dates_in_the_ways_offices_write_them(tmp_path: Path, written: str) -> None:
    path = tmp_path / "2018-06.yaml"
    path.write_text(HEAD.replace("2018-04-13", written) + "  - title: 标题\n    body:\n      - 正文。\n", "utf-8")
    issue = load_issue(path)
    assert issue.date == dt.date(2018, 7, 23)
    assert issue.date_label == "2018年7月23日"


def test_mixed_date_separators_are_refused(tmp_path: Path) -> None:
    head = HEAD.replace("2018-04-13", "2018.7/23")
    errors = errors_of(tmp_path, "  - title: 标题\n    body:\n      - 正文。\n", head)
    assert errors == ["content/2018-06.yaml:4:7 date：日期应写成 2018-04-13 或 2018年4月13日（只写年月日），"
                      "现为“2018.7/23”"]
