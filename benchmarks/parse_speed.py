"""Parsing speed and memory over the labelled corpus, beside the targets.

    .venv/bin/python -m benchmarks parse_speed [--rounds=N] [--seconds=S]

1. PDF: the median time of a full ``parse_file`` per text-layer PDF report, against the median
   time pypdfium2 alone takes to extract the same files' text (target: within 3×).
2. HTML: reports parsed per second on one core, parsing every HTML document of the corpus over
   and over for a few seconds (target: ≥ 200).
3. Peak RSS of reading the largest labelled document, in a fresh subprocess (ru_maxrss), beside
   the RSS of a subprocess that only imports the parser (no target: a figure to watch).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.accuracy import labelled

PDF_RATIO_TARGET = 3.0
HTML_RATE_TARGET = 200.0
_RSS_SCRIPT = """
import resource, sys
from gongkai.assets.report.parse import parse_file
if sys.argv[1] != "-":
    r = parse_file(sys.argv[1])
    assert r.error is None, r.error
print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))  # OCR runs tesseract
"""


def _pdfium_text(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = 0
    try:
        for page in pdf:
            textpage = page.get_textpage()
            n += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return n


def _best_of(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _rss_kib(path: str) -> int:
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, path], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    return int(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    from gongkai.assets.report.parse import parse_file

    rounds = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--rounds=")), 3)
    seconds = next((float(a.split("=", 1)[1]) for a in argv if a.startswith("--seconds=")), 5.0)
    docs = [(p, lb) for _, p, lb in labelled() if p.exists()]
    pdfs = [p for p, lb in docs if lb.get("media") == "pdf" and not lb.get("ocr_only")]
    htmls = [p for p, lb in docs if lb.get("media") == "html"]
    missed = 0
    print(f"{'figure':44} {'value':>12} {'target':>10}  ok")

    def line(name: str, value: str, target: str, ok: bool | None) -> None:
        nonlocal missed
        missed += ok is False
        verdict = "" if ok is None else ("yes" if ok else "MISSED")
        print(f"{name:44} {value:>12} {target:>10}  {verdict}")

    if pdfs:
        for p in pdfs:  # warm the imports and the file cache
            parse_file(p)
            _pdfium_text(p)
        parse_t = [_best_of(lambda p=p: parse_file(p), rounds) for p in pdfs]
        text_t = [_best_of(lambda p=p: _pdfium_text(p), rounds) for p in pdfs]
        med_parse, med_text = statistics.median(parse_t), statistics.median(text_t)
        ratios = [a / b for a, b in zip(parse_t, text_t) if b > 0]
        line(f"PDF: median parse_file ({len(pdfs)} reports)", f"{1000 * med_parse:.1f} ms", "", None)
        line("PDF: median pypdfium2 text extraction", f"{1000 * med_text:.1f} ms", "", None)
        ratio = med_parse / med_text if med_text else float("inf")
        line("PDF: ratio of the medians", f"{ratio:.2f}×", f"≤ {PDF_RATIO_TARGET:.0f}×",
             ratio <= PDF_RATIO_TARGET)
        line("PDF: median of per-file ratios", f"{statistics.median(ratios):.2f}×", "", None)
        worst = max(zip(ratios, pdfs))
        line(f"PDF: slowest ratio ({worst[1].name[:22]})", f"{worst[0]:.2f}×", "", None)
    if htmls:
        blobs = [(str(p), p.read_bytes()) for p in htmls]
        from gongkai.assets.report.parse import parse_bytes

        for name, data in blobs:
            parse_bytes(data, name, media="html")
        n, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds:
            for name, data in blobs:
                parse_bytes(data, name, media="html")
                n += 1
        rate = n / (time.perf_counter() - started)
        cpu_rate = n / max(time.process_time() - cpu, 1e-9)
        line(f"HTML: reports per second, one core ({len(blobs)} docs)", f"{rate:.0f}/s",
             f"≥ {HTML_RATE_TARGET:.0f}/s", rate >= HTML_RATE_TARGET)
        # On a shared machine wall time counts the neighbours too: the process's own CPU time.
        line("HTML: reports per CPU-second of this process", f"{cpu_rate:.0f}/s", "", None)
    if docs:
        largest = max((p for p, _ in docs), key=lambda p: p.stat().st_size)  # a scan, often
        base = _rss_kib("-")
        peak = _rss_kib(str(largest))
        line("RSS: import only", f"{base / 1024:.0f} MiB", "", None)
        line(f"RSS: peak reading the largest ({largest.name[:18]}, "
             f"{largest.stat().st_size / 1024:.0f} KiB)", f"{peak / 1024:.0f} MiB", "", None)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
