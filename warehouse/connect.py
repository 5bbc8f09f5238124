"""Opening the warehouse file, and nothing more: DuckDB only (imported when a file is opened),
so `gongkai sql` and `gongkai export` start without the loader's polars and numpy, and
`gongkai --help` without DuckDB.

DuckDB admits one read-write process; while a load holds the file, an open waits with backoff.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

class WarehouseLocked(RuntimeError):
    """Another process held the warehouse for longer than we were willing to wait."""


def open_waiting(path: Path, read_only: bool, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    """A connection to `path`, retrying (with backoff) while another process holds it."""
    import duckdb

    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            # DuckDB draws its progress bar on stdout, which is the caller's (CSV, JSON) output
            con.execute("SET enable_progress_bar = false")
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"warehouse {path} is locked by another process and stayed locked for "
                    f"{lock_timeout:.0f}s ({exc}); open analyst sessions read-only "
                    "(duckdb -readonly) and retry") from exc
            log.info("warehouse %s is locked; retrying in %.1fs", path, delay)
            time.sleep(delay + random.uniform(0, delay / 2))
            delay = min(delay * 2, 2.0)


@contextmanager
def read_only(path: str | Path, lock_timeout: float = 120.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the live catalog (never blocked by a load's new files)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `gongkai run` or `gongkai demo` first")
    con = open_waiting(path, True, lock_timeout)
    try:
        yield con
    finally:
        con.close()
