"""Fonts by role (小标宋, 仿宋, 黑体, 楷体 …): choose a face, check coverage, register with ReportLab.

The built-in fonts.yaml (jianbao/defaults/fonts.yaml, overridden role by role by a folder's
fonts/fonts.yaml) lists, for each role, candidate fonts in order of preference; the first one found
wins. CFF-outline faces (Noto CJK) are converted to TrueType per character set and cached, since
ReportLab embeds only TrueType outlines. See fonts/README.md.
"""

from jianbao.fonts.config import ROLES
from jianbao.fonts.library import Face, FontLibrary, folder_library

__all__ = ["ROLES", "Face", "FontLibrary", "folder_library"]
