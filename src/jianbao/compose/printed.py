"""What is printed, in one list: every text an issue (or a volume's front matter) shows, with the font
role that sets it and the source line it was typed on.

This is the realize step (as in Typst's realize → layout → export): it needs no fonts, so it comes
before font registration. The characters each font role must draw (:func:`chars_by_role`), the
punctuation advice (:mod:`.punctuation`) and the blocks themselves all take their texts from here —
the words the program adds (（共印N份）, 送：, 签发：…, 目录, the page number) are written once, below.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from jianbao.design.layout import HEADING_STYLES, TOC_HEADING, Layout
from jianbao.model import Closing, Heading, Issue
from jianbao.script import is_cjk

DIGITS = "0123456789"
CONTENTS_HEADING = TOC_HEADING


class Printed(NamedTuple):
    role: str  # the font role that draws it
    text: str
    line: int = 0  # the source line it was typed on; 0: the program's own words
    typed: bool = True  # typed by the user (checked for punctuation) or added by the program
    runs: tuple[tuple[str, str], ...] = ()  # (role, text) when parts of ``text`` take other roles


# -- the program's words ------------------------------------------------------------------------

def print_run_text(copies: int) -> str:
    return f"（共印{copies}份）"


def label_head(label: str) -> str:
    """送： 网址： 签发： …"""
    return f"{label}："


def signoff_text(closing: Closing, gap: int) -> str:
    """签发：…　　审核：…　　编辑：… on one line, ``gap`` ideographic spaces apart."""
    return ("\u3000" * gap).join(label_head(s.label) + s.value for s in closing.signoff)


def page_number_text(layout: Layout, label: str) -> str:
    return layout.page_number.format.format(n=label)


def masthead_number(issue: Issue) -> str:
    return issue.number_label + (issue.cumulative_label or "")


# -- the list -------------------------------------------------------------------------------------

def issue_texts(issue: Issue, layout: Layout) -> list[Printed]:
    """Everything the issue prints, in reading order."""
    out: list[Printed] = []
    m = layout.masthead
    s = layout.styles
    out.append(Printed(m.title.role, issue.series_title))
    if issue.edition:
        out.append(Printed(m.edition.role, issue.edition))
    out.append(Printed(m.number.role, masthead_number(issue), typed=False))
    out += [Printed(m.units.role, unit) for unit in issue.units]
    if issue.office:
        out.append(Printed(m.office.role, issue.office))
    out.append(Printed(m.date.role, issue.date_label, typed=False))
    out.append(Printed(s["toc_heading"].role, TOC_HEADING, typed=False))
    entry = s["toc_entry"]
    if entry.marker:
        out.append(Printed(entry.role, entry.marker, typed=False))
    # a contents entry repeats the title unless it was typed apart (contents_title)
    out += [Printed(entry.role, a.toc_text, a.line, typed=a.contents_title is not None) for a in issue.articles]
    latin = layout.typography.latin_role
    for article in issue.articles:
        for name, text in (("title", article.title), ("subtitle", article.subtitle),
                           ("byline", article.byline), ("dateline", article.dateline)):
            if text:
                out.append(Printed(s[name].role, text, article.line))
        for block in article.body:
            if isinstance(block, Heading):
                out.append(Printed(s[HEADING_STYLES[block.level]].role, block.text, block.line))
                continue
            runs: list[tuple[str, str]] = []
            for span in block.spans:
                role = s["lead" if span.emphasis else "body"].role
                if latin:  # Latin letters and digits in the Latin role
                    runs += [(role, "".join(ch for ch in span.text if is_cjk(ch))),
                             (latin, "".join(ch for ch in span.text if not is_cjk(ch)))]
                else:
                    runs.append((role, span.text))
            out.append(Printed(s["body"].role, block.text, block.line, runs=tuple(runs)))
    out += closing_texts(issue.closing, layout)
    out.append(Printed(layout.page_number.style.role, page_number_text(layout, DIGITS), typed=False))
    return out


def closing_texts(closing: Closing, layout: Layout) -> list[Printed]:
    role = layout.closing.style.role
    out: list[Printed] = []
    for d in closing.distribution:
        out.append(Printed(role, label_head(d.label), typed=False))
        out += [Printed(role, group) for group in d.groups]
        out.append(Printed(role, d.text, typed=False))  # the groups joined by ； and closed by 。
    if closing.print_run is not None:
        out.append(Printed(role, print_run_text(closing.print_run), typed=False))
    for item in (*closing.contacts, *closing.signoff):
        out.append(Printed(role, label_head(item.label), typed=False))
        out.append(Printed(role, item.value))
    return out


def chars_by_role(printed: Iterable[Printed]) -> dict[str, set[str]]:
    """Role → the set of characters drawn in that role (whitespace excluded)."""
    need: dict[str, set[str]] = {}
    for p in printed:
        for role, text in p.runs or ((p.role, p.text),):
            if text:
                need.setdefault(role, set()).update(text)
    for chars in need.values():
        chars.difference_update([ch for ch in chars if ch.isspace()])
    return need
