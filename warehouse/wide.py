"""The wide tables t2/t3/t4_cells (one row per report, one column per cell) and the integer
index of a fact frame (report × cell) they are built from; the loader checks keys on it too."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

from gongkai.assets.form.spec import all_cells

WIDE_TABLES = ("t2", "t3", "t4")  # tables pivoted to one row per report, one column per cell
# The report's columns a wide table carries beside its cells, copied from report at load: the
# analyst views read one table, not a join of report and the cells across every year.
REPORT_COLUMNS = {"agency_id": "VARCHAR", "agency": "VARCHAR", "division": "VARCHAR",
                  "division_code": "VARCHAR", "province": "VARCHAR", "prefecture": "VARCHAR",
                  "county": "VARCHAR", "level": "VARCHAR", "agency_kind": "VARCHAR",
                  "scope": "VARCHAR", "year": "INTEGER", "format_version": "VARCHAR",
                  "is_canonical": "BOOLEAN"}


def wide_column(row_id: str, col_id: str) -> str:
    """Column name of a cell in the wide tables: ``result.denied.state_secret`` × ``total`` →
    ``result_denied_state_secret__total``."""
    return f"{row_id.replace('.', '_')}__{col_id}"


@cache
def wide_cells(table_id: str) -> tuple[tuple[str, str, str], ...]:
    """(row_id, col_id, column) of every cell of a table in any format, in spec order."""
    seen: dict[tuple[str, str], str] = {}
    for c in all_cells():
        if c.table_id == table_id and (c.row_id, c.col_id) not in seen:
            seen[(c.row_id, c.col_id)] = wide_column(c.row_id, c.col_id)
    return tuple((r, c, name) for (r, c), name in seen.items())


@cache
def cell_comments(table_id: str) -> dict[str, str]:
    """Column → the cell as the form prints it, e.g. ``t3 三（一）予以公开 × 申请人情况：总计
    (count)``; a cell the 2019 and 2021 forms word differently gives both wordings."""
    labels: dict[tuple[str, str], list[str]] = {}
    units: dict[tuple[str, str], str] = {}
    for c in all_cells():
        if c.table_id == table_id:
            label = f"{c.row_label} × {c.col_label}"
            wordings = labels.setdefault((c.row_id, c.col_id), [])
            if label not in wordings:
                wordings.append(label)
            units[(c.row_id, c.col_id)] = "万元" if c.unit == "10k_yuan" else c.unit
    return {name: f"{table_id} {' / '.join(labels[(r, c)])} ({units[(r, c)]}); NULL when empty"
            for r, c, name in wide_cells(table_id)}


def _comment(target: str, text: str) -> str:
    return f"COMMENT ON COLUMN {target} IS '" + text.replace("'", "''") + "';"


def wide_ddl(table_id: str) -> str:
    columns = ",\n    ".join([f"{name} {dtype}" for name, dtype in REPORT_COLUMNS.items()]
                             + [f'"{name}" DOUBLE' for _, _, name in wide_cells(table_id)])
    comments = "\n".join(
        [_comment(f"layout.{table_id}_cells.{name}", f"report.{name} of the report, copied at load "
                  "(the views read this table alone)") for name in REPORT_COLUMNS]
        + [_comment(f'layout.{table_id}_cells."{name}"', text)
           for name, text in cell_comments(table_id).items()])
    return f"""
CREATE OR REPLACE TABLE layout.{table_id}_cells (
    report_id VARCHAR NOT NULL,
    partition_year INTEGER NOT NULL,
    {columns}
);
COMMENT ON TABLE layout.{table_id}_cells IS 'fact_cell of table {table_id} pivoted: one row per report, one column per cell (<row_id>__<col_id>, dots as _), with the report''s columns the views read (agency, division, year, is_canonical …); rebuilt with its year';
{comments}
"""


# A column of each wide table to show what its names look like.
_EXAMPLE = {"t2": "fees__amount_10k_yuan", "t3": "received_new__total", "t4": "review__corrected"}


def wide_views(table_id: str) -> str:
    # {t}_wide counts each agency's own figures only (scope own, 本级); {t}_wide_all_scopes
    # adds the areas' aggregates (汇总), which sum the own reports again.
    cols_sql = ", ".join(f'"{name}"' for _, _, name in wide_cells(table_id))
    comments = "\n".join(_comment(f'{table_id}_wide."{name}"', text)
                         for name, text in cell_comments(table_id).items())
    return f"""
CREATE OR REPLACE VIEW {table_id}_wide_all_scopes AS
SELECT report_id, agency_id, agency, division, division_code, province, prefecture,
       county, level, agency_kind, coalesce(scope, 'own') AS scope, year,
       format_version, {cols_sql}
