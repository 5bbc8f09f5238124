"""The shape of the Dagster graph: a refactor that drops an asset, a check or a schedule fails here."""

from datetime import date, datetime

import dagster as dg
import pytest

from gongkai.assets.form.rules import RULES
from gongkai.assets.sources.partitions import (
    FIRST_YEAR,
    ShardYear,
    parse_years,
    partition_range_tags,
    report_shards,
    report_years,
    shard_years,
)
from gongkai.assets.sources.shards import DEFAULT_SHARDS
from gongkai.pipelines.definitions import defs


def test_asset_graph_flows_sources_to_warehouse():
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {"report_sources", "crawled_documents", "parsed_reports", "warehouse_reports"}
    parents = {k.to_user_string(): {p.to_user_string() for p in graph.get(k).parent_keys}
               for k in graph.get_all_asset_keys()}
    assert parents["crawled_documents"] == {"report_sources"}
    assert parents["parsed_reports"] == {"crawled_documents"}
    assert parents["warehouse_reports"] == {"parsed_reports"}


def test_crawl_parse_and_load_are_partitioned_by_shard_and_year_from_2008():
    graph = defs.resolve_asset_graph()
    for key in ("crawled_documents", "parsed_reports", "warehouse_reports"):
        assert graph.get(dg.AssetKey(key)).partitions_def == shard_years
    keys = report_years.get_partition_keys()
    assert keys[0] == str(FIRST_YEAR) and keys[-1] == str(date.today().year)
    assert report_shards.get_partition_keys() == [f"{i:02d}" for i in range(DEFAULT_SHARDS)]


def test_a_range_of_shard_year_keys_is_every_shard_times_the_years():
    tags = partition_range_tags([2023, 2024])
    keys = shard_years.get_partition_keys_in_range(dg.PartitionKeyRange(
        tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]))
    assert sorted(ShardYear.of(k) for k in keys) == [
        ShardYear(s, y) for s in report_shards.get_partition_keys() for y in (2023, 2024)]


def test_consistency_rules_are_asset_checks_on_the_warehouse():
    graph = defs.resolve_asset_graph()
    checks = {c.name for c in graph.asset_check_keys if c.asset_key == dg.AssetKey("warehouse_reports")}
    assert checks == {rule.name for rule in RULES}
    assert {"t3_row_total", "t3_balance", "t3_result_total", "t4_row_total",
            "t3_carried_over_matches_previous_year", "narrative_agrees_with_tables"} <= checks


def test_duckdb_writer_runs_in_the_serialised_pool():
    node = defs.resolve_assets_def("warehouse_reports")
    assert node.op.pool == "duckdb"


def test_nightly_covers_this_and_last_year_and_weekly_every_year():
    nightly = defs.resolve_schedule_def("nightly_crawl")
    weekly = defs.resolve_schedule_def("weekly_sweep")
    assert nightly.cron_schedule == "0 2 * * *" and weekly.cron_schedule == "0 3 * * 0"
    when = datetime(2026, 2, 3, 2, 0)
    with dg.build_schedule_context(scheduled_execution_time=when) as ctx:
        request = nightly.evaluate_tick(ctx).run_requests[0]
    assert partition_range_tags([2025, 2026]).items() <= request.tags.items() and request.run_key == "nightly-2026-02-03"
    with dg.build_schedule_context(scheduled_execution_time=when) as ctx:
        request = weekly.evaluate_tick(ctx).run_requests[0]
    assert partition_range_tags([FIRST_YEAR, 2026]).items() <= request.tags.items()


def test_main_job_selects_crawl_parse_and_load():
    job = defs.resolve_job_def("gongkai_main")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        "crawled_documents", "parsed_reports", "warehouse_reports"}


@pytest.mark.parametrize("spec, years", [("2019-2021", [2019, 2020, 2021]), ("2023", [2023]),
                                         ("2019,2021-2022", [2019, 2021, 2022])])
def test_year_ranges_parse(spec, years):
    assert parse_years(spec, today=date(2026, 1, 1)) == years


@pytest.mark.parametrize("spec", ["2007-2010", "2024-2020", "abc", "2030"])
def test_bad_year_ranges_are_refused(spec):
    with pytest.raises(ValueError):
        parse_years(spec, today=date(2026, 1, 1))


def test_reparse_job_selects_parse_and_load_without_the_crawl():
    job = defs.resolve_job_def("gongkai_reparse")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        "parsed_reports", "warehouse_reports"}


def test_both_schedules_run_the_main_job():
    assert {s.name: s.job_name for s in defs.schedules} == {
        "nightly_crawl": "gongkai_main", "weekly_sweep": "gongkai_main"}


@pytest.mark.parametrize("asset, group, resources", [
    ("crawled_documents", "crawl", {"sources", "raw_store", "politeness"}),
    ("parsed_reports", "report", {"sources", "raw_store", "staging"}),
    ("warehouse_reports", "warehouse", {"staging", "warehouse"}),
])
def test_each_stage_asset_sits_in_its_group_and_uses_only_the_resources_it_needs(asset, group, resources):
    node = defs.resolve_assets_def(asset)
    assert node.group_names_by_key[dg.AssetKey(asset)] == group
    assert node.required_resource_keys - {"io_manager"} == resources


def test_the_code_location_loads_as_dagster_dev_loads_it(tmp_path):
    # `make ui` runs `dagster dev -m gongkai.pipelines.definitions`: the module must hold
    # exactly one Definitions object at module scope.
    import os
    import subprocess
    import sys
    from pathlib import Path

    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run([str(dagster), "definitions", "validate", "-m", "gongkai.pipelines.definitions"],
                          env={**os.environ, "DAGSTER_HOME": str(tmp_path)}, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_local_run_asks_only_for_the_shards_its_sources_use(tmp_path):
    # The demo's two sources share 127.0.0.1: one shard, so one partition a year, as before
    # shards (each partition costs the run Dagster events, ~0.1 s each on SQLite).
    from gongkai.demo.server import SOURCES, render_sources
    from gongkai.pipelines.cli import used_shards

    sources = tmp_path / "demo.toml"
    sources.write_text(render_sources({"city": "http://127.0.0.1:1", "county": "http://127.0.0.1:2"},
                                      SOURCES), encoding="utf-8")
    (shard,) = used_shards(sources)
    tags = partition_range_tags([2023, 2024], [shard])
    keys = shard_years.get_partition_keys_in_range(dg.PartitionKeyRange(
        tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]))
    assert sorted(ShardYear.of(k) for k in keys) == [ShardYear(shard, 2023), ShardYear(shard, 2024)]
