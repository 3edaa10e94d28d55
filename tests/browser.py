"""Headless Chromium for the tests (Debian's ``chromium``, driven by Playwright for Python).

Tests that look at a page through a browser call :func:`open_browser`; where no Chromium is installed
(or Playwright is missing) they are skipped with the reason and the command that installs it —
``./bootstrap test`` installs Chromium the way it installs the fonts, so CI runs them.

Also a small command to look at a page as the tests see it::

    .venv/bin/python tests/browser.py out/index.html docs/record.png      # 1200 px wide, whole page
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

# The flags of the project's guide: headless, no sandbox (CI containers), no GPU, and no network
# traffic of the browser's own (updates, sync, QUIC probes).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
INSTALL = "Debian：sudo apt-get install chromium，或运行 ./bootstrap test"


def chromium_path() -> str | None:
    """The Chromium to use: $JIANBAO_CHROMIUM, else ``chromium`` on PATH (Debian's package)."""
    return os.environ.get("JIANBAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if chromium_path() is None:
        return f"没有安装 Chromium，跳过浏览器测试（{INSTALL}）"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "没有安装 Playwright，跳过浏览器测试（.venv/bin/pip install -e '.[test]'）"
    return None


@contextmanager
def open_browser(width: int = 1200, height: int = 800) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile and a ``width`` × ``height`` viewport."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    assert path is not None, missing()
    with tempfile.TemporaryDirectory(prefix="jianbao-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=path, headless=True, args=FLAGS,
            viewport={"width": width, "height": height}, locale="zh-CN",
        )
        try:
            yield context
        finally:
            context.close()


# Measures a page as laid out: the 期号 cells and every header and no-wrap cell on one line, and
# nothing wider than its cell or the window.
LAYOUT_JS = """
(media) => {
  // the line boxes an element's text occupies: its text fragments, a new line where one starts below
  // the bottom of the line before (fragments of one line differ in top only by their font size)
  const lines = (el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const rects = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
    }
    rects.sort((a, b) => a.top - b.top);
    let count = 0, bottom = -Infinity;
    for (const r of rects) {
      if (r.top >= bottom - 1) { count += 1; bottom = r.bottom; } else { bottom = Math.max(bottom, r.bottom); }
    }
    return count;
  };
  const view = document.documentElement.clientWidth;
  const cells = [...document.querySelectorAll("th, td")];
  return {
    view,
    pageWidth: document.documentElement.scrollWidth,
    tableRight: document.querySelector("table").getBoundingClientRect().right,
    ids: [...document.querySelectorAll("tbody tr td:first-child")].map(td => [td.textContent, lines(td)]),
    // on paper the SHA-256 is printed in full, in four lines of 16
    wrapped: [...document.querySelectorAll(media === "print" ? "th, td.nw, td.n" : "th, td.nw, td.n, td.sha")]
             .filter(c => lines(c) > 1).map(c => c.textContent),
    // a name or an edition of up to four characters (王静, 黄克飞, 欧阳建国, 专刊) is not broken
    shortWrapped: [...document.querySelectorAll("td.kw")].filter(c => c.textContent.length <= 4 && lines(c) > 1)
                  .map(c => c.textContent),
    overflowing: cells.filter(c => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > view + 0.5)
                      .map(c => c.textContent.slice(0, 40)),
  };
}
"""


def layout(context: BrowserContext, url: str, *, media: str = "screen", width: int | None = None) -> dict[str, Any]:
    """What LAYOUT_JS finds on the page at ``url`` for ``media`` (screen or print), in a window of
    the context's width or ``width`` CSS px."""
    page = context.new_page()
    if width is not None:
        page.set_viewport_size({"width": width, "height": 700})
    page.emulate_media(media=media)  # type: ignore[arg-type]
    page.goto(url)
    page.evaluate("document.fonts.ready")
    result: dict[str, Any] = page.evaluate(LAYOUT_JS, media)
    page.close()
    return result


def screenshot(html: Path, png: Path, width: int = 1200) -> None:
    with open_browser(width) as context:
        page = context.new_page()
        page.goto(html.resolve().as_uri())
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(png), full_page=True)


if __name__ == "__main__":
    reason = missing()
    if reason:
        sys.exit(reason)
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
