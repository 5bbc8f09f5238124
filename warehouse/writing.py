"""The one writing path of the warehouse, whatever holds it: the local DuckDB catalog with its
year files (loader.py) or the DuckLake lake of the cluster profile (lake.py).

Every load goes through `Sink.load_years`: the same frames, the same checks (keys, NOT NULL,
the partition), the same tables, columns, types and comments (schema.sql), the same analyst
views (views.sql, metrics.sql, the wide tables) and the same tables derived across reports (the
agency dimension and the cross-year checks: `refresh_derived`). A sink supplies
only what differs — where the rows of a year go, and how one transaction is made visible at
once — through the hooks `_write`, `_define_tables`, `_reports_loaded`, `_rows_where` and `_replace`.
"""

from __future__ import annotations

import hashlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypeVar

import duckdb
import numpy as np
import polars as pl

from gongkai.assets.form.rules import RULES
from gongkai.assets.form.spec import all_cells
from gongkai.assets.report.frames import ReportFrames, with_agency_keys
from gongkai.warehouse.comments import inherit_column_comments, share_scope_comments
from gongkai.warehouse.wide import (
    REPORT_COLUMNS,
    WIDE_TABLES,
    FactIndex,
    cell_index,
    fact_index,
    wide_cells,
    wide_ddl,
    wide_frame,
    wide_views,
)

log = logging.getLogger(__name__)

# Tables partitioned by year (schema.sql: layout.<table>): a load replaces a year of each.
PARTITIONED = ("report", "fact_cell", "report_section", "check_result", "narrative_figure",
               *(f"{t}_cells" for t in WIDE_TABLES))
# Keys the loader checks (neither sink enforces them: Parquet files and DuckLake have none).
_KEYS = {"report": ["report_id"], "report_section": ["report_id", "section_id"]}
# Columns of report copied at load onto the tables the views read with them, so a view reads
# one table instead of joining report across every year (the lake at national size: seconds).
COPIED = {**{f"{t}_cells": tuple(REPORT_COLUMNS) for t in WIDE_TABLES},
           "check_result": ("agency_id", "agency", "year", "is_canonical", "title", "source_url")}
# Tables the loader fills from the reports each load touches (refresh_derived): views before.
_FILLED = ("cross_year_check", "section_repetition")
_DERIVED = ("agency.sql", "cross_year.sql", "section_repetition.sql",  # what refresh_derived runs
            "report_repetition.sql")
# The analyst's views, in order: metrics.sql reads the views of views.sql.
VIEW_FILES = ("views.sql", "metrics.sql")
_POLARS_TYPES = {"VARCHAR": pl.Utf8, "INTEGER": pl.Int32, "BIGINT": pl.Int64, "DOUBLE": pl.Float64,
                 "BOOLEAN": pl.Boolean, "TIMESTAMP": pl.Datetime("us"), "VARCHAR[]": pl.List(pl.Utf8)}

Layout = dict[str, dict[str, tuple[pl.DataType, bool]]]
T = TypeVar("T")


class LoadRejected(ValueError):
    """The frames of a year break a key or a NOT NULL column of the warehouse; nothing was loaded."""


@dataclass(frozen=True)
class LoadSummary:
    partition_year: int
    reports: int
    canonical: int
    cells: int
    checks_failed: int
    replaced_reports: int
    skipped_reason: str | None = None


def sql(name: str) -> str:
    return resources.files("gongkai.warehouse").joinpath(name).read_text(encoding="utf-8")


def quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


