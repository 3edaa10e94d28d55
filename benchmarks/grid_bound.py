#!/usr/bin/env python3
"""How many pure-Han full lines can be on the 28-cell grid at best? An exact bound per paragraph.

    .venv/bin/python benchmarks/grid_bound.py                          # 2018-06
    .venv/bin/python benchmarks/grid_bound.py 2018-06 path/to/2019-03.yaml
    .venv/bin/python benchmarks/grid_bound.py 2018-06 --generated 6 --seed 7   # and 6 generated issues
    .venv/bin/python benchmarks/grid_bound.py --paragraphs             # one row per paragraph too

``grid.on_grid`` of the shared checker counts the full body lines made only of Han characters and
CJK punctuation whose every glyph origin is at L + k × pitch. Under the other rules the issue keeps —
no kinsoku fault (no line starts with a closing mark or ends with an opening one, no split ——/……,
no broken Latin/digit run), every non-last line flush at both edges, no isolated mid-line mark
narrower than a cell (only adjacent marks compress, a line-end closing mark may take half a cell),
no hanging punctuation, no last line of one Han character (+ punctuation) — such a line is on the
grid only when it holds exactly its cells of content at full width (28, or 26 after the first
line's indent). The breaks of a paragraph are forced wherever they can be, and a kinsoku conflict
costs a line off the grid unless a line holding Latin letters or digits (not counted) or the
paragraph's last line can take it.

For every body paragraph (itemised exactly as ``StoryBuilder.paragraph`` does, by running it) this
script finds the least number of counted lines off the grid by an exact dynamic programme over the
permitted breaks, for a looseness limit of 1, 2, 3 cells and none (how far a non-last line may fall
short of the measure before justification). It reuses the breaker's own arrays
(``jianbao.compose.linebreak._Para``: break points, widths, flags) and its ``layout``; a permitted break is
a free joint of the breaker that the checker's kinsoku lists do not forbid either. The grid status
of a line is measured on its layout, as the checker measures it; without a limit a line counts as
on the grid only when its glyphs fill consecutive cells (else a line of two glyphs at both edges
would count: ``--letter-spaced`` shows that degenerate case). A paragraph's last line is counted
when it reaches the right edge, as the checker takes such a line for a full one. The search keeps,
per line start, the Pareto-best (off-grid, on-grid) counts, so it also gives the best fraction when
the number of lines is free (a paragraph set in more lines may count more lines).

Printed per issue: the natural break (the breaker's plan) and the checker's figure for the PDF that
``make-issue`` builds in this run, reconciled line by line (lines of a paragraph that the page
make-up set one line longer or shorter, ``paragraph_variants``, are named as such); per limit the
least off-grid lines, the on-grid fraction at that minimum, the best fraction with the line count
free, and the least off-grid lines when lines holding Latin/digits may be at most 1 cell loose (the
breaker's preference until it let such lines take up to 2 cells, linebreak._LATIN_LOOSE). Then a
summary table, one row per issue.

Cross-checks, on every paragraph and limit (the script stops with an error otherwise): the bound is
attained — a witness break sequence, laid out by the breaker and judged line by line with the
checker's rules, has exactly that many lines off the grid and no line looser than the limit — and it
is never worse than the breaker's own plan whenever that plan keeps the rules and the limit. The
bound is per natural paragraph: page make-up may lengthen a paragraph and cost grid lines.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jianbao.compose.linebreak import Item, Line, Measure, paragraph_variants, placement
from jianbao.compose.linebreak import Prepared as _Para
from jianbao.compose.linebreak import lay_out as _lay_out
from jianbao.compose.linebreak import plan_paragraph as _plan
from jianbao.compose.linebreak.opportunities import _CLOSE, _FREE

ROOT = Path(__file__).resolve().parents[1]
PDFCHECK = Path(os.environ.get("JIANBAO_SHARED") or ROOT.parent / "shared") / "tools" / "pdfcheck"
MAKE_ISSUE = ROOT / ".venv" / "bin" / "make-issue"

LIMITS: tuple[float | None, ...] = (1, 2, 3, None)  # looseness limits in cells; None: unlimited
INF = math.inf

# --- the checker's definitions (copied from ../shared/tools/pdfcheck.py, which imports no project code) ---

_CJK_PUNCT_EXTRA = frozenset("“”‘’—…⋯―·")
NO_START = frozenset("，。、；：？！）】》」』”’…—·％" + ",.;:?!)%" + "〕］｝〉〗〙｠]}・‧")
NO_END = frozenset("（【《「『“‘" + "(" + "〔［｛〈〖〘｟[{")
NO_SPLIT = frozenset("…—⋯―")
URLISH = frozenset("._-/:@%#&=?+~")
SQUEEZABLE = frozenset("，、；：。？！")
PUNCT_NEIGHBOUR = frozenset("，、；：。？！“”‘’（）《》〈〉【】「」『』—…")
GRID_TOL_PT = 0.15  # grid.on_grid: a glyph origin this close to a cell boundary is on it
FULL_TOL_PT = 0.5  # a paragraph's last line ending this close to the right edge is taken for a full line


def is_han(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF or ch == "〇")


def is_cjk_punct(ch: str) -> bool:
    o = ord(ch)
    if ch in _CJK_PUNCT_EXTRA or 0xFE10 <= o <= 0xFE1F or 0xFE30 <= o <= 0xFE4F:
        return True
    return (0x3001 <= o <= 0x303F or 0xFF01 <= o <= 0xFF65) and ch != "〇" \
        and unicodedata.category(ch).startswith("P")


def is_latin_alnum(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ"


def pure_han(text: str) -> bool:
    """Whether the checker counts a full line with this text (whitespace ignored)."""
    return all(is_han(ch) or is_cjk_punct(ch) for ch in text if not ch.isspace())


def is_single_han(text: str) -> bool:
    """One Han character, optionally followed by punctuation (a one-character last line)."""
    s = "".join(ch for ch in text if not ch.isspace())
    return bool(s) and is_han(s[0]) and all(is_cjk_punct(ch) or (ch.isascii() and not ch.isalnum())
                                            for ch in s[1:])


# --- the bound for one paragraph ----------------------------------------------------------------------


@dataclass
class LineInfo:
    text: str
    pure: bool  # only Han characters and CJK punctuation
    counted: bool  # pure and, for the checker, a full line: not the last, or a last one that fills the measure
    on_grid: bool  # every glyph origin within 0.15 pt of a cell boundary, as laid out
    slack: float  # cells short of the measure before justification


# A front: the Pareto-best (off-grid, on-grid) pure-Han full line counts of the text from one line
# start, fewest off first (and, for each, the most on). Entry: (off, on, end of the first line,
# its last mark at half width, index of the entry continued in the front after that line).
Front = list[tuple[int, int, int, bool, int]]


def pareto(entries: list[tuple[int, int, int, bool, int]]) -> Front:
    """Drop entries with no fewer off-grid and no more on-grid lines than another (they can never
    give a better paragraph, whatever follows)."""
    out: Front = []
    for entry in sorted(entries, key=lambda t: (t[0], -t[1])):
        if not out or entry[1] > out[-1][1]:
            out.append(entry)
    return out


class Candidates:
    """The lines a paragraph may be broken into under the rules, on top of the breaker's ``_Para``."""

    def __init__(self, items: Sequence[Item], m: Measure) -> None:
        self.items, self.m = items, m
        self.para = para = _Para(items, m, m.first_indent)
        self.avail_first = m.width - m.first_indent - para.lead_w
        self.avail_rest = m.width - m.indent
        self.cell = 2 * para.half
        self.impure = [0] * (para.n + 1)  # prefix count of tokens that make a line not pure-Han
        for k in range(para.n):
            self.impure[k + 1] = self.impure[k] + (0 if pure_han(items[para.idx[k]].char) else 1)
        # Permitted breaks: the breaker's free joints, less any the checker's kinsoku lists forbid
        # (they name a few marks the breaker's do not: ％ ｠ ‧ at a line start, ｟ at its end).
        chars = [items[k].char for k in para.idx]
        self.breaks = [para.kinds[k] == _FREE and chars[k + 1] not in NO_START and chars[k] not in NO_END
                       for k in range(para.n - 1)]
        self.next_break = [para.n - 1] * para.n  # the first permitted break at or after joint k
        for k in range(para.n - 2, -1, -1):
            self.next_break[k] = k if self.breaks[k] else self.next_break[k + 1]
        self._measured: dict[tuple[int, int, bool], bool] = {}
        self._last: dict[tuple[int, int, bool], tuple[int, int]] = {}

    def avail(self, a: int) -> float:
        return self.avail_first if a == 0 else self.avail_rest

    def fits(self, a: int, e: int) -> tuple[float, bool] | None:
        """Natural width of tokens a..e (adjacent marks compressed) and whether the last mark must
        take half a cell to fit; None if the line is too wide either way."""
        para = self.para
        lim = self.avail(a) + para.tol
        wc = para.natural(a, e)
        if wc <= lim:
            return wc, False
        if para.flags[e] & _CLOSE and wc - para.half <= lim:
            return wc, True
        return None

    def slack(self, a: int, wc: float, half_end: bool) -> float:
        """How many cells a line is short of the measure before justification."""
        return (self.avail(a) - wc + (self.para.half if half_end else 0.0)) / self.cell

    def text(self, a: int, e: int) -> str:
        return "".join(self.items[self.para.idx[k]].char for k in range(a, e + 1))

    def pure(self, a: int, e: int) -> bool:
        return self.impure[e + 1] == self.impure[a]

    def strict_on(self, a: int, e: int, half_end: bool) -> bool:
        """Its glyphs fill consecutive cells: the line fills the measure with every mark full width."""
        return not half_end and self.para.on_grid(a, e, self.avail(a))

    def measured_on(self, a: int, e: int, half_end: bool) -> bool:
        """Laid out flush by the breaker, is every glyph origin on a cell boundary (as pdfcheck sees it)?
        Also true of a letter-spaced line whose gaps happen to be whole cells."""
        key = (a, e, half_end)
        if key not in self._measured:
            m = self.m
            x0 = m.first_indent if a == 0 else m.indent
            line = placement.layout(self.para, a, e, half_end, x0, self.avail(a), True, False)
            self._measured[key] = on_cells([g.x + g.dx for g in line.glyphs if not g.char.isspace()], m.cell)
        return self._measured[key]

    def last_line(self, a: int, e: int, half_end: bool) -> tuple[int, int]:
        """(off, on) the grid as the checker counts a paragraph's last line (tokens ``a..e``): only a
        pure-Han one that reaches the block's right edge (within 0.5 pt) is taken for a full line."""
        key = (a, e, half_end)
        if key not in self._last:
            m = self.m
            x0 = m.first_indent if a == 0 else m.indent
            line = placement.layout(self.para, a, e, half_end, x0, self.avail(a), False, True)
            if not self.pure(a, e) or abs(line.width - m.width) > FULL_TOL_PT:
                self._last[key] = (0, 0)
            else:
                on = on_cells([g.x + g.dx for g in line.glyphs if not g.char.isspace()], m.cell)
                self._last[key] = (0, 1) if on else (1, 0)
        return self._last[key]

    def search(self, limit: float | None, latin_limit: float | None = None, letter_spaced: bool = False
               ) -> list[Front | None]:
        """The dynamic programme over line starts, from the paragraph's end: ``f[a]`` is the front of
        the text from token ``a``. Lines start at token 0 or after a permitted break (a free joint:
        no kinsoku mark exposed, no ——/…… or Latin word split); a non-last line is flush, so not a
        lone glyph short of the measure, and no looser than ``limit`` cells (one holding Latin letters
        or digits no looser than ``latin_limit`` either); the last line may not hold a single Han
        character (+ punctuation) unless it is the only one. A pure-Han line's grid status is
        measured on its layout (``measured_on``, as the checker does) within a limit or with
        ``letter_spaced``; without a limit it is on the grid only when its glyphs fill consecutive
        cells (``strict_on``), or any line of two glyphs at both edges would count."""
        para = self.para
        n, nf = para.n, self.next_break
        measured = letter_spaced or limit is not None
        f: list[Front | None] = [None] * (n + 1)
        f[n] = [(0, 0, n, False, -1)]
        for a in range(n - 1, -1, -1):
            if a > 0 and not self.breaks[a - 1]:
                continue  # no line starts here
            entries: list[tuple[int, int, int, bool, int]] = []
            e = nf[a]
            while True:
                fit = self.fits(a, e)
                if fit is None:
                    break  # every later break makes the line wider still
                wc, half_end = fit
                if e == n - 1:
                    if a == 0 or not is_single_han(self.text(a, e)):
                        entries.append((*self.last_line(a, e, half_end), e, half_end, 0))
                    break
                rest = f[e + 1]
                pure = self.pure(a, e)
                cap = limit if pure or latin_limit is None else min(latin_limit, INF if limit is None else limit)
                slack = self.slack(a, wc, half_end)
                lone = e == a and slack > 1e-6  # one glyph cannot be flush at both edges
                if rest is not None and not lone and (cap is None or slack <= cap + 1e-9):
                    if not pure:
                        on = off = 0
                    else:
                        grid = (self.measured_on if measured else self.strict_on)(a, e, half_end)
                        on, off = (1, 0) if grid else (0, 1)
                    entries += [(r[0] + off, r[1] + on, e, half_end, j) for j, r in enumerate(rest)]
                e = nf[e + 1]
            f[a] = pareto(entries) or None
        return f

    def witness(self, f: list[Front | None]) -> list[tuple[int, int, bool]]:
        """The break sequence of the first (fewest off-grid, then most on-grid) entry of ``f[0]``."""
        plan: list[tuple[int, int, bool]] = []
        a, j = 0, 0
        while a < self.para.n:
            front = f[a]
            assert front is not None
            _, _, e, half_end, j = front[j]
            plan.append((a, e, half_end))
            a = e + 1
        return plan

    def check(self, plan: list[tuple[int, int, bool]]) -> tuple[list[LineInfo], list[str]]:
        """Lay a plan out with the breaker's own ``layout`` and judge it as the checker would: the
        lines, and the rules they break (kinsoku, a split ——/……, a broken Latin/digit run, a line
        past the measure, a non-last line not flush, a lone mid-line mark squeezed, a one-character
        last line)."""
        para, m = self.para, self.m
        lines = _lay_out(para, plan, m, self.avail_first, self.avail_rest)
        out: list[LineInfo] = []
        faults: list[str] = []
        for i, ((a, e, half_end), line) in enumerate(zip(plan, lines, strict=True)):
            glyphs = [g for g in line.glyphs if not g.char.isspace()]
            text = "".join(g.char for g in glyphs)
            slack = self.slack(a, para.natural(a, e), half_end)
            pure = pure_han(text)
            counted = pure and (not line.last or abs(line.width - m.width) <= FULL_TOL_PT)
            out.append(LineInfo(text, pure, counted, on_cells([g.x + g.dx for g in glyphs], m.cell), slack))
            where = f"line {i + 1} {text[:12]}…"
            if i > 0 and text[0] in NO_START:  # (how the paragraph starts and ends is the author's)
                faults.append(f"{where}: starts with {text[0]}")
            if not line.last and text[-1] in NO_END:
                faults.append(f"{where}: ends with {text[-1]}")
            if line.width > m.width + para.tol:
                faults.append(f"{where}: past the measure")
            right = glyphs[-1].x + para.w[e] - (para.half if half_end else 0.0)  # its box, unstretched
            if not line.last and abs(right - m.width) > para.tol:
                faults.append(f"{where}: not flush")
            for k, g in enumerate(glyphs[:-1]):
                before = glyphs[k - 1].char if k else ""
                if (g.char in SQUEEZABLE and g.advance < 0.9 * m.cell and before not in PUNCT_NEIGHBOUR
                        and glyphs[k + 1].char not in PUNCT_NEIGHBOUR):
                    faults.append(f"{where}: lone {g.char} squeezed")
            if i + 1 < len(plan):
                x, y = text[-1], self.items[para.idx[e + 1]].char
                if x == y and x in NO_SPLIT:
                    faults.append(f"{where}: {x}{y} split")
                spaced = para.idx[e + 1] != para.idx[e] + 1
                if (not spaced and (is_latin_alnum(x) or x in URLISH) and (is_latin_alnum(y) or y in URLISH)
                        and (is_latin_alnum(x) or is_latin_alnum(y))):
                    faults.append(f"{where}: Latin/digit run {x}|{y} broken")
            elif i > 0 and is_single_han(text):
                faults.append(f"{where}: one-character last line")
        return out, faults


