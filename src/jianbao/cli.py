"""make-issue: build a bulletin PDF from its YAML source.

    make-issue 2018-06                  content/2018-06.yaml → out/2018-06.pdf (and its line in the
                                        record: out/manifest.json, index.json, index.html, index.csv)
    make-issue path/to/2018-06.yaml     that file → out/2018-06.pdf
    make-issue --check 2018-06          validate only, write nothing
    make-issue --fonts [2018-06]        which font file serves each role (and covers the issue)
    make-issue --all | 2018 | 2018-05 2018-06 [-j N] [--force]
                                        many issues in parallel, only what changed (out/manifest.json),
                                        with out/index.json, index.html, index.csv
    make-issue --volume 2018            the year's issues bound into out/2018-volume.pdf
    make-issue new 2018-07 [FILE…]      content/2018-07.yaml from the last issue (+ manuscripts)
    make-issue import FILE… [--into ID | -o PATH]
                                        manuscripts (.docx .txt .md) → articles; a printed issue
                                        (.pdf or its text) → a whole source
    make-issue init [DIR] [--force]     a new bulletin folder with a commented example issue

The bulletin folder is the first folder at or above the current one that holds content/ (or the
marker make-issue init writes); -C DIR names it.
    make-issue watch 2018-06 [--serve]  rebuild on every save; --serve: the proof page in a browser
    make-issue 2018-06 --png [--dpi N] [--long-image]
                                        page previews out/2018-06/page-01.png …, out/2018-06-长图.png
    make-issue 2018-06 --ofd            also out/2018-06.ofd (GB/T 33190), from the same pages; also
                                        with a year or --all

Exit status: 0 success, 2 invalid input or usage, 1 internal failure (batch: any issue failed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from jianbao import __version__, collector
from jianbao.archive.selection import ISSUE_ID, YEAR, check_argument, source_for_id
from jianbao.errors import UsageError, UserError, display_path, os_reason


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"make-issue：命令行参数有误（{message}）\n")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="make-issue",
        description="把一期简报的 YAML 源文件排成可印刷的 A4 PDF（GB/T 9704 版式）。"
        " Build a print-ready A4 PDF of one bulletin issue from its YAML source.",
        epilog="示例：make-issue 2018-06    make-issue content/2018-06.yaml --out /tmp/pdf\n"
        "子命令（make-issue new --help、make-issue import --help 查看选项）：\n"
        "  new      由上一期生成新一期的源文件，可带稿件：make-issue new 2018-07 稿件1.docx 稿件2.docx\n"
        "  import   把稿件（.docx .txt .md）或已印发的一期（.pdf 或其文字稿）转成 YAML："
        "make-issue import 稿件3.docx --into 2018-07",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("issues", nargs="*", metavar="issue",
                   help="期号 ID（如 2018-06，对应 content/2018-06.yaml）或 YAML 文件路径；"
                   "可以给出多个，或给出年份（如 2018）生成该年各期")
    p.add_argument("--out", metavar="DIR", default=None, help="输出目录（默认：项目的 out/）")
    p.add_argument("--check", action="store_true", help="只校验源文件和字体，不生成 PDF")
    p.add_argument("--fonts", action="store_true", help="列出每个字体角色使用的字体文件及其对本期字符的覆盖")
    p.add_argument("--prepare-fonts", action="store_true",
                   help="把各字体角色的常用字（GB 2312 及标点）预先转换好存入缓存（只需一次，约半分钟），"
                   "此后新的一期很少再需要转换字体")
    p.add_argument("--all", action="store_true", help="生成 content/ 中的每一期（只重新生成有改动的）")
    p.add_argument("-j", "--jobs", type=int, metavar="N", default=None, help="同时运行的进程数（默认：CPU 核数）")
    p.add_argument("--force", action="store_true", help="不论有无改动，全部重新生成")
    p.add_argument("--ofd", action="store_true",
                   help="同时生成 OFD 版式文件（GB/T 33190，如 out/2018-06.ofd），与 PDF 出自同一排版结果")
    p.add_argument("--volume", metavar="YEAR", default=None, help="把该年各期合订成一个 PDF（合订本）")
    p.add_argument("-C", "--root", metavar="DIR", default=None,
                   help="简报目录（默认：从当前目录向上查找第一个含 content/ 的目录）")
    p.add_argument("--watch", action="store_true",
                   help="生成后监视源文件、版式和字体，每次保存即重新生成（也可写作 make-issue watch 2018-06）")
    p.add_argument("--serve", action="store_true", help="监视的同时在本机打开校对页面（页面图、错误与警告、代用字体）")
    p.add_argument("--png", action="store_true", help="另存每页的 PNG 预览图：out/ID/page-01.png …")
    p.add_argument("--dpi", type=int, default=None, metavar="N", help="预览图的分辨率（默认 --png 120，校对页面 72）")
    p.add_argument("--long-image", action="store_true",
                   help="另存长图 out/ID-长图.png：各页上下相接，宽 1080 像素，便于手机分享")
    p.add_argument("--debug", action="store_true", help="出错时显示 Python 调用栈")
    p.add_argument("--version", action="version", version=f"make-issue (jianbao) {__version__}")
    return p


def find_root(start: Path) -> Path:
    """The bulletin folder at or above ``start`` (see jianbao.folder); ``start`` itself when none."""
    from jianbao.folder import find_folder

    return find_folder(start) or start


def resolve_source(arg: str, root: Path) -> Path:
    """An issue ID (YYYY-NN) names content/ID.yaml (or .yml); anything ending in .yaml/.yml is a path."""
    if arg.endswith((".yaml", ".yml")):
        path = Path(arg)
        if not path.is_file():
            raise UsageError(f"找不到源文件 {arg}")
        return path
    if not ISSUE_ID.match(arg):
        raise UsageError(f"“{arg}”不是有效的期号 ID（应为 年-期，如 2018-06）或 .yaml 文件路径")
    try:
        return source_for_id(arg, root / "content")
    except UsageError as exc:
        from jianbao.folder import is_bulletin_folder

        if is_bulletin_folder(root):
            raise
        raise UsageError(f"{exc}（当前目录及其上级目录都不是简报目录：用 make-issue init 目录名 新建一个，"
                         "或用 -C 目录 指明）") from exc


def _manuscripts_parser(command: str) -> argparse.ArgumentParser:
    if command == "new":
        p = _Parser(prog="make-issue new", description="由同一简报的上一期生成新一期的源文件 content/ID.yaml："
                    "报头、编印单位、版式、关键词和版记照上一期，期号取自 ID，总期号加 1，日期为今天。",
                    epilog="示例：make-issue new 2018-07 稿件1.docx 稿件2.docx")
        p.add_argument("issue", metavar="ID", help="新一期的期号 ID，如 2018-07")
        p.add_argument("files", nargs="*", metavar="FILE",
                       help="稿件（.docx .txt .md），每个一篇文章；不给则写一篇占位文章")
        p.add_argument("--edition", metavar="版别", default=None, help="版别，如 专刊、增刊（不沿用上一期）")
        p.add_argument("--series", metavar="名称", default=None,
                       help="以这份简报的上一期为底稿（content/ 中有几份简报时）")
    else:
        p = _Parser(prog="make-issue import", description="把稿件转成文章，或把已印发的一期（PDF 或其文字稿）"
                    "转成完整的源文件；推断之处在 YAML 中以“# 请核对”注明。",
                    epilog="示例：make-issue import 稿件3.docx --into 2018-07    "
                    "make-issue import 旧刊/2017-05.pdf -o content/2017-05.yaml")
        p.add_argument("files", nargs="+", metavar="FILE", help=".docx .txt .md 稿件，或 .pdf/.txt 印发件")
        where = p.add_mutually_exclusive_group()
        where.add_argument("--into", metavar="ID", default=None, help="把文章加入 content/ID.yaml（替换占位文章）")
        where.add_argument("-o", "--output", metavar="PATH", default=None, help="写入这个文件（默认：输出到屏幕）")
    p.add_argument("--force", action="store_true", help="文件已存在时替换它")
    p.add_argument("--root", metavar="DIR", default=None, help="项目目录（默认自动查找含 layouts/ 的目录）")
    return p


def _run_manuscripts(argv: list[str]) -> int:
    """make-issue new / make-issue import (jianbao.manuscripts.command)."""
    from jianbao.manuscripts import command

    args = _manuscripts_parser(argv[0]).parse_args(argv[1:])
    root = Path(args.root) if args.root else find_root(Path.cwd())
    try:
        if argv[0] == "new":
            outcome = command.run_new(args.issue, [Path(f) for f in args.files], root=root, edition=args.edition,
                                      series=args.series, force=args.force)
        else:
            outcome = command.run_import([Path(f) for f in args.files], root=root, into=args.into,
                                         output=Path(args.output) if args.output else None, force=args.force)
    except UserError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(outcome.out)
    sys.stderr.writelines(f"{line}\n" for line in outcome.err)
    return 0


def run(argv: list[str]) -> int:
    if argv and argv[0] in ("new", "import"):
        return _run_manuscripts(argv)
    if argv[:1] == ["init"]:
        return _run_init(argv[1:])
    args = _parser().parse_args(argv)
    if args.issues[:1] == ["watch"]:  # make-issue watch 2018-06 = make-issue 2018-06 --watch
        args.issues, args.watch = args.issues[1:], True
    batch_mode = bool(args.all or args.volume or args.force or args.jobs is not None or len(args.issues) > 1
                      or any(YEAR.match(a) for a in args.issues))
    if batch_mode or args.watch or args.serve or args.prepare_fonts:
        collector.usual()  # many builds, or every font converted: collect as usual (see console)
    args.issue = args.issues[0] if len(args.issues) == 1 else None
    try:
        return _run_batch(args) if batch_mode else _run_single(args)
    except UserError as exc:
        if args.debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"{exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("make-issue：已中断，没有写了一半的文件\n")
        return 130


def _run_init(argv: list[str]) -> int:
    """make-issue init [DIR] [--force]: see jianbao.folder.init."""
    from jianbao.folder.init import init_folder, report

    p = _Parser(prog="make-issue init",
                description="新建简报目录：content/（带注释的示例一期）、fonts/、layouts/、.gitignore。")
    p.add_argument("folder", nargs="?", default=".", metavar="DIR", help="要创建的目录（默认：当前目录）")
    p.add_argument("--force", action="store_true", help="目录不是空的也补齐所需文件（已有的文件不会被覆盖）")
    args = p.parse_args(argv)
    try:
        created = init_folder(Path(args.folder), force=args.force)
    except UserError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(report(created, Path.cwd()))
    return 0


def _run_single(args: argparse.Namespace) -> int:
    """One issue: build it, or --check / --fonts."""
    from jianbao.pipeline import Project, prepare

    if args.root:
        root = Path(args.root)
    elif args.issue and args.issue.endswith((".yaml", ".yml")):
        from jianbao.folder import find_folder

        root = find_folder(Path(args.issue).resolve().parent) or find_root(Path.cwd())
    else:
        root = find_root(Path.cwd())
    project = Project(root)
    if args.prepare_fonts:
        from jianbao.pipeline import prepare_fonts

        prepare_fonts(project, lambda line: print(line, flush=True))
        if not args.issue:
            return 0
    if args.fonts:
        library = project.font_library()
        chars = prepare(resolve_source(args.issue, root), project).chars if args.issue else None
        print(library.describe(chars))
        from jianbao.fonts import ROLES

        for role in ROLES:  # exit 2 when a role has no usable font
            library.face(role)
        return 0
    if not args.issue:
        raise UsageError("请给出期号 ID（如 2018-06）或 YAML 文件路径；make-issue --help 查看用法")
    source = resolve_source(args.issue, root)
    if args.check:
        prepared = prepare(source, project)
        sys.stderr.writelines(f"{w}\n" for w in prepared.warnings)
        sys.stderr.writelines(f"{line}\n" for line in prepared.stand_ins)
        print(f"{display_path(source)}：校验通过（{len(prepared.issue.articles)} 篇文章）")
        return 0
    out_dir = Path(args.out) if args.out else root / "out"
    if args.watch or args.serve or args.png or args.long_image or args.dpi is not None:
        from jianbao.proof.command import run as run_proof  # watch, proof page, previews

        return run_proof(source, project, out_dir, args)
    from jianbao.archive.register import build_and_record  # the manifest and the record stay current
    from jianbao.pipeline import interrupted_by_signals

    with interrupted_by_signals():  # SIGTERM, SIGHUP: unwound like Ctrl-C, no temporary file left
        result, recorded = build_and_record(source, out_dir, project, ofd=args.ofd)
    out = f"{display_path(result.path)}  {result.pages} 页  {result.size / 1024:.0f} KB  {result.seconds:.2f} s\n"
    if result.ofd is not None:
        out += f"{display_path(result.ofd)}  {result.pages} 页  {result.ofd.stat().st_size / 1024:.0f} KB\n"
    return _emit(
        out,
        "".join(f"{w}\n" for w in [*result.warnings, *recorded.warnings, *result.stand_ins]),
        done=f"已生成 {display_path(result.path)}",
    )


def _emit(out: str, err: str, *, done: str) -> int:
    """Print a finished run's report (stderr first, then stdout); 0. When the report cannot be
    printed (stdout on a full disk, a console that cannot show Chinese), say what did happen —
    the files are in place — instead of calling it an internal error; 2."""
    try:
        sys.stderr.write(err)
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:  # make-issue … | head: the reader is gone, the work is done
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (OSError, UnicodeError) as exc:
        with contextlib.suppress(OSError, ValueError):  # nothing may be buffered that fails again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = os_reason(exc) if isinstance(exc, OSError) else exc.__class__.__name__
        if isinstance(exc, UnicodeError):
            reason = "终端不能显示中文"
        _say(f"make-issue：{done}，但无法输出运行结果（{reason}）\n",
             f"make-issue: done ({done}), but the report could not be printed ({exc.__class__.__name__})\n")
        return 2
    return 0


def _say(chinese: str, plain: str) -> None:
    """A last message on stderr: in Chinese, or plain ASCII where stderr cannot show Chinese (it
    would only print escapes)."""
    try:
        chinese.encode(getattr(sys.stderr, "encoding", None) or "utf-8")
        text = chinese
    except (LookupError, UnicodeError):
        text = plain.encode("ascii", "backslashreplace").decode("ascii")
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(text)
        sys.stderr.flush()


def _run_batch(args: argparse.Namespace) -> int:
    """Several issues, a year, --all or --volume: see jianbao.archive.batch."""
    if args.watch or args.serve or args.png or args.long_image or args.dpi is not None:
        raise UsageError("watch、--serve、--png、--long-image、--dpi 一次只能用于一期")
    if args.check or args.fonts:
        raise UsageError("--check 和 --fonts 一次只能用于一期，不能与多期、年份、--all、--volume、-j、--force 同用")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"-j 应为不小于 1 的整数，现为 {args.jobs}")
    if args.volume is not None and (not YEAR.match(args.volume) or args.issues or args.all):
        raise UsageError(f"--volume 后应只给出一个年份（如 --volume 2018），现为“{args.volume}”"
                         + ("，且不能再给出期号或 --all" if args.issues or args.all else ""))
    if not (args.issues or args.all or args.volume):
        raise UsageError("请给出期号 ID、年份或 --all；make-issue --help 查看用法")
    from jianbao.archive.batch import run as run_batch
    from jianbao.archive.progress import summary
    from jianbao.archive.selection import select

    for arg in args.issues:  # refuse a bad argument before looking for the project
        check_argument(arg)
    root = Path(args.root) if args.root else find_root(Path.cwd())
    out_dir = Path(args.out) if args.out else root / "out"
    wanted = [args.volume] if args.volume else args.issues
    selected = select(wanted, all_issues=args.all, content=root / "content",
                      warn=lambda line: print(line, file=sys.stderr))
    report = run_batch(selected, root=root, out_dir=out_dir, jobs=args.jobs, force=args.force,
                       prepare_fonts=True if args.prepare_fonts else None, ofd=args.ofd)
    out, err = summary(report)
    if _emit(out, err, done=f"已处理 {len(selected)} 期（见 {display_path(out_dir)}/index.html）"):
        return 2
    if report.exit_status or not args.volume:
        if args.volume and report.failed:
            sys.stderr.write(f"合订本未生成：{args.volume} 年有 {len(report.failed)} 期未能生成\n")
        return report.exit_status
    from jianbao.archive.volume import make_volume

    result = make_volume(args.volume, [s.id for s in selected], root=root, out_dir=out_dir)
    from jianbao.archive.register import record_builds

    sys.stderr.writelines(f"{w}\n" for w in record_builds(out_dir).warnings)  # the record links the volume
    print(f"{display_path(result.path)}  合订本 {result.issues} 期  {result.pages} 页  "
          f"{result.size / 1024:.0f} KB  {result.seconds:.2f} s")
    return 0


def main() -> None:
    from jianbao.portable import enable_ansi, safe_console

    safe_console(sys.stdout, sys.stderr)  # a GBK console or pipe: '?' for a character it lacks, no error
    enable_ansi(sys.stdout)  # the batch progress line on a Windows console
    try:
        code = run(sys.argv[1:])
    except BrokenPipeError:  # the reader went away (make-issue --fonts | head): not a fault
        sys.stderr.close()
        code = 0
    except Exception:  # an internal fault: show the traceback, exit 1
        import traceback

        traceback.print_exc()
        sys.stderr.write("make-issue：内部错误，未生成 PDF。请把以上信息报告给维护者。\n")
        code = 1
    sys.exit(code)


def console() -> None:
    """The ``make-issue`` command: :func:`main`, then an immediate exit. By then everything the run
    wrote is closed and in place (files are written whole, then renamed) and any worker processes
    have been joined, so the interpreter's teardown — freeing every object of the build, a
    measurable share of a single build (``benchmarks/speed.py``) — is skipped (``os._exit``) once
    stdout and stderr are flushed.

    The cyclic garbage collector runs rarely (:mod:`jianbao.collector`): :func:`run` sets the usual
    thresholds again for what runs long — several issues, a year, ``watch``, ``--serve``,
    ``--prepare-fonts`` — before any worker is forked."""
    collector.one_shot()
    try:
        main()
        code = 0
    except SystemExit as exited:
        code = exited.code if isinstance(exited.code, int) else (0 if exited.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the reader went away, or the stream is closed
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
