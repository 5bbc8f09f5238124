"""`gongkai parse FILE|DIR …`: read local report files, one JSON object per file.

Exit status 1 when any file could not be read (its line says why in ``error``); a file that
reads but holds nothing of the report form (a news page, a meeting note) gets the warning
"not a report". A directory is walked for report media only.

Many files are read by a pool of processes, one per core (``--jobs``); the lines come out in
the files' order all the same, as a single process writes them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from gongkai.assets.report.model import Report
from gongkai.assets.report.parse import parse_file

# What a report is published as (HTML pages, PDF, Word, WPS, flattened text). Named files are
# read whatever their name (the bytes decide); a directory is walked for these only, so the
# JSON Lines and notes kept beside the reports are not read as reports.
REPORT_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc", ".wps", ".txt"})
NOT_A_REPORT = "not a report: no table or section heading of the annual-report form found"


def report_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                print(f"gongkai parse: {path}: no report files ({' '.join(sorted(REPORT_SUFFIXES))})",
                      file=sys.stderr)
            files.extend(found)
        else:
            files.append(path)
    return files


def is_report(report: Report) -> bool:
    """A table cell or a section heading of the form (一、总体情况 …) was found, or it is a scan
    that could not be read without OCR (which says nothing either way)."""
    return report.needs_ocr or bool(report.cells) or report.format_version is not None or any(
        s.section_id != "preamble" for s in report.sections)


class Progress:
    """`[3/40] name` on stderr, rewritten in place; only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.on = sys.stderr.isatty() and total > 0

    def show(self, number: int, path: Path) -> None:
        if self.on:
            sys.stderr.write(f"\r\033[K[{number}/{self.total}] {path.name}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.on:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def read_one(path: Path) -> tuple[str | None, bool, str]:
    """One file read: (its error, whether it is a report, its JSON line)."""
    report = parse_file(path)
    reads_as_report = report.error is not None or is_report(report)
    if not reads_as_report:
        report.warnings.append(NOT_A_REPORT)
    return report.error, reads_as_report, json.dumps(report.to_json(), ensure_ascii=False) + "\n"


def _worker_signals() -> None:
    """A parse worker ignores Ctrl-C (the parent ends the pool: no traceback from each) and
    dies of SIGTERM, which is how Pool.terminate() ends it: a process started with SIGTERM
    ignored (nohup-like launchers, some CI runners) passed that on, and terminate() then
    waited forever on a worker blocked on the task queue's lock the pool itself held."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def read_all(files: list[Path], jobs: int) -> Iterator[tuple[str | None, bool, str]]:
    """`read_one` of each file, in the files' order. A pool of ``jobs`` forked processes
    where there are files enough to share (forked: the workers start with the parser
    already imported); one process otherwise, and where fork is not to be had."""
    jobs = min(jobs, len(files))
    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(read_one, files)
        return
    # Ctrl-C stops the parent, which ends the pool: the workers ignore it (no traceback each)
    pool = multiprocessing.get_context("fork").Pool(jobs, _worker_signals)
    every_file_read = False
    try:
        yield from pool.imap(read_one, files)
        every_file_read = True
    finally:
        # Pool.terminate() can hang racing idle workers for the task queue's lock (CPython
        # issues 73945 and 78178; seen here: both lines written, then no exit): a pool whose
        # work is done is closed and joined, the workers leaving on their own; terminate()
        # only cuts work short (a closed pipe, Ctrl-C).
        if every_file_read:
            pool.close()
        else:
            pool.terminate()
        pool.join()


def main(args: argparse.Namespace) -> int:
    files = report_files(args.paths)
    failed = 0 if files else 1
    progress = Progress(len(files))
    jobs = args.jobs or default_jobs()
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.out, "w", encoding="utf-8")) if args.out else sys.stdout
        results = stack.enter_context(contextlib.closing(read_all(files, jobs)))  # the pool ends
        if files:
            progress.show(1, files[0])
        for number, (path, (error, reads_as_report, line)) in enumerate(zip(files, results), 1):
            progress.clear()
            if error:
                failed += 1
                print(f"gongkai parse: {path}: {error}", file=sys.stderr)
            elif not reads_as_report:
                print(f"gongkai parse: {path}: {NOT_A_REPORT}", file=sys.stderr)
            out.write(line)
            out.flush()
            if number < len(files):
                progress.show(number + 1, files[number])
    return 1 if failed else 0
