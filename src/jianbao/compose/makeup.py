"""Page make-up: the issue's story laid out on pages, short pages filled by trying typed changes,
and the chosen layout as pages as data (:class:`~.frames.Document`) with its page numbers.

Nothing here draws: a trial layout is the page loop's placements and how full each page came out;
only the chosen layout becomes items, and a renderer (``render.pdf``) draws them.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import NamedTuple

from jianbao import __version__
from jianbao.compose.blocks import Block
from jianbao.compose.closing import ClosingBlock
from jianbao.compose.frames import Document, Item, Metadata, Page
from jianbao.compose.gridblocks import GridLines, KeepWithNext, Ref
from jianbao.compose.memo import Fresh
from jianbao.compose.pages import Area, PageLoop, Placement, placed_items
from jianbao.compose.plan import Planner, space_moves, variant_price
from jianbao.compose.printed import page_number_text
from jianbao.compose.replay import Replay, replay_for
from jianbao.compose.story import StoryBuilder
from jianbao.compose.textset import EM_ASCENT, Fonts, resolve, tracked, tracked_width
from jianbao.design.layout import Layout, MakeupCosts
from jianbao.model import Issue


class Change(NamedTuple):
    """One change the page make-up can try: ``delta`` grid lines more (or fewer, when negative) in the
    flow at block ``ref`` — a paragraph one line longer (+1) or shorter (-1), a title with one or two
    blank lines more above it (+1, +2) or without the one it has (-1), a level-1 or level-2 heading
    with a blank line above it (+1)."""

    ref: Ref
    delta: int


class PageFill:
    """How full each page came out, and which blocks on it could take a line more or fewer, at what
    price (``layout.typography.makeup``, in lines taken off the character grid)."""

    def __init__(self, lines_per_page: int, costs: MakeupCosts | None = None) -> None:
        self.lines_per_page = lines_per_page
        self.costs = costs or MakeupCosts()
        self.used: dict[int, int] = {}  # page → grid lines used
        # page → {change: its price}
        self.changes: dict[int, dict[Change, float]] = {}
        self._paragraphs: dict[int, list[GridLines]] = {}  # page → whole paragraphs on it, not yet costed
        self.closing_page: int | None = None
        self.closing_alone = False

    def record(self, page: int, used: int, block: Block, at_top: bool = False) -> None:
        """``block`` was placed on ``page`` (at its top when ``at_top``), which now has ``used`` lines."""
        if isinstance(block, ClosingBlock):
            self.closing_page = page
            self.closing_alone = page not in self.used  # the first block on its page
            self.used[page] = used
            return
        self.used[page] = used
        body: Block | None
        if isinstance(block, KeepWithNext):
            head = block.heads[0]
            if isinstance(head, GridLines) and head.ref and not at_top:
                # white space in whole lines above a title or heading that is not at a page top: no
                # line leaves the grid
                changes = self.changes.setdefault(page, {})
                for delta, cost in space_moves(head, self.costs).items():
                    changes[Change(head.ref, delta)] = cost
            body = block.body
        else:
            body = block
        if not isinstance(body, GridLines):
            return
        whole = body.origin or body  # a paragraph split across pages changes as a whole
        if whole.ref is not None and (whole.pin != 0 or whole.lines == whole.natural):
            self._paragraphs.setdefault(page, []).append(whole)

    def candidates(self, page: int) -> dict[Change, float]:
        """The changes possible on ``page``: a paragraph's variants are costed only when asked for
        (most issues need none, and a variant means breaking the paragraph again)."""
        changes = self.changes.setdefault(page, {})
        for whole in self._paragraphs.pop(page, []):
            for delta in (1, -1):
                variant = whole.variant(delta)
                if variant is not None and whole.ref is not None:
                    changes[Change(whole.ref, delta)] = variant.changed * self.costs.grid_line
        return changes

    def short_pages(self) -> list[tuple[int, int]]:
        """(page, missing lines) for pages but the last that end short, except the one before a closing
        block that moved whole to a page of its own."""
        last = max(self.used, default=0)
        out = []
        for page in range(1, last):
            if page + 1 == self.closing_page and self.closing_alone:
                continue  # the text ends here: nothing is left to fill the page with
            missing = self.lines_per_page - self.used.get(page, 0)
            if missing > 0:
                out.append((page, missing))
        return out

    def score(self) -> tuple[int, int]:
        short = self.short_pages()
        return (len(short), -short[0][0] if short else 0)


class _Layout:
    """One layout pass: the page loop's placements and how full each page came out."""

    def __init__(self, story: StoryBuilder, pins: dict[Ref, int], replay: Replay | None = None) -> None:
        page = story.layout.page
        self.story = story
        self.replay = replay  # make-issue watch: blocks placed by earlier passes (compose.replay)
        self._pitch = page.pitch
        self.fill = PageFill(page.lines_per_page, story.layout.typography.makeup)
        self.loop = PageLoop(_area(story.layout), self._placed)
        blocks = story.story(pins)
        self.pages = replay.run(self.loop, blocks) if replay is not None else self.loop.run(blocks)

    def price(self) -> float:
        """What the changes in this layout cost, in lines taken off the character grid: blank lines
        above titles and headings at their prices, paragraphs set longer or shorter (imposed, or
        chosen by the paragraph itself) by the lines their variants take off the grid."""
        costs = self.story.layout.typography.makeup
        seen: set[int] = set()
        total = 0.0
        for placements in self.loop.pages:
            for placement in placements:
                block = placement.block
                parts: list[Block | None] = [block]
                if isinstance(block, KeepWithNext):
                    head = block.heads[0]
                    if head.ref is not None and head.pin and id(head) not in seen:
                        seen.add(id(head))
                        total += space_moves(head, costs).get(head.pin, 0.0)
                    parts = [block.body]
                for part in parts:
                    if isinstance(part, GridLines):
                        whole = part.origin or part
                        if whole.variants is not None and id(whole) not in seen:
                            seen.add(id(whole))
                            total += variant_price(whole, costs)
        return total

    def _placed(self, page: int, used: float, block: Block) -> None:
        pitch = self._pitch
        above = used - block.getSpaceAfter() - block.height  # 0 only at a page top (no space before)
        self.fill.record(page, round(used / pitch), block, above < pitch / 2)

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
        replay = self.replay
        fonts = self.story.fonts

        def number(n: int, label: str) -> list[Item]:
            return page_number(layout, fonts, n, label)

        for n, placements in enumerate(pages, start=1):
            frames = replay.items(placements) if replay is not None else placed_items(placements)
            if n in unnumbered:
                doc.pages.append(Page(frames, None))
                continue
            label = str(n)
            items = replay.page_number(n, label, number) if replay is not None else number(n, label)
            items += frames
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


