"""What one worker process of a batch run does: build one issue and report the outcome.

Each job is one call of :func:`jianbao.pipeline.build` (atomic: a temporary file renamed at the end).
Whatever happens, the worker returns an :class:`Outcome`: a user error becomes its Chinese message, an
internal fault its traceback, so one broken issue never stops the others.

Workers ignore Ctrl-C: the main process decides what to do. When it stops them (SIGTERM), the build in
progress is unwound like any other error, so its temporary file is removed and no half-written PDF is
left in out/; a worker whose PDF is already in place reports it before it exits.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from jianbao.archive.manifest import IssueMeta, PdfFile
from jianbao.archive.register import pdf_file
from jianbao.errors import UserError, display_path, os_reason


@dataclass(frozen=True)
class Job:
    id: str
    source: Path
    out_dir: Path
    root: Path
    ofd: bool = False  # also write the OFD (make-issue --ofd)


@dataclass(frozen=True)
class Outcome:
    id: str
    pdf: PdfFile | None = None  # set when the PDF was written
    ofd: PdfFile | None = None  # set when the OFD was written too
    meta: IssueMeta | None = None
    error: str | None = None  # the reason it failed, as the user should read it
    internal: bool = False  # the failure is a fault of the program (error holds a traceback)
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()  # advice that did not stop the build (fallback fonts, ASCII marks)
    stand_ins: tuple[str, ...] = ()  # roles set in a stand-in font, as told to the user (fonts.standin)

    @property
    def ok(self) -> bool:
        return self.pdf is not None


_target: tuple[Path, int] | None = None  # in a worker: (the PDF it is making, when it started, ns)


def serve(build: Callable[[Job], Outcome], job: Job, conn: Connection) -> None:
    """The whole life of a worker process: build one job, send back its outcome."""
    global _target
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    if hasattr(signal, "SIGHUP"):  # a closed terminal: the whole process group is told
        signal.signal(signal.SIGHUP, _stop)
    _target = (job.out_dir / f"{job.id}.pdf", time.time_ns() - 50_000_000)  # file times tick coarsely
    outcome = build(job)
    conn.send(outcome)
    conn.close()


def _stop(signum: int, frame: object) -> None:
    """Asked to stop: unwind the build (its temporary file is removed on the way out) unless its PDF
    is already in place, in which case the outcome is sent first so the manifest can record it."""
    if _target is not None:
        path, since = _target
        try:
            if os.stat(path).st_mtime_ns >= since:
                return
        except OSError:
            pass
    raise SystemExit(128 + signum)


def build_job(job: Job) -> Outcome:
    """Build one issue; never raises for a problem of the issue itself."""
    from jianbao.pipeline import Project, build

    started = time.perf_counter()
    try:
        result = build(job.source, job.out_dir, Project(job.root), ofd=job.ofd)
        assert result.issue is not None
        pdf = pdf_file(result.path, result.pages)
        ofd = pdf_file(result.ofd, result.pages) if result.ofd is not None else None
        meta = IssueMeta.from_issue(result.issue, result.article_pages, result.stand_fonts)
        return Outcome(job.id, pdf=pdf, ofd=ofd, meta=meta, seconds=time.perf_counter() - started,
                       warnings=tuple(str(w) for w in result.warnings), stand_ins=tuple(result.stand_ins))
    except UserError as exc:
        return Outcome(job.id, error=str(exc), seconds=time.perf_counter() - started)
    except OSError as exc:  # a file operation failed: say why in the words of single builds
        where = f"{display_path(Path(exc.filename))}：" if isinstance(exc.filename, str) else ""
        return Outcome(job.id, error=f"{where}读写文件失败（{os_reason(exc)}），未生成 PDF",
                       seconds=time.perf_counter() - started)
    except Exception:
        return Outcome(job.id, error=traceback.format_exc().rstrip(), internal=True,
                       seconds=time.perf_counter() - started)

