#!/usr/bin/env python3
"""Scale benchmark for archive rebuilds: make-issue --all over hundreds of generated issues.

    .venv/bin/python benchmarks/archive.py                 # 200 issues rebuilt, no-op over 500
    .venv/bin/python benchmarks/archive.py --runs 1 --issues 50 --noop-issues 100   # quick look

What it measures, each as the whole ``make-issue`` process, medians of ``--runs`` runs:

1. **Full rebuild** of N generated issues (``--all --force``) with 1 worker and with ``--jobs``
   workers, alternating, in the same run: time, issues per second, and the speed-up (the 1-worker
   time is the baseline). Target: 200 typical issues in under 60 s on 2 cores.
2. **No-op rebuild** (``--all`` with nothing changed) over M issues. Target: under 2 s for 500.

The issues come from ``benchmarks/generate_issues.py`` (realistic text, 2–20 pages, every block type)
in a throw-away project (``--workdir``, default a temporary folder) with this project's layouts and
font configuration. Fonts are made ready first (``make-issue --prepare-fonts`` where the program has
it) and one untimed build fills the font cache, so the timed runs measure rebuilding an archive on a
machine that has built issues before. The font cache is the user's (``$JIANBAO_CACHE_DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_issues import generate  # noqa: E402


def make_issue(project: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "jianbao", *args], cwd=project, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"make-issue {' '.join(args)} failed with status {result.returncode}")
    return seconds, result


def last_line(result: subprocess.CompletedProcess, starts: str) -> str:
    return next((line for line in reversed(result.stdout.splitlines()) if line.startswith(starts)), "")


def new_project(workdir: Path) -> Path:
    project = workdir / "project"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(ROOT / "layouts", project / "layouts")
    fonts = project / "fonts"
    fonts.mkdir(parents=True)
    for item in (ROOT / "fonts").iterdir():  # fonts.yaml, and licensed fonts dropped there (linked)
        if item.name == "fonts.yaml":
            shutil.copy(item, fonts / item.name)
        elif item.is_file():
            (fonts / item.name).symlink_to(item)
    return project


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--issues", type=int, default=200, help="issues in the full rebuild (default 200)")
    p.add_argument("--noop-issues", type=int, default=500, help="issues in the no-op rebuild (default 500)")
    p.add_argument("--jobs", type=int, default=2, help="workers to compare with 1 (default 2)")
    p.add_argument("--runs", type=int, default=3, help="timed runs of each kind (default 3; no-op: at least 5)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, default=None, help="where the generated project goes (kept)")
    args = p.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="jianbao-archive-"))
    project = new_project(workdir)
    content = project / "content"
    total = max(args.issues, args.noop_issues)
    print(f"project: {project}  ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at start)")

    generate(args.issues, content, seed=args.seed)
    helptext = subprocess.run([sys.executable, "-m", "jianbao", "--help"], capture_output=True, text=True).stdout
    if "--prepare-fonts" in helptext:
        seconds, _ = make_issue(project, "--prepare-fonts")
        print(f"make-issue --prepare-fonts: {seconds:.1f} s (once per machine)")
    seconds, _ = make_issue(project, "--all", "-j", str(args.jobs))
    print(f"first build of {args.issues} issues (fills the font cache, untimed): {seconds:.1f} s")
    record = json.loads((project / "out" / "index.json").read_text(encoding="utf-8"))["issues"]
    pages = [i["pages"] for i in record]
    print(f"  {sum(pages)} pages, {min(pages)}–{max(pages)} per issue, median {statistics.median(pages):g}")

    times: dict[int, list[float]] = {1: [], args.jobs: []}
    for run in range(args.runs):
        for jobs in ((1, args.jobs) if run % 2 == 0 else (args.jobs, 1)):
            seconds, result = make_issue(project, "--all", "--force", "-j", str(jobs))
            assert f"生成 {args.issues} 期" in result.stdout, result.stdout[-500:]
            times[jobs].append(seconds)
            print(f"  run {run + 1}, {jobs} worker(s): {seconds:.1f} s")
    one, many = statistics.median(times[1]), statistics.median(times[args.jobs])
    print(f"full rebuild of {args.issues} issues ({sum(pages)} pages), medians of {args.runs}:")
    print(f"  1 worker:   {one:6.1f} s  {args.issues / one:5.2f} issues/s")
    print(f"  {args.jobs} workers:  {many:6.1f} s  {args.issues / many:5.2f} issues/s"
          f"   speed-up ×{one / many:.2f}   target < 60 s: {'met' if many < 60 else 'NOT met'}")

    if args.noop_issues > args.issues:
        generate(total, content, seed=args.seed)  # the first issues are the same files again
        seconds, _ = make_issue(project, "--all", "-j", str(args.jobs))
        print(f"build of the {total - args.issues} further issues (untimed): {seconds:.1f} s")
    noop_project = project
    if args.noop_issues < total:  # a project with just the first noop_issues issues and their PDFs
        noop_project = workdir / "noop"
        if noop_project.exists():
            shutil.rmtree(noop_project)
        shutil.copytree(project, noop_project, symlinks=True)
        for path in sorted((noop_project / "content").glob("*.yaml"))[args.noop_issues:]:
            path.unlink()
    noop = []
    for _ in range(max(5, args.runs)):
        seconds, result = make_issue(noop_project, "--all")
        assert f"未变 {args.noop_issues} 期" in result.stdout, result.stdout[-500:]
        noop.append(seconds)
    median = statistics.median(noop)
    print(f"no-op rebuild of {args.noop_issues} issues, median of {len(noop)}: {median:.2f} s"
          f"  (min {min(noop):.2f}, max {max(noop):.2f})   target < 2 s: {'met' if median < 2 else 'NOT met'}")
    print(f"  {last_line(result, '共')}")
    print(f"load {os.getloadavg()[0]:.2f} at the end; project kept in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
