"""The closing block (报尾) at the foot of the last page: between rules, the distribution lines
(送：… with continuation lines aligned after the label), the contact lines and the sign-off line.
Its last rule lies on the bottom edge of the text block; if it does not fit below the text it moves
whole to a new page."""

from __future__ import annotations

import copy
from typing import NamedTuple

from jianbao.compose.blocks import Block, must_break
from jianbao.compose.frames import Item
from jianbao.compose.linebreak import Line, Measure
from jianbao.compose.linebreak.words import Dictionary
from jianbao.compose.memo import Fresh
from jianbao.compose.printed import label_head, print_run_text, signoff_text
from jianbao.compose.textset import Face, Fonts, advance, line_runs, resolve, rule
from jianbao.compose.titles import break_words, recipient_keep
from jianbao.design.layout import Layout
from jianbao.model import Closing

BLACK = (0.0, 0.0, 0.0, 1.0)  # the closing block's rules (GB/T 9704 §7.4: black)
VisualLine = tuple[tuple[float, Line], ...]  # pieces (x offset, line) sharing one baseline


class _Row(NamedTuple):
    kind: str  # "text" | "rule"
    lines: tuple[VisualLine, ...] = ()
    weight: float = 0.0


class ClosingBlock(Block):
    def __init__(self, closing: Closing, layout: Layout, fonts: Fonts, words: Dictionary | None = None,
                 memo: Fresh | None = None) -> None:
        super().__init__()
        self.closing = closing
        self.layout = layout
        self.face: Face = resolve(layout.closing.style, fonts)
        self.words = words
        memo = memo or Fresh()
        # what decides the rows: the block's text, its design, the face, the measure, the dictionary
        key = ("closing", closing, layout.closing, layout.page.block_width, layout.typography, memo.face_key(self.face),
               words.names if words is not None else None)
        self.rows: list[_Row] = memo.lines(key, self._rows)
        self.content_height = sum(self._row_height(r) for r in self.rows)

    def _label_lines(self, label: str, text: str, width: float, recipients: bool = False) -> list[Line]:
        """``label：text`` with continuation lines aligned after the label; a list of recipients breaks
        only between recipients, other text only between words (compose/titles.py)."""
        head = label_head(label)
        hang = sum(advance(ch, self.face.font, self.face.size) for ch in head)
        gap = self.layout.typography.latin_gap * self.face.size
        # a list broken only between recipients is set ragged: spreading its lines would open gaps
        measure = Measure(width=width, cell=self.face.size, indent=hang, latin_gap=gap, justify=not recipients)
        full = head + text
        keep = recipient_keep(full, len(head)) if recipients else None
        return break_words(full, self.face, measure, self.words, keep)

    def _plain(self, text: str, width: float) -> list[Line]:
        gap = self.layout.typography.latin_gap * self.face.size
        measure = Measure(width=width, cell=self.face.size, justify=False, latin_gap=gap)
        return break_words(text, self.face, measure, self.words)

    def _rows(self) -> list[_Row]:
        d = self.layout.closing
        c = self.closing
        inner = self.layout.page.block_width - 2 * d.inset * self.face.size
        rows: list[_Row] = [_Row("rule", weight=d.rule_thick)]
        dist: list[VisualLine] = []
        for item in c.distribution:
            dist += [((0.0, line),) for line in self._label_lines(item.label, item.text, inner, recipients=True)]
        if c.print_run is not None:
            dist += [((inner - line.width, line),) for line in self._plain(print_run_text(c.print_run), inner)]
        if dist:
            rows += [_Row("text", tuple(dist)), _Row("rule", weight=d.rule_thin)]
        info: list[VisualLine] = []
        cols = d.contact_columns
        split = inner * d.column_split if cols == 2 else inner
        for i in range(0, len(c.contacts), cols):
            group = c.contacts[i:i + cols]
            columns: list[list[tuple[float, Line]]] = []
            for j, contact in enumerate(group):
                x = 0.0 if j == 0 else split
                width = (split - self.face.size) if j == 0 and len(group) > 1 else inner - x
                columns.append([(x, line) for line in self._label_lines(contact.label, contact.value, width)])
            depth = max(len(col) for col in columns)
            for k in range(depth):
                info.append(tuple(col[k] for col in columns if k < len(col)))
        if c.signoff:
            text = signoff_text(c, int(d.signoff_gap))
            info += [((0.0, line),) for line in self._plain(text, inner)]
        if info:
            rows.append(_Row("text", tuple(info)))
        if rows[-1].kind == "rule":
            rows.pop()
        rows.append(_Row("rule", weight=d.rule_thick))
        return rows

    def _row_height(self, row: _Row) -> float:
        d = self.layout.closing
        if row.kind == "rule":
            return row.weight
        return 2 * d.padding + len(row.lines) * d.line_pitch

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self.layout.page.block_width
        self.height = max(self.content_height, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Block]:
        if not must_break(self):
            return []  # moves whole to the next page
        return self._break_rows(availHeight)  # taller than a page (a very long distribution list)

    def _break_rows(self, avail: float) -> list[Block]:
        """The rows that fit on this page, a text row broken between its lines, and the rest."""
        d = self.layout.closing
        head: list[_Row] = []
        used = 0.0
        for i, row in enumerate(self.rows):
            height = self._row_height(row)
            if used + height <= avail:
                head.append(row)
                used += height
                continue
            tail = list(self.rows[i:])
            fit = int((avail - used - 2 * d.padding) // d.line_pitch)
            if row.kind == "text" and fit >= 1:
                head.append(_Row("text", row.lines[:fit]))
                tail[0] = _Row("text", row.lines[fit:])
            if not any(r.kind == "text" for r in head):
                return []
            return [self._part(head), self._part(tail)]
        return []

    def _part(self, rows: list[_Row]) -> ClosingBlock:
        part = copy.copy(self)
        part.postponed = False
        part.rows = rows
        part.content_height = sum(self._row_height(r) for r in rows)
        part.overlong = True  # the rest starts a fresh page and breaks again if need be
        return part

    def items(self) -> list[Item]:
        d = self.layout.closing
        out: list[Item] = []
        inset = d.inset * self.face.size
        y = self.content_height  # from the top of the content down to 0, the block's bottom edge
        for row in self.rows:
            if row.kind == "rule":
                out.append(rule(0, self.width, y - row.weight / 2, BLACK, row.weight))
                y -= row.weight
                continue
            y -= d.padding
            for visual in row.lines:
                baseline = y - (d.line_pitch + self.face.size * 0.76) / 2
                for x, line in visual:
                    line_runs(out, line, inset + x, baseline, [self.face])
                y -= d.line_pitch
            y -= d.padding
        return out
