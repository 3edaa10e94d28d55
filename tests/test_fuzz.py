"""Fuzzing (hypothesis): whatever the input, the loader gives an Issue or located Chinese errors, and
the composer turns any valid issue into a PDF whose text is all there. Never another exception.

The number of examples is kept small so that the whole file runs in a few seconds; set
``JIANBAO_FUZZ_EXAMPLES`` (e.g. 2000) for a longer run: it multiplies every test's examples.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from jianbao.errors import UserError, ValidationFailed
from jianbao.model import Article, Closing, Distribution, Heading, Issue, LabelledValue, Paragraph, Span
from jianbao.source import load_issue, parse_issue
from pdftext import glyphs

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_TEXT = (ROOT / "content" / "2018-06.yaml").read_text(encoding="utf-8")
SCALE = max(1, int(os.environ.get("JIANBAO_FUZZ_EXAMPLES", "1")))
CJK = re.compile(r"[\u4e00-\u9fff]")


def examples(n: int) -> settings:
    return settings(
        max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def parse(text: str, stem: str = "2018-06") -> Issue | None:
    """The issue, or None after checking that every error is located and in Chinese."""
    try:
        issue = parse_issue(text, "content/2018-06.yaml", stem=stem)
    except ValidationFailed as failed:
        assert failed.errors
        for error in failed.errors:
            assert error.location.file == "content/2018-06.yaml"
            assert error.message and CJK.search(error.message), str(error)
            assert error.location.line >= 0 and error.location.column >= 0
        assert str(failed).endswith("未生成 PDF。")
        return None
    assert isinstance(issue, Issue)
    return issue


# -- the loader: text that is more or less YAML ----------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(
        list("abt: -\n\n  \t'\"[]{}&*!|>#?,%@`~=<年题文。“”\\") + list("\ufeff\x00\x07\u200b\u2028\x85\r0123456")
    ),
    max_size=120,
)


@examples(150)
@given(YAMLISH)
def test_random_yamlish_text(text: str) -> None:
    parse(text)


@examples(60)
@given(st.binary(max_size=200))
def test_random_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "2018-06.yaml"
    path.write_bytes(data)
    try:
        load_issue(path, "content/2018-06.yaml")
    except ValidationFailed as failed:
        assert all(e.location.file == "content/2018-06.yaml" and CJK.search(e.message) for e in failed.errors)


# -- the loader: the reference issue, damaged ------------------------------------------------------

SPECIAL = [*":-\"'\t[]{}&*!|>#%@`\\\ufeff\x00\x1b\u200b\u00ad\r\n ", "  ", ": ", "- ", "---\n", "...\n", "~"]
LINES = REFERENCE_TEXT.splitlines(keepends=True)
RETYPED = ["", "[]", "{}", "~", "0", "-1", "yes", "2018-02-30", "'", '"', "&a", "*a", "!!python/none", "|", ">"]


@st.composite
def damaged_reference(draw: st.DrawFn) -> str:
    """content/2018-06.yaml after a few random edits of the kinds people make by accident."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "cut", "truncate",
                                   "retype"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 4)) + line
        elif op == "dedent":
            lines[i] = line[draw(st.integers(1, 4)):] if line.startswith(" ") else line
        elif op in ("insert", "cut", "retype"):
            at = draw(st.integers(0, len(line)))
            if op == "insert":
                lines[i] = line[:at] + draw(st.sampled_from(SPECIAL)) + line[at:]
            elif op == "cut":
                lines[i] = line[:at] + line[at + draw(st.integers(1, 12)):]
            else:  # a value typed as something else
                key, sep, _ = line.partition(": ")
                if sep:
                    lines[i] = key + sep + draw(st.sampled_from(RETYPED)) + "\n"
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[i] = line[: draw(st.integers(0, len(line)))]
    return "".join(lines)


@examples(150)
@given(damaged_reference())
def test_damaged_reference_issue(text: str) -> None:
    parse(text)


