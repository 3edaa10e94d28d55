"""The watch loop's watcher (proof/watcher.py): the rounds of changed files it reports, by both
implementations (inotify on Linux, watchfiles elsewhere), for the ways editors and users save."""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jianbao.proof import watcher

Make = Callable[[list[Path], Callable[[Path], bool], threading.Event], watcher.Rounds]


def _inotify(folders: list[Path], relevant: Callable[[Path], bool], stop: threading.Event) -> watcher.Rounds:
    return watcher._InotifyRounds(folders, relevant, stop).rounds()


KINDS: list[object] = [pytest.param(watcher._watchfiles_rounds, id="watchfiles")]
if sys.platform.startswith("linux"):
    KINDS.insert(0, pytest.param(_inotify, id="inotify"))


class Rounds:
    """A watcher running in a thread; its non-empty rounds in a queue."""

    def __init__(self, make: Make, folders: list[Path], relevant: Callable[[Path], bool]) -> None:
        self.stop = threading.Event()
        self.seen: queue.Queue[set[Path]] = queue.Queue()
        ready = threading.Event()

        def run() -> None:
            rounds = make(folders, relevant, self.stop)
            try:
                for changes in rounds:
                    ready.set()
                    if changes:
                        self.seen.put({p.resolve() for p in changes})
            finally:
                rounds.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(10), "the watcher never reported it was in place"

    def next(self, timeout: float = 5) -> set[Path]:
        return self.seen.get(timeout=timeout)

    def quiet(self, seconds: float = 0.3) -> bool:
        try:
            extra = self.seen.get(timeout=seconds)
        except queue.Empty:
            return True
        pytest.fail(f"an extra round: {sorted(extra)}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive(), "the watcher did not end when asked to stop"


@pytest.fixture(params=KINDS)
def rounds(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, Rounds]]:
    folder = (tmp_path / "watched").resolve()
    (folder / "fonts").mkdir(parents=True)
    (folder / "issue.yaml").write_text("a: 1\n", encoding="utf-8")

    def relevant(path: Path) -> bool:
        return path.suffix in (".yaml", ".ttf")

    seen = Rounds(request.param, [folder], relevant)
    yield folder, seen
    seen.close()


def test_a_save_in_place_is_one_round_naming_the_file(rounds: tuple[Path, Rounds]) -> None:
    folder, seen = rounds
    with open(folder / "issue.yaml", "wb") as f:  # truncate, then write: one save
        f.write(b"a: 2\n")
        f.flush()
        f.write(b"b: 3\n")
    assert seen.next() == {folder / "issue.yaml"}
    seen.quiet()


def test_a_save_by_renaming_a_new_file_into_place_is_one_round(rounds: tuple[Path, Rounds]) -> None:
    folder, seen = rounds
    (folder / ".issue.yaml.swp").write_bytes(b"a: 4\n")
    os.replace(folder / ".issue.yaml.swp", folder / "issue.yaml")
    changed = seen.next()
    assert folder / "issue.yaml" in changed
    seen.quiet()


def test_files_the_watch_does_not_read_give_no_round(rounds: tuple[Path, Rounds]) -> None:
    folder, seen = rounds
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    (folder / "fonts" / "readme.md").write_text("x", encoding="utf-8")
    seen.quiet()


def test_a_font_file_in_a_folder_made_while_watching_is_a_change(rounds: tuple[Path, Rounds]) -> None:
    folder, seen = rounds
    (folder / "fonts" / "new").mkdir()
    time.sleep(0.1)  # the watcher adds the new folder before the file comes
    (folder / "fonts" / "new" / "FangSong.ttf").write_bytes(b"\0" * 64)
    changed: set[Path] = set()
    while folder / "fonts" / "new" / "FangSong.ttf" not in changed:
        changed |= seen.next()


def test_a_folder_of_fonts_moved_in_brings_its_files(rounds: tuple[Path, Rounds], tmp_path: Path) -> None:
    folder, seen = rounds
    outside = tmp_path / "download"
    outside.mkdir()
    (outside / "KaiTi.ttf").write_bytes(b"\0" * 64)
    os.rename(outside, folder / "fonts" / "download")
    changed: set[Path] = set()
    while folder / "fonts" / "download" / "KaiTi.ttf" not in changed:
        changed |= seen.next()


def test_a_file_left_open_after_writing_still_gives_a_round(rounds: tuple[Path, Rounds]) -> None:
    folder, seen = rounds
    with open(folder / "issue.yaml", "ab") as f:
        f.write(b"c: 5\n")
        f.flush()
        assert seen.next() == {folder / "issue.yaml"}  # while the file is still open
