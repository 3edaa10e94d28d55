"""Installed like any Python tool: the wheel built by the standard backend, installed into a fresh
virtual environment outside the repository, makes a bulletin folder and builds its example.

About a minute (building the wheel, installing its dependencies from the package index):
``pytest -m "not wheel"`` leaves it out; ``./bootstrap test`` runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT
from pdftext import body_text

pytestmark = pytest.mark.wheel


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


def test_wheel_installs_into_a_fresh_venv_and_builds_the_example(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["JIANBAO_CACHE_DIR"] = str(tmp_path / "cache")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # the sources alone, so that building leaves nothing in the repository
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))

    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source,
                 cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("jianbao-*.whl")

    venv = tmp_path / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    installed = _run(_bin(venv, "python"), "-m", "pip", "install", "-q", wheel, cwd=tmp_path, env=env)
    assert installed.returncode == 0, installed.stderr

    where = _run(_bin(venv, "python"), "-c", "import jianbao; print(jianbao.__file__)", cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # the installed copy, not src/
    version = _run(_bin(venv, "python"), "-m", "jianbao", "--version", cwd=tmp_path, env=env)
    assert version.returncode == 0 and "0." in version.stdout, version.stderr

    folder = tmp_path / "公文" / "工商联信息"
    folder.mkdir(parents=True)
    init = _run(_bin(venv, "make-issue"), "init", cwd=folder, env=env)
    assert init.returncode == 0, init.stderr
    result = _run(_bin(venv, "make-issue"), "2018-01", cwd=folder, env=env)
    assert result.returncode == 0, result.stderr
    pdf = folder / "out" / "2018-01.pdf"
    assert "out/2018-01.pdf" in result.stdout.replace("\\", "/")
    pages = PdfReader(pdf).pages
    assert len(pages) == 2
    assert [round(float(v) * 25.4 / 72) for v in pages[0].mediabox[2:]] == [210, 297]  # A4
    text = body_text(pdf)
    assert "市工商联召开十届二次执委会议" in text and "二、扎实做好今年的重点工作" in text
