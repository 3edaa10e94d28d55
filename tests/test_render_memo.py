"""The renderer's memory between builds (make-issue watch): pages drawn before (render.pdf.PageMemo) and
objects formatted before (render.assemble.FormatMemo) are reused only when the PDF comes out byte for
byte as a fresh rendering (a cold build, ReportLab's canvas.save()) makes it."""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from jianbao.compose.frames import Anchor, Document, Frame, Item, Page, TextRun


@pytest.fixture(scope="module")
def issue(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """2018-06 composed, its fonts registered with ReportLab."""
    import shutil

    from conftest import DEFAULT_FONTS, DEFAULT_LAYOUT, ROOT
    from jianbao.compose import compose
    from jianbao.pipeline import Project, prepare, register_fonts

    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "content", folder / "content")
    (folder / "layouts").mkdir()
    shutil.copy(DEFAULT_LAYOUT, folder / "layouts" / "default.yaml")
    (folder / "fonts").mkdir()
    shutil.copy(DEFAULT_FONTS, folder / "fonts" / "fonts.yaml")
    prepared = prepare(folder / "content" / "2018-06.yaml", Project(folder))
    assert prepared.assignment is not None
    return compose(prepared.issue, prepared.layout, register_fonts(prepared.fonts, prepared.assignment))


def _runs(items: list[Item] | tuple[Item, ...]) -> list[TextRun]:
    out: list[TextRun] = []
    for item in items:
        if isinstance(item, TextRun):
            out.append(item)
        elif isinstance(item, Frame):
            out += _runs(item.items)
    return out


def _without_anchors(page: Page) -> Page:
    def keep(items: list[Item] | tuple[Item, ...]) -> list[Item]:
        return [Frame(i.x, i.y, tuple(keep(i.items))) if isinstance(i, Frame) else i
                for i in items if not isinstance(i, Anchor)]

    return Page(keep(page.items), page.label)


def _cold(document: Document) -> bytes:
    from jianbao.render.pdf import render_pdf

    buffer = io.BytesIO()
    render_pdf(document, buffer)
    return buffer.getvalue()


def _warm(document: Document, memo: object) -> bytes:
    from jianbao.render.pdf import PageMemo, render_pdf

    assert isinstance(memo, PageMemo)
    buffer = io.BytesIO()
    render_pdf(document, buffer, memo=memo)
    memo.sweep()
    return buffer.getvalue()


def _shown(pdf: bytes) -> list[bytes]:
    """The text-showing operators of each page (the codes of the characters as drawn)."""
    out = []
    for stream in re.findall(rb"/Filter \[ /ASCII85Decode /FlateDecode \] /Length \d+\n>>\nstream\n(.*?)endstream",
                             pdf, re.S):
        from reportlab.pdfbase.pdfutils import asciiBase85Decode

        out.append(b"".join(re.findall(rb"\(.*?\) Tj", zlib.decompress(asciiBase85Decode(stream)))))
    return out


def test_warm_renderings_of_changed_documents_are_the_cold_ones_byte_for_byte(issue: Document) -> None:
    """The same pages in other orders and numbers: every character code and object number moves,
    the font subsets are cut anew; then the first document again, reusing what the first made."""
    from jianbao.render.pdf import PageMemo

    pages = issue.pages
    runs = _runs(pages[0].items)
    first = runs[0]
    body = max(runs, key=lambda r: len(r.text))
    later = "".join(r.text for r in _runs(pages[-1].items) if r.font == body.font)
    new = "".join(dict.fromkeys(c for c in later if c not in "".join(r.text for r in runs)))
    assert len(new) >= 2
    gained = Page([*pages[0].items, body._replace(y=body.y - 20, text=body.text[::-1] + new[:5])])
    documents = [
        issue,
        replace(issue, pages=pages[1:]),  # object numbers move, page 2's characters are numbered first
        replace(issue, pages=[gained, *pages[1:]]),  # page 1 gains glyphs: every later code moves
        replace(issue, pages=[_without_anchors(p) for p in reversed(pages)]),
        replace(issue, pages=[Page([first._replace(text=first.text + "!")]), *pages]),
        replace(issue, metadata=replace(issue.metadata, title=issue.metadata.title + "（修订）")),
        issue,
    ]
    memo = PageMemo()
    for n, document in enumerate(documents):
        assert _warm(document, memo) == _cold(document), f"document {n}"
    assert memo.formatted.hits > 50  # the last document is the first again: its objects were reused
    assert memo.hits >= len(pages)


def test_a_page_is_not_reused_when_its_characters_would_get_other_codes(issue: Document) -> None:
    """A page whose characters are all new to the document, after a page that brings one character
    more than before: its characters are numbered from a later code than when it was drawn."""
    from jianbao.render.pdf import PageMemo

    body = max(_runs(issue.pages[0].items), key=lambda r: len(r.text))
    chars = "".join(dict.fromkeys(c for c in body.text if not c.isascii()))
    assert len(chars) >= 6
    first = Page([body._replace(text=chars[:2])])
    more = Page([body._replace(text=chars[:3])])
    second = Page([body._replace(text=chars[3:6])])  # nothing in common with the first page
    memo = PageMemo()
    before = replace(issue, pages=[first, second])
    after = replace(issue, pages=[more, second])
    assert _warm(before, memo) == _cold(before)
    warm = _warm(after, memo)
    assert _shown(warm) == _shown(_cold(after))
    assert warm == _cold(after)


def test_a_font_subset_that_gains_a_glyph_is_embedded_anew(issue: Document) -> None:
    """Kept font programs, widths and ToUnicode maps belong to one subset of codes: a subset that
    gains characters comes out as a fresh rendering makes it (its font file differs)."""
    from jianbao.render.pdf import PageMemo

    memo = PageMemo()
    shorter = replace(issue, pages=issue.pages[:-1])  # without the characters only the last page has
    first = _warm(shorter, memo)
    assert first == _cold(shorter)
    warm = _warm(issue, memo)
    assert warm == _cold(issue) != first
    font_files = re.compile(rb"/Length1 \d+")
    assert font_files.findall(warm) != font_files.findall(first)


def test_warm_series_of_builds_write_the_cold_pdf(project_copy: Path, tmp_path: Path) -> None:
    """Through the pipeline, as make-issue watch builds: an edit that brings a character the issue
    never had (every later code moves), then undone; each warm PDF is the cold one, and the objects
    and the runs of the edited page were reused."""
    from jianbao.pipeline import Project, build
    from jianbao.warm import Warm

    source = project_copy / "content" / "2018-06.yaml"
    text = source.read_text(encoding="utf-8")
    edited = "会上，市工商联副主席孙昌佩传达了"
    assert edited in text
    project = Project(project_copy)
    warm = Warm()
    for n, edit in enumerate([text, text.replace(edited, "会上，市工商联副主席孙昌佩鑫传达了"), text]):
        source.write_text(edit, encoding="utf-8")
        warm_pdf = build(source, tmp_path / "warm", project, warm).path.read_bytes()
        warm.sweep()
        assert warm_pdf == build(source, tmp_path / f"cold{n}", project).path.read_bytes(), f"edit {n}"
    assert warm.pages.formatted.hits > 50
    assert warm.pages.runs.hits > 10  # the edited page's other lines
