"""The page loop: blocks flow down the type area of one page after another.

Each block is offered the space left on the page (less its space before, which is dropped at a
page top and overlaps the previous block's space after). It is placed when it fits; otherwise it is
asked to split, and the first piece is placed; otherwise it moves whole to a fresh page. A block
that does not fit even on a fresh page is marked ``postponed`` and offered again: it must then
split (see ``blocks.must_break``). This is what ReportLab's platypus does with one frame per page,
without the rest of platypus (whose import alone would cost more than the page loop). Nothing is
drawn: the loop records where each block goes (:class:`Placement`), and :meth:`PageLoop.page_items`
turns the placements of a chosen layout into pages as data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from jianbao.compose.blocks import Block
from jianbao.compose.frames import Frame, Item
from jianbao.errors import ContentTooTall

_FUZZ = 1e-6


class Area(NamedTuple):
    """The type area of a page, in points from the page's bottom left."""

    left: float
    bottom: float
    width: float
    height: float


class Placement(NamedTuple):
    """A block at (x, y), its bottom left on the page."""

    block: Block
    x: float
    y: float


class PageLoop:
    """Lays blocks out on pages of ``area``, calling ``placed(page, used, block)`` after each block is
    placed (``used``: height used on the page). ``pages`` holds each page's placements."""

    def __init__(self, area: Area, placed: Callable[[int, float, Block], None]) -> None:
        self.area = area
        self.placed = placed
        self.pages: list[list[Placement]] = []
        self.page = 0
        self._open = False
        self._y = 0.0  # where the next block's top goes
        self._at_top = True
        self._space_after = 0.0  # of the block above

    def run(self, blocks: Sequence[Block]) -> int:
        """Place every block; returns the number of pages."""
        for block in blocks:
            self.flow(block)
        if self._open:
            self._end_page()
        return self.page

    def flow(self, block: Block) -> None:
        """Place one block of the story, and the pieces it splits into."""
        queue = [block]
        while queue:
            if not self._open:
                self._begin_page()
            block = queue.pop()
            if self._add(block):
                continue
            pieces = self._split(block)
            if pieces:
                if not self._add(pieces[0]):
                    raise RuntimeError(f"page {self.page}: the first piece of a split block does not fit")
                queue.extend(reversed(pieces[1:]))
            elif block.postponed:
                raise ContentTooTall(f"第 {self.page} 页：有一块内容比整页还高，又不能分页排印，未生成 PDF；"
                                     "请缩短它（如过长的标题、报头或报尾），或换用每页行数更多的版式")
            else:
                block.postponed = True
                queue.append(block)
                self._end_page()

    def state(self) -> tuple[bool, float, bool, float]:
        """Where the next block goes: whether a page is open, the top of the space left on it, whether
        that is the page's top, and the space after the block above."""
        return self._open, self._y, self._at_top, self._space_after

    def resume(self, pages: Sequence[Sequence[Placement]], state: tuple[bool, float, bool, float]) -> None:
        """Continue as if blocks had been placed: ``pages[0]`` more placements on the current page,
        the rest on new pages, leaving the loop in ``state`` (``compose.replay``)."""
        if pages[0]:
            self.pages[-1].extend(pages[0])
        for placements in pages[1:]:
            self._begin_page()
            self.pages[-1].extend(placements)
        self._open, self._y, self._at_top, self._space_after = state

    def _begin_page(self) -> None:
        self.page += 1
        self._open = True
        self.pages.append([])
        self._y = self.area.bottom + self.area.height
        self._at_top = True
        self._space_after = 0.0

    def _end_page(self) -> None:
        self._open = False

    def _space_before(self, block: Block) -> float:
        return 0.0 if self._at_top else max(block.getSpaceBefore() - self._space_after, 0.0)

    def _add(self, block: Block) -> bool:
        bottom = self.area.bottom
        space = self._space_before(block)
        avail = self._y - bottom - space
        if avail <= 0:
            return False
        _, height = block.wrap(self.area.width, avail)
        y = self._y - height - space
        if y < bottom - _FUZZ:
            return False
        after = block.getSpaceAfter()
        self.pages[-1].append(Placement(block, self.area.left, y))
        y -= after
        self._space_after = after
        if y != self._y:
            self._at_top = False
        self._y = y
        self.placed(self.page, self.area.bottom + self.area.height - y, block)
        return True

    def _split(self, block: Block) -> list[Block]:
        avail = self._y - self.area.bottom - self._space_before(block)
        if avail <= 0:
            return []
        return block.split(self.area.width, avail)


def placed_items(placements: Sequence[Placement]) -> list[Item]:
    """A page's blocks as frames of items."""
    return [Frame(p.x, p.y, tuple(p.block.items())) for p in placements]
