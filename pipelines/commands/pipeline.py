"""`gongkai run`, `reparse` and `demo`: the commands that run the Dagster pipeline.

The sources are validated before Dagster is started, so a bad sources file is one line naming
the file and line (exit 2), never a failed run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.assets.sources.config import load_sources
from gongkai.assets.sources.years import parse_years, year_ranges
from gongkai.pipelines import settings
from gongkai.pipelines.cli import run_pipeline
from gongkai.pipelines.commands import CommandError

EXAMPLE_QUERY = """\
SELECT year, count(*) AS agencies, sum(received)::BIGINT AS applications_received,
       sum(answered)::BIGINT AS answered, sum(carried_forward)::BIGINT AS carried_forward
FROM applications GROUP BY year ORDER BY year"""


def check_profile(args: argparse.Namespace) -> None:
    """A profile's environment checked before Dagster starts: one line naming what is missing."""
    import os

    from gongkai.pipelines.resources import PROFILES

    missing = [name for name in PROFILES[args.profile].needs if not os.environ.get(name)]
    if missing:
        raise CommandError(f"the {args.profile} profile needs {', '.join(missing)} "
                           "(see README: Running at national scale)")


def cmd_run(args: argparse.Namespace) -> int:
    check_profile(args)
    years = parse_years(args.years)
    load_sources(args.sources)
    ok = run_pipeline(Path(args.sources), args.store, Path(args.warehouse), years,
                      verbose=args.verbose, profile=args.profile)
    print_summary(Path(args.warehouse), args.store, years, args)
    return 0 if ok else 1


def cmd_reparse(args: argparse.Namespace) -> int:
    check_profile(args)
    years = parse_years(args.years)
    load_sources(args.sources)
    ok = run_pipeline(Path(args.sources), args.store, Path(args.warehouse), years,
                      verbose=args.verbose, job_name="gongkai_reparse", profile=args.profile)
    print_summary(Path(args.warehouse), args.store, years, args)
    return 0 if ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from gongkai.demo.server import render_sources, serve_demo

    check_profile(args)
    store = args.store
    years = parse_years(args.years)
    with serve_demo() as bases:
        print("demo portal serving " + ", ".join(f"{h} at {u}" for h, u in bases.items()), flush=True)
        sources = demo_sources_file(store)
        sources.parent.mkdir(parents=True, exist_ok=True)
        sources.write_text(render_sources(bases), encoding="utf-8")
        load_sources(sources)
        # The demo portal is our own server on loopback: no delay between requests needed.
        ok = run_pipeline(sources, store, Path(args.warehouse), years,
                          politeness={"min_delay_seconds": 0.0}, verbose=args.verbose,
                          profile=args.profile)
    print_summary(Path(args.warehouse), store, years, args)
    return 0 if ok else 1


def demo_sources_file(store: str) -> Path:
    """Where the demo's sources file (the portal's addresses of this run) is written: in the
    store directory, or in the working directory when the store is a bucket."""
    return (Path(".") if "://" in store else Path(store)) / "demo-sources.toml"


def found_per_year(store: str) -> dict[int, int]:
    """Current documents in the crawl catalog, by the year the portal names."""
    from gongkai.assets.crawl.catalog import read_catalog

    catalog = read_catalog(store)
    if not catalog.height:
        return {}
    rows = catalog.filter(catalog["current"] & catalog["year_hint"].is_not_null())
    return dict(rows.group_by("year_hint").len().iter_rows())


def reparse_hint(found: dict[int, int], loaded: set[int], years: list[int],
                 args: argparse.Namespace) -> str | None:
    """What was found and stored outside the years asked for and never loaded, and the command
    that loads it (a re-parse of the store: no second download)."""
    waiting = sorted(y for y in found if y not in years and y not in loaded)
    if not waiting:
        return None
    documents = sum(found[y] for y in waiting)
    options = [f"--years {year_ranges(waiting)}"]
    for name, default in (("sources", settings.SOURCES.value()), ("store", settings.STORE.value()),
                          ("warehouse", settings.WAREHOUSE.value())):
        value = getattr(args, name, None)
        if name == "sources" and args.command == "demo":
            value = str(demo_sources_file(args.store))
        if value and Path(value).resolve() != Path(default).resolve():
            options.append(f"--{name} {value}")
    return (f"\n{documents} document(s) of {year_ranges(waiting)} were found and stored but not "
            f"loaded (this run loaded {year_ranges(years)}). Load them without crawling again:\n"
            f"  gongkai reparse {' '.join(options)}")


def lake_catalog(args: argparse.Namespace) -> str | None:
    """The cluster profile's lake (GONGKAI_LAKE_CATALOG), where the run loaded instead of the
    --warehouse file; None on the local profile."""
    import os

    from gongkai.pipelines.resources import PROFILES
    from gongkai.pipelines.settings import LAKE_CATALOG

    return None if PROFILES[args.profile].warehouse_file else os.environ[LAKE_CATALOG]


def print_summary(path: Path, store: str, years: list[int], args: argparse.Namespace) -> None:
    from gongkai.warehouse.lake import LakeWarehouse
    from gongkai.warehouse.loader import Warehouse

    lake = lake_catalog(args)
    warehouse = LakeWarehouse(lake, read_only=True) if lake else Warehouse(path)
    found = found_per_year(store)
    try:
        loaded = warehouse.query(
            """
            SELECT partition_year AS year,
                   count(*) AS loaded,
                   count(*) FILTER (error IS NULL) AS parsed,
                   count(*) FILTER (is_canonical) AS canonical,
                   count(*) FILTER (is_canonical AND report_id IN
                       (SELECT report_id FROM check_result WHERE passed = false AND NOT soft)) AS failing_checks
            FROM report
            GROUP BY ALL ORDER BY year
            """)
    except FileNotFoundError:  # the run failed before anything was loaded
        return
    by_year = {row["year"]: row for row in loaded.iter_rows(named=True)}
    print("\nyear  found  parsed  loaded  canonical  reports failing a consistency check")
    for year in years:
        row = by_year.get(year)
        if not row and not found.get(year):
            continue
        row = row or {"parsed": 0, "loaded": 0, "canonical": 0, "failing_checks": 0}
        print(f"{year}  {found.get(year, 0):>5}  {row['parsed']:>6}  {row['loaded']:>6}  "
              f"{row['canonical']:>9}  {row['failing_checks']:>5}")
    if not any(by_year.get(y) or found.get(y) for y in years):
        print(f"(nothing found for {year_ranges(years)})")
    hint = reparse_hint(found, set(by_year), years, args)
    if hint:
        print(hint)
    print(f"\nwarehouse: {warehouse.location}\nexample query (gongkai sql "
          f"{'--lake $GONGKAI_LAKE_CATALOG ' if lake else ''}\"...\"):\n{EXAMPLE_QUERY}")
    from gongkai.pipelines.commands.sql import main as sql

    sql(argparse.Namespace(warehouse=path, lake=lake, wait=30.0, query=EXAMPLE_QUERY,
                           format="table", max_rows=50))
