"""The yearly volume (合订本): a year's issue PDFs bound into one, with pypdf.

``make-issue --volume 2018`` first brings the year's issues up to date (a batch run), then calls
:func:`make_volume`, which reads only what the batch run produced: the PDFs in out/ and their
particulars in out/manifest.json. The volume is

* the front matter (:mod:`.volume_pages`): cover, blank back, contents listing every issue and every
  article with its page in the volume;
* every issue in order of its number, each starting on a right-hand page (a blank page follows an
  issue with an odd number of pages), so each issue's own page numbers stay on the outer side;
* on every issue page, the volume's running number (合订本第N页) in the top outer corner: the numbers
  the contents refer to, also in print;
* bookmarks: cover, contents, and each issue with its articles; page labels that match the printed
  numbers (i, ii … for the front matter, then 1, 2 …).

Written to ``out/<year>-volume.pdf`` through a temporary file, renamed at the end.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from jianbao.archive.manifest import Entry, Manifest
from jianbao.archive.volume_pages import ContentsLine, FrontMatter
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
    start: int  # first page in the volume's numbering (odd)


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
        entries.append(entry)
    if not entries:
        raise UsageError(f"{year} 年没有可以合订的期")
    entries.sort(key=lambda e: (e.meta.number, e.id))
    readers = {e.id: PdfReader(out_dir / e.pdf.name) for e in entries}
    issues: list[_Issue] = []
    start = 1
    for e in entries:
        reader = readers[e.id]
        count = len(reader.pages)
        issues.append(_Issue(e, count, _article_pages(reader, e), start))
        start += count + count % 2
    front = _front_matter(year, issues)
    target = out_dir / volume_name(year)
    try:
        with tempfile.TemporaryDirectory(prefix=".volume-", dir=out_dir) as tmp:
            front_pdf, folios_pdf = Path(tmp, "front.pdf"), Path(tmp, "folios.pdf")
            folio_numbers = [i.start + k for i in issues for k in range(i.pages)]
            _draw(front, root, entries[0].meta.layout, folio_numbers, front_pdf, folios_pdf)
            bound = Path(tmp, "volume.pdf")
            pages = _bind(year, front, issues, readers, front_pdf, folios_pdf, bound)
            os.replace(bound, target)
    except OSError as exc:
        raise OutputError(f"{display_path(target)}：写入合订本失败（{exc.strerror or exc}），原有文件未改动") from exc
    return VolumeResult(target, len(issues), pages, target.stat().st_size, time.perf_counter() - started)


def _article_pages(reader, entry: Entry) -> tuple[tuple[str, int], ...]:  # type: ignore[no-untyped-def]
    """Each article's first page, from the issue PDF's top-level bookmarks (one per article, in order)."""
    top = [item for item in reader.outline if not isinstance(item, list)]
    pages = {}
    for item in top:
        try:
            pages.setdefault(str(item.title), reader.get_destination_page_number(item))
        except Exception:  # a bookmark without a page: fall back below
            continue
    found = []
    for i, title in enumerate(entry.meta.articles):
        page = pages.get(title)
        if page is None and i < len(top):
            try:
                page = reader.get_destination_page_number(top[i])
            except Exception:
                page = None
        found.append((title, page if page is not None else 0))
    return tuple(found)


def _front_matter(year: str, issues: list[_Issue]) -> FrontMatter:
    first, last = issues[0].entry.meta, issues[-1].entry.meta
    contents: list[ContentsLine] = []
    for item in issues:
        m = item.entry.meta
        label = m.number_label + (f"（{m.edition}）" if m.edition else "")
        contents.append(ContentsLine(f"{label}　{m.date_label}", item.start, 0))
        contents.extend(ContentsLine(title, item.start + page, 1) for title, page in item.articles)
    span = f"第{first.number}期至第{last.number}期　共{len(issues)}期"
    return FrontMatter(first.series, f"{year}年合订本", span, first.units, tuple(contents))


def _draw(front: FrontMatter, root: Path, layout_name: str, folios: list[int], front_pdf: Path,
          folios_pdf: Path) -> None:
    from jianbao.archive.volume_pages import chars_by_role, draw_folios, draw_front_matter
    from jianbao.compose import Fonts, Substitute
    from jianbao.design.load import layout_path, load_layout
    from jianbao.fonts import folder_library

    layout = load_layout(layout_path(root / "layouts", layout_name))
    library = folder_library(root / "fonts")
    # as a build does (pipeline): each role's face, and other candidates for characters it lacks
    registration = library.embed(library.assign(chars_by_role(front, layout)))
    names = registration.names
    bold = frozenset(role for role in names if "bold" in library.face(role).style.lower())
    substitutes = {
        role: {ch: Substitute(p.font, p.advance, p.scale, p.dx, p.dy) for ch, p in placed.items()}
        for role, placed in registration.placements.items()
    }
    fonts = Fonts(names, bold, substitutes)
    draw_front_matter(front, layout, fonts, front_pdf)
    draw_folios(folios, layout, fonts, folios_pdf)


def _bind(year: str, front: FrontMatter, issues: list[_Issue], readers: dict, front_pdf: Path,  # type: ignore[type-arg]
          folios_pdf: Path, out: Path) -> int:
    """Front matter, then each issue with its folios and a blank page after an odd count; bookmarks,
    page labels and metadata. Returns the number of pages written to ``out``."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    front_reader = PdfReader(front_pdf)
    folio_pages = iter(PdfReader(folios_pdf).pages)
    for page in front_reader.pages:
        writer.add_page(page)
    front_count = len(front_reader.pages)
    width, height = (float(x) for x in front_reader.pages[0].mediabox.upper_right)
    index_of = {}  # volume page number → page index in the file
    for item in issues:
        for k, page in enumerate(readers[item.entry.id].pages):
            index_of[item.start + k] = len(writer.pages)
            writer.add_page(page).merge_page(next(folio_pages))
        if item.pages % 2:
            writer.add_blank_page(width, height)
    writer.add_outline_item(title="封面", page_number=0)
    writer.add_outline_item(title="目录", page_number=2)
    for item in issues:
        m = item.entry.meta
        parent = writer.add_outline_item(title=m.title, page_number=index_of[item.start], is_open=False)
        for title, page in item.articles:
            writer.add_outline_item(title=title, page_number=index_of[item.start + page], parent=parent)
    writer.set_page_label(0, front_count - 1, style="/r")
    writer.set_page_label(front_count, len(writer.pages) - 1, style="/D", start=1)
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
