"""FontLibrary: role -> face, coverage checks, and registration with ReportLab."""

from __future__ import annotations

import hashlib
import io
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jianbao.errors import FontError, display_path

from . import convert
from .cache import Cache, default_cache_dir
from .config import ROLES, Candidate, load_config, role_label
from .coverage import Coverage, read_cmap
from .discover import Found, SystemFonts, find_local, local_font_files


@dataclass(frozen=True)
class Face:
    role: str
    family: str
    style: str
    path: Path  # the original font file
    index: int  # face index in a .ttc (0 otherwise)
    outlines: str  # "truetype" or "cff"
    origin: str  # "local" (project fonts/ folder) or "system"


@dataclass
class Resolution:
    """How a role was resolved: the face (None if no candidate was found) and what was tried first."""

    face: Face | None
    found: Found | None
    tried: list[tuple[Candidate, list[str]]] = field(default_factory=list)  # candidate, notes


def install_hint() -> str:
    if sys.platform == "darwin":
        return "brew install --cask font-noto-serif-cjk-sc font-noto-sans-cjk-sc font-lxgw-wenkai"
    if sys.platform == "win32":
        return "从 https://github.com/notofonts/noto-cjk 与 https://github.com/lxgw/LxgwWenKai 下载并安装字体"
    return "sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai"


def is_ignorable(char: str) -> bool:
    """Whitespace and control characters: never drawn with a glyph, so never 'missing'."""
    return char.isspace() or unicodedata.category(char) == "Cc"


def _codepoints(chars: Iterable[str]) -> set[int]:
    return {ord(c) for text in chars for c in text}


def _font_name(face: Face, digest: str) -> str:
    """ReportLab font name: readable, and the same for the same font content (it is written in the PDF)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "", face.family) or "Font"
    style = re.sub(r"[^A-Za-z0-9]+", "", face.style) or "Regular"
    return f"{stem}-{style}-{digest[:12]}"


class FontLibrary:
    def __init__(self, config: Path, local_dir: Path, cache_dir: Path | None = None) -> None:
        self.config_path = config
        self.local_dir = local_dir
        self.cache = Cache(cache_dir if cache_dir is not None else default_cache_dir())
        self.candidates = load_config(config)
        self.system = SystemFonts(self.cache)
        self._local_files: list[Path] | None = None
        self._resolved: dict[str, Resolution] = {}
        self._coverage: dict[tuple[Path, int], Coverage] = {}

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
            if candidate.file is not None:
                found = find_local(candidate, self.local_dir, self.local_files(), notes)
            else:
                assert candidate.family is not None
                found = self.system.find(candidate.family, candidate.style or "Regular", notes)
            if found is not None:
                group = found.group
                resolution.found = found
                resolution.face = Face(
                    role=role,
                    family=group.families[0] or found.path.stem,
                    style=group.styles[0] if group.styles else "Regular",
                    path=found.path,
                    index=found.info.index,
                    outlines=found.info.outlines,
                    origin="local" if candidate.file is not None else "system",
                )
                break
            resolution.tried.append((candidate, notes))
        self._resolved[role] = resolution
        return resolution

    def local_files(self) -> list[Path]:
        if self._local_files is None:
            self._local_files = local_font_files(self.local_dir)
        return self._local_files

    def _not_found_message(self, role: str, resolution: Resolution) -> str:
        tried = "；".join(str(c) for c, _ in resolution.tried)
        notes = "".join(f"\n  {note}" for _, ns in resolution.tried for note in ns)
        return (
            f"找不到字体角色 {role_label(role)} 可用的字体。"
            f"已按 {display_path(self.config_path)} 依次查找：{tried}。{notes}\n"
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
            ckey = f"{self._digest(face)[:32]}-{face.index}"
            data = self.cache.load_json("cmap", ckey)
            if data is not None and data.get("version") == 1:
                cov = Coverage.from_json(data["ranges"])
            else:
                cov = read_cmap(face.path, face.index)
                self.cache.store_json("cmap", ckey, {"version": 1, "ranges": cov.to_json()})
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

    def _digest(self, face: Face) -> str:
        try:
            return self.cache.file_digest(face.path)
        except OSError as exc:
            raise FontError(f"{display_path(face.path)}：无法读取字体文件（{exc.strerror or exc}）") from exc

    # --- ReportLab -------------------------------------------------------------------------------

    def register(self, chars_by_role: Mapping[str, Iterable[str]]) -> dict[str, str]:
        from reportlab.pdfbase import pdfmetrics

        groups: dict[tuple[Path, int], tuple[Face, set[int], list[str]]] = {}
        for role, chars in chars_by_role.items():
            face = self.face(role)
            entry = groups.setdefault((face.path, face.index), (face, set(), []))
            entry[1].update(_codepoints(chars))
            entry[2].append(role)
        names: dict[str, str] = {}
        for face, codepoints, roles in groups.values():
            self._check_embedding(face)
            if face.outlines == "truetype":
                name = _font_name(face, self._digest(face))
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(self._load(name, face, str(face.path), face.index))
            else:
                name = self._register_converted(face, codepoints)
            names.update(dict.fromkeys(roles, name))
        return names

    def _register_converted(self, face: Face, codepoints: set[int]) -> str:
        from reportlab.pdfbase import pdfmetrics

        cov = self.coverage(face)
        wanted = sorted(cp for cp in codepoints | convert.BASE_CODEPOINTS if cp in cov)
        source = self._digest(face)
        key = f"{convert.CONVERTER_VERSION}:{source}:{face.index}:{','.join(map(str, wanted))}"
        digest = hashlib.sha256(key.encode()).hexdigest()
        name = _font_name(face, digest)
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        prefix = f"{source[:16]}-{face.index}-"
        path = self.cache.font_path(f"{prefix}{digest[:16]}.ttf")
        try:
            data = path.read_bytes()
        except OSError:  # not converted yet (or removed by another build's clean-up just now)
            data = self._convert(face, wanted)
            if self.cache.write(path, data):
                self.cache.prune_fonts(prefix)
        buffer = io.BytesIO(data)
        buffer.name = str(path)  # ReportLab keys the embedded font file by this name
        pdfmetrics.registerFont(self._load(name, face, buffer, 0))
        return name

    def _convert(self, face: Face, codepoints: list[int]) -> bytes:
        try:
            return convert.convert_cff(face.path, face.index, codepoints)
        except Exception as exc:  # a broken third-party file is the user's font problem
            raise FontError(f"{display_path(face.path)}：无法把 CFF 字形转换为 TrueType（{exc}）") from exc

    def _check_embedding(self, face: Face) -> None:
        found = self.resolve(face.role).found
        fs_type = found.info.fs_type if found is not None else 0
        # The same rule ReportLab applies: restricted licence, no subsetting, or bitmap embedding only.
        if fs_type == 0x0002 or fs_type & 0x0300:
            raise FontError(
                f"{display_path(face.path)}：字体的授权标志（OS/2 fsType = 0x{fs_type:04X}）不允许嵌入或子集化，"
                "不能用于生成 PDF；请换用允许嵌入的字体文件"
            )

    @staticmethod
    def _load(name: str, face: Face, source: str | io.BytesIO, index: int):  # -> reportlab TTFont
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        try:
            return TTFont(name, source, subfontIndex=index)
        except TTFError as exc:
            raise FontError(f"{display_path(face.path)}：ReportLab 无法使用这个字体（{exc}）") from exc

    # --- report ----------------------------------------------------------------------------------

    def describe(self, chars_by_role: Mapping[str, Iterable[str]] | None = None) -> str:
        from .report import describe

        return describe(self, chars_by_role)
