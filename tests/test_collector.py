"""The garbage collector: rare in a one-shot build (make-issue's console entry), as usual for the
commands that run long, so that a watch session or a batch's workers never grow without bound."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from jianbao import cli, collector


@pytest.fixture()
def one_shot() -> Iterator[None]:
    """The collector as console() leaves it before it runs the command."""
    usual = gc.get_threshold()
    collector.one_shot()
    yield
    gc.set_threshold(*usual)


@pytest.mark.parametrize("argv", [["--all", "--check"], ["2018", "2019", "--fonts"], ["watch"],
                                  ["2018-06", "--serve", "--dpi", "0"], ["--prepare-fonts", "--all", "--check"]])
def test_long_runs_collect_as_usual(argv: list[str], one_shot: None, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no bulletin folder: each ends with a usage error, after the choice
    cli.run(argv)
    assert gc.get_threshold() == collector.USUAL


def test_a_single_build_keeps_the_collector_rare(one_shot: None, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.run(["2018-06", "--check"]) == 2  # not a bulletin folder
    assert gc.get_threshold()[0] == collector.ONE_SHOT


def test_making_fonts_collects_as_usual_and_the_build_goes_on_as_before(one_shot: None) -> None:
    with collector.as_usual():
        assert gc.get_threshold() == collector.USUAL
    assert gc.get_threshold()[0] == collector.ONE_SHOT
    try:
        with collector.as_usual():
            raise ValueError("a font that cannot be converted")
    except ValueError:
        pass
    assert gc.get_threshold()[0] == collector.ONE_SHOT


def test_a_watch_frees_each_builds_cycles_at_once_and_those_of_kept_objects_at_the_next_full_collection(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """after_build() freezes what survives the first build (a watch's fonts and caches) so that later
    collections skip it; garbage among those objects is still freed, at the next full collection."""
    import weakref

    class Node:
        other: object

    def cycle() -> Node:
        a, b = Node(), Node()
        a.other, b.other = b, a
        return a

    monkeypatch.setattr(collector, "_builds", 0)
    try:
        kept = cycle()  # alive at the first build: frozen with the rest
        collector.after_build()
        kept_ref = weakref.ref(kept)
        del kept  # garbage now, but frozen
        made = weakref.ref(cycle())  # a later build's cycle
        collector.after_build()
        assert made() is None, "a build's cycle outlived the collection after it"
        assert kept_ref() is not None  # frozen: not looked at after every build
        for _ in range(collector.FULL_EVERY - 1):
            collector.after_build()
        assert kept_ref() is None, "the full collection did not free the frozen garbage"
    finally:
        gc.unfreeze()
