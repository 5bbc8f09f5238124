"""Accuracy of the parser over the project's labelled corpus and over generated reports, per
media, beside the targets.

    .venv/bin/python -m benchmarks accuracy [--verbose] [--jobs=N] [--docs=N] [--scans=N]
                                             [--no-generated] [--cache=DIR]

Generated reports (benchmarks/variants): --docs seeds per text medium from each seed range
(default 40), --scans per range for scans (default 4; parsed only where an OCR engine is
installed, else "not measured here"). TUNING seeds may be looked at while fixing readers;
UNSEEN seeds must not be: the unseen column is the figure that counts. The documents are written
under --cache (default: the system temp dir), never into git; --verbose lists the misses of the
tuning seeds only.

Corpus: tests/fixtures/seeds, tests/fixtures/samples, demo/truth.jsonl (files under demo/site),
tests/fixtures/corpus/labels.jsonl when it exists, tests/fixtures/pre2019 (no cells: agency,
year and format only). Scored by assets/report/scoring.py (NULL truth right only when the
prediction omits the cell or gives null; numbers compare |d| < 1e-6).

Targets: 100% of cells on seeds and samples; ≥ 99.5% of cells on every text-layer media
(html, txt, docx, doc, pdf); ≥ 97% on scans (pdf-ocr) where the OCR model loads. On the
generated reports, per range: the same cell targets per medium, and ≥ 95% of documents with
every cell right, ≥ 99% with the agency right and ≥ 99% with the year right.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gongkai.assets.read.ocr_engine import ocr_missing
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
PERFECT_TARGET = 0.95
AGENCY_TARGET = YEAR_TARGET = 0.99


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


def _option(argv: list[str], name: str, default: str) -> str:
    return next((a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")), default)


def _score_all(pool: ProcessPoolExecutor, docs: list[tuple[str, Path, dict]]) -> list[tuple[str, DocScore]]:
    preds = list(pool.map(_parse, [str(p) for _, p, _ in docs], chunksize=2))
    return [(corpus, score_document(label, pred)) for (corpus, _, label), pred in zip(docs, preds)]


def generated(cache: Path, n_docs: int, n_scans: int) -> tuple[list[tuple[str, Path, dict]], dict[str, str]]:
    """The generated documents of both seed ranges, as (range, path, label); and the media not
    measured here, with the reason."""
    from benchmarks.variants import TEXT_MEDIA as GEN_TEXT
    from benchmarks.variants import TUNING, UNSEEN, fingerprint, write_corpus

    out, not_here = [], {}
    scans = n_scans if ocr_missing() is None else 0
    if ocr_missing():
        not_here["pdf-ocr"] = f"{ocr_missing()}: scans not measured here"
    text_code, scan_code = fingerprint(scans=False), fingerprint()  # once: both ranges alike
    for name, seeds in (("tuned", TUNING), ("unseen", UNSEEN)):
        folder = cache / text_code / name
        labels, skipped = write_corpus(folder, seeds[:n_docs], GEN_TEXT)
        files = [labels]
        if scans:
            scan_labels, no_scans = write_corpus(cache / scan_code / name / "scans", seeds[:scans], ("scan",))
            files.append(scan_labels)
            skipped += [("pdf-ocr", why) for _, why in no_scans]
        for medium, why in skipped:
            not_here[medium] = f"not measured here: {why}"
        for lf in files:
            for line in lf.read_text(encoding="utf-8").splitlines():
                label = json.loads(line)
                out.append((name, lf.parent / label["file"], label))
    return out, not_here


def _print_generated(real: dict[str, Figures], tuned: dict[str, Figures], unseen: dict[str, Figures],
                     not_here: dict[str, str], line) -> None:
    print("\ngenerated reports (benchmarks/variants): cells right per media, real fixtures beside")
    print(f"{'media':9} {'real':>9} {'tuned':>9} {'unseen':>9} {'target':>9}  docs tuned/unseen")
    for m in TEXT_MEDIA + ("pdf-ocr",):
        target = OCR_TARGET if m == "pdf-ocr" else TEXT_TARGET
        cols = []
        for figs in (real, tuned, unseen):
            cols.append(_pct(figs[m].cell_accuracy) if m in figs and figs[m].cells else "-")
        n = f"{tuned[m].docs if m in tuned else 0}/{unseen[m].docs if m in unseen else 0}"
        note = f"  ({not_here[m]})" if m in not_here else ""
        print(f"{m:9} {cols[0]:>9} {cols[1]:>9} {cols[2]:>9} {_pct(target):>9}  {n}{note}")
    print(f"\n{'range':7} {'media':8} {'docs':>5} {'cells':>8} {'perfect':>8} {'agency':>8} {'year':>8} "
          f"{'format':>8}")
    for name, figs in (("tuned", tuned), ("unseen", unseen)):
        for m in TEXT_MEDIA + ("pdf-ocr", "ALL"):
            if m not in figs:
                continue
            f = figs[m]
            print(f"{name:7} {m:8} {f.docs:>5} {_pct(f.cell_accuracy):>8} {_pct(f.share('perfect')):>8} "
                  f"{_pct(f.share('agency')):>8} {_pct(f.share('year')):>8} {_pct(f.share('format')):>8}")
    print("\nfigure (generated)                   value     target  ok")
    for name, figs in (("tuned", tuned), ("unseen", unseen)):
        for m in TEXT_MEDIA + ("pdf-ocr",):
            if m in figs and figs[m].cells:
                line(f"{name}: cells, {m}", figs[m].cell_accuracy, OCR_TARGET if m == "pdf-ocr" else TEXT_TARGET)
        if "ALL" in figs:
            line(f"{name}: documents fully right", figs["ALL"].share("perfect"), PERFECT_TARGET)
            line(f"{name}: agency right", figs["ALL"].share("agency"), AGENCY_TARGET)
            line(f"{name}: year right", figs["ALL"].share("year"), YEAR_TARGET)


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv or "-v" in argv
    jobs = int(_option(argv, "jobs", str(min(4, os.cpu_count() or 1))))
    n_docs, n_scans = int(_option(argv, "docs", "40")), int(_option(argv, "scans", "4"))
    cache = Path(_option(argv, "cache", str(Path(tempfile.gettempdir()) / "gongkai-variants")))
    docs = labelled()
    missing = [str(p) for _, p, _ in docs if not p.exists()]
    docs = [d for d in docs if d[1].exists()]
    gen, not_here = ([], {}) if "--no-generated" in argv else generated(cache, n_docs, n_scans)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        scores = _score_all(pool, docs)
        gen_scores = _score_all(pool, gen)
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
        if ocr_missing() is None:
            line("cells, pdf-ocr (scans)", by_media["pdf-ocr"].cell_accuracy, OCR_TARGET)
        else:
            print(f"{'cells, pdf-ocr (scans)':34} {'skipped':>9} {_pct(OCR_TARGET):>9}  ({ocr_missing()})")
    if missing:
        print(f"note: {len(missing)} labelled file(s) missing, not scored: {missing[:3]}")
    if gen_scores:
        tuned = tally(s for r, s in gen_scores if r == "tuned")
        unseen = tally(s for r, s in gen_scores if r == "unseen")
        _print_generated(by_media, tuned, unseen, not_here, line)
        print(f"(generated documents under {cache})")
    if verbose or missed:
        for corpus, s in scores + [(r, s) for r, s in gen_scores if r == "tuned"]:
            if not s.perfect or not (s.agency_ok and s.year_ok and s.format_ok):
                print(f"  {corpus}/{s.doc_id} [{s.group}]: {s.right}/{s.cells} cells"
                      f"{'' if s.agency_ok else ', agency wrong'}"
                      f"{'' if s.year_ok else ', year wrong'}"
                      f"{'' if s.format_ok else ', format wrong'}"
                      f" {dict(list(s.wrong.items())[:4]) if s.wrong else ''}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
