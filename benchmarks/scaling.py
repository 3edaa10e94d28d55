#!/usr/bin/env python3
"""Does the cost of an issue grow linearly with its length? Issues of about 10, 50 and 200 pages.

    .venv/bin/python benchmarks/scaling.py              # 3 timed runs per size
    .venv/bin/python benchmarks/scaling.py --runs 5 --sizes 1 5 20

The issues are 2018-06 with its articles repeated 1, 5 and 20 times (the same characters, so the
same fonts; masthead, contents and closing once), written into a throw-away project with this
built-in layout and font configuration and a font cache of its own, warmed by one untimed build.

For each size, as the whole ``make-issue`` process (median of ``--runs`` after a warm-up): wall and
CPU time, peak resident memory, pages, and the cost per page. Then, from one instrumented build per
size in a child process, where the time goes per page: loading and validating the source, font
registration, line breaking (including the page make-up's one-line-longer variants), the layout
passes (our page loop and blocks, without line breaking and PDF writing), and PDF
writing. A phase whose cost per page rises with the length of the issue is a quadratic step.
(The contents list titles without page numbers, so there is no contents resolution pass to time.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / ".venv" / "bin" / "make-issue"
PYTHON = ROOT / ".venv" / "bin" / "python"


def _no_aliases_dumper():
    import yaml

    class NoAliases(yaml.SafeDumper):  # the source format has no anchors: repeat blocks in full
        def ignore_aliases(self, data: object) -> bool:
            return True

    return NoAliases


def make_project(where: Path, sizes: list[int]) -> dict[int, str]:
    """A project whose content/ holds 2018-06 repeated ``k`` times for each k: k → issue ID."""
    import yaml

    _NoAliases = _no_aliases_dumper()
    (where / "fonts").mkdir()  # the built-in layout and font configuration
    (where / "content").mkdir()
    base = yaml.safe_load((ROOT / "content" / "2018-06.yaml").read_text(encoding="utf-8"))
    ids = {}
    for n, k in enumerate(sizes, start=61):
        issue = dict(base, number=n)
        issue["articles"] = [
            dict(article, title=f"{article['title']}（{i + 1}）" if i else article["title"])
            for i in range(k) for article in base["articles"]
        ]
        ids[k] = f"2018-{n}"
        text = yaml.dump(issue, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10_000)
        (where / "content" / f"{ids[k]}.yaml").write_text(text, encoding="utf-8")
    return ids


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall s, CPU s, peak RSS KB, stdout of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out, err = proc.communicate()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out


def phases(issue: Path, out: Path) -> dict:
    """One build in this process with timers around each phase (the --phases mode of this script)."""
    from jianbao import pipeline
    from jianbao.compose import linebreak, makeup, story, textset

    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)

    def timed(owner: object, name: str, phase: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls[phase] += 1
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - started

        setattr(owner, name, wrapper)

    from reportlab.pdfgen.canvas import Canvas

    timed(pipeline, "prepare", "load, validate, font plan")
    timed(pipeline, "register_fonts", "font registration")
    for name in ("break_paragraph", "balance_lines"):
        timed(textset, name, "line breaking")
    timed(story, "BrokenParagraph", "line breaking")  # body paragraphs: the break ...
    timed(linebreak.BrokenParagraph, "variants", "line breaking")  # ... and the make-up's variants
    timed(makeup, "_Layout", "layout passes")
    timed(makeup._Layout, "document", "pages as data")
    timed(Canvas, "save", "PDF writing")
    started = time.perf_counter()
    result = pipeline.build(issue, out, pipeline.Project(issue.parents[1]))
    total = time.perf_counter() - started
    layout = spent["layout passes"] - spent["line breaking"] - spent["PDF writing"]
    return {
        "pages": result.pages,
        "total": total,
        "passes": calls["layout passes"],
        "phases": {
            "load, validate, font plan": spent["load, validate, font plan"],
            "font registration": spent["font registration"],
            "line breaking": spent["line breaking"],
            "layout passes": layout,
            "PDF writing": spent["PDF writing"],
        },
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20], help="times 2018-06's articles repeat")
    ap.add_argument("--phases", nargs=2, metavar=("ISSUE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phases:
        print(json.dumps(phases(Path(args.phases[0]), Path(args.phases[1]))))
        return 0

    work = Path(tempfile.mkdtemp(prefix="jianbao-scaling-"))
    ids = make_project(work, args.sizes)
    env = dict(os.environ, JIANBAO_CACHE_DIR=str(work / "cache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Python caches bytecode (see speed.py)
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"work folder {work}\n")
    print(f"{'issue':<10}{'pages':>6}{'wall':>10}{'CPU':>10}{'peak RSS':>10}{'wall/page':>12}{'CPU/page':>11}")
    rows = []
    for issue in ids.values():
        cmd = [str(OURS), issue, "--out", str(work / "out")]
        _, _, _, out = run(cmd, work, env)  # warm-up: fonts, bytecode, file cache
        results = [run(cmd, work, env) for _ in range(args.runs)]
        pages = int(out.split("页")[0].split()[-1])
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[1] for r in results)
        rss = statistics.median(r[2] for r in results) / 1024
        rows.append((pages, wall, cpu))
        print(f"{issue:<10}{pages:>6}{wall:>9.2f}s{cpu:>9.2f}s{rss:>8.0f}MB{1000 * wall / pages:>10.1f}ms"
              f"{1000 * cpu / pages:>9.1f}ms")
    (p0, w0, c0), (p1, w1, c1) = rows[0], rows[-1]
    print(f"\nmarginal cost per page from {p0} to {p1} pages: wall {1000 * (w1 - w0) / (p1 - p0):.1f} ms, "
          f"CPU {1000 * (c1 - c0) / (p1 - p0):.1f} ms (the fixed start-up cost is what the first row adds)")

    print("\nwhere the time goes, ms per page (one instrumented build per size):")
    table = []
    for issue in ids.values():
        proc = subprocess.run([str(PYTHON), __file__, "--phases", str(work / "content" / f"{issue}.yaml"),
                               str(work / "out")], cwd=work, env=env, capture_output=True, text=True, check=True)
        table.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    names = list(table[0]["phases"])
    print(f"{'phase':<28}" + "".join(f"{t['pages']:>9} p" for t in table))
    for name in names:
        print(f"{name:<28}" + "".join(f"{1000 * t['phases'][name] / t['pages']:>11.2f}" for t in table))
    print(f"{'layout passes per build':<28}" + "".join(f"{t['passes']:>11}" for t in table))
    print(f"{'whole build (in process)':<28}" + "".join(f"{1000 * t['total'] / t['pages']:>11.2f}" for t in table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