def judge(line: Line, m: Measure) -> tuple[str, bool] | None:
    """(text, on the grid) of a laid-out line the checker counts (pure-Han and full); else None."""
    glyphs = [g for g in line.glyphs if not g.char.isspace()]
    text = "".join(g.char for g in glyphs)
    if not pure_han(text) or (line.last and abs(line.width - m.width) > FULL_TOL_PT):
        return None
    return text, on_cells([g.x + g.dx for g in glyphs], m.cell)


def on_cells(xs: Sequence[float], cell: float) -> bool:
    return all(abs(x - round(x / cell) * cell) <= GRID_TOL_PT for x in xs)


# The rows of the table: (looseness limit in cells or None, lines holding Latin/digits at most 1 cell
# loose, on the grid as measured (letter-spaced lines with whole-cell gaps count)).
Case = tuple[float | None, bool, bool]
CASES: tuple[Case, ...] = (*((lim, False, False) for lim in LIMITS), *((lim, True, False) for lim in LIMITS))
LETTER_SPACED: Case = (None, False, True)  # --letter-spaced: what the checker alone would allow


@dataclass
class ParaBound:
    """The bound for one paragraph and what the breaker does with it."""

    lines: list[LineInfo]  # the breaker's plan (break_paragraph's), last line included
    faults: list[str]  # rules that plan breaks (none, unless a run is wider than a line)
    fronts: dict[Case, Front]  # case → front of the whole paragraph ([] if no break sequence keeps the rules)

    @property
    def full(self) -> list[LineInfo]:
        return self.lines[:-1]

    @property
    def counted(self) -> int:
        """Pure-Han lines the checker counts (the full ones)."""
        return sum(ln.counted for ln in self.lines)

    @property
    def off(self) -> int:
        return sum(ln.counted and not ln.on_grid for ln in self.lines)

    @property
    def loosest(self) -> float:
        return max((ln.slack for ln in self.full), default=0.0)

    def best(self, case: Case) -> tuple[int, int] | None:
        """(least off-grid, most on-grid with that few off) pure-Han full lines; None if infeasible."""
        front = self.fronts[case]
        return (front[0][0], front[0][1]) if front else None


