"""The catalog: every report document any crawl has found, kept across crawls, and the list
pages found from each source's home page (so the next crawl starts there).

A crawl adds what it found to the catalog; nothing is dropped, so a portal that is down
tonight does not make last month's reports disappear. When a URL's content changes (a
corrected re-post at the same address) both versions stay, and only the newest is current.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

import polars as pl

from gongkai.assets.crawl.endpoints import KnownLists, ListEndpoint
from gongkai.assets.crawl.fetch_log import utc_now
from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.storage import Storage, open_storage, read_frame, write_frame

_COLUMNS = [f.name for f in fields(CrawledDocument)]
CATALOG_SCHEMA = {
    "source": pl.Utf8,
    "url": pl.Utf8,
    "final_url": pl.Utf8,
    "page_url": pl.Utf8,
    "title": pl.Utf8,
    "agency_hint": pl.Utf8,
    "year_hint": pl.Int32,
    "media": pl.Utf8,
    "sha256": pl.Utf8,
    "size": pl.Int64,
    "content_type": pl.Utf8,
    "fetched_at": pl.Utf8,
    "status": pl.Int32,
    "is_correction": pl.Boolean,
}
assert list(CATALOG_SCHEMA) == _COLUMNS, "catalog schema must follow CrawledDocument"


def catalog_key(shard: str | None = None) -> str:
    """The catalog file of one shard's sources (`catalog/documents/shard=07.parquet`), or of
    a store crawled without shards (`catalog/documents.parquet`). Each crawl step writes only
    its shard's file, so steps of different shards never overwrite each other's finds."""
    return "catalog/documents.parquet" if shard is None else f"catalog/documents/shard={shard}.parquet"


def _shard_frames(storage: Storage, single: str,
                  shards: Iterable[str] | None = None) -> list[pl.DataFrame]:
    """The unsharded file (where it exists) and every shard's file beside it, or only the files
    of `shards` (named, not listed: one request a file in a bucket)."""
    folder = single.removesuffix(".parquet")  # catalog/documents.parquet → catalog/documents/
    if shards is None:
        keys = [single] + [k for k in storage.keys(folder)
                           if k.rpartition("/")[2].startswith("shard=") and k.endswith(".parquet")]
    else:
        keys = [single] + [f"{folder}/shard={shard}.parquet" for shard in sorted(set(shards))]
    return [frame for key in keys if (frame := read_frame(storage, key)) is not None]


def _with_current(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per (URL, content), the latest fetch; `current` marks each URL's newest content."""
    return (
        rows.sort("fetched_at")
        # One row per (URL, content): a re-crawl refreshes fetch time and titles.
        .unique(subset=["final_url", "sha256"], keep="last", maintain_order=True)
        .with_columns(current=pl.col("fetched_at") == pl.col("fetched_at").max().over("final_url"))
        .sort(["source", "final_url", "fetched_at"])
    )


def read_catalog(store_dir: Path | Storage, shards: Iterable[str] | None = None) -> pl.DataFrame:
    """Every shard's catalog as one (a URL found by two shards' files, after the shard count
    changed, is one URL: `current` is decided over all of them), or only the catalog of
    `shards` (and of a store crawled before it had shards): what a step of those shards reads,
    two requests in a bucket where every shard's would be one per shard and a listing. A shard's
    file holds what its sources found since the shard count was set: after changing it, crawl
    again (every partition is re-keyed anyway)."""
    frames = _shard_frames(open_storage(store_dir), catalog_key(), shards)
    if not frames:
        return pl.DataFrame(schema={**CATALOG_SCHEMA, "current": pl.Boolean})
    return _with_current(pl.concat([f.select(list(CATALOG_SCHEMA)) for f in frames]))


def merge_into_catalog(store_dir: Path | Storage, found: list[CrawledDocument],
                       shard: str | None = None) -> pl.DataFrame:
    """Add a crawl's documents to the shard's catalog file (written atomically) and return the
    catalog: the shard's (`read_catalog(…, [shard])`), or the whole one for a store without
    shards."""
    storage = open_storage(store_dir)
    new = pl.DataFrame([d.to_row() for d in found], schema=CATALOG_SCHEMA)
    old = read_frame(storage, catalog_key(shard))
    old = new.clear() if old is None else old.select(list(CATALOG_SCHEMA))
    write_frame(storage, catalog_key(shard), _with_current(pl.concat([old, new])))
    return read_catalog(storage, None if shard is None else [shard])


