"""Packs hold a shard's small documents many to an object (assets/crawl/packs.py; in use on
a bucket, where each read is a request): what a step reads ahead stays within a limit, and
every body is read back whole, ahead or not."""

from __future__ import annotations

from gongkai.assets.crawl import packs
from gongkai.assets.crawl.packs import PackedStore
from gongkai.assets.storage import Directory


class CountingDirectory(Directory):
    reads = 0

    def read_range(self, key: str, start: int, end: int) -> bytes:
        self.reads += 1
        return super().read_range(key, start, end)


def two_packs(tmp_path) -> tuple[list[bytes], list[bytes]]:
    store = PackedStore(Directory(tmp_path), ["07"])
    first = [f"<html>{n} first</html>".encode() for n in range(3)]
    second = [f"<html>{n} second</html>".encode() for n in range(2)]
    for bodies in (first, second):
        for body in bodies:
            store.put(body)
        store.flush()
    return first, second


def test_reading_ahead_stops_at_the_limit_and_the_rest_is_read_when_asked(tmp_path, monkeypatch):
    first, second = two_packs(tmp_path)
    storage = CountingDirectory(tmp_path)
    reader = PackedStore(storage, ["07"])
    shas = [packs.sha256_of(b) for b in first + second]
    monkeypatch.setattr(packs, "PREFETCH_LIMIT", max(sum(map(len, first)), sum(map(len, second))))
    reader.prefetch(shas)
    assert storage.reads == 1  # one pack's range, the other over the limit
    read_when_asked = []
    for sha, body in zip(shas, first + second):
        before = storage.reads
        assert reader.get(sha) == body
        read_when_asked.append(storage.reads - before)
    # one pack's bodies were read ahead; each of the other's is read when asked for
    assert read_when_asked in ([0] * len(first) + [1] * len(second),
                               [1] * len(first) + [0] * len(second))


def test_a_shard_year_read_ahead_is_one_read_a_pack(tmp_path):
    first, second = two_packs(tmp_path)
    storage = CountingDirectory(tmp_path)
    reader = PackedStore(storage, ["07"])
    shas = [packs.sha256_of(b) for b in first + second]
    reader.prefetch(shas)
    assert [reader.get(sha) for sha in shas] == first + second
    assert storage.reads == 2
    reader.forget()
    assert reader.get(shas[0]) == first[0] and storage.reads == 3
