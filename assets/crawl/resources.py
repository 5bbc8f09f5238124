"""The crawl stage's resources: where fetched documents are kept, and how politely to fetch."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from gongkai.assets.crawl.catalog import merge_into_catalog, read_catalog
from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.crawl.settings import CrawlSettings
from gongkai.assets.crawl.store import LocalRawStore


class DocumentStore(dg.ConfigurableResource):
    """The raw store (every fetched body under its sha256, and the fetch log) and the crawl
    catalog of what was found where, in one directory (`raw/`, `catalog/`)."""

    path: str

    def raw(self) -> LocalRawStore:
        return LocalRawStore(Path(self.path) / "raw")

    def catalog(self) -> pl.DataFrame:
        return read_catalog(Path(self.path))

    def add_to_catalog(self, found: list[CrawledDocument], shard: str | None = None) -> pl.DataFrame:
        """Add a shard's finds to its catalog file; the whole catalog back."""
        return merge_into_catalog(Path(self.path), found, shard)


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
