"""benchmarks/grid_bound.py: the least number of pure-Han full lines off the 28-cell grid per paragraph.

Hand-made paragraphs whose bound is worked out by hand (a 28-cell body line, the first line indented
2 cells: 26 cells on line 1, 28 on the others), then the dynamic programme against brute force over
every way to break short paragraphs on a narrow measure.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from jianbao.compose.linebreak import Item, Measure, is_cjk

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
try:
    import grid_bound as gb
finally:
    sys.path.pop(0)

CELL = 442.2 / 28
BODY = Measure(width=442.2, cell=CELL, first_indent=2 * CELL)
HAN = "国务院办公厅关于进一步加强和改进新时代民营经济统战工作的意见要求各地区各部门认真贯彻落实商会建设"


def han(n: int, start: int = 0) -> str:
    return "".join(HAN[(start + i) % len(HAN)] for i in range(n))


def items_of(text: str, cell: float = 16.0) -> list[Item]:
    """CJK advances are not the cell (the breaker ignores them); digits and letters 8 pt."""
    return [Item(ch, cell if is_cjk(ch) else 8.0) for ch in text]


def best(text: str, limit: float | None, m: Measure = BODY) -> tuple[int, int] | None:
    """(least off-grid, most on-grid with that few off) pure-Han full lines."""
    return gb.paragraph_bound(items_of(text), m).best((limit, False, False))


@pytest.mark.parametrize("limit", [1, 2, 3, None])
def test_exact_lines_stay_on_the_grid(limit: float | None) -> None:
    # 26 + 28 + 28 Han characters and a short last line: three full lines, all on the grid
    text = han(26 + 28 + 28 + 10)
    assert best(text, limit) == (0, 3)
    bound = gb.paragraph_bound(items_of(text), BODY)
    assert (bound.counted, bound.off) == (3, 0)  # the breaker does it too


@pytest.mark.parametrize("limit", [1, 2, 3, None])
def test_a_comma_at_a_line_start_costs_one_line(limit: float | None) -> None:
    # the 27th character of the first line would be "，": line 1 must end a character early (1 cell
    # loose, off the grid); line 2 then holds the 26th character, the comma and 26 more: on the grid.
    # Without a limit, line 1 may hold only 8 characters: then 28 + 28 and the last line is full too.
    assert best(han(26) + "，" + han(27) + han(10), limit) == (1, 2 if limit is None else 1)


@pytest.mark.parametrize("limit", [1, 2, 3, None])
def test_a_line_with_digits_takes_the_conflict_for_free(limit: float | None) -> None:
    # "2018" (32 pt) + 23 cells fills line 1 to 0.97 cells short; it is not counted. Line 2 is
    # 1 + "，" + 26 = 28 cells: on the grid. Nothing counted is off the grid. (Without a limit, line 1
    # may hold "2018" alone, letter-spaced: the 56 Han cells then make two full lines on the grid.)
    assert best("2018" + han(24) + "，" + han(26) + han(5), limit) == (0, 2 if limit is None else 1)


@pytest.mark.parametrize("limit", [1, 2, 3, None])
def test_no_one_character_last_line(limit: float | None) -> None:
    # 26 + 28 + 1: the exact break leaves one character alone; one of the two full lines must give
    # a character to the next and leave the grid
    assert best(han(26 + 28 + 1), limit) == (1, 1)


def test_a_looseness_limit_can_make_a_paragraph_impossible() -> None:
    # "字……" is one 3-cell cluster (…… never starts a line); after 24 characters it does not fit on
    # line 1 (27 > 26 cells), so line 1 ends 2 cells short: impossible within 1 cell
    text = han(24) + "字……" + han(25) + han(10)
    assert best(text, 1) is None
    assert best(text, 2) == best(text, 3) == (1, 1)
    assert best(text, None) == (1, 2)  # line 1 may hold 6 characters: 28 + 28 cells follow


def test_pure_han_lines_as_the_checker_counts_them() -> None:
    assert gb.pure_han("关于进一步加强，“两个健康”——工作……")
    assert not gb.pure_han("2018年")
    assert not gb.pure_han("标准[有场所")


def brute_force(items: list[Item], m: Measure, limit: float | None) -> tuple[int, int] | None:
    """Every way to cut the paragraph into lines that fit (a line-end closing mark at half width if
    it must), judged only by laying each out and checking it as the checker would."""
    c = gb.Candidates(items, m)
    para, found = c.para, []

    def walk(a: int, plan: list[tuple[int, int, bool]]) -> None:
        if a == para.n:
            lines, faults = c.check(plan)
            if faults or any(limit is not None and ln.slack > limit + 1e-9 for ln in lines[:-1]):
                return
            if limit is None:  # without a limit, on the grid means glyphs on consecutive cells
                last = c.last_line(*plan[-1])
                flags = [c.strict_on(a, e, h) for a, e, h in plan[:-1] if c.pure(a, e)]
                found.append((flags.count(False) + last[0], flags.count(True) + last[1]))
            else:
                found.append((sum(ln.counted and not ln.on_grid for ln in lines),
                              sum(ln.counted and ln.on_grid for ln in lines)))
            return
        for e in range(a, para.n):
            wc, lim = para.natural(a, e), c.avail(a) + para.tol
            if wc <= lim:
                walk(e + 1, [*plan, (a, e, False)])
            elif para.flags[e] & gb._CLOSE and wc - para.half <= lim:
                walk(e + 1, [*plan, (a, e, True)])
            else:
                return

    walk(0, [])
    return min(found, key=lambda t: (t[0], -t[1])) if found else None


def test_the_dynamic_programme_matches_brute_force() -> None:
    rng = random.Random(7)
    alphabet = han(24) + "，。、；“”《》（）——……12ab "
    cell = 15.0
    for _ in range(40):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(6, 11))).strip()
        if not text:
            continue
        m = Measure(width=rng.choice([5, 6, 7]) * cell, cell=cell, first_indent=rng.choice([0, 2]) * cell,
                    latin_gap=rng.choice([0.0, 3.0]))
        items = items_of(text, cell)
        c = gb.Candidates(items, m)
        for limit in (1, 2, 3, None):
            front = c.search(limit)[0]
            assert (front[0][:2] if front else None) == brute_force(items, m, limit), (text, m, limit)
