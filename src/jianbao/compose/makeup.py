"""Page make-up: the issue's story laid out on pages, short pages filled by trying typed changes,
and the chosen layout as pages as data (:class:`~.frames.Document`) with its page numbers.

Nothing here draws: a trial layout is the page loop's placements and how full each page came out;
only the chosen layout becomes items, and a renderer (``render.pdf``) draws them.
"""

from __future__ import annotations

from typing import NamedTuple

from jianbao import __version__
from jianbao.compose.blocks import Block
from jianbao.compose.closing import ClosingBlock
from jianbao.compose.frames import Document, Item, Metadata, Page
from jianbao.compose.gridblocks import GridLines, KeepWithNext, Ref
from jianbao.compose.memo import Fresh
from jianbao.compose.pages import Area, PageLoop, Placement, placed_items
from jianbao.compose.printed import page_number_text
from jianbao.compose.story import StoryBuilder
from jianbao.compose.textset import EM_ASCENT, Fonts, resolve, tracked, tracked_width
from jianbao.design.layout import Layout
from jianbao.model import Issue


class Change(NamedTuple):
    """One change the page make-up can try: ``delta`` on block ``ref`` — a paragraph one line longer
    (+1) or shorter (-1), or a title / level-1 heading with one blank line more above it (+1)."""

    ref: Ref
    delta: int


class PageFill:
    """How full each page came out, and which blocks on it could take one line more or one fewer."""

    def __init__(self, lines_per_page: int) -> None:
        self.lines_per_page = lines_per_page
        self.used: dict[int, int] = {}  # page → grid lines used
        # page → {change: cost in lines taken off the character grid}
        self.changes: dict[int, dict[Change, float]] = {}
        self._paragraphs: dict[int, list[GridLines]] = {}  # page → whole paragraphs on it, not yet costed
        self.closing_page: int | None = None

    def record(self, page: int, used: int, block: Block) -> None:
        self.used[page] = used
        if isinstance(block, ClosingBlock):
            self.closing_page = page
            return
        body: Block | None
        if isinstance(block, KeepWithNext):
            head = block.heads[0]
            if isinstance(head, GridLines) and head.ref and head.pin == 0 and used > head.slots + 1:
                # one more blank line above a title (or a level-1 heading, second choice) that is not
                # at a page top: costs no grid line
                self.changes.setdefault(page, {})[Change(head.ref, 1)] = 0 if head.ref.kind == "title" else 0.5
            body = block.body
        else:
            body = block
        if not isinstance(body, GridLines):
            return
        whole = body.origin or body  # a paragraph split across pages changes as a whole
        if whole.ref is not None and whole.pin == 0 and whole.lines == whole.natural:
            self._paragraphs.setdefault(page, []).append(whole)

    def candidates(self, page: int) -> dict[Change, float]:
        """The changes possible on ``page``: a paragraph's variants are costed only when asked for
        (most issues need none, and a variant means breaking the paragraph again)."""
        changes = self.changes.setdefault(page, {})
        for whole in self._paragraphs.pop(page, []):
            for delta in (1, -1):
                variant = whole.variant(delta)
                if variant is not None and whole.ref is not None:
                    changes[Change(whole.ref, delta)] = variant.changed
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


class _Layout:
    """One layout pass: the page loop's placements and how full each page came out."""

    def __init__(self, story: StoryBuilder, pins: dict[Ref, int]) -> None:
        page = story.layout.page
        self.story = story
        self.fill = PageFill(page.lines_per_page)
        # the block's height gets 0.01 pt so that 22 lines of 28.99 pt fit whatever the rounding
        area = Area(page.margin_left, page.block_bottom, page.block_width, page.block_height + 0.01)
        self.loop = PageLoop(area, self._placed)
        self.pages = self.loop.run(story.story(pins))

    def _placed(self, page: int, used: float, block: Block) -> None:
        self.fill.record(page, round(used / self.story.layout.page.pitch), block)

    def document(self) -> Document:
        """The chosen layout as pages as data."""
        issue, layout = self.story.issue, self.story.layout
        body = layout.style("body")
        meta = Metadata(
            title=issue.document_title,
            author="、".join(issue.units),
            subject="；".join(a.title for a in issue.articles),
            keywords=tuple(issue.keywords) or (issue.series_title, issue.number_label, *(
                [issue.edition] if issue.edition else [])),
            creator=f"jianbao {__version__} (make-issue)",
            producer=f"jianbao {__version__}",
            date=issue.date,
            initial_font=(self.story.fonts.names[body.role], body.size),
        )
        doc = Document(layout.page.width, layout.page.height, meta, short_pages=self.fill.short_pages())
        pages, unnumbered = self._pages()
        for n, placements in enumerate(pages, start=1):
            if n in unnumbered:
                doc.pages.append(Page(placed_items(placements), None))
                continue
            label = str(n)
            items = page_number(layout, self.story.fonts, n, label)
            items += placed_items(placements)
            doc.pages.append(Page(items, label))
        return doc

    def _pages(self) -> tuple[list[list[Placement]], set[int]]:
        """The pages, with the closing block (版记) at the foot of an even page when the issue is printed
        on both sides (GB/T 9704 §7.4–7.5), and the pages that carry no number:

        - it shares an odd page with the text: it moves to the next page, the back of that sheet;
        - it stands alone on an odd page (it did not fit below the text of an even page): a blank page
          comes before it, and neither the blank page nor the 版记 page is numbered."""
        pages = [list(p) for p in self.loop.pages]
        n = len(pages)
        if not self.story.layout.page.duplex or not pages or n % 2 == 0:
            return pages, set()
        last = pages[-1]
        closing = [p for p in last if isinstance(p.block, ClosingBlock)]
        if not closing or closing[0].block.overlong:  # no 版记, or one longer than a page
            return pages, set()
        if len(closing) == len(last):  # alone on its page
            pages.insert(n - 1, [])
            return pages, {n, n + 1}
        pages[-1] = [p for p in last if not isinstance(p.block, ClosingBlock)]
        pages.append(closing)
        return pages, set()


