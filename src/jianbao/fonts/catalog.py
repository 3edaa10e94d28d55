"""FontLibrary: role -> face, coverage checks, and registration with ReportLab."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from jianbao.errors import FontError, display_path, os_reason
from jianbao.fonts.cache import Cache, default_cache_dir
from jianbao.fonts.config import ROLES, Candidate, load_configs, role_label
from jianbao.fonts.coverage import Coverage, read_cmap
from jianbao.fonts.discover import UNREADABLE, Found, SystemFonts, find_local, local_font_files

if TYPE_CHECKING:
    from jianbao.fonts.ttsubset import TrueType

    KeptGlyphs = tuple[list[TrueType], frozenset[int]]  # fonts holding converted glyphs, their code points

class Face(NamedTuple):
    role: str
    family: str
    style: str
    path: Path  # the original font file
    index: int  # type: ignore[assignment]  # face index in a .ttc (0 otherwise); shadows tuple.index
    outlines: str  # "truetype" or "cff"
    origin: str  # "local" (project fonts/ folder) or "system"
    fs_type: int = 0  # OS/2 embedding permissions

    @property
    def key(self) -> tuple[Path, int]:
        return (self.path, self.index)

    @property
    def embeddable(self) -> bool:
        """The same rule ReportLab applies: not restricted-licence, subsetting allowed, not bitmap-only."""
        return not (self.fs_type == 0x0002 or self.fs_type & 0x0300)

    def __str__(self) -> str:
        return f"{self.family} {self.style}（{self.path.name}）"


@dataclass
class Assignment:
    """Which face draws each character of each role: the role's own face (its first available
    candidate) where it can, else the first later candidate that has the character."""

    primary: dict[str, Face] = field(default_factory=dict)  # role → its face
    chars: dict[str, set[int]] = field(default_factory=dict)  # role → code points it draws
    fallback: dict[str, dict[str, Face]] = field(default_factory=dict)  # role → char → later candidate
    missing: dict[str, list[str]] = field(default_factory=dict)  # role → characters no candidate has


@dataclass
class Resolution:
    """How a role was resolved: the face (None if no candidate was found) and what was tried first."""

    face: Face | None
    found: Found | None
    tried: list[tuple[Candidate, list[str]]] = field(default_factory=list)  # candidate, notes
    candidate: Candidate | None = None  # the one that was found


def install_hint() -> str:
    if sys.platform == "darwin":
        return "brew install --cask font-noto-serif-cjk-sc font-noto-sans-cjk-sc font-lxgw-wenkai"
    if sys.platform == "win32":
        return "从 https://github.com/notofonts/noto-cjk 与 https://github.com/lxgw/LxgwWenKai 下载并安装字体"
    return "sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai"


def is_ignorable(char: str) -> bool:
    """Whitespace, control characters and variation selectors: never drawn with a glyph of their
    own, so never 'missing'."""
    cp = ord(char)
    return (char.isspace() or unicodedata.category(char) == "Cc" or 0xFE00 <= cp <= 0xFE0F
            or 0xE0100 <= cp <= 0xE01EF or 0x180B <= cp <= 0x180F)


def _codepoints(chars: Iterable[str]) -> set[int]:
    return {ord(c) for text in chars for c in text}


def _face(role: str, candidate: Candidate, found: Found) -> Face:
    group = found.group
    return Face(
        role=role,
        family=group.families[0] or found.path.stem,
        style=group.styles[0] if group.styles else "Regular",
        path=found.path,
        index=found.info.index,
        outlines=found.info.outlines,
        origin="local" if candidate.file is not None else "system",
        fs_type=found.info.fs_type,
    )


class FontCatalog:
    """The font roles of a project: which face serves each role, and which characters each face has."""

    def __init__(self, config: Path, local_dir: Path, cache_dir: Path | None = None, *,
                 defaults: Path | None = None, system_dirs: list[Path] | None = None) -> None:
        """``config``: the folder's fonts.yaml; ``defaults``: the built-in one it overrides role by role
        (``config`` may then be missing); ``system_dirs``: scan these folders for installed fonts
        instead of asking the system."""
        self.config_path = config
        self.defaults_path = defaults
        self.local_dir = local_dir
        self.cache = Cache(cache_dir if cache_dir is not None else default_cache_dir())
        self.candidates, self.role_config = load_configs(config, defaults)
        self.system = SystemFonts(self.cache, system_dirs)
        self._local_files: list[Path] | None = None
        self._resolved: dict[str, Resolution] = {}
        self._all_faces: dict[str, list[Face]] = {}
        self._coverage: dict[tuple[Path, int], Coverage] = {}
        # a long-running process (make-issue watch) sets it: the glyphs converted from CFF faces are
        # kept, and the faces open, so that a character new to the issue is converted alone
        # (fonts/embed.py); a single build keeps nothing (its memory stays what it was)
        self.converted: dict[tuple[str, int], KeptGlyphs] | None = None

    # --- choosing faces --------------------------------------------------------------------------

    def face(self, role: str) -> Face:
        resolution = self.resolve(role)
        if resolution.face is None:
            raise FontError(self._not_found_message(role, resolution))
        return resolution.face

    def resolve(self, role: str) -> Resolution:
        """The first available candidate of the role, with the candidates tried before it."""
        if role in self._resolved:
            return self._resolved[role]
        if role not in ROLES:
            raise FontError(f"未知的字体角色 {role!r}（可用的角色：{'、'.join(ROLES)}）")
        if role not in self.candidates:
            raise FontError(f"{display_path(self.config_path)}：没有为字体角色 {role_label(role)} 配置候选字体")
        resolution = Resolution(None, None)
        for candidate in self.candidates[role]:
            notes: list[str] = []
            found = self._find(candidate, notes)
            if found is not None:
                resolution.found = found
                resolution.candidate = candidate
                resolution.face = _face(role, candidate, found)
                break
            resolution.tried.append((candidate, notes))
        self._resolved[role] = resolution
        return resolution

    def faces(self, role: str) -> list[Face]:
        """Every available candidate of the role, in order, each face once: the role's face first,
        then the faces that draw the characters it lacks."""
        cached = self._all_faces.get(role)
        if cached is not None:
            return cached
        first = self.face(role)
        faces = [first]
        seen = {first.key}
        later = self.candidates[role][self.candidates[role].index(self._resolved[role].candidate) + 1 :]
        for candidate in later:
            found = self._find(candidate, [])
            if found is not None and (found.path, found.info.index) not in seen:
                seen.add((found.path, found.info.index))
                faces.append(_face(role, candidate, found))
        self._all_faces[role] = faces
        return faces

    def _find(self, candidate: Candidate, notes: list[str]) -> Found | None:
        if candidate.file is not None:
            return find_local(candidate, self.local_dir, self.local_files(), notes)
        assert candidate.family is not None
        return self.system.find(candidate.family, candidate.style or "Regular", notes)

    def unreadable(self, roles: Iterable[str]) -> list[str]:
        """Font files that a role's candidate matched but that could not be read (damaged, truncated,
        not a regular file), each once: ``fonts/仿宋.ttf：无法读取，已跳过（…）``."""
        found: list[str] = []
        for role in sorted(roles):
            if role not in ROLES or role not in self.candidates:
                continue
            for _candidate, notes in self.resolve(role).tried:
                for note in notes:
                    if UNREADABLE in note and note not in found:
                        found.append(note)
        return found

    def local_files(self) -> list[Path]:
        if self._local_files is None:
            self._local_files = local_font_files(self.local_dir)
        return self._local_files

    def _not_found_message(self, role: str, resolution: Resolution) -> str:
        tried = "；".join(str(c) for c, _ in resolution.tried)
        notes = "".join(f"\n  {note}" for _, ns in resolution.tried for note in ns)
        return (
            f"找不到字体角色 {role_label(role)} 可用的字体。"
            f"已按 {display_path(self.role_config.get(role, self.config_path))} 依次查找：{tried}。{notes}\n"
            f"请把单位授权的字体文件放入 {display_path(self.local_dir)}/ 目录，"
            f"或安装免费字体：{install_hint()}"
        )

    # --- coverage --------------------------------------------------------------------------------

    def coverage(self, face: Face) -> Coverage:
        """The face's cmap, from the cache when this font file has been read before."""
        key = (face.path, face.index)
        cov = self._coverage.get(key)
        if cov is not None:
            return cov
        try:
            ckey = f"{self.digest(face)[:32]}-{face.index}"
            data = self.cache.load_json("cmap", ckey)
            cov = Coverage.from_flat(data.get("ranges")) if data is not None and data.get("version") == 2 else None
            if cov is None:
                cov = read_cmap(face.path, face.index)
                self.cache.store_json("cmap", ckey, {"version": 2, "ranges": cov.to_flat()})
        except FontError:
            raise
        except Exception as exc:  # any failure to parse a third-party file is the user's font problem
            raise FontError(f"{display_path(face.path)}：无法读取字体的字符表（{exc}）") from exc
        self._coverage[key] = cov
        return cov

    def covers(self, role: str, char: str) -> bool:
        if len(char) != 1:
            raise ValueError(f"covers() takes one character, got {char!r}")
        return ord(char) in self.coverage(self.face(role))

    def missing(self, role: str, chars: Iterable[str]) -> list[str]:
        cov = self.coverage(self.face(role))
        return [chr(cp) for cp in sorted(_codepoints(chars)) if cp not in cov and not is_ignorable(chr(cp))]

    def assign(self, chars_by_role: Mapping[str, Iterable[str]]) -> Assignment:
        """Which face draws each character: later candidates are looked at only for the characters
        the role's own face lacks, and only those whose licence allows embedding."""
        result = Assignment()
        for role in sorted(chars_by_role):
            face = self.face(role)
            cov = self.coverage(face)
            need = {cp for cp in _codepoints(chars_by_role[role]) if not is_ignorable(chr(cp))}
            result.primary[role] = face
            result.chars[role] = need
            lacking = sorted(cp for cp in need if cp not in cov)
            if not lacking:
                continue
            later = [f for f in self.faces(role)[1:] if f.embeddable]
            for cp in lacking:
                drawn_by = next((f for f in later if cp in self.coverage(f)), None)
                if drawn_by is None:
                    result.missing.setdefault(role, []).append(chr(cp))
                else:
                    result.fallback.setdefault(role, {})[chr(cp)] = drawn_by
        return result

    def digest(self, face: Face) -> str:
        """SHA-256 of the face's font file (remembered in the cache)."""
        try:
            return self.cache.file_digest(face.path)
        except OSError as exc:
            raise FontError(f"{display_path(face.path)}：无法读取字体文件（{os_reason(exc)}）") from exc

    def check_embedding(self, face: Face) -> None:
        if not face.embeddable:
            raise FontError(
                f"{display_path(face.path)}：字体的授权标志（OS/2 fsType = 0x{face.fs_type:04X}）不允许嵌入或子集化，"
                "不能用于生成 PDF；请换用允许嵌入的字体文件"
            )
