"""A step of one shard reads its shard's catalog, not every shard's: in a bucket that is two
requests (its file, and the file of a store crawled before it had shards) where every shard's
catalog is a listing and one request a shard."""

from __future__ import annotations

from datetime import UTC, datetime

from gongkai.assets.crawl.catalog import merge_into_catalog, read_catalog
from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.storage import Directory


def found(source: str, url: str, sha: str) -> CrawledDocument:
    return CrawledDocument(source=source, url=url, final_url=url, page_url=None, title="报告",
                           agency_hint=None, year_hint=2023, media="html", sha256=sha, size=1,
                           content_type="text/html", fetched_at=datetime.now(UTC).isoformat(),
                           status=200)


def test_a_shards_catalog_holds_its_own_finds_and_those_from_before_shards(tmp_path):
    store = Directory(tmp_path)
    merge_into_catalog(store, [found("甲", "http://a.gov.cn/1.html", "a" * 64)], "00")
    merge_into_catalog(store, [found("乙", "http://b.gov.cn/1.html", "b" * 64)], "01")
    merge_into_catalog(store, [found("丙", "http://c.gov.cn/1.html", "c" * 64)])  # no shards yet

    assert sorted(read_catalog(store, ["01"])["source"]) == ["丙", "乙"]
    assert sorted(read_catalog(store)["source"]) == ["丙", "乙", "甲"]
    assert read_catalog(tmp_path / "nowhere", ["01"]).height == 0


def test_adding_to_a_shards_catalog_gives_back_that_shards_catalog(tmp_path):
    store = Directory(tmp_path)
    merge_into_catalog(store, [found("甲", "http://a.gov.cn/1.html", "a" * 64)], "00")
    back = merge_into_catalog(store, [found("乙", "http://b.gov.cn/1.html", "b" * 64)], "01")
    assert back["source"].to_list() == ["乙"]
    assert back["current"].to_list() == [True]
