"""The field's metric views (warehouse/metrics.sql) on a small warehouse whose cells are set by
hand: each expected figure below is worked out from those cells, and a zero denominator or an
empty cell gives NULL, never 0 and never an error."""

from __future__ import annotations

import polars as pl
import pytest

from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.assets.report.model import Section
from gongkai.warehouse.examples import examples
from gongkai.warehouse.loader import Warehouse

Cells = dict[tuple[str, str, str], float | None]

# 甲局 2023: every figure below is worked out from these cells.
JIA_2023: Cells = {
    ("t3", "received_new", "total"): 90, ("t3", "carried_over", "total"): 10,
    ("t3", "carried_forward", "total"): 20, ("t3", "result.total", "total"): 100,
    ("t3", "result.granted", "total"): 40, ("t3", "result.partly_granted", "total"): 10,
    ("t3", "result.denied.state_secret", "total"): 5, ("t3", "result.denied.process_info", "total"): 15,
    ("t4", "review", "upheld"): 3, ("t4", "review", "corrected"): 1, ("t4", "review", "other"): 0,
    ("t4", "review", "pending"): 2, ("t4", "review", "total"): 6,
    ("t4", "litigation_direct", "upheld"): 1, ("t4", "litigation_direct", "corrected"): 1,
    ("t4", "litigation_direct", "pending"): 5, ("t4", "litigation_direct", "total"): 7,
    ("t4", "litigation_after_review", "upheld"): 2, ("t4", "litigation_after_review", "total"): 2,
}


def with_cells(frames: ReportFrames, agency: str, values: Cells) -> ReportFrames:
    """Frames with some cells (table_id, row_id, col_id) of one agency's reports set."""
    fact = frames.fact_cell
    for (table, row, col), value in values.items():
        hit = ((pl.col("agency") == agency) & (pl.col("table_id") == table) & (pl.col("row_id") == row)
               & (pl.col("col_id") == col))
        fact = fact.with_columns(value=pl.when(hit).then(pl.lit(value, dtype=pl.Float64)).otherwise("value"))
    return ReportFrames(**{**frames.tables(), "fact_cell": fact})


@pytest.fixture
def wh(tmp_path):
    return Warehouse(tmp_path / "w.duckdb", lock_timeout=5)


@pytest.fixture
def figures(wh, parsed_factory):
    """甲局 with the cells above; 乙局 with every cell 0 (no denominators); 丙局 with empty cells."""
    frames = build_frames([parsed_factory(a, 2023, received=0) for a in ("甲局", "乙局", "丙局")], 2023)
    frames = with_cells(frames, "甲局", JIA_2023)
    frames = with_cells(frames, "丙局", {("t3", "result.granted", "total"): None,
                                        ("t3", "result.total", "total"): 10,
                                        ("t3", "carried_over", "total"): None,
                                        ("t4", "review", "other"): None,
                                        ("t4", "litigation_after_review", "upheld"): None})
    wh.load_year(2023, frames)
    return wh


def by_agency(wh: Warehouse, sql: str) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in wh.query(sql).rows()}


def test_disclosure_rate_is_granted_and_partly_granted_over_answered(figures):
    rows = by_agency(figures, "SELECT agency, granted, partly_granted, disclosed, answered, disclosure_rate "
                              "FROM disclosure_rate")
    assert rows["甲局"] == (40, 10, 50, 100, 0.5)        # (40 + 10) / 100
    assert rows["乙局"] == (0, 0, 0, 0, None)            # nothing answered: NULL, not 0
    assert rows["丙局"] == (None, 0, None, 10, None)     # granted empty: NULL, not a guessed 0


def test_denial_rate_by_ground_over_answered_and_over_all_denials(figures):
    rows = figures.query("SELECT agency, ground, ground_label, denied, denied_all_grounds, answered, "
                         "denial_rate, share_of_denials FROM denial_rate_by_ground ORDER BY agency, ground")
    jia = {r[1]: r[2:] for r in rows.rows() if r[0] == "甲局"}
    assert len(jia) == 8  # one row per ground, empty or not
    assert jia["state_secret"] == ("（三）不予公开 1.属于国家秘密", 5, 20, 100, 0.05, 0.25)
    assert jia["process_info"] == ("（三）不予公开 6.属于四类过程性信息", 15, 20, 100, 0.15, 0.75)
    assert jia["admin_query"][1:] == (0, 20, 100, 0.0, 0.0)
    yi = [r[3:] for r in rows.rows() if r[0] == "乙局"]
    assert len(yi) == 8 and all(r == (0, 0, 0, None, None) for r in yi)


