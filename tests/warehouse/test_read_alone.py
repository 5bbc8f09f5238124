"""What the analyst views read from one table each, filled at load instead of computed by a join
at query time (the lake at national size took seconds a query): report's columns copied onto
the wide tables and check_result, and section_repetition and report_repetition filled for the
reports a load touches.
Each must give exactly what the per-query join gave, after loads in any order and reloads, and
a warehouse loaded before the columns were copied gets them."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.assets.report.model import Section
from gongkai.warehouse.lake import LakeWarehouse
from gongkai.warehouse.loader import Warehouse
from gongkai.warehouse.wide import REPORT_COLUMNS

# section_repetition as the view computed it at query time, before it was a table.
REPETITION_VIEW = r"""
WITH canonical AS (
    SELECT report_id, agency_id, agency, division, year, hash(report_id) AS n
    FROM report
    WHERE is_canonical AND agency_id IS NOT NULL
), pair AS (
    SELECT cur.*, prev.report_id AS previous_report_id, prev.n AS previous_n
    FROM canonical cur
    LEFT JOIN canonical prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1
), sentence AS (
    SELECT p.report_id, s.section_id, hash(p.n, piece) AS key, hash(p.previous_n, piece) AS previous_key
    FROM report_section s
    JOIN pair p ON p.report_id = s.report_id,
         unnest(string_split_regex(regexp_replace(s.text, '[\s\x{3000}\x{00A0}]+', '', 'g'),
                                   '[。！？；]')) AS t(piece)
    WHERE piece <> ''
), counted AS (
    SELECT report_id, section_id, count(*) AS sentences,
           count(*) FILTER (previous_key IN (SELECT key FROM sentence)) AS repeated
    FROM sentence
    GROUP BY ALL
)
SELECT p.report_id, p.previous_report_id, p.agency_id, p.agency, p.division, p.year, s.section_id,
       coalesce(c.sentences, 0)::INTEGER                             AS sentences,
       CASE WHEN p.previous_report_id IS NOT NULL
            THEN coalesce(c.repeated, 0)::INTEGER END                AS repeated,
       CASE WHEN p.previous_report_id IS NOT NULL
            THEN c.repeated / nullif(c.sentences, 0) END             AS repetition_rate
FROM pair p
JOIN report_section s ON s.report_id = p.report_id
LEFT JOIN counted c ON c.report_id = s.report_id AND c.section_id = s.section_id
"""

# report_repetition: those sections summed per report.
REPETITION_BY_REPORT = f"""
SELECT report_id, any_value(previous_report_id), any_value(agency_id), any_value(agency),
       any_value(division), any_value(year), count(*)::INTEGER, sum(sentences)::INTEGER,
       sum(repeated)::INTEGER, sum(repeated) / nullif(sum(sentences), 0)
FROM ({REPETITION_VIEW})
GROUP BY report_id
"""

# check_failures as the view joined check_result and cross_year_check to report.
FAILURES_JOINED = """
SELECT r.report_id, r.agency_id, r.agency, r.year, r.title, r.source_url,
       k.rule, k.row_id, k.col_id, k.expected, k.actual
FROM check_result k JOIN report r USING (report_id)
WHERE r.is_canonical AND k.passed = false AND NOT coalesce(k.soft, false)
UNION ALL
SELECT x.report_id, x.agency_id, x.agency, x.year, r.title, r.source_url,
       x.rule, x.row_id, x.col_id, x.expected, x.actual
