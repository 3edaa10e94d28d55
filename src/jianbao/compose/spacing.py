"""The layout's one Han–Latin spacing rule for labels that are drawn without the line breaker (the
masthead's series number, office and date): the same rule, the same gap, as every broken line."""

from __future__ import annotations

from jianbao.compose.frames import Item
from jianbao.compose.linebreak.opportunities import gap_between
from jianbao.compose.textset import Face, tracked, tracked_width


def runs(text: str) -> list[str]:
    """``text`` cut where the gap goes (between a Han character and a Latin letter or digit)."""
    out: list[str] = []
    start = 0
    for i in range(1, len(text)):
        if gap_between(text[i - 1], text[i]):
            out.append(text[start:i])
            start = i
    if text:
        out.append(text[start:])
    return out


def spaced_width(text: str, face: Face, tracking: float, gap: float) -> float:
    """Width of ``text`` with ``tracking`` (in em) between characters and ``gap`` (in em) where the
    rule puts it."""
    pieces = runs(text)
    return tracked_width(text, face, tracking) + gap * face.size * (len(pieces) - 1)


def spaced(out: list[Item], text: str, x: float, baseline: float, face: Face, tracking: float, gap: float) -> None:
    """Set ``text`` as :func:`spaced_width` measures it."""
    for piece in runs(text):
        tracked(out, piece, x, baseline, face, tracking)
        x += tracked_width(piece, face, tracking) + tracking * face.size + gap * face.size
