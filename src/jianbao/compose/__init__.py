"""The composer: validated model + layout + registered fonts → PDF (ReportLab platypus).

It never reads YAML and never resolves fonts itself: it receives a ``Layout`` and a mapping from
font role to a registered ReportLab font name.
"""

from .document import ComposeResult, compose_pdf

__all__ = ["ComposeResult", "compose_pdf"]