def test_review_correction_and_litigation_loss_rates_over_concluded_cases(figures):
    rows = by_agency(figures, "SELECT agency, reviews, reviews_corrected, reviews_concluded, "
                              "review_correction_rate, lawsuits, lawsuits_corrected, lawsuits_concluded, "
                              "litigation_loss_rate FROM correction_rate")
    # reviews: 1 corrected of 3 upheld + 1 corrected + 0 other (2 pending left out)
    # lawsuits: 1 corrected of (1 + 1 + 0) direct + (2 + 0 + 0) after review (5 pending left out)
    assert rows["甲局"] == (6, 1, 4, 0.25, 9, 1, 4, 0.25)
    assert rows["乙局"] == (0, 0, 0, None, 0, 0, 0, None)
    assert rows["丙局"] == (0, 0, None, None, 0, 0, None, None)


def test_carry_over_rate_is_carried_forward_over_workload(figures):
    rows = by_agency(figures, "SELECT agency, received, carried_over, workload, carried_forward, "
                              "carry_over_rate FROM carry_over_rate")
    assert rows["甲局"] == (90, 10, 100, 20, 0.2)  # 20 / (90 + 10)
    assert rows["乙局"] == (0, 0, 0, 0, None)
    assert rows["丙局"] == (0, None, None, 0, None)


def test_requests_per_10k_residents_says_population_is_missing_not_zero(wh, parsed_factory):
    frames = build_frames([parsed_factory(a, 2023, received=r) for a, r in (("清河县财政局", 7), ("清河县民政局", 5))],
                          2023)
    report = frames.report.with_columns(
        division=pl.lit("河北省邢台市清河县"), division_code=pl.lit("130534"), province=pl.lit("河北省"),
        prefecture=pl.lit("邢台市"), county=pl.lit("清河县"), level=pl.lit("county"), agency_id=None)
    wh.load_year(2023, ReportFrames(**{**frames.tables(), "report": report}))
    row = wh.query("SELECT division_code, year, agencies, received, population, received_per_10k, "
                   "population_source FROM requests_per_10k").rows()
    assert len(row) == 1
    assert row[0][:6] == ("130534", 2023, 2, 12, None, None)
    assert "no population" in row[0][6]


def test_section_repetition_counts_sentences_repeated_from_last_years_report(wh, parsed_factory):
    def parsed(year: int, sections: dict[str, str]):
        doc, report = parsed_factory("甲局", year)
        report.sections = [Section(k, v) for k, v in sections.items()]
        return doc, report

    wh.load_year(2023, build_frames([parsed(2023, {
        "s1": "我局坚持公开为常态。全年主动公开信息100条；依申请公开工作平稳！",
        "s6": "本年度未收取信息处理费。"})], 2023))
    wh.load_year(2024, build_frames([parsed(2024, {
        # whitespace (a PDF line break, a full-width space) does not make a sentence new
        "s1": "我局坚持公开\n为常态。全年主动公开信息120条；依申请公开　工作平稳！新增一句？",
        "s5": "本年度未收取信息处理费。",   # repeated from another section of last year's report
        "s6": "。；"})], 2024))          # no sentence at all
    rows = wh.query("SELECT year, section_id, previous_report_id IS NOT NULL, sentences, repeated, "
                    "repetition_rate FROM section_repetition ORDER BY year, section_id").rows()
    assert rows == [
        (2023, "s1", False, 3, None, None),   # no report of 2022: NULL, not 0
        (2023, "s6", False, 1, None, None),
        (2024, "s1", True, 4, 2, 0.5),        # 2 of 4 sentences repeat 2023's
        (2024, "s5", True, 1, 1, 1.0),
        (2024, "s6", True, 0, 0, None),       # no sentences: NULL, not 0 or an error
    ]


# --- the latest year whose reports are due ---------------------------------------------------

