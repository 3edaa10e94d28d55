"""One build: source → validated model → fonts → layout → PDF, written atomically.

Nothing is written unless everything succeeded: the PDF is composed into a temporary file in the
output directory and renamed over the target only at the end.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from jianbao import portable
from jianbao.compose.masthead import units_overflow
from jianbao.compose.printed import chars_by_role, issue_texts
from jianbao.compose.punctuation import ascii_punctuation
from jianbao.design.layout import Layout
from jianbao.design.load import layout_path, load_layout
from jianbao.errors import (
    FieldTooLong,
    Location,
    MissingGlyphsError,
    OutputError,
    SourceError,
    ValidationFailed,
    display_path,
    os_reason,
)
from jianbao.fonts import FontLibrary, folder_library
from jianbao.model import Issue
from jianbao.source import parse_issue
from jianbao.source.locate import find_in_source, value_locator
from jianbao.yamlfile.nodes import read_text

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from jianbao.compose import Fonts
    from jianbao.fonts.embed import Prepared as PreparedFace
    from jianbao.fonts.library import Assignment
    from jianbao.warm import Warm


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
        return folder_library(self.fonts_dir)

    def layout(self, path: Path) -> Layout:
        """The layout file at ``path``, read (archive.register hands a build the one its record names)."""
        return load_layout(path)


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
    stand_ins: list[str] = field(default_factory=list)  # roles a stand-in font serves, as told to the user
    stand_fonts: dict[str, str] = field(default_factory=dict)  # role → that stand-in font
    source_lines: tuple[str, ...] = ()  # the source as read once, to locate what the layout reports


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    size: int
    seconds: float
    issue: Issue | None = None  # the validated issue the PDF was made from (batch runs record it)
    warnings: list[BuildWarning] = field(default_factory=list)  # e.g. characters set in a fallback font
    article_pages: tuple[int, ...] = ()  # each article's first page (from 0), from the layout
    stand_ins: list[str] = field(default_factory=list)  # roles set in a stand-in font (fonts.standin)
    stand_fonts: dict[str, str] = field(default_factory=dict)  # role → that stand-in font
    short_pages: tuple[tuple[int, int], ...] = ()  # (page, grid lines missing): pages that end short
    assignment: Assignment | None = None  # which font drew each character (the proof page lists fallbacks)
    ofd: Path | None = None  # the OFD written beside the PDF (make-issue --ofd)
    # make-issue watch: per page, the drawn content it shares with pages of earlier builds (None: new);
    # pages with the same number look the same (the proof page renders only the others)
    drawings: tuple[int | None, ...] = ()


def prepare(source: Path, project: Project, warm: Warm | None = None) -> Prepared:
    """Load and validate everything a build needs; raises a UserError on any problem. ``warm``:
    what an earlier build in this process made that is still valid (make-issue watch)."""
    # read once: the issue is validated, and every message of this build located, in the same text
    shown = display_path(source)
    if warm is None:
        text = read_text(source, shown)
        issue = parse_issue(text, shown, stem=source.stem, suffix=source.suffix)
    else:  # an edit inside a paragraph validates that paragraph again
        issue, text = warm.source.load(source, shown)
    where = layout_path(project.layouts, issue.layout)
    layout = warm.layout(where) if warm else project.layout(where)
    lines = text.splitlines()
    overflow = units_overflow(issue, layout)
    if overflow is not None:  # found before any font is read, so --check reports it too
        raise ValidationFailed([_located(lines, issue, overflow)])
    library = project.font_library() if warm is None else warm.font_library(project.fonts_dir / "fonts.yaml",
                                                                            project.fonts_dir)
    printed = issue_texts(issue, layout)
    chars = warm.chars_by_role(printed) if warm else chars_by_role(printed)
    assignment, warnings = assign_fonts(value_locator(text, issue.source), issue, library, chars,
                                        warm.assign if warm else None)
    for note in library.unreadable(chars):  # a damaged licensed font must not go unnoticed
        file, _, why = note.partition("：")
        warnings.append(BuildWarning(Location(file), f"字体文件{why}；已改用下一个候选字体"))
    warnings += [BuildWarning(where, message) for where, message in ascii_punctuation(issue, printed, lines)]
    warnings.sort(key=lambda w: (w.location.line, w.location.column))
    stand = library.stand_ins(chars)
    told = warm.stand_in_messages(library, stand) if warm else library.stand_in_messages(chars)
    return Prepared(issue, layout, library, chars, assignment, warnings, told,
                    {s.role: s.font for s in stand}, tuple(lines))


def assign_fonts(
    locate: Callable[[str], tuple[int, int]], issue: Issue, library: FontLibrary, chars: dict[str, set[str]],
    assign: Callable[[FontLibrary, dict[str, set[str]]], Assignment] | None = None,
) -> tuple[Assignment, list[BuildWarning]]:
    """Which font draws each character. A character the role's font lacks is drawn by the next
    candidate of the role that has it, with a located warning; one that no candidate has is an error.
    ``locate`` says where in the source a character is first printed from; ``assign`` (make-issue
    watch) reuses an earlier build's answer for the same library and characters."""
    from jianbao.fonts.config import role_label

    assignment = assign(library, chars) if assign else library.assign(chars)
    if not assignment.fallback and not assignment.missing:
        return assignment, []

    def where(ch: str) -> Location:
        line, col = locate(ch)
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


