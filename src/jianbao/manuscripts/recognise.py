"""Recognising an article in a run of paragraphs: title, subtitle, byline, dateline, headings h1–h4
and lead sentences, from what the paragraphs show (Word styles, bold runs, centring, fonts of a PDF)
and from how offices number and write them (一、（一）1.（1）, 一是…。).

Every guess that rests on a pattern rather than on an explicit style is given a note, written into
the YAML as ``# 请核对：…`` so the editor can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jianbao.manuscripts.draft import DraftArticle, DraftBlock
from jianbao.script import is_cjk

LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
NUMBERING = (
    (1, re.compile(r"^[一二三四五六七八九十百]+、"), "一、"),
    (2, re.compile(r"^[（(][一二三四五六七八九十百]+[）)]"), "（一）"),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)"), "1."),
    (4, re.compile(r"^[（(]\d{1,2}[）)]"), "（1）"),
)
HEADING_MAX = 40  # a numbered line longer than this is a paragraph, not a heading
SENTENCE_END = "。！？；"
CLOSING_PUNCTUATION = "。！？；：…”’）》」』"
# 一是强化政治属性。以学习… → lead 一是强化政治属性。
LEAD = re.compile(r"^((?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+是)[^。！？]{1,60}?[。！？])(.*)$")
# A numbered heading run into its paragraph: （一）强化政治属性。以学习…
RUN_IN = re.compile(r"^([^。！？]{2,40}?[。！？])(.+)$")
DATE_LIKE = re.compile(r"(\d{4}|[〇一二三四五六七八九零]{4})\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日")
BYLINE_MAX = 30
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_BREAK = re.compile(r"\s*\n\s*")


@dataclass
class Para:
    """A paragraph as a manuscript or a print shows it."""

    text: str
    place: str = ""  # for notes and warnings: 第3段
    bold: int = 0  # number of characters at the start set in bold (len(text): all of it)
    level: int | None = None  # 0 title, 1–4 heading level, from a style or the print's fonts
    centred: bool = False
    large: bool = False  # set larger than the body text
    lines: int = 1  # lines it takes in a print (1 for manuscripts)

    @property
    def all_bold(self) -> bool:
        return bool(self.text) and self.bold >= len(self.text)


def join_lines(text: str) -> str:
    """Soft line breaks joined: nothing next to a CJK character, one space between two Latin words."""

    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if (before and is_cjk(before)) or (after and is_cjk(after)) else " "

    return _BREAK.sub(join, text.strip())


def clean(text: str) -> str:
    """A paragraph's text without its manual indent (　　, spaces, tabs) and with its soft breaks joined."""
    text = join_lines(text.replace("\r", "\n").replace("\v", "\n"))
    return text.strip(" \t\u3000\u00a0")


def numbering(text: str) -> tuple[int, str] | None:
    """The heading level and pattern a line's numbering shows: 一、 → (1, "一、")."""
    for level, pattern, shown in NUMBERING:
        if pattern.match(text):
            return level, shown
    return None


def is_heading_text(text: str) -> bool:
    """Short, and no sentence ends inside it."""
    inner = text[:-1]
    return len(text) <= HEADING_MAX and not any(c in inner for c in SENTENCE_END)


def ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in CLOSING_PUNCTUATION


def body_block(para: Para, *, fonts_known: bool = False) -> DraftBlock:
    """One body item from a paragraph. ``fonts_known``: bold and heading fonts are reliable (a PDF we can
    read the fonts of, a Word file): then a lead needs bold, not just the 一是 pattern."""
    text = para.text
    numbered = numbering(text)
    if para.level is not None and 1 <= para.level <= 4:
        level = numbered[0] if numbered is not None else para.level
        return DraftBlock(f"h{level}", text)
    if numbered is not None and is_heading_text(text) and para.lines <= 2 and (not para.bold or para.all_bold):
        level, shown = numbered
        return DraftBlock(f"h{level}", text, note=f"按“{shown}”识别为{LEVEL_NAMES[level]}标题")
    if 0 < para.bold < len(text):
        return DraftBlock("lead", text[para.bold :].strip(), lead=text[: para.bold].strip())
    if para.all_bold and not fonts_known:
        return DraftBlock("lead", "", lead=text, note="整段加粗，识别为段首句")
    if para.all_bold:
        return DraftBlock("lead", "", lead=text)
    if not fonts_known:
        lead = LEAD.match(text)
        if lead is not None:
            sentence = lead.group(1)
            marker = sentence[: sentence.index("是") + 1]
            return DraftBlock("lead", lead.group(2).strip(), lead=sentence,
                              note=f"按“{marker}……。”识别为段首句")
        if numbered is not None:
            run_in = RUN_IN.match(text)
            if run_in is not None and is_heading_text(run_in.group(1)):
                return DraftBlock("lead", run_in.group(2).strip(), lead=run_in.group(1),
                                  note=f"以“{numbered[1]}”开头的句子，识别为段首句"
                                  f"（若是小标题，请改为 h{numbered[0]}）")
    return DraftBlock("p", text)


def is_byline_like(para: Para) -> bool:
    text = para.text
    return (
        len(text) <= BYLINE_MAX
        and not any(c in text for c in "。，；：！？:")
        and numbering(text) is None
        and LEAD.match(text) is None
    )


def strip_brackets(text: str) -> str:
    if len(text) > 2 and text[0] in "（(【[" and text[-1] in "）)】]":
        return text[1:-1].strip()
    return text


def article(paras: list[Para], source: str, *, fonts_known: bool = False) -> DraftArticle | None:
    """The article in a manuscript's paragraphs (empty ones already dropped)."""
    paras = [p for p in paras if p.text]
    if not paras:
        return None
    start = 0
    for i, para in enumerate(paras[:3]):  # a Title style, or centred large text, near the top
        if para.level == 0 or (para.centred and para.large):
            start = i
            break
    head = paras[start]
    draft = DraftArticle(title=head.text, source=source)
    if head.level != 0 and not (head.centred and head.large):
        draft.notes["title"] = "按第一段识别为标题"
    if start:
        draft.notes["title"] = f"标题前的 {start} 段（{paras[0].text[:12]}…）未导入"
    rest = paras[start + 1 :]
    i = 0
    if i < len(rest) and rest[i].text.startswith(("——", "—", "--")) and len(rest[i].text) <= 60:
        draft.subtitle = "——" + rest[i].text.lstrip("—-").strip()
        i += 1
    while i < len(rest) and i < 4 and rest[i].level is None and is_byline_like(rest[i]):
        para = rest[i]
        if not (para.centred or not fonts_known):
            break
        value = strip_brackets(para.text)
        if DATE_LIKE.search(value) and draft.dateline is None:
            draft.dateline = value
            if not para.centred:
                draft.notes["dateline"] = "按标题下含日期的短行识别为时间地点"
        elif draft.byline is None and draft.dateline is None:
            draft.byline = value
            if not para.centred:
                draft.notes["byline"] = "按标题下的短行识别为署名"
        else:
            break
        i += 1
    draft.body = [body_block(para, fonts_known=fonts_known) for para in rest[i:]]
    return draft
