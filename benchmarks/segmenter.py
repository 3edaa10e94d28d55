#!/usr/bin/env python3
"""jieba or rjieba for the titles' words? Load time, cutting speed and agreement, measured here.

    .venv/bin/pip install jieba rjieba          # jieba is not a dependency: only this script needs it
    .venv/bin/python benchmarks/segmenter.py [--runs 7]

Load: a fresh interpreter imports the segmenter and cuts one title (so the dictionary is loaded;
jieba builds its prefix dictionary or reads its cache file, rjieba parses its embedded dictionary),
minus a fresh interpreter that does nothing; the median of ``--runs`` runs of each. Speed: every
title of tests/titles.txt cut 200 times in one process, median of the runs, in titles per second.
Agreement: the share of titles both cut into the same words (HMM on, as the build does).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TITLES = [t.strip() for t in (ROOT / "tests" / "titles.txt").read_text(encoding="utf-8").splitlines()
          if t.strip() and not t.startswith("#")]
LOAD = {
    "nothing": "pass",
    "jieba": "import jieba; jieba.setLogLevel(60); jieba.lcut('庆祝改革开放40周年暨民营企业家座谈会')",
    "rjieba": "import rjieba; rjieba.Jieba().cut('庆祝改革开放40周年暨民营企业家座谈会', True)",
}


def load_time(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cutters() -> dict[str, object]:
    import jieba
    import rjieba

    jieba.setLogLevel(60)
    jieba.initialize()
    r = rjieba.Jieba()
    return {"jieba": lambda t: jieba.lcut(t, HMM=True), "rjieba": lambda t: r.cut(t, True)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    base = load_time(LOAD["nothing"], args.runs)
    cut = cutters()
    print(f"{len(TITLES)} titles of {min(map(len, TITLES))}–{max(map(len, TITLES))} characters; "
          f"median of {args.runs} runs\n")
    print("| segmenter | load (import + dictionary) | titles cut per second |")
    print("|---|---|---|")
    for name in ("jieba", "rjieba"):
        load = load_time(LOAD[name], args.runs) - base
        speeds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            for _ in range(200):
                for t in TITLES:
                    cut[name](t)  # type: ignore[operator]
            speeds.append(200 * len(TITLES) / (time.perf_counter() - started))
        print(f"| {name} | {load * 1000:.0f} ms | {statistics.median(speeds):,.0f} |")
    same = sum(cut["jieba"](t) == cut["rjieba"](t) for t in TITLES)  # type: ignore[operator]
    print(f"\nsame words for {same} of {len(TITLES)} titles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
