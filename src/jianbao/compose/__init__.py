"""The composer: validated model + layout + registered fonts → PDF (ReportLab's canvas, our page loop).

It never reads YAML and never resolves fonts itself: it receives a ``Layout`` and ``Fonts``: font role →
registered ReportLab font name, and which roles have a real bold face.
"""

from jianbao.compose.document import ComposeResult, compose_pdf
from jianbao.compose.textset import Fonts, Substitute

__all__ = ["ComposeResult", "Fonts", "Substitute", "compose_pdf"]
