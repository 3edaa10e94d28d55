"""Tests for jianbao.compose.linebreak: the Chinese grid line breaker.

Unit tests pin the behaviour a reader of the bulletin notices (grid, kinsoku, unbreakable units,
punctuation compression, justification, balanced titles); Hypothesis properties check the
invariants over random mixes of Han, CJK punctuation, digits, Latin words and spaces.

"Unavoidable" kinsoku fault, as tested below: a line boundary may violate the kinsoku rules (or
split a Latin word / a ——) only if the maximal run of input text around it that contains no
permitted break is, even at full natural width (every CJK character one whole cell, no
compression), wider than the narrowest line of the measure.
"""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianbao.compose.linebreak import (
    DASH_LIKE,
    NO_END,
    NO_END_ATTACHED,
    NO_START,
    NO_START_ATTACHED,
    Item,
    Line,
    Measure,
    balance_lines,
    break_paragraph,
    is_cjk,
    paragraph_variants,
)

CELL = 442.2 / 28
BODY = Measure(width=442.2, cell=CELL, first_indent=2 * CELL)
HAN = "国务院办公厅关于进一步加强和改进新时代民营经济统战工作的意见要求各地区各部门认真贯彻落实商会建设"
PAUSES = set("，、；：。？！")


def latin_advance(ch: str) -> float:
    """A plausible proportional advance at 16 pt."""
    if ch == " ":
        return 4.0
    if ch.isdigit():
        return 8.0
    if ch.isalpha():
        return 8.5
    return 4.5


def items_of(text: str, style: int = 0) -> list[Item]:
    """CJK advances are deliberately NOT the cell (16 pt vs 15.793): the breaker must ignore them."""
    return [Item(ch, 16.0 if is_cjk(ch) else latin_advance(ch), style) for ch in text]


def han(n: int, start: int = 0) -> str:
    return "".join(HAN[(start + i) % len(HAN)] for i in range(n))


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def on_grid(line: Line, left: float, cell: float = CELL) -> bool:
    return all(abs(g.x - left - k * cell) < 1e-9 and g.dx == 0 for k, g in enumerate(line.glyphs))


# --------------------------------------------------------------------------------------------------
# Grid and justification
# --------------------------------------------------------------------------------------------------


def test_pure_han_paragraph_sits_on_the_grid():
    lines = break_paragraph(items_of(han(60)), BODY)
    assert [len(line.glyphs) for line in lines] == [26, 28, 6]
    assert on_grid(lines[0], 2 * CELL)
    assert on_grid(lines[1], 0.0)
    assert on_grid(lines[2], 0.0)
    assert [line.last for line in lines] == [False, False, True]
    assert lines[0].width == pytest.approx(442.2, abs=1e-6)
    assert lines[1].width == pytest.approx(442.2, abs=1e-6)
    assert lines[2].width == pytest.approx(6 * CELL, abs=1e-9)
    assert all(g.advance == pytest.approx(CELL) for line in lines for g in line.glyphs)


def test_rounded_cell_still_gives_28_characters_and_never_overflows():
    m = Measure(width=442.2, cell=15.793, first_indent=2 * 15.793)  # 28 × 15.793 = 442.204
    lines = break_paragraph(items_of(han(82)), m)
    assert [len(line.glyphs) for line in lines] == [26, 28, 28]
    for line in lines:
        assert line.width <= 442.2 + 1e-6
        left = line.glyphs[0].x
        assert all(abs(g.x - left - k * 15.793) < 0.01 for k, g in enumerate(line.glyphs))
    assert lines[0].width == pytest.approx(442.2, abs=1e-6)
    assert lines[2].width == pytest.approx(442.2, abs=1e-6)  # last but full: squeezed, not overflowing


def test_styles_pass_through():
    lines = break_paragraph([Item(c, 16.0, style=i % 3) for i, c in enumerate(han(40))], BODY)
    styles = [g.style for line in lines for g in line.glyphs]
    assert styles == [i % 3 for i in range(40)]