@pytest.mark.parametrize(("on", "kind", "year"), [
    ("2025-01-31", "财政", 2023),       # departments publish year N by 31 January of N+1
    ("2025-02-01", "财政", 2024),
    ("2025-03-31", "government", 2023),  # governments by 31 March of N+1
    ("2025-04-01", "government", 2024),
    ("2025-03-31", None, 2023),          # unknown kind: the later date, due from everyone
    ("2025-12-31", None, 2024),
    ("2026-01-01", None, 2024),          # the year in progress is never the latest
])
def test_latest_due_year_follows_the_publication_deadlines(wh, on, kind, year):
    wh.setup()
    assert wh.query("SELECT latest_due_year(?::DATE, agency_kind := ?) AS y", [on, kind]).item() == year


def test_coverage_calls_a_year_missing_only_once_its_reports_are_due(wh, parsed_factory):
    agencies = ("淮安市人民政府", "淮安市财政局", "淮安市教育局")
    wh.load_year(2023, build_frames([parsed_factory(a, 2023) for a in agencies], 2023))
    wh.load_year(2024, build_frames([parsed_factory("淮安市财政局", 2024)], 2024))

    def status(on: str) -> dict[str, str]:
        return dict(wh.query("SELECT agency, status FROM coverage_on(?::DATE) WHERE year = 2024 "
                             "ORDER BY agency", [on]).rows())

    # 15 February 2025: departments' 2024 reports are due, the government's not before 1 April
    assert status("2025-02-15") == {"淮安市人民政府": "not_due", "淮安市财政局": "published",
                                    "淮安市教育局": "missing"}
    assert status("2025-04-01") == {"淮安市人民政府": "missing", "淮安市财政局": "published",
                                    "淮安市教育局": "missing"}
    assert status("2025-01-31")["淮安市教育局"] == "not_due"
    due = wh.query("SELECT DISTINCT kind, due_from FROM coverage_on(DATE '2025-02-15') WHERE year = 2024 "
                   "ORDER BY kind").rows()
    assert [(k, str(d)) for k, d in due] == [("government", "2025-04-01"), ("教育", "2025-02-01"),
                                             ("财政", "2025-02-01")]


def test_not_published_example_asks_about_the_latest_due_year_not_the_year_in_progress(wh, parsed_factory):
    wh.setup()
    due = wh.query("SELECT latest_due_year(current_date) AS y").item()
    # the due year: 甲局 published, 乙局 did not; the year after (not due): only 乙局, early
    wh.load_year(due, build_frames([parsed_factory("甲局", due)], due))
    wh.load_year(due + 1, build_frames([parsed_factory("乙局", due + 1)], due + 1))
    (example,) = [e for e in examples() if e.name == "not_published"]
    assert [(status, agency) for status, _, _, agency in wh.query(example.sql).rows()] == [("missing", "乙局")]


def test_coverage_latest_is_the_latest_due_year_loaded_and_never_a_year_not_due(wh, parsed_factory):
    wh.setup()
    due = wh.query("SELECT latest_due_year(current_date) AS y").item()

    def load(year: int, agencies: tuple[str, ...]) -> None:
        wh.load_year(year, build_frames([parsed_factory(a, year) for a in agencies], year))

    def latest() -> list[tuple]:
        return sorted(wh.query("SELECT agency, year, status FROM coverage_latest").rows())

    load(due - 1, ("甲局", "乙局"))
    load(due + 1, ("甲局",))  # a year in progress: never "the latest"
    assert latest() == [("乙局", due - 1, "published"), ("甲局", due - 1, "published")]
    load(due, ("甲局",))
    assert latest() == [("乙局", due, "missing"), ("甲局", due, "published")]
    assert latest() == sorted(wh.query(f"SELECT agency, year, status FROM coverage WHERE year = {due}").rows())


def test_year_over_year_compares_an_agency_with_its_own_report_of_the_year_before(wh, parsed_factory):
    received = {("甲局", 2021): 5, ("甲局", 2022): 9, ("甲局", 2024): 300,  # no 2023: 2024 is not compared
                ("乙局", 2022): 50, ("乙局", 2023): 20}
    for year in (2021, 2022, 2023, 2024):
        wh.load_year(year, build_frames([parsed_factory(a, y, received=n) for (a, y), n in received.items()
                                         if y == year], year))
    (example,) = [e for e in examples() if e.name == "year_over_year"]
    assert wh.query(example.sql).rows() == [("乙局", 2023, 20, 50, -30), ("甲局", 2022, 9, 5, 4)]
