"""The font library a build uses: the catalogue of faces per role, and making them ready for ReportLab
(subsets registered with the canvas, the cache prepared) and for people (the ``--fonts`` report).

The catalogue (:mod:`.catalog`) knows nothing of ReportLab; :mod:`.embed` and :mod:`.report` work
on a catalogue; this class puts the three together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from jianbao import defaults
from jianbao.fonts.catalog import Assignment, Face, FontCatalog, is_ignorable
from jianbao.fonts.embed import Prepared, Registration, prepare, register
from jianbao.fonts.report import describe
from jianbao.fonts.standin import StandIn, messages, stand_ins

__all__ = ["Assignment", "Face", "FontLibrary", "StandIn", "folder_library", "is_ignorable"]


class FontLibrary(FontCatalog):
    # --- ReportLab -----------------------------------------------------------------------------

    def register(self, chars_by_role: Mapping[str, Iterable[str]]) -> dict[str, str]:
        """Register each role's face with ReportLab for these characters: role → font name."""
        return self.embed(self.assign(chars_by_role)).names

    def embed(self, assignment: Assignment) -> Registration:
        """Register every face the assignment uses; with how to draw characters from other fonts."""
        return register(self, assignment)

    def prepare(self, progress: Callable[[str], None] = lambda line: None) -> list[Prepared]:
        """Make the common repertoire of every role's face ready in the cache (make-issue --prepare-fonts)."""
        return prepare(self, progress)

    def stand_ins(self, roles: Iterable[str]) -> list[StandIn]:
        """The roles among ``roles`` that a stand-in font serves (see :mod:`.standin`)."""
        return stand_ins(self, roles)

    def stand_in_messages(self, roles: Iterable[str]) -> list[str]:
        """What to tell the user about them, one line per role."""
        return messages(stand_ins(self, roles), self.local_dir)

    def describe(self, chars_by_role: Mapping[str, Iterable[str]] | None = None) -> str:
        """The ``--fonts`` report."""
        return describe(self, chars_by_role)


def folder_library(fonts_dir: Path) -> FontLibrary:
    """The fonts of a bulletin folder: the font files in its fonts/, the roles its fonts/fonts.yaml lists
    (if it has one), the built-in candidates for every other role."""
    return FontLibrary(fonts_dir / "fonts.yaml", fonts_dir, defaults=defaults.FONTS_CONFIG)
