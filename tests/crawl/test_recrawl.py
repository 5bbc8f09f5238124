"""Re-crawling an unchanged portal: conditional requests, no document downloaded again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assets.crawl import CrawlSettings, LocalRawStore, crawl_sources

from .conftest import portal_sources
from .portal import FixturePortal, build_portal


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
