"""Titles, contents entries and the closing block keep their words (GB/T 9704 §7.3.1), and every text
role takes the same Han–Latin gap.

The long titles in tests/titles.txt are set at 二号 in the 156 mm block (CJK characters one cell,
digits and Latin letters half a cell, as in the title face) with the words of a real issue; each
must keep every word, number-and-unit and short quotation whole, have no line of one or two
characters, and be a trapezoid (each line no longer than the one above) or a diamond.
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import DEFAULT_LAYOUT, ROOT, make_issue
from jianbao.compose.closing import ClosingBlock
from jianbao.compose.linebreak import Item, Line, Measure, balance_lines, is_cjk
from jianbao.compose.linebreak.words import Dictionary, segment, title_faults, word_starts
from jianbao.compose.spacing import runs, spaced_width
from jianbao.compose.story import StoryBuilder
from jianbao.compose.textset import Face, Fonts, advance
from jianbao.compose.titles import break_title, is_diamond, is_trapezoid, issue_dictionary, recipient_keep
from jianbao.design.layout import TitleCosts
from jianbao.design.load import load_layout
from jianbao.errors import LayoutError
from jianbao.source import load_issue

DEFAULT_COSTS = TitleCosts()
SIZE = 22.0  # 二号
WIDTH = 442.2  # 156 mm
TITLES = [t.strip() for t in (ROOT / "tests" / "titles.txt").read_text(encoding="utf-8").splitlines()
          if t.strip() and not t.startswith("#")]
NAMES = Dictionary(["嘉兴市工商业联合会", "嘉兴市总商会", "市工商联", "市总商会", "市政协办公室", "两新组织", "商协会",
                    "红船精神", "叶伟达"])
UNIT = re.compile(r"\d[年月日周届期次个家名强亿万份天%]|第\d")
QUOTE = re.compile(r"“[^“”]{1,8}”|《[^《》]{1,8}》")


def _items(text: str, size: float = SIZE) -> list[Item]:
    return [Item(c, size if is_cjk(c) else (size / 4 if c == " " else size / 2)) for c in text]


def _title(text: str, costs: TitleCosts = DEFAULT_COSTS, words: Dictionary = NAMES) -> tuple[list[Line], bool]:
    m = Measure(width=WIDTH, cell=SIZE, justify=False, latin_gap=SIZE / 4)
    found = break_title(_items(text), m, text, costs, words)
    return found.lines, found.whole


def _cuts(text: str, lines: list[Line]) -> list[int]:
    """Where the lines break: the index in ``text`` of each continuation line's first character."""
    out, pos = [], 0
    for line in lines[:-1]:
        pos = text.index(line.text, pos) + len(line.text)
        while text[pos] == " ":
            pos += 1
        out.append(pos)
    return out


def _cells(lines: list[Line]) -> list[float]:
    return [line.width / SIZE for line in lines]


def test_the_long_titles_are_real_looking_and_long() -> None:
    assert len(TITLES) >= 40
    assert all(25 <= len(t) <= 70 for t in TITLES)
    assert sum(bool(re.search(r"\d", t)) for t in TITLES) >= 20
    assert sum("“" in t for t in TITLES) >= 15 and sum("（" in t for t in TITLES) >= 15


@pytest.mark.parametrize("text", TITLES)
def test_a_long_title_keeps_its_words_and_is_a_trapezoid_or_a_diamond(text: str) -> None:
    lines, whole = _title(text)
    assert whole
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    assert len(lines) >= 2
    cells = _cells(lines)
    assert all(w <= WIDTH / SIZE + 0.01 for w in cells)
    assert is_trapezoid(cells) or is_diamond(cells), cells
    starts = word_starts(text, NAMES)
    for cut in _cuts(text, lines):
        assert starts[cut], (text[:cut], text[cut:])  # between two words
        for m in (*UNIT.finditer(text), *QUOTE.finditer(text)):
            assert not m.start() < cut < m.end(), m.group()  # 2020|年, “亩均|效益”
        assert text[cut - 1] not in "“‘（《"  # not after an opening bracket
    for line in lines:
        assert len(re.sub(r"[^\w]", "", line.text)) > 2  # no line of one or two characters


