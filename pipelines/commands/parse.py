"""`gongkai parse FILE|DIR …`: read local report files, one JSON object per file.

Exit status 1 when any file could not be read (its line says why in ``error``); a file that
reads but holds nothing of the report form (a news page, a meeting note) gets the warning
"not a report". A directory is walked for report media only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
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


def main(args: argparse.Namespace) -> int:
    files = report_files(args.paths)
    failed = 0 if files else 1
    progress = Progress(len(files))
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.out, "w", encoding="utf-8")) if args.out else sys.stdout
        for number, path in enumerate(files, 1):
            progress.show(number, path)
            report = parse_file(path)
            progress.clear()
            if report.error:
                failed += 1
                print(f"gongkai parse: {path}: {report.error}", file=sys.stderr)
            elif not is_report(report):
                report.warnings.append(NOT_A_REPORT)
                print(f"gongkai parse: {path}: {NOT_A_REPORT}", file=sys.stderr)
            out.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
            out.flush()
    return 1 if failed else 0
