#!/usr/bin/env python3
"""Typesetting quality of 2018-06: our PDF against the Typst peer, measured by the shared checker.

    .venv/bin/python benchmarks/quality.py            # prints the table and rewrites docs/quality.md
    .venv/bin/python benchmarks/quality.py --no-write # prints only

Both PDFs are built on this machine in this run, then measured with ../shared/tools/pdfcheck --json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from peer import ROOT, build_ours, build_typst, pdfcheck


def figures(report: dict) -> dict[str, str]:
    checks = {c["id"]: c for c in report["checks"]}

    def fig(check: str, key: str) -> object:
        return checks[check]["figures"].get(key)

    def joined(check: str, *keys: str, sep: str = "/") -> str:
        return sep.join(str(fig(check, k)) for k in keys)

    grid = checks["grid.on_grid"]["figures"]
    short = fig("lines.short_pages", "short_pages") or []
    per_page = report["lines"].get("line_slots_per_page") or []
    return {
        "kinsoku faults (start/end/split/broken runs)": (
            f"{fig('kinsoku', 'total')} ("
            + joined("kinsoku", "line_start_forbidden", "line_end_forbidden", "split_pairs", "broken_latin_digit_runs")
            + ")"
        ),
        "full lines off the right edge > 0.5 pt (max)": (
            f"{(fig('justify.right_edge', 'short_gt_0_5pt') or 0) + (fig('justify.right_edge', 'past_gt_0_5pt') or 0)}"
            f" (max {fig('justify.right_edge', 'max_pt')} pt)"
        ),
        "characters per full line (mode)": str(fig("lines.chars_per_line", "mode")),
        "line slots per full page (mode)": str(fig("lines.per_page", "line_slots_mode")),
        "inner pages short of 22 lines": (
            f"{len(short)} of {len(fig('lines.short_pages', 'pages_considered') or [])}"
            + (" (" + ", ".join(f"p{s['page']}" for s in short) + ")" if short else "")
        ),
        "pure-Han full lines on the 28-cell grid": (
            f"{grid['lines_on_grid']} of {grid['lines_considered']} ({100 * (grid['fraction'] or 0):.1f} %)"
        ),
        "mid-line marks squeezed below 0.9 em": joined(
            "punct.midline_squeezed", "count", "marks_considered", sep=" of "
        ),
        "widows / orphans / headings at a page foot": joined(
            "lines.page_breaks", "widows", "orphans", "headings_at_page_foot", sep=" / "
        ),
        "one-character last lines": str(fig("lines.single_char_last", "count")),
        "text fidelity (missing chars)": str(fig("fidelity.text", "missing_chars")),
        "pages": f"{report['geometry'].get('page_count')} ({', '.join(map(str, per_page))} slots)"
        if per_page else str(report["geometry"].get("page_count")),
        "checker summary": ", ".join(f"{v} {k}" for k, v in report["summary"].items()),
    }


def table(ours: dict[str, str], typst: dict[str, str]) -> str:
    rows = ["| measure (pdfcheck) | jianbao | Typst 0.15 |", "|---|---|---|"]
    rows += [f"| {k} | {ours[k]} | {typst[k]} |" for k in ours]
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true", help="print only; do not rewrite docs/quality.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run(build_ours(out), check=True, stdout=subprocess.DEVNULL)
        subprocess.run(build_typst(out / "typst-2018-06.pdf"), check=True, stdout=subprocess.DEVNULL)
        ours = figures(pdfcheck(out / "2018-06.pdf"))
        typst = figures(pdfcheck(out / "typst-2018-06.pdf"))
    text = table(ours, typst)
    print(text)
    if not args.no_write:
        doc = ROOT / "docs" / "quality.md"
        head, _, tail = doc.read_text(encoding="utf-8").partition("<!-- table -->")
        _, _, tail = tail.partition("<!-- /table -->")
        stamp = f"Measured {dt.date.today().isoformat()} with `.venv/bin/python benchmarks/quality.py`."
        doc.write_text(f"{head}<!-- table -->\n{stamp}\n\n{text}\n<!-- /table -->{tail}", encoding="utf-8")
        print(f"wrote {doc.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
