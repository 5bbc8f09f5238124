"""`gongkai discover URL`: explore a portal's home page and write what it found as a ready
``[[source]]`` block for a sources file."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.assets.sources.config import Source

from .discover import SourceCrawl
from .endpoints import ListEndpoint
from .explore import PortalExplorer, is_home_page, portal_name
from .fetch import Fetcher
from .fetch_log import FetchLog
from .pages import links, parse_html
from .settings import CrawlSettings
from .stats import SourceStats
from .store import LocalRawStore


class DiscoveryError(ValueError):
    """A home page that could not be read."""


@dataclass
class DiscoveredSource:
    name: str
    home: str
    pages: list[str] = field(default_factory=list)  # list pages
    endpoints: list[ListEndpoint] = field(default_factory=list)
    endpoint_pages: list[str] = field(default_factory=list)  # the column page of each endpoint
    pages_read: int = 0

    @property
    def empty(self) -> bool:
        return not self.pages and not self.endpoints


def discover_source(
    url: str, settings: CrawlSettings | None = None, *, name: str | None = None,
    discover_pages: int = 20,
) -> DiscoveredSource:
    """Read `url` and explore it as `gongkai run` would (robots, per-host limit, delays)."""
    settings = settings or CrawlSettings()
    if "://" not in url:  # www.xxx.gov.cn, as people write a portal's address
        url = "http://" + url
    netloc = urlsplit(url).netloc.lower()
    if urlsplit(url).scheme not in ("http", "https") or not netloc:
        raise DiscoveryError(f"{url}: not an http(s) URL")
    source = Source(name=name or netloc, start=(url,), hosts=frozenset({netloc}),
                    discover_pages=discover_pages)
    stats = SourceStats(source.name)
    with tempfile.TemporaryDirectory(prefix="gongkai-discover-") as tmp:
        fetch_log = FetchLog(":memory:")
        try:
            with Fetcher(LocalRawStore(Path(tmp)), fetch_log, settings) as fetcher:
                crawl = SourceCrawl(source, fetcher, stats, settings)
                home = crawl.fetch(url)
                if home is None:
                    error = stats.errors[-1] if stats.errors else {"reason": "?", "detail": ""}
                    raise DiscoveryError(f"{url}: {error['reason']} {error['detail']}".strip())
                found = DiscoveredSource(name or portal_name(home) or netloc, url)
                explorer = PortalExplorer(crawl.explore_fetch, crawl.allows_nearby, discover_pages)
                home_links = links(parse_html(explorer.decode(home)), home.final_url)
                if explorer.report_entries(home_links) and not is_home_page(url):  # a list page
                    found.pages.append(url)
                    return found
                lists = crawl.explore(home)
        finally:
            fetch_log.close()
    found.pages = [u for u, _ in lists.pages]
    found.endpoints = list(lists.endpoints)
    found.endpoint_pages = list(lists.endpoint_pages)
    found.pages_read = lists.pages_read
    return found


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def source_block(found: DiscoveredSource, today: date | None = None) -> str:
    """TOML ``[[source]]`` blocks: the list pages and the first endpoint in one, each further
    endpoint (a second jpage column) in its own."""
    today = today or date.today()
    origin = f"gongkai discover {found.home} ({today.isoformat()})"
    summary = (
        f"# Found from {found.home} by `gongkai discover` on {today.isoformat()}: "
        f"{len(found.pages)} list page(s), {len(found.endpoints)} list endpoint(s), "
        f"{found.pages_read} page(s) read.\n"
    )
    blocks: list[str] = []
    endpoints: list[ListEndpoint | None] = list(found.endpoints) or [None]
    for i, endpoint in enumerate(endpoints):
        name = found.name if i == 0 else f"{found.name}（{i + 1}）"
        start = ([*found.pages] if i == 0 else []) + found.endpoint_pages[i : i + 1]
        start = list(dict.fromkeys(start))
        lines = [
            "[[source]]",
            f"name = {_toml_string(name)}",
            f"start = [{', '.join(_toml_string(u) for u in start)}]",
        ]
        if endpoint is not None:
            lines += [
                f"list_url_template = {_toml_string(endpoint.template)}",
                f"page_size = {endpoint.page_size}",
                f"list_method = {_toml_string(endpoint.method)}",
            ]
            if endpoint.form:
                pairs = ", ".join(f"{_toml_key(k)} = {_toml_string(v)}" for k, v in endpoint.form)
                lines.append(f"list_form = {{ {pairs} }}")
            if endpoint.json is not None:
                lines.append(f"list_json = {_json_as_toml(json.loads(endpoint.json))}")
        lines.append(f"origin = {_toml_string(origin)}")
        blocks.append("\n".join(lines) + "\n")
    return summary + "\n".join(blocks)


def _json_as_toml(value: object) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_json_as_toml(v)}" for k, v in value.items())
        return f"{{ {inner} }}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_as_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return _toml_string(str(value))
