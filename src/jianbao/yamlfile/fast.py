"""Composing YAML with libyaml where it is known to give what PyYAML's pure-Python loader gives.

PyYAML's pure-Python scanner and parser are the reference: they decide every error message and
every value. libyaml (``yaml.cyaml.CParser``) produces the same events about ten times faster, but
it differs from the reference in a few corners, e.g. it accepts tabs inside plain scalars, skips a
byte order mark at the start of any line, reads ``[x?y]`` as one scalar and reports marks at the end
of a file without a final line break one line further down. :class:`CheckedComposer` therefore
composes the node tree from libyaml's events but

* refuses (raises :class:`Unsupported`) text with a tab, a byte order mark, a line break other than
  LF or CR LF, or U+FDD0; and every anchor, alias, explicit tag and nesting deeper than
  :data:`MAX_DEPTH`;
* re-scans with the pure-Python scanner every scalar that is quoted, a block scalar (``|``, ``>``),
  plain inside a flow collection or plain over several lines, and refuses it unless the reference
  scanner ends it where libyaml did and gives the value libyaml gave;
* checks that every other scalar's value is its source text, gives indentless sequences the
  ``flow_style`` PyYAML gives them (None) and puts marks at the end of the text where PyYAML does.

Callers run the pure-Python loader whenever this one raises anything: libyaml's error messages
differ from PyYAML's, and the reference decides in every case this module does not vouch for.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: only the pure-Python loader
    CParser = None

MAX_DEPTH = 32
"""Deeper nesting is left to the pure-Python loader (the issue format needs 6 levels)."""

BREAK = "\ufdd0"
"""Stands for a line break inside a scalar while a loader that keeps line breaks scans (see
:mod:`.yamlnodes`); text that contains it is never composed here."""

# Characters around which libyaml and PyYAML may disagree: tabs, byte order marks (libyaml skips one
# at the start of any line) and the line breaks other than LF and CR LF (NEL, LS, PS, a lone CR).
_UNVOUCHED = re.compile("[\t\ufeff\x85\u2028\u2029\ufdd0]|\r(?!\n)")


class Unsupported(Exception):
    """The text (or a part of it) is one this module does not vouch for; use the pure-Python loader."""


def available(text: str) -> bool:
    """Whether libyaml is there and ``text`` has none of the characters where it may disagree."""
    return CParser is not None and _UNVOUCHED.search(text) is None


class _Scanner(Reader, Scanner):
    """PyYAML's own scanner, used to scan single scalars again."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)


def rescan(scanner: Any, event: ScalarEvent, parent: Node | None) -> str:
    """The value of the scalar of ``event`` as ``scanner`` (a PyYAML scanner over the whole text)
    reads it, in the context given by ``parent``; :class:`Unsupported` unless it ends where
    libyaml's scalar ends."""
    start = event.start_mark
    scanner.pointer = scanner.index = start.index
    scanner.line, scanner.column = start.line, start.column
    in_flow = parent is not None and parent.flow_style is True
    scanner.flow_level = 1 if in_flow else 0
    # PyYAML's indentation when it scans the scalar: the column of the innermost block collection
    # (a mapping starts at its first key, a sequence at its first "-"); -1 at the top.
    scanner.indent = -1 if parent is None or in_flow else parent.start_mark.column
    style = event.style or None
    if style is None:
        token = scanner.scan_plain()
    elif style in "'\"":
        token = scanner.scan_flow_scalar(style)
    else:
        token = scanner.scan_block_scalar(style)
    if token.end_mark.index != event.end_mark.index or token.plain != (style is None):
        raise Unsupported(f"libyaml and PyYAML end the scalar at {start.line + 1}:{start.column + 1} differently")
    value: str = token.value
    return value


