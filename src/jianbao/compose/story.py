"""The story: the issue's content in reading order as grid flowables."""

from __future__ import annotations

from dataclasses import replace

from reportlab.platypus import Flowable

from ..layout import Layout, TextStyle
from ..linebreak import Measure, is_cjk
from ..model import Article, Heading, Issue, Paragraph
from .closing import ClosingBlock
from .flowables import Bookmark, Grid, GridLines, GridRule, KeepWithNext
from .masthead import Masthead
from .textset import Face, Fonts, balance_text, break_text, resolve, tracked_width

TOC_HEADING = "目录"
HEADING_STYLES = {1: "heading1", 2: "heading2", 3: "heading3", 4: "heading4"}


def _script_runs(text: str) -> list[tuple[bool, str]]:
    """Split text into maximal runs of CJK (True) and non-CJK (False) characters."""
    out: list[tuple[bool, str]] = []
    for ch in text:
        cjk = is_cjk(ch)
        if out and out[-1][0] == cjk:
            out[-1] = (cjk, out[-1][1] + ch)
        else:
            out.append((cjk, ch))
    return out


class StoryBuilder:
    def __init__(self, issue: Issue, layout: Layout, fonts: Fonts) -> None:
        self.issue = issue
        self.layout = layout
        self.fonts = fonts
        page = layout.page
        self.body = layout.style("body")
        self.grid = Grid(pitch=page.pitch, size=self.body.size, width=page.block_width)
        self.cell = page.cell
        self.typography = layout.typography

    def face(self, style: TextStyle) -> Face:
        return resolve(style, self.fonts)

    def measure(self, style: TextStyle, *, indent: float = 0.0, first: float | None = None) -> Measure:
        return Measure(
            width=self.layout.page.block_width,
            cell=self.cell * style.size / self.body.size,
            first_indent=(style.indent * self.cell) if first is None else first,
            indent=indent,
            latin_gap=self.typography.latin_gap * style.size,
            compress_adjacent=self.typography.compress_adjacent,
            hanging=self.typography.hanging,
        )

    # -- blocks ---------------------------------------------------------------------------------
    def paragraph(self, p: Paragraph) -> GridLines:
        faces = [self.face(self.body)]
        if any(s.emphasis for s in p.spans):  # the lead role has a font only when some lead uses it
            faces.append(self.face(self.layout.style("lead")))
        runs = [(s.text, 1 if s.emphasis else 0) for s in p.spans]
        latin = self.typography.latin_role
        if latin and latin in self.fonts.names:  # Latin letters and digits in the Latin face (faces 2, 3)
            lead = self.layout.style("lead")
            faces[1:] = [self.face(lead) if len(faces) > 1 else faces[0]]
            faces += [self.face(replace(self.body, role=latin)), self.face(replace(lead, role=latin, bold=False))]
            runs = [(chunk, style + (0 if cjk else 2)) for text, style in runs
                    for cjk, chunk in _script_runs(text)]
        return GridLines(break_text(runs, faces, self.measure(self.body)), faces, self.grid)

    def heading(self, h: Heading, article_key: str, index: int) -> GridLines:
        style = self.layout.style(HEADING_STYLES[h.level])
        face = self.face(style)
        lines = break_text([(h.text, 0)], [face], self.measure(style))
        bookmark = Bookmark(f"{article_key}.h{index}", h.text, 1) if h.level == 1 else None
        return GridLines(lines, [face], self.grid, bookmark=bookmark, splittable=False)

    def centred(self, text: str, style: TextStyle, *, bookmark: Bookmark | None = None,
                space_before: int = 0) -> GridLines:
        face = self.face(style)
        lines = balance_text(text, face, self.layout.page.block_width)
        return GridLines(
            lines, [face], self.grid, centred=True, line_pitch=style.line_pitch if len(lines) > 1 else 1.0,
            space_before=space_before, space_after=style.space_after, bookmark=bookmark, splittable=False,
        )

    # -- sections -------------------------------------------------------------------------------
    def contents(self) -> list[Flowable]:
        heading = self.layout.style("toc_heading")
        face = self.face(heading)
        line_w = tracked_width(TOC_HEADING, face, heading.tracking)
        # a one-glyph-per-run centred label with tracking, as a GridLines of its own
        from ..linebreak import Line, Placed

        x = 0.0
        placed = []
        for ch in TOC_HEADING:
            w = tracked_width(ch, face, 0)
            placed.append(Placed(ch, x, w, 0))
            x += w + heading.tracking * face.size
        head = GridLines([Line(tuple(placed), line_w, True)], [face], self.grid, centred=True, splittable=False)
        entry = self.layout.style("toc_entry")
        eface = self.face(entry)
        hang = entry.hang * self.cell
        flowables: list[Flowable] = [head]
        for article in self.issue.articles:
            lines = break_text([(article.toc_text, 0)], [eface], self.measure(entry, indent=hang, first=hang))
            marks = [(0, entry.marker, 0.0, eface)] if entry.marker else []
            flowables.append(GridLines(lines, [eface], self.grid, decorations=marks))
        flowables.append(GridRule(self.grid, self.layout.toc_rule.colour, self.layout.toc_rule.weight))
        return flowables

    def article(self, article: Article, number: int, first: bool) -> list[Flowable]:
        key = f"a{number}"
        title_style = self.layout.style("title")
        heads: list[Flowable] = [
            self.centred(article.title, title_style, bookmark=Bookmark(key, article.title, 0),
                         space_before=0 if first else title_style.space_before)
        ]
        for text, name in ((article.subtitle, "subtitle"), (article.byline, "byline"),
                           (article.dateline, "dateline")):
            if text:
                heads.append(self.centred(text, self.layout.style(name)))
        out: list[Flowable] = []
        pending: list[Flowable] = heads
        h_index = 0
        for block in article.body:
            if isinstance(block, Heading):
                h_index += 1
                pending.append(self.heading(block, key, h_index))
                continue
            flow = self.paragraph(block)
            if pending:
                out.append(KeepWithNext(pending, flow))
                pending = []
            else:
                out.append(flow)
        if pending:
            out.append(KeepWithNext(pending, None))
        return out

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [Masthead(self.issue, self.layout, self.fonts)]
        story += self.contents()
        for i, article in enumerate(self.issue.articles, start=1):
            story += self.article(article, i, first=(i == 1))
        c = self.issue.closing
        if c.distribution or c.contacts or c.signoff or c.print_run is not None:
            story.append(ClosingBlock(c, self.layout, self.fonts))
        return story
