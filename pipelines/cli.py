"""The `gongkai` command line: run the pipeline, re-parse stored years, serve the demo, parse
files, query and export the warehouse."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from datetime import date
from importlib import resources
from pathlib import Path

from gongkai.assets.report.partitions import parse_years
from gongkai.pipelines import settings
from gongkai.warehouse.loader import Warehouse, WarehouseLocked

log = logging.getLogger("gongkai")

EXAMPLE_QUERY = """\
SELECT year, count(*) AS agencies, sum(received)::BIGINT AS applications_received,
       sum(answered)::BIGINT AS answered, sum(carried_forward)::BIGINT AS carried_forward
FROM applications GROUP BY year ORDER BY year"""


def dagster_home() -> Path:
    """DAGSTER_HOME (default .dagster/ in the working directory), given gongkai's dagster.yaml
    (shipped inside the package) unless it has one of its own."""
    home = Path(settings.DAGSTER_HOME.value()).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        packaged = resources.files("gongkai.pipelines").joinpath("dagster.yaml")
        config.write_bytes(packaged.read_bytes())
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run_pipeline(sources: Path, store: Path, warehouse: Path, years: list[int], *,
                 politeness: dict | None = None, verbose: bool = False,
                 job_name: str = "gongkai_main") -> bool:
    """Run a job (the main one, or `gongkai_reparse`) over a range of year partitions through
    Dagster (recorded in DAGSTER_HOME, visible in the UI)."""
    import dagster as dg

    from gongkai.assets.report.partitions import partition_range_tags
    from gongkai.pipelines.definitions import defs
    from gongkai.pipelines.resources import local_run_config

    dagster_home()
    job = defs.resolve_job_def(job_name)
    # Absolute paths: the run's record (and the UI) says exactly which files it used.
    resources = local_run_config(sources.resolve(), store.resolve(), warehouse.resolve())
    if job_name == "gongkai_main":  # the only job that crawls
        resources["politeness"] = {"config": politeness or {}}
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            run_config={
                "resources": resources,
                # The run's full event log is in DAGSTER_HOME and the UI; the terminal gets
                # warnings, or everything with --verbose.
                "loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}},
            },
            instance=instance,
            tags={**partition_range_tags(years), "gongkai/trigger": "cli"},
            raise_on_error=False,
        )
        # One line per failed step (the run's own failure event only repeats them).
        for event in result.all_events:
            if event.is_step_failure:
                error = event.step_failure_data.error
                while error.cause and (error.cls_name or "").startswith("Dagster"):
                    error = error.cause  # Dagster's wrapper around our exception
                print(f"step {event.step_key} failed: {error.message.strip()}", file=sys.stderr)
        print(f"dagster run {result.run_id} ({'success' if result.success else 'FAILED'}); "
              f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}")
        return result.success


def print_summary(warehouse: Warehouse, store: Path, years: list[int]) -> None:
    from gongkai.assets.crawl.catalog import read_catalog

    catalog = read_catalog(store)
    found = {}
    if catalog.height:
        for row in catalog.filter(catalog["current"]).group_by("year_hint").len().iter_rows():
            found[row[0]] = row[1]
    loaded = warehouse.query(
        """
        SELECT partition_year AS year,
               count(*) AS loaded,
               count(*) FILTER (error IS NULL) AS parsed,
               count(*) FILTER (is_canonical) AS canonical,
               count(*) FILTER (is_canonical AND report_id IN
                   (SELECT report_id FROM check_result WHERE passed = false AND NOT soft)) AS failing_checks
        FROM report
        WHERE partition_year IN (SELECT unnest(?::INTEGER[]))
        GROUP BY ALL ORDER BY year
        """,
        [years],
    )
    print("\nyear  found  parsed  loaded  canonical  reports failing a consistency check")
    by_year = {row["year"]: row for row in loaded.iter_rows(named=True)}
    for year in years:
        row = by_year.get(year)
        if not row and not found.get(year):
            continue
        row = row or {"parsed": 0, "loaded": 0, "canonical": 0, "failing_checks": 0}
        print(f"{year}  {found.get(year, 0):>5}  {row['parsed']:>6}  {row['loaded']:>6}  "
              f"{row['canonical']:>9}  {row['failing_checks']:>5}")
    print(f"\nwarehouse: {warehouse.path}\nexample query (gongkai sql \"...\"):\n{EXAMPLE_QUERY}")
    print(warehouse.query(EXAMPLE_QUERY))


def cmd_run(args: argparse.Namespace) -> int:
    years = parse_years(args.years)
    ok = run_pipeline(Path(args.sources), Path(args.store), Path(args.warehouse), years,
                      verbose=args.verbose)
    print_summary(Warehouse(args.warehouse), Path(args.store), years)
    return 0 if ok else 1


def cmd_reparse(args: argparse.Namespace) -> int:
    years = parse_years(args.years)
    ok = run_pipeline(Path(args.sources), Path(args.store), Path(args.warehouse), years,
                      verbose=args.verbose, job_name="gongkai_reparse")
    print_summary(Warehouse(args.warehouse), Path(args.store), years)
    return 0 if ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from gongkai.warehouse.export import export_parquet

    written = export_parquet(Warehouse(args.warehouse, lock_timeout=args.wait), Path(args.parquet))
    for name, rows in written.items():
        print(f"{name}: {rows:,} rows")
    print(f"written to {Path(args.parquet).resolve()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from gongkai.demo.server import render_sources, serve_demo

    store = Path(args.store)
    years = parse_years(args.years)
    with serve_demo() as bases:
        print("demo portal serving " + ", ".join(f"{h} at {u}" for h, u in bases.items()))
        sources = store / "demo-sources.toml"
        sources.parent.mkdir(parents=True, exist_ok=True)
        sources.write_text(render_sources(bases), encoding="utf-8")
        # The demo portal is our own server on loopback: no delay between requests needed.
        ok = run_pipeline(sources, store, Path(args.warehouse), years,
                          politeness={"min_delay_seconds": 0.0}, verbose=args.verbose)
    print_summary(Warehouse(args.warehouse), store, years)
    return 0 if ok else 1


def cmd_parse(args: argparse.Namespace) -> int:
    from gongkai.assets.report.parse import parse_file

    paths: list[Path] = []
    for p in map(Path, args.paths):
        paths.extend(sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p])
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.out, "w", encoding="utf-8")) if args.out else sys.stdout
        for path in paths:
            report = parse_file(path)
            out.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb
    import polars as pl

    try:
        frame = Warehouse(args.warehouse, lock_timeout=args.wait).query(args.query)
    except duckdb.Error as exc:
        print(f"gongkai sql: {exc}", file=sys.stderr)
        return 2
    with pl.Config(tbl_rows=args.max_rows, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200):
        print(frame)
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    """Explore a portal's home page; print its 年报 lists as a `[[source]]` block."""
    from gongkai.assets.crawl.settings import CrawlSettings
    from gongkai.assets.crawl.source_block import discover_source, source_block

    found = discover_source(args.url, CrawlSettings(min_delay=args.min_delay), name=args.name,
                            discover_pages=args.pages)
    if found.empty:
        print(f"gongkai: no 年报 list found from {args.url} in {found.pages_read} pages",
              file=sys.stderr)
        return 1
    print(source_block(found), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    this_year = date.today().year
    parser = argparse.ArgumentParser(prog="gongkai", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def storage_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--warehouse", default=settings.WAREHOUSE.value(),
                       help="DuckDB file (default: %(default)s)")
        p.add_argument("--store", default=settings.STORE.value(),
                       help="raw store and staging directory (default: %(default)s)")

    run = sub.add_parser("run", help="crawl the sources, parse, load and check (the nightly job)")
    run.add_argument("--sources", default=settings.SOURCES.value(),
                     help="sources TOML file or a directory of them (default: %(default)s)")
    storage_args(run)
    run.add_argument("--years", default=f"{this_year - 1}-{this_year}",
                     help="year partitions to parse and load, e.g. 2019-2024 (default: %(default)s)")
    run.set_defaults(func=cmd_run)

    reparse = sub.add_parser(
        "reparse", help="re-parse and reload stored documents of some years, without crawling "
        "(the gongkai_reparse job: backfills after a parser change)")
    reparse.add_argument("--sources", default=settings.SOURCES.value(),
                         help="sources (for their division hints; default: %(default)s)")
    storage_args(reparse)
    reparse.add_argument("--years", required=True, help="year partitions, e.g. 2015-2018")
    reparse.set_defaults(func=cmd_reparse)

    demo = sub.add_parser("demo", help="`run` over the bundled demo portal, served on 127.0.0.1")
    storage_args(demo)
    demo.add_argument("--years", default=f"2019-{this_year}", help="default: %(default)s")
    demo.set_defaults(func=cmd_demo)

    parse = sub.add_parser("parse", help="read local report files; print one JSON object per file")
    parse.add_argument("paths", nargs="+", help="files or directories")
    parse.add_argument("--out", help="write JSON Lines here instead of stdout")
    parse.set_defaults(func=cmd_parse)

    sql = sub.add_parser("sql", help="run a query on the warehouse and print the result")
    sql.add_argument("query")
    sql.add_argument("--warehouse", default=settings.WAREHOUSE.value())
    sql.add_argument("--max-rows", type=int, default=50)
    sql.add_argument("--wait", type=float, default=30.0, help="seconds to wait while a load holds the file")
    sql.set_defaults(func=cmd_sql)

    export = sub.add_parser("export", help="write the warehouse as Parquet: fact cells partitioned "
                            "by year (fact_cell/year=2023/…), report, agency, cell, check_result")
    export.add_argument("--parquet", required=True, metavar="DIR", help="directory to write")
    export.add_argument("--warehouse", default=settings.WAREHOUSE.value())
    export.add_argument("--wait", type=float, default=30.0, help="seconds to wait while a load holds the file")
    export.set_defaults(func=cmd_export)
    discover = sub.add_parser("discover", help="find a portal's 年报 list pages from its home "
                              "page; print them as a [[source]] block")
    discover.add_argument("url", help="the portal's home page")
    discover.add_argument("--name", help="the source's name (default: from the home page)")
    discover.add_argument("--pages", type=int, default=20, help="pages to read at most")
    discover.add_argument("--min-delay", type=float, default=1.0,
                          help="seconds between requests to a host (default: %(default)s)")
    discover.set_defaults(func=cmd_discover)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, WarehouseLocked) as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
