"""A single build that reads its layout and font library through its record's fingerprints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jianbao.archive.fingerprint import Fingerprints
from jianbao.pipeline import Project

if TYPE_CHECKING:
    from jianbao.design.layout import Layout
    from jianbao.fonts import FontLibrary


class Identified(Project):
    """A project whose build reads its layout and font library through the fingerprints: each input
    is identified just before the build first uses it, the PDF is made from the very objects that
    were identified, and the layout and the font configuration are read once, not once for the
    record and again for the build."""

    prints: Fingerprints

    def __new__(cls, root: Path, prints: Fingerprints) -> Identified:
        self = super().__new__(cls, root)
        self.prints = prints
        return self

    def layout(self, path: Path) -> Layout:
        identified = self.prints.identify_layout(path)
        return identified if identified is not None else super().layout(path)  # it reports the problem

    def font_library(self) -> FontLibrary:
        library = self.prints.library  # made when the fonts of the layout's roles were identified
        return library if library is not None else super().font_library()
