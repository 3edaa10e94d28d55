"""Chinese line breaking on a character grid (pure Python, no ReportLab, no I/O).

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

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import NamedTuple

from jianbao.script import in_ranges as _in_ranges
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
    "Variant",
    "balance_lines",
    "break_paragraph",
    "is_cjk",
    "paragraph_variants",
]


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


# ---------------------------------------------------------------------------------------------------
# Character classes
# ---------------------------------------------------------------------------------------------------

#: Never at the start of a line (whatever precedes it): stops, pauses, closing quotes and brackets,
#: interpuncts, connectors (clreq basic set, Simplified Chinese, plus small-form variants).
NO_START = frozenset(
    "。，、；：？！．‼⁇”’）》〉」』】〗〕］｝〙〛·・～〜﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞"
)
#: Never at the end of a line (whatever follows it): opening quotes and brackets, GB-style solidus,
#: currency signs.
NO_END = frozenset("“‘（《〈「『【〖〔［｛〘〚﹙﹛﹝／￥＄￡")
#: Latin characters that never start a line when attached to the preceding text (no space between).
NO_START_ATTACHED = frozenset(")]},.;:?!%‰℃°′″–-")
#: Latin characters that never end a line when attached to the following text (no space between).
NO_END_ATTACHED = frozenset("([{/$£¥")
#: Dashes and ellipses: not at line start unless paragraph-initial (clreq "strict" for these only).
DASH_LIKE = frozenset("—…⋯⸺⸻")

_HANGABLE = frozenset("、，。")  # the only marks that may hang (clreq §3.1.7)
_HANG = 2  # third element of a plan entry: the last mark hangs past the measure
_CLOSING_MARKS = frozenset("，。、；：？！．”’）》〉」』】〗〕］｝〙〛")
_OPENING_MARKS = frozenset("“‘（《〈「『【〖〔［｛〘〚")
_PAIRABLE = frozenset("—…⋯")  # two of these in a row form one 2-cell unit
_WIDE = {"⸺": 2, "⸻": 3}  # single code points that take several cells

_IDEOGRAPH_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))

# Per-character flags.
_CJK = 1  # one grid cell (or several for ⸺ ⸻)
_LETTER = 2  # Han-like character: gets latin_gap next to a Latin letter/digit
_CLOSE = 4  # compressible closing mark (ink in the left half)
_OPEN = 8  # compressible opening mark (ink in the right half)
_NS = 16  # in NO_START
_NE = 32  # in NO_END
_NS_ATT = 64  # in NO_START_ATTACHED
_NE_ATT = 128  # in NO_END_ATTACHED
_DASH = 256  # in DASH_LIKE
_ALNUM = 512  # Latin letter or digit
_SPACE = 1024  # Latin space: a break opportunity
_COUNTS = 2048  # counts as a "character" for the orphan rule of balance_lines

_MARK = _CLOSE | _OPEN

# Joint kinds (the junction between two consecutive non-space characters).
_FREE = 0  # a break is allowed
_KINSOKU = 1  # forbidden by kinsoku (between units)
_WORD = 2  # inside a Latin word
_PAIR = 3  # inside a ——/…… unit


_MEMBERSHIP = (
    (_CLOSING_MARKS, _CLOSE), (_OPENING_MARKS, _OPEN), (NO_START, _NS), (NO_END, _NE),
    (NO_START_ATTACHED, _NS_ATT), (NO_END_ATTACHED, _NE_ATT), (DASH_LIKE, _DASH),
)


_FLAGS: dict[str, int] = {}  # memo of _flags


def _flags(ch: str) -> int:
    f = _FLAGS.get(ch)
    if f is None:
        f = _FLAGS[ch] = _compute_flags(ch)
    return f


def _compute_flags(ch: str) -> int:
    if len(ch) != 1:
        raise ValueError(f"Item.char must be exactly one code point, got {ch!r}")
    f = 0
    cat = unicodedata.category(ch)
    if is_cjk(ch):
        f |= _CJK
        cp = ord(ch)
        if _in_ranges(cp, _IDEOGRAPH_RANGES) or (cat[0] in "LN" and not 0xFF00 <= cp <= 0xFFEF):
            f |= _LETTER
    elif ch.isspace() and ch not in "\u00a0\u2007\u202f":
        f |= _SPACE
    elif ch.isalnum():
        f |= _ALNUM
    for members, flag in _MEMBERSHIP:
        if ch in members:
            f |= flag
    if not (f & (_SPACE | _MARK | _DASH)) and cat[0] not in "PZC":
        f |= _COUNTS
    return f


# ---------------------------------------------------------------------------------------------------
# The prepared paragraph
# ---------------------------------------------------------------------------------------------------

_EPS = 1e-9
_P_ORPHAN = 1e12
_P_ORDER = 1e6
_TIE = 1e-6
_BALANCE_MAX_TOKENS = 200
# A paragraph variant (one line more or fewer, for page make-up) takes at most this many more lines
# off the character grid. The page make-up tries cheaper changes first: a full page is worth a few
# lines set a little looser (GB/T 9704: 22 lines on every page), not a whole paragraph.
VARIANT_LINES = 6
# A line holding Latin letters or digits is off the character grid anyway (they have their own widths);
# loosened by up to this many cells it takes a kinsoku conflict instead of a line of Han characters.
_LATIN_LOOSE = 2


class _Para:
    """A paragraph reduced to *tokens* (non-space characters) and the *joints* between them.

    Token ``k`` is ``items[idx[k]]`` with natural width ``w[k]``. Joint ``k`` lies between tokens
    ``k`` and ``k + 1``; it holds the Latin spaces between them (dropped if the line breaks there),
    the Han–Latin gap, the adjacent-mark compression and its kind (free / kinsoku / word / pair).
    The natural width of a line from token ``a`` to token ``b`` is ``S[b+1] - S[a] + J[b] - J[a]``.
    """

    __slots__ = (
        "C",
        "J",
        "S",
        "_candidates_memo",
        "comp",
        "comp_tgt",
        "count_prefix",
        "expandable",
        "extra",
        "flags",
        "half",
        "hanging",
        "idx",
        "items",
        "kinds",
        "lead",
        "lead_w",
        "lgap",
        "n",
        "next_free",
        "tol",
        "w",
        "word_w",
    )

    def __init__(self, items: Sequence[Item], m: Measure, first_indent: float) -> None:
        if not m.cell > 0:
            raise ValueError(f"Measure.cell must be positive, got {m.cell!r}")
        self.items = items
        self.hanging = m.hanging
        self._candidates_memo: tuple[tuple[float, float], tuple[list[int], dict, dict[int, float]]] | None = None
        cell = m.cell
        self.half = cell / 2
        self.tol = 1e-6 + 0.01 * cell

        idx: list[int] = []
        fl: list[int] = []
        w: list[float] = []
        lead = 0
        lead_w = 0.0
        flags_of = _FLAGS.get
        wide = _WIDE
        for i, it in enumerate(items):
            ch = it.char
            f = flags_of(ch)
            if f is None:
                f = _flags(ch)
            if f & _SPACE:
                if not idx:
                    lead += 1
                    lead_w += it.advance
                continue
            idx.append(i)
            fl.append(f)
            if f & _CJK:
                w.append(cell * wide[ch] if ch in wide else cell)
            else:
                w.append(it.advance)
        if not idx or lead_w + w[0] > m.width - first_indent + self.tol:
            # Nothing but spaces, or leading spaces that leave no room for the first character:
            # they end a line of their own and are dropped like any line-end spaces.
            lead = 0
            lead_w = 0.0
        self.idx, self.flags, self.w = idx, fl, w
        self.lead, self.lead_w = lead, lead_w
        n = self.n = len(idx)

        # Pair up ——, ……, ⋯⋯ (greedily, left to right).
        pair_second = [False] * n
        k = 0
        while k < n - 1:
            ch = items[idx[k]].char
            if ch in _PAIRABLE and items[idx[k + 1]].char == ch and idx[k + 1] == idx[k] + 1:
                pair_second[k + 1] = True
                k += 2
            else:
                k += 1

        half = self.half
        gap = m.latin_gap
        compress = m.compress_adjacent
        joints = max(n - 1, 0)
        kinds = [_FREE] * joints
        extra = [0.0] * joints
        lgap = [0.0] * joints
        comp = [0.0] * joints
        comp_tgt = [0] * joints
        for k in range(joints):
            fa, fb = fl[k], fl[k + 1]
            ia, ib = idx[k], idx[k + 1]
            if ib == ia + 1 and fa & fb & _CJK and not ((fa | fb) & _MARK) and not pair_second[k + 1]:
                # the common case: two adjacent CJK characters, neither a compressible mark
                if fb & (_NS | _DASH | _NS_ATT) or fa & (_NE | _NE_ATT):
                    kinds[k] = _KINSOKU
                continue
            spaced = ib != ia + 1
            sw = 0.0
            if spaced:
                for i in range(ia + 1, ib):
                    sw += items[i].advance
            if pair_second[k + 1]:
                kind = _PAIR
            elif not spaced and not (fa & _CJK) and not (fb & _CJK):
                kind = _WORD
            elif (
                fb & (_NS | _DASH)
                or fa & _NE
                or (not spaced and (fb & _NS_ATT or fa & _NE_ATT))
            ):
                kind = _KINSOKU
            else:
                kind = _FREE
            kinds[k] = kind
            g = 0.0
            if not spaced and gap and (
                (fa & _LETTER and fb & _ALNUM) or (fa & _ALNUM and fb & _LETTER)
            ):
                g = gap
            lgap[k] = g
            extra[k] = sw + g
            if not spaced and compress and fa & _MARK and fb & _MARK:
                if fa & _CLOSE:
                    comp[k], comp_tgt[k] = half, k
                elif fb & _OPEN:
                    comp[k], comp_tgt[k] = half, k + 1
        self.kinds, self.extra, self.lgap, self.comp, self.comp_tgt = kinds, extra, lgap, comp, comp_tgt
        self.expandable = [kd <= _KINSOKU for kd in kinds]

        S = [0.0, *accumulate(w)]
        J = [0.0] * max(n, 1)
        C = [0.0] * max(n, 1)  # prefix sums of the adjacent-mark compression alone
        if joints:
            J[1:] = accumulate([e - c for e, c in zip(extra, comp, strict=True)])
            C[1:] = accumulate(comp)
        self.S, self.J, self.C = S, J, C

        # Width of the Latin word each token belongs to (for the "word wider than a line" rule).
        word_w = [0.0] * n
        start = 0
        for k in range(n):
            if k == n - 1 or kinds[k] != _WORD:
                width = S[k + 1] - S[start] + J[k] - J[start]
                for j in range(start, k + 1):
                    word_w[j] = width
                start = k + 1
        self.word_w = word_w

        # next_free[k]: the first permitted break at or after joint k (n - 1 = paragraph end).
        nf = [n - 1] * n
        for k in range(n - 2, -1, -1):
            nf[k] = k if kinds[k] == _FREE else nf[k + 1]
        self.next_free = nf

        self.count_prefix = [0, *accumulate(1 if f & _COUNTS else 0 for f in fl)]

    # -- geometry -----------------------------------------------------------------------------------

    def _candidates(
        self, avail_first: float, avail_rest: float
    ) -> tuple[list[int], dict[int, list[tuple[int, bool, float]]], dict[int, float]]:
        """The line starts reachable from the paragraph start; from each, the lines worth trying as
        ``(last token, last mark half width, cost)`` (see :meth:`optimal` for the costs); and the
        cost of ending the paragraph with one last line from each start where the rest fits.
        Computed once per paragraph and measure: :meth:`optimal` and :meth:`with_lines` share it."""
        key = (avail_first, avail_rest)
        memo = self._candidates_memo
        if memo is not None and memo[0] == key:
            return memo[1]
        n, S, J, C, fl, nf = self.n, self.S, self.J, self.C, self.flags, self.next_free
        tol, half, cell = self.tol, self.half, 2 * self.half
        cp = self.count_prefix
        latin = [0] * (n + 1)  # prefix count of non-CJK tokens
        for k in range(n):
            latin[k + 1] = latin[k] + (0 if fl[k] & _CJK else 1)
        T = [S[k + 1] + J[k] for k in range(n)]  # line width from token a to e = T[e] - S[a] - J[a]
        # Forward: the lines that may start at each line start reachable from the paragraph start
        # (most tokens are not: a line ends within 2.5 cells of full), with their costs.
        reach = bytearray(n + 1)
        reach[0] = 1
        starts: list[int] = []
        lines_from: dict[int, list[tuple[int, bool, float]]] = {}
        last_cost: dict[int, float] = {}
        for a in range(n):
            if not reach[a]:
                continue
            starts.append(a)
            avail = avail_first if a == 0 else avail_rest
            lim = avail + tol
            base = S[a] + J[a]
            if T[n - 1] - base <= lim:  # the rest fits on one (last) line
                last = 1.0 if cp[n] - cp[a] == 1 and a > 0 else 0.0
                last_cost[a] = last
            found: list[tuple[int, bool, float]] = []
            lines_from[a] = found
            # only lines filled to within 2.5 cells are worth trying (looser ones cost 10 a cell)
            first = bisect_left(T, base + avail - 2.5 * cell, a, n)
            e = nf[min(first, n - 1)]
            while True:  # e runs over the permitted breaks (and the paragraph end)
                wc = S[e + 1] - S[a] + J[e] - J[a]
                half_end = False
                if wc > lim:
                    if fl[e] & _CLOSE and wc - half <= lim and e < n - 1:  # not on the last line:
                        half_end = True  # it is not justified, its mark keeps its cell
                    else:
                        break
                if e == n - 1:
                    found.append((e, half_end, 1.0 if cp[n] - cp[a] == 1 and a > 0 else 0.0))
                    break
                slack = (avail - wc + (half if half_end else 0.0)) / cell
                full = wc + C[e] - C[a]
                if not half_end and abs(full - avail) <= tol:
                    c = 0.0  # on the grid
                elif latin[e + 1] == latin[a]:
                    c = 1.0
                else:
                    c = 0.0 if slack < _LATIN_LOOSE else 1.0
                c += 0.6 * max(0.0, slack - 1) + 10.0 * max(0.0, slack - 2) + 0.001 * slack + 0.0001
                found.append((e, half_end, c))
                reach[e + 1] = 1
                e = nf[e + 1]
        self._candidates_memo = (key, (starts, lines_from, last_cost))
        return starts, lines_from, last_cost

    def with_lines(
        self, count: int, avail_first: float, avail_rest: float
    ) -> tuple[list[tuple[int, int, bool]], float] | None:
        """The cheapest breaks (costs of :meth:`optimal`) that set the paragraph in exactly ``count``
        lines, and their cost; None when no lines within 2.5 cells of full can do it."""
        starts, lines_from, last_cost = self._candidates(avail_first, avail_rest)
        n = self.n
        # layer[a]: the cheapest way to reach line start a with as many lines as layers so far
        # (cost, previous line start, that line's last token and half flag); one layer per line
        layer: dict[int, tuple[float, int, int, bool]] = {0: (0.0, -1, -1, False)}
        layers = [layer]
        for _ in range(count - 1):
            nxt: dict[int, tuple[float, int, int, bool]] = {}
            for a in starts:
                here = layer.get(a)
                if here is None:
                    continue
                for e, half_end, c in lines_from.get(a, ()):
                    if e == n - 1:
                        continue
                    total = here[0] + c
                    old = nxt.get(e + 1)
                    if old is None or total < old[0] - 1e-12:
                        nxt[e + 1] = (total, a, e, half_end)
            layer = nxt
            layers.append(layer)
        best: tuple[float, int] | None = None
        for a in starts:
            if a in layer and a in last_cost:
                total = layer[a][0] + last_cost[a]
                if best is None or total < best[0] - 1e-12:
                    best = (total, a)
        if best is None:
            return None
        plan = [(best[1], n - 1, False)]
        a = best[1]
        for depth in range(count - 1, 0, -1):
            _, prev, e, half_end = layers[depth][a]
            plan.append((prev, e, half_end))
            a = prev
        plan.reverse()
        return plan, best[0]

    def optimal(self, avail_first: float, avail_rest: float) -> list[tuple[int, int, bool]]:
        """Break the whole paragraph at once (dynamic programming over break points), choosing the
        breaks that leave the fewest lines off the character grid.

        A greedy breaker settles each kinsoku conflict on the line where it occurs; moving a break
        earlier can avoid several later conflicts at the price of one loosened line. Cost of a
        non-last line: 0 when it fills the measure with every mark full width (on the grid), else 1
        (its slack is spread or marks are compressed); a line holding Latin text is off the grid
        anyway and costs 1 only when looser than :data:`_LATIN_LOOSE` cells (it takes a kinsoku
        conflict instead of a line of Han characters). Lines looser than two cells cost more,
        a last line of one character costs 1, and small terms prefer fuller lines. Falls back to
        :meth:`greedy` when no break sequence fits (a word wider than a line)."""
        starts, lines_from, last_cost = self._candidates(avail_first, avail_rest)
        n = self.n
        inf = float("inf")
        # Backward: the cheapest way from each reachable start to the paragraph end.
        cost = [inf] * (n + 1)
        step: list[tuple[int, bool]] = [(-1, False)] * (n + 1)
        cost[n] = 0.0
        for a in reversed(starts):
            if a in last_cost:
                cost[a] = cost[n] + last_cost[a]
                step[a] = (n - 1, False)
                if a > 0 and cost[a] == 0.0:  # the rest makes a good last line: no break is better
                    continue
            for e, half_end, c in lines_from.get(a, ()):
                if cost[e + 1] < inf:
                    total = c + cost[e + 1]
                    if total < cost[a] - 1e-12:
                        cost[a] = total
                        step[a] = (e, half_end)
        if cost[0] == inf:  # nothing fits within 2.5 cells of full (a word wider than a line)
            return self.greedy(avail_first, avail_rest)
        plan: list[tuple[int, int, bool]] = []
        a = 0
        while a < n:
            e, half_end = step[a]
            plan.append((a, e, half_end))
            a = e + 1
        return plan

    def off_grid(self, plan: list[tuple[int, int, bool]], avail_first: float, avail_rest: float) -> int:
        """How many lines of ``plan`` but the last leave the character grid: lines of CJK only that do
        not fill the measure with every mark full width, and lines with Latin text looser than
        :data:`_LATIN_LOOSE` cells."""
        out = 0
        for a, e, half_end in plan[:-1]:
            avail = avail_first if a == 0 else avail_rest
            if not half_end and self.on_grid(a, e, avail):
                continue
            loose = (avail - self.natural(a, e)) / (2 * self.half)
            if all(f & _CJK for f in self.flags[a : e + 1]) or loose >= _LATIN_LOOSE:
                out += 1
        return out

    def on_grid(self, a: int, b: int, avail: float) -> bool:
        """Whether tokens ``a..b`` fill ``avail`` exactly with every mark full width."""
        full = self.S[b + 1] - self.S[a] + self.J[b] - self.J[a] + self.C[b] - self.C[a]
        return abs(full - avail) <= self.tol

    def natural(self, a: int, b: int) -> float:
        """Natural width of tokens ``a..b`` set on one line (joint ``b`` is the break)."""
        return self.S[b + 1] - self.S[a] + self.J[b] - self.J[a]

    # -- greedy breaking -----------------------------------------------------------------------------

    def greedy(
        self, avail_first: float, avail_rest: float, start: int = 0, fill: Sequence[float] = ()
    ) -> list[tuple[int, int, bool]]:
        """Break greedily from token ``start``; return ``(first token, last token, last mark half
        width)`` per line. ``fill[i]``, where given, is the width the i-th line is filled to (it is
        then set in its normal width: wider means tightened, narrower means loosened)."""
        n = self.n
        S, J, nf, fl = self.S, self.J, self.next_free, self.flags
        tol, half = self.tol, self.half
        plan: list[tuple[int, int, bool]] = []
        a = start
        while a < n:
            li = len(plan)
            avail = fill[li] if li < len(fill) else (avail_first if a == 0 else avail_rest)
            lim = avail + tol
            best = -1
            half_end = False
            c = nf[a]
            while True:
                wc = S[c + 1] - S[a] + J[c] - J[a]
                if wc <= lim:  # the cluster fits: take it and try the next one
                    if best >= 0 and self.on_grid(a, best, avail) and wc + self.C[c] - self.C[a] > lim:
                        # it fits only by compressing marks, while the line up to here fills the
                        # measure with every mark full width: keep that line on the grid
                        break
                    best = c
                    if c == n - 1:
                        break
                    c = nf[c + 1]
                    continue
                if fl[c] & _CLOSE and wc - half <= lim and c < n - 1:  # (b) line-end mark at half width
                    best, half_end = c, True  # (not the paragraph's last: its line is not justified)
                    break
                if (
                    self.hanging and c > a and wc - self.w[c] <= lim
                    and self.items[self.idx[c]].char in _HANGABLE and self.kinds[c - 1] == _KINSOKU
                ):  # (b') the mark hangs past the measure
                    best, half_end = c, _HANG
                    break
                if best >= 0:  # (c) push the cluster down — unless it holds a word wider than a line
                    if self.natural(best + 1, c) > avail_rest + tol:
                        p = self._split(a, best + 1, c, lim, avail_rest, midline=True)
                        if p >= 0:
                            best = p
                    break
                # The first cluster of the line is wider than the line: unavoidable split.
                best = self._split(a, a, c, lim, avail, midline=False)
                break
            plan.append((a, best, half_end))
            a = best + 1
        return plan

    def _split(self, a: int, s: int, c: int, lim: float, avail: float, midline: bool) -> int:
        """Choose a break inside the cluster ending at token ``c`` for a line starting at token ``a``.

        Candidates are joints ``s..c-1`` whose line still fits. Preference: inside a Latin word
        wider than ``avail`` without exposing a kinsoku mark (0), inside such a word (1), at a
        kinsoku joint (2), inside a shorter Latin word (3), inside a dash/ellipsis (4); the last
        candidate of the best rank wins. ``midline`` allows only ranks 0–1 (returns -1 if none);
        otherwise at least one token is always taken.
        """
        S, J, kinds, fl, word_w = self.S, self.J, self.kinds, self.flags, self.word_w
        best_by_rank = [-1] * 5
        for p in range(s, c):
            if S[p + 1] - S[a] + J[p] - J[a] > lim:
                break
            kind = kinds[p]
            if kind == _WORD:
                if word_w[p] > avail + self.tol:
                    clean = not (fl[p + 1] & (_NS | _NS_ATT)) and not (fl[p] & (_NE | _NE_ATT))
                    rank = 0 if clean else 1
                else:
                    rank = 3
            elif kind == _KINSOKU:
                rank = 2
            else:
                rank = 4
            best_by_rank[rank] = p
        ranks = (0, 1) if midline else (0, 1, 2, 3, 4)
        for r in ranks:
            if best_by_rank[r] >= 0:
                return best_by_rank[r]
        return -1 if midline else a

    def variant(
        self, plan: list[tuple[int, int, bool]], delta: int, avail_first: float, avail_rest: float
    ) -> tuple[list[tuple[int, int, bool]], int] | None:
        """The paragraph with one line more or one line fewer, and how many more lines it takes off
        the character grid than ``plan`` (at most :data:`VARIANT_LINES`), or None.

        One line more (``delta`` +1): the last lines (at most :data:`VARIANT_LINES`) each give a cell
        to the next, or — where that leaves fewer lines off the grid — the cheapest breaks in exactly
        one line more (:meth:`with_lines`: lines loosened by up to 2.5 cells anywhere in the
        paragraph). One line fewer (-1): the last lines (at most :data:`VARIANT_LINES`) take up to
        half a cell more each, i.e. about 0.3 pt less between characters — the practice of 单字去行."""
        lines = len(plan)
        found: list[tuple[int, int, list[tuple[int, int, bool]]]] = []  # (off grid, order, plan)
        base_off = self.off_grid(plan, avail_first, avail_rest)
        for j in range(1, min(VARIANT_LINES, lines - 1) + 1):
            i0 = lines - 1 - j
            a = plan[i0][0]
            base = [avail_first if plan[i][0] == 0 else avail_rest for i in range(i0, i0 + j)]
            step = -2 * self.half if delta > 0 else self.half
            tail = self.greedy(avail_first, avail_rest, start=a, fill=[b + step for b in base])
            new = self.avoid_lone_last([*plan[:i0], *tail], avail_rest)
            if len(new) == lines + delta:
                found.append((j if delta < 0 else self.off_grid(new, avail_first, avail_rest) - base_off, 0, new))
                break
        if delta > 0 and not self.hanging:
            best = self.with_lines(lines + 1, avail_first, avail_rest)
            if best is not None:
                new = self.avoid_lone_last(best[0], avail_rest)
                if len(new) == lines + 1:
                    found.append((self.off_grid(new, avail_first, avail_rest) - base_off, 1, new))
        if not found:
            return None
        extra, _, new = min(found, key=lambda f: f[:2])
        return (new, max(extra, 0)) if extra <= VARIANT_LINES else None

    def avoid_lone_last(self, plan: list[tuple[int, int, bool]], avail: float) -> list[tuple[int, int, bool]]:
        """No last line holding a single character (+ punctuation): pull one down from the line before.

        The line before then ends at its previous permitted break and is justified with the freed
        space (clreq §3.5: an orphan character is fixed by moving a character down, not by squeezing).
        """
        if len(plan) < 2:
            return plan
        a_last = plan[-1][0]
        n = self.n
        if self.count_prefix[n] - self.count_prefix[a_last] != 1:
            return plan
        a2, e2, _ = plan[-2]
        for p in range(e2 - 1, a2 - 1, -1):
            if self.kinds[p] != _FREE:
                continue
            width = self.natural(p + 1, n - 1)
            if width <= avail + self.tol:
                return [*plan[:-2], (a2, p, False), (p + 1, n - 1, False)]
            return plan
        return plan

    # -- balancing (titles) --------------------------------------------------------------------------

    def balance(self, lines: int, avail: float) -> list[tuple[int, int, bool]] | None:
        """Re-break into exactly ``lines`` lines of similar width (see :func:`balance_lines`)."""
        n, tol, half = self.n, self.tol, self.half
        ends = [k for k in range(n) if k == n - 1 or self.kinds[k] == _FREE]
        lead_w = self.lead_w
        target = (self.natural(0, n - 1) + lead_w) / lines

        def fit(a: int, e: int) -> tuple[float, bool] | None:
            wv = self.natural(a, e) + (lead_w if a == 0 else 0.0)
            if wv <= avail + tol:
                return wv, False
            if self.flags[e] & _CLOSE and wv - half <= avail + tol:
                return wv - half, True
            return None

        def orphan(a: int, e: int) -> bool:
            return self.count_prefix[e + 1] - self.count_prefix[a] <= 2

        best_total = float("inf")
        best_plan: list[tuple[int, int, bool]] | None = None
        firsts = []
        for fi, e in enumerate(ends[:-1]):
            r = fit(0, e)
            if r is None:
                break
            firsts.append((fi, r))
        # The first line is at least as long as every other one, hence at least the mean: try
        # those first lines, and the others only if that leaves a short last line (or nothing).
        preferred = [f for f in firsts if f[1][0] >= target - tol]
        others = [f for f in firsts if f[1][0] < target - tol]
        first_other = others[0][0] if others else -1
        for fi, (w0, h0) in preferred + others:
            if fi == first_other and best_plan is not None and best_total < _P_ORPHAN:
                break
            # layer: end index in `ends` -> (cost, back pointer chain as list of (a, e, half))
            layer: dict[int, tuple[float, list[tuple[int, int, bool]]]] = {
                fi: ((w0 - target) ** 2, [(0, ends[fi], h0)])
            }
            for li in range(1, lines):
                is_last = li == lines - 1
                nxt: dict[int, tuple[float, list[tuple[int, int, bool]]]] = {}
                for pi, (pc, chain) in layer.items():
                    a = ends[pi] + 1
                    for ei in range(pi + 1, len(ends)):
                        e = ends[ei]
                        if self.natural(a, e) - half > avail + tol:
                            break
                        if is_last and e != n - 1:
                            continue
                        r = fit(a, e)
                        if r is None:
                            continue
                        wl, hl = r
                        cost = pc + (wl - target) ** 2 + _P_ORDER * max(0.0, wl - w0) + _TIE * li * wl
                        if is_last and orphan(a, e):
                            cost += _P_ORPHAN
                        if ei not in nxt or cost < nxt[ei][0]:
                            nxt[ei] = (cost, [*chain, (a, e, hl)])
                layer = nxt
                if not layer:
                    break
            final = layer.get(len(ends) - 1)
            if final is not None and final[0] < best_total:
                best_total, best_plan = final
        return best_plan

    # -- layout --------------------------------------------------------------------------------------

    def layout(
        self, a: int, e: int, half_end: bool, x0: float, avail: float, justify: bool, last: bool
    ) -> Line:
        """Place tokens ``a..e`` starting at ``x0`` in ``avail`` pt (leading spaces excluded)."""
        items, idx, hc = self.items, self.idx, self.half
        if half_end == _HANG and e > a:
            # the hanging mark sits just past the measure; the rest of the line is set without it
            body = self.layout(a, e - 1, False, x0, avail, justify, last)
            mark = items[idx[e]]
            placed = Placed(mark.char, body.width, self.w[e] - hc, mark.style)
            return Line((*body.glyphs, placed), body.width, last)
        count = e - a + 1
        adv = self.w[a : e + 1]
        dx = [0.0] * count
        comp, tgt = self.comp, self.comp_tgt
        if half_end:
            adv[-1] -= hc
        slack = avail - sum(adv) - sum(self.extra[a:e])
        squeezed = sum(comp[a:e])  # slack is still that of the uncompressed line here
        if squeezed and not (justify and abs(slack) <= self.tol):
            # Compress adjacent marks — unless the slack of a justified line is exactly what the
            # compression removed: then the pairs stay full width and the line stays on the grid.
            slack += squeezed
            for j in range(a, e):
                if comp[j]:
                    t = tgt[j]
                    adv[t - a] -= hc
                    if t != j:
                        dx[t - a] = -hc
        add = [0.0] * (count - 1)  # what each joint gets of the slack
        if (justify and slack > _EPS) or slack < -_EPS:
            if count > 1:
                self._spread(a, e, slack, add)
            elif slack >= -self.tol:  # a lone glyph: its box takes the whole line
                adv[0] += slack

        out: list[Placed] = []
        x = x0
        if a == 0:
            for i in range(self.lead):
                it = items[i]
                out.append(Placed(it.char, x, it.advance, it.style))
                x += it.advance
        lgap = self.lgap
        for k in range(a, e + 1):
            it = items[idx[k]]
            ad = adv[k - a]
            out.append(Placed(it.char, x, ad, it.style, dx[k - a]))
            x += ad
            if k < e:
                for i in range(idx[k] + 1, idx[k + 1]):
                    sp = items[i]
                    out.append(Placed(sp.char, x, sp.advance, sp.style))
                    x += sp.advance
                x += lgap[k] + add[k - a]
        return Line(tuple(out), x, last)

    def _spread(self, a: int, e: int, slack: float, add: list[float]) -> None:
        """Share ``slack`` among the joints of tokens ``a..e`` (into ``add``), in clreq's orders.
        Stretching: Latin word spaces first, up to half a cell each, then Han–Latin gaps, up to a
        third of a cell each, then every gap between units equally (never inside a Latin word or a
        ——/…… pair, unless nothing else can stretch). Shrinking (a line set one line shorter):
        word spaces first, down to a quarter of a cell, then Han–Latin gaps, down to an eighth,
        then every gap equally — a mid-line mark never loses its half cell."""
        joints = range(a, e)
        cell = 2 * self.half
        spaced = [k for k in joints if self.idx[k + 1] > self.idx[k] + 1]  # Latin spaces between
        gapped = [k for k in joints if self.lgap[k] > 0]
        space = {k: self.extra[k] - self.lgap[k] for k in spaced}
        if slack > 0:
            slack = _fill(add, [(k - a, cell / 2 - space[k]) for k in spaced], slack)
            slack = _fill(add, [(k - a, cell / 3 - self.lgap[k]) for k in gapped], slack)
            if slack <= _EPS:
                return
        else:
            take = [0.0] * len(add)
            left = _fill(take, [(k - a, space[k] - cell / 4) for k in spaced], -slack)
            left = _fill(take, [(k - a, self.lgap[k] - cell / 8) for k in gapped], left)
            for j, t in enumerate(take):
                add[j] -= t
            slack = -left
            if left <= _EPS:
                return
        targets = [k - a for k in joints if self.expandable[k]] or [k - a for k in joints]
        share = slack / len(targets)
        for j in targets:
            add[j] += share


def _fill(add: list[float], caps: list[tuple[int, float]], amount: float) -> float:
    """Give ``amount`` to the joints in ``caps`` equally, none beyond its cap (water-filling); returns
    what is left over."""
    caps = sorted((cap, j) for j, cap in caps if cap > _EPS)
    for i, (cap, j) in enumerate(caps):
        give = min(cap, amount / (len(caps) - i))
        add[j] += give
        amount -= give
    return amount


# ---------------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------------


def break_paragraph(items: Sequence[Item], m: Measure) -> list[Line]:
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
    """
    return BrokenParagraph(items, m).lines


