"""The lake's load stage of one year over S shards, as the cluster runs it: the shard-year
steps, each loading its own shard's frames (`LakeWarehouse.load_year(…, shard=…)`), beside
what they did before, each step reloading the whole year from every shard's frames
(`combine_shards`, `load_years` without a shard).

    .venv/bin/python -m benchmarks shard_load                        # 8 shards × 2,000 reports
    .venv/bin/python -m benchmarks shard_load --shards 16 --reports 1000

Synthetic frames (benchmarks.warehouse: 200 cells a report, PDF twins of some agencies); an
agency's reports go to the shard of its agency, but a share of the twins (`--shared`, 10 %)
come through the next shard (a city's platform), so those agency-years are settled across
shards. PostgreSQL is started here for the catalog (servers.postgres); files in a temp folder.

Printed per way: commits, rows written to Parquet (every table, from the catalog's list of data
files, replaced ones included), seconds; each with the S steps one after another (Dagster's
`duckdb` pool of one) and with the steps spread over 2 processes at once (commits that
conflict run again: counted).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks import servers
from benchmarks.warehouse import synthesise_year
from gongkai.assets.report.combine import combine_shards
from gongkai.assets.report.frames import ReportFrames
from gongkai.warehouse.lake import LakeWarehouse

YEAR = 2024


def shard_frames(shards: int, reports: int, shared: float) -> dict[str, ReportFrames]:
    """The year's synthetic frames split by shard: by agency, a `shared` part of the PDF twins
    through the next shard."""
    frames = synthesise_year(YEAR, shards * reports, int(shards * reports * 0.95))
    report = frames.report.with_columns(n=pl.col("agency_id").str.slice(1).cast(pl.Int64))
    twin = ~pl.col("is_canonical") & (pl.col("n") % 100 < int(shared * 100))
    report = report.with_columns(shard=(pl.col("n") + twin.cast(pl.Int64)) % shards)
    width = len(str(shards - 1))
    out = {}
    for k in range(shards):
        ids = report.filter(pl.col("shard") == k)["report_id"].implode()
        out[f"{k:0{width}d}"] = ReportFrames(**{
            name: table.filter(pl.col("report_id").is_in(ids)) for name, table in frames.tables().items()})
    return out


class Conflicts(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "conflicted" in record.getMessage():
            self.count += 1


def load_steps(catalog: str, data: str, frames: dict[str, ReportFrames], shards: list[str],
               by_shard: bool, queue) -> None:
    """The steps of `shards`, one after another, in this process; puts the conflicts retried."""
    conflicts = Conflicts()
    logging.getLogger("gongkai.warehouse.lake").addHandler(conflicts)
    logging.getLogger("gongkai.warehouse.lake").setLevel(logging.INFO)
    lake = LakeWarehouse(catalog, data, lock_timeout=600)
    whole = None if by_shard else combine_shards([frames[s] for s in sorted(frames)])
    for shard in shards:
        if by_shard:
            lake.load_year(YEAR, frames[shard], shard=shard)
        else:
            lake.load_years({YEAR: whole})
    lake.close()
    queue.put(conflicts.count)


def measure(pg, directory: Path, name: str, frames: dict[str, ReportFrames], by_shard: bool,
            processes: int) -> dict:
    catalog = pg.create_database(name)
    data = str(directory / name)
    setup = LakeWarehouse(catalog, data)
    setup.setup()
    setup.close()
    shards = sorted(frames)
    spawn = multiprocessing.get_context("spawn")  # a forked DuckDB hangs
    queue = spawn.Queue()
    started = time.perf_counter()
    workers = [spawn.Process(
        target=load_steps, args=(catalog, data, frames, shards[k::processes], by_shard, queue))
        for k in range(processes)]
    for w in workers:
        w.start()
    conflicts = sum(queue.get() for _ in workers)
    for w in workers:
        w.join()
    seconds = time.perf_counter() - started
    lake = LakeWarehouse(catalog, data, read_only=True)
    with lake.connect() as con:
        commits = con.execute("SELECT count(*) FROM ducklake_snapshots('lake') "
                              "WHERE map_contains(changes, 'tables_inserted_into')").fetchone()[0] - 1
        rows, files = con.execute("SELECT sum(record_count), count(*) FROM __ducklake_metadata_lake"
                                  ".ducklake_data_file WHERE begin_snapshot > 1").fetchone()
        canonical = con.execute("SELECT count(*) FILTER (is_canonical), count(DISTINCT agency_id) "
                                "FILTER (is_canonical) FROM report").fetchone()
    lake.close()
    return {"commits": commits, "rows": int(rows or 0), "files": files, "seconds": seconds,
            "conflicts": conflicts, "canonical": canonical}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks shard_load")
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--reports", type=int, default=2000, help="reports a shard-year")
    parser.add_argument("--shared", type=float, default=0.1)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args(argv)
    frames = shard_frames(args.shards, args.reports, args.shared)
    n = sum(f.report.height for f in frames.values())
    print(f"{args.shards} shards, {n:,} reports of {YEAR} ({n * 200:,} cells); "
          f"{args.shared:.0%} of the PDF twins through the next shard", flush=True)
    directory = Path(tempfile.mkdtemp(prefix="gongkai-shard-load-", dir=args.dir))
    try:
        with servers.postgres() as pg:
            results = {}
            for processes in (1, 2):
                for by_shard in (False, True):
                    way = ("own shard-year" if by_shard else "whole year") + f", {processes} process" + "es" * (processes > 1)
                    results[way] = measure(pg, directory, f"l{processes}{int(by_shard)}", frames,
                                           by_shard, processes)
                    print(f"  {way}: {results[way]}", flush=True)
    except servers.ServerUnavailable as exc:
        print(f"skipped: {exc}")
        return 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"\n{'way of loading':<30}{'commits':>9}{'rows written':>15}{'wall s':>9}{'÷ steps':>10}"
          f"{'retries':>9}{'canonical':>11}")
    for way, r in results.items():
        print(f"{way:<30}{r['commits']:>9}{r['rows']:>15,}{r['seconds']:>9.1f}"
              f"{r['seconds'] / args.shards:>10.2f}{r['conflicts']:>9}{r['canonical'][0]:>11,}")
    ok = len({r["canonical"] for r in results.values()}) == 1
    print("same canonical reports every way:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
