"""Finding a candidate: files in the project's fonts/ folder, and installed fonts by family + style.

Installed fonts are listed with fontconfig's ``fc-list`` on Linux where it exists (its answer kept in
the cache until a font folder or fontconfig's configuration changes); on Windows and macOS (and
without fontconfig) the standard font folders are scanned and the names read from each file, with the
result of the scan kept in the cache. Either way the final choice of face is made from the names in
the file itself (sfnt.py), so both routes pick the same face.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import shutil
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any, NamedTuple, TypeAlias

from jianbao.errors import display_path, os_reason
from jianbao.fonts.cache import Cache
from jianbao.fonts.config import Candidate
from jianbao.fonts.sfnt import FaceInfo, NameGroup, SfntError, read_face, read_faces

FONT_SUFFIXES = frozenset({".ttf", ".ttc", ".otf", ".otc"})
USABLE_OUTLINES = frozenset({"truetype", "cff"})

# Style names that mean the same thing (compared after _norm).
_STYLE_SYNONYMS = {
    "normal": "regular", "book": "regular", "roman": "regular", "standard": "regular", "plain": "regular",
    "常规": "regular", "常規": "regular", "标准": "regular", "標準": "regular", "正常": "regular",
    "粗体": "bold", "粗體": "bold", "加粗": "bold",
}  # fmt: skip


UNREADABLE = "无法读取，已跳过"


def why_unreadable(exc: Exception) -> str:
    """Why a font file could not be read, in Chinese."""
    if isinstance(exc, SfntError):
        return "文件不完整或已损坏，不是可用的 TrueType/OpenType 字体"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return str(exc)


# An installed face: path, face index, its family names (normalised), its names if already read.
Entry: TypeAlias = tuple[Path, int, frozenset[str], FaceInfo | None]


class Found(NamedTuple):
    path: Path
    info: FaceInfo
    group: NameGroup  # the names that matched: gives the family and style to report


def _norm(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _norm_style(name: str) -> str:
    key = _norm(name).replace("-", "").replace(" ", "")
    return _STYLE_SYNONYMS.get(key, key)


def select_face(
    faces: list[FaceInfo], family: str | None, style: str | None, index: int | None
) -> tuple[FaceInfo, NameGroup] | None:
    """The first face (and its matching names) with that family, style and index; None if none."""
    for info in faces:
        if index is not None and info.index != index:
            continue
        if family is None and style is None:
            return info, info.groups[0] if info.groups else NameGroup((info.psname,), ("Regular",))
        for group in info.groups:
            if family is not None and _norm(family) not in {_norm(f) for f in group.families}:
                continue
            if style is not None and _norm_style(style) not in {_norm_style(s) for s in group.styles}:
                continue
            return info, group
    return None


# --- the project's fonts/ folder -----------------------------------------------------------------


def local_font_files(folder: Path) -> list[Path]:
    """Font files under folder (recursively), in a stable order; [] if the folder does not exist."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found.extend(Path(root, f) for f in sorted(files) if Path(f).suffix.lower() in FONT_SUFFIXES)
    return found


def find_local(candidate: Candidate, folder: Path, files: list[Path], notes: list[str]) -> Found | None:
    """The first file matching the candidate's name pattern that has the wanted face."""
    assert candidate.file is not None
    pattern = _norm(candidate.file)
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if not fnmatch.fnmatchcase(_norm(rel if "/" in pattern else path.name), pattern):
            continue
        try:
            faces = read_faces(path)
        except (OSError, SfntError) as exc:
            notes.append(f"{display_path(path)}：{UNREADABLE}（{why_unreadable(exc)}）")
            continue
        index = candidate.index if candidate.index is not None else (0 if candidate.family is None else None)
        hit = select_face(faces, candidate.family, candidate.style, index)
        if hit is None:
            notes.append(f"{rel}：文件中没有符合条件的字体")
        elif hit[0].outlines not in USABLE_OUTLINES:
            notes.append(f"{rel}：字形格式 {hit[0].outlines} 不受支持")
        else:
            return Found(path, *hit)
    return None