def paragraph_bound(items: Sequence[Item], m: Measure, cases: Sequence[Case] = CASES) -> ParaBound:
    """The bound of one paragraph and the breaker's own plan, cross-checked both ways: the bound is
    attained (a witness plan, laid out by the breaker's ``layout``, keeps every rule, has that many
    pure-Han full lines off the grid as measured from its glyph positions, and no line looser than
    the limit), and it is never worse than the breaker's plan when that plan is among those searched."""
    c = Candidates(items, m)
    para = c.para
    if para.n == 0:
        return ParaBound([], [], {case: [(0, 0, 0, False, 0)] for case in cases})
    plan = _plan(para, m, c.avail_first, c.avail_rest)
    lines, faults = c.check(plan)
    if m.hanging or not m.justify:
        faults.append("hanging punctuation or ragged lines: not this bound's rules")
    bound = ParaBound(lines, faults, {})
    strict_off = sum(c.pure(a, e) and not c.strict_on(a, e, h) for a, e, h in plan[:-1]) + c.last_line(*plan[-1])[0]
    loosest_latin = max((ln.slack for ln in bound.full if not ln.pure), default=0.0)
    head = "".join(it.char for it in items)[:24]
    eps = 1e-9
    for case in cases:
        limit, latin1, letter_spaced = case
        measured = letter_spaced or limit is not None  # how search judges the grid in this case
        f = c.search(limit, 1 if latin1 else None, letter_spaced)
        bound.fronts[case] = f[0] or []
        if not f[0]:
            continue
        off, on = f[0][0][:2]
        plan_w = c.witness(f)
        w_lines, w_faults = c.check(plan_w)
        w_full = w_lines[:-1]
        if measured:
            w_counts = (sum(ln.counted and not ln.on_grid for ln in w_lines),
                        sum(ln.counted and ln.on_grid for ln in w_lines))
        else:
            last = c.last_line(*plan_w[-1])
            w_counts = (sum(c.pure(a, e) and not c.strict_on(a, e, h) for a, e, h in plan_w[:-1]) + last[0],
                        sum(c.pure(a, e) and c.strict_on(a, e, h) for a, e, h in plan_w[:-1]) + last[1])
        bad = list(w_faults)
        if w_counts != (off, on):
            bad.append(f"{w_counts} (off, on) the grid")
        if limit is not None and any(ln.slack > limit + eps for ln in w_full):
            bad.append("a line too loose")
        if latin1 and any(ln.slack > 1 + eps for ln in w_full if not ln.pure):
            bad.append("a line with Latin/digits too loose")
        if bad:
            raise AssertionError(f"witness for {case} of {head}…: {bad} (bound {off} off, {on} on)")
        searched = not faults and (limit is None or bound.loosest <= limit + eps) and (
            not latin1 or loosest_latin <= 1 + eps)
        if searched and off > (bound.off if measured else strict_off):
            raise AssertionError(f"bound worse than the breaker for {case} of {head}…: {off} off the grid, "
                                 f"the breaker {bound.off if measured else strict_off}")
    return bound


