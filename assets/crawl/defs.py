"""Dagster assets of the crawl stage. Depends on: report_sources. Work: assets.crawl.crawl.
Resources: `resources.DocumentStore`, `resources.CrawlPoliteness`; the sources stage's
`SourcesFile`."""

from pathlib import Path

import dagster as dg

from gongkai.assets.crawl.crawl import crawl_sources
from gongkai.assets.crawl.progress import ProgressReporter, combine
from gongkai.assets.crawl.resources import CrawlPoliteness, DocumentStore
from gongkai.assets.sources.resources import SourcesFile


@dg.asset(
    deps=["report_sources"],
    group_name="crawl",
    kinds={"python", "parquet"},
    description="Report pages and attachments found on every source portal, stored raw "
    "(content-addressed) with a catalog of what was found. Incremental: unchanged documents "
    "are revalidated, not downloaded again.",
)
def crawled_documents(
    context: dg.AssetExecutionContext,
    sources: SourcesFile,
    raw_store: DocumentStore,
    politeness: CrawlPoliteness,
) -> dg.MaterializeResult:
    portals = sources.load()

    def log_event(event: str, info: dict) -> None:
        if event != "fetch":  # one line per page, document or error; fetches only counted
            context.log.debug("%s %s", event, info)

    # A bar on a terminal (`gongkai run` in a shell), a line every 10 s into the run's log
    # otherwise (daemon runs, CI).
    with ProgressReporter(len(portals), emit=context.log.info) as reporter:
        result = crawl_sources(
            portals,
            raw_store.raw(),
            settings=politeness.settings(),
            progress=combine(reporter, log_event),
            catalog_dir=Path(raw_store.path),  # list pages found from home pages, kept and reused
        )
    catalog = raw_store.add_to_catalog(result.documents)
    total = result.stats.total
    for err in total.errors[:50]:
        context.log.warning("crawl error: %s %s %s", err["url"], err["reason"], err["detail"])
    return dg.MaterializeResult(
        metadata={
            "sources": len(portals),
            "documents_found": len(result.documents),
            "catalog_documents": catalog.height,
            "list_pages": total.list_pages,
            "article_pages": total.article_pages,
            "requests": total.requests,
            "bytes_downloaded": total.bytes_downloaded,
            "document_bytes_downloaded": total.document_bytes_downloaded,
            "not_modified": total.not_modified,
            "lookalikes_skipped": total.lookalikes_skipped,
            "robots_blocked": total.robots_blocked,
            "errors": len(total.errors),
            "errors_by_reason": dg.MetadataValue.json(total.errors_by_reason),
            "per_source": dg.MetadataValue.json(
                {
                    name: {k: v for k, v in s.to_dict().items() if k != "errors"}
                    for name, s in result.stats.sources.items()
                }
            ),
        }
    )


defs = dg.Definitions(assets=[crawled_documents])
