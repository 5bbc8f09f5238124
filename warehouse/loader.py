"""The DuckDB warehouse: schema setup and the transactional, idempotent load of a year.

DuckDB admits one writing process at a time. The loader opens its connection only for the
length of one load and retries while another process holds the file, so the nightly load and
an analyst's session take turns instead of failing.
"""

from __future__ import annotations

import logging
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl

from assets.report.frames import ReportFrames
from assets.report.spec import all_cells

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent / "gongkai.duckdb"
# Child tables first: a year is deleted from the leaves up and inserted from the root down.
_CHILD_TABLES = ("fact_cell", "report_section", "check_result", "narrative_figure")


class WarehouseLocked(RuntimeError):
    """Another process held the warehouse file for longer than we were willing to wait."""


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


class Warehouse:
    def __init__(self, path: str | Path = DEFAULT_PATH, lock_timeout: float = 120.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection, waiting (with backoff) while another process holds the file."""
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no warehouse at {self.path}: run `gongkai run` or `gongkai demo` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.1
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"warehouse {self.path} is locked by another process and stayed locked for "
                        f"{self.lock_timeout:.0f}s ({exc}); close other DuckDB sessions on it and retry"
                    ) from exc
                log.info("warehouse %s is locked; retrying in %.1fs", self.path, delay)
                time.sleep(delay + random.uniform(0, delay / 2))
                delay = min(delay * 2, 5.0)
        try:
            yield con
        finally:
            con.close()

    def setup(self) -> None:
        """Create the tables and views (idempotent) and load the cell dimension from the spec."""
        with self.connect() as con:
            self._setup(con)

    def _setup(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(_sql("schema.sql"))
        con.execute(_sql("views.sql"))
        cells = pl.DataFrame([c.__dict__ for c in all_cells()]).select(
            "table_id", "row_id", "col_id", "row_label", "col_label", "unit", "formats")
        con.execute("BEGIN")
        con.execute("DELETE FROM cell")
        con.register("spec_cells", cells.to_arrow())
        con.execute("INSERT INTO cell BY NAME SELECT * FROM spec_cells")
        con.unregister("spec_cells")
        con.execute("COMMIT")

    def load_year(self, partition_year: int, frames: ReportFrames, *, run_id: str | None = None,
                  allow_empty: bool = False) -> LoadSummary:
        """Replace one year partition with `frames`, all in one transaction.

        Re-running a year replaces its rows and nothing else; a failure leaves the previous
        state. An empty frame does not wipe a year that has reports unless `allow_empty`:
        a crawl that found nothing is more often a portal outage than a retraction.
        """
        with self.connect() as con:
            self._setup(con)
            existing = con.execute(
                "SELECT count(*) FROM report WHERE partition_year = ?", [partition_year]).fetchone()[0]
            if frames.report.is_empty() and existing and not allow_empty:
                reason = f"no reports parsed for {partition_year}; kept the {existing} already loaded"
                log.warning(reason)
                return LoadSummary(partition_year, existing, 0, 0, 0, 0, skipped_reason=reason)
            con.execute("BEGIN TRANSACTION")
            try:
                for table in _CHILD_TABLES:
                    con.execute(
                        f"DELETE FROM {table} WHERE report_id IN "
                        "(SELECT report_id FROM report WHERE partition_year = ?)", [partition_year])
                con.execute("DELETE FROM report WHERE partition_year = ?", [partition_year])
                for name, frame in frames.tables().items():
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
            checks_failed=int((checks["passed"] == False).sum() or 0),  # noqa: E712  (NULL is not a failure)
            replaced_reports=existing,
        )

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        """Run a query on a read-only connection and return a polars frame."""
        with self.connect(read_only=True) as con:
            relation = con.sql(sql, params=params or None)
            if relation is None:  # a statement that returns no rows
                return pl.DataFrame()
            return relation.pl()
