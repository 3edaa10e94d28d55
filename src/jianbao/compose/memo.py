"""What the composer may reuse from an earlier layout of the same issue in the same process.

A single build composes once and keeps nothing (:class:`Fresh`). ``make-issue watch`` composes the
issue again after every save, and all but the edited paragraph are as before; :class:`Memo` keeps,
between builds:

- the line breaks of body paragraphs, keyed by what decides them: the paragraph's text runs, each
  run's font (a ReportLab name made from the font program's digest, see ``fonts.embed``), size and
  the characters other fonts draw for it, and the measure;
- the lines of titles, headings and contents entries, keyed by their text, style, faces, the
  issue's dictionary and the typography;
- the text runs (pages as data) of each broken line, keyed by the line object itself (kept alive by
  the entry, so its identity cannot be taken by another line), where it sits in its block, and the
  faces that set it, compared by value.

Every key is the content (or an object the entry keeps, compared by identity): a hit gives what a
fresh layout would compute, so a warm build is the cold build byte for byte (tests/test_proof.py).
Both stores forget what none of the last ``BUILDS_KEPT`` builds used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from jianbao.compose.frames import Item as PageItem
from jianbao.compose.linebreak import BrokenParagraph, Line, Measure
from jianbao.compose.textset import Face, items, line_runs

BUILDS_KEPT = 3  # a paragraph's break (~0.1 MB) is kept while one of the last three builds used it
BREAKS_KEPT = 2000  # and at most this many (an issue has a few dozen to a few hundred paragraphs)

Runs = Sequence[tuple[str, int]]  # a paragraph's text: (text, index into its faces)
T = TypeVar("T")


class Fresh:
    """A layout that reuses nothing: every paragraph broken, every line set."""

    def __init__(self) -> None:
        self._substitutes: dict[int, tuple[object, tuple[object, ...]]] = {}

    def face_key(self, face: Face) -> tuple[object, ...]:
        """What decides a face's advances: font, size and the characters other fonts draw."""
        return _face_key(face, self._substitutes)

    def lines(self, key: tuple[object, ...], make: Callable[..., T], *args: object) -> T:
        """``make(*args)`` (titles, headings, contents entries); ``key`` says all that decides it."""
        return make(*args)

    def break_paragraph(self, runs: Runs, faces: Sequence[Face], measure: Measure) -> BrokenParagraph:
        return BrokenParagraph(items(runs, faces), measure)

    def line_runs(self, out: list[PageItem], line: Line, x0: float, baseline: float, faces: Sequence[Face]) -> None:
        line_runs(out, line, x0, baseline, faces)


class Kept(Protocol):
    """Something else kept between builds (``compose.replay.Replay``), swept with the memo."""

    def sweep(self, builds: int) -> None: ...


def _face_key(face: Face, known: dict[int, tuple[object, tuple[object, ...]]]) -> tuple[object, ...]:
    """What decides a face's advances: font, size and the characters other fonts draw (``known``: the
    latter's keys by the identity of the mapping, which the entry keeps)."""
    subs = face.substitutes
    if not subs:
        return (face.font, face.size, ())
    kept = known.get(id(subs))
    if kept is None or kept[0] is not subs:
        kept = known[id(subs)] = (subs, tuple(sorted(subs.items())))
    return (face.font, face.size, kept[1])


class Memo(Fresh):
    """A layout that reuses breaks and set lines of earlier builds (see the module's doc)."""

    def __init__(self, max_breaks: int = BREAKS_KEPT) -> None:
        super().__init__()
        self._made: dict[tuple[object, ...], tuple[object, int]] = {}
        self._breaks: dict[tuple[object, ...], tuple[BrokenParagraph, int]] = {}
        self._lines: dict[tuple[int, float, float], tuple[Line, tuple[Face, ...], list[PageItem], int]] = {}
        self._max_breaks = max_breaks
        self.placed: Kept | None = None  # the blocks placed by earlier layout passes (compose.replay)
        self._build = 0
        self.hits = 0  # paragraph breaks reused / made, for the benchmark and the tests
        self.misses = 0

    def break_paragraph(self, runs: Runs, faces: Sequence[Face], measure: Measure) -> BrokenParagraph:
        key = (tuple(runs), tuple(self.face_key(f) for f in faces), measure)
        kept = self._breaks.get(key)
        if kept is not None:
            self._breaks[key] = (kept[0], self._build)
            self.hits += 1
            return kept[0]
        self.misses += 1
        broken = super().break_paragraph(runs, faces, measure)
        self._breaks[key] = (broken, self._build)
        if len(self._breaks) > self._max_breaks:  # the oldest first (dicts keep insertion order)
            del self._breaks[next(iter(self._breaks))]
        return broken

    def lines(self, key: tuple[object, ...], make: Callable[..., T], *args: object) -> T:
        kept = self._made.get(key)
        if kept is None:
            kept = (make(*args), self._build)
        elif kept[1] != self._build:
            kept = (kept[0], self._build)
        self._made[key] = kept
        return kept[0]  # type: ignore[return-value]

    def line_runs(self, out: list[PageItem], line: Line, x0: float, baseline: float, faces: Sequence[Face]) -> None:
        key = (id(line), x0, baseline)
        kept = self._lines.get(key)
        if kept is not None and kept[0] is line and _same_faces(kept[1], faces):
            out.extend(kept[2])
            if kept[3] != self._build:
                self._lines[key] = (*kept[:3], self._build)
            return
        start = len(out)
        line_runs(out, line, x0, baseline, faces)
        self._lines[key] = (line, tuple(faces), out[start:], self._build)

    def sweep(self, builds: int = BUILDS_KEPT) -> None:
        """Call after each build: forget what no build of the last ``builds`` used (earlier versions
        of an edited paragraph), so that a long watch session does not grow."""
        self._build += 1
        if self.placed is not None:
            self.placed.sweep(builds)
        oldest = self._build - builds
        if len(self._substitutes) > 64:  # mappings of builds long gone
            self._substitutes.clear()
        for key in [k for k, v in self._breaks.items() if v[1] < oldest]:
            del self._breaks[key]
        for line_key in [k for k, v in self._lines.items() if v[3] < oldest]:
            del self._lines[line_key]
        for made in [k for k, v in self._made.items() if v[1] < oldest]:
            del self._made[made]

    @property
    def paragraphs(self) -> int:
        """How many paragraph breaks are kept."""
        return len(self._breaks)


def _same_faces(kept: tuple[Face, ...], faces: Sequence[Face]) -> bool:
    """Faces that set a line the same way: font, size, colour, stroke (a Face's equality) and the
    characters other fonts draw (not part of a Face's equality)."""
    if len(kept) != len(faces):
        return False
    for a, b in zip(kept, faces, strict=True):
        if a is not b and (a != b or a.substitutes != b.substitutes):
            return False
    return True