class Sink(ABC):
    """A warehouse: reading on read-only connections, writing through `load_years` only."""

    lock_timeout: float

    # -- what a sink provides ------------------------------------------------------------------

    @abstractmethod
    def connect(self, read_only: bool = True) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection on which the warehouse's tables and views answer by their names."""

    @abstractmethod
    def _write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run `work` in one transaction that readers see whole or not at all."""

    @abstractmethod
    def _define_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        """The tables of schema.sql (the year-partitioned ones from layout.<table>)."""

    @abstractmethod
    def _reports_loaded(self, con: duckdb.DuckDBPyConnection, partition_year: int,
                        shard: str | None) -> int:
        """Report rows now held for the year (and shard)."""

    @abstractmethod
    def _rows_where(self, partition_year: int, shard: str | None) -> tuple[str, list]:
        """The condition (and its parameters) on a partitioned table's rows of the year (and shard)."""

    @abstractmethod
    def _replace(self, con: duckdb.DuckDBPyConnection, partition_year: int, shard: str | None,
                 tables: dict[str, pl.DataFrame]) -> None:
        """Make `tables` (checked, shaped like layout.<table>) the rows of the year (and shard)."""

    view_column_comments = True  # whether the sink keeps a comment on each column of a view

    def _define_views(self, con: duckdb.DuckDBPyConnection, ddl: str) -> None:
        """Run the statements of a views file (views, their comments)."""
        con.execute(ddl)

    def _after_replace(self, con: duckdb.DuckDBPyConnection) -> None:
        """Anything to redo once the years are replaced, before the agency dimension."""

    @abstractmethod
    def _copy_report_columns(self, con: duckdb.DuckDBPyConnection, years: list[int],
                             layout: Layout) -> None:
        """Set report's copied columns (`COPIED`) on the rows of `years` loaded without them."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the warehouse is, for logs and run metadata (never a password)."""

    # -- reading ---------------------------------------------------------------------------

    def query(self, sql_text: str, params: list | None = None) -> pl.DataFrame:
        """Run a query on a read-only connection and return a polars frame."""
        with self.connect(read_only=True) as con:
            relation = con.sql(sql_text, params=params or None)
            if relation is None:  # a statement that returns no rows
                return pl.DataFrame()
            return relation.pl()

    # -- writing ---------------------------------------------------------------------------

    def setup(self) -> None:
        """Create the tables and views (idempotent) and load the cell dimension from the spec."""
        self._write(self._setup)

    def _setup(self, con: duckdb.DuckDBPyConnection) -> None:
        """Tables, views and the cell dimension, unless the warehouse already has them as
        this code defines them (the hash of the DDL is kept in ``schema_version``)."""
        version = _schema_version()
        try:
            current = con.execute("SELECT version FROM schema_version").fetchone()
        except duckdb.CatalogException:
            current = None
        if current and current[0] == version:
            return
        for name in _FILLED:  # a view before it was a table the loader fills
            if con.execute("SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() "
                           "AND view_name = ?", [name]).fetchone()[0]:
                con.execute(f"DROP VIEW {name}")
        self._define_tables(con)
        _sum_repetition_of_earlier_loads(con)
        years = stale_years(con)
        if years:  # a warehouse loaded before the views read the wide tables alone
            log.info("copying report columns onto the wide tables and checks of %s", years)
            self._copy_report_columns(con, years, _layout(con))
            self._after_replace(con)
        for table_id in WIDE_TABLES:
            self._define_views(con, wide_views(table_id))
        for name in VIEW_FILES:
            self._define_views(con, sql(name))
        if self.view_column_comments:
            share_scope_comments(con)
        inherit_column_comments(con, "main", views=self.view_column_comments)
        cells = pl.DataFrame([c.__dict__ for c in all_cells()]).select(
            "table_id", "row_id", "col_id", "row_label", "col_label", "unit", "formats")
        con.execute("DELETE FROM cell")
        con.register("spec_cells", cells.to_arrow())
        con.execute("INSERT INTO cell BY NAME SELECT * FROM spec_cells")
        con.unregister("spec_cells")
        _load_rules(con)
        con.execute("CREATE OR REPLACE TABLE schema_version (version VARCHAR NOT NULL)")
        con.execute("COMMENT ON TABLE schema_version IS 'Hash of the DDL (schema.sql, views.sql, "
                    "metrics.sql, cells) this warehouse was set up with; the loader re-applies it on change'")
        con.execute("COMMENT ON COLUMN schema_version.version IS 'The hash (16 hex digits)'")
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
        refresh_derived(con, None)  # the rules, or how agencies are derived, may have changed

    def load_year(self, partition_year: int, frames: ReportFrames, *, run_id: str | None = None,
                  allow_empty: bool = False, shard: str | None = None) -> LoadSummary:
        """Replace one year partition with `frames`, all in one transaction (see load_years)."""
        return self.load_years({partition_year: frames}, run_id=run_id, allow_empty=allow_empty,
                               shard=shard)[0]

    def load_years(self, frames_by_year: Mapping[int, ReportFrames], *, run_id: str | None = None,
                   allow_empty: bool = False, shard: str | None = None) -> list[LoadSummary]:
        """Replace each year partition with its frames, all in one transaction.

        With `shard`, only the year's rows of that shard are replaced (a sink that holds
        shards: the lake). Re-running a year replaces its rows and nothing else; a failure
        leaves the previous state of every year. An empty frame does not wipe a year that has
        reports unless `allow_empty`: a crawl that found nothing is more often a portal outage
        than a retraction.
        """

        def work(con: duckdb.DuckDBPyConnection) -> list[LoadSummary]:
            self._setup(con)
            layout = _layout(con)
            changed: list[pl.DataFrame] = []  # report rows removed or added
            summaries = [self._load_one(con, year, frames_by_year[year], run_id, allow_empty,
                                        shard, layout, changed)
                         for year in sorted(frames_by_year)]
            if any(s.skipped_reason is None for s in summaries):
                self._after_replace(con)
                refresh_derived(con, pl.concat(changed))
            return summaries

        return self._write(work)

    def _load_one(self, con: duckdb.DuckDBPyConnection, partition_year: int, frames: ReportFrames,
                  run_id: str | None, allow_empty: bool, shard: str | None,
                  layout: Layout, changed: list[pl.DataFrame]) -> LoadSummary:
        existing = self._reports_loaded(con, partition_year, shard)
        if frames.report.is_empty() and existing and not allow_empty:
            where = f"{partition_year}" + (f" (shard {shard})" if shard is not None else "")
            reason = f"no reports parsed for {where}; kept the {existing} already loaded"
            log.warning(reason)
            return LoadSummary(partition_year, existing, 0, 0, 0, 0, skipped_reason=reason)
        tables = _conform(partition_year, frames, layout)
        if existing:
            where, params = self._rows_where(partition_year, shard)
            changed.append(_changed(con.execute(
                f"SELECT report_id, agency_id, year FROM report WHERE {where}", params).pl()))
        changed.append(_changed(tables["report"]))
        self._replace(con, partition_year, shard, tables)
        con.execute("INSERT INTO load_log VALUES (?, now()::TIMESTAMP, ?, ?, ?)",
                    [partition_year, frames.report.height, frames.fact_cell.height, run_id])
        checks = frames.check_result
        return LoadSummary(
            partition_year=partition_year,
            reports=frames.report.height,
            canonical=int(frames.report["is_canonical"].sum() or 0),
            cells=frames.fact_cell.height,
            checks_failed=int((checks["passed"] == False).sum() or 0),  # NULL stays out
            replaced_reports=existing,
        )


