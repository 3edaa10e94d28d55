"""make-issue watch loads the issue after every save through an IssueMemo, which patches the node tree of
the last load when an edit stays inside one paragraph: after any series of edits, valid or not, with
lines inserted and removed, it must give what a cold load gives (the same issue, the same errors with
file:line:column and field, the same node tree with the same marks)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from conftest import ROOT
from jianbao.errors import ValidationFailed
from jianbao.source import incremental, parse_issue
from jianbao.source.incremental import IssueMemo
from jianbao.yamlfile.nodes import compose_text

FILE = "content/2018-06.yaml"
TEXT = (ROOT / FILE).read_text(encoding="utf-8")
EDITED = "会上，市工商联副主席孙昌佩传达了"
# what the random edits type: Chinese text, ASCII, YAML's special characters, a zero-width space (an
# error), a control character (fatal), a tab, the placeholder (an error), a key with the Chinese colon
TYPED = [*"会议指出，市工商联abc 123:#-'\"[]{}!&*>|%@`?。 ：", "\u200b", ": ", " #", "\x07", "\t", "【待填写】",
         "title：", "\ufeff", "\n", "\n      - ", "\n  - title: 新"]


def _tree(node: Node) -> tuple[Any, ...]:
    def mark(m: Any) -> tuple[int, int, int]:
        return (m.index, m.line, m.column)

    style = node.style if isinstance(node, ScalarNode) else node.flow_style
    head = (type(node).__name__, node.tag, style, mark(node.start_mark), mark(node.end_mark))
    if isinstance(node, ScalarNode):
        return (*head, node.value)
    if isinstance(node, SequenceNode):
        return (*head, *(_tree(child) for child in node.value))
    assert isinstance(node, MappingNode)
    return (*head, *((_tree(key), _tree(value)) for key, value in node.value))


def _outcome(load: Callable[[], object]) -> tuple[str, object]:
    try:
        return ("issue", load())
    except ValidationFailed as exc:
        return ("errors", [str(error) for error in exc.errors])


def _edits(seed: int, steps: int, first: str = TEXT) -> list[str]:
    """A series of saves: characters typed, deleted and replaced anywhere, lines copied elsewhere,
    now and then the original file again."""
    rng = random.Random(seed)
    text, out = first, []
    for _ in range(steps):
        i = rng.randrange(len(text) + 1)
        op = rng.random()
        if op < 0.04:
            text = first
        elif op < 0.45:
            text = text[:i] + rng.choice(TYPED) + text[i:]
        elif op < 0.75:
            if text[i : i + 1] != "\n" or op < 0.5:
                text = text[:i] + text[i + rng.randint(1, 2) :]
        elif op < 0.95:
            if text[i : i + 1] != "\n":
                text = text[:i] + rng.choice(TYPED) + text[i + 1 :]
        else:
            lines = text.split("\n")
            lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
        out.append(text)
    return out


def _first_difference(saves: list[str], memo: IssueMemo) -> str | None:
    """Where loading ``saves`` one after the other through ``memo`` first differs from cold loads."""
    for n, text in enumerate(saves):
        warm = _outcome(lambda: memo.parse(text, FILE, stem="2018-06"))  # noqa: B023 (called at once)
        cold = _outcome(lambda: parse_issue(text, FILE, stem="2018-06"))  # noqa: B023
        if warm != cold:
            return f"save {n}: {warm} != {cold}"
        state = memo._state
        if state is not None and _tree(state.composed.root) != _tree(compose_text(text, FILE).root):
            return f"save {n}: the node tree differs from a cold load's"
    return None


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_a_series_of_edits_loads_as_cold_loads_do(seed: int) -> None:
    memo = IssueMemo()
    assert _first_difference(_edits(seed, 250), memo) is None
    assert memo.patched >= 10 and memo.composed >= 10  # both paths were taken, many times


def test_a_series_of_edits_of_a_file_saved_with_windows_line_breaks_loads_as_cold_loads_do() -> None:
    memo = IssueMemo()
    assert _first_difference(_edits(5, 250, TEXT.replace("\n", "\r\n")), memo) is None
    assert memo.patched >= 10 and memo.composed >= 10


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_typing_a_paragraph_one_character_at_a_time_patches_every_save(newline: str) -> None:
    memo = IssueMemo()
    typed = "，会议强调：要以“三强六好”为目标（ABC2018）100%#1a:b"
    text = TEXT.replace("\n", newline)
    saves = [text.replace(EDITED, EDITED + typed[:n], 1) for n in range(len(typed) + 1)]
    assert _first_difference(saves, memo) is None
    assert memo.composed == 1 and memo.patched == len(typed)


def _broken_moves(wrong: str) -> Callable[[Any, int, int], Any]:
    def moved(mark: Any, delta: int, line: int) -> Any:
        column = mark.column + delta if mark.line == line and wrong != "column" else mark.column
        index = mark.index if wrong == "index" else mark.index + delta
        return type(mark)(mark.name, index, mark.line, column, mark.buffer, mark.pointer)

    return moved


def _no_shift(later: list[Node], delta: int) -> None:
    pass


@pytest.mark.parametrize("wrong", ["index", "column", "later"])
def test_the_comparison_notices_marks_patched_wrongly(wrong: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The series above would fail if the fast path moved the marks wrongly: those of the edited
    scalar's end and the nodes around it (index, column), or of the nodes on later lines."""
    if wrong == "later":
        monkeypatch.setattr(incremental, "_shift", _no_shift)
    else:
        monkeypatch.setattr(incremental, "_moved", _broken_moves(wrong))
    saves = [TEXT.replace(EDITED, EDITED + "，会议强调"[:n], 1) for n in range(5)]
    assert _first_difference(saves, IssueMemo()) is not None


