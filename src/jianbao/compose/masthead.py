"""The masthead (报头) on page 1: red series title, edition, issue number, editing units and date,
and the red rule, in a block of whole grid lines."""

from __future__ import annotations

import math
from dataclasses import replace

from jianbao.compose.blocks import Block
from jianbao.compose.spacing import draw_spaced, spaced_width
from jianbao.compose.textset import Fonts, advance, draw_rule, resolve, spread
from jianbao.design.layout import Layout
from jianbao.model import Issue


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
        return self.width, self.height

    def _rule_from_top(self) -> float:
        m = self.layout.masthead
        gap = m.units.line_gap or m.units.size * 1.5
        last = m.units.baseline + (len(self.issue.units) - 1) * gap
        return last + m.units.size * 0.12 + m.rule.below_last_line

    def _centred(self, text: str, style_name: str, baseline: float, fit: bool = False) -> None:
        m = self.layout.masthead
        style = getattr(m, style_name)
        face = resolve(style, self.fonts)
        tracking = style.tracking
        gap = self.layout.typography.latin_gap
        width = spaced_width(text, face, tracking, gap)
        if fit and width > self.width:  # a long series title shrinks to the block width
            scale = self.width / width
            face = replace(face, size=face.size * scale)
            width = spaced_width(text, face, tracking, gap)
        # centre the ink, not the trailing tracking
        draw_spaced(self.canv, text, (self.width - width) / 2, self.height - baseline, face, tracking, gap)

    def draw(self) -> None:
        m = self.layout.masthead
        issue = self.issue
        self._centred(issue.series_title, "title", m.title.baseline, fit=True)
        if issue.edition:
            self._centred(issue.edition, "edition", m.edition.baseline, fit=True)
        number = issue.number_label + (issue.cumulative_label or "")
        self._centred(number, "number", m.number.baseline)

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
            scale = room / (unit_w + office_w)
            units_face = replace(units_face, size=units_face.size * scale)
            office_face = replace(office_face, size=office_face.size * scale)
            widths = [w * scale for w in widths]
            unit_w *= scale
        first = m.units.baseline
        gap = m.units.line_gap or units_face.size * 1.5
        for i, unit in enumerate(issue.units):
            y = self.height - (first + i * gap)
            spread(self.canv, unit, 0, y, units_face, unit_w) if len(issue.units) > 1 else spread(
                self.canv, unit, 0, y, units_face, widths[i]
            )
        last = first + (len(issue.units) - 1) * gap
        if issue.office:
            x = unit_w + self.layout.page.cell * 0.5
            y = self.height - (first + last) / 2
            draw_spaced(self.canv, issue.office, x, y, office_face, 0, latin)
        date = issue.date_label
        date_w = spaced_width(date, date_face, 0, latin)
        draw_spaced(self.canv, date, self.width - date_w, self.height - last, date_face, 0, latin)

        rule_y = self.height - self._rule_from_top()
        draw_rule(self.canv, 0, self.width, rule_y, m.rule.colour, m.rule.weight)
