"""The package's folders are its layers, and imports only go down: source → model → layout → renderers
→ records. Read from the code itself (every import statement, also those inside functions and under
TYPE_CHECKING), so a new import that runs the wrong way fails here."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "jianbao"

# Each part of the package and its floor; a part may import its own modules and any lower floor.
# Parts on one floor do not import each other (source, design and fonts know nothing of one another).
FLOORS: dict[str, int] = {
    "errors": 0, "model": 0, "script": 0, "lazy_pillow": 0, "files": 0,  # shared foundations, independent
    "portable": 0,  # what differs between Linux, macOS and Windows
    "startup": 0,  # third-party import costs a build need not pay (PyYAML's reader pattern)
    "collector": 0,  # the garbage collector's thresholds: rare in a one-shot build
    "defaults": 0,  # the built-in layout and font configuration (package data) and their paths
    "__init__": 1, "yamlfile": 1,  # the package's face; the YAML reader every file format uses
    "source": 2, "design": 2, "fonts": 2,  # YAML → model; layout data; font roles and files
    "manuscripts": 2,  # Word, text and printed issues → YAML sources (may use source)
    "compose": 3,  # model + layout + fonts → pages as data
    "render": 4, "wordcache": 4,  # pages → PDF (and other formats); the segmenter's cuts kept on disk
    "warm": 4,  # content-keyed caches a watch loop keeps between builds (layout, fonts, breaks, pages)
    "pipeline": 5,  # one build, atomic
    "archive": 6,  # many builds: batch, manifest, record, volume
    "folder": 6,  # a bulletin folder: finding it, make-issue init
    "proof": 7,  # watch loop, proof page server, page previews (from the PDF)
    "cli": 8, "__main__": 9,
}
# Parts on one floor that may use a neighbour: manuscripts checks what it writes with source's loader;
# The watch loop's caches hold the composer's and the renderer's memories.
BESIDE: dict[str, set[str]] = {"manuscripts": {"source"}, "warm": {"render"}}


def _part(module: str) -> str:
    """``jianbao.compose.story`` → ``compose``; ``jianbao`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    names = list(rel.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def _imports(path: Path) -> set[str]:
    """The jianbao modules ``path`` imports (relative imports resolved)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "jianbao")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "jianbao":
                continue
            names_module = False
            for alias in node.names:  # ``from jianbao.fonts import convert`` imports a module
                candidate = f"{target}.{alias.name}"
                path = PACKAGE.parent / candidate.replace(".", "/")
                if path.with_suffix(".py").exists() or (path / "__init__.py").exists():
                    found.add(candidate)
                else:
                    names_module = True
            if names_module:
                found.add(target)
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_part_has_a_floor() -> None:
    parts = {_part(m) for m in _graph()}
    assert parts <= set(FLOORS), f"parts without a floor in this test: {sorted(parts - set(FLOORS))}"


def test_imports_only_go_down() -> None:
    wrong = []
    for module, targets in _graph().items():
        here = _part(module)
        for target in sorted(targets):
            there = _part(target)
            if there == here or there == "__init__" or there in BESIDE.get(here, ()):
                continue
            if FLOORS[there] >= FLOORS[here]:
                wrong.append(f"{module} → {target} (floor {FLOORS[here]} → {FLOORS[there]})")
    assert not wrong, "imports that do not go down:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = _graph()
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_a_lower_part_names_no_higher_folder() -> None:
    """Folders show the layers: no module outside the archive names the archive's files."""
    used = defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        if _part(_module_name(path)) in ("archive", "cli", "__main__"):
            continue
        text = path.read_text(encoding="utf-8")
        for name in ("batch.py", "worker.py", "manifest.py", "record.py", "volume.py"):
            if f'"{name}"' in text:
                used[name].append(str(path.relative_to(PACKAGE)))
    assert not used, dict(used)
