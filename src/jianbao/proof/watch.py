"""make-issue watch: build, then build again whenever the issue's source, its layout, the font
configuration or a font file in fonts/ changes.

The watcher (``proof.watcher``: inotify on Linux, watchfiles elsewhere) reports a save once it is
complete: a burst of saves (an editor writing a backup, then renaming it into place) arrives as one
set of changes and gives one rebuild. A build whose files change while it runs (a burst spread over
more time) does not put its PDF in place nor say anything: the next round of changes builds the
files as they are then, so a burst still gives one PDF and one report. Changes that leave every
file as the last build read it (a save without an edit) give no build. A build
that fails prints its located errors and leaves the last good PDF in place (builds are atomic); the
next good save replaces it. The process stays warm (``jianbao.warm``): later builds reuse the parsed
layout, the font library and registered subsets, and the breaks of unchanged paragraphs.

With a proof board (``--serve``), every build also renders the pages for the proof page: PDFium
draws every page, and only pages whose pixels changed are encoded again.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jianbao import collector
from jianbao.errors import UserError
from jianbao.fonts.discover import FONT_SUFFIXES, local_font_files
from jianbao.pipeline import BuildResult, Project, Superseded, build, interrupted_by_signals
from jianbao.proof import messages
from jianbao.proof.state import (
    Board,
    Problem,
    Snapshot,
    fallback_of,
    problems_of,
    stand_ins,
    warnings_of,
)
from jianbao.proof.watcher import rounds
from jianbao.warm import Warm

if TYPE_CHECKING:
    from jianbao.archive.fingerprint import Fingerprints
    from jianbao.proof.previews import ProofPage

SETTLE_S = 0.05  # a failed build is reported once its files stayed as it read them for this long
PROOF_DPI = 72  # the proof page's images: shown 320 px wide, so twice that for a high-density screen
PROOF_PNG_LEVEL = 1


class Session:
    """One issue kept built: the warm caches, the last result, and (with ``--serve``) the proof board."""

    def __init__(self, source: Path, project: Project, out_dir: Path, *, board: bool = False,
                 dpi: int = PROOF_DPI, out: Callable[[str], None] | None = None,
                 err: Callable[[str], None] | None = None) -> None:
        self.source = source
        self.project = project
        self.out_dir = out_dir
        self.warm = Warm()
        self.dpi = dpi
        self.out = out or (lambda line: print(line, flush=True))
        self.err = err or (lambda line: print(line, file=sys.stderr, flush=True))
        self.board: Board | None = Board(Snapshot(0, False, source.stem, f"{source.stem}.pdf")) if board else None
        self.builds = 0
        self.last: BuildResult | None = None
        self._built_from: tuple[object, ...] | None = None  # the inputs as the last build found them
        self._pngs: dict[str, bytes] = {}  # pixel digest → PNG, of the pages of the last good build
        self._drawn: dict[int, ProofPage] = {}  # drawn content (BuildResult.drawings) → its proof page
        self._warned: tuple[str, ...] = ()
        self._prints: tuple[tuple[object, ...], Fingerprints] | None = None  # see _record

    @property
    def target(self) -> Path:
        return self.out_dir / f"{self.source.stem}.pdf"

    # --- one build ---------------------------------------------------------------------------------

    def inputs(self) -> tuple[object, ...]:
        """What the build reads, as it is now: the bytes of the source, the layouts and fonts.yaml, the
        size and modification time of the font files (large)."""
        found: list[object] = []
        for path in self._watched_files():
            try:
                if path.suffix.lower() in FONT_SUFFIXES:
                    st = path.stat()
                    found.append((str(path), st.st_size, st.st_mtime_ns))
                else:
                    found.append((str(path), path.read_bytes()))
            except OSError as exc:
                found.append((str(path), exc.errno))
        return tuple(found)

    def _watched_files(self) -> list[Path]:
        """The files whose change :meth:`relevant` accepts."""
        try:
            layouts = sorted(p for p in self.project.layouts.iterdir() if p.suffix in (".yaml", ".yml"))
        except OSError:
            layouts = []
        return [self.source, *layouts, self.project.fonts_dir / "fonts.yaml", *local_font_files(self.project.fonts_dir)]

    def changed(self) -> tuple[object, ...] | None:
        """The inputs as they are now, when they differ from what the last build read; else None."""
        found = self.inputs()
        return found if found != self._built_from else None

    def build(self, changes: Sequence[Path] = (), found: tuple[object, ...] | None = None) -> bool | None:
        """Build once; True when a new PDF is in place, False when the build failed (user errors are
        printed, never raised), None when the inputs changed while it ran: nothing is said and the
        old PDF stays (the next round of changes builds them). ``changes``: the files whose change
        brought this build, said before its outcome; ``found``: the inputs as just read (by
        :meth:`changed`)."""
        self.builds += 1
        if found is None:
            found = self.inputs()

        def superseded() -> bool:
            return self.inputs() != found

        try:
            with collector.rare():
                result = build(self.source, self.out_dir, self.project, self.warm, superseded=superseded)
        except Superseded:
            self.warm.sweep()
            return None
        except UserError as exc:
            self.warm.sweep()
            if not self._settled(found):  # a save caught half-written: the rest follows at once
                return None
            self._built_from = found
            self._said(changes)
            self.err(str(exc))
            self.err(messages.failed(self.target))
            self._warned = ()
            if self.board is not None:
                self._publish_failure(exc)
            return False
        except Exception as exc:  # a fault of ours: say so, keep watching (the next save may not hit it)
            import traceback

            self._built_from = found
            self._said(changes)
            self.warm = Warm()  # nothing half-made by the failed build is reused
            self.err(traceback.format_exc().rstrip())
            self.err(messages.internal_error(self.target))
            if self.board is not None:
                self._publish_failure(exc)
            return False
        self._built_from = found
        self._said(changes)
        self.last = result
        warnings = tuple(str(w) for w in result.warnings)
        if warnings != self._warned:  # the same warnings after every save would drown the news
            for line in warnings:
                self.err(line)
            self._warned = warnings
        self.out(messages.built(result.path, result.pages, result.size, result.seconds))
        self.warm.sweep()  # after the news: what it forgets no one waits for
        if self.board is not None:
            self._publish(result)
        self._record(result)
        collector.after_build()
        return True

    def _settled(self, found: tuple[object, ...]) -> bool:
        """Whether the inputs stay as ``found`` for :data:`SETTLE_S` (a failure is reported only then: an
        editor that truncates a file and writes it a moment later would otherwise show the errors of an
        empty or half-written file, between two good builds)."""
        deadline = time.monotonic() + SETTLE_S
        while True:
            if self.inputs() != found:
                return False
            if time.monotonic() >= deadline:
                return True
            time.sleep(0.005)

    def _said(self, changes: Sequence[Path]) -> None:
        if changes:
            self.out(messages.changed(list(changes)))

    def _record(self, result: BuildResult) -> None:
        """Keep out/manifest.json and the 发文登记 current, after the PDF and the proof page (the
        record never delays them); a record that cannot be written is said, the watch goes on."""
        from jianbao.archive.fingerprint import Fingerprints
        from jianbao.archive.register import record_built

        # the layouts', fonts' and program's fingerprints are kept while those files are as they were
        # (making them again read every layout and the font configuration: ~12 ms after every save)
        others = self._built_from[1:] if self._built_from else ()  # inputs() lists the source first
        if self._prints is None or self._prints[0] != others:
            self._prints = (others, Fingerprints(self.project.root))
        try:
            recorded = record_built(result, self.source, self.project, self._prints[1])
        except UserError as exc:
            self.err(str(exc))
            return
        for line in recorded.warnings:
            self.err(str(line))

    def _publish(self, result: BuildResult) -> None:
        from jianbao.proof.previews import proof_pages

        assert self.board is not None
        pdf = result.path.read_bytes()
        same = {i: self._drawn[d] for i, d in enumerate(result.drawings) if d is not None and d in self._drawn}
        pages = proof_pages(pdf, self.dpi, self._pngs, PROOF_PNG_LEVEL, same)
        self._pngs = {p.version: p.png for p in pages}  # what the next build may reuse
        self._drawn = {d: p for d, p in zip(result.drawings, pages, strict=False) if d is not None}
        pngs = {number: p.png for number, p in enumerate(pages, start=1)}
        versions = [p.version for p in pages]
        texts = [p.text for p in pages]
        roles = sorted(result.assignment.primary) if result.assignment else []
        library = self.warm.font_library(self.project.fonts_dir / "fonts.yaml", self.project.fonts_dir)
        snapshot = Snapshot(
            version=self.board.snapshot.version + 1, ok=True, issue=self.source.stem, pdf=result.path.name,
            page_versions=tuple(versions), page_texts=tuple(texts), problems=warnings_of(result),
            stand_ins=stand_ins(library, roles), pages=result.pages, short_pages=result.short_pages,
            fallback=fallback_of(result), seconds=result.seconds, built_at=time.strftime("%H:%M:%S"),
        )
        self.board.publish(snapshot, pngs, pdf)

    def _publish_failure(self, exc: Exception) -> None:
        assert self.board is not None
        last = self.board.snapshot
        if isinstance(exc, UserError):
            problems = problems_of(exc)
        else:
            problems = (Problem("error", "", messages.internal_error(self.target)),)
        failed = Snapshot(
            version=last.version + 1, ok=False, issue=last.issue, pdf=last.pdf, page_versions=last.page_versions,
            page_texts=last.page_texts, problems=problems, stand_ins=last.stand_ins, pages=last.pages,
            short_pages=last.short_pages, fallback=last.fallback, seconds=last.seconds,
            built_at=time.strftime("%H:%M:%S"),
        )
        self.board.publish(failed)

    # --- watching ----------------------------------------------------------------------------------

    def folders(self) -> list[Path]:
        """The folders to watch: the source's, layouts/ and fonts/ (those that exist)."""
        found = []
        for folder in (self.source.parent, self.project.layouts, self.project.fonts_dir):
            folder = folder.resolve()
            if folder.is_dir() and folder not in found:
                found.append(folder)
        return found

    def relevant(self, path: Path) -> bool:
        """A change that can alter the PDF: the source, a layout, fonts.yaml, a font file in fonts/.
        (Any layout file counts: the source may name another layout in its next version.)"""
        path = path.resolve()
        if path == self.source.resolve():
            return True
        if path.parent == self.project.layouts.resolve():
            return path.suffix in (".yaml", ".yml")
        fonts = self.project.fonts_dir.resolve()
        if path == fonts / "fonts.yaml":
            return True
        return fonts in path.parents and path.suffix.lower() in FONT_SUFFIXES

    def run(self, stop: threading.Event | None = None,
            on_build: Callable[[bool], None] | None = None) -> int:
        """Build, then rebuild on every relevant change until Ctrl-C (or ``stop`` is set)."""
        stop = stop or threading.Event()
        folders = self.folders()
        changes_seen = rounds(folders, self.relevant, stop)
        # Ctrl-C, SIGTERM, SIGHUP end the watch, and set ``stop`` too: Python drops an interrupt that lands
        # in an object's finalizer, and the watcher then ends at its next round
        with interrupted_by_signals(ctrl_c=True, stop=stop):
            try:
                next(changes_seen, None)  # the watcher is in place (an idle round): no save is missed from here
                ok = self.build()
                if on_build and ok is not None:
                    on_build(ok)
                self.out(messages.watching([self.source, *folders[1:]]))
                pending: dict[Path, None] = {}  # changed files not yet said (a superseded build says none)
                for changes in changes_seen:
                    if not changes:  # an idle round (lets ``stop`` be seen)
                        continue
                    pending.update((p, None) for p in sorted(changes))
                    found = self.changed()
                    if found is None:  # saved, but every file is as the last build read it
                        pending.clear()
                        continue
                    outcome = self.build(list(pending), found)
                    if outcome is None:  # the files changed while it ran: the next round builds them
                        continue
                    pending.clear()
                    if on_build:
                        on_build(outcome)
            except KeyboardInterrupt:
                pass
            finally:
                changes_seen.close()  # stops the watcher's thread
        self.out(messages.stopped())
        return 0
