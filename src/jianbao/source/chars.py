"""Characters that must not reach the page: invisible controls and zero-width marks.

Text pasted from Word, web pages or chat programs often carries characters nobody sees: zero-width
spaces, soft hyphens, direction marks, a stray byte-order mark, control characters written as
``"\\x07"`` escapes. Printed, they vanish or show as empty boxes, and they break searching and
copying in the PDF; so they are reported, each with a Chinese name, for the user to delete.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# Names of the format characters (category Cf) that turn up in pasted text.
_NAMES = {
    0x00AD: "软连字符",
    0x061C: "阿拉伯文字方向标记",
    0x180E: "蒙古文元音分隔符",
    0x200B: "零宽空格",
    0x200C: "零宽不连字",
    0x200D: "零宽连字",
    0x200E: "从左到右标记",
    0x200F: "从右到左标记",
    0x2060: "零宽不换行空格",
    0xFEFF: "零宽不换行空格（BOM）",
}


def describe(char: str) -> str | None:
    """A Chinese description of ``char`` if it must not be printed, else None."""
    code = ord(char)
    if char == "\t":
        return "制表符（Tab）"
    category = unicodedata.category(char)
    if category == "Cc":
        return "控制字符"
    if category == "Cf":
        if code in _NAMES:
            return _NAMES[code]
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            return "文字方向控制符"
        return "不可见的格式字符"
    if category == "Cs":
        return "无效字符"
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return "无效字符"
    return None


def forbidden(text: str) -> Iterator[tuple[str, str, int]]:
    """Each distinct forbidden character of ``text``: (character, description, occurrences)."""
    yield from _forbidden(text)


@lru_cache(maxsize=4096)  # a watch loop checks the same paragraphs after every save
def _forbidden(text: str) -> tuple[tuple[str, str, int], ...]:
    out = []
    for char in dict.fromkeys(text):
        description = describe(char)
        if description is not None:
            out.append((char, description, text.count(char)))
    return tuple(out)


def message(char: str, description: str, count: int) -> str:
    """``含有零宽空格（U+200B），常见于从网页或 Word 复制的文字，看不见；请删除它``."""
    times = f"，共 {count} 处" if count > 1 else ""
    if char == "\t":
        return f"文字中有制表符（Tab{times}），请改用空格"
    if description == "无效字符":
        return f"含有无效字符（U+{ord(char):04X}{times}），多半来自写错的“\\u”转义；请删除它"
    return f"含有{description}（U+{ord(char):04X}{times}），常见于从网页或 Word 复制的文字，看不见；请删除它"
