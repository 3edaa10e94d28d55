"""The story: the issue's content in reading order as grid blocks for the page loop."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TypeVar

from jianbao.compose.blocks import Block
from jianbao.compose.closing import ClosingBlock
from jianbao.compose.gridblocks import (
    MIN_LINES_AT_FOOT,
    Bookmark,
    Grid,
    GridLines,
    GridRule,
    KeepWithNext,
    Ref,
    letter_spaced,
)
from jianbao.compose.linebreak import Line, Measure, Variant, is_cjk
from jianbao.compose.masthead import Masthead
from jianbao.compose.memo import Fresh
from jianbao.compose.textset import Face, Fonts, break_text, resolve
from jianbao.compose.titles import TitleBreak, TitleWarning, break_words, issue_dictionary, set_title, warning_text
from jianbao.design.layout import HEADING_STYLES, TOC_HEADING, Layout, TextStyle
from jianbao.model import Article, Heading, Issue, Paragraph

T = TypeVar("T")


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


class KeptBlocks:
    """Story blocks kept between builds (make-issue watch, see ``compose.replay``): an article's blocks,
    keyed by the article's content, its number, the page make-up's changes in it and the issue's
    dictionary, and the contents page's, keyed by the contents lines; the layout and the fonts are the
    keeper's. Kept blocks are never laid out themselves (the replay lays out copies), so they can serve
    every pass of every build. What no build of the last few used is forgotten by :meth:`sweep`."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[object, int]] = {}
        self._starts: dict[int, tuple[Block, int]] = {}  # kept block (named by identity) → lines at a foot
        self._build = 0

    def get(self, key: Hashable) -> object | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        if kept[1] != self._build:
            self._kept[key] = (kept[0], self._build)
        return kept[0]

    def put(self, key: Hashable, value: object) -> None:
        self._kept[key] = (value, self._build)

    def min_start(self, block: Block, compute: Callable[[Block], int]) -> int:
        """``compute(block)`` for a kept block, computed once (a kept block does not change)."""
        kept = self._starts.get(id(block))
        if kept is None:
            kept = self._starts[id(block)] = (block, compute(block))
        return kept[1]

    def sweep(self, builds: int) -> None:
        self._build += 1
        oldest = self._build - builds
        self._kept = {k: v for k, v in self._kept.items() if v[1] >= oldest}
        if len(self._starts) > STARTS_KEPT:
            self._starts.clear()


STARTS_KEPT = 10000  # blocks whose lines needed at a page foot are kept (an issue has tens to hundreds)

# an article's blocks, and its centred texts: (key in StoryBuilder._set, their lines, the warning to give
# when the build has not set that text before)
_KeptArticle = tuple[list[Block], list[tuple[tuple[object, ...], TitleBreak, TitleWarning | None]]]


