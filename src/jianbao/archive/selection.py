"""Which issues a batch run covers: issue IDs (2018-06), years (2018), ``--all``, or .yaml paths.

Every argument is checked before any file is touched: an ID is ``YYYY-NN`` (two or three digits), a
year is ``YYYY``, a path ends in ``.yaml``/``.yml``; anything else (``../../etc/passwd``) is refused
with a usage error. The result is one :class:`Selected` per issue, sorted by ID, without duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from jianbao.errors import UsageError, display_path
from jianbao.files import is_regular

# ASCII digits only: \d would also take full-width ２０１８ (which names no file)
ISSUE_ID = re.compile(r"^[0-9]{4}-[0-9]{2,3}$")
YEAR = re.compile(r"^[0-9]{4}$")
_SOURCE_NAME = re.compile(r"^([0-9]{4})-([0-9]{2,3})\.ya?ml$")


class Selected(NamedTuple):
    id: str  # the source file's stem: the PDF is out/<id>.pdf
    source: Path


def check_argument(arg: str) -> None:
    """Refuse anything that is not an issue ID, a year or a .yaml path (before touching files)."""
    if ISSUE_ID.match(arg) or YEAR.match(arg) or arg.endswith((".yaml", ".yml")):
        return
    raise UsageError(f"“{arg}”不是有效的期号 ID（应为 年-期，如 2018-06）、年份（如 2018）或 .yaml 文件路径")


def source_for_id(issue_id: str, content: Path) -> Path:
    """The source of an issue ID, one rule for single builds and batch runs: content/ID.yaml, or
    content/ID.yml when only that exists; both at once is an error (which one is the issue?)."""
    candidates = [content / f"{issue_id}{suffix}" for suffix in (".yaml", ".yml")]
    found = [p for p in candidates if is_regular(p)]
    if len(found) == 2:
        raise UsageError(
            f"{display_path(found[0])} 与 {display_path(found[1])} 是同一期（{issue_id}），"
            f"会生成同一个 PDF；请删去或改名其中一个"
        )
    if not found:
        raise UsageError(f"找不到第 {issue_id} 期的源文件 {display_path(candidates[0])}（或 .yml）")
    return found[0]


def content_sources(content: Path, warn: Callable[[str], None] = lambda line: None) -> list[Path]:
    """content/YYYY-NN.yaml and .yml files, sorted by name (other files in content/ are ignored).

    Only regular files inside the project are taken: a link that leads out of the project (to
    ``/etc/passwd``, to another office's files) is skipped with a warning, as is a FIFO or a device."""
    if not content.is_dir():
        return []
    project = content.resolve().parent
    found = []
    for path in sorted(content.iterdir()):
        if not _SOURCE_NAME.match(path.name):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(project):
            warn(f"{display_path(path)}：警告：这是指向项目之外的链接，已跳过")
            continue
        if not is_regular(path):
            if path.exists():
                warn(f"{display_path(path)}：警告：不是普通文件，已跳过")
            continue
        found.append(path)
    return found


def select(args: list[str], *, all_issues: bool, content: Path,
           warn: Callable[[str], None] = lambda line: None) -> list[Selected]:
    """The issues named by ``args`` (IDs, years, paths) plus every issue in content/ with ``all_issues``."""
    for arg in args:
        check_argument(arg)
    chosen: dict[str, Selected] = {}

    def add(item: Selected) -> None:
        seen = chosen.get(item.id)
        if seen is not None and seen.source.resolve() != item.source.resolve():
            raise UsageError(
                f"{display_path(seen.source)} 与 {display_path(item.source)} 是同一期（{item.id}），"
                f"会生成同一个 PDF；请只给出其中一个"
            )
        chosen[item.id] = item

    if all_issues:
        found = content_sources(content, warn)
        if not found:
            raise UsageError(f"{display_path(content)} 中没有任何期的源文件（应为 年-期.yaml，如 2018-06.yaml）")
        for path in found:
            add(Selected(path.stem, path))
    for arg in args:
        if arg.endswith((".yaml", ".yml")):
            path = Path(arg)
            if not path.is_file():
                raise UsageError(f"找不到源文件 {arg}")
            add(Selected(path.stem, path))
        elif YEAR.match(arg):
            found = [p for p in content_sources(content, warn) if p.name.startswith(f"{arg}-")]
            if not found:
                raise UsageError(f"{display_path(content)} 中没有 {arg} 年的源文件（应为 {arg}-NN.yaml）")
            for path in found:
                add(Selected(path.stem, path))
        else:
            add(Selected(arg, source_for_id(arg, content)))
    return [chosen[k] for k in sorted(chosen)]