# --- an issue ----------------------------------------------------------------------------------------


@dataclass
class IssueBound:
    name: str
    cases: Sequence[Case] = CASES
    paragraphs: list[ParaBound] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the first characters of each paragraph
    # per paragraph: (text, on the grid) of the counted lines of its page make-up variants (±1 line)
    variants: list[list[tuple[str, bool]]] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return sum(p.counted for p in self.paragraphs)

    @property
    def off(self) -> int:
        return sum(p.off for p in self.paragraphs)

    def best(self, case: Case) -> tuple[int, int] | None:
        """(least off-grid, most on-grid with that few off), summed over the paragraphs."""
        values = [p.best(case) for p in self.paragraphs]
        if any(v is None for v in values):
            return None
        return sum(v[0] for v in values if v), sum(v[1] for v in values if v)

    def impossible(self, case: Case) -> str:
        return f"impossible for {sum(not p.fronts[case] for p in self.paragraphs)} ¶"

    def best_fraction(self, case: Case) -> tuple[int, int] | None:
        """(on-grid, considered) with the highest fraction over every break sequence of every paragraph,
        the number of pure-Han full lines free (a paragraph set in more lines may count more)."""
        total = [(0, 0)]
        for p in self.paragraphs:
            front = p.fronts[case]
            if not front:
                return None
            pairs = [(a[0] + b[0], a[1] + b[1], 0, False, 0) for a in total for b in front]
            total = [(e[0], e[1]) for e in pareto(pairs)]
        off, on = max((t for t in total if t[0] + t[1]), key=lambda t: (t[1] / (t[0] + t[1]), t[1]), default=(0, 0))
        return on, on + off


