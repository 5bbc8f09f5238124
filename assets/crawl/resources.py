"""The crawl stage's resources: where fetched documents are kept, and how politely to fetch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import dagster as dg
import polars as pl

from gongkai.assets.crawl.catalog import merge_into_catalog, read_catalog
from gongkai.assets.crawl.crawl import FETCH_LOG_NAME
from gongkai.assets.crawl.fetch_log import FetchLog
from gongkai.assets.crawl.packs import PackedStore
from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.crawl.settings import CrawlSettings
from gongkai.assets.crawl.store import ContentStore, LocalRawStore
from gongkai.assets.storage import Directory, Storage, join, open_storage


class DocumentStore(dg.ConfigurableResource):
    """The raw store (every fetched body under its sha256, and the fetch log) and the crawl
    catalog of what was found where, in one place (`raw/`, `catalog/`): a directory, or an
    S3-compatible bucket prefix such as `s3://gongkai/store` (see `assets/storage.py`)."""

    path: str  # a directory or an s3:// URL

    def storage(self) -> Storage:
        return open_storage(self.path)

    def raw(self, shards: Iterable[str] | None = None) -> ContentStore:
        """The raw store; in a bucket, as steps of `shards` see it (their packs of small
        documents, `assets/crawl/packs.py`; with one shard, new bodies go into its packs)."""
        storage = open_storage(join(self.path, "raw"))
        if isinstance(storage, Directory):
            # a directory is made at once, as a store always was (a run leaves its store behind)
            return LocalRawStore(storage.root)
        return ContentStore(storage) if shards is None else PackedStore(storage, shards)

    @contextmanager
    def writing(self, shards: Iterable[str]) -> Iterator[ContentStore]:
        """The raw store for a crawl of `shards`: in a bucket, what waits to be packed is
        written when the block ends without an error (before the fetch log that names it)."""
        store = self.raw(shards)
        yield store
        store.flush()

    @contextmanager
    def fetch_log(self, shard: str | None = None) -> Iterator[FetchLog]:
        """The fetch log (SQLite) beside the raw objects, the store's or one shard's
        (`raw/fetch_log/shard=07.sqlite3`, for steps of shards running at the same time); in a
        bucket it is worked on in a local copy and written back when the crawl ends."""
        key = FETCH_LOG_NAME if shard is None else f"fetch_log/shard={shard}.sqlite3"
        with open_storage(join(self.path, "raw")).working_copy(key) as path:
            log = FetchLog(path)
            try:
                yield log
            finally:
                log.close()

    def catalog(self, shards: Iterable[str] | None = None) -> pl.DataFrame:
        """The whole catalog, or only that of `shards` (see `read_catalog`)."""
        return read_catalog(self.storage(), shards)

    def add_to_catalog(self, found: list[CrawledDocument], shard: str | None = None) -> pl.DataFrame:
        """Add a shard's finds to its catalog file; the shard's catalog back (the whole one
        without a shard)."""
        return merge_into_catalog(self.storage(), found, shard)


class CrawlPoliteness(dg.ConfigurableResource):
    """How hard gongkai may press on one host (the defaults of `CrawlSettings`)."""

    per_host_concurrency: int = CrawlSettings.per_host_concurrency
    min_delay_seconds: float = CrawlSettings.min_delay
    read_timeout_seconds: float = CrawlSettings.read_timeout
    max_download_mb: int = CrawlSettings.max_bytes // (1024 * 1024)
    obey_robots: bool = CrawlSettings.obey_robots
    allow_private_addresses: bool = CrawlSettings.allow_private_addresses  # intranet portals

    def settings(self) -> CrawlSettings:
        return CrawlSettings(
            per_host_concurrency=self.per_host_concurrency,
            min_delay=self.min_delay_seconds,
            read_timeout=self.read_timeout_seconds,
            max_bytes=self.max_download_mb * 1024 * 1024,
            obey_robots=self.obey_robots,
            allow_private_addresses=self.allow_private_addresses,
        )
