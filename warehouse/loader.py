"""The DuckDB warehouse: schema setup and the transactional, idempotent load of year partitions.

DuckDB admits one read-write process, and a read-write connection locks every other process
out of the file, readers too. So the loader never writes the file analysts read:

1. it takes the writer lock (``<file>.lock``, an OS file lock: one loader at a time, across
   processes; Dagster's ``duckdb`` pool serialises runs too);
2. copies the live file to ``.<file>.<pid>.loading`` beside it (holding a read-only
   connection on the live file meanwhile, so nobody writes it during the copy);
3. replaces each year in that copy, one transaction per year, rebuilds the derived tables
   (``agency``, the wide ``t3``/``t4`` tables) and checkpoints;
4. swaps the copy in with ``os.replace`` (an atomic rename).

A reader's read-only connection keeps the file it opened — the previous snapshot — until it
reconnects; it is never blocked and never sees half a year. A failure anywhere before the
swap deletes the copy: the live file is the previous state, untouched.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import random
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from assets.report.frames import ReportFrames, with_agency_keys
from assets.report.spec import all_cells

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent / "gongkai.duckdb"
# Child tables: a year is deleted from the leaves up and inserted from the root down.
_CHILD_TABLES = ("fact_cell", "report_section", "check_result", "narrative_figure",
                 "t2_cells", "t3_cells", "t4_cells")
# Tables whose rows carry partition_year themselves (deleted by it, no join needed).
_PARTITIONED = {"report", "fact_cell", "check_result", "t2_cells", "t3_cells", "t4_cells"}
WIDE_TABLES = ("t2", "t3", "t4")  # tables pivoted to one row per report, one column per cell


class WarehouseLocked(RuntimeError):
    """Another process held the warehouse for longer than we were willing to wait."""


class LoadRejected(ValueError):
    """The frames of a year break a key of the warehouse; nothing was loaded."""


@dataclass(frozen=True)
class LoadSummary:
    partition_year: int
    reports: int
    canonical: int
    cells: int
    checks_failed: int
    replaced_reports: int
    skipped_reason: str | None = None


def _sql(name: str) -> str:
    return resources.files("warehouse").joinpath(name).read_text(encoding="utf-8")


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


def _wide_ddl(table_id: str) -> str:
    columns = ",\n    ".join(f'"{name}" DOUBLE' for _, _, name in wide_cells(table_id))
    cols_sql = ", ".join(f'w."{name}"' for _, _, name in wide_cells(table_id))
    return f"""
CREATE TABLE IF NOT EXISTS {table_id}_cells (
    report_id VARCHAR NOT NULL,
    partition_year INTEGER NOT NULL,
    {columns}
);
COMMENT ON TABLE {table_id}_cells IS 'fact_cell of table {table_id} pivoted: one row per report, one column per cell (<row_id>__<col_id>, dots as _); rebuilt with its year';
CREATE OR REPLACE VIEW {table_id}_wide AS
SELECT r.report_id, r.agency_id, r.agency, r.division, r.division_code, r.province, r.prefecture,
       r.county, r.level, r.agency_kind, r.year, r.format_version, {cols_sql}
