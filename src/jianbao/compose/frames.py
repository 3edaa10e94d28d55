"""Laid-out pages as data: what the composer produces and every renderer (PDF, OFD, previews) draws.

A :class:`Document` is its pages, each a list of placed items, plus the metadata and the outline.
Items are positioned in PostScript points in the coordinates of the frame that holds them (origin at
the frame's bottom left, y upwards); a :class:`Frame` places a group of items, as a block was placed
by the page loop. Nothing here knows ReportLab: a renderer turns the items into its own operators.

- :class:`TextRun` — characters of one face on one baseline: the font (a registered font name), size,
  colour, the synthetic-bold stroke, extra space after each character, horizontal scaling, and each
  character's natural advance, so that every glyph's position is known without the font;
- :class:`Rule` — a horizontal line (solid, or dotted for leaders);
- :class:`Anchor` — an outline entry (bookmark) pointing at the place where it stands;
- :class:`Frame` — a group of items moved to (x, y).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

CMYK = tuple[float, float, float, float]


class TextRun(NamedTuple):
    x: float  # start of the first glyph on the baseline
    y: float  # baseline
    text: str
    font: str  # registered font name of the style's face
    size: float
    colour: CMYK
    advances: tuple[float, ...]  # each character's natural advance at this size (pt)
    stroke: float = 0.0  # > 0: fill and stroke the outlines with this line width (synthetic bold)
    char_space: float = 0.0  # extra space after each character (pt)
    horiz_scale: float = 100.0  # percent; a dash stretched across its cells
    glyph_font: str | None = None  # the character is drawn from this font (per-character fallback)
    glyph_size: float = 0.0  # … at this size

    def positions(self) -> list[float]:
        """x of each character's origin."""
        out = []
        x = self.x
        scale = self.horiz_scale / 100
        for adv in self.advances:
            out.append(x)
            x += (adv + self.char_space) * scale
        return out

    @property
    def drawing_font(self) -> str:
        return self.glyph_font or self.font

    @property
    def drawing_size(self) -> float:
        return self.glyph_size if self.glyph_font else self.size


class Rule(NamedTuple):
    x0: float
    x1: float
    y: float  # centre line of the stroke
    colour: CMYK
    weight: float
    dash: tuple[float, float] | None = None  # (on, off) with round caps: a dotted leader


class Anchor(NamedTuple):
    key: str
    title: str
    level: int  # 0: top level


class Frame(NamedTuple):
    x: float
    y: float
    items: tuple[Item, ...]


Item = TextRun | Rule | Anchor | Frame


class LayoutWarning(NamedTuple):
    """Something the layout could not do as the design asks (a title that had to cut a word), at the
    source line of the text it concerns."""

    line: int
    message: str
    text: str = ""  # the text, to find its column on that line


@dataclass
class Page:
    items: list[Item] = field(default_factory=list)
    label: str | None = None  # the page number as printed (None: the page carries none)


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    creator: str = ""
    producer: str = ""
    date: date | None = None  # creation date (the date, for reproducible files)
    lang: str = "zh-CN"
    initial_font: tuple[str, float] | None = None  # (font, size) the page content starts with


@dataclass
class Document:
    width: float
    height: float
    metadata: Metadata
    pages: list[Page] = field(default_factory=list)
    short_pages: list[tuple[int, int]] = field(default_factory=list)  # (page, grid lines missing)
    warnings: list[LayoutWarning] = field(default_factory=list)

    def outline(self) -> list[tuple[int, Anchor]]:
        """(page index from 0, anchor) in reading order."""
        return [(i, item) for i, page in enumerate(self.pages) for item, _, _ in walk(page.items)
                if isinstance(item, Anchor)]

    def text_runs(self, page: int) -> list[tuple[TextRun, float, float]]:
        """The page's text runs with the absolute offset of the frame that holds each."""
        return [(item, dx, dy) for item, dx, dy in walk(self.pages[page].items) if isinstance(item, TextRun)]


def walk(items: tuple[Item, ...] | list[Item], dx: float = 0.0, dy: float = 0.0) -> Iterator[tuple[Item, float, float]]:
    """Every item but frames, in drawing order, with the absolute offset of its frame."""
    for item in items:
        if isinstance(item, Frame):
            yield from walk(item.items, dx + item.x, dy + item.y)
        else:
            yield item, dx, dy
