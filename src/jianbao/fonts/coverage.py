"""Which code points a face can draw: its cmap as sorted ranges, cheap to store and to query."""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Iterable
from pathlib import Path


class Coverage:
    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        pairs = sorted(ranges)
        self._starts = [a for a, _ in pairs]
        self._ends = [b for _, b in pairs]

    @classmethod
    def from_codepoints(cls, codepoints: Iterable[int]) -> Coverage:
        ranges: list[tuple[int, int]] = []
        for cp in sorted(set(codepoints)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
        return cls(ranges)

    def __contains__(self, codepoint: int) -> bool:
        i = bisect_right(self._starts, codepoint) - 1
        return i >= 0 and codepoint <= self._ends[i]

    def __len__(self) -> int:
        return sum(b - a + 1 for a, b in zip(self._starts, self._ends, strict=True))

    def to_flat(self) -> list[int]:
        """The ranges as one flat list ``[start, end, start, end, ...]`` (the cache's form)."""
        flat: list[int] = []
        for a, b in zip(self._starts, self._ends, strict=True):
            flat += (a, b)
        return flat

    @classmethod
    def from_flat(cls, flat: object) -> Coverage | None:
        """From :meth:`to_flat`'s list, read on every build (all checks in C loops, so it stays a small
        part of a build: ``benchmarks/scaling.py``); None when it is not such a list (a damaged cache
        entry is made again)."""
        if not isinstance(flat, list) or len(flat) % 2 or not set(map(type, flat)) <= {int}:
            return None
        cov = cls(())
        cov._starts, cov._ends = flat[0::2], flat[1::2]
        if any(map(operator.gt, cov._starts, cov._ends)) or any(map(operator.le, cov._starts[1:], cov._ends)):
            return None  # a range backwards, or ranges not sorted and apart
        return cov


def read_cmap(path: Path, index: int) -> Coverage:
    """The code points a face maps to a real glyph (not .notdef). Reads only cmap and maxp."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
        return Coverage.from_codepoints(cp for cp, glyph in cmap.items() if glyph != ".notdef")