def refresh_derived(con: duckdb.DuckDBPyConnection, changed: pl.DataFrame | None) -> None:
    """Bring the tables derived from report rows across years and shards — the agency
    dimension (agency.sql), the cross-year checks (cross_year.sql) and the repetition of last
    year's text (section_repetition.sql, report_repetition.sql) — up to date for the reports in
    `changed` (report_id, agency_id, year of every report row a load removed or added: their
    agencies, and the pairs of years they are part of); None: for every report.

    Only the touched reports: recomputing them over every report cost a national load
    seconds per commit, and views computing them at query time joined fact_cell to itself
    across years, or split every section's text (seconds a query on the national lake)."""
    if changed is None:
        changed = _changed(con.execute("SELECT report_id, agency_id, year FROM report").pl())
        partitions = "TRUE"
    else:
        partitions = _partitions_read(con, changed)
    con.register("changed_report", changed.to_arrow())
    con.register("changed_agency", changed.select("agency_id").drop_nulls().unique().to_arrow())
    try:
        con.execute(sql("agency.sql"))
        con.execute(sql("cross_year.sql").replace("{cells}", _cross_year_cells(partitions)))
        con.execute(sql("section_repetition.sql"))
        con.execute(sql("report_repetition.sql"))
    finally:
        con.unregister("changed_report")
        con.unregister("changed_agency")


