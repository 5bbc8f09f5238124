"""Export the warehouse as Parquet for tools that do not speak DuckDB.

    DIR/fact_cell/year=2023/data_0.parquet   fact cells with their report and agency columns,
                                             hive-partitioned by the year partition
    DIR/report.parquet, agency.parquet, cell.parquet, check_result.parquet

Read from a read-only connection on the live snapshot (a load running meanwhile is not seen
and does not block the export); written into a temporary directory beside DIR and moved in
table by table, so a reader of DIR never sees a half-written table.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from gongkai.warehouse.connect import read_only

FACTS = """
SELECT r.partition_year AS year, f.report_id, f.table_id, f.row_id, f.col_id, f.value, f.raw,
       r.year AS report_year, r.agency_id, r.agency, r.division, r.division_code, r.province,
       r.prefecture, r.county, r.level, r.agency_kind, r.format_version, r.is_canonical
FROM fact_cell f JOIN report r USING (report_id)
ORDER BY year, f.report_id, f.table_id, f.row_id, f.col_id
"""
TABLES = ("report", "agency", "cell", "check_result")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(warehouse: Path, directory: Path, lock_timeout: float = 120.0) -> dict[str, int]:
    """Write the facts (partitioned by year) and the report, agency, cell and check tables of
    the warehouse file; return rows written per table."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=directory, prefix=".export-") as tmp:
        staging = Path(tmp)
        with read_only(warehouse, lock_timeout) as con:
            con.execute(f"COPY ({FACTS}) TO {_quote(staging / 'fact_cell')} "
                        "(FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)")
            counts["fact_cell"] = con.execute("SELECT count(*) FROM fact_cell").fetchone()[0]
            for table in TABLES:
                con.execute(f"COPY {table} TO {_quote(staging / (table + '.parquet'))} (FORMAT parquet)")
                counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for name in ["fact_cell", *(t + ".parquet" for t in TABLES)]:
            target = directory / name
            if target.is_dir():
                shutil.rmtree(target)
            (staging / name).replace(target)
    return counts