def test_justify_false_leaves_lines_natural():
    m = Measure(width=442.2, cell=CELL, justify=False)
    lines = break_paragraph(items_of(han(10) + "，" + "abc " * 30), m)
    assert len(lines) > 1
    for line in lines:
        for g, h in itertools.pairwise(line.glyphs):
            assert h.x == pytest.approx(g.x + g.advance)


def test_hanging_indent_for_following_lines():
    m = Measure(width=442.2, cell=CELL, first_indent=0.0, indent=3 * CELL)
    lines = break_paragraph(items_of(han(70)), m)
    assert [len(line.glyphs) for line in lines] == [28, 25, 17]
    assert on_grid(lines[1], 3 * CELL)
    assert lines[1].width == pytest.approx(442.2, abs=1e-6)


def test_astral_ideographs_take_one_cell():
    lines = break_paragraph(items_of("𠮷" * 30), Measure(width=442.2, cell=CELL))
    assert [len(line.glyphs) for line in lines] == [28, 2]
    assert on_grid(lines[0], 0.0)


def test_empty_and_blank_input():
    assert break_paragraph([], BODY) == []
    assert break_paragraph(items_of("   "), BODY) == []
    assert balance_lines([], BODY) == []


def test_an_item_must_be_one_code_point():
    with pytest.raises(ValueError):
        break_paragraph([Item("ab", 10.0)], BODY)


# --------------------------------------------------------------------------------------------------
# Kinsoku
# --------------------------------------------------------------------------------------------------


def test_prohibition_lists_cover_the_brief():
    assert set("。，、；：？！．‼⁇”’）》〉」』】〗〕］｝·・～") <= NO_START
    assert set("%‰℃)]},.;:?!") <= NO_START_ATTACHED
    assert set("“‘（《〈「『【〖〔［｛") <= NO_END
    assert set("([{") <= NO_END_ATTACHED


@pytest.mark.parametrize("mark", list("，。、；：？！”’）》"))
def test_closing_mark_at_a_full_line_pushes_a_character_down(mark):
    m = Measure(width=442.2, cell=CELL)
    lines = break_paragraph(items_of(han(28) + mark + han(10, 5)), m)
    assert texts(lines)[0] == han(27)
    assert texts(lines)[1].startswith(han(28)[-1] + mark)
    assert lines[0].width == pytest.approx(442.2, abs=1e-6)
    assert all(g.advance == pytest.approx(CELL) for g in lines[0].glyphs)


@pytest.mark.parametrize("mark", list("“‘（《"))
def test_opening_mark_never_ends_a_line(mark):
    m = Measure(width=442.2, cell=CELL)
    lines = break_paragraph(items_of(han(27) + mark + han(10, 5)), m)
    assert texts(lines)[0] == han(27)
    assert texts(lines)[1].startswith(mark)
    assert lines[0].width == pytest.approx(442.2, abs=1e-6)


def test_pile_up_of_closing_marks_stays_with_its_character():
    m = Measure(width=442.2, cell=CELL)
    lines = break_paragraph(items_of(han(27) + "。”）" + han(10, 5)), m)
    assert texts(lines)[0] == han(26)
    assert texts(lines)[1].startswith(han(27)[-1] + "。”）")


def test_line_end_closing_mark_is_set_half_width_when_that_keeps_it():
    m = Measure(width=442.2, cell=CELL)
    text = han(25) + "”，" + "字。" + han(10, 3)
    lines = break_paragraph(items_of(text), m)
    first = lines[0]
    assert first.text == han(25) + "”，字。"
    assert first.glyphs[-1].advance == pytest.approx(CELL / 2)
    assert first.glyphs[25].advance == pytest.approx(CELL / 2)  # ” compressed before ，
    assert first.width == pytest.approx(442.2, abs=1e-6)
    assert on_grid(Line(first.glyphs[:26], 0.0, False), 0.0)  # untouched up to the pair
    assert lines[1].text.startswith(han(10, 3)[0])


