"""Reading the files we did not write ourselves: only regular files, and only up to a size limit.

A FIFO, a device or a directory where a font, a layout, ``fonts.yaml`` or ``manifest.json`` is
expected would make a plain ``open().read()`` wait forever or read without end. Every such file is
opened without blocking, checked to be a regular file (after following links) and read up to a
limit; anything else raises an :class:`OSError` subclass whose ``strerror`` is a Chinese reason, so
the callers' existing ``except OSError`` report it in the users' language.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a directory, not an ordinary file."""

    def __init__(self, path: Path | str, mode: int = 0) -> None:
        if stat.S_ISDIR(mode):
            super().__init__(errno.EISDIR, "这是一个目录，不是文件", str(path))
        else:
            super().__init__(errno.EINVAL, "不是普通文件（可能是管道或设备）", str(path))


class FileTooLarge(OSError):
    """The file is larger than the limit for its kind."""

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"文件过大（{_size(size)}，上限 {_size(limit)}）", str(path))
        self.size = size
        self.limit = limit


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024:.0f} KB"


def open_regular(path: Path | str, limit: int | None = None) -> io.BufferedReader:
    """``open(path, "rb")`` that never blocks: NotRegularFile unless it is a regular file,
    FileTooLarge when it is larger than ``limit`` bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, st.st_mode)
        if limit is not None and st.st_size > limit:
            raise FileTooLarge(path, st.st_size, limit)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str, limit: int) -> bytes:
    """The whole content of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    with open_regular(path, limit) as f:
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew while we read
        raise FileTooLarge(path, len(data), limit)
    return data


def is_regular(path: Path | str) -> bool:
    """Whether ``path`` is (or links to) a regular file; never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def excerpt(text: str, limit: int = 60) -> str:
    """At most ``limit`` characters of ``text`` on one line: what a message may quote of a file."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
