"""Where gongkai's data lives: configuration, never constants inside assets.

Defaults sit inside the checkout; environment variables (GONGKAI_SOURCES, GONGKAI_STORE,
GONGKAI_WAREHOUSE) or the command line move them.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from gongkai.assets.crawl.settings import CrawlSettings
from gongkai.assets.crawl.store import LocalRawStore
from gongkai.assets.sources import Source, load_sources
from gongkai.warehouse.loader import DEFAULT_PATH, Warehouse

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = REPO_ROOT / "sources"
DEFAULT_STORE = REPO_ROOT / "data" / "store"


class GongkaiStorage(dg.ConfigurableResource):
    """The sources file(s), the raw store and staging area, and the DuckDB warehouse."""

    sources: str = os.environ.get("GONGKAI_SOURCES", str(DEFAULT_SOURCES))
    store: str = os.environ.get("GONGKAI_STORE", str(DEFAULT_STORE))
    warehouse: str = os.environ.get("GONGKAI_WAREHOUSE", str(DEFAULT_PATH))

    @property
    def store_dir(self) -> Path:
        return Path(self.store)

    def load_sources(self) -> list[Source]:
        return load_sources(self.sources)

    def raw_store(self) -> LocalRawStore:
        return LocalRawStore(self.store_dir / "raw")

    def staged_reports_dir(self, year: int) -> Path:
        """Where the report stage leaves a year's frames for the loader."""
        return self.store_dir / "reports" / f"year={year}"

    def open_warehouse(self) -> Warehouse:
        return Warehouse(self.warehouse)


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