def issue_paragraphs(source: Path) -> list[tuple[list[Item], Measure]]:
    """Each body paragraph of the issue as the build itemises it: ``StoryBuilder.paragraph`` is run
    with a composer memory (``compose.memo.Fresh``) that records what it is asked to break."""
    from jianbao.compose.linebreak import BrokenParagraph
    from jianbao.compose.memo import Fresh
    from jianbao.compose.story import StoryBuilder
    from jianbao.compose.textset import Face, items
    from jianbao.model import Paragraph
    from jianbao.pipeline import Project, prepare, register_fonts

    prepared = prepare(source, Project(ROOT))
    assert prepared.assignment is not None
    fonts = register_fonts(prepared.fonts, prepared.assignment)
    seen: list[tuple[list[Item], Measure]] = []

    class Recording(Fresh):
        def break_paragraph(self, runs: Sequence[tuple[str, int]], faces: Sequence[Face],
                            measure: Measure) -> BrokenParagraph:
            seen.append((items(runs, faces), measure))
            return super().break_paragraph(runs, faces, measure)

    builder = StoryBuilder(prepared.issue, prepared.layout, fonts, Recording())
    for article in prepared.issue.articles:
        for block in article.body:
            if isinstance(block, Paragraph):
                builder.paragraph(block)
    return seen


