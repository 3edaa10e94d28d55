"""The design as data: GB/T 9704 defaults and clear errors for a broken layout file."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEFAULT_LAYOUT
from jianbao.design.load import load_layout
from jianbao.errors import LayoutError

MM = 72 / 25.4


def test_default_layout_is_the_gbt9704_grid() -> None:
    layout = load_layout(DEFAULT_LAYOUT)
    page = layout.page
    assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
    assert page.margin_top == pytest.approx(37 * MM) and page.margin_left == pytest.approx(28 * MM)
    assert page.block_width == pytest.approx(156 * MM) and page.block_height == pytest.approx(225 * MM)
    assert page.cell == pytest.approx(15.793, abs=1e-3)
    assert page.pitch == pytest.approx(28.99, abs=1e-2)
    assert layout.style("body").size == 16 and layout.style("title").size == 22  # 三号, 二号
    assert layout.page_number.style.size == 14 and layout.page_number.below_block == pytest.approx(7 * MM)
    assert layout.masthead.title.colour == (0.0, 0.8, 0.8, 0.0)  # print red, CMYK 0/80/80/0


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "custom.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_field_names_file_and_field(tmp_path: Path) -> None:
    text = (DEFAULT_LAYOUT).read_text(encoding="utf-8")
    path = _write(tmp_path, text.replace("  chars_per_line: 28", "  chars_per_lin: 28"))
    line = next(n for n, s in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "chars_per_lin:" in s)
    with pytest.raises(LayoutError, match=rf"custom\.yaml:{line}:3 page\.chars_per_lin：未知字段"):
        load_layout(path)


def test_bad_length_is_explained(tmp_path: Path) -> None:
    text = (DEFAULT_LAYOUT).read_text(encoding="utf-8")
    path = _write(tmp_path, text.replace("margin_top: 37mm", "margin_top: 37 millimetres"))
    with pytest.raises(LayoutError, match=r"page\.margin_top：无法识别的长度"):
        load_layout(path)


def test_missing_layout_file(tmp_path: Path) -> None:
    with pytest.raises(LayoutError, match="找不到版式文件"):
        load_layout(tmp_path / "nope.yaml")


def test_a_layout_with_another_grid_changes_the_cell(tmp_path: Path) -> None:
    text = (DEFAULT_LAYOUT).read_text(encoding="utf-8")
    layout = load_layout(_write(tmp_path, text.replace("chars_per_line: 28", "chars_per_line: 26")))
    assert layout.page.cell == pytest.approx(156 * MM / 26)
