"""The program's fingerprint: the code that makes PDFs, hashed once per state of its files.

A build records the digest of the code in the manifest, and a batch run rebuilds every issue whose
recorded digest differs ("程序已更新"). The digest is kept in the cache under the files' sizes,
times and inodes; these tests edit a copy of the package and check that the kept digest is never
used for code that changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

import jianbao
from conftest import make_issue
from jianbao import __version__
from jianbao.archive import fingerprint
from jianbao.archive.fingerprint import program_digest

PACKAGE = Path(jianbao.__file__).resolve().parent


def hashed_afresh(package: Path) -> str:
    """The digest as it is defined, with nothing kept: the version, then every file of the layers
    that make PDFs (name and bytes, in path order), then the libraries' versions."""
    h = hashlib.sha256(f"jianbao {__version__}\n".encode())
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.split("/")[0] in fingerprint._IN_OUTPUT or rel in fingerprint._IN_OUTPUT_FILES:
            h.update(f"{rel}\n".encode())
            h.update(path.read_bytes())
    for module, dist in fingerprint._LIBRARIES:
        h.update(f"{dist} {fingerprint._installed_version(module, dist)}\n".encode())
    return h.hexdigest()


@pytest.fixture()
def package(tmp_path: Path) -> Path:
    """A copy of the package's source, to edit."""
    copy = tmp_path / "src" / "jianbao"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture()
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files copied a moment ago count as settled, so that their digest is kept in the cache."""
    monkeypatch.setattr(fingerprint, "_SETTLED_NS", -60_000_000_000)


def edit_keeping_size_and_time(path: Path, old: bytes, new: bytes) -> None:
    """Change bytes of a file in place, the same length, and set its modification time back."""
    assert len(old) == len(new)
    st = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_the_digest_is_the_hash_of_the_code_whether_kept_or_not(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = hashed_afresh(PACKAGE)
    assert program_digest(cache) == expected
    assert program_digest(cache) == expected  # the second time from the cache, if the files are settled


def test_an_edited_program_file_changes_the_digest_though_it_was_kept(
        package: Path, tmp_path: Path, settled: None) -> None:
    cache = tmp_path / "cache"
    before = program_digest(cache, package)
    assert before == hashed_afresh(package)
    assert list((cache / "json").glob("program-*.json")), "the digest of settled files is kept"
    assert program_digest(cache, package) == before

    # one byte, the same size and modification time: only the change time tells
    pages = package / "compose" / "pages.py"
    edit_keeping_size_and_time(pages, b"from __future__", b"from __FUTURE__")
    after = program_digest(cache, package)
    assert after != before and after == hashed_afresh(package)
    assert program_digest(cache, package) == after

    pdf = package / "render" / "pdf.py"
    pdf.write_text(pdf.read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")
    changed = program_digest(cache, package)
    assert changed != after and changed == hashed_afresh(package)


def test_a_new_or_removed_program_file_changes_the_digest(package: Path, tmp_path: Path, settled: None) -> None:
    cache = tmp_path / "cache"
    before = program_digest(cache, package)
    (package / "compose" / "extra.py").write_text("X = 1\n", encoding="utf-8")
    added = program_digest(cache, package)
    assert added != before and added == hashed_afresh(package)
    (package / "compose" / "extra.py").unlink()
    assert program_digest(cache, package) == before


def test_code_that_does_not_make_pdfs_does_not_change_the_digest(
        package: Path, tmp_path: Path, settled: None) -> None:
    cache = tmp_path / "cache"
    before = program_digest(cache, package)
    cli = package / "cli.py"
    cli.write_text(cli.read_text(encoding="utf-8") + "# 命令行的改动不影响 PDF\n", encoding="utf-8")
    assert program_digest(cache, package) == before


def test_files_changed_a_moment_ago_are_hashed_every_time(package: Path, tmp_path: Path) -> None:
    """Within the file system clock's tick a file can change again with the same times: the digest
    of files that recent is not kept."""
    cache = tmp_path / "cache"
    assert program_digest(cache, package) == hashed_afresh(package)
    assert not list(cache.glob("json/program-*.json"))


def test_a_damaged_or_foreign_cache_entry_is_not_believed(package: Path, tmp_path: Path, settled: None) -> None:
    cache = tmp_path / "cache"
    before = program_digest(cache, package)
    (entry,) = (cache / "json").glob("program-*.json")
    entry.write_bytes(b'{"stamp": "x", "digest": "0000"}')
    assert program_digest(cache, package) == before
    entry.write_bytes(entry.read_bytes()[:-5])
    assert program_digest(cache, package) == before


def test_a_batch_run_rebuilds_what_a_changed_program_made(project_copy: Path, package: Path, tmp_path: Path) -> None:
    """The user's view: make-issue records the digest, make-issue --all finds nothing to do, and after
    the code that sets pages changed (an upgrade), --all rebuilds the issue and says why."""
    env = {"PYTHONPATH": str(package.parent), "JIANBAO_CACHE_DIR": os.environ["JIANBAO_CACHE_DIR"]}
    first = make_issue("2018-06", cwd=project_copy, env=env)
    assert first.returncode == 0, first.stderr
    again = make_issue("--all", cwd=project_copy, env=env)
    assert "生成 0 期，未变 1 期" in again.stdout, again.stdout + again.stderr

    pages = package / "compose" / "pages.py"
    pages.write_text(pages.read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")
    after = make_issue("--all", cwd=project_copy, env=env)
    assert after.returncode == 0, after.stderr
    assert "生成 1 期，未变 0 期" in after.stdout and "程序已更新" in after.stdout, after.stdout


def test_a_layout_edited_during_a_build_makes_the_next_run_rebuild(project_copy: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The record names the layout the build read, not the one on disk when it finished."""
    from jianbao import pipeline
    from jianbao.archive.register import build_and_record

    layout = project_copy / "layouts" / "default.yaml"
    register_fonts = pipeline.register_fonts

    def edit_then_register(*args: object) -> object:  # after the layout was read, before the PDF
        layout.write_text(layout.read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")
        return register_fonts(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "register_fonts", edit_then_register)
    build_and_record(project_copy / "content" / "2018-06.yaml", project_copy / "out", pipeline.Project(project_copy))
    monkeypatch.undo()
    again = make_issue("--all", cwd=project_copy)
    assert again.returncode == 0, again.stderr
    assert "生成 1 期，未变 0 期" in again.stdout and "版式文件有改动" in again.stdout, again.stdout
    settled = make_issue("--all", cwd=project_copy)
    assert "生成 0 期，未变 1 期" in settled.stdout, settled.stdout
