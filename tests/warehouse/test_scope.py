"""Scope in the warehouse: the analyst views count own reports (本级) only, so a city's aggregate
(汇总) never counts its members twice; the hierarchy rule holds the aggregate against them."""

from __future__ import annotations

import pytest

from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.form.rules import hierarchy_rules
from gongkai.assets.form.spec import cells_for
from gongkai.assets.report.frames import build_frames
from gongkai.assets.report.model import CellValue, Report
from gongkai.warehouse.defs import evaluate_checks
from gongkai.warehouse.loader import Warehouse

YEAR = 2023
# (agency, division, scope, received_new, review) of one city's reports of one year: the city
# government's own, a city department, a county government and a county department, and the
# city's aggregate (汇总) that sums them, 2 applications more (a member's late correction).
REPORTS = [
    ("淮安市人民政府", "江苏省淮安市", "own", 150, 4),
    ("淮安市教育局", "江苏省淮安市", "own", 40, 1),
    ("涟水县人民政府", "江苏省淮安市涟水县", "own", 60, 2),
    ("涟水县教育局", "江苏省淮安市涟水县", "own", 10, 0),
    ("淮安市", "江苏省淮安市", "aggregate", 262, 7),
    ("沭阳县人民政府", "江苏省宿迁市沭阳县", "own", 90, 3),   # another city: no member
]


def _parsed(agency: str, division: str, scope: str, received: int, review: int):
    url = f"http://portal.test/{agency}/{YEAR}.html"
    doc = CrawledDocument(source="门户", url=url, final_url=url, page_url=None,
                          title=f"{agency}{YEAR}年政府信息公开工作年度报告", agency_hint=agency,
                          year_hint=YEAR, media="html", sha256=f"{abs(hash(url)):x}".ljust(64, "0")[:64],
                          size=1, content_type="text/html", fetched_at="2024-01-20T08:00:00", status=200)
    values = {("t3", "received_new", "total"): received, ("t3", "result.total", "total"): received,
              ("t4", "review", "total"): review, ("t4", "review", "upheld"): review}
    cells = [CellValue(c.table_id, c.row_id, c.col_id, values.get(c.key, 0), None)
             for c in cells_for("2021")]
    report = Report(source=url, media="html", agency=agency, year=YEAR, format_version="2021",
                    title=doc.title, cells=cells, division=division, scope=scope,
                    scope_reason="title" if scope == "aggregate" else "default: no area wording")
    return doc, report


@pytest.fixture
def wh(tmp_path):
    w = Warehouse(tmp_path / "w.duckdb", lock_timeout=5)
    w.load_year(YEAR, build_frames([_parsed(*r) for r in REPORTS], YEAR))
    return w


def test_the_views_count_each_application_once_and_all_scopes_would_count_twice(wh):
    # The analyst's question: how many applications did 淮安市's agencies receive?
    question = "SELECT sum(received)::INTEGER FROM {} WHERE division LIKE '江苏省淮安市%'"
    members = sum(r[3] for r in REPORTS if r[2] == "own" and r[1].startswith("江苏省淮安市"))
    assert wh.query(question.format("applications")).item() == members == 260
    # without the default, the city's 汇总 adds its members' applications again
    assert wh.query(question.format("applications_all_scopes")).item() == members + 262
    assert wh.query("SELECT DISTINCT scope FROM applications").rows() == [("own",)]
    for view in ("t3_wide", "t4_wide", "canonical_cell", "outcomes", "review_litigation"):
        scopes = wh.query(f"SELECT scope, count(DISTINCT report_id) FROM {view}_all_scopes "
                          "GROUP BY scope ORDER BY scope").rows()
        assert scopes == [("aggregate", 1), ("own", 5)], view
        assert wh.query(f"SELECT count(DISTINCT report_id) FROM {view}").item() == 5, view


def test_an_agency_s_own_report_and_its_aggregate_are_both_canonical(tmp_path):
    own = _parsed("淮安市人民政府", "江苏省淮安市", "own", 150, 4)
    summed = _parsed("淮安市人民政府", "江苏省淮安市", "aggregate", 262, 7)
    summed = (CrawledDocument(**{**summed[0].to_row(), "sha256": "f" * 64,
                                 "final_url": "http://portal.test/all.html"}), summed[1])
    frames = build_frames([own, summed], YEAR)
    assert sorted(frames.report.select("scope", "is_canonical").rows()) == [
        ("aggregate", True), ("own", True)]


def test_the_hierarchy_check_holds_the_aggregate_against_its_members(wh):
    (rule,) = hierarchy_rules()
    got = {(r, c): (e, a, m, p, s) for r, c, e, a, m, p, s in wh.query(
        "SELECT row_id, col_id, expected, actual, members, passed, soft FROM hierarchy_check "
        "WHERE rule = ? AND agency = '淮安市'", [rule.name]).rows()}
    assert got[("received_new", "total")] == (260.0, 262.0, 4, False, True)
    assert got[("result.total", "total")] == (260.0, 262.0, 4, False, True)
    assert got[("review", "total")] == (7.0, 7.0, 4, True, True)
    assert got[("carried_forward", "total")] == (0.0, 0.0, 4, True, True)
    # only aggregates are checked; soft findings stay out of check_failures
    assert wh.query("SELECT DISTINCT agency FROM hierarchy_check").rows() == [("淮安市",)]
    assert wh.query("SELECT count(*) FROM check_failures WHERE rule = ?", [rule.name]).item() == 0
    report_ids = [r for (r,) in wh.query("SELECT report_id FROM report").rows()]
    (result,) = [r for r in evaluate_checks(wh, report_ids, 1) if r.check_name == rule.name]
    assert result.metadata["failed"].value == 2 and result.metadata["reports_failing"].value == 1


def test_scope_columns_carry_comments_in_every_view(wh):
    missing = wh.query(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal "
        "AND column_name IN ('scope', 'scope_reason') AND coalesce(comment, '') = ''").rows()
    assert missing == []
    # the own view and its all-scopes twin explain each column alike
    pairs = wh.query(
        "SELECT o.table_name, o.column_name FROM duckdb_columns() o JOIN duckdb_columns() a "
        "ON a.table_name = o.table_name || '_all_scopes' AND a.column_name = o.column_name "
        "WHERE o.schema_name = 'main' AND a.schema_name = 'main' "
        "AND coalesce(o.comment, '') IS DISTINCT FROM coalesce(a.comment, '')").rows()
    assert pairs == []
