"""The peer and the yardstick shared by the benchmarks: the Typst build of the same issue
(../shared/bench/typst/) and the shared checker (../shared/tools/pdfcheck).

The shared folder is ../shared beside the project, or $JIANBAO_SHARED (from a worktree). Typst runs
from its own virtual environment, never from the project's: ``$TYPST_PYTHON`` if set, else
``~/.cache/jianbao-bench/typst-venv`` (created on first use with ``typst==0.15.2`` from PyPI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the project; $JIANBAO_SHARED elsewhere (a worktree: /work/shared)
SHARED = Path(os.environ.get("JIANBAO_SHARED") or ROOT.parent / "shared")
TYPST_DIR = SHARED / "bench" / "typst"
PDFCHECK = SHARED / "tools" / "pdfcheck"
REFERENCE = SHARED / "reference" / "2018-06-print.txt"
TYPST_VERSION = "0.15.2"


def typst_python() -> Path:
    """A Python that can ``import typst``, creating its venv on first use."""
    if os.environ.get("TYPST_PYTHON"):
        return Path(os.environ["TYPST_PYTHON"])
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "jianbao-bench" / "typst-venv"
    python = cache / "bin" / "python"
    if not python.exists():
        print(f"creating {cache} with typst=={TYPST_VERSION} (first run)", file=sys.stderr)
        venv.create(cache, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"typst=={TYPST_VERSION}"], check=True)
    return python


def build_typst(out: Path) -> list[str]:
    """The command that builds the Typst peer PDF into ``out``."""
    return [str(typst_python()), str(TYPST_DIR / "build.py"), "-o", str(out)]


def build_ours(out_dir: Path, issue: str = "2018-06") -> list[str]:
    return [str(ROOT / ".venv" / "bin" / "make-issue"), issue, "--out", str(out_dir)]


def pdfcheck(pdf: Path) -> dict:
    """The shared checker's full JSON report for ``pdf`` (against the reference text)."""
    proc = subprocess.run(
        [str(PDFCHECK), str(pdf), "--reference", str(REFERENCE), "--json"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(proc.stdout)
