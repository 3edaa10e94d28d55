"""The distribution record: which PDF the office sent for each issue, provably.

Written into the output folder from the manifest after every batch run:

* ``index.json`` for programs: one object per issue with id, title, date, edition, pages, size,
  SHA-256 of the PDF and the article titles;
* ``index.html`` for people: the same as a table, each PDF linked;
* ``index.csv`` for spreadsheets (UTF-8 with a byte-order mark, so Excel shows the Chinese).

The record lists exactly the PDFs the manifest vouches for (a PDF still as it was written), sorted by
year and number. It carries no timestamp: the same PDFs give the same record, byte for byte, and a run
that changed nothing rewrites nothing.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from jianbao import __version__
from jianbao.archive.manifest import Entry, Manifest, write_if_changed

JSON_NAME = "index.json"
HTML_NAME = "index.html"
CSV_NAME = "index.csv"

CSV_COLUMNS = ("id", "title", "date", "edition", "pages", "size", "sha256", "file", "articles")


def rows(manifest: Manifest) -> list[dict]:
    entries = sorted(manifest.entries.values(), key=lambda e: (e.meta.year, e.meta.number, e.id))
    return [_row(e) for e in entries]


def _row(entry: Entry) -> dict:
    m = entry.meta
    return {
        "id": entry.id,
        "title": m.title,
        "series": m.series,
        "year": m.year,
        "number": m.number,
        "edition": m.edition,
        "cumulative": m.cumulative,
        "date": m.date,
        "file": entry.pdf.name,
        "pages": entry.pdf.pages,
        "size": entry.pdf.size,
        "sha256": entry.pdf.sha256,
        "articles": list(m.articles),
    }


def write_record(manifest: Manifest) -> list[Path]:
    """Write index.json, index.html and index.csv beside the PDFs; the paths of the three files."""
    out = manifest.out_dir
    data = rows(manifest)
    files = {
        out / JSON_NAME: to_json(data),
        out / HTML_NAME: to_html(data),
        out / CSV_NAME: to_csv(data),
    }
    for path, content in files.items():
        write_if_changed(path, content)
    return list(files)


def to_json(data: list[dict]) -> bytes:
    doc = {"format": 1, "generator": f"jianbao {__version__}", "issues": data}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def to_csv(data: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in data:
        writer.writerow([
            _cell(v) for v in (
                row["id"], row["title"], row["date"], row["edition"] or "", row["pages"], row["size"],
                row["sha256"], row["file"], "；".join(row["articles"]),
            )
        ])
    return buffer.getvalue().encode("utf-8-sig")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text: a title such as ``=HYPERLINK(…)`` gets a
    leading apostrophe, so Excel and LibreOffice do not take it for a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_PDF_NAME = re.compile(r"^[0-9]{4}-[0-9]{2,3}\.pdf$")


def _href(name: str) -> str | None:
    """The link to a PDF beside index.html: only a name this program writes (``2018-06.pdf``)."""
    return name if _PDF_NAME.match(name) else None


_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .35em .5em; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
td.n { text-align: right; white-space: nowrap; }
code { font-size: .8em; word-break: break-all; }
ol { margin: 0; padding-left: 1.4em; }
""".strip()


def to_html(data: list[dict]) -> bytes:
    e = html.escape
    total_pages = sum(r["pages"] for r in data)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        "<title>简报发送记录</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        "<h1>简报发送记录</h1>",
        f"<p>共 {len(data)} 期，{total_pages} 页。SHA-256 是每个 PDF 文件内容的指纹："
        "文件只要改动一个字节，指纹就不同，可用来核对发出的是哪一个文件。</p>",
        "<table>",
        "<thead><tr><th>期号</th><th>标题</th><th>印发日期</th><th>版别</th><th>页数</th><th>大小</th>"
        "<th>SHA-256</th><th>文章</th></tr></thead>",
        "<tbody>",
    ]
    for r in data:
        articles = "".join(f"<li>{e(t)}</li>" for t in r["articles"])
        href = _href(r["file"])
        link = f'<a href="{e(href)}">{e(r["id"])}</a>' if href else e(r["id"])
        lines.append(
            f'<tr><td>{link}</td><td>{e(r["title"])}</td>'
            f'<td class="n">{e(r["date"])}</td><td>{e(r["edition"] or "")}</td>'
            f'<td class="n">{r["pages"]}</td><td class="n">{r["size"] / 1024:.0f} KB</td>'
            f'<td><code>{e(r["sha256"])}</code></td><td><ol>{articles}</ol></td></tr>'
        )
    lines += ["</tbody>", "</table>", f"<p>由 jianbao {e(__version__)} 生成。</p>", "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")
