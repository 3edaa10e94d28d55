"""The characters ``make-issue --prepare-fonts`` makes ready once per face, so that a new issue rarely
needs a conversion: GB 2312 (the 6,763 hanzi of 仿宋_GB2312 and its symbols), ASCII and Latin-1, the
punctuation, CJK symbols and full-width forms of Chinese text, and the numbered and circled forms
documents use (①, ⑴, ㈠, Ⅰ)."""

from __future__ import annotations

import codecs

# Bump when the repertoire changes: it is part of the prepared fonts' cache key.
REPERTOIRE_VERSION = 1

_BLOCKS = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ×, ÷, °, §, ·
    (0x2010, 0x205E),  # general punctuation: ——, ……, “”, ‘’, ‰, ※
    (0x2100, 0x218B),  # letterlike symbols and number forms: №, ℃, Ⅰ–Ⅻ
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics: ①, ⑴, ⒈
    (0x2500, 0x25FF),  # box drawing, geometric shapes: ─, ■, □, ▲, ○, ●
    (0x2600, 0x26FF),  # miscellaneous symbols: ★, ☆
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。《》「」【】〔〕
    (0x3200, 0x32FF),  # enclosed CJK: ㈠, ㊀
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms: ，．：；！？（）
)


def gb2312() -> frozenset[int]:
    """The code points of GB 2312-80 (7,445 characters: 6,763 hanzi and 682 symbols)."""
    decode = codecs.getdecoder("gb2312")
    found = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                found.add(ord(decode(bytes((lead, trail)))[0]))
            except UnicodeDecodeError:
                continue
    return frozenset(found)


def repertoire() -> frozenset[int]:
    blocks = (cp for a, b in _BLOCKS for cp in range(a, b + 1))
    return gb2312() | frozenset(blocks)
