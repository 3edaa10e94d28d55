#!/usr/bin/env python3
"""What keeping the 发文登记 current costs a single build: ``make-issue 2018-06`` with and without it.

    .venv/bin/python benchmarks/record.py                  # out/ already holding 200 issues, 9 runs
    .venv/bin/python benchmarks/record.py --issues 500 --runs 5

In one process, alternating, medians of ``--runs`` in CPU time (the machine may be shared):
(a) the build alone (``pipeline.build``, the baseline) and (b) the build and its record
(``archive.register.build_and_record``: the inputs' fingerprints, the PDF's SHA-256, the manifest
merged under the folder's lock, index.json/.html/.csv rewritten), into an output folder that
already records ``--issues`` other issues (copies of the reference PDF with their own manifest
entries, so pruning stats them all and the record lists them all). Prints both medians, the
difference, the ratio (b)/(a), and record_builds alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=200, help="issues already recorded in out/")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)

    from jianbao.archive.register import build_and_record, entry_for, record_builds
    from jianbao.pipeline import Project, build

    project = Project(ROOT)
    source = ROOT / "content" / "2018-06.yaml"
    with tempfile.TemporaryDirectory(prefix="jianbao-record-") as tmp:
        out = Path(tmp) / "out"
        plain = Path(tmp) / "plain"
        build_and_record(source, out, project)  # also warms the font cache and imports
        from jianbao.archive.manifest import Manifest

        reference = Manifest.load(out).entries["2018-06"]
        others = []
        for n in range(args.issues):
            year, number = 2000 + n // 24, n % 24 + 1
            issue_id = f"{year}-{number:02d}"
            shutil.copy2(out / "2018-06.pdf", out / f"{issue_id}.pdf")
            st = (out / f"{issue_id}.pdf").stat()
            pdf = dataclasses.replace(reference.pdf, name=f"{issue_id}.pdf", size=st.st_size, mtime_ns=st.st_mtime_ns)
            meta = dataclasses.replace(reference.meta, year=year, number=number, number_label=f"{year}年第{number}期")
            others.append(dataclasses.replace(reference, id=issue_id, pdf=pdf, meta=meta))
        record_builds(out, others)
        build(source, plain, project)
        alone, recording, record_only = [], [], []
        for _ in range(args.runs):
            started = time.process_time()
            result = build(source, plain, project)
            alone.append(time.process_time() - started)
            started = time.process_time()
            build_and_record(source, out, project)
            recording.append(time.process_time() - started)
            entry = entry_for(dataclasses.replace(result, path=out / result.path.name), source, reference.inputs)
            started = time.process_time()
            record_builds(out, [entry])  # the record step alone
            record_only.append(time.process_time() - started)
        rows = len(Manifest.load(out).entries)
    a, b, c = (statistics.median(x) for x in (alone, recording, record_only))
    print(f"CPU time, medians of {args.runs} runs; out/ recording {rows} issues")
    print(f"build alone             {a * 1000:7.1f} ms")
    print(f"build + record          {b * 1000:7.1f} ms  ratio {b / a:.3f}  ({(b - a) * 1000:+.1f} ms)")
    print(f"  of which record_builds {c * 1000:6.1f} ms (manifest merged and saved, index.* rewritten)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