def test_the_title_of_the_issue_report_breaks_between_words() -> None:
    text = TITLES[0]
    before = [line.text for line in balance_lines(_items(text), Measure(width=WIDTH, cell=SIZE, justify=False))]
    assert before[0].endswith("工")  # what the character-count balance did: 工 / 作思路
    lines, whole = _title(text)
    assert whole
    assert [line.text for line in lines] == [
        "全市民营经济运行情况分析", "暨2020年工作思路研讨会在嘉兴召开（附：", "重点企业名单及“亩均效益”评价结果）",
    ]


def test_breaks_before_ji_and_after_a_pause_are_preferred() -> None:
    lines, _ = _title("市工商联召开所属商协会党组织党建工作会议暨“两新组织”党建工作推进会")
    assert lines[1].text.startswith("暨")
    lines, _ = _title("市领导走访调研重点民营企业并召开座谈会：千方百计帮助企业解决实际困难")
    assert lines[0].text.endswith("：")


def test_the_weights_come_from_the_layout() -> None:
    text = "市工商联召开所属商协会党组织党建工作会议暨“两新组织”党建工作推进会"
    plain, _ = _title(text)
    # a layout that cares only for balance takes the 18 + 16 split over the break before 暨
    balanced, whole = _title(text, TitleCosts(plain=0.0, before_connective=0.0, balance=10.0))
    assert whole and plain[1].text.startswith("暨") and not balanced[1].text.startswith("暨")


def test_a_title_whose_every_break_cuts_a_word_is_set_and_flagged() -> None:
    name = "嘉兴市民营经济人士理想信念教育实践活动领导小组办公室"  # 26 characters, one word of the issue
    lines, whole = _title(name, words=Dictionary([name]))
    assert not whole and "".join(line.text for line in lines) == name
    assert all(line.width <= WIDTH + 0.01 for line in lines)


def test_a_short_title_stays_on_one_line() -> None:
    lines, whole = _title("市工商联召开2019年度执委会议")
    assert whole and [line.text for line in lines] == ["市工商联召开2019年度执委会议"]


def test_title_faults_number_units_dates_and_short_quotes() -> None:
    text = "庆祝40周年，2018年6月20日“亩均效益”第3届"
    faults = title_faults(text)
    for pair in ("40|周", "年|6", "6|月", "亩|均", "均|效", "第|3", "3|届"):
        a, b = pair.split("|")
        i = text.index(a + b) + len(a)
        assert faults[i], pair
    assert not faults[text.index("，") + 1]  # after the comma


def test_the_issue_names_are_whole_words() -> None:
    text = "嘉兴市工商业联合会推动两新组织党建"
    assert "嘉兴市工商业联合会" not in segment(text) or True  # whatever the segmenter says …
    starts = word_starts(text, Dictionary(["嘉兴市工商业联合会", "两新组织"]))
    assert [i for i in range(1, len(text)) if starts[i]] == [9, 11, 15]  # … the names are whole


# -- property: no title line breaks inside a dictionary word -------------------------------------------

_WORDS = ["嘉兴市工商业联合会", "民营经济", "高质量发展", "商协会", "党建工作", "推进会", "红船精神", "营商环境",
          "两新组织", "主题教育", "座谈会", "实施意见", "执委会议", "光彩事业", "秘书长", "培训班", "会员企业",
          "乡村振兴", "数字化转型", "亩均效益", "暨", "在", "关于", "召开", "举行", "开展", "全市", "深入"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=6, max_size=22))
def test_property_no_title_line_breaks_inside_a_dictionary_word(words: list[str]) -> None:
    text = "".join(words)
    assume(25 <= len(text) <= 70)
    bounds = {0}
    for w in words:
        bounds.add(max(bounds) + len(w))
    dictionary = Dictionary(_WORDS)
    # the test's words are the text's only dictionary occurrences (no word made across a junction)
    spans = dictionary.spans(text)
    assume(sorted(a for a, _ in spans) == sorted(b for b in bounds if b < len(text) and b != len(text))
           or all(a in bounds and b in bounds for a, b in spans))
    lines, whole = _title(text, words=dictionary)
    assert whole
    for cut in _cuts(text, lines):
        assert cut in bounds, (text[:cut], text[cut:])
    assert is_trapezoid(_cells(lines)) or is_diamond(_cells(lines))


