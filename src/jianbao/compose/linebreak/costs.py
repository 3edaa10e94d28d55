"""The breaker's costs: every weight named, in one place (the searches in :mod:`.search` add them up).

:class:`BodyCosts` prices the lines of a justified paragraph on the character grid (used by
:func:`~jianbao.compose.linebreak.search.optimal` and ``with_lines``); :class:`BalanceCosts` the
character-count balance of :func:`~jianbao.compose.linebreak.balance_lines`. The word-aware title
breaker (:mod:`jianbao.compose.titles`) has its own :class:`TitleCosts`, which the layout may set.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Below this, an amount of pt is nothing.
EPS = 1e-9
#: A paragraph variant (one line more or fewer, for page make-up) takes at most this many more lines
#: off the character grid. The page make-up tries cheaper changes first: a full page is worth a few
#: lines set a little looser (GB/T 9704: 22 lines on every page), not a whole paragraph.
VARIANT_LINES = 6
#: Titles longer than this many tokens are not balanced (the greedy break is kept).
BALANCE_MAX_TOKENS = 200


@dataclass(frozen=True)
class BodyCosts:
    """Cost of one non-last line of a justified paragraph; the paragraph's cost is the sum.

    A line that fills the measure with every mark full width is on the grid and costs nothing; any
    other line of Han text costs ``off_grid``. A line holding Latin letters or digits is off the
    grid anyway; loosened by less than ``latin_loose`` cells it costs nothing (it takes a kinsoku
    conflict instead of a line of Han characters). On top: ``loose`` per cell of slack beyond one,
    ``very_loose`` per cell beyond two, ``fill`` per cell of slack and ``per_line`` per line (the
    small terms prefer fuller and fewer lines). A last line of one character costs ``lone_last``.
    Only lines filled to within ``window`` cells are tried."""

    off_grid: float = 1.0
    latin_loose: float = 2.0
    loose: float = 0.6
    very_loose: float = 10.0
    fill: float = 0.001
    per_line: float = 0.0001
    lone_last: float = 1.0
    window: float = 2.5


@dataclass(frozen=True)
class BalanceCosts:
    """Priorities of :func:`~jianbao.compose.linebreak.balance_lines` (character counts, no words):
    a last line of one or two characters (``orphan``) ≫ a line longer than the first (``order`` per
    pt) ≫ the squared deviation from the mean width (1 per pt²) ≫ ``tie`` (earlier lines longer)."""

    orphan: float = 1e12
    order: float = 1e6
    tie: float = 1e-6


BODY = BodyCosts()
BALANCE = BalanceCosts()
