"""The proof options of make-issue: ``watch`` / ``--watch``, ``--serve``, ``--png``, ``--dpi``,
``--long-image`` (called by the CLI for one issue)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from jianbao.archive.register import build_and_record
from jianbao.errors import UsageError, UserError
from jianbao.pipeline import Project
from jianbao.proof import messages
from jianbao.proof.previews import DEFAULT_DPI, check_dpi, write_long_image, write_pages
from jianbao.proof.watch import PROOF_DPI, Session


def run(source: Path, project: Project, out_dir: Path, args: argparse.Namespace) -> int:
    if args.dpi is not None:
        check_dpi(args.dpi)
        if not (args.png or args.serve):
            raise UsageError("--dpi 只用于 --png 或 --serve")
    watch = args.watch or args.serve
    if not watch:
        result, recorded = build_and_record(source, out_dir, project)  # the record stays current
        sys.stderr.writelines(f"{w}\n" for w in [*result.warnings, *recorded.warnings])
        print(messages.built(result.path, result.pages, result.size, result.seconds, stamp=False), flush=True)
        _previews(result.path, out_dir, args)
        return 0

    session = Session(source, project, out_dir, board=args.serve, dpi=args.dpi or PROOF_DPI)

    def after(ok: bool) -> None:
        if ok and (args.png or args.long_image):
            try:
                _previews(session.target, out_dir, args)
            except UserError as exc:  # a preview that cannot be written does not end the watch
                session.err(str(exc))

    server = None
    if session.board is not None:
        from jianbao.proof.server import ProofServer

        server = ProofServer(session.board).start()
        print(messages.serving(server.url), flush=True)
    try:
        return session.run(on_build=after)
    finally:
        if server is not None:
            server.stop()


def _previews(pdf: Path, out_dir: Path, args: argparse.Namespace) -> None:
    if args.png:
        started = time.perf_counter()
        paths = write_pages(pdf, out_dir / pdf.stem, args.dpi or DEFAULT_DPI)
        print(messages.previews_written(paths, time.perf_counter() - started), flush=True)
    if args.long_image:
        started = time.perf_counter()
        target = write_long_image(pdf, out_dir / f"{pdf.stem}-长图.png")
        print(messages.long_image_written(target, target.stat().st_size, time.perf_counter() - started), flush=True)
