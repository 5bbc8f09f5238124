"""Re-crawls: an unchanged portal downloads no document again; changed and new reports are\npicked up and reach the catalog as current versions."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

from gongkai.assets.crawl import CrawlSettings, LocalRawStore, crawl_sources
from gongkai.assets.crawl.catalog import documents_for_years, merge_into_catalog

from .conftest import portal_sources
from .portal import REPORT_BODY, FixturePortal, Route, build_portal, html_page, pdf_bytes


@pytest.fixture
def fresh_portal() -> Iterator[FixturePortal]:
    p = build_portal(retry_after="0")
    yield p
    p.stop()


def _key(d):
    return (
        d.source,
        d.url,
        d.final_url,
        d.page_url,
        d.title,
        d.sha256,
        d.media,
        d.year_hint,
        d.agency_hint,
        d.is_correction,
    )


def test_recrawl_of_unchanged_portal_downloads_no_document(
    fresh_portal: FixturePortal, store: LocalRawStore, settings: CrawlSettings
):
    portal = fresh_portal
    first = crawl_sources(portal_sources(portal), store, settings=settings)
    seen_a, seen_b = len(portal.a.hits), len(portal.b.hits)
    second = crawl_sources(portal_sources(portal), store, settings=settings)
    second_hits = portal.a.hits[seen_a:] + portal.b.hits[seen_b:]

    assert sorted(map(_key, second.documents)) == sorted(map(_key, first.documents))
    assert all(d.status == 304 for d in second.documents)
    t1, t2 = first.stats.total, second.stats.total
    assert t2.document_bytes_downloaded == 0 < t1.document_bytes_downloaded
    # Every answer with a body came from the data endpoint, which sends no validators; the
    # oversized file is known unchanged by its ETag and not streamed again to be cut off.
    assert {h.path.split("?")[0] for h in second_hits if h.status == 200} == {
        "/module/web/jpage/dataproxy.jsp"
    }
    assert t2.bytes_downloaded == sum(h.bytes_sent for h in second_hits)
    assert t2.not_modified == sum(1 for h in second_hits if h.status == 304)
    assert t2.oversized == 1 and t2.robots_blocked == 1
    print(
        f"\nfirst crawl: {t1.requests} requests, {t1.bytes_downloaded} bytes "
        f"({t1.document_bytes_downloaded} of documents); re-crawl: {t2.requests} requests, "
        f"{t2.bytes_downloaded} bytes ({t2.document_bytes_downloaded} of documents), "
        f"{t2.not_modified} answered 304"
    )


def test_changed_document_is_downloaded_again_on_recrawl(
    fresh_portal: FixturePortal, store: LocalRawStore, settings: CrawlSettings
):
    portal = fresh_portal
    first = crawl_sources(portal_sources(portal), store, settings=settings)
    portal.a.routes["/files/yjj2023.pdf"].body = b"%PDF-1.4\n% corrected edition\n%%EOF\n"
    second = crawl_sources(portal_sources(portal), store, settings=settings)
    url = portal.a.url("/files/yjj2023.pdf")
    old = next(d for d in first.documents if d.url == url)
    new = next(d for d in second.documents if d.url == url)
    assert new.status == 200 and new.sha256 != old.sha256
    assert store.get(new.sha256).startswith(b"%PDF") and store.exists(old.sha256)
    assert second.stats.total.document_bytes_downloaded == new.size


def test_recrawl_without_the_store_objects_downloads_again(
    fresh_portal: FixturePortal, tmp_path, settings: CrawlSettings
):
    # A fetch log whose objects are gone must not send validators it cannot use.
    store = LocalRawStore(tmp_path / "raw")
    first = crawl_sources(portal_sources(fresh_portal), store, settings=settings)
    doc = next(d for d in first.documents if d.media == "pdf")
    store.path(doc.sha256).unlink()
    second = crawl_sources(portal_sources(fresh_portal), store, settings=settings)
    again = next(d for d in second.documents if d.url == doc.url)
    assert again.status == 200 and store.exists(doc.sha256)


def test_changed_report_becomes_the_current_version_in_the_catalog(
    fresh_portal: FixturePortal, store: LocalRawStore, settings: CrawlSettings
):
    portal = fresh_portal
    first = crawl_sources(portal_sources(portal), store, settings=settings)
    merge_into_catalog(store.root, first.documents)
    path = "/files/yjj2023.pdf"
    first_hit = portal.a.hits_for(path)[-1]
    portal.a.routes[path].body = pdf_bytes("yjj2023 corrected edition")  # a new ETag

    second = crawl_sources(portal_sources(portal), store, settings=settings)
    catalog = merge_into_catalog(store.root, second.documents)

    url = portal.a.url(path)
    hit = portal.a.hits_for(path)[-1]
    assert hit.status == 200 and hit.headers.get("If-None-Match")  # asked, and it had changed
    assert first_hit.status == 200 and not first_hit.headers.get("If-None-Match")
    versions = catalog.filter(pl.col("url") == url).sort("fetched_at")
    assert versions.height == 2
    assert versions["current"].to_list() == [False, True]
    new = versions.row(1, named=True)
    assert store.get(new["sha256"]) == portal.a.routes[path].body
    assert store.exists(versions.row(0, named=True)["sha256"])  # the old version is kept
    # Every other document was revalidated: one current row each, nothing else downloaded.
    assert catalog.filter(pl.col("current")).height == len(portal.expected)
    assert second.stats.total.document_bytes_downloaded == new["size"]
    current = documents_for_years(catalog, [2023])[2023]
    assert [d.sha256 for d in current if d.url == url] == [new["sha256"]]


def test_new_report_on_the_portal_is_picked_up_on_recrawl(
    fresh_portal: FixturePortal, store: LocalRawStore, settings: CrawlSettings
):
    portal = fresh_portal
    first = crawl_sources(portal_sources(portal), store, settings=settings)
    merge_into_catalog(store.root, first.documents)

    # The department publishes its 2024 report: a new entry on the first list page.
    title = "卫辉市发展和改革委员会2024年政府信息公开工作年度报告"
    portal.b.routes["/art/2025/1/20/art_5.html"] = Route(
        html_page(title, REPORT_BODY + '<p><a href="/files/fgw2024.pdf">附件.pdf</a></p>').encode()
    )
    portal.b.routes["/files/fgw2024.pdf"] = Route(pdf_bytes("fgw2024"), "application/pdf")
    portal.b.routes["/col/list.jsp?page=1"].body = portal.b.routes[
        "/col/list.jsp?page=1"
    ].body.replace(
        b'<ul class="list">',
        f'<ul class="list"><li><a href="/art/2025/1/20/art_5.html" title="{title}">{title}</a></li>'.encode(),
    )

    second = crawl_sources(portal_sources(portal), store, settings=settings)
    catalog = merge_into_catalog(store.root, second.documents)

    new_urls = {portal.b.url("/art/2025/1/20/art_5.html"), portal.b.url("/files/fgw2024.pdf")}
    fresh = {d.url for d in second.documents if d.status == 200}
    assert fresh == new_urls  # the new report downloaded, everything else a 304
    assert catalog.height == len(portal.expected) + 2
    added = catalog.filter(pl.col("url").is_in(list(new_urls)))
    assert added["current"].all() and set(added["year_hint"]) == {2024}
    assert set(added["agency_hint"]) == {"卫辉市发展和改革委员会"}
    docs_2024 = documents_for_years(catalog, [2024])[2024]
    assert {d.url for d in docs_2024} == new_urls
    t1, t2 = first.stats.total, second.stats.total
    assert t2.document_bytes_downloaded == sum(d.size for d in second.documents if d.status == 200)
    assert t2.bytes_downloaded < t1.bytes_downloaded
