"""out/manifest.json: what each PDF in out/ was made from, and what it is.

One entry per issue: the digests of its inputs (:class:`~jianbao.archive.fingerprint.Inputs`), the PDF file as
it was written (size, modification time, SHA-256, pages) and the issue's particulars for the
distribution record (title, date, edition, article titles, and the closing block's recipients, print
run and sign-off). An entry is trusted only while the PDF on
disk still has the recorded size and modification time (:meth:`Manifest.current`), so the manifest
never vouches for a file it did not see being written.

The file is replaced atomically (temporary file + rename): an interrupted run leaves either the old
or the new manifest, never a mixture. A missing, unreadable or damaged manifest (any
entry whose fields do not all have their types, a PDF name other than ``<id>.pdf``) only means
those issues are built again.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from jianbao import portable
from jianbao.archive.fingerprint import Inputs
from jianbao.files import read_regular
from jianbao.model import Issue

FILE_NAME = "manifest.json"
FORMAT = 1
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class PdfFile:
    """A file as written into the output folder: name, size, time, SHA-256 and pages."""

    name: str  # file name in the output folder: 2018-06.pdf
    size: int
    mtime_ns: int
    sha256: str
    pages: int


@dataclass(frozen=True)
class IssueMeta:
    """The particulars of an issue as printed, for the distribution record and the yearly volume."""

    title: str  # 工商联信息 2018年第6期（专刊）: the PDF's title
    series: str
    year: int
    number: int
    number_label: str  # 2018年第6期
    edition: str | None
    cumulative: int | None
    date: str  # ISO: 2018-04-13
    date_label: str  # 2018年4月13日
    units: tuple[str, ...]
    layout: str
    articles: tuple[str, ...]
    # The closing block (版记), for the 发文登记. ``distribution`` is None in an entry written before
    # these were recorded: such a PDF is built again so that its record is complete.
    distribution: tuple[tuple[str, tuple[str, ...]], ...] | None = None  # ((送, (省工商联, …)), …)
    print_run: int | None = None  # 共印N份
    signoff: tuple[tuple[str, str], ...] = ()  # ((签发, 王静), (审核, 李强), …) in printed order
    article_pages: tuple[int, ...] = ()  # each article's first page (from 0), as laid out
    stand_in_fonts: dict[str, str] = field(default_factory=dict)  # role → the stand-in font that set it

    @property
    def complete(self) -> bool:
        """Whether the entry holds everything the distribution record and the yearly volume use."""
        return self.distribution is not None and len(self.article_pages) == len(self.articles)

    @classmethod
    def from_issue(cls, issue: Issue, article_pages: tuple[int, ...] = (),
                   stand_in_fonts: dict[str, str] | None = None) -> IssueMeta:
        closing = issue.closing
        return cls(
            title=issue.document_title,
            series=issue.series_title,
            year=issue.year,
            number=issue.number,
            number_label=issue.number_label,
            edition=issue.edition,
            cumulative=issue.cumulative,
            date=issue.date.isoformat(),
            date_label=issue.date_label,
            units=tuple(issue.units),
            layout=issue.layout,
            articles=tuple(a.title for a in issue.articles),
            distribution=tuple((d.label, tuple(d.groups)) for d in closing.distribution),
            print_run=closing.print_run,
            signoff=tuple((s.label, s.value) for s in closing.signoff),
            article_pages=tuple(article_pages),
            stand_in_fonts=dict(stand_in_fonts or {}),
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IssueMeta:
        """Raises TypeError/KeyError/ValueError unless every field has its type (a damaged manifest is
        no manifest). The fields added later (the closing block, article pages, stand-in fonts) may
        be missing from an older entry: it is then incomplete and built again."""
        if not set(_META_TYPES) <= set(data) <= set(_META_TYPES) | set(_LATER_TYPES):
            raise KeyError("fields")
        for name, kinds in (*_META_TYPES.items(), *_LATER_TYPES.items()):
            if name in data:
                _check(data[name], kinds)
        for listed in ("units", "articles"):
            if not all(isinstance(x, str) for x in data[listed]):
                raise TypeError(listed)
        distribution = data.get("distribution")
        pages = data.get("article_pages", [])
        if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in pages):
            raise TypeError("article_pages")
        fonts = data.get("stand_in_fonts") or {}
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in fonts.items()):
            raise TypeError("stand_in_fonts")
        return cls(**{
            **data,
            "units": tuple(data["units"]),
            "articles": tuple(data["articles"]),
            "distribution": None if distribution is None else tuple(
                (str(label), tuple(str(g) for g in groups)) for label, groups in distribution),
            "signoff": tuple((str(label), str(name)) for label, name in data.get("signoff", ())),
            "article_pages": tuple(pages),
            "stand_in_fonts": dict(fonts),
        })


_META_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,), "series": (str,), "year": (int,), "number": (int,), "number_label": (str,),
    "edition": (str, type(None)), "cumulative": (int, type(None)), "date": (str,), "date_label": (str,),
    "units": (list,), "layout": (str,), "articles": (list,),
}
_LATER_TYPES: dict[str, tuple[type, ...]] = {
    "distribution": (list, type(None)), "print_run": (int, type(None)), "signoff": (list,),
    "article_pages": (list,), "stand_in_fonts": (dict,),
}
_PDF_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "size": (int,), "mtime_ns": (int,), "sha256": (str,), "pages": (int,),
}
_ISSUE_ID = re.compile(r"^[0-9]{4}-[0-9]{2,3}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _check(value: object, kinds: tuple[type, ...]) -> None:
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(f"{value!r} is not {kinds}")


def _pdf_file(issue_id: str, data: object, suffix: str = ".pdf") -> PdfFile:
    """The PDF (or OFD) of an entry, only as this program writes it: out/<id>.pdf and nothing else (a
    name such as ``../../secret.txt`` in a damaged manifest is never trusted, stat-ed or linked)."""
    if not isinstance(data, dict) or set(data) != set(_PDF_TYPES):
        raise TypeError("pdf")
    for name, kinds in _PDF_TYPES.items():
        _check(data[name], kinds)
    if data["name"] != f"{issue_id}{suffix}" or not _SHA256.match(data["sha256"]):
        raise TypeError("pdf name or digest")
    if data["size"] < 0 or data["pages"] < 1:
        raise TypeError("pdf size or pages")
    return PdfFile(**data)


@dataclass(frozen=True)
class Entry:
    """One issue in the manifest: its source, the inputs it was made from, its files and record."""

    id: str
    source: str  # the source path as shown to the user
    inputs: Inputs
    pdf: PdfFile
    meta: IssueMeta
    ofd: PdfFile | None = None  # the OFD made with the PDF (make-issue --ofd), same fields

    def to_json(self) -> dict[str, Any]:
        data = {
            "source": self.source,
            "inputs": self.inputs.to_json(),
            "pdf": _fields(self.pdf),
            "issue": _fields(self.meta),
        }
        if self.ofd is not None:
            data["ofd"] = _fields(self.ofd)
        return data

    @classmethod
    def from_json(cls, issue_id: str, data: object) -> Entry | None:
        try:
            if not isinstance(data, dict) or not _ISSUE_ID.match(issue_id) or not isinstance(data.get("source"), str):
                return None
            inputs = Inputs.from_json(data["inputs"])
            if inputs is None or not isinstance(data["issue"], dict):
                return None
            pdf, meta = _pdf_file(issue_id, data["pdf"]), IssueMeta.from_json(data["issue"])
            ofd = _pdf_file(issue_id, data["ofd"], ".ofd") if data.get("ofd") else None
            if not isinstance(data["source"], str):
                return None
            return cls(issue_id, data["source"], inputs, pdf, meta, ofd)
        except (KeyError, TypeError, ValueError):
            return None


def _fields(record: PdfFile | IssueMeta) -> dict[str, Any]:
    """A flat record as a dict for JSON (tuples become lists): what ``dataclasses.asdict`` gives, without
    its deep copy, which took most of the time of saving a manifest of a few hundred issues."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


