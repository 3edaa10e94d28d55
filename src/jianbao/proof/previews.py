"""Page previews rasterised from the PDF with PDFium (pypdfium2): one PNG per page, and the long
image (all pages one under another at phone width, for sharing in chat groups).

The PNG files are byte-reproducible: the same PDF gives the same bytes (fixed zlib level, no
filter search, no time or software chunks; only the pixel density, so that the page prints at
its size).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from jianbao import portable
from jianbao.errors import OutputError, UsageError, display_path

if TYPE_CHECKING:
    import pypdfium2
    from PIL.Image import Image

DEFAULT_DPI = 120
MIN_DPI, MAX_DPI = 30, 600
LONG_WIDTH = 1080  # px: the width of a phone screen in chat apps
SEPARATOR = 6  # px of grey between two pages of the long image
SEPARATOR_GREY = 200
PNG_LEVEL = 6  # zlib level of the files written; the proof page uses 1 (faster, bigger, never saved)
PAGE_FILE = re.compile(r"^page-\d{2,}\.png$")


class Previews(NamedTuple):
    paths: list[Path]
    seconds: float


def page_name(number: int) -> str:
    return f"page-{number:02d}.png"


def check_dpi(dpi: int) -> None:
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise UsageError(f"--dpi 应在 {MIN_DPI} 到 {MAX_DPI} 之间，现为 {dpi}")


@contextmanager
def _document(pdf: bytes) -> Iterator[pypdfium2.PdfDocument]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        yield doc
    finally:
        doc.close()


def render_pages(pdf: bytes, dpi: int) -> list[Image]:
    """Every page of the PDF as an RGB image at ``dpi``."""
    with _document(pdf) as doc:
        return [_render(doc[i], dpi / 72) for i in range(len(doc))]


def _render(page: pypdfium2.PdfPage, scale: float) -> Image:
    try:
        bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=False)
        image: Image = bitmap.to_pil().convert("RGB")
        return image
    finally:
        page.close()


class ProofPage(NamedTuple):
    version: str  # a digest of the page's pixels
    png: bytes
    text: str  # the page's text, as a PDF viewer extracts it


def proof_pages(pdf: bytes, dpi: int, known: dict[str, bytes], level: int = 1,
                same: dict[int, ProofPage] | None = None) -> list[ProofPage]:
    """Every page for the proof page: its pixels' digest, its PNG (taken from ``known``, digest → PNG,
    when the page looks exactly as before: only changed pages are encoded) and its text. ``same``:
    pages (by index) known to look as a page of an earlier build did, which are not drawn again."""
    with _document(pdf) as doc:
        out = []
        for i in range(len(doc)):
            if same and i in same:
                out.append(same[i])
                continue
            page = doc[i]
            try:
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True, may_draw_forms=False)
                version = hashlib.blake2b(bitmap.buffer, digest_size=8).hexdigest()
                png = known.get(version)
                if png is None:
                    png = png_bytes(bitmap.to_pil().convert("RGB"), dpi, level)
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            finally:
                page.close()
            out.append(ProofPage(version, png, text))
        return out


def png_bytes(image: Image, dpi: float | None = None, level: int = PNG_LEVEL) -> bytes:
    """The image as PNG: the same pixels always give the same bytes."""
    buffer = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    image.save(buffer, format="PNG", compress_level=level, optimize=False, **extra)
    return buffer.getvalue()


def write_pages(pdf: Path, folder: Path, dpi: int = DEFAULT_DPI) -> list[Path]:
    """``folder/page-01.png …`` from the PDF; page files of an earlier, longer version are removed."""
    check_dpi(dpi)
    images = render_pages(_read(pdf), dpi)
    _make_dir(folder)
    paths = []
    for number, image in enumerate(images, start=1):
        path = folder / page_name(number)
        write_atomic(path, png_bytes(image, dpi))
        paths.append(path)
    keep = {p.name for p in paths}
    for old in folder.iterdir():
        if PAGE_FILE.match(old.name) and old.name not in keep:
            with suppress(OSError):
                old.unlink()
    return paths


def long_image(pdf: bytes, width: int = LONG_WIDTH) -> Image:
    """All pages at ``width`` px, one under another, with a thin grey line between two pages."""
    from PIL import Image as PILImage

    with _document(pdf) as doc:
        pages = [_render_width(doc[i], width) for i in range(len(doc))]
    height = sum(p.height for p in pages) + SEPARATOR * max(0, len(pages) - 1)
    out = PILImage.new("RGB", (width, height), (SEPARATOR_GREY,) * 3)
    y = 0
    for image in pages:
        out.paste(image, (0, y))
        y += image.height + SEPARATOR
    return out


def _render_width(page: pypdfium2.PdfPage, width: int) -> Image:
    """The page rendered exactly ``width`` px wide (PDFium rounds the size it is given a scale for)."""
    scale = width / page.get_width()
    image = _render(page, scale)
    if image.width != width:
        image = image.resize((width, round(image.height * width / image.width)))
    return image


def write_long_image(pdf: Path, target: Path, width: int = LONG_WIDTH) -> Path:
    image = long_image(_read(pdf), width)
    _make_dir(target.parent)
    write_atomic(target, png_bytes(image))
    return target


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    tmp = portable.temporary_name(path.parent, f".{path.name}.", ".tmp")  # removed below whatever happens
    try:
        try:
            fd = portable.create_new(tmp)
        except OSError as exc:
            raise OutputError(f"{display_path(path.parent)}：无法写入预览图（{exc.strerror or exc}）") from exc
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        portable.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{display_path(path)}：无法写入预览图（{exc.strerror or exc}）") from exc
    finally:
        with suppress(OSError):
            os.unlink(tmp)


def _read(pdf: Path) -> bytes:
    try:
        return pdf.read_bytes()
    except OSError as exc:
        raise OutputError(f"{display_path(pdf)}：无法读取 PDF（{exc.strerror or exc}）") from exc


def _make_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(folder)}：无法创建预览图目录（{exc.strerror or exc}）") from exc
