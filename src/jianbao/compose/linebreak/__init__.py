"""Chinese line breaking on a character grid (pure Python, no ReportLab, no I/O).

The package follows the stages of Typst's inline layout (collect → prepare → linebreak → finalize):
:mod:`.data` (the input and output types), :mod:`.opportunities` (every character and every joint
classified once: kinsoku, Latin words and digit runs, ——/…… pairs, dictionary words from
:mod:`.words`), :mod:`.costs` (the named weights), :mod:`.search` (greedy, the dynamic programme,
the page make-up's variants, the balance of centred lines) and :mod:`.placement` (grid cells,
adjacent-mark compression, spreading). This module keeps the public functions.

The breaker turns a paragraph — a sequence of :class:`Item` (one code point each, with its natural
advance and an opaque style) — into :class:`Line` objects whose :class:`Placed` glyphs carry final x
positions. It follows W3C clreq and GB/T 15834 as summarised in ``standards.md`` §3:

* **Grid.** Every CJK character and full-width mark occupies exactly one cell (``Measure.cell``),
  whatever its font advance; Latin letters, digits, ASCII punctuation and spaces use their natural
  advance. A line whose natural content fills the measure is left untouched, so on a 28-cell body
  line every glyph origin of a pure-Han line is ``left + k × cell``.
* **Units.** ``——`` (two U+2014, or U+2E3A) and ``……`` (two U+2026 or two U+22EF) are unbreakable
  2-cell units; a run of Latin non-space characters (``2018``, ``jxgs101@163.com``) is an unbreakable
  word; a break is allowed at a Latin space, and spaces at a line break are dropped.
* **Kinsoku** (clreq "basic"/GB style at both ends, plus the "strict" rule that a dash or ellipsis
  does not start a line unless it starts the paragraph). The characters are listed in
  :data:`NO_START`, :data:`NO_END`, :data:`NO_START_ATTACHED`, :data:`NO_END_ATTACHED` and
  :data:`DASH_LIKE`. A maximal run of units with no permitted break between them is a *cluster*
  (for example ``字。”）``); clusters are never split unless a cluster is wider than a whole line —
  the only case in which a kinsoku fault, or a break inside a Latin word, is produced.
* **Breaking** is greedy over clusters, in linear time. When the next cluster does not fit, the
  breaker (a) keeps a line that is already exactly full, otherwise (b) takes the cluster in if it
  ends with a closing mark that, set to half a cell at the line end (GB/T 15834 §5.1.10), makes it
  fit, otherwise (c) pushes the cluster down and justifies the shorter line.
* **Punctuation compression.** Two adjacent full-width marks take 1.5 cells: a closing mark
  followed by a mark loses its right half, otherwise an opening mark preceded by a mark loses its
  left half (``Placed.dx = -cell/2``). Compression is never applied across a line break, and an
  isolated mid-line mark is never narrowed. (The optional clreq rule that lets an opening mark at
  the start of a line lose its left half is not used: it would take the line off the grid.)
* **Justification.** On non-last lines the slack is spread evenly over the gaps between units
  (never inside a Latin word or a dash/ellipsis), so the last glyph box ends exactly at
  ``Measure.width``. One exception keeps lines on the grid: when a line's slack equals exactly
  what adjacent-mark compression removed from it (e.g. a line of 27 cells plus one ``，“`` pair
  in 1.5 cells), the pairs are set full width instead and every glyph stays on a cell boundary.
* **Han–Latin gap.** ``Measure.latin_gap`` is inserted between a Han character and an adjacent
  Latin letter or digit (not next to punctuation, a space, or at a line end).

Drawing: draw each glyph at ``x + dx`` (plus the block's left edge); ``advance`` is the box the glyph
occupies on the line, which for a compressed mark is half a cell. A compressed opening mark has
``dx = -cell/2`` because its ink sits in the right half of its em box; compressed closing marks keep
``dx = 0`` (they simply lose their empty right half).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import NamedTuple

from jianbao.compose.linebreak import placement, search
from jianbao.compose.linebreak.costs import BALANCE_MAX_TOKENS, VARIANT_LINES
from jianbao.compose.linebreak.data import Item, Line, Measure, Placed
from jianbao.compose.linebreak.opportunities import (
    _FREE,
    DASH_LIKE,
    NO_END,
    NO_END_ATTACHED,
    NO_START,
    NO_START_ATTACHED,
    Prepared,
)
from jianbao.script import is_cjk

__all__ = [
    "DASH_LIKE",
    "NO_END",
    "NO_END_ATTACHED",
    "NO_START",
    "NO_START_ATTACHED",
    "VARIANT_LINES",
    "BrokenParagraph",
    "Item",
    "Line",
    "Measure",
    "Placed",
    "Prepared",
    "Variant",
    "balance_lines",
    "break_paragraph",
    "is_cjk",
    "lay_out",
    "paragraph_variants",
    "plan_paragraph",
]


# ---------------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------------


def break_paragraph(items: Sequence[Item], m: Measure, keep: Collection[int] = ()) -> list[Line]:
    """Break a paragraph into justified lines on the CJK grid.

    Returns one :class:`Line` per output line (``[]`` for empty or all-space input). The first line
    starts at ``m.first_indent``, the others at ``m.indent``. Non-last lines end exactly at
    ``m.width`` when ``m.justify``; the last line is set at natural widths. No character is lost,
    duplicated or reordered except Latin spaces at a line break (and at the paragraph end), which
    are dropped. Leading spaces of the paragraph are kept (unless they leave no room for the first
    character on the first line, in which case they are dropped too).

    A line never starts with a :data:`NO_START` mark (nor a :data:`NO_START_ATTACHED` one attached
    to the preceding text, nor a :data:`DASH_LIKE` one except at the paragraph start) and never
    ends with a :data:`NO_END` / attached :data:`NO_END_ATTACHED` one, and Latin words and
    ——/…… are not split — unless a run with no permitted break is wider than the line itself
    (then it is split at the least bad place that fits). No line is wider than ``m.width``, except
    when a single glyph is wider than the line. Runs in time linear in ``len(items)``.

    ``keep``: indices of items before which no line may break (inside words, see :mod:`.words`),
    unless the run they bind is wider than a line.
    """
    return BrokenParagraph(items, m, keep).lines


def plan_paragraph(para: Prepared, m: Measure, avail_first: float, avail_rest: float) -> list[tuple[int, int, bool]]:
    """Justified text on the grid is broken by :func:`.search.optimal`; with hanging punctuation or
    ragged lines, greedily."""
    if m.justify and not m.hanging:
        plan = search.optimal(para, avail_first, avail_rest)
    else:
        plan = search.greedy(para, avail_first, avail_rest)
    return search.avoid_lone_last(para, plan, avail_rest) if m.justify else plan


class Variant(NamedTuple):
    """A paragraph broken into one line more or fewer than its natural break."""

    lines: list[Line]
    changed: int  # how many more lines leave the character grid than in the natural break


def paragraph_variants(items: Sequence[Item], m: Measure) -> dict[int, Variant]:
    """Variants of :func:`break_paragraph` for page make-up: key +1 (one line more, loosened) and
    -1 (one line fewer, tightened by at most half a cell per line), each present only when at most
    :data:`VARIANT_LINES` lines at the paragraph's end need to change. The rules of
    :func:`break_paragraph` (kinsoku, whole words, flush non-last lines, no one-character last
    line) hold for every variant."""
    return BrokenParagraph(items, m).variants()


class BrokenParagraph:
    """:func:`break_paragraph`'s ``lines`` and :func:`paragraph_variants`'s ``variants()`` from one
    preparation of the paragraph (the variants are computed on first request, then kept)."""

    def __init__(self, items: Sequence[Item], m: Measure, keep: Collection[int] = ()) -> None:
        para = self._para = Prepared(items, m, m.first_indent, keep)
        self._m = m
        self._variants: dict[int, Variant] | None = None
        self._avail = (m.width - m.first_indent - para.lead_w, m.width - m.indent)
        self._plan = plan_paragraph(para, m, *self._avail) if para.n else []
        self.lines = lay_out(para, self._plan, m, *self._avail) if para.n else []

    def variants(self) -> dict[int, Variant]:
        if self._variants is None:
            para, m = self._para, self._m
            out: dict[int, Variant] = {}
            if para.n and m.justify:
                for delta in (1, -1):
                    found = search.variant(para, self._plan, delta, *self._avail)
                    if found is not None:
                        new, changed = found
                        out[delta] = Variant(lay_out(para, new, m, *self._avail), changed)
            self._variants = out
        return self._variants


def lay_out(
    para: Prepared, plan: list[tuple[int, int, bool]], m: Measure, avail_first: float, avail_rest: float
) -> list[Line]:
    lines = []
    for i, (a, e, half_end) in enumerate(plan):
        last = i == len(plan) - 1
        x0, avail = (m.first_indent, avail_first) if a == 0 else (m.indent, avail_rest)
        lines.append(placement.layout(para, a, e, half_end, x0, avail, m.justify and not last, last))
    return lines


def balance_lines(items: Sequence[Item], m: Measure) -> list[Line]:
    """Break a (centred) title into the fewest lines that fit, then balance their lengths.

    The line count is that of the greedy break (kinsoku applies, Latin words stay whole). Among
    breaks with that many lines it picks, in order of priority: no last line of one or two
    characters (when avoidable), a first line not shorter than any later line, and the smallest
    sum of squared deviations from the mean width (ties go to longer earlier lines). Lines are not
    justified: glyphs sit at natural widths from x = 0 (the caller centres each line using
    ``Line.width``); ``m.first_indent``, ``m.indent`` and ``m.justify`` are ignored. Example: 25 Han
    characters at ``cell=22`` in ``width=442.2`` give 13 + 12.
    """
    para = Prepared(items, m, 0.0)
    if para.n == 0:
        return []
    plan = search.greedy(para, m.width - para.lead_w, m.width)
    clean = all(e == para.n - 1 or para.kinds[e] == _FREE for _, e, _ in plan)
    if len(plan) > 1 and clean and para.n <= BALANCE_MAX_TOKENS:
        better = search.balance(para, len(plan), m.width)
        if better is not None:
            plan = better
    lines = []
    for i, (a, e, half_end) in enumerate(plan):
        avail = m.width - (para.lead_w if i == 0 else 0.0)
        lines.append(placement.layout(para, a, e, half_end, 0.0, avail, False, i == len(plan) - 1))
    return lines
