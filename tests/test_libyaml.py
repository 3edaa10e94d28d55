"""YAML through libyaml (jianbao.yamlfile.fast) gives exactly what PyYAML's pure-Python loader gives:
the same node tree with the same positions, the same model, the same layout and the same errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jianbao.design.load import load_layout
from jianbao.errors import LayoutError, ValidationFailed
from jianbao.source import load_issue, parse_issue
from jianbao.yamlfile import fast as fastyaml
from jianbao.yamlfile import nodes as yamlnodes

ROOT = Path(__file__).resolve().parents[1]
from conftest import DEFAULT_LAYOUT  # noqa: E402

GOOD = [ROOT / "content" / "2018-06.yaml", ROOT / "docs" / "example-issue.yaml"]
LAYOUT = DEFAULT_LAYOUT

pytestmark = pytest.mark.skipif(fastyaml.CheckedComposer is None, reason="PyYAML without libyaml")


def tree(node: Node) -> tuple:
    """Everything a node carries: kind, tag, value, style and both marks (index, line, column)."""
    marks = tuple((m.index, m.line, m.column) for m in (node.start_mark, node.end_mark))
    if isinstance(node, ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, SequenceNode):
        return ("sequence", node.tag, node.flow_style, marks, [tree(item) for item in node.value])
    assert isinstance(node, MappingNode)
    return ("mapping", node.tag, node.flow_style, marks, [(tree(k), tree(v)) for k, v in node.value])


def composed(compose: Callable[[str, str], yamlnodes.Composed], text: str) -> tuple:
    result = compose(text, "content/2018-06.yaml")
    return tree(result.root), [str(error) for error in result.errors]


def outcome(text: str) -> object:
    """What compose_text gives for ``text``: the tree and problems, or the error lines."""
    try:
        return composed(yamlnodes.compose_text, text)
    except ValidationFailed as failed:
        return [str(error) for error in failed.errors]


def variants(text: str) -> list[str]:
    """The text as written, with Windows line ends, and without the final line break."""
    return [text, text.replace("\n", "\r\n"), text.rstrip("\n")]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_a_good_file_gets_the_same_tree_from_libyaml(path: Path) -> None:
    for text in variants(path.read_text(encoding="utf-8")):
        # _compose_fast raises where it cannot vouch for the result: these files must not need that
        assert composed(yamlnodes._compose_fast, text) == composed(yamlnodes._compose_pure, text)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_a_good_file_gives_the_same_issue_either_way(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    stem = "2019-03" if path.name == "example-issue.yaml" else path.stem
    fast = parse_issue(text, str(path), stem=stem)
    monkeypatch.setattr(fastyaml, "available", lambda text: False)
    assert parse_issue(text, str(path), stem=stem) == fast


def test_the_layout_gets_the_same_data_from_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    for text in variants(LAYOUT.read_text(encoding="utf-8")):
        assert fastyaml._fast_safe_load(text) == yaml.safe_load(text)
    fast = load_layout(LAYOUT)
    monkeypatch.setattr(fastyaml, "available", lambda text: False)
    assert load_layout(LAYOUT) == fast


@pytest.mark.parametrize(
    "name",
    ["duplicate-key", "custom-tag", "date-with-time", "syntax-unclosed-quote", "syntax-two-documents",
     "tab-indentation", "anchor-and-alias", "deep-nesting", "lone-surrogate-escape", "bom-inside-text"],
)
def test_an_error_file_gives_the_same_messages_either_way(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "tests" / "bad" / f"{name}.yaml").read_text(encoding="utf-8")
    fast = outcome(text)
    monkeypatch.setattr(fastyaml, "available", lambda text: False)
    assert outcome(text) == fast


# Texts where libyaml and PyYAML disagree: libyaml accepts what PyYAML refuses, reads a scalar
# otherwise, or marks a position elsewhere. Each must come out as the pure-Python loader has it.
DISAGREEMENTS = [
    "title: 第一\t第二\n",  # a tab inside a plain scalar: libyaml accepts it
    "units: [嘉兴市工商联?总商会]\n",  # "?" inside a flow scalar: libyaml reads one scalar
    "units: [a:?b]\n",
    "units: [a ?b]\n",
    "units: {a: , b: c}\n",  # an empty value in a flow mapping: PyYAML marks it at the ":"
    "units: [a: ]\n",
    "series: 工商联\n\ufeffyear: 2018\n",  # libyaml skips a byte order mark at the start of any line
    "%YAML 1.3\n---\nseries: 工商联\n",  # libyaml refuses a YAML 1.3 document
    'series: "\\ud800"\n',  # libyaml refuses a lone surrogate escape
    "series: 工商联\n  信息\u2028下一行\n",
    "series: 第一行\r第二行\n",
    "articles:\n- body:\n  - >\n    第一行\n    第二行\n\n    第三行\n",  # a folded scalar keeps its breaks
    "articles:\n  - |2\n     缩进\n    文字\n",
    "series: '第一行\n\n  第二行'\nyear: \"2018\\n\\\n  6\"\n",
    "date: 2018-04-13\n  10:00:00\n",  # a timestamp when folded, text when its line break is kept
    "- a\n-",
    "a:\n  ? ",
]


@pytest.mark.parametrize("text", DISAGREEMENTS)
def test_where_libyaml_disagrees_the_pure_loader_decides(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = outcome(text)
    monkeypatch.setattr(fastyaml, "available", lambda text: False)
    assert outcome(text) == fast


def test_a_broken_layout_gives_the_same_message_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for number, broken in enumerate(("page: [1, 2\nstyles: {}\n", "page: {width: 1\tmm}\n", "colours: [a?b]\n")):
        path = tmp_path / f"broken{number}.yaml"
        path.write_text(LAYOUT.read_text(encoding="utf-8") + broken, encoding="utf-8")
        with pytest.raises(LayoutError) as fast:
            load_layout(path)
        with monkeypatch.context() as patch:
            patch.setattr(fastyaml, "available", lambda text: False)
            with pytest.raises(LayoutError) as pure:
                load_layout(path)
        assert str(fast.value) == str(pure.value)


YAMLISH = st.lists(
    st.sampled_from(
        [*"ab:-\n '\"[]{}#?,|>!&*%@`年题。\\", ": ", "- ", "\n  ", "\n- ", "\r\n", "|-\n  ", ">\n  ", "x?y", ":?"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_any_text_comes_out_as_the_pure_loader_has_it(text: str) -> None:
    fast = outcome(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastyaml, "available", lambda text: False)
        pure = outcome(text)
    assert fast == pure
    try:
        expected: object = yaml.safe_load(text)
    except yaml.YAMLError as error:
        expected = str(error)
    try:
        got: object = fastyaml.safe_load(text)
    except yaml.YAMLError as error:
        got = str(error)
    assert repr(got) == repr(expected)


def test_without_libyaml_everything_loads_with_the_pure_loader() -> None:
    """PyYAML built without libyaml: the same issue and layout, through the pure-Python loader."""
    code = (
        "import sys; sys.modules['yaml._yaml'] = None\n"  # as if PyYAML had been built without it
        "import yaml; assert not yaml.__with_libyaml__\n"
        "from pathlib import Path\n"
        "from jianbao.design.load import load_layout\n"
        "from jianbao.source import load_issue\n"
        "from jianbao.yamlfile import fast as fastyaml\n"
        "assert fastyaml.CheckedComposer is None and not fastyaml.available('a: b')\n"
        f"print(repr(load_issue(Path({str(GOOD[0])!r}))))\n"
        f"print(repr(load_layout(Path({str(LAYOUT)!r}))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{load_issue(GOOD[0])!r}\n{load_layout(LAYOUT)!r}\n"
