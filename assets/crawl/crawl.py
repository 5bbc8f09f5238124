"""The crawl stage's entry point: sources in, report documents (bytes in the raw store) out."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.assets.sources.config import Source
from gongkai.assets.storage import Storage

from .catalog import read_known_lists, record_known_lists
from .discover import SourceCrawl
from .endpoints import KnownLists, known_key
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
    # List pages and endpoints found from home pages, by source name.
    list_pages: dict[str, KnownLists] = field(default_factory=dict)


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
    catalog_dir: Path | Storage | None = None,
    shards: Mapping[str, str] | None = None,
) -> CrawlResult:
    """Crawl each source for reports; a failed URL is recorded in the stats, never raised.

    Sources are grouped by the host of their first start URL; the groups run in parallel
    (up to `settings.max_workers`), the sources of one group one after the other, and the
    fetcher's per-host throttle holds every host to its concurrency and delay.

    `catalog_dir` (the store: a directory or a `Storage`): where the list pages found from home
    pages are recorded, and read back so the next crawl starts at them; `shards` (source name →
    shard key): record each source's list pages in its shard's file (steps of other shards
    write theirs at the same time).
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
    known = read_known_lists(catalog_dir) if catalog_dir is not None else {}

    def crawl_group(group: list[Source]) -> None:
        for source in group:
            stats = result.stats.for_source(source.name)
            crawl = SourceCrawl(
                source, fetcher, stats, settings, progress, known.get(known_key(source))
            )
            try:
                found[source.name] = crawl.run()
            except Exception as exc:  # a bug on one portal must not lose the others
                log.exception("source %s failed", source.name)
                stats.error(source.start[0], "crawl_failed", repr(exc))
                found[source.name] = []
            if not crawl.found.empty:
                result.list_pages[source.name] = KnownLists(
                    tuple(u for u, _ in crawl.found.pages), tuple(crawl.found.endpoints)
                )

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
    if catalog_dir is not None:
        by_shard: dict[str | None, list[Source]] = defaultdict(list)
        for source in sources:
            by_shard[shards[source.name] if shards else None].append(source)
        for shard, members in by_shard.items():
            record_known_lists(
                catalog_dir,
                {known_key(s): result.list_pages[s.name] for s in members if s.name in result.list_pages},
                shard,
            )
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
