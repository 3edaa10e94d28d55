#!/usr/bin/env python3
"""Speed of the proofing loop: a one-paragraph edit of 2018-06 saved, to the new PDF in place, in
``make-issue watch`` against Typst's warm recompile of the same edit, measured in the same run.

    .venv/bin/python benchmarks/loop.py                 # 20 timed edits of each (median), interleaved
    .venv/bin/python benchmarks/loop.py --edits 30 --no-serve

Ours: ``make-issue watch 2018-06`` runs as a user runs it (a separate process, in a copy of the
project in a temporary folder). The benchmark saves the source with one paragraph changed and
waits for the line the watch loop prints once the new PDF has taken the old one's name; the time
is from the end of the save to that line (so it includes the watcher noticing the save). With
``--serve`` (default on) a second series runs ``make-issue watch 2018-06 --serve`` and times the
save to the proof page's event that the new page images are ready (what a browser follows).

Typst: one process of the Typst peer's Python (``benchmarks/peer.py``) keeps a ``typst.Compiler``
for a copy of ``../shared/bench/typst/2018-06.typ``; for each edit the benchmark saves the same
change into that copy and the process calls ``compile()`` again (Typst's warm recompile: its
``typst watch`` does the same), then writes the PDF. Reported: compile alone, and compile + write.

Ours in-process, the counterpart of Typst's figure: one process keeps a ``Warm`` and calls the
pipeline's ``build()`` again for each saved edit (parse, lay out, draw, PDF written in place) — what
``make-issue watch`` does after its watcher has seen the save.

Every edit's PDF is checked for the edited text (both tools), so a tool that did not really
rebuild cannot look fast. Edits alternate between the tools, after two untimed warm-up edits each.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from peer import ROOT, TYPST_DIR, typst_python

PARAGRAPH = "会上，市工商联副主席孙昌佩传达了"
SETTLE = 0.05  # s between two timed edits: what a tool does after its PDF is in place ends first
FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/lxgw-wenkai"]

TYPST_WORKER = r'''
import sys, time, pathlib, typst
here = pathlib.Path(sys.argv[1]); out = pathlib.Path(sys.argv[2])
fonts = sys.argv[3].split(":")
compiler = typst.Compiler(str(here / "2018-06.typ"), root=str(here), font_paths=fonts, ignore_system_fonts=True,
                          sys_inputs={"grid": "0", "leads": "1", "exact16": "0"})
out.write_bytes(compiler.compile(format="pdf"))
print("ready", flush=True)
for line in sys.stdin:
    t0 = time.perf_counter()
    pdf = compiler.compile(format="pdf")
    t1 = time.perf_counter()
    tmp = out.with_suffix(".tmp"); tmp.write_bytes(pdf); tmp.replace(out)
    t2 = time.perf_counter()
    print(f"{t1 - t0:.6f} {t2 - t0:.6f}", flush=True)
'''


OURS_WORKER = r'''
import sys, time, pathlib
from jianbao import collector
from jianbao.pipeline import Project, build
from jianbao.warm import Warm
root = pathlib.Path(sys.argv[1]); source = root / "content" / "2018-06.yaml"; out = root / "out"
project = Project(root); warm = Warm()
build(source, out, project, warm); warm.sweep()
print("ready", flush=True)
for line in sys.stdin:  # as make-issue watch builds (proof/watch.py: Session.build)
    t0 = time.perf_counter()
    with collector.rare():
        build(source, out, project, warm)
    t1 = time.perf_counter()
    warm.sweep()
    collector.after_build()
    print(f"{t1 - t0:.6f}", flush=True)
'''


def edited(text: str, n: int) -> str:
    assert PARAGRAPH in text
    return text.replace(PARAGRAPH, f"会上，市工商联副主席孙昌佩第{n}次传达了", 1)


def marker(n: int) -> str:
    return f"孙昌佩第{n}次传达了"


def save(path: Path, text: str) -> float:
    """Save as an editor does (write, close); the time the save ended."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return time.perf_counter()


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        return re.sub(r"\s+", "", "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))
    finally:
        doc.close()


class Lines:
    """A process's output lines as they come (a reader thread per stream)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        for stream in (proc.stdout, proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.queue.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 120) -> tuple[float, str]:
        deadline = time.perf_counter() + timeout
        while True:
            line = self.queue.get(timeout=max(0.01, deadline - time.perf_counter()))
            if re.search(pattern, line):
                return time.perf_counter(), line


class Ours:
    def __init__(self, project: Path, serve: bool) -> None:
        self.project = project
        self.source = project / "content" / "2018-06.yaml"
        self.pdf = project / "out" / "2018-06.pdf"
        self.serve = serve
        command = [str(ROOT / ".venv" / "bin" / "make-issue"), "watch", "2018-06", *(["--serve"] if serve else [])]
        self.proc = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines = Lines(self.proc)
        self.events: queue.Queue[float] = queue.Queue()
        if serve:
            _, line = self.lines.wait_for(r"校对页面：http://127\.0\.0\.1:\d+/")
            port = int(re.search(r"127\.0\.0\.1:(\d+)/", line)[1])  # type: ignore[index]
            threading.Thread(target=self._listen, args=(port,), daemon=True).start()
        self.lines.wait_for("正在监视")
        self.text = self.source.read_text(encoding="utf-8")
        self.seconds: list[float] = []
        self.build_s: list[float] = []

    def _listen(self, port: int) -> None:
        """The proof page's event stream, as the browser reads it: the time each event arrives."""
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            buffer = b""
            while chunk := s.recv(4096):
                buffer += chunk
                while b"\n\n" in buffer:
                    event, buffer = buffer.split(b"\n\n", 1)
                    if b"data:" in event:
                        self.events.put(time.perf_counter())

    def edit(self, n: int) -> float:
        while not self.events.empty():
            self.events.get_nowait()
        started = save(self.source, edited(self.text, n))
        if self.serve:
            while True:  # the event of this build (an older one may still be in flight)
                arrived = self.events.get(timeout=60)
                if arrived > started:
                    break
            ended = arrived
        else:
            ended, built = self.lines.wait_for(r"2018-06\.pdf\s+\d+ 页")
            self.build_s.append(float(re.findall(r"([\d.]+) s$", built)[0]))  # the build alone, as printed
        if marker(n) not in pdf_text(self.pdf):
            sys.exit(f"make-issue watch: the PDF after edit {n} lacks the edited text")
        return ended - started

    def stop(self) -> None:
        self.proc.send_signal(2)
        self.proc.wait(timeout=30)


class InProcess:
    """Our warm build called again in one process (the counterpart of Typst's compile())."""

    def __init__(self, project: Path) -> None:
        self.source = project / "content" / "2018-06.yaml"
        self.pdf = project / "out" / "2018-06.pdf"
        self.text = self.source.read_text(encoding="utf-8")
        self.proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-c", OURS_WORKER, str(project)],
                                     cwd=project, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"
        self.seconds: list[float] = []

    def edit(self, n: int) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        save(self.source, edited(self.text, n))
        self.proc.stdin.write("build\n")
        self.proc.stdin.flush()
        seconds = float(self.proc.stdout.readline())
        if marker(n) not in pdf_text(self.pdf):
            sys.exit(f"in-process build: the PDF after edit {n} lacks the edited text")
        return seconds

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class Typst:
    def __init__(self, work: Path) -> None:
        self.folder = work / "typst"
        shutil.copytree(TYPST_DIR, self.folder)
        self.source = self.folder / "2018-06.typ"
        self.pdf = work / "typst-2018-06.pdf"
        self.text = self.source.read_text(encoding="utf-8")
        self.proc = subprocess.Popen(
            [str(typst_python()), "-c", TYPST_WORKER, str(self.folder), str(self.pdf), ":".join(FONT_DIRS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"
        self.compile: list[float] = []
        self.seconds: list[float] = []

    def edit(self, n: int) -> tuple[float, float]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        save(self.source, edited(self.text, n))
        self.proc.stdin.write("compile\n")
        self.proc.stdin.flush()
        compile_s, written_s = (float(x) for x in self.proc.stdout.readline().split())
        if marker(n) not in pdf_text(self.pdf):
            sys.exit(f"Typst: the PDF after edit {n} lacks the edited text (the compiler did not see the save)")
        return compile_s, written_s

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def project_copy(work: Path, name: str) -> Path:
    folder = work / name
    shutil.copytree(ROOT / "content", folder / "content")  # the built-in layout and fonts serve it
    return folder


def line(label: str, values: list[float], baseline: float | None = None) -> str:
    median = statistics.median(values)
    ratio = f"{median / baseline:6.2f}×" if baseline else "       "
    return (f"{label:<58} {1000 * median:6.1f} ms {ratio}  min {1000 * min(values):6.1f}  "
            f"max {1000 * max(values):6.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=20, help="timed edits of each (default 20)")
    ap.add_argument("--no-serve", action="store_true", help="skip the proof-page series")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jianbao-loop-"))
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"work folder {work}")

    ours = Ours(project_copy(work, "watch"), serve=False)
    inproc = InProcess(project_copy(work, "inproc"))
    proof = None if args.no_serve else Ours(project_copy(work, "serve"), serve=True)
    typst = Typst(work)
    try:
        for n in range(1, args.edits + 3):  # two warm-up edits, then the timed ones
            # each tool is timed once the others are idle (make-issue watch records the build and
            # collects garbage after its PDF is in place; that must not slow the next tool's timing)
            seconds = ours.edit(n)
            time.sleep(SETTLE)
            inproc_seconds = inproc.edit(n)
            time.sleep(SETTLE)
            proof_seconds = proof.edit(n) if proof else None
            time.sleep(SETTLE)
            compile_s, written_s = typst.edit(n)
            time.sleep(SETTLE)
            if n > 2:
                ours.seconds.append(seconds)
                inproc.seconds.append(inproc_seconds)
                if proof and proof_seconds is not None:
                    proof.seconds.append(proof_seconds)
                typst.compile.append(compile_s)
                typst.seconds.append(written_s)
    finally:
        for tool in (ours, inproc, proof, typst):
            if tool is not None:
                tool.stop()

    base = statistics.median(typst.compile)
    print(f"\none-paragraph edit of 2018-06, {args.edits} timed edits each (median), interleaved:")
    print(line("Typst warm recompile: compile() again", typst.compile))
    print(line("Typst warm recompile + PDF written", typst.seconds, base))
    print(line("make-issue watch: save → new PDF in place", ours.seconds, base) + "   ← the loop (target ≤ 1.00×)")
    print(line("  of which the build (as make-issue watch prints it, 10 ms resolution)", ours.build_s[2:], base))
    print(line("make-issue's warm build() again in one process (= Typst's)", inproc.seconds, base))
    if proof:
        print(line("make-issue watch --serve: save → proof page's images ready", proof.seconds, base))
    summary = {"typst_compile_ms": 1000 * base, "ours_ms": 1000 * statistics.median(ours.seconds),
               "ratio": statistics.median(ours.seconds) / base,
               "in_process_ms": 1000 * statistics.median(inproc.seconds),
               "in_process_ratio": statistics.median(inproc.seconds) / base}
    if proof:
        summary["proof_page_ms"] = 1000 * statistics.median(proof.seconds)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
