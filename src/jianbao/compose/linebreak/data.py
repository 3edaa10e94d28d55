"""The breaker's data: :class:`Item` (input), :class:`Placed` and :class:`Line` (output), :class:`Measure`."""

from __future__ import annotations

from typing import NamedTuple

# ---------------------------------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------------------------------


# Item, Placed and Line are immutable named tuples rather than frozen dataclasses: a build makes
# tens of thousands of them, and a named tuple is built several times faster.


class Item(NamedTuple):
    """One character of a paragraph (input), in reading order.

    ``char`` is exactly one code point; ``advance`` is its natural advance in pt in the font that
    draws it (only used for non-CJK characters); ``style`` is passed through unchanged.
    """

    char: str
    advance: float
    style: int = 0


class Placed(NamedTuple):
    """One glyph placed on a line.

    ``x`` is the left edge of the glyph's box from the block's left edge, ``advance`` the width of
    that box on this line. Draw the glyph at ``x + dx``: ``dx`` is ``-cell/2`` for an opening mark
    compressed to half width (its ink is in the right half of the em box), 0 otherwise.
    """

    char: str
    x: float
    advance: float
    style: int
    dx: float = 0.0


class Line(NamedTuple):
    """A broken line: its glyphs, the right edge of its last glyph box, and whether it is the last."""

    glyphs: tuple[Placed, ...]
    width: float
    last: bool

    @property
    def text(self) -> str:
        """The characters of the line, in order."""
        return "".join(g.char for g in self.glyphs)


class Measure(NamedTuple):
    """The geometry of a text block.

    ``width`` is the line width and ``cell`` the CJK cell in pt (for the body 442.2 and
    442.2 / 28; passing a rounded cell such as 15.793 is tolerated: a line that overflows by at most
    1 % of a cell is squeezed to the measure). ``first_indent`` indents the first line,
    ``indent`` every other line. ``latin_gap`` is the space between a Han character and an adjacent
    Latin letter/digit. ``compress_adjacent`` sets two adjacent full-width marks in 1.5 cells.
    ``justify`` makes every non-last line flush with ``width``. ``hanging`` lets one of 、，。 that
    would otherwise start the next line hang past ``width`` (clreq §3.1.7; off in mainland practice).
    """

    width: float
    cell: float
    first_indent: float = 0.0
    indent: float = 0.0
    latin_gap: float = 0.0
    compress_adjacent: bool = True
    justify: bool = True
    hanging: bool = False


