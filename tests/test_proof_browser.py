"""The proof page in a real browser: Debian's chromium, headless, driven by Playwright.

``make-issue watch 2018-06 --serve`` runs as a user runs it; the browser opens the address it prints,
sees one image per page of the PDF, then follows a save of the source without being reloaded: the
new text appears, an invalid save lists its located error beside the pages, and a good save clears
it. The run also takes the screenshot of the proof page in the README (docs/proof-page.png).

Skipped, with the reason, where no Chromium or no Playwright is installed (./bootstrap test installs
both).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from pdftext import page_texts
from test_proof import EDITED, Watch

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "docs" / "proof-page.png"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="没有安装 Chromium（Debian 的 chromium 软件包）："
                                "浏览器测试跳过；./bootstrap test 会安装它")


def _save_screenshot(png: bytes) -> None:
    """docs/proof-page.png for the README: the browser's screenshot in 256 colours (a quarter the size)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as shot:
        shot.convert("RGB").quantize(256).save(SCREENSHOT, optimize=True)


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="没有安装 Playwright（pyproject 的 test 依赖）")
    with sync_api.sync_playwright() as p:
        # a fresh profile: Playwright gives every persistent context the folder it is told
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS, headless=True,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture()
def served(project_copy: Path) -> Iterator[tuple[Watch, str]]:
    w = Watch(project_copy, "2018-06", "--serve")
    url = re.search(r"http://127\.0\.0\.1:\d+/", w.expect("校对页面：http://127.0.0.1:"))
    assert url is not None
    w.expect("正在监视")
    yield w, url[0]
    if w.proc.poll() is None:
        w.stop()


def test_proof_page_shows_the_pages_and_follows_saves_without_reload(
    browser: object, served: tuple[Watch, str], project_copy: Path
) -> None:
    watch, url = served
    pdf = project_copy / "out" / "2018-06.pdf"
    source = project_copy / "content" / "2018-06.yaml"
    pages = len(page_texts(pdf))
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
    loaded = "n => [...document.querySelectorAll('#pages img')].filter(i => i.complete && i.naturalWidth > 0)" \
             ".length === n"
    page.wait_for_function(loaded, arg=pages, timeout=30_000)
    assert page.locator("#pages figure").count() == pages
    assert page.locator("#page-count").inner_text() == str(pages)
    assert "仿宋" in page.locator("#standins").inner_text()  # no 仿宋 font on a test machine: a stand-in
    assert re.search(r"content/2018-06\.yaml:\d+:\d+", page.locator("#problems").inner_text())  # warnings
    page.evaluate("window.notReloaded = true")

    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace(EDITED, "会上，市工商联副主席孙昌佩校对时传达了"), encoding="utf-8")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.page-text')].some(p => p.textContent.includes('孙昌佩校对时传达了'))",
        timeout=30_000)
    page.wait_for_function(loaded, arg=pages, timeout=30_000)
    assert page.evaluate("window.notReloaded") is True
    _save_screenshot(page.screenshot())

    source.write_text(good.replace("date: 2018-04-13", "date: 2018-13-45"), encoding="utf-8")
    page.wait_for_function("() => document.getElementById('status').className === 'failed'", timeout=30_000)
    problems = page.locator("#problems").inner_text()
    assert re.search(r"content/2018-06\.yaml:9:7\s*date：日期不存在", problems), problems
    assert page.locator("#pages figure").count() == pages  # the last good pages stay
    assert page.evaluate("window.notReloaded") is True

    source.write_text(good, encoding="utf-8")
    page.wait_for_function("() => document.getElementById('status').className === 'ok'", timeout=30_000)
    assert "日期不存在" not in page.locator("#problems").inner_text()
    assert watch.stop() == 0
