"""Which characters are set as Chinese: one answer for the source checks, the line breaker and the
font-role bookkeeping (they used to disagree on ⋯ and ⸺)."""

from __future__ import annotations

_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FFF),  # CJK radicals, Kangxi radicals, ideographic description characters
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility jamo, Kanbun, strokes, Katakana ext.
    (0x3200, 0x4DBF),  # enclosed CJK, CJK compatibility, Extension A
    (0x4E00, 0x9FFF),  # URO
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE6F),  # CJK compatibility forms, small form variants
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x16FE0, 0x16FFF),  # ideographic symbols and punctuation
    (0x1B000, 0x1B2FF),  # kana supplement / extensions
    (0x1F200, 0x1F2FF),  # enclosed ideographic supplement
    (0x20000, 0x3FFFF),  # SIP and TIP: Extensions B–H, compatibility supplement
)
_CJK_EXTRA = frozenset("“”‘’—…·⋯‼⁇⸺⸻")  # East-Asian-Width ambiguous marks set full width here


def in_ranges(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def is_cjk(ch: str) -> bool:
    """True if ``ch`` is set on the CJK grid (one cell): ideographs, kana, Hangul, CJK symbols and
    punctuation, full-width forms, and the ambiguous marks “ ” ‘ ’ — … · (plus ⋯ ‼ ⁇ ⸺ ⸻)."""
    return ch in _CJK_EXTRA or in_ranges(ord(ch), _CJK_RANGES)