class Superseded(Exception):
    """A build whose inputs changed while it ran (make-issue watch): its files were not put in place."""


def build(source: Path, out_dir: Path, project: Project, warm: Warm | None = None, *,
          ofd: bool = False, superseded: Callable[[], bool] | None = None) -> BuildResult:
    """Build the issue's PDF (and, with ``ofd``, its OFD from the same pages) into ``out_dir``.
    Each file is written to a temporary file first; both are renamed into place only when both
    are complete, so a failure leaves the old files as they were. ``warm``: what an earlier build
    in this process made that is still valid (make-issue watch). ``superseded``: asked just before
    the files take their names; when it says the inputs changed meanwhile, the build raises
    :class:`Superseded` and leaves the old files in place (a watch loop builds the new inputs)."""
    from jianbao.compose import compose
    from jianbao.render.pdf import render_pdf  # ReportLab's canvas only when a PDF is made

    started = time.perf_counter()
    prepared = prepare(source, project, warm)
    assert prepared.assignment is not None
    fonts = (warm.registered(prepared.fonts, prepared.assignment, register_fonts) if warm
             else register_fonts(prepared.fonts, prepared.assignment))
    target = out_dir / f"{prepared.issue.id}.pdf"
    ofd_target = out_dir / f"{prepared.issue.id}.ofd" if ofd else None
    _ensure_dir(out_dir)
    remove_stale_temporaries(out_dir)
    # named before they exist, so that the finally below removes them whenever an interrupt comes
    tmp = portable.temporary_name(out_dir, f".{prepared.issue.id}.", ".pdf.tmp")
    ofd_tmp = portable.temporary_name(out_dir, f".{prepared.issue.id}.", ".ofd.tmp") if ofd_target else None
    held: int | None = None
    ofd_held: int | None = None
    writing = target
    try:
        held = _temporary(out_dir, tmp)
        if ofd_tmp is not None:
            ofd_held = _temporary(out_dir, ofd_tmp)
        from jianbao import wordcache
        from jianbao.fonts.cache import default_cache_dir

        words_dir = default_cache_dir()
        wordcache.load(words_dir)  # cuts made before: a rebuild need not load the segmenter
        try:
            document = compose(prepared.issue, prepared.layout, fonts, warm.memo if warm else None)
        except FieldTooLong as exc:  # at its place in the source, like any other problem of the issue
            raise ValidationFailed([_located(list(prepared.source_lines), prepared.issue, exc)]) from None
        wordcache.save(words_dir)
        if ofd_target is not None and ofd_tmp is not None:
            from jianbao.render.ofd import render_ofd

            writing = ofd_target
            render_ofd(document, ofd_tmp)
            os.chmod(ofd_tmp, 0o644)
            portable.sync_file(ofd_tmp)
        writing = target
        render_pdf(document, tmp, memo=warm.pages if warm else None)
        os.chmod(tmp, 0o644)
        portable.sync_file(tmp)  # on disk before it takes the old PDF's name: a crash leaves the old or the new
        if superseded is not None and superseded():
            raise Superseded
        if ofd_target is not None and ofd_tmp is not None:
            writing = ofd_target
            portable.replace(ofd_tmp, ofd_target)
            writing = target
        portable.replace(tmp, target)  # the PDF last: a batch run trusts a PDF in place as finished
    except OSError as exc:
        raise OutputError(_write_message(writing, exc)) from exc
    finally:
        for leftover, fd in ((tmp, held), (ofd_tmp, ofd_held)):
            if leftover is not None:
                with contextlib.suppress(OSError):  # never hide the error that brought us here
                    leftover.unlink(missing_ok=True)
            if fd is not None:
                os.close(fd)
    lines = list(prepared.source_lines)
    titles = [BuildWarning(Location(prepared.issue.source, *find_in_source(lines, w.text, w.line)), w.message)
              for w in document.warnings]
    return BuildResult(
        target, len(document.pages), target.stat().st_size, time.perf_counter() - started, prepared.issue,
        sorted([*prepared.warnings, *titles], key=lambda w: (w.location.line, w.location.column)),
        tuple(page for page, anchor in document.outline() if anchor.level == 0),
        prepared.stand_ins, prepared.stand_fonts, tuple(document.short_pages), prepared.assignment, ofd_target,
        tuple(warm.pages.drawn) if warm else (),
    )