def _sum_repetition_of_earlier_loads(con: duckdb.DuckDBPyConnection) -> None:
    """report_repetition for a warehouse whose section_repetition was filled before that table
    existed (it is created empty): every report's sections summed once, on setup."""
    if con.execute("SELECT EXISTS (FROM section_repetition) AND NOT EXISTS (FROM report_repetition)"
                   ).fetchone()[0]:
        con.register("changed_report", con.execute(
            "SELECT DISTINCT report_id, agency_id, year FROM section_repetition").pl().to_arrow())
        try:
            con.execute(sql("report_repetition.sql"))
        finally:
            con.unregister("changed_report")


def _changed(report: pl.DataFrame) -> pl.DataFrame:
    return report.select(pl.col("report_id").cast(pl.Utf8), pl.col("agency_id").cast(pl.Utf8),
                         pl.col("year").cast(pl.Int32))


def _cross_year_cells(partitions: str) -> str:
    """The cells the cross-year rules read, as rows (report_id, table_id, row_id, col_id,
    value) where `partitions` holds: each from its column of the wide table (fact_cell for a
    cell no wide table has), which reads a column of one row a report, not fact_cell."""
    wide = {(t, r, c): name for t in WIDE_TABLES for r, c, name in wide_cells(t)}
    cells = sorted({(t.table_id, t.row_id, t.col_id) for rule in RULES if rule.scope == "cross_year"
                    for comparison in rule.comparisons for t in comparison.terms})
    selects = []
    for table_id, row_id, col_id in cells:
        key = f"{quote(table_id)} AS table_id, {quote(row_id)} AS row_id, {quote(col_id)} AS col_id"
        if (table_id, row_id, col_id) in wide:
            selects.append(f'SELECT f.report_id, {key}, f."{wide[(table_id, row_id, col_id)]}" AS value '
                           f"FROM {table_id}_cells f WHERE {partitions}")
        else:
            selects.append(f"SELECT f.report_id, {key}, f.value FROM fact_cell f WHERE {partitions} "
                           f"AND f.table_id = {quote(table_id)} AND f.row_id = {quote(row_id)} "
                           f"AND f.col_id = {quote(col_id)}")
    if not selects:
        return ("SELECT NULL::VARCHAR AS report_id, NULL::VARCHAR AS table_id, NULL::VARCHAR AS row_id, "
                "NULL::VARCHAR AS col_id, NULL::DOUBLE AS value WHERE false")
    return "\n    UNION ALL ".join(selects)


def _partitions_read(con: duckdb.DuckDBPyConnection, changed: pl.DataFrame) -> str:
    """The condition on the partitions the cross-year pairs of `changed` read: those holding
    reports of the changed years and the years either side, as literals (a scan skips other
    years' files on a literal, not on a join)."""
    years = sorted({y + d for y in changed["year"].drop_nulls().to_list() for d in (-1, 0, 1)})
    partitions = con.execute(
        "SELECT list(DISTINCT partition_year ORDER BY partition_year) FROM report "
        "WHERE year IN (SELECT unnest(?::INTEGER[]))", [years]).fetchone()[0] if years else None
    if not partitions:
        return "FALSE"
    return f"f.partition_year IN ({', '.join(str(int(p)) for p in partitions)})"


def layout_ddl() -> Iterator[str]:
    """schema.sql and the wide tables' DDL: every table, layout.<table> for the partitioned ones."""
    yield sql("schema.sql")
    for table_id in WIDE_TABLES:
        yield wide_ddl(table_id)


def _conform(partition_year: int, frames: ReportFrames, layout: Layout) -> dict[str, pl.DataFrame]:
    """The frames shaped like the layout tables: keys and NOT NULL checked, partition_year
    added where the table carries it, types cast, columns the table lacks dropped (those
    the frame lacks load NULL)."""
    report = with_agency_keys(frames.report)
    if not report.is_empty() and (report["partition_year"] != partition_year).any():
        raise LoadRejected(f"frames for {partition_year} hold reports of another partition")
    fact = frames.fact_cell
    index = fact_index(fact)
    _check_fact_key(fact, index)
    tables = {"report": report, **{k: v for k, v in frames.tables().items() if k != "report"}}
    for table_id in WIDE_TABLES:
        tables[f"{table_id}_cells"] = wide_frame(fact, index, table_id, partition_year)
    out = {}
    for name, frame in with_copied_columns(tables).items():
        if name in _KEYS:
            _require_unique(frame, _KEYS[name], name)
        out[name] = shaped(name, frame, partition_year, layout)
    return out


