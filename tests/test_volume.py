"""The yearly volume (合订本): a year's issues bound into one PDF with cover, contents and bookmarks."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

import pdftext
from conftest import make_issue
from pdftext import page_texts
from test_batch import variant


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def volume(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """out/2018-volume.pdf of a project holding 2018-06, 2018-07 and 2019-01."""
    import shutil

    from conftest import ROOT

    project = tmp_path_factory.mktemp("volume")
    shutil.copytree(ROOT / "content", project / "content")  # the built-in layout and fonts config
    variant(project, 2018, 7)
    variant(project, 2019, 1)
    result = make_issue("--volume", "2018", cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"out/2018-volume\.pdf\s+合订本 2 期\s+\d+ 页", result.stdout), result.stdout
    return project / "out" / "2018-volume.pdf"


def outline(reader: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(title, page index, [(child title, page index)]) for each top-level bookmark."""
    out: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            out[-1][2].extend((c.title, reader.get_destination_page_number(c)) for c in item)
        else:
            out.append((item.title, reader.get_destination_page_number(item), []))
    return out


def test_the_volume_holds_the_years_issues_each_starting_on_a_right_hand_page(volume: Path) -> None:
    out = volume.parent
    reader = PdfReader(volume)
    issues = [PdfReader(out / f"2018-{n}.pdf") for n in ("06", "07")]
    counts = [len(r.pages) for r in issues]
    marks = outline(reader)
    starts = [page for title, page, _ in marks if title.startswith("工商联信息")]
    assert len(starts) == 2 and all(s % 2 == 0 for s in starts)  # index 0, 2, 4 …: right-hand pages
    front = starts[0]
    assert front % 2 == 0 and front >= 4  # cover, its blank back, contents
    assert len(reader.pages) == front + sum(c + c % 2 for c in counts)
    assert reader.page_labels[front] == "6-1" and reader.page_labels[0] == "i"
    assert "2019" not in "".join(page_texts(volume)[:front])


def test_bookmarks_lead_to_every_issue_and_article(volume: Path) -> None:
    reader = PdfReader(volume)
    texts = page_texts(volume)
    marks = outline(reader)
    assert [m[0] for m in marks] == ["封面", "目录", "工商联信息 2018年第6期（专刊）", "工商联信息 2018年第7期（专刊）"]
    for _title, start, articles in marks[2:]:
        assert articles[0][0] == "市委常委会专题听取市工商联工作情况汇报" and len(articles) == 3
        assert articles[0][1] == start
        for article, page in articles:
            assert squash(article) in squash(texts[page]), article


def test_the_contents_list_every_issue_and_article_with_its_page(volume: Path) -> None:
    """One numbering rule: the contents cite an article's page in its issue, under that issue; that
    number is the one printed at the page's foot (— N —, the issue's own); the PDF's page label is
    “issue-page”, so a viewer's “go to page 6-3” lands on it. No page carries a second number."""
    reader = PdfReader(volume)
    texts = page_texts(volume)
    marks = outline(reader)
    front = marks[2][1]
    contents = squash("".join(texts[2:front]))
    assert contents.startswith("目录")
    assert "2018年第6期（专刊）2018年4月13日" in contents
    position = 0
    for title, _start, articles in marks[2:]:
        number = int(re.search(r"第(\d+)期", title).group(1))
        for article, page in articles:
            label = reader.page_labels[page]
            issue, within = label.split("-")
            assert int(issue) == number
            found = contents.find(squash(article) + within, position)
            assert found >= 0, (article, within)  # in the order of the issues
            position = found
            assert re.search(rf"—\s*{within}\s*—", texts[page]), (label, texts[page][-40:])
    assert not any("合订本第" in text for text in texts)


def test_articles_with_the_same_title_keep_their_own_pages(project_copy: Path) -> None:
    """Pages come from each issue's layout (recorded when it was built), article by article: two
    articles with one title are two bookmarks to two pages."""
    import yaml

    source = project_copy / "content" / "2018-06.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["articles"][1]["title"] = data["articles"][0]["title"]
    data["articles"][1].pop("contents", None)
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = make_issue("--volume", "2018", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(project_copy / "out" / "2018-volume.pdf")
    articles = outline(reader)[2][2]
    assert articles[0][0] == articles[1][0]
    assert articles[0][1] < articles[1][1]


def test_no_volume_when_an_issue_of_the_year_fails(project_copy: Path) -> None:
    variant(project_copy, 2018, 7, broken=True)
    result = make_issue("--volume", "2018", cwd=project_copy)
    assert result.returncode == 1
    assert "合订本未生成" in result.stderr and "2018-07" in result.stderr
    assert not (project_copy / "out" / "2018-volume.pdf").exists()


def test_the_cover_and_contents_keep_the_one_spacing_rule(volume: Path) -> None:
    """Han next to a digit: the layout's gap (a quarter em by default) on the cover's span line and in
    the contents, as in every line of the issues."""
    from conftest import DEFAULT_LAYOUT
    from jianbao.design.load import load_layout
    from jianbao.script import is_cjk

    gap = load_layout(DEFAULT_LAYOUT).typography.latin_gap
    assert gap > 0
    reader = PdfReader(volume)
    front = outline(reader)[2][1]
    marks = "，。、：；（）"
    seen = 0
    for index in (0, *range(2, front)):  # the cover, the contents pages
        line: list[pdftext.Glyph] = []
        for g in pdftext.glyphs(volume, index):
            if line and abs(g.baseline - line[-1].baseline) > 1:
                line = []
            a = line[-1] if line else None
            line.append(g)
            if a is None or a.char in marks or g.char in marks:
                continue
            if (is_cjk(a.char) and g.char.isdigit()) or (a.char.isdigit() and is_cjk(g.char)):
                # glyph origins: a digit is narrower than a cell; the gap is at least gap × size
                advance = a.size if is_cjk(a.char) else a.size * 0.45
                assert g.x - a.x >= advance + gap * a.size * 0.9, (index, a.char, g.char, g.x - a.x)
                seen += 1
    assert seen >= 4


def test_contents_entries_wrap_only_between_words(volume: Path) -> None:
    """The volume's contents wrap a long title as the issue's own contents do: never inside a word
    (the character-count break cut 讲话 into 讲 / 话)."""
    reader = PdfReader(volume)
    front = outline(reader)[2][1]
    lines = [line.strip() for text in page_texts(volume)[2:front] for line in text.splitlines()]
    wrapped = [(a, b) for a, b in itertools.pairwise(lines) if a.endswith("会议上的")]
    assert wrapped and all(b.startswith("讲话摘要") for _, b in wrapped), lines
