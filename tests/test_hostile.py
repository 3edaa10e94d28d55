"""Hostile files and faults (issue 16): every file we read can be wrong, every run can be killed, two
runs can meet. One section per family; each test creates the hostile file or the fault and asserts
what a user sees: exit 0 with the right PDF, or exit 2 with a located Chinese message — never a
traceback, a hang (every run has a timeout), a lost record or an echoed secret.

The fuzzing is deliberately small so the suite stays fast on 2 cores (hypothesis, derandomized):
layouts 60 examples (values and types), 8 layouts built; font damage 10 examples; cache entries 60;
manifests 60 (and 3 damaged manifests end to end). ``JIANBAO_FUZZ_EXAMPLES=N`` multiplies them.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import fcntl
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import DEFAULT_FONTS, ROOT
from conftest import DEFAULT_LAYOUT as DEFAULT_LAYOUT_FILE
from jianbao.errors import LayoutInvalid, UserError

SCALE = max(1, int(os.environ.get("JIANBAO_FUZZ_EXAMPLES", "1")))
CJK = re.compile(r"[\u4e00-\u9fff]")
LOCATED = re.compile(r"^\S+:\d+:\d+ ")
TIMEOUT = 120  # seconds for any one run: a hang fails the test instead of the suite
MINI = """\
series: 工商联信息
year: 2018
number: {number}
date: 2018-04-13
units: [嘉兴市工商业联合会]
articles:
  - title: 标题
    body: [正文。]
"""


def examples(n: int) -> settings:
    return settings(
        max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                               HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, stdout: object = subprocess.PIPE,
        timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """make-issue as a user runs it, in its own process, under a timeout."""
    return subprocess.run(
        [sys.executable, "-m", "jianbao", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )


def assert_clear(result: subprocess.CompletedProcess, *, code: int) -> None:
    """The exit status, and no traceback, no internal error."""
    assert result.returncode == code, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr, result.stderr[-2000:]


def project(where: Path, *, numbers: tuple[int, ...] = (7,), reference: bool = False) -> Path:
    """A throw-away project: layouts, fonts.yaml and small issues (or the reference issue)."""
    (where / "layouts").mkdir(parents=True)  # the built-in design and fonts, as the folder's own copies
    shutil.copy(DEFAULT_LAYOUT_FILE, where / "layouts" / "default.yaml")
    (where / "fonts").mkdir()
    shutil.copy(DEFAULT_FONTS, where / "fonts" / "fonts.yaml")
    (where / "content").mkdir()
    if reference:
        shutil.copy(ROOT / "content" / "2018-06.yaml", where / "content" / "2018-06.yaml")
    for n in numbers:
        (where / "content" / f"2018-{n:02d}.yaml").write_text(MINI.format(number=n), encoding="utf-8")
    return where


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private font cache holding what the small issues need (copied by the tests that damage it)."""
    cache = tmp_path_factory.mktemp("cache")
    where = project(tmp_path_factory.mktemp("warm"))
    assert_clear(run("2018-07", cwd=where, env={"JIANBAO_CACHE_DIR": str(cache)}), code=0)
    return cache


