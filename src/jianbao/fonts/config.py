"""fonts/fonts.yaml: for each role, the ordered list of candidate fonts."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import yaml
from yaml.constructor import SafeConstructor

from jianbao.errors import FontError, ValidationFailed, display_path
from jianbao.yamlfile.nodes import compose_text, read_text

MAX_CONFIG_BYTES = 256 * 1024

ROLES: tuple[str, ...] = ("xiaobiaosong", "fangsong", "fangsong-bold", "heiti", "kaiti", "songti")

ROLE_NAMES = {
    "xiaobiaosong": "小标宋",
    "fangsong": "仿宋",
    "fangsong-bold": "仿宋加粗",
    "heiti": "黑体",
    "kaiti": "楷体",
    "songti": "宋体",
}

# What each role sets, and the office fonts it is meant for (what to put in fonts/ when a stand-in serves).
ROLE_USES = {
    "xiaobiaosong": "报头和标题",
    "fangsong": "正文",
    "fangsong-bold": "正文加粗",
    "heiti": "一级标题",
    "kaiti": "二级标题和署名",
    "songti": "页码",
}
OFFICE_FONTS = {
    "xiaobiaosong": ("方正小标宋简体",),
    "fangsong": ("仿宋_GB2312", "FangSong"),
    "fangsong-bold": ("仿宋_GB2312", "FangSong"),
    "heiti": ("黑体", "SimHei"),
    "kaiti": ("楷体_GB2312", "KaiTi"),
    "songti": ("宋体", "SimSun"),
}

_KEYS = {"file", "family", "style", "index", "stand_in"}


class Candidate(NamedTuple):
    """A file in the project's fonts/ folder (``file`` is a name or glob) or an installed family."""

    file: str | None = None
    family: str | None = None
    style: str | None = None
    index: int | None = None  # type: ignore[assignment]  # a field named like tuple.index
    stand_in: bool = False  # a free font that serves until the office's own font is found

    def __str__(self) -> str:
        if self.file is None:
            return f"系统字体 {self.family} {self.style or 'Regular'}"
        details = [x for x in (self.family, self.style) if x]
        if self.index is not None:
            details.append(f"第 {self.index} 号字体")
        return f"本地文件 {self.file}" + (f"（{' '.join(details)}）" if details else "")


def role_label(role: str) -> str:
    name = ROLE_NAMES.get(role)
    return f"{role}（{name}）" if name else role


def load_configs(path: Path, defaults: Path | None) -> tuple[dict[str, tuple[Candidate, ...]], dict[str, Path]]:
    """The candidates of every role: those of ``defaults`` (the built-in configuration), with the
    roles that ``path`` (a folder's fonts/fonts.yaml) lists replaced by its own; without
    ``defaults``, ``path`` alone. Also which file each role's candidates come from."""
    if defaults is None:
        own = load_config(path)
        return own, dict.fromkeys(own, path)
    merged = load_config(defaults)
    origin = dict.fromkeys(merged, defaults)
    if path.exists() or path.is_symlink():  # the folder's own, whatever it is (a FIFO is refused when read)
        own = load_config(path)
        merged.update(own)
        origin.update(dict.fromkeys(own, path))
    order = {role: n for n, role in enumerate(ROLES)}
    return {r: merged[r] for r in sorted(merged, key=order.__getitem__)}, origin


def load_config(path: Path) -> dict[str, tuple[Candidate, ...]]:
    """Role -> candidates, in file order. Raises FontError (in Chinese) for a missing or invalid file."""
    where = display_path(path)
    if not path.exists():
        raise FontError(f"{where}：找不到字体配置文件")
    try:  # the reader of issue sources: a regular file, a size limit, no aliases, limited nesting
        text = read_text(path, where, MAX_CONFIG_BYTES, "字体配置文件通常只有几 KB")
        composed = compose_text(text, where)
    except ValidationFailed as exc:
        raise FontError("\n".join(str(e) for e in exc.errors)) from None
    try:  # values from the node tree just checked: the text is parsed once
        data = SafeConstructor().construct_document(composed.root)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise FontError(f"{where}{line}：YAML 格式错误（{getattr(exc, 'problem', None) or exc}）") from None
    if not isinstance(data, dict):
        raise FontError(f"{where}：应为“字体角色: 候选字体列表”的映射")
    roles: dict[str, tuple[Candidate, ...]] = {}
    for role, items in data.items():
        if role not in ROLES:
            known = "、".join(ROLES)
            raise FontError(f"{where}：未知的字体角色 {role!r}（可用的角色：{known}）")
        if not isinstance(items, list) or not items:
            raise FontError(f"{where} {role}：应为非空的候选字体列表")
        roles[role] = tuple(_candidate(where, role, n, item) for n, item in enumerate(items, 1))
    return roles


def _candidate(where: str, role: str, n: int, item: object) -> Candidate:
    prefix = f"{where} {role}[{n}]"
    if not isinstance(item, dict):
        raise FontError(f"{prefix}：候选字体应写成 {{file: ...}} 或 {{family: ..., style: ...}}")
    unknown = sorted(str(k) for k in item if k not in _KEYS)
    if unknown:
        raise FontError(f"{prefix}：未知的键 {', '.join(unknown)}（可用：file、family、style、index、stand_in）")
    if "file" not in item and "family" not in item:
        raise FontError(f"{prefix}：需要 file（fonts/ 目录中的文件名或通配符）或 family（已安装的字体族名）")
    for key in ("file", "family", "style"):
        if key in item and (not isinstance(item[key], str) or not item[key].strip()):
            raise FontError(f"{prefix}：{key} 应为非空字符串")
    index = item.get("index")
    if index is not None:
        if "file" not in item:
            raise FontError(f"{prefix}：index 只能与 file 一起使用（系统字体按 family 选择字体）")
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise FontError(f"{prefix}：index 应为不小于 0 的整数")
    stand_in = item.get("stand_in", False)
    if not isinstance(stand_in, bool):
        raise FontError(f"{prefix}：stand_in 应为 true 或 false")
    return Candidate(item.get("file"), item.get("family"), item.get("style"), index, stand_in)
