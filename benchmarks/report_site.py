"""How long `gongkai report` takes to write the site over the demo warehouse.

    .venv/bin/python -m benchmarks report_site                       # builds the demo warehouse first
    .venv/bin/python -m benchmarks report_site --warehouse=PATH      # an existing warehouse

Set-up (not timed): the demo portal is served on 127.0.0.1 and the main job crawls, parses and
loads it into a temporary warehouse, as `make demo` does. Then the site is written N times
(default 3) as the command writes it, each in a new process (`gongkai report`, so the import of
altair and vl-convert counts); the figure is the median wall time. Target: ≤ 10 s. Beside it,
the CPU time the process used: on a shared machine the wall time grows with the queue.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
DEMO_YEARS = list(range(2019, 2026))


def demo_warehouse(directory: Path) -> Path:
    """The demo portal crawled, parsed and loaded into `directory` (the raw store beside it)."""
    import dagster as dg

    from gongkai.assets.sources.partitions import partition_range_tags
    from gongkai.demo.server import render_sources, serve_demo
    from gongkai.pipelines.definitions import defs
    from gongkai.pipelines.resources import local_run_config

    warehouse = directory / "gongkai.duckdb"
    with serve_demo(port=0) as bases, dg.instance_for_test() as instance:
        sources = directory / "sources.toml"
        sources.write_text(render_sources(bases), encoding="utf-8")
        config = {"resources": {**local_run_config(sources, directory / "store", warehouse),
                                "politeness": {"config": {"min_delay_seconds": 0.0}}},
                  "loggers": {"console": {"config": {"log_level": "WARNING"}}}}
        result = defs.resolve_job_def("gongkai_main").execute_in_process(
            run_config=config, instance=instance, tags=partition_range_tags(DEMO_YEARS))
        if not result.success:
            raise RuntimeError("the demo pipeline failed; run `gongkai demo -v` to see why")
    return warehouse


def timed_report(warehouse: Path, store: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `gongkai report` process."""
    gongkai = shutil.which("gongkai", path=str(Path(sys.executable).parent)) or "gongkai"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([gongkai, "report", "--warehouse", str(warehouse), "--store", str(store), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str]) -> int:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    rounds = int(options.get("rounds", 3))
    with tempfile.TemporaryDirectory(prefix="gongkai-report-") as tmp:
        tmp = Path(tmp)
        if "warehouse" in options:
            warehouse, store = Path(options["warehouse"]), Path(options.get("store", "data/store"))
        else:
            print("building the demo warehouse (not timed) …", flush=True)
            warehouse, store = demo_warehouse(tmp), tmp / "store"
        runs = [timed_report(warehouse, store, tmp / f"site-{i}") for i in range(rounds)]
        pages = len(list((tmp / "site-0").glob("*.html")))
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores; {pages} pages; median of {rounds} runs")
    print(f"{'figure':<36}{'value':>10}{'target':>10}{'ratio':>8}")
    print(f"{'gongkai report wall time (s)':<36}{wall:>10.2f}{TARGET_SECONDS:>10.1f}{wall / TARGET_SECONDS:>8.2f}")
    print(f"{'gongkai report CPU time (s)':<36}{cpu:>10.2f}{'':>10}{cpu / TARGET_SECONDS:>8.2f}")
    return 0 if wall <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
