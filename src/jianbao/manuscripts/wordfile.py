"""Word manuscripts (``.docx``), read with python-docx.

Read as shown with tracked changes accepted (insertions kept, deletions left out). Paragraph styles
(Title, Heading 1–4, their Chinese names) and outline levels give titles and headings; centring and a
larger size mark a title; bold runs at a paragraph's start give its lead sentence. Whatever cannot be
carried into the source — tables, images, footnotes, comments — is listed as a warning with its place.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from jianbao.errors import ManuscriptError
from jianbao.manuscripts.recognise import Para, clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}
BODY_SIZE_PT = 16.0


def _on(element: Any, tag: str) -> bool | None:
    """A w:b / w:jc-like toggle: True, False or None when absent."""
    if element is None:
        return None
    found = element.find(tag)
    if found is None:
        return None
    return found.get(f"{W}val") not in ("0", "false", "off")


def _style_chain(style: Any) -> list[Any]:
    chain: list[Any] = []
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _style_level(style: Any) -> int | None:
    for s in _style_chain(style):
        name = (s.name or "").strip()
        if name.lower() in _TITLE_STYLES:
            return 0
        match = _HEADING_STYLE.match(name)
        if match is not None:
            return int(match.group(1))
        ppr = s.element.find(f"{W}pPr")
        outline = ppr.find(f"{W}outlineLvl") if ppr is not None else None
        if outline is not None and outline.get(f"{W}val", "9").isdigit() and int(outline.get(f"{W}val")) < 9:
            return int(outline.get(f"{W}val")) + 1
    return None


def _style_bold(style: Any) -> bool:
    for s in _style_chain(style):
        if s.font is not None and s.font.bold is not None:
            return bool(s.font.bold)
    return False


def _centred(paragraph: Any) -> bool:
    alignment = paragraph.alignment
    if alignment is None:
        for s in _style_chain(paragraph.style):
            if s.paragraph_format.alignment is not None:
                alignment = s.paragraph_format.alignment
                break
    return alignment is not None and int(alignment) == 1  # WD_ALIGN_PARAGRAPH.CENTER


def _runs(p: Any) -> list[Any]:
    """The runs shown with changes accepted: every w:r not inside a deletion or a moved-away part."""
    out = []
    for r in p.iter(f"{W}r"):
        parent = r.getparent()
        deleted = False
        while parent is not None and parent is not p:
            if parent.tag in (f"{W}del", f"{W}moveFrom"):
                deleted = True
                break
            parent = parent.getparent()
        if not deleted:
            out.append(r)
    return out


def _run_text(r: Any) -> str:
    parts = []
    for child in r:
        if child.tag == f"{W}t":
            parts.append(child.text or "")
        elif child.tag == f"{W}tab":
            parts.append(" ")
        elif child.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif child.tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def paragraphs(path: Path, shown: str) -> tuple[list[Para], list[str]]:
    """The paragraphs of a .docx, and the warnings about what was not carried over."""
    try:
        import docx
        from docx.opc.exceptions import OpcError
        from docx.text.paragraph import Paragraph
        from docx.text.run import Run
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ManuscriptError("读取 Word 文件需要 python-docx：pip install python-docx") from exc
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, OSError) as exc:
        hint = "（.doc 文件请先在 Word/WPS 中另存为 .docx）" if path.suffix.lower() == ".doc" else ""
        raise ManuscriptError(f"{shown}：不是可读的 Word .docx 文件{hint}（{exc.__class__.__name__}）") from exc

    paras: list[Para] = []
    warnings: list[str] = []
    number = 0  # paragraphs counted as Word shows them, empty ones included
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}tbl":
            rows = element.findall(f"{W}tr")
            cells = len(rows[0].findall(f"{W}tc")) if rows else 0
            first = clean("".join(t.text or "" for t in element.iter(f"{W}t")))[:16]
            warnings.append(f"{shown} 第 {number} 段之后：表格（{len(rows)} 行 × {cells} 列，“{first}…”）未导入，"
                            "简报正文不排表格，请改写成文字或另行附送")
            continue
        if element.tag != f"{W}p":
            continue
        number += 1
        paragraph = Paragraph(element, document)
        place = f"{shown} 第 {number} 段"
        runs = _runs(element)
        pieces = [(_run_text(r), Run(r, paragraph)) for r in runs]
        raw = "".join(text for text, _ in pieces)
        if element.find(f".//{W}drawing") is not None or element.find(f".//{W}pict") is not None:
            warnings.append(f"{place}：图片未导入（“{clean(raw)[:16]}…”处），简报正文不排图片")
        if element.find(f".//{W}footnoteReference") is not None or element.find(f".//{W}endnoteReference") is not None:
            warnings.append(f"{place}：脚注/尾注未导入（“{clean(raw)[:16]}…”），请把需要的内容写进正文")
        if element.find(f".//{W}commentReference") is not None or element.find(f".//{W}commentRangeStart") is not None:
            warnings.append(f"{place}：有批注，批注未导入")
        if element.find(f".//{W}ins") is not None or element.find(f".//{W}del") is not None:
            warnings.append(f"{place}：有修订记录，已按接受全部修订后的文字导入，请核对")
        text = clean(raw)
        if not text:
            continue
        style_bold = _style_bold(paragraph.style)
        bold = 0
        lead = ""
        for piece, run in pieces:
            if not piece.strip():
                lead += piece
                continue
            run_bold = run.bold if run.bold is not None else (
                bool(run.style.font.bold) if run.style is not None and run.style.font.bold is not None else style_bold)
            if not run_bold:
                break
            lead += piece
        else:
            bold = len(text)
        if not bold:
            bold = len(clean(lead)) if clean(lead) else 0
        sizes = [run.font.size.pt for _, run in pieces if run.font.size is not None]
        level = _style_level(paragraph.style)
        ppr = element.find(f"{W}pPr")
        outline = ppr.find(f"{W}outlineLvl") if ppr is not None else None
        if outline is not None and (outline.get(f"{W}val") or "9").isdigit() and int(outline.get(f"{W}val")) < 9:
            level = int(outline.get(f"{W}val")) + 1
        paras.append(Para(text, place, bold=min(bold, len(text)), level=level, centred=_centred(paragraph),
                          large=bool(sizes) and max(sizes) > BODY_SIZE_PT * 1.15))
    return paras, warnings