FROM cross_year_check x JOIN report r USING (report_id)
WHERE x.passed = false AND NOT x.soft
"""

COLUMNS = ", ".join(REPORT_COLUMNS)
# the wide tables' copied columns against report's own
WIDE_VS_REPORT = f"""
SELECT 't2' AS t, report_id, {COLUMNS} FROM t2_cells UNION ALL
SELECT 't3', report_id, {COLUMNS} FROM t3_cells UNION ALL
SELECT 't4', report_id, {COLUMNS} FROM t4_cells
EXCEPT ALL
SELECT t, report_id, {COLUMNS} FROM report, (VALUES ('t2'), ('t3'), ('t4')) v(t)
"""

SENTENCES = {
    2022: {"s1": "我局坚持公开为常态。全年主动公开信息80条；", "s6": "本年度未收取信息处理费。"},
    2023: {"s1": "我局坚持公开\n为常态。全年主动公开信息100条；依申请公开工作平稳！",
           "s5": "本年度未收取信息处理费。", "s6": "。；"},
    2024: {"s1": "我局坚持公开为常态。全年主动公开信息120条；依申请公开　工作平稳！新增一句？"},
}


@pytest.fixture(params=["file", "lake"])
def wh(request, tmp_path):
    if request.param == "file":
        yield Warehouse(tmp_path / "w.duckdb", lock_timeout=5)
        return
    lake = LakeWarehouse(str(tmp_path / "catalog.ducklake"), str(tmp_path / "files"))
    yield lake
    lake.close()


def year_frames(parsed_factory, year: int, agencies=("甲局", "乙局", "丙局"), texts=SENTENCES,
                failing: str | None = None) -> ReportFrames:
    parsed = []
    for i, agency in enumerate(agencies):
        doc, report = parsed_factory(agency, year, received=3 if agency == failing else 0)
        report.sections = [Section(k, v + ("" if i == 0 else f"第{i}句。")) for k, v in texts[year].items()]
        parsed.append((doc, report))
    # 乙局 also posts a PDF of the same report: one of the two is canonical
    doc, report = parsed_factory("乙局", year, media="pdf", received=5)
    report.sections = [Section("s1", "另一份。")]
    parsed.append((doc, report))
    return build_frames(parsed, year)


def rows(wh, sql: str) -> list[tuple]:
    return sorted(wh.query(sql).rows(), key=repr)


def assert_read_alone_as_joined(wh) -> None:
    assert rows(wh, "SELECT * FROM section_repetition") == rows(wh, REPETITION_VIEW)
    assert rows(wh, "SELECT * FROM report_repetition") == rows(wh, REPETITION_BY_REPORT)
    assert rows(wh, "SELECT * FROM check_failures") == rows(wh, FAILURES_JOINED)
    assert rows(wh, WIDE_VS_REPORT) == []


def test_tables_filled_at_load_equal_the_joins_they_replace_over_loads_in_any_order(wh, parsed_factory):
    wh.load_year(2024, year_frames(parsed_factory, 2024, failing="甲局"))
    wh.load_year(2022, year_frames(parsed_factory, 2022))
    assert_read_alone_as_joined(wh)
    wh.load_year(2023, year_frames(parsed_factory, 2023, failing="乙局"))  # between the two
    assert_read_alone_as_joined(wh)
    # 2023 again without 丙局, 甲局's text rewritten: 2024 is counted against the new 2023
    texts = {**SENTENCES, 2023: {"s1": "全新的一年。全年主动公开信息120条；"}}
    wh.load_year(2023, year_frames(parsed_factory, 2023, agencies=("甲局", "乙局"), texts=texts))
    assert_read_alone_as_joined(wh)
    repeated = wh.query("SELECT agency, year, section_id, sentences, repeated FROM section_repetition "
                        "WHERE year = 2024 ORDER BY agency").rows()
    assert repeated == [("丙局", 2024, "s1", 5, None),  # no 2023 report any more: NULL, not 0
                        ("乙局", 2024, "s1", 5, 2),  # 全年主动公开信息120条, 第1句
                        ("甲局", 2024, "s1", 4, 1)]
    assert wh.query("SELECT count(*) FROM check_failures WHERE agency = '甲局' AND year = 2024").item() > 0


def test_a_warehouse_loaded_before_report_columns_were_copied_gets_them_on_setup(wh, parsed_factory):
    wh.load_years({y: year_frames(parsed_factory, y, failing="甲局") for y in (2023, 2024)})
    expected = {name: rows(wh, f"SELECT * FROM {name}") for name in ("applications", "check_failures")}
    if isinstance(wh, LakeWarehouse):  # the columns as the lake's ADD COLUMN left them: NULL
        with wh.connect(read_only=False) as con:
            for table, columns in (("t3_cells", REPORT_COLUMNS), ("check_result", ("is_canonical", "title"))):
                con.execute(f"UPDATE {table} SET " + ", ".join(f"{c} = NULL" for c in columns))
            con.execute("UPDATE schema_version SET version = 'before'")
    else:  # year files written without the columns
        with wh.writer() as con:
            for table, path in con.execute("SELECT table_name, path FROM part WHERE table_name IN "
                                           "('t3_cells', 'check_result')").fetchall():
                copied = list(REPORT_COLUMNS) if table == "t3_cells" else ["is_canonical", "title"]
                frame = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").pl().drop(copied)
                frame.write_parquet(path)
                con.execute("UPDATE part SET columns = ? WHERE path = ?", [frame.columns, path])
            con.execute("UPDATE schema_version SET version = 'before'")
    wh.setup()
    assert {name: rows(wh, f"SELECT * FROM {name}") for name in expected} == expected
    assert_read_alone_as_joined(wh)
    assert wh.query("SELECT count(*) FROM t3_cells WHERE is_canonical IS NULL").item() == 0


def test_a_warehouse_loaded_before_report_repetition_existed_gets_it_on_setup(wh, parsed_factory):
    wh.load_years({y: year_frames(parsed_factory, y) for y in (2023, 2024)})
    expected = rows(wh, "SELECT * FROM report_repetition")
    assert any(r[8] for r in expected)  # sentences repeated from 2023 in 2024
    # the table as setup creates it for such a warehouse: empty beside section_repetition
    with (wh.connect(read_only=False) if isinstance(wh, LakeWarehouse) else wh.writer()) as con:
        con.execute("DELETE FROM report_repetition")
        con.execute("UPDATE schema_version SET version = 'before'")
    wh.setup()
    assert rows(wh, "SELECT * FROM report_repetition") == expected


def test_report_columns_copied_onto_the_wide_tables_are_commented(wh):
    wh.setup()
    comments = pl.DataFrame(wh.query(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE table_name IN "
        "('t3_cells', 'check_result', 'section_repetition', 'report_repetition', 'cross_year_check')"))
    missing = comments.filter(pl.col("comment").fill_null("").str.strip_chars() == "")
    assert missing.filter(pl.col("column_name") != "shard").is_empty(), missing
    assert set(REPORT_COLUMNS) <= set(comments.filter(pl.col("table_name") == "t3_cells")["column_name"])


def test_the_lakes_failing_checks_sit_in_files_of_their_own(tmp_path, parsed_factory):
    # check_failures reads the failures alone: no file it opens holds a passing row
    lake = LakeWarehouse(str(tmp_path / "catalog.ducklake"), str(tmp_path / "files"))
    try:
        lake.load_year(2024, year_frames(parsed_factory, 2024, failing="甲局"))
        with lake.connect() as con:
            files = [f for (f,) in con.execute(
                "SELECT data_file FROM ducklake_list_files('lake', 'check_result')").fetchall()]
            passed = [con.execute(f"SELECT list(DISTINCT passed) FROM read_parquet('{f}', "
                                  "hive_partitioning = false)").fetchone()[0] for f in files]
    finally:
        lake.close()
    assert sorted(map(sorted, passed)) == [[False], [True]]