if CParser is not None:

    class CheckedComposer(Composer, CParser, Resolver):
        """A composer over libyaml's events that gives the pure-Python ``SafeLoader``'s node tree
        or raises :class:`Unsupported` (or a YAML error of libyaml's)."""

        def __init__(self, text: str) -> None:
            if not available(text):
                raise Unsupported("the text has characters where libyaml and PyYAML may disagree")
            CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)
            self.text = text
            self._depth = 0
            self._parent: Node | None = None
            self._standard: Any = None  # PyYAML's scanner over the text, made when first needed
            self._reference: Any = None  # the one whose reading is the node's value
            self._eof: tuple[int, int] | None = None

        def make_reference_scanner(self) -> Any:
            """A PyYAML scanner over :attr:`text` whose reading of a scalar over several lines is the
            node's value (loaders that keep line breaks scan with their own); None for PyYAML's own."""
            return None

        def reference_value(self, scanned: str) -> tuple[str, str]:
            """The value that resolves the tag and the value of the node, from the scanned value."""
            return scanned, scanned

        def compose_node(self, parent: Node | None, index: object) -> Node:
            event = self.peek_event()
            if isinstance(event, AliasEvent) or event.anchor is not None or getattr(event, "tag", None) is not None:
                raise Unsupported("anchors, aliases and tags are left to the pure-Python loader")
            if self._depth >= MAX_DEPTH:
                raise Unsupported("deep nesting is left to the pure-Python loader")
            self._depth += 1
            self._parent = parent
            try:
                node: Node = super().compose_node(parent, index)
            finally:
                self._depth -= 1
            if node.end_mark.index == len(self.text):
                node.end_mark = self._end_of_text(node.end_mark)
                if node.start_mark.index == len(self.text):
                    node.start_mark = self._end_of_text(node.start_mark)
            return node

        def compose_scalar_node(self, anchor: str | None) -> ScalarNode:
            event: ScalarEvent = self.get_event()
            parent = self._parent
            in_flow = parent is not None and parent.flow_style is True
            text, start, end = self.text, event.start_mark.index, event.end_mark.index
            style = event.style or None  # libyaml says "" for plain scalars, PyYAML None
            if style is None and start == end:  # an empty value
                if in_flow or event.value != "":  # in a flow collection PyYAML marks it elsewhere
                    raise Unsupported("an empty value in a flow collection, or a value from nothing")
                resolved = value = ""
            elif (
                style is None
                and text.find("\n", start, end) < 0
                # in a flow collection PyYAML ends a plain scalar at any "?", libyaml at ":?" only
                and not (in_flow and (text.find("?", start, end) >= 0 or text.startswith(":?", end)))
            ):
                if event.value != text[start:end]:  # a plain scalar on one line is its text
                    raise Unsupported("a plain scalar that is not its source text")
                resolved = value = event.value
            else:
                if self._standard is None:
                    self._standard = _Scanner(text)
                if rescan(self._standard, event, parent) != event.value:
                    raise Unsupported("libyaml and PyYAML read a scalar differently")
                scanned = event.value
                if text.find("\n", start, end) >= 0:  # scanners differ only in how they take line breaks
                    if self._reference is None:
                        self._reference = self.make_reference_scanner() or self._standard
                    if self._reference is not self._standard:
                        scanned = rescan(self._reference, event, parent)
                resolved, value = self.reference_value(scanned)
            tag = self.resolve(ScalarNode, resolved, event.implicit)
            return ScalarNode(tag, value, event.start_mark, event.end_mark, style=style)

        def compose_sequence_node(self, anchor: str | None) -> SequenceNode:
            parent = self._parent
            node: SequenceNode = super().compose_sequence_node(anchor)
            if (
                node.flow_style is False
                and isinstance(parent, MappingNode)
                and parent.flow_style is False
                and node.start_mark.column == parent.start_mark.column
            ):
                node.flow_style = None  # an "indentless" sequence: PyYAML's parser gives no style
            return node

        def _end_of_text(self, mark: yaml.Mark) -> yaml.Mark:
            # libyaml moves to the next line at the end of a text without a final line break
            if self._eof is None:
                text = self.text
                self._eof = (text.count("\n"), len(text) - text.rfind("\n") - 1)
            line, column = self._eof
            if (mark.line, mark.column) == (line, column):
                return mark
            return yaml.Mark(mark.name, mark.index, line, column, None, None)

    class _SafeComposer(CheckedComposer, SafeConstructor):
        def __init__(self, text: str) -> None:
            CheckedComposer.__init__(self, text)
            SafeConstructor.__init__(self)

    def _fast_safe_load(text: str) -> Any:
        loader = _SafeComposer(text)
        try:
            node = loader.get_single_node()
            return None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()

else:  # pragma: no cover - PyYAML without libyaml
    CheckedComposer = None  # type: ignore[assignment,misc]

    def _fast_safe_load(text: str) -> Any:
        raise Unsupported("PyYAML has no libyaml")


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, through libyaml when the result is known to be the same.

    Whatever the libyaml path cannot vouch for or fails on is loaded again by ``yaml.safe_load``, so
    that the value and every exception (and its message) are the pure-Python loader's.
    """
    if available(text):
        with suppress(Exception):  # the reference loader below decides, and raises its own error
            return _fast_safe_load(text)
    return yaml.safe_load(text)