def bound_issue(source: Path, cases: Sequence[Case] = CASES) -> IssueBound:
    out = IssueBound(source.stem, cases)
    for items, m in issue_paragraphs(source):
        out.paragraphs.append(paragraph_bound(items, m, cases))
        out.texts.append("".join(it.char for it in items[:14]))
        out.variants.append([judged for v in paragraph_variants(items, m).values() for line in v.lines
                             if (judged := judge(line, m)) is not None])
    return out


# --- what make-issue achieved --------------------------------------------------------------------------


@dataclass
class Checked:
    on: int
    considered: int
    counted: list[tuple[str, bool, int, int]]  # (text, on the grid, page, line) of every counted line


def build_and_check(source: Path, out_dir: Path) -> Checked | None:
    """Build the issue with make-issue and measure it with pdfcheck (None without the checker)."""
    subprocess.run([str(MAKE_ISSUE), str(source), "--root", str(ROOT), "--out", str(out_dir)],
                   check=True, capture_output=True)
    if not PDFCHECK.exists():
        return None
    proc = subprocess.run([str(PDFCHECK), str(out_dir / f"{source.stem}.pdf"), "--json", "--dump-lines",
                           "--max-examples", "100000"], capture_output=True, text=True, check=True)
    rep = json.loads(proc.stdout)
    grid = rep["grid"]
    off = {(x["page"], x["line"]) for x in grid.get("examples", [])}
    counted = [("".join(ch for ch in ln["text"] if not ch.isspace()), (ln["page"], ln["line"]) not in off,
                ln["page"], ln["line"])
               for ln in rep["line_dump"] if ln["body"] and ln["full"] and pure_han(ln["text"])]
    assert len(counted) == grid["lines_considered"], (len(counted), grid["lines_considered"])
    return Checked(grid["lines_on_grid"], grid["lines_considered"], counted)


