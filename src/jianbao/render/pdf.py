"""Pages as data → PDF, on one ReportLab canvas: the only place where a PDF is drawn.

Each item becomes the canvas calls that draw it; a frame is drawn in its own coordinates (saved
graphics state, translated). The fonts named by the text runs must be registered with ReportLab
(``fonts.embed`` does that as subsets).
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from jianbao.compose.frames import Anchor, Document, Frame, Item, Page, Rule, TextRun

CANVASES_CREATED = [0]  # how many canvases this process made (a build makes one)


def render_pdf(document: Document, target: Path | io.BytesIO, *, compress: bool = False) -> None:
    """Write ``document`` as a PDF to ``target`` (a path or a buffer)."""
    meta = document.metadata
    options: dict[str, object] = {}
    if meta.initial_font is not None:
        options = {"initialFontName": meta.initial_font[0], "initialFontSize": meta.initial_font[1]}
    if compress:
        options["pageCompression"] = 1
    CANVASES_CREATED[0] += 1
    canv = Canvas(
        target if isinstance(target, io.BytesIO) else str(target),
        pagesize=(document.width, document.height), invariant=1, lang=meta.lang, **options,
    )
    canv.setAuthor(meta.author)
    canv.setTitle(meta.title)
    canv.setSubject(meta.subject)
    canv.setCreator(meta.creator)
    canv.setProducer(meta.producer)
    canv.setKeywords(list(meta.keywords))
    canv.setViewerPreference("DisplayDocTitle", "true")
    if meta.date is not None:
        d = meta.date
        stamp = f"D:{d.year:04d}{d.month:02d}{d.day:02d}000000+08'00'"
        canv.setDateFormatter(lambda *_: stamp)
    for page in document.pages:
        _page(canv, page)
    canv.save()


def _page(canv: Canvas, page: Page) -> None:
    _items(canv, page.items)
    canv.setPageRotation(0)
    canv.showPage()


def _items(canv: Canvas, items: tuple[Item, ...] | list[Item]) -> None:
    for item in items:
        if isinstance(item, TextRun):
            _text(canv, item)
        elif isinstance(item, Frame):
            canv.saveState()
            canv.translate(item.x, item.y)
            _items(canv, item.items)
            canv.restoreState()
        elif isinstance(item, Rule):
            _rule(canv, item)
        elif isinstance(item, Anchor):
            canv.bookmarkPage(item.key)
            canv.addOutlineEntry(item.title, item.key, item.level, closed=False)


def _text(canv: Canvas, run: TextRun) -> None:
    canv.setFont(run.font, run.size)
    canv.setFillColorCMYK(*run.colour)
    mode = 0
    if run.stroke:
        canv.setStrokeColorCMYK(*run.colour)
        canv.setLineWidth(run.stroke)
        mode = 2
    if run.glyph_font is not None:
        canv.setFont(run.glyph_font, run.glyph_size)
    if run.horiz_scale != 100.0:
        t = canv.beginText(run.x, run.y)
        t.setTextRenderMode(mode)
        t.setHorizScale(run.horiz_scale)
        t.textOut(run.text)
        t.setHorizScale(100)
        t.setTextRenderMode(0)
        canv.drawText(t)
        return
    canv.drawString(run.x, run.y, run.text, mode=mode, charSpace=run.char_space)


def _rule(canv: Canvas, rule: Rule) -> None:
    if rule.dash is not None:
        canv.saveState()
        canv.setStrokeColorCMYK(*rule.colour)
        canv.setLineWidth(rule.weight)
        canv.setLineCap(1)
        canv.setDash(list(rule.dash))
        canv.line(rule.x0, rule.y, rule.x1, rule.y)
        canv.restoreState()
        return
    canv.setStrokeColorCMYK(*rule.colour)
    canv.setLineWidth(rule.weight)
    canv.line(rule.x0, rule.y, rule.x1, rule.y)
