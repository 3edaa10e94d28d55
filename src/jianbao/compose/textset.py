"""Setting text on the grid: model text → breaker items, and broken lines → text runs (pages as data)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from reportlab.pdfbase.pdfmetrics import stringWidth

from jianbao.compose.frames import Item as PageItem
from jianbao.compose.frames import Rule, TextRun
from jianbao.compose.linebreak import Item, Line, Measure, Placed, balance_lines, break_paragraph
from jianbao.design.layout import CMYK, TextStyle

# The ideographic em box: 0.88 em above the baseline, 0.12 em below.
EM_ASCENT = 0.88
EM_CENTRE = 0.38  # em-box centre above the baseline


FAKE_BOLD_STROKE = 0.03  # outline width of synthetic bold, in em (Word uses about 0.025 em)


class Substitute(NamedTuple):
    """A character the role's font lacks, drawn from another font and fitted to the role's grid cell.
    All in em of the style's size: the advance it takes in the line, the glyph's scale and offset."""

    font: str
    advance: float
    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0


@dataclass(frozen=True)
class Fonts:
    """The registered fonts: role → ReportLab font name, the roles whose face is really bold, and per
    role the characters drawn from another font (per-character fallback)."""

    names: dict[str, str]
    bold_roles: frozenset[str] = frozenset()
    substitutes: Mapping[str, Mapping[str, Substitute]] = field(default_factory=dict)


@dataclass(frozen=True)
class Face:
    """A style resolved to a drawable font: ReportLab font name, size, colour, synthetic-bold stroke,
    and the characters another font draws."""

    font: str
    size: float
    colour: CMYK
    stroke: float = 0.0  # > 0: fill and stroke the outlines (text render mode 2) for a bold look
    substitutes: Mapping[str, Substitute] = field(default_factory=dict, compare=False, repr=False)

    def advance(self, char: str) -> float:
        """The character's advance in pt, whichever font draws it."""
        sub = self.substitutes.get(char)
        return sub.advance * self.size if sub is not None else advance(char, self.font, self.size)


def resolve(style: TextStyle, fonts: Fonts) -> Face:
    """A bold style on a face without a bold weight (仿宋, 楷体) is emboldened by stroking."""
    fake = style.bold and style.role not in fonts.bold_roles
    return Face(
        fonts.names[style.role], style.size, style.colour, FAKE_BOLD_STROKE * style.size if fake else 0.0,
        fonts.substitutes.get(style.role, {}),
    )


def rule(x0: float, x1: float, y: float, colour: CMYK, weight: float) -> Rule:
    """A horizontal rule from x0 to x1, centred on y (masthead, contents and closing rules)."""
    return Rule(x0, x1, y, colour, weight)


def _run(face: Face, x: float, y: float, text: str, char_space: float = 0.0) -> TextRun:
    """Characters of ``face`` on one baseline (no fallback characters among them)."""
    return TextRun(x, y, text, face.font, face.size, face.colour,
                   tuple(advance(ch, face.font, face.size) for ch in text), face.stroke, char_space)


@lru_cache(maxsize=65536)
def advance(char: str, font: str, size: float) -> float:
    return float(stringWidth(char, font, size))


def items(runs: Iterable[tuple[str, int]], faces: Sequence[Face]) -> list[Item]:
    """Breaker input for text runs; each run is (text, index into ``faces``)."""
    out: list[Item] = []
    for text, style in runs:
        face = faces[style]
        if face.substitutes:
            out.extend(Item(ch, face.advance(ch), style) for ch in text)
        else:
            out.extend(Item(ch, advance(ch, face.font, face.size), style) for ch in text)
    return out


def break_text(
    runs: Iterable[tuple[str, int]], faces: Sequence[Face], measure: Measure, keep: Collection[int] = ()
) -> list[Line]:
    """``keep``: character indices no line may start with (inside words, see compose/titles.word_keep)."""
    return break_paragraph(items(runs, faces), measure, keep)


def balance_text(text: str, face: Face, width: float) -> list[Line]:
    """Centred-title lines: balanced, kinsoku-correct, at the title's own size."""
    measure = Measure(width=width, cell=face.size, justify=False)
    return balance_lines(items([(text, 0)], [face]), measure)


def baseline_in_slot(slot_top: float, size: float, grid_size: float) -> float:
    """Baseline that centres a ``size`` em box on the grid line whose body em box tops at slot_top."""
    return slot_top - grid_size / 2 - EM_CENTRE * size


