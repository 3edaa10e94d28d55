#!/usr/bin/env python3
"""Typesetting quality of 2018-06: our PDF against the Typst peer, measured by the shared checker;
and, on every issue we build, the grid bound met and the short pages explained.

    .venv/bin/python benchmarks/quality.py            # prints the tables and rewrites docs/quality.md
    .venv/bin/python benchmarks/quality.py --no-write # prints only
    .venv/bin/python benchmarks/quality.py --no-bound # only the Typst comparison

Both PDFs are built on this machine in this run, then measured with ../shared/tools/pdfcheck --json
($JIANBAO_SHARED names another shared folder, e.g. /work/shared from a worktree).

The bound table: for 2018-06, the example issue (docs/example-issue.yaml), six generated issues
(generate_issues.py, seed 7) and one long generated issue (about 60 pages), the pure-Han full lines
off the 28-cell grid in the PDF (pdfcheck grid.on_grid) against the least any breaker can leave
under our rules with lines at most 2 cells loose (benchmarks/grid_bound.py); the target is at most
one line more (what the page make-up may cost). Then every inner page that ends short of 22 lines,
and what follows it: a title block (title with its subtitle, byline, dateline and first lines) or a
heading block (a heading with the first lines of its paragraph) that cannot start at that page's
foot, the closing block moved whole to the next page, or something else (a paragraph that may leave
no single line at the foot or the top).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from peer import PDFCHECK, ROOT, build_ours, build_typst, pdfcheck

BOUND_LIMIT = (2, False, False)  # grid_bound's case: lines at most 2 cells loose, as the breaker sets them


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


def _short_pages(pdf: Path, titles: list[str], headings: list[str]) -> list[tuple[int, int, str]]:
    """(page, missing lines, what follows) for every inner page pdfcheck finds short of 22 lines."""
    import json
    import re

    import pypdfium2 as pdfium

    rep = json.loads(subprocess.run([str(PDFCHECK), str(pdf), "--json"], capture_output=True, text=True,
                                    check=True).stdout)
    check = next(c for c in rep["checks"] if c["id"] == "lines.short_pages")
    per_page = check["figures"].get("lines_per_page") or 22
    doc = pdfium.PdfDocument(str(pdf))
    out = []

    def text(index: int) -> str:
        """The first lines of a page, without the page number (empty for a blank page)."""
        lines = [re.sub(r"\s+", "", ln) for ln in doc[index].get_textpage().get_text_range().splitlines()]
        return "".join(ln for ln in lines[:3] if ln and not re.fullmatch(r"—\d+—", ln))

    try:
        for short in check["figures"].get("short_pages") or []:
            page = short["page"]
            top, own = text(page), text(page - 1)  # of the next page (0-based index), of this one
            if not own:
                why = "blank page before the closing block"  # duplex: the 版记 sits on an even page
            elif not top:
                why = "closing block (after a blank page)"  # the text ends here
            elif any(t and top.startswith(re.sub(r"\s+", "", t)[:8]) for t in titles):
                why = "title block"
            elif any(h and top.startswith(re.sub(r"\s+", "", h)[:8]) for h in headings):
                why = "heading block"
            elif top.startswith(("送：", "报：", "发：", "抄送", "网址", "邮箱", "签发")) or page + 1 == len(doc):
                why = "closing block"
            else:
                why = "other: " + top[:12]
            out.append((page, per_page - short["slots"], why))
    finally:
        doc.close()
    return out


def bound_rows(tmp: Path) -> list[str]:
    """The grid-bound table, one row per issue, and the short pages."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import shutil

    from generate_issues import generate
    from grid_bound import bound_issue, build_and_check

    from jianbao.model import Heading
    from jianbao.source import load_issue

    example = tmp / "example" / "2019-03.yaml"
    example.parent.mkdir()
    shutil.copy(ROOT / "docs" / "example-issue.yaml", example)
    sources = [ROOT / "content" / "2018-06.yaml", example, *generate(6, tmp / "gen", seed=7),
               *generate(1, tmp / "long", seed=5, start_year=2030, pages=68)]
    rows = ["| issue | pages | off the grid in the PDF | least possible (bound) | natural break | target met "
            "| short inner pages (lines): what follows |", "|---|---|---|---|---|---|---|"]
    for source in sources:
        out = tmp / "pdf"
        b = bound_issue(source)
        checked = build_and_check(source, out)
        best = b.best(BOUND_LIMIT)
        assert checked is not None and best is not None, source
        off = checked.considered - checked.on
        pdf = out / f"{source.stem}.pdf"
        issue = load_issue(source)
        titles = [a.title for a in issue.articles]
        headings = [h.text for a in issue.articles for h in a.body if isinstance(h, Heading)]
        shorts = _short_pages(pdf, titles, headings)
        import pypdfium2 as pdfium

        pages = len(pdfium.PdfDocument(str(pdf)))
        name = "example" if source == example else source.stem
        listed = ", ".join(f"p{p} {n}: {why}" for p, n, why in shorts) or "none"
        rows.append(f"| {name} | {pages} | {off} of {checked.considered} | {best[0]} | {b.off} | "
                    f"{'yes' if off - best[0] <= 1 else 'NO'} ({off - best[0]:+d}) | {listed} |")
        print(rows[-1], flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true", help="print only; do not rewrite docs/quality.md")
    ap.add_argument("--no-bound", action="store_true", help="skip the grid-bound table")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run(build_ours(out), check=True, stdout=subprocess.DEVNULL)
        subprocess.run(build_typst(out / "typst-2018-06.pdf"), check=True, stdout=subprocess.DEVNULL)
        ours = figures(pdfcheck(out / "2018-06.pdf"))
        typst = figures(pdfcheck(out / "typst-2018-06.pdf"))
    text = table(ours, typst)
    print(text)
    bound = None
    if not args.no_bound:
        with tempfile.TemporaryDirectory() as tmp:
            bound = "\n".join(bound_rows(Path(tmp)))
    if not args.no_write:
        doc = ROOT / "docs" / "quality.md"
        stamp = f"Measured {dt.date.today().isoformat()} with `.venv/bin/python benchmarks/quality.py`."
        content = _replace(doc.read_text(encoding="utf-8"), "table", f"{stamp}\n\n{text}")
        if bound is not None:
            content = _replace(content, "bound", f"{stamp}\n\n{bound}")
        doc.write_text(content, encoding="utf-8")
        print(f"wrote {doc.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _replace(doc: str, marker: str, body: str) -> str:
    """Put ``body`` between <!-- marker --> and <!-- /marker --> (appended when not there yet)."""
    head, found, tail = doc.partition(f"<!-- {marker} -->")
    if not found:
        return f"{doc.rstrip()}\n\n<!-- {marker} -->\n{body}\n<!-- /{marker} -->\n"
    _, _, tail = tail.partition(f"<!-- /{marker} -->")
    return f"{head}<!-- {marker} -->\n{body}\n<!-- /{marker} -->{tail}"


if __name__ == "__main__":
    sys.exit(main())
