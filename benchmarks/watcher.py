#!/usr/bin/env python3
"""Save → round: how long the watch loop's watcher takes to report a save, for both watchers of
``jianbao.proof.watcher`` (inotify, used on Linux; watchfiles, used elsewhere), interleaved in one run.

    .venv/bin/python benchmarks/watcher.py             # 3 series of 40 saves each
    .venv/bin/python benchmarks/watcher.py --saves 100 --series 5

Each save truncates and rewrites a file in a watched folder (as an editor saving in place does); the
time is from just before the save to the round naming the file, in the thread that iterates the rounds
(as ``make-issue watch`` does).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from jianbao.proof import watcher

Make = Callable[[list[Path], Callable[[Path], bool], threading.Event], watcher.Rounds]


def series(make: Make, saves: int) -> list[float]:
    folder = Path(tempfile.mkdtemp(prefix="jianbao-watcher-"))
    path = folder / "issue.yaml"
    path.write_text("x", encoding="utf-8")
    stop, got, ready = threading.Event(), threading.Event(), threading.Event()
    started = [0.0]
    seconds: list[float] = []

    def run() -> None:
        rounds = make([folder], lambda p: p.suffix == ".yaml", stop)
        for changes in rounds:
            ready.set()
            if changes:
                seconds.append(time.perf_counter() - started[0])
                got.set()

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait(10)
    for n in range(saves):
        got.clear()
        started[0] = time.perf_counter()
        with open(path, "wb") as f:
            f.write(b"y" * (n + 1))
        got.wait(2)
        time.sleep(0.03)
    stop.set()
    thread.join()
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--saves", type=int, default=40)
    ap.add_argument("--series", type=int, default=3)
    args = ap.parse_args()
    kinds: dict[str, Make] = {"watchfiles": watcher._watchfiles_rounds}
    if sys.platform.startswith("linux"):
        kinds = {"inotify": lambda *a: watcher._InotifyRounds(*a).rounds(), **kinds}
    found: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(args.series):
        for name, make in kinds.items():
            found[name] += series(make, args.saves)
    for name, seconds in found.items():
        ms = [1000 * s for s in seconds]
        print(f"{name:11s} save → round: median {statistics.median(ms):5.2f} ms, fastest {min(ms):5.2f} ms "
              f"({len(ms)} saves)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