# -- the closing block, the contents, the spacing rule on every role -----------------------------------

def _example(tmp_path: Path):  # the example issue, under the file name its year and number ask for
    path = tmp_path / "2019-03.yaml"
    shutil.copy(ROOT / "docs" / "example-issue.yaml", path)
    return load_issue(path)


def _fonts(layout) -> Fonts:
    return Fonts({role: "Courier" for role in layout.roles()})


def test_distribution_lines_break_only_between_recipients(tmp_path: Path) -> None:
    layout = load_layout(DEFAULT_LAYOUT)
    issue = _example(tmp_path)
    block = ClosingBlock(issue.closing, layout, _fonts(layout), issue_dictionary(issue, layout))
    wrapped = 0
    for item in issue.closing.distribution:
        text = f"{item.label}：{item.text}"
        allowed = {i + 1 for i, ch in enumerate(text) if ch in "、；，" and "（" not in text[:i].rsplit("）", 1)[-1]}
        for width in (180.0, 220.0, 260.0, 330.0):  # narrow blocks (each recipient fits): lists wrap
            lines = block._label_lines(item.label, item.text, width, recipients=True)
            assert "".join(line.text for line in lines) == text
            for cut in _cuts(text, lines):
                wrapped += 1
                assert cut in allowed, (text[:cut], text[cut:])  # never 市政协办 / 公室, never 各县（市、 / 区）
            hang = sum(advance(ch, "Courier", layout.closing.style.size) for ch in f"{item.label}：")
            for line in lines[1:]:
                assert line.glyphs[0].x == pytest.approx(hang)  # aligned after 送：
    assert wrapped >= 5
    text = "送：" + "；".join(issue.closing.distribution[0].groups) + "。"
    keep = recipient_keep(text, 2)
    assert {i for i in range(1, len(text)) if i not in keep} == {
        i + 1 for i, ch in enumerate(text) if ch in "、；，" and i > 2}


def test_the_spacing_rule_holds_on_every_role(tmp_path: Path) -> None:
    layout = load_layout(DEFAULT_LAYOUT)
    issue = _example(tmp_path)
    gap = layout.typography.latin_gap
    builder = StoryBuilder(issue, layout, _fonts(layout))
    seen: dict[str, int] = {}

    def check(line: Line, role: str, size: float) -> None:
        g = line.glyphs
        for a, b in itertools.pairwise(g):
            if (is_cjk(a.char) and b.char.isdigit()) or (a.char.isdigit() and is_cjk(b.char)):
                if a.char in "，。、：；（）“”" or b.char in "，。、：；（）“”":
                    continue
                space = b.x - (a.x + a.advance)
                assert space >= gap * size * 0.5 - 0.01, (role, line.text, a.char, b.char, space)
                seen[role] = seen.get(role, 0) + 1

    body = layout.style("body").size
    for article in issue.articles:
        for text, style in ((article.title, "title"), (article.subtitle, "subtitle"), (article.byline, "byline"),
                            (article.dateline, "dateline")):
            if text:
                block = builder.centred(text, layout.style(style))
                for line in block.lines:
                    check(line, style, layout.style(style).size)
        for i, para in enumerate(article.body):
            flow = builder.heading(para, 1, i, i) if hasattr(para, "level") else builder.paragraph(para)
            for line in flow.lines:
                check(line, "heading" if hasattr(para, "level") else "body", body)
    for block in builder.contents()[1:-1]:
        for line in block.lines:
            check(line, "contents", layout.style("toc_entry").size)
    closing = ClosingBlock(issue.closing, layout, _fonts(layout), builder.words)
    for row in closing.rows:
        for visual in row.lines:
            for _, line in visual:
                check(line, "closing", layout.closing.style.size)
    assert {"body", "title", "dateline", "contents", "closing"} <= set(seen), seen
    # the masthead's labels: the same rule
    d = issue.date
    assert runs(issue.date_label) == [str(d.year), "年", str(d.month), "月", str(d.day), "日"]
    face = Face("Courier", 16.0, (0, 0, 0, 1))
    assert spaced_width("2019年", face, 0, gap) == pytest.approx(spaced_width("2019年", face, 0, 0) + gap * 16)


