"""Normalising the text of a field: trimmed, line breaks joined the Chinese way."""

from __future__ import annotations

import re

from jianbao.script import is_cjk

# A line break with the spaces around it (YAML keeps the breaks of scalars, see yamlnodes).
_BREAK = re.compile(r"[ \t]*(?:(?:\r\n|[\r\n\x85\u2028\u2029])[ \t]*)+")
# Variation selectors (VS1–16, the ideographic VS17–256, Mongolian FVS1–4): invisible, copied along
# from web pages and phones (U+FE0F after a symbol, an ideographic variation sequence after 葛);
# the fonts we print with draw the base character as it is.
VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u180b-\u180d\u180f]")


def normalize(raw: str) -> str:
    """Strip the ends; inside, a line break (with the spaces around it) between two CJK
    characters disappears and any other line break becomes one space.

    ``第一行\\n第二行`` → ``第一行第二行``; ``PDF\\nfile`` → ``PDF file``; ``目录\\nPDF`` → ``目录 PDF``.
    Spaces typed within a line (``坚定信心 奋发有为``) are kept as they are. Variation selectors
    are dropped: they are not characters of their own, and never a missing glyph.
    """
    text = VARIATION_SELECTORS.sub("", raw).strip()

    def join(match: re.Match[str]) -> str:
        before, after = text[match.start() - 1], text[match.end()]
        return "" if is_cjk(before) and is_cjk(after) else " "

    return _BREAK.sub(join, text)