def documents_for_years(
    catalog: pl.DataFrame, years: list[int]
) -> dict[int, list[CrawledDocument]]:
    """The current documents listed for each of `years` (by the year the portal names). The same
    bytes found at several URLs are one document: the one fetched last (a portal that moved)."""
    chosen = (
        catalog.filter(pl.col("current"))
        .sort("fetched_at")
        .unique(subset="sha256", keep="last", maintain_order=True)
        .filter(pl.col("year_hint").is_in(years))
    )
    out: dict[int, list[CrawledDocument]] = {y: [] for y in years}
    for row in chosen.drop("current").iter_rows(named=True):
        out[row["year_hint"]].append(CrawledDocument(**row))
    return out


# --- list pages found from home pages -------------------------------------------------------

LIST_PAGES_SCHEMA = {
    "source": pl.Utf8,
    "start": pl.Utf8,  # the source's start URLs (one a line): a changed start forgets them
    "kind": pl.Utf8,  # "page" or "endpoint"
    "url": pl.Utf8,  # a list page, or an endpoint's URL template
    "page_size": pl.Int32,
    "method": pl.Utf8,
    "form": pl.Utf8,  # JSON: [[key, value], …]
    "json": pl.Utf8,  # an endpoint's JSON body
    "found_at": pl.Utf8,
}


def list_pages_key(shard: str | None = None) -> str:
    """As `catalog_key`: one file per shard (`catalog/list_pages/shard=07.parquet`)."""
    return "catalog/list_pages.parquet" if shard is None else f"catalog/list_pages/shard={shard}.parquet"


def read_known_lists(store_dir: Path | Storage) -> dict[tuple[str, str], KnownLists]:
    """The recorded list pages and endpoints, by (source name, start); where several shards'
    files hold a source, the latest record."""
    frames = _shard_frames(open_storage(store_dir), list_pages_key())
    if not frames:
        return {}
    rows = pl.concat(frames).filter(
        pl.col("found_at") == pl.col("found_at").max().over("source", "start"))
    pages: dict[tuple[str, str], list[str]] = {}
    endpoints: dict[tuple[str, str], list[ListEndpoint]] = {}
    for row in rows.iter_rows(named=True):
        key = (row["source"], row["start"])
        pages.setdefault(key, [])
        endpoints.setdefault(key, [])
        if row["kind"] == "page":
            pages[key].append(row["url"])
        else:
            form = tuple(tuple(pair) for pair in json.loads(row["form"] or "[]"))
            endpoints[key].append(
                ListEndpoint(row["url"], row["page_size"], row["method"], form, row["json"])
            )
    return {k: KnownLists(tuple(pages[k]), tuple(endpoints[k])) for k in pages}


def record_known_lists(store_dir: Path | Storage, found: dict[tuple[str, str], KnownLists],
                       shard: str | None = None) -> None:
    """Replace the recorded lists of the sources in `found` (others are kept) in the shard's
    file, atomically."""
    found = {k: v for k, v in found.items() if v.pages or v.endpoints}
    if not found:
        return
    now = utc_now()
    rows = []
    for (source, start), lists in found.items():
        rows += [
            {"source": source, "start": start, "kind": "page", "url": url, "found_at": now}
            for url in lists.pages
        ]
        rows += [
            {
                "source": source, "start": start, "kind": "endpoint", "url": e.template,
                "page_size": e.page_size, "method": e.method,
                "form": json.dumps(e.form, ensure_ascii=False), "json": e.json, "found_at": now,
            }
            for e in lists.endpoints
        ]
    new = pl.DataFrame(rows, schema=LIST_PAGES_SCHEMA)
    storage = open_storage(store_dir)
    old = read_frame(storage, list_pages_key(shard))
    if old is not None:
        keep = ~pl.struct("source", "start").is_in(
            pl.DataFrame({"source": [k[0] for k in found], "start": [k[1] for k in found]})
            .to_struct()
            .implode()
        )
        new = pl.concat([old.filter(keep), new])
    write_frame(storage, list_pages_key(shard), new)
