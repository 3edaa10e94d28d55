"""Blocks that keep every line on the layout's line grid.

Each block's height is a whole number of line pitches, so whatever follows stays on the grid.
A ``GridLines`` block splits only between lines, never leaving a paragraph's first line alone at a
page foot (orphan) or its last line alone at a page top (widow).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

from jianbao.compose.blocks import Block, must_break
from jianbao.compose.frames import Anchor, Frame, Item
from jianbao.compose.linebreak import Line, Placed, Variant
from jianbao.compose.memo import Fresh
from jianbao.compose.textset import Face, baseline_in_slot, rule, tracked
from jianbao.design.layout import CMYK

MIN_LINES_AT_FOOT = 2  # a paragraph starting at a page foot shows at least this many lines
MIN_LINES_AT_TOP = 2  # a paragraph continued on a new page carries at least this many lines


_FRESH = Fresh()


class Grid(NamedTuple):
    pitch: float  # line pitch
    size: float  # body size: the em box whose top sits at a slot's top
    width: float  # block width

    def slots(self, height: float) -> int:
        return math.floor(height / self.pitch + 1e-6)


class Ref(NamedTuple):
    """Which block of the story a page make-up change is about: article (from 1) and the block's place
    in it (0: the title; then its headings and paragraphs in reading order), so that refs sort in
    reading order."""

    article: int
    block: int
    kind: Literal["title", "heading", "subheading", "paragraph"]  # heading: level 1, subheading: level 2


class Bookmark(NamedTuple):
    key: str
    title: str
    level: int


class GridLines(Block):
    """Broken lines, one per grid slot (or ``line_pitch`` slots each), left-aligned or centred."""

    def __init__(
        self,
        lines: Sequence[Line],
        faces: Sequence[Face],
        grid: Grid,
        *,
        centred: bool = False,
        line_pitch: float = 1.0,
        space_before: int = 0,
        space_after: int = 0,
        bookmark: Bookmark | None = None,
        splittable: bool = True,
        decorations: Sequence[tuple[int, str, float, Face]] = (),
        variants: Callable[[], dict[int, Variant]] | None = None,
        ref: Ref | None = None,
        pin: int = 0,
        memo: Fresh | None = None,
        source: object = None,
    ) -> None:
        super().__init__()
        self.memo = memo or _FRESH  # sets the lines (make-issue watch: reusing earlier builds' runs)
        # what the lines, the faces and the variants came from, the same object for the same content
        # (a memo's entry: see compose.replay); None for lines made on the spot
        self.source = source
        self.lines = list(lines)
        self.natural = self.lines
        # page make-up: the paragraph with one line more/fewer, and the grid lines the next block
        # needs at a page foot (set by the story); None for blocks that never vary
        self.variants = variants
        self._variants: dict[int, Variant] | None = None
        self.next_min = 0  # see follow()
        self.ref = ref  # the block a page make-up change can name (paragraphs, titles, level-1/2 headings)
        self.origin: GridLines | None = None  # the whole paragraph this is a part of (after a split)
        self.pin = pin  # a change imposed by the page make-up (see makeup.compose): ± lines or blank lines
        self.faces = list(faces)
        self.grid = grid
        self.centred = centred
        self.line_pitch = line_pitch
        self.spaceBefore = space_before * grid.pitch
        self.spaceAfter = space_after * grid.pitch
        self.bookmark = bookmark
        self.splittable = splittable
        # (line index, text, x, face): marks such as ※ drawn beside a line
        self.decorations = list(decorations)
        self.slots = max(1, math.ceil(len(self.lines) * line_pitch - 1e-6)) if self.lines else 0

    def follow(self, next_min: int) -> None:
        """Learn how many grid lines the block after this one needs at a page foot (the story tells
        each paragraph once it has laid out the next block)."""
        self.next_min = next_min

    def variant(self, delta: int) -> Variant | None:
        if self.variants is None:
            return None
        if self._variants is None:
            self._variants = self.variants()
        return self._variants.get(delta)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        pinned = self.variant(self.pin) if self.pin else None
        if pinned is not None:
            self.lines = list(pinned.lines)
            self.slots = len(self.lines)
        elif self.variants is not None:
            self._choose_variant(self.grid.slots(availHeight))
        self.width = self.grid.width
        self.height = self.slots * self.grid.pitch
        return self.width, self.height

    def _choose_variant(self, avail: int) -> None:
        """Keep the page full without widows or orphans by setting this paragraph one line longer
        or shorter where the natural break would leave a page a line short:
        - it fits with one slot to spare that the next block cannot use → one line more (fills the
          page) or one fewer (two slots, enough for the next block to start);
        - it would leave its last line alone on the next page (widow) → one fewer (it fits) or one
          more (two lines go over).
        The variant that takes fewer lines off the character grid wins, and only one that takes at
        most one: a costlier change is left to the page make-up (``makeup.compose``), which
        tries cheaper ones first (a blank line above a title costs none)."""
        n = len(self.natural)
        options: list[int] = []
        if n <= avail:
            spare = avail - n
            if 0 < spare < self.next_min:
                options = [d for d in (1, -1) if (d == 1 and spare == 1) or (d == -1 and spare + 1 >= self.next_min)]
        elif n - avail == 1 and avail >= MIN_LINES_AT_FOOT:
            options = [-1, 1]
        chosen = self.natural
        found = [(v.changed, -d, v) for d in options if (v := self.variant(d)) is not None and v.changed <= 1]
        if found:
            chosen = min(found, key=lambda f: f[:2])[2].lines
        if chosen is not self.lines:
            self.lines = list(chosen)
            self.slots = len(self.lines)

    def split(self, availWidth: float, availHeight: float) -> list[Block]:
        forced = must_break(self)
        if (not self.splittable or self.line_pitch != 1.0) and not forced:
            return []
        n = len(self.lines)
        fit = math.floor(self.grid.slots(availHeight) / self.line_pitch + 1e-6)  # whole lines that fit
        k = fit
        if k >= n:
            return [self]
        if n - k < MIN_LINES_AT_TOP:
            k = n - MIN_LINES_AT_TOP
        if k < MIN_LINES_AT_FOOT or self.line_pitch != 1.0 or not self.splittable:
            if not forced or fit < 1:
                return []
            k = fit  # taller than a page: break where the page ends
        head = GridLines(
            self.lines[:k], self.faces, self.grid, space_before=0, bookmark=self.bookmark,
            decorations=[d for d in self.decorations if d[0] < k],
            centred=self.centred, line_pitch=self.line_pitch, memo=self.memo,
        )
        head.spaceBefore = self.spaceBefore
        tail = GridLines(
            self.lines[k:], self.faces, self.grid,
            decorations=[(d[0] - k, *d[1:]) for d in self.decorations if d[0] >= k],
            centred=self.centred, line_pitch=self.line_pitch, splittable=self.splittable, memo=self.memo,
        )
        tail.overlong = forced
        head.origin = tail.origin = self.origin or self
        tail.spaceAfter = self.spaceAfter
        return [head, tail]

    def items(self) -> list[Item]:
        out: list[Item] = []
        if self.bookmark is not None:
            out.append(Anchor(self.bookmark.key, self.bookmark.title, self.bookmark.level))
        total = self.slots * self.grid.pitch
        used = len(self.lines) * self.line_pitch * self.grid.pitch
        top = self.height - (total - used) / 2  # centre a fractional-pitch block in its slots
        for index, text, x, face in self.decorations:  # before the text, so it extracts first
            slot_top = top - index * self.line_pitch * self.grid.pitch
            tracked(out, text, x, baseline_in_slot(slot_top, face.size, self.grid.size), face, 0)
        sizes = {f.size for f in self.faces}
        one_size = sizes.pop() if len(sizes) == 1 else None
        for i, line in enumerate(self.lines):
            if not line.glyphs:
                size = self.grid.size
            elif one_size is not None:
                size = one_size
            else:
                size = max(self.faces[g.style].size for g in line.glyphs)
            slot_top = top - i * self.line_pitch * self.grid.pitch
            baseline = baseline_in_slot(slot_top, size, self.grid.size)
            x0 = (self.width - line.width) / 2 if self.centred else 0.0
            self.memo.line_runs(out, line, x0, baseline, self.faces)
        return out


def letter_spaced(text: str, face: Face, tracking: float, grid: Grid, space_after: int = 0) -> GridLines:
    """A centred label set one glyph a run with ``tracking`` (in em) between them, such as 目 录."""
    x = 0.0
    placed = []
    for ch in text:
        w = face.advance(ch)
        placed.append(Placed(ch, x, w, 0))
        x += w + tracking * face.size
    width = sum(face.advance(ch) for ch in text) + tracking * face.size * (len(text) - 1)
    return GridLines([Line(tuple(placed), width, True)], [face], grid, centred=True, splittable=False,
                     space_after=space_after)


class GridRule(Block):
    """A horizontal rule across the block, centred in one grid line."""

    def __init__(self, grid: Grid, colour: CMYK, weight: float) -> None:
        super().__init__()
        self.grid = grid
        self.colour = colour
        self.weight = weight

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.grid.width, self.grid.pitch
        return self.width, self.height

    def items(self) -> list[Item]:
        return [rule(0, self.width, self.height - self.grid.size / 2, self.colour, self.weight)]


class KeepWithNext(Block):
    """Headings glued to the first lines of what follows: never a heading alone at a page foot.

    ``heads`` are unsplittable grid blocks; ``body`` is the following ``GridLines`` (or None).
    When the heads and ``MIN_LINES_AT_FOOT`` lines of the body do not fit, everything moves on.
    """

    def __init__(self, heads: Sequence[GridLines], body: GridLines | None) -> None:
        super().__init__()
        self.heads = list(heads)
        self.body = body
        self.spaceBefore = self.heads[0].getSpaceBefore() if self.heads else 0

    def _parts(self) -> list[Block]:
        return [*self.heads, *([self.body] if self.body is not None else [])]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        total = 0.0
        for i, f in enumerate(self._parts()):
            before = f.getSpaceBefore() if i else 0
            _, h = f.wrap(availWidth, availHeight - total - before)  # what is left below the heads
            total += h + f.getSpaceAfter() + before
        self.width, self.height = availWidth, total
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Block]:
        heads_h = 0.0
        for i, f in enumerate(self.heads):
            _, h = f.wrap(availWidth, availHeight)
            heads_h += h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0)
        if self.body is None:
            return self._break_up(availWidth, availHeight)
        rest = availHeight - heads_h - self.body.getSpaceBefore()
        parts = self.body.split(availWidth, rest)
        if len(parts) != 2:
            return self._break_up(availWidth, availHeight)
        first = KeepWithNext(self.heads, parts[0])  # type: ignore[arg-type]
        return [first, parts[1]]

    def _break_up(self, availWidth: float, availHeight: float) -> list[Block]:
        """Heads taller than a page cannot stay with their text: each part flows on its own, the
        first one broken where the page ends if even it is too tall."""
        if not must_break(self):
            return []
        parts = self._parts()
        first = parts[0]
        _, height = first.wrap(availWidth, availHeight)
        if height <= availHeight + 1e-6:
            return parts
        first.overlong = True
        pieces = first.split(availWidth, availHeight)
        return [*pieces, *parts[1:]] if pieces else []

    def items(self) -> list[Item]:
        out: list[Item] = []
        y = self.height
        for i, f in enumerate(self._parts()):
            if i:
                y -= f.getSpaceBefore()
            y -= f.height
            out.append(Frame(0, y, tuple(f.items())))
            y -= f.getSpaceAfter()
        return out
