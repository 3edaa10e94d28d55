"""Pages as data → PDF, on one ReportLab canvas: the only place where a PDF is drawn.

Each item becomes the canvas calls that draw it; a frame is drawn in its own coordinates (saved
graphics state, translated). The fonts named by the text runs must be registered with ReportLab
(``fonts.embed`` does that as subsets).

A watch loop draws the same issue again after every save, and most pages are as before. A
:class:`PageMemo` kept between builds gives an unchanged page the content it was drawn with, when it
would be drawn the same way: the same items, and the same codes for its characters in each font's
subsets (ReportLab numbers a document's characters in order of first use, so an edit on page 3 may
change the codes of later pages), numbered from the same next code. The characters it brings first
are then given the codes drawing it gave them (:class:`_Numbering`), so the PDF is the one a fresh
drawing makes, byte for byte. On a page drawn again (the one with the edit), a :class:`RunMemo`
does the same for each text run. The memo's PDF is written by ``render.assemble``, which keeps each
PDF object's formatted bytes; a single build (no memo) is saved by ReportLab's ``canvas.save()``,
so the tests that compare warm builds with cold ones check the whole warm path against ReportLab.
"""

from __future__ import annotations

import io
import itertools
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from jianbao.compose.frames import Anchor, Document, Frame, Item, Page, Rule, TextRun
from jianbao.render.assemble import FormatMemo, save

CANVASES_CREATED = [0]  # how many canvases this process made (a build makes one)


class _Font(NamedTuple):
    """A font as a page found it: its PDF name (None before its first use in the document), how many
    fonts the document had named, the page's characters in this font (first use first), their
    codes (None: not numbered yet) and the code the next new character gets (the page's new
    characters are numbered from it)."""

    name: str
    internal: str | None
    named: int
    chars: tuple[int, ...]  # code points
    codes: tuple[int | None, ...]
    next_code: int = 0


class _Numbering(NamedTuple):
    """What drawing a page did to one font's subsets (``TTFont.State`` of ReportLab 5.1: its
    ``assignments``, ``subsets`` and ``nextCode``; check on upgrade), to be done again without
    ``splitString`` walking the characters: ReportLab gives new characters the codes from
    ``nextCode`` on, in order of first use, writing them into the last subset from that place on
    (the first 31 codes fill places reserved in the first subset, later ones are appended) and into
    new subsets. From the same ``nextCode`` (and the same subsets' lengths), the same new characters
    get the same codes, and the subsets the same entries from that place on: before a place is
    reached, it holds what the font's first subset starts with."""

    name: str
    assigned: int  # how many characters had codes before
    subsets: int  # how many subsets there were
    last: int  # the last one's length
    next_code: int  # the code the next new character would get
    codes: tuple[tuple[int, int], ...]  # (code point, code) given by the page, in order
    start: int  # the place in the last subset from which the page wrote it
    tail: tuple[int, ...]  # the last subset from that place on
    started: tuple[tuple[int, ...], ...]  # subsets started
    next_after: int

    def applies(self, doc: object) -> bool:
        state = getFont(self.name).state.get(doc)
        if state is None:
            return False
        # (that the characters it numbers have no codes yet, the caller saw: see _numbering)
        return (state.nextCode == self.next_code and len(state.assignments) == self.assigned
                and len(state.subsets) == self.subsets and len(state.subsets[-1]) == self.last)

    def apply(self, doc: object) -> None:
        state = getFont(self.name).state[doc]
        state.assignments.update(self.codes)
        state.subsets[self.subsets - 1][self.start:] = self.tail
        state.subsets.extend(list(s) for s in self.started)
        state.nextCode = self.next_after


def _counts(state: Any) -> tuple[int, int, int, int]:
    """What a font's subsets in a document are like before something is drawn (see _Numbering)."""
    return len(state.assignments), len(state.subsets), len(state.subsets[-1]), state.nextCode


