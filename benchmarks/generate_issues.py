#!/usr/bin/env python3
"""Write N realistic synthetic issues (content/YYYY-NN.yaml) for scale tests and benchmarks.

    python benchmarks/generate_issues.py 200 --out /tmp/archive/content [--seed 1] [--per-year 24]

Each issue is written in the real source format (docs/source-format.md), the way staff write it:
the schema comment line, masthead fields, articles and a closing block. Across issues every block type
and field occurs: plain paragraphs, ``text:`` items, long paragraphs folded with ``>-``, lead sentences
with and without following text, headings h1–h4 numbered as printed (一、（一）1.（1）), subtitles,
contents lines, bylines, datelines, editions, cumulative numbers, one or several units, keywords, and
closing blocks with distribution, print run, contacts and sign-off.

The text is made from the phrases of real bulletins (meetings, work reports, speeches), with numbers,
dates, percentages and the odd Latin word, so line breaking, kinsoku and font subsets are exercised as
in real issues. Lengths follow what an office publishes: mostly 4–12 pages, from 2 to 20. The output
depends only on N and the seed. With ``--check`` every file is loaded with jianbao's own loader.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

CITY = "嘉兴"
PLACES = ["南湖区", "秀洲区", "嘉善县", "平湖市", "海盐县", "海宁市", "桐乡市", "经济技术开发区", "乌镇", "西塘镇"]
BODIES = [
    "市工商联", "市总商会", "各县（市、区）工商联", "所属商协会", "市青年企业家协会", "市女企业家商会",
    "市光彩事业促进会", "非公有制企业党组织", "异地嘉兴商会", "行业商会", "镇（街道）商会", "会员企业",
]
LEADERS = ["党组书记", "主席", "常务副主席", "副主席", "秘书长", "副秘书长", "市委统战部副部长", "副市长"]
MEETINGS = [
    "执委会议", "常委会议", "主席办公会议", "商会党建工作会议", "民营经济发展座谈会", "营商环境监测点工作会议",
    "“两个健康”先行区创建推进会", "商会秘书长培训班", "年度工作会议", "光彩事业推进会", "青年企业家论坛",
]
VERBS = [
    "深入学习贯彻", "认真落实", "扎实推进", "持续深化", "不断完善", "积极引导", "全面加强", "大力弘扬",
    "切实做好", "着力提升", "统筹推进", "用心用情做好", "持之以恒抓好", "创新开展", "稳步推进",
]
OBJECTS = [
    "党的二十大精神", "中央和省委、市委的决策部署", "商会党建工作", "民营经济高质量发展", "优化营商环境各项举措",
    "“不忘合作初心、接力改革伟业”主题教育", "红船精神", "新时代“两个健康”工作", "非公有制经济人士理想信念教育",
    "商会组织改革", "“万企帮万村”精准扶贫行动", "企业家队伍建设", "助企纾困政策", "法律服务和维权工作",
    "数字化改革", "产业链协同创新", "“五好”商会建设", "年轻一代民营企业家培养", "民营企业参与乡村振兴",
    "政企沟通协商机制", "亲清政商关系", "商会调解工作", "会员服务平台建设",
]
RESULTS = [
    "取得了明显成效", "得到了会员企业的普遍认可", "形成了一批可复制可推广的经验", "走在了全省前列",
    "为全市经济社会发展作出了积极贡献", "有力推动了各项工作落地见效", "受到省工商联的充分肯定",
    "营造了良好的发展氛围", "进一步增强了凝聚力和向心力", "实现了组织和工作全覆盖",
]
CLAUSES = [
    "坚持以习近平新时代中国特色社会主义思想为指导", "围绕中心、服务大局", "坚持问题导向和目标导向",
    "按照“抓党建、促会建、强服务”的思路", "紧扣高质量发展这条主线", "聚焦企业反映强烈的突出问题",
    "坚持“两个毫不动摇”", "着眼于增强商会组织的生机活力", "立足本地实际", "坚持守正创新",
    "以“最多跑一次”改革为牵引", "结合“三服务”活动",
]
MEASURES = [
    "建立健全联系服务企业工作机制", "开展“百名企业家进党校”活动", "组建企业服务专员队伍", "举办专题培训班{n}期",
    "走访调研企业{n}家", "协调解决企业困难{n}个", "新建商会党组织{n}个", "发布《民营企业发展报告》",
    "开通“企业之家”APP服务专区", "召开政企恳谈会{n}场", "帮助企业融资{n}亿元", "组织企业参加进博会等展会{n}次",
    "推动{n}家企业上云用数赋智", "设立商会人民调解委员会{n}家", "开展“法治体检”{n}次",
]
ENDINGS = [
    "为推动民营经济高质量发展提供有力保障", "切实增强企业家的获得感", "努力开创工作新局面",
    "推动各项工作再上新台阶", "为建设现代化网络型田园城市贡献力量", "让企业家安心经营、放心投资、专心创业",
]
QUOTES = [
    "要把握正确方向，坚定不移听党话、跟党走", "商会是企业的“娘家”，服务是商会的立会之本",
    "办好一件事，赢得一片心", "企业有所呼，商会有所应", "实干才能出实绩",
]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩"
            "冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏方")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春海晓东文斌鹏飞云峰宇浩然嘉欣雨婷达克"
CN_NUM = "一二三四五六七八九十"


def cn(n: int) -> str:
    """1 → 一, 12 → 十二 (small numbers only, as used in headings)."""
    if n <= 10:
        return CN_NUM[n - 1]
    return ("" if n < 20 else CN_NUM[n // 10 - 1]) + "十" + (CN_NUM[n % 10 - 1] if n % 10 else "")


class Writer:
    """Random but reproducible bulletin text."""

    def __init__(self, rng: random.Random, year: int) -> None:
        self.r = rng
        self.year = year

    def pick(self, items: list[str]) -> str:
        return self.r.choice(items)

    def name(self) -> str:
        return self.pick(list(SURNAMES)) + "".join(self.r.choices(GIVEN, k=self.r.choice((1, 2, 2))))

    def date(self) -> str:
        return f"{self.r.randint(1, 12)}月{self.r.randint(1, 28)}日"

    def fill(self, text: str) -> str:
        return text.replace("{n}", str(self.r.choice((2, 3, 5, 8, 12, 15, 20, 36, 50, 120, 300, 1200))))

    def sentence(self) -> str:
        r = self.r
        kind = r.randrange(9)
        if kind == 0:
            return (f"{self.date()}，{self.pick(BODIES)}在{self.pick(PLACES)}召开{self.pick(MEETINGS)}，"
                    f"{self.pick(VERBS)}{self.pick(OBJECTS)}。")
        if kind == 1:
            return f"{self.pick(CLAUSES)}，{self.pick(VERBS)}{self.pick(OBJECTS)}，{self.pick(RESULTS)}。"
        if kind == 2:
            items = r.sample(MEASURES, 3)
            return f"{self.pick(CLAUSES)}，{'，'.join(self.fill(m) for m in items)}，{self.pick(ENDINGS)}。"
        if kind == 3:
            pct = f"{r.randint(1, 40)}.{r.randint(0, 9)}%"
            return (f"{self.year}年{r.choice(('上半年', '前三季度', '全年', '一季度'))}，全市规模以上民营企业实现产值"
                    f"{r.randint(100, 9000)}亿元，同比增长{pct}，占全市比重达到{r.randint(50, 80)}%。")
        if kind == 4:
            return (f"{self.name()}{self.pick(LEADERS)}指出，“{self.pick(QUOTES)}”，"
                    f"{self.pick(VERBS)}{self.pick(OBJECTS)}。")
        if kind == 5:
            return (f"{self.pick(BODIES)}{self.pick(VERBS)}{self.pick(OBJECTS)}和{self.pick(OBJECTS)}，"
                    f"{self.pick(RESULTS)}。")
        if kind == 6:
            a, b, c = r.sample(PLACES, 3)
            return (f"{a}、{b}、{c}等地{self.pick(VERBS)}{self.pick(OBJECTS)}，{self.fill(self.pick(MEASURES))}，"
                    f"{self.pick(RESULTS)}。")
        if kind == 7:
            return (f"下一步，我们将{self.pick(VERBS)}{self.pick(OBJECTS)}，{self.pick(VERBS)}{self.pick(OBJECTS)}"
                    f"……{self.pick(ENDINGS)}。")
        return f"会议强调，要{self.pick(VERBS)}{self.pick(OBJECTS)}——这是{self.pick(OBJECTS)}的必然要求。"

    def paragraph(self, low: int = 60, high: int = 260) -> str:
        target = self.r.randint(low, high)
        text = ""
        while len(text) < target:
            text += self.sentence()
        return text

    def short(self) -> str:
        return self.pick(VERBS) + self.pick(OBJECTS)

    def title(self) -> str:
        r = self.r.randrange(4)
        if r == 0:
            return f"{self.pick(BODIES)}召开{self.pick(MEETINGS)}"
        if r == 1:
            return f"{self.pick(PLACES)}{self.pick(VERBS)}{self.pick(OBJECTS)}"
        if r == 2:
            return f"在{CITY}市工商联{self.pick(MEETINGS)}上的讲话"
        return f"{self.pick(VERBS)}{self.pick(OBJECTS)} {self.pick(ENDINGS)}"


# --- YAML in the source format ---------------------------------------------------------------------

_PLAIN_UNSAFE_START = tuple("-?:,[]{}#&*!|>'\"%@`")
_LOOKS_TYPED = re.compile(r"^(?:[-+]?\d[\d_.]*|true|false|yes|no|on|off|null|~|\d{4}-\d\d?-\d\d?)$", re.I)


def scalar(text: str) -> str:
    """The text as a plain scalar when YAML reads it back unchanged, else double-quoted."""
    if (not text or text != text.strip() or text.startswith(_PLAIN_UNSAFE_START) or ": " in text
            or " #" in text or text.endswith(":") or _LOOKS_TYPED.match(text) or "\n" in text):
        return json.dumps(text, ensure_ascii=False)
    return text


def is_cjk_char(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·"


def folded(text: str, indent: str, width: int = 36) -> list[str]:
    """A long paragraph as a ``>-`` block: lines broken only between two CJK characters."""
    lines, start = [], 0
    while len(text) - start > width:
        cut = start + width
        while cut < len(text) - 1 and not (is_cjk_char(text[cut - 1]) and is_cjk_char(text[cut])):
            cut += 1
        if cut >= len(text) - 1:
            break
        lines.append(text[start:cut])
        start = cut
    lines.append(text[start:])
    if any(line.startswith((" ", "#")) or not line for line in lines):
        return [json.dumps(text, ensure_ascii=False)]
    return [">-", *(f"{indent}{line}" for line in lines)]


def issue_yaml(
    year: int, number: int, cumulative: int, rng: random.Random, per_year: int = 24, pages: int | None = None
) -> str:
    w = Writer(rng, year)
    r = rng
    natural = min(20, max(2, round(r.lognormvariate(1.95, 0.45))))  # median ≈ 7 pages
    pages = pages or natural  # a long issue on request (a 60-page special edition)
    budget = int((pages - 0.7) * 470)  # characters of body text that fill about that many pages
    spacing = 360 // per_year  # issues come out in order through the year
    date = dt.date(year, 1, 1) + dt.timedelta(days=(number - 1) * spacing + r.randrange(max(1, spacing)))
    out = ["# yaml-language-server: $schema=../docs/issue.schema.json", ""]
    out.append("series: 工商联信息")
    if r.random() < 0.15:
        out.append(f"edition: {r.choice(['专刊', '增刊', '特刊'])}")
    out.append(f"year: {year}")
    out.append(f"number: {number}")
    if r.random() < 0.8:
        out.append(f"cumulative: {cumulative}")
    out.append(f"date: {date.isoformat()}" if r.random() < 0.7 else f"date: {date.year}年{date.month}月{date.day}日")
    if r.random() < 0.6:
        out += ["units:", f"  - {CITY}市工商业联合会", f"  - {CITY}市总商会"]
    else:
        out.append(f"units: {CITY}市工商业联合会")
    if r.random() < 0.3:
        out.append("office: 办公室编")
    if r.random() < 0.2:
        out.append("layout: default")
    if r.random() < 0.4:
        out += ["keywords:", "  - 工商联", f"  - {r.choice(['商会党建', '营商环境', '民营经济', '光彩事业'])}"]
    out += ["", "articles:"]
    used = 0
    article = 0
    while used < budget or article == 0:
        article += 1
        speech = r.random() < (0.4 if article > 1 else 0.2)
        named = speech and r.random() < 0.5  # a speech whose contents line names the speaker
        title = f"在{CITY}市工商联{w.pick(MEETINGS)}上的讲话" if named else w.title()
        out.append(f"  - title: {scalar(title)}")
        if speech and r.random() < 0.6:
            out.append(f"    subtitle: {scalar('——' + w.short())}")
        if named:
            out.append(f"    contents: {scalar(w.name() + w.pick(LEADERS) + title)}")
        if speech:
            out.append(f"    byline: {scalar(w.name())}")
            if r.random() < 0.7:
                out.append(f"    dateline: {scalar(f'{year}年' + w.date() + r.choice(['', '上午', '下午']))}")
        out.append("    body:")
        remaining = budget - used
        size = remaining if (remaining < 900 or r.random() < 0.1) else r.randint(300, min(remaining, 3500))
        size = max(size, 120)
        length = 0
        h1 = h2 = h3 = h4 = leads = 0
        last_was_heading = False
        while length < size or last_was_heading:
            last_was_heading = False
            if speech and length and r.random() < 0.3:  # a speech is divided 一、（一）1.（1）
                level = r.choices((1, 2, 3, 4), weights=(1, 2 if h1 else 0, 3 if h2 else 0, 4 if h3 else 0))[0]
                if level == 1:
                    h1, h2, h3, h4 = h1 + 1, 0, 0, 0
                    heading = f"{cn(h1)}、{w.short()}"
                elif level == 2:
                    h2, h3, h4 = h2 + 1, 0, 0
                    heading = f"（{cn(h2)}）{w.short()}"
                elif level == 3:
                    h3, h4 = h3 + 1, 0
                    heading = f"{h3}. {w.short()}"
                else:
                    h4 += 1
                    heading = f"（{h4}）{w.short()}"
                leads = 0
                out.append(f"      - h{level}: {scalar(heading)}")
                length += 28  # a heading takes about a line
                last_was_heading = True
            elif r.random() < 0.3:  # 一是……。 a lead sentence, mostly with text after it
                leads += 1
                lead = f"{cn(min(leads, 10))}是{w.short()}。"
                out.append(f"      - lead: {scalar(lead)}")
                length += len(lead)
                if r.random() < 0.85:
                    text = w.paragraph(40, 180)
                    out.append(f"        text: {scalar(text)}")
                    length += len(text)
            else:
                text = w.paragraph()
                style = r.random()
                if style < 0.15 and len(text) > 80:
                    block = folded(text, "        ")
                    out.append(f"      - {block[0]}")
                    out.extend(block[1:])
                elif style < 0.25:
                    out.append(f"      - text: {scalar(text)}")
                else:
                    out.append(f"      - {scalar(text)}")
                length += len(text)
        used += length + 60  # the title block
    out.append("")
    if r.random() < 0.9:
        out.append("closing:")
        out.append("  distribution:")
        for label, groups in (("报", ["省工商联", "市委办公室、市人大常委会办公室、市政府办公室、市政协办公室"]),
                              ("送", ["市委组织部，市委统战部", "各县（市、区）工商联，所属商协会"]),
                              ("发", ["本会执委"])):
            if label != "报" and r.random() < 0.3:
                continue
            out.append(f"    - label: {label}")
            out.append("      groups:")
            out.extend(f"        - {scalar(g)}" for g in groups)
        if r.random() < 0.8:
            out.append(f"  print_run: {r.choice([80, 120, 150, 200, 260])}")
        out.append("  contacts:")
        out.append("    - 网址: http://www.0573zsh.com")
        out.append("    - 邮箱: jxgs101@163.com")
        if r.random() < 0.7:
            out.append("    - 电话: 0573-82073683")
            out.append("    - 邮编: 314000")
        out.append("  signoff:")
        out.append(f"    - 签发: {w.name()}")
        if r.random() < 0.6:
            out.append(f"    - 审核: {w.name()}")
        out.append(f"    - 编辑: {w.name()}")
    return "\n".join(out) + "\n"


def generate(
    count: int, out: Path, *, seed: int = 1, start_year: int = 2001, per_year: int = 24, pages: int | None = None
) -> list[Path]:
    """Write ``count`` issues into ``out``; their paths, in order. ``pages``: about that many pages
    each (default: drawn per issue, 2 to 20)."""
    if not 1 <= per_year <= 99:
        raise ValueError("per_year must be 1..99")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        year, number = start_year + n // per_year, n % per_year + 1
        rng = random.Random(f"{seed}:{year}:{number}")
        path = out / f"{year}-{number:02d}.yaml"
        path.write_text(issue_yaml(year, number, 100 + n, rng, per_year, pages), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("count", type=int, help="how many issues")
    p.add_argument("--out", type=Path, required=True, help="folder to write YYYY-NN.yaml into (content/ of a project)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start-year", type=int, default=2001)
    p.add_argument("--per-year", type=int, default=24, help="issues per year (1–99)")
    p.add_argument("--pages", type=int, default=None, help="about this many pages per issue (default: 2–20, drawn)")
    p.add_argument("--check", action="store_true", help="load every file with jianbao's loader")
    args = p.parse_args(argv)
    paths = generate(args.count, args.out, seed=args.seed, start_year=args.start_year, per_year=args.per_year,
                     pages=args.pages)
    if args.check:
        from jianbao.source import load_issue

        for path in paths:
            load_issue(path)
    print(f"{len(paths)} issues written to {args.out}" + ("（全部通过校验）" if args.check else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
