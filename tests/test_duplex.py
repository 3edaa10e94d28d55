"""GB/T 9704 §7.4–7.5 with double-sided printing: the closing block (版记) sits at the foot of the last
even page. Issues that would end on an odd page are made from 2018-06 by shortening its last article;
each case is first built single-sided (``duplex: false``) to show where the 版记 would have gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import make_issue
from pdftext import page_texts

CLOSING = "签发："  # on the 版记's last line


def _build(project: Path, keep: int, duplex: bool) -> list[str]:
    source = project / "content" / "2018-06.yaml"
    data = yaml.safe_load((Path(__file__).parents[1] / "content" / "2018-06.yaml").read_text(encoding="utf-8"))
    data["articles"][2]["body"] = data["articles"][2]["body"][:keep]
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    layout = project / "layouts" / "default.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(re.sub(r"duplex: \w+", f"duplex: {'true' if duplex else 'false'}", text), encoding="utf-8")
    result = make_issue("2018-06", cwd=project)
    assert result.returncode == 0, result.stderr
    return page_texts(project / "out" / "2018-06.pdf")


def _number(text: str) -> int | None:
    found = re.search(r"—\s*(\d+)\s*—\s*$", text.strip()) or re.search(r"^\s*—\s*(\d+)\s*—", text)
    return int(found.group(1)) if found else None


def test_the_closing_block_sharing_an_odd_page_moves_to_the_back_of_the_sheet(project_copy: Path) -> None:
    single = _build(project_copy, 19, duplex=False)
    assert len(single) % 2 == 1 and CLOSING in single[-1]
    assert len(single[-1].replace(" ", "")) > 200, "precondition: text and 版记 share the odd last page"
    double = _build(project_copy, 19, duplex=True)
    assert len(double) == len(single) + 1
    assert CLOSING not in double[-2] and CLOSING in double[-1]
    assert double[-2].replace(" ", "") != ""  # the text stays where it was
    assert _number(double[-1]) == len(double)  # no blank page before it: numbered as usual


def test_the_closing_block_alone_on_an_odd_page_gets_a_blank_page_before_it(project_copy: Path) -> None:
    single = _build(project_copy, 17, duplex=False)
    assert len(single) % 2 == 1 and CLOSING in single[-1]
    assert CLOSING not in single[-2], "precondition: the 版记 stands alone on the odd last page"
    double = _build(project_copy, 17, duplex=True)
    assert len(double) == len(single) + 1 and len(double) % 2 == 0
    assert double[-2].strip() == ""  # the blank page: nothing on it, not even a page number
    assert CLOSING in double[-1] and _number(double[-1]) is None  # the 版记 page carries no number
    assert _number(double[-3]) == len(double) - 2


@pytest.mark.parametrize("duplex", [True, False])
def test_an_issue_ending_on_an_even_page_is_the_same_either_way(project_copy: Path, duplex: bool) -> None:
    pages = _build(project_copy, 100, duplex=duplex)
    assert len(pages) == 10 and CLOSING in pages[-1] and _number(pages[-1]) == 10