def with_copied_columns(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The tables of a year with report's columns (`COPIED`) set from tables["report"]."""
    report = tables["report"]
    out = dict(tables)
    for name, columns in COPIED.items():
        if name in out:
            out[name] = out[name].drop(columns, strict=False).join(
                report.select("report_id", *columns), on="report_id", how="left", maintain_order="left")
    return out


def shaped(name: str, frame: pl.DataFrame, partition_year: int, layout: Layout) -> pl.DataFrame:
    """`frame` with the columns and types of layout.<name> (NOT NULL checked)."""
    columns = layout[name]
    if "partition_year" in columns and "partition_year" not in frame.columns:
        frame = frame.with_columns(partition_year=pl.lit(partition_year, dtype=pl.Int32))
    frame = frame.select([
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(dtype).alias(c)
        for c, (dtype, _) in columns.items()])
    for c, (_, not_null) in columns.items():
        if not_null and frame[c].null_count():
            raise LoadRejected(f"{name}.{c} is NULL in {frame[c].null_count()} row(s) of "
                               f"{partition_year}; nothing was loaded")
    return frame


def stale_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years holding rows loaded before report's columns were copied onto their table (the
    copied is_canonical is NULL: report.is_canonical never is)."""
    union = " UNION ".join(f"SELECT DISTINCT partition_year FROM {name} WHERE is_canonical IS NULL"
                           for name in COPIED)
    return [y for (y,) in con.execute(f"SELECT partition_year FROM ({union}) ORDER BY 1").fetchall()]


def _check_fact_key(fact: pl.DataFrame, index: FactIndex) -> None:
    """The key (report_id, table_id, row_id, col_id) is unique: counted on integer positions
    for spec cells, compared as strings for the (rare) cells outside the spec."""
    keys = ["report_id", "table_id", "row_id", "col_id"]
    known = index.cell >= 0
    n = cell_index().n
    counts = np.bincount(index.report[known] * n + index.cell[known],
                         minlength=len(index.report_ids) * n)
    unknown = fact.filter(pl.Series(~known))
    if counts.max(initial=0) > 1 or (unknown.height and unknown.select(keys).is_duplicated().any()):
        _require_unique(fact, keys, "fact_cell")


def _require_unique(frame: pl.DataFrame, keys: list[str], table: str) -> None:
    """Neither sink has a PRIMARY KEY on these tables (an index over tens of millions of rows
    slows every load and scan); keys are checked here, before anything is written."""
    if frame.is_empty():
        return
    dupes = frame.select(keys).is_duplicated()
    if dupes.any():
        example = frame.filter(dupes).select(keys).row(0)
        raise LoadRejected(f"{table}: key {dict(zip(keys, example))} repeats; nothing was loaded")


def _layout(con: duckdb.DuckDBPyConnection) -> Layout:
    """Columns of each layout table: name → (polars type, NOT NULL), in table order."""
    out: Layout = {}
    for table, column, dtype, nullable in con.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE schema_name = 'layout' ORDER BY table_name, column_index").fetchall():
        out.setdefault(table, {})[column] = (_POLARS_TYPES[dtype], not nullable)
    return out


@cache
def _schema_version() -> str:
    text = "".join(layout_ddl()) + "".join(sql(name) for name in (*VIEW_FILES, *_DERIVED)) + "".join(
        wide_views(t) for t in WIDE_TABLES)
    text += "".join(repr(c) for c in all_cells())
    text += "".join(repr((r.name, r.description, r.soft, r.scope, r.result_names, r.comparisons))
                    for r in RULES)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _load_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Tables rule and rule_term from the form's registry (views and asset checks read them)."""
    con.execute("DELETE FROM rule")
    con.execute("DELETE FROM rule_term")
    con.executemany("INSERT INTO rule VALUES (?, ?, ?, ?, ?)",
                    [[r.name, r.description, r.soft, r.scope, list(r.result_names)] for r in RULES])
    terms = [[r.name, c.row_id, c.col_id, t.side, t.years_back, t.table_id, t.row_id, t.col_id,
              t.sign] for r in RULES for c in r.comparisons for t in c.terms]
    if terms:
        con.executemany("INSERT INTO rule_term VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", terms)
