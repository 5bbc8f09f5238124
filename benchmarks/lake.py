"""The lake warehouse (DuckLake: catalog in Postgres, Parquet files) at national size: load
rate, and every README example query read from the lake.

    .venv/bin/python -m benchmarks lake                        # 2.7 M reports × 200 cells
    .venv/bin/python -m benchmarks lake --reports 20000        # a quick run
    .venv/bin/python -m benchmarks lake --reports 20000 --s3   # files on moto's S3 server

Starts PostgreSQL on 127.0.0.1 (servers.postgres) for the catalog; the files go to a temporary
folder (under --dir), or to moto's S3 server with --s3 (it keeps objects in memory: small runs).

1. The national backfill's bulk, 2008–2025, is generated in DuckDB SQL straight into the lake's
   tables (one DuckLake commit per year: report, fact_cell — 200 cells a report —, the wide
   t2/t3/t4 tables with the same values, check_result, six sections a report), then the agency
   dimension, the cross-year checks and the repetition of last year's text once
   (`refresh_derived` over every report). Shown for information: it is not the loader's path.
   Ids have the pipeline's shape (report_id 20 and agency_id 16 hex characters: DuckDB keeps
   a string over 12 bytes apart, so groupings and joins on ids cost here what they cost there).
2. The loader's rate: shard-years of synthetic frames (benchmarks.warehouse) loaded through
   `LakeWarehouse.load_year(…, shard=…)` into the national lake — each one DuckLake commit
   that also refreshes the agency rows and cross-year checks of its reports — beside the local
   `Warehouse.load_year` on the same frames (into an empty warehouse).
3. Every example query of warehouse/examples.sql on a connection that attached the lake:
   first run and median of 3. Target < 1 s each.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks import servers
from benchmarks.warehouse import KINDS, LOAD_TARGET, QUERY_TARGET, RULES, synthesise_year
from gongkai.assets.form.spec import cells_for
from gongkai.assets.report.frames import ReportFrames
from gongkai.warehouse.examples import examples
from gongkai.warehouse.lake import S3, LakeWarehouse
from gongkai.warehouse.loader import Warehouse
from gongkai.warehouse.wide import REPORT_COLUMNS, WIDE_TABLES, wide_cells
from gongkai.warehouse.writing import refresh_derived

YEARS = list(range(2008, 2026))
NATIONAL = 2_700_000  # ≈ 150,000 agencies × 18 years


def _value(i: str, k: int | str, year: int) -> str:
    """The synthetic value of cell k of report i (the same in fact_cell and the wide tables)."""
    return f"greatest((({i} * 200 + {k}) * 2654435761 + {year}) % 97 - 60, 0)::DOUBLE"


def generate_year(con, year: int, n_reports: int) -> int:
    """One year of the national backfill generated in SQL into the lake, in one commit; the
    cells written."""
    n_agencies = n_reports
    main = int(n_reports * 0.93)
    template = [(k, c.table_id, c.row_id, c.col_id) for k, c in enumerate(cells_for("2021"))]
    con.execute("BEGIN")
    kinds = "[" + ", ".join(f"'{k}'" for k in KINDS) + "]"
    # every column of the year's reports, so report and the tables carrying its columns (the wide
    # tables, check_result) are written from the same values
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE gen AS
        SELECT *, agency AS agency_norm, substr(md5('a' || a), 1, 16) AS agency_id, '第' || county_no || '县' AS division,
               (county_no + 110000)::VARCHAR AS division_code,
               '第' || (county_no // 3000) || '省' AS province, '第' || (county_no // 300) || '市' AS prefecture,
               '第' || county_no || '县' AS county, 'county' AS level,
               {kinds}[(a % {len(KINDS)}) + 1] AS agency_kind, NULL::VARCHAR AS scope, {year} AS year,
               '2021' AS format_version,
               '第' || county_no || '县局{year}年政府信息公开工作年度报告' AS title,
               'http://bench.test/{year}/' || i AS source_url
        FROM (SELECT i, a, a // {len(KINDS)} AS county_no, substr(md5('r{year}-' || i), 1, 20) AS report_id,
                     '第' || (a // {len(KINDS)}) || '县' || (a % {len(KINDS)}) || '局' AS agency,
                     row_number() OVER (PARTITION BY a ORDER BY i) = 1 AS is_canonical
              FROM (SELECT range AS i,
                           CASE WHEN range < {main} THEN (range * 7919 + {year} * 104729) % {n_agencies}
                                ELSE ((range - {main}) * 7919 + {year} * 104729) % {n_agencies} END AS a
                    FROM range({n_reports})))""")
    con.execute(f"""
        INSERT INTO report BY NAME
        SELECT report_id, {year} AS partition_year, agency, agency_norm, agency_id, division,
               division_code, province, prefecture, county, level, agency_kind, scope, year,
               format_version, title, 'bench' AS source, source_url,
               CASE WHEN is_canonical THEN 'html' ELSE 'pdf' END AS media,
               lpad(i::VARCHAR, 64, '0') AS sha256, 50000 AS size_bytes,
               TIMESTAMP '2025-02-01' AS parsed_at, false AS is_correction, is_canonical,
               CASE WHEN is_canonical THEN 'only report for agency and year'
                    ELSE 'same report in a preferred media (html over pdf)' END AS canonical_reason,
               200 AS cells_read, false AS needs_ocr
        FROM gen""")
    cells = ", ".join(f"({k}, '{t}', '{r}', '{c}')" for k, t, r, c in template)
    con.execute(f"""
        INSERT INTO fact_cell BY NAME
        SELECT g.report_id, {year} AS partition_year,
               g.agency, {year} AS year, c.table_id, c.row_id, c.col_id, {_value('g.i', 'c.k', year)} AS value,
               {_value('g.i', 'c.k', year)}::BIGINT::VARCHAR AS raw
        FROM gen g CROSS JOIN (VALUES {cells}) c(k, table_id, row_id, col_id)""")
    position = {(t, r, c): k for k, t, r, c in template}
    for table_id in WIDE_TABLES:
        columns = ", ".join(
            (_value("i", position[(table_id, r, c)], year) if (table_id, r, c) in position else "NULL::DOUBLE")
            + f' AS "{name}"' for r, c, name in wide_cells(table_id))
        con.execute(f"INSERT INTO {table_id}_cells BY NAME SELECT report_id, {year} AS partition_year, "
                    f"{', '.join(REPORT_COLUMNS)}, {columns} FROM gen")
    rules = ", ".join(f"({j}, '{name}')" for j, name in enumerate(RULES))
    con.execute(f"""
        INSERT INTO check_result BY NAME
        SELECT g.report_id, {year} AS partition_year, g.agency, {year} AS year, g.agency_id, g.is_canonical,
               g.title, g.source_url, r.rule, 'total' AS col_id, 10.0 AS expected,
               CASE WHEN (g.i * {len(RULES)} + r.j) % 23 <> 0 THEN 10.0 ELSE 12.0 END AS actual,
               (g.i * {len(RULES)} + r.j) % 23 <> 0 AS passed, false AS soft
        FROM gen g CROSS JOIN (VALUES {rules}) r(j, rule)""")
    # six sections a report, as published: a sentence the agency repeats every year and one
    # whose figure changes (section_repetition's rows and sentences at their real count)
    con.execute(f"""
        INSERT INTO report_section BY NAME
        SELECT report_id, 's' || k AS section_id, {year} AS partition_year,
               '第' || k || '部分：本机关依法做好第' || (a % 50) || '项政府信息公开工作。本年度办理申请'
               || ((i * 7 + k * 13 + {year}) % 400) || '件。' AS text
        FROM gen CROSS JOIN range(1, 7) s(k)""")
    con.execute("INSERT INTO load_log VALUES (?, now()::TIMESTAMP, ?, ?, 'bench')",
                [year, n_reports, n_reports * len(template)])
    con.execute("COMMIT")
    return n_reports * len(template)


