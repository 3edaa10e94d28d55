"""The masthead (报头) on page 1: red series title, edition, issue number, editing units and date,
and the red rule, in a block of whole grid lines."""

from __future__ import annotations

import math
from dataclasses import replace

from jianbao.compose.blocks import Block
from jianbao.compose.frames import Item
from jianbao.compose.printed import masthead_number
from jianbao.compose.spacing import spaced, spaced_width
from jianbao.compose.textset import Fonts, advance, resolve, rule, spread
from jianbao.design.layout import Layout
from jianbao.errors import FieldTooLong
from jianbao.model import Issue

MIN_TEXT_LINES = 0  # lines of text the first page must keep below the masthead
MIN_SIZE = 10.5  # pt (五号): a masthead field is never shrunk below this …
MIN_SCALE = 0.35  # … nor below this share of its designed size


def _legible(field: str, text: str, size: float, scale: float) -> None:
    """Refuse to shrink a field into an illegible hairline: FieldTooLong names it instead."""
    smallest = max(MIN_SIZE, size * MIN_SCALE)
    if size * scale < smallest - 1e-6:
        shown = text if len(text) <= 20 else text[:19] + "…"
        raise FieldTooLong(
            field, text,
            f"“{shown}”太长，报头中一行排不下：要缩小到 {size * scale:.1f} pt 才放得下，"
            f"而可读的最小字号为 {smallest:.1f} pt；请缩短它",
        )


def units_overflow(issue: Issue, layout: Layout) -> FieldTooLong | None:
    """More editing units than the masthead can stack on one page (needs no fonts: ``--check`` asks)."""
    m, page = layout.masthead, layout.page
    gap = m.units.line_gap or m.units.size * 1.5
    fixed = m.units.baseline + m.units.size * 0.12 + 2 * m.rule.below_last_line  # as Masthead.wrap
    need = fixed + (len(issue.units) - 1) * gap
    height = max(m.lines * page.pitch, math.ceil(need / page.pitch - 1e-6) * page.pitch)
    room = page.block_height - MIN_TEXT_LINES * page.pitch
    if height <= room + 1e-6:
        return None
    spare = room - fixed
    fits = max(0, 1 + math.floor(spare / gap + 1e-6)) if spare >= 0 else 0
    return FieldTooLong(
        "units", issue.units[fits] if fits < len(issue.units) else issue.units[-1],
        f"编印单位共 {len(issue.units)} 个，报头一页最多排得下 {fits} 个；请减少或合并编印单位",
    )


class Masthead(Block):
    def __init__(self, issue: Issue, layout: Layout, fonts: Fonts) -> None:
        super().__init__()
        self.issue = issue
        self.layout = layout
        self.fonts = fonts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self.layout.page.block_width
        pitch = self.layout.page.pitch
        self.height = self.layout.masthead.lines * pitch
        # more editing units than the design has room for: grow by whole lines, never overlap the text
        need = self._rule_from_top() + self.layout.masthead.rule.below_last_line
        if need > self.height:
            self.height = math.ceil(need / pitch - 1e-6) * pitch
        problem = units_overflow(self.issue, self.layout)
        if problem is not None:
            raise problem
        return self.width, self.height

    def _rule_from_top(self) -> float:
        m = self.layout.masthead
        gap = m.units.line_gap or m.units.size * 1.5
        last = m.units.baseline + (len(self.issue.units) - 1) * gap
        return last + m.units.size * 0.12 + m.rule.below_last_line

    def _centred(self, out: list[Item], text: str, style_name: str, baseline: float, fit: str = "") -> None:
        m = self.layout.masthead
        style = getattr(m, style_name)
        face = resolve(style, self.fonts)
        tracking = style.tracking
        gap = self.layout.typography.latin_gap
        width = spaced_width(text, face, tracking, gap)
        if fit and width > self.width:  # a long series title shrinks to the block width, legibly
            scale = self.width / width
            _legible(fit, text, face.size, scale)
            face = replace(face, size=face.size * scale)
            width = spaced_width(text, face, tracking, gap)
        # centre the ink, not the trailing tracking
        spaced(out, text, (self.width - width) / 2, self.height - baseline, face, tracking, gap)

    def items(self) -> list[Item]:
        m = self.layout.masthead
        issue = self.issue
        out: list[Item] = []
        self._centred(out, issue.series_title, "title", m.title.baseline, fit="series")
        if issue.edition:
            self._centred(out, issue.edition, "edition", m.edition.baseline, fit="edition")
        self._centred(out, masthead_number(issue), "number", m.number.baseline)

        # Editing units stacked at the left, spread to the longest; the office wording to their right,
        # centred on the stack; the date at the right on the last unit line.
        units_face = resolve(m.units, self.fonts)
        office_face = resolve(m.office, self.fonts)
        date_face = resolve(m.date, self.fonts)
        widths = [sum(advance(ch, units_face.font, units_face.size) for ch in u) for u in issue.units]
        unit_w = max(widths)
        # units and office wording too long for the line beside the date: both shrink to fit
        cell = self.layout.page.cell
        latin = self.layout.typography.latin_gap
        room = self.width - spaced_width(issue.date_label, date_face, 0, latin) - 1.5 * cell
        office_w = spaced_width(issue.office, office_face, 0, latin)
        if unit_w + office_w > room:
            scale = max(room, 0.0) / (unit_w + office_w)
            longest = max(issue.units, key=len)
            _legible("units" if unit_w >= office_w else "office", longest if unit_w >= office_w else issue.office,
                     units_face.size, scale)
            units_face = replace(units_face, size=units_face.size * scale)
            office_face = replace(office_face, size=office_face.size * scale)
            widths = [w * scale for w in widths]
            unit_w *= scale
        first = m.units.baseline
        gap = m.units.line_gap or units_face.size * 1.5
        for i, unit in enumerate(issue.units):
            y = self.height - (first + i * gap)
            spread(out, unit, 0, y, units_face, unit_w if len(issue.units) > 1 else widths[i])
        last = first + (len(issue.units) - 1) * gap
        if issue.office:
            x = unit_w + self.layout.page.cell * 0.5
            y = self.height - (first + last) / 2
            spaced(out, issue.office, x, y, office_face, 0, latin)
        date = issue.date_label
        date_w = spaced_width(date, date_face, 0, latin)
        spaced(out, date, self.width - date_w, self.height - last, date_face, 0, latin)

        rule_y = self.height - self._rule_from_top()
        out.append(rule(0, self.width, rule_y, m.rule.colour, m.rule.weight))
        return out