# --- installed fonts -----------------------------------------------------------------------------


def system_font_dirs(platform: str | None = None, env: Mapping[str, str] | None = None,
                     home: PurePath | None = None) -> list[PurePath]:
    """Where installed fonts live on ``platform`` (default: this system), given its environment and home
    folder: ``C:\\Windows\\Fonts`` and the per-user ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts`` on
    Windows; ``/Library/Fonts``, ``/System/Library/Fonts`` (with ``Supplemental/``) and
    ``~/Library/Fonts`` on macOS; the XDG folders elsewhere. Paths of another system are pure paths
    of its kind (PureWindowsPath on Windows), so they can be checked anywhere."""
    platform = sys.platform if platform is None else platform
    env = os.environ if env is None else env
    windows = platform == "win32"
    native = windows == (os.name == "nt")
    kind: type[PurePath] = (Path if native else PureWindowsPath if windows else PurePosixPath)
    if home is None:
        named = env.get("USERPROFILE" if windows else "HOME")
        home = Path.home() if native else kind(named) if named else None
    if windows:
        dirs = [kind(env.get("WINDIR") or env.get("SystemRoot") or "C:\\Windows", "Fonts")]
        local = env.get("LOCALAPPDATA") or (str(home / "AppData" / "Local") if home is not None else None)
        if local:
            dirs.append(kind(local, "Microsoft", "Windows", "Fonts"))
        return dirs
    home = kind("/") if home is None else home
    if platform == "darwin":
        return [kind("/Library/Fonts"), kind("/System/Library/Fonts"), home / "Library" / "Fonts"]
    data_home = kind(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [kind("/usr/share/fonts"), kind("/usr/local/share/fonts"), data_home / "fonts", home / ".fonts"]


def uses_fontconfig(platform: str | None = None) -> bool:
    """Linux and the BSDs ask fontconfig; Windows and macOS fonts are found by scanning their folders."""
    return (sys.platform if platform is None else platform) not in ("win32", "darwin")


class SystemFonts:
    """Installed fonts, listed once per instance on first use: from fontconfig, else by scanning
    folders (system_font_dirs(), or the folders given)."""

    def __init__(self, cache: Cache, folders: list[Path] | None = None) -> None:
        self._cache = cache
        self._folders = folders
        self._entries: list[Entry] | None = None
        self.source = ""  # "fontconfig" or "folders", for the report

    def find(self, family: str, style: str, notes: list[str]) -> Found | None:
        """The installed face of that family and style; TrueType preferred over CFF, then by path."""
        wanted = _norm(family)
        hits = []
        for path, index, families, info in self._list():
            if wanted not in families:
                continue
            if info is None:
                try:
                    info = read_face(path, index)
                except (OSError, SfntError) as exc:
                    notes.append(f"{path}：{UNREADABLE}（{why_unreadable(exc)}）")
                    continue
            hit = select_face([info], family, style, None)
            if hit is None:
                continue
            if hit[0].outlines not in USABLE_OUTLINES:
                notes.append(f"{path}：字形格式 {hit[0].outlines} 不受支持")
                continue
            hits.append(Found(path, *hit))
        if not hits:
            return None
        return min(hits, key=lambda f: (f.info.outlines != "truetype", str(f.path), f.info.index))

    def _list(self) -> list[Entry]:
        if self._entries is None:
            entries = _fontconfig_list(self._cache) if self._folders is None and uses_fontconfig() else []
            self.source = "fontconfig"
            if not entries:
                folders = self._folders if self._folders is not None else [Path(d) for d in system_font_dirs()]
                entries = self._scan(folders)
                self.source = "folders"
            self._entries = entries
        return self._entries

    def _scan(self, dirs: list[Path]) -> list[Entry]:
        """Read the names of every font file under dirs, reusing the cached result for unchanged files."""
        key = hashlib.sha256("\n".join(map(str, dirs)).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        old = (self._cache.load_json("folder-scan", key) or {}).get("files", {})
        new: dict[str, list[Any]] = {}
        for folder in dirs:
            for path in local_font_files(folder):
                try:
                    st = path.stat()
                except OSError:
                    continue
                record = old.get(str(path))
                if not (record and record[0] == st.st_size and record[1] == st.st_mtime_ns):
                    try:
                        faces = [f.to_json() for f in read_faces(path)]
                    except (OSError, SfntError):
                        faces = []
                    record = [st.st_size, st.st_mtime_ns, faces]
                new[str(path)] = record
        if new != old:
            self._cache.store_json("folder-scan", key, {"files": new})
        entries: list[Entry] = []
        for name, (_size, _mtime, faces) in new.items():
            for data in faces:
                info = FaceInfo.from_json(data)
                families = frozenset(_norm(f) for g in info.groups for f in g.families)
                entries.append((Path(name), info.index, families, info))
        return entries


# What fontconfig's answer depends on besides the font folders themselves: its configuration.
_FONTCONFIG_ENV = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                   "XDG_DATA_DIRS", "HOME")


def _fontconfig_list(cache: Cache) -> list[Entry]:
    """Installed faces as fontconfig lists them. Running ``fc-list`` costs a process start on every
    build, so its output is kept in the cache with the modification times of what it depends on
    (fc-list itself, fontconfig's configuration folders, the standard font folders and every folder
    holding or above a listed font): installing, removing or reconfiguring fonts changes one of them
    and the next build asks fontconfig again."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    env = "\n".join(f"{k}={os.environ.get(k, '')}" for k in _FONTCONFIG_ENV)
    key = hashlib.sha256(f"{exe}\n{env}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    fixed = [exe, *_fontconfig_config_paths(), *map(str, system_font_dirs())]
    kept = cache.load_json("fontconfig-list", key)
    if (
        kept
        and kept.get("fixed") == _stamps(fixed)
        and isinstance(kept.get("folders"), list)
        and kept.get("folder_stamps") == _stamps(kept["folders"])
        and isinstance(kept.get("output"), str)
    ):
        return _parse_fc_list(kept["output"])
    import subprocess  # only when fontconfig must be asked: a build with the list kept does without it

    try:
        proc = subprocess.run(
            [exe, "--format", r"%{file}\t%{index}\t%{family}\n"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if proc.returncode != 0:
        return []
    output = proc.stdout.decode("utf-8", "replace")
    entries = _parse_fc_list(output)
    folders = sorted({str(a) for path, *_ in entries for a in path.parents if a != a.parent})
    cache.store_json("fontconfig-list", key, {
        "fixed": _stamps(fixed), "folders": folders, "folder_stamps": _stamps(folders), "output": output,
    })
    return entries


def _fontconfig_config_paths() -> list[str]:
    home = Path.home()
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    roots = [Path(os.environ.get("FONTCONFIG_PATH") or "/etc/fonts"), config_home / "fontconfig"]
    paths = [str(p) for r in roots for p in (r, r / "fonts.conf", r / "conf.d")]
    paths += [str(home / ".fonts.conf"), str(home / ".fonts.conf.d")]
    if os.environ.get("FONTCONFIG_FILE"):
        paths.append(os.environ["FONTCONFIG_FILE"])
    return paths


def _stamps(paths: list[str]) -> list[list[int] | None]:
    """Modification time and size of each path (None where it does not exist)."""
    out: list[list[int] | None] = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            out.append(None)
            continue
        out.append([st.st_mtime_ns, st.st_size])
    return out


def _parse_fc_list(output: str) -> list[Entry]:
    entries: list[Entry] = []
    for line in output.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        path, index = Path(parts[0]), int(parts[1])
        if index >> 16 or path.suffix.lower() not in FONT_SUFFIXES:
            continue  # named instances of variable fonts; Type 1, bitmap and other formats
        families = frozenset(_norm(f) for f in parts[2].replace("\\,", "\x00").split(","))
        entries.append((path, index, frozenset(f.replace("\x00", ",") for f in families), None))
    return entries
