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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from jianbao.compose.printed import chars_by_role
from jianbao.compose.punctuation import ascii_punctuation
from jianbao.design.layout import Layout
from jianbao.design.load import layout_path, load_layout
from jianbao.errors import (
    Location,
    MissingGlyphsError,
    OutputError,
    SourceError,
    display_path,
)
from jianbao.fonts import FontLibrary
from jianbao.model import Issue
from jianbao.source import load_issue
from jianbao.source.locate import find_in_source

if TYPE_CHECKING:
    from jianbao.compose import Fonts
    from jianbao.fonts.embed import Prepared as PreparedFace
    from jianbao.fonts.library import Assignment


class Project(NamedTuple):
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


class BuildWarning(NamedTuple):
    """Something the user should know that did not stop the build, at its place in the source."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}：警告：{self.message}"


@dataclass(frozen=True)
class Prepared:
    issue: Issue
    layout: Layout
    fonts: FontLibrary
    chars: dict[str, set[str]]
    assignment: Assignment | None = None  # which font draws each character of each role
    warnings: list[BuildWarning] = field(default_factory=list)


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    size: int
    seconds: float
    issue: Issue | None = None  # the validated issue the PDF was made from (batch runs record it)
    warnings: list[BuildWarning] = field(default_factory=list)  # e.g. characters set in a fallback font


def prepare(source: Path, project: Project) -> Prepared:
    """Load and validate everything a build needs; raises a UserError on any problem."""
    issue = load_issue(source, display_path(source))
    layout = load_layout(layout_path(project.layouts, issue.layout))
    library = project.font_library()
    chars = chars_by_role(issue, layout)
    lines = source.read_text(encoding="utf-8-sig").splitlines()  # to locate characters in messages
    assignment, warnings = assign_fonts(lines, issue, library, chars)
    warnings += [BuildWarning(where, message) for where, message in ascii_punctuation(issue, lines)]
    warnings.sort(key=lambda w: (w.location.line, w.location.column))
    return Prepared(issue, layout, library, chars, assignment, warnings)


def assign_fonts(
    text: list[str], issue: Issue, library: FontLibrary, chars: dict[str, set[str]]
) -> tuple[Assignment, list[BuildWarning]]:
    """Which font draws each character. A character the role's font lacks is drawn by the next
    candidate of the role that has it, with a located warning; one that no candidate has is an error.
    ``text`` is the source's lines, to say where a character occurs."""
    from jianbao.fonts.config import role_label

    assignment = library.assign(chars)
    if not assignment.fallback and not assignment.missing:
        return assignment, []

    def where(ch: str) -> Location:
        line, col = find_in_source(text, ch)
        return Location(issue.source, line, col)

    def order(item: SourceError | BuildWarning) -> tuple[int, int]:
        return (item.location.line, item.location.column)

    problems: list[SourceError] = []
    for role, chars_missing in sorted(assignment.missing.items()):
        tried = "、".join(f"{f.family} {f.style}" for f in library.faces(role))
        for ch in chars_missing:
            problems.append(SourceError(
                where(ch), "",
                f"字符“{ch}”（U+{ord(ch):04X}）在字体角色 {role_label(role)}的所有候选字体（{tried}）中都没有字形；"
                f"请改用其他字，或把含有此字的字体放入 fonts/ 并列入 fonts/fonts.yaml 中该角色的候选字体",
            ))
    if problems:
        raise MissingGlyphsError(sorted(problems, key=order))
    warnings = [
        BuildWarning(
            where(ch),
            f"字符“{ch}”（U+{ord(ch):04X}）不在字体角色 {role_label(role)}的字体 {assignment.primary[role]}中，"
            f"改用候选字体 {face}排印",
        )
        for role, by_char in sorted(assignment.fallback.items())
        for ch, face in sorted(by_char.items())
    ]
    return assignment, sorted(warnings, key=order)


def prepare_fonts(project: Project, progress: Callable[[str], None]) -> list[PreparedFace]:
    """Make every role's face ready in the font cache (make-issue --prepare-fonts)."""
    return project.font_library().prepare(progress)


def build(source: Path, out_dir: Path, project: Project) -> BuildResult:
    from jianbao.compose import compose_pdf  # ReportLab's canvas only when a PDF is made

    started = time.perf_counter()
    prepared = prepare(source, project)
    fonts = _register_fonts(prepared)
    target = out_dir / f"{prepared.issue.id}.pdf"
    _ensure_dir(out_dir)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{prepared.issue.id}.", suffix=".pdf.tmp", dir=out_dir)
    except OSError as exc:
        raise OutputError(f"{display_path(out_dir)}：无法在输出目录中写文件（{_reason(exc)}），原有文件未改动") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    from jianbao import wordcache
    from jianbao.fonts.cache import default_cache_dir

    words_dir = default_cache_dir()
    wordcache.load(words_dir)  # cuts made before: a rebuild need not load the segmenter
    try:
        result = compose_pdf(prepared.issue, prepared.layout, fonts, tmp)
        wordcache.save(words_dir)
        os.chmod(tmp, 0o644)
        _sync(tmp)  # on disk before it takes the old PDF's name: a crash leaves the old or the new
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(_write_message(target, exc)) from exc
    finally:
        with contextlib.suppress(OSError):  # never hide the error that brought us here
            tmp.unlink(missing_ok=True)
    titles = [BuildWarning(_title_place(source, prepared.issue.source, w.line, w.text), w.message)
              for w in result.warnings]
    return BuildResult(
        target, result.pages, target.stat().st_size, time.perf_counter() - started, prepared.issue,
        sorted([*prepared.warnings, *titles], key=lambda w: (w.location.line, w.location.column)),
    )


def _title_place(source: Path, shown: str, line: int, text: str) -> Location:
    """Where a centred text is in the source: its line (the article's, or the next lines) and column."""
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    for number in range(max(line, 1), min(line + 12, len(lines) + 1)):
        column = lines[number - 1].find(text)
        if column >= 0:
            return Location(shown, number, column + 1)
    return Location(shown, line)


def _register_fonts(prepared: Prepared) -> Fonts:
    """Register the fonts with ReportLab; what the composer needs to know of them."""
    from jianbao.compose import Fonts, Substitute

    assert prepared.assignment is not None
    registration = prepared.fonts.embed(prepared.assignment)
    names = registration.names
    bold = frozenset(role for role in names if _is_bold(prepared.fonts.face(role).style))
    substitutes = {
        role: {ch: Substitute(p.font, p.advance, p.scale, p.dx, p.dy) for ch, p in placed.items()}
        for role, placed in registration.placements.items()
    }
    return Fonts(names, bold, substitutes)


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
