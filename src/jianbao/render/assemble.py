"""The last step of a PDF drawn on a ReportLab canvas: its objects formatted and written, with each
object's formatted bytes kept between builds (make-issue watch), keyed by its content.

``canvas.save()`` formats every object of the document anew: the font programs, ToUnicode maps and
font dictionaries of every subset, every page dictionary and content stream. A watch loop saves nearly
the same document after every edit; most of those objects come out as the time before, byte for byte.
:func:`save` does what ``canvas.save()`` does (ReportLab 5.1: ``PDFDocument.SaveToFile``,
``GetPDFData`` and ``format``; the copied lines are marked and must be checked again when ReportLab
is upgraded), but asks a :class:`FormatMemo` for each object's bytes first. The memo's key for an
object is the object's content: its kind and every value its bytes are made from, with the numbers
of the objects it refers to (see :func:`_shape`). An object whose content the memo cannot describe
completely is formatted by ReportLab, as is the whole document when it uses something this module
does not know (encryption, signatures, PDF comments). So the bytes are always those ReportLab would
write; the tests compare a series of warm builds with cold ones (``canvas.save()``) byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (
    Destination,
    NoEncryption,
    OutlineEntryObject,
    PDFArray,
    PDFArrayCompact,
    PDFCatalog,
    PDFDate,
    PDFDestinationFit,
    PDFDestinationFitB,
    PDFDictionary,
    PDFInfo,
    PDFObjectReference,
    PDFPage,
    PDFPages,
    PDFResourceDictionary,
    PDFStream,
    PDFString,
    PDFTrueTypeFont,
)
from reportlab.pdfgen.canvas import Canvas

from jianbao.fonts.keptsubsets import KEEP_FORMATTED

_CATALOGS = (PDFPage, PDFPages, PDFCatalog)  # their format is PDFCatalog.format
_UNKNOWN = object()  # _shape: a value whose bytes this module cannot describe by a key
_SCALARS = (int, float, str, bytes, bool)


class _Kept:
    """An object's bytes kept, and the last build that used them."""

    __slots__ = ("body", "used")

    def __init__(self, body: bytes, used: int) -> None:
        self.body = body
        self.used = used


class FormatMemo:
    """Formatted objects of earlier builds: their key (kind and content, see :func:`_shape`) → bytes.
    What none of the last ``builds`` builds used is forgotten by :meth:`sweep`."""

    def __init__(self) -> None:
        self._bodies: dict[Hashable, _Kept] = {}
        self._config: tuple[object, ...] = ()
        self._build = 0
        self.hits = 0  # objects whose bytes were reused / formatted (for the benchmark and the tests)
        self.misses = 0

    def body(self, obj: Any, doc: pdfdoc.PDFDocument) -> bytes:
        """``obj`` formatted as a top-level object of ``doc`` (what ``pdfdoc.format(obj, doc, 1)``
        returns), with the side effects ReportLab's formatting has on ``doc`` (objects it refers to
        first get their numbers)."""
        kind = type(obj)
        if getattr(kind, "preformatted", False):  # keptsubsets' Formatted: its bytes, kept by the font
            return obj.body  # type: ignore[no-any-return]
        if kind in _CATALOGS:  # formatted by PDFCatalog.format: a dictionary of its entries
            entries = _catalog_entries(obj, doc)
            key = _key(kind.__name__, _entries_shape(entries, doc))
            return self._kept(key, lambda: bytes(pdfdoc.format(PDFDictionary(entries), doc)))
        if kind is PDFStream:
            key = _stream_key(obj, doc)
        elif kind is PDFDictionary:
            key = _key("dict", _shape(obj, doc))
        elif kind is PDFTrueTypeFont:
            key = _key("font", _font_shape(obj, doc))
        elif kind is OutlineEntryObject:
            key = _key("outline", _outline_shape(obj, doc))
        elif kind is PDFInfo:
            key = _key("info", _info_shape(obj, doc))
        else:
            key = None
        return self._kept(key, lambda: bytes(pdfdoc.format(obj, doc, 1)))

    def _kept(self, key: Hashable | None, make: Callable[[], bytes]) -> bytes:
        if key is None:
            return make()
        kept = self._bodies.get(key)
        if kept is None:
            self.misses += 1
            body: bytes = make()
            self._bodies[key] = _Kept(body, self._build)
            return body
        self.hits += 1
        kept.used = self._build  # (not stored again: hashing a key takes time)
        return kept.body

    def start(self) -> None:
        """Before a document is formatted: forget everything when ReportLab's settings that change
        how objects are formatted are not those the kept bytes were made with."""
        config = (rl_config.pdfMultiLine, rl_config.wrapA85, rl_config.invariant, rl_config.pdfComments)
        if config != self._config:
            self._bodies.clear()
            self._config = config

    def sweep(self, builds: int = 3) -> None:
        self._build += 1
        oldest = self._build - builds
        for key in [k for k, kept in self._bodies.items() if kept.used < oldest]:
            del self._bodies[key]


def _key(kind: str, shape: object) -> Hashable | None:
    return None if shape is _UNKNOWN else (kind, shape)


