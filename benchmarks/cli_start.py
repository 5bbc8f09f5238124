"""How soon `gongkai` answers: whole processes of the installed command, beside the target.

    .venv/bin/python -m benchmarks cli_start [--rounds=N]

Each command runs N times (default 7) as a user runs it, a new process each time; the figure
is the median wall time from start to exit. Target: ≤ 0.3 s for every command that needs no
Dagster (`--help`, `--version`, `check`, `parse` of one HTML report, `sql`, `export` of a
one-report warehouse). `import dagster` alone is printed beside them as the cost they avoid.

Beside the wall time, the CPU time the process used (user + system, median): on a busy machine
(the load average is printed) the wall time grows with the queue; the CPU time is what the
command itself costs, and what the wall time is on an idle machine.
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

TARGET_SECONDS = 0.3
ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "tests" / "fixtures" / "samples" / "shuyang-development-reform-bureau-2023.html"
SOURCES = ROOT / "sources"


def _gongkai() -> str:
    return shutil.which("gongkai", path=str(Path(sys.executable).parent)) or "gongkai"


def _one_report_warehouse(directory: Path) -> Path:
    """A warehouse holding the parsed sample report (set-up, not timed)."""
    from gongkai.assets.crawl.records import CrawledDocument
    from gongkai.assets.report.frames import build_frames
    from gongkai.assets.report.parse import parse_file
    from gongkai.warehouse.loader import Warehouse

    report = parse_file(REPORT)
    doc = CrawledDocument(source="benchmark", url=REPORT.as_uri(), final_url=REPORT.as_uri(), page_url=None,
                          title=report.title or "", agency_hint=report.agency, year_hint=report.year,
                          media="html", sha256="0" * 64, size=REPORT.stat().st_size, content_type=None,
                          fetched_at="2024-01-01T00:00:00+00:00", status=200)
    warehouse = Warehouse(directory / "gongkai.duckdb")
    warehouse.load_years({report.year: build_frames([(doc, report)], report.year)})
    return warehouse.path


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _median_seconds(command: list[str], rounds: int, cwd: Path) -> tuple[float, float]:
    """Median wall and CPU seconds of `rounds` runs of `command`."""
    walls, cpus = [], []
    for _ in range(rounds):
        cpu, started = _cpu_of_children(), time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu_of_children() - cpu)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str]) -> int:
    rounds = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--rounds=")), 7)
    gongkai = _gongkai()
    with tempfile.TemporaryDirectory(prefix="cli-start-") as tmp:
        cwd = Path(tmp)
        warehouse = str(_one_report_warehouse(cwd))
        commands = {
            "gongkai --help": [gongkai, "--help"],
            "gongkai --version": [gongkai, "--version"],
            "gongkai check --sources sources/": [gongkai, "check", "--sources", str(SOURCES)],
            "gongkai parse <one HTML report>": [gongkai, "parse", str(REPORT)],
            'gongkai sql "SELECT …"': [gongkai, "sql", "SELECT agency, year, count(*) FROM fact_cell GROUP BY ALL",
                                       "--warehouse", warehouse],
            "gongkai export --parquet DIR": [gongkai, "export", "--parquet", str(cwd / "out"),
                                             "--warehouse", warehouse],
        }
        load = os.getloadavg()[0]
        print(f"median of {rounds} whole processes each; python {sys.version.split()[0]}; "
              f"load average {load:.1f} on {os.cpu_count()} CPUs")
        print(f"{'command':40} {'wall s':>7} {'cpu s':>6} {'target':>7} {'ratio':>6}  ok")
        missed = 0
        for name, command in commands.items():
            wall, cpu = _median_seconds(command, rounds, cwd)
            ok = wall <= TARGET_SECONDS
            missed += not ok
            print(f"{name:40} {wall:7.3f} {cpu:6.3f} {TARGET_SECONDS:7.1f} {wall / TARGET_SECONDS:6.2f}  "
                  f"{'yes' if ok else 'MISSED'}")
        wall, cpu = _median_seconds([sys.executable, "-c", "import dagster"], rounds, cwd)
        label = "(for scale: python -c 'import dagster')"
        print(f"{label:40} {wall:7.3f} {cpu:6.3f} {'-':>7} {'-':>6}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
