"""`gongkai sql` for analysts who copy values and pipe results: full values, plain numbers,
four formats, every statement's result."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

LONG_URL = "http://www.example.gov.cn/art/2024/1/20/" + "a" * 150 + ".pdf"


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE report (agency VARCHAR, source_url VARCHAR, received DECIMAL(38,0), "
                    "rate DOUBLE, note VARCHAR)")
        con.execute("INSERT INTO report VALUES (?, ?, 3119, 0.5, NULL), ('乙局', 'http://b.test/x|y', NULL, 2.0, 'a,b')",
                    ["淮安市人民政府", LONG_URL])
    return str(path)


QUERY = "SELECT agency, source_url, received, rate, note FROM report ORDER BY rate"


def test_table_shows_values_in_full_without_types(gongkai, warehouse):
    result = gongkai("sql", QUERY, "--warehouse", warehouse)
    assert result.code == 0 and not result.err
    assert LONG_URL in result.out
    assert "…" not in result.out
    header, rule, *_ = result.out.splitlines()
    assert header.split() == ["agency", "source_url", "received", "rate", "note"]
    assert set(rule) == {"-", " "}  # no row of column types under the header
    assert "decimal" not in result.out.lower()
    assert " 3119 " in result.out and "NULL" in result.out
    assert result.out.rstrip().endswith("(2 rows)")


def test_csv_reads_back_as_the_rows(gongkai, warehouse):
    result = gongkai("sql", QUERY, "--warehouse", warehouse, "--format", "csv")
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows == [["agency", "source_url", "received", "rate", "note"],
                    ["淮安市人民政府", LONG_URL, "3119", "0.5", ""],
                    ["乙局", "http://b.test/x|y", "", "2", "a,b"]]


def test_json_is_one_object_per_row_with_numbers_and_nulls(gongkai, warehouse):
    result = gongkai("sql", QUERY, "--warehouse", warehouse, "--format", "json")
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert rows[0] == {"agency": "淮安市人民政府", "source_url": LONG_URL, "received": 3119, "rate": 0.5, "note": None}
    assert rows[1]["received"] is None


def test_markdown_escapes_the_pipe(gongkai, warehouse):
    result = gongkai("sql", QUERY, "--warehouse", warehouse, "--format", "markdown")
    lines = result.out.splitlines()
    assert lines[0] == "| agency | source_url | received | rate | note |"
    assert r"http://b.test/x\|y" in result.out


def test_every_statement_result_is_shown(gongkai, warehouse):
    result = gongkai("sql", "SELECT 'first' AS a; SELECT 'second' AS b", "--warehouse", warehouse)
    assert result.code == 0
    assert "first" in result.out and "second" in result.out


def test_csv_of_several_statements_writes_the_last_and_says_so(gongkai, warehouse):
    result = gongkai("sql", "SELECT 'first' AS a; SELECT 'second' AS b", "--warehouse", warehouse, "--format", "csv")
    assert result.out == "b\nsecond\n"
    assert len(result.err_lines) == 1 and "last statement" in result.err


@pytest.mark.parametrize("query, words", [
    ("SELEC 1", ["Parser Error", "SELEC"]),
    ("SELECT * FROM nowhere", ["nowhere does not exist"]),
    ("SELECT 1; SELECT * FROM nowhere", ["statement 2:", "nowhere"]),
    ("CREATE TABLE x (a INT)", ["read-only"]),
    ("  ", ["no SQL statement"]),
])
def test_bad_sql_is_one_line_and_exit_2(gongkai, warehouse, query, words):
    result = gongkai("sql", query, "--warehouse", warehouse)
    assert result.code == 2 and len(result.err_lines) == 1, result.err
    assert result.err.startswith("gongkai sql: ")
    for word in words:
        assert word in result.err
    assert "LINE 1" not in result.err
