#!/usr/bin/env python3
"""Why a page make-up costs what it costs: every way to fill each short page, and the least price.

    .venv/bin/python benchmarks/makeup_options.py 2018-06
    .venv/bin/python benchmarks/makeup_options.py --generated 2001-01 2001-05
    .venv/bin/python benchmarks/makeup_options.py --long            # the 58-page issue of quality.py

For the issue laid out as the breaker sets it (no change imposed), prints each page that ends short
with every change the page make-up can make on it or on the three pages before it (blank lines above a
title or heading, a paragraph one line longer or shorter), priced in lines taken off the character
grid (``typography.makeup``); then the whole-issue plan (compose/plan.py: the least price over every
combination of one change per block, each laid out by the page loop) and what make-issue chose.
Generated issues are those of docs/quality.md (generate_issues.py, seed 7; --long: seed 5, 68 pages).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_issues import generate  # noqa: E402

from jianbao.compose import makeup  # noqa: E402
from jianbao.compose.gridblocks import Ref  # noqa: E402
from jianbao.compose.plan import Planner  # noqa: E402
from jianbao.compose.story import StoryBuilder  # noqa: E402
from jianbao.pipeline import Project, prepare, register_fonts  # noqa: E402


def name(ref: Ref, delta: int) -> str:
    what = {"title": "title", "heading": "一、heading", "subheading": "（一）heading", "paragraph": "paragraph"}
    where = f"article {ref.article} {what[ref.kind]}" + ("" if ref.kind == "title" else f" (block {ref.block})")
    if ref.kind == "paragraph":
        return f"{where} {delta:+d} line"
    return f"{where}: {delta:+d} blank line{'s' if abs(delta) > 1 else ''}"


def report(source: Path) -> None:
    prepared = prepare(source, Project(ROOT))
    assert prepared.assignment is not None
    story = StoryBuilder(prepared.issue, prepared.layout, register_fonts(prepared.fonts, prepared.assignment))
    layout = prepared.layout
    natural = makeup._Layout(story, {})
    print(f"== {source.stem}: {len(natural.loop.pages)} pages; as broken, short pages "
          f"{natural.fill.short_pages() or 'none'}; price {natural.price():g} (paragraphs that chose a variant)")
    for page, missing in natural.fill.short_pages():
        options = makeup._options(natural.fill, page, missing, {})
        print(f"  page {page}, {missing} line{'s' if missing > 1 else ''} short: {len(options)} ways")
        for price, back, changes in options:
            print(f"    {price:5.2f}  " + " + ".join(name(c.ref, c.delta) for c in changes)
                  + (f"  ({back} page{'s' if back > 1 else ''} before)" if back else ""))
    planned = Planner(story.story({}), makeup._area(layout), layout.page.pitch, layout.page.lines_per_page,
                      layout.typography.makeup).plan()
    if planned is None:
        print("  plan: none found")
    else:
        laid = makeup._Layout(story, planned)
        print(f"  plan (least over all combinations): price {laid.price():g}, short pages "
              f"{laid.fill.short_pages() or 'none'}")
        for ref, delta in sorted(planned.items()):
            print(f"    {name(ref, delta)}")
    document = makeup.compose(prepared.issue, layout, story.fonts)
    print(f"  make-issue: short pages {document.short_pages or 'none'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("issues", nargs="*", help="issue ids under content/, or generated ones with --generated")
    ap.add_argument("--generated", action="store_true", help="the ids name generated issues (seed 7)")
    ap.add_argument("--long", action="store_true", help="also the long generated issue (2030-01)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sources: list[Path] = []
        if args.generated:
            made = {p.stem: p for p in generate(6, Path(tmp) / "gen", seed=7)}
            sources += [made[i] for i in args.issues]
        else:
            sources += [ROOT / "content" / f"{i}.yaml" for i in args.issues]
        if args.long:
            sources += generate(1, Path(tmp) / "long", seed=5, start_year=2030, pages=68)
        for source in sources:
            report(source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
