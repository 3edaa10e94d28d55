"""Normalising the text of a field: trimmed, line breaks joined the Chinese way."""

from __future__ import annotations

import re

from jianbao.script import is_cjk

# A line break with the spaces around it (YAML keeps the breaks of scalars, see yamlnodes).
_BREAK = re.compile(r"[ \t]*(?:(?:\r\n|[\r\n\x85\u2028\u2029])[ \t]*)+")


def normalize(raw: str) -> str:
    """Strip the ends; inside, a line break (with the spaces around it) between two CJK
    characters disappears and any other line break becomes one space.

    ``第一行\\n第二行`` → ``第一行第二行``; ``PDF\\nfile`` → ``PDF file``; ``目录\\nPDF`` → ``目录 PDF``.
    Spaces typed within a line (``坚定信心 奋发有为``) are kept as they are.
    """
    text = raw.strip()

    def join(match: re.Match[str]) -> str:
        before, after = text[match.start() - 1], text[match.end()]
        return "" if is_cjk(before) and is_cjk(after) else " "

    return _BREAK.sub(join, text)
