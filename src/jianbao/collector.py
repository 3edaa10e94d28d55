"""The cyclic garbage collector's thresholds: rare in a one-shot build, as usual where much is made.

A build frees its objects by reference counting; in a build of 2018-06 the collector, at its usual
thresholds, ran 84 times (11 ms, ~5 % of the process) to find 606 objects in cycles. ``make-issue``
therefore starts with the youngest generation's threshold at :data:`ONE_SHOT` allocations
(:func:`one_shot`): no collection at all in that build. What makes garbage in cycles by the tens of
MB — making a font the cache lacks, with fontTools (:func:`as_usual` around it, fonts/embed.py) —
and what runs long — several issues, a year, ``watch``, ``--serve``, ``--prepare-fonts``
(:func:`usual`, before any worker is forked) — collects at the usual thresholds, so that memory
stays what it was (peak of a first build on an empty font cache: 174 MB, 179 MB before; 215 MB if
the fonts were made at ``ONE_SHOT``).

A watch loop builds with the collector at rest (:func:`rare`) and collects once after each build,
while it waits for the next save, leaving out what the watch keeps (:func:`after_build`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

USUAL = gc.get_threshold()
"""The thresholds the interpreter started with."""

ONE_SHOT = 100_000
"""Allocations between collections of the youngest generation during a one-shot build."""


def one_shot() -> None:
    gc.set_threshold(ONE_SHOT, *USUAL[1:])


def usual() -> None:
    gc.set_threshold(*USUAL)


@contextlib.contextmanager
def as_usual() -> Iterator[None]:
    """Collect at the usual thresholds inside the block; as before after it."""
    before = gc.get_threshold()
    gc.set_threshold(*USUAL)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextlib.contextmanager
def rare() -> Iterator[None]:
    """Collect at the one-shot threshold inside the block (a build the user is waiting for)."""
    before = gc.get_threshold()
    gc.set_threshold(ONE_SHOT, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


FULL_EVERY = 50
"""A watch loop collects everything, the long-lived objects too, after this many builds."""

_builds = 0


def after_build() -> None:
    """Free the cycles a build left (a watch loop calls it once its build is reported). After the first
    build, and every :data:`FULL_EVERY` builds, everything is collected and what is left is frozen
    (``gc.freeze``): the fonts, layouts and caches a watch keeps are not looked through again after
    every save (a full collection took 14 ms there, twice the warm build; 1.7 ms without them). A
    cycle among frozen objects that became garbage meanwhile is freed at the next full collection."""
    global _builds
    _builds += 1
    if _builds % FULL_EVERY == 1:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    else:
        gc.collect()
