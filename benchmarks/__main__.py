"""Run the benchmarks and print their figures beside their targets.

    .venv/bin/python -m benchmarks            # every benchmark
    .venv/bin/python -m benchmarks accuracy   # one (or several) by name

Each benchmark is a module here with `main(argv: list[str]) -> int` that prints a table of
figure, target and ratio; a non-zero return means a target was missed. Each runs in a process
of its own, so one benchmark's memory and CPU figures never include another's.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    # modules only: a package here (variants/) is a library the benchmarks share, not a benchmark
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.ispkg and not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {available()}", file=sys.stderr)
        return 2
    missed = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        flags = [a for a in argv if a.startswith("-")]
        code = subprocess.run(
            [sys.executable, "-c", f"import sys, benchmarks.{name} as b; sys.exit(b.main(sys.argv[1:]))", *flags],
            check=False,
        ).returncode
        print(f"({name}: {time.perf_counter() - started:.1f}s)")
        if code:
            missed.append(name)
    if missed:
        print(f"\ntargets missed in: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
