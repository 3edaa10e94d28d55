"""The distribution record (发文登记): which PDF the office sent for each issue, to whom, provably.

Written into the output folder from the manifest after every build (:mod:`.register`), one row per
issue with what a 发文登记 holds — 期号, 总期号, 版别, 印发日期, 标题, the 报/送/发 units, 印数, 签发,
审核, 编辑, 页数, the file and its SHA-256 — and the yearly volumes (``YYYY-volume.pdf``) present:

* ``index.json`` for programs (every value in full);
* ``index.html`` for people: a table that fits 1200 px without wrapping an 期号 or cutting anything
  off, the SHA-256 shortened (in full on hover), each PDF and volume linked, and a print stylesheet
  for A4 landscape (where the SHA-256 is printed in full, four groups of 16);
* ``index.csv`` for spreadsheets: Chinese headers, UTF-8 with a byte-order mark (Excel in a Chinese
  office opens it as is), the SHA-256 in full, and no cell Excel would take for a formula
  (:func:`csv_cell`).

The record lists exactly the PDFs the manifest vouches for (a PDF still as it was written), sorted by
year and number. It carries no timestamp: the same PDFs give the same record, byte for byte, and a run
that changed nothing rewrites nothing.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import re
from pathlib import Path
from typing import Any

from jianbao import __version__
from jianbao.archive.manifest import FILE_NAME, Entry, Manifest, dumps_by_line, write_if_changed
from jianbao.files import open_regular
from jianbao.fonts.config import ROLE_NAMES

JSON_NAME = "index.json"
HTML_NAME = "index.html"
CSV_NAME = "index.csv"
VOLUME = re.compile(r"(\d{4})-volume\.pdf")
SHORT_SHA = 12  # hex digits of the SHA-256 shown in the table (the full value on hover)
SIGNOFF_ROLES = ("签发", "审核", "编辑")

CSV_COLUMNS = ("期号", "总期号", "版别", "印发日期", "标题", "文章", "报/送/发单位", "印数", "签发", "审核", "编辑",
               "其他签署", "页数", "文件", "大小（字节）", "SHA-256", "替代字体")

_BOM = "\ufeff".encode()
_GENERATOR_META = b'<meta name="generator" content="jianbao'
# How each file of the record (and the manifest) begins when make-issue wrote it.
_OURS: dict[str, tuple[bytes, ...]] = {
    FILE_NAME: (b'{\n "format": ',),
    JSON_NAME: (b'"generator": "jianbao',),
    HTML_NAME: (_GENERATOR_META, "<title>简报发送记录</title>".encode()),  # the second: before the 发文登记
    CSV_NAME: (_BOM + CSV_COLUMNS[0].encode() + b",", _BOM + b"id,title,date,"),
}


def is_ours(path: Path) -> bool:
    """Whether make-issue may write ``path``: it does not exist, or make-issue wrote it."""
    try:
        with open_regular(path) as f:  # never blocks on a FIFO
            head = f.read(4096)
    except FileNotFoundError:
        return not path.is_symlink()  # a dangling link is not ours to write through
    except OSError:  # a folder or a FIFO of that name, no permission to read it: not ours to replace
        return False
    marks = _OURS.get(path.name, ())
    if path.name == CSV_NAME:
        return any(head.startswith(m) for m in marks)
    return any(m in head for m in marks)


def rows(manifest: Manifest) -> list[dict[str, Any]]:
    entries = sorted(manifest.entries.values(), key=lambda e: (e.meta.year, e.meta.number, e.id))
    return [_with_ofd(_row(e), manifest, e.id) for e in entries]


def _with_ofd(row: dict[str, Any], manifest: Manifest, issue_id: str) -> dict[str, Any]:
    """The OFD made with the PDF (make-issue --ofd), while it is still the file written: name and SHA-256."""
    ofd = manifest.current_ofd(issue_id)
    if ofd is not None:
        row["ofd"] = {"file": ofd.name, "size": ofd.size, "sha256": ofd.sha256}
    return row


def _row(entry: Entry) -> dict[str, Any]:
    m = entry.meta
    return {
        "id": entry.id,
        "number_label": m.number_label,
        "title": m.title,
        "series": m.series,
        "year": m.year,
        "number": m.number,
        "edition": m.edition,
        "cumulative": m.cumulative,
        "date": m.date,
        "date_label": m.date_label,
        "distribution": [{"label": label, "groups": list(groups)} for label, groups in m.distribution or ()],
        "print_run": m.print_run,
        "signoff": [{"role": role, "name": name} for role, name in m.signoff],
        "file": entry.pdf.name,
        "pages": entry.pdf.pages,
        "size": entry.pdf.size,
        "sha256": entry.pdf.sha256,
        "articles": list(m.articles),
        "stand_in_fonts": dict(m.stand_in_fonts),  # role → the free font that stood in for the office's
    }


def _stand_ins(row: dict[str, Any]) -> str:
    """仿宋：Noto Serif CJK SC；楷体：LXGW WenKai"""
    return "；".join(f"{ROLE_NAMES.get(role, role)}：{font}" for role, font in row["stand_in_fonts"].items())


def volumes(out_dir: Path) -> list[dict[str, Any]]:
    """The yearly volumes in ``out_dir`` (YYYY-volume.pdf), by year: file and size. (Not hashed: they
    are bound from the issues, whose checksums the record gives, and hashing a few years of volumes
    would cost every single build a tenth of a second.)"""
    found = []
    for path in sorted(out_dir.glob("*-volume.pdf")):
        match = VOLUME.fullmatch(path.name)
        with contextlib.suppress(OSError):
            if match is not None and path.is_file():
                found.append({"year": int(match.group(1)), "file": path.name, "size": path.stat().st_size})
    return found


def write_record(manifest: Manifest) -> list[Path]:
    """Write index.json, index.html and index.csv beside the PDFs; the paths of the three files."""
    out = manifest.out_dir
    data = rows(manifest)
    bound = volumes(out)
    files = {
        out / JSON_NAME: to_json(data, bound),
        out / HTML_NAME: to_html(data, bound),
        out / CSV_NAME: to_csv(data),
    }
    for path, content in files.items():
        write_if_changed(path, content)
    return list(files)


def to_json(data: list[dict[str, Any]], bound: list[dict[str, Any]] | None = None) -> bytes:
    doc = {"format": 1, "generator": f"jianbao {__version__}", "volumes": bound or [], "issues": data}
    return dumps_by_line(doc, "issues")


# --- the spreadsheet -------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value as a spreadsheet cell that shows it as text: one that begins with = + - @ (or a tab or
    carriage return) would be taken by Excel or LibreOffice for a formula — a title such as
    “=HYPERLINK(…)” in a source must not run — so it gets a leading apostrophe, which they hide."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _distribution_lines(row: dict[str, Any]) -> list[str]:
    return [f"{d['label']}：{'；'.join(d['groups'])}。" for d in row["distribution"]]


def _signoff(row: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """(名字 by role for 签发/审核/编辑, “职责：名字” for any other role)."""
    known: dict[str, str] = {}
    others: list[str] = []
    for item in row["signoff"]:
        if item["role"] in SIGNOFF_ROLES and item["role"] not in known:
            known[item["role"]] = item["name"]
        else:
            others.append(f"{item['role']}：{item['name']}")
    return known, others


def to_csv(data: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in data:
        known, others = _signoff(row)
        writer.writerow(csv_cell(v) for v in (
            row["number_label"], row["cumulative"], row["edition"], row["date"], row["title"],
            "；".join(row["articles"]), "\n".join(_distribution_lines(row)), row["print_run"],
            *(known.get(role) for role in SIGNOFF_ROLES), "；".join(others), row["pages"], row["file"],
            row["size"], row["sha256"], _stand_ins(row),
        ))
    return _BOM + buffer.getvalue().encode("utf-8")


_PDF_NAME = re.compile(r"^[0-9]{4}-[0-9]{2,3}\.pdf$")


def _href(name: str) -> str | None:
    """The link to a PDF beside index.html: only a name this program writes (``2018-06.pdf``)."""
    return name if _PDF_NAME.match(name) else None


# --- the page --------------------------------------------------------------------------------------

_STYLE = """
:root { --line: #c8c8c8; --head: #f2f2f2; --muted: #666; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 14px; line-height: 1.45; margin: 20px; color: #222; }
h1 { font-size: 20px; margin: 0 0 .4em; }
p { margin: .3em 0; }
.note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin-top: .8em; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: 600; white-space: nowrap; }
td { overflow-wrap: anywhere; }
.nw, td.n, td.sha { white-space: nowrap; overflow-wrap: normal; }
td.kw { min-width: 4.8em; word-break: keep-all; }  /* names, editions: up to 4 characters on one line;
                                                   a longer one wraps rather than widen the table */
