"""The design a bulletin folder gets when it brings none of its own: package data, one copy.

* ``layouts/<name>.yaml`` — the built-in layouts (``default``: GB/T 9704). A folder's own
  ``layouts/<name>.yaml`` takes the place of the built-in one of the same name.
* ``fonts.yaml`` — the candidate fonts of every font role. A folder's own ``fonts/fonts.yaml`` replaces
  the roles it lists; the others keep these candidates.

Nothing here is imported by the rest of the package but these paths: the files are read by
``jianbao.design.load`` and ``jianbao.fonts.config`` like any folder's files.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
LAYOUTS = HERE / "layouts"
FONTS_CONFIG = HERE / "fonts.yaml"


def layout_names() -> list[str]:
    """The names of the built-in layouts (``default``, …), sorted."""
    return sorted(p.stem for p in LAYOUTS.glob("*.yaml"))
