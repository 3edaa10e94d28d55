"""Layout passes that replay what earlier passes placed (``make-issue watch``).

The page make-up lays the issue out two or more times a build, and the watch builds it again after
every save; between two passes, and between two builds after a one-paragraph edit, nearly every block
of the story is the same content arriving at the same place on its page. The page loop places a
block the same way whenever the block and the loop's state are the same (where the next block goes
on the page, whether that is the page's top, the space after the block above): :class:`Replay` keeps,
for each (block, state) it has seen, what placing it did — its placements on the page it started on
and on the pages it opened, the state it left, and the calls to the layout's ``placed`` — and gives
that back instead of placing the block again. The placed blocks (and their pieces) then belong to the
replay and are never laid out again, so the items drawn from them are kept too (:meth:`Replay.items`).

A block is named by :func:`block_key`: what decides how it is laid out and what it shows. Lines,
variants and faces are named by the identity of the memo entry they came from (``GridLines.source``:
the same object for the same text, style, faces and measure, see ``compose.memo``; the segment keeps
it alive, so its identity cannot pass to another object), the rest by value. What is the same for
every block of a build — the layout, the fonts, the type area — is the replay's context: a build with
another layout or other fonts gets a fresh :class:`Replay`. A block that cannot be named (``None``) is
placed as usual. A replayed pass therefore gives exactly the placements a fresh pass computes, and a
warm build is the cold build byte for byte (tests/test_proof.py, tests/test_replay.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Sequence
from itertools import chain

from jianbao.compose.blocks import Block
from jianbao.compose.closing import ClosingBlock
from jianbao.compose.frames import Frame, Item
from jianbao.compose.gridblocks import GridLines, GridRule, KeepWithNext
from jianbao.compose.masthead import Masthead
from jianbao.compose.memo import Fresh, Memo
from jianbao.compose.pages import PageLoop, Placement
from jianbao.compose.story import KeptBlocks
from jianbao.compose.textset import Fonts
from jianbao.design.layout import Layout

State = tuple[bool, float, bool, float]  # PageLoop.state()
SEGMENTS_KEPT = 20000  # at most this many placed blocks (an issue has a few dozen to a few hundred a pass)


def replay_for(memo: Fresh, layout: Layout, fonts: Fonts) -> Replay | None:
    """What the layout passes of a build with ``memo`` may replay: with a :class:`~.memo.Memo`, the blocks
    placed by its earlier builds with ``layout`` and ``fonts``; a single build (``Fresh``) keeps nothing."""
    if not isinstance(memo, Memo):
        return None
    kept = memo.placed
    if not isinstance(kept, Replay) or not kept.serves(layout, fonts):
        kept = memo.placed = Replay(layout, fonts)
    return kept


def block_key(block: Block) -> Hashable | None:
    """What decides how a story block is laid out and what it shows, given the layout and the fonts;
    None when that cannot be named."""
    if block.postponed or block.overlong:
        return None
    kind = type(block)
    if kind is GridLines:
        return _lines_key(block)  # type: ignore[arg-type]
    if kind is KeepWithNext:
        assert isinstance(block, KeepWithNext)
        heads = tuple(_lines_key(h) for h in block.heads)
        body = _lines_key(block.body) if block.body is not None else ()
        if body is None or None in heads:
            return None
        return ("keep", heads, body)
    if kind is GridRule:
        assert isinstance(block, GridRule)
        return ("rule", block.colour, block.weight)
    if kind is ClosingBlock:
        assert isinstance(block, ClosingBlock)
        return ("closing", id(block.rows))  # the rows come from the memo, keyed by the block's content
    if kind is Masthead:
        assert isinstance(block, Masthead)
        i = block.issue
        return ("masthead", i.series_title, i.edition, i.year, i.number, i.cumulative, i.date, i.units, i.office)
    return None


def _lines_key(g: GridLines) -> Hashable | None:
    if g.source is None or g.origin is not None or g.postponed or g.overlong or g.lines is not g.natural:
        return None
    marks = tuple((d[0], d[1], d[2]) for d in g.decorations) if g.decorations else ()
    return (id(g.source), g.ref, g.pin, g.next_min, g.spaceBefore, g.spaceAfter, g.centred, g.line_pitch,
            g.splittable, g.bookmark, marks, g.variants is not None)


def _fresh(block: Block) -> Block:
    """A copy of a story block for the page loop to lay out (it sets the block's size, its lines, and
    marks it postponed): the story's blocks stay as they were made, for the next pass and the next build."""
    out = copy.copy(block)
    if isinstance(out, KeepWithNext):
        out.heads = [copy.copy(h) for h in out.heads]
        if out.body is not None:
            out.body = copy.copy(out.body)
    return out


