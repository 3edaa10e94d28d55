#!/usr/bin/env python3
"""Where a warm rebuild's time goes: one process keeps a ``Warm`` (as ``make-issue watch`` does) and
builds a copy of 2018-06 after each of N one-paragraph edits; each step of the pipeline is timed.

    .venv/bin/python benchmarks/warm_steps.py            # 30 edits: fastest and median per step
    .venv/bin/python benchmarks/warm_steps.py --edits 60
    .venv/bin/python benchmarks/warm_steps.py --new-characters   # each edit brings a character new to the issue

Steps: ``load_issue`` (YAML → validated model, inside prepare), ``prepare`` (all of it), ``register``
(font registration: reused while the fonts and characters are the same, so usually not called),
``compose`` (pages as data), ``render`` (the PDF), and the whole ``build`` (these plus writing the file
in place). Also how many pages the renderer reused. Run it on a quiet machine: a build takes
milliseconds. Built as the watch loop builds: the garbage collector at rest during a build, a
collection after it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peer import ROOT

EDITED = "会上，市工商联副主席孙昌佩传达了"
NEW = "琰璟曦珩彧瑾璐琛玥瑶昊翊睿煜婷"  # none of them in 2018-06


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=30, help="timed edits (default 30)")
    ap.add_argument("--new-characters", action="store_true",
                    help="each edit types a character the issue does not have yet (the fonts get new subsets; "
                         "with an empty font cache, JIANBAO_CACHE_DIR, the CFF faces convert it)")
    args = ap.parse_args()

    import jianbao.compose
    import jianbao.pipeline as pipeline
    import jianbao.render.pdf as pdf
    from jianbao import collector
    from jianbao.source.incremental import IssueMemo
    from jianbao.warm import Warm

    times: dict[str, list[float]] = {}

    def timed(module: Any, name: str, label: str) -> None:
        real: Callable[..., Any] = getattr(module, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                times.setdefault(label, []).append(time.perf_counter() - t0)

        setattr(module, name, wrapper)

    timed(IssueMemo, "load", "load_issue")  # a warm build loads the issue through its IssueMemo
    timed(pipeline, "prepare", "prepare")
    timed(pipeline, "register_fonts", "register")
    timed(jianbao.compose, "compose", "compose")
    timed(pdf, "render_pdf", "render")

    work = Path(tempfile.mkdtemp(prefix="jianbao-warm-steps-"))
    shutil.copytree(ROOT / "content", work / "content")
    source = work / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    assert EDITED in text
    project = pipeline.Project(work)
    warm = Warm()
    pipeline.build(source, work / "out", project, warm)
    warm.sweep()
    times.clear()
    builds: list[float] = []
    for n in range(args.edits):
        typed = NEW[n % len(NEW)] if args.new_characters else f"第{n}次"
        source.write_text(text.replace(EDITED, f"会上，市工商联副主席孙昌佩{typed}传达了", 1), encoding="utf-8")
        t0 = time.perf_counter()
        with collector.rare():  # as make-issue watch builds (proof/watch.py: Session.build)
            pipeline.build(source, work / "out", project, warm)
        builds.append(time.perf_counter() - t0)
        warm.sweep()
        collector.after_build()
    shutil.rmtree(work, ignore_errors=True)

    kind = "edits each bringing a new character" if args.new_characters else "one-paragraph edits"
    print(f"2018-06, {args.edits} {kind}, warm rebuild in one process:")
    for label, values in [("build", builds), *times.items()]:
        print(f"  {label:<11} fastest {1000 * min(values):6.2f} ms   median {1000 * statistics.median(values):6.2f} ms"
              f"   ({len(values)} calls)")
    print(f"  pages reused by the renderer: {warm.pages.hits} of {warm.pages.hits + warm.pages.misses}")
    print(f"  issue loads that patched the node tree: {warm.source.patched} of "
          f"{warm.source.patched + warm.source.composed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
