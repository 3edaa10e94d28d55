"""Finalize: glyphs on a line — grid cells, adjacent-mark compression, spreading of the slack."""

from __future__ import annotations

from jianbao.compose.linebreak.costs import EPS as _EPS
from jianbao.compose.linebreak.data import Line, Placed
from jianbao.compose.linebreak.opportunities import _HANG, Prepared


def layout(
    p: Prepared, a: int, e: int, half_end: bool, x0: float, avail: float, justify: bool, last: bool
) -> Line:
    """Place tokens ``a..e`` starting at ``x0`` in ``avail`` pt (leading spaces excluded)."""
    items, idx, hc = p.items, p.idx, p.half
    if half_end == _HANG and e > a:
        # the hanging mark sits just past the measure; the rest of the line is set without it
        body = layout(p, a, e - 1, False, x0, avail, justify, last)
        mark = items[idx[e]]
        placed = Placed(mark.char, body.width, p.w[e] - hc, mark.style)
        return Line((*body.glyphs, placed), body.width, last)
    count = e - a + 1
    adv = p.w[a : e + 1]
    dx = [0.0] * count
    comp, tgt = p.comp, p.comp_tgt
    if half_end:
        adv[-1] -= hc
    slack = avail - sum(adv) - sum(p.extra[a:e])
    squeezed = sum(comp[a:e])  # slack is still that of the uncompressed line here
    if squeezed and not (justify and abs(slack) <= p.tol):
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
            _spread(p, a, e, slack, add)
        elif slack >= -p.tol:  # a lone glyph: its box takes the whole line
            adv[0] += slack

    out: list[Placed] = []
    x = x0
    if a == 0:
        for i in range(p.lead):
            it = items[i]
            out.append(Placed(it.char, x, it.advance, it.style))
            x += it.advance
    lgap = p.lgap
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

def _spread(p: Prepared, a: int, e: int, slack: float, add: list[float]) -> None:
    """Share ``slack`` among the joints of tokens ``a..e`` (into ``add``), in clreq's orders.
    Stretching: Latin word spaces first, up to half a cell each, then Han–Latin gaps, up to a
    third of a cell each, then every gap between units equally (never inside a Latin word or a
    ——/…… pair, unless nothing else can stretch). Shrinking (a line set one line shorter):
    word spaces first, down to a quarter of a cell, then Han–Latin gaps, down to an eighth,
    then every gap equally — a mid-line mark never loses its half cell."""
    joints = range(a, e)
    cell = 2 * p.half
    spaced = [k for k in joints if p.idx[k + 1] > p.idx[k] + 1]  # Latin spaces between
    gapped = [k for k in joints if p.lgap[k] > 0]
    space = {k: p.extra[k] - p.lgap[k] for k in spaced}
    if slack > 0:
        slack = _fill(add, [(k - a, cell / 2 - space[k]) for k in spaced], slack)
        slack = _fill(add, [(k - a, cell / 3 - p.lgap[k]) for k in gapped], slack)
        if slack <= _EPS:
            return
    else:
        take = [0.0] * len(add)
        left = _fill(take, [(k - a, space[k] - cell / 4) for k in spaced], -slack)
        left = _fill(take, [(k - a, p.lgap[k] - cell / 8) for k in gapped], left)
        for j, t in enumerate(take):
            add[j] -= t
        slack = -left
        if left <= _EPS:
            return
    targets = [k - a for k in joints if p.expandable[k]] or [k - a for k in joints]
    share = slack / len(targets)
    for j in targets:
        add[j] += share



def _fill(add: list[float], caps: list[tuple[int, float]], amount: float) -> float:
    """Give ``amount`` to the joints in ``caps`` equally, none beyond its cap (water-filling); returns
    what is left over."""
    order = sorted((cap, j) for j, cap in caps if cap > _EPS)
    for i, (cap, j) in enumerate(order):
        give = min(cap, amount / (len(order) - i))
        add[j] += give
        amount -= give
    return amount