def _errors(memo: IssueMemo, text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        memo.parse(text, FILE, stem="2018-06")
    warm = [str(error) for error in failed.value.errors]
    with pytest.raises(ValidationFailed) as cold:
        parse_issue(text, FILE, stem="2018-06")
    assert warm == [str(error) for error in cold.value.errors]
    return warm


def test_errors_keep_their_line_column_and_field_through_edits_and_inserted_lines() -> None:
    memo = IssueMemo()
    memo.parse(TEXT, FILE, stem="2018-06")
    line = TEXT[: TEXT.index(EDITED)].count("\n") + 1  # 25
    # a zero-width space typed inside the paragraph: located at that character
    spaced = TEXT.replace("会上，市工商联", "会上，市\u200b工商联", 1)
    assert _errors(memo, spaced) == [f"{FILE}:{line}:13 articles[1].body[1]：含有零宽空格（U+200B），"
                                     "常见于从网页或 Word 复制的文字，看不见；请删除它"]
    # more typed before it on the same line: the column moves
    spaced = spaced.replace("会上，", "会上，今天", 1)
    assert _errors(memo, spaced)[0].startswith(f"{FILE}:{line}:15 articles[1].body[1]：含有零宽空格")
    # a paragraph inserted above: the line moves, and so does the field
    above = "      - 4月4日，市工商联召开"
    inserted = spaced.replace(above, "      - 新的一段。\n" + above, 1)
    assert _errors(memo, inserted)[0].startswith(f"{FILE}:{line + 1}:15 articles[1].body[2]：含有零宽空格")
    # a placeholder in the last article, then an edit further up: both errors where a cold load puts them
    tail = TEXT.rindex("      - ")
    placeholder = inserted[: tail + 1] + inserted[tail + 1 :].replace("      - ", "      - 【待填写】", 1)
    errors = _errors(memo, placeholder)
    assert len(errors) == 2 and "make-issue new 写下的占位内容" in errors[1]
    edited = placeholder.replace("今天", "今天上午", 1)
    assert _errors(memo, edited)[1] == errors[1]  # the other article's error, kept as it was
    assert _errors(memo, edited)[0].startswith(f"{FILE}:{line + 1}:17 articles[1].body[2]")
    assert memo.patched >= 3
    # and back to a good file: the issue a cold load gives
    good = edited.replace("\u200b", "").replace("【待填写】", "")
    assert memo.parse(good, FILE, stem="2018-06") == parse_issue(good, FILE, stem="2018-06")


def test_a_save_that_changes_nothing_gives_the_same_outcome_again() -> None:
    memo = IssueMemo()
    bad = TEXT.replace("会上，", "会上，【待填写】", 1)
    first = _errors(memo, bad)
    assert _errors(memo, bad) == first
    assert memo.parse(TEXT, FILE, stem="2018-06") is memo.parse(TEXT, FILE, stem="2018-06")


def test_a_fatal_syntax_error_then_a_paragraph_edit_composes_again(tmp_path: Path) -> None:
    memo = IssueMemo()
    memo.parse(TEXT, FILE, stem="2018-06")
    broken = TEXT.replace("    body:", "    body :\n  x", 1)
    assert _errors(memo, broken)
    edited = TEXT.replace(EDITED, EDITED + "，又", 1)
    assert memo.parse(edited, FILE, stem="2018-06") == parse_issue(edited, FILE, stem="2018-06")
    path = tmp_path / "2018-06.yaml"
    path.write_text(edited, encoding="utf-8")
    issue, text = memo.load(path, "2018-06.yaml")
    assert text == edited and issue.source == "2018-06.yaml"  # another name: composed, not patched


def _prepared_view(prepared: Any) -> tuple[Any, ...]:
    return (prepared.issue, prepared.chars, [str(w) for w in prepared.warnings], prepared.stand_ins,
            prepared.stand_fonts, prepared.source_lines)


def test_a_warm_prepare_gives_what_a_cold_one_gives_after_each_save(project_copy: Path) -> None:
    """The whole prepare step of make-issue watch: the issue, the characters of each font role (a
    character new to the issue, one no longer used, ASCII punctuation that draws a warning), the
    warnings, the stand-in fonts told; and the same errors for an invalid save."""
    from jianbao.errors import UserError
    from jianbao.pipeline import Project, prepare
    from jianbao.warm import Warm

    source = project_copy / "content" / "2018-06.yaml"
    project = Project(project_copy)
    warm = Warm()
    saves = [
        TEXT,
        TEXT.replace(EDITED, EDITED + "鑫龘", 1),  # characters the issue never had
        TEXT.replace(EDITED, "会上，副主席传达了", 1),  # characters gone
        TEXT.replace(EDITED, EDITED + "(ABC, xyz)", 1),  # ASCII punctuation: a located warning
        TEXT.replace(EDITED, EDITED + "【待填写】", 1),  # an error
        TEXT.replace("    body:", "    body:\n      - 新的一段，A,B。", 1),  # a new line: composed again
        TEXT.replace("    body:", "    body:\n      - 新的一段，A,B,C。", 1),
        TEXT,
    ]
    for n, text in enumerate(saves):
        source.write_text(text, encoding="utf-8")
        try:
            cold: Any = _prepared_view(prepare(source, project))
        except UserError as exc:
            cold = str(exc)
        try:
            warm_view: Any = _prepared_view(prepare(source, project, warm))
        except UserError as exc:
            warm_view = str(exc)
        assert warm_view == cold, f"save {n}"
    assert warm.source.patched >= 4 and warm.source.composed >= 2


def test_the_characters_of_each_font_role_follow_edits_of_the_printed_texts() -> None:
    """Warm.chars_by_role updates the last build's sets after a small edit: characters typed, deleted
    (the last of their kind in the role, or not), texts emptied, roles exchanged, many texts changed."""
    from jianbao.compose.printed import Printed, chars_by_role
    from jianbao.warm import Warm

    rng = random.Random(7)
    roles = ["body", "lead", "title", "latin"]
    alphabet = "会议指出市工商联党建 abcXYZ12，。\u3000\n鑫龘"

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))

    printed = [Printed(rng.choice(roles), text()) for _ in range(30)]
    printed += [Printed("body", "", runs=((rng.choice(roles), text()), ("latin", text()))) for _ in range(10)]
    warm = Warm()
    for _ in range(400):
        for _ in range(rng.choice([1, 1, 1, 2, 3, 8])):
            i = rng.randrange(len(printed))
            p = printed[i]
            if p.runs:
                runs = list(p.runs)
                j = rng.randrange(len(runs))
                runs[j] = (runs[j][0] if rng.random() < 0.8 else rng.choice(roles), text())
                printed[i] = p._replace(runs=tuple(runs))
            else:
                printed[i] = p._replace(text=text(), role=p.role if rng.random() < 0.9 else rng.choice(roles))
        expected = chars_by_role(printed)
        got = warm.chars_by_role(printed)
        assert got == expected and list(got) == list(expected)


def test_a_load_interrupted_while_the_tree_is_patched_keeps_nothing_half_made(
        monkeypatch: pytest.MonkeyPatch) -> None:
    memo = IssueMemo()
    memo.parse(TEXT, FILE, stem="2018-06")
    edited = TEXT.replace(EDITED, EDITED + "，又", 1)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(incremental, "check_issue", interrupted)
        with pytest.raises(KeyboardInterrupt):
            memo.parse(edited, FILE, stem="2018-06")  # the tree was patched, its validation interrupted
    # the next save keeps that edit and changes another paragraph: the first must not be taken as
    # validated (a tree kept from the interrupted load would give its paragraph's text of before)
    again = edited.replace("4月4日，市委常委会", "4月4日上午，市委常委会", 1)
    assert memo.parse(again, FILE, stem="2018-06") == parse_issue(again, FILE, stem="2018-06")
    assert memo.composed == 2  # after the interruption the file was composed again, not patched
