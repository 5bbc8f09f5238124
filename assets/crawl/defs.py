"""Dagster assets of the crawl stage. Depends on: report_sources. Work: assets.crawl.crawl."""

import dagster as dg

from assets.crawl.catalog import merge_into_catalog
from assets.crawl.crawl import crawl_sources
from pipelines.resources import CrawlPoliteness, GongkaiStorage


@dg.asset(
    deps=["report_sources"],
    group_name="crawl",
    kinds={"python", "parquet"},
    description="Report pages and attachments found on every source portal, stored raw "
    "(content-addressed) with a catalog of what was found. Incremental: unchanged documents "
    "are revalidated, not downloaded again.",
)
def crawled_documents(
    context: dg.AssetExecutionContext, storage: GongkaiStorage, politeness: CrawlPoliteness
) -> dg.MaterializeResult:
    sources = storage.load_sources()

    def progress(event: str, counts: dict) -> None:
        context.log.debug("%s %s", event, counts)

    result = crawl_sources(
        sources, storage.raw_store(), settings=politeness.settings(), progress=progress
    )
    catalog = merge_into_catalog(storage.store_dir, result.documents)
    total = result.stats.get("total", {}) if isinstance(result.stats, dict) else {}
    for err in total.get("errors", [])[:50]:
        context.log.warning("crawl error: %s", err)
    return dg.MaterializeResult(
        metadata={
            "sources": len(sources),
            "documents_found": len(result.documents),
            "catalog_documents": catalog.height,
            "requests": total.get("requests", 0),
            "bytes_downloaded": total.get("bytes_downloaded", 0),
            "not_modified": total.get("not_modified", 0),
            "errors": len(total.get("errors", [])),
            "per_source": dg.MetadataValue.json(
                {
                    k: {kk: vv for kk, vv in v.items() if kk != "errors"}
                    for k, v in result.stats.items()
                    if isinstance(v, dict)
                }
            ),
        }
    )
