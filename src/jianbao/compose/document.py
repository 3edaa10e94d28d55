"""Page templates, page numbers, metadata and outline: the story becomes a PDF file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

from reportlab.pdfgen.canvas import Canvas

from jianbao import __version__
from jianbao.compose.blocks import Block
from jianbao.compose.closing import ClosingBlock
from jianbao.compose.gridblocks import GridLines, KeepWithNext
from jianbao.compose.pages import Area, PageLoop
from jianbao.compose.story import StoryBuilder
from jianbao.compose.textset import EM_ASCENT, Fonts, draw_tracked, resolve, tracked_width
from jianbao.compose.titles import TitleWarning
from jianbao.design.layout import Layout
from jianbao.model import Issue


class ComposeResult(NamedTuple):
    path: Path
    pages: int
    warnings: tuple[TitleWarning, ...] = ()  # centred texts that could not keep every word whole


class PageFill:
    """How full each page came out, and which blocks on it could take one line more or one fewer."""

    def __init__(self, lines_per_page: int) -> None:
        self.lines_per_page = lines_per_page
        self.used: dict[int, int] = {}  # page → grid lines used
        # page → {(block key, +1 or -1 line): cost in lines taken off the character grid}
        self.changes: dict[int, dict[tuple[str, int], float]] = {}
        self._paragraphs: dict[int, list[GridLines]] = {}  # page → whole paragraphs on it, not yet costed
        self.closing_page: int | None = None

    def record(self, page: int, used: int, flowable: Block) -> None:
        self.used[page] = used
        if isinstance(flowable, ClosingBlock):
            self.closing_page = page
            return
        if isinstance(flowable, KeepWithNext):
            head = flowable.heads[0]
            if isinstance(head, GridLines) and head.key and head.pin == 0 and used > head.slots + 1:
                # one more blank line above a title (or a level-1 heading, second choice) that is not
                # at a page top: costs no grid line
                self.changes.setdefault(page, {})[(head.key, 1)] = 0 if head.key.endswith(".title") else 0.5
            body = flowable.body
        else:
            body = flowable
        if not isinstance(body, GridLines):
            return
        whole = body.origin or body  # a paragraph split across pages changes as a whole
        if whole.key is not None and whole.pin == 0 and whole.lines == whole.natural:
            self._paragraphs.setdefault(page, []).append(whole)

    def candidates(self, page: int) -> dict[tuple[str, int], float]:
        """The changes possible on ``page``: a paragraph's variants are costed only when asked for
        (most issues need none, and a variant means breaking the paragraph again)."""
        changes = self.changes.setdefault(page, {})
        for whole in self._paragraphs.pop(page, []):
            for delta in (1, -1):
                variant = whole.variant(delta)
                if variant is not None:
                    changes[(whole.key, delta)] = variant.changed
        return changes

    def short_pages(self) -> list[tuple[int, int]]:
        """(page, missing lines) for pages but the last that end short, except the one before a closing
        block that moved whole to a page of its own."""
        last = max(self.used, default=0)
        out = []
        for page in range(1, last):
            if page + 1 == self.closing_page and self.used.get(page + 1, 0) == 0:
                continue
            missing = self.lines_per_page - self.used.get(page, 0)
            if missing > 0:
                out.append((page, missing))
        return out

    def score(self) -> tuple[int, int]:
        short = self.short_pages()
        return (len(short), -short[0][0] if short else 0)


class _Document:
    """One layout pass: a canvas with the issue's metadata, the page loop, and what each page holds."""

    def __init__(self, target: io.BytesIO, issue: Issue, layout: Layout, fonts: Fonts) -> None:
        page = layout.page
        self.issue = issue
        self.layout = layout
        self.fonts = fonts
        self.fill = PageFill(page.lines_per_page)
        body = layout.style("body")
        canv = Canvas(
            target,
            pagesize=(page.width, page.height),
            invariant=1,
            initialFontName=fonts.names[body.role],
            initialFontSize=body.size,
            lang="zh-CN",
        )
        canv.setAuthor("、".join(issue.units))
        canv.setTitle(issue.document_title)
        canv.setSubject("；".join(a.title for a in issue.articles))
        canv.setCreator(f"jianbao {__version__} (make-issue)")
        canv.setProducer(f"jianbao {__version__}")
        canv.setKeywords(list(issue.keywords) or [issue.series_title, issue.number_label, *(
            [issue.edition] if issue.edition else [])])
        canv.setViewerPreference("DisplayDocTitle", "true")
        self.canv = canv
        # the block's height gets 0.01 pt so that 22 lines of 28.99 pt fit whatever the rounding
        area = Area(page.margin_left, page.block_bottom, page.block_width, page.block_height + 0.01)
        self.loop = PageLoop(canv, area, self._decorate, self._placed)
        self.pages = 0

    def build(self, blocks: list[Block], save: bool) -> None:
        self.pages = self.loop.run(blocks)
        if save:
            self.canv.save()

    def _placed(self, page: int, used: float, block: Block) -> None:
        self.fill.record(page, round(used / self.layout.page.pitch), block)

    def _decorate(self, canv: Canvas, n: int) -> None:
        if n == 1:
            date = self.issue.date
            stamp = f"D:{date.year:04d}{date.month:02d}{date.day:02d}000000+08'00'"
            canv.setDateFormatter(lambda *_: stamp)
        self._page_number(canv, n)

    def _page_number(self, canv: Canvas, n: int) -> None:
        """— N — in 四号, its top 7 mm below the block; odd pages right, even pages left (GB/T 9704 §7.5)."""
        spec = self.layout.page_number
        page = self.layout.page
        face = resolve(spec.style, self.fonts)
        text = spec.format.format(n=n)
        width = tracked_width(text, face, 0)
        inset = spec.inset * face.size
        baseline = page.block_bottom - spec.below_block - EM_ASCENT * face.size
        x = page.margin_left + page.block_width - inset - width if n % 2 else page.margin_left + inset
        draw_tracked(canv, text, x, baseline, face, 0)