code.full { display: none; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.c { text-align: center; }
td.title { min-width: 13em; }
td.units { min-width: 15em; font-size: 13px; }
td.units div + div { margin-top: .2em; }
ol { margin: 0; padding-left: 1.5em; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
abbr.sha { text-decoration: none; border-bottom: 1px dotted var(--muted); cursor: help; }
.empty { color: #aaa; }
a { color: #0645ad; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { margin: 0; font-size: 9pt; }
  h1 { font-size: 13pt; }
  .note { font-size: 8pt; }
  td.units { font-size: 8.5pt; }
  code { font-size: 8pt; }
  a { color: inherit; text-decoration: none; }
  abbr.sha { display: none; }
  td.sha { white-space: normal; width: 17ch; }
  code.full { display: inline; font-size: 7pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .screen { display: none; }
}
""".strip()


def _sha(sha: str) -> str:
    """A SHA-256 on screen: its first SHORT_SHA digits, the whole on hover; on paper: the whole, in four
    groups of 16 that may break between them."""
    e = html.escape
    groups = "<wbr>".join(e(sha[i:i + 16]) for i in range(0, len(sha), 16))
    return (f'<abbr class="sha" title="{e(sha)}"><code>{e(sha[:SHORT_SHA])}</code></abbr>'
            f'<code class="full">{groups}</code>')


def _dash() -> str:
    return '<span class="empty">—</span>'


def to_html(data: list[dict[str, Any]], bound: list[dict[str, Any]] | None = None) -> bytes:
    e = html.escape
    bound = bound or []
    series = sorted({r["series"] for r in data})
    heading = f"《{series[0]}》发文登记" if len(series) == 1 else "简报发文登记"
    total_pages = sum(r["pages"] for r in data)
    copies = sum(r["print_run"] or 0 for r in data)
    signoffs = [_signoff(r) for r in data]
    other_roles = any(others for _, others in signoffs)
    summary = f"共 {len(data)} 期，{total_pages} 页" + (f"，印数合计 {copies} 份" if copies else "") + "。"
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta name="generator" content="jianbao {e(__version__)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(heading)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{e(heading)}</h1>",
        f"<p>{summary}</p>",
    ]
    if bound:
        links = "；".join(
            f'<a href="{e(v["file"])}">{v["year"]} 年合订本</a>（{v["size"] / 1024:.0f} KB）'
            for v in bound
        )
        lines.append(f"<p>合订本：{links}。</p>")
    stand_ins = sorted({_stand_ins(r) for r in data} - {""})
    if stand_ins:
        lines.append("<p>替代字体（未找到单位常用字体，暂用免费字体排印的字体角色）："
                     + "；".join(e(s) for s in stand_ins) + "。</p>")
    lines.append(
        '<p class="note">SHA-256 是每个 PDF 文件内容的指纹：文件只要改动一个字节，指纹就不同，'
        f'可用来核对发出的是哪一个文件。<span class="screen">表中只显示前 {SHORT_SHA} 位，'
        "鼠标停在上面显示全部 64 位；打印出的表和 index.csv 中是完整的值。</span></p>"
    )
    head = ["期号", "总期号", "版别", "印发日期", "标题", "报/送/发单位", "印数", *SIGNOFF_ROLES,
            *(["其他签署"] if other_roles else []), "页数", "文件", "SHA-256"]
    lines += ["<table>", "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>", "<tbody>"]
    for r, (known, others) in zip(data, signoffs, strict=True):
        articles = "".join(f"<li>{e(t)}</li>" for t in r["articles"])
        units = "".join(f"<div>{e(line)}</div>" for line in _distribution_lines(r)) or _dash()
        href = _href(r["file"])  # only a name this program writes is ever linked
        number = (f'<a href="{e(href)}" title="{e(r["title"])}">{e(r["number_label"])}</a>' if href
                  else e(r["number_label"]))
        file = f'<a href="{e(href)}">{e(r["file"])}</a>' if href else e(r["file"])
        cells = [
            f'<td class="nw" id="{e(r["id"])}">{number}</td>',
            f'<td class="n">{r["cumulative"] if r["cumulative"] is not None else _dash()}</td>',
            f'<td class="kw">{e(r["edition"]) if r["edition"] else _dash()}</td>',
            f'<td class="nw">{e(r["date"])}</td>',
            f'<td class="title"><ol>{articles}</ol></td>',
            f'<td class="units">{units}</td>',
            f'<td class="n">{r["print_run"] if r["print_run"] is not None else _dash()}</td>',
            *(f'<td class="kw">{e(known[role]) if role in known else _dash()}</td>' for role in SIGNOFF_ROLES),
            *([f'<td>{"<br>".join(e(o) for o in others) or _dash()}</td>'] if other_roles else []),
            f'<td class="n">{r["pages"]}</td>',
            f'<td class="nw">{file}</td>',
            f'<td class="sha">{_sha(r["sha256"])}</td>',
        ]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>", f'<p class="note">由 jianbao {e(__version__)} 生成。</p>',
              "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")
