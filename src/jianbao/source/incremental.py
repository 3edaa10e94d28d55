"""Loading the same issue file again after a small edit (make-issue watch), with the cold load's result.

A watch process loads the issue after every save, and the usual save changes the inside of one
paragraph: one plain scalar on one line. :class:`IssueMemo` keeps the text, the node tree and what
validating each list item gave. When the new text differs from the last one only inside one plain
scalar that stands alone at the end of its line, and the new characters there can only be read as the
same kind of scalar (:func:`_patch`), the tree is patched in place instead of composed again: the
scalar's value, tag and end mark, and every mark after it moved by the change in length. Validation
then converts again only the items on the path from the root to that scalar; every other item gives
what it gave before (:class:`~jianbao.source.validate.Reuse`).

Anything else (a new or removed line, a change of indentation, quotes, a key, a comment, a character
YAML treats specially, a tree not composed from libyaml's events) takes the cold path: the whole file
is composed and validated again, as :func:`jianbao.source.parse_issue` does. The result, and every
error with its file, line, column and field, is the cold load's in every case (the tests compare them
over long series of edits).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader
from yaml.resolver import Resolver

from jianbao.errors import SourceError, ValidationFailed
from jianbao.model import Issue
from jianbao.source.validate import Reuse, check_issue
from jianbao.yamlfile.nodes import Composed, compose_text, read_text

# A plain scalar in block context reads as exactly its text when it has none of these: line breaks and
# the characters where libyaml and PyYAML may differ (fastyaml), ": " and " #" (a key or a comment
# would end it there), and it neither ends with a space (trailing spaces are not part of it) nor with
# ":" (a key before the line break).
_NOT_PLAIN = re.compile("[\n\r\t\x85\u2028\u2029\ufeff\ufdd0]|: | #|[ :]\\Z")
# What a plain scalar cannot start with: YAML's indicators and white space (YAML 1.1, as PyYAML's
# check_plain: "-", "?" and ":" may start one before a non-space, but such a start is left to the
# cold path).
_PLAIN_START_NOT = frozenset("\0 \t\r\n\x85\u2028\u2029-?:,[]{}#&*!|>'\"%@`")
_NON_PRINTABLE: re.Pattern[str] = Reader.NON_PRINTABLE  # what the reader refuses (a cold load fails)
_RESOLVER = Resolver()


@dataclass
class _State:
    """The last text loaded, its tree (nodes in document order) and its validation."""

    text: str
    file: str
    stem: str
    suffix: str
    composed: Composed
    nodes: list[Node]  # every node, in document order (start marks never decrease)
    parents: list[int]  # index in ``nodes`` of each node's parent (-1 for the root)
    reuse: Reuse = field(default_factory=Reuse)
    issue: Issue | None = None
    errors: list[SourceError] = field(default_factory=list)


class IssueMemo:
    """Loads one issue file again and again (see the module's doc); one per watch process."""

    def __init__(self) -> None:
        self._state: _State | None = None
        self.patched = 0  # loads that patched the tree (for the tests and the benchmark)
        self.composed = 0  # loads that composed the whole file

    def load(self, path: Path, file: str) -> tuple[Issue, str]:
        """``load_issue(path, file)`` and the text it was read from."""
        text = read_text(path, file)
        return self.parse(text, file, stem=path.stem, suffix=path.suffix), text

    def parse(self, text: str, file: str, *, stem: str, suffix: str = ".yaml") -> Issue:
        """``parse_issue(text, file, stem=stem, suffix=suffix)``: the same issue or the same errors."""
        state = self._state
        if state is not None and (state.file, state.stem, state.suffix) != (file, stem, suffix):
            state = None
        if state is not None and state.text == text:
            if state.issue is None:
                raise ValidationFailed(list(state.errors))
            return state.issue
        # Nothing is kept until this load is through: a load interrupted (Ctrl-C, a bug) while the tree
        # is patched or validated leaves no half-made state behind; the next load composes anew.
        self._state = None
        if state is None or not _patch(state, text):
            composed = compose_text(text, file)  # raises ValidationFailed: nothing is kept
            nodes, parents = _in_order(composed.root)
            state = _State(text, file, stem, suffix, composed, nodes, parents)
            if not _ordered(nodes) or nodes[0].start_mark.buffer is not None:  # not libyaml's: never patched
                state.nodes = []
            self.composed += 1
        else:
            self.patched += 1
        state.issue, state.errors = None, []
        try:
            state.issue = check_issue(state.composed, text, file, stem=stem, suffix=suffix, reuse=state.reuse)
        except ValidationFailed as exc:
            state.errors = list(exc.errors)
            state.reuse.dirty.clear()
            self._state = state
            raise
        state.reuse.dirty.clear()
        self._state = state
        return state.issue


def _in_order(root: Node) -> tuple[list[Node], list[int]]:
    nodes: list[Node] = []
    parents: list[int] = []
    stack: list[tuple[Node, int]] = [(root, -1)]
    while stack:
        node, parent = stack.pop()
        here = len(nodes)
        nodes.append(node)
        parents.append(parent)
        if isinstance(node, SequenceNode):
            stack.extend((child, here) for child in reversed(node.value))
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.append((value, here))
                stack.append((key, here))
    return nodes, parents


def _ordered(nodes: list[Node]) -> bool:
    starts = [node.start_mark.index for node in nodes]
    return all(a <= b for a, b in pairwise(starts))


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (slices compared by halves: no loop per character)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the longest common suffix, at most ``limit``."""
    low, high = 0, limit
    la, lb = len(a), len(b)
    while low < high:
        mid = (low + high + 1) // 2
        if a[la - mid : la - low] == b[lb - mid : lb - low]:
            low = mid
        else:
            high = mid - 1
    return low


def _patch(state: _State, text: str) -> bool:
    """Patch ``state`` to ``text`` when the edit is inside one plain scalar that ends its line and the
    new text there reads as such a scalar; False (``state`` untouched) for anything else."""
    nodes, parents = state.nodes, state.parents
    if not nodes:
        return False
    old = state.text
    prefix = _common_prefix(old, text)
    suffix = _common_suffix(old, text, min(len(old), len(text)) - prefix)
    old_end = len(old) - suffix  # the change: old[prefix:old_end] became text[prefix:len(text) - suffix]
    # the last node starting at or before the change (the deepest of those that start there)
    k = bisect_right(nodes, prefix, key=_start) - 1
    if k < 0:
        return False
    scalar = nodes[k]
    if not isinstance(scalar, ScalarNode) or scalar.style is not None:
        return False
    start, end = scalar.start_mark, scalar.end_mark
    a, b = start.index, end.index
    if not (a <= prefix and old_end <= b and a < b and start.column > 0) or not _line_ends(old, b):
        return False  # not inside it, empty, at the margin, or not alone at the end of its line
    if old.find("\n", a, b) >= 0:
        return False  # over several lines
    if k + 1 < len(nodes) and nodes[k + 1].start_mark.index <= b:
        return False  # (never: the next node is on a later line)
    lineage: list[int] = []
    up = parents[k]
    while up >= 0:
        lineage.append(up)
        up = parents[up]
    if not lineage or nodes[lineage[0]].flow_style is True:
        return False  # the root, or inside [ ] or { }
    if any(nodes[i].end_mark.index < b for i in lineage):
        return False  # (never: the nodes around the scalar end after it)
    ancestors = set(lineage)
    if any(nodes[i].end_mark.index >= b for i in range(k) if i not in ancestors):
        return False  # (never: a node before the scalar that is not around it ends before it)
    delta = len(text) - len(old)
    value = text[a : b + delta]
    if (not value or value[0] in _PLAIN_START_NOT or _NOT_PLAIN.search(value) is not None
            or _NON_PRINTABLE.search(value) is not None or not _line_ends(text, b + delta)):
        return False
    # The scanner reads the same tokens as before, those after the change ``delta`` characters later.
    line = end.line
    scalar.value = value
    scalar.tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
    scalar.end_mark = _moved(end, delta, line)
    dirty = state.reuse.dirty
    dirty.add(id(scalar))
    for i in lineage:  # they end after the scalar
        ancestor = nodes[i]
        dirty.add(id(ancestor))
        ancestor.end_mark = _moved(ancestor.end_mark, delta, line)
    _shift(nodes[k + 1 :], delta)
    state.text = text
    return True


def _line_ends(text: str, index: int) -> bool:
    """Whether a line break (LF, or CR LF as Windows editors save) is at ``index``."""
    return text.startswith("\n", index) or text.startswith("\r\n", index)


def _shift(later: list[Node], delta: int) -> None:
    """Move the marks of nodes on lines after the edit by ``delta`` characters (only the index moves)."""
    for node in later:
        m = node.start_mark
        node.start_mark = type(m)(m.name, m.index + delta, m.line, m.column, m.buffer, m.pointer)
        m = node.end_mark
        node.end_mark = type(m)(m.name, m.index + delta, m.line, m.column, m.buffer, m.pointer)


def _start(node: Node) -> int:
    index: int = node.start_mark.index
    return index


def _moved(mark: Any, delta: int, line: int) -> Any:
    """``mark`` ``delta`` characters later: an edit on ``line`` moved it (its column too when on that
    line). A new mark of its type: libyaml's marks (``yaml._yaml.Mark``) are read-only."""
    column = mark.column + delta if mark.line == line else mark.column
    return type(mark)(mark.name, mark.index + delta, mark.line, column, mark.buffer, mark.pointer)
