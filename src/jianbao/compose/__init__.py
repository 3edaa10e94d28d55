"""The composer: validated model + layout + registered fonts → pages as data (:mod:`.frames`).

It never reads YAML, never resolves fonts itself and never draws: it receives a ``Layout`` and
``Fonts`` (font role → registered font name, which roles have a real bold face, which characters
another font draws) and returns a :class:`~.frames.Document` that a renderer (``render.pdf``) draws.
"""

from jianbao.compose.frames import Document
from jianbao.compose.makeup import compose
from jianbao.compose.textset import Fonts, Substitute

__all__ = ["Document", "Fonts", "Substitute", "compose"]
