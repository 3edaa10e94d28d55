"""Pages as data → PDF, on one ReportLab canvas: the only place where a PDF is drawn.

Each item becomes the canvas calls that draw it; a frame is drawn in its own coordinates (saved
graphics state, translated). The fonts named by the text runs must be registered with ReportLab
(``fonts.embed`` does that as subsets).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
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
    if run.glyph_font is None and run.horiz_scale == 100.0:
        font = getFont(run.font)
        if font._dynamicFont:
            _truetype_text(canv, font, run)
            return
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


def _truetype_text(canv: Canvas, font: object, run: TextRun) -> None:
    """What ``_text`` draws through the canvas (setFont, colours, ``drawString``), written straight into
    the page's content: the same operators, byte for byte, without the text object's generic
    machinery. Characters get their codes in the font's subsets (``splitString``) exactly as the
    canvas would assign them."""
    size = run.size
    canv._fontname, canv._fontsize, canv._leading = run.font, size, size * 1.2
    code = canv._code
    colour = _cmyk(run.colour)
    code.append(colour + " k")
    canv._fillColorObj = run.colour
    parts = ["BT", f"1 0 0 1 {fp_str(run.x, run.y)} Tm"]
    if run.stroke:
        code.append(colour + " K")
        canv._strokeColorObj = run.colour
        code.append(f"{fp_str(run.stroke)} w")
        canv._lineWidth = run.stroke
        parts.append("2 Tr")
    if run.char_space:
        parts.append(f"{fp_str(run.char_space)} Tc")
    doc = canv._doc
    shown: list[str] = []
    current = -1
    for subset, chars in font.splitString(run.text, doc):  # type: ignore[attr-defined]
        if subset != current:
            shown.append(f"{font.getSubsetInternalName(subset, doc)} {_font_size(size)}")  # type: ignore[attr-defined]
            current = subset
        shown.append(f"({escapePDF(chars)}) Tj")
    parts.append(" ".join(shown) + " T*")
    if run.char_space:
        parts.append("0 Tc")
    if run.stroke:
        parts.append("0 Tr")
    parts.append("ET")
    code.append(" ".join(parts))


@lru_cache(maxsize=256)
def _cmyk(colour: tuple[float, float, float, float]) -> str:
    return str(fp_str(*colour))


@lru_cache(maxsize=256)
def _font_size(size: float) -> str:
    return f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"


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