def page_number(layout: Layout, fonts: Fonts, n: int, label: str) -> list[Item]:
    """— N — in 四号, its top 7 mm below the block; odd pages right, even pages left (GB/T 9704 §7.5)."""
    spec = layout.page_number
    page = layout.page
    face = resolve(spec.style, fonts)
    text = page_number_text(layout, label)
    width = tracked_width(text, face, 0)
    inset = spec.inset * face.size
    baseline = page.block_bottom - spec.below_block - EM_ASCENT * face.size
    x = page.margin_left + page.block_width - inset - width if n % 2 else page.margin_left + inset
    out: list[Item] = []
    tracked(out, text, x, baseline, face, 0)
    return out


MAKEUP_PASSES = 12  # at most this many extra layouts to fill short pages


def compose(issue: Issue, layout: Layout, fonts: Fonts, memo: Fresh | None = None) -> Document:
    """Lay out ``issue`` with ``layout``: the pages as data.

    Page make-up: a page other than the first and the last that ends short of the grid's lines
    (because the next paragraph may not leave a line alone at its foot or top) is filled by a
    change on it or before it — a blank line more above a title or a level-1 heading, or a
    paragraph one line longer or shorter (see ``linebreak.paragraph_variants``) — then the issue
    is laid out again; a change that does not reduce the short pages is undone. Changes that take
    fewer lines off the character grid are tried first. Trials only lay out; the chosen layout
    alone becomes items. ``memo`` breaks body paragraphs and sets lines (make-issue watch passes
    one that reuses what earlier builds made: ``compose.memo.Memo``).
    """
    story = StoryBuilder(issue, layout, fonts, memo)
    pins: dict[Ref, int] = {}
    best = _Layout(story, pins)
    if len(best.fill.short_pages()) > 1:  # first, each short page's best change at once
        together = _changes_for_each_page(best.fill)
        if together:
            again = _Layout(story, _pins(together))
            if again.fill.score() < best.fill.score():
                pins, best = _pins(together), again
    tried: set[Change] = set()
    for _ in range(MAKEUP_PASSES + 2 * len(best.fill.short_pages())):  # a long issue has more to fill
        chosen = _next_try(best.fill, pins, tried)
        if not chosen:
            break
        tried.update(chosen)
        trial = {**pins, **_pins(chosen)}
        again = _Layout(story, trial)
        if again.fill.score() < best.fill.score():
            pins, best = trial, again
    document = best.document()
    document.warnings = list(story.warnings)
    return document


def _pins(changes: list[Change]) -> dict[Ref, int]:
    return {c.ref: c.delta for c in changes}


def _changes_for_each_page(fill: PageFill) -> list[Change]:
    """For every short page, the change :func:`_next_try` would try first for it alone, each block
    used once: when they do not disturb one another, one trial fills them all."""
    chosen: list[Change] = []
    for page, _missing in fill.short_pages():
        taken = {c.ref for c in chosen}
        found = _next_try(fill, {}, {Change(r, d) for r in taken for d in (1, -1)}, only=page)
        if not found or any(c.ref in taken for c in found):
            return []
        chosen += found
    return chosen


def _next_try(
    fill: PageFill, pins: dict[Ref, int], tried: set[Change], only: int | None = None
) -> list[Change]:
    """Changes to try for the first short page (or page ``only``) that still has untried candidates:
    a line more on the short page fills it, a line more on an earlier page shifts the flow down; a
    line fewer (only for a page one line short) lets the next block start at the foot or end on
    the page."""
    for page, missing in fill.short_pages():
        if only is not None and page != only:
            continue
        candidates = sorted(
            (cost, page - on, change.delta < 0, change)
            for on in range(1, page + 1)
            for change, cost in fill.candidates(on).items()
            if change not in tried and change.ref not in pins and (change.delta > 0 or missing == 1)
        )
        if missing == 1 and candidates:
            return [candidates[0][3]]
        more = [change for *_, change in candidates if change.delta > 0]
        if len(more) >= missing:
            return more[:missing]
    return []