FROM {table_id}_cells
WHERE is_canonical;
COMMENT ON VIEW {table_id}_wide_all_scopes IS 'As {table_id}_wide, for reports of every scope: own (本级) and aggregate (汇总, a whole area summed again): filter on scope, or sums count twice';
CREATE OR REPLACE VIEW {table_id}_wide AS
SELECT * FROM {table_id}_wide_all_scopes WHERE scope = 'own';
COMMENT ON VIEW {table_id}_wide IS 'One row per agency and year (its canonical own report, scope own: 本级), one column per {table_id} cell: <row_id>__<col_id> with dots as _, e.g. {_EXAMPLE[table_id]}; the areas'' aggregates (汇总) are in {table_id}_wide_all_scopes';
{comments}
"""


@dataclass(frozen=True)
class CellIndex:
    tables: list[str]
    rows: list[str]
    cols: list[str]
    lut: np.ndarray          # [table, row, col] code → cell code, -1 where not a spec cell
    n: int                   # number of cell codes
    wide: dict[str, tuple[np.ndarray, list[str]]]  # table → (cell code → column, -1), names


@cache
def cell_index() -> CellIndex:
    codes: dict[tuple[str, str, str], int] = {}
    for c in all_cells():
        codes.setdefault((c.table_id, c.row_id, c.col_id), len(codes))
    tables = sorted({k[0] for k in codes})
    rows = sorted({k[1] for k in codes})
    cols = sorted({k[2] for k in codes})
    # one extra slot on each axis for values outside the spec (cast to NULL, filled with it)
    lut = np.full((len(tables) + 1, len(rows) + 1, len(cols) + 1), -1, dtype=np.int32)
    for (t, r, c), code in codes.items():
        lut[tables.index(t), rows.index(r), cols.index(c)] = code
    wide = {}
    for table_id in WIDE_TABLES:
        to_column = np.full(len(codes), -1, dtype=np.int32)
        names = []
        for i, (r, c, name) in enumerate(wide_cells(table_id)):
            to_column[codes[(table_id, r, c)]] = i
            names.append(name)
        wide[table_id] = (to_column, names)
    return CellIndex(tables, rows, cols, lut, len(codes), wide)


@dataclass
class FactIndex:
    report: np.ndarray       # row → report position (0 … n_reports-1)
    report_ids: pl.Series    # report position → report_id
    cell: np.ndarray         # row → cell code, -1 outside the spec


def fact_index(fact: pl.DataFrame) -> FactIndex:
    """Integer positions of each fact row's report and cell: cheap where the frame comes grouped
    by report (as build_frames writes it), a hash join where it does not."""
    idx = cell_index()
    axes = []
    for name, values in (("table_id", idx.tables), ("row_id", idx.rows), ("col_id", idx.cols)):
        axes.append(fact[name].cast(pl.Enum(values), strict=False).to_physical()
                    .fill_null(len(values)).to_numpy().astype(np.int64))
    cell = idx.lut[axes[0], axes[1], axes[2]]
    rid = fact["report_id"]
    starts = (rid != rid.shift(1)).fill_null(True)
    firsts = rid.filter(starts)
    if not firsts.is_duplicated().any():  # each report's rows are contiguous
        report = (starts.cast(pl.Int64).cum_sum() - 1).to_numpy()
        return FactIndex(report, firsts, cell)
    ids = rid.unique(maintain_order=True)
    positions = pl.DataFrame({"report_id": ids}).with_row_index("_r")
    report = fact.select("report_id").join(positions, on="report_id", how="left",
                                           maintain_order="left")["_r"].to_numpy().astype(np.int64)
    return FactIndex(report, ids, cell)


def wide_frame(fact: pl.DataFrame, index: FactIndex, table_id: str, partition_year: int) -> pl.DataFrame:
    """One row per report with a cell of the table (its REPORT_COLUMNS are joined on by the loader)."""
    to_column, names = cell_index().wide[table_id]
    schema = {"report_id": pl.Utf8, "partition_year": pl.Int32, **{n: pl.Float64 for n in names}}
    known = index.cell >= 0
    column = np.full(len(index.cell), -1, dtype=np.int32)
    column[known] = to_column[index.cell[known]]
    hit = column >= 0
    if not hit.any():
        return pl.DataFrame(schema=schema)
    grid = np.full((len(index.report_ids), len(names)), np.nan)
    grid[index.report[hit], column[hit]] = fact["value"].to_numpy()[hit]
    present = np.zeros(len(index.report_ids), dtype=bool)
    present[index.report[hit]] = True
    # NaN marks an absent or empty cell: NULL in the table, as the pivot of fact_cell gives it.
    values = pl.from_numpy(grid[present], schema=names, orient="row").fill_nan(None)
    return pl.concat([
        pl.DataFrame({"report_id": index.report_ids.filter(pl.Series(present)),
                      "partition_year": pl.repeat(partition_year, int(present.sum()), dtype=pl.Int32,
                                                  eager=True)}),
        values], how="horizontal")
