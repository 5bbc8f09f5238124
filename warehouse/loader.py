"""The local warehouse: a DuckDB catalog file and immutable year files. What every load does
(checks, schema, views) is writing.py's, shared with the lake (lake.py); this is where it goes.

DuckDB admits one read-write process, and a read-write connection locks every other process
out of the file, readers too. So the loader never writes the file analysts read, and never
rewrites data it does not change:

* The tables partitioned by year (report, fact_cell, report_section, check_result,
  narrative_figure, t2/t3/t4_cells) keep their rows in immutable Parquet files, one per table
  and year, under ``<file>.parts/``. A load writes the years it replaces as new files (new
  names; nobody reads them yet).
* The DuckDB file itself is a small catalog: the cell and agency dimensions, load_log, the list
  of year files (table ``part``) and the views — ``report``, ``fact_cell`` … are views over
  exactly the listed files, with the columns, types and comments of schema.sql.
* A load takes the writer lock (``<file>.lock``, an OS file lock: one loader at a time), copies
  the catalog (megabytes, not the data) to ``.<file>.<pid>.loading``, points it at the new
  files, rebuilds ``agency``, checkpoints, and swaps it in with ``os.replace`` (atomic).

A reader's read-only connection keeps the catalog it opened — and with it the year files it
lists — until it reconnects; it is never blocked and never sees half a year. A failure before
the swap leaves the live catalog, which lists only the old files: the previous state.

Old files are deleted once no catalog lists them: each replaced catalog is kept as a hard link
under ``<file>.parts/_catalogs/`` with the list of its files, and is dropped (files and all) at a
later load when no process has it open any more (a read-only DuckDB connection holds a POSIX
read lock on its file; the loader probes it with an open-file-description write lock):
``generations.py``. The wide t2/t3/t4 tables are pivoted from fact_cell in ``wide.py``.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
from filelock import FileLock
from filelock import Timeout as LockTimeout

from gongkai.warehouse.comments import inherit_column_comments
from gongkai.warehouse.connect import WarehouseLocked, open_waiting
from gongkai.warehouse.connect import read_only as connect_read_only
from gongkai.warehouse.generations import collect_garbage, fsync_dir, keep_generation, remove
from gongkai.warehouse.writing import (
    PARTITIONED,
    Layout,
    LoadRejected,
    LoadSummary,
    Sink,
    T,
    layout_ddl,
    quote,
    shaped,
    with_copied_columns,
)

__all__ = ["LoadRejected", "LoadSummary", "Warehouse", "WarehouseLocked"]

log = logging.getLogger(__name__)

PARQUET_COMPRESSION = "snappy"  # fastest to write here; zstd is ~2x slower for a few % less disk


class Warehouse(Sink):
    """The local warehouse: a DuckDB catalog file and its year files (see the module doc)."""

    def __init__(self, path: str | Path, lock_timeout: float = 120.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @property
    def parts_dir(self) -> Path:
        """Where the year files live: ``<file>.parts/<table>/<year>-<token>.parquet``."""
        return self.path.with_name(self.path.name + ".parts")

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def connect(self, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the live file, waiting (with backoff) while a process holds it
        read-write. Read-only by default: writing goes through `load_years`, never here."""
        if read_only:
            with connect_read_only(self.path, self.lock_timeout) as con:
                yield con
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open(self.path, read_only)
        try:
            yield con
        finally:
            con.close()

    def _open(self, path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
        return open_waiting(path, read_only, self.lock_timeout)

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        # filelock polls an flock on the lock file: a killed writer's lock goes with its process.
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.lock_path, timeout=self.lock_timeout)
        try:
            lock.acquire()
        except LockTimeout:
            raise WarehouseLocked(
                f"warehouse {self.path} is locked by another process (a load holds "
                f"{self.lock_path.name}) and stayed locked for {self.lock_timeout:.0f}s"
            ) from None
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection on a private copy of the catalog, swapped in atomically
        when the block ends without error (discarded otherwise). One writer at a time."""
        with self._writer_lock():
            staging = self.path.with_name(f".{self.path.name}.{os.getpid()}.loading")
            remove(staging)
            previous: list[str] | None = None
            if self.path.exists():
                # A read-only connection on the live file while we copy it: no process can
                # write it meanwhile (and we wait while one does).
                with self.connect(read_only=True):
                    shutil.copyfile(self.path, staging)
                    wal = self.path.with_name(self.path.name + ".wal")
                    if wal.exists():  # a file last closed uncleanly: carry its log along
                        shutil.copyfile(wal, staging.with_name(staging.name + ".wal"))
            con = duckdb.connect(str(staging))
            con.execute("SET enable_progress_bar = false")  # drawn on stdout
            self._written: list[Path] = []
            self._token = uuid.uuid4().hex[:12]
            try:
                previous = self._listed_files(con)
                yield con
                current = self._listed_files(con)
                con.execute("CHECKPOINT")
                con.close()
                # A stale log of the live file must not be replayed onto the new snapshot.
                remove(self.path.with_name(self.path.name + ".wal"), wal=False)
                if self.path.exists():
                    keep_generation(self.parts_dir, self.path, previous)
                os.replace(staging, self.path)
                fsync_dir(self.path.parent)
            except BaseException:
                con.close()
                remove(staging)
                for path in self._written:  # files only the discarded catalog listed
                    remove(path, wal=False)
                raise
            try:
                collect_garbage(self.parts_dir, current or [])
            except OSError as exc:  # never fail a load that is in: the next one retries
                log.warning("could not delete old year files: %s", exc)

    def _write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work` on the private copy, in one transaction; the copy is swapped in after it."""
        with self.writer() as con:
            con.execute("BEGIN")
            result = work(con)
            con.execute("COMMIT")
        return result

    def _define_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        for ddl in layout_ddl():
            con.execute(ddl)
        inherit_column_comments(con, "layout")  # before the views over the year files copy them
        self._refresh_views(con)

    def _after_replace(self, con: duckdb.DuckDBPyConnection) -> None:
        self._refresh_views(con)

    def _refresh_views(self, con: duckdb.DuckDBPyConnection) -> None:
        """main.<table> for each partitioned table: a view over exactly the year files the
        ``part`` table lists, with the layout's column names, types and comments."""
        layout = con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE schema_name = 'layout' ORDER BY table_name, column_index").fetchall()
        comments = dict(con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'layout'").fetchall())
        parts = con.execute("SELECT table_name, file, path, columns FROM part "
                            "ORDER BY table_name, partition_year").fetchall()
        for table in PARTITIONED:
            columns = [(c, t, k) for name, c, t, k in layout if name == table]
            files = [(f, p, cols) for name, f, p, cols in parts if name == table]
            if files:
                paths = [self._resolve(f, p) for f, p, _ in files]
                present = set().union(*(cols for _, _, cols in files))
                select = ", ".join(
                    f'CAST("{c}" AS {t}) AS "{c}"' if c in present else f'CAST(NULL AS {t}) AS "{c}"'
                    for c, t, _ in columns)
                listed = ", ".join(quote(p) for p in paths)
                # files written before a column was added lack it: match them up by name
                by_name = ", union_by_name = true" if any(set(c) != present for _, _, c in files) else ""
                body = f"SELECT {select} FROM read_parquet([{listed}]{by_name})"
            else:
                body = f"SELECT * FROM layout.{table}"
            con.execute(f"CREATE OR REPLACE VIEW main.{table} AS {body}")
            if comments.get(table):
                con.execute(f"COMMENT ON VIEW main.{table} IS {quote(comments[table])}")
            for c, _, comment in columns:
                if comment:
                    con.execute(f'COMMENT ON COLUMN main.{table}."{c}" IS {quote(comment)}')

    def _resolve(self, file: str, path: str) -> str:
        """The absolute path listed, or the same file under our own parts directory when the
        warehouse was moved (its directory with it)."""
        if not os.path.exists(path) and (self.parts_dir / file).exists():
            return str((self.parts_dir / file).resolve())
        return path

    def _reports_loaded(self, con: duckdb.DuckDBPyConnection, partition_year: int,
                        shard: str | None) -> int:
        self._whole_years_only(shard)
        return con.execute(
            "SELECT coalesce(sum(rows), 0) FROM part WHERE table_name = 'report' AND partition_year = ?",
            [partition_year]).fetchone()[0]

    def _rows_where(self, partition_year: int, shard: str | None) -> tuple[str, list]:
        self._whole_years_only(shard)
        return "partition_year = ?", [partition_year]

    @staticmethod
    def _whole_years_only(shard: str | None) -> None:
        if shard is not None:
            raise ValueError("the local warehouse loads whole years; load shards into the lake "
                             "(the cluster profile's DuckLake warehouse)")

    def _copy_report_columns(self, con: duckdb.DuckDBPyConnection, years: list[int],
                             layout: Layout) -> None:
        """Each of `years` written again: its files read back whole, report's columns set."""
        for year in years:
            files = con.execute("SELECT table_name, path FROM part WHERE partition_year = ?",
                                [year]).fetchall()
            tables = with_copied_columns({
                name: con.execute(f"SELECT * FROM read_parquet({quote(path)})").pl() for name, path in files})
            self._replace(con, year, None, {name: shaped(name, frame, year, layout)
                                            for name, frame in tables.items()})

    def _replace(self, con: duckdb.DuckDBPyConnection, partition_year: int, shard: str | None,
                 tables: dict[str, pl.DataFrame]) -> None:
        """New year files for the year, listed in ``part`` instead of the old ones."""
        self._whole_years_only(shard)
        written = self._write_parts(partition_year, tables, self._token)
        con.execute("DELETE FROM part WHERE partition_year = ?", [partition_year])
        if written:
            rows = pl.DataFrame(written, schema={"table_name": pl.Utf8, "file": pl.Utf8, "path": pl.Utf8,
                                                 "rows": pl.Int64, "columns": pl.List(pl.Utf8)},
                                orient="row")
            con.register("written", rows.to_arrow())
            con.execute("INSERT INTO part SELECT table_name, ?, file, path, rows, columns, ? FROM written",
                        [partition_year, datetime.now()])
            con.unregister("written")

    def _write_parts(self, partition_year: int, tables: dict[str, pl.DataFrame],
                     token: str) -> list[tuple[str, str, str, int, list[str]]]:
        """Write each non-empty table of the year as a new Parquet file (in parallel: the
        writer releases the GIL); nothing lists them yet."""
        jobs = []
        for name, frame in tables.items():
            if frame.is_empty():
                continue
            file = f"{name}/{partition_year}-{token}.parquet"
            path = (self.parts_dir / file).resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            self._written.append(path)
            jobs.append((name, file, path, frame))
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda job: job[3].write_parquet(
                job[2], compression=PARQUET_COMPRESSION, statistics=True), jobs))
        return [(name, file, str(path), frame.height, frame.columns) for name, file, path, frame in jobs]

    # -- generations and garbage -------------------------------------------------------------

    def _listed_files(self, con: duckdb.DuckDBPyConnection) -> list[str] | None:
        """Every path the catalog's views may read (as listed, and under our own parts
        directory); None for a catalog from before year files."""
        try:
            rows = con.execute("SELECT file, path FROM part").fetchall()
        except duckdb.CatalogException:
            return None
        return sorted({p for f, path in rows for p in (path, str((self.parts_dir / f).resolve()))})
