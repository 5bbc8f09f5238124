"""Shards: which slice of the sources a crawl or a parse step works on.

A shard is keyed by the *site* (the registrable domain, ``huaian.gov.cn``; for an address
written as an IP, the address without its port): a stable hash of the site's name, modulo the
shard count. So every host of one site (``www.`` and ``file.``, which the crawl follows
without an ``allow`` entry) lands in one shard, and so does every source on them: a host is
crawled by one step at a time, whatever the number of workers, and the fetcher's per-host
limit holds across the whole cluster.

Why a hash of the site and not the province's division code: a host must sit in exactly one
shard, and a division code cannot promise that (a provincial platform hosts its counties'
reports, a source may have no division at all); and provinces are of very unequal size
(Guangdong has ten times Tibet's agencies), where a hash spreads sites evenly.

A source whose start URLs span several sites joins them: the sites of sources that share any
site are one group (union-find), keyed by the group's smallest site name. The key is
sha256-based (Python's ``hash()`` changes between processes), so it is the same on every
machine and every run for the same sources and shard count.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from gongkai.assets.sources.config import Source
from gongkai.assets.sources.sites import registrable_domain

SHARDS_ENV = "GONGKAI_SHARDS"
DEFAULT_SHARDS = 16  # a few hundred partitions with the years: enough to spread, few to show
MAX_SHARDS = 4096


class ShardError(ValueError):
    """A shard count that cannot be used (GONGKAI_SHARDS), said in one line."""


def shard_count(environ: Mapping[str, str] | None = None) -> int:
    """GONGKAI_SHARDS, else 16. Every process of a deployment must agree on it: the partition
    keys are made from it (changing it re-keys every partition: reload everything after)."""
    environ = os.environ if environ is None else environ
    text = environ.get(SHARDS_ENV, "").strip()
    if not text:
        return DEFAULT_SHARDS
    if not text.isdigit() or not 1 <= int(text) <= MAX_SHARDS:
        raise ShardError(f"{SHARDS_ENV}={text!r}: give a whole number from 1 to {MAX_SHARDS}")
    return int(text)


def shard_keys(count: int) -> list[str]:
    """The partition keys: "00" … "15" for 16 shards (zero-padded, so they sort as numbers)."""
    width = len(str(count - 1))
    return [f"{i:0{width}d}" for i in range(count)]


def site_of(host: str) -> str:
    """``file.huaian.gov.cn`` → ``huaian.gov.cn``; ``127.0.0.1:47301`` → ``127.0.0.1`` (one
    machine whatever the port); a name with no registrable domain (``localhost``) is itself."""
    host = host.lower().rstrip(".")
    domain = registrable_domain(host)
    if domain is not None:
        return domain
    return urlsplit(f"//{host}").hostname or host


def shard_of_site(site: str, count: int) -> str:
    """The shard key of a site: sha256 of its name, modulo `count`."""
    number = int.from_bytes(hashlib.sha256(site.encode("utf-8")).digest()[:8], "big")
    return shard_keys(count)[number % count]


def shard_of_url(url: str, count: int) -> str:
    """The shard of a URL's site: where a document goes whose source is no longer listed."""
    return shard_of_site(site_of(urlsplit(url).netloc), count)


def source_sites(source: Source) -> set[str]:
    """The sites a source's crawl starts on (its start pages and list endpoint)."""
    return {site_of(host) for host in source.hosts}


def assign_shards(sources: Iterable[Source], count: int) -> dict[str, str]:
    """Source name → shard key. Sources that share a site share a shard."""
    sources = list(sources)
    parent: dict[str, str] = {}

    def root(site: str) -> str:
        while parent[site] != site:
            parent[site] = parent[parent[site]]
            site = parent[site]
        return site

    for source in sources:
        sites = sorted(source_sites(source))
        for site in sites:
            parent.setdefault(site, site)
        for site in sites[1:]:
            a, b = root(sites[0]), root(site)
            if a != b:  # the smaller name is the group's root, so the key is order-free
                parent[max(a, b)] = min(a, b)
    return {s.name: shard_of_site(root(min(source_sites(s))), count) for s in sources}


class Shards:
    """The shard of every source of a sources file, for a shard count (default: `shard_count()`)."""

    def __init__(self, sources: Iterable[Source], count: int | None = None) -> None:
        self.sources = list(sources)
        self.count = shard_count() if count is None else count
        self.keys = shard_keys(self.count)
        self.by_source = assign_shards(self.sources, self.count)

    def sources_in(self, shards: Iterable[str]) -> list[Source]:
        """The sources of the given shards, in their file order."""
        wanted = set(shards)
        return [s for s in self.sources if self.by_source[s.name] in wanted]

    def of_document(self, source: str, url: str) -> str:
        """The shard of a document its source found; for a source no longer listed, its URL's
        site decides (the same shard the source had, unless it spanned several sites)."""
        return self.by_source.get(source) or shard_of_url(url, self.count)