def _area(layout: Layout) -> Area:
    page = layout.page
    # the block's height gets 0.01 pt so that 22 lines of 28.99 pt fit whatever the rounding
    return Area(page.margin_left, page.block_bottom, page.block_width, page.block_height + 0.01)


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


MAKEUP_PASSES = 12  # at most this many extra layouts to fill short pages (plus two per short page)
REACH = 3  # a change at most this many pages before the short page (further back it shifts too much)
WIDTH = 12  # the cheapest changes a combination of several is drawn from


def compose(issue: Issue, layout: Layout, fonts: Fonts, memo: Fresh | None = None) -> Document:
    """Lay out ``issue`` with ``layout``: the pages as data.

    Page make-up: a page other than the first and the last that ends short of the grid's lines
    (because the next paragraph may not leave a line alone at its foot or top) is filled by
    changes on it or on the pages just before it — blank lines more or fewer above a title, a
    blank line above a level-1 or level-2 heading, a paragraph one line longer or shorter (see
    ``linebreak.paragraph_variants``) — then the issue is laid out again; changes that do not
    reduce the short pages are undone. The cheapest set of changes is tried first, priced in
    lines taken off the character grid (``layout.typography.makeup``: white space costs none or a
    fraction of a line). Trials only lay out; the chosen layout alone becomes items. ``memo``
    breaks body paragraphs and sets lines (make-issue watch passes one that reuses what earlier
    builds made: ``compose.memo.Memo``).
    """
    story = StoryBuilder(issue, layout, fonts, memo)
    replay = replay_for(story.memo, layout, fonts)  # make-issue watch: what earlier passes placed
    if replay is not None:
        story.kept = replay.blocks  # and the story's blocks, which the replay never lays out itself
    pins: dict[Ref, int] = {}
    best = _Layout(story, pins, replay)
    if len(best.fill.short_pages()) > 1:  # first, each short page's best change at once
        together = _changes_for_each_page(best.fill)
        if together:
            again = _Layout(story, _pins(together), replay)
            if again.fill.score() < best.fill.score():
                pins, best = _pins(together), again
    tried: set[frozenset[Change]] = set()
    for _ in range(MAKEUP_PASSES + 2 * len(best.fill.short_pages())):  # a long issue has more to fill
        chosen = _next_try(best.fill, pins, tried)
        if not chosen:
            break
        tried.add(frozenset(chosen))
        trial = {**pins, **_pins(chosen)}
        again = _Layout(story, trial, replay)
        if again.fill.score() < best.fill.score():
            pins, best = trial, again
    costs = layout.typography.makeup
    if best.fill.short_pages() or best.price() >= costs.grid_line:  # the greedy way costs a line or more
        planned = Planner(story.story({}), _area(layout), layout.page.pitch, layout.page.lines_per_page,
                          costs).plan()
        if planned is not None:
            again = _Layout(story, planned, replay)
            if (len(again.fill.short_pages()), again.price()) < (len(best.fill.short_pages()), best.price()):
                pins, best = planned, again
    document = best.document()
    document.warnings = list(story.warnings)
    return document


