"""Pages as data → OFD (GB/T 33190-2016), the Chinese fixed-layout format for official documents.

Drawn from the same laid-out pages as the PDF (``render.pdf``), not converted from it: every text run
becomes a ``TextObject`` whose ``TextCode`` places each character at the position the PDF gives it
(``X``/``Y`` of the first glyph, ``DeltaX`` to each next one), every rule a stroked ``PathObject``.
The package::

    OFD.xml                      entry: document metadata (DocInfo) and where the document is
    Doc_0/Document.xml           page size, resources, the pages, the outline (Outlines)
    Doc_0/PublicRes.xml          the CMYK colour space and the fonts
    Doc_0/Res/<font>.ttf         the fonts, embedded as the same subsets the PDF embeds
    Doc_0/Pages/Page_N/Content.xml   one per page: its text and path objects

Units: OFD uses millimetres with the origin at the top left and y downwards; the pages as data use
PostScript points with the origin at the bottom left and y upwards. Colours are written in a CMYK
colour space (8 bits per component), as the PDF writes DeviceCMYK.

The bytes are reproducible: no clock is read (the creation date is the issue's), the document ID is
a digest of the content, the ZIP entries are sorted and carry a fixed timestamp.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree as ET

from jianbao.compose.frames import CMYK, Anchor, Document, Metadata, Page, Rule, TextRun, walk

NS = "http://www.ofdspec.org/2016"
MM_PER_PT = 25.4 / 72
CMYK_SPACE_ID = 1  # the one colour space; every other ID is given out after it
DOC_ROOT = "Doc_0/Document.xml"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry

ET.register_namespace("ofd", NS)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _n(value: float) -> str:
    """A length in mm as OFD writes it: at most 4 decimals (0.1 µm), no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def mm(points: float) -> float:
    return points * MM_PER_PT


def cmyk_value(colour: CMYK) -> str:
    """A CMYK colour (0..1 each) as the OFD colour value: four integers 0..255."""
    return " ".join(str(round(min(max(c, 0.0), 1.0) * 255)) for c in colour)


@dataclass
class _Font:
    id: int
    name: str  # ReportLab's registered name
    file: str  # file name under Doc_0/Res/
    data: bytes
    font_name: str
    family: str
    bold: bool


@dataclass
class _Ids:
    next: int = CMYK_SPACE_ID + 1
    fonts: dict[str, _Font] = field(default_factory=dict)

    def take(self) -> int:
        self.next += 1
        return self.next - 1

    def font(self, name: str) -> _Font:
        if name not in self.fonts:
            self.fonts[name] = _load_font(name, self.take())
        return self.fonts[name]