def test_a_title_in_the_contents_wraps_between_words(tmp_path: Path) -> None:
    layout = load_layout(DEFAULT_LAYOUT)
    issue = _example(tmp_path)
    long = "全市民营经济运行情况分析暨2020年工作思路研讨会在嘉兴召开（附：重点企业名单及“亩均效益”评价结果）"
    from dataclasses import replace
    issue = replace(issue, articles=(replace(issue.articles[0], title=long, contents_title=None),
                                     *issue.articles[1:]))
    builder = StoryBuilder(issue, layout, _fonts(layout))
    entry = builder.contents()[1]
    starts = word_starts(long, builder.words)
    assert len(entry.lines) >= 2
    for cut in _cuts(long, entry.lines):
        assert starts[cut] and not UNIT.search(long[cut - 1:cut + 1]), long[cut - 3:cut + 3]


# -- the layout: a user dictionary, the weights, clear errors -----------------------------------------

def test_the_layout_names_a_dictionary_and_weights(tmp_path: Path) -> None:
    text = (DEFAULT_LAYOUT).read_text(encoding="utf-8")
    text = text.replace("typography:\n", "typography:\n  dictionary: 词典.txt\n", 1)
    text = re.sub(r"\n    balance: 1 ", "\n    balance: 2 ", re.sub(r"\n    plain: 12 ", "\n    plain: 5 ", text))
    (tmp_path / "custom.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "词典.txt").write_text("# 本会专用词\n红船精神 10 n\n两新组织\n\n", encoding="utf-8")
    layout = load_layout(tmp_path / "custom.yaml")
    assert layout.typography.dictionary == ("红船精神", "两新组织")
    assert layout.typography.titles.balance == 2 and layout.typography.titles.plain == 5
    (tmp_path / "词典.txt").unlink()
    with pytest.raises(LayoutError, match=r"typography\.dictionary：找不到词典文件"):
        load_layout(tmp_path / "custom.yaml")
    (tmp_path / "custom.yaml").write_text(text.replace("词典.txt", "x.txt").replace("balance: 2", "balance: -1"),
                                          encoding="utf-8")
    (tmp_path / "x.txt").write_text("红船精神\n", encoding="utf-8")
    with pytest.raises(LayoutError, match=r"typography\.titles\.balance：应在 0 到 100000之间，现为“-1”"):
        load_layout(tmp_path / "custom.yaml")


UNCUTTABLE = "嘉兴市民营经济人士理想信念教育实践活动领导小组办公室"  # one dictionary word, longer than a line


def _title_that_must_cut_a_word(project_copy: Path) -> Path:
    """2018-06 whose first title is a dictionary word too long for a line; the source's path."""
    layout = project_copy / "layouts" / "default.yaml"
    layout.write_text(layout.read_text(encoding="utf-8").replace(
        "typography:\n", "typography:\n  dictionary: words.txt\n", 1), encoding="utf-8")
    (project_copy / "layouts" / "words.txt").write_text(UNCUTTABLE + "\n", encoding="utf-8")
    source = project_copy / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: 市委常委会专题听取市工商联工作情况汇报", f"title: {UNCUTTABLE}", 1),
                      encoding="utf-8")
    return source


def test_a_title_that_must_cut_a_word_is_built_with_a_located_warning(project_copy: Path) -> None:
    name = UNCUTTABLE
    source = _title_that_must_cut_a_word(project_copy)
    line = next(i for i, t in enumerate(source.read_text(encoding="utf-8").splitlines(), 1) if name in t)
    result = make_issue("2018-06", "--out", str(project_copy / "out"), cwd=project_copy)
    assert result.returncode == 0, result.stderr
    column = source.read_text(encoding="utf-8").splitlines()[line - 1].index(name) + 1
    assert f"content/2018-06.yaml:{line}:{column}：警告：标题“{name}”" in result.stderr
    assert "无法只在词与词之间回行" in result.stderr and name[:10] in result.stderr


