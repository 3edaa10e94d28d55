"""Cheap identities of everything a PDF is made from, so a batch run can tell "unchanged" quickly.

An issue's PDF depends on four inputs, each reduced to a SHA-256 hex digest:

* ``source``  the bytes of its YAML file;
* ``layout``  the bytes of the layout file it names (the folder's ``layouts/<name>.yaml``, else the
  built-in one of that name) and the words of the user dictionary it names (``typography.dictionary``);
* ``fonts``   for every font role that layout uses, the faces that serve it — its own face and the
  later candidates that draw characters it lacks — (file, face index and the file's content hash),
  plus the built-in fonts.yaml, the folder's fonts/fonts.yaml and the list of files in its fonts/;
* ``program`` the jianbao version, a hash of the code that makes PDFs, and the versions of the
  libraries it uses (ReportLab, fontTools, PyYAML).

Nothing here imports ReportLab or reads glyphs: fonts are identified through the font library's
resolution (fontconfig and the font names) and the font cache's remembered file hashes, so a no-op run
over hundreds of issues costs milliseconds per issue.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jianbao import __version__
from jianbao.errors import UserError
from jianbao.files import open_regular

if TYPE_CHECKING:
    from jianbao.design.layout import Layout
    from jianbao.fonts import FontLibrary

# The layers that make a PDF (see the package's folders): editing anything else — the archive, the
# command line — must not force a rebuild of the archive.
_IN_OUTPUT = ("source", "design", "fonts", "compose", "render", "yamlfile")
_IN_OUTPUT_FILES = ("model.py", "errors.py", "script.py", "pipeline.py", "lazy_pillow.py", "__init__.py")
# The libraries whose version can change a PDF: their import name and the name of their dist-info.
_LIBRARIES = (("reportlab", "reportlab"), ("fontTools", "fonttools"), ("yaml", "PyYAML"), ("rjieba", "rjieba"))


@dataclass(frozen=True)
class Inputs:
    """The digests of one issue's inputs; ``None`` where an input could not be identified (a missing
    layout, a role without a font): such an issue is always rebuilt, and the build reports why."""

    source: str
    layout: str | None
    fonts: str | None
    program: str

    def to_json(self) -> dict[str, str | None]:
        return {"source": self.source, "layout": self.layout, "fonts": self.fonts, "program": self.program}

    @classmethod
    def from_json(cls, data: object) -> Inputs | None:
        if not isinstance(data, dict):
            return None
        try:
            source, layout, fonts, program = data["source"], data.get("layout"), data.get("fonts"), data["program"]
        except KeyError:
            return None
        if not (isinstance(source, str) and isinstance(program, str)
                and all(v is None or isinstance(v, str) for v in (layout, fonts))):
            return None
        return cls(source, layout, fonts, program)


# What changed, in the words the summary uses (first difference wins).
CHANGES = (
    ("source", "源文件有改动"),
    ("layout", "版式文件有改动"),
    ("fonts", "所用字体有变化"),
    ("program", "程序已更新"),
)


def changed(old: Inputs, new: Inputs) -> str | None:
    """Why a PDF made from ``old`` is out of date for ``new``; None when it is current."""
    for name, why in CHANGES:
        value = getattr(new, name)
        if value is None:
            return f"{why}（无法确认）"
        if getattr(old, name) != value:
            return why
    return None


def file_digest(path: Path) -> str:
    """The SHA-256 of a regular file (a FIFO or a device raises OSError instead of blocking)."""
    with open_regular(path) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def program_digest(cache_dir: Path | None = None, package: Path | None = None) -> str:
    """The version, the code that makes PDFs (of ``package``: this one by default), and the
    libraries' versions.

    The code's bytes are hashed once per state of its files: the digest is kept in the cache
    (``cache_dir``, default the font cache's folder) under the path, size, modification and change
    times and inode of every file hashed, and used again only while all of them are the same. An
    edited, replaced or touched file changes its times, so the code is hashed again. A file changed
    in the last few seconds might change again within the same tick of the file system's clock
    without changing its times: while any is that recent, the digest is computed and not kept."""
    from jianbao.fonts.cache import Cache, default_cache_dir

    package = package or Path(__file__).resolve().parent.parent
    files = _program_files(package)
    libraries = "".join(f"{dist} {_installed_version(module, dist)}\n" for module, dist in _LIBRARIES)
    stamp = hashlib.sha256(f"{__version__}\n{package}\n{libraries}".encode("utf-8", "surrogateescape"))
    for rel, path, st in files:
        stamp.update(f"{rel}\t{path}\t{st.st_size}\t{st.st_mtime_ns}\t{st.st_ctime_ns}\t{st.st_ino}\n"
                     .encode("utf-8", "surrogateescape"))
    cache = Cache(cache_dir if cache_dir is not None else default_cache_dir())
    where = hashlib.sha256(str(package).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    kept = cache.load_json(_PROGRAM_KIND, where)
    if kept is not None and kept.get("stamp") == stamp.hexdigest() and isinstance(kept.get("digest"), str):
        return str(kept["digest"])
    h = hashlib.sha256(f"jianbao {__version__}\n".encode())
    for rel, path, _ in files:
        h.update(f"{rel}\n".encode())
        with open_regular(path) as f:
            h.update(f.read())
    h.update(libraries.encode())
    digest = h.hexdigest()
    settled = time.time_ns() - _SETTLED_NS
    if all(max(st.st_mtime_ns, st.st_ctime_ns) < settled for _, _, st in files):
        cache.store_json(_PROGRAM_KIND, where, {"stamp": stamp.hexdigest(), "digest": digest})
    return digest


_PROGRAM_KIND = "program"  # the cache's json/program-<package>.json
_SETTLED_NS = 3_000_000_000  # files changed less than 3 s ago are hashed every time (FAT's clock: 2 s)


def _program_files(package: Path) -> list[tuple[str, str, os.stat_result]]:
    """The package's files that make PDFs (relative name, path, status), in the order of
    ``sorted(package.rglob("*.py"))``: the layers in :data:`_IN_OUTPUT` and the files in
    :data:`_IN_OUTPUT_FILES`."""
    found: list[tuple[tuple[str, ...], str, os.stat_result]] = []
    for name in _IN_OUTPUT_FILES:
        path = os.path.join(package, name)
        with contextlib.suppress(FileNotFoundError):
            found.append(((name,), path, os.stat(path)))
    for top in _IN_OUTPUT:
        for dirpath, _dirs, names in os.walk(os.path.join(package, top)):
            parts = tuple(Path(dirpath).relative_to(package).parts)
            for name in names:
                if name.endswith(".py"):
                    path = os.path.join(dirpath, name)
                    found.append(((*parts, name), path, os.stat(path)))
    found.sort(key=lambda item: item[0])
    return [("/".join(parts), path, st) for parts, path, st in found]


def _installed_version(module: str, dist: str) -> str:
    """A library's version from its dist-info folder's name beside the module (importlib.metadata
    costs a single build about 18 ms to import; this costs a directory listing)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "-"
    site = Path(spec.origin).parent.parent
    prefix = f"{dist.lower()}-"
    try:
        found = sorted(n for n in os.listdir(site)
                       if n.lower().startswith(prefix) and n.endswith((".dist-info", ".egg-info")))
    except OSError:
        return "-"
    return found[-1][len(prefix):].removesuffix(".dist-info").removesuffix(".egg-info") if found else "-"


class Fingerprints:
    """Digests of a project's layouts, fonts and program, each computed once per run on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._program: str | None = None
        self._paths: dict[str, Path] = {}  # layout name → its file, as found on first use
        self._layouts: dict[Path, tuple[str | None, frozenset[str] | None, Layout | None]] = {}
        self._fonts: dict[frozenset[str], str | None] = {}
        self._library: FontLibrary | None = None  # made on first use
        self._font_base: str | None = None

    @property
    def program(self) -> str:
        if self._program is None:
            self._program = program_digest()
        return self._program

    def snapshot(self) -> None:
        """Identify the program and every layout — the folder's layouts/ and the built-in ones — (with
        its fonts) now, before builds start: an input that changes during the run then makes its issues
        rebuild next time, never the reverse."""
        from jianbao import defaults

        layouts = self.root / "layouts"
        own = {p.stem for p in layouts.glob("*.yaml")} if layouts.is_dir() else set()
        names = sorted(own | set(defaults.layout_names()))
        for name in names:
            _, roles = self._layout(name)
            if roles is not None:
                self._fonts_for(roles)
        _ = self.program

    def inputs(self, source_digest: str, layout: str) -> Inputs:
        layout_digest, roles = self._layout(layout)
        fonts = self._fonts_for(roles) if roles is not None else None
        return Inputs(source_digest, layout_digest, fonts, self.program)

    def identify_layout(self, path: Path) -> Layout | None:
        """Identify the layout file at ``path`` and the fonts of the roles it uses, now, and return
        the layout as read for that (None when it cannot be read: the caller reads it again to say
        why). A build that is given this layout and :attr:`library` is made from exactly what its
        record names, and reads the layout and the font configuration once."""
        self._paths.setdefault(path.stem, path)  # the layout of that name (design.load.layout_path)
        _, roles, layout = self._layout_at(path)
        if roles is not None:
            self._fonts_for(roles)
        return layout

    @property
    def library(self) -> FontLibrary | None:
        """The font library the fonts were identified with; None before that, or when it could not be made."""
        return self._library

    # --- layouts ---------------------------------------------------------------------------------

    def _layout(self, name: str) -> tuple[str | None, frozenset[str] | None]:
        if name not in self._paths:
            from jianbao.design.load import layout_path

            self._paths[name] = layout_path(self.root / "layouts", name)
        digest, roles, _ = self._layout_at(self._paths[name])
        return digest, roles

    def _layout_at(self, path: Path) -> tuple[str | None, frozenset[str] | None, Layout | None]:
        if path not in self._layouts:
            from jianbao.design.load import load_layout

            layout: Layout | None
            try:
                digest = file_digest(path)
                layout = load_layout(path)
                roles = frozenset(layout.roles())
                if layout.typography.dictionary:  # the words of its user dictionary change the titles
                    digest = bytes_digest("\n".join((digest, *layout.typography.dictionary)).encode())
            except (OSError, UserError):
                digest, roles, layout = None, None, None
            self._layouts[path] = (digest, roles, layout)
        return self._layouts[path]

    # --- fonts -----------------------------------------------------------------------------------

    def _fonts_for(self, roles: frozenset[str]) -> str | None:
        if roles not in self._fonts:
            self._fonts[roles] = self._compute_fonts(roles)
        return self._fonts[roles]

    def _compute_fonts(self, roles: frozenset[str]) -> str | None:
        from jianbao.fonts import folder_library

        fonts_dir = self.root / "fonts"
        try:
            if self._library is None:
                self._library = folder_library(fonts_dir)
                self._font_base = self._folder_digest(fonts_dir)
            library = self._library
            h = hashlib.sha256(str(self._font_base).encode())
            for role in sorted(roles):
                for face in library.faces(role):  # the role's face, then those that draw what it lacks
                    digest = library.cache.file_digest(face.path)
                    h.update(f"\n{role}\t{face.path}\t{face.index}\t{face.outlines}\t{digest}".encode())
            return h.hexdigest()
        except (OSError, UserError):
            return None

    @staticmethod
    def _folder_digest(fonts_dir: Path) -> str:
        """The built-in fonts.yaml, fonts/fonts.yaml and the names, sizes and times of the files in fonts/
        (not their bytes)."""
        from jianbao import defaults

        h = hashlib.sha256(file_digest(defaults.FONTS_CONFIG).encode())
        try:
            h.update(file_digest(fonts_dir / "fonts.yaml").encode())
        except OSError:
            h.update(b"no fonts.yaml")
        for dirpath, dirs, files in os.walk(fonts_dir):
            dirs.sort()
            for name in sorted(files):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), fonts_dir)
                h.update(f"\n{rel}\t{st.st_size}\t{st.st_mtime_ns}".encode("utf-8", "surrogateescape"))
        return h.hexdigest()
