"""The DuckDB warehouse: schema setup and the transactional, idempotent load of year partitions.

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

import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from filelock import FileLock
from filelock import Timeout as LockTimeout

from gongkai.assets.form.rules import RULES
from gongkai.assets.form.spec import all_cells
from gongkai.assets.report.frames import ReportFrames, with_agency_keys
from gongkai.warehouse.comments import inherit_column_comments
from gongkai.warehouse.connect import WarehouseLocked, open_waiting
from gongkai.warehouse.connect import read_only as connect_read_only
from gongkai.warehouse.generations import collect_garbage, fsync_dir, keep_generation, remove
from gongkai.warehouse.wide import (
    WIDE_TABLES,
    FactIndex,
    cell_index,
    fact_index,
    wide_ddl,
    wide_frame,
    wide_views,
)

log = logging.getLogger(__name__)

# Tables partitioned by year, kept as one Parquet file per year (schema.sql: layout.<table>).
PARTITIONED = ("report", "fact_cell", "report_section", "check_result", "narrative_figure",
               *(f"{t}_cells" for t in WIDE_TABLES))
# Keys the loader checks (the files have no constraints of their own).
_KEYS = {"report": ["report_id"], "report_section": ["report_id", "section_id"]}
_POLARS_TYPES = {"VARCHAR": pl.Utf8, "INTEGER": pl.Int32, "BIGINT": pl.Int64, "DOUBLE": pl.Float64,
                 "BOOLEAN": pl.Boolean, "TIMESTAMP": pl.Datetime("us"), "VARCHAR[]": pl.List(pl.Utf8)}
# The analyst's views, in order: metrics.sql reads the views of views.sql.
VIEW_FILES = ("views.sql", "metrics.sql")
PARQUET_COMPRESSION = "snappy"  # fastest to write here; zstd is ~2x slower for a few % less disk


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


def _sql(name: str) -> str:
    return resources.files("gongkai.warehouse").joinpath(name).read_text(encoding="utf-8")


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


class Warehouse:
    def __init__(self, path: str | Path, lock_timeout: float = 120.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

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
        read-write. Read-only by default: writing goes through `writer()`, never here."""
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
            self._written: list[Path] = []
            try:
                previous = self._listed_files(con)
                self._setup(con)
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
        con.execute("BEGIN")
        con.execute(_sql("schema.sql"))
        for table_id in WIDE_TABLES:
            con.execute(wide_ddl(table_id))
        inherit_column_comments(con, "layout")  # before the views over the year files copy them
        self._refresh_views(con)
        for table_id in WIDE_TABLES:
            con.execute(wide_views(table_id))
        for name in VIEW_FILES:
            con.execute(_sql(name))
        _share_scope_comments(con)
        inherit_column_comments(con, "main")
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
        con.execute("COMMIT")

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
                listed = ", ".join(_quote(p) for p in paths)
                # files written before a column was added lack it: match them up by name
                by_name = ", union_by_name = true" if any(set(c) != present for _, _, c in files) else ""
                body = f"SELECT {select} FROM read_parquet([{listed}]{by_name})"
            else:
                body = f"SELECT * FROM layout.{table}"
            con.execute(f"CREATE OR REPLACE VIEW main.{table} AS {body}")
            if comments.get(table):
                con.execute(f"COMMENT ON VIEW main.{table} IS {_quote(comments[table])}")
            for c, _, comment in columns:
                if comment:
                    con.execute(f'COMMENT ON COLUMN main.{table}."{c}" IS {_quote(comment)}')

    def _resolve(self, file: str, path: str) -> str:
        """The absolute path listed, or the same file under our own parts directory when the
        warehouse was moved (its directory with it)."""
        if not os.path.exists(path) and (self.parts_dir / file).exists():
            return str((self.parts_dir / file).resolve())
        return path

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
            token = uuid.uuid4().hex[:12]
            layout = _layout(con)
            for year in sorted(frames_by_year):
                summaries.append(self._load_one(con, year, frames_by_year[year], run_id,
                                                allow_empty, token, layout))
            if any(s.skipped_reason is None for s in summaries):
                con.execute("BEGIN")
                self._refresh_views(con)
                con.execute(_sql("agency.sql"))
                con.execute("COMMIT")
        return summaries

    def _load_one(self, con: duckdb.DuckDBPyConnection, partition_year: int, frames: ReportFrames,
                  run_id: str | None, allow_empty: bool, token: str,
                  layout: dict[str, dict[str, tuple[pl.DataType, bool]]]) -> LoadSummary:
        existing = con.execute(
            "SELECT coalesce(sum(rows), 0) FROM part WHERE table_name = 'report' AND partition_year = ?",
            [partition_year]).fetchone()[0]
        if frames.report.is_empty() and existing and not allow_empty:
            reason = f"no reports parsed for {partition_year}; kept the {existing} already loaded"
            log.warning(reason)
            return LoadSummary(partition_year, existing, 0, 0, 0, 0, skipped_reason=reason)
        tables = self._conform(partition_year, frames, layout)
        written = self._write_parts(partition_year, tables, token)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM part WHERE partition_year = ?", [partition_year])
            if written:
                rows = pl.DataFrame(written, schema={"table_name": pl.Utf8, "file": pl.Utf8, "path": pl.Utf8,
                                                     "rows": pl.Int64, "columns": pl.List(pl.Utf8)},
                                    orient="row")
                con.register("written", rows.to_arrow())
                con.execute("INSERT INTO part SELECT table_name, ?, file, path, rows, columns, ? FROM written",
                            [partition_year, datetime.now()])
                con.unregister("written")
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

    def _conform(self, partition_year: int, frames: ReportFrames,
                 layout: dict[str, dict[str, tuple[pl.DataType, bool]]]) -> dict[str, pl.DataFrame]:
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
        for name, frame in tables.items():
            columns = layout[name]
            if name in _KEYS:
                _require_unique(frame, _KEYS[name], name)
            if "partition_year" in columns and "partition_year" not in frame.columns:
                frame = frame.with_columns(partition_year=pl.lit(partition_year, dtype=pl.Int32))
            frame = frame.select([
                (pl.col(c) if c in frame.columns else pl.lit(None)).cast(dtype).alias(c)
                for c, (dtype, _) in columns.items()])
            for c, (_, not_null) in columns.items():
                if not_null and frame[c].null_count():
                    raise LoadRejected(f"{name}.{c} is NULL in {frame[c].null_count()} row(s) of "
                                       f"{partition_year}; nothing was loaded")
            out[name] = frame
        return out

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


