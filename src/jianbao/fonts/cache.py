"""The on-disk font cache: file identities, coverage tables and converted fonts.

Layout under the cache directory::

    ident/<sha256 of the path>.json   {"path", "size", "mtime_ns", "sha256"} of a source font
    json/<kind>-<key>.json            small derived data (coverage ranges, the font-folder scan,
                                      the program's digest: archive/fingerprint.py)
    ttf/<source>-<index>-<chars>.ttf  a face reduced to one character set, with TrueType outlines
    ttf/<source>-<index>-baseN.V.ttf  a face's prepared repertoire (make-issue --prepare-fonts)
    ttf/<font>.ttf.<codes>.zlib-V.flate  a subset of that font as the PDF embeds it, compressed
                                      (fonts/keptsubsets.py)

Every write goes to a temporary file in the same folder and is then renamed over the target, so two
builds running at once never see a half-written file. Every entry ends with a checksum of its
content (:data:`SEAL`, then the SHA-256): an entry that does not read back whole — truncated, empty,
damaged, not a regular file, written by another version — is deleted and made again, never an error.
The cache is only ever an optimisation: when it
cannot be written, everything still works (slower), and it can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jianbao.files import open_regular, read_regular

SEAL = b"\0jianbao-cache-sha256:"
"""Separates an entry's content from the SHA-256 of that content."""
MAX_ENTRY_BYTES = 1 << 30


def default_cache_dir() -> Path:
    """$JIANBAO_CACHE_DIR, else $XDG_CACHE_HOME/jianbao, else the system's place for caches:
    %LOCALAPPDATA%\\jianbao\\cache on Windows, ~/Library/Caches/jianbao on macOS, ~/.cache/jianbao."""
    explicit = os.environ.get("JIANBAO_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"], "jianbao", "cache")
    if sys.platform == "darwin" and not os.environ.get("XDG_CACHE_HOME"):
        return Path.home() / "Library" / "Caches" / "jianbao"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "jianbao"


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._digests: dict[tuple[str, int, int], str] = {}

    # --- source identity -------------------------------------------------------------------------

    def file_digest(self, path: Path) -> str:
        """SHA-256 of a file's content, remembered by path + size + mtime so big fonts are hashed once."""
        real = os.path.realpath(path)
        st = os.stat(real)
        key = (real, st.st_size, st.st_mtime_ns)
        digest = self._digests.get(key)
        if digest is not None:
            return digest
        memo = self.root / "ident" / (hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest() + ".json")
        data = self.read_json(memo)
        if data and (data.get("path"), data.get("size"), data.get("mtime_ns")) == key:
            digest = str(data["sha256"])
        else:
            digest = _hash_file(real)
            record = {"path": real, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
            self.write(memo, json.dumps(record).encode())
        self._digests[key] = digest
        return digest

    # --- small JSON documents --------------------------------------------------------------------

    def load_json(self, kind: str, key: str) -> dict[str, Any] | None:
        return self.read_json(self.root / "json" / f"{kind}-{key}.json")

    def read_json(self, path: Path) -> dict[str, Any] | None:
        data = self.read(path)
        if data is None:
            return None
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None

    def read(self, path: Path) -> bytes | None:
        """The content of a cache entry, or None when there is none or it does not read back whole
        (it is then deleted, so that it is made again)."""
        try:
            raw = read_regular(path, MAX_ENTRY_BYTES)
        except FileNotFoundError:
            return None
        except OSError:
            self._discard(path)
            return None
        content, seal, digest = raw[: -len(SEAL) - 32], raw[-len(SEAL) - 32 : -32], raw[-32:]
        if len(raw) < len(SEAL) + 32 or seal != SEAL or hashlib.sha256(content).digest() != digest:
            self._discard(path)
            return None
        return content

    def _discard(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                os.rmdir(path)  # an empty directory where an entry belongs; a full one is left alone
            else:
                os.unlink(path)

    def store_json(self, kind: str, key: str, data: dict[str, Any]) -> None:
        self.write(self.root / "json" / f"{kind}-{key}.json", json.dumps(data, ensure_ascii=False).encode())

    # --- converted fonts -------------------------------------------------------------------------

    def font_path(self, name: str) -> Path:
        return self.root / "ttf" / name

    def prune_fonts(self, prefix: str, max_age_days: float = 30) -> None:
        """Delete converted fonts of one source face not used for max_age_days (a build marks the
        fonts it uses at most once a day), and temporary files left by builds killed while writing.
        Prepared repertoires (``-base`` in the name) are kept until the cache is deleted."""
        now = time.time()
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.root / "ttf"):
                age = now - entry.stat().st_mtime
                old_font = entry.name.startswith(prefix) and "-base" not in entry.name
                if (old_font and age > max_age_days * 86400) or (entry.name.startswith(".tmp-") and age > 86400):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    # --- writing ---------------------------------------------------------------------------------

    def write(self, target: Path, data: bytes) -> bool:
        """Atomically replace target with data; False (and nothing written) if the cache is not writable."""
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.write(SEAL)
                f.write(hashlib.sha256(data).digest())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; a shared cache should be readable by all
            os.replace(tmp, target)
            return True
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            # Another build may hold the file open (Windows); it wrote the same bytes.
            return self.read(target) is not None


def _hash_file(path: str) -> str:
    with open_regular(path) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
