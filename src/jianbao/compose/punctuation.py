"""Advice on the source text that does not stop a build: ASCII punctuation inside Chinese text.

GB/T 15834 sets Chinese text with full-width marks; an ASCII comma or bracket pasted from another
program is a typo we report (with the full-width replacement), never one we change silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from jianbao.compose.printed import Printed
from jianbao.errors import Location
from jianbao.model import Issue
from jianbao.script import is_cjk
from jianbao.source.locate import find_in_source

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "[": "［", "]": "］", "?": "？", "!": "！"}


def _in_chinese(text: str, i: int) -> bool:
    """An ASCII mark counts as inside Chinese text when its nearest non-space neighbour on either
    side is a CJK character (so 0573-82073683, http://… and (2018) in Latin text are left alone)."""
    left = next((c for c in reversed(text[:i]) if not c.isspace()), "")
    right = next((c for c in text[i + 1:] if not c.isspace()), "")
    return (bool(left) and is_cjk(left)) or (bool(right) and is_cjk(right))


def ascii_punctuation(issue: Issue, printed: Iterable[Printed], source_lines: list[str]) -> list[tuple[Location, str]]:
    """(location, message) for each ASCII mark set inside the Chinese text the user typed."""
    found: list[tuple[Location, str]] = []
    for text, line in ((p.text, p.line) for p in printed if p.typed):
        for i, ch in _ascii_marks(text):
            lo = max(0, i - 3)
            snippet = text[lo:i + 4]
            number, col = find_in_source(source_lines, snippet, line)
            col = col + i - lo if col else 0
            found.append((
                Location(issue.source, number, col),
                f"中文中使用了半角标点“{ch}”（…{snippet}…），应为全角“{FULL_WIDTH[ch]}”；已按原样排印",
            ))
    return found


@lru_cache(maxsize=4096)  # a watch loop checks the same paragraphs after every save
def _ascii_marks(text: str) -> tuple[tuple[int, str], ...]:
    """(index, mark) of each ASCII mark set inside Chinese text."""
    if not any(ch in FULL_WIDTH for ch in set(text)):
        return ()
    return tuple((i, ch) for i, ch in enumerate(text) if ch in FULL_WIDTH and _in_chinese(text, i))