def reconcile(b: IssueBound, c: Checked) -> list[str]:
    """Why the checker's count differs from the breaker's natural break, line by line (by text and
    grid status): lines of a paragraph the page make-up set one line longer (or shorter), then the rest."""
    natural = [[(ln.text, ln.on_grid) for ln in p.lines if ln.counted] for p in b.paragraphs]
    pool = {(i, t) for i, lines in enumerate(natural) for t in lines}  # lines are unique enough to key on
    theirs = []
    for text, on, page, line in c.counted:
        hit = next((key for key in pool if key[1] == (text, on)), None)
        if hit is not None:
            pool.discard(hit)
        else:
            theirs.append((text, on, page, line))
    same = sum(len(lines) for lines in natural) - len(pool)
    made_up: set[int] = set()
    notes: list[str] = []
    rest = []
    for text, on, page, line in theirs:
        i = next((i for i, v in enumerate(b.variants) if (text, on) in v), None)
        if i is None:
            rest.append((text, on, page, line))
        else:
            made_up.add(i)
    gone = [(i, t) for i, t in pool if i in made_up]
    new = len(theirs) - len(rest)
    if made_up:
        notes.append(f"    page make-up: {len(made_up)} paragraph(s) set as a variant one line longer or shorter; "
                     f"their {len(gone)} natural counted lines ({sum(t[1] for _, t in gone)} on the grid) became "
                     f"{new} ({sum(on for _, on, _, _ in theirs) - sum(on for _, on, _, _ in rest)} on the grid)")
    for text, on, page, line in rest:
        notes.append(f"    p{page} l{line} {text[:12]}…: {'on' if on else 'off'} the grid in the PDF, "
                     f"not a line of a body paragraph's natural break or variants")
    for i, (text, on) in sorted(t for t in pool if t[0] not in made_up):
        notes.append(f"    ¶{i} {text[:12]}…: a counted line of the natural break ({'on' if on else 'off'} the grid), "
                     f"not in the PDF's count")
    head = (f"  reconciliation: {same} of the checker's {len(c.counted)} counted lines are lines of the natural "
            f"break with the same grid status" + (":" if notes else "."))
    return [head, *notes]


# --- output --------------------------------------------------------------------------------------------


def label(case: Case) -> str:
    limit, _, measured = case
    out = "none" if limit is None else f"{limit:g} cell" + ("s" if limit != 1 else "")
    return out + (", letter-spaced lines with whole-cell gaps counted" if measured else "")


def pct(on: int, considered: int) -> str:
    return f"{on}/{considered} = {100 * on / considered:.1f} %" if considered else "—"


def report(b: IssueBound, checked: Checked | None, paragraphs: bool) -> list[str]:
    out = [f"## {b.name}: {len(b.paragraphs)} body paragraphs; natural break: {b.counted} pure-Han full lines, "
           f"{b.off} off the grid ({pct(b.counted - b.off, b.counted)} on), loosest line "
           f"{max((p.loosest for p in b.paragraphs), default=0):.2f} cells"]
    if checked is not None:
        out.append(f"  make-issue + pdfcheck grid.on_grid: {pct(checked.on, checked.considered)}")
    bad = [p for p in b.paragraphs if p.faults]
    if bad:
        out.append(f"  {len(bad)} paragraphs where the breaker breaks a rule (not compared with the bound): "
                   + "; ".join(p.faults[0] for p in bad[:3]))
    out += ["", "| looseness limit | least off-grid | on-grid at that minimum | best fraction, line count free "
                "| least off-grid, Latin/digit lines ≤ 1 cell loose |", "|---|---|---|---|---|"]
    for case in b.cases:
        limit, latin1, measured = case
        if latin1:
            continue
        best = b.best(case)
        if best is None:
            out.append(f"| {label(case)} | {b.impossible(case)} | — | — | — |")
            continue
        off, on = best
        frac = b.best_fraction(case)
        other = None if measured else (limit, True, False)
        out.append(f"| {label(case)} | {off} | {pct(on, on + off)} | {pct(*frac) if frac else '—'} | "
                   f"{'—' if other is None else b.impossible(other) if b.best(other) is None else b.best(other)[0]} |")
    if paragraphs:
        out += ["", "| ¶ | starts | lines (pure-Han full) | breaker off | least off at 1 / 2 / 3 / none |",
                "|---|---|---|---|---|"]
        for i, (p, t) in enumerate(zip(b.paragraphs, b.texts, strict=True)):
            mins = " / ".join("—" if (v := p.best((lim, False, False))) is None else str(v[0]) for lim in LIMITS)
            out.append(f"| {i} | {t} | {len(p.lines)} ({p.counted}) | {p.off} | {mins} |")
    if checked is not None:
        out += ["", *reconcile(b, checked)]
    return out


