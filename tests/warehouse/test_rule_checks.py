"""The form's rule registry in the warehouse: table rule, one asset check per registered rule,
and every cross-year rule evaluated by cross_year_check without a rule-specific view."""

from __future__ import annotations

import polars as pl
import pytest

from gongkai.assets.form.rules import RULES, cross_year_rules
from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.warehouse.defs import evaluate_checks
from gongkai.warehouse.loader import Warehouse


@pytest.fixture
def wh(tmp_path):
    return Warehouse(tmp_path / "w.duckdb", lock_timeout=5)


def _set(frames: ReportFrames, agency: str, key: tuple[str, str, str], value: float) -> ReportFrames:
    table, row, col = key
    fact = frames.fact_cell
    hit = ((pl.col("agency") == agency) & (pl.col("table_id") == table) & (pl.col("row_id") == row)
           & (pl.col("col_id") == col))
    fact = fact.with_columns(value=pl.when(hit).then(pl.lit(value, dtype=pl.Float64)).otherwise("value"))
    return ReportFrames(**{**frames.tables(), "fact_cell": fact})


def _reports_of(wh: Warehouse, years: list[int]) -> list[str]:
    return wh.query("SELECT report_id FROM report WHERE partition_year IN (SELECT unnest(?::INTEGER[]))",
                    [years])["report_id"].to_list()


def _two_years(parsed_factory, broken: tuple[str, str, str] | None = None):
    """甲局 and 乙局 for 2022 and 2023 (every cell 0 but received_new); `broken`: a cell of
    甲局's 2023 report set to 5."""
    y22 = build_frames([parsed_factory("甲局", 2022), parsed_factory("乙局", 2022)], 2022)
    y23 = build_frames([parsed_factory("甲局", 2023), parsed_factory("乙局", 2023)], 2023)
    if broken:
        y23 = _set(y23, "甲局", broken, 5)
    return {2022: y22, 2023: y23}


def test_the_rule_table_holds_every_registered_rule(wh, parsed_factory):
    wh.load_years(_two_years(parsed_factory))
    rows = wh.query("SELECT name, soft, scope FROM rule ORDER BY name").rows()
    assert rows == sorted((r.name, r.soft, r.scope) for r in RULES)


@pytest.mark.parametrize("rule", cross_year_rules(), ids=lambda r: r.name)
def test_every_cross_year_rule_is_checked_in_the_warehouse(wh, parsed_factory, rule):
    comparison = rule.comparisons[0]
    actual = next(t for t in comparison.terms if t.side == "actual" and t.years_back == 0)
    wh.load_years(_two_years(parsed_factory, (actual.table_id, actual.row_id, actual.col_id)))
    got = wh.query("SELECT agency, year, row_id, col_id, expected, actual, passed, soft "
                   "FROM cross_year_check WHERE rule = ? AND row_id = ? AND col_id = ? "
                   "ORDER BY agency", [rule.name, comparison.row_id, comparison.col_id]).rows()
    assert got == [("乙局", 2023, comparison.row_id, comparison.col_id, 0.0, 0.0, True, rule.soft),
                   ("甲局", 2023, comparison.row_id, comparison.col_id, 0.0, 5.0, False, rule.soft)]
    failures = wh.query("SELECT agency FROM check_failures WHERE rule = ?", [rule.name]).rows()
    assert failures == ([] if rule.soft else [("甲局",)])
    (result,) = [r for r in evaluate_checks(wh, _reports_of(wh, [2023]), 1) if r.check_name == rule.name]
    assert result.passed is False and result.metadata["failed"].value == 1


def test_one_asset_check_result_per_registered_rule(wh, parsed_factory):
    wh.load_years(_two_years(parsed_factory))
    results = {r.check_name: r for r in evaluate_checks(wh, _reports_of(wh, [2022, 2023]), 1)}
    assert list(results) == [r.name for r in RULES]
    # make_parsed records t3_balance as broken on every report (received 3, answered 0).
    assert results["t3_balance"].passed is False
    assert results["t3_balance"].metadata["reports_failing"].value == 4
    assert results["t3_carried_over_matches_previous_year"].passed is True
    assert results["t3_carried_over_matches_previous_year"].metadata["passed"].value == 2
