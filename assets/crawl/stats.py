"""Crawl statistics, per source and in total: what was fetched, reused, refused or failed."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

_COUNTERS = (
    "list_pages",  # list pages and data-endpoint pages read
    "portal_pages",  # pages read exploring a home page for its 年报 lists
    "article_pages",  # article pages opened
    "documents",  # report documents recorded
    "requests",  # HTTP requests sent (robots.txt, retries and redirect hops included)
    "bytes_downloaded",  # body bytes over the wire, all requests
    "document_bytes_downloaded",  # of which for the recorded documents' own fetches
    "not_modified",  # 304 answers: stored bytes reused
    "retries",
    "robots_blocked",
    "oversized",
    "lookalikes_skipped",  # 解读, 图解, 通知 … seen and not recorded
)


@dataclass
class SourceStats:
    source: str
    list_pages: int = 0
    portal_pages: int = 0
    article_pages: int = 0
    documents: int = 0
    requests: int = 0
    bytes_downloaded: int = 0
    document_bytes_downloaded: int = 0
    not_modified: int = 0
    retries: int = 0
    robots_blocked: int = 0
    oversized: int = 0
    lookalikes_skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # {url, reason, detail}
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                if name not in _COUNTERS:
                    raise KeyError(f"unknown crawl counter {name!r}")
                setattr(self, name, getattr(self, name) + n)

    def error(self, url: str, reason: str, detail: str = "") -> None:
        with self._lock:
            self.errors.append({"url": url, "reason": reason, "detail": detail})

    @property
    def errors_by_reason(self) -> dict[str, int]:
        return dict(Counter(e["reason"] for e in self.errors))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in _COUNTERS}
        out["source"] = self.source
        out["errors"] = list(self.errors)
        out["errors_by_reason"] = self.errors_by_reason
        return out


@dataclass
class CrawlStats:
    sources: dict[str, SourceStats] = field(default_factory=dict)

    def for_source(self, name: str) -> SourceStats:
        return self.sources.setdefault(name, SourceStats(name))

    @property
    def total(self) -> SourceStats:
        total = SourceStats("(total)")
        for s in self.sources.values():
            total.add(**{name: getattr(s, name) for name in _COUNTERS})
            total.errors.extend(s.errors)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total.to_dict(),
            "sources": {name: s.to_dict() for name, s in self.sources.items()},
        }


assert set(_COUNTERS) <= {f.name for f in fields(SourceStats)}
