"""Which characters each font role must draw for an issue in a layout, and where they come from."""

from __future__ import annotations

from collections import defaultdict

from jianbao.compose.linebreak import is_cjk
from jianbao.design.layout import HEADING_STYLES, TOC_HEADING, Layout
from jianbao.model import Heading, Issue

DIGITS = "0123456789"


def chars_by_role(issue: Issue, layout: Layout) -> dict[str, set[str]]:
    """Role → the set of characters drawn in that role (whitespace excluded)."""
    need: dict[str, set[str]] = defaultdict(set)

    def add(role: str, *texts: str | None) -> None:
        for text in texts:
            if text:
                need[role].update(ch for ch in text if not ch.isspace())

    m = layout.masthead
    add(m.title.role, issue.series_title)
    add(m.edition.role, issue.edition)
    add(m.number.role, issue.number_label, issue.cumulative_label)
    add(m.units.role, *issue.units)
    add(m.office.role, issue.office)
    add(m.date.role, issue.date_label)
    s = layout.styles
    add(s["toc_heading"].role, TOC_HEADING)
    add(s["toc_entry"].role, s["toc_entry"].marker, *(a.toc_text for a in issue.articles))
    for article in issue.articles:
        add(s["title"].role, article.title)
        add(s["subtitle"].role, article.subtitle)
        add(s["byline"].role, article.byline)
        add(s["dateline"].role, article.dateline)
        for block in article.body:
            if isinstance(block, Heading):
                add(s[HEADING_STYLES[block.level]].role, block.text)
            else:
                for span in block.spans:
                    role = s["lead" if span.emphasis else "body"].role
                    latin = layout.typography.latin_role
                    add(role, "".join(ch for ch in span.text if not latin or is_cjk(ch)))
                    if latin:
                        add(latin, "".join(ch for ch in span.text if not is_cjk(ch)))
    c = issue.closing
    role = layout.closing.style.role
    for d in c.distribution:
        add(role, d.label, d.text, "：")
    if c.print_run is not None:
        add(role, f"（共印{c.print_run}份）")
    for item in (*c.contacts, *c.signoff):
        add(role, item.label, item.value, "：")
    add(layout.page_number.style.role, layout.page_number.format.replace("{n}", DIGITS))
    return dict(need)
