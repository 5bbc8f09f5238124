"""Crawl settings: safe defaults for real portals, in one place; tests shrink the delays."""

from __future__ import annotations

from dataclasses import dataclass

USER_AGENT = "gongkai/0.1 (+https://github.com/gongkai; open-government-report research crawler)"


@dataclass(frozen=True)
class CrawlSettings:
    user_agent: str = USER_AGENT
    # Politeness per host: at most this many requests in flight, and this gap between starts.
    per_host_concurrency: int = 2
    min_delay: float = 1.0
    obey_robots: bool = True
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay above this is capped, not obeyed
    # Timeouts (seconds): connect, and the gap allowed between bytes while reading.
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # Headers or a body trickled byte by byte never trip the read timeout: cap each response's
    # total time, connect to last byte (see deadline.py).
    max_response_time: float = 300.0
    # Retries on 5xx / 429 / timeouts / connection errors: exponential backoff with jitter.
    retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 300.0  # a longer Retry-After means "not today": give up on the URL
    max_redirects: int = 5
    max_bytes: int = 50 * 1024 * 1024  # larger bodies are stopped and recorded as oversized
    conditional_requests: bool = True  # send If-None-Match / If-Modified-Since from the fetch log
    max_workers: int = 8  # hosts crawled at once
    # A portal name resolving only to loopback/private/link-local addresses is not connected
    # to (addresses.py); True for portals on an intranet.
    allow_private_addresses: bool = False
    trust_env: bool = True  # honour HTTP(S)_PROXY / NO_PROXY from the environment
    # An article page counts as a report document itself when its text (links excluded)
    # names at least this many of the report's section headings, or when it links no report
    # attachment at all.
    min_html_markers: int = 2
