"""What a long-running process (``make-issue watch``) keeps between builds, keyed by content.

A single build (``make-issue 2018-06``) starts from nothing. A watch loop builds the same issue again
after every save, and most of the work is the same as last time: the layout file did not change, the
fonts did not change, and all paragraphs but the one being edited are the same text. ``Warm`` holds:

- parsed layouts, keyed by the layout file's bytes;
- the font library (resolved roles, character maps; ReportLab keeps the registered subsets, named
  by their content), keyed by the bytes of ``fonts/fonts.yaml`` and the size and modification time
  of every font file in ``fonts/``;
- the fonts' assignment to the issue's characters and their registration, while the font library
  and the characters per role are the same;
- what the composer reuses (``compose.memo.Memo``): the line breaks of body paragraphs, keyed by
  their text runs, fonts and measure, and the text runs of each broken line. A paragraph whose
  text, fonts or measure changed gets a new key, so nothing stale is ever reused; and the story's
  blocks of unchanged articles and where the page loop placed each (``compose.replay``), replayed
  when a block comes to the same place on its page;
- the content of each page drawn (``render.pdf.PageMemo``), reused for a page with the same items
  whose characters have the same codes in the fonts' subsets;
- the issue file's last text, node tree and validation (``source.incremental.IssueMemo``): an edit
  inside one paragraph patches the tree and validates that paragraph's item again, nothing else.

Every key is the content itself (or the file's identity for font files, which are large): a cache
hit gives exactly what a cold build would compute. The caches are bounded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from jianbao.compose.memo import BREAKS_KEPT, BUILDS_KEPT, Memo
from jianbao.design.load import load_layout
from jianbao.errors import display_path
from jianbao.fonts import FontLibrary, folder_library
from jianbao.fonts.discover import local_font_files
from jianbao.fonts.standin import StandIn
from jianbao.fonts.standin import messages as standin_messages
from jianbao.render.pdf import PageMemo
from jianbao.source.incremental import IssueMemo

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from jianbao.compose.printed import Printed
    from jianbao.compose.textset import Fonts
    from jianbao.design.layout import Layout
    from jianbao.fonts.library import Assignment


class Warm:
    """Content-keyed caches shared by successive builds in one process (see the module's doc)."""

    def __init__(self, max_breaks: int = BREAKS_KEPT) -> None:
        self._layouts: dict[Path, tuple[bytes, Layout]] = {}
        self._library: tuple[tuple[object, ...], FontLibrary] | None = None
        self._assigned: tuple[FontLibrary, dict[str, set[str]], Assignment] | None = None
        self._registered: tuple[FontLibrary, Assignment, Fonts] | None = None
        self._text_chars: dict[str, frozenset[str]] = {}  # a printed text → its characters but spaces
        self._chars_last: tuple[list[tuple[str, str]], dict[str, set[str]]] | None = None
        self._stand_in_messages: tuple[tuple[object, ...], list[str]] | None = None
        self.memo = Memo(max_breaks)  # what the composer reuses
        self.pages = PageMemo()  # what the PDF renderer reuses
        self.source = IssueMemo()  # the issue file's text, node tree and validation (source.incremental)

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
        library.converted = {}  # new characters: only they are converted (fonts/embed.py)
        self._library = (key, library)
        return library

    def assign(self, library: FontLibrary, chars: dict[str, set[str]]) -> Assignment:
        """``library.assign(chars)``, the same object while the library and the characters are."""
        kept = self._assigned
        if kept is not None and kept[0] is library and kept[1] == chars:
            return kept[2]
        assignment = library.assign(chars)
        self._assigned = (library, {role: set(c) for role, c in chars.items()}, assignment)
        return assignment

    def registered(self, library: FontLibrary, assignment: Assignment,
                   register: Callable[[FontLibrary, Assignment], Fonts]) -> Fonts:
        """``register(library, assignment)``, once for the same library and assignment objects."""
        kept = self._registered
        if kept is not None and kept[0] is library and kept[1] is assignment:
            return kept[2]
        fonts = register(library, assignment)
        self._registered = (library, assignment, fonts)
        return fonts

    def chars_by_role(self, printed: Iterable[Printed]) -> dict[str, set[str]]:
        """``compose.printed.chars_by_role(printed)``. After an edit of a few texts (same roles, none
        made empty or new), the last build's sets get the edited texts' characters, and lose those of
        the old texts that no text of the role has any more; else they are made again from each
        text's characters (kept from earlier builds: a text's set of 1-character strings is made once)."""
        runs = [(role, text) for p in printed for role, text in (p.runs or ((p.role, p.text),)) if text]
        kept = self._text_chars
        last, self._chars_last = self._chars_last, None  # updated in place: kept again when done
        need: dict[str, set[str]] | None = None
        if last is not None and len(last[0]) == len(runs):
            need = _edited_chars(last[0], last[1], runs, kept)
        if need is None:
            need = {}
            for role, text in runs:
                chars = kept.get(text)
                if chars is None:
                    chars = kept[text] = _chars(text)
                into = need.get(role)
                if into is None:
                    need[role] = set(chars)
                else:
                    into |= chars
        if len(kept) > 2 * len(runs) + 100:  # the sets of texts no longer printed are let go now and then
            self._text_chars = {text: kept.get(text) or _chars(text) for _, text in runs}
        self._chars_last = (runs, need)
        return {role: set(chars) for role, chars in need.items()}

    def stand_in_messages(self, library: FontLibrary, stand: list[StandIn]) -> list[str]:
        """``library.stand_in_messages(roles)`` for the roles' stand-ins ``stand``, made again only when
        they or the way the library's folder is shown changed (a message names only these)."""
        key = (tuple(stand), library.local_dir, display_path(library.local_dir))
        kept = self._stand_in_messages
        if kept is not None and kept[0] == key:
            return list(kept[1])
        made = standin_messages(stand, library.local_dir)
        self._stand_in_messages = (key, made)
        return list(made)

    def sweep(self, builds: int = BUILDS_KEPT) -> None:
        """Call after each build: forget the breaks and lines no build of the last ``builds`` used."""
        self.memo.sweep(builds)
        self.pages.sweep(builds)

    @property
    def hits(self) -> int:
        """Paragraph breaks reused (for the benchmark and the tests)."""
        return self.memo.hits

    @property
    def misses(self) -> int:
        """Paragraph breaks made."""
        return self.memo.misses

    @property
    def paragraphs(self) -> int:
        """How many paragraph breaks are kept."""
        return self.memo.paragraphs


def _chars(text: str) -> frozenset[str]:
    return frozenset(ch for ch in set(text) if not ch.isspace())


def _edited_chars(old: list[tuple[str, str]], last: dict[str, set[str]], runs: list[tuple[str, str]],
                  kept: dict[str, frozenset[str]], most: int = 4) -> dict[str, set[str]] | None:
    """The characters per role of ``runs`` from those of ``old`` (``last``, updated in place), when at
    most ``most`` runs changed and each kept its role; None otherwise."""
    changed = [i for i, (was, now) in enumerate(zip(old, runs, strict=True)) if was != now]
    if len(changed) > most or any(old[i][0] != runs[i][0] for i in changed):
        return None
    gone: list[tuple[str, str]] = []
    for i in changed:
        role, text = runs[i]
        chars = kept.get(text)
        if chars is None:
            chars = kept[text] = _chars(text)
        was = kept.get(old[i][1]) or _chars(old[i][1])
        last[role] |= chars
        gone += [(role, ch) for ch in was - chars]
    if len(gone) > 64:
        return None  # looking for each in every text would cost more than making the sets again
    for role, ch in gone:
        if not any(ch in text for r, text in runs if r == role):
            last[role].discard(ch)
    return last


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
