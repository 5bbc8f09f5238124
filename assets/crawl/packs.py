"""Packs: a shard's small documents in a bucket, many to an object.

In a bucket every object costs a request to write and one to read again, and a parse step
reads every document of its shard-year: a request a report. A crawl step of one shard instead
gathers the bodies it stores (up to `PACK_MAX_DOCUMENT` bytes each) and writes them as one
object, `raw/packs/shard=07/<sha256 of the pack>.pack`, ordered by year, then replaces the
shard's index (`raw/packs/shard=07/index.parquet`: sha256, pack, offset, size). A parse step
reads its shard-year's documents with one ranged GET per pack.

Content addressing holds: a body is kept once under its sha256 (in a pack or as an object of
its own), and a re-crawl stores nothing for bodies the index or the objects already hold. A
pack is written before the index names it, and both before the crawl's fetch log: a crawl
killed between them leaves at worst a pack nobody reads. One crawl step writes a shard's packs
at a time (a host is in one shard; one run per shard).

Only in a bucket: a directory keeps one file per body (a read costs no request there).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import polars as pl

from gongkai.assets.crawl.store import ContentStore, sha256_of
from gongkai.assets.storage import Storage, read_frame, write_frame

# Bigger bodies stay objects of their own: their transfer dwarfs the cost of a request.
PACK_MAX_DOCUMENT = 1 << 20
# A pack is written once this many bytes wait, so a first crawl of a big shard holds at most
# this much in memory.
PACK_TARGET = 64 << 20
# What `prefetch` holds at most; the rest of a step's documents are read one by one when asked
# for (a shard-year of a national backfill can hold gigabytes of documents).
PREFETCH_LIMIT = 256 << 20
INDEX_SCHEMA = {"sha256": pl.Utf8, "pack": pl.Utf8, "offset": pl.Int64, "size": pl.Int64}


def pack_folder(shard: str) -> str:
    return f"packs/shard={shard}"


class PackedStore(ContentStore):
    """The raw store of a bucket as the steps of `shards` see it: the bodies in those shards'
    packs and every object of its own. With one shard, new small bodies go into its packs
    (`flush` writes what waits); with several, into objects of their own."""

    def __init__(self, storage: Storage, shards: Iterable[str]) -> None:
        super().__init__(storage)
        self.shards = sorted(set(shards))
        self.index: dict[str, tuple[str, int, int]] = {}  # sha256 → (pack key, offset, size)
        for shard in self.shards:
            frame = read_frame(storage, f"{pack_folder(shard)}/index.parquet")
            if frame is not None:
                self.index.update((sha, (pack, offset, size)) for sha, pack, offset, size
                                  in frame.select(list(INDEX_SCHEMA)).iter_rows())
        self._pending: dict[str, bytes] = {}
        self._pending_bytes = 0
        self._years: dict[str, int] = {}
        self._read: dict[str, bytes] = {}  # bodies `prefetch` read
        self._lock = threading.RLock()

    @property
    def packing(self) -> bool:
        return len(self.shards) == 1

    def put(self, data: bytes) -> str:
        if not self.packing or len(data) > PACK_MAX_DOCUMENT:
            return super().put(data)
        digest = sha256_of(data)
        with self._lock:
            if digest in self._pending or digest in self.index:
                return digest
        if super().exists(digest):  # stored before packs, or big elsewhere: kept once
            return digest
        with self._lock:
            if digest not in self._pending:
                self._pending[digest] = data
                self._pending_bytes += len(data)
            full = self._pending_bytes >= PACK_TARGET
        if full:
            self.flush()
        return digest

    def get(self, sha256: str) -> bytes:
        with self._lock:
            data = self._read.get(sha256, self._pending.get(sha256))
            where = self.index.get(sha256)
        if data is not None:
            return data
        if where is not None:
            pack, offset, size = where
            return self.storage.read_range(pack, offset, offset + size) if size else b""
        return super().get(sha256)

    def exists(self, sha256: str) -> bool:
        with self._lock:
            if sha256 in self._pending or sha256 in self.index:
                return True
        return super().exists(sha256)

    def note_years(self, years: dict[str, int | None]) -> None:
        """The year of bodies waiting to be packed (a crawl's documents): a pack keeps each
        year's side by side, so a step of one year reads them in one range."""
        with self._lock:
            self._years.update({sha: year for sha, year in years.items() if year is not None})

    def flush(self) -> None:
        """Write the bodies that wait as one pack, then the shard's index naming them."""
        with self._lock:
            if not self._pending:
                return
            order = sorted(self._pending, key=lambda sha: self._years.get(sha, 1 << 30))
            blob = b"".join(self._pending[sha] for sha in order)
            pack = f"{pack_folder(self.shards[0])}/{sha256_of(blob)}.pack"
            self.storage.write(pack, blob)
            offset = 0
            for sha in order:
                size = len(self._pending[sha])
                self.index[sha] = (pack, offset, size)
                offset += size
            self._write_index()
            self._pending, self._pending_bytes = {}, 0

    def _write_index(self) -> None:
        rows = [(sha, pack, offset, size) for sha, (pack, offset, size) in self.index.items()]
        write_frame(self.storage, f"{pack_folder(self.shards[0])}/index.parquet",
                    pl.DataFrame(rows, schema=INDEX_SCHEMA, orient="row"))

    def prefetch(self, shas: Iterable[str]) -> None:
        """Read these bodies ahead: one ranged GET per pack holding some of them (from the
        first of them to the last), up to PREFETCH_LIMIT bytes; the others (and bodies of
        their own) are read when asked for."""
        spans: dict[str, list[tuple[str, int, int]]] = {}
        for sha in set(shas):
            if sha in self.index:
                pack, offset, size = self.index[sha]
                spans.setdefault(pack, []).append((sha, offset, size))
        held = 0
        for pack, members in sorted(spans.items()):
            start, end = min(o for _, o, _ in members), max(o + s for _, o, s in members)
            held += end - start
            if held > PREFETCH_LIMIT:
                break
            blob = self.storage.read_range(pack, start, end) if end > start else b""
            with self._lock:
                self._read.update((sha, blob[offset - start:offset - start + size])
                                  for sha, offset, size in members)

    def forget(self) -> None:
        """Drop what `prefetch` read (a step's next year reads its own)."""
        with self._lock:
            self._read = {}
