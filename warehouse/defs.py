"""Dagster asset of the warehouse stage. Depends on: parsed_reports. Work: warehouse.loader.
Resources: `resources.DuckDBWarehouse` or `DuckLakeWarehouse`; the report stage's `StagingArea`.

Partitioned by shard × year: the local warehouse replaces the partition's year from every
shard's staged frames, the lake (many writers) the partition's shard-year from its own. Each
partition's materialisation carries that partition's figures (reports per status, cells, check
failures, a preview); the consistency rules are asset checks on the run's partitions, naming a
few failing reports: a broken rule is a warning-severity failure and never blocks the load.
"""

import dagster as dg
import polars as pl

from gongkai.assets.form.rules import RULES
from gongkai.assets.report.combine import combine_shards
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.sources.partitions import report_shards, shard_year_keys, shard_years
from gongkai.warehouse.lake import LakeWarehouse
from gongkai.warehouse.resources import WarehouseResource

# One asset check per rule of the form's registry (assets/form/rules.py).
warehouse_checks = [
    dg.AssetCheckSpec(name=rule.name, asset="warehouse_reports", description=rule.description)
    for rule in RULES
]
EXAMPLES = 5  # failing reports named in a check's metadata
PREVIEW_ROWS = 10  # reports in a partition's preview table


@dg.asset(
    deps=["parsed_reports"],
    partitions_def=shard_years,
    backfill_policy=dg.BackfillPolicy.single_run(),
    # DuckDB has one writer: every step that writes the file shares this pool (limit 1).
    pool="duckdb",
    group_name="warehouse",
    kinds={"duckdb"},
    check_specs=warehouse_checks,
    description="The DuckDB warehouse tables (report, fact_cell, report_section, check_result, "
    "narrative_figure, the wide t3/t4 tables, agency). One canonical report per agency and "
    "year across shards. The local file loads a shard × year as its year from every shard's "
    "staged frames, replaced in one transaction on a snapshot swapped in atomically; the lake "
    "loads the shard's own frames as one commit of that shard-year (readers are never "
    "blocked).",
)
def warehouse_reports(context: dg.AssetExecutionContext, staging: StagingArea,
                      warehouse: WarehouseResource):
    db = warehouse.open()
    keys = shard_year_keys(context)
    run_id = context.run.run_id
    if isinstance(db, LakeWarehouse):
        # Many writers: each shard-year is its own commit of its own shard's frames; the lake
        # chooses the canonical report of an agency-year over every shard's rows.
        staged = {key: staging.read(key.shard, key.year) for key in keys}
        summaries = [db.load_year(key.year, staged[key], shard=key.shard, run_id=run_id)
                     for key in keys]
    else:
        years = sorted({k.year for k in keys})
        shards = report_shards.get_partition_keys()
        staged = {(shard, year): staging.read(shard, year) for year in years for shard in shards}
        frames_by_year = {year: combine_shards([staged[(s, year)] for s in shards]) for year in years}
        # Every year of the run in one snapshot, swapped in at once: readers never see part of it.
        summaries = db.load_years(frames_by_year, run_id=run_id)
    for summary in summaries:
        if summary.skipped_reason:
            context.log.warning(summary.skipped_reason)
    ids = {key: staged[key].report["report_id"].to_list() for key in keys}
    for key in keys:
        context.add_asset_metadata(partition_key=key.key, metadata=partition_figures(db, ids[key]))
    yield dg.MaterializeResult(metadata={"warehouse": db.location, "partitions_in_run": len(keys)})
    yield from evaluate_checks(db, sorted({i for v in ids.values() for i in v}), len(keys))


defs = dg.Definitions(assets=[warehouse_reports])

_STATUS = """CASE WHEN r.error IS NOT NULL THEN 'unreadable' WHEN r.needs_ocr THEN 'needs_ocr'
                  WHEN r.is_canonical THEN 'canonical' ELSE 'not_canonical' END"""


