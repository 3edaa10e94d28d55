"""One build: source → validated model → fonts → layout → PDF, written atomically.

Nothing is written unless everything succeeded: the PDF is composed into a temporary file in the
output directory and renamed over the target only at the end.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .charset import chars_by_role
from .errors import (
    Location,
    MissingGlyphsError,
    OutputError,
    SourceError,
    display_path,
)
from .fonts import FontLibrary
from .layout import Layout
from .layout_file import layout_path, load_layout
from .model import Issue
from .source import load_issue


@dataclass(frozen=True)
class Project:
    """Where an issue's collaborators live: layouts, font roles, local fonts."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    def font_library(self) -> FontLibrary:
        return FontLibrary(self.fonts_dir / "fonts.yaml", self.fonts_dir)


@dataclass(frozen=True)
class Prepared:
    issue: Issue
    layout: Layout
    fonts: FontLibrary
    chars: dict[str, set[str]]


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    size: int
    seconds: float
    issue: Issue | None = None  # the validated issue the PDF was made from (batch runs record it)


def prepare(source: Path, project: Project) -> Prepared:
    """Load and validate everything a build needs; raises a UserError on any problem."""
    issue = load_issue(source, display_path(source))
    layout = load_layout(layout_path(project.layouts, issue.layout))
    library = project.font_library()
    chars = chars_by_role(issue, layout)
    check_coverage(source, issue, library, chars)
    return Prepared(issue, layout, library, chars)


def check_coverage(source: Path, issue: Issue, library: FontLibrary, chars: dict[str, set[str]]) -> None:
    """Every character must be drawable by its role's font, else a located error per character."""
    problems: list[SourceError] = []
    text = source.read_text(encoding="utf-8-sig").splitlines()
    for role in sorted(chars):
        missing = library.missing(role, chars[role])
        if not missing:
            continue
        face = library.face(role)
        for ch in missing:
            line, col = _find(text, ch)
            problems.append(SourceError(
                Location(issue.source, line, col), "",
                f"字符“{ch}”（U+{ord(ch):04X}）在字体角色 {role} 的字体 {face.family}（{face.path.name}）中没有字形；"
                f"请改用其他字或在 fonts/ 中放入包含此字的字体",
            ))
    if problems:
        problems.sort(key=lambda e: (e.location.line, e.location.column))
        raise MissingGlyphsError(problems)


def _find(lines: list[str], ch: str) -> tuple[int, int]:
    for i, line in enumerate(lines, start=1):
        col = line.find(ch)
        if col >= 0:
            return i, col + 1
    return 0, 0


def build(source: Path, out_dir: Path, project: Project) -> BuildResult:
    from .compose import Fonts, compose_pdf  # ReportLab's platypus only when a PDF is made

    started = time.perf_counter()
    prepared = prepare(source, project)
    names = prepared.fonts.register(prepared.chars)
    bold = frozenset(role for role in names if _is_bold(prepared.fonts.face(role).style))
    fonts = Fonts(names, bold)
    target = out_dir / f"{prepared.issue.id}.pdf"
    _ensure_dir(out_dir)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{prepared.issue.id}.", suffix=".pdf.tmp", dir=out_dir)
    except OSError as exc:
        raise OutputError(f"{display_path(out_dir)}：无法在输出目录中写文件（{_reason(exc)}），原有文件未改动") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        result = compose_pdf(prepared.issue, prepared.layout, fonts, tmp)
        os.chmod(tmp, 0o644)
        _sync(tmp)  # on disk before it takes the old PDF's name: a crash leaves the old or the new
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(_write_message(target, exc)) from exc
    finally:
        with contextlib.suppress(OSError):  # never hide the error that brought us here
            tmp.unlink(missing_ok=True)
    return BuildResult(target, result.pages, target.stat().st_size, time.perf_counter() - started, prepared.issue)


def _is_bold(style: str) -> bool:
    """Whether a face's style name is a bold weight (Bold, SemiBold, Heavy, Black, 粗)."""
    lowered = style.lower()
    return any(w in lowered for w in ("bold", "heavy", "black", "粗")) or "w7" in lowered


def _ensure_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(f"{display_path(out_dir)}：输出路径已是一个文件，不是目录") from exc
    except OSError as exc:
        raise OutputError(f"{display_path(out_dir)}：无法创建输出目录（{_reason(exc)}）") from exc
    if not out_dir.is_dir():
        raise OutputError(f"{display_path(out_dir)}：输出路径不是目录")


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘或目录是只读的",
    errno.ENOTDIR: "路径中有一项是文件而不是目录",
    errno.EISDIR: "已有同名的目录",
    errno.ENAMETOOLONG: "路径太长",
    errno.EIO: "磁盘读写出错",
}


def _reason(exc: OSError) -> str:
    """Why a write failed, in Chinese when we know the cause, else the system's words."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or str(exc)


def _write_message(target: Path, exc: OSError) -> str:
    return f"{display_path(target)}：写入 PDF 失败（{_reason(exc)}），原有文件未改动"
