"""`gongkai export --parquet DIR`: facts partitioned by year, report and agency tables beside."""

from __future__ import annotations

import polars as pl

from gongkai.assets.report.frames import build_frames
from gongkai.pipelines.cli import main
from gongkai.warehouse.loader import Warehouse


def test_export_writes_facts_partitioned_by_year_and_the_tables(tmp_path, parsed_factory, capsys):
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.load_years({
        2022: build_frames([parsed_factory("甲局", 2022)], 2022),
        2023: build_frames([parsed_factory("甲局", 2023, received=5), parsed_factory("乙局", 2023)], 2023),
    })
    out = tmp_path / "export"
    assert main(["export", "--parquet", str(out), "--warehouse", str(wh.path)]) == 0
    assert "fact_cell: 600 rows" in capsys.readouterr().out
    assert sorted(p.name for p in (out / "fact_cell").iterdir()) == ["year=2022", "year=2023"]
    facts = pl.read_parquet(out / "fact_cell" / "**" / "*.parquet", hive_partitioning=True)
    assert facts.group_by("year").len().sort("year").rows() == [(2022, 200), (2023, 400)]
    assert {"agency", "agency_id", "report_year", "is_canonical", "value", "raw"} <= set(facts.columns)
    received = facts.filter((pl.col("row_id") == "received_new") & (pl.col("col_id") == "total")
                            & (pl.col("agency") == "甲局") & (pl.col("year") == 2023))
    assert received["value"].to_list() == [5.0]
    assert pl.read_parquet(out / "report.parquet").height == 3
    assert pl.read_parquet(out / "agency.parquet")["name"].sort().to_list() == ["乙局", "甲局"]
    # exporting again replaces, never duplicates
    assert main(["export", "--parquet", str(out), "--warehouse", str(wh.path)]) == 0
    assert pl.read_parquet(out / "fact_cell" / "**" / "*.parquet").height == 600
    assert not [p for p in out.iterdir() if p.name.startswith(".export-")]
