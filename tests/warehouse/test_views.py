"""The analyst's tables and views: agency, t3_wide, outcomes by ground, coverage, the
cross-year rule in check_failures, and every README example query."""

from __future__ import annotations

import polars as pl
import pytest

from gongkai.assets.report.frames import (
    ReportFrames,
    build_frames,
    mark_canonical,
    normalise_agency,
)
from gongkai.warehouse.examples import examples
from gongkai.warehouse.loader import Warehouse
from gongkai.warehouse.wide import wide_cells


def with_cells(frames: ReportFrames, agency: str, values: dict[tuple[str, str], float | None]) -> ReportFrames:
    """Frames with some t3 cells of one agency's reports set (row_id, col_id) → value."""
    fact = frames.fact_cell
    for (row, col), value in values.items():
        hit = (pl.col("agency") == agency) & (pl.col("table_id") == "t3") & (pl.col("row_id") == row) & (
            pl.col("col_id") == col)
        fact = fact.with_columns(value=pl.when(hit).then(pl.lit(value, dtype=pl.Float64)).otherwise("value"))
    return ReportFrames(**{**frames.tables(), "fact_cell": fact})


@pytest.fixture
def wh(tmp_path):
    return Warehouse(tmp_path / "w.duckdb", lock_timeout=5)


def test_agency_names_normalise_width_and_spacing_but_not_wording():
    assert normalise_agency("淮安市　人民政府 ") == normalise_agency("淮安市人民政府") == "淮安市人民政府"
    assert normalise_agency("ＸＸ县２０２３") == "XX县2023"
    assert normalise_agency("淮安市人民政府办公室") != normalise_agency("淮安市政府办")


def test_one_agency_row_per_publisher_across_spellings_and_years(wh, parsed_factory):
    wh.load_year(2022, build_frames([parsed_factory("淮安市　人民政府", 2022)], 2022))
    wh.load_year(2023, build_frames([parsed_factory("淮安市人民政府", 2023),
                                     parsed_factory("淮安市人民政府办公室", 2023),
                                     parsed_factory("淮安市政府办", 2023)], 2023))
    agencies = wh.query("SELECT name, name_normalised, names_published, first_year, last_year, "
                        "canonical_reports FROM agency ORDER BY name_normalised")
    assert agencies.rows() == [
        ("淮安市人民政府", "淮安市人民政府", ["淮安市　人民政府", "淮安市人民政府"], 2022, 2023, 2),
        ("淮安市人民政府办公室", "淮安市人民政府办公室", ["淮安市人民政府办公室"], 2023, 2023, 1),
        ("淮安市政府办", "淮安市政府办", ["淮安市政府办"], 2023, 2023, 1),
    ]
    # reports point at their agency; the dimension is rebuilt, not appended, on every load
    wh.load_year(2023, build_frames([parsed_factory("淮安市人民政府", 2023)], 2023))
    assert wh.query("SELECT count(*) AS n FROM agency")["n"][0] == 1
    orphans = wh.query("SELECT count(*) AS n FROM report r ANTI JOIN agency a USING (agency_id)")
    assert orphans["n"][0] == 0


def test_two_spellings_of_one_agency_in_a_year_give_one_canonical_report(parsed_factory):
    frames = build_frames([parsed_factory("清河县 财政局", 2023, media="pdf"),
                           parsed_factory("清河县财政局", 2023, media="html")], 2023)
    assert frames.report["is_canonical"].sum() == 1
    assert frames.report["agency_id"].n_unique() == 1


def test_agency_carries_division_columns_when_the_report_has_them(wh, parsed_factory):
    frames = build_frames([parsed_factory("清河县财政局", 2023)], 2023)
    report = frames.report.with_columns(
        division=pl.lit("河北省邢台市清河县"), division_code=pl.lit("130534"), province=pl.lit("河北省"),
        prefecture=pl.lit("邢台市"), county=pl.lit("清河县"), level=pl.lit("county"), agency_kind=pl.lit("finance"),
        agency_id=None)
    wh.load_year(2023, ReportFrames(**{**frames.tables(), "report": report}))
    row = wh.query("SELECT division_code, province, prefecture, county, level, kind FROM agency").row(0)
    assert row == ("130534", "河北省", "邢台市", "清河县", "county", "finance")


