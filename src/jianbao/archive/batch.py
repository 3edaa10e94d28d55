"""Building many issues at once: decide what is out of date, build it in parallel, keep the record.

1. **Plan.** For each selected issue the source is hashed and compared, with its layout, fonts and
   the program, against out/manifest.json (:mod:`.fingerprint`, :mod:`.manifest`). Only what changed
   is built, unless ``force``. No ReportLab, no font files are read for this.
2. **Build** in worker processes (:mod:`.worker`), largest sources first. A failure is recorded and
   the others go on; a worker that dies takes only its own issue with it.
3. **Record.** The builds are recorded as results arrive (at most every second) and at the end, through
   :func:`.register.record_builds` like every other build path: the manifest, then the distribution
   record (:mod:`.record`) rewritten from it.

Ctrl-C (or SIGTERM) stops the workers; a build in progress is unwound and removes its temporary file,
finished PDFs are kept, and the manifest is saved describing exactly the PDFs in out/.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as connection_wait
from pathlib import Path
from typing import TextIO

from jianbao.archive.fingerprint import Fingerprints, Inputs, bytes_digest, changed
from jianbao.archive.lock import locked
from jianbao.archive.manifest import Entry, Manifest
from jianbao.archive.progress import Progress, Report
from jianbao.archive.register import record_builds
from jianbao.archive.selection import Selected
from jianbao.archive.worker import Job, Outcome, build_job, serve
from jianbao.errors import OutputError, UsageError, UserError, display_path, os_reason

SAVE_EVERY_SECONDS = 1.0
# From this many builds on, the fonts' common repertoire is made ready first (make-issue
# --prepare-fonts: once per machine, seconds per face, nothing when done before): cheaper than
# converting each issue's characters separately.
PREPARE_FONTS_FROM = 20
CRASHED = "生成这一期的进程意外退出（可能是内存不足或程序缺陷），未生成 PDF"


@dataclass(frozen=True)
class Task:
    job: Job
    reason: str  # why it is built: 尚未生成, 源文件有改动, --force …
    source_digest: str
    size: int


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def plan(selected: list[Selected], manifest: Manifest, prints: Fingerprints, *, out_dir: Path, root: Path,
         force: bool, known: frozenset[str] = frozenset(), ofd: bool = False) -> tuple[list[Task], list[str]]:
    """(what to build and why, the IDs that are unchanged). ``known``: IDs the manifest listed before
    entries whose PDF was deleted or replaced were dropped. ``ofd``: an OFD is wanted too."""
    tasks: list[Task] = []
    unchanged: list[str] = []
    for item in selected:
        try:
            data = item.source.read_bytes()
        except OSError as exc:
            raise UsageError(f"{display_path(item.source)}：无法读取源文件（{os_reason(exc)}）") from exc
        digest = bytes_digest(data)
        entry = manifest.current(item.id)
        if force:
            reason: str | None = "按 --force 重新生成"
        elif entry is None:
            reason = "PDF 已被删除或替换" if item.id in known else "尚未生成"
        elif not entry.meta.complete:
            reason = "清单中缺少发文登记所需的版记信息或各篇页码"
        else:
            reason = changed(entry.inputs, prints.inputs(digest, entry.meta.layout))
            if reason is None and ofd and manifest.current_ofd(item.id) is None:
                reason = "尚未生成 OFD"
        if reason is None:
            unchanged.append(item.id)
        else:
            tasks.append(Task(Job(item.id, item.source, out_dir, root, ofd), reason, digest, len(data)))
    return tasks, unchanged


def run(selected: list[Selected], *, root: Path, out_dir: Path, jobs: int | None = None, force: bool = False,
        stream: TextIO | None = None, tty: bool | None = None, prepare_fonts: bool | None = None,
        build: Callable[[Job], Outcome] = build_job, ofd: bool = False) -> Report:
    """Build what is out of date among ``selected`` into ``out_dir``; see the module docstring.
    ``ofd``: each issue also gets its OFD (an issue whose PDF is current but has none is built).

    ``prepare_fonts``: make the fonts' repertoire ready first (True), never (False), or when there are
    at least PREPARE_FONTS_FROM issues to build (None)."""
    started = time.perf_counter()
    stream = stream if stream is not None else sys.stdout
    tty = stream.isatty() if tty is None else tty
    _prepare_out_dir(out_dir)
    with locked(out_dir, lambda line: print(line, file=stream, flush=True)):  # one run per out/ at a time
        _remove_stale_record_files(out_dir)
        return _run(selected, root=root, out_dir=out_dir, jobs=jobs, force=force, stream=stream, tty=tty,
                    prepare_fonts=prepare_fonts, build=build, started=started, ofd=ofd)


def _run(selected: list[Selected], *, root: Path, out_dir: Path, jobs: int | None, force: bool,
         stream: TextIO, tty: bool, prepare_fonts: bool | None, build: Callable[[Job], Outcome],
         started: float, ofd: bool) -> Report:
    manifest = Manifest.load(out_dir)
    known = frozenset(manifest.entries)
    manifest.prune()
    prints = Fingerprints(root)
    tasks, unchanged = plan(selected, manifest, prints, out_dir=out_dir, root=root, force=force, known=known,
                            ofd=ofd)
    workers = max(1, min(jobs or default_jobs(), len(tasks)))
    report = Report(len(selected), workers if tasks else 0, unchanged=unchanged,
                    reasons={t.job.id: t.reason for t in tasks})
    progress = Progress(len(tasks), stream, tty=tty)
    if prepare_fonts or (prepare_fonts is None and len(tasks) >= PREPARE_FONTS_FROM):
        _prepare_fonts(root, progress, required=bool(prepare_fonts))
    if unchanged:
        progress.note(f"未变：{len(unchanged)} 期，无需重新生成")
    pending: list[Entry] = []  # built, not yet in manifest.json
    if tasks:
        progress.note(f"生成：{len(tasks)} 期，{workers} 个进程")
        prints.snapshot()  # inputs as they are before any build starts
        by_id = {t.job.id: t for t in tasks}
        saver = _Saver(out_dir, pending)

        def record(outcome: Outcome) -> None:
            progress.done(outcome)
            if outcome.pdf is None or outcome.meta is None:
                report.failed.append(outcome)
                return
            report.built.append(outcome)
            task = by_id[outcome.id]
            inputs: Inputs = prints.inputs(task.source_digest, outcome.meta.layout)
            pending.append(Entry(outcome.id, display_path(task.job.source), inputs, outcome.pdf, outcome.meta,
                                 outcome.ofd))
            saver.maybe_save()

        progress.start()
        order = sorted(tasks, key=lambda t: (-t.size, t.job.id))  # longest first: the workers finish together
        try:
            from jianbao.pipeline import interrupted_by_signals

            with interrupted_by_signals():  # SIGTERM, SIGHUP: like Ctrl-C
                _execute([t.job for t in order], workers, build, record)
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            progress.close()
            done = {o.id for o in report.built} | {o.id for o in report.failed}
            report.not_built = [t.job.id for t in order if t.job.id not in done]
            # a PDF renamed into place just before the stop is not vouched for: record_builds prunes it
            recorded = record_builds(out_dir, pending)
    else:
        recorded = record_builds(out_dir)
    report.record, report.record_foreign = recorded.record, recorded.foreign
    report.seconds = time.perf_counter() - started
    return report


def _remove_stale_record_files(out_dir: Path) -> None:
    """Temporary manifest and record files (``.manifest.json.XXXX.tmp``) of a run killed while it
    wrote them: with the lock held, no other run can be writing them. Stale PDF temporaries too."""
    from jianbao.pipeline import remove_stale_temporaries

    names = [f".{n}." for n in ("manifest.json", "index.json", "index.html", "index.csv")]
    with contextlib.suppress(OSError):
        for entry in os.scandir(out_dir):
            if entry.name.endswith(".tmp") and entry.name.startswith(tuple(names)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    remove_stale_temporaries(out_dir)


def _prepare_fonts(root: Path, progress: Progress, *, required: bool) -> None:
    """Convert the fonts' common repertoire into the cache before the workers start (they inherit
    nothing from it but the files). Asked for, a failure is an error; done on our own, a warning."""
    from jianbao.pipeline import Project, prepare_fonts

    try:
        prepare_fonts(Project(root), lambda line: progress.note(f"准备字体：{line}"))
    except UserError as exc:
        if required:
            raise
        progress.note(f"准备字体未完成（{str(exc).splitlines()[0]}）；各期将各自转换所需的字")


def _prepare_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(out_dir)}：无法创建输出目录（{os_reason(exc)}）") from exc
    if not out_dir.is_dir():
        raise OutputError(f"{display_path(out_dir)}：输出路径不是目录")
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(f"{display_path(out_dir)}：没有写入权限，无法在输出目录中写文件")


class _Saver:
    """Records the builds that arrived (manifest and record), at most once per SAVE_EVERY_SECONDS."""

    def __init__(self, out_dir: Path, pending: list[Entry]) -> None:
        self.out_dir = out_dir
        self.pending = pending
        self.saved_at = time.perf_counter()

    def maybe_save(self) -> None:
        now = time.perf_counter()
        if now - self.saved_at >= SAVE_EVERY_SECONDS:
            with contextlib.suppress(UserError):  # only a head start: the final save reports failures
                record_builds(self.out_dir, self.pending)
                self.pending.clear()
            self.saved_at = now


# --- running the workers ---------------------------------------------------------------------------


def _context() -> multiprocessing.context.BaseContext:
    """'fork' on Linux (workers start with the program loaded); 'spawn' elsewhere: the only method on
    Windows, and the safe one on macOS, where forking a process that has used system libraries can crash."""
    fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if fork else "spawn")


def _execute(jobs: list[Job], workers: int, build: Callable[[Job], Outcome],
             record: Callable[[Outcome], None]) -> None:
    """Run every job in a process of its own, at most ``workers`` at a time.

    A fresh process per issue: nothing one build leaves behind in memory (ReportLab's font registry,
    caches) can change another issue's PDF, and a process that dies (out of memory, a crash in a
    library) is known to be that issue's. With 'fork' the process starts with the program already
    loaded, so this costs a few milliseconds per issue.
    """
    ctx = _context()
    if ctx.get_start_method() == "fork":  # load the program once here: every worker inherits it
        for module in ("jianbao.pipeline", "jianbao.compose"):
            importlib.import_module(module)
    queue = deque(jobs)
    running: dict[Connection, tuple[multiprocessing.process.BaseProcess, Job]] = {}
    try:
        while queue or running:
            with _interrupts_deferred():  # a process is started and tracked, or not started at all
                while queue and len(running) < workers:
                    job = queue.popleft()
                    receive, send = ctx.Pipe(duplex=False)
                    process = ctx.Process(  # type: ignore[attr-defined]  # (typeshed's BaseContext)
                        target=serve, args=(build, job, send), name=f"make-issue {job.id}", daemon=True)
                    process.start()
                    send.close()
                    running[receive] = (process, job)
            for ready in connection_wait(list(running)):
                assert isinstance(ready, Connection)
                with _interrupts_deferred():  # an outcome received is an outcome recorded
                    process, job = running.pop(ready)
                    try:
                        outcome = ready.recv()
                    except (EOFError, OSError):
                        process.join()
                        outcome = Outcome(job.id, error=f"{CRASHED}（退出状态 {process.exitcode}）", internal=True)
                    ready.close()
                    process.join()
                    record(outcome)
    except BaseException:
        for outcome in _stop(running):
            record(outcome)
        raise


_HELD = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then raise KeyboardInterrupt."""
    received: list[int] = []

    def hold(signum: int, frame: object) -> None:
        received.append(signum)

    try:
        previous = {sig: signal.signal(sig, hold) for sig in _HELD}
    except ValueError:  # not the main thread: signals cannot be handled here anyway
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            raise KeyboardInterrupt


def _stop(running: dict[Connection, tuple[multiprocessing.process.BaseProcess, Job]]) -> list[Outcome]:
    """Stop the builds in progress: each unwinds (removing its temporary file) and exits, or, if its
    PDF is already in place, reports it first. The PDFs so reported."""
    for process, _ in running.values():
        if process.is_alive():
            process.terminate()
    reported = []
    for conn, (process, _) in running.items():
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()
        try:
            if conn.poll():
                outcome = conn.recv()
                if outcome.ok:
                    reported.append(outcome)
        except (EOFError, OSError):
            pass
        conn.close()
    running.clear()
    return reported
