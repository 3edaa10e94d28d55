"""The pages a yearly volume adds to its issues, drawn with ReportLab in the project's design:

* the **front matter**: a cover (series title in red, 「2018年合订本」, the issues it holds, the
  editing units), a blank back of the cover, and the contents (目录): every issue with its date and
  every article, each with its page in the volume, over as many pages as it needs;
* the **folios**: one page per page of the issues, carrying only the volume's running page number
  (合订本第 N 页) for the top outer corner, to be laid over the issue pages.

Takes typed data (:class:`FrontMatter`) and a :class:`~jianbao.design.layout.Layout`; reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from jianbao import __version__
from jianbao.compose.linebreak import Line, Measure
from jianbao.compose.textset import (
    Face,
    Fonts,
    baseline_in_slot,
    break_text,
    draw_line,
    draw_rule,
    draw_tracked,
    resolve,
    tracked_width,
)
from jianbao.design.layout import Layout, TextStyle

MM = 72 / 25.4
CONTENTS_HEADING = "目录"
FOLIO_SIZE = 9.0  # 小五
FOLIO_FROM_TOP = 17 * MM  # baseline of the folio below the top edge (the top margin is 37 mm)


@dataclass(frozen=True)
class ContentsLine:
    text: str
    page: int  # page in the volume's own numbering (issue pages count from 1)
    level: int  # 0: an issue, 1: an article


@dataclass(frozen=True)
class FrontMatter:
    series: str  # 工商联信息
    title: str  # 2018年合订本
    span: str  # 第1期至第24期　共24期
    units: tuple[str, ...]
    contents: tuple[ContentsLine, ...]


def folio_text(n: int) -> str:
    return f"合订本第{n}页"


def chars_by_role(front: FrontMatter, layout: Layout) -> dict[str, set[str]]:
    """Role → characters drawn in that role on the added pages."""
    need: dict[str, set[str]] = {}

    def add(style: TextStyle, *texts: str) -> None:
        need.setdefault(style.role, set()).update(ch for t in texts for ch in t if not ch.isspace())

    m = layout.masthead
    add(m.title, front.series)
    add(m.edition, front.title)
    add(m.number, front.span)
    add(m.units, *front.units)
    add(layout.style("toc_heading"), CONTENTS_HEADING)
    digits = "0123456789"
    add(_issue_style(layout), *(c.text for c in front.contents if c.level == 0), digits)
    add(layout.style("toc_entry"), *(c.text for c in front.contents if c.level == 1), digits)
    add(_folio_style(layout), folio_text(0), digits)
    return need


def _issue_style(layout: Layout) -> TextStyle:
    return replace(layout.style("heading1"), indent=0, bold=False)


def _folio_style(layout: Layout) -> TextStyle:
    return replace(layout.page_number.style, size=FOLIO_SIZE)


def draw_front_matter(front: FrontMatter, layout: Layout, fonts: Fonts, path: Path) -> int:
    """Write the cover, its blank back and the contents to ``path``; the number of pages (always even,
    so the first issue starts on a right-hand page)."""
    canv = _canvas(path, layout, title=f"{front.series} {front.title}")
    _cover(canv, front, layout, fonts)
    canv.showPage()
    canv.showPage()  # the back of the cover stays blank
    pages = 2 + _contents(canv, front, layout, fonts)
    canv.showPage()
    if pages % 2:
        canv.showPage()  # a blank page (showPage always ends one, drawn on or not)
        pages += 1
    canv.save()
    return pages


def draw_folios(numbers: list[int], layout: Layout, fonts: Fonts, path: Path) -> None:
    """One page per number with 合订本第N页 in the top outer corner (right on odd pages, left on even)."""
    page = layout.page
    face = resolve(_folio_style(layout), fonts)
    canv = _canvas(path, layout, title="folios")
    for n in numbers:
        text = folio_text(n)
        width = tracked_width(text, face, 0)
        x = page.margin_left + page.block_width - width if n % 2 else page.margin_left
        draw_tracked(canv, text, x, page.height - FOLIO_FROM_TOP, face, 0)
        canv.showPage()
    canv.save()


def _canvas(path: Path, layout: Layout, *, title: str) -> Canvas:
    canv = Canvas(str(path), pagesize=(layout.page.width, layout.page.height), invariant=1,
                  pageCompression=1, lang="zh-CN")
    canv.setTitle(title)
    canv.setCreator(f"jianbao {__version__} (make-issue --volume)")
    canv.setProducer(f"jianbao {__version__}")
    return canv


def _centred(canv: Canvas, text: str, style: TextStyle, fonts: Fonts, layout: Layout, baseline: float) -> None:
    page = layout.page
    face = resolve(style, fonts)
    width = tracked_width(text, face, style.tracking)
    if width > page.block_width:  # shrink a long series title to the block width
        face = replace(face, size=face.size * page.block_width / width)
        width = tracked_width(text, face, style.tracking)
    draw_tracked(canv, text, page.margin_left + (page.block_width - width) / 2, baseline, face, style.tracking)


def _cover(canv: Canvas, front: FrontMatter, layout: Layout, fonts: Fonts) -> None:
    page = layout.page
    m = layout.masthead
    top = page.block_top
    _centred(canv, front.series, m.title, fonts, layout, top - 40 * MM)
    _centred(canv, front.title, m.edition, fonts, layout, top - 70 * MM)
    rule_y = top - 82 * MM
    draw_rule(canv, page.margin_left, page.margin_left + page.block_width, rule_y, m.rule.colour, m.rule.weight)
    _centred(canv, front.span, m.number, fonts, layout, rule_y - 14 * MM)
    pitch = m.units.line_gap or m.units.size * 1.5
    for i, unit in enumerate(reversed(front.units)):
        _centred(canv, unit, m.units, fonts, layout, page.block_bottom + 10 * MM + i * pitch)


def _contents(canv: Canvas, front: FrontMatter, layout: Layout, fonts: Fonts) -> int:
    """Draw the contents on as many pages as needed; the number of pages."""
    page = layout.page
    body_size = layout.style("body").size
    heading = layout.style("toc_heading")
    entry = layout.style("toc_entry")
    faces = {0: resolve(_issue_style(layout), fonts), 1: resolve(entry, fonts)}
    number_w = 4 * page.cell  # the page-number column
    rows: list[tuple[int, list[Line], ContentsLine]] = []  # (level, broken lines, line)
    for line in front.contents:
        face = faces[line.level]
        indent = (2 * page.cell) if line.level else 0.0
        measure = Measure(width=page.block_width - number_w, cell=page.cell * face.size / body_size,
                          first_indent=indent, indent=indent + (page.cell if line.level else 0.0),
                          latin_gap=body_size / 4)
        rows.append((line.level, break_text([(line.text, 0)], [face], measure), line))

    lines_per_page = page.lines_per_page
    pages = 1
    top = 2  # the first slot below the heading (first page) or the top of the page
    slot = top

    hface = resolve(heading, fonts)
    width = tracked_width(CONTENTS_HEADING, hface, heading.tracking)
    draw_tracked(canv, CONTENTS_HEADING, page.margin_left + (page.block_width - width) / 2,
                 baseline_in_slot(page.block_top, hface.size, body_size), hface, heading.tracking)
    for i, (level, broken, line) in enumerate(rows):
        blank = 1 if level == 0 and slot > top else 0  # a blank line before each issue but at a page top
        need = blank + len(broken)
        if level == 0 and i + 1 < len(rows) and rows[i + 1][0] == 1:
            need += len(rows[i + 1][1])  # an issue line stays with its first article
        if slot + need > lines_per_page:
            canv.showPage()
            pages += 1
            top = slot = blank = 0
        slot += blank
        face = faces[level]
        for k, broken_line in enumerate(broken):
            baseline = baseline_in_slot(page.block_top - slot * page.pitch, face.size, body_size)
            draw_line(canv, broken_line, page.margin_left, baseline, [face])
            if k == len(broken) - 1:
                _page_number(canv, line.page, broken_line, face, layout, baseline)
            slot += 1
    return pages


def _page_number(canv: Canvas, number: int, line: Line, face: Face, layout: Layout, baseline: float) -> None:
    """The page number flush right, with a dotted leader from the end of the text."""
    page = layout.page
    text = str(number)
    right = page.margin_left + page.block_width
    width = tracked_width(text, face, 0)
    draw_tracked(canv, text, right - width, baseline, face, 0)
    end = page.margin_left + line.width
    start, stop = end + face.size * 0.5, right - width - face.size * 0.5
    if stop > start:
        canv.saveState()
        canv.setStrokeColorCMYK(*face.colour)
        canv.setLineWidth(0.8)
        canv.setLineCap(1)
        canv.setDash([0.1, face.size / 3])
        y = baseline + face.size * 0.12
        canv.line(start, y, stop, y)
        canv.restoreState()