def _numbering(name: str, state: Any, counts: tuple[int, int, int, int],
               unnumbered: set[int]) -> _Numbering | Literal[False] | None:
    """What drawing did to the font's subsets since ``counts`` (None: nothing; False: it gave codes
    to characters other than ``unnumbered``, those of the drawing that had none, so it cannot be
    done again on the strength of those characters having none)."""
    assigned, subsets, last, next_code = counts
    if len(state.assignments) == assigned and state.nextCode == next_code:
        return None
    codes = tuple(itertools.islice(state.assignments.items(), assigned, None))
    if not unnumbered.issuperset(c for c, _ in codes):
        return False
    place = next_code if next_code < 32 else last
    return _Numbering(name, assigned, subsets, last, next_code, codes, place, tuple(state.subsets[subsets - 1][place:]),
                      tuple(tuple(s) for s in state.subsets[subsets:]), state.nextCode)


class _Run(NamedTuple):
    codes: tuple[int | None, ...]  # the codes its characters had before it was drawn
    internal: str  # the font's name in the document (it had one)
    numbering: _Numbering | None  # what drawing it did to the font's subsets
    shown: str  # its text-showing operators


class RunMemo:
    """The text-showing operators of runs drawn by earlier builds, for the pages drawn again (the
    page with the edit): a run's operators are a function of its font, size, the codes of its
    characters and the font's name in the document. A run is drawn from them when its characters
    have the same codes as when it was drawn (those that had none then have none now and are
    numbered as it numbered them, see _Numbering) and the font the same name."""

    LIMIT = 20_000  # runs kept (an issue has about 1500): a longer session starts again

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, float], _Run] = {}
        self.hits = 0

    def shown(self, font: Any, run: TextRun, doc: object) -> str:
        state = font._assignState(doc)
        codes = tuple(map(state.assignments.get, map(ord, run.text)))
        key = (run.font, run.text, run.size)
        kept = self._kept.get(key)
        if (kept is not None and kept.codes == codes and kept.internal == state.internalName
                and (kept.numbering is None or kept.numbering.applies(doc))):
            if kept.numbering is not None:
                kept.numbering.apply(doc)
            self.hits += 1
            return kept.shown
        internal, counts = state.internalName, _counts(state)
        shown = _shown(font, run.text, run.size, doc)
        numbering = _numbering(run.font, state, counts, {ord(c) for c, code in zip(run.text, codes, strict=True)
                                                         if code is None})
        if internal is not None and numbering is not False:
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            self._kept[key] = _Run(codes, internal, numbering, shown)
        return shown


class _Drawn(NamedTuple):
    serial: int  # names this content: a page drawn from it looks the same (same operators, same glyphs)
    code: tuple[str, ...]  # the page's content operators
    fonts: tuple[_Font, ...]  # as the page found them
    new: tuple[_Numbering, ...]  # what it did to the fonts' subsets
    named: tuple[str, ...]  # fonts it named first, in order
    anchors: tuple[Anchor, ...]


class _Kept:
    """A page's content kept, and the last build that used it."""

    __slots__ = ("drawn", "used")

    def __init__(self, drawn: _Drawn, used: int) -> None:
        self.drawn = drawn
        self.used = used


