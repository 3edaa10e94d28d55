"""Page make-up: full pages at the least cost in lines taken off the 28-cell character grid.

Generated issues (benchmarks/generate_issues.py, the seed docs/quality.md reports) are built as a
user builds them; their PDFs are read back with pypdfium2: every page but the last holds 22 lines,
and the pure-Han full body lines off the grid are at most one more than the line breaker's natural
break leaves (what the page make-up may cost). Then the moves themselves: blank lines above a title
or a heading, priced in the layout, and the whole-issue plan against the greedy fill.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

from jianbao.compose.gridblocks import Ref
from jianbao.compose.linebreak import BrokenParagraph
from jianbao.compose.makeup import _area, _Layout
from jianbao.compose.plan import Planner, space_moves
from jianbao.compose.story import StoryBuilder
from jianbao.design.layout import MakeupCosts
from jianbao.design.load import load_layout
from jianbao.pipeline import Project, build, prepare, register_fonts
from pdftext import PAGE_NUMBER, glyphs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import generate_issues
    import grid_bound
finally:
    sys.path.pop(0)

LEFT = 28 / 25.4 * 72  # the block's left edge (default layout), pt
CELL = 156 / 25.4 * 72 / 28
RIGHT = LEFT + 28 * CELL


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_issues.generate(6, tmp_path_factory.mktemp("gen"), seed=7)


def pdf_lines_off_grid(pdf: Path, pages: int) -> tuple[int, int]:
    """(off the grid, counted): pure-Han body lines (三号) that reach the block's right edge, as read
    from the PDF; a line is on the grid when every glyph starts on a cell boundary (±0.15 pt)."""
    off = counted = 0
    for index in range(pages):
        rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
        for g in glyphs(pdf, index):
            if abs(g.size - 16) < 0.1:
                rows[round(g.baseline, 1)].append((g.x, g.char))
        for row in rows.values():
            row.sort()
            text = "".join(ch for _, ch in row)
            if PAGE_NUMBER.match(text) or not grid_bound.pure_han(text) or row[-1][0] + CELL < RIGHT - 1.0:
                continue  # not pure Han, or not reaching the right edge (a last line)
            counted += 1
            if not grid_bound.on_cells([x - LEFT for x, _ in row], CELL):
                off += 1
    return off, counted


def natural_off_grid(source: Path) -> int:
    """Lines off the grid in the breaker's natural break of every body paragraph (before make-up)."""
    off = 0
    for items, m in grid_bound.issue_paragraphs(source):
        for line in BrokenParagraph(items, m).lines:
            judged = grid_bound.judge(line, m)
            off += judged is not None and not judged[1]
    return off


@pytest.mark.parametrize("number", ["2001-01", "2001-03", "2001-04"])  # last line half-width end, plan, blank lines
def test_generated_issue_pages_are_full_and_make_up_costs_at_most_one_grid_line(
    generated: list[Path], tmp_path: Path, number: str
) -> None:
    source = next(p for p in generated if p.stem == number)
    result = build(source, tmp_path, Project(ROOT))
    assert result.short_pages == (), result.short_pages
    off, counted = pdf_lines_off_grid(tmp_path / f"{number}.pdf", result.pages)
    assert counted > 30  # the count reads real lines
    assert off <= natural_off_grid(source) + 1


def _story(source: Path) -> StoryBuilder:
    prepared = prepare(source, Project(ROOT))
    assert prepared.assignment is not None
    return StoryBuilder(prepared.issue, prepared.layout, register_fonts(prepared.fonts, prepared.assignment))


def test_blank_line_moves_are_priced_by_the_layout() -> None:
    layout = load_layout(ROOT / "src/jianbao/defaults/layouts/default.yaml")
    costs = layout.typography.makeup
    assert costs == MakeupCosts()  # the defaults written out in default.yaml
    # white space added is cheaper than a line taken off the grid (a title's first extra line is
    # free, its second is not); a title run into the article above costs more than a grid line
    assert 0 == costs.title_more < costs.title_more2 < costs.grid_line < costs.title_less
    assert costs.heading1_more < costs.heading2_more < costs.grid_line


def test_titles_and_headings_offer_their_moves(tmp_path: Path) -> None:
    example = tmp_path / "2019-03.yaml"  # the example issue: two articles, 一、 and （一） headings
    example.write_bytes((ROOT / "docs" / "example-issue.yaml").read_bytes())
    story = _story(example)
    layout = _Layout(story, {})
    costs = story.layout.typography.makeup
    kinds: dict[str, set[int]] = defaultdict(set)
    for moves in layout.fill.changes.values():
        for change in moves:
            kinds[change.ref.kind].add(change.delta)
    assert kinds["title"] >= {1, 2} and kinds["heading"] == {1} and kinds["subheading"] == {1}
    first = next(b for b in story.story({}) if getattr(b, "heads", None))
    assert space_moves(first.heads[0], costs) == {1: 0.0, 2: costs.title_more2}  # page 1: no blank line to take


def test_a_title_pinned_one_line_less_loses_its_blank_line(generated: list[Path]) -> None:
    story = _story(next(p for p in generated if p.stem == "2001-03"))
    ref = Ref(2, 0, "title")
    offered = {change for moves in _Layout(story, {}).fill.changes.values() for change in moves}
    assert (ref, -1) in offered  # it stands in mid-page below a blank line
    pitch = story.layout.page.pitch
    title = next(b.heads[0] for b in story.story({ref: -1}) if getattr(b, "heads", None) and b.heads[0].ref == ref)
    assert title.getSpaceBefore() == 0
    title = next(b.heads[0] for b in story.story({ref: 2}) if getattr(b, "heads", None) and b.heads[0].ref == ref)
    assert title.getSpaceBefore() == pytest.approx(3 * pitch)


def test_the_whole_issue_plan_is_never_dearer_than_the_greedy_fill(generated: list[Path]) -> None:
    """On 2001-03 the greedy fill takes a paragraph variant early and cannot take it back; the plan
    over all blocks fills every page for less."""
    story = _story(next(p for p in generated if p.stem == "2001-03"))
    layout = story.layout
    planned = Planner(story.story({}), _area(layout), layout.page.pitch, layout.page.lines_per_page,
                      layout.typography.makeup).plan()
    assert planned is not None
    result = _Layout(story, planned)
    assert result.fill.short_pages() == []
    assert result.price() < layout.typography.makeup.grid_line


def test_the_natural_break_reaches_the_grid_bound_where_a_last_line_needs_its_final_mark_half_width(
    generated: list[Path],
) -> None:
    """2001-01 has a paragraph whose best break ends its last line with 。 set half width (as any
    line may end): the breaker finds it, and the issue's natural break is at the bound."""
    source = next(p for p in generated if p.stem == "2001-01")
    best = grid_bound.bound_issue(source).best((2, False, False))  # lines at most 2 cells loose
    assert best is not None
    assert natural_off_grid(source) == best[0]