class _Segment:
    """What placing one block did: placements on the page it started on, then on each page it
    opened; the loop's state after it; the ``placed`` calls (page relative to the first, height
    used, block)."""

    __slots__ = ("block", "build", "events", "pages", "state")

    def __init__(self, block: Block, pages: list[list[Placement]], state: State,
                 events: list[tuple[int, float, Block]], build: int) -> None:
        self.block = block  # kept: the key names its lines by identity
        self.pages = pages
        self.state = state
        self.events = events
        self.build = build


class Replay:
    """Placed blocks kept between layout passes with ``layout`` and ``fonts`` (see the module's doc)."""

    def __init__(self, layout: Layout, fonts: Fonts) -> None:
        self.layout = layout
        self.fonts = fonts
        self._segments: dict[tuple[Hashable, State], _Segment] = {}
        # placements the replay owns (never laid out again) → (the placement, its frame once drawn)
        self._frames: dict[int, tuple[Placement, Frame | None]] = {}
        self._numbers: dict[tuple[int, str], tuple[Item, ...]] = {}
        self.blocks = KeptBlocks()  # the story's blocks (compose.story: StoryBuilder.kept)
        self._build = 0
        self.hits = 0  # blocks replayed / placed (for the tests)
        self.misses = 0

    def serves(self, layout: Layout, fonts: Fonts) -> bool:
        """Whether blocks placed with ``layout`` and ``fonts`` are laid out and drawn as this replay's
        (fonts registered again for new characters are usually the same fonts)."""
        return self.layout is layout and (self.fonts is fonts or self.fonts == fonts)

    def run(self, loop: PageLoop, blocks: Sequence[Block]) -> int:
        """``loop.run(blocks)``, replaying the blocks placed before in the same state."""
        placed = loop.placed
        segments = self._segments
        for block in blocks:
            key = block_key(block)
            if key is None:
                loop.flow(_fresh(block))
                continue
            state = loop.state()
            kept = segments.get((key, state))
            if kept is not None:
                page = loop.page
                loop.resume(kept.pages, kept.state)
                for offset, used, piece in kept.events:
                    placed(page + offset, used, piece)
                kept.build = self._build
                self.hits += 1
                continue
            self.misses += 1
            start = loop.page
            before = len(loop.pages[-1]) if start else 0
            events: list[tuple[int, float, Block]] = []

            def recording(page: int, used: float, piece: Block, start: int = start,
                          events: list[tuple[int, float, Block]] = events) -> None:
                events.append((page - start, used, piece))
                placed(page, used, piece)

            loop.placed = recording
            live = _fresh(block)
            try:
                loop.flow(live)
            finally:
                loop.placed = placed
            pages = [loop.pages[start - 1][before:] if start else [], *(list(p) for p in loop.pages[start:])]
            segments[(key, state)] = _Segment(live, pages, loop.state(), events, self._build)
            for p in chain.from_iterable(pages):
                self._frames[id(p)] = (p, None)
        return loop.run(())

    def items(self, placements: Sequence[Placement]) -> list[Item]:
        """``pages.placed_items(placements)``: the frames of placements the replay owns made once."""
        out: list[Item] = []
        frames = self._frames
        for p in placements:
            kept = frames.get(id(p))
            if kept is not None and kept[1] is not None:
                out.append(kept[1])
                continue
            frame = Frame(p.x, p.y, tuple(p.block.items()))
            if kept is not None:
                frames[id(p)] = (p, frame)
            out.append(frame)
        return out

    def page_number(self, n: int, label: str, make: Callable[[int, str], list[Item]]) -> list[Item]:
        """``make(n, label)``, the page number's items, made once."""
        kept = self._numbers.get((n, label))
        if kept is None:
            kept = self._numbers[(n, label)] = tuple(make(n, label))
        return list(kept)

    def sweep(self, builds: int) -> None:
        """Forget the blocks none of the last ``builds`` builds placed."""
        self._build += 1
        self.blocks.sweep(builds)
        oldest = self._build - builds
        segments = {k: s for k, s in self._segments.items() if s.build >= oldest}
        if len(segments) > SEGMENTS_KEPT:
            segments = {}
        if len(segments) != len(self._segments):
            self._segments = segments
            frames = self._frames
            self._frames = {id(p): frames.get(id(p), (p, None)) for s in segments.values()
                            for p in chain.from_iterable(s.pages)}
        if len(self._numbers) > 1000:
            self._numbers.clear()
