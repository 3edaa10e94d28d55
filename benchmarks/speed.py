#!/usr/bin/env python3
"""Speed of ``make-issue 2018-06`` as a whole process, against the Typst build of the same issue.

    .venv/bin/python benchmarks/speed.py                  # 7 timed runs of each, interleaved
    .venv/bin/python benchmarks/speed.py --runs 11 --prepared

Both commands run as separate processes, alternately, in the same run, so that both see the same
machine load: first a warm-up of each (untimed), then ``--runs`` timed pairs. Printed: the median,
min and max wall time of each, the ratio of the medians (ours / Typst; the target is ≤ 1.0), the
peak resident memory of each process (median of the runs; target ≤ 120 MB) and both PDF sizes
(target: ours no larger).

The font cache is a fresh folder for this run ($JIANBAO_CACHE_DIR), so the figures do not depend on
what the machine built before. Its first build, on the empty cache, is timed once (target ≤ 15 s).
"Warm" then means the cache as that first build left it (the issue's own font subsets). With
``--prepared``, ``make-issue --prepare-fonts`` runs (timed once) and a second series measures the
first build of an issue whose fonts are not cached yet (a new issue, or one with new characters):
its fonts are made from the prepared repertoire.

Also measured, interleaved the same way: the floor of any CPython + ReportLab program
(``python -c pass``; ``import reportlab.pdfgen.canvas``, the part of ReportLab a build uses; all of
jianbao's imports). CPU time (user + system, all threads) is printed beside wall time: it is
steadier on a loaded machine, and Typst compiles on several threads.

Python writes the bytecode of jianbao's modules on first import, as it does for any user; when
$PYTHONDONTWRITEBYTECODE is set in this environment it is removed for the timed processes (and
reported), unless ``--keep-env``: compiling every module on every run is not what users see.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from peer import ROOT, TYPST_DIR, build_typst

OURS = ROOT / ".venv" / "bin" / "make-issue"
PYTHON = ROOT / ".venv" / "bin" / "python"


@dataclass
class Series:
    label: str
    command: list[str]
    cwd: Path = ROOT
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)

    def run(self, env: dict[str, str]) -> tuple[float, float, int]:
        """One run as a separate process: wall time, CPU time (user + system, all threads) and peak
        resident memory (KB, Linux ru_maxrss)."""
        started = time.perf_counter()
        proc = subprocess.Popen(self.command, cwd=self.cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        _, err = proc.communicate()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(self.command)} failed:\n{err.decode(errors='replace')}")
        return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss

    def timed(self, env: dict[str, str]) -> None:
        seconds, cpu, rss = self.run(env)
        self.seconds.append(seconds)
        self.cpu.append(cpu)
        self.rss_kb.append(rss)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def line(self, baseline: Series | None = None) -> str:
        ratio = f"{self.median / baseline.median:5.2f}×" if baseline else "      "
        return (f"{self.label:<46} {1000 * self.median:5.0f} ms {ratio} "
                f"min {1000 * min(self.seconds):4.0f} max {1000 * max(self.seconds):4.0f}  "
                f"CPU {1000 * statistics.median(self.cpu):4.0f} ms  "
                f"peak RSS {statistics.median(self.rss_kb) / 1024:4.0f} MB")


def interleave(series: list[Series], runs: int, env: dict[str, str]) -> None:
    for s in series:  # warm-up: caches, bytecode, the OS's file cache
        s.run(env)
    for _ in range(runs):
        for s in series:
            s.timed(env)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each command (≥ 5; default 7)")
    ap.add_argument("--prepared", action="store_true", help="also measure builds from the prepared repertoire")
    ap.add_argument("--keep-env", action="store_true", help="keep $PYTHONDONTWRITEBYTECODE if it is set")
    ap.add_argument("--no-floor", action="store_true", help="skip the interpreter and import floor")
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")

    work = Path(tempfile.mkdtemp(prefix="jianbao-speed-"))
    env = dict(os.environ, JIANBAO_CACHE_DIR=str(work / "cache"))
    if "PYTHONDONTWRITEBYTECODE" in env and not args.keep_env:
        del env["PYTHONDONTWRITEBYTECODE"]
        print("note: PYTHONDONTWRITEBYTECODE removed for the timed processes (see --keep-env)")
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"work folder {work}")

    ours_pdf, typst_pdf = work / "out" / "2018-06.pdf", work / "typst-2018-06.pdf"
    ours = Series("make-issue 2018-06", [str(OURS), "2018-06", "--out", str(work / "out")])
    typst = Series("Typst (python build.py)", build_typst(typst_pdf), cwd=TYPST_DIR)

    first, _, rss = ours.run(env)
    print(f"first build, empty font cache: {first:.2f} s, peak RSS {rss / 1024:.0f} MB (target ≤ 15 s)")

    interleave([typst, ours], args.runs, env)
    print(f"\nwhole process, {args.runs} timed runs each after a warm-up, medians:")
    print(typst.line())
    print(ours.line(typst) + "   ← warm cache: the issue's own font subsets")

    if args.prepared:
        started = time.perf_counter()
        subprocess.run([str(OURS), "--prepare-fonts"], cwd=ROOT, env=env, check=True, capture_output=True)
        print(f"\nmake-issue --prepare-fonts: {time.perf_counter() - started:.1f} s (once per machine)")

        def forget_issue_fonts() -> None:  # as if 2018-06 were a new issue: only the prepared fonts
            for path in (work / "cache" / "ttf").iterdir():
                if "-base" not in path.name:
                    path.unlink()

        typst2 = Series(typst.label, typst.command, cwd=TYPST_DIR)
        new_issue = Series("make-issue 2018-06 as a new issue (prepared)", ours.command)
        forget_issue_fonts()
        typst2.run(env)
        new_issue.run(env)
        for _ in range(args.runs):
            typst2.timed(env)
            forget_issue_fonts()
            new_issue.timed(env)
        print(typst2.line())
        print(new_issue.line(typst2) + "   ← its fonts made from the prepared repertoire")
    print(f"\nPDF size: ours {ours_pdf.stat().st_size / 1024:.0f} KB, Typst {typst_pdf.stat().st_size / 1024:.0f} KB "
          f"(ratio {ours_pdf.stat().st_size / typst_pdf.stat().st_size:.2f})")

    if not args.no_floor:
        floor = [
            Series("python -c pass", [str(PYTHON), "-c", "pass"]),
            Series("python: import reportlab.pdfgen.canvas", [str(PYTHON), "-c", "import reportlab.pdfgen.canvas"]),
            Series("python: import jianbao (cli, pipeline, compose)",
                   [str(PYTHON), "-c", "import jianbao.cli, jianbao.pipeline, jianbao.compose"]),
            Series("make-issue --version", [str(OURS), "--version"]),
        ]
        interleave(floor, args.runs, env)
        print("\nfloor, same protocol:")
        for s in floor:
            print(s.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
