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
in a throw-away project (``--workdir``, default a temporary folder) with the built-in layout, this project's
font configuration. Fonts are made ready first (``make-issue --prepare-fonts`` where the program has
it) and one untimed build fills the font cache, so the timed runs measure rebuilding an archive on a
machine that has built issues before. The font cache is the user's (``$JIANBAO_CACHE_DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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

CPU: list[float] = []  # CPU seconds (user + system) of each make-issue run, its workers included
ENV = dict(os.environ)  # PYTHONPATH is set to the snapshot of the program being measured


def make_issue(project: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "jianbao", *args], cwd=project, capture_output=True, text=True,
                            env=ENV)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"make-issue {' '.join(args)} failed with status {result.returncode}")
    return seconds, result


def last_line(result: subprocess.CompletedProcess, starts: str) -> str:
    return next((line for line in reversed(result.stdout.splitlines()) if line.startswith(starts)), "")


def _spin() -> None:
    x = 0
    for i in range(6_000_000):
        x += i * i


def machine_scaling(workers: int) -> float:
    """How much more a pure-CPU loop gets done with ``workers`` processes than with 1, right now: the
    ceiling for the speed-up on this machine at this moment (other programs share the CPUs)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")

    def run(n: int) -> float:
        started = time.perf_counter()
        processes = [ctx.Process(target=_spin) for _ in range(n)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        return time.perf_counter() - started

    ratios = [workers * run(1) / run(workers) for _ in range(3)]
    return statistics.median(ratios)


def snapshot_program(workdir: Path) -> str:
    """Copy src/jianbao into the work folder and run that copy: edits made to the working tree while
    the benchmark runs neither change what is measured nor make the no-op runs rebuild."""
    src = workdir / "src"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(ROOT / "src" / "jianbao", src / "jianbao", ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
    head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"], capture_output=True,
                           text=True).stdout.strip()
    return head.stdout.strip() + (" + uncommitted changes in src/" if dirty else "")


def new_project(workdir: Path) -> Path:
    project = workdir / "project"
    if project.exists():
        shutil.rmtree(project)
    fonts = project / "fonts"  # with the built-in layout and font configuration
    fonts.mkdir(parents=True)
    for item in (ROOT / "fonts").iterdir():  # a fonts.yaml, and licensed fonts dropped there (linked)
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
    program = snapshot_program(workdir)
    project = new_project(workdir)
    content = project / "content"
    total = max(args.issues, args.noop_issues)
    print(f"project: {project}  ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at start)")
    print(f"program: {program} (a copy in {workdir / 'src'})")

    generate(args.issues, content, seed=args.seed)
    helptext = subprocess.run([sys.executable, "-m", "jianbao", "--help"], capture_output=True, text=True,
                              env=ENV).stdout
    if "--prepare-fonts" in helptext:
        seconds, _ = make_issue(project, "--prepare-fonts")
        print(f"make-issue --prepare-fonts: {seconds:.1f} s (once per machine)")
    seconds, _ = make_issue(project, "--all", "-j", str(args.jobs))
    print(f"first build of {args.issues} issues (fills the font cache, untimed): {seconds:.1f} s")
    record = json.loads((project / "out" / "index.json").read_text(encoding="utf-8"))["issues"]
    pages = [i["pages"] for i in record]
    print(f"  {sum(pages)} pages, {min(pages)}–{max(pages)} per issue, median {statistics.median(pages):g}")

    ceiling = [machine_scaling(args.jobs)]
    times: dict[int, list[float]] = {1: [], args.jobs: []}
    cpu: dict[int, list[float]] = {1: [], args.jobs: []}
    for run in range(args.runs):
        for jobs in ((1, args.jobs) if run % 2 == 0 else (args.jobs, 1)):
            seconds, result = make_issue(project, "--all", "--force", "-j", str(jobs))
            assert f"生成 {args.issues} 期" in result.stdout, result.stdout[-500:]
            times[jobs].append(seconds)
            cpu[jobs].append(CPU[-1])
            print(f"  run {run + 1}, {jobs} worker(s): {seconds:.1f} s wall, {CPU[-1]:.1f} s CPU, "
                  f"load {os.getloadavg()[0]:.2f}")
    ceiling.append(machine_scaling(args.jobs))
    one, many = statistics.median(times[1]), statistics.median(times[args.jobs])
    print(f"full rebuild of {args.issues} issues ({sum(pages)} pages), medians of {args.runs}:")
    print(f"  1 worker:   {one:6.1f} s  {args.issues / one:5.2f} issues/s")
    print(f"  {args.jobs} workers:  {many:6.1f} s  {args.issues / many:5.2f} issues/s"
          f"   speed-up ×{one / many:.2f}   target < 60 s: {'met' if many < 60 else 'NOT met'}")
    per_issue = statistics.median(cpu[1]) / args.issues
    busy = statistics.median(c / t for c, t in zip(cpu[args.jobs], times[args.jobs], strict=True))
    print(f"  CPU per issue {per_issue:.3f} s (1 worker); with {args.jobs} workers the run kept "
          f"{busy:.2f} of {args.jobs} CPUs busy (less when other programs compete for the CPUs)")
    print(f"  for comparison, a pure-CPU loop ran ×{ceiling[0]:.2f} (before) and ×{ceiling[1]:.2f} (after) "
          f"faster with {args.jobs} processes than with 1 on this machine")

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
        if f"未变 {args.noop_issues} 期" not in result.stdout:
            raise SystemExit("the no-op run built something:\n" + result.stdout[-800:])
        noop.append(seconds)
    median = statistics.median(noop)
    print(f"no-op rebuild of {args.noop_issues} issues, median of {len(noop)}: {median:.2f} s"
          f"  (min {min(noop):.2f}, max {max(noop):.2f})   target < 2 s: {'met' if median < 2 else 'NOT met'}")
    print(f"  {last_line(result, '共')}")
    print(f"load {os.getloadavg()[0]:.2f} at the end; project kept in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