def partition_figures(warehouse, report_ids: list[str]) -> dict:
    """A partition's figures as loaded: reports per status, cells, hard check failures and a
    preview of its reports (those failing a check first)."""
    reports = warehouse.query(
        f"""
        SELECT r.report_id, r.agency, r.year, r.media, {_STATUS} AS status, r.cells_read AS cells,
               count(k.rule) FILTER (k.passed = false AND NOT k.soft) AS checks_failed,
               string_agg(DISTINCT k.rule, ', ') FILTER (k.passed = false AND NOT k.soft) AS rules_failed
        FROM report r LEFT JOIN check_result k USING (report_id)
        WHERE r.report_id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL
        ORDER BY checks_failed DESC, r.agency NULLS LAST, r.report_id
        """,
        [report_ids],
    )
    if reports.is_empty():
        return {"reports": 0, "cells": 0, "checks_failed": 0, "reports_failing_checks": 0,
                "by_status": dg.MetadataValue.json({})}
    preview = reports.head(PREVIEW_ROWS).select("agency", "year", "media", "status", "cells",
                                                "rules_failed")
    return {
        "reports": reports.height,
        "cells": int(reports["cells"].fill_null(0).sum()),
        "checks_failed": int(reports["checks_failed"].sum()),
        "reports_failing_checks": int((reports["checks_failed"] > 0).sum()),
        "by_status": dg.MetadataValue.json(dict(reports.group_by("status").len().iter_rows())),
        "preview": dg.MetadataValue.md(_markdown(preview)),
    }


def _markdown(frame: pl.DataFrame) -> str:
    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines)


def evaluate_checks(warehouse, report_ids: list[str], partitions: int):
    """One check result per registered rule over the canonical reports loaded by the run's
    partitions: report rules from check_result, cross-year rules from cross_year_check,
    hierarchy rules from hierarchy_check; each names up to EXAMPLES failing reports with their
    figures."""
    per_report = warehouse.query(
        """
        SELECT k.rule, k.report_id, r.agency, r.year, k.row_id, k.col_id, k.expected, k.actual,
               k.passed
        FROM check_result k JOIN report r USING (report_id)
        WHERE r.is_canonical AND k.report_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [report_ids],
    )
    # the rules checked across reports, from their views (same columns)
    across = {scope: warehouse.query(
        f"""
        SELECT rule, report_id, agency, year, row_id, col_id, expected, actual, passed
        FROM {view}
        WHERE report_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [report_ids],
    ) for scope, view in (("cross_year", "cross_year_check"), ("hierarchy", "hierarchy_check"))}
    scope = "" if partitions == 1 else "_over_partitions"
    for rule in RULES:
        names = rule.result_names if rule.scope == "report" else (rule.name,)
        found = (per_report if rule.scope == "report" else across[rule.scope]).filter(
            pl.col("rule").is_in(list(names)))
        failing = found.filter(pl.col("passed").not_())  # NULL (not assessable) is neither
        counts = {
            "failed": failing.height,
            "passed": found.filter(pl.col("passed")).height,
            "not_assessable": found.filter(pl.col("passed").is_null()).height,
            "reports_failing": failing["report_id"].n_unique(),
        }
        metadata = {
            # A run of one partition and a run of many are plotted apart (their own keys).
            **{f"{name}{scope}": value for name, value in counts.items()},
            "partitions": partitions,
            "failing_reports": dg.MetadataValue.json(
                failing.sort("report_id").drop("passed").head(EXAMPLES).to_dicts()),
        }
        if len(names) > 1:
            metadata["by_rule"] = dg.MetadataValue.json(
                {name: {"failed": failing.filter(pl.col("rule") == name).height,
                        "passed": found.filter((pl.col("rule") == name) & pl.col("passed")).height}
                 for name in names})
        yield dg.AssetCheckResult(
            check_name=rule.name,
            passed=counts["failed"] == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=metadata,
        )
