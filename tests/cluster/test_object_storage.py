"""The store's files (raw documents, fetch log, crawl catalog, staged report frames) behave the
same in a local directory and in an S3 bucket (moto's server on 127.0.0.1): one code path,
two places."""

from __future__ import annotations

import io
import json

import pytest

from gongkai.assets.crawl import crawl_sources
from gongkai.assets.crawl.packs import PACK_MAX_DOCUMENT, PackedStore
from gongkai.assets.crawl.resources import DocumentStore
from gongkai.assets.crawl.store import sha256_of
from gongkai.assets.report.frames import build_frames
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


def test_a_staged_shard_year_is_replaced_whole_as_one_object(store_url):
    staging = StagingArea(store=store_url)
    assert staging.read("07", 2023).report.height == 0 and not staging.has("07", 2023)
    staging.write("07", 2023, build_frames([make_parsed(a, 2023) for a in ("甲局", "乙局")], 2023))
    staging.write("07", 2023, build_frames([make_parsed("丙局", 2023)], 2023))
    assert staging.has("07", 2023)
    assert staging.read("07", 2023).report["agency"].to_list() == ["丙局"]
    assert staging.read("07", 2024).report.height == 0
    assert open_storage(store_url).keys("reports/year=2023/shard=07") == [
        "reports/year=2023/shard=07/frames.zip"]


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


# --- packs: a shard's small documents, many to an object, in a bucket -------------------------


class CountingBucket(Bucket):
    """The real bucket, its reads counted (each one request to the S3 server)."""

    requests = 0

    def read(self, key: str) -> bytes:
        self.requests += 1
        return super().read(key)

    def read_range(self, key: str, start: int, end: int) -> bytes:
        self.requests += 1
        return super().read_range(key, start, end)


def crawl_shard(store: DocumentStore, portal) -> tuple[int, list]:  # noqa: F811
    """A crawl step of shard 07: (responses not modified, its documents)."""
    with store.fetch_log("07") as fetch_log, store.writing(["07"]) as raw:
        result = crawl_sources(portal_sources(portal), raw, settings=fast_settings(),
                               fetch_log=fetch_log, catalog_dir=store.storage())
        raw.note_years({d.sha256: d.year_hint for d in result.documents})
    return result.stats.total.not_modified, result.documents


def test_a_shards_crawl_packs_its_documents_and_a_recrawl_stores_nothing_new(s3, portal):  # noqa: F811
    url = new_bucket(s3) + "store"
    store = DocumentStore(path=url)
    first_304, documents = crawl_shard(store, portal)
    raw_keys = open_storage(url).keys("raw")
    packs = [k for k in raw_keys if k.endswith(".pack")]
    assert first_304 == 0 and documents
    assert len(packs) == 1 and "raw/packs/shard=07/index.parquet" in raw_keys
    assert not [k for k in raw_keys if k.startswith("raw/objects/")]  # no object a document

    second_304, again = crawl_shard(store, portal)
    assert second_304 > 0
    assert {d.sha256 for d in again} == {d.sha256 for d in documents}
    assert [k for k in open_storage(url).keys("raw") if "fetch_log" not in k] == \
        [k for k in raw_keys if "fetch_log" not in k]  # the same pack, the same index

    bucket = CountingBucket(url + "/raw")
    reader = PackedStore(bucket, ["07"])
    year = documents[0].year_hint
    wanted = [d for d in documents if d.year_hint == year]
    before = bucket.requests
    reader.prefetch(d.sha256 for d in wanted)
    bodies = [reader.get(d.sha256) for d in wanted]
    assert bucket.requests - before == 1  # one ranged read of the pack for the year's documents
    assert [sha256_of(b) for b in bodies] == [d.sha256 for d in wanted]
    for document in documents:  # and any one, unread ahead, by itself
        assert sha256_of(PackedStore(open_storage(url + "/raw"), ["07"]).get(document.sha256)) \
            == document.sha256


def test_big_documents_stay_objects_of_their_own(s3):
    url = new_bucket(s3) + "store"
    big, small = b"%PDF" + b"0" * PACK_MAX_DOCUMENT, b"<html>report</html>"
    with DocumentStore(path=url).writing(["07"]) as raw:
        big_sha, small_sha = raw.put(big), raw.put(small)
        assert raw.get(small_sha) == small  # readable before it is written
    keys = open_storage(url).keys("raw")
    assert f"raw/objects/{big_sha[:2]}/{big_sha[2:]}" in keys
    reader = DocumentStore(path=url).raw(["07"])
    assert reader.get(big_sha) == big and reader.get(small_sha) == small
    assert reader.exists(small_sha) and not DocumentStore(path=url).raw(["08"]).exists(small_sha)


def test_a_crawl_that_fails_writes_no_pack(s3):
    url = new_bucket(s3) + "store"
    with pytest.raises(RuntimeError), DocumentStore(path=url).writing(["07"]) as raw:
        raw.put(b"<html>report</html>")
        raise RuntimeError("the portal went away")
    assert open_storage(url).keys("raw") == []


def test_a_directory_store_keeps_a_file_a_document_for_any_shard(tmp_path):
    store = DocumentStore(path=str(tmp_path / "store"))
    with store.writing(["07"]) as raw:
        digest = raw.put(b"<html>report</html>")
    assert open_storage(tmp_path / "store").keys("raw") == [f"raw/objects/{digest[:2]}/{digest[2:]}"]


def test_a_shard_year_staged_a_table_an_object_by_an_earlier_gongkai_is_still_read(store_url):
    # the layout before one object a shard-year: a Parquet object a table, named by a manifest
    staging = StagingArea(store=store_url)
    storage = staging.shard_storage("07", 2023)
    frames = build_frames([make_parsed(a, 2023) for a in ("甲局", "乙局")], 2023)
    for name, frame in frames.tables().items():
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        storage.write(f"{name}.0123456789ab.parquet", buffer.getvalue())
    storage.write("STAGED.json", json.dumps({"generation": "0123456789ab"}).encode())
    assert staging.has("07", 2023)
    assert sorted(staging.read("07", 2023).report["agency"]) == ["乙局", "甲局"]
    staging.write("07", 2023, build_frames([make_parsed("丙局", 2023)], 2023))  # a new parse wins
    assert staging.read("07", 2023).report["agency"].to_list() == ["丙局"]