@examples(20)
@given(damaged_reference())
def test_damaged_reference_saved_as_gbk(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("gbk") / "2018-06.yaml"
    path.write_bytes(text.encode("gb18030"))
    try:
        load_issue(path, "content/2018-06.yaml")
    except ValidationFailed as failed:
        assert any("UTF-8" in e.message for e in failed.errors) or all(CJK.search(e.message) for e in failed.errors)


# -- the validator: any YAML structure, near the real one ------------------------------------------

KEYS = ["series", "edition", "year", "number", "cumulative", "date", "units", "office", "layout", "keywords",
        "articles", "closing", "title", "subtitle", "contents", "byline", "dateline", "body", "lead", "text",
        "h1", "h2", "h3", "h4", "distribution", "label", "groups", "print_run", "contacts", "signoff", "标题",
        "titel", "网址"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 3000), st.floats(allow_nan=True), st.dates(),
    st.sampled_from(["", " ", "2018-04-13", "2018年4月13日", "工商联信息", "正文。", "送", "a: b", "<b>&amp;",
                     "\u200b", "六", "06"]),
    st.text(max_size=12),
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.integers(0, 3)), children, max_size=5),
    ),
    max_leaves=25,
)


@examples(100)
@given(st.dictionaries(st.sampled_from(KEYS[:12]), TREES, max_size=12))
def test_random_structures(tree: dict) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True, default_flow_style=None)
    parse(text)


def _reference_tree() -> dict:
    return yaml.safe_load(REFERENCE_TEXT)


@examples(60)
@given(st.data())
def test_reference_with_one_value_replaced(data: st.DataObject) -> None:
    """One value anywhere in the reference issue replaced by an arbitrary structure."""
    tree = _reference_tree()
    node, path = tree, []
    while isinstance(node, dict | list) and node:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys))
        path.append(key)
        if data.draw(st.booleans()):
            break
        node = node[key]
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(TREES)
    parse(yaml.safe_dump(tree, allow_unicode=True))


# -- the composer: random valid issues ---------------------------------------------------------------

# Characters every font role draws: those of the reference issue (they are printed in the reference
# build), plus ASCII and the characters ReportLab markup would interpret.
ALPHABET = sorted({ch for ch in REFERENCE_TEXT if not ch.isspace() and ord(ch) > 0x2000} | set("AZaz09<>&;#/='\"."))
TEXT_CHARS = st.sampled_from([*ALPHABET, " "])