def test_closing_mark_not_halved_when_it_would_not_fit_anyway():
    m = Measure(width=442.2, cell=CELL)
    lines = break_paragraph(items_of(han(28) + "。" + han(3)), m)
    assert all(g.advance == pytest.approx(CELL) for g in lines[0].glyphs)


def test_unavoidable_fault_only_inside_a_run_wider_than_the_line():
    m = Measure(width=3 * CELL, cell=CELL)
    text = "字。”）】》』」" + "中文"
    lines = break_paragraph(items_of(text), m)
    assert "".join(texts(lines)) == text
    assert all(line.width <= m.width + 1e-6 for line in lines)
    assert texts(lines)[0] == "字。”）"  # 1 + ½ + ½ + 1 = 3 cells: as much of the run as fits


# --------------------------------------------------------------------------------------------------
# Unbreakable units
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["——", "……", "⋯⋯"])
@pytest.mark.parametrize("offset", range(22, 29))
def test_dash_and_ellipsis_never_split(unit, offset):
    m = Measure(width=442.2, cell=CELL)
    lines = break_paragraph(items_of(han(offset) + unit + han(20, 2)), m)
    assert sum(unit in t for t in texts(lines)) == 1
    for t in texts(lines)[1:]:
        assert t[0] not in DASH_LIKE
    assert all(len(line.glyphs) and abs(line.width - 442.2) < 1e-6 for line in lines[:-1])


def test_paragraph_initial_dash_is_allowed():
    lines = break_paragraph(items_of("——" + han(10)), BODY)
    assert lines[0].text.startswith("——")
    assert lines[0].glyphs[0].x == pytest.approx(2 * CELL)


@pytest.mark.parametrize("word", ["2018", "http://www.0573zsh.com", "0573-82073683", "jxgs101@163.com"])
def test_latin_words_never_split(word):
    m = Measure(width=442.2, cell=CELL, first_indent=2 * CELL, latin_gap=CELL / 4)
    for offset in range(0, 30):
        lines = break_paragraph(items_of(han(offset) + word + "年" + han(30, 7)), m)
        assert sum(word in t for t in texts(lines)) == 1, offset
        assert "".join(texts(lines)) == han(offset) + word + "年" + han(30, 7)


def test_overlong_word_is_broken_and_letterspaced():
    m = Measure(width=10 * CELL, cell=CELL)
    word = "http://www.0573zsh.com/very/long/path/index.html"
    lines = break_paragraph(items_of("中文" + word + "。"), m)
    assert "".join(texts(lines)) == "中文" + word + "。"
    assert len(lines) >= 3
    for line in lines:
        assert line.width <= m.width + 1e-6
    for line in lines[:-1]:
        assert line.width == pytest.approx(m.width, abs=1e-6)
    assert not texts(lines)[-1].startswith("。")


def test_spaces_at_a_break_are_dropped():
    text = "Reform and opening up " * 12
    lines = break_paragraph(items_of(text), Measure(width=442.2, cell=CELL))
    assert len(lines) > 1
    for t in texts(lines):
        assert not t.startswith(" ") and not t.endswith(" ")
    assert " ".join(texts(lines)) == text.rstrip()


# --------------------------------------------------------------------------------------------------
# Punctuation compression and Han–Latin spacing
# --------------------------------------------------------------------------------------------------


def test_adjacent_marks_take_one_and_a_half_cells():
    lines = break_paragraph(items_of("他说”，好"), Measure(width=442.2, cell=CELL))
    g = lines[0].glyphs
    assert [x.char for x in g] == list("他说”，好")
    assert g[2].advance == pytest.approx(CELL / 2) and g[2].dx == 0
    assert g[3].advance == pytest.approx(CELL)
    assert g[4].x - g[2].x == pytest.approx(1.5 * CELL)


