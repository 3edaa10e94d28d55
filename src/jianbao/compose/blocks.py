"""The unit of page make-up: a block knows its size, how to split at a page end, and what it shows.

The protocol follows ReportLab platypus's ``Flowable`` (``wrap`` → size, ``split`` → pieces or ``[]``;
space before and after), but a block never draws: once the page make-up has chosen a layout,
``items`` gives what the block shows as data (:mod:`.frames`), in its own coordinates, and a
renderer draws it. ``pages.PageLoop`` places the blocks.
"""

from __future__ import annotations

from jianbao.compose.frames import Item


class Block:
    """A rectangle of content placed by the page loop, its items in its own coordinates (origin at its
    bottom left). Subclasses set ``width``/``height`` in :meth:`wrap` and give their items in :meth:`items`."""

    spaceBefore: float = 0.0  # kept above the block unless it starts a page
    spaceAfter: float = 0.0
    postponed = False  # set by the page loop when the block was moved to a fresh page once
    overlong = False  # the rest of a block taller than a page: it breaks wherever the page ends

    def __init__(self) -> None:
        self.width = 0.0
        self.height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The size the block takes in the available space (it may take more height: then it does not fit)."""
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Block]:
        """Pieces of which the first fits in ``availHeight``, or ``[]`` when the block moves on whole."""
        return []

    def getSpaceBefore(self) -> float:
        return self.spaceBefore

    def getSpaceAfter(self) -> float:
        return self.spaceAfter

    def items(self) -> list[Item]:
        """What the block shows, as placed after its last :meth:`wrap`."""
        return []


def must_break(block: Block) -> bool:
    """Whether ``block`` is taller than a whole page: the page loop already moved it to a fresh page
    once (``postponed``) and it still does not fit, or it is the rest of such a block (``overlong``).
    It then breaks where the page ends, even inside a title or between a heading and its text,
    rather than stopping the build."""
    return block.postponed or block.overlong
