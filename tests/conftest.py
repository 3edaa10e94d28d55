"""Shared fixtures: the project root, a private font cache, and one build of the reference issue."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jianbao import defaults

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# The printed copy's text, kept in the project (a copy of ../shared/reference/2018-06-print.txt) so
# that the suite passes on a clone of the project alone.
REFERENCE = ROOT / "tests" / "data" / "2018-06-print.txt"
DEFAULT_LAYOUT = defaults.LAYOUTS / "default.yaml"  # the built-in design (package data)
DEFAULT_FONTS = defaults.FONTS_CONFIG


@pytest.fixture(scope="session", autouse=True)
def private_font_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test, and every make-issue process it starts, uses a font cache of the test run's own:
    the user's ~/.cache/jianbao is never read or written, and a damaged entry there cannot make a
    test pass or fail. Tests that need an empty cache of their own still set JIANBAO_CACHE_DIR."""
    cache = tmp_path_factory.mktemp("font-cache")
    before = os.environ.get("JIANBAO_CACHE_DIR")
    os.environ["JIANBAO_CACHE_DIR"] = str(cache)
    yield cache
    if before is None:
        os.environ.pop("JIANBAO_CACHE_DIR", None)
    else:
        os.environ["JIANBAO_CACHE_DIR"] = before


def make_issue(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real command as a user would (a separate process)."""
    return subprocess.run(
        [sys.executable, "-m", "jianbao", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=300,
    )


@pytest.fixture(scope="session")
def built_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """out/2018-06.pdf built once into a temporary output directory."""
    out = tmp_path_factory.mktemp("out")
    result = make_issue("2018-06", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "2018-06.pdf"


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A throw-away copy of the project's content, with the built-in layout and font configuration
    copied in as the folder's own layouts/default.yaml and fonts/fonts.yaml (tests edit them)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "layouts").mkdir()
    shutil.copy(DEFAULT_LAYOUT, tmp_path / "layouts" / "default.yaml")
    (tmp_path / "fonts").mkdir()
    shutil.copy(DEFAULT_FONTS, tmp_path / "fonts" / "fonts.yaml")
    return tmp_path
