"""Analysts read the warehouse's meaning from the database itself (duckdb_columns(),
duckdb_views()): every table, view and column they see carries a comment, before the first
load and after one, and the wide views' examples name their own columns."""

from __future__ import annotations

import re

import pytest

from gongkai.assets.report.frames import build_frames
from gongkai.warehouse.loader import Warehouse

RELATIONS = """
    SELECT table_name AS name, comment FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal
    UNION ALL
    SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal
"""


def uncommented(wh: Warehouse) -> tuple[list[str], list[str]]:
    relations = wh.query(f"SELECT name FROM ({RELATIONS}) WHERE coalesce(trim(comment), '') = '' "
                         "ORDER BY name")["name"].to_list()
    columns = wh.query(f"""
        SELECT c.table_name || '.' || c.column_name AS name
        FROM duckdb_columns() c JOIN ({RELATIONS}) r ON r.name = c.table_name
        WHERE c.schema_name = 'main' AND coalesce(trim(c.comment), '') = ''
        ORDER BY name""")["name"].to_list()
    return relations, columns


@pytest.fixture
def wh(tmp_path):
    return Warehouse(tmp_path / "w.duckdb", lock_timeout=5)


def test_every_table_view_and_column_has_a_comment_before_any_load(wh):
    wh.setup()
    assert uncommented(wh) == ([], [])


def test_every_table_view_and_column_has_a_comment_after_a_load(wh, parsed_factory):
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023))
    relations, columns = uncommented(wh)
    assert relations == []
    assert columns == []
    # the views analysts start from are among those checked
    seen = set(wh.query(f"SELECT name FROM ({RELATIONS})")["name"])
    assert {"applications", "outcomes", "review_litigation", "coverage", "check_failures", "report",
            "t2_wide", "t3_wide", "t4_wide", "disclosure_rate", "section_repetition"} <= seen


def test_wide_views_name_one_of_their_own_columns_as_example(wh):
    wh.setup()
    for table in ("t2", "t3", "t4"):
        comment = wh.query(f"SELECT comment FROM duckdb_views() WHERE view_name = '{table}_wide'").item()
        example = re.search(r"e\.g\. (\w+)", comment).group(1)
        columns = wh.query(f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}_wide'")
        assert example in columns["column_name"].to_list(), (table, example)


def test_a_cell_column_says_which_printed_cell_it_is(wh):
    wh.setup()
    comment = wh.query("SELECT comment FROM duckdb_columns() WHERE table_name = 't2_wide' "
                       "AND column_name = 'fees__amount_10k_yuan'").item()
    assert "行政事业性收费" in comment and "万元" in comment
