"""What the proof page shows after each build: the pages, the build's problems, the fonts standing in
for a role, and the issue's page figures. Made by the watch loop, read by the server (as JSON)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jianbao.errors import SourceError, UserError

if TYPE_CHECKING:
    from jianbao.fonts import FontLibrary
    from jianbao.pipeline import BuildResult


@dataclass(frozen=True)
class Problem:
    """One error or warning: where (``file:line:column``, empty when it has no place) and what."""

    kind: str  # "error" or "warning"
    where: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "where": self.where, "message": self.message}


@dataclass(frozen=True)
class StandIn:
    """A role served by a later candidate because none of its own fonts is available."""

    role: str  # e.g. "fangsong（仿宋）"
    face: str  # e.g. "Noto Serif CJK SC Regular"
    origin: str  # 系统字体 / 本地字体
    missing: str  # the candidates not found, e.g. "仿宋_GB2312、FangSong …"


@dataclass(frozen=True)
class Snapshot:
    """The proof page's state after one build attempt. ``version`` grows with every attempt; page
    images keep their own version, which changes only when the page's pixels did."""

    version: int
    ok: bool  # the last attempt succeeded (else the pages are the last good ones)
    issue: str
    pdf: str  # file name of the PDF, served at /<name>
    page_versions: tuple[str, ...] = ()
    page_texts: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    stand_ins: tuple[StandIn, ...] = ()
    pages: int = 0
    short_pages: tuple[tuple[int, int], ...] = ()
    fallback: tuple[tuple[str, str, str], ...] = ()  # (character, role, face drawing it)
    seconds: float = 0.0
    built_at: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "ok": self.ok,
            "issue": self.issue,
            "pdf": self.pdf,
            "pages": [{"number": i + 1, "src": f"/page/{i + 1}.png?v={v}", "text": t}
                      for i, (v, t) in enumerate(zip(self.page_versions, self.page_texts, strict=True))],
            "problems": [p.as_json() for p in self.problems],
            "stand_ins": [{"role": s.role, "face": s.face, "origin": s.origin, "missing": s.missing}
                          for s in self.stand_ins],
            "figures": {
                "pages": self.pages,
                "short_pages": [{"page": p, "missing_lines": m} for p, m in self.short_pages],
                "fallback": [{"char": c, "code": f"U+{ord(c):04X}", "role": r, "face": f}
                             for c, r, f in self.fallback],
            },
            "seconds": round(self.seconds, 3),
            "built_at": self.built_at,
        }


def problems_of(exc: UserError) -> tuple[Problem, ...]:
    """The located problems of a failed build, one per line of the message the terminal shows."""
    errors: list[SourceError] = getattr(exc, "errors", [exc] if isinstance(exc, SourceError) else [])
    if errors:
        return tuple(Problem("error", str(e.location), f"{e.field}：{e.message}" if e.field else e.message)
                     for e in errors)
    return tuple(_split("error", line) for line in str(exc).splitlines() if line.strip())


def warnings_of(result: BuildResult) -> tuple[Problem, ...]:
    return tuple(Problem("warning", str(w.location), w.message) for w in result.warnings)


def _split(kind: str, line: str) -> Problem:
    """``file:line:col field：message`` → where + message (the first full-width colon ends the place)."""
    head, sep, rest = line.partition("：")
    if sep and ":" in head and " " not in head.split(":", 1)[0]:
        return Problem(kind, head, rest)
    return Problem(kind, "", line)


def stand_ins(library: FontLibrary, roles: list[str]) -> tuple[StandIn, ...]:
    """The roles whose face is a later candidate: the fonts the role asks for first are not there."""
    from jianbao.fonts.config import role_label

    out = []
    for role in roles:
        resolution = library.resolve(role)
        if resolution.face is None or not resolution.tried:
            continue
        face = resolution.face
        # the fonts the role asks for by name (installed fonts); the file patterns say the same again
        names = list(dict.fromkeys(c.family for c, _ in resolution.tried if c.family and c.file is None))
        names = names or [str(c) for c, _ in resolution.tried]
        missing = "、".join(names[:5]) + ("……" if len(names) > 5 else "")
        out.append(StandIn(role_label(role), f"{face.family} {face.style}",
                           "本地字体" if face.origin == "local" else "系统字体", missing))
    return tuple(out)


def fallback_of(result: BuildResult) -> tuple[tuple[str, str, str], ...]:
    from jianbao.fonts.config import role_label

    assignment = result.assignment
    if assignment is None:
        return ()
    return tuple((ch, role_label(role), f"{face.family} {face.style}")
                 for role, by_char in sorted(assignment.fallback.items())
                 for ch, face in sorted(by_char.items()))


class Board:
    """The latest snapshot, shared between the watch loop (writer) and the server's threads (readers);
    readers may wait for the next version (server-sent events)."""

    def __init__(self, first: Snapshot) -> None:
        self._snapshot = first
        self._images: dict[int, bytes] = {}  # page number → PNG
        self._pdf: bytes | None = None
        self._changed = threading.Condition()
        self.closed = False

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def image(self, number: int) -> bytes | None:
        return self._images.get(number)

    def pdf(self) -> bytes | None:
        return self._pdf

    def publish(self, snapshot: Snapshot, images: dict[int, bytes] | None = None, pdf: bytes | None = None) -> None:
        with self._changed:
            if images is not None:
                self._images = images
            if pdf is not None:
                self._pdf = pdf
            self._snapshot = snapshot
            self._changed.notify_all()

    def wait_newer(self, version: int, timeout: float) -> Snapshot:
        """The snapshot once it is newer than ``version`` (or after ``timeout`` s, or at close)."""
        with self._changed:
            self._changed.wait_for(lambda: self._snapshot.version > version or self.closed, timeout)
            return self._snapshot

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()
