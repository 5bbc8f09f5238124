"""The catalog: every report document any crawl has found, kept across crawls.

A crawl adds what it found to the catalog; nothing is dropped, so a portal that is down
tonight does not make last month's reports disappear. When a URL's content changes (a
corrected re-post at the same address) both versions stay, and only the newest is current.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import polars as pl

from gongkai.assets.crawl.records import CrawledDocument

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


def catalog_path(store_dir: Path) -> Path:
    return Path(store_dir) / "catalog" / "documents.parquet"


def read_catalog(store_dir: Path) -> pl.DataFrame:
    path = catalog_path(store_dir)
    if not path.exists():
        return pl.DataFrame(schema={**CATALOG_SCHEMA, "current": pl.Boolean})
    return pl.read_parquet(path)


def merge_into_catalog(store_dir: Path, found: list[CrawledDocument]) -> pl.DataFrame:
    """Add a crawl's documents to the catalog, write it atomically, and return it."""
    new = pl.DataFrame([d.to_row() for d in found], schema=CATALOG_SCHEMA)
    old = read_catalog(store_dir).drop("current")
    merged = (
        pl.concat([old, new])
        # One row per (URL, content): a re-crawl refreshes fetch time and titles.
        .sort("fetched_at")
        .unique(subset=["final_url", "sha256"], keep="last", maintain_order=True)
        .with_columns(current=pl.col("fetched_at") == pl.col("fetched_at").max().over("final_url"))
        .sort(["source", "final_url", "fetched_at"])
    )
    path = catalog_path(store_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    merged.write_parquet(tmp)
    tmp.replace(path)
    return merged


def documents_for_years(
    catalog: pl.DataFrame, years: list[int]
) -> dict[int, list[CrawledDocument]]:
    """The current documents listed for each of `years` (by the year the portal names)."""
    chosen = catalog.filter(pl.col("current") & pl.col("year_hint").is_in(years))
    out: dict[int, list[CrawledDocument]] = {y: [] for y in years}
    for row in chosen.drop("current").iter_rows(named=True):
        out[row["year_hint"]].append(CrawledDocument(**row))
    return out