class StoryBuilder:
    def __init__(self, issue: Issue, layout: Layout, fonts: Fonts, memo: Fresh | None = None) -> None:
        self.memo = memo or Fresh()  # breaks paragraphs and sets lines (make-issue watch: reusing earlier builds)
        self.pins: dict[Ref, int] = {}  # block → imposed change (± lines, blank lines), from the page make-up
        # broken lines and variants per paragraph, kept across the page make-up's passes
        self._broken: dict[int, tuple[list[Face], list[Line], Callable[[], dict[int, Variant]]]] = {}
        self._set: dict[tuple[object, ...], object] = {}  # headings, titles, contents entries
        self._closing: ClosingBlock | None = None  # broken once; each pass lays out a fresh copy
        self._faces: dict[int, tuple[TextStyle, Face]] = {}  # style (kept: named by identity) → its face
        self.kept: KeptBlocks | None = None  # make-issue watch: blocks of earlier builds (compose.replay)
        self._centred: list[tuple[tuple[object, ...], TitleBreak, TitleWarning | None]] | None = None
        self.issue = issue
        self.layout = layout
        self.fonts = fonts
        page = layout.page
        self.body = layout.style("body")
        self.grid = Grid(pitch=page.pitch, size=self.body.size, width=page.block_width)
        self.cell = page.cell
        self.typography = layout.typography
        self.words = issue_dictionary(issue, layout)  # names no centred or listed line cuts
        self.warnings: list[TitleWarning] = []  # centred texts that could not keep every word whole
        # what decides the lines of titles, headings and contents entries besides their text and faces
        self._context = (self.words.names, page.block_width, self.cell, self.body, self.typography)

    def face(self, style: TextStyle) -> Face:
        """The style's face, resolved once a build (the page make-up builds the story several times)."""
        kept = self._faces.get(id(style))
        if kept is None or kept[0] is not style:
            kept = self._faces[id(style)] = (style, resolve(style, self.fonts))
        return kept[1]

    def _lines(self, key: tuple[object, ...], make: Callable[..., T], *args: object) -> T:
        """``make(*args)``: lines that do not change between the page make-up's passes, made once, and
        (make-issue watch) kept between builds: ``key`` names the text and style, and the memo's key
        adds what else decides the lines (faces, measure, the dictionary, the typography)."""
        lines = self._set.get(key)
        if lines is None:
            faces = tuple(self.memo.face_key(a) for a in args if isinstance(a, Face))
            lines = self._set[key] = self.memo.lines((key, faces, self._context), make, *args)
        return lines  # type: ignore[return-value]

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
    def paragraph(self, p: Paragraph, ref: Ref | None = None) -> GridLines:
        made = self._broken.get(id(p))  # the page make-up lays the story out again: broken once
        if made is None:
            faces, runs = self._paragraph_text(p)
            broken = self.memo.break_paragraph(runs, faces, self.measure(self.body))
            made = self._broken[id(p)] = (faces, broken.lines, broken.variants)
        faces, lines, variants = made
        return GridLines(lines, faces, self.grid, variants=variants, ref=ref,
                         pin=self.pins.get(ref, 0) if ref is not None else 0, memo=self.memo, source=lines)

    def _paragraph_text(self, p: Paragraph) -> tuple[list[Face], list[tuple[str, int]]]:
        """A body paragraph's faces and its text runs, each run with the index of its face."""
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
        return faces, runs

    def heading(self, h: Heading, article: int, index: int, block: int) -> GridLines:
        style = self.layout.style(HEADING_STYLES[h.level])
        face = self.face(style)
        lines = self._lines(("h", h.text, style), break_text, [(h.text, 0)], [face], self.measure(style))
        bookmark = Bookmark(f"a{article}.h{index}", h.text, 1) if h.level == 1 else None
        # the page make-up may give a level-1 or level-2 heading a blank line above it
        ref = Ref(article, block, "heading" if h.level == 1 else "subheading") if h.level <= 2 else None
        extra = self.pins.get(ref, 0) if ref is not None else 0
        return GridLines(lines, [face], self.grid, bookmark=bookmark, splittable=False, space_before=extra,
                         ref=ref, pin=extra, source=lines)

    def _title(self, text: str, face: Face) -> TitleBreak:
        """A centred text broken between words only (compose/titles.py)."""
        t = self.typography
        return set_title(text, face, self.layout.page.block_width, t.latin_gap, t.titles, self.words)

    def centred(self, text: str, style: TextStyle, *, bookmark: Bookmark | None = None,
                space_before: int = 0, ref: Ref | None = None, pin: int = 0, line: int = 0) -> GridLines:
        face = self.face(style)
        key = ("c", text, style)
        first = key not in self._set
        found: TitleBreak = self._lines(key, self._title, text, face)
        warning = None if found.whole else TitleWarning(line, warning_text(text, found.lines), text)
        if first and warning is not None:  # said once a build, where it cannot keep every word whole
            self.warnings.append(warning)
        if self._centred is not None:
            self._centred.append((key, found, warning))
        lines = found.lines
        return GridLines(
            lines, [face], self.grid, centred=True, line_pitch=style.line_pitch if len(lines) > 1 else 1.0,
            space_before=space_before, space_after=style.space_after, bookmark=bookmark, splittable=False,
            ref=ref, pin=pin, source=lines,
        )

    # -- sections -------------------------------------------------------------------------------
    def contents(self) -> list[Block]:
        if self.kept is None:
            return self._contents()
        key = ("contents", tuple(a.toc_text for a in self.issue.articles), self.words.names)
        blocks = self.kept.get(key)
        if blocks is None:
            blocks = self._contents()
            self.kept.put(key, blocks)
        return blocks  # type: ignore[return-value]

    def _contents(self) -> list[Block]:
        heading = self.layout.style("toc_heading")
        head = letter_spaced(TOC_HEADING, self.face(heading), heading.tracking, self.grid)
        head.source = TOC_HEADING  # the same label in every build of a layout
        entry = self.layout.style("toc_entry")
        eface = self.face(entry)
        hang = entry.hang * self.cell
        blocks: list[Block] = [head]
        for article in self.issue.articles:
            measure = self.measure(entry, indent=hang, first=hang)
            lines = self._lines(("toc", article.toc_text, entry), break_words, article.toc_text, eface, measure,
                                self.words, None, self.typography.titles.quote_chars)
            marks = [(0, entry.marker, 0.0, eface)] if entry.marker else []
            blocks.append(GridLines(lines, [eface], self.grid, decorations=marks, source=lines))
        blocks.append(GridRule(self.grid, self.layout.toc_rule.colour, self.layout.toc_rule.weight))
        return blocks

    def article(self, article: Article, number: int, first: bool) -> list[Block]:
        if self.kept is None:
            return self._article(article, number, first)
        pins = tuple(sorted((r, d) for r, d in self.pins.items() if r.article == number)) if self.pins else ()
        key = ("article", article, number, first, pins, self.words.names)
        kept: _KeptArticle | None = self.kept.get(key)  # type: ignore[assignment]
        if kept is None:
            self._centred = []
            try:
                kept = (self._article(article, number, first), self._centred)
            finally:
                self._centred = None
            self.kept.put(key, kept)
            return kept[0]
        blocks, centred = kept
        for text_key, found, warning in centred:  # as setting its titles would (once a build)
            if text_key not in self._set:
                self._set[text_key] = found
                if warning is not None:
                    self.warnings.append(warning)
        return blocks

    def _article(self, article: Article, number: int, first: bool) -> list[Block]:
        title_style = self.layout.style("title")
        # the page make-up may give a title blank lines more above it, or take away the one it has
        ref = Ref(number, 0, "title")
        extra = self.pins.get(ref, 0)
        natural = 0 if first else title_style.space_before
        title = self.centred(article.title, title_style, bookmark=Bookmark(f"a{number}", article.title, 0),
                             space_before=max(natural + extra, 0), ref=ref, pin=extra,
                             line=article.line)
        heads: list[GridLines] = [title]
        for text, name in ((article.subtitle, "subtitle"), (article.byline, "byline"),
                           (article.dateline, "dateline")):
            if text:
                heads.append(self.centred(text, self.layout.style(name), line=article.line))
        out: list[Block] = []
        pending: list[GridLines] = heads
        h_index = 0
        for place, block in enumerate(article.body, start=1):
            if isinstance(block, Heading):
                h_index += 1
                pending.append(self.heading(block, number, h_index, place))
                continue
            flow = self.paragraph(block, Ref(number, place, "paragraph"))
            if pending:
                out.append(KeepWithNext(pending, flow))
                pending = []
            else:
                out.append(flow)
        if pending:
            out.append(KeepWithNext(pending, None))
        return out

    def story(self, pins: dict[Ref, int] | None = None) -> list[Block]:
        """The blocks for one layout pass; ``pins`` impose the page make-up's changes. Fresh blocks (the
        page loop consumes them), or, in make-issue watch (``kept``), the kept blocks of unchanged
        articles, which the replay copies before it lays one out (``compose.replay``)."""
        self.pins = pins or {}
        story: list[Block] = [Masthead(self.issue, self.layout, self.fonts)]
        story += self.contents()
        for i, article in enumerate(self.issue.articles, start=1):
            story += self.article(article, i, first=(i == 1))
        c = self.issue.closing
        if c.distribution or c.contacts or c.signoff or c.print_run is not None:
            if self._closing is None:
                self._closing = ClosingBlock(c, self.layout, self.fonts, self.words, self.memo)
            story.append(copy.copy(self._closing))
        self._link_next_min(story)
        return story

    def _link_next_min(self, story: list[Block]) -> None:
        """Tell each paragraph how many grid lines the block after it needs at a page foot."""
        kept = self.kept
        for here, after in zip(story, [*story[1:], None], strict=True):
            body = here.body if isinstance(here, KeepWithNext) else here
            if not isinstance(body, GridLines):
                continue
            if kept is not None and type(after) in (GridLines, KeepWithNext):  # with kept, a kept block
                assert after is not None
                body.follow(kept.min_start(after, self._min_start))
            else:
                body.follow(self._min_start(after))

    def _min_start(self, f: Block | None) -> int:
        pitch = self.grid.pitch
        if f is None:
            return 0
        before = round(f.getSpaceBefore() / pitch)
        if isinstance(f, KeepWithNext):
            heads = sum(h.slots + round(h.getSpaceBefore() / pitch) for h in f.heads) - before
            body = min(len(f.body.lines), MIN_LINES_AT_FOOT) if f.body is not None else 0
            return before + heads + body
        if isinstance(f, GridLines):
            return before + (min(len(f.lines), MIN_LINES_AT_FOOT) if f.splittable else f.slots)
        if isinstance(f, ClosingBlock):
            return math.ceil(f.content_height / pitch - 1e-6)
        return 1
