import subprocess
import sys
import textwrap

import duckdb
import polars as pl
import pytest

from assets.report.frames import ReportFrames, build_frames
from warehouse.loader import LoadRejected, Warehouse, WarehouseLocked


def counts(wh: Warehouse) -> dict[str, int]:
    return {t: wh.query(f"SELECT count(*) AS n FROM {t}")["n"][0]
            for t in ("report", "fact_cell", "report_section", "check_result")}


@pytest.fixture
def wh(tmp_path):
    w = Warehouse(tmp_path / "w.duckdb", lock_timeout=2)
    w.setup()
    return w


def test_cell_dimension_holds_every_spec_cell(wh):
    got = wh.query("SELECT formats, count(*) AS n FROM cell GROUP BY formats ORDER BY formats")
    assert dict(got.iter_rows()) == {"2019": 29, "2021": 31, "both": 169}  # 198 and 200 cells


def test_loading_a_year_twice_leaves_the_same_rows(wh, parsed_factory):
    frames = build_frames([parsed_factory("甲局", 2023), parsed_factory("乙局", 2023)], 2023)
    wh.load_year(2023, frames)
    first = counts(wh)
    wh.load_year(2023, frames)
    assert counts(wh) == first == {"report": 2, "fact_cell": 400, "report_section": 2, "check_result": 2}


def test_reloading_a_year_replaces_that_year_and_nothing_else(wh, parsed_factory):
    wh.load_year(2022, build_frames([parsed_factory("甲局", 2022)], 2022))
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023), parsed_factory("乙局", 2023)], 2023))
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=9)], 2023))
    got = wh.query("SELECT partition_year, agency FROM report ORDER BY ALL")
    assert got.rows() == [(2022, "甲局"), (2023, "甲局")]
    value = wh.query("SELECT value FROM fact_cell WHERE year = 2023 AND row_id = 'received_new' AND col_id = 'total'")
    assert value["value"].to_list() == [9.0]


def test_repeated_fact_key_is_rejected_and_leaves_the_previous_state(wh, parsed_factory):
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023))
    before = counts(wh)
    frames = build_frames([parsed_factory("乙局", 2023)], 2023)
    broken = ReportFrames(**{**frames.tables(), "fact_cell": frames.fact_cell.vstack(frames.fact_cell.head(1))})
    with pytest.raises(LoadRejected, match="repeats"):
        wh.load_year(2023, broken)
    assert counts(wh) == before
    assert wh.query("SELECT agency FROM report")["agency"].to_list() == ["甲局"]


def test_failure_in_the_middle_of_a_load_leaves_the_previous_state(wh, parsed_factory):
    wh.load_year(2022, build_frames([parsed_factory("丙局", 2022)], 2022))
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023))
    before = counts(wh)
    frames = build_frames([parsed_factory("乙局", 2023)], 2023)
    # A section row without text breaks a NOT NULL constraint after report and fact_cell went in.
    broken = ReportFrames(**{**frames.tables(), "report_section": frames.report_section.with_columns(
        text=pl.lit(None, dtype=pl.Utf8))})
    with pytest.raises(duckdb.ConstraintException):
        wh.load_years({2022: build_frames([parsed_factory("丁局", 2022)], 2022), 2023: broken})
    assert counts(wh) == before
    assert wh.query("SELECT agency FROM report ORDER BY ALL")["agency"].to_list() == ["丙局", "甲局"]
    assert sorted(p.name for p in wh.path.parent.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_empty_parse_does_not_wipe_a_loaded_year(wh, parsed_factory):
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023))
    summary = wh.load_year(2023, ReportFrames.empty())
    assert summary.skipped_reason and "kept the 1" in summary.skipped_reason
    assert counts(wh)["report"] == 1


def test_unreadable_document_is_recorded_with_its_reason(wh, parsed_factory):
    frames = build_frames([parsed_factory("甲局", 2023, error="encrypted PDF")], 2023)
    wh.load_year(2023, frames)
    row = wh.query("SELECT error, is_canonical, canonical_reason, cells_read FROM report").row(0, named=True)
    assert row == {"error": "encrypted PDF", "is_canonical": False, "canonical_reason": "unreadable: encrypted PDF",
                   "cells_read": 0}


def hold(code: str) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_second_writer_waits_then_fails_with_a_clear_message(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse(path).setup()
    holder = hold(f"""
        import time
        from warehouse.loader import Warehouse
        with Warehouse({str(path)!r}).writer():
            print("locked", flush=True)
            time.sleep(30)
    """)
    try:
        with pytest.raises(WarehouseLocked, match="a load holds"):
            Warehouse(path, lock_timeout=1).setup()
        with Warehouse(path).connect() as con:  # readers are not kept out by a load
            assert con.execute("SELECT count(*) FROM cell").fetchone()[0] == 229
    finally:
        holder.kill()
        holder.wait()
    Warehouse(path, lock_timeout=5).setup()  # free again once the holder is gone


def test_read_write_session_on_the_live_file_makes_a_load_wait_then_fail(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse(path).setup()
    holder = hold(f"""
        import duckdb, time
        con = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        time.sleep(30)
    """)
    try:
        with pytest.raises(WarehouseLocked, match="open analyst sessions read-only"):
            Warehouse(path, lock_timeout=1).setup()
    finally:
        holder.kill()
        holder.wait()
    with Warehouse(path, lock_timeout=5).connect() as con:
        assert con.execute("SELECT count(*) FROM cell").fetchone()[0] == 229


def test_tables_and_columns_explain_themselves(wh):
    missing = wh.query("SELECT table_name FROM duckdb_tables() WHERE comment IS NULL OR comment = ''")
    assert missing.is_empty()
    described = wh.query(
        "SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'report' AND comment IS NOT NULL")
    assert described["n"][0] >= 10