class Manifest:
    def __init__(self, out_dir: Path, entries: dict[str, Entry] | None = None) -> None:
        self.out_dir = out_dir
        self.entries: dict[str, Entry] = dict(entries or {})

    @property
    def path(self) -> Path:
        return self.out_dir / FILE_NAME

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The manifest in ``out_dir``; empty when there is none or it cannot be read."""
        try:
            data = json.loads(read_regular(out_dir / FILE_NAME, MAX_MANIFEST_BYTES))
        except (OSError, ValueError, RecursionError):  # missing, not a file, too large, damaged
            return cls(out_dir)
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("issues"), dict):
            return cls(out_dir)
        entries = {}
        for issue_id, raw in data["issues"].items():
            entry = Entry.from_json(str(issue_id), raw)
            if entry is not None:
                entries[entry.id] = entry
        return cls(out_dir, entries)

    def current(self, issue_id: str) -> Entry | None:
        """The entry for ``issue_id`` if its PDF is still exactly the file that was recorded."""
        entry = self.entries.get(issue_id)
        if entry is None:
            return None
        try:
            st = os.stat(self.out_dir / entry.pdf.name)
        except OSError:
            return None
        if st.st_size != entry.pdf.size or st.st_mtime_ns != entry.pdf.mtime_ns:
            return None
        return entry

    def current_ofd(self, issue_id: str) -> PdfFile | None:
        """The OFD recorded with the current entry, if it too is still exactly the file written."""
        entry = self.current(issue_id)
        if entry is None or entry.ofd is None:
            return None
        try:
            st = os.stat(self.out_dir / entry.ofd.name)
        except OSError:
            return None
        return entry.ofd if (st.st_size, st.st_mtime_ns) == (entry.ofd.size, entry.ofd.mtime_ns) else None

    def prune(self) -> None:
        """Forget entries whose PDF is gone or was replaced by something this manifest did not record."""
        self.entries = {k: e for k, e in self.entries.items() if self.current(k) is not None}

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "issues": {k: self.entries[k].to_json() for k in sorted(self.entries)}}

    def save(self) -> bool:
        """Atomically replace out/manifest.json, unless it already says exactly this; True if written."""
        return write_if_changed(self.path, dumps_by_line(self.to_json(), "issues"))


def dumps_by_line(doc: dict[str, Any], key: str) -> bytes:
    """``doc`` as JSON with each item of ``doc[key]`` (a dict or a list) on a line of its own: as easy
    to read and to diff as an indented file, and written by json's C encoder (an indented dump of a
    few hundred issues takes the pure-Python one, ten times slower, on every build)."""

    def one(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    head = [f" {one(k)}: {one(v)}," for k, v in doc.items() if k != key]
    items = doc[key]
    if isinstance(items, dict):
        body, open_, close = [f"  {one(k)}: {one(v)}" for k, v in items.items()], "{", "}"
    else:
        body, open_, close = [f"  {one(v)}" for v in items], "[", "]"
    inner = ",\n".join(body)
    lines = ["{", *head, f" {one(key)}: {open_}" + (f"\n{inner}\n {close}" if body else close), "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_if_changed(target: Path, data: bytes) -> bool:
    try:  # only a regular file is compared (a FIFO in its place would never end): anything else is replaced
        if read_regular(target, len(data)) == data:
            return False
    except OSError:
        pass
    write_atomic(target, data)
    return True


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it over ``target``."""
    tmp = portable.temporary_name(target.parent, f".{target.name}.", ".tmp")  # removed below whatever happens
    try:
        with os.fdopen(portable.create_new(tmp), "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        portable.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