def _pins(changes: Iterable[Change]) -> dict[Ref, int]:
    return {c.ref: c.delta for c in changes}


def _changes_for_each_page(fill: PageFill) -> list[Change]:
    """For every short page, the changes :func:`_next_try` would try first for it alone, each block
    used once: when they do not disturb one another, one trial fills them all."""
    chosen: list[Change] = []
    for page, _missing in fill.short_pages():
        found = _next_try(fill, {}, set(), only=page)
        if not found or any(c.ref == d.ref for c in found for d in chosen):
            return []
        chosen += found
    return chosen


def _options(fill: PageFill, page: int, missing: int, pins: dict[Ref, int]) -> list[tuple[float, int, list[Change]]]:
    """Every way to fill ``page`` (``missing`` lines short) with blocks not yet changed, as (price,
    pages back, changes), cheapest first: changes adding ``missing`` lines on it or up to
    :data:`REACH` pages before it (which shift the flow down), or, for a page one line short, one
    change taking a line away (the next block then starts at the foot, or ends on the page)."""
    costs: dict[Change, float] = {}
    back: dict[Change, int] = {}
    for on in range(max(1, page - REACH), page + 1):
        for change, cost in fill.candidates(on).items():
            costs[change] = cost
            back[change] = page - on
    # a block already changed may change again (a second blank line above a title that has one
    # more): what counts is the step from its pinned state, and the difference in price
    steps: list[tuple[float, int, int, Change]] = []
    for change, cost in costs.items():
        now = pins.get(change.ref, 0)
        step = change.delta - now
        if step == 0 or (now and Change(change.ref, now) not in costs):
            continue
        if step > 0 or missing == 1:
            steps.append((cost - costs.get(Change(change.ref, now), 0.0), back[change], step, change))
    steps.sort()
    out = [(price, b, [change]) for price, b, step, change in steps
           if step == missing or (missing == 1 and step == -1)]
    more = [s for s in steps if 0 < s[2] < missing][:WIDTH]
    for size in range(2, missing + 1):  # several blocks, one change each, adding up to ``missing``
        for combo in combinations(more, size):
            if sum(c[2] for c in combo) == missing and len({c[3].ref for c in combo}) == size:
                out.append((sum(c[0] for c in combo), max(c[1] for c in combo), [c[3] for c in combo]))
    out.sort(key=lambda o: (o[0], o[1], len(o[2]), any(c.delta < pins.get(c.ref, 0) for c in o[2])))
    return out


def _next_try(
    fill: PageFill, pins: dict[Ref, int], tried: set[frozenset[Change]], only: int | None = None
) -> list[Change]:
    """The cheapest untried way to fill the first short page that has one (or page ``only``)."""
    for page, missing in fill.short_pages():
        if only is not None and page != only:
            continue
        for *_, changes in _options(fill, page, missing, pins):
            if frozenset(changes) not in tried:
                return changes
    return []
