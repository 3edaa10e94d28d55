"""``make-issue init [DIR]``: a new bulletin folder with everything a clerk needs to start.

Writes ``content/2018-01.yaml`` (a commented example issue), ``fonts/README.txt`` (where licensed
fonts go), ``layouts/README.txt`` (how to change the design), ``.gitignore`` (``out/``) and the
marker file. A folder that already holds anything is refused unless ``force``; even then no existing
file is ever overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jianbao.defaults import LAYOUTS
from jianbao.errors import OutputError, UsageError, display_path
from jianbao.folder import MARKER

TEMPLATE = Path(__file__).resolve().parent / "template"
EXAMPLE_ID = "2018-01"
LAYOUT = LAYOUTS / "default.yaml"

# (path in the new folder, template file); written in this order.
FILES = (
    (f"content/{EXAMPLE_ID}.yaml", "content/example.yaml"),
    ("fonts/README.txt", "fonts/README.txt"),
    ("layouts/README.txt", "layouts/README.txt"),
    (".gitignore", "gitignore"),
    (MARKER, "marker"),
)


@dataclass
class Created:
    folder: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already there (--force): left as they were


def init_folder(folder: Path, *, force: bool = False) -> Created:
    """Create the bulletin folder ``folder`` (and its parents). Raises UsageError for a non-empty
    folder without ``force``, OutputError when it cannot be written."""
    where = display_path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{where}：已有同名的文件，不能在此创建简报目录")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UsageError(f"{where}：目录不是空的，未做任何改动。要在其中补齐简报目录所需的文件"
                         "（已有的文件不会被覆盖），请加 --force")
    result = Created(folder)
    try:
        for sub in ("content", "fonts", "layouts"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        for target, template in FILES:
            data = (TEMPLATE / template).read_bytes().replace(b"{LAYOUT}", str(LAYOUT).encode("utf-8"))
            try:
                with open(folder / target, "xb") as f:  # never overwrites
                    f.write(data)
            except FileExistsError:
                result.kept.append(target)
                continue
            result.written.append(target)
    except OSError as exc:
        raise OutputError(f"{where}：无法创建简报目录（{exc.strerror or exc}）") from exc
    return result


_ABOUT = {
    f"content/{EXAMPLE_ID}.yaml": "示例一期（带注释）：照着它写新的一期，文件名为 年-期号.yaml",
    "fonts/README.txt": "单位授权的字体文件（仿宋_GB2312、方正小标宋简体等）放在这里",
    "layouts/README.txt": "要改版式时，自己的版式文件放在这里",
    ".gitignore": "用 git 管理时不提交生成的 out/",
}


def report(created: Created, cwd: Path) -> str:
    """What ``make-issue init`` prints."""
    here = created.folder.resolve() == cwd.resolve()
    where = "当前目录" if here else display_path(created.folder)
    lines = [f"已在{where}创建简报目录：" if here else f"已创建简报目录 {where}："]
    if not created.written:
        lines = [f"{where}中已有简报目录所需的全部文件，未做改动"]
    lines += [f"  {name:<22}{_ABOUT.get(name, '')}".rstrip() for name in created.written if name != MARKER]
    if created.kept:
        lines.append("已存在、未改动：" + "、".join(created.kept))
    lines.append("下一步：")
    if not here:
        lines.append(f"  cd {where}")
    lines.append(f"  make-issue {EXAMPLE_ID}          生成示例 out/{EXAMPLE_ID}.pdf")
    lines.append(f"  make-issue --check {EXAMPLE_ID}  只检查源文件和字体")
    return "\n".join(lines) + "\n"