def _temporary(out_dir: Path, path: Path) -> int:
    """Create the temporary file ``path`` in the output directory, for a file renamed into place when
    done; its descriptor, held (locked) for as long as it is written: other runs know it is not stale."""
    try:
        fd = portable.create_new(path)
    except OSError as exc:
        raise OutputError(f"{display_path(out_dir)}：无法在输出目录中写文件（{_reason(exc)}），原有文件未改动") from exc
    _hold(fd)
    return fd


def _located(lines: list[str], issue: Issue, exc: FieldTooLong) -> SourceError:
    line, column = find_in_source(lines, exc.text) if exc.text else (0, 0)
    if not line:
        line, column = find_in_source(lines, f"{exc.field}:")
    return SourceError(Location(issue.source, line, column), exc.field, exc.message)


TMP_SUFFIXES = (".pdf.tmp", ".ofd.tmp")
STALE_WITHOUT_LOCKS = 86400  # seconds: where there are no file locks, older temporaries are stale


def _hold(fd: int) -> None:
    """Lock the temporary file for as long as it is written (released when the run ends, even by SIGKILL)."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Delete ``out/.ID.XXXX.pdf.tmp`` (and ``.ofd.tmp``) files that no running build holds: those of
    builds killed (SIGKILL, power loss) before they could remove them. The ones removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(TMP_SUFFIXES)):
            continue
        with contextlib.suppress(OSError):
            if not entry.is_file(follow_symlinks=False) or not _abandoned(entry.path):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _abandoned(path: str) -> bool:
    if fcntl is None:
        return time.time() - os.stat(path).st_mtime > STALE_WITHOUT_LOCKS
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a build is writing it
    finally:
        os.close(fd)
    return True


@contextlib.contextmanager
def interrupted_by_signals(*, ctrl_c: bool = False, stop: threading.Event | None = None) -> Iterator[None]:
    """SIGTERM and SIGHUP (a shutdown, a closed terminal, a CI timeout) end a build like Ctrl-C:
    the build unwinds, its temporary file is removed, the old PDF stays. With ``stop`` (a watch loop),
    these signals (and Ctrl-C, with ``ctrl_c``) also set it: Python prints and drops an interrupt that
    lands in an object's finalizer (the garbage collector runs them), and the loop must end anyway."""

    def handler(signum: int, frame: object) -> None:
        if stop is not None:
            stop.set()
        raise KeyboardInterrupt

    names = ("SIGINT", "SIGTERM", "SIGHUP") if ctrl_c else ("SIGTERM", "SIGHUP")
    signals = [s for s in (getattr(signal, name, None) for name in names) if s is not None]
    try:
        previous = {sig: signal.signal(sig, handler) for sig in signals}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def register_fonts(library: FontLibrary, assignment: Assignment) -> Fonts:
    """Register the fonts with ReportLab; what the composer needs to know of them. The one font
    registration of every build: issues and the yearly volume's front matter."""
    from jianbao.compose import Fonts, Substitute

    registration = library.embed(assignment)
    names = registration.names
    bold = frozenset(role for role in names if _is_bold(library.face(role).style))
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


_WRITE_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限"}


def _reason(exc: OSError) -> str:
    """Why a write failed, in Chinese when we know the cause, else the system's words."""
    return _WRITE_REASONS.get(exc.errno or 0) or os_reason(exc)


def _write_message(target: Path, exc: OSError) -> str:
    kind = "OFD" if target.suffix == ".ofd" else "PDF"
    return f"{display_path(target)}：写入 {kind} 失败（{_reason(exc)}{portable.held_open_hint(exc)}），原有文件未改动"
