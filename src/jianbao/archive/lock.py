"""One batch run at a time per output folder: a lock on the folder ``out/`` itself.

Two ``make-issue --all`` runs on the same ``out/`` would each read the manifest, build, and write
their own manifest and record over the other's: the index would list only some of the PDFs. The
lock (``flock`` on the folder, so no lock file is left behind; released by the kernel when a run
ends in any way, even SIGKILL) makes the second
run wait for the first, then plan from the manifest the first one left: nothing is lost. A run that
cannot get the lock within :data:`WAIT_SECONDS` says so and exits 2.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from jianbao.errors import OutputError, display_path, os_reason

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; runs are not serialised
    fcntl = None  # type: ignore[assignment]

WAIT_SECONDS = float(os.environ.get("JIANBAO_LOCK_WAIT", "600"))
POLL_SECONDS = 0.1
_HELD: dict[str, int] = {}  # folders this process holds, and how deep: the lock is re-entrant


class Busy(OutputError):
    """Another run kept the output folder for longer than we wait."""


@contextlib.contextmanager
def locked(out_dir: Path, note: Callable[[str], None], wait: float | None = None) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait (telling ``note`` once) while another run has it.
    Re-entrant: a batch run holds it for the whole run, and recording inside the run takes it again
    (two flocks of one process on one folder would otherwise wait for each other for ever)."""
    key = os.path.realpath(out_dir)
    if fcntl is None or key in _HELD:
        _HELD[key] = _HELD.get(key, 0) + 1
        try:
            yield
        finally:
            _HELD[key] -= 1
            if not _HELD[key]:
                del _HELD[key]
        return
    try:
        fd = os.open(out_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise OutputError(f"{display_path(out_dir)}：无法打开输出目录（{os_reason(exc)}）") from exc
    try:
        limit = WAIT_SECONDS if wait is None else wait
        deadline = time.monotonic() + limit
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    note(f"另一个 make-issue 正在向 {display_path(out_dir)} 生成，等待它结束……")
                    told = True
                if time.monotonic() >= deadline:
                    raise Busy(
                        f"{display_path(out_dir)}：另一个 make-issue 正在向这个目录生成，"
                        f"已等待 {limit:.0f} 秒仍未结束；请等它结束后再运行（两次同时运行会互相覆盖发送记录）"
                    ) from None
                time.sleep(POLL_SECONDS)
            except OSError:  # a file system without locks (some network shares): go on unlocked
                break
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
    finally:
        os.close(fd)  # releases the lock