class PageMemo:
    """The content of pages drawn by earlier builds (see the module's doc); what none of the last
    ``builds`` builds used is forgotten by :meth:`sweep`."""

    def __init__(self) -> None:
        self._pages: dict[tuple[Item, ...], _Kept] = {}
        # a page's content → (ASCII85 of the compressed content, compressed content), as ReportLab makes them
        self._flate: dict[tuple[str, bool], tuple[tuple[bytes, bytes], int]] = {}
        self._build = 0
        self._serials = 0
        self.formatted = FormatMemo()  # the PDF objects of earlier builds, formatted
        self.runs = RunMemo()  # the text runs of the pages drawn
        self.drawn: list[int | None] = []  # the pages of the last PDF: the content each was drawn from
        self.hits = 0  # pages reused / drawn (for the benchmark and the tests)
        self.misses = 0

    def draw(self, canv: Canvas, page: Page) -> None:
        key = tuple(page.items)
        kept = self._pages.get(key)
        doc = canv._doc
        if (kept is not None and all(_same(doc, f) for f in kept.drawn.fonts)
                and all(n.applies(doc) for n in kept.drawn.new)):
            drawn = kept.drawn
            for numbering in drawn.new:  # numbered as drawing the page numbers them
                numbering.apply(doc)
            for name in drawn.named:
                getFont(name).getSubsetInternalName(0, doc)
            for anchor in drawn.anchors:
                _anchor(canv, anchor)
            canv._code.extend(drawn.code)
            kept.used = self._build  # (not stored again: a page's items take time to hash)
            self.hits += 1
            self.drawn.append(drawn.serial)
            return
        self.misses += 1
        fonts = _page_fonts(page.items)
        if fonts is None:  # a font other than an embedded TrueType one: drawn, not kept
            _items(canv, page.items)
            self.drawn.append(None)
            return
        before = tuple(_found(doc, _Font(name, None, 0, tuple(map(ord, chars)), ())) for name, chars in fonts.items())
        states = [getFont(f.name).state[doc] for f in before]  # made by _found
        counts = [_counts(s) for s in states]
        start = len(canv._code)
        _items(canv, page.items, self.runs)
        new = []
        for f, state, count in zip(before, states, counts, strict=True):
            unnumbered = {c for c, code in zip(f.chars, f.codes, strict=True) if code is None}
            done = _numbering(f.name, state, count, unnumbered)
            if done is False:
                self.drawn.append(None)  # drawn, not kept
                return
            if done is not None:
                new.append(done)
        named = sorted((f for f in before if f.internal is None),
                       key=lambda f: int(str(getFont(f.name).state[doc].internalName)[1:]))
        self._serials += 1
        self._pages[key] = _Kept(_Drawn(self._serials, tuple(canv._code[start:]), before, tuple(new),
                                        tuple(f.name for f in named), tuple(_anchors(page.items))), self._build)
        self.drawn.append(self._serials)

    def contents(self, canv: Canvas) -> None:
        """Give the page just shown its content stream as ReportLab would make it when it saves (the
        page's operators, Flate-compressed, then ASCII85-encoded when ``rl_config.useA85``), encoded
        once for the same content."""
        page = canv._doc.Pages.pages[-1]
        if not page.compression or page.Contents or not page.stream:
            return
        content: str = page.stream
        a85 = bool(rl_config.useA85)
        kept = self._flate.get((content, a85))
        if kept is None:
            flate = pdfdoc.PDFZCompress.encode(content)
            kept = ((pdfdoc.PDFBase85Encode.encode(flate) if a85 else b"", flate), self._build)
        self._flate[(content, a85)] = (kept[0], self._build)
        stream = pdfdoc.PDFStream()
        flated = _Encoded(pdfdoc.PDFZCompress.pdfname, kept[0][1])
        stream.filters = [_Encoded(pdfdoc.PDFBase85Encode.pdfname, kept[0][0]), flated] if a85 else [flated]
        stream.content = content
        stream.__Comment__ = "page stream"
        page.Contents = stream

    def sweep(self, builds: int = 3) -> None:
        self.formatted.sweep(builds)
        self._build += 1
        oldest = self._build - builds
        for key in [k for k, kept in self._pages.items() if kept.used < oldest]:
            del self._pages[key]
        for content in [k for k, (_, used) in self._flate.items() if used < oldest]:
            del self._flate[content]


class _Encoded:
    """A ReportLab stream filter for one stream whose encoded bytes are known."""

    def __init__(self, pdfname: str, data: bytes) -> None:
        self.pdfname = pdfname
        self.data = data
        self.stream_key = ("_Encoded", pdfname, data)  # its output, whatever the input (render.assemble)

    def encode(self, text: str | bytes) -> bytes:
        return self.data


def _same(doc: object, font: _Font) -> bool:
    """``_found(doc, font) == font``, the cheap comparisons first."""
    state = getFont(font.name)._assignState(doc)
    return (state.nextCode == font.next_code and state.internalName == font.internal
            and len(doc.fontMapping) == font.named  # type: ignore[attr-defined]
            and tuple(map(state.assignments.get, font.chars)) == font.codes)


