"""Centred lines that keep their words: titles, subtitles, bylines and datelines (GB/T 9704 §7.3.1:
“回行时，要做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形”).

A title that does not fit on one line is broken only between words (:mod:`.linebreak.words`: the
segmenter under the issue's own names), never between a number and its unit nor inside a short
quotation, and kinsoku applies. Among the candidates with the fewest lines (and one or two more, at
a price) the cost function of the layout's :class:`~jianbao.design.layout.TitleCosts` chooses: a
trapezoid (each line no longer than the one above) or, from three lines, a diamond; no line of one
or two characters; balanced lengths; breaks after 、，： and before 暨/在/的/关于/—— preferred. When
no candidate keeps every word whole, the cheapest one that cuts a word is taken and the caller warns.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Sequence
from typing import NamedTuple

from jianbao.compose.frames import LayoutWarning
from jianbao.compose.linebreak import Item, Line, Measure, balance_lines, break_paragraph, placement, search
from jianbao.compose.linebreak.opportunities import _CLOSE, _FREE, Prepared
from jianbao.compose.linebreak.words import INSIDE_WORD, NUMBER_UNIT, SHORT_QUOTE, Dictionary, title_faults
from jianbao.compose.textset import Face, break_text, items
from jianbao.design.layout import Layout, TitleCosts
from jianbao.model import Issue

__all__ = [
    "TitleBreak", "TitleWarning", "break_title", "break_words", "issue_dictionary", "recipient_keep", "set_title",
    "word_keep",
]

_MAX_STEPS = 60_000  # partial line sets tried per title at most (a 70-character title needs ~10³)
_MAX_LINES = 6  # a longer "title" (a pasted paragraph) is broken between words, greedily, not balanced
_EQUAL = 0.5  # lines whose lengths differ by less than half a cell count as equally long
_LIST_SEPARATORS = "、；;，,"
_OPEN_BRACKETS = "（(《〈「『【〔［"
_CLOSE_BRACKETS = "）)》〉」』】〕］"


class TitleBreak(NamedTuple):
    """The chosen lines, whether every word (number, short quotation) is whole, and the cost."""

    lines: list[Line]
    whole: bool
    cost: float


TitleWarning = LayoutWarning  # a centred line that could not keep every word whole


def set_title(
    text: str, face: Face, width: float, latin_gap: float, costs: TitleCosts, dictionary: Dictionary | None
) -> TitleBreak:
    """A centred text at its style's size: ``latin_gap`` in em (the layout's one spacing rule)."""
    measure = Measure(width=width, cell=face.size, justify=False, latin_gap=latin_gap * face.size)
    return break_title(items([(text, 0)], [face]), measure, text, costs, dictionary)


def warning_text(text: str, lines: Sequence[Line]) -> str:
    """The message for a centred text whose every candidate break cuts a word."""
    chosen = " / ".join(line.text for line in lines)
    return f"标题“{text}”无法只在词与词之间回行，已排为“{chosen}”；请检查，必要时改写标题"


def issue_dictionary(issue: Issue, layout: Layout) -> Dictionary:
    """The names a line of this issue never cuts: the layout's user dictionary, the editing units, the
    office, every recipient of the closing block, every byline."""
    names: list[str] = [*layout.typography.dictionary, *issue.units, issue.office]
    for d in issue.closing.distribution:
        for group in d.groups:
            names += _split_list(group)
    for article in issue.articles:
        if article.byline:
            names += _split_list(article.byline)
    return Dictionary(names)


def _list_breaks(text: str) -> list[int]:
    """Positions right after a list separator (、；，) outside brackets: 各县（市、区）工商联 is one item."""
    depth = 0
    out = []
    for i, ch in enumerate(text):
        if ch in _OPEN_BRACKETS:
            depth += 1
        elif ch in _CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        elif ch in _LIST_SEPARATORS and depth == 0:
            out.append(i + 1)
    return out


def _split_list(text: str) -> list[str]:
    """The items of a list such as 市委办公室、市政府办公室；各县（市、区）工商联。"""
    bounds = [0, *_list_breaks(text), len(text) + 1]
    pieces = (text[a:b - 1] for a, b in itertools.pairwise(bounds))
    return [p.strip("。 ") for p in pieces if p.strip("。 ")]


def word_keep(text: str, dictionary: Dictionary | None, quote_chars: int = 8) -> frozenset[int]:
    """The indices of ``text`` no line may start with, for lines that keep their words (contents
    entries): inside a word, between a number and its unit, inside a short quotation."""
    faults = title_faults(text, dictionary, quote_chars)
    return frozenset(i for i in range(1, len(text)) if faults[i])


def break_words(
    text: str, face: Face, measure: Measure, dictionary: Dictionary | None, keep: Collection[int] | None = None,
    quote_chars: int = 8,
) -> list[Line]:
    """A justified or ragged text (a contents entry, a closing-block line) broken only between words:
    ``keep`` (default :func:`word_keep`) is worked out, and the segmenter asked, only when the text
    does not fit on one line."""
    lines = break_text([(text, 0)], [face], measure)
    if len(lines) <= 1:
        return lines
    if keep is None:
        keep = word_keep(text, dictionary, quote_chars)
    return break_text([(text, 0)], [face], measure, keep)


def recipient_keep(text: str, start: int = 0) -> frozenset[int]:
    """For a list of recipients (送：a、b；c。): no line starts anywhere but after 、 or ； (or a
    comma) outside brackets, from ``start`` on (the label before it stays whole too)."""
    breaks = set(_list_breaks(text[start:]))
    return frozenset(i for i in range(1, len(text)) if i < start or i - start not in breaks)


def break_title(
    items: Sequence[Item], m: Measure, text: str, costs: TitleCosts, dictionary: Dictionary | None = None
) -> TitleBreak:
    """Break centred ``items`` (one per character of ``text``) into lines of at most ``m.width``,
    keeping words whole (see the module). Lines are set at natural widths from x = 0 (the caller
    centres each line using ``Line.width``)."""
    p = Prepared(items, m, 0.0)
    n = p.n
    if n == 0:
        return TitleBreak([], True, 0.0)
    width, tol, half = m.width, p.tol, p.half
    if p.natural(0, n - 1) + p.lead_w <= width + tol:
        return TitleBreak([placement.layout(p, 0, n - 1, False, 0.0, width - p.lead_w, False, True)], True, 0.0)
    greedy = search.greedy(p, width - p.lead_w, width)
    if len(items) != len(text) or any(e != n - 1 and p.kinds[e] != _FREE for _, e, _ in greedy):
        # a run with no permitted break wider than the line: the character-count balance
        return TitleBreak(balance_lines(items, m), False, float("inf"))
    faults = title_faults(text, dictionary, costs.quote_chars)
    joint_cost: list[float] = [0.0] * max(n - 1, 0)
    joint_fault: list[int] = [0] * max(n - 1, 0)
    for k in range(n - 1):
        i, j = p.idx[k], p.idx[k + 1]
        fault = faults[j] if j == i + 1 else 0  # a Latin space between: a word boundary
        joint_fault[k] = fault
        c = (costs.inside_word if fault & INSIDE_WORD else 0.0) + (costs.number_unit if fault & NUMBER_UNIT else 0.0)
        c += costs.short_quote if fault & SHORT_QUOTE else 0.0
        if text[i] in costs.pauses or j > i + 1:  # after 、，：； or at a space between two phrases
            c += costs.after_pause
        elif any(text.startswith(w, j) for w in costs.connectives):
            c += costs.before_connective
        elif text[j] in costs.particles:
            c += costs.particle
        else:
            c += costs.plain
        joint_cost[k] = c
    fewest = len(greedy)
    if fewest > _MAX_LINES:
        return _ragged(items, m, text, joint_fault, p)
    search_ = _Search(p, costs, width, tol, half, joint_cost, fewest)
    free = [k for k in range(n - 1) if p.kinds[k] == _FREE]
    clean = [k for k in free if not joint_fault[k]]
    best = search_.run(clean, range(fewest, fewest + 3))
    if best is None:
        best = search_.run(free, range(fewest, fewest + 2))
    if best is None:  # cannot happen (the greedy break is a candidate); keep the old balance
        return TitleBreak(balance_lines(items, m), False, float("inf"))
    cost, plan = best
    whole = all(not joint_fault[e] for _, e, _ in plan[:-1])
    lines = []
    for li, (a, e, half_end) in enumerate(plan):
        avail = width - (p.lead_w if a == 0 else 0.0)
        lines.append(placement.layout(p, a, e, half_end, 0.0, avail, False, li == len(plan) - 1))
    return TitleBreak(lines, whole, cost)


def _ragged(items: Sequence[Item], m: Measure, text: str, joint_fault: list[int], p: Prepared) -> TitleBreak:
    """A very long centred text: lines as full as they go, broken only between words where it can."""
    keep = {p.idx[k + 1] for k, fault in enumerate(joint_fault) if fault}
    measure = Measure(width=m.width, cell=m.cell, latin_gap=m.latin_gap, compress_adjacent=m.compress_adjacent,
                      justify=False)
    lines = break_paragraph(items, measure, keep)
    pos, whole = 0, True
    for line in lines[:-1]:
        pos = text.find(line.text, pos) + len(line.text)
        k = next((k for k in range(p.n - 1) if p.idx[k + 1] >= pos), None)  # the joint broken at
        whole = whole and (k is None or not joint_fault[k])
    return TitleBreak(lines, whole, float("inf"))


class _Search:
    """Every set of breaks at the given joints into a given number of lines, costed."""

    def __init__(
        self, p: Prepared, costs: TitleCosts, width: float, tol: float, half: float,
        joint_cost: list[float], fewest: int,
    ) -> None:
        self.p, self.costs, self.width, self.tol, self.half = p, costs, width, tol, half
        self.joint_cost, self.fewest = joint_cost, fewest
        self.cell = 2 * half

    def fit(self, a: int, e: int) -> tuple[float, bool] | None:
        p = self.p
        wv = p.natural(a, e) + (p.lead_w if a == 0 else 0.0)
        if wv <= self.width + self.tol:
            return wv, False
        if p.flags[e] & _CLOSE and wv - self.half <= self.width + self.tol:
            return wv - self.half, True
        return None

    def run(self, ends: list[int], counts: Iterable[int]) -> tuple[float, list[tuple[int, int, bool]]] | None:
        best: tuple[float, list[tuple[int, int, bool]]] | None = None
        self.trials = 0
        for lines in counts:
            found = self._lines(ends, lines)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return best

    def _lines(self, ends: list[int], count: int) -> tuple[float, list[tuple[int, int, bool]]] | None:
        p, n = self.p, self.p.n
        best: list[tuple[float, list[tuple[int, int, bool]]]] = []
        plan: list[tuple[int, int, bool]] = []
        widths: list[float] = []
        first_end = 0

        def rec(a: int, start: int, left: int, price: float) -> None:
            self.trials += 1
            if self.trials > _MAX_STEPS:
                return
            if left == 1:
                r = self.fit(a, n - 1)
                if r is None:
                    return
                plan.append((a, n - 1, r[1]))
                widths.append(r[0])
                total = price + self.shape_cost(widths, plan) + self.costs.extra_line * (count - self.fewest)
                if not best or total < best[0][0] - 1e-9:
                    best[:] = [(total, list(plan))]
                plan.pop()
                widths.pop()
                return
            rest_room = (left - 1) * (self.width + self.tol)
            for ei in range(start, len(ends)):
                e = ends[ei]
                if e < a:
                    continue
                if p.natural(a, e) - self.half > self.width + self.tol:
                    break
                if p.natural(e + 1, n - 1) > rest_room:
                    continue  # the rest cannot fit in the lines left
                if p.natural(a, e) < shortest:
                    continue  # far shorter than the mean: never the cheapest (balance), not worth trying
                r = self.fit(a, e)
                if r is None:
                    continue
                plan.append((a, e, r[1]))
                widths.append(r[0])
                rec(e + 1, ei + 1, left - 1, price + self.joint_cost[e])
                plan.pop()
                widths.pop()

        shortest = 0.35 * (p.natural(0, n - 1) / count)
        rec(0, first_end, count, 0.0)
        return best[0] if best else None

    def shape_cost(self, widths: list[float], plan: list[tuple[int, int, bool]]) -> float:
        """Balance, shape (trapezoid or diamond) and short lines of one candidate."""
        c, cp = self.costs, self.p.count_prefix
        cells = [w / self.cell for w in widths]
        count = len(cells)
        mean = sum(cells) / count
        total = c.balance * sum((w - mean) ** 2 for w in cells) / count
        total += c.short_line * sum(1 for a, e, _ in plan if cp[e + 1] - cp[a] <= 2)
        eps = _EQUAL
        rises = sum(1 for i in range(count - 1) if cells[i + 1] > cells[i] + eps)
        if rises:
            total += c.diamond if is_diamond(cells, eps) else c.shape * rises
        return total


def is_trapezoid(cells: Sequence[float], eps: float = 0.5) -> bool:
    """Each line no longer than the one above (上长下短), within ``eps`` cells."""
    return all(cells[i + 1] <= cells[i] + eps for i in range(len(cells) - 1))


def is_diamond(cells: Sequence[float], eps: float = 0.5) -> bool:
    """Three lines or more, longest in the middle: lengths rise to a line that is neither the first
    nor the last, then fall."""
    count = len(cells)
    if count < 3:
        return False
    top = max(range(count), key=lambda i: (cells[i], -i))
    if top in (0, count - 1) or cells[0] > cells[top] - eps or cells[-1] > cells[top] - eps:
        return False
    rising = all(cells[i + 1] >= cells[i] - eps for i in range(top))
    falling = all(cells[i + 1] <= cells[i] + eps for i in range(top, count - 1))
    return rising and falling
