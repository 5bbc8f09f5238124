"""Warehouse at national scale: load rate and the README's example queries.

    .venv/bin/python -m benchmarks warehouse                    # 150,000 reports × 200 cells
    .venv/bin/python -m benchmarks warehouse --reports 20000    # a quick run

Synthesises year partitions (2008–2024) of 2021-format reports as polars frames (vectorised:
a cross join of reports × the 200 cells), loads them one year at a time through the real
`Warehouse.load_year` (year files written, catalog copied and swapped in), then times each example query of
warehouse/examples.sql on a read-only connection. Targets: load ≥ 1 M cells/s; every example
query < 1 s (median of 3 runs; the first, cold run is shown too).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from gongkai.assets.form.rules import report_rules
from gongkai.assets.form.spec import cells_for
from gongkai.assets.report.frames import (
    CHECK_SCHEMA,
    FACT_CELL_SCHEMA,
    FIGURE_SCHEMA,
    REPORT_SCHEMA,
    SECTION_SCHEMA,
    ReportFrames,
)
from gongkai.warehouse.examples import examples
from gongkai.warehouse.loader import Warehouse

LOAD_TARGET = 1_000_000  # cells per second
QUERY_TARGET = 1.0  # seconds, each example query
YEARS = list(range(2008, 2025))
KINDS = ["government", "general_office", "public_security", "natural_resources", "education",
         "health", "housing", "transport", "finance", "market_regulation", "civil_affairs",
         "human_resources", "ecology", "emergency", "agriculture"]
# one synthetic check row per hard report rule of the form's registry
RULES = [r.name for r in report_rules() if not r.soft]


def synthesise_year(year: int, n_reports: int, n_agencies: int) -> ReportFrames:
    """One year partition: `n_reports` documents over a pool of `n_agencies` (some post a PDF
    twin, some publish nothing that year), each with the 200 cells of the 2021 format."""
    idx = pl.int_range(n_reports, eager=True, dtype=pl.Int64)
    # 93 % of the documents are the year's publishers, scattered over the pool (so ~7 % of the
    # agencies publish nothing that year); the rest are PDF twins of some of them.
    main = int(n_reports * 0.93)
    first = (idx * 7919 + year * 104_729) % n_agencies
    twin = ((idx - main) * 7919 + year * 104_729) % n_agencies
    agency = pl.select(pl.when(idx < main).then(first).otherwise(twin)).to_series().alias("a")
    county = agency // len(KINDS)
    report = (
        pl.DataFrame({"i": idx, "a": agency, "county": county})
        .with_columns(
            report_id=pl.format("r{}-{}", pl.lit(year), pl.col("i")),
            partition_year=pl.lit(year, dtype=pl.Int32),
            agency=pl.format("第{}县{}局", pl.col("county"), pl.col("a") % len(KINDS)),
            division_code=pl.format("{}", pl.col("county") + 110_000),
            province=pl.format("第{}省", pl.col("county") // 3000),
            prefecture=pl.format("第{}市", pl.col("county") // 300),
            level=pl.lit("county"),
            agency_kind=pl.col("a").mod(len(KINDS)).replace_strict(
                dict(enumerate(KINDS)), return_dtype=pl.Utf8),
            year=pl.lit(year, dtype=pl.Int32),
            format_version=pl.lit("2021"),
            source=pl.lit("bench"),
            media=pl.when(pl.col("a").is_first_distinct()).then(pl.lit("html")).otherwise(pl.lit("pdf")),
            sha256=pl.format("{}", pl.col("i")).str.pad_start(64, "0"),
            size_bytes=pl.lit(50_000, dtype=pl.Int64),
            parsed_at=pl.lit(datetime(2025, 2, 1)),
            is_correction=pl.lit(False),
            is_canonical=pl.col("a").is_first_distinct(),
            cells_read=pl.lit(200, dtype=pl.Int32),
            needs_ocr=pl.lit(False),
        )
        .with_columns(
            agency_norm=pl.col("agency"),
            agency_id=pl.format("a{}", pl.col("a")),
            county=pl.format("第{}县", pl.col("county")),
            division=pl.format("第{}县", pl.col("county")),
            title=pl.format("{}{}年政府信息公开工作年度报告", pl.col("agency"), pl.lit(year)),
            source_url=pl.format("http://bench.test/{}/{}.{}", pl.lit(year), pl.col("i"), pl.col("media")),
            canonical_reason=pl.when(pl.col("is_canonical")).then(pl.lit("only report for agency and year"))
            .otherwise(pl.lit("same report in a preferred media (html over pdf)")),
        )
    )
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in REPORT_SCHEMA.items() if c not in report.columns]
    report = report.with_columns(missing).select([pl.col(c).cast(t) for c, t in REPORT_SCHEMA.items()])

    spec = cells_for("2021")
    template = pl.DataFrame({"table_id": [c.table_id for c in spec], "row_id": [c.row_id for c in spec],
                             "col_id": [c.col_id for c in spec]}).with_row_index("k")
    keys = report.select("report_id", "agency", "year")
    fact = keys.join(template, how="cross").with_columns(
        value=((pl.int_range(pl.len(), dtype=pl.Int64) * 2_654_435_761 + year) % 97 - 60)
        .clip(lower_bound=0).cast(pl.Float64))
    fact = fact.with_columns(raw=pl.col("value").cast(pl.Int64).cast(pl.Utf8)).select(list(FACT_CELL_SCHEMA))

    checks = keys.join(pl.DataFrame({"rule": RULES}), how="cross").with_columns(
        row_id=pl.lit(None, dtype=pl.Utf8), col_id=pl.lit("total"),
        expected=pl.lit(10.0), actual=pl.lit(10.0), soft=pl.lit(False),
    ).with_columns(
        passed=(pl.int_range(pl.len()) % 23) != 0,
    ).with_columns(actual=pl.when(pl.col("passed")).then(pl.col("expected")).otherwise(pl.lit(12.0)))
    sections = report.select("report_id").with_columns(section_id=pl.lit("s1"), text=pl.lit("一、总体情况……"))
    return ReportFrames(
        report=report,
        fact_cell=fact,
        report_section=sections.select(list(SECTION_SCHEMA)),
        check_result=checks.select([pl.col(c).cast(t) for c, t in CHECK_SCHEMA.items()]),
        narrative_figure=pl.DataFrame(schema=FIGURE_SCHEMA),
    )


def time_queries(path: Path, runs: int = 3) -> list[tuple[str, float, float, int]]:
    """(name, first run, median of `runs`, rows) per example, each on a fresh read-only connection."""
    out = []
    for ex in examples():
        times = []
        for _ in range(runs):
            con = duckdb.connect(str(path), read_only=True)
            started = time.perf_counter()
            rows = con.execute(ex.sql).fetchall()
            times.append(time.perf_counter() - started)
            con.close()
        out.append((ex.name, times[0], statistics.median(times), len(rows)))
    return out


def run(reports: int, directory: Path, years: list[int] = YEARS) -> dict:
    per_year = max(1, reports // len(years))
    n_agencies = per_year
    wh = Warehouse(directory / "bench.duckdb")
    synth_s = load_s = 0.0
    cells = 0
    for year in years:
        started = time.perf_counter()
        frames = synthesise_year(year, per_year, n_agencies)
        synth_s += time.perf_counter() - started
        started = time.perf_counter()
        wh.load_year(year, frames)
        load_s += time.perf_counter() - started
        cells += frames.fact_cell.height
    size = wh.path.stat().st_size + sum(p.stat().st_size for p in wh.parts_dir.rglob("*") if p.is_file())
    # The backfill path (Dagster range run, `gongkai reparse --years`): every year in one
    # snapshot, one transaction per year, one swap. Reloads replace the rows loaded above.
    frames = {year: synthesise_year(year, per_year, n_agencies) for year in years}
    started = time.perf_counter()
    wh.load_years(frames)
    backfill_s = time.perf_counter() - started
    return {"reports": per_year * len(years), "cells": cells, "synth_s": synth_s, "load_s": load_s,
            "backfill_s": backfill_s,
            "size_mb": size / 1e6, "queries": time_queries(wh.path), "path": wh.path}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks warehouse")
    parser.add_argument("--reports", type=int, default=150_000, help="reports in all (default %(default)s)")
    parser.add_argument("--dir", help="where to build the warehouse (default: a temporary directory)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        result = run(args.reports, Path(tmp))
    rate = result["cells"] / result["load_s"]
    print(f"synthetic warehouse: {result['reports']:,} reports × 200 cells = {result['cells']:,} fact rows, "
          f"{len(YEARS)} year partitions ({YEARS[0]}–{YEARS[-1]}), {result['size_mb']:,.0f} MB; "
          f"synthesis {result['synth_s']:.1f}s")
    print(f"{'figure':<44}{'value':>14}{'target':>14}  ok")
    missed = []
    ok = rate >= LOAD_TARGET
    missed += [] if ok else ["load"]
    print(f"{'load rate (cells/s, Warehouse.load_year)':<44}{rate:>14,.0f}{'≥ ' + f'{LOAD_TARGET:,}':>14}  "
          f"{'yes' if ok else 'NO'}   ({result['load_s']:.1f}s)")
    backfill = result["cells"] / result["backfill_s"]
    print(f"{'reload rate (cells/s, one load_years 08–24)':<44}{backfill:>14,.0f}{'(info)':>14}  "
          f"     ({result['backfill_s']:.1f}s)")
    for name, first, median, rows in result["queries"]:
        ok = median < QUERY_TARGET
        missed += [] if ok else [name]
        print(f"{'query ' + name + ' (s, median of 3)':<44}{median:>14.3f}{'< 1':>14}  "
              f"{'yes' if ok else 'NO'}   (first {first:.3f}s, {rows} rows)")
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0
