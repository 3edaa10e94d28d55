"""What a long-running process (``make-issue watch``) keeps between builds, keyed by content.

A single build (``make-issue 2018-06``) starts from nothing. A watch loop builds the same issue again
after every save, and most of the work is the same as last time: the layout file did not change, the
fonts did not change, and all paragraphs but the one being edited are the same text. ``Warm`` holds:

- parsed layouts, keyed by the layout file's bytes;
- the font library (resolved roles, character maps; ReportLab keeps the registered subsets, named
  by their content), keyed by the bytes of ``fonts/fonts.yaml`` and the size and modification time
  of every font file in ``fonts/``;
- the line breaks of body paragraphs, keyed by what the breaker is given: every character with its
  advance and style, and the measure. A paragraph whose text, fonts or measure changed gets a new
  key, so nothing stale is ever reused.

Every key is the content itself (or the file's identity for font files, which are large): a cache
hit gives exactly what a cold build would compute. The caches are bounded.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jianbao.compose.linebreak import BrokenParagraph, Item, Measure
from jianbao.design.load import load_layout
from jianbao.fonts import FontLibrary, folder_library
from jianbao.fonts.discover import local_font_files

if TYPE_CHECKING:
    from jianbao.design.layout import Layout

BREAKS_KEPT = 2000  # paragraphs at most (an issue has a few dozen to a few hundred) …
BUILDS_KEPT = 3  # … and only those used by one of the last three builds (a paragraph's break: ~0.1 MB)


class Warm:
    """Content-keyed caches shared by successive builds in one process (see the module's doc)."""

    def __init__(self, max_breaks: int = BREAKS_KEPT) -> None:
        self._layouts: dict[Path, tuple[bytes, Layout]] = {}
        self._library: tuple[tuple[object, ...], FontLibrary] | None = None
        # key → (the paragraph's break, the sweep it was last used in)
        self._breaks: OrderedDict[tuple[tuple[Item, ...], Measure], tuple[BrokenParagraph, int]] = OrderedDict()
        self._max_breaks = max_breaks
        self._sweeps = 0
        self.hits = 0  # paragraph breaks reused / made, for the benchmark and the tests
        self.misses = 0

    def layout(self, path: Path) -> Layout:
        """``load_layout(path)``, parsed again only when the file's bytes changed. A file that cannot
        be read goes to ``load_layout``, which reports it."""
        try:
            data = path.read_bytes()
        except OSError:
            return load_layout(path)
        kept = self._layouts.get(path)
        if kept is not None and kept[0] == data:
            return kept[1]
        layout = load_layout(path)
        self._layouts[path] = (data, layout)
        return layout

    def font_library(self, config: Path, fonts_dir: Path) -> FontLibrary:
        """A FontLibrary for this configuration, the same object while neither the configuration
        nor any font file in ``fonts_dir`` changed."""
        key = _fonts_key(config, fonts_dir)
        if self._library is not None and self._library[0] == key:
            return self._library[1]
        library = folder_library(fonts_dir)  # the folder's roles over the built-in ones, as a build
        self._library = (key, library)
        return library

    def break_paragraph(self, items: Sequence[Item], measure: Measure) -> BrokenParagraph:
        """``BrokenParagraph(items, measure)``, reused when the same characters at the same advances
        and styles are broken to the same measure (the breaker is a pure function of these)."""
        key = (tuple(items), measure)
        kept = self._breaks.get(key)
        if kept is not None:
            self._breaks[key] = (kept[0], self._sweeps)
            self._breaks.move_to_end(key)
            self.hits += 1
            return kept[0]
        self.misses += 1
        broken = BrokenParagraph(items, measure)
        self._breaks[key] = (broken, self._sweeps)
        while len(self._breaks) > self._max_breaks:
            self._breaks.popitem(last=False)
        return broken

    def sweep(self, builds: int = BUILDS_KEPT) -> None:
        """Call after each build: forget the breaks no build of the last ``builds`` used (earlier
        versions of an edited paragraph), so that a long watch session does not grow."""
        self._sweeps += 1
        oldest = self._sweeps - builds
        for key in [k for k, (_, used) in self._breaks.items() if used < oldest]:
            del self._breaks[key]

    @property
    def paragraphs(self) -> int:
        """How many paragraph breaks are kept."""
        return len(self._breaks)


def _fonts_key(config: Path, fonts_dir: Path) -> tuple[object, ...]:
    try:
        config_digest = hashlib.sha256(config.read_bytes()).hexdigest()
    except OSError as exc:
        config_digest = f"unreadable: {exc.errno}"
    files = []
    for path in local_font_files(fonts_dir):
        try:
            st = os.stat(path)
        except OSError:
            continue
        files.append((str(path), st.st_size, st.st_mtime_ns))
    return (config_digest, tuple(files))