MAKEUP_PASSES = 12  # at most this many extra builds to fill short pages


def compose_pdf(issue: Issue, layout: Layout, fonts: Fonts, path: Path) -> ComposeResult:
    """Lay out ``issue`` with ``layout`` and write the PDF to ``path`` (the caller makes it atomic).

    Page make-up: a page other than the first and the last that ends short of the grid's lines
    (because the next paragraph may not leave a line alone at its foot or top) is filled by a
    change on it or before it — a blank line more above a title or a level-1 heading, or a
    paragraph one line longer or shorter (see ``linebreak.paragraph_variants``) — then the issue
    is laid out again; a change that does not reduce the short pages is undone. Changes that take
    fewer lines off the character grid are tried first.
    """
    story = StoryBuilder(issue, layout, fonts)
    pins: dict[str, int] = {}
    best = _build(story, pins, save=False)  # measure first; the PDF is written once, at the end
    if len(best.doc.fill.short_pages()) > 1:  # first, each short page's best change at once
        together = _changes_for_each_page(best.doc.fill)
        if together:
            again = _build(story, dict(together), save=False)
            if again.doc.fill.score() < best.doc.fill.score():
                pins, best = dict(together), again
    tried: set[tuple[str, int]] = set()
    for _ in range(MAKEUP_PASSES + 2 * len(best.doc.fill.short_pages())):  # a long issue has more to fill
        chosen = _next_try(best.doc.fill, pins, tried)
        if not chosen:
            break
        tried.update(chosen)
        trial = {**pins, **dict(chosen)}
        again = _build(story, trial, save=False)  # a trial only measures the pages
        if again.doc.fill.score() < best.doc.fill.score():
            pins, best = trial, again
    if not best.pdf:
        best = _build(story, pins)
    path.write_bytes(best.pdf)
    return ComposeResult(path=path, pages=best.doc.pages, warnings=tuple(story.warnings))


def _changes_for_each_page(fill: PageFill) -> list[tuple[str, int]]:
    """For every short page, the change :func:`_next_try` would try first for it alone, each block
    used once: when they do not disturb one another, one trial fills them all."""
    chosen: list[tuple[str, int]] = []
    for page, _missing in fill.short_pages():
        taken = {key for key, _ in chosen}
        found = _next_try(fill, {}, {(k, d) for k in taken for d in (1, -1)}, only=page)
        if not found or any(key in taken for key, _ in found):
            return []
        chosen += found
    return chosen


def _next_try(
    fill: PageFill, pins: dict[str, int], tried: set[tuple[str, int]], only: int | None = None
) -> list[tuple[str, int]]:
    """Changes to try for the first short page (or page ``only``) that still has untried candidates:
    a line more on the short page fills it, a line more on an earlier page shifts the flow down; a
    line fewer (only for a page one line short) lets the next block start at the foot or end on
    the page."""
    for page, missing in fill.short_pages():
        if only is not None and page != only:
            continue
        candidates = sorted(
            (cost, page - on, delta < 0, key, delta)
            for on in range(1, page + 1)
            for (key, delta), cost in fill.candidates(on).items()
            if (key, delta) not in tried and key not in pins and (delta > 0 or missing == 1)
        )
        if missing == 1 and candidates:
            return [(candidates[0][3], candidates[0][4])]
        more = [(key, delta) for *_, key, delta in candidates if delta > 0]
        if len(more) >= missing:
            return more[:missing]
    return []


class _Built(NamedTuple):
    doc: _Document
    pdf: bytes


def _build(story: StoryBuilder, pins: dict[str, int], save: bool = True) -> _Built:
    buffer = io.BytesIO()
    doc = _Document(buffer, story.issue, story.layout, story.fonts)
    doc.build(story.story(pins, measure_only=not save), save)
    return _Built(doc, buffer.getvalue() if save else b"")
