"""The build's word cache: the segmenter's cuts of titles and other wrapped texts, kept beside the font
cache ($JIANBAO_CACHE_DIR) so that rebuilding an issue does not load the segmenter's dictionary
(about a quarter of a second). The file is named after the segmenter's version; the cuts are the
segmenter's own, so a PDF is the same whether the cache was empty, stale or full. A damaged file is
ignored and rewritten."""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from jianbao.compose.linebreak import words

_LIMIT = 20000  # texts kept at most (the newest win)
# what this process has read from / written to each cache file: a watch loop builds again and again,
# and needs the file only once, and to write it only for cuts it has not written yet
_READ: set[Path] = set()
_WRITTEN: dict[Path, set[str]] = {}


@lru_cache(maxsize=16)  # the installed segmenter does not change while a process runs
def _path(cache_dir: Path) -> Path | None:
    """The cache file of the installed rjieba (its version from its dist-info folder's name: reading
    the package metadata through importlib.metadata costs more than the cache saves)."""
    spec = find_spec("rjieba")
    if spec is None or spec.origin is None:
        return None
    site = Path(spec.origin).parent.parent
    try:
        infos = sorted(n for n in os.listdir(site) if n.startswith("rjieba-") and n.endswith(".dist-info"))
    except OSError:
        return None
    tag = infos[-1].removesuffix(".dist-info").removeprefix("rjieba-") if infos else "unknown"
    return cache_dir / f"words-rjieba-{tag}.json"


def load(cache_dir: Path) -> None:
    """Hand the cached cuts to the segmenter's front (compose/linebreak/words.py)."""
    path = _path(cache_dir)
    if path is None or path in _READ:
        return
    _READ.add(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {str(k): tuple(str(w) for w in v) for k, v in data.items() if "".join(v) == k}
    except (OSError, ValueError, TypeError, AttributeError):
        return
    words.remember(known)


def save(cache_dir: Path) -> None:
    """Add this process's new cuts to the cache file (atomically; a failure only loses the cache)."""
    path = _path(cache_dir)
    if path is None:
        return
    written = _WRITTEN.setdefault(path, set())
    new = {text: cut for text, cut in words.learned().items() if text not in written}
    if not new:
        return
    try:
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if not isinstance(old, dict):
            old = {}
    except (OSError, ValueError):
        old = {}
    merged = {**old, **{k: list(v) for k, v in new.items()}}
    if len(merged) > _LIMIT:
        merged = dict(list(merged.items())[-_LIMIT:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".words.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(merged, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        return
    written.update(new)
