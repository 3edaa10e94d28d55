"""The yearly volume's own pages (合订本), laid out by the same blocks and page loop as an issue:

* a cover — series title in red, 「2018年合订本」, the red rule, the issues it holds, the editing units;
* the blank back of the cover;
* the contents (目录): every issue (its number, edition and date) and under it every article with
  its page in that issue, with a dotted leader; an issue line stays with its first article and a
  blank line comes before each issue but at a page top, both done by the page loop's blocks;
* a blank page when the contents end on an odd page, so that the first issue starts on a right-hand
  page.

The numbering rule a reader follows: each page of the volume shows one number, the issue's own at
its foot (an issue page is the issue's PDF page, unchanged); the contents cite the page of the
article in its issue, under that issue; the PDF's page labels are the same (第6期 page 3 is labelled
``6-3``), so a viewer's “go to page” agrees. Front-matter pages print no number (labels i, ii …).

Takes typed data (:class:`FrontMatter`) built from the manifest; reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from jianbao import __version__
from jianbao.compose.blocks import Block
from jianbao.compose.frames import Document, Item, Metadata, Page, Rule
from jianbao.compose.gridblocks import Grid, GridLines, KeepWithNext, letter_spaced
from jianbao.compose.linebreak import Line, Measure
from jianbao.compose.linebreak.words import Dictionary
from jianbao.compose.pages import Area, PageLoop, placed_items
from jianbao.compose.printed import CONTENTS_HEADING, DIGITS, Printed
from jianbao.compose.spacing import spaced, spaced_width
from jianbao.compose.textset import Face, Fonts, baseline_in_slot, resolve, rule, tracked, tracked_width
from jianbao.compose.titles import break_words
from jianbao.design.layout import Layout, TextStyle

MM = 72 / 25.4
LEADER_WEIGHT = 0.8  # the dotted leader's dots, in pt


@dataclass(frozen=True)
class ContentsLine:
    text: str
    page: int | None  # the article's page in its issue (from 1); None for an issue line
    level: int  # 0: an issue, 1: an article


@dataclass(frozen=True)
class FrontMatter:
    series: str  # 工商联信息
    title: str  # 2018年合订本
    span: str  # 第1期至第24期　共24期
    units: tuple[str, ...]
    contents: tuple[ContentsLine, ...]


def front_matter_texts(front: FrontMatter, layout: Layout) -> list[Printed]:
    """Everything the volume's own pages print, with the role that sets it."""
    m = layout.masthead
    out = [Printed(m.title.role, front.series), Printed(m.edition.role, front.title),
           Printed(m.number.role, front.span), *(Printed(m.units.role, u) for u in front.units),
           Printed(layout.style("toc_heading").role, CONTENTS_HEADING)]
    issue_role, entry_role = _issue_style(layout).role, layout.style("toc_entry").role
    out += [Printed(issue_role if c.level == 0 else entry_role, c.text) for c in front.contents]
    out.append(Printed(entry_role, DIGITS))
    return out


def _issue_style(layout: Layout) -> TextStyle:
    return replace(layout.style("heading1"), indent=0, bold=False)


class _Cover(Block):
    """The cover: one block as tall as the type area."""

    def __init__(self, front: FrontMatter, layout: Layout, fonts: Fonts) -> None:
        super().__init__()
        self.front, self.layout, self.fonts = front, layout, fonts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, availHeight
        return self.width, self.height

    def _centred(self, out: list[Item], text: str, style: TextStyle, baseline: float) -> None:
        """A line of the cover, centred, with the layout's one Han–Latin spacing rule (as the masthead's
        labels are set)."""
        face = resolve(style, self.fonts)
        gap = self.layout.typography.latin_gap
        width = spaced_width(text, face, style.tracking, gap)
        if width > self.width:  # shrink a long series title to the block width (the masthead refuses
            face = replace(face, size=face.size * self.width / width)  # an illegible one: same style)
            width = spaced_width(text, face, style.tracking, gap)
        spaced(out, text, (self.width - width) / 2, baseline, face, style.tracking, gap)

    def items(self) -> list[Item]:
        m = self.layout.masthead
        out: list[Item] = []
        top = self.height
        self._centred(out, self.front.series, m.title, top - 40 * MM)
        self._centred(out, self.front.title, m.edition, top - 70 * MM)
        rule_y = top - 82 * MM
        out.append(rule(0, self.width, rule_y, m.rule.colour, m.rule.weight))
        self._centred(out, self.front.span, m.number, rule_y - 14 * MM)
        pitch = m.units.line_gap or m.units.size * 1.5
        for i, unit in enumerate(reversed(self.front.units)):
            self._centred(out, unit, m.units, 10 * MM + i * pitch)
        return out


