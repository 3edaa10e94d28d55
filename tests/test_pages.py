"""The page loop (compose/pages.py): blocks flow down pages as platypus's frames did, and nothing is
drawn until the page make-up has chosen its layout: one canvas per build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jianbao.compose.blocks import Block, must_break
from jianbao.compose.pages import Area, PageLoop
from jianbao.errors import ContentTooTall

AREA = Area(left=10, bottom=20, width=100, height=100)


class Box(Block):
    def __init__(self, name: str, height: float, before: float = 0, after: float = 0, pieces: int = 0):
        super().__init__()
        self.name, self.height, self.pieces = name, height, pieces
        self.spaceBefore, self.spaceAfter = before, after
        self.drawn_at: tuple[float, float] | None = None  # where the page loop placed it

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Block]:
        if not must_break(self) or availHeight < 10:
            return []
        first = Box(self.name + "a", availHeight)
        rest = Box(self.name + "b", self.height - availHeight)
        rest.overlong = True
        return [first, rest]


def run(blocks: list[Block]) -> tuple[int, list[tuple[int, float, str]], list[int]]:
    placed: list[tuple[int, float, str]] = []
    loop = PageLoop(AREA, lambda p, used, b: placed.append((p, used, b.name)))  # type: ignore[attr-defined]
    pages = loop.run(blocks)
    begun = []
    for number, placements in enumerate(loop.pages, start=1):
        begun.append(number)
        for placement in placements:
            placement.block.drawn_at = (placement.x, placement.y)  # type: ignore[attr-defined]
    return pages, placed, begun


def test_blocks_fill_a_page_then_move_on_whole():
    boxes = [Box(str(i), 30) for i in range(5)]
    pages, placed, begun = run(boxes)
    assert pages == 2 and begun == [1, 2]
    assert placed == [(1, 30, "0"), (1, 60, "1"), (1, 90, "2"), (2, 30, "3"), (2, 60, "4")]
    assert boxes[0].drawn_at == (10, 90)  # top of the area (bottom 20 + height 100) less 30
    assert boxes[3].drawn_at == (10, 90)


def test_space_before_is_dropped_at_a_page_top_and_overlaps_the_space_after_above():
    a = Box("a", 40, before=15, after=10)
    b = Box("b", 20, before=25)  # 25 before, 10 of them already given by a's space after
    c = Box("c", 50, before=5)  # does not fit (5 + 50 > 100 - 85): next page, without its space
    pages, placed, _ = run([a, b, c])
    assert a.drawn_at == (10, 120 - 40)
    assert b.drawn_at == (10, 120 - 40 - 10 - 15 - 20)
    assert c.drawn_at == (10, 120 - 50)
    assert [p[:2] for p in placed] == [(1, 50), (1, 85), (2, 50)]
    assert pages == 2


def test_a_block_taller_than_a_page_breaks_where_pages_end():
    tall = Box("t", 250)
    pages, placed, _ = run([Box("x", 60), tall])
    assert pages == 4  # moved to a fresh page once, then broken: 100 + 100 + 50
    assert [(page, name) for page, _, name in placed] == [(1, "x"), (2, "ta"), (3, "tba"), (4, "tbb")]


def test_a_block_taller_than_a_page_that_cannot_split_stops_the_build():
    class Rigid(Box):
        def split(self, availWidth: float, availHeight: float) -> list[Block]:
            return []

    with pytest.raises(ContentTooTall, match="有一块内容比整页还高"):
        run([Rigid("r", 150)])


def test_a_build_imports_neither_platypus_nor_pillow(tmp_path):
    script = (
        "import sys\n"
        "from jianbao.cli import main\n"
        f"sys.argv = ['make-issue', '2018-06', '--out', {str(tmp_path)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "pil = sys.modules.get('PIL.Image')\n"
        "print('reportlab.platypus' in sys.modules, type(pil).__name__)\n"
    )
    run_ = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run_.stdout.splitlines()[-1].split() == ["False", "_LazyModule"]
    assert (tmp_path / "2018-06.pdf").stat().st_size > 100_000


def test_pillow_still_works_when_used_after_jianbao_deferred_it():
    script = (
        "import jianbao, reportlab.pdfgen.canvas\n"
        "from PIL import Image\n"
        "print(Image.new('RGB', (3, 2)).size)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(3, 2)"


def test_page_make_up_draws_nothing_one_canvas_per_build(tmp_path):
    """Up to fourteen trial layouts are made, but only the chosen one is drawn, on one canvas; the
    pages are data before that (each with its printed page number)."""
    script = (
        "import sys\n"
        "from reportlab.pdfgen import canvas\n"
        "made = []\n"
        "class Counting(canvas.Canvas):\n"
        "    def __init__(self, *a, **k):\n"
        "        made.append(1)\n"
        "        super().__init__(*a, **k)\n"
        "canvas.Canvas = Counting\n"
        "import jianbao.render.pdf as r; r.Canvas = Counting\n"
        "from jianbao.compose import makeup\n"
        "layouts = []\n"
        "original = makeup._Layout.__init__\n"
        "def counted(self, *a, **k):\n"
        "    layouts.append(1)\n"
        "    original(self, *a, **k)\n"
        "makeup._Layout.__init__ = counted\n"
        "from jianbao.cli import main\n"
        f"sys.argv = ['make-issue', '2018-06', '--out', {str(tmp_path)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "print(len(made), len(layouts))\n"
    )
    run_ = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    canvases, layouts = map(int, run_.stdout.splitlines()[-1].split())
    assert canvases == 1
    assert layouts >= 2  # 2018-06 needs the page make-up: the trials were laid out, not drawn
    assert (tmp_path / "2018-06.pdf").stat().st_size > 100_000


def test_the_laid_out_document_is_data_a_renderer_can_walk(built_pdf):
    from jianbao.compose import compose
    from jianbao.compose.frames import Anchor, TextRun, walk
    from jianbao.pipeline import Project, prepare, register_fonts

    root = Path(__file__).resolve().parents[1]
    prepared = prepare(root / "content" / "2018-06.yaml", Project(root))
    document = compose(prepared.issue, prepared.layout, register_fonts(prepared.fonts, prepared.assignment))
    assert [p.label for p in document.pages] == [str(n) for n in range(1, 11)]
    titles = [a.title for _, a in document.outline() if a.level == 0]
    assert titles == [a.title for a in prepared.issue.articles]
    first = [item for item, _, _ in walk(document.pages[0].items) if isinstance(item, TextRun)]
    assert first[0].text.strip("— ") == "1"  # the page number comes first on every page
    assert any(run.text == prepared.issue.series_title[:len(run.text)] and run.colour[1] > 0.5 for run in first)
    assert all(len(run.advances) == len(run.text) for page in range(10) for run, _, _ in document.text_runs(page))
    assert not any(isinstance(item, Anchor) for item, _, _ in walk(document.pages[0].items[:1]))
