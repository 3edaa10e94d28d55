"""A printed issue back into a whole source: from its PDF (pypdf) or from its text as extracted
(``2018-06-print.txt``). This is how an office brings its back issues into the archive.

The masthead gives series, edition, 期号/总期号, units, office and date; the contents (regenerated on
every build, so not kept) tell which lines are titles and which titles have a different contents
entry; then come the articles, and the closing block (送/报/发 groups split at ；, 共印N份, contact
lines, 签发/审核/编辑). Page numbers and running marks are dropped, paragraphs broken by a page
are joined again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from jianbao.manuscripts.draft import DraftArticle, DraftIssue
from jianbao.manuscripts.pdflines import Line, read_lines
from jianbao.manuscripts.recognise import HEADING_MAX, Para, article, ends_sentence, join_lines, numbering
from jianbao.model import Closing, Distribution, LabelledValue

NUMBER_LINE = re.compile(r"^(\d{4})\s*年\s*第\s*(\d+)\s*期\s*(?:[（(]\s*总\s*第\s*(\d+)\s*期\s*[）)])?$")
DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
CONTENTS_HEAD = "目录"
ENTRY_MARK = re.compile(r"^(?:[-*]\s+)?※\s*")
PRINT_RUN = re.compile(r"^[（(]?\s*共印\s*(\d+)\s*份\s*[）)]?$")
LABELLED = re.compile(r"^([^：:\s]{1,8})[：:]\s*(.+)$")
DISTRIBUTION_LABELS = ("送", "报", "发", "抄送", "抄报", "主送", "分送", "报送", "本期增发", "增发")
SIGNOFF_LABELS = ("签发", "审核", "审稿", "核稿", "编辑", "责任编辑", "责编", "主编", "校对", "撰稿", "统稿", "签批")
CONTACT_LABELS = ("网址", "邮箱", "电子邮箱", "电话", "传真", "地址", "邮编", "微信公众号", "微信", "联系人", "QQ")
_CONTACT_SPLIT = re.compile("(?<=\\S)(?=(?:" + "|".join(CONTACT_LABELS + SIGNOFF_LABELS) + ")：)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<([^<>\s]+)>")
HEADING_FACES = {"sans": 1, "kai": 2}
_CELL_GAP = re.compile(r"[\u3000]+|\s{2,}")


def _plain(line: str) -> str:
    """A line of extracted text without Markdown left-overs (``<http://…>``, ``[x](#)``)."""
    return _MD_AUTOLINK.sub(r"\1", _MD_LINK.sub(r"\1", line)).strip()


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- masthead ---------------------------------------------------------------------------------------


def masthead(cells: list[str], issue: DraftIssue) -> None:
    """Series, edition, 期号, units, office and date from the masthead's cells, in reading order."""
    rest: list[str] = []
    numbered = False
    for index, cell in enumerate(_joined_numbers(cells)):
        squeezed = _squeeze(cell)
        if not squeezed:
            continue
        number = NUMBER_LINE.match(squeezed)
        date = DATE_LINE.match(squeezed)
        if index == 0 or not issue.series:
            issue.series = squeezed
        elif number is not None:
            issue.year, issue.number = int(number.group(1)), int(number.group(2))
            issue.cumulative = int(number.group(3)) if number.group(3) else None
            numbered = True
        elif date is not None:
            issue.date = dt.date(*(int(g) for g in date.groups()))
        elif not numbered and len(squeezed) <= 6:
            issue.edition = squeezed.strip("（）()")
        elif squeezed.endswith("编") and len(squeezed) <= 12:
            issue.office = squeezed
        else:
            rest.append(squeezed)
    issue.units = tuple(rest)


_NUMBERISH = set("0123456789年第期月日总（）() \u3000")


def _joined_numbers(cells: list[str]) -> list[str]:
    """The cells with the pieces of one 期号 or date joined again: the layout's Han–digit gap sets
    “2018 年第 6 期” as several text objects."""
    out: list[str] = []
    for cell in (c.strip() for c in cells):
        if out and cell and set(cell) <= _NUMBERISH and set(out[-1]) <= _NUMBERISH and out[-1]:
            out[-1] += cell
        else:
            out.append(cell)
    return out


# -- closing block ----------------------------------------------------------------------------------


def is_closing_line(text: str) -> bool:
    text = _squeeze(_plain(text))
    if PRINT_RUN.match(text):
        return True
    labelled = LABELLED.match(text)
    if labelled is None:
        return False
    label = labelled.group(1)
    return label in DISTRIBUTION_LABELS or label in SIGNOFF_LABELS or label in CONTACT_LABELS


def closing(cells: list[str]) -> Closing:
    """The closing block from its cells in reading order."""
    pieces: list[str] = []
    for cell in cells:
        for part in _CELL_GAP.split(_plain(cell)):
            pieces.extend(p.strip() for p in _CONTACT_SPLIT.split(part) if p.strip())
    # a distribution line broken over lines ends with 。: join its pieces
    joined: list[str] = []
    for piece in pieces:
        labelled = LABELLED.match(piece)
        if joined and not joined[-1].endswith("。") and _is_distribution(joined[-1]) and (
                labelled is None or labelled.group(1) not in DISTRIBUTION_LABELS):
            joined[-1] = join_lines(joined[-1] + "\n" + piece)
        else:
            joined.append(piece)
    distribution: list[Distribution] = []
    contacts: list[LabelledValue] = []
    signoff: list[LabelledValue] = []
    print_run: int | None = None
    for piece in joined:
        run = PRINT_RUN.match(_squeeze(piece))
        if run is not None:
            print_run = int(run.group(1))
            continue
        labelled = LABELLED.match(piece)
        if labelled is None:
            continue
        label, value = labelled.group(1), labelled.group(2).strip()
        if _is_distribution(piece):
            groups = tuple(g.strip() for g in value.rstrip("。").split("；") if g.strip())
            distribution.append(Distribution(label, groups))
        elif label in SIGNOFF_LABELS:
            signoff.append(LabelledValue(label, value))
        else:
            contacts.append(LabelledValue(label, value))
    return Closing(tuple(distribution), print_run, tuple(contacts), tuple(signoff))


def _is_distribution(text: str) -> bool:
    labelled = LABELLED.match(text)
    return labelled is not None and labelled.group(1) in DISTRIBUTION_LABELS


# -- articles ---------------------------------------------------------------------------------------


def _articles(paras: list[Para], contents: list[str], shown: str, fonts_known: bool) -> list[DraftArticle]:
    """Split the body into articles at its titles (a title's paragraph has level 0) and recognise each."""
    starts = [i for i, p in enumerate(paras) if p.level == 0]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    out: list[DraftArticle] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(paras)
        draft = article(paras[start:end], shown, fonts_known=fonts_known)
        if draft is None:
            continue
        draft.source = ""  # the whole file is one issue: no per-article origin
        if n < len(contents) and _squeeze(contents[n]) != _squeeze(draft.title):
            draft.contents = contents[n]
        elif n < len(contents) and contents[n] != draft.title:
            draft.title = contents[n]  # a title broken over two lines at a space: the contents line kept it
        if paras[start].level != 0:
            draft.notes["title"] = "目录中找不到这一行：按正文第一段识别为标题"
        else:
            draft.notes.pop("title", None)
        out.append(draft)
    return out


def _mark_titles(paras: list[Para], contents: list[str]) -> None:
    """Text without fonts: a paragraph is a title when it is the next contents entry (or its end)."""
    k = 0
    for para in paras:
        if k >= len(contents):
            break
        entry, text = _squeeze(contents[k]), _squeeze(para.text)
        if text and not ends_sentence(text) and (entry == text or (len(text) >= 6 and entry.endswith(text))):
            para.level, para.centred, para.large = 0, True, True
            k += 1


def _broken_by_page(para: Para) -> bool:
    """A paragraph cut by a page break: it ends without closing punctuation, and it is not a title,
    heading, byline or dateline (those are short and no sentence ends inside them)."""
    text = para.text
    if para.level is not None or ends_sentence(text):
        return False
    if len(text) > HEADING_MAX or any(c in text[:-1] for c in "。！？；"):
        return True
    return numbering(text) is None and "，" in text


# -- from extracted text ----------------------------------------------------------------------------


def from_text(text: str, shown: str) -> DraftIssue:
    """A printed issue's extracted text: one paragraph per line (blank lines between them allowed)."""
    lines = [_plain(line) for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line and not re.match(r"^[—–-]\s*\d+\s*[—–-]$", line)]
    issue = DraftIssue()
    head = next((i for i, line in enumerate(lines) if _squeeze(line) == CONTENTS_HEAD), None)
    contents: list[str] = []
    if head is not None:
        mast = lines[:head]
        i = head + 1
        while i < len(lines) and ENTRY_MARK.match(lines[i]):
            contents.append(ENTRY_MARK.sub("", lines[i]).strip())
            i += 1
    else:  # no contents: the masthead ends with its date
        end = next((j for j, line in enumerate(lines[:12]) if DATE_LINE.match(_squeeze(line))), 0)
        mast, i = lines[: end + 1], end + 1
    masthead(mast, issue)
    body = lines[i:]
    tail = len(body)
    while tail > 0 and is_closing_line(body[tail - 1]):
        tail -= 1
    issue.closing = closing(body[tail:])
    lines_ = [Para(line.strip(" \u3000"), f"{shown} 第 {number} 行") for number, line in enumerate(body[:tail], i + 1)]
    _mark_titles(lines_, contents)
    paras: list[Para] = []
    for para in lines_:
        previous = paras[-1] if paras else None
        if previous is not None and para.level is None and _broken_by_page(previous):
            previous.text = join_lines(previous.text + "\n" + para.text)
            continue
        paras.append(para)
    issue.articles = _articles(paras, contents, shown, fonts_known=False)
    return issue


# -- from a PDF -------------------------------------------------------------------------------------


def from_pdf(path: Path, shown: str) -> DraftIssue:
    lines, keywords = read_lines(path, shown)
    issue = DraftIssue(keywords=keywords)
    if not lines:
        issue.articles = []
        return issue
    body_size = Counter(round(line.size) for line in lines).most_common(1)[0][0]
    title_size = body_size * 1.2
    first_title = next((i for i, line in enumerate(lines) if line.page == 0 and i > 0 and line.size >= title_size
                        and line.size < lines[0].size and not _is_edition(line, lines)), len(lines))
    head = next((i for i, line in enumerate(lines) if _squeeze(line.text) == CONTENTS_HEAD), None)
    mast_end = head if head is not None else first_title
    masthead([cell.text for line in lines[:mast_end] for cell in line.objects], issue)
    contents: list[str] = []
    i = mast_end + 1 if head is not None else mast_end
    while i < len(lines) and lines[i].size < title_size:
        text = lines[i].text.strip()
        if ENTRY_MARK.match(text):
            contents.append(ENTRY_MARK.sub("", text))
        elif contents:
            contents[-1] = join_lines(contents[-1] + "\n" + text)
        i += 1
    body = lines[i:]
    tail = len(body)
    while tail > 0 and body[tail - 1].size < body_size - 0.5:
        tail -= 1
    issue.closing = closing([cell.text for line in body[tail:] for cell in line.cells])
    body_lines = body[:tail]
    left = min((line.x for line in body_lines if round(line.size) == body_size), default=0.0)
    paras = _pdf_paragraphs(body_lines, left, body_size, title_size, shown)
    issue.articles = _articles(paras, contents, shown, fonts_known=True)
    # with none of its own, an issue's PDF carries its series, number and edition as keywords
    printed = {issue.series, f"{issue.year}年第{issue.number}期", issue.edition or ""}
    issue.keywords = tuple(k for k in keywords if k not in printed)
    return issue


def _is_edition(line: Line, lines: list[Line]) -> bool:
    """The masthead's 专刊 line: large, right under the series, above the 期号."""
    return line.page == 0 and len(_squeeze(line.text)) <= 6 and any(
        NUMBER_LINE.match(_squeeze(other.text)) for other in lines[:8] if other.y < line.y)


def _pdf_paragraphs(lines: list[Line], left: float, body_size: int, title_size: float, shown: str) -> list[Para]:
    paras: list[Para] = []
    current: Para | None = None
    current_kind = ""
    for line in lines:
        size = line.size
        is_title = size >= title_size
        at_left = abs(line.x - left) < size * 0.5
        kind = "title" if is_title else ("body" if at_left or abs(line.x - left - 2 * size) < size * 0.5 else "centred")
        text = line.text.strip()
        bold_prefix = 0
        for piece in line.pieces:
            if not piece.text.strip() and not bold_prefix:
                continue
            if not piece.bold:
                break
            bold_prefix += len(piece.text.strip() if not bold_prefix else piece.text)
        if current is not None and (
            (kind == "title" and current_kind == "title")
            or (kind == "body" and at_left and current_kind == "body")
        ):
            lead_goes_on = current.all_bold and bold_prefix > 0  # a lead sentence broken over lines
            joined = join_lines(current.text + "\n" + text)
            if lead_goes_on:
                current.bold = len(joined) - len(text) + min(bold_prefix, len(text))
            current.text = joined
            current.lines += 1
            continue
        place = f"{shown} 第 {line.page + 1} 页"
        faces = {piece.face for piece in line.pieces if piece.text.strip()}
        level: int | None = 0 if is_title else None
        if kind == "body" and not bold_prefix and faces in ({"sans"}, {"kai"}):
            level = HEADING_FACES[faces.pop()]  # 黑体 and 楷体 set the first two heading levels
        current = Para(text, place, bold=min(bold_prefix, len(text)), level=level,
                       centred=kind != "body", large=is_title)
        current_kind = kind
        paras.append(current)
    return paras
