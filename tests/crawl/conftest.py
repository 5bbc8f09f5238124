from __future__ import annotations

from collections.abc import Iterator

import pytest

from gongkai.assets.crawl import CrawlSettings, LocalRawStore
from gongkai.assets.sources.config import Source, parse_sources

from .portal import FixturePortal, Host, build_portal


def fast_settings(**overrides: object) -> CrawlSettings:
    """Real manners, test-sized: tiny delays and backoffs, a 100 kB size cap."""
    values: dict = {
        "min_delay": 0.0,
        "backoff_base": 0.02,
        "backoff_max": 0.1,
        "retries": 2,
        "max_bytes": 100_000,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "trust_env": False,
    }
    values.update(overrides)
    return CrawlSettings(**values)


@pytest.fixture
def settings() -> CrawlSettings:
    return fast_settings()


@pytest.fixture
def store(tmp_path) -> LocalRawStore:
    return LocalRawStore(tmp_path / "raw")


@pytest.fixture
def host() -> Iterator[Host]:
    h = Host().start()
    yield h
    h.stop()


@pytest.fixture
def portal() -> Iterator[FixturePortal]:
    p = build_portal()
    yield p
    p.stop()


def portal_sources(p: FixturePortal) -> list[Source]:
    return parse_sources(f"""
[[source]]
name = "卫辉市人民政府"
start = ["{p.a.url("/xxgk/nb/index.html")}"]
division = "河南省新乡市卫辉市"

[[source]]
name = "卫辉市发展和改革委员会"
start = ["{p.b.url("/col/list.jsp?page=1")}"]
agency = "卫辉市发展和改革委员会"

[[source]]
name = "卫辉市统计局"
start = ["{p.b.url("/col/col7/index.html")}"]
list_url_template = "{p.b.url("/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={size}&columnid=7")}"
page_size = 2
""")
