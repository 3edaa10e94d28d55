"""Warm builds that replay blocks placed by earlier layout passes (compose/replay.py) give the cold build
byte for byte, whatever the edit moves: page breaks after a longer title, the contents page, paragraphs
removed (every later block's place in its article changes), headings, the closing block."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdftext import page_texts

TITLE = "title: 市工商联召开所属商协会党组织党建工作会议"
EDITED = "会上，市工商联副主席孙昌佩传达了"
CONTENTS = "contents: 市委统战部副部长、市工商联党委书记叶伟达在"
REPEATED = "      - 我市商协会党建工作在稳步推进的同时，也存在发展不均衡、整体水平有待提高等问题，各商协会要高度重视，并采取有效措施切实加以改进。\n"  # noqa: E501


def _compose_args(project_copy: Path, out: Path) -> tuple[object, ...]:
    """What a cold build of 2018-06 passes to compose(): the issue, layout, fonts and memo."""
    import jianbao.compose as compose_module
    from jianbao.pipeline import Project, build

    seen: list[tuple[object, ...]] = []
    real = compose_module.compose

    def capture(*args: object) -> object:
        seen.append(args)
        return real(*args)  # type: ignore[arg-type]

    compose_module.compose = capture  # type: ignore[assignment]
    try:
        build(project_copy / "content" / "2018-06.yaml", out, Project(project_copy))
    finally:
        compose_module.compose = real
    return seen[0]


def _edits(text: str) -> list[tuple[str, str]]:
    """Edits that bring no character new to the issue (a new one gives the fonts new subsets, under new
    names, and the replay starts afresh), but the last but one."""
    edits = [
        ("as it is", text),
        # a longer title takes two lines: every later page break moves, the issue grows by two pages
        ("title", text.replace(TITLE, TITLE + "推进", 1)),
        ("as it is again", text),
        # the contents page: an entry one line longer
        ("contents", text.replace(CONTENTS, CONTENTS.replace("书记", "书记、市工商联所属商协会党委书记", 1), 1)),
        # a paragraph longer on page 1, then one shorter on page 8
        ("longer", text.replace("并着重就", "并结合全市民营企业发展实际和商协会党建工作推进情况，着重就", 1)),
        ("shorter", text.replace("，推动商协会在更高水平上服务我市经济高质量发展", "", 1)),
        # the greedy page make-up cannot fill the pages at less than a line's price: the planner's pass
        ("planned", text.replace(EDITED, "会上，市工商联副主席孙昌佩第1次传达了", 1)),
        # a paragraph more, the same text as the one before it: every later block of its article is one
        # place further, and two blocks share one paragraph break
        ("paragraph repeated", text.replace(REPEATED, REPEATED + REPEATED, 1)),
        ("heading", text.replace("h1: 二、围绕党委中心任务，聚心聚力", "h1: 二、围绕党委中心任务，聚力聚心", 1)),
        # the closing block and the masthead
        ("closing", text.replace("        - 本会执委\n", "        - 本会执委\n        - 所属商协会党组织\n", 1)),
        ("masthead", text.replace("office: 办公室编", "office: 市工商联办公室编", 1)),
        ("new characters", text.replace("聚心聚力促发展", "鑫龘聚力促发展", 1)),
        ("as it is at last", text),
    ]
    for name, edited in edits[1:]:
        assert name.startswith("as it is") or edited != text, name
        assert (set(edited) == set(text)) != name.startswith("new"), name
    return edits


def test_warm_builds_after_edits_that_move_page_breaks_are_the_cold_builds(
        project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jianbao.compose.plan import Planner
    from jianbao.compose.replay import Replay
    from jianbao.pipeline import Project, build
    from jianbao.warm import Warm

    source = project_copy / "content" / "2018-06.yaml"
    project = Project(project_copy)
    text = source.read_text(encoding="utf-8")
    assert TITLE in text and CONTENTS in text and REPEATED in text
    planned: list[str] = []
    plan = Planner.plan

    def planning(self: Planner) -> object:
        planned.append(name)
        return plan(self)

    monkeypatch.setattr(Planner, "plan", planning)
    warm = Warm()
    pages: dict[str, list[str]] = {}
    replayed: dict[str, tuple[bool, int, int]] = {}
    last: Replay | None = None
    for n, (name, edited) in enumerate(_edits(text)):
        source.write_text(edited, encoding="utf-8")
        before = (last.hits, last.misses) if last is not None else (0, 0)
        warm_pdf = build(source, tmp_path / "warm", project, warm).path
        replay = warm.memo.placed
        assert isinstance(replay, Replay)
        if replay is last:
            replayed[name] = (True, replay.hits - before[0], replay.misses - before[1])
        else:
            replayed[name] = (False, replay.hits, replay.misses)
        last = replay
        warm.sweep()
        cold_pdf = build(source, tmp_path / f"cold{n}", project).path
        assert warm_pdf.read_bytes() == cold_pdf.read_bytes(), name
        pages[name] = page_texts(cold_pdf)
    # the edits did move what the tests say they move
    before, title = pages["as it is"], pages["title"]
    assert len(title) == len(before) + 2
    assert all(a[:12] != b[:12] for a, b in zip(before[1:], title[1:], strict=False))
    assert pages["contents"][0] != before[0] and pages["contents"][1:] == before[1:]
    assert pages["paragraph repeated"] != before and pages["as it is at last"] == before
    assert "planned" in planned
    # and every build but the one with new characters (and the one after it) replayed blocks placed before
    for name, (same, hits, misses) in replayed.items():
        if name in ("as it is", "new characters", "as it is at last"):
            assert not same, name
        else:
            assert same and hits > misses, (name, hits, misses)


def test_a_replayed_pass_places_what_a_fresh_pass_places(project_copy: Path, tmp_path: Path) -> None:
    """Composed twice in one process, the second time from replayed blocks alone: the same pages as data
    as a composition that reuses nothing."""
    import jianbao.compose as compose_module
    from jianbao.compose.memo import Memo
    from jianbao.compose.replay import Replay

    real = compose_module.compose
    issue, layout, fonts, _memo = _compose_args(project_copy, tmp_path)
    memo = Memo()
    first = real(issue, layout, fonts, memo)  # type: ignore[arg-type]
    memo.sweep()
    replay = memo.placed
    assert isinstance(replay, Replay)
    misses = replay.misses
    again = real(issue, layout, fonts, memo)  # type: ignore[arg-type]
    fresh = real(issue, layout, fonts)  # type: ignore[arg-type]
    assert replay.misses == misses and replay.hits > 0  # every block replayed
    for doc in (first, again):
        assert [p.label for p in doc.pages] == [p.label for p in fresh.pages]
        assert [p.items for p in doc.pages] == [p.items for p in fresh.pages]
        assert doc.short_pages == fresh.short_pages and doc.outline() == fresh.outline()


def _placed(block: object) -> tuple[object, ...]:
    from jianbao.compose.gridblocks import GridLines, KeepWithNext

    if isinstance(block, KeepWithNext):
        return ("keep", tuple(_placed(h) for h in block.heads), _placed(block.body))
    if isinstance(block, GridLines):
        whole = block.origin or block
        return (whole.ref, whole.pin, whole.next_min, block.spaceBefore, len(block.lines), len(whole.lines),
                tuple(line.text for line in block.lines))
    return (type(block).__name__,)


def _pass(layout: object) -> tuple[object, ...]:
    """What a layout pass gives the page make-up and the renderer."""
    from jianbao.compose.makeup import _Layout

    assert isinstance(layout, _Layout)
    fill = layout.fill
    pages = [[(p.y, _placed(p.block)) for p in page] for page in layout.loop.pages]
    changes = {page: dict(fill.candidates(page)) for page in sorted(fill.used)}
    return (pages, dict(fill.used), changes, fill.short_pages(), layout.price(),
            [page.items for page in layout.document().pages])


@pytest.mark.parametrize("change", ["ref", "pin", "next_min", "space_before"])
def test_a_block_replayed_is_the_block_of_this_pass(change: str, project_copy: Path, tmp_path: Path) -> None:
    """Blocks that differ from the ones placed before in one of what decides their layout — the block a
    page make-up change names, the change imposed, the lines the next block needs at a page foot, the
    space above — at the same place on the page are placed again, not replayed: the pass is the one a
    page loop without replay gives."""
    from jianbao.compose.gridblocks import GridLines, KeepWithNext, Ref
    from jianbao.compose.makeup import _Layout
    from jianbao.compose.memo import Memo
    from jianbao.compose.replay import Replay, replay_for
    from jianbao.compose.story import StoryBuilder

    issue, layout, fonts, _memo = _compose_args(project_copy, tmp_path)

    def changed(blocks: list[object]) -> list[object]:
        for block in blocks:
            body = block.body if isinstance(block, KeepWithNext) else block
            if isinstance(block, KeepWithNext) and change == "space_before" and block.heads[0].ref is not None:
                block.heads[0].spaceBefore += block.heads[0].grid.pitch
                block.spaceBefore = block.heads[0].spaceBefore
            if not isinstance(body, GridLines) or body.ref is None:
                continue
            if change == "ref":
                body.ref = Ref(body.ref.article, body.ref.block + 100, body.ref.kind)
            elif change == "pin" and body.variant(1) is not None:
                body.pin = 1
            elif change == "next_min":
                body.next_min = 3 if body.next_min != 3 else 1
        return blocks

    memo = Memo()
    story = StoryBuilder(issue, layout, fonts, memo)  # type: ignore[arg-type]
    replay = replay_for(memo, layout, fonts)  # type: ignore[arg-type]
    assert isinstance(replay, Replay)
    _Layout(story, {}, replay)  # the blocks as they come, placed and kept
    plain = story.story
    story.story = lambda pins=None: changed(plain(pins))  # type: ignore[method-assign,misc]
    hits = replay.hits
    replayed = _Layout(story, {}, replay)
    assert replay.hits > hits  # the masthead, the contents: the blocks the change leaves as they were
    fresh_story = StoryBuilder(issue, layout, fonts, memo)  # type: ignore[arg-type]
    fresh_plain = fresh_story.story
    fresh_story.story = lambda pins=None: changed(fresh_plain(pins))  # type: ignore[method-assign,misc]
    fresh = _Layout(fresh_story, {})
    assert _pass(replayed) == _pass(fresh)