def _plan(para: _Para, m: Measure, avail_first: float, avail_rest: float) -> list[tuple[int, int, bool]]:
    """Justified text on the grid is broken by :meth:`_Para.optimal`; with hanging punctuation or
    ragged lines, greedily."""
    if m.justify and not m.hanging:
        plan = para.optimal(avail_first, avail_rest)
    else:
        plan = para.greedy(avail_first, avail_rest)
    return para.avoid_lone_last(plan, avail_rest) if m.justify else plan


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

    def __init__(self, items: Sequence[Item], m: Measure) -> None:
        para = self._para = _Para(items, m, m.first_indent)
        self._m = m
        self._variants: dict[int, Variant] | None = None
        self._avail = (m.width - m.first_indent - para.lead_w, m.width - m.indent)
        self._plan = _plan(para, m, *self._avail) if para.n else []
        self.lines = _lay_out(para, self._plan, m, *self._avail) if para.n else []

    def variants(self) -> dict[int, Variant]:
        if self._variants is None:
            para, m = self._para, self._m
            out: dict[int, Variant] = {}
            if para.n and m.justify:
                for delta in (1, -1):
                    found = para.variant(self._plan, delta, *self._avail)
                    if found is not None:
                        new, changed = found
                        out[delta] = Variant(_lay_out(para, new, m, *self._avail), changed)
            self._variants = out
        return self._variants


def _lay_out(
    para: _Para, plan: list[tuple[int, int, bool]], m: Measure, avail_first: float, avail_rest: float
) -> list[Line]:
    lines = []
    for i, (a, e, half_end) in enumerate(plan):
        last = i == len(plan) - 1
        x0, avail = (m.first_indent, avail_first) if a == 0 else (m.indent, avail_rest)
        lines.append(para.layout(a, e, half_end, x0, avail, m.justify and not last, last))
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
    para = _Para(items, m, 0.0)
    if para.n == 0:
        return []
    plan = para.greedy(m.width - para.lead_w, m.width)
    clean = all(e == para.n - 1 or para.kinds[e] == _FREE for _, e, _ in plan)
    if len(plan) > 1 and clean and para.n <= _BALANCE_MAX_TOKENS:
        better = para.balance(len(plan), m.width)
        if better is not None:
            plan = better
    lines = []
    for i, (a, e, half_end) in enumerate(plan):
        avail = m.width - (para.lead_w if i == 0 else 0.0)
        lines.append(para.layout(a, e, half_end, 0.0, avail, False, i == len(plan) - 1))
    return lines
