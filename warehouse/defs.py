"""Dagster asset of the warehouse stage. Depends on: parsed_reports. Work: warehouse.loader.
Resources: `resources.DuckDBWarehouse`; the report stage's `StagingArea`.

The consistency rules are asset checks on the loaded years: a broken rule is recorded as a
warning-severity failure and never blocks the load.
"""

import dagster as dg

from gongkai.assets.report.partitions import report_years
from gongkai.assets.report.resources import StagingArea
from gongkai.warehouse.resources import DuckDBWarehouse

RULES = {
    "t3_row_total": "t3: the 总计 column equals the sum of the six applicant columns, on every row",
    "t3_balance": "t3: received_new + carried_over = result.total + carried_forward",
    "t3_result_total": "t3: result.total equals the sum of every result.* leaf row",
    "t4_row_total": "t4: total = upheld + corrected + other + pending, for each row",
}
CROSS_YEAR_RULE = "t3_carried_over_matches_previous_year"
NARRATIVE_CHECK = "narrative_agrees_with_tables"

warehouse_checks = [
    dg.AssetCheckSpec(name=rule, asset="warehouse_reports", description=text) for rule, text in RULES.items()
] + [
    dg.AssetCheckSpec(
        name=CROSS_YEAR_RULE,
        asset="warehouse_reports",
        description="carried_over of year N equals carried_forward of N−1 for the same agency "
        "(canonical reports, 总计 column)",
    ),
    dg.AssetCheckSpec(
        name=NARRATIVE_CHECK,
        asset="warehouse_reports",
        description="Soft: the figures the narrative states (收到申请 N 件, 行政复议 N 起 …) equal the "
        "table cells they describe (rules narrative_*)",
    ),
]


@dg.asset(
    deps=["parsed_reports"],
    partitions_def=report_years,
    backfill_policy=dg.BackfillPolicy.single_run(),
    # DuckDB has one writer: every step that writes the file shares this pool (limit 1).
    pool="duckdb",
    group_name="warehouse",
    kinds={"duckdb"},
    check_specs=warehouse_checks,
    description="The DuckDB warehouse tables (report, fact_cell, report_section, check_result, "
    "narrative_figure, the wide t3/t4 tables, agency) for the years, each replaced in one "
    "transaction on a snapshot that is swapped in atomically (readers are never blocked).",
)
def warehouse_reports(context: dg.AssetExecutionContext, staging: StagingArea,
                      warehouse: DuckDBWarehouse):
    db = warehouse.open()
    years = sorted(int(k) for k in context.partition_keys)
    frames_by_year = {year: staging.read(year) for year in years}
    # Every year of the run in one snapshot, swapped in at once: readers never see part of it.
    loaded = {}
    for summary in db.load_years(frames_by_year, run_id=context.run.run_id):
        if summary.skipped_reason:
            context.log.warning(summary.skipped_reason)
        loaded[str(summary.partition_year)] = {
            "reports": summary.reports,
            "canonical": summary.canonical,
            "cells": summary.cells,
            "checks_failed": summary.checks_failed,
            "replaced_reports": summary.replaced_reports,
        }
    yield dg.MaterializeResult(
        metadata={
            "warehouse": str(db.path),
            "reports": sum(v["reports"] for v in loaded.values()),
            "cells": sum(v["cells"] for v in loaded.values()),
            "per_year": dg.MetadataValue.json(loaded),
        }
    )
    yield from evaluate_checks(db, years)


defs = dg.Definitions(assets=[warehouse_reports])


def evaluate_checks(warehouse, years: list[int]):
    """One check result per rule over the canonical reports of `years`."""
    counts = warehouse.query(
        """
        SELECT k.rule, k.soft,
               count(*) FILTER (k.passed = false) AS failed,
               count(*) FILTER (k.passed)         AS passed,
               count(*) FILTER (k.passed IS NULL) AS not_assessable,
               count(DISTINCT k.report_id) FILTER (k.passed = false) AS reports_failing
        FROM check_result k JOIN report r USING (report_id)
        WHERE r.is_canonical AND r.partition_year IN (SELECT unnest(?::INTEGER[]))
        GROUP BY k.rule, k.soft
        """,
        [years],
    )
    by_rule = {row["rule"]: row for row in counts.iter_rows(named=True)}
    for rule in RULES:
        row = by_rule.get(rule, {"failed": 0, "passed": 0, "not_assessable": 0, "reports_failing": 0})
        yield dg.AssetCheckResult(
            check_name=rule,
            passed=row["failed"] == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={k: int(row[k]) for k in ("failed", "passed", "not_assessable", "reports_failing")},
        )
    soft = counts.filter(counts["soft"])
    yield dg.AssetCheckResult(
        check_name=NARRATIVE_CHECK,
        passed=int(soft["failed"].sum() or 0) == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "failed": int(soft["failed"].sum() or 0),
            "passed": int(soft["passed"].sum() or 0),
            "by_rule": dg.MetadataValue.json(
                {r["rule"]: {"failed": r["failed"], "passed": r["passed"]} for r in soft.iter_rows(named=True)}),
        },
    )
    cross = warehouse.query(
        """
        SELECT agency, year, carried_over, previous_carried_forward AS carried_forward, passed
        FROM cross_year_check
        WHERE year IN (SELECT unnest(?::INTEGER[])) AND passed IS NOT NULL
        """,
        [years],
    )
    mismatches = cross.filter(~cross["passed"]).drop("passed")
    yield dg.AssetCheckResult(
        check_name=CROSS_YEAR_RULE,
        passed=mismatches.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "pairs_compared": cross.height,
            "mismatches": mismatches.height,
            "examples": dg.MetadataValue.json(mismatches.head(10).to_dicts()),
        },
    )
