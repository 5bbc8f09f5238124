"""The store's files (raw documents, fetch log, crawl catalog, staged report frames) behave the
same in a local directory and in an S3 bucket (moto's server on 127.0.0.1): one code path,
two places."""

from __future__ import annotations

import pytest

from gongkai.assets.crawl import crawl_sources
from gongkai.assets.crawl.resources import DocumentStore
from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.storage import Bucket, Directory, open_storage
from tests.crawl.conftest import fast_settings, portal, portal_sources  # noqa: F401  (fixture)
from tests.servers import new_bucket
from tests.warehouse.conftest import make_parsed


@pytest.fixture(params=["directory", "bucket"])
def store_url(request, tmp_path) -> str:
    """Where a store lives: a directory, or a prefix of a bucket on the S3 server."""
    if request.param == "directory":
        return str(tmp_path / "store")
    s3 = request.getfixturevalue("s3")
    return new_bucket(s3) + "store"


def test_a_location_opens_as_a_directory_or_as_a_bucket(tmp_path, s3):
    assert isinstance(open_storage(tmp_path), Directory)
    assert isinstance(open_storage(new_bucket(s3) + "store"), Bucket)


def test_raw_documents_are_kept_once_under_their_sha256(store_url):
    raw = DocumentStore(path=store_url).raw()
    digest = raw.put(b"%PDF-1.4 report")
    assert raw.put(b"%PDF-1.4 report") == digest
    assert raw.exists(digest) and raw.get(digest) == b"%PDF-1.4 report"
    assert not raw.exists("0" * 64)
    with pytest.raises(KeyError):
        raw.get("0" * 64)
    with pytest.raises(KeyError):
        raw.get("../../etc/passwd")
    assert open_storage(store_url).keys("raw") == [f"raw/objects/{digest[:2]}/{digest[2:]}"]


def test_a_staged_shard_year_is_replaced_whole_and_leaves_one_generation(store_url):
    staging = StagingArea(store=store_url)
    assert staging.read("07", 2023).report.height == 0 and not staging.has("07", 2023)
    staging.write("07", 2023, build_frames([make_parsed(a, 2023) for a in ("甲局", "乙局")], 2023))
    staging.write("07", 2023, build_frames([make_parsed("丙局", 2023)], 2023))
    assert staging.has("07", 2023)
    assert staging.read("07", 2023).report["agency"].to_list() == ["丙局"]
    assert staging.read("07", 2024).report.height == 0
    files = open_storage(store_url).keys("reports/year=2023/shard=07")
    assert len(files) == 1 + len(ReportFrames.empty().tables())


def test_a_recrawl_into_the_store_revalidates_and_keeps_the_catalog(store_url, portal):  # noqa: F811
    """The fetch log travels with the store: the second crawl asks "changed since?" and gets
    304s, and the catalog lists the same documents."""
    store = DocumentStore(path=store_url)
    counts = []
    for _ in range(2):
        with store.fetch_log() as fetch_log:
            result = crawl_sources(portal_sources(portal), store.raw(), settings=fast_settings(),
                                   fetch_log=fetch_log, catalog_dir=store.storage())
        catalog = store.add_to_catalog(result.documents)
        counts.append((result.stats.total.not_modified, catalog.filter("current").height))
    (first_304, first_docs), (second_304, second_docs) = counts
    assert first_304 == 0 and second_304 > 0
    assert first_docs == second_docs > 0
    for row in store.catalog().iter_rows(named=True):
        assert store.raw().exists(row["sha256"])
