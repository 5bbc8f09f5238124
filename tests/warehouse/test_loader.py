import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import polars as pl
import pytest

from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.warehouse.loader import LoadRejected, Warehouse, WarehouseLocked


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


def warehouse_files(wh: Warehouse) -> list[str]:
    """The files beside the catalog and every year file, relative to the directory."""
    return sorted(str(p.relative_to(wh.path.parent)) for p in wh.path.parent.rglob("*")
                  if p.is_file() and "_catalogs" not in p.parts)


def listed_files(wh: Warehouse) -> list[str]:
    return sorted(f"w.duckdb.parts/{f}" for f in wh.query("SELECT file FROM part")["file"])


def test_failure_in_the_middle_of_a_load_leaves_the_previous_state(wh, parsed_factory, monkeypatch):
    wh.load_year(2022, build_frames([parsed_factory("丙局", 2022)], 2022))
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023))
    before = counts(wh)
    files_before = warehouse_files(wh)
    # 2022's new files are written, then writing 2023's fails.
    write = Warehouse._write_parts
    calls = []

    def failing(self, year, tables, token):
        calls.append(year)
        if year == 2023:
            raise OSError("disk full")
        return write(self, year, tables, token)

    monkeypatch.setattr(Warehouse, "_write_parts", failing)
    with pytest.raises(OSError, match="disk full"):
        wh.load_years({2022: build_frames([parsed_factory("丁局", 2022)], 2022),
                       2023: build_frames([parsed_factory("乙局", 2023)], 2023)})
    assert calls == [2022, 2023]
    assert counts(wh) == before
    assert wh.query("SELECT agency FROM report ORDER BY ALL")["agency"].to_list() == ["丙局", "甲局"]
    assert warehouse_files(wh) == files_before  # the new 2022 files and the staging copy are gone


def test_null_in_a_not_null_column_is_rejected_before_anything_is_written(wh, parsed_factory):
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023))
    before, files_before = counts(wh), warehouse_files(wh)
    frames = build_frames([parsed_factory("乙局", 2023)], 2023)
    broken = ReportFrames(**{**frames.tables(), "report_section": frames.report_section.with_columns(
        text=pl.lit(None, dtype=pl.Utf8))})
    with pytest.raises(LoadRejected, match="report_section.text is NULL"):
        wh.load_years({2022: build_frames([parsed_factory("丁局", 2022)], 2022), 2023: broken})
    assert counts(wh) == before
    assert warehouse_files(wh) == files_before


def test_year_files_are_exactly_the_listed_ones(wh, parsed_factory):
    for received in (1, 2, 3):
        wh.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=received)], 2023))
    files = warehouse_files(wh)
    assert [f for f in files if not f.startswith("w.duckdb.parts/")] == ["w.duckdb", "w.duckdb.lock"]
    # replaced year files are deleted once no open catalog lists them (the newest replaced
    # catalog is kept one more load, for a reader opening it at the moment of the swap)
    kept = {p.name for p in (wh.parts_dir / "_catalogs").glob("*.json")}
    assert len(kept) == 1
    previous = set(json.loads((wh.parts_dir / "_catalogs" / kept.pop()).read_text()))
    parquet = [f for f in files if f.endswith(".parquet")]
    assert set(parquet) - set(listed_files(wh)) == {
        str(Path(p).relative_to(wh.path.parent.resolve())) for p in previous if p.startswith(
            str(wh.parts_dir.resolve())) and Path(p).exists()} - set(listed_files(wh))
    assert wh.query("SELECT value FROM fact_cell WHERE row_id = 'received_new' AND col_id = 'total'"
                    )["value"].to_list() == [3.0]


def test_a_catalog_a_reader_holds_keeps_its_files(wh, parsed_factory):
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=1)], 2023))
    value = "SELECT value FROM fact_cell WHERE row_id = 'received_new' AND col_id = 'total'"
    held = duckdb.connect(str(wh.path), read_only=True)
    try:
        for received in (2, 3, 4, 5):
            wh.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=received)], 2023))
        assert held.execute(value).fetchall() == [(1.0,)]
    finally:
        held.close()
    # (DuckDB hands a process one instance per path: only now does this process see the new one)
    assert wh.query(value)["value"].to_list() == [5.0]
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=6)], 2023))
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=7)], 2023))
    # once released, its files go: left are the live files and the newest replaced catalog's
    assert len(list((wh.parts_dir / "_catalogs").glob("*.duckdb"))) == 1
    assert len(list(wh.parts_dir.glob("fact_cell/*.parquet"))) <= 2


def test_a_moved_warehouse_reads_its_own_files(wh, parsed_factory, tmp_path):
    wh.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=4)], 2023))
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in ("w.duckdb", "w.duckdb.parts"):
        (tmp_path / name).rename(moved / name)
    other = Warehouse(moved / "w.duckdb", lock_timeout=2)
    other.load_year(2022, build_frames([parsed_factory("乙局", 2022)], 2022))  # re-points the views
    assert other.query("SELECT partition_year, agency FROM report ORDER BY 1").rows() == [
        (2022, "乙局"), (2023, "甲局")]


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
        from gongkai.warehouse.loader import Warehouse
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
