"""User-facing errors. Each kind of user error has its own type and carries where it happened.

Messages are in Chinese, the language of the people who write the issues. ``str(error)`` gives the
full line a user sees: ``content/2018-06.yaml:12:5 articles[2].title：标题不能为空``.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """A place in a source file; line and column count from 1 (0 = unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file


class UserError(Exception):
    """Base of every error caused by the input or the invocation (exit status 2)."""

    exit_status = 2


MAX_FIELD = 120
"""A field path longer than this is cut: a message never echoes much of a file we could not parse."""


class SourceError(UserError):
    """One problem in an issue source: location, field path and a Chinese message."""

    def __init__(self, location: Location, field: str, message: str) -> None:
        self.location = location
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        if self.field:
            field = self.field if len(self.field) <= MAX_FIELD else self.field[: MAX_FIELD - 1] + "…"
            return f"{where} {field}：{self.message}"
        return f"{where}：{self.message}"


class _Problems(UserError):
    """Several located problems of one kind, reported together, then a closing count line."""

    summary = "共 {n} 处错误，未生成 PDF。"

    def __init__(self, errors: list[SourceError]) -> None:
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join([*(str(e) for e in self.errors), self.summary.format(n=len(self.errors))])


class ValidationFailed(_Problems):
    """All problems found in one source file, reported together."""


class UsageError(UserError):
    """Bad command line: unknown issue ID, missing file, conflicting options."""


class LayoutError(UserError):
    """A layout file (layouts/*.yaml) that is missing or invalid."""


class LayoutInvalid(_Problems, LayoutError):
    """All problems found in one layout file, each with file:line:column and the field."""

    summary = "版式文件中共 {n} 处错误，未生成 PDF。"


class FieldTooLong(UserError):
    """A printed field that the design has no legible room for (an over-long masthead field, more
    editing units than a page holds); the pipeline locates ``text`` in the source."""

    def __init__(self, field: str, text: str, message: str) -> None:
        self.field = field
        self.text = text
        self.message = message
        super().__init__(f"{field}：{message}")


class ContentTooTall(UserError):
    """A block of content that is taller than a page and cannot be split across pages."""


class FontError(UserError):
    """No usable font for a role, or a font file that cannot be read."""


class MissingGlyphsError(_Problems):
    """Characters that no configured font of their role can draw."""

    summary = "共 {n} 个字符无法用已配置的字体排印，未生成 PDF。"


class OutputError(UserError):
    """The output directory cannot be written (read-only, full, not a directory)."""


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class ManuscriptError(UserError):
    """A manuscript or printed issue that cannot be imported (unreadable file, unknown format), or an
    import/new that would overwrite a file without --force."""
_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘或目录是只读的",
    errno.ENOTDIR: "路径中有一项是文件而不是目录",
    errno.EISDIR: "已有同名的目录",
    errno.ENAMETOOLONG: "路径太长",
    errno.EIO: "磁盘读写出错",
    errno.ENOENT: "文件或目录不存在",
    errno.EEXIST: "已有同名的文件",
    errno.EMFILE: "打开的文件过多",
    errno.ENOMEM: "内存不足",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EFBIG: "文件过大",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese: the same words in single builds and batch runs."""
    if exc.strerror and not exc.strerror.isascii():  # our own reasons (jianbao.files) are Chinese already
        return exc.strerror
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or exc.__class__.__name__