def test_compressed_opening_mark_is_drawn_half_a_cell_left():
    lines = break_paragraph(items_of("见（《条例》）"), Measure(width=442.2, cell=CELL))
    g = lines[0].glyphs
    assert g[1].advance == pytest.approx(CELL) and g[1].dx == 0  # （ after a Han: full
    assert g[2].advance == pytest.approx(CELL / 2)  # 《 after （ loses its left half …
    assert g[2].dx == pytest.approx(-CELL / 2)  # … so its ink is drawn half a cell left
    assert g[5].advance == pytest.approx(CELL / 2) and g[5].dx == 0  # 》 before ）
    assert lines[0].width == pytest.approx(6 * CELL)


def test_compression_is_given_back_when_that_puts_a_justified_line_on_the_grid():
    m = Measure(width=442.2, cell=CELL)
    text = han(10) + "，“" + han(30, 3)
    lines = break_paragraph(items_of(text), m)
    assert lines[0].text == han(10) + "，“" + han(16, 3)  # 27.5 cells compressed, 28 cells full
    assert on_grid(lines[0], 0.0)
    assert lines[0].width == pytest.approx(442.2, abs=1e-6)
    assert lines[-1].last


def test_compression_can_be_switched_off():
    m = Measure(width=442.2, cell=CELL, compress_adjacent=False)
    g = break_paragraph(items_of("他说”，好"), m)[0].glyphs
    assert all(x.advance == pytest.approx(CELL) for x in g)


def test_no_compression_across_a_line_break():
    m = Measure(width=442.2, cell=CELL)
    lines = break_paragraph(items_of(han(27) + "”“" + han(5)), m)
    assert texts(lines)[0] == han(27) + "”"
    assert on_grid(lines[0], 0.0)
    assert lines[1].glyphs[0].char == "“"
    assert lines[1].glyphs[0].advance == pytest.approx(CELL) and lines[1].glyphs[0].dx == 0


def test_latin_gap_between_han_and_latin_only():
    gap = CELL / 4
    m = Measure(width=442.2, cell=CELL, latin_gap=gap)
    g = break_paragraph(items_of("于2018年，2019年"), m)[0].glyphs
    xs = {i: x.x for i, x in enumerate(g)}
    assert xs[1] == pytest.approx(CELL + gap)  # 于|2
    assert xs[5] == pytest.approx(CELL + gap + 32 + gap)  # 8|年
    assert xs[7] == pytest.approx(xs[6] + CELL)  # ，|2: no gap next to CJK punctuation


def test_no_latin_gap_at_line_start():
    m = Measure(width=442.2, cell=CELL, latin_gap=CELL / 4)
    lines = break_paragraph(items_of(han(28) + "2018" + han(3)), m)
    assert texts(lines)[1].startswith("2018")
    assert lines[1].glyphs[0].x == 0.0
    assert on_grid(lines[0], 0.0)


def test_justified_mixed_line_spreads_between_units_not_inside_words():
    m = Measure(width=442.2, cell=CELL, latin_gap=CELL / 4)
    text = han(20) + "http://www.0573zsh.com" + han(20)
    lines = break_paragraph(items_of(text), m)
    assert lines[0].text == han(20)
    assert lines[0].width == pytest.approx(442.2, abs=1e-6)
    url = [g for g in lines[1].glyphs if g.char.isascii()]
    for g, h in itertools.pairwise(url):
        assert h.x == pytest.approx(g.x + g.advance)


# --------------------------------------------------------------------------------------------------
# balance_lines
# --------------------------------------------------------------------------------------------------


def test_balanced_title_25_characters():
    m = Measure(width=442.2, cell=22.0)
    lines = balance_lines(items_of(han(25)), m)
    assert [len(line.glyphs) for line in lines] == [13, 12]
    assert lines[0].glyphs[0].x == 0.0
    assert lines[0].width == pytest.approx(13 * 22.0)
    assert lines[1].width == pytest.approx(12 * 22.0)
    assert on_grid(lines[0], 0.0, 22.0)