def shard_frames(year: int, shard: str, n_reports: int) -> ReportFrames:
    """Synthetic frames of one shard-year: benchmarks.warehouse's, with ids of their own."""
    frames = synthesise_year(year, n_reports, n_reports)
    prefix = pl.lit(f"{shard}-")
    tables = {}
    for name, frame in frames.tables().items():
        frame = frame.with_columns(report_id=prefix + pl.col("report_id"))
        if name == "report":
            frame = frame.with_columns(agency_id=prefix + pl.col("agency_id"),
                                       agency=prefix + pl.col("agency"))
        tables[name] = frame
    return ReportFrames(**tables)


def time_queries(lake: LakeWarehouse, runs: int = 3) -> list[tuple[str, float, float, int]]:
    """(name, first run, median of `runs`, rows) of each example, on an attached connection
    (a query three times over the target runs once)."""
    out = []
    with lake.connect() as con:
        for ex in examples():
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                rows = con.execute(ex.sql).fetchall()
                times.append(time.perf_counter() - started)
                if times[0] > 3 * QUERY_TARGET:  # far off the target: once is enough to say so
                    break
            out.append((ex.name, times[0], statistics.median(times), len(rows)))
    return out


def run(lake: LakeWarehouse, reports: int, directory: Path, shards: int = 3,
        shard_reports: int = 15_000) -> dict:
    per_year = max(1, reports // len(YEARS))
    lake.setup()
    started = time.perf_counter()
    cells = 0
    with lake.connect(read_only=False) as con:
        con.execute("SET preserve_insertion_order = false")
        # DuckDB's own limit (80 % of memory): the cross-year pairs of every report at once, with
        # ids of the pipeline's length, ran out of 6 and of 12 GB
        for year in YEARS:
            cells += generate_year(con, year, per_year)
            print(f"  generated {year}: {cells:,} cells so far, {time.perf_counter() - started:.0f}s",
                  flush=True)
        agency_started = time.perf_counter()
        con.execute("BEGIN")
        refresh_derived(con, None)  # the agency dimension and the cross-year checks, once
        con.execute("COMMIT")
        agency_s = time.perf_counter() - agency_started
    bulk_s = time.perf_counter() - started
    lake_s = local_s = 0.0
    loaded = 0
    for k in range(shards):
        frames = shard_frames(YEARS[-1], f"bench{k}", shard_reports)
        started = time.perf_counter()
        lake.load_year(YEARS[-1], frames, shard=f"bench{k}")
        lake_s += time.perf_counter() - started
        started = time.perf_counter()
        # the local warehouse loads whole years: each shard-year into a warehouse of its own
        Warehouse(directory / f"local{k}" / "w.duckdb").load_year(YEARS[-1], frames)
        local_s += time.perf_counter() - started
        loaded += frames.fact_cell.height
    queries = time_queries(lake)
    files = Path(lake.data_path)
    size = sum(p.stat().st_size for p in files.rglob("*") if p.is_file()) if files.exists() else None
    return {"reports": per_year * len(YEARS) + shards * shard_reports, "bulk_cells": cells,
            "bulk_s": bulk_s, "agency_s": agency_s, "loaded_cells": loaded, "lake_s": lake_s,
            "local_s": local_s, "shards": shards, "queries": queries, "size_gb": size / 1e9 if size else None}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks lake")
    parser.add_argument("--reports", type=int, default=NATIONAL, help="bulk reports in all (default %(default)s)")
    parser.add_argument("--shards", type=int, default=3, help="shard-years loaded through the loader")
    parser.add_argument("--shard-reports", type=int, default=15_000, help="reports per shard-year")
    parser.add_argument("--dir", help="where the files go (default: a temporary directory)")
    parser.add_argument("--s3", action="store_true", help="the files on moto's S3 server (in memory)")
    args = parser.parse_args(argv)
    # stopped from outside: still stop the servers and delete the files (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    directory = Path(tempfile.mkdtemp(prefix="gongkai-lake-", dir=args.dir))
    try:
        with servers.postgres() as pg:
            if args.s3:
                with servers.s3() as s3:
                    lake = LakeWarehouse(pg.create_database("bench"), s3.create_bucket("bench"), s3=S3(
                        endpoint=s3.endpoint, key_id=s3.key_id, secret=s3.secret, region=s3.region))
                    result = run(lake, args.reports, directory, args.shards, args.shard_reports)
                    lake.close()
            else:
                lake = LakeWarehouse(pg.create_database("bench"), str(directory / "files"))
                result = run(lake, args.reports, directory, args.shards, args.shard_reports)
                lake.close()
    except servers.ServerUnavailable as exc:
        print(f"skipped: {exc}")
        return 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"national lake: {result['reports']:,} reports, {result['bulk_cells'] + result['loaded_cells']:,} cells, "
          f"{len(YEARS)} years ({YEARS[0]}–{YEARS[-1]}), files "
          + (f"{result['size_gb']:.1f} GB on local disk" if result["size_gb"] else "on moto's S3"))
    print("(a shared 2-core machine: figures are disturbed by other work; ratios side by side hold better)")
    print(f"{'figure':<52}{'value':>14}{'target':>12}  ok")
    bulk = result["bulk_cells"] / result["bulk_s"]
    print(f"{'bulk generation in SQL (cells/s, 18 commits)':<52}{bulk:>14,.0f}{'(info)':>12}      "
          f"({result['bulk_s']:.0f}s; agency and cross-year checks over all {result['agency_s']:.1f}s)")
    lake_rate = result["loaded_cells"] / result["lake_s"]
    local_rate = result["loaded_cells"] / result["local_s"]
    missed = []
    # Issue 13 asks for the lake's load rate, with no target (LOAD_TARGET is the local file's):
    # shown beside the local warehouse's on the same frames.
    print(f"{'lake load (cells/s, LakeWarehouse.load_year, shard)':<52}{lake_rate:>14,.0f}"
          f"{'(info)':>12}      ({result['shards']} shard-years, "
          f"{result['lake_s']:.1f}s, {result['shards'] / result['lake_s']:.2f} commits/s)")
    print(f"{'local load, same frames (cells/s, Warehouse)':<52}{local_rate:>14,.0f}{'(info)':>12}      "
          f"(lake ÷ local {lake_rate / local_rate:.2f}; the local file's target ≥ {LOAD_TARGET:,})")
    for name, first, median, rows in result["queries"]:
        ok = median < QUERY_TARGET
        missed += [] if ok else [name]
        print(f"{'query ' + name + ' (s, median of 3)':<52}{median:>14.3f}{'< 1':>12}  "
              f"{'yes' if ok else 'NO'}   (first {first:.3f}s, {rows} rows)")
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0
