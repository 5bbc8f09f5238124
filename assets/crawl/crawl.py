"""The crawl stage's entry point: sources in, report documents (bytes in the raw store) out."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.assets.sources.config import Source

from .discover import SourceCrawl
from .fetch import Fetcher
from .fetch_log import FetchLog
from .records import CrawledDocument
from .settings import CrawlSettings
from .stats import CrawlStats
from .store import RawStore

log = logging.getLogger(__name__)

FETCH_LOG_NAME = "fetch_log.sqlite3"


@dataclass
class CrawlResult:
    documents: list[CrawledDocument] = field(default_factory=list)
    stats: CrawlStats = field(default_factory=CrawlStats)


def default_fetch_log(store: RawStore) -> FetchLog:
    """The fetch log beside a local store's objects; in memory for stores without a root."""
    root = getattr(store, "root", None)
    if isinstance(root, Path):
        return FetchLog(root / FETCH_LOG_NAME)
    log.warning(
        "%r has no local root: fetch log kept in memory, re-crawls will not revalidate", store
    )
    return FetchLog(":memory:")


def crawl_sources(
    sources: list[Source],
    store: RawStore,
    *,
    settings: CrawlSettings | None = None,
    progress: Callable[[str, dict], None] | None = None,
    fetch_log: FetchLog | None = None,
) -> CrawlResult:
    """Crawl each source for reports; a failed URL is recorded in the stats, never raised.

    Sources are grouped by the host of their first start URL; the groups run in parallel
    (up to `settings.max_workers`), the sources of one group one after the other, and the
    fetcher's per-host throttle holds every host to its concurrency and delay.
    """
    settings = settings or CrawlSettings()
    own_log = fetch_log is None
    fetch_log = fetch_log or default_fetch_log(store)
    result = CrawlResult()
    for source in sources:
        result.stats.for_source(source.name)

    groups: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        groups[urlsplit(source.start[0]).netloc.lower()].append(source)

    found: dict[str, list[CrawledDocument]] = {}

    def crawl_group(group: list[Source]) -> None:
        for source in group:
            stats = result.stats.for_source(source.name)
            try:
                found[source.name] = SourceCrawl(source, fetcher, stats, settings, progress).run()
            except Exception as exc:  # a bug on one portal must not lose the others
                log.exception("source %s failed", source.name)
                stats.error(source.start[0], "crawl_failed", repr(exc))
                found[source.name] = []

    fetcher = Fetcher(store, fetch_log, settings)
    try:
        workers = max(1, min(settings.max_workers, len(groups)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="host") as pool:
            list(pool.map(crawl_group, groups.values()))
    finally:
        fetcher.close()
        if own_log:
            fetch_log.close()

    for source in sources:  # in the caller's order, whatever order the threads finished in
        result.documents.extend(found.get(source.name, []))
    total = result.stats.total
    log.info(
        "crawl done: %d documents, %d requests, %d bytes, %d not modified, %d errors",
        total.documents,
        total.requests,
        total.bytes_downloaded,
        total.not_modified,
        len(total.errors),
    )
    return result
