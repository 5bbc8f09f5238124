"""Dagster asset of the warehouse stage. Depends on: parsed_reports. Work: warehouse.loader.
Resources: `resources.DuckDBWarehouse`; the report stage's `StagingArea`.

The consistency rules are asset checks on the loaded years: a broken rule is recorded as a
warning-severity failure and never blocks the load.
"""

import dagster as dg

from gongkai.assets.form.rules import RULES
from gongkai.assets.report.partitions import report_years
from gongkai.assets.report.resources import StagingArea
from gongkai.warehouse.resources import DuckDBWarehouse

# One asset check per rule of the form's registry (assets/form/rules.py).
warehouse_checks = [
    dg.AssetCheckSpec(name=rule.name, asset="warehouse_reports", description=rule.description)
    for rule in RULES
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
    """One check result per registered rule over the canonical reports of `years`: report
    rules from check_result, cross-year rules from cross_year_check."""
    per_report = warehouse.query(
        """
        SELECT k.rule,
               count(*) FILTER (k.passed = false) AS failed,
               count(*) FILTER (k.passed)         AS passed,
               count(*) FILTER (k.passed IS NULL) AS not_assessable,
               count(DISTINCT k.report_id) FILTER (k.passed = false) AS reports_failing
        FROM check_result k JOIN report r USING (report_id)
        WHERE r.is_canonical AND r.partition_year IN (SELECT unnest(?::INTEGER[]))
        GROUP BY k.rule
        """,
        [years],
    )
    cross_year = warehouse.query(
        """
        SELECT rule, agency, year, row_id, col_id, expected, actual, passed, report_id
        FROM cross_year_check
        WHERE year IN (SELECT unnest(?::INTEGER[]))
        """,
        [years],
    )
    by_result = {row["rule"]: row for row in per_report.iter_rows(named=True)}
    counts = ("failed", "passed", "not_assessable", "reports_failing")
    for rule in RULES:
        if rule.scope == "report":
            rows = [by_result[name] for name in rule.result_names if name in by_result]
            metadata = {k: sum(int(r[k]) for r in rows) for k in counts}
            if len(rule.result_names) > 1:
                metadata["by_rule"] = dg.MetadataValue.json(
                    {r["rule"]: {"failed": r["failed"], "passed": r["passed"]} for r in rows})
        else:
            found = cross_year.filter(cross_year["rule"] == rule.name)
            failing = found.filter(~found["passed"])  # NULL (not assessable) is neither
            metadata = {
                "failed": failing.height,
                "passed": found.filter(found["passed"]).height,
                "not_assessable": found.filter(found["passed"].is_null()).height,
                "reports_failing": failing["report_id"].n_unique(),
                "examples": dg.MetadataValue.json(
                    failing.drop("passed", "report_id").head(10).to_dicts()),
            }
        yield dg.AssetCheckResult(
            check_name=rule.name,
            passed=metadata["failed"] == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=metadata,
        )
