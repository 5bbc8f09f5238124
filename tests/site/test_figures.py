"""Figures against hand-computed values on a small warehouse: three agencies over two years,
one of them missing in the second year and one whose document could not be read."""

from __future__ import annotations

import pytest

from gongkai.assets.report.frames import build_frames
from gongkai.warehouse.connect import read_only
from gongkai.warehouse.loader import Warehouse
from gongkai.warehouse.site import figures
from tests.warehouse.conftest import make_parsed


@pytest.fixture
def small_warehouse(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb", lock_timeout=5)
    # make_parsed's t3_balance check fails unless received is 0
    wh.load_years({
        2022: build_frames([make_parsed("甲局", 2022, received=0), make_parsed("乙局", 2022, received=5),
                            make_parsed("丙局", 2022, received=0)], 2022),
        2023: build_frames([make_parsed("甲局", 2023, received=7),
                            make_parsed("乙局", 2023, received=0, error="damaged PDF")], 2023),
    })
    return wh.path


def rows(path, figure: figures.Figure, scope: figures.Scope | None = None) -> list[dict]:
    with read_only(path) as con:
        cursor = con.execute(figure.query(scope or figures.Scope()))
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def test_coverage_counts_published_missing_and_unreadable_over_every_known_agency(small_warehouse):
    got = {r["year"]: r for r in rows(small_warehouse, figures.COVERAGE_BY_PROVINCE)}
    assert {k: got[2022][k] for k in ("agencies", "published", "missing", "unreadable")} == {
        "agencies": 3, "published": 3, "missing": 0, "unreadable": 0}
    assert {k: got[2023][k] for k in ("agencies", "published", "missing", "unreadable")} == {
        "agencies": 3, "published": 1, "missing": 1, "unreadable": 1}
    assert got[2023]["published_share"] == pytest.approx(1 / 3)
    not_published = rows(small_warehouse, figures.NOT_PUBLISHED)
    assert sorted((r["year"], r["agency"], r["status"]) for r in not_published) == [
        (2023, "丙局", "missing"), (2023, "乙局", "unreadable")]


def test_check_failure_rate_is_failing_reports_over_the_years_canonical_reports(small_warehouse):
    got = {(r["year"], r["rule"]): r for r in rows(small_warehouse, figures.CHECK_FAILURE_RATES)}
    assert (got[2022, "t3_balance"]["failing"], got[2022, "t3_balance"]["reports"]) == (1, 3)
    assert (got[2023, "t3_balance"]["failing"], got[2023, "t3_balance"]["reports"]) == (1, 1)
    assert got[2022, "t3_balance"]["share"] == pytest.approx(1 / 3)
    assert got[2022, "t3_row_total"]["failing"] == 0  # every hard rule is shown, failing or not


def test_applications_sum_the_years_reports_and_count_them(small_warehouse):
    got = {(r["year"], r["measure"]): r for r in rows(small_warehouse, figures.APPLICATIONS)}
    assert (got[2022, "received"]["applications"], got[2022, "received"]["reports"]) == (5, 3)
    assert (got[2023, "received"]["applications"], got[2023, "received"]["reports"]) == (7, 1)


def test_a_years_scope_keeps_only_those_years(small_warehouse):
    got = rows(small_warehouse, figures.APPLICATIONS, figures.Scope(years=(2023,)))
    assert {r["year"] for r in got} == {2023}