def save(canv: Canvas, target: Path | io.BytesIO, memo: FormatMemo) -> None:
    """``canv.save()`` to ``target``, each object's bytes taken from ``memo`` when it has them."""
    doc = canv._doc
    if (type(doc.encrypt) is not NoEncryption or getattr(doc, "_digiSigs", None)
            or (not rl_config.invariant and rl_config.pdfComments) or getattr(doc, "_savedToFile", False)):
        canv.save()  # what this module does not reproduce
        return
    memo.start()
    if len(canv._code):  # Canvas.save (ReportLab 5.1)
        canv.showPage()
    doc._savedToFile = True
    data = _pdf_data(canv, doc, memo)
    if isinstance(target, io.BytesIO):
        target.write(data)
    else:
        with open(target, "wb") as f:
            f.write(data)


def _pdf_data(canv: Canvas, doc: pdfdoc.PDFDocument, memo: FormatMemo) -> bytes:
    setattr(doc, KEEP_FORMATTED, True)  # the fonts' subsets' objects may come formatted (fonts.keptsubsets)
    # --- copied from ReportLab 5.1, PDFDocument.GetPDFData: check on upgrade ---
    for fnt in doc.delayedFonts:
        fnt.addObjects(doc)
    doc.info.invariant = doc.invariant
    doc.info.digest(doc.signature)
    doc.Reference(doc.Catalog)
    doc.Reference(doc.info)
    doc.Outlines.prepare(doc, canv)
    if doc.Outlines.ready < 0:
        doc.Catalog.Outlines = None
    # --- copied from ReportLab 5.1, PDFDocument.format (no encryption, no comments): check on upgrade ---
    cat = doc.Catalog
    info = doc.info
    doc.Reference(cat)
    doc.Reference(info)
    number_to_id = doc.numberToId
    id_to_object = doc.idToObject
    id_to_offset = doc.idToOffset
    chunks = [b"%%PDF-%d.%d\n%%\223\214\213\236 ReportLab Generated PDF document (opensource)\n" % doc._pdfVersion]
    offset = len(chunks[0])
    ids: list[str] = []
    counter = 0
    while True:  # objects get their numbers while earlier ones are formatted
        counter += 1
        if counter not in number_to_id:
            break
        oid = number_to_id[counter]
        body = memo.body(id_to_object[oid], doc)
        head = b"%d 0 obj\n" % counter
        tail = b"endobj\n" if body.endswith(b"\n") else b"\nendobj\n"
        chunks += (head, body, tail)
        id_to_offset[oid] = offset
        offset += len(head) + len(body) + len(tail)
        ids.append(oid)
    objects = len(number_to_id)
    if counter - 1 != objects:
        raise ValueError(f"counter {counter} doesn't match number to id dictionary {objects}")
    xref = pdfdoc.PDFCrossReferenceTable()
    xref.addsection(0, ids)
    formatted = xref.format(doc)
    chunks.append(formatted)
    trailer = pdfdoc.PDFTrailer(startxref=offset, Size=objects + 1, Root=doc.Reference(cat),
                                Info=doc.Reference(info), Encrypt=None, ID=doc.ID())
    chunks.append(trailer.format(doc))
    # --- end of the copied lines ---
    return b"".join(chunks)


def _catalog_entries(obj: Any, doc: pdfdoc.PDFDocument) -> dict[str, object]:
    """The entries of ``obj``'s dictionary, its references made (in ReportLab's order)."""
    # --- copied from ReportLab 5.1, PDFCatalog.format: check on upgrade ---
    obj.check_format(doc)
    entries: dict[str, object] = {}
    for k, v in obj.__Defaults__.items():
        v = getattr(obj, k, v)
        if v is not None:
            entries[k] = v
    for k in obj.__NoDefault__:
        v = getattr(obj, k, None)
        if v is not None:
            entries[k] = v
    for k in obj.__Refs__:
        if k in entries:
            entries[k] = doc.Reference(entries[k])
    # --- end of the copied lines ---
    return entries


def _stream_key(obj: Any, doc: pdfdoc.PDFDocument) -> Hashable | None:
    """A stream's bytes are its dictionary and its content through its filters."""
    content = obj.content
    if type(content) not in (str, bytes):
        return None
    filters = obj.filters if obj.filters is not None else doc.defaultStreamFilters
    names: tuple[Hashable, ...] = ()
    if filters is not None and "Filter" not in obj.dictionary.dict:
        keys = []
        for f in filters:
            filter_key = _filter_key(f)
            if filter_key is None:
                return None
            keys.append(filter_key)
        names = tuple(keys)
    return _key("stream", (names, content, _shape(obj.dictionary, doc)))


def _filter_key(f: object) -> Hashable | None:
    """What a stream filter's output is a function of, besides its input (None: not known)."""
    if f is pdfdoc.PDFZCompress or f is pdfdoc.PDFBase85Encode:
        return (type(f).__name__, f.pdfname)
    key = getattr(f, "stream_key", None)  # jianbao's filters: render.pdf._Encoded, keptsubsets' KeptCompress
    return key if isinstance(key, tuple) else None


