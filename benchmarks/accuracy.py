"""Accuracy of the parser over the project's labelled corpus, per media, beside the targets.

    .venv/bin/python -m benchmarks accuracy [--verbose] [--jobs=N]

Corpus: tests/fixtures/seeds, tests/fixtures/samples, demo/truth.jsonl (files under demo/site),
tests/fixtures/corpus/labels.jsonl when it exists, tests/fixtures/pre2019 (no cells: agency,
year and format only). Scored by assets/report/scoring.py (NULL truth right only when the
prediction omits the cell or gives null; numbers compare |d| < 1e-6).

Targets: 100% of cells on seeds and samples; ≥ 99.5% of cells on every text-layer media
(html, txt, docx, doc, pdf); ≥ 97% on scans (pdf-ocr) where the OCR model loads.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gongkai.assets.report.scoring import DocScore, Figures, score_document, tally

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPORA = (  # name, labels file, folder the label's `file` is relative to
    ("seeds", FIXTURES / "seeds" / "labels.jsonl", FIXTURES / "seeds"),
    ("samples", FIXTURES / "samples" / "labels.jsonl", FIXTURES / "samples"),
    ("demo", ROOT / "demo" / "truth.jsonl", ROOT / "demo" / "site"),
    ("corpus", FIXTURES / "corpus" / "labels.jsonl", FIXTURES / "corpus"),
    ("pre2019", FIXTURES / "pre2019" / "labels.jsonl", FIXTURES / "pre2019"),
)
TEXT_MEDIA = ("html", "txt", "docx", "doc", "pdf")
TEXT_TARGET = 0.995
OCR_TARGET = 0.97
EXACT_CORPORA = ("seeds", "samples")


def labelled() -> list[tuple[str, Path, dict]]:
    out = []
    for corpus, labels, folder in CORPORA:
        if not labels.exists():
            continue
        for line in labels.read_text(encoding="utf-8").splitlines():
            if line.strip():
                label = json.loads(line)
                out.append((corpus, folder / label["file"], label))
    return out


def _parse(path: str) -> dict:
    from gongkai.assets.report.parse import parse_file

    report = parse_file(path)
    return {"source": path, "agency": report.agency, "year": report.year,
            "format_version": report.format_version, "error": report.error,
            "cells": [{"table_id": c.table_id, "row_id": c.row_id, "col_id": c.col_id,
                       "value": c.value} for c in report.cells]}


def _pct(x: float) -> str:
    return f"{100 * x:7.2f}%"


def _print_table(title: str, figures: dict[str, Figures]) -> None:
    print(f"\n{title}")
    print(f"{'group':9} {'docs':>5} {'read':>5} {'cells':>7} {'cell_acc':>9} {'perfect':>8} "
          f"{'agency':>8} {'year':>8} {'format':>8}")
    for g, f in figures.items():
        print(f"{g:9} {f.docs:>5} {f.parsed:>5} {f.cells:>7} {_pct(f.cell_accuracy):>9} "
              f"{_pct(f.share('perfect')):>8} {_pct(f.share('agency')):>8} "
              f"{_pct(f.share('year')):>8} {_pct(f.share('format')):>8}")


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv or "-v" in argv
    jobs = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--jobs=")),
                min(4, os.cpu_count() or 1))
    docs = labelled()
    missing = [str(p) for _, p, _ in docs if not p.exists()]
    docs = [d for d in docs if d[1].exists()]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        preds = list(pool.map(_parse, [str(p) for _, p, _ in docs], chunksize=2))
    scores: list[tuple[str, DocScore]] = [
        (corpus, score_document(label, pred)) for (corpus, _, label), pred in zip(docs, preds)
    ]
    by_media = tally(s for _, s in scores)
    _print_table("per media (all corpora)", by_media)
    by_corpus = {c: tally(s for cc, s in scores if cc == c)["ALL"]
                 for c in dict.fromkeys(c for c, _ in scores)}
    _print_table("per corpus", by_corpus)

    print("\nfigure                               value     target  ok")
    missed = 0

    def line(name: str, value: float, target: float) -> None:
        nonlocal missed
        ok = value >= target - 1e-12
        missed += not ok
        print(f"{name:34} {_pct(value):>9} {_pct(target):>9}  {'yes' if ok else 'MISSED'}")

    for c in EXACT_CORPORA:
        if c in by_corpus:
            line(f"cells, {c}", by_corpus[c].cell_accuracy, 1.0)
    for m in TEXT_MEDIA:
        if m in by_media and by_media[m].cells:
            line(f"cells, {m}", by_media[m].cell_accuracy, TEXT_TARGET)
    if "pdf-ocr" in by_media:
        from gongkai.assets.read.ocr_engine import ocr_missing

        if ocr_missing() is None:
            line("cells, pdf-ocr (scans)", by_media["pdf-ocr"].cell_accuracy, OCR_TARGET)
        else:
            print(f"{'cells, pdf-ocr (scans)':34} {'skipped':>9} {_pct(OCR_TARGET):>9}  ({ocr_missing()})")
    if missing:
        print(f"note: {len(missing)} labelled file(s) missing, not scored: {missing[:3]}")
    if verbose or missed:
        for corpus, s in scores:
            if not s.perfect or not (s.agency_ok and s.year_ok and s.format_ok):
                print(f"  {corpus}/{s.doc_id} [{s.group}]: {s.right}/{s.cells} cells"
                      f"{'' if s.agency_ok else ', agency wrong'}"
                      f"{'' if s.year_ok else ', year wrong'}"
                      f"{'' if s.format_ok else ', format wrong'}"
                      f" {dict(list(s.wrong.items())[:4]) if s.wrong else ''}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
