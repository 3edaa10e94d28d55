"""Start-up work of third-party libraries that a build need not pay for, undone before they load.

PyYAML's reader (``yaml.reader.Reader``) compiles, when it is imported, the class of characters YAML
does not allow in a stream: ``[^\\x09\\x0A\\x0D\\x20-\\x7E\\x85\\xA0-\\uD7FF\\uE000-\\uFFFD\\U00010000-\\U0010ffff]``.
Python's regular expression compiler takes about 7 ms for that negated class over all of Unicode — a
fortieth of a whole build, for a check that runs on a few KB of text. The same set written as what
it contains (:data:`NOT_PRINTABLE`: the C0 controls but tab and line breaks, DEL to U+009F but NEL,
the surrogates, U+FFFE and U+FFFF) compiles ten times faster. :func:`seed_yaml_reader` puts that
pattern into the ``re`` module's cache under PyYAML's pattern text, so that PyYAML's own
``re.compile`` finds it: the same matches (tests/test_startup.py compares both over every code
point), without the cost. Nothing changes when the cache is not the dict it has been from Python
3.7 to 3.13, or when PyYAML is already loaded.
"""

from __future__ import annotations

import re
import sys

YAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
"""PyYAML's pattern text (yaml/reader.py, PyYAML 5.1 to 6.0)."""

NOT_PRINTABLE = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"
"""The same set of characters, listed."""


def seed_yaml_reader() -> None:
    """Let PyYAML's reader find its pattern of non-printable characters compiled (see the module)."""
    cache = getattr(re, "_cache", None)
    if "yaml.reader" in sys.modules or not isinstance(cache, dict):
        return
    cache.setdefault((str, YAML_NON_PRINTABLE, 0), re.compile(NOT_PRINTABLE))
