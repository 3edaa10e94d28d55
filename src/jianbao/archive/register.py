"""Recording finished builds: the manifest entry and the distribution record, for every build path.

Whatever made the PDF — ``make-issue 2018-07``, a year, ``--all``, a watcher — it ends here:
:func:`record_builds` merges the new entries into ``manifest.json`` and rewrites ``index.json``,
``index.html`` and ``index.csv`` from it, so the record never shows an old date or checksum and the
next batch run knows the PDF is current. :func:`build_and_record` is the whole single-issue path.

Safe beside other runs and in any folder:

* the read-merge-write of the manifest happens under an exclusive lock on the output folder itself
  (``flock`` on the directory: no lock file is left behind), so a single build and a batch run writing
  into the same folder both keep their entries;
* the entries are merged into the manifest as it is on disk at that moment, and entries whose PDF is
  gone or was replaced are dropped (:meth:`Manifest.prune`);
* with ``--out DIR`` the folder may hold files of the user's own: a ``manifest.json``, ``index.json``,
  ``index.html`` or ``index.csv`` that make-issue did not write is never overwritten — nothing of the
  record is written there and :attr:`Recorded.foreign` names the file, for a warning.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jianbao.archive.fingerprint import Fingerprints, Inputs, bytes_digest
from jianbao.archive.lock import locked
from jianbao.archive.manifest import FILE_NAME, Entry, IssueMeta, Manifest, PdfFile
from jianbao.archive.record import CSV_NAME, HTML_NAME, JSON_NAME, is_ours, write_record
from jianbao.errors import OutputError, UsageError, display_path

if TYPE_CHECKING:
    from jianbao.pipeline import BuildResult, Project
    from jianbao.warm import Warm


@dataclass(frozen=True)
class Recorded:
    """What recording wrote: the record's files, or why it wrote nothing."""

    manifest: Path
    record: list[Path] = field(default_factory=list)  # index.json, index.html, index.csv
    foreign: list[Path] = field(default_factory=list)  # files of that name make-issue did not write

    @property
    def warnings(self) -> list[str]:
        return foreign_warnings(self.foreign)


def foreign_warnings(foreign: Sequence[Path]) -> list[str]:
    """What to tell the user when files of the record's names in the output folder are not ours."""
    if not foreign:
        return []
    names = "、".join(display_path(p) for p in foreign)
    return [f"{names}：不是 make-issue 写的文件，未改动；因此这次没有更新清单 manifest.json 和发送记录"
            "（index.json、index.html、index.csv）。请用 --out 另选一个输出目录"]


def record_builds(out_dir: Path, entries: Sequence[Entry] = ()) -> Recorded:
    """Record finished builds in ``out_dir``: merge ``entries`` into its manifest, drop entries whose
    PDF changed since, save, and rewrite the distribution record. With no entries it brings the record
    up to date with what is in the folder (a volume written, a PDF deleted). Raises OutputError when
    a file cannot be written (the PDFs themselves are complete either way)."""
    with locked(out_dir, lambda line: print(line, file=sys.stderr, flush=True)):
        foreign = [p for p in (out_dir / n for n in (FILE_NAME, JSON_NAME, HTML_NAME, CSV_NAME)) if not is_ours(p)]
        if foreign:
            return Recorded(out_dir / FILE_NAME, foreign=foreign)
        built = Manifest(out_dir, {e.id: e for e in entries})
        built.prune()  # a PDF replaced since by another run's: that run's entry (on disk) stays
        manifest = Manifest.load(out_dir)
        manifest.entries.update(built.entries)
        manifest.prune()
        try:
            manifest.save()
        except OSError as exc:
            raise OutputError(f"{display_path(manifest.path)}：无法写入清单（{exc.strerror or exc}）；"
                              "已生成的 PDF 完好，下次运行时会重新生成它们") from exc
        try:
            written = write_record(manifest)
        except OSError as exc:
            raise OutputError(f"{display_path(out_dir)}：无法写入发送记录 index.json 等（{exc.strerror or exc}）；"
                              "已生成的 PDF 和清单完好") from exc
    return Recorded(manifest.path, written)


def pdf_file(path: Path, pages: int) -> PdfFile:
    """The PDF (or OFD) as written: size and time of the very bytes that are hashed."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        sha = hashlib.file_digest(f, "sha256").hexdigest()
    return PdfFile(path.name, st.st_size, st.st_mtime_ns, sha, pages)


def entry_for(result: BuildResult, source: Path, inputs: Inputs) -> Entry:
    """The manifest entry for a finished build of ``source`` made from ``inputs``."""
    assert result.issue is not None
    ofd = pdf_file(result.ofd, result.pages) if result.ofd is not None else None
    return Entry(result.issue.id, display_path(source), inputs, pdf_file(result.path, result.pages),
                 IssueMeta.from_issue(result.issue, result.article_pages, result.stand_fonts), ofd)


def build_and_record(source: Path, out_dir: Path, project: Project, warm: Warm | None = None, *,
                     ofd: bool = False) -> tuple[BuildResult, Recorded]:
    """Build one issue (:func:`jianbao.pipeline.build`) and record it. The inputs are identified
    before the build uses them (the source and the program before it starts, the layout and its fonts
    as it reads them, through :class:`~jianbao.archive.identified.Identified`): an input edited
    during the build makes the next run rebuild."""
    from jianbao.archive.identified import Identified
    from jianbao.pipeline import build

    try:
        digest = bytes_digest(source.read_bytes())
    except OSError as exc:
        raise UsageError(f"{display_path(source)}：无法读取源文件（{exc.strerror or exc}）") from exc
    prints = Fingerprints(project.root)
    _ = prints.program
    if warm is None:  # the layout and its fonts are identified as the build first asks for them
        project = Identified(project.root, prints)
    else:
        prints.snapshot()
    result = build(source, out_dir, project, warm, ofd=ofd)
    assert result.issue is not None
    entry = entry_for(result, source, prints.inputs(digest, result.issue.layout))
    return result, record_builds(out_dir, [entry])


def record_built(result: BuildResult, source: Path, project: Project, prints: Fingerprints | None = None) -> Recorded:
    """Record a build that is already in place (make-issue watch records after the new PDF is there,
    so that the record never delays it; a source saved meanwhile is built and recorded next).
    ``prints``: the fingerprints of the layouts, fonts and program, when the caller knows them to be
    those of this build (a watch keeps them while those files stay as they were)."""
    assert result.issue is not None
    try:
        digest = bytes_digest(source.read_bytes())
    except OSError as exc:
        raise UsageError(f"{display_path(source)}：无法读取源文件（{exc.strerror or exc}）") from exc
    prints = prints or Fingerprints(project.root)
    entry = entry_for(result, source, prints.inputs(digest, result.issue.layout))
    return record_builds(result.path.parent, [entry])

