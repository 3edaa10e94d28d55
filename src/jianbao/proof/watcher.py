"""What tells the watch loop that files changed: rounds of changed paths.

``rounds(folders, relevant, stop)`` yields sets of paths: first an empty set once the watcher is in
place (no save is missed from then on), then each set of changed paths that ``relevant`` accepts,
and an empty set after every :data:`IDLE_MS` without changes (so that the loop sees ``stop``).

Two watchers give the same rounds:

- on Linux, inotify read directly (``inotify_simple``). The kernel says when a writer closed a file
  (``IN_CLOSE_WRITE``) or renamed one into place (``IN_MOVED_TO``): a save is complete then, and
  the round comes at once (``benchmarks/watcher.py``: under a millisecond). A file still open for
  writing, or removed (an editor may rename the old file away before it writes the new one), is
  waited for until :data:`OPEN_MS` pass without an event: on a busy machine an editor's writes can
  come milliseconds apart, and a build must not read the file between them;
- elsewhere (Windows, macOS), watchfiles. Its Rust watcher cannot tell a finished save from one
  under way: it ends a round once :data:`STEP_MS` passed without a new event, so a round comes
  1–2 ms after the save.

Either way, a burst of saves longer than a round gives several rounds; the watch loop drops a build
whose files changed while it ran (``proof.watch``), so a burst still gives one PDF.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Generator, Sequence
from pathlib import Path

STEP_MS = 1  # watchfiles: a change is reported once no further change came for this long …
DEBOUNCE_MS = 500  # … or once changes kept coming for this long
IDLE_MS = 50  # an empty round after this long without changes
OPEN_MS = 50  # inotify: a file written but not closed, or removed, is waited for this long without events

Rounds = Generator[set[Path], None, None]


def rounds(folders: Sequence[Path], relevant: Callable[[Path], bool], stop: threading.Event) -> Rounds:
    """The rounds of changes under ``folders`` (watched with their subfolders), as the module says."""
    if sys.platform.startswith("linux"):
        try:
            import inotify_simple  # noqa: F401  (a dependency on Linux; watchfiles when it is missing)
        except ImportError:
            pass
        else:
            return _InotifyRounds(folders, relevant, stop).rounds()
    return _watchfiles_rounds(folders, relevant, stop)


def _watchfiles_rounds(folders: Sequence[Path], relevant: Callable[[Path], bool],
                       stop: threading.Event) -> Rounds:
    import watchfiles

    # a folder is let through: one moved in (fonts unpacked elsewhere) is reported alone, without its files
    seen = watchfiles.watch(
        *folders, watch_filter=lambda _change, path: os.path.isdir(path) or relevant(Path(path)),
        debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop, raise_interrupt=True,
        rust_timeout=IDLE_MS, yield_on_timeout=True,
    )
    try:
        for changes in seen:
            found: set[Path] = set()
            for _, name in changes:
                path = Path(name)
                found.update(_relevant_files(path, relevant) if path.is_dir() else [path])
            if changes and not found:  # only folders, without a relevant file: nothing to build
                continue
            yield found
    finally:
        seen.close()  # stops the watcher's thread


def _relevant_files(folder: Path, relevant: Callable[[Path], bool]) -> list[Path]:
    return [p for root, _dirs, files in os.walk(folder) for p in (Path(root, f) for f in files) if relevant(p)]


class _InotifyRounds:
    """inotify on every folder under the watched ones (folders made later are added as they come).
    A round ends when every relevant file changed has been closed or renamed into place, or
    :data:`OPEN_MS` passed without an event (a file removed, or written and left open)."""

    def __init__(self, folders: Sequence[Path], relevant: Callable[[Path], bool], stop: threading.Event) -> None:
        from inotify_simple import INotify, flags

        self._flags = flags
        self._mask = (flags.CLOSE_WRITE | flags.MODIFY | flags.CREATE | flags.DELETE | flags.MOVED_FROM
                      | flags.MOVED_TO | flags.ATTRIB | flags.DELETE_SELF | flags.MOVE_SELF)
        self._relevant = relevant
        self._stop = stop
        self._folders = list(folders)
        self._inotify = INotify()
        self._dirs: dict[int, Path] = {}  # watch descriptor → its folder
        for folder in self._folders:
            self._add_tree(folder)

    def _add_tree(self, folder: Path) -> set[Path]:
        """Watch ``folder`` and the folders under it; the relevant files found there (a folder moved in
        brings its files)."""
        found: set[Path] = set()
        for root, dirs, files in os.walk(folder):
            try:
                wd = self._inotify.add_watch(root, self._mask)
            except OSError:  # gone meanwhile, or no permission: nothing there to build from
                dirs.clear()
                continue
            self._dirs[wd] = Path(root)
            found.update(p for p in (Path(root, f) for f in files) if self._relevant(p))
        return found

    def rounds(self) -> Rounds:
        flags = self._flags
        finished = flags.CLOSE_WRITE | flags.MOVED_TO  # a save is complete
        # under way: a file written, or removed or renamed away (an editor that saves by writing a new
        # file and renaming it into place, or by renaming the old one to a backup first)
        under_way = flags.MODIFY | flags.CREATE | flags.DELETE | flags.MOVED_FROM
        try:
            yield set()  # in place
            pending: set[Path] = set()
            writing: set[Path] = set()  # modified, not yet closed
            first = 0.0
            while not self._stop.is_set():
                events = self._inotify.read(timeout=OPEN_MS if pending else IDLE_MS)
                if not events:
                    if pending:  # quiet for a while: what is still open for writing is taken as it is
                        yield pending
                        pending, writing = set(), set()
                    else:
                        yield set()
                    continue
                if not pending:
                    first = time.monotonic()
                for event in events:
                    if event.mask & flags.Q_OVERFLOW:  # events were lost: every watched file may have changed
                        pending.update(self._folders)
                        continue
                    if event.mask & flags.IGNORED:  # its folder is gone
                        self._dirs.pop(event.wd, None)
                        continue
                    folder = self._dirs.get(event.wd)
                    if folder is None:
                        continue
                    path = folder / event.name if event.name else folder
                    if event.mask & flags.ISDIR:
                        if event.mask & (flags.CREATE | flags.MOVED_TO):
                            pending.update(self._add_tree(path))
                        continue
                    if not self._relevant(path):
                        continue
                    pending.add(path)
                    if event.mask & finished:
                        writing.discard(path)
                    elif event.mask & under_way:
                        writing.add(path)
                if pending and (not writing or time.monotonic() - first >= DEBOUNCE_MS / 1000):
                    yield pending
                    pending, writing = set(), set()
        finally:
            self._inotify.close()
