"""Page make-up over the whole issue at once: the cheapest set of changes that fills every page.

The greedy page make-up (:func:`.makeup.compose`) fills the first short page with the cheapest change
it finds near it, lays the issue out again and moves on; a change it took cannot be undone, so on a
long issue the sum can be far from the least. This module costs every block's choices together:
a dynamic programme over the story's blocks in reading order whose state is how many grid lines of
the current page are used. For each block and each state it places every choice of the block —
blank lines above a title or heading, a paragraph one line longer or shorter, or as it comes — on a
page with that many lines used, with the page loop itself (:class:`.pages.PageLoop`: the same
splitting, widow and orphan rules as a real layout), and keeps for every state after the block the
cheapest way to reach it: fewest pages ending short first, then the least price (lines taken off the
character grid, ``layout.typography.makeup``).

Each block's placement depends only on where it starts on its page, so the optimum is exact for the
choices offered (one change per block); the chosen changes are then laid out for real and judged
like any other trial.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import NamedTuple

from jianbao.compose.blocks import Block
from jianbao.compose.closing import ClosingBlock
from jianbao.compose.gridblocks import GridLines, KeepWithNext, Ref
from jianbao.compose.pages import Area, PageLoop
from jianbao.design.layout import MakeupCosts
from jianbao.errors import ContentTooTall

SHORT = 1000.0  # a page ending short weighs more than any set of changes


def space_moves(head: GridLines, costs: MakeupCosts) -> dict[int, float]:
    """The blank-line moves above a title or heading ``head`` (not pinned) and their prices."""
    assert head.ref is not None
    if head.ref.kind == "title":
        moves = {1: costs.title_more, 2: costs.title_more + costs.title_more2}
        natural = head.getSpaceBefore() - head.pin * head.grid.pitch
        if natural >= head.grid.pitch - 1e-6:  # the layout puts a blank line there
            moves[-1] = costs.title_less
        return moves
    return {1: costs.heading1_more if head.ref.kind == "heading" else costs.heading2_more}


def variant_price(g: GridLines, costs: MakeupCosts) -> float:
    """What a paragraph's lines cost as set now: nothing for its natural break, else the lines its
    variant takes off the grid."""
    delta = len(g.lines) - len(g.natural)
    if delta == 0:
        return 0.0
    v = g.variant(delta)
    return v.changed * costs.grid_line if v is not None else 0.0


class _Choice(NamedTuple):
    pins: tuple[tuple[Ref, int], ...]
    price: float
    make: Callable[[], Block]


class _Spacer(Block):
    """The lines already used on a page, as one block."""

    def __init__(self, height: float, after: float) -> None:
        super().__init__()
        self.height = height
        self.spaceAfter = after


def _fresh(g: GridLines, pin: int = 0, space: float | None = None) -> GridLines:
    c = copy.copy(g)
    c.pin = pin
    c.lines = list(g.natural)
    c.slots = g.slots
    if space is not None:
        c.spaceBefore = space
    return c


class Planner:
    """The dynamic programme over ``blocks`` (a story with no changes imposed) in ``area``."""

    def __init__(self, blocks: Sequence[Block], area: Area, pitch: float, lines_per_page: int,
                 costs: MakeupCosts) -> None:
        self.blocks = list(blocks)
        self.area = area
        self.pitch = pitch
        self.lines = lines_per_page
        self.costs = costs

    def _choices(self, block: Block) -> list[_Choice]:
        c = self.costs
        if isinstance(block, GridLines) and block.ref is not None and block.variants is not None:
            out = [_Choice((), 0.0, lambda: _fresh(block))]
            for d in (1, -1):
                v = block.variant(d)
                if v is not None:
                    out.append(_Choice(((block.ref, d),), v.changed * c.grid_line,
                                       lambda d=d: _fresh(block, d)))  # type: ignore[misc]
            return out
        if isinstance(block, KeepWithNext):
            head, body = block.heads[0], block.body
            heads: list[tuple[tuple[tuple[Ref, int], ...], float, int]] = [((), 0.0, 0)]
            if head.ref is not None:
                heads += [(((head.ref, d),), price, d) for d, price in space_moves(head, c).items()]
            bodies: list[tuple[tuple[tuple[Ref, int], ...], float, int]] = [((), 0.0, 0)]
            if body is not None and body.ref is not None and body.variants is not None:
                for d in (1, -1):
                    v = body.variant(d)
                    if v is not None:
                        bodies.append((((body.ref, d),), v.changed * c.grid_line, d))
            out = []
            for hp, hprice, hd in heads:
                for bp, bprice, bd in bodies:
                    def make(hd: int = hd, bd: int = bd) -> Block:
                        space = max(head.getSpaceBefore() + hd * self.pitch, 0.0)
                        first = _fresh(head, hd, space) if head.ref is not None else copy.copy(head)
                        rest = [copy.copy(h) for h in block.heads[1:]]
                        return KeepWithNext([first, *rest], _fresh(body, bd) if body is not None else None)
                    out.append(_Choice(hp + bp, hprice + bprice, make))
            return out
        return [_Choice((), 0.0, lambda: copy.copy(block))]

    def _place(self, used: int, after: float, block: Block) -> tuple[list[int], int, float] | None:
        """Place ``block`` on a page with ``used`` lines used (the last block there leaving ``after``
        of space below it): the lines used on each page it completes, the lines used where it ends,
        and what its paragraphs' variants chosen on the way cost (a paragraph left free picks one
        itself where that keeps a page full: ``GridLines._choose_variant``)."""
        seen: dict[int, int] = {}

        def placed(page: int, height: float, _block: Block) -> None:
            seen[page] = round(height / self.pitch)

        loop = PageLoop(self.area, placed)
        queue: list[Block] = [_Spacer(used * self.pitch - after, after)] if used else []
        try:
            pages = loop.run([*queue, block])
        except (ContentTooTall, RuntimeError):  # a state no real layout reaches: not a way on
            return None
        done = [seen.get(p, 0) for p in range(1, pages)]
        end = seen.get(pages, 0)
        if end >= self.lines:
            done.append(end)
            end = 0
        free = [p for p in ([block.body] if isinstance(block, KeepWithNext) else [block])
                if isinstance(p, GridLines) and p.pin == 0 and p.variants is not None]
        return done, end, sum(variant_price(p, self.costs) for p in free)

    def plan(self) -> dict[Ref, int] | None:
        """The changes of the cheapest layout (fewest short pages, then the least price), or None
        when no layout was found."""
        # state: lines used on the current page → (weight: SHORT per short page + price, the changes
        # of the block that led there, the state before that block)
        states: dict[int, tuple[float, tuple[tuple[Ref, int], ...] | None, int]] = {0: (0.0, None, -1)}
        history: list[dict[int, tuple[float, tuple[tuple[Ref, int], ...], int]]] = []
        after = 0.0
        for block in self.blocks:
            nxt: dict[int, tuple[float, tuple[tuple[Ref, int], ...], int]] = {}
            choices = self._choices(block)
            for used, (weight, _pins, _back) in states.items():
                for choice in choices:
                    placed = self._place(used, after, choice.make())
                    if placed is None:
                        continue
                    done, end, auto = placed
                    short = 0 if isinstance(block, ClosingBlock) else sum(1 for d in done if d < self.lines)
                    w = weight + SHORT * short + choice.price + auto + 1e-3 * len(choice.pins)
                    if end not in nxt or w < nxt[end][0]:
                        nxt[end] = (w, choice.pins, used)
            if not nxt:
                return None
            history.append(nxt)
            states = {u: (w, p, b) for u, (w, p, b) in nxt.items()}
            after = block.getSpaceAfter()
        end = min(states, key=lambda u: states[u][0])
        pins: dict[Ref, int] = {}
        for step in reversed(history):
            _w, chosen, back = step[end]
            pins.update(chosen)
            end = back
        return pins
