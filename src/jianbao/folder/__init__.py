"""A bulletin folder (简报目录): ``content/`` with one YAML file per issue, and optionally ``fonts/``
(licensed font files, a fonts.yaml overriding roles), ``layouts/`` (own layouts) and ``out/``.

It is found the way git finds its repository: from the current folder upward, the first folder that
holds ``content/`` or the marker file that ``make-issue init`` writes; ``-C DIR`` names it outright.
"""

from __future__ import annotations

from pathlib import Path

MARKER = ".make-issue"  # written by make-issue init: marks the folder even before content/ has files


def is_bulletin_folder(path: Path) -> bool:
    return (path / "content").is_dir() or (path / MARKER).is_file()


def find_folder(start: Path) -> Path | None:
    """The bulletin folder at or above ``start``; None when there is none up to the root."""
    start = start.absolute()
    for d in (start, *start.parents):
        if is_bulletin_folder(d):
            return d
    return None