def test_frames_staged_without_the_new_columns_still_load(wh, parsed_factory):
    frames = build_frames([parsed_factory("甲局", 2023)], 2023)
    old = frames.report.drop("agency_norm", "agency_id", "division_code", "province", "prefecture",
                             "county", "level", "agency_kind")
    wh.load_year(2023, ReportFrames(**{**frames.tables(), "report": old}))
    row = wh.query("SELECT agency_norm, agency_id IS NOT NULL AS keyed, division_code FROM report").row(0)
    assert row == ("甲局", True, None)


def test_t3_wide_has_one_column_per_t3_cell_and_one_row_per_canonical_report(wh, parsed_factory):
    frames = build_frames([parsed_factory("甲局", 2023, media="html", received=7),
                           parsed_factory("甲局", 2023, media="pdf", received=7),
                           parsed_factory("乙局", 2023, received=2)], 2023)
    wh.load_year(2023, frames)
    wide = wh.query("SELECT * FROM t3_wide ORDER BY agency")
    cell_columns = [c for c in wide.columns if "__" in c]
    assert len(cell_columns) == len(wide_cells("t3")) == 182  # 175 cells of 2021, 7 of 2019's 其他处理
    assert wide["agency"].to_list() == ["乙局", "甲局"]
    assert wide["received_new__total"].to_list() == [2.0, 7.0]
    assert wide["result_other__total"].to_list() == [None, None]  # a 2019-only cell stays NULL


def test_outcomes_break_denials_down_by_ground(wh, parsed_factory):
    frames = with_cells(build_frames([parsed_factory("甲局", 2023)], 2023), "甲局", {
        ("result.granted", "total"): 5, ("result.denied.state_secret", "total"): 2,
        ("result.denied.third_party_rights", "total"): 3, ("result.unable.not_held", "total"): 4,
        ("result.rejected.duplicate", "total"): 1, ("result.other.fee_unpaid", "total"): 6,
        ("result.denied.admin_query", "total"): None})
    wh.load_year(2023, frames)
    row = wh.query("SELECT * FROM outcomes").row(0, named=True)
    assert (row["granted"], row["denied"], row["denied_state_secret"], row["denied_third_party_rights"],
            row["denied_admin_query"], row["unable"], row["unable_not_held"], row["rejected"],
            row["rejected_duplicate"], row["other"]) == (5, 5, 2, 3, None, 4, 4, 1, 1, 6)


def test_cross_year_rule_lands_in_check_failures(wh, parsed_factory):
    y22 = with_cells(build_frames([parsed_factory("甲局", 2022), parsed_factory("乙局", 2022)], 2022), "甲局",
                     {("carried_forward", "total"): 4})
    y23 = with_cells(build_frames([parsed_factory("甲局", 2023), parsed_factory("乙局", 2023)], 2023), "甲局",
                     {("carried_over", "total"): 3})
    wh.load_years({2022: y22, 2023: y23})
    checks = wh.query("SELECT agency, year, actual, expected, passed FROM cross_year_check "
                      "WHERE rule = 't3_carried_over_matches_previous_year' ORDER BY agency")
    assert checks.rows() == [("乙局", 2023, 0.0, 0.0, True), ("甲局", 2023, 3.0, 4.0, False)]
    failures = wh.query("SELECT agency, year, expected, actual FROM check_failures "
                        "WHERE rule = 't3_carried_over_matches_previous_year'")
    assert failures.rows() == [("甲局", 2023, 4.0, 3.0)]


