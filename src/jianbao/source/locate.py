"""Where a piece of printed text was typed: its line and column in the source file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jianbao.errors import ValidationFailed
from jianbao.yamlfile.nodes import compose_text


def find_in_source(lines: list[str], text: str, start: int = 1) -> tuple[int, int]:
    """(line, column), both from 1, of the first occurrence of ``text`` at or after line ``start``;
    (start, 0) when it is not found (e.g. text the program generated)."""
    for number in range(max(start, 1), len(lines) + 1):
        col = lines[number - 1].find(text)
        if col >= 0:
            return number, col + 1
    return (start if start > 1 else 0), 0


def value_locator(text: str, file: str) -> Callable[[str], tuple[int, int]]:
    """A function giving (line, column) of the first place a character is *printed* from: inside a
    value of the source, never in a comment or a key; a character written as an escape
    (``"\\u4E00"``) is found at its escape. Falls back to :func:`find_in_source` (text the program
    adds); (0, 0) when it is nowhere."""
    found: list[list[ScalarNode]] = []  # the values, read when first asked (most builds never ask)

    def values() -> list[ScalarNode]:
        if not found:
            try:
                found.append(list(_values(compose_text(text, file).root)))
            except ValidationFailed:
                found.append([])
        return found[0]

    def locate(char: str) -> tuple[int, int]:
        for node in values():
            if char not in node.value:
                continue
            start, end = node.start_mark.index, node.end_mark.index
            raw = text[start:end]
            k = raw.find(char)
            if k < 0:
                escape = re.search(_escape_pattern(char), raw)
                k = escape.start() if escape else 0
            return _line_column(text, start + k)
        return find_in_source(text.splitlines(), char)

    return locate


def _values(node: Node) -> Iterator[ScalarNode]:
    """The value scalars under ``node`` in document order (keys left out)."""
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _values(item)
    elif isinstance(node, MappingNode):
        for _key, value in node.value:
            yield from _values(value)


def _escape_pattern(char: str) -> str:
    cp = ord(char)
    forms = [f"u{cp:04x}", f"U{cp:08x}"] + ([f"x{cp:02x}"] if cp < 256 else [])
    return "(?i)\\\\(?:" + "|".join(forms) + ")"


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