def summary(rows: list[tuple[IssueBound, tuple[int, int] | None]]) -> list[str]:
    """One row per issue: the checker's figure for the PDF, the natural break's, and the best
    attainable fraction per looseness limit (each paragraph set in its best break sequence)."""
    out = ["| issue | make-issue (pdfcheck) | natural break | " + " | ".join(f"best, {label((lim, False, False))}"
                                                                            for lim in LIMITS) + " |",
           "|---|---|---|" + "---|" * len(LIMITS)]
    for b, measured in rows:
        cells = []
        for lim in LIMITS:
            frac = b.best_fraction((lim, False, False))
            cells.append(pct(*frac) if frac else b.impossible((lim, False, False)))
        out.append(f"| {b.name} | {pct(*measured) if measured else '—'} | {pct(b.counted - b.off, b.counted)} | "
                   + " | ".join(cells) + " |")
    return out


def resolve(arg: str) -> Path:
    """An issue ID names content/ID.yaml; anything ending in .yaml/.yml is a path."""
    path = Path(arg) if arg.endswith((".yaml", ".yml")) else ROOT / "content" / f"{arg}.yaml"
    if not path.is_file():
        sys.exit(f"no such issue: {arg} ({path})")
    return path


@contextlib.contextmanager
def generated(count: int, seed: int) -> Iterator[list[Path]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate_issues import generate

    where = Path(tempfile.mkdtemp(prefix="jianbao-grid-bound-"))
    try:
        yield generate(count, where / "content", seed=seed) if count else []
    finally:
        shutil.rmtree(where, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("issues", nargs="*", help="issue IDs or .yaml paths (default 2018-06, unless --generated)")
    ap.add_argument("--generated", type=int, default=0, metavar="N",
                    help="also N issues from benchmarks/generate_issues.py, written to a temporary folder")
    ap.add_argument("--seed", type=int, default=7, help="seed of the generated issues (default 7)")
    ap.add_argument("--paragraphs", action="store_true", help="one row per paragraph too")
    ap.add_argument("--no-pdf", action="store_true", help="do not build the PDFs nor run pdfcheck")
    ap.add_argument("--letter-spaced", action="store_true",
                    help="add the unlimited case as pdfcheck alone measures it (letter-spaced lines whose gaps "
                         "are whole cells count as on the grid)")
    args = ap.parse_args(argv)
    cases = (*CASES, LETTER_SPACED) if args.letter_spaced else CASES
    sources = [resolve(a) for a in (args.issues or ([] if args.generated else ["2018-06"]))]
    rows: list[tuple[IssueBound, tuple[int, int] | None]] = []
    with generated(args.generated, args.seed) as gen, tempfile.TemporaryDirectory() as tmp:
        for source in [*sources, *gen]:
            b = bound_issue(source, cases)
            checked = None if args.no_pdf else build_and_check(source, Path(tmp))
            print("\n".join(report(b, checked, args.paragraphs)) + "\n", flush=True)
            rows.append((b, (checked.on, checked.considered) if checked else None))
    if len(rows) > 1:
        total = IssueBound(f"all {len(rows)}", cases, [p for b, _ in rows for p in b.paragraphs])
        measured = [r for _, r in rows if r]
        rows.append((total, (sum(r[0] for r in measured), sum(r[1] for r in measured)) if measured else None))
    print("\n".join(summary(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
