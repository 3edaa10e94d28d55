"""Word manuscripts written the ways offices type them, for the import tests (python-docx)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from jianbao.model import Article, Heading, Span
from jianbao.model import Paragraph as Para


def _font(run: Run, name: str, size: float | None = None, bold: bool | None = None) -> Run:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    return run


def _centred(document: WordDocument, text: str, name: str = "仿宋_GB2312", size: float = 16) -> Paragraph:
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), name, size)
    return p


def _tracked(p: Paragraph, inserted: str, deleted: str) -> None:
    """A tracked insertion and deletion inside ``p`` (Word's w:ins / w:del)."""
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "王静")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = inserted
    r.append(t)
    ins.append(r)
    p._p.append(ins)
    dele = OxmlElement("w:del")
    dele.set(qn("w:id"), "2")
    dele.set(qn("w:author"), "王静")
    r = OxmlElement("w:r")
    t = OxmlElement("w:delText")
    t.text = deleted
    r.append(t)
    dele.append(r)
    p._p.append(dele)


def speech(path: Path) -> Article:
    """A speech typed by hand: Title style, centred byline and dateline, indents typed as 　　, headings
    numbered by hand in 黑体 and 楷体, bold lead runs, a soft line break, empty paragraphs between
    sections, and a table."""
    d = Document()
    d.add_heading("在全市商会工作会议上的讲话", level=0)
    _centred(d, "叶伟达", "楷体_GB2312")
    _centred(d, "（2018年7月10日）", "楷体_GB2312")
    d.add_paragraph("　　同志们：今天召开全市商会工作会议，主要任务是总结工作、部署任务。")
    d.add_paragraph("")
    p = d.add_paragraph()
    _font(p.add_run("　　一、充分肯定上半年的工作"), "黑体")
    p = d.add_paragraph("　　上半年，各级商会围绕中心、服务大局，")
    p.add_run().add_break(WD_BREAK.LINE)  # a soft line break (Shift+Enter) in the middle of a sentence
    p.add_run("各项工作取得了新进展。")
    p = d.add_paragraph()
    _font(p.add_run("　　（一）组织建设不断加强"), "楷体_GB2312")
    p = d.add_paragraph("　　")
    p.add_run("一是党建工作全面覆盖。").bold = True
    p.add_run("新建商会党组织5家，实现应建尽建。")
    p = d.add_paragraph("    ")  # indented with spaces
    p.add_run("二是会员服务更加精准。").bold = True
    p.add_run("开展“三服务”活动42次。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "数量"
    d.add_paragraph("")
    p = d.add_paragraph()
    _font(p.add_run("　　二、扎实做好下半年的工作"), "黑体")
    d.add_paragraph("　　下半年，要重点抓好以下工作。")
    d.save(str(path))
    return Article(
        title="在全市商会工作会议上的讲话",
        byline="叶伟达",
        dateline="2018年7月10日",
        body=(
            Para((Span("同志们：今天召开全市商会工作会议，主要任务是总结工作、部署任务。"),)),
            Heading(1, "一、充分肯定上半年的工作"),
            Para((Span("上半年，各级商会围绕中心、服务大局，各项工作取得了新进展。"),)),
            Heading(2, "（一）组织建设不断加强"),
            Para((Span("一是党建工作全面覆盖。", True), Span("新建商会党组织5家，实现应建尽建。"))),
            Para((Span("二是会员服务更加精准。", True), Span("开展“三服务”活动42次。"))),
            Heading(1, "二、扎实做好下半年的工作"),
            Para((Span("下半年，要重点抓好以下工作。"),)),
        ),
    )


def report(path: Path) -> Article:
    """A news report: the title is the first paragraph, centred, large and bold; indents by formatting;
    Heading 2/3 styles; lead sentences typed as 一是…。 without bold; a tracked change; a comment."""
    d = Document()
    p = _centred(d, "市工商联召开民营企业座谈会", "方正小标宋简体", 22)
    p.runs[0].bold = True
    body = d.add_paragraph("7月5日，市工商联召开民营企业座谈会，听取企业对优化营商环境的意见建议。")
    body.paragraph_format.first_line_indent = Pt(32)
    d.add_paragraph("座谈会上的主要意见", style="Heading 2")
    p = d.add_paragraph("一是融资难题仍然突出。部分中小企业反映贷款审批周期较长。")
    p.paragraph_format.first_line_indent = Pt(32)
    p = d.add_paragraph("二是用工成本持续上升。")
    p.paragraph_format.first_line_indent = Pt(32)
    d.add_paragraph("1.建立问题清单", style="Heading 3")
    p = d.add_paragraph("会议要求，对企业反映的问题逐项建立清单")
    _tracked(p, "，限时办结。", "，尽快研究。")
    d.add_comment(p.runs[0], text="时间再核实一下", author="李强")
    d.save(str(path))
    return Article(
        title="市工商联召开民营企业座谈会",
        body=(
            Para((Span("7月5日，市工商联召开民营企业座谈会，听取企业对优化营商环境的意见建议。"),)),
            Heading(2, "座谈会上的主要意见"),
            Para((Span("一是融资难题仍然突出。", True), Span("部分中小企业反映贷款审批周期较长。"))),
            Para((Span("二是用工成本持续上升。", True),)),
            Heading(3, "1.建立问题清单"),
            Para((Span("会议要求，对企业反映的问题逐项建立清单，限时办结。"),)),
        ),
    )