def test_a_warm_rebuild_says_the_title_warning_again(project_copy: Path) -> None:
    """make-issue watch keeps a title's lines between builds; the warning is still said each build."""
    from jianbao.pipeline import Project, build
    from jianbao.warm import Warm

    name = UNCUTTABLE
    source = _title_that_must_cut_a_word(project_copy)
    warm = Warm()
    said = []
    for _ in range(3):
        result = build(source, project_copy / "out", Project(project_copy), warm)
        warm.sweep()
        said.append([w.message for w in result.warnings if name in w.message])
    assert said[0] and said[1] == said[0] and said[2] == said[0]


def test_a_changed_user_dictionary_rebuilds_the_issues_of_its_layout(project_copy: Path) -> None:
    from jianbao.archive.fingerprint import Fingerprints

    layout = project_copy / "layouts" / "default.yaml"
    layout.write_text(layout.read_text(encoding="utf-8").replace(
        "typography:\n", "typography:\n  dictionary: words.txt\n", 1), encoding="utf-8")
    words = project_copy / "layouts" / "words.txt"
    words.write_text("红船精神\n", encoding="utf-8")
    before = Fingerprints(project_copy).inputs("x", "default").layout
    words.write_text("红船精神\n两新组织\n", encoding="utf-8")
    assert Fingerprints(project_copy).inputs("x", "default").layout != before


@pytest.mark.parametrize("which", ["2018-06", "example"])
def test_the_issues_we_build_keep_their_words_in_titles_contents_and_closing(which: str, tmp_path: Path) -> None:
    """With the real fonts, as make-issue sets them: every centred text, contents entry and
    distribution list of 2018-06 and of the example issue."""
    from jianbao.pipeline import Project, prepare, register_fonts

    source = ROOT / "content" / "2018-06.yaml" if which == "2018-06" else tmp_path / "2019-03.yaml"
    if which == "example":
        shutil.copy(ROOT / "docs" / "example-issue.yaml", source)
    prepared = prepare(source, Project(ROOT))
    issue, layout = prepared.issue, prepared.layout
    assert prepared.assignment is not None
    builder = StoryBuilder(issue, layout, register_fonts(prepared.fonts, prepared.assignment))
    checked = 0
    for article in issue.articles:
        for text, style in ((article.title, "title"), (article.subtitle, "subtitle"), (article.byline, "byline"),
                            (article.dateline, "dateline")):
            if not text:
                continue
            lines = builder.centred(text, layout.style(style)).lines
            cells = [line.width / layout.style(style).size for line in lines]
            assert is_trapezoid(cells) or is_diamond(cells), (text, cells)
            starts = word_starts(text, builder.words)
            faults = title_faults(text, builder.words)
            for cut in _cuts(text, lines):
                assert starts[cut] and not faults[cut], (text[:cut], text[cut:])
                checked += 1
    assert not builder.warnings
    for article, entry in zip(issue.articles, builder.contents()[1:-1], strict=True):
        faults = title_faults(article.toc_text, builder.words)
        for cut in _cuts(article.toc_text, entry.lines):
            assert not faults[cut], article.toc_text[cut - 4:cut + 4]
            checked += 1
    block = ClosingBlock(issue.closing, layout, builder.fonts, builder.words)
    inner = layout.page.block_width - 2 * layout.closing.inset * layout.closing.style.size
    for item in issue.closing.distribution:
        text = f"{item.label}：{item.text}"
        allowed = {i + 1 for i, ch in enumerate(text) if ch in "、；，" and "（" not in text[:i].rsplit("）", 1)[-1]}
        for cut in _cuts(text, block._label_lines(item.label, item.text, inner, recipients=True)):
            assert cut in allowed, (text[:cut], text[cut:])
            checked += 1
    assert checked >= 2  # some of them do wrap
