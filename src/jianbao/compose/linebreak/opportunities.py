"""Collect and prepare: every character classified once, every joint between two characters classified
in one place — kinsoku, Latin words, ——/…… pairs, and (for titles) dictionary words."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from itertools import accumulate

from jianbao.compose.linebreak.data import Item, Measure
from jianbao.script import in_ranges as _in_ranges
from jianbao.script import is_cjk

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



def _gapped(fa: int, fb: int) -> bool:
    """The one spacing rule (clreq §3.2.2): a Han character next to a Latin letter or digit."""
    return bool((fa & _LETTER and fb & _ALNUM) or (fa & _ALNUM and fb & _LETTER))


def gap_between(a: str, b: str) -> bool:
    """Whether the layout's Han–Latin gap goes between the adjacent characters ``a`` and ``b`` — the
    rule the breaker applies to every line, for texts set without it (the masthead's labels)."""
    return _gapped(_flags(a), _flags(b))


class Prepared:
    """A paragraph reduced to *tokens* (non-space characters) and the *joints* between them.

    Token ``k`` is ``items[idx[k]]`` with natural width ``w[k]``. Joint ``k`` lies between tokens
    ``k`` and ``k + 1``; it holds the Latin spaces between them (dropped if the line breaks there),
    the Han–Latin gap, the adjacent-mark compression and its kind (free / kinsoku / word / pair).
    The natural width of a line from token ``a`` to token ``b`` is ``S[b+1] - S[a] + J[b] - J[a]``.
    ``keep`` holds the indices of items that no line may start with (the inside of words, for
    lines that keep their words: contents entries, the closing block); a space is always a break.
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

    def __init__(
        self, items: Sequence[Item], m: Measure, first_indent: float, keep: Collection[int] = ()
    ) -> None:
        if not m.cell > 0:
            raise ValueError(f"Measure.cell must be positive, got {m.cell!r}")
        self.items = items
        self.hanging = m.hanging
        self._candidates_memo: tuple[
            tuple[float, float], tuple[list[int], dict[int, list[tuple[int, bool, float]]], dict[int, float]]
        ] | None = None
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
            if not spaced and gap and _gapped(fa, fb):
                g = gap
            lgap[k] = g
            extra[k] = sw + g
            if not spaced and compress and fa & _MARK and fb & _MARK:
                if fa & _CLOSE:
                    comp[k], comp_tgt[k] = half, k
                elif fb & _OPEN:
                    comp[k], comp_tgt[k] = half, k + 1
        self.kinds, self.extra, self.lgap, self.comp, self.comp_tgt = kinds, extra, lgap, comp, comp_tgt
        if keep:
            # Words: no break before item i for i in ``keep`` (a joint inside a word is set like a
            # kinsoku joint: it stretches, but a line does not end there unless the word is wider
            # than a line)
            for k in range(joints):
                if kinds[k] == _FREE and idx[k + 1] in keep and idx[k + 1] == idx[k] + 1:
                    kinds[k] = _KINSOKU
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

    def on_grid(self, a: int, b: int, avail: float) -> bool:
        """Whether tokens ``a..b`` fill ``avail`` exactly with every mark full width."""
        full = self.S[b + 1] - self.S[a] + self.J[b] - self.J[a] + self.C[b] - self.C[a]
        return abs(full - avail) <= self.tol

    def natural(self, a: int, b: int) -> float:
        """Natural width of tokens ``a..b`` set on one line (joint ``b`` is the break)."""
        return self.S[b + 1] - self.S[a] + self.J[b] - self.J[a]

    # -- greedy breaking -----------------------------------------------------------------------------

