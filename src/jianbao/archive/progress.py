"""What a batch run shows while it works, and the summary at the end.

On a terminal: one progress line redrawn in place (bar, count, failures, time left), with each failure
announced above it as it happens. Elsewhere (a log file, CI): one plain line per finished issue.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from jianbao.archive.register import foreign_warnings
from jianbao.archive.worker import Outcome
from jianbao.errors import display_path

BAR_WIDTH = 24
REDRAW_SECONDS = 0.1


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


class Progress:
    def __init__(self, total: int, stream: TextIO, *, tty: bool) -> None:
        self.total = total
        self.stream = stream
        self.tty = tty
        self.finished = 0
        self.failed = 0
        self.started = time.perf_counter()
        self._drawn_at = 0.0
        self._bar_shown = False
        self._muted = False  # the reader went away (make-issue --all | head): keep building, stop writing

    def _write(self, text: str) -> None:
        if self._muted:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError):  # closed pipe, closed stream
            self._muted = True

    def note(self, line: str) -> None:
        self._write(line + "\n")

    def start(self) -> None:
        if self.tty and self.total:
            self._draw(force=True)

    def done(self, outcome: Outcome) -> None:
        self.finished += 1
        if not outcome.ok:
            self.failed += 1
        if self.tty:
            if not outcome.ok:
                self._clear()
                reason = "程序内部错误" if outcome.internal else _first_line(outcome.error or "")
                self._write(f"✗ {outcome.id} 生成失败：{reason}\n")
            self._draw(force=self.finished == self.total)
        else:
            self._write(f"{self._count()} {_line(outcome)}\n")

    def close(self) -> None:
        if self.tty:
            self._clear()

    # --- terminal --------------------------------------------------------------------------------

    def _count(self) -> str:
        width = len(str(self.total))
        return f"[{self.finished:>{width}}/{self.total}]"

    def _draw(self, *, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._drawn_at < REDRAW_SECONDS:
            return
        self._drawn_at = now
        filled = BAR_WIDTH * self.finished // self.total if self.total else BAR_WIDTH
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        elapsed = now - self.started
        parts = [f"生成 {bar} {self.finished}/{self.total}"]
        if self.failed:
            parts.append(f"失败 {self.failed}")
        parts.append(f"已用 {_duration(elapsed)}")
        if 0 < self.finished < self.total:
            parts.append(f"约剩 {_duration(elapsed / self.finished * (self.total - self.finished))}")
        self._write("\r\x1b[K" + "  ".join(parts))
        self._bar_shown = True

    def _clear(self) -> None:
        if self._bar_shown:
            self._write("\r\x1b[K")
            self._bar_shown = False


def _line(outcome: Outcome) -> str:
    if outcome.pdf is not None:
        return (f"{outcome.id}  已生成  {outcome.pdf.pages} 页  {outcome.pdf.size / 1024:.0f} KB  "
                f"{outcome.seconds:.2f} s")
    if outcome.internal:
        return f"{outcome.id}  失败：程序内部错误（详见结束时的汇总）"
    return f"{outcome.id}  失败：{_first_line(outcome.error or '')}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} 分 {secs:02d} 秒"


@dataclass
class Report:
    selected: int
    workers: int
    built: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_built: list[str] = field(default_factory=list)  # left undone by an interruption
    reasons: dict[str, str] = field(default_factory=dict)  # id → why it was (to be) built
    interrupted: bool = False
    seconds: float = 0.0
    record: list[Path] = field(default_factory=list)  # distribution record files written
    record_foreign: list[Path] = field(default_factory=list)  # files not ours, hence no record written

    @property
    def exit_status(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed else 0


def summary(report: Report) -> tuple[str, str]:
    """The closing lines of a batch run: (for standard output, for standard error: the failures)."""
    out: list[str] = []
    if report.interrupted:
        out.append(
            f"已中断：未完成 {len(report.not_built)} 期（下次运行时生成）；"
            "已完成的 PDF 均已保存，输出目录中没有写了一半的文件，清单与之一致。"
        )
    attempted = len(report.built) + len(report.failed)
    timing = f"用时 {report.seconds:.1f} s"
    if attempted and report.seconds > 0:
        timing += f"，每秒 {attempted / report.seconds:.2f} 期，{report.workers} 个进程"
    out.append(
        f"共 {report.selected} 期：生成 {len(report.built)} 期，未变 {len(report.unchanged)} 期，"
        f"失败 {len(report.failed)} 期（{timing}）"
    )
    why = Counter(report.reasons.values())
    if why:
        out.append("生成的原因：" + "；".join(f"{reason} {n} 期" for reason, n in why.most_common()))
    if report.record:
        out.append("记录：" + "、".join(display_path(p) for p in report.record))
    err: list[str] = []
    # the same fonts serve every issue of a run: each stand-in is told once
    err.extend(dict.fromkeys(line for o in sorted(report.built, key=lambda o: o.id) for line in o.stand_ins))
    err.extend(foreign_warnings(report.record_foreign))
    warned = sorted((o for o in report.built if o.warnings), key=lambda o: o.id)
    if warned:
        err.append(f"有警告的期（{len(warned)}，PDF 已生成）：")
        for outcome in warned:
            err.extend(f"  {line}" for line in outcome.warnings)
    if report.failed:
        err.append(f"生成失败的期（{len(report.failed)}）：")
        for outcome in sorted(report.failed, key=lambda o: o.id):
            err.append(f"  {outcome.id}：" + ("程序内部错误，请把以下信息报告给维护者" if outcome.internal else ""))
            err.extend(f"    {line}" for line in (outcome.error or "").splitlines())
    return "\n".join(out) + "\n", ("\n".join(err) + "\n") if err else ""
