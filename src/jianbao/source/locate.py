"""Where a piece of printed text was typed: its line and column in the source file."""

from __future__ import annotations


def find_in_source(lines: list[str], text: str, start: int = 1) -> tuple[int, int]:
    """(line, column), both from 1, of the first occurrence of ``text`` at or after line ``start``;
    (start, 0) when it is not found (e.g. text the program generated)."""
    for number in range(max(start, 1), len(lines) + 1):
        col = lines[number - 1].find(text)
        if col >= 0:
            return number, col + 1
    return (start if start > 1 else 0), 0
