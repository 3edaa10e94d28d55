"""What differs between Linux, macOS and Windows, in one place: replacing a file, flushing it to disk,
and writing messages to a console or pipe that cannot encode every character.

* **Replacing** a file (``os.replace``) fails on Windows while another program holds the target open
  without sharing it — a PDF viewer showing the old PDF, a virus scanner or the search indexer glancing
  at a new file. The indexer and scanner let go within moments, so the rename is retried for about a
  second before the error is reported (with a hint that the file may be open in a viewer).
* **Flushing** (``os.fsync``) needs a descriptor opened for writing on Windows (``_commit``).
* **Progress line**: a batch run redraws its progress line with ANSI sequences (``\\r\\x1b[K``), which
  the Windows console shows only once virtual-terminal processing is switched on for it.
* **Messages**: a Windows console shows any character, but output redirected to a file or pipe — or a
  console in legacy mode — is encoded in the ANSI code page (cp936/GBK on a Chinese system), which lacks
  rare characters (𠮷, ✗). Such a character is printed as “?” instead of failing with
  UnicodeEncodeError after the work is done.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import time
from pathlib import Path
from typing import TextIO

WINDOWS = os.name == "nt"
_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.3, 0.4)  # seconds between attempts: about one second in all


_SERIALS = itertools.count()


def temporary_name(folder: Path, prefix: str, suffix: str) -> Path:
    """A new name in ``folder`` for a temporary file of this process (``prefix``, the process id, a
    serial, a random part, ``suffix``). The name is known before the file exists, so whoever made it can
    remove it in a ``finally`` even when an interrupt came right after the file was created
    (``tempfile.mkstemp`` hands the name back only once the file exists: an interrupt in between
    leaves it behind)."""
    return folder / f"{prefix}{os.getpid()}-{next(_SERIALS)}-{secrets.token_hex(3)}{suffix}"


def create_new(path: Path) -> int:
    """Create ``path``, which must not exist, for writing (as ``tempfile.mkstemp`` opens its files:
    owner only, not inherited by child processes, binary on Windows); its descriptor."""
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
             | getattr(os, "O_CLOEXEC", 0))
    return os.open(path, flags, 0o600)


def replace(source: Path | str, target: Path | str) -> None:
    """``os.replace``, retried for about a second on Windows while the target is held open."""
    for delay in (*_RETRY_DELAYS, None):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if not WINDOWS or delay is None:
                raise
            time.sleep(delay)


def sync_file(path: Path | str) -> None:
    """Flush a file's content to disk (opened for writing: Windows requires it)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def held_open_hint(exc: OSError) -> str:
    """On Windows, a refused write or rename usually means the file is open in another program."""
    if WINDOWS and isinstance(exc, PermissionError):
        return "；文件可能正被 PDF 阅读器或其他程序打开，请关闭后重试"
    return ""


def safe_console(*streams: TextIO) -> None:
    """Let each stream print every message: where its encoding is a Chinese one other than UTF-8
    (GBK/cp936 on a Chinese Windows console), a rare character it cannot encode becomes “?” rather
    than an error. A console that can show no Chinese at all (ASCII) is left strict: the command then
    says in plain ASCII what it did (cli._emit) instead of printing lines of question marks."""
    for stream in streams:
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or encoding in ("utf8", "utf8sig"):
            continue
        try:
            "中文".encode(encoding or "ascii")
        except (LookupError, UnicodeError):
            continue
        with contextlib.suppress(ValueError, OSError, AttributeError):
            reconfigure(errors="replace")


def enable_ansi(stream: TextIO) -> None:
    """On Windows, switch on the console's handling of ANSI sequences for ``stream`` (Windows 10 and
    later); elsewhere, and where the stream is not a console, nothing happens."""
    if not WINDOWS or not stream.isatty():
        return
    import ctypes

    with contextlib.suppress(Exception):  # an old console or no console: the line is merely less tidy
        import msvcrt

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = msvcrt.get_osfhandle(stream.fileno())  # type: ignore[attr-defined]
        mode = ctypes.c_uint32()
        if kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            kernel32.SetConsoleMode(handle, mode.value | 0x0004)  # ENABLE_VIRTUAL_TERMINAL_PROCESSING
