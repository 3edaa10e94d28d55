#!/usr/bin/env python3
"""Line breaker cost per character for paragraphs of 1k, 10k and 100k characters.

    .venv/bin/python benchmarks/linebreak.py

Prints the median of 5 runs per size and the cost per character; a linear breaker keeps the
per-character cost flat as the paragraph grows.
"""

from __future__ import annotations

import statistics
import time

from jianbao.compose.linebreak import Item, Measure, break_paragraph

CELL = 442.2 / 28
MEASURE = Measure(width=442.2, cell=CELL, first_indent=2 * CELL, latin_gap=4.0)
SAMPLE = "市工商联召开所属商协会党组织党建工作会议，贯彻落实省、市两新组织党建工作会议精神，回顾总结2017年商协会" \
         "党建工作。“不忘初心、牢记使命”……——http://www.0573zsh.com "


def run(size: int) -> float:
    text = (SAMPLE * (size // len(SAMPLE) + 1))[:size]
    items = [Item(ch, 8.0) for ch in text]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        break_paragraph(items, MEASURE)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    base = None
    print(f"{'chars':>8} {'median s':>10} {'µs/char':>8} {'ratio/char vs 1k':>17}")
    for size in (1_000, 10_000, 100_000):
        t = run(size)
        per = t / size * 1e6
        base = base or per
        print(f"{size:>8} {t:>10.4f} {per:>8.2f} {per / base:>17.2f}")


if __name__ == "__main__":
    main()
