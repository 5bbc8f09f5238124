"""The lake warehouse for many writers (the cluster profile): DuckLake, DuckDB's lakehouse
format — a catalog in Postgres, the rows as Parquet files on S3-compatible object storage.

The same loads as the local warehouse (writing.py: frames, checks, schema, views), held
differently:

* Every table of schema.sql is a DuckLake table under the same name, with the same columns,
  types, NOT NULL and comments (keys are the loader's checks: DuckLake has no PRIMARY KEY). The
  year-partitioned ones (report, fact_cell, …) carry two storage columns, ``partition_year``
  where the layout has none, and ``shard``, and are partitioned by year (a year's rows sit in
  their own files; a query on one year reads only those). The views of views.sql and the
  wide views are DuckLake views: any DuckDB that attaches the lake sees them.
* A load is one DuckLake transaction: it deletes the year's (or the shard-year's) rows, inserts
  the new ones and rebuilds the agency dimension. A reader's snapshot holds either all of it or
  none of it. Writers do not wait for each other: each commits its own snapshot, and DuckLake
  refuses a commit that conflicts with one made meanwhile (two transactions deleting from the
  same table); the loader then runs the whole transaction again on the new state, with backoff.
* The extensions come from the wheels of the ``lake`` extra (duckdb-extension-ducklake,
  -httpfs, -postgres-scanner), each built for exactly this DuckDB: they are LOADed from the
  wheel's file, autoinstall is off, nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import duckdb
import polars as pl

from gongkai.assets.report.frames import (
    REPORT_SCHEMA,
    ReportFrames,
    mark_canonical,
    with_agency_keys,
)
from gongkai.warehouse.comments import inherit_column_comments
from gongkai.warehouse.connect import WarehouseLocked
from gongkai.warehouse.writing import (
    COPIED,
    PARTITIONED,
    Layout,
    LoadSummary,
    Sink,
    T,
    layout_ddl,
    quote,
    refresh_derived,
)

log = logging.getLogger(__name__)

ALIAS = "lake"  # the name the lake is attached under on the loader's connections
# The storage columns of the year-partitioned tables in the lake.
YEAR_COMMENT = "The year partition this row is loaded under (the lake's storage column)"
# The columns of a report row that say whether it is its agency-year's canonical report.
CANONICAL = ("is_canonical", "superseded_by", "canonical_reason")
SHARD_COMMENT = ("The shard whose load wrote this row (NULL: loaded with its whole year); "
                 "a load replaces the rows of its year and shard")


# How each year-partitioned table's files are split: by year, and check_result also by passed,
# so the failures (check_failures, a few % of 11 M rows nationally) sit in files of their own
# and a query on them reads no passing row's report_id (0.47 -> 0.11 s of CPU, measured).
PARTITION_KEYS = {"check_result": "partition_year, passed"}


class LakeUnavailable(RuntimeError):
    """The DuckLake extensions are not installed for this DuckDB (or the lake is misconfigured)."""


def extension_path(name: str) -> Path:
    """The extension file a ``duckdb-extension-<name>`` wheel installs:
    ``duckdb_extension_<name>/extensions/v<duckdb version>/<name>.duckdb_extension``."""
    package = f"duckdb_extension_{name}"
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LakeUnavailable(f"the DuckDB extension {name!r} is not installed: "
                              f"pip install 'gongkai[lake]' (package {package.replace('_', '-')})")
    path = (Path(next(iter(spec.submodule_search_locations))) / "extensions"
            / f"v{duckdb.__version__}" / f"{name}.duckdb_extension")
    if not path.exists():
        raise LakeUnavailable(f"{package} has no build for DuckDB {duckdb.__version__} ({path} is "
                              "missing): install the extension wheels of the DuckDB version in use")
    return path


@dataclass(frozen=True)
class S3:
    """Credentials and endpoint for the lake's object storage (S3 or an S3-compatible server).
    Unset fields come from the usual AWS_* variables."""

    endpoint: str | None = None   # host:port or http(s)://host:port; None: AWS itself
    key_id: str | None = None
    secret: str | None = None
    region: str | None = None
    url_style: str | None = None  # path (default with an endpoint) or vhost
    session_token: str | None = None

    def secret_sql(self) -> str:
        env = os.environ
        options = {
            "KEY_ID": self.key_id or env.get("AWS_ACCESS_KEY_ID"),
            "SECRET": self.secret or env.get("AWS_SECRET_ACCESS_KEY"),
            "SESSION_TOKEN": self.session_token or env.get("AWS_SESSION_TOKEN"),
            "REGION": self.region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
        }
        endpoint = self.endpoint or env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
        if endpoint:
            scheme, _, host = endpoint.rpartition("://")
            options["ENDPOINT"] = host.rstrip("/")
            options["URL_STYLE"] = self.url_style or "path"
            use_ssl = scheme != "http"
        else:
            options["URL_STYLE"] = self.url_style
            use_ssl = True
        settings = "".join(f", {k} {quote(v)}" for k, v in options.items() if v)
        return f"CREATE OR REPLACE SECRET gongkai_lake_s3 (TYPE s3{settings}, USE_SSL {str(use_ssl).lower()})"


def catalog_attach(catalog: str) -> str:
    """The ATTACH string of a lake catalog: ``postgres://user:password@host:port/db`` (many
    writers), a libpq string ``postgres:dbname=… host=…``, or a path (a DuckDB file: one writer
    at a time, for a single machine and tests)."""
    if catalog.startswith("ducklake:"):
        return catalog
    parts = urlsplit(catalog)
    if parts.scheme in ("postgres", "postgresql"):
        fields = {"dbname": unquote(parts.path.lstrip("/")) or None, "host": parts.hostname,
                  "port": parts.port, "user": unquote(parts.username or "") or None,
                  "password": unquote(parts.password or "") or None, **dict(parse_qsl(parts.query))}
        return "ducklake:postgres:" + " ".join(f"{k}={_libpq(v)}" for k, v in fields.items() if v)
    if catalog.startswith("postgres:"):
        return "ducklake:" + catalog
    return "ducklake:" + str(Path(catalog).expanduser().resolve())


def _libpq(value: object) -> str:
    text = str(value)
    if not text or any(c in text for c in " '\\"):
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return text


class LakeWarehouse(Sink):
    """A DuckLake warehouse: `catalog` (see `catalog_attach`) and `data_path` (s3://bucket/prefix/
    or a local folder) for the Parquet files. Same reading and loading as `loader.Warehouse`."""

    def __init__(self, catalog: str, data_path: str | None = None, *, s3: S3 | None = None,
                 lock_timeout: float = 120.0, read_only: bool = False) -> None:
        self.catalog = catalog
        self.data_path = data_path  # None: as the catalog records it (an existing lake)
        self.read_only = read_only  # an analyst's handle: attached READ_ONLY, never loads
        self.s3 = s3 or S3()
        self.lock_timeout = lock_timeout
        self._instance: tuple[int, duckdb.DuckDBPyConnection] | None = None

    @property
    def location(self) -> str:
        parts = urlsplit(self.catalog)
        catalog = self.catalog
        if parts.password:
            catalog = catalog.replace(f":{parts.password}@", ":***@", 1)
        return f"{catalog} (data {self.data_path})"

    @property
    def _data_path(self) -> str | None:
        if self.data_path is None:
            return None
        if "://" in self.data_path:
            return self.data_path.rstrip("/") + "/"
        path = Path(self.data_path).expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return str(path) + "/"

    def attach_sql(self, alias: str = ALIAS, read_only: bool = True) -> str:
        """The ATTACH statement for this lake (analysts: see the README)."""
        options = ([f"DATA_PATH {quote(self._data_path)}"] if self._data_path else []) + (
            ["READ_ONLY"] if read_only else [])
        return f"ATTACH {quote(catalog_attach(self.catalog))} AS {alias}" + (
            f" ({', '.join(options)})" if options else "")

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def connect(self, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection with the lake attached and in use: the warehouse's tables and views
        answer by their names, each query from the latest committed snapshot. (A cursor of
        this process's one DuckDB instance: the extensions load and the lake attaches once,
        READ_ONLY for a read-only LakeWarehouse. Writing goes through `load_years`.)"""
        cursor = self._database().cursor()
        try:
            cursor.execute(f"USE {ALIAS}")
            cursor.execute("SET enable_progress_bar = false")  # no bar on a worker's stdout
            yield cursor
        finally:
            cursor.close()

    def _database(self) -> duckdb.DuckDBPyConnection:
        # one instance per process: a forked worker opens its own
        if self._instance is None or self._instance[0] != os.getpid():
            con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                         "autoload_known_extensions": False})
            con.execute("SET enable_progress_bar = false")  # drawn on stdout: the caller's output
            self._attach(con)
            if not self.read_only:
                # The shape of the tables (schema.sql) in the instance's in-memory database:
                # the loader's checks read it, and the lake's tables are made from it.
                con.execute("USE memory")
                for ddl in layout_ddl():
                    con.execute(ddl)
                con.execute("DROP TABLE part")  # the local warehouse's list of year files
                inherit_column_comments(con, "layout")
                inherit_column_comments(con, "main", views=False)  # e.g. section_repetition.year
            self._instance = (os.getpid(), con)
        return self._instance[1]

    def close(self) -> None:
        if self._instance is not None and self._instance[0] == os.getpid():
            self._instance[1].close()
        self._instance = None

    def _attach(self, con: duckdb.DuckDBPyConnection) -> None:
        needed = ["ducklake"]
        attach = catalog_attach(self.catalog)
        if attach.startswith("ducklake:postgres:"):
            needed.append("postgres_scanner")
        if "://" in (self.data_path or "s3://") and not (self.data_path or "").startswith("file://"):
            needed.append("httpfs")
        for name in needed:
            con.execute(f"LOAD {quote(str(extension_path(name)))}")
        if "httpfs" in needed:
            con.execute(self.s3.secret_sql())
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                con.execute(self.attach_sql(ALIAS, read_only=self.read_only))
                return
            except duckdb.Error as exc:
                # two processes creating a new lake's catalog at once: one wins, the other
                # finds the catalog there on its next try
                if not _catalog_race(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(random.uniform(0.05, 0.3))

    # -- writing ---------------------------------------------------------------------------

    def _write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work` in one DuckLake transaction, run again on the latest state while its commit
        conflicts with another writer's (for up to `lock_timeout` seconds)."""
        if self.read_only:
            raise PermissionError(f"lake {self.location} was opened read-only")
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        with self.connect(read_only=False) as con:
            while True:
                con.execute("BEGIN")
                try:
                    result = work(con)
                    con.execute("COMMIT")
                    return result
                except duckdb.TransactionException as exc:
                    _rollback(con)
                    if "conflict" not in str(exc).lower():
                        raise
                    if time.monotonic() >= deadline:
                        raise WarehouseLocked(
                            f"lake {self.location}: every commit for {self.lock_timeout:.0f}s "
                            f"conflicted with another writer's ({exc})") from exc
                    log.info("lake commit conflicted with another writer; again in %.1fs", delay)
                    time.sleep(delay + random.uniform(0, delay))
                    delay = min(delay * 2, 2.0)
                except BaseException:
                    _rollback(con)
                    raise

    def _define_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        """Each table of schema.sql as a lake table of the same name, columns, types and
        comments; columns added to schema.sql since are added to the lake's tables."""
        tables = con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() "
            "WHERE database_name = 'memory' AND schema_name IN ('main', 'layout') "
            "ORDER BY schema_name DESC, table_name").fetchall()
        columns = con.execute(
            "SELECT schema_name, table_name, column_name, data_type, is_nullable, comment "
            "FROM duckdb_columns() WHERE database_name = 'memory' ORDER BY column_index").fetchall()
        # DuckLake keeps small inserts in the catalog (data inlining) with a hidden column
        # row_id, a name the cell tables use: every row goes to Parquet instead.
        con.execute(f"CALL {ALIAS}.set_option('data_inlining_row_limit', 0)")
        present: dict[str, set[str]] = {}
        for table, column in con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() "
                f"WHERE database_name = '{ALIAS}' AND schema_name = 'main'").fetchall():
            present.setdefault(table, set()).add(column)
        for schema, table, comment in tables:
            if (schema == "layout") != (table in PARTITIONED):
                continue
            cols = [(c, t, nullable, k) for s, n, c, t, nullable, k in columns if (s, n) == (schema, table)]
            if table in PARTITIONED:
                names = {c for c, *_ in cols}
                if "partition_year" not in names:
                    cols.append(("partition_year", "INTEGER", True, YEAR_COMMENT))
                cols.append(("shard", "VARCHAR", True, SHARD_COMMENT))
            if table not in present:
                body = ", ".join(f'"{c}" {t}' + ("" if nullable else " NOT NULL")
                                 for c, t, nullable, _ in cols)
                con.execute(f"CREATE TABLE main.{table} ({body})")
            else:
                for c, t, _, _ in cols:
                    if c not in present[table]:
                        con.execute(f'ALTER TABLE main.{table} ADD COLUMN "{c}" {t}')
            if table in PARTITIONED:  # on a lake set up before: the files written from now on
                keys = PARTITION_KEYS.get(table, "partition_year")
                con.execute(f"ALTER TABLE main.{table} SET PARTITIONED BY ({keys})")
            if comment:
                con.execute(f"COMMENT ON TABLE main.{table} IS {quote(comment)}")
            for c, _, _, k in cols:
                if k:
                    con.execute(f'COMMENT ON COLUMN main.{table}."{c}" IS {quote(k)}')

    def maintain(self, keep: timedelta = timedelta(days=7)) -> None:
        """Housekeeping, for a schedule: merge the small files many shard-year commits leave,
        forget the snapshots older than `keep` (no reader's query may take longer), and delete
        the files only those snapshots read. Loads go on meanwhile."""
        older = f"older_than => now() - INTERVAL '{int(keep.total_seconds())} seconds'"

        def work(con: duckdb.DuckDBPyConnection) -> None:
            con.execute(f"CALL ducklake_merge_adjacent_files('{ALIAS}')")
            con.execute(f"CALL ducklake_expire_snapshots('{ALIAS}', {older})")

        self._write(work)
        with self.connect(read_only=False) as con:  # files, after the commit that freed them
            con.execute(f"CALL ducklake_cleanup_old_files('{ALIAS}', {older})")

    # DuckLake keeps a comment per view but none per view column (the tables' columns have theirs)
    view_column_comments = False

    def _define_views(self, con: duckdb.DuckDBPyConnection, ddl: str) -> None:
        for statement in con.extract_statements(ddl):
            if statement.type == duckdb.StatementType.ALTER and statement.query.lstrip().upper().startswith(
                    "COMMENT ON COLUMN"):
                continue
            con.execute(statement)

    def _copy_report_columns(self, con: duckdb.DuckDBPyConnection, years: list[int],
                             layout: Layout) -> None:
        """The rows of `years` updated from their report rows (same year and shard)."""
        listed = ", ".join(str(int(y)) for y in years)
        for table, columns in COPIED.items():
            assignments = ", ".join(f'"{c}" = r."{c}"' for c in columns)
            con.execute(f"UPDATE main.{table} SET {assignments} FROM main.report r "
                        f"WHERE r.report_id = {table}.report_id AND r.partition_year = {table}.partition_year "
                        f"AND r.shard IS NOT DISTINCT FROM {table}.shard "
                        f"AND {table}.partition_year IN ({listed}) AND {table}.is_canonical IS NULL")

    def _rows_where(self, partition_year: int, shard: str | None) -> tuple[str, list]:
        if shard is None:
            return "partition_year = ?", [partition_year]
        return "partition_year = ? AND shard = ?", [partition_year, shard]

    def _reports_loaded(self, con: duckdb.DuckDBPyConnection, partition_year: int,
                        shard: str | None) -> int:
        where, params = self._rows_where(partition_year, shard)
        return con.execute(f"SELECT count(*) FROM report WHERE {where}", params).fetchone()[0]

    def _replace(self, con: duckdb.DuckDBPyConnection, partition_year: int, shard: str | None,
                 tables: dict[str, pl.DataFrame]) -> None:
        """Delete the year's (shard's) rows of every partitioned table, insert the new ones.
        A first load deletes nothing: writers that only insert never conflict."""
        where, params = self._rows_where(partition_year, shard)
        if self._reports_loaded(con, partition_year, shard):
            for table in PARTITIONED:
                con.execute(f"DELETE FROM main.{table} WHERE {where}", params)
        for table, frame in tables.items():
            if frame.is_empty():
                continue
            extra = ", ?::VARCHAR AS shard" + ("" if "partition_year" in frame.columns
                                              else ", ?::INTEGER AS partition_year")
            values = [shard] + ([] if "partition_year" in frame.columns else [partition_year])
            con.register("new_rows", frame.to_arrow())
            try:
                con.execute(f"INSERT INTO main.{table} BY NAME SELECT *{extra} FROM new_rows", values)
            finally:
                con.unregister("new_rows")


    # -- shards ----------------------------------------------------------------------------

    def load_years(self, frames_by_year: Mapping[int, ReportFrames], *, run_id: str | None = None,
                   allow_empty: bool = False, shard: str | None = None) -> list[LoadSummary]:
        """As `Sink.load_years`; with `shard`, the reports of an agency and year held by other
        shards take part in the canonical choice (`_settle`). Two first loads of one agency-year
        in different shards only insert, so both commit, each without the other's reports: the
        rows are settled again once committed, where the later of the two sees both."""
        summaries = super().load_years(frames_by_year, run_id=run_id, allow_empty=allow_empty,
                                       shard=shard)
        loaded = {year: frames.report for year, frames in frames_by_year.items()
                  if not frames.report.is_empty()}
        if shard is not None and loaded:
            self._write(lambda con: self._settle_loaded(con, loaded))
        return summaries

    def _settle_loaded(self, con: duckdb.DuckDBPyConnection, loaded: dict[int, pl.DataFrame]) -> None:
        changed = [self._settle(con, year, with_agency_keys(report))[1]
                   for year, report in loaded.items()]
        if any(not c.is_empty() for c in changed):
            refresh_derived(con, pl.concat(changed))

    def _load_one(self, con: duckdb.DuckDBPyConnection, partition_year: int, frames: ReportFrames,
                  run_id: str | None, allow_empty: bool, shard: str | None,
                  layout: Layout, changed: list[pl.DataFrame]) -> LoadSummary:
        if shard is not None and (allow_empty or not frames.report.is_empty()):
            report, moved = self._settle(con, partition_year, with_agency_keys(frames.report), shard)
            changed.append(moved)
            kept = report["report_id"].implode()
            frames = ReportFrames(**{name: report if name == "report" else
                                     table.filter(pl.col("report_id").is_in(kept))
                                     for name, table in frames.tables().items()})
            allow_empty = True  # every report of the load held by an earlier shard: none here
        return super()._load_one(con, partition_year, frames, run_id, allow_empty, shard, layout,
                                 changed)

    def _settle(self, con: duckdb.DuckDBPyConnection, partition_year: int, report: pl.DataFrame,
                shard: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The year's report rows of the agencies in `report` (and `report`'s reports) over
        every shard, made consistent: a report held by two shards is kept by the first shard
        (NULL, a whole-year load, last: as `combine_shards` takes the first) and the other
        copy deleted; one canonical report per agency and year, chosen by `mark_canonical`
        over them all. Other shards' rows whose choice changed are rewritten here (report and
        the tables with a copy of is_canonical); the rows of agencies no other shard holds
        are not touched, so a load of new agencies only inserts.

        With `shard`, `report` is the shard's load, replacing its rows of the year: returned
        with the choice made (less the reports an earlier shard holds). Without, `report` names
        rows already loaded. Also returned: the rows removed or whose is_canonical changed
        (report_id, agency_id, year), for `refresh_derived`."""
        year = int(partition_year)
        touched = report.select("agency_id").drop_nulls()
        if shard is not None:  # the agencies of the rows this load replaces take part too
            touched = pl.concat([touched, con.execute(
                f"SELECT agency_id FROM main.report WHERE partition_year = {year} AND shard = ? "
                "AND agency_id IS NOT NULL", [shard]).pl().cast(pl.Utf8)])
        columns = ", ".join(f'r."{c}"' for c in REPORT_SCHEMA)
        # registered frames, not list parameters: DuckDB converts a Python list slowly
        con.register("touched_agency", touched.unique().to_arrow())
        con.register("touched_report", report.select("report_id").to_arrow())
        try:
            stored = con.execute(
                f"SELECT {columns}, r.shard FROM main.report r WHERE r.partition_year = {year} "
                "AND (r.agency_id IN (SELECT agency_id FROM touched_agency) "
                "OR r.report_id IN (SELECT report_id FROM touched_report))"
                + (" AND r.shard IS DISTINCT FROM ?" if shard is not None else ""),
                [shard] if shard is not None else []).pl()
        finally:
            con.unregister("touched_agency")
            con.unregister("touched_report")
        rows = pl.concat([stored.cast(REPORT_SCHEMA | {"shard": pl.Utf8}),
                          report.select(list(REPORT_SCHEMA)).with_columns(
                              shard=pl.lit(shard, dtype=pl.Utf8), _new=pl.lit(True))]
                         if shard is not None else [stored.with_columns(_new=pl.lit(False))],
                         how="diagonal_relaxed").with_columns(pl.col("_new").fill_null(False))
        ordered = rows.sort("report_id", pl.col("shard").is_null(), "shard")
        first = ordered.unique("report_id", keep="first", maintain_order=True)
        copies = ordered.join(first.select("report_id", "shard"), on=["report_id", "shard"],
                              how="anti", nulls_equal=True)
        chosen = mark_canonical(first.select(list(REPORT_SCHEMA))).select(
            "report_id", *CANONICAL).join(first.select("report_id", "shard", "_new",
                                                       *(pl.col(c).alias(f"_was_{c}") for c in CANONICAL)),
                                          on="report_id")
        moved = chosen.filter(~pl.col("_new") & pl.any_horizontal(
            pl.col(c).ne_missing(pl.col(f"_was_{c}")) for c in CANONICAL))
        self._delete_copies(con, partition_year, copies.filter(~pl.col("_new")))
        self._rewrite_choice(con, partition_year, moved)
        changed = pl.concat([
            copies.filter(~pl.col("_new")),
            moved.filter(pl.col("is_canonical") != pl.col("_was_is_canonical")).join(
                first.select("report_id", "agency_id", "year"), on="report_id")],
            how="diagonal_relaxed").select(pl.col("report_id").cast(pl.Utf8),
                                           pl.col("agency_id").cast(pl.Utf8), pl.col("year").cast(pl.Int32))
        loaded = report.drop(CANONICAL).join(chosen.filter(pl.col("_new")).select("report_id", *CANONICAL),
                                             on="report_id", maintain_order="left").select(report.columns)
        return loaded, changed

    def _delete_copies(self, con: duckdb.DuckDBPyConnection, partition_year: int,
                       copies: pl.DataFrame) -> None:
        """Delete the rows of reports (report_id, shard) a shard holds that an earlier one holds too."""
        if copies.is_empty():
            return
        con.register("copies", copies.select("report_id", "shard").to_arrow())
        try:
            for table in PARTITIONED:
                con.execute(f"DELETE FROM main.{table} t WHERE partition_year = {int(partition_year)} "
                            "AND EXISTS (SELECT 1 FROM copies c WHERE c.report_id = t.report_id "
                            "AND c.shard IS NOT DISTINCT FROM t.shard)")
        finally:
            con.unregister("copies")

    def _rewrite_choice(self, con: duckdb.DuckDBPyConnection, partition_year: int,
                        moved: pl.DataFrame) -> None:
        """Set the canonical columns of loaded rows (report_id, shard) whose choice moved, in
        report and, where is_canonical moved, in the tables carrying a copy of it."""
        if moved.is_empty():
            return
        con.register("moved", moved.with_columns(
            flipped=pl.col("is_canonical") != pl.col("_was_is_canonical")).to_arrow())
        try:
            def same(t: str) -> str:  # the row of m in table t
                return (f"m.report_id = {t}.report_id AND m.shard IS NOT DISTINCT FROM {t}.shard "
                        f"AND {t}.partition_year = {int(partition_year)}")

            con.execute("UPDATE main.report SET " + ", ".join(f"{c} = m.{c}" for c in CANONICAL)
                        + " FROM moved m WHERE " + same("report"))
            for table, columns in COPIED.items():
                if "is_canonical" in columns:
                    con.execute(f"UPDATE main.{table} SET is_canonical = m.is_canonical FROM moved m "
                                f"WHERE m.flipped AND {same(table)}")
        finally:
            con.unregister("moved")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass  # the failed commit ended it already


def _catalog_race(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return "duplicate key" in text or "already exists" in text or "conflict" in text