class _BlankPage(Block):
    """Takes what is left of a page, or a whole page when it starts one: a blank page."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, availHeight
        return self.width, self.height


class _Entry(GridLines):
    """A contents entry: its lines, and on the last one the page number flush right after a dotted
    leader."""

    def __init__(self, lines: list[Line], face: Face, grid: Grid, page: int | None, **kw: object) -> None:
        super().__init__(lines, [face], grid, **kw)  # type: ignore[arg-type]
        self.face = face
        self.page = page

    def items(self) -> list[Item]:
        out = super().items()
        if self.page is None or not self.lines:
            return out
        face = self.face
        last = self.lines[-1]
        baseline = baseline_in_slot(self.height - (len(self.lines) - 1) * self.grid.pitch, face.size, self.grid.size)
        text = str(self.page)
        width = tracked_width(text, face, 0)
        tracked(out, text, self.width - width, baseline, face, 0)
        start, stop = last.width + face.size * 0.5, self.width - width - face.size * 0.5
        if stop > start:
            y = baseline + face.size * 0.12
            out.append(Rule(start, stop, y, face.colour, LEADER_WEIGHT, dash=(0.1, face.size / 3)))
        return out


def compose_front_matter(front: FrontMatter, layout: Layout, fonts: Fonts) -> Document:
    """Cover, its blank back and the contents, as pages (always an even number of them)."""
    page = layout.page
    body = layout.style("body")
    grid = Grid(pitch=page.pitch, size=body.size, width=page.block_width)
    heading = layout.style("toc_heading")  # letter-spaced, centred, as the issue's 目录
    blocks: list[Block] = [
        _Cover(front, layout, fonts), _BlankPage(),
        letter_spaced(CONTENTS_HEADING, resolve(heading, fonts), heading.tracking, grid, space_after=1),
    ]
    faces = {0: resolve(_issue_style(layout), fonts), 1: resolve(layout.style("toc_entry"), fonts)}
    words = Dictionary((*layout.typography.dictionary, *front.units))  # names no entry's line cuts
    number_w = 4 * page.cell  # room for the page-number column
    pending: GridLines | None = None
    for line in front.contents:
        face = faces[line.level]
        indent = (2 * page.cell) if line.level else 0.0
        measure = Measure(width=page.block_width - number_w, cell=page.cell * face.size / body.size,
                          first_indent=indent, indent=indent + (page.cell if line.level else 0.0),
                          latin_gap=layout.typography.latin_gap * face.size)  # the one spacing rule
        # wrapped only between words, as the issues' own contents entries are (compose/titles.py)
        lines = break_words(line.text, face, measure, words, None, layout.typography.titles.quote_chars)
        if line.level == 0:
            if pending is not None:
                blocks.append(pending)
            pending = _Entry(lines, face, grid, None, space_before=1, splittable=False)
            continue
        entry = _Entry(lines, face, grid, line.page, splittable=False)
        if pending is not None:  # an issue line stays with its first article
            blocks.append(KeepWithNext([pending], entry))
            pending = None
        else:
            blocks.append(entry)
    if pending is not None:
        blocks.append(pending)
    area = Area(page.margin_left, page.block_bottom, page.block_width, page.block_height + 0.01)
    loop = PageLoop(area, lambda *_: None)
    count = loop.run(blocks)
    meta = Metadata(
        title=f"{front.series} {front.title}", author="、".join(front.units),
        creator=f"jianbao {__version__} (make-issue --volume)", producer=f"jianbao {__version__}",
    )
    doc = Document(page.width, page.height, meta, [Page(placed_items(p)) for p in loop.pages])
    if count % 2:
        doc.pages.append(Page())
    return doc
