"""Saying when a stand-in serves a role: the free font that sets the body because no 仿宋 was found.

A candidate marked ``stand_in: true`` in fonts.yaml is a stand-in; when it is the one a role resolves
to, a build, ``--check``, ``--fonts`` and the batch record say so, with the office font that would
take its place, in one sentence made here:

    正文（仿宋）暂用 Noto Serif CJK SC：未找到仿宋字体；将 仿宋_GB2312 或 FangSong 字体文件放入 fonts/ 即可
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from jianbao.errors import display_path
from jianbao.fonts.config import OFFICE_FONTS, ROLE_NAMES, ROLE_USES, ROLES

if TYPE_CHECKING:
    from jianbao.fonts.catalog import Face, FontCatalog


class StandIn(NamedTuple):
    role: str
    font: str  # family, and the style unless Regular: "Noto Serif CJK SC", "Noto Serif CJK SC Bold"


def stand_ins(catalog: FontCatalog, roles: Iterable[str]) -> list[StandIn]:
    """The roles among ``roles`` that a stand-in serves, in the order of ROLES. A role without any
    font is not listed (that is an error of its own)."""
    wanted = set(roles)
    found = []
    for role in ROLES:
        if role not in wanted or role not in catalog.candidates:
            continue
        resolution = catalog.resolve(role)
        if resolution.face is None or resolution.candidate is None or not resolution.candidate.stand_in:
            continue
        found.append(StandIn(role, font_name(resolution.face)))
    return found


def font_name(face: Face) -> str:
    """The family, and the style unless it is the regular one."""
    regular = face.style.casefold() in ("regular", "常规", "常规体", "normal", "book")
    return face.family if regular else f"{face.family} {face.style}"


def message(stand_in: StandIn, fonts_dir: Path) -> str:
    """正文（仿宋）暂用 Noto Serif CJK SC：未找到仿宋字体；将 仿宋_GB2312 或 FangSong 字体文件放入 fonts/ 即可"""
    role = stand_in.role
    name = ROLE_NAMES.get(role, role)
    use = ROLE_USES.get(role, role)
    sought = "仿宋" if role == "fangsong-bold" else name  # 仿宋 has no bold: the regular one is made bold
    office = " 或 ".join(OFFICE_FONTS.get(role, (name,)))
    folder = display_path(fonts_dir).replace("\\", "/").rstrip("/") + "/"
    return f"{use}（{name}）暂用 {stand_in.font}：未找到{sought}字体；将 {office} 字体文件放入 {folder} 即可"


def messages(items: Iterable[StandIn], fonts_dir: Path) -> list[str]:
    """One line per role; 仿宋加粗 is left out when 仿宋 is listed (the same font file serves both)."""
    items = list(items)
    roles = {s.role for s in items}
    return [message(s, fonts_dir) for s in items if not (s.role == "fangsong-bold" and "fangsong" in roles)]
