"""Plain text and Markdown manuscripts (``.txt``, ``.md``): UTF-8, or GB18030 (detected and said)."""

from __future__ import annotations

import re
from pathlib import Path

from jianbao.errors import ManuscriptError
from jianbao.manuscripts.recognise import Para, clean

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_BOLD_START = re.compile(r"^\*\*(.+?)\*\*(.*)$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>]+)>")


def decode(data: bytes, shown: str) -> tuple[str, str | None]:
    """The text, and what to say about its encoding (None for UTF-8)."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), f"{shown}：不是 UTF-8，按 GB18030（GBK）编码读取"
    except UnicodeDecodeError as exc:
        raise ManuscriptError(f"{shown}：无法识别的文字编码（既不是 UTF-8 也不是 GB18030），"
                              "请在编辑器中另存为 UTF-8") from exc


def read_text(path: Path, shown: str) -> tuple[str, str | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManuscriptError(f"{shown}：无法读取文件（{exc.strerror or exc.__class__.__name__}）") from exc
    return decode(data, shown)


def blocks(text: str) -> list[str]:
    """Paragraphs: one per line, or per blank-line block when the lines of a block are hard-wrapped
    (most lines of the file end without closing punctuation)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    wrapped = sum(len(g) - 1 for g in groups)
    unended = sum(1 for g in groups for line in g[:-1] if not line.rstrip().endswith(("。", "！", "？", "：", "”")))
    if wrapped and unended * 2 > wrapped:  # hard-wrapped blocks: one paragraph per block
        return ["\n".join(g) for g in groups]
    return [line for g in groups for line in g]


def paragraphs(text: str, markdown: bool, shown: str) -> list[Para]:
    out: list[Para] = []
    for number, block in enumerate(blocks(text), 1):
        level: int | None = None
        bold = 0
        if markdown:
            block = _MD_AUTOLINK.sub(r"\1", _MD_LINK.sub(r"\1", block))
            heading = _MD_HEADING.match(block.strip())
            if heading is not None:
                block = heading.group(2)
                hashes = len(heading.group(1))
                level = 0 if hashes == 1 and not out else min(hashes - 1, 4) or 1
            block = re.sub(r"^\s*[-*+]\s+", "", block)
            strong = _MD_BOLD_START.match(block.strip())
            if strong is not None:
                block = strong.group(1) + strong.group(2)
                bold = len(clean(strong.group(1)))
            block = block.replace("**", "")
        text_ = clean(block)
        if text_:
            out.append(Para(text_, f"{shown} 第 {number} 段", bold=min(bold, len(text_)), level=level))
    return out
