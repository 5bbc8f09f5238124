"""The fetch log: what the crawl last saw at each URL, and every fetch it made.

Two tables in one SQLite file beside the raw store:

- ``urls``: one row per URL, its last outcome and the validators (ETag, Last-Modified) plus the
  sha256 of the bytes they validate, so a re-crawl can send a conditional request and, on 304,
  reuse the stored bytes without downloading them again (an HTTP cache index);
- ``fetches``: an append-only history of every fetch (status, outcome, bytes on the wire), for
  auditing a crawl and for answering "when did this report change?".
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url           TEXT PRIMARY KEY,
    status        INTEGER,          -- last HTTP status (304 when revalidated), NULL if no answer
    final_url     TEXT,             -- after redirects
    etag          TEXT,
    last_modified TEXT,
    sha256        TEXT,             -- key of the last good body in the raw store
    content_type  TEXT,
    size          INTEGER,          -- bytes of that body
    filename      TEXT,             -- sanitised Content-Disposition file name, if any
    fetched_at    TEXT,             -- ISO 8601 UTC of the last fetch attempt
    error         TEXT              -- reason of the last failure, NULL after a success
);
CREATE TABLE IF NOT EXISTS fetches (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    url              TEXT NOT NULL,
    final_url        TEXT,
    status           INTEGER,
    outcome          TEXT NOT NULL,   -- ok | not_modified | http_error | robots_blocked | oversized | error
    error            TEXT,
    sha256           TEXT,
    size             INTEGER,
    bytes_downloaded INTEGER,         -- body bytes on the wire for this fetch (0 on 304)
    content_type     TEXT,
    fetched_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches(url);
"""


def utc_now() -> str:
    # Microseconds: two crawls in one second must still order a URL's versions (catalog).
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class UrlState:
    url: str
    status: int | None
    final_url: str | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    content_type: str | None
    size: int | None
    filename: str | None
    fetched_at: str | None
    error: str | None


_URL_COLUMNS = tuple(UrlState.__dataclass_fields__)


class FetchLog:
    """Thread-safe access to the SQLite fetch log (one connection, one lock: writes are tiny)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a power cut may lose
        # the last few entries (those URLs are fetched whole next time), never corrupt the
        # log. FULL costs an fsync per fetch, which a crawl's worker threads wait on.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def state(self, url: str) -> UrlState | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {', '.join(_URL_COLUMNS)} FROM urls WHERE url = ?", (url,)
            ).fetchone()
        return UrlState(*row) if row else None

    def update(self, url: str, **fields: object) -> None:
        """Upsert the named columns of `url`'s row, leaving the others as they were.

        A failed re-fetch must not wipe the validators of the last good copy, hence partial
        updates rather than whole-row replaces.
        """
        unknown = set(fields) - set(_URL_COLUMNS)
        if unknown:
            raise ValueError(f"unknown fetch-log column(s): {sorted(unknown)}")
        fields.setdefault("fetched_at", utc_now())
        cols = list(fields)
        sql = (
            f"INSERT INTO urls (url, {', '.join(cols)}) VALUES (?, {', '.join('?' for _ in cols)}) "
            f"ON CONFLICT(url) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols)}"
        )
        with self._lock:
            self._db.execute(sql, (url, *fields.values()))

    def record_fetch(
        self,
        url: str,
        *,
        outcome: str,
        status: int | None = None,
        final_url: str | None = None,
        error: str | None = None,
        sha256: str | None = None,
        size: int | None = None,
        bytes_downloaded: int = 0,
        content_type: str | None = None,
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO fetches (url, final_url, status, outcome, error, sha256, size,"
                " bytes_downloaded, content_type, fetched_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    url,
                    final_url,
                    status,
                    outcome,
                    error,
                    sha256,
                    size,
                    bytes_downloaded,
                    content_type,
                    utc_now(),
                ),
            )

    def history(self, url: str) -> list[dict]:
        with self._lock:
            cur = self._db.execute("SELECT * FROM fetches WHERE url = ? ORDER BY id", (url,))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
