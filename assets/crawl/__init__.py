"""Crawl portals for report pages and attachments, politely and incrementally.

Dagster-free: the pipeline wraps `crawl_sources`; nothing here imports dagster.
"""

from .crawl import CrawlResult, crawl_sources
from .fetch import Fetcher
from .fetch_log import FetchLog
from .filenames import filename_from_content_disposition
from .records import CrawledDocument
from .settings import USER_AGENT, CrawlSettings
from .stats import CrawlStats, SourceStats
from .store import LocalRawStore, RawStore

__all__ = [
    "USER_AGENT",
    "CrawlResult",
    "CrawlSettings",
    "CrawlStats",
    "CrawledDocument",
    "FetchLog",
    "Fetcher",
    "LocalRawStore",
    "RawStore",
    "SourceStats",
    "crawl_sources",
    "filename_from_content_disposition",
]