def line_runs(out: list[PageItem], line: Line, x0: float, baseline: float, faces: Sequence[Face]) -> None:
    """Set one broken line: consecutive glyphs of one face whose spacing differs from their natural
    advance by the same amount become one text run with that character spacing (Tc). A character
    drawn from another font is a run of its own."""
    glyphs = line.glyphs
    n = len(glyphs)
    i = 0
    while i < n:
        g = glyphs[i]
        face = faces[g.style]
        subs = face.substitutes
        if subs and g.char in subs:
            out.append(_substitute(g.char, x0 + g.x + g.dx, baseline, face, subs[g.char]))
            i += 1
            continue
        if g.char in _DASHES:
            dash = _dash(g, x0 + g.x + g.dx, baseline, face)
            if dash is not None:
                out.append(dash)
                i += 1
                continue
        j = i + 1
        spacing = 0.0
        shift = _cell_shift(g, face) if g.char in _SHIFTED else 0.0
        if g.dx == 0 and not shift:
            font, size = face.font, face.size
            while j < n:
                h = glyphs[j]
                if (h.style != g.style or h.dx != 0 or (subs and h.char in subs) or h.char in _DASHES
                        or (h.char in _SHIFTED and _cell_shift(h, face))):
                    break
                prev = glyphs[j - 1]
                gap = (h.x - prev.x) - advance(prev.char, font, size)
                if j == i + 1:
                    spacing = gap
                elif abs(gap - spacing) > 1e-4:
                    break
                j += 1
        text = "".join(glyphs[k].char for k in range(i, j))
        out.append(_run(face, x0 + g.x + g.dx + shift, baseline, text, spacing if j - i > 1 else 0.0))
        i = j


_OPENING_QUOTES = frozenset("“‘")
_CENTRED_MARKS = frozenset("…·⋯")
_DASHES = frozenset("—―⸺⸻")  # drawn across their whole cells, so that —— is one unbroken line
_SHIFTED = _OPENING_QUOTES | _CENTRED_MARKS  # the only characters _cell_shift may move


def _dash(g: Placed, x: float, baseline: float, face: Face) -> TextRun | None:
    """A dash whose glyph is narrower than its cells (Noto CJK's — is 0.89 em: —— would show a gap
    in the middle and end short of the measure) is stretched horizontally (Tz) to fill them.
    None when the glyph already fills its box: it is set with its run."""
    natural = advance(g.char, face.font, face.size)
    if natural <= 0 or natural >= g.advance - 0.01:
        return None
    return _run(face, x, baseline, g.char)._replace(horiz_scale=100 * g.advance / natural)


def _cell_shift(g: Placed, face: Face) -> float:
    """Where a font gives “ ” ‘ ’ — … · Latin (proportional) widths, place the glyph in its cell as
    the full-width form would sit: opening quotes against the text that follows, dashes and dots
    centred, closing quotes (the default) against the text before."""
    if g.char not in _SHIFTED:
        return 0.0
    natural = advance(g.char, face.font, face.size)
    if natural >= 0.75 * face.size or g.advance <= natural:
        return 0.0
    room = g.advance - natural
    return room if g.char in _OPENING_QUOTES else room / 2


def _substitute(char: str, x: float, baseline: float, face: Face, sub: Substitute) -> TextRun:
    """One character from another font, scaled and moved into the cell its own font would fill."""
    size = face.size * sub.scale
    return TextRun(x + sub.dx * face.size, baseline + sub.dy * face.size, char, face.font, face.size,
                   face.colour, (advance(char, sub.font, size),), face.stroke,
                   glyph_font=sub.font, glyph_size=size)


def _spaced(out: list[PageItem], text: str, x: float, baseline: float, face: Face, spacing: float) -> None:
    """``text`` with ``spacing`` pt after each character, characters from other fonts included."""
    subs = face.substitutes
    if not subs or not any(ch in subs for ch in text):
        out.append(_run(face, x, baseline, text, spacing))
        return
    start = 0
    for k, ch in enumerate(text):
        if ch not in subs:
            continue
        if k > start:
            _spaced(out, text[start:k], x, baseline, face, spacing)
            x += tracked_width(text[start:k], face, 0) + spacing * (k - start)
        out.append(_substitute(ch, x, baseline, face, subs[ch]))
        x += face.advance(ch) + spacing
        start = k + 1
    if start < len(text):
        _spaced(out, text[start:], x, baseline, face, spacing)


def tracked(out: list[PageItem], text: str, x: float, baseline: float, face: Face, tracking: float) -> None:
    """A short label with letter spacing (tracking in units of the size)."""
    _spaced(out, text, x, baseline, face, tracking * face.size)


def tracked_width(text: str, face: Face, tracking: float) -> float:
    if not text:
        return 0.0
    natural = sum(face.advance(ch) for ch in text)
    return natural + tracking * face.size * (len(text) - 1)


def spread(out: list[PageItem], text: str, x: float, baseline: float, face: Face, width: float) -> None:
    """分散对齐: spread the characters of ``text`` evenly over ``width``."""
    natural = sum(face.advance(ch) for ch in text)
    cs = (width - natural) / (len(text) - 1) if len(text) > 1 else 0.0
    _spaced(out, text, x, baseline, face, cs)