def _font_shape(obj: Any, doc: pdfdoc.PDFDocument) -> object:
    """What ``PDFType1Font.format`` makes the font dictionary from."""
    names = tuple((n, pdfdoc.PDFName(getattr(obj, n))) for n in obj.name_attributes if hasattr(obj, n))
    local = []
    for n in obj.local_attributes:
        if hasattr(obj, n):
            value = _shape(getattr(obj, n), doc)
            if value is _UNKNOWN:
                return _UNKNOWN
            local.append((n, value))
    return (names, tuple(local))


def _outline_shape(obj: Any, doc: pdfdoc.PDFDocument) -> object:
    """What ``OutlineEntryObject.format`` makes the entry's dictionary from."""
    entries: dict[str, object] = {"Title": PDFString(obj.Title), "Parent": obj.Parent, "Dest": obj.Dest}
    for name in ("Prev", "Next", "First", "Last", "Count"):
        value = getattr(obj, name)
        if value is not None:
            entries[name] = value
    return _entries_shape(entries, doc)


def _info_shape(obj: Any, doc: pdfdoc.PDFDocument) -> object:
    """What ``PDFInfo.format`` makes the document information dictionary from (its dates formatted
    as ReportLab formats them)."""
    date = pdfdoc.format(PDFDate(ts=doc._timeStamp, dateFormatter=obj._dateFormatter), doc)
    texts = [_shape(PDFString(t), doc) for t in (obj.title, obj.author, obj.producer, obj.creator, obj.subject,
                                                  obj.keywords)]
    return _UNKNOWN if _UNKNOWN in texts else (tuple(texts), date, pdfdoc.PDFName(obj.trapped))


def _entries_shape(entries: dict[str, object], doc: pdfdoc.PDFDocument) -> object:
    shape = []
    for k in sorted(entries):
        value = _shape(entries[k], doc)
        if value is _UNKNOWN:
            return _UNKNOWN
        shape.append((k, value))
    return tuple(shape)


def _shape(value: Any, doc: pdfdoc.PDFDocument) -> object:
    """A key for the bytes ``pdfdoc.format(value, doc)`` makes of a value inside an object: equal
    keys, equal bytes. ``_UNKNOWN`` for a value of a kind not described here. Never changes ``doc``
    (a reference is described by the number its object already has)."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)
    if kind is PDFObjectReference:
        number = doc.idToObjectNumberAndVersion.get(value.name)
        return _UNKNOWN if number is None else ("ref", number)
    if kind is PDFArray or kind is PDFArrayCompact:
        items = []
        for item in value.sequence:
            shape = _shape(item, doc)
            if shape is _UNKNOWN:
                return _UNKNOWN
            items.append(shape)
        return (kind, value.multiline, tuple(items))
    if kind is PDFDictionary:
        if type(value.dict) is not dict:  # an OrderedDict keeps its order; sorted otherwise
            return _UNKNOWN
        entries = _entries_shape(value.dict, doc)
        return _UNKNOWN if entries is _UNKNOWN else (kind, value.multiline, entries)
    if kind is PDFResourceDictionary:
        return _resources_shape(value, doc)
    if kind is PDFString:
        s, escape, enc = value.s, getattr(value, "escape", 1), getattr(value, "enc", "auto")
        return (kind, type(s), s, escape, enc) if type(s) in (str, bytes) else _UNKNOWN
    if kind is Destination:  # a destination to fit a page: [ page /Fit ]
        fmt = value.fmt
        if type(fmt) not in (PDFDestinationFit, PDFDestinationFitB) or value.page is None:
            return _UNKNOWN
        page = _shape(value.page, doc)
        return _UNKNOWN if page is _UNKNOWN else (kind, fmt.typename, page)
    if getattr(kind, "doc_independent", False):  # keptsubsets' FormattedArray: the same bytes in every document
        return ("formatted", value.format(doc))
    if getattr(value, "__RefOnly__", False):  # formatted as a reference to it (when it has a number)
        name = getattr(value, "__InternalName__", None)
        if name is None or doc.idToObject.get(name) is not value:
            return _UNKNOWN
        return ("ref", doc.idToObjectNumberAndVersion[name])
    return _UNKNOWN


def _resources_shape(value: Any, doc: pdfdoc.PDFDocument) -> object:
    """What ``PDFResourceDictionary.format`` makes the dictionary from."""
    parts: list[object] = []
    for name in (*value.dict_attributes, "ProcSet"):
        v = getattr(value, name)
        if isinstance(v, dict) and type(v) is dict:
            shape = _entries_shape(v, doc)
        elif isinstance(v, list | tuple):
            items = [_shape(item, doc) for item in v]
            shape = _UNKNOWN if _UNKNOWN in items else ("seq", tuple(items))
        else:
            shape = _shape(v, doc)
        if shape is _UNKNOWN:
            return _UNKNOWN
        parts.append((name, type(v) is dict or isinstance(v, list | tuple), shape))
    return (PDFResourceDictionary, tuple(parts))
