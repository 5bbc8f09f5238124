"""The whole crawl against the two-host fixture portal (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import time

import pytest

from gongkai.assets.crawl import LocalRawStore, crawl_sources
from gongkai.assets.crawl.settings import USER_AGENT
from gongkai.assets.files import decode_text

from .conftest import fast_settings, portal_sources
from .portal import GBK_ATTACHMENT_NAME, GBK_TITLE, FixturePortal, build_portal

# One crawl of one portal serves the read-only tests of this module (the 429's Retry-After
# costs a second); the re-crawl tests start their own portal and store.


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    portal = build_portal()
    store = LocalRawStore(tmp_path_factory.mktemp("raw"))
    events: list[tuple[str, dict]] = []
    started = time.monotonic()
    result = crawl_sources(
        portal_sources(portal),
        store,
        settings=fast_settings(),
        progress=lambda e, info: events.append((e, info)),
    )
    yield portal, store, (result, events, time.monotonic() - started)
    portal.stop()


@pytest.fixture
def portal(crawled) -> FixturePortal:
    return crawled[0]


@pytest.fixture
def store(crawled) -> LocalRawStore:
    return crawled[1]


@pytest.fixture
def first_crawl(crawled):
    return crawled[2]


def test_crawl_records_exactly_the_reports_of_the_portal(portal, first_crawl):
    result, _, _ = first_crawl
    got = {d.url: d.title for d in result.documents}
    assert got == portal.expected
    assert len(result.documents) == len(got)  # no document twice


def test_documents_carry_media_by_content_and_bytes_in_the_store(portal, store, first_crawl):
    result, _, _ = first_crawl
    by_url = {d.url: d for d in result.documents}
    media = {url: by_url[url].media for url in by_url}
    assert media[portal.a.url("/files/yjj2023.pdf")] == "pdf"
    assert media[portal.a.url("/attach/download.jsp?id=7")] == "docx"  # octet-stream, no ext
    assert media[portal.a.url("/xxgk/nb/202401/t20240115_1.html")] == "html"
    for doc in result.documents:
        assert store.get(doc.sha256)[:4] in (b"%PDF", b"PK\x03\x04", b"<!DO")
        assert doc.size == len(store.get(doc.sha256))
        assert doc.status == 200
    article = by_url[portal.a.url("/files/yjj2023.pdf")]
    assert article.page_url == portal.a.url("/xxgk/nb/202401/t20240115_1.html")
    assert by_url[portal.a.url("/xxgk/nb/202401/t20240115_1.html")].page_url is None


def test_trs_pagination_from_create_page_html_reaches_every_list_page(portal, first_crawl):
    for path in ("/xxgk/nb/index.html", "/xxgk/nb/index_1.html", "/xxgk/nb/index_2.html"):
        assert portal.a.hits_for(path), path
    assert not portal.a.hits_for("/xxgk/nb/index_3.html")


def test_page_param_lists_followed_through_next_and_last_links(portal, first_crawl):
    for n in (1, 2, 3):
        assert len(portal.b.hits_for(f"/col/list.jsp?page={n}")) == 1


def test_dataproxy_xml_endpoint_is_paged_until_total_records(portal, first_crawl):
    result, _, _ = first_crawl
    hits = [h.path for h in portal.b.hits if "dataproxy" in h.path]
    assert len(hits) == 2
    assert result.stats.sources["卫辉市统计局"].list_pages == 3  # start page + 2 endpoint pages


def test_lookalikes_are_neither_recorded_nor_opened(portal, first_crawl):
    result, _, _ = first_crawl
    urls = {d.url for d in result.documents}
    for url in portal.lookalike_urls:
        assert url not in urls
    assert not portal.a.hits_for("/xxgk/nb/202401/t20240116_2.html")  # 解读 on the list
    assert not portal.a.hits_for("/files/wjw2023-tujie.pdf")  # 图解 attachment
    assert result.stats.total.lookalikes_skipped >= 3


def test_robots_disallow_is_obeyed_and_counted(portal, first_crawl):
    result, _, _ = first_crawl
    assert not portal.a.hits_for("/private/t20240101_9.html")
    stats = result.stats.sources["卫辉市人民政府"]
    assert stats.robots_blocked == 1
    assert {
        "url": portal.robots_blocked_url,
        "reason": "robots_blocked",
        "detail": "disallowed by robots.txt",
    } in stats.errors


def test_links_to_hosts_the_source_does_not_allow_are_not_followed(portal, first_crawl):
    assert not portal.b.hits_for("/art/2024/1/1/art_99.html")


def test_503_then_200_is_retried_and_recorded(portal, first_crawl):
    result, _, _ = first_crawl
    assert [h.status for h in portal.a.hits_for("/files/wjw2023.pdf")] == [503, 200]
    assert portal.a.url("/files/wjw2023.pdf") in {d.url for d in result.documents}


def test_429_waits_for_retry_after_before_retrying(portal, first_crawl):
    hits = portal.b.hits_for("/art/2023/3/1/art_2.html")
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].at - hits[0].at >= 0.95  # Retry-After: 1


def test_oversized_file_is_cut_off_and_recorded(portal, store, first_crawl):
    result, _, _ = first_crawl
    stats = result.stats.sources["卫辉市人民政府"]
    assert stats.oversized == 1
    assert any(
        e["url"] == portal.oversized_url and e["reason"] == "oversized" for e in stats.errors
    )
    assert portal.oversized_url not in {d.url for d in result.documents}


def test_gbk_page_declared_gb2312_is_recorded_and_decodes_with_its_rare_character(
    portal, store, first_crawl
):
    result, _, _ = first_crawl
    doc = next(d for d in result.documents if d.title == GBK_TITLE)
    assert doc.media == "html"
    assert "王镕" in decode_text(store.get(doc.sha256), doc.content_type)[0]


def test_attachment_title_comes_from_a_gbk_content_disposition(portal, first_crawl):
    result, _, _ = first_crawl
    doc = next(d for d in result.documents if d.url.endswith("download.jsp?id=7"))
    assert doc.title == GBK_ATTACHMENT_NAME.removesuffix(".docx")
    assert doc.content_type == "application/octet-stream"
    assert (doc.year_hint, doc.agency_hint) == (2022, "水利局")


def test_hints_year_agency_and_correction_from_titles(portal, first_crawl):
    result, _, _ = first_crawl
    by_url = {d.url: d for d in result.documents}
    emergency = by_url[portal.a.url("/xxgk/nb/202401/t20240115_1.html")]
    assert (emergency.year_hint, emergency.agency_hint, emergency.is_correction) == (
        2023,
        "卫辉市应急管理局",
        False,
    )
    corrected = by_url[portal.b.url("/art/2023/3/1/art_2.html")]
    assert (corrected.year_hint, corrected.is_correction) == (2022, True)
    untitled = by_url[portal.b.url("/art/2022/1/20/art_3.html")]
    assert (untitled.year_hint, untitled.agency_hint) == (2021, "卫辉市发展和改革委员会")


def test_every_request_identifies_the_crawler(portal, first_crawl):
    agents = {h.headers.get("User-Agent") for host in (portal.a, portal.b) for h in host.hits}
    assert agents == {USER_AGENT}


def test_stats_and_progress_account_for_the_crawl(portal, first_crawl):
    result, events, elapsed = first_crawl
    total = result.stats.total
    assert total.documents == len(result.documents) == len(portal.expected)
    assert total.requests == len(portal.a.hits) + len(portal.b.hits)
    assert total.bytes_downloaded > 0 and total.not_modified == 0
    assert total.retries == 2  # the 503 and the 429
    assert {e for e, _ in events} >= {
        "source_started",
        "list_page",
        "article_page",
        "document",
        "error",
        "source_finished",
    }
    assert sum(1 for e, _ in events if e == "document") == len(result.documents)
    assert elapsed < 5


def test_fetch_log_records_validators_and_history(portal, store, first_crawl):
    from gongkai.assets.crawl import FetchLog

    log = FetchLog(store.root / "fetch_log.sqlite3")
    state = log.state(portal.a.url("/files/yjj2023.pdf"))
    assert state.status == 200 and state.etag and state.last_modified and state.sha256
    assert state.content_type == "application/pdf" and state.size > 0
    blocked = log.state(portal.robots_blocked_url)
    assert blocked.error.startswith("robots_blocked")
    outcomes = [h["outcome"] for h in log.history(portal.oversized_url)]
    assert outcomes == ["oversized"]
    log.close()
