"""Fault run: hostile documents through the pipeline's parse path (a worker pool with a time
and memory budget, as `assets.report.build.parse_year` uses), and what became of each.

    .venv/bin/python -m benchmarks faults            # full corpus (2000-page PDF, 1 GB zip bomb, 50 MB HTML …)
    .venv/bin/python -m benchmarks faults --quick    # the test-suite sizes

Prints documents tried, crashes (an exception or a dead run: target 0), worker crashes and
timeouts (recorded as the document's error, the run goes on), peak RSS (target < 1 GiB) and
the documents quarantined, counted by reason.
"""

from __future__ import annotations

import re
import resource
import sys
import time
from collections import Counter

from benchmarks.hostile import hostile_documents, mutants
from gongkai.assets.read.limits import DOCUMENT_MEMORY_MB
from gongkai.assets.report.isolated import ParserPool, default_workers

PEAK_RSS_TARGET_MB = 1024
TIMEOUT_S = 60.0


def reason_of(error: str) -> str:
    """An error message without its particulars (sizes, pages, library detail)."""
    head = re.sub(r"\(.*?\)|\d[\d.,]*\s*(MB|s|-fold)?", "N ", error.split(":")[0] if error.startswith(
        ("not a readable", "reader failed", "parser failed", "LibreOffice")) else error)
    return re.sub(r"part \S+", "part X", head)[:70]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    started = time.perf_counter()
    corpus = list(hostile_documents("small" if quick else "full"))
    corpus += list(mutants(40 if quick else 150))
    made = time.perf_counter() - started
    print(f"corpus: {len(corpus)} documents, {sum(len(h.data) for h in corpus) / 2**20:.0f} MB, "
          f"made in {made:.1f}s; {default_workers()} workers, {TIMEOUT_S:.0f}s and "
          f"{DOCUMENT_MEMORY_MB} MB per document")
    crashes, timeouts, worker_crashes, oom = [], 0, 0, 0
    reasons: Counter[str] = Counter()
    slowest = (0.0, "")
    read = 0
    with ParserPool(default_workers(), timeout=TIMEOUT_S) as pool:
        for h in corpus:
            t0 = time.perf_counter()
            try:
                report = pool.parse(h.data, h.name, media=h.media)
            except BaseException as exc:  # noqa: BLE001 - counting exactly this
                crashes.append(f"{h.name}: {type(exc).__name__}: {exc}")
                continue
            took = time.perf_counter() - t0
            slowest = max(slowest, (took, h.name))
            if report.error is None:
                read += 1
                continue
            timeouts += report.error.startswith("timed out")
            worker_crashes += report.error.startswith("reader crashed")
            oom += report.error.startswith("out of memory")
            reasons[reason_of(report.error)] += 1
        replaced = pool.replaced
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak = max(parent_mb, child_mb)
    elapsed = time.perf_counter() - started - made

    print(f"\n{'figure':<34}{'value':>12}  target")
    rows = [
        ("documents tried", len(corpus), ""),
        ("crashes (run stopped)", len(crashes), "0"),
        ("read (no error)", read, ""),
        ("quarantined (error recorded)", sum(reasons.values()), ""),
        ("  of which timeouts", timeouts, ""),
        ("  of which worker crashes", worker_crashes, ""),
        ("  of which out of memory", oom, ""),
        ("workers replaced", replaced, ""),
        ("slowest document (s)", f"{slowest[0]:.1f}", f"< {TIMEOUT_S:.0f}"),
        ("peak RSS, parent (MB)", f"{parent_mb:.0f}", ""),
        ("peak RSS, any worker (MB)", f"{child_mb:.0f}", f"< {PEAK_RSS_TARGET_MB}"),
        ("parse time, all (s)", f"{elapsed:.1f}", ""),
    ]
    for name, value, target in rows:
        print(f"{name:<34}{value!s:>12}  {target}")
    print(f"\nslowest: {slowest[1]}")
    print("\nquarantined by reason:")
    for reason, n in reasons.most_common():
        print(f"  {n:4d}  {reason}")
    for c in crashes:
        print("CRASH", c)
    ok = not crashes and peak < PEAK_RSS_TARGET_MB and slowest[0] <= TIMEOUT_S + 5
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
