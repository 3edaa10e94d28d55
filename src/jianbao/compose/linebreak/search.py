"""Linebreak: where the lines end — greedy, the whole-paragraph optimum (dynamic programming), the
page make-up's variants, and the balance of centred lines."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from jianbao.compose.linebreak.costs import BALANCE, BODY, VARIANT_LINES, BodyCosts
from jianbao.compose.linebreak.opportunities import (
    _CJK,
    _CLOSE,
    _FREE,
    _HANG,
    _HANGABLE,
    _KINSOKU,
    _NE,
    _NE_ATT,
    _NS,
    _NS_ATT,
    _WORD,
    Prepared,
)


def _candidates(
    p: Prepared, avail_first: float, avail_rest: float, costs: BodyCosts = BODY
) -> tuple[list[int], dict[int, list[tuple[int, bool, float]]], dict[int, float]]:
    """The line starts reachable from the paragraph start; from each, the lines worth trying as
    ``(last token, last mark half width, cost)`` (see :meth:`optimal` for the costs); and the
    cost of ending the paragraph with one last line from each start where the rest fits.
    Computed once per paragraph and measure: :meth:`optimal` and :meth:`with_lines` share it."""
    key = (avail_first, avail_rest)
    memo = p._candidates_memo
    if memo is not None and memo[0] == key:
        return memo[1]
    n, S, J, C, fl, nf = p.n, p.S, p.J, p.C, p.flags, p.next_free
    tol, half, cell = p.tol, p.half, 2 * p.half
    cp = p.count_prefix
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
            last = costs.lone_last if cp[n] - cp[a] == 1 and a > 0 else 0.0
            last_cost[a] = last
        found: list[tuple[int, bool, float]] = []
        lines_from[a] = found
        # only lines filled to within 2.5 cells are worth trying (looser ones cost 10 a cell)
        first = bisect_left(T, base + avail - costs.window * cell, a, n)
        e = nf[min(first, n - 1)]
        while True:  # e runs over the permitted breaks (and the paragraph end)
            wc = S[e + 1] - S[a] + J[e] - J[a]
            half_end = False
            if wc > lim:
                if fl[e] & _CLOSE and wc - half <= lim:  # its closing mark set half width at the line end
                    half_end = True
                else:
                    break
            if e == n - 1:  # the last line (one that fits only with its final mark half width, too)
                found.append((e, half_end, costs.lone_last if cp[n] - cp[a] == 1 and a > 0 else 0.0))
                break
            slack = (avail - wc + (half if half_end else 0.0)) / cell
            full = wc + C[e] - C[a]
            if not half_end and abs(full - avail) <= tol:
                c = 0.0  # on the grid
            elif latin[e + 1] == latin[a]:
                c = costs.off_grid
            else:
                c = 0.0 if slack < costs.latin_loose else costs.off_grid
            c += (costs.loose * max(0.0, slack - 1) + costs.very_loose * max(0.0, slack - 2)
                      + costs.fill * slack + costs.per_line)
            found.append((e, half_end, c))
            reach[e + 1] = 1
            e = nf[e + 1]
    p._candidates_memo = (key, (starts, lines_from, last_cost))
    return starts, lines_from, last_cost


def with_lines(
    p: Prepared, count: int, avail_first: float, avail_rest: float
) -> tuple[list[tuple[int, int, bool]], float] | None:
    """The cheapest breaks (costs of :meth:`optimal`) that set the paragraph in exactly ``count``
    lines, and their cost; None when no lines within 2.5 cells of full can do it."""
    starts, lines_from, last_cost = _candidates(p, avail_first, avail_rest)
    n = p.n
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


def optimal(p: Prepared, avail_first: float, avail_rest: float) -> list[tuple[int, int, bool]]:
    """Break the whole paragraph at once (dynamic programming over break points), choosing the
    breaks that leave the fewest lines off the character grid.

    A greedy breaker settles each kinsoku conflict on the line where it occurs; moving a break
    earlier can avoid several later conflicts at the price of one loosened line. Cost of a
    non-last line: 0 when it fills the measure with every mark full width (on the grid), else 1
    (its slack is spread or marks are compressed); a line holding Latin text is off the grid
    anyway and costs 1 only when looser than ``BodyCosts.latin_loose`` cells (it takes a kinsoku
    conflict instead of a line of Han characters). Lines looser than two cells cost more,
    a last line of one character costs 1, and small terms prefer fuller lines. Falls back to
    :meth:`greedy` when no break sequence fits (a word wider than a line)."""
    starts, lines_from, last_cost = _candidates(p, avail_first, avail_rest)
    n = p.n
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
        return greedy(p, avail_first, avail_rest)
    plan: list[tuple[int, int, bool]] = []
    a = 0
    while a < n:
        e, half_end = step[a]
        plan.append((a, e, half_end))
        a = e + 1
    return plan


def off_grid(p: Prepared, plan: list[tuple[int, int, bool]], avail_first: float, avail_rest: float) -> int:
    """How many lines of ``plan`` leave the character grid: lines of CJK only but the last that do
    not fill the measure with every mark full width, and lines with Latin text looser than
    ``BodyCosts.latin_loose`` cells; and the last line when it is CJK only and reaches the right
    edge off the grid (a reader, and the checker, takes it for a full line)."""
    out = 0
    if plan:
        a, e, _ = plan[-1]
        avail = avail_first if a == 0 else avail_rest
        if (all(f & _CJK for f in p.flags[a : e + 1]) and abs(p.natural(a, e) - avail) <= p.tol
                and not p.on_grid(a, e, avail)):
            out += 1
    for a, e, half_end in plan[:-1]:
        avail = avail_first if a == 0 else avail_rest
        if not half_end and p.on_grid(a, e, avail):
            continue
        loose = (avail - p.natural(a, e)) / (2 * p.half)
        if all(f & _CJK for f in p.flags[a : e + 1]) or loose >= BODY.latin_loose:
            out += 1
    return out


# -- greedy breaking -----------------------------------------------------------------------------


def greedy(
    p: Prepared, avail_first: float, avail_rest: float, start: int = 0, fill: Sequence[float] = ()
) -> list[tuple[int, int, bool]]:
    """Break greedily from token ``start``; return ``(first token, last token, last mark half
    width)`` per line. ``fill[i]``, where given, is the width the i-th line is filled to (it is
    then set in its normal width: wider means tightened, narrower means loosened)."""
    n = p.n
    S, J, C, nf, fl = p.S, p.J, p.C, p.next_free, p.flags
    tol, half = p.tol, p.half
    plan: list[tuple[int, int, bool]] = []
    a = start
    while a < n:
        li = len(plan)
        avail = fill[li] if li < len(fill) else (avail_first if a == 0 else avail_rest)
        lim = avail + tol
        best = -1
        half_end: int = False  # False, True (a half-width mark) or _HANG
        c = nf[a]
        while True:
            wc = S[c + 1] - S[a] + J[c] - J[a]
            if wc <= lim:  # the cluster fits: take it and try the next one
                if best >= 0 and wc + C[c] - C[a] > lim and p.on_grid(a, best, avail):
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
                p.hanging and c > a and wc - p.w[c] <= lim
                and p.items[p.idx[c]].char in _HANGABLE and p.kinds[c - 1] == _KINSOKU
            ):  # (b') the mark hangs past the measure
                best, half_end = c, _HANG
                break
            if best >= 0:  # (c) push the cluster down — unless it holds a word wider than a line
                if p.natural(best + 1, c) > avail_rest + tol:
                    q = _split(p, a, best + 1, c, lim, avail_rest, midline=True)
                    if q >= 0:
                        best = q
                break
            # The first cluster of the line is wider than the line: unavoidable split.
            best = _split(p, a, a, c, lim, avail, midline=False)
            break
        plan.append((a, best, half_end))  # type: ignore[arg-type]  # half_end may be _HANG (2)
        a = best + 1
    return plan


def _split(p: Prepared, a: int, s: int, c: int, lim: float, avail: float, midline: bool) -> int:
    """Choose a break inside the cluster ending at token ``c`` for a line starting at token ``a``.

    Candidates are joints ``s..c-1`` whose line still fits. Preference: inside a Latin word
    wider than ``avail`` without exposing a kinsoku mark (0), inside such a word (1), at a
    kinsoku joint (2), inside a shorter Latin word (3), inside a dash/ellipsis (4); the last
    candidate of the best rank wins. ``midline`` allows only ranks 0–1 (returns -1 if none);
    otherwise at least one token is always taken.
    """
    S, J, kinds, fl, word_w = p.S, p.J, p.kinds, p.flags, p.word_w
    best_by_rank = [-1] * 5
    for q in range(s, c):
        if S[q + 1] - S[a] + J[q] - J[a] > lim:
            break
        kind = kinds[q]
        if kind == _WORD:
            if word_w[q] > avail + p.tol:
                clean = not (fl[q + 1] & (_NS | _NS_ATT)) and not (fl[q] & (_NE | _NE_ATT))
                rank = 0 if clean else 1
            else:
                rank = 3
        elif kind == _KINSOKU:
            rank = 2
        else:
            rank = 4
        best_by_rank[rank] = q
    ranks = (0, 1) if midline else (0, 1, 2, 3, 4)
    for r in ranks:
        if best_by_rank[r] >= 0:
            return best_by_rank[r]
    return -1 if midline else a


def variant(
    p: Prepared, plan: list[tuple[int, int, bool]], delta: int, avail_first: float, avail_rest: float
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
    base_off = off_grid(p, plan, avail_first, avail_rest)
    for j in range(1, min(VARIANT_LINES, lines - 1) + 1):
        i0 = lines - 1 - j
        a = plan[i0][0]
        base = [avail_first if plan[i][0] == 0 else avail_rest for i in range(i0, i0 + j)]
        step = -2 * p.half if delta > 0 else p.half
        tail = greedy(p, avail_first, avail_rest, start=a, fill=[b + step for b in base])
        new = avoid_lone_last(p, [*plan[:i0], *tail], avail_rest)
        if len(new) == lines + delta:
            found.append((off_grid(p, new, avail_first, avail_rest) - base_off, 0, new))
            break
    if delta > 0 and not p.hanging:
        best = with_lines(p, lines + 1, avail_first, avail_rest)
        if best is not None:
            new = avoid_lone_last(p, best[0], avail_rest)
            if len(new) == lines + 1:
                found.append((off_grid(p, new, avail_first, avail_rest) - base_off, 1, new))
    if not found:
        return None
    extra, _, new = min(found, key=lambda f: f[:2])
    return (new, max(extra, 0)) if extra <= VARIANT_LINES else None


def avoid_lone_last(p: Prepared, plan: list[tuple[int, int, bool]], avail: float) -> list[tuple[int, int, bool]]:
    """No last line holding a single character (+ punctuation): pull one down from the line before.

    The line before then ends at its previous permitted break and is justified with the freed
    space (clreq §3.5: an orphan character is fixed by moving a character down, not by squeezing).
    """
    if len(plan) < 2:
        return plan
    a_last = plan[-1][0]
    n = p.n
    if p.count_prefix[n] - p.count_prefix[a_last] != 1:
        return plan
    a2, e2, _ = plan[-2]
    for q in range(e2 - 1, a2 - 1, -1):
        if p.kinds[q] != _FREE:
            continue
        width = p.natural(q + 1, n - 1)
        if width <= avail + p.tol:
            return [*plan[:-2], (a2, q, False), (q + 1, n - 1, False)]
        return plan
    return plan


# -- balancing (titles) --------------------------------------------------------------------------


def balance(p: Prepared, lines: int, avail: float) -> list[tuple[int, int, bool]] | None:
    """Re-break into exactly ``lines`` lines of similar width (see :func:`balance_lines`)."""
    n, tol, half = p.n, p.tol, p.half
    ends = [k for k in range(n) if k == n - 1 or p.kinds[k] == _FREE]
    lead_w = p.lead_w
    target = (p.natural(0, n - 1) + lead_w) / lines

    def fit(a: int, e: int) -> tuple[float, bool] | None:
        wv = p.natural(a, e) + (lead_w if a == 0 else 0.0)
        if wv <= avail + tol:
            return wv, False
        if p.flags[e] & _CLOSE and wv - half <= avail + tol:
            return wv - half, True
        return None

    def orphan(a: int, e: int) -> bool:
        return p.count_prefix[e + 1] - p.count_prefix[a] <= 2

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
        if fi == first_other and best_plan is not None and best_total < BALANCE.orphan:
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
                    if p.natural(a, e) - half > avail + tol:
                        break
                    if is_last and e != n - 1:
                        continue
                    r = fit(a, e)
                    if r is None:
                        continue
                    wl, hl = r
                    cost = pc + (wl - target) ** 2 + BALANCE.order * max(0.0, wl - w0) + BALANCE.tie * li * wl
                    if is_last and orphan(a, e):
                        cost += BALANCE.orphan
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