def _layout(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, tuple[pl.DataType, bool]]]:
    """Columns of each layout table: name → (polars type, NOT NULL), in table order."""
    out: dict[str, dict[str, tuple[pl.DataType, bool]]] = {}
    for table, column, dtype, nullable in con.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE schema_name = 'layout' ORDER BY table_name, column_index").fetchall():
        out.setdefault(table, {})[column] = (_POLARS_TYPES[dtype], not nullable)
    return out


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


@cache
def _schema_version() -> str:
    text = _sql("schema.sql") + "".join(_sql(name) for name in VIEW_FILES) + "".join(
        wide_ddl(t) + wide_views(t) for t in WIDE_TABLES)
    text += "".join(repr(c) for c in all_cells())
    text += "".join(repr((r.name, r.description, r.soft, r.scope, r.result_names, r.comparisons))
                    for r in RULES)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _share_scope_comments(con: duckdb.DuckDBPyConnection) -> None:
    """A view X and its X_all_scopes (views.sql: X is X_all_scopes of scope own) show the same
    columns: a column comment written on either goes on both."""
    rows = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND coalesce(comment, '') <> ''").fetchall()
    comments = {(t, c): k for t, c, k in rows}
    views = {t for (t,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main'").fetchall()}
    for view in sorted(v for v in views if v.endswith("_all_scopes")):
        own = view.removesuffix("_all_scopes")
        if own not in views:
            continue
        columns = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?",
            [view]).fetchall()]
        for column in columns:
            comment = comments.get((view, column)) or comments.get((own, column))
            for target in (view, own):
                if comment and (target, column) not in comments:
                    con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_quote(comment)}')


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


def _require_unique(frame: pl.DataFrame, keys: list[str], table: str) -> None:
    """The files have no PRIMARY KEY (an index over tens of millions of rows slows every load
    and scan); keys are checked here, before anything is written."""
    if frame.is_empty():
        return
    dupes = frame.select(keys).is_duplicated()
    if dupes.any():
        example = frame.filter(dupes).select(keys).row(0)
        raise LoadRejected(f"{table}: key {dict(zip(keys, example))} repeats; nothing was loaded")
