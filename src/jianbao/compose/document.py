"""Page templates, page numbers, metadata and outline: the story becomes a PDF file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from .. import __version__
from ..layout import Layout
from ..model import Issue
from .story import StoryBuilder
from .textset import EM_ASCENT, Fonts, resolve, tracked_width


@dataclass(frozen=True)
class ComposeResult:
    path: Path
    pages: int


class _Document(BaseDocTemplate):
    def __init__(self, path: Path, issue: Issue, layout: Layout, fonts: Fonts) -> None:
        page = layout.page
        super().__init__(
            str(path),
            pagesize=(page.width, page.height),
            leftMargin=page.margin_left,
            rightMargin=page.width - page.margin_left - page.block_width,
            topMargin=page.margin_top,
            bottomMargin=page.height - page.margin_top - page.block_height,
            title=issue.document_title,
            author="、".join(issue.units),
            subject="；".join(a.title for a in issue.articles),
            keywords=list(issue.keywords) or [issue.series_title, issue.number_label, *(
                [issue.edition] if issue.edition else [])],
            creator=f"jianbao {__version__} (make-issue)",
            producer=f"jianbao {__version__}",
            lang="zh-CN",
            displayDocTitle=1,
            invariant=1,
            initialFontName=fonts.names[layout.style("body").role],
            initialFontSize=layout.style("body").size,
        )
        self.issue = issue
        self.layout = layout
        self.fonts = fonts
        frame = Frame(
            page.margin_left, page.block_bottom, page.block_width, page.block_height + 0.01,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="block",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        if canv.getPageNumber() == 1:
            date = self.issue.date
            stamp = f"D:{date.year:04d}{date.month:02d}{date.day:02d}000000+08'00'"
            canv.setDateFormatter(lambda *_: stamp)
        self._page_number(canv, canv.getPageNumber())

    def _page_number(self, canv: Canvas, n: int) -> None:
        """— N — in 四号, its top 7 mm below the block; odd pages right, even pages left (GB/T 9704 §7.5)."""
        spec = self.layout.page_number
        page = self.layout.page
        face = resolve(spec.style, self.fonts)
        text = spec.format.format(n=n)
        width = tracked_width(text, face, 0)
        inset = spec.inset * face.size
        baseline = page.block_bottom - spec.below_block - EM_ASCENT * face.size
        x = page.margin_left + page.block_width - inset - width if n % 2 else page.margin_left + inset
        canv.setFont(face.font, face.size)
        canv.setFillColorCMYK(*face.colour)
        canv.drawString(x, baseline, text)


def compose_pdf(issue: Issue, layout: Layout, fonts: Fonts, path: Path) -> ComposeResult:
    """Lay out ``issue`` with ``layout`` and write the PDF to ``path`` (the caller makes it atomic)."""
    doc = _Document(path, issue, layout, fonts)
    doc.build(StoryBuilder(issue, layout, fonts).story())
    return ComposeResult(path=path, pages=doc.page)