FROM {table_id}_cells w JOIN report r USING (report_id)
WHERE r.is_canonical;
COMMENT ON VIEW {table_id}_wide IS 'One row per agency and year (its canonical report), one column per {table_id} cell: <row_id>__<col_id> with dots as _, e.g. received_new__total';
"""


def wide_frame(fact_cell: pl.DataFrame, table_id: str, partition_year: int) -> pl.DataFrame:
    """One row per report, one column per cell of `table_id` (NULL where the report lacks it)."""
    cells = wide_cells(table_id)
    names = [name for _, _, name in cells]
    schema = {"report_id": pl.Utf8, "partition_year": pl.Int32, **{n: pl.Float64 for n in names}}
    part = fact_cell.filter(pl.col("table_id") == table_id)
    if part.is_empty():
        return pl.DataFrame(schema=schema)
    keys = pl.DataFrame(
        {"row_id": [r for r, _, _ in cells], "col_id": [c for _, c, _ in cells],
         "_key": pl.Series(names, dtype=pl.Enum(names))})
    wide = (
        part.select("report_id", "row_id", "col_id", "value")
        .join(keys, on=["row_id", "col_id"], how="inner")
        .pivot(on="_key", index="report_id", values="value", aggregate_function="first")
    )
    missing = [pl.lit(None, dtype=pl.Float64).alias(n) for n in names if n not in wide.columns]
    return wide.with_columns(*missing, partition_year=pl.lit(partition_year, dtype=pl.Int32)).select(
        list(schema))


class Warehouse:
    def __init__(self, path: str | Path = DEFAULT_PATH, lock_timeout: float = 120.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def connect(self, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the live file, waiting (with backoff) while a process holds it
        read-write. Read-only by default: writing goes through `writer()`, never here."""
        if not self.path.exists():
            if read_only:
                raise FileNotFoundError(
                    f"no warehouse at {self.path}: run `gongkai run` or `gongkai demo` first")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open(self.path, read_only)
        try:
            yield con
        finally:
            con.close()

    def _open(self, path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                return duckdb.connect(str(path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"warehouse {path} is locked by another process and stayed locked for "
                        f"{self.lock_timeout:.0f}s ({exc}); open analyst sessions read-only "
                        "(duckdb -readonly) and retry") from exc
                log.info("warehouse %s is locked; retrying in %.1fs", path, delay)
                time.sleep(delay + random.uniform(0, delay / 2))
                delay = min(delay * 2, 2.0)

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        """Run a query on a read-only connection and return a polars frame."""
        with self.connect(read_only=True) as con:
            relation = con.sql(sql, params=params or None)
            if relation is None:  # a statement that returns no rows
                return pl.DataFrame()
            return relation.pl()

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as handle:
            deadline = time.monotonic() + self.lock_timeout
            delay = 0.05
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseLocked(
                            f"warehouse {self.path} is locked by another process (a load holds "
                            f"{self.lock_path.name}) and stayed locked for {self.lock_timeout:.0f}s"
                        ) from None
                    time.sleep(delay + random.uniform(0, delay / 2))
                    delay = min(delay * 2, 2.0)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection on a private copy of the warehouse, swapped in atomically
        when the block ends without error (discarded otherwise). One writer at a time."""
        with self._writer_lock():
            staging = self.path.with_name(f".{self.path.name}.{os.getpid()}.loading")
            _remove(staging)
            if self.path.exists():
                # A read-only connection on the live file while we copy it: no process can
                # write it meanwhile (and we wait while one does).
                with self.connect(read_only=True):
                    shutil.copyfile(self.path, staging)
                    wal = self.path.with_name(self.path.name + ".wal")
                    if wal.exists():  # a file last closed uncleanly: carry its log along
                        shutil.copyfile(wal, staging.with_name(staging.name + ".wal"))
            con = duckdb.connect(str(staging))
            try:
                self._setup(con)
                yield con
                con.execute("CHECKPOINT")
                con.close()
                # A stale log of the live file must not be replayed onto the new snapshot.
                _remove(self.path.with_name(self.path.name + ".wal"), wal=False)
                os.replace(staging, self.path)
                _fsync_dir(self.path.parent)
            except BaseException:
                con.close()
                _remove(staging)
                raise

    def setup(self) -> None:
        """Create the tables and views (idempotent) and load the cell dimension from the spec."""
        with self.writer():
            pass

    def _setup(self, con: duckdb.DuckDBPyConnection) -> None:
        """Tables, views and the cell dimension, unless this snapshot already has them as
        this code defines them (the hash of the DDL is kept in ``schema_version``)."""
        version = _schema_version()
        try:
            current = con.execute("SELECT version FROM schema_version").fetchone()
        except duckdb.CatalogException:
            current = None
        if current and current[0] == version:
            return
        con.execute(_sql("schema.sql"))
        for table_id in WIDE_TABLES:
            con.execute(_wide_ddl(table_id))
        con.execute(_sql("views.sql"))
        cells = pl.DataFrame([c.__dict__ for c in all_cells()]).select(
            "table_id", "row_id", "col_id", "row_label", "col_label", "unit", "formats")
        con.execute("BEGIN")
        con.execute("DELETE FROM cell")
        con.register("spec_cells", cells.to_arrow())
        con.execute("INSERT INTO cell BY NAME SELECT * FROM spec_cells")
        con.unregister("spec_cells")
        con.execute("CREATE OR REPLACE TABLE schema_version (version VARCHAR NOT NULL)")
        con.execute("COMMENT ON TABLE schema_version IS 'Hash of the DDL (schema.sql, views.sql, "
                    "cells) this warehouse was set up with; the loader re-applies it on change'")
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
        con.execute("COMMIT")

    def load_year(self, partition_year: int, frames: ReportFrames, *, run_id: str | None = None,
                  allow_empty: bool = False) -> LoadSummary:
        """Replace one year partition with `frames`, all in one transaction (see load_years)."""
        return self.load_years({partition_year: frames}, run_id=run_id, allow_empty=allow_empty)[0]

    def load_years(self, frames_by_year: Mapping[int, ReportFrames], *, run_id: str | None = None,
                   allow_empty: bool = False) -> list[LoadSummary]:
        """Replace each year partition with its frames, then swap the result in at once.

        Re-running a year replaces its rows and nothing else; a failure leaves the previous
        state of every year. An empty frame does not wipe a year that has reports unless
        `allow_empty`: a crawl that found nothing is more often a portal outage than a
        retraction.
        """
        summaries = []
        with self.writer() as con:
            for year in sorted(frames_by_year):
                summaries.append(self._load_one(con, year, frames_by_year[year], run_id, allow_empty))
            if any(s.skipped_reason is None for s in summaries):
                con.execute("BEGIN")
                con.execute(_sql("agency.sql"))
                con.execute("COMMIT")
        return summaries

    def _load_one(self, con: duckdb.DuckDBPyConnection, partition_year: int, frames: ReportFrames,
                  run_id: str | None, allow_empty: bool) -> LoadSummary:
        existing = con.execute(
            "SELECT count(*) FROM report WHERE partition_year = ?", [partition_year]).fetchone()[0]
        if frames.report.is_empty() and existing and not allow_empty:
            reason = f"no reports parsed for {partition_year}; kept the {existing} already loaded"
            log.warning(reason)
            return LoadSummary(partition_year, existing, 0, 0, 0, 0, skipped_reason=reason)
        tables = self._conform(con, partition_year, frames)
        con.execute("BEGIN TRANSACTION")
        try:
            if existing:
                for table in _CHILD_TABLES:
                    if table in _PARTITIONED:
                        con.execute(f"DELETE FROM {table} WHERE partition_year = ?", [partition_year])
                    else:
                        con.execute(
                            f"DELETE FROM {table} WHERE report_id IN "
                            "(SELECT report_id FROM report WHERE partition_year = ?)", [partition_year])
                con.execute("DELETE FROM report WHERE partition_year = ?", [partition_year])
            for name, frame in tables.items():
                if frame.is_empty():
                    continue
                con.register("incoming", frame.to_arrow())
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")
                con.unregister("incoming")
            con.execute(
                "INSERT INTO load_log VALUES (?, now()::TIMESTAMP, ?, ?, ?)",
                [partition_year, frames.report.height, frames.fact_cell.height, run_id])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        checks = frames.check_result
        return LoadSummary(
            partition_year=partition_year,
            reports=frames.report.height,
            canonical=int(frames.report["is_canonical"].sum() or 0),
            cells=frames.fact_cell.height,
            checks_failed=int((checks["passed"] == False).sum() or 0),
            replaced_reports=existing,
        )

    def _conform(self, con: duckdb.DuckDBPyConnection, partition_year: int,
                 frames: ReportFrames) -> dict[str, pl.DataFrame]:
        """The frames shaped like the tables: keys checked, partition_year added where the
        table carries it, columns the table lacks dropped (those the frame lacks load NULL)."""
        report = with_agency_keys(frames.report)
        if not report.is_empty() and (report["partition_year"] != partition_year).any():
            raise LoadRejected(f"frames for {partition_year} hold reports of another partition")
        _require_unique(report, ["report_id"], "report")
        _require_unique(frames.fact_cell, ["report_id", "table_id", "row_id", "col_id"], "fact_cell")
        tables = {"report": report, **{k: v for k, v in frames.tables().items() if k != "report"}}
        for table_id in WIDE_TABLES:
            tables[f"{table_id}_cells"] = wide_frame(frames.fact_cell, table_id, partition_year)
        out = {}
        for name, frame in tables.items():
            columns = _columns(con, name)
            if name in _PARTITIONED and "partition_year" not in frame.columns:
                frame = frame.with_columns(partition_year=pl.lit(partition_year, dtype=pl.Int32))
            out[name] = frame.select([c for c in frame.columns if c in columns])
        return out


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description}


@cache
def _schema_version() -> str:
    text = _sql("schema.sql") + _sql("views.sql") + "".join(_wide_ddl(t) for t in WIDE_TABLES)
    text += "".join(repr(c) for c in all_cells())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _require_unique(frame: pl.DataFrame, keys: list[str], table: str) -> None:
    """fact_cell has no PRIMARY KEY (an index over tens of millions of rows slows every load
    and scan); its key is checked here, before anything is written."""
    if frame.is_empty():
        return
    dupes = frame.select(keys).is_duplicated()
    if dupes.any():
        example = frame.filter(dupes).select(keys).row(0)
        raise LoadRejected(f"{table}: key {dict(zip(keys, example))} repeats; nothing was loaded")


def _remove(path: Path, wal: bool = True) -> None:
    for p in (path, path.with_name(path.name + ".wal")) if wal else (path,):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
