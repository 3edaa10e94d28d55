"""Where words end: a Chinese word segmenter (rjieba, the Rust jieba) under a dictionary of the issue's
own names, and the joints a title must not break (GB/T 9704 §7.3.1: 回行时要做到词意完整).

:func:`word_starts` says, for each character of a text, whether a word starts there. The segmenter's
answer is overridden by the :class:`Dictionary`: no word starts inside an occurrence of one of its
names (units, recipients, the byline, the layout's user dictionary), and one always starts at an
occurrence's first character and right after its last. :func:`title_faults` adds what else a title
line break must not cut: a number from its unit (2020年, 40周年, 第3届), a date apart (6月20日), a
quotation of a few characters (“亩均效益”), Latin words and digit runs.

rjieba was chosen over jieba for speed (benchmarks/segmenter.py): the same dictionary and the same cuts
for our titles, loaded in about a sixth of the time, and it segments about 10 times faster. The
segmenter is loaded on first use only: an issue whose centred lines all fit on one line never loads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol, cast

__all__ = [
    "BEFORE_NUMBER",
    "DATE_UNITS",
    "INSIDE_WORD",
    "NUMBER_UNIT",
    "QUOTES",
    "SHORT_QUOTE",
    "Dictionary",
    "segment",
    "title_faults",
    "word_starts",
]

#: What a break at a joint would cut (bit flags of :func:`title_faults`).
INSIDE_WORD = 1
NUMBER_UNIT = 2
SHORT_QUOTE = 4

#: Quotation marks and title marks whose short contents stay on one line, opening → closing.
QUOTES = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "〈": "〉"}
#: Characters that bind to a following number: 第3届, 总第20期.
BEFORE_NUMBER = frozenset("第总约近超逾")
#: Units after which a date goes on: 2018年6月20日 stays whole.
DATE_UNITS = frozenset("年月")
_DIGITS = frozenset("0123456789０１２３４５６７８９.．%％")
_HAN_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")


class _Segmenter(Protocol):
    def cut(self, text: str, hmm: bool = ...) -> list[str]: ...


@lru_cache(maxsize=1)
def _segmenter() -> _Segmenter:
    import rjieba  # its import loads the default dictionary: use its module-level cut, not a second copy

    return cast(_Segmenter, rjieba)


_KNOWN: dict[str, tuple[str, ...]] = {}  # segmentations handed in by remember() (a build's word cache)
_LEARNED: dict[str, tuple[str, ...]] = {}  # segmentations made in this process


def segment(text: str) -> tuple[str, ...]:
    """The segmenter's words of ``text`` (HMM on, so unknown names are guessed as words)."""
    found = _KNOWN.get(text) or _LEARNED.get(text)
    if found is None:
        found = _LEARNED[text] = tuple(_segmenter().cut(text, True))
    return found


def remember(known: dict[str, tuple[str, ...]]) -> None:
    """Segmentations made before (by this segmenter version), so that a rebuild need not load it."""
    _KNOWN.update(known)


def learned() -> dict[str, tuple[str, ...]]:
    """The segmentations made in this process that :func:`remember` was not given."""
    return dict(_LEARNED)


class Dictionary:
    """Names that are always whole words, longest first (a name inside a longer one is covered by it)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        clean = {n.strip() for n in names}
        self.names: tuple[str, ...] = tuple(sorted((n for n in clean if len(n) >= 2), key=lambda n: (-len(n), n)))

    def __add__(self, other: Dictionary) -> Dictionary:
        return Dictionary((*self.names, *other.names))

    def __bool__(self) -> bool:
        return bool(self.names)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Occurrences ``(start, end)`` of the names in ``text`` (end exclusive), longest names first,
        none overlapping an earlier one."""
        taken = [False] * len(text)
        out: list[tuple[int, int]] = []
        for name in self.names:
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(taken[start:end]):
                    out.append((start, end))
                    for i in range(start, end):
                        taken[i] = True
                start = text.find(name, start + 1)
        return out


def word_starts(text: str, dictionary: Dictionary | None = None) -> list[bool]:
    """``starts[i]`` for ``0 <= i <= len(text)``: whether a word starts at ``text[i]`` (a break between
    ``text[i-1]`` and ``text[i]`` keeps words whole). ``starts[0]`` and ``starts[len]`` are True."""
    n = len(text)
    starts = [False] * (n + 1)
    starts[0] = starts[n] = True
    pos = 0
    for word in segment(text):
        pos += len(word)
        starts[pos] = True
    for start, end in (dictionary.spans(text) if dictionary else ()):
        for i in range(start + 1, end):
            starts[i] = False
        starts[start] = starts[end] = True
    return starts


def _is_number(ch: str) -> bool:
    return ch in _DIGITS or ch in _HAN_NUMERALS


def title_faults(text: str, dictionary: Dictionary | None = None, quote_chars: int = 8) -> list[int]:
    """``faults[i]`` for ``0 <= i <= len(text)``: the bit flags of what a line break between
    ``text[i-1]`` and ``text[i]`` would cut — :data:`INSIDE_WORD` (a dictionary word, a Latin word or
    a digit run), :data:`NUMBER_UNIT` (a number and its unit, 第 and its number, a date) or
    :data:`SHORT_QUOTE` (a quotation of at most ``quote_chars`` characters between its marks).
    Kinsoku is not judged here (the breaker's joints know it)."""
    n = len(text)
    starts = word_starts(text, dictionary)
    faults = [0] * (n + 1)
    for i in range(1, n):
        a, b = text[i - 1], text[i]
        if not starts[i] or (a.isascii() and b.isascii() and a.isalnum() and b.isalnum()):
            faults[i] |= INSIDE_WORD
        if (a in _DIGITS and not b.isascii() and not b.isspace()) or (a in BEFORE_NUMBER and _is_number(b)):
            faults[i] |= NUMBER_UNIT  # 2020|年, 第|3
        elif a in DATE_UNITS and b in _DIGITS and i >= 2 and text[i - 2] in _DIGITS:
            faults[i] |= NUMBER_UNIT  # 2018年|6月
    i = 0
    while i < n:
        close = QUOTES.get(text[i])
        if close is not None:
            end = text.find(close, i + 1)
            if end > i and end - i - 1 <= quote_chars:
                for j in range(i + 1, end + 1):
                    faults[j] |= SHORT_QUOTE
                i = end
        i += 1
    return faults
