"""The human-readable font report printed by ``make-issue --fonts [ID]``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from jianbao.errors import FontError, display_path
from jianbao.fonts.config import ROLES, role_label

if TYPE_CHECKING:
    from jianbao.fonts.catalog import FontCatalog

_OUTLINES = {
    "truetype": "TrueType 轮廓（取出本期所用字形嵌入，存入缓存）",
    "cff": "CFF 轮廓（转换为 TrueType 后嵌入，存入缓存；make-issue --prepare-fonts 可预先转换常用字）",
}
_ORIGINS = {"local": "本地字体（项目 fonts/ 目录）", "system": "系统字体"}


def describe(lib: FontCatalog, chars_by_role: Mapping[str, Iterable[str]] | None = None) -> str:
    lines = [
        f"字体配置：{_config_line(lib)}；"
        f"本地字体目录：{display_path(lib.local_dir)}（{len(lib.local_files())} 个字体文件）；"
        f"缓存：{lib.cache.root}",
    ]
    roles = [r for r in ROLES if r in lib.candidates or (chars_by_role and r in chars_by_role)]
    for role in roles:
        lines.append("")
        try:
            resolution = lib.resolve(role)
            face = lib.face(role)
        except FontError as exc:
            lines.append(f"{role_label(role)}：没有可用的字体")
            lines.extend(f"  {line}" for line in str(exc).splitlines())
            continue
        where = f"{face.path}" + (f"，第 {face.index} 号字体" if face.index else "")
        lines.append(f"{role_label(role)}：{face.family} {face.style}")
        lines.append(f"  文件：{where}")
        lines.append(f"  来源：{_ORIGINS[face.origin]}；{_OUTLINES[face.outlines]}")
        if resolution.candidate is not None and resolution.candidate.stand_in:
            from jianbao.fonts.standin import StandIn, font_name, message

            lines.append(f"  替代字体：{message(StandIn(role, font_name(face)), lib.local_dir)}")
        if resolution.tried:
            lines.append("  未找到：" + "；".join(str(c) for c, _ in resolution.tried))
        lines.extend(f"    {note}" for _, notes in resolution.tried for note in notes)
        if chars_by_role is not None and role in chars_by_role:
            lines.append("  " + _coverage_line(lib, role, chars_by_role[role]))
    return "\n".join(lines) + "\n"


def _config_line(lib: FontCatalog) -> str:
    if lib.defaults_path is None:
        return display_path(lib.config_path)
    own = [role for role, path in lib.role_config.items() if path != lib.defaults_path]
    line = f"自带的 {lib.defaults_path}"
    if own:
        line += f"，其中 {'、'.join(own)} 按 {display_path(lib.config_path)}"
    elif not lib.config_path.is_file():
        line += f"（没有 {display_path(lib.config_path)}）"
    return line


def _coverage_line(lib: FontCatalog, role: str, chars: Iterable[str]) -> str:
    from jianbao.fonts.catalog import is_ignorable

    distinct = {c for text in chars for c in text if not is_ignorable(c)}
    try:
        assignment = lib.assign({role: distinct})
    except FontError as exc:
        return f"字符：无法检查（{exc}）"
    fallback = assignment.fallback.get(role, {})
    missing = assignment.missing.get(role, [])
    if not fallback and not missing:
        return f"字符：共 {len(distinct)} 个，全部可以排印"
    own = len(distinct) - len(fallback) - len(missing)
    line = f"字符：共 {len(distinct)} 个，本字体排印 {own} 个"
    if fallback:
        line += "，由后备字体排印 " + "、".join(f"{c} U+{ord(c):04X}（{f}）" for c, f in sorted(fallback.items()))
    if missing:
        line += f"，缺 {len(missing)} 个：" + "、".join(f"{c} U+{ord(c):04X}" for c in missing)
    return line