def words(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(TEXT_CHARS, min_size=min_size, max_size=max_size).map(str.strip).filter(bool)


def long_words(max_size: int) -> st.SearchStrategy[str]:
    """Mostly short, sometimes very long (several pages)."""
    return st.one_of(words(max_size=30), words(max_size=30).map(lambda w: (w + "，") * (max_size // (len(w) + 1))))


BLOCKS = st.one_of(
    long_words(1500).map(lambda t: Paragraph((Span(t),))),
    st.tuples(words(max_size=30), st.one_of(st.just(""), words(max_size=200))).map(
        lambda p: Paragraph((Span(p[0], True), Span(p[1])) if p[1] else (Span(p[0], True),))
    ),
    st.tuples(st.integers(1, 4), long_words(200)).map(lambda h: Heading(h[0], h[1])),
)
ARTICLES = st.builds(
    Article,
    title=long_words(400),
    body=st.lists(BLOCKS, min_size=0, max_size=8).map(tuple),
    subtitle=st.none() | words(),
    contents_title=st.none() | words(max_size=80),
    byline=st.none() | words(max_size=10),
    dateline=st.none() | words(max_size=20),
)
LABELLED = st.builds(LabelledValue, words(max_size=4), words(max_size=60))
CLOSINGS = st.builds(
    Closing,
    distribution=st.lists(
        st.builds(Distribution, words(max_size=4), st.lists(words(max_size=40), min_size=1, max_size=60).map(tuple)),
        max_size=3,
    ).map(tuple),
    print_run=st.none() | st.integers(1, 10**6),
    contacts=st.lists(LABELLED, max_size=6).map(tuple),
    signoff=st.lists(LABELLED, max_size=4).map(tuple),
)
ISSUES = st.builds(
    Issue,
    id=st.just("2018-06"),
    source=st.just("content/2018-06.yaml"),
    series_title=words(max_size=12),
    year=st.integers(1949, 2100),
    number=st.integers(1, 99),
    date=st.dates(dt.date(1949, 1, 1), dt.date(2100, 12, 31)),
    units=st.lists(words(max_size=24), min_size=1, max_size=4).map(tuple),
    office=words(max_size=12),
    articles=st.lists(ARTICLES, min_size=0, max_size=3).map(tuple),
    closing=CLOSINGS,
    edition=st.none() | words(max_size=6),
    cumulative=st.none() | st.integers(1, 9999),
    keywords=st.lists(words(max_size=10), max_size=3).map(tuple),
)


@pytest.fixture(scope="module")
def composer() -> object:
    """The default layout and fonts registered once for every character the issues may use."""
    from jianbao.compose import Fonts
    from jianbao.compose.printed import chars_by_role, issue_texts
    from jianbao.design.load import layout_path, load_layout
    from jianbao.pipeline import Project

    project = Project(ROOT)
    layout = load_layout(layout_path(project.layouts, "default"))
    library = project.font_library()
    text = "".join(ALPHABET) + "0123456789"
    everything = Issue(
        id="2018-06", source="x", series_title=text, year=2018, number=6, date=dt.date(2018, 4, 13),
        units=(text,), office=text, edition=text, cumulative=1,
        articles=(Article(text, (Paragraph((Span(text, True), Span(text))),
                                 *(Heading(level, text) for level in range(1, 5))),
                          subtitle=text, contents_title=text, byline=text, dateline=text),),
        closing=Closing((Distribution(text, (text,)),), 1, (LabelledValue(text, text),), (LabelledValue(text, text),)),
    )
    chars = chars_by_role(issue_texts(everything, layout))
    for role in chars:
        assert not library.missing(role, chars[role]), f"a font of role {role} lacks reference characters"
    return layout, Fonts(library.register(chars)), chars


def _texts(issue: Issue) -> list[str]:
    """Every text of the issue that must be found in the PDF."""
    out = [issue.series_title, *issue.units, issue.office, *([issue.edition] if issue.edition else [])]
    for article in issue.articles:
        out += [article.title, article.toc_text]
        out += [t for t in (article.subtitle, article.byline, article.dateline) if t]
        out += [block.text for block in article.body]
    c = issue.closing
    out += [group for d in c.distribution for group in d.groups]
    out += [f"{item.label}：{item.value}" for item in c.signoff]
    return out  # contacts: see _contact_chars (two columns interleave their lines)


def _contact_chars(issue: Issue) -> Counter[str]:
    return Counter(_squeeze("".join(f"{item.label}：{item.value}" for item in issue.closing.contacts)))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(parent=examples(12), phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no slow shrinking
@given(ISSUES)
def test_any_valid_issue_composes_with_all_its_text(composer: tuple, tmp_path_factory: pytest.TempPathFactory,
                                                     issue: Issue) -> None:
    from jianbao.compose import compose
    from jianbao.compose.printed import chars_by_role, issue_texts
    from jianbao.render.pdf import render_pdf

    layout, fonts, registered = composer
    for role, chars in chars_by_role(issue_texts(issue, layout)).items():
        assert chars <= registered[role]
    path = tmp_path_factory.mktemp("pdf") / "2018-06.pdf"
    try:
        document = compose(issue, layout, fonts)
    except UserError:
        return  # a clear user error is an acceptable outcome
    render_pdf(document, path)
    reader = PdfReader(path)
    assert len(reader.pages) == len(document.pages) >= 1
    pages = []
    for page in reader.pages:
        lines = page.extract_text().splitlines()
        pages.append("".join(line for line in lines if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", line)))
    printed = _squeeze("".join(pages))
    missing = [text for text in _texts(issue) if _squeeze(text) not in printed]
    assert not missing, missing[:3]
    assert not _contact_chars(issue) - Counter(printed)
    # nothing overflows the text block sideways (a hanging mark may stand one cell outside)
    left, right = layout.page.margin_left, layout.page.margin_left + layout.page.block_width
    for index in range(len(document.pages)):
        for glyph in glyphs(path, index):
            assert left - 1 <= glyph.x <= right + layout.page.cell, (index, glyph)