def _load_font(name: str, font_id: int) -> _Font:
    """The registered font's file: the subset ``fonts.embed`` made (the PDF embeds glyphs of it)."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(name).face
    data: bytes = face._ttf_data
    if data[:4] == b"ttcf":  # a whole collection registered as is: embed only its face
        data = _collection_face(data, getattr(face, "subfontIndex", 0))
    ps_name = _text(getattr(face, "name", b"")) or name
    family = _text(getattr(face, "familyName", b"")) or ps_name
    style = ps_name.rpartition("-")[2].lower()
    bold = any(w in style for w in ("bold", "heavy", "black"))
    return _Font(font_id, name, f"{name}.ttf", data, ps_name, family, bold)


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _collection_face(data: bytes, index: int) -> bytes:
    from fontTools.ttLib import TTCollection

    out = io.BytesIO()
    TTCollection(io.BytesIO(data)).fonts[index].save(out)
    return out.getvalue()


# --- writing ---------------------------------------------------------------------------------------


def render_ofd(document: Document, target: Path | io.BytesIO) -> None:
    """Write ``document`` as an OFD package to ``target`` (a path or a buffer)."""
    data = ofd_bytes(document)
    if isinstance(target, io.BytesIO):
        target.write(data)
    else:
        target.write_bytes(data)


def ofd_bytes(document: Document) -> bytes:
    ids = _Ids()
    page_h = mm(document.height)
    page_ids: list[int] = []
    contents: list[bytes] = []
    for page in document.pages:
        page_ids.append(ids.take())
        contents.append(_xml(_content(page, page_h, ids)))
    outline = document.outline()
    files: dict[str, bytes] = {}
    for i, content in enumerate(contents):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = content
    for font in ids.fonts.values():
        files[f"Doc_0/Res/{font.file}"] = font.data
    files["Doc_0/PublicRes.xml"] = _xml(_public_res(ids))
    files[DOC_ROOT] = _xml(_document(document, page_ids, outline, ids))
    doc_id = hashlib.sha256(b"".join(files[k] for k in sorted(files))).hexdigest()[:32]
    files["OFD.xml"] = _xml(_ofd(document.metadata, doc_id))
    return _zip(files, document.metadata.date)


def _xml(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _zip(files: dict[str, bytes], when: date | None) -> bytes:
    stamp = (when.year, when.month, when.day, 0, 0, 0) if when and when.year >= 1980 else ZIP_EPOCH
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, on every platform: the same bytes everywhere
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def _ofd(meta: Metadata, doc_id: str) -> ET.Element:
    root = ET.Element(_q("OFD"), {"Version": "1.0", "DocType": "OFD"})
    body = ET.SubElement(root, _q("DocBody"))
    info = ET.SubElement(body, _q("DocInfo"))
    ET.SubElement(info, _q("DocID")).text = doc_id
    ET.SubElement(info, _q("Title")).text = meta.title
    if meta.author:
        ET.SubElement(info, _q("Author")).text = meta.author
    if meta.subject:
        ET.SubElement(info, _q("Subject")).text = meta.subject
    if meta.date is not None:
        ET.SubElement(info, _q("CreationDate")).text = meta.date.isoformat()
    if meta.keywords:
        keywords = ET.SubElement(info, _q("Keywords"))
        for word in meta.keywords:
            ET.SubElement(keywords, _q("Keyword")).text = word
    if meta.creator:
        ET.SubElement(info, _q("Creator")).text = meta.creator
    custom = ET.SubElement(info, _q("CustomDatas"))
    ET.SubElement(custom, _q("CustomData"), {"Name": "Language"}).text = meta.lang
    if meta.producer:
        ET.SubElement(custom, _q("CustomData"), {"Name": "Producer"}).text = meta.producer
    ET.SubElement(body, _q("DocRoot")).text = DOC_ROOT
    return root


def _document(document: Document, page_ids: list[int], outline: list[tuple[int, Anchor]], ids: _Ids) -> ET.Element:
    root = ET.Element(_q("Document"))
    common = ET.SubElement(root, _q("CommonData"))
    ET.SubElement(common, _q("MaxUnitID")).text = str(ids.next - 1)
    area = ET.SubElement(common, _q("PageArea"))
    box = f"0 0 {_n(mm(document.width))} {_n(mm(document.height))}"
    ET.SubElement(area, _q("PhysicalBox")).text = box
    ET.SubElement(area, _q("ApplicationBox")).text = box
    ET.SubElement(common, _q("PublicRes")).text = "PublicRes.xml"
    ET.SubElement(common, _q("DefaultCS")).text = str(CMYK_SPACE_ID)
    pages = ET.SubElement(root, _q("Pages"))
    for i, page_id in enumerate(page_ids):
        ET.SubElement(pages, _q("Page"), {"ID": str(page_id), "BaseLoc": f"Pages/Page_{i}/Content.xml"})
    if outline:
        outlines = ET.SubElement(root, _q("Outlines"))
        parents: list[ET.Element] = [outlines]  # parents[level] holds the entries of that level
        for page, anchor in outline:
            level = min(anchor.level, len(parents) - 1)
            del parents[level + 1:]
            elem = ET.SubElement(parents[level], _q("OutlineElem"), {"Title": anchor.title})
            actions = ET.SubElement(elem, _q("Actions"))
            action = ET.SubElement(actions, _q("Action"), {"Event": "CLICK"})
            goto = ET.SubElement(action, _q("Goto"))
            ET.SubElement(goto, _q("Dest"), {"Type": "Fit", "PageID": str(page_ids[page])})  # as the PDF: the page
            parents.append(elem)
    return root


def _public_res(ids: _Ids) -> ET.Element:
    root = ET.Element(_q("Res"), {"BaseLoc": "Res"})
    spaces = ET.SubElement(root, _q("ColorSpaces"))
    ET.SubElement(spaces, _q("ColorSpace"), {"ID": str(CMYK_SPACE_ID), "Type": "CMYK", "BitsPerComponent": "8"})
    if ids.fonts:
        fonts = ET.SubElement(root, _q("Fonts"))
        for font in sorted(ids.fonts.values(), key=lambda f: f.id):
            attrs = {"ID": str(font.id), "FontName": font.font_name, "FamilyName": font.family}
            if font.bold:
                attrs["Bold"] = "true"
            elem = ET.SubElement(fonts, _q("Font"), attrs)
            ET.SubElement(elem, _q("FontFile")).text = font.file
    return root


# --- a page ----------------------------------------------------------------------------------------


def _content(page: Page, page_h: float, ids: _Ids) -> ET.Element:
    root = ET.Element(_q("Page"))
    content = ET.SubElement(root, _q("Content"))
    layer = ET.SubElement(content, _q("Layer"), {"ID": str(ids.take()), "Type": "Body"})
    for item, dx, dy in walk(page.items):
        if isinstance(item, TextRun) and item.text.strip():
            _text_object(layer, item, dx, dy, page_h, ids)
        elif isinstance(item, Rule):
            _path_object(layer, item, dx, dy, page_h, ids)
    return root


def _colour(parent: ET.Element, tag: str, colour: CMYK) -> None:
    ET.SubElement(parent, _q(tag), {"Value": cmyk_value(colour), "ColorSpace": str(CMYK_SPACE_ID)})


def _text_object(layer: ET.Element, run: TextRun, dx: float, dy: float, page_h: float, ids: _Ids) -> None:
    font = ids.font(run.drawing_font)
    size = mm(run.drawing_size)
    # Spaces at either end are left out (they draw nothing, and XML readers often drop them, and
    # with them the place of the next character); the other characters keep their places.
    first = len(run.text) - len(run.text.lstrip())
    last = len(run.text.rstrip())
    text = run.text[first:last]
    advances = run.advances[first:last]
    xs = [mm(x + dx) for x in run.positions()[first:last]]
    # the end of the last glyph: its advance, in the run's own size and scale
    end = xs[-1] + mm(advances[-1] * run.horiz_scale / 100)
    baseline = page_h - mm(run.y + dy)
    # The box encloses every glyph with room to spare (some readers clip an object to its box):
    # 1.2 sizes above the baseline, 0.6 below, half a size left and right.
    left, top = xs[0] - size / 2, baseline - 1.2 * size
    box = f"{_n(left)} {_n(top)} {_n(max(end, xs[-1] + size) - left + size / 2)} {_n(1.8 * size)}"
    attrs = {"ID": str(ids.take()), "Boundary": box, "Font": str(font.id), "Size": _n(size)}
    if run.stroke:
        attrs.update(Stroke="true", LineWidth=_n(mm(run.stroke)))
    scale = run.horiz_scale / 100
    if scale != 1.0:  # a stretched dash: the object's space is stretched, glyph and positions
        attrs["CTM"] = f"{_n(scale)} 0 0 1 0 0"
    obj = ET.SubElement(layer, _q("TextObject"), attrs)
    _colour(obj, "FillColor", run.colour)
    if run.stroke:
        _colour(obj, "StrokeColor", run.colour)
    # Positions relative to the box (in the object's own space), each rounded once, and the steps
    # taken between the rounded values: no rounding error adds up along a line.
    rel = [round((x - left) / scale, 4) for x in xs]
    code = ET.SubElement(obj, _q("TextCode"), {"X": _n(rel[0]), "Y": _n(round(baseline - top, 4))})
    if len(rel) > 1:
        code.set("DeltaX", " ".join(_n(b - a) for a, b in pairwise(rel)))
    code.text = text


def _path_object(layer: ET.Element, rule: Rule, dx: float, dy: float, page_h: float, ids: _Ids) -> None:
    weight = mm(rule.weight)
    x0, x1 = mm(rule.x0 + dx), mm(rule.x1 + dx)
    y = page_h - mm(rule.y + dy)
    pad = weight  # the stroke's half width and round caps stay inside the box
    left, top = x0 - pad, y - pad
    attrs = {
        "ID": str(ids.take()),
        "Boundary": f"{_n(left)} {_n(top)} {_n(x1 - x0 + 2 * pad)} {_n(2 * pad)}",
        "LineWidth": _n(weight),
    }
    if rule.dash is not None:
        attrs.update(Cap="Round", DashPattern=f"{_n(mm(rule.dash[0]))} {_n(mm(rule.dash[1]))}")
    obj = ET.SubElement(layer, _q("PathObject"), attrs)
    _colour(obj, "StrokeColor", rule.colour)
    ET.SubElement(obj, _q("AbbreviatedData")).text = f"M {_n(pad)} {_n(pad)} L {_n(x1 - x0 + pad)} {_n(pad)}"