@contextlib.contextmanager
def deadline(seconds: int = TIMEOUT) -> Iterator[None]:
    """In-process work that must not hang."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- 1. layout files ---------------------------------------------------------------------------------

DEFAULT_LAYOUT = DEFAULT_LAYOUT_FILE.read_text(encoding="utf-8")

# (what the issue found, replacement in layouts/default.yaml, the field the message must name)
LAYOUT_CASES = [
    ("chars_per_line: 28 ", "chars_per_line: abc ", "page.chars_per_line"),
    ("chars_per_line: 28 ", "chars_per_line: [28] ", "page.chars_per_line"),
    ("margin_left: 28mm", "margin_left: .nan", "page.margin_left"),
    ("block_width: 156mm", "block_width: 0mm", "page.block_width"),
    ("body:      {role: fangsong, size: 三号", "body:      {role: fangsong, size: 0pt", "styles.body.size"),
    ("lines_per_page: 22", "lines_per_page: 1", "page.lines_per_page"),
    ('format: "— {n} —"', 'format: "{n} of {total}"', "page_number.format"),
    ("margin_top: 37mm", "margin_top: 10000mm", "page.margin_top"),
    ("body:      {role: fangsong, size: 三号", "body:      {role: fangsong, size: 10000pt", "styles.body.size"),
    ("lines_per_page: 22", "lines_per_page: 1000", "page.lines_per_page"),
    ("  width: 210mm", "  width: 0mm", "page.width"),
    ("  width: 210mm", "  width: 100000mm", "page.width"),
    ('format: "— {n} —"', 'format: "{n:>100000000}{n}"', "page_number.format"),
    ('format: "— {n} —"', 'format: "{n.__class__}"', "page_number.format"),
    ("  lines: 8 ", "  lines: true ", "masthead.lines"),
    ("  inset: 1 ", "  inset: -5 ", "closing.inset"),
]


@pytest.mark.parametrize(("old", "new", "field"), LAYOUT_CASES, ids=[c[1].strip() for c in LAYOUT_CASES])
def test_a_wrong_layout_value_is_a_located_error_even_under_check(tmp_path: Path, old: str, new: str,
                                                                  field: str) -> None:
    where = project(tmp_path)
    assert old in DEFAULT_LAYOUT
    (where / "layouts" / "default.yaml").write_text(DEFAULT_LAYOUT.replace(old, new, 1), encoding="utf-8")
    for args in (["--check", "2018-07"], ["2018-07"]):
        result = run(*args, cwd=where, timeout=60)
        assert_clear(result, code=2)
        assert re.search(rf"^layouts/default\.yaml:\d+:\d+ {re.escape(field)}：\S", result.stderr, re.M), result.stderr
        assert result.stderr.rstrip().endswith("未生成 PDF。")
    assert not (where / "out" / "2018-07.pdf").exists()


def test_every_layout_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = DEFAULT_LAYOUT
    for old, new, _ in (LAYOUT_CASES[0], LAYOUT_CASES[2], LAYOUT_CASES[4], LAYOUT_CASES[13]):
        text = text.replace(old, new, 1)
    path = tmp_path / "custom.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutInvalid) as caught:
        from jianbao.design.load import load_layout

        load_layout(path)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["page.margin_left", "page.chars_per_line", "styles.body.size", "page_number.format"]
    assert all(e.location.line and e.location.column and CJK.search(e.message) for e in caught.value.errors)


@pytest.mark.parametrize("text", [
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)),
    "page: " + "[" * 5000 + "]" * 5000 + "\n",
    "page:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)),
], ids=["alias-bomb", "deep-flow", "deep-block"])
def test_layout_yaml_has_the_limits_of_issue_sources(tmp_path: Path, text: str) -> None:
    where = project(tmp_path)
    (where / "layouts" / "default.yaml").write_text(text, encoding="utf-8")
    result = run("--check", "2018-07", cwd=where, timeout=60)
    assert_clear(result, code=2)
    assert re.search(r"^layouts/default\.yaml:\d+:\d+ ", result.stderr, re.M)
    assert len(result.stderr) < 2000  # no 4 MB message


def test_a_layout_that_is_a_fifo_or_too_large_is_refused(tmp_path: Path) -> None:
    where = project(tmp_path)
    layout = where / "layouts" / "default.yaml"
    layout.unlink()
    os.mkfifo(layout)
    result = run("--check", "2018-07", cwd=where, timeout=60)
    assert_clear(result, code=2)
    assert "layouts/default.yaml：无法读取文件（不是普通文件" in result.stderr
    layout.unlink()
    layout.write_text(DEFAULT_LAYOUT + "#" * (300 * 1024) + "\n", encoding="utf-8")
    result = run("--check", "2018-07", cwd=where, timeout=60)
    assert_clear(result, code=2)
    assert "layouts/default.yaml：文件过大" in result.stderr


# Fields and the values hypothesis may put there: numbers, lengths, names, and wrong types.
LAYOUT_FIELDS = {
    "page.width": "width: 210mm", "page.height": "height: 297mm", "page.margin_top": "margin_top: 37mm",
    "page.margin_left": "margin_left: 28mm", "page.block_width": "block_width: 156mm",
    "page.block_height": "block_height: 225mm", "page.chars_per_line": "chars_per_line: 28 ",
    "page.lines_per_page": "lines_per_page: 22", "masthead.lines": "  lines: 8 ",
    "closing.line_pitch": "line_pitch: 22pt", "closing.column_split": "column_split: 0.57",
    "page_number.below_block": "below_block: 7mm", "typography.latin_gap": "latin_gap: 0.25",
}
NUMBER = st.one_of(st.integers(-10, 2000), st.floats(allow_nan=True, allow_infinity=True, width=32))
VALUE = st.one_of(
    NUMBER.map(str),
    st.builds(lambda n, u: f"{n}{u}", NUMBER, st.sampled_from(["mm", "pt", "cm", " mm", "px", ""])),
    st.sampled_from(["abc", "[28]", "{a: 1}", "null", "true", "''", ".inf", "-.inf", ".nan", "三号", "0x1F",
                     "1e400", "'28'", "*x", "&x 1", "!!python/object:os.system ls", "[[[[1]]]]"]),
)


def _mutated(changes: dict[str, str]) -> str:
    text = DEFAULT_LAYOUT
    for field, value in changes.items():
        line = LAYOUT_FIELDS[field]
        key = line.split(":")[0]
        text = text.replace(line, f"{key}: {value}", 1)
    return text


@examples(60)
@given(st.dictionaries(st.sampled_from(sorted(LAYOUT_FIELDS)), VALUE, min_size=1, max_size=4))
def test_random_layout_values_give_a_usable_layout_or_located_errors(tmp_path_factory: pytest.TempPathFactory,
                                                                      changes: dict[str, str]) -> None:
    from jianbao.design.load import load_layout

    path = tmp_path_factory.mktemp("layout") / "custom.yaml"
    path.write_text(_mutated(changes), encoding="utf-8")
    try:
        with deadline(30):
            layout = load_layout(path)
    except LayoutInvalid as failed:
        assert failed.errors
        for error in failed.errors:
            assert error.location.file.endswith("custom.yaml") and error.location.line >= 1, str(error)
            assert CJK.search(error.message), str(error)
            assert len(str(error)) < 400, str(error)
        return
    page = layout.page  # what was accepted is printable
    assert 0 < page.margin_left + page.block_width <= page.width
    assert 0 < page.margin_top + page.block_height <= page.height
    assert page.cell >= 4 and page.pitch >= 4 and layout.masthead.lines < page.lines_per_page + 1
    assert layout.page_number.format.format(n=12).count("12") >= 1


@examples(8)
@given(st.fixed_dictionaries({
    "page.chars_per_line": st.integers(5, 40).map(str),
    "page.lines_per_page": st.integers(9, 40).map(str),
    "page.margin_top": st.integers(0, 60).map(lambda n: f"{n}mm"),
    "closing.line_pitch": st.integers(5, 60).map(lambda n: f"{n}pt"),
}))
def test_a_layout_that_passes_the_checks_builds(tmp_path_factory: pytest.TempPathFactory,
                                                changes: dict[str, str]) -> None:
    where = project(tmp_path_factory.mktemp("proj"))
    (where / "layouts" / "default.yaml").write_text(_mutated(changes), encoding="utf-8")
    result = run("2018-07", cwd=where, timeout=60)
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr[-2000:]
    if result.returncode == 0:
        assert len(PdfReader(where / "out" / "2018-07.pdf").pages) >= 1
    else:
        assert LOCATED.search(result.stderr) and CJK.search(result.stderr), result.stderr


# --- 2. damaged fonts and font cache ----------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_ttf = pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans (fonts-dejavu-core) is not installed")


def _damage(data: bytes, rng: random.Random) -> bytes:
    """Truncate, or overwrite bytes in the table directory or inside one table."""
    out = bytearray(data)
    count = int.from_bytes(data[4:6], "big")
    kind = rng.choice(["truncate", "directory", "table"])
    if kind == "truncate":
        return bytes(out[: rng.randrange(0, len(out))])
    if kind == "directory":
        for _ in range(rng.randint(1, 6)):
            out[rng.randrange(12, 12 + 16 * count)] = rng.randrange(256)
        return bytes(out)
    entry = 12 + 16 * rng.randrange(count)
    offset, length = int.from_bytes(data[entry + 8 : entry + 12], "big"), int.from_bytes(data[entry + 12 : entry + 16],
                                                                                       "big")
    for _ in range(rng.randint(1, 40)):
        out[offset + rng.randrange(max(1, length))] = rng.randrange(256)
    return bytes(out)


@needs_ttf
@examples(10)
@given(st.integers(0, 2**32 - 1))
def test_a_damaged_font_in_fonts_is_skipped_with_a_warning_or_a_clear_error(
        tmp_path_factory: pytest.TempPathFactory, warm_cache: Path, seed: int) -> None:
    where = project(tmp_path_factory.mktemp("proj"))
    cache = tmp_path_factory.mktemp("cache") / "c"
    shutil.copytree(warm_cache, cache)
    (where / "fonts" / "仿宋.ttf").write_bytes(_damage(DEJAVU.read_bytes(), random.Random(seed)))
    result = run("2018-07", cwd=where, env={"JIANBAO_CACHE_DIR": str(cache)}, timeout=90)
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr[-2000:]
    if result.returncode == 2:
        assert "fonts/仿宋.ttf" in result.stderr and CJK.search(result.stderr), result.stderr


@needs_ttf
def test_a_truncated_licensed_font_is_named_in_the_build_warnings(tmp_path: Path, warm_cache: Path) -> None:
    where = project(tmp_path)
    (where / "fonts" / "仿宋_GB2312.ttf").write_bytes(DEJAVU.read_bytes()[:30000])
    cache = tmp_path / "cache"
    shutil.copytree(warm_cache, cache)
    result = run("2018-07", cwd=where, env={"JIANBAO_CACHE_DIR": str(cache)})
    assert_clear(result, code=0)
    assert "fonts/仿宋_GB2312.ttf：警告：字体文件无法读取，已跳过（文件不完整或已损坏" in result.stderr


@examples(60)
@given(st.binary(max_size=300), st.sampled_from(["truncate", "flip", "empty", "append", "replace"]),
       st.integers(0, 10**6))
def test_a_cache_entry_that_does_not_read_back_whole_is_discarded(tmp_path_factory: pytest.TempPathFactory,
                                                                  content: bytes, damage: str, where: int) -> None:
    from jianbao.fonts.cache import Cache

    root = tmp_path_factory.mktemp("cache")
    cache = Cache(root)
    path = root / "ttf" / "entry.ttf"
    assert cache.write(path, content) and cache.read(path) == content
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[: where % len(raw)]
    elif damage == "flip":
        raw[where % len(raw)] ^= 1 + where % 255
    elif damage == "empty":
        raw = bytearray()
    elif damage == "append":
        raw += b"\0"
    else:
        raw = bytearray(content)  # an entry of an older version: no checksum
    path.write_bytes(bytes(raw))
    assert cache.read(path) is None
    assert not path.exists()  # discarded: the next build makes it again


@pytest.mark.parametrize("damage", ["zero-bytes", "garbage", "fifo", "directory"])  # truncation: the fuzz above
def test_a_damaged_font_cache_is_rebuilt_not_blamed_on_the_font(tmp_path: Path, warm_cache: Path,
                                                                damage: str) -> None:
    where = project(tmp_path)
    cache = tmp_path / "cache"
    shutil.copytree(warm_cache, cache)
    expected = run("2018-07", cwd=where, env={"JIANBAO_CACHE_DIR": str(cache)})
    assert_clear(expected, code=0)
    good = (where / "out" / "2018-07.pdf").read_bytes()
    entries = sorted((cache / "ttf").glob("*.ttf")) + sorted((cache / "json").glob("cmap-*.json"))
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.unlink()
        if damage == "zero-bytes":
            entry.write_bytes(b"")
        elif damage == "garbage":
            entry.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(len(data))))
        elif damage == "fifo":
            os.mkfifo(entry)
        else:
            entry.mkdir()
    (where / "out" / "2018-07.pdf").unlink()
    for _ in range(2):  # the damaged cache is read once, the rebuilt one next
        result = run("2018-07", cwd=where, env={"JIANBAO_CACHE_DIR": str(cache)})
        assert_clear(result, code=0)
        assert "警告" not in result.stderr
        assert (where / "out" / "2018-07.pdf").read_bytes() == good


# --- 3. manifest and record ---------------------------------------------------------------------------


def _manifest(issue_id: str = "2018-07") -> dict:
    return {"format": 1, "issues": {issue_id: {
        "source": f"content/{issue_id}.yaml",
        "inputs": {"source": "a" * 64, "layout": "b" * 64, "fonts": "c" * 64, "program": "d" * 64},
        "pdf": {"name": f"{issue_id}.pdf", "size": 10, "mtime_ns": 1, "sha256": "e" * 64, "pages": 1},
        "issue": {"title": "t", "series": "s", "year": 2018, "number": 7, "number_label": "2018年第7期",
                  "edition": None, "cumulative": None, "date": "2018-04-13", "date_label": "2018年4月13日",
                  "units": ["u"], "layout": "default", "articles": ["a"]},
    }}}


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12),
              st.just("../../secret.txt"), st.just("ten")),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


@examples(60)
@given(st.data())
def test_a_damaged_manifest_loads_as_fewer_entries_never_a_crash(tmp_path_factory: pytest.TempPathFactory,
                                                                 data: st.DataObject) -> None:
    from jianbao.archive.manifest import Manifest

    doc = _manifest()
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)[1:]))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = data.draw(JSON_VALUE)
    out = tmp_path_factory.mktemp("out")
    (out / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    manifest = Manifest.load(out)
    for issue_id, entry in manifest.entries.items():
        assert entry.pdf.name == f"{issue_id}.pdf"
        assert isinstance(entry.pdf.pages, int) and isinstance(entry.meta.year, int)
        assert all(isinstance(t, str) for t in entry.meta.articles)
        json.dumps(manifest.to_json())


@pytest.mark.parametrize("damage", ["deep", "pages-ten", "secret-name"])
def test_batch_runs_survive_a_damaged_manifest_and_never_link_a_foreign_file(tmp_path: Path, damage: str) -> None:
    where = project(tmp_path / "p", numbers=(7, 8))
    (tmp_path / "secret.txt").write_text("TOP-SECRET-CONTENT\n", encoding="utf-8")
    assert_clear(run("--all", "-j", "1", cwd=where), code=0)
    manifest = where / "out" / "manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    if damage == "deep":
        manifest.write_text('{"format": 1, "issues": ' + "[" * 100000 + "]" * 100000 + "}", encoding="utf-8")
    elif damage == "pages-ten":
        doc["issues"]["2018-07"]["pdf"]["pages"] = "ten"
        manifest.write_text(json.dumps(doc), encoding="utf-8")
    else:  # a name that leads to a foreign file, with that file's size and time: it would be vouched for
        st = (tmp_path / "secret.txt").stat()
        doc["issues"]["2018-07"]["pdf"].update(name="../../secret.txt", size=st.st_size, mtime_ns=st.st_mtime_ns)
        manifest.write_text(json.dumps(doc), encoding="utf-8")
    result = run("--all", "-j", "1", cwd=where)
    assert_clear(result, code=0)
    assert "TOP-SECRET" not in result.stdout + result.stderr
    index = json.loads((where / "out" / "index.json").read_text(encoding="utf-8"))
    assert [i["file"] for i in index["issues"]] == ["2018-07.pdf", "2018-08.pdf"]
    html = (where / "out" / "index.html").read_text(encoding="utf-8")
    assert "secret" not in html and 'href="2018-07.pdf"' in html


def test_two_batch_runs_on_one_output_folder_lose_no_record(tmp_path: Path) -> None:
    numbers = (1, 2, 3, 4, 5, 6)
    where = project(tmp_path, numbers=numbers)
    runs = [subprocess.Popen([sys.executable, "-m", "jianbao", "--all", "--force", "-j", "1"], cwd=where,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=TIMEOUT) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    assert any("另一个 make-issue 正在向" in out for out, _ in outputs)  # the second one waited
    index = json.loads((where / "out" / "index.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in index["issues"]] == [f"2018-{n:02d}" for n in numbers]


def test_a_batch_run_that_cannot_get_the_output_folder_says_so(tmp_path: Path) -> None:
    where = project(tmp_path)
    (where / "out").mkdir()
    fd = os.open(where / "out", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another run holds out/
        result = run("--all", cwd=where, env={"JIANBAO_LOCK_WAIT": "1"}, timeout=60)
    finally:
        os.close(fd)
    assert_clear(result, code=2)
    assert "out：另一个 make-issue 正在向这个目录生成，已等待 1 秒仍未结束" in result.stderr
    assert not (where / "out" / "index.json").exists()


def test_csv_cells_that_start_like_a_formula_are_neutralised(tmp_path: Path) -> None:
    """A title such as =HYPERLINK(…) typed in the source reaches index.csv as text, not a formula."""
    where = project(tmp_path, numbers=())
    source = MINI.format(number=7).replace("  - title: 标题\n    body: [正文。]",
                                           "  - title: '=HYPERLINK(\"http://x\",\"点我\")'\n    body: [正文。]\n"
                                           "  - title: '-2+3'\n    body: [正文。]\n"
                                           "  - title: '@SUM(A1)'\n    body: [正文。]")
    (where / "content" / "2018-07.yaml").write_text(source + "edition: '+1'\n", encoding="utf-8")
    result = run("2018-07", cwd=where)
    assert_clear(result, code=0)
    table = list(csv.reader(io.StringIO((where / "out" / "index.csv").read_bytes().decode("utf-8-sig"))))
    cells = dict(zip(table[0], table[1], strict=True))
    assert cells["版别"] == "'+1" and cells["印发日期"] == "2018-04-13"
    assert cells["文章"] == "'=HYPERLINK(\"http://x\",\"点我\")；-2+3；@SUM(A1)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


# --- 4. special files and links ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fonts/仿宋.ttf", "fonts/fonts.yaml", "out/manifest.json", "out/index.json",
                                  "content/2018-07.yaml"])
def test_a_fifo_where_a_file_is_read_never_hangs(tmp_path: Path, name: str) -> None:
    where = project(tmp_path, numbers=(7, 8))
    (where / "out").mkdir()
    target = where / name
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    result = run("--all", "-j", "1", cwd=where, timeout=90)
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, result.stderr[-2000:]
    if name.startswith("fonts/fonts.yaml"):
        assert result.returncode != 0 and "fonts/fonts.yaml" in result.stderr and "不是普通文件" in result.stderr
    elif name.startswith("content/"):
        assert "content/2018-07.yaml：警告：不是普通文件，已跳过" in result.stderr and result.returncode == 0
    else:
        assert result.returncode == 0, result.stderr
        assert (where / "out" / "2018-08.pdf").is_file()


def test_all_skips_a_link_that_leaves_the_project_and_echoes_nothing_of_it(tmp_path: Path) -> None:
    where = project(tmp_path / "p")
    secret = tmp_path / "secret.txt"
    secret.write_text("password: TOP-SECRET-VALUE\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (where / "content" / "2018-09.yaml").symlink_to(secret)
    result = run("--all", "-j", "1", cwd=where)
    assert_clear(result, code=0)
    assert "content/2018-09.yaml：警告：这是指向项目之外的链接，已跳过" in result.stderr
    assert "TOP-SECRET" not in result.stdout + result.stderr and "root:x" not in result.stdout + result.stderr
    assert not (where / "out" / "2018-09.pdf").exists() and (where / "out" / "2018-07.pdf").is_file()


def test_a_message_quotes_only_a_short_excerpt_of_a_file_it_could_not_parse(tmp_path: Path) -> None:
    where = project(tmp_path, numbers=())
    secret = "SECRET" * 500
    (where / "content" / "2018-07.yaml").write_text(f"{secret}: 1\n{secret}x: [a]\n{secret}: 2\n", encoding="utf-8")
    result = run("2018-07", cwd=where)
    assert_clear(result, code=2)
    assert all(len(line) < 400 for line in result.stderr.splitlines()), result.stderr[:3000]


# --- 5. killed and failing runs ---------------------------------------------------------------------


def _long_issue(where: Path) -> None:
    """The reference issue made long enough that composing it takes a while."""
    text = (ROOT / "content" / "2018-06.yaml").read_text(encoding="utf-8")
    head, articles = text.split("\narticles:\n", 1)
    body, closing = articles.split("\nclosing:", 1) if "\nclosing:" in articles else (articles, None)
    long = head + "\narticles:\n" + body * 8 + (f"\nclosing:{closing}" if closing is not None else "")
    (where / "content" / "2018-06.yaml").write_text(long, encoding="utf-8")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_single_build_stopped_by_a_signal_leaves_no_temporary_file(tmp_path: Path, sig: int) -> None:
    where = project(tmp_path, numbers=(), reference=True)
    _long_issue(where)
    assert_clear(run("2018-06", cwd=where), code=0)  # an old PDF, and the fonts ready in the cache
    old = (where / "out" / "2018-06.pdf").read_bytes()
    source = where / "content" / "2018-06.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("number: 6", "number: 6\ncumulative: 99"),
                      encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "jianbao", "2018-06"], cwd=where, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    while proc.poll() is None and not list((where / "out").glob(".2018-06.*.pdf.tmp")):
        assert time.monotonic() - started < 60, "no temporary file appeared"
        time.sleep(0.002)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert not list((where / "out").glob(".*.tmp")), (list((where / "out").glob(".*.tmp")), proc.returncode, err)
    if proc.returncode == 130:
        assert "已中断" in err and (where / "out" / "2018-06.pdf").read_bytes() == old
    else:  # it finished just before the signal
        assert proc.returncode == 0, err


def test_temporary_files_of_dead_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    where = project(tmp_path)
    out = where / "out"
    out.mkdir()
    dead = out / ".2018-07.k1ll3d.pdf.tmp"
    dead.write_bytes(b"%PDF-1.4 half")
    live = out / ".2018-08.wr1t1n.pdf.tmp"
    live.write_bytes(b"%PDF-1.4 being written")
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a build still writing it
        assert_clear(run("2018-07", cwd=where), code=0)
        assert not dead.exists() and live.exists()
    finally:
        os.close(fd)
    (out / ".manifest.json.x1y2.tmp").write_bytes(b"{")
    assert_clear(run("--all", cwd=where), code=0)
    assert not (out / ".manifest.json.x1y2.tmp").exists() and not live.exists()


def test_a_summary_that_cannot_be_printed_is_reported_truthfully(tmp_path: Path) -> None:
    where = project(tmp_path)
    with open(os.devnull if not Path("/dev/full").exists() else "/dev/full", "w") as full:
        result = run("2018-07", cwd=where, stdout=full)
    assert_clear(result, code=2)
    assert "make-issue：已生成 out/2018-07.pdf，但无法输出运行结果（磁盘空间不足）" in result.stderr
    assert len(PdfReader(where / "out" / "2018-07.pdf").pages) == 1
    result = run("2018-07", cwd=where, env={"PYTHONIOENCODING": "ascii"})
    assert_clear(result, code=2)
    assert "make-issue: done (" in result.stderr and "the report could not be printed" in result.stderr


# --- 6. valid input, wrong output -------------------------------------------------------------------


def _with_units(n: int, number: int = 7) -> str:
    units = "".join(f"  - 嘉兴市第{i}工商业联合会\n" for i in range(n))
    return MINI.format(number=number).replace("units: [嘉兴市工商业联合会]\n", "units:\n" + units)


def test_twenty_units_are_a_located_error_and_nineteen_build(tmp_path: Path) -> None:
    where = project(tmp_path, numbers=())
    (where / "content" / "2018-07.yaml").write_text(_with_units(19), encoding="utf-8")
    assert_clear(run("2018-07", cwd=where), code=0)
    (where / "content" / "2018-07.yaml").write_text(_with_units(20), encoding="utf-8")
    for args in (["2018-07"], ["--check", "2018-07"]):  # found before fonts are read: --check says it too
        result = run(*args, cwd=where)
        assert_clear(result, code=2)
        assert "content/2018-07.yaml:25:5 units：编印单位共 20 个，报头一页最多排得下 19 个" in result.stderr


@pytest.mark.parametrize(("old", "new", "where"), [
    ("series: 工商联信息", "series: " + "嘉兴市工商业联合会与总商会联合编印" * 3, "content/2018-07.yaml:1:9 series："),
    ("units: [嘉兴市工商业联合会]", "units: [" + "嘉兴市工商业联合会与总商会" * 4 + "]",
     "content/2018-07.yaml:5:9 units："),
])
def test_an_overlong_masthead_field_is_reported_not_squeezed(tmp_path: Path, old: str, new: str, where: str) -> None:
    root = project(tmp_path, numbers=())
    (root / "content" / "2018-07.yaml").write_text(MINI.format(number=7).replace(old, new), encoding="utf-8")
    result = run("2018-07", cwd=root)
    assert_clear(result, code=2)
    assert where in result.stderr and "报头中一行排不下" in result.stderr and "请缩短它" in result.stderr


# --- 7. messages --------------------------------------------------------------------------------------

MISSING = "\U0002a6a5"  # 𪚥: in no font of the default configuration


def test_a_missing_glyph_is_located_where_it_is_printed_not_in_a_comment(tmp_path: Path) -> None:
    where = project(tmp_path, numbers=())
    text = MINI.format(number=7).replace("    body: [正文。]", f"    body: [正文{MISSING}。]")
    (where / "content" / "2018-07.yaml").write_text(f"# 注释：{MISSING}\n" + text, encoding="utf-8")
    result = run("--check", "2018-07", cwd=where)
    assert_clear(result, code=2)
    assert re.search(rf"^content/2018-07\.yaml:9:14：字符“{MISSING}”", result.stderr, re.M), result.stderr


def test_a_missing_glyph_written_as_an_escape_has_a_position(tmp_path: Path) -> None:
    where = project(tmp_path, numbers=())
    text = MINI.format(number=7).replace("  - title: 标题", '  - title: "标\\U0002A6A5题"')
    (where / "content" / "2018-07.yaml").write_text(text, encoding="utf-8")
    result = run("--check", "2018-07", cwd=where)
    assert_clear(result, code=2)
    assert re.search(rf"^content/2018-07\.yaml:7:14：字符“{MISSING}”", result.stderr, re.M), result.stderr


def test_a_variation_selector_is_not_a_missing_glyph(tmp_path: Path) -> None:
    where = project(tmp_path, numbers=())
    text = MINI.format(number=7).replace("body: [正文。]", "body: [正文\ufe0f内容\U000e0100。]")
    (where / "content" / "2018-07.yaml").write_text(text, encoding="utf-8")
    result = run("2018-07", cwd=where)
    assert_clear(result, code=0)
    assert "U+FE0F" not in result.stderr and "U+E0100" not in result.stderr
    text = "".join(page.extract_text() for page in PdfReader(where / "out" / "2018-07.pdf").pages)
    assert "正文内容。" in text


def test_batch_mode_gives_system_reasons_in_chinese(tmp_path: Path) -> None:
    """A folder where the manifest belongs is not ours to replace: the PDFs are built, the record is
    left alone, and what the user reads is Chinese, without the system's English words."""
    where = project(tmp_path)
    (where / "out" / "manifest.json").mkdir(parents=True)  # the manifest cannot be written
    result = run("--all", cwd=where)
    assert_clear(result, code=0)
    assert "out/manifest.json：不是 make-issue 写的文件，未改动" in result.stderr
    assert (where / "out" / "2018-07.pdf").is_file()
    assert not re.search(r"\((?:Is a directory|No space left on device)\)|（[A-Za-z ]+）", result.stderr)
    from jianbao.errors import os_reason

    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足"
    assert os_reason(OSError(errno.EISDIR, "Is a directory")) == "已有同名的目录"


@pytest.mark.parametrize("mode", ["single", "batch"])
def test_one_rule_for_an_issue_written_as_yml(tmp_path: Path, mode: str) -> None:
    where = project(tmp_path, numbers=())
    (where / "content" / "2018-07.yml").write_text(MINI.format(number=7), encoding="utf-8")
    args = ["2018-07"] if mode == "single" else ["2018-07", "2018"]
    assert_clear(run(*args, cwd=where), code=0)
    assert (where / "out" / "2018-07.pdf").is_file()
    (where / "content" / "2018-07.yaml").write_text(MINI.format(number=7), encoding="utf-8")
    result = run(*(args if mode == "single" else ["--all"]), cwd=where)
    assert_clear(result, code=2)
    assert "content/2018-07.yaml 与 content/2018-07.yml 是同一期（2018-07）" in result.stderr


def test_user_errors_of_every_family_are_user_errors() -> None:
    from jianbao.errors import ContentTooTall, FieldTooLong, LayoutError

    assert issubclass(LayoutInvalid, LayoutError) and issubclass(LayoutInvalid, UserError)
    assert issubclass(FieldTooLong, UserError) and issubclass(ContentTooTall, UserError)