def test_balanced_title_avoids_a_short_last_line_and_keeps_first_line_longest():
    m = Measure(width=442.2, cell=22.0)
    for n in (21, 22, 23, 41, 45):
        lines = balance_lines(items_of(han(n)), m)
        widths = [line.width for line in lines]
        assert len(lines) == -(-n // 20)
        assert max(widths) - min(widths) <= 22.0 + 1e-6
        assert widths[0] >= max(widths) - 1e-6
        assert len(lines[-1].glyphs) > 2


def test_balanced_title_respects_kinsoku_and_words():
    m = Measure(width=442.2, cell=22.0)
    title = "关于印发《嘉兴市2018年民营经济统战工作要点》的通知"
    lines = balance_lines(items_of(title), m)
    assert "".join(texts(lines)) == title
    assert len(lines) == 2
    assert all("2018" in t or "2018"[0] not in t for t in texts(lines))
    assert texts(lines)[1][0] not in NO_START
    assert texts(lines)[0][-1] not in NO_END


# --------------------------------------------------------------------------------------------------
# Long input (speed is measured by benchmarks/linebreak.py, not here)
# --------------------------------------------------------------------------------------------------


def test_ten_thousand_characters_break_whole() -> None:
    text = (han(37) + "，“" + han(9) + "”。2018年" + han(11) + "……" + "abc def ")[:10_000]
    text = (text * (10_000 // len(text) + 1))[:10_000]
    lines = break_paragraph(items_of(text), BODY)
    assert "".join(g.char for line in lines for g in line.glyphs).replace(" ", "") == text.replace(" ", "")
    assert all(line.width <= BODY.width + 1e-6 for line in lines)


# --------------------------------------------------------------------------------------------------
# Hypothesis properties
# --------------------------------------------------------------------------------------------------

_han = st.sampled_from(list("中华人民共和国经济发展会议𠮷"))
_punct = st.sampled_from(
    [*"，。、；：？！“”‘’《》（）", "——", "……", "“”", "《》", "（）", "”，", "。”", "）、", "？”"]
)
_latin = st.sampled_from(["2018", "0573-82073683", "http://www.0573zsh.com", "jxgs101@163.com", "ABC", "a",
                          "(2018)", "x,", "%", " "])
_text = st.lists(st.one_of(_han, _han, _han, _punct, _latin), min_size=8, max_size=120).map("".join)


@st.composite
def _measures(draw: st.DrawFn) -> Measure:
    cell = draw(st.sampled_from([CELL, 15.793, 16.0, 22.0]))
    cells = draw(st.integers(min_value=6, max_value=30))
    width = cells * cell + draw(st.sampled_from([0.0, 0.3 * cell, 0.5 * cell]))
    return Measure(
        width=width,
        cell=cell,
        first_indent=draw(st.sampled_from([0.0, 2 * cell])),
        indent=draw(st.sampled_from([0.0, cell])),
        latin_gap=draw(st.sampled_from([0.0, cell / 4])),
        compress_adjacent=draw(st.booleans()),
        justify=draw(st.booleans()),
    )


def _forbidden(prev: str, nxt: str, spaced: bool) -> bool:
    """The spec's kinsoku/unit rule for the junction of two non-space characters (test-side copy)."""
    if nxt in NO_START or nxt in DASH_LIKE or prev in NO_END:
        return True
    if spaced:
        return False
    if nxt in NO_START_ATTACHED or prev in NO_END_ATTACHED:
        return True
    return not is_cjk(prev) and not is_cjk(nxt)  # inside a Latin word


def _full_width(ch: str, m: Measure) -> float:
    if is_cjk(ch):
        return m.cell * {"⸺": 2, "⸻": 3}.get(ch, 1)
    return latin_advance(ch)


def _check_order(text: str, lines: list[Line]) -> list[tuple[int, int]]:
    """Lines are consecutive slices of the input, separated only by dropped spaces.

    Returns, per line, its ``(start, end)`` span in ``text``.
    """
    spans = []
    pos = 0
    if lines and not lines[0].text.startswith(" "):
        while pos < len(text) and text[pos] == " ":  # leading spaces that did not fit: dropped
            pos += 1
    for line in lines:
        t = line.text
        assert text[pos : pos + len(t)] == t
        spans.append((pos, pos + len(t)))
        pos += len(t)
        while pos < len(text) and text[pos] == " ":
            pos += 1
    assert text[pos:].strip(" ") == ""
    return spans


def _run_width(text: str, i: int, m: Measure) -> float:
    """Full natural width of the no-break run around the junction after non-space char ``text[i]``."""
    nonspace = [k for k, ch in enumerate(text) if ch != " "]
    j = nonspace.index(i)

    def blocked(a: int) -> bool:  # junction between nonspace[a] and nonspace[a + 1]
        p, q = nonspace[a], nonspace[a + 1]
        return _forbidden(text[p], text[q], q != p + 1)

    lo = j
    while lo > 0 and blocked(lo - 1):
        lo -= 1
    hi = j + 1
    while hi < len(nonspace) - 1 and blocked(hi):
        hi += 1
    chars = text[nonspace[lo] : nonspace[hi] + 1]
    return sum(_full_width(c, m) for c in chars) + m.latin_gap * len(chars)


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P" or ch in "“”‘’《》（）—…"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_text, m=_measures())
def test_properties_of_break_paragraph(text: str, m: Measure):
    lines = break_paragraph(items_of(text), m)
    spans = _check_order(text, lines)
    if not text.strip(" "):
        assert lines == []
        return
    assert lines and lines[-1].last and not any(line.last for line in lines[:-1])
    min_avail = min(m.width - m.first_indent, m.width - m.indent)
    for n, line in enumerate(lines):
        g = line.glyphs
        assert g
        assert line.width <= m.width + 1e-6
        assert line.width == pytest.approx(g[-1].x + g[-1].advance, abs=1e-9)
        assert g[0].x == pytest.approx(m.first_indent if n == 0 else m.indent, abs=1e-9)
        assert g[-1].char != " "
        for a, b in itertools.pairwise(g):
            assert b.x >= a.x + a.advance - 0.02 * m.cell  # boxes in order (tiny squeeze allowed)
        if m.justify and not line.last:
            assert line.width == pytest.approx(m.width, abs=1e-6)
        for k, x in enumerate(g[:-1]):  # the measuring tool's rule for mid-line pauses and stops
            if x.char in PAUSES and x.advance < 0.9 * m.cell:
                neighbours = [g[k + 1].char] + ([g[k - 1].char] if k else [])
                assert m.compress_adjacent and any(_is_punct(c) for c in neighbours)
    for (_, e0), (s1, _) in itertools.pairwise(spans):
        prev, nxt = text[e0 - 1], text[s1]
        if _forbidden(prev, nxt, s1 != e0):
            assert _run_width(text, e0 - 1, m) > min_avail - 1e-6, (prev, nxt)


@settings(max_examples=100, deadline=None)
@given(text=_text)
def test_body_measure_has_no_kinsoku_faults(text: str):
    lines = break_paragraph(items_of(text), BODY)
    spans = _check_order(text, lines)
    for (_, e0), (s1, _) in itertools.pairwise(spans):
        if _forbidden(text[e0 - 1], text[s1], s1 != e0):
            assert _run_width(text, e0 - 1, BODY) > 26 * CELL


@settings(max_examples=100, deadline=None)
@given(text=_text, m=_measures())
def test_properties_of_balance_lines(text: str, m: Measure):
    lines = balance_lines(items_of(text), m)
    _check_order(text, lines)
    flat = Measure(width=m.width, cell=m.cell, latin_gap=m.latin_gap,
                   compress_adjacent=m.compress_adjacent, justify=False)
    assert len(lines) == len(break_paragraph(items_of(text), flat))
    for line in lines:
        assert line.width <= m.width + 1e-6
        if line.glyphs:
            assert line.glyphs[0].x == 0.0
        for a, b in itertools.pairwise(line.glyphs):
            assert b.x >= a.x + a.advance - 0.02 * m.cell  # natural, or squeezed by < 1 % of a cell


# -- page make-up helpers added with the quality work ------------------------------------------------

BODY_CELL = 442.2 / 28


def _body(text: str, **kw: object) -> list[Line]:
    m = Measure(width=442.2, cell=BODY_CELL, first_indent=2 * BODY_CELL, **kw)  # type: ignore[arg-type]
    return break_paragraph([Item(ch, 8.0) for ch in text], m)


def test_single_character_last_line_is_avoided_by_pulling_one_down() -> None:
    lines = _body("一" * 26 + "二" * 28 + "展。")
    assert [line.text for line in lines] == ["一" * 26, "二" * 27, "二展。"]
    assert lines[1].width == pytest.approx(442.2, abs=1e-6)  # the loosened line is still flush


def test_two_character_last_line_is_left_alone() -> None:
    lines = _body("一" * 26 + "二" * 28 + "发展。")
    assert [line.text for line in lines] == ["一" * 26, "二" * 28, "发展。"]


def test_hanging_is_off_by_default_and_hangs_only_when_asked() -> None:
    text = "一" * 26 + "二" * 28 + "，展开了工作。"
    plain = _body(text)
    assert plain[2].text.startswith("二，")  # pushed down: a comma never starts a line
    hung = _body(text, hanging=True)
    assert hung[1].text == "二" * 28 + "，"
    assert hung[1].glyphs[-1].x == pytest.approx(442.2)  # the comma sits past the measure
    assert all(g.x == pytest.approx(k * BODY_CELL) for k, g in enumerate(hung[1].glyphs[:-1]))


def test_variants_give_one_line_more_or_fewer_with_few_lines_changed() -> None:
    m = Measure(width=442.2, cell=BODY_CELL, first_indent=2 * BODY_CELL)
    nearly_full = [Item(ch, 8.0) for ch in "一" * 26 + "二" * 28 + "三" * 27 + "。"]
    natural = break_paragraph(nearly_full, m)
    variants = paragraph_variants(nearly_full, m)
    assert len(natural) == 3
    longer = variants[1]
    # two lines leave the grid: the second gives a cell to the third, which gives two to the last
    # (。 may not start a line, nor 三。 stand alone as a one-character last line)
    assert len(longer.lines) == 4 and longer.changed == 2
    assert [len(line.text) for line in longer.lines] == [26, 27, 26, 3]
    assert "".join(line.text for line in longer.lines) == "".join(line.text for line in natural)
    assert all(line.width == pytest.approx(442.2) for line in longer.lines[:-1])
    assert len(longer.lines[-1].text) >= 2
    paired = "一" * 26 + "二" * 20 + "“二”、“二”、" + "三" * 20 + "“三”、“三”、四五"
    for text in (paired, "一" * 26 + "二" * 28 + "三" * 28 + "四。"):
        base = [Item(ch, 8.0) for ch in text]
        count = len(break_paragraph(base, m))
        for delta, variant in paragraph_variants(base, m).items():  # whatever exists keeps every rule
            assert len(variant.lines) == count + delta
            assert "".join(line.text for line in variant.lines) == text
            assert all(line.width == pytest.approx(442.2) for line in variant.lines[:-1])
            assert variant.lines[-1].width <= 442.2 + 1e-6
    assert 1 not in paragraph_variants([Item(ch, 8.0) for ch in "一" * 26 + "二" * 5 + "。"], m)


def test_one_line_more_loosens_wherever_that_leaves_fewest_lines_off_the_grid() -> None:
    """A last line of 27 characters: giving a cell from each of the last lines would take three lines
    off the grid; loosening the first line by two cells and one more by one takes two."""
    m = Measure(width=442.2, cell=BODY_CELL, first_indent=2 * BODY_CELL)
    text = "一" * 26 + "二" * 28 + "三" * 28 + "四" * 27
    base = [Item(ch, 8.0) for ch in text]
    assert [len(line.text) for line in break_paragraph(base, m)] == [26, 28, 28, 27]
    longer = paragraph_variants(base, m)[1]
    assert longer.changed == 2
    assert [len(line.text) for line in longer.lines] == [24, 28, 28, 27, 2]
    assert "".join(line.text for line in longer.lines) == text
    assert all(line.width == pytest.approx(442.2) for line in longer.lines[:-1])


def _gap_after(line: Line, i: int) -> float:
    g = line.glyphs
    return g[i + 1].x - (g[i].x + g[i].advance)


def test_a_stretched_line_widens_word_spaces_then_han_latin_gaps_first() -> None:
    """clreq's expansion order: a word space grows to half a cell, a Han–Latin gap to a third, and
    only the rest is shared by every gap."""
    cell = BODY_CELL
    m = Measure(width=442.2, cell=cell, first_indent=2 * cell, latin_gap=cell / 4)
    text = "甲" * 10 + "AB" + "乙" * 13 + "，" + "丙" * 30  # 丙 does not fit after ，: the line is loosened
    first = break_paragraph([Item(ch, 8.0) for ch in text], m)[0]
    assert first.text.endswith("，") and first.width == pytest.approx(442.2)  # flush
    han_han = _gap_after(first, 0)
    assert han_han > 0.1
    assert _gap_after(first, 9) - han_han == pytest.approx(cell / 3)  # 甲|A: the gap's ¼ cell + 1/12
    assert _gap_after(first, 11) - han_han == pytest.approx(cell / 3)  # B|乙
    spaced = [Item(ch, 4.0 if ch == " " else 8.0) for ch in "甲" * 10 + "GB/T 9704" + "乙" * 12 + "，" + "丙" * 30]
    line = break_paragraph(spaced, m)[0]
    space = next(i for i, g in enumerate(line.glyphs) if g.char == " ")
    assert _gap_after(line, 0) == pytest.approx(0.0, abs=1e-9)  # less slack than the space may take:
    assert 4.0 + 1.0 < line.glyphs[space].advance + _gap_after(line, space) <= cell / 2 + 1e-9  # all in it


def test_a_paragraphs_last_line_keeps_its_end_mark_full_width() -> None:
    """Half-width line-end marks justify a line; the last line is not justified, so rather than end it
    with a squeezed 。 beyond the measure's full cells, an earlier line gives up characters."""
    m = Measure(width=442.2, cell=BODY_CELL, first_indent=2 * BODY_CELL)
    lines = break_paragraph([Item(ch, 8.0) for ch in "一" * 26 + "二" * 28 + "。"], m)
    assert [len(line.text) for line in lines] == [24, 28, 3]
    assert lines[-1].glyphs[-1].advance == pytest.approx(BODY_CELL)
    assert all(line.width == pytest.approx(442.2) for line in lines[:-1])


def test_a_squeezed_line_narrows_han_latin_gaps_before_gaps_between_han() -> None:
    """clreq's reduction order: a line a little too long (here by 0.1 pt, within the 1 % of a cell
    allowed for rounded cells) gives up Han–Latin gap first; the Han characters keep their cells."""
    cell = 15.0
    m = Measure(width=413.4, cell=cell, latin_gap=cell / 4)  # 26 cells + AB + two ¼-cell gaps = 413.5
    line = break_paragraph([Item(ch, 8.0) for ch in "甲" * 13 + "AB" + "乙" * 13 + "丙" * 30], m)[0]
    assert line.text == "甲" * 13 + "AB" + "乙" * 13 and line.width == pytest.approx(413.4)
    gaps = [_gap_after(line, i) for i in range(len(line.glyphs) - 1)]
    assert gaps[12] == pytest.approx(cell / 4 - 0.05) and gaps[14] == pytest.approx(cell / 4 - 0.05)
    assert all(gap == pytest.approx(0.0, abs=1e-9) for i, gap in enumerate(gaps) if i not in (12, 14))
