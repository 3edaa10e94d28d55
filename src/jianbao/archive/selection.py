"""Which issues a batch run covers: issue IDs (2018-06), years (2018), ``--all``, or .yaml paths.

Every argument is checked before any file is touched: an ID is ``YYYY-NN`` (two or three digits), a
year is ``YYYY``, a path ends in ``.yaml``/``.yml``; anything else (``../../etc/passwd``) is refused
with a usage error. The result is one :class:`Selected` per issue, sorted by ID, without duplicates.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from jianbao.errors import UsageError, display_path

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


def content_sources(content: Path) -> list[Path]:
    """content/YYYY-NN.yaml files, sorted by name (other files in content/ are ignored)."""
    if not content.is_dir():
        return []
    return sorted(p for p in content.iterdir() if _SOURCE_NAME.match(p.name) and p.is_file())


def select(args: list[str], *, all_issues: bool, content: Path) -> list[Selected]:
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
        found = content_sources(content)
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
            found = [p for p in content_sources(content) if p.name.startswith(f"{arg}-")]
            if not found:
                raise UsageError(f"{display_path(content)} 中没有 {arg} 年的源文件（应为 {arg}-NN.yaml）")
            for path in found:
                add(Selected(path.stem, path))
        else:
            path = content / f"{arg}.yaml"
            if not path.is_file():
                raise UsageError(f"找不到第 {arg} 期的源文件 {display_path(path)}")
            add(Selected(arg, path))
    return [chosen[k] for k in sorted(chosen)]