def test_coverage_is_agencies_by_years_with_a_status(wh, parsed_factory):
    wh.load_year(2022, build_frames([parsed_factory("甲局", 2022), parsed_factory("乙局", 2022)], 2022))
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023), parsed_factory("乙局", 2023, error="bad PDF"),
                                     parsed_factory("丙局", 2023)], 2023))
    frames = build_frames([parsed_factory("丁局", 2021)], 2021)
    scan = mark_canonical(frames.report.with_columns(needs_ocr=pl.lit(True), cells_read=pl.lit(0, dtype=pl.Int32)))
    wh.load_year(2021, ReportFrames(**{**frames.tables(), "report": scan, "fact_cell": frames.fact_cell.clear()}))
    got = {(a, y): s for a, y, s in wh.query("SELECT agency, year, status FROM coverage").iter_rows()}
    assert got == {
        ("甲局", 2021): "missing", ("甲局", 2022): "published", ("甲局", 2023): "published",
        ("乙局", 2021): "missing", ("乙局", 2022): "published", ("乙局", 2023): "unreadable",
        ("丙局", 2021): "missing", ("丙局", 2022): "missing", ("丙局", 2023): "published",
        ("丁局", 2021): "needs_ocr", ("丁局", 2022): "missing", ("丁局", 2023): "missing",
    }


def test_there_are_a_dozen_example_questions():
    names = [e.name for e in examples()]
    assert len(names) >= 12 and len(set(names)) == len(names)


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_every_example_query_runs(wh, parsed_factory, example):
    frames = {y: build_frames([parsed_factory(a, y, received=i + y % 3) for i, a in enumerate(("甲局", "乙局"))], y)
              for y in (2022, 2023)}
    wh.load_years(frames)
    wh.query(example.sql)


def test_cross_year_checks_follow_years_loaded_in_any_order_and_reloaded(wh, parsed_factory):
    def year(y: int, cells: dict, agencies=("甲局", "乙局")) -> ReportFrames:
        return with_cells(build_frames([parsed_factory(a, y) for a in agencies], y), "甲局", cells)

    def checks() -> list[tuple]:
        return wh.query("SELECT agency, year, expected, actual, passed FROM cross_year_check "
                        "WHERE rule = 't3_carried_over_matches_previous_year' ORDER BY agency, year").rows()

    wh.load_year(2023, year(2023, {("carried_over", "total"): 3}))
    assert checks() == []  # no 2022 yet
    wh.load_year(2022, year(2022, {("carried_forward", "total"): 4}))  # a backfill's earlier year
    assert checks() == [("乙局", 2023, 0.0, 0.0, True), ("甲局", 2023, 4.0, 3.0, False)]
    wh.load_year(2022, year(2022, {("carried_forward", "total"): 3}))  # corrected
    assert checks() == [("乙局", 2023, 0.0, 0.0, True), ("甲局", 2023, 3.0, 3.0, True)]
    wh.load_year(2024, year(2024, {}, agencies=("乙局",)))
    wh.load_year(2022, year(2022, {}, agencies=("乙局",)))  # 甲局 withdrawn from 2022
    assert checks() == [("乙局", 2023, 0.0, 0.0, True), ("乙局", 2024, 0.0, 0.0, True)]
    agencies = wh.query("SELECT name, first_year, last_year, reports FROM agency ORDER BY name").rows()
    assert agencies == [("乙局", 2022, 2024, 3), ("甲局", 2023, 2023, 1)]


def test_a_warehouse_whose_cross_year_check_was_a_view_gets_the_table_filled(wh, parsed_factory):
    wh.load_years({y: build_frames([parsed_factory("甲局", y)], y) for y in (2022, 2023)})
    with wh.writer() as con:  # as the code before the table left it
        con.execute("DROP TABLE cross_year_check")
        con.execute("CREATE VIEW cross_year_check AS SELECT 1 AS report_id")
        con.execute("UPDATE schema_version SET version = 'before'")
    wh.load_year(2024, build_frames([parsed_factory("甲局", 2024)], 2024))
    assert wh.query("SELECT year, passed FROM cross_year_check WHERE rule = "
                    "'t3_carried_over_matches_previous_year' ORDER BY year").rows() == [
        (2023, True), (2024, True)]