def _found(doc: object, font: _Font) -> _Font:
    """``font`` as the document has it now."""
    state = getFont(font.name)._assignState(doc)  # as splitString makes it
    numbered = state.assignments
    return font._replace(internal=state.internalName, named=len(doc.fontMapping),  # type: ignore[attr-defined]
                         codes=tuple(map(numbered.get, font.chars)), next_code=state.nextCode)


def _page_fonts(items: tuple[Item, ...] | list[Item]) -> dict[str, str] | None:
    """Font → the characters set in it, first use first (None: a font that is not a TrueType one)."""
    texts: dict[str, list[str]] = {}
    if not _page_texts(items, texts):
        return None
    fonts = {name: "".join(dict.fromkeys("".join(parts))) for name, parts in texts.items()}
    return {name: chars for name, chars in fonts.items() if chars}


def _page_texts(items: tuple[Item, ...] | list[Item], texts: dict[str, list[str]]) -> bool:
    """Collect the texts set in each font, in order (False: a font that is not a TrueType one)."""
    for item in items:
        if isinstance(item, Frame):
            if not _page_texts(item.items, texts):
                return False
        elif isinstance(item, TextRun):
            name = item.glyph_font or item.font
            parts = texts.get(name)
            if parts is None:
                if not getFont(name)._dynamicFont:
                    return False
                parts = texts[name] = []
            parts.append(item.text)
    return True


def _anchors(items: tuple[Item, ...] | list[Item]) -> list[Anchor]:
    out: list[Anchor] = []
    for item in items:
        if isinstance(item, Anchor):
            out.append(item)
        elif isinstance(item, Frame):
            out += _anchors(item.items)
    return out


def render_pdf(document: Document, target: Path | io.BytesIO, *, compress: bool = False,
               memo: PageMemo | None = None) -> None:
    """Write ``document`` as a PDF to ``target`` (a path or a buffer); ``memo``: pages drawn by earlier
    builds (make-issue watch)."""
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
    if memo is not None:
        memo.drawn = []
    for page in document.pages:
        _page(canv, page, memo)
    if memo is None:
        canv.save()
    else:
        save(canv, target, memo.formatted)


def _page(canv: Canvas, page: Page, memo: PageMemo | None) -> None:
    if memo is None:
        _items(canv, page.items)
    else:
        memo.draw(canv, page)
    canv.setPageRotation(0)
    canv.showPage()
    if memo is not None:
        memo.contents(canv)


def _items(canv: Canvas, items: tuple[Item, ...] | list[Item], runs: RunMemo | None = None) -> None:
    for item in items:
        if isinstance(item, TextRun):
            _text(canv, item, runs)
        elif isinstance(item, Frame):
            canv.saveState()
            canv.translate(item.x, item.y)
            _items(canv, item.items, runs)
            canv.restoreState()
        elif isinstance(item, Rule):
            _rule(canv, item)
        elif isinstance(item, Anchor):
            _anchor(canv, item)


def _anchor(canv: Canvas, anchor: Anchor) -> None:
    canv.bookmarkPage(anchor.key)
    canv.addOutlineEntry(anchor.title, anchor.key, anchor.level, closed=False)


def _text(canv: Canvas, run: TextRun, runs: RunMemo | None = None) -> None:
    if run.glyph_font is None and run.horiz_scale == 100.0:
        font = getFont(run.font)
        if font._dynamicFont:
            _truetype_text(canv, font, run, runs)
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


def _truetype_text(canv: Canvas, font: object, run: TextRun, runs: RunMemo | None = None) -> None:
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
    parts.append((_shown(font, run.text, size, doc) if runs is None else runs.shown(font, run, doc)) + " T*")
    if run.char_space:
        parts.append("0 Tc")
    if run.stroke:
        parts.append("0 Tr")
    parts.append("ET")
    code.append(" ".join(parts))


def _shown(font: Any, text: str, size: float, doc: object) -> str:
    """The operators that show ``text`` in ``font``: each subset's name and size, its codes."""
    shown: list[str] = []
    current = -1
    for subset, chars in font.splitString(text, doc):
        if subset != current:
            shown.append(f"{font.getSubsetInternalName(subset, doc)} {_font_size(size)}")
            current = subset
        shown.append(f"({escapePDF(chars)}) Tj")
    return " ".join(shown)


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
