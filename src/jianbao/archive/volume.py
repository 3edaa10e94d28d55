"""The yearly volume (合订本): a year's issue PDFs bound into one, with pypdf.

``make-issue --volume 2018`` first brings the year's issues up to date (a batch run), then calls
:func:`make_volume`, which reads only what the batch run produced: the PDFs in out/ and their
particulars in out/manifest.json. The volume is

* the front matter (:mod:`jianbao.compose.volume`, laid out by the composer like an issue): cover,
  blank back, contents listing every issue and under it every article with its page in the issue;
* every issue in order of its number, each starting on a right-hand page (a blank page follows an
  issue with an odd number of pages), so each issue's own page numbers stay on the outer side;
* one number per page, the issue's own at its foot; page labels that say the same (``6-3`` for
  第6期 page 3; i, ii … for the front matter), so the contents, the print and a viewer's “go to page”
  agree;
* bookmarks: cover, contents, and each issue with its articles, each article's page taken from the
  issue's layout as recorded in the manifest when the issue was built (never from titles).

Written to ``out/<year>-volume.pdf`` through a temporary file, renamed at the end.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from jianbao.archive.manifest import Entry, Manifest
from jianbao.compose.volume import ContentsLine, FrontMatter
from jianbao.errors import OutputError, UsageError, display_path


@dataclass(frozen=True)
class VolumeResult:
    path: Path
    issues: int
    pages: int
    size: int
    seconds: float


@dataclass(frozen=True)
class _Issue:
    entry: Entry
    pages: int
    articles: tuple[tuple[str, int], ...]  # (title, page within the issue counting from 0)


def volume_name(year: str) -> str:
    return f"{year}-volume.pdf"


def make_volume(year: str, ids: list[str], *, root: Path, out_dir: Path) -> VolumeResult:
    from pypdf import PdfReader

    started = time.perf_counter()
    manifest = Manifest.load(out_dir)
    entries = []
    for issue_id in ids:
        entry = manifest.current(issue_id)
        if entry is None:
            raise UsageError(f"第 {issue_id} 期的 PDF 不在 {display_path(out_dir)} 中或已被改动；"
                             f"请先运行 make-issue {year}")
        if len(entry.meta.article_pages) != len(entry.meta.articles):
            raise UsageError(f"第 {issue_id} 期的记录中没有各篇文章的页码（由旧版本生成）；"
                             f"请运行 make-issue {year} --force 重新生成")
        entries.append(entry)
    if not entries:
        raise UsageError(f"{year} 年没有可以合订的期")
    entries.sort(key=lambda e: (e.meta.number, e.id))
    readers = {e.id: PdfReader(out_dir / e.pdf.name) for e in entries}
    issues: list[_Issue] = []
    for e in entries:
        articles = tuple(zip(e.meta.articles, e.meta.article_pages, strict=True))
        issues.append(_Issue(e, len(readers[e.id].pages), articles))
    front = _front_matter(year, issues)
    target = out_dir / volume_name(year)
    try:
        with tempfile.TemporaryDirectory(prefix=".volume-", dir=out_dir) as tmp:
            front_pdf = Path(tmp, "front.pdf")
            _draw(front, root, entries[0].meta.layout, front_pdf)
            bound = Path(tmp, "volume.pdf")
            pages = _bind(year, front, issues, readers, front_pdf, bound)
            os.replace(bound, target)
    except OSError as exc:
        raise OutputError(f"{display_path(target)}：写入合订本失败（{exc.strerror or exc}），原有文件未改动") from exc
    return VolumeResult(target, len(issues), pages, target.stat().st_size, time.perf_counter() - started)


def _front_matter(year: str, issues: list[_Issue]) -> FrontMatter:
    first, last = issues[0].entry.meta, issues[-1].entry.meta
    contents: list[ContentsLine] = []
    for item in issues:
        m = item.entry.meta
        label = m.number_label + (f"（{m.edition}）" if m.edition else "")
        contents.append(ContentsLine(f"{label}　{m.date_label}", None, 0))
        contents.extend(ContentsLine(title, page + 1, 1) for title, page in item.articles)
    span = f"第{first.number}期至第{last.number}期　共{len(issues)}期"
    return FrontMatter(first.series, f"{year}年合订本", span, first.units, tuple(contents))


def _draw(front: FrontMatter, root: Path, layout_name: str, front_pdf: Path) -> None:
    """The front matter through the issue's own path: the printed list → one font registration →
    the composer → the PDF renderer."""
    from jianbao.compose.printed import chars_by_role
    from jianbao.compose.volume import compose_front_matter, front_matter_texts
    from jianbao.design.load import layout_path, load_layout
    from jianbao.fonts import folder_library
    from jianbao.pipeline import register_fonts
    from jianbao.render.pdf import render_pdf

    layout = load_layout(layout_path(root / "layouts", layout_name))
    library = folder_library(root / "fonts")
    fonts = register_fonts(library, library.assign(chars_by_role(front_matter_texts(front, layout))))
    render_pdf(compose_front_matter(front, layout, fonts), front_pdf, compress=True)


def _bind(year: str, front: FrontMatter, issues: list[_Issue], readers: dict, front_pdf: Path,  # type: ignore[type-arg]
          out: Path) -> int:
    """Front matter, then each issue and a blank page after an odd count; bookmarks, page labels
    and metadata. Returns the number of pages written to ``out``."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    front_reader = PdfReader(front_pdf)
    for front_page in front_reader.pages:
        writer.add_page(front_page)
    front_count = len(front_reader.pages)
    width, height = (float(x) for x in front_reader.pages[0].mediabox.upper_right)
    starts = []  # each issue's first page index in the file
    for item in issues:
        starts.append(len(writer.pages))
        for issue_page in readers[item.entry.id].pages:
            writer.add_page(issue_page)
        if item.pages % 2:
            writer.add_blank_page(width, height)
    writer.add_outline_item(title="封面", page_number=0)
    writer.add_outline_item(title="目录", page_number=2)
    for item, start in zip(issues, starts, strict=True):
        m = item.entry.meta
        parent = writer.add_outline_item(title=m.title, page_number=start, is_open=False)
        for title, page in item.articles:
            writer.add_outline_item(title=title, page_number=start + page, parent=parent)
    writer.set_page_label(0, front_count - 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    for item, start in zip(issues, starts, strict=True):
        count = item.pages + item.pages % 2
        writer.set_page_label(start, start + count - 1, style=PageLabelStyle.DECIMAL,
                              prefix=f"{item.entry.meta.number}-", start=1)
    writer.add_metadata({
        "/Title": f"{front.series} {front.title}",
        "/Author": "、".join(front.units),
        "/Subject": f"{front.series} {year}年 {front.span}",
        "/Creator": front_reader.metadata.get("/Creator", "jianbao") if front_reader.metadata else "jianbao",
        "/Producer": front_reader.metadata.get("/Producer", "jianbao") if front_reader.metadata else "jianbao",
    })
    writer.root_object[NameObject("/Lang")] = TextStringObject("zh-CN")
    writer.page_mode = "/UseOutlines"
    with open(out, "wb") as f:
        writer.write(f)
    os.chmod(out, 0o644)
    return len(writer.pages)
