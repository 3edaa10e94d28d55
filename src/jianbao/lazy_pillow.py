"""Load Pillow's ``PIL.Image`` only when something uses it.

ReportLab imports ``PIL.Image`` when it starts (``reportlab.lib.utils``), for bitmap images, which a
bulletin never draws; that import is about a fifth of ReportLab's. Registering ``PIL.Image`` as a
lazy module (``importlib.util.LazyLoader``) keeps ``from PIL import Image`` working and defers the
real import to the first use of one of its attributes.
"""

from __future__ import annotations

import importlib.util
import sys


def defer_pil_image() -> None:
    """Make ``PIL.Image`` lazy unless it is already imported (or Pillow is not installed)."""
    if "PIL.Image" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("PIL.Image")
    except ImportError:  # no Pillow: ReportLab will say so when it needs it
        return
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["PIL.Image"] = module
    loader.exec_module(module)
    setattr(sys.modules["PIL"], "Image", module)  # noqa: B010  (mypy cannot see PIL.Image here)
