"""Dagster assets of the crawl stage. Depends on: report_sources. Work: assets.crawl.crawl.
Resources: `resources.DocumentStore`, `resources.CrawlPoliteness`; the sources stage's
`SourcesFile`.

Partitioned by shard × year like the report stage. A step crawls each shard of its
partitions once (a portal's list pages list every year; documents of every year are stored),
and records per partition what it found of that year. A host is in exactly one shard, so
while one step at a time crawls a shard (one run per shard: `dagster.yaml`'s run queue),
the fetcher's per-host limit holds across any number of workers.
"""

from collections import Counter, defaultdict

import dagster as dg

from gongkai.assets.crawl.crawl import crawl_sources
from gongkai.assets.crawl.progress import ProgressReporter, combine
from gongkai.assets.crawl.resources import CrawlPoliteness, DocumentStore
from gongkai.assets.crawl.stats import SourceStats
from gongkai.assets.sources.partitions import shard_year_keys, shard_years
from gongkai.assets.sources.resources import SourcesFile


@dg.asset(
    deps=["report_sources"],
    partitions_def=shard_years,
    # A range runs as one step: each shard crawled once, however many years are asked for.
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="crawl",
    kinds={"python", "parquet"},
    description="Report pages and attachments found on the shard's source portals, stored raw "
    "(content-addressed) with a catalog of what was found. Incremental: unchanged documents "
    "are revalidated, not downloaded again.",
)
def crawled_documents(
    context: dg.AssetExecutionContext,
    sources: SourcesFile,
    raw_store: DocumentStore,
    politeness: CrawlPoliteness,
) -> dg.MaterializeResult:
    keys = shard_year_keys(context)
    shards = sources.shards()
    portals = shards.sources_in({k.shard for k in keys})

    def log_event(event: str, info: dict) -> None:
        if event != "fetch":  # one line per page, document or error; fetches only counted
            context.log.debug("%s %s", event, info)

    # A bar on a terminal (`gongkai run` in a shell), a line every 10 s into the run's log
    # otherwise (daemon runs, CI).
    # A step of one shard keeps that shard's fetch log (steps of other shards write theirs at
    # the same time, on other workers); a step over several shards, the store's own.
    crawled = sorted({k.shard for k in keys})
    # In a bucket, a step of one shard packs the small bodies it stores (one object, not one
    # a document), written before the fetch log that names them.
    with ProgressReporter(len(portals), emit=context.log.info) as reporter, \
            raw_store.fetch_log(crawled[0] if len(crawled) == 1 else None) as fetch_log, \
            raw_store.writing(crawled) as store:
        result = crawl_sources(
            portals,
            store,
            settings=politeness.settings(),
            progress=combine(reporter, log_event),
            fetch_log=fetch_log,
            catalog_dir=raw_store.storage(),  # list pages found from home pages, kept and reused
            shards=shards.by_source,
        )
        store.note_years({d.sha256: d.year_hint for d in result.documents})  # side by side
    found = defaultdict(list)
    for document in result.documents:
        found[shards.by_source[document.source]].append(document)
    in_catalog: Counter = Counter()
    for shard in crawled:  # each shard's file, even when nothing was found
        catalog = raw_store.add_to_catalog(found[shard], shard)
        in_catalog.update(
            (shard, row["year_hint"])
            for row in catalog.filter(catalog["current"]).select("source", "final_url", "year_hint")
            .iter_rows(named=True) if shards.of_document(row["source"], row["final_url"]) == shard)
    for err in result.stats.total.errors[:50]:
        context.log.warning("crawl error: %s %s %s", err["url"], err["reason"], err["detail"])

    for key in keys:
        members = [s.name for s in portals if shards.by_source[s.name] == key.shard]
        crawl = SourceStats(f"shard {key.shard}")
        for name in members:
            crawl.add(**{k: v for k, v in result.stats.sources[name].to_dict().items()
                         if isinstance(v, int)})
            crawl.errors.extend(result.stats.sources[name].errors)
        year_found = [d for d in found[key.shard] if d.year_hint == key.year]
        context.add_asset_metadata(partition_key=key.key, metadata={
            # this year in this shard
            "documents_found": len(year_found),
            "catalog_documents": in_catalog[(key.shard, key.year)],
            # the shard's crawl (shared by the years of the shard crawled in the same step)
            "shard_sources": len(members),
            "shard_documents_found_all_years": len(found[key.shard]),
            "shard_requests": crawl.requests,
            "shard_bytes_downloaded": crawl.bytes_downloaded,
            "shard_document_bytes_downloaded": crawl.document_bytes_downloaded,
            "shard_not_modified": crawl.not_modified,
            "shard_errors": len(crawl.errors),
            "shard_errors_by_reason": dg.MetadataValue.json(crawl.errors_by_reason),
        })
    return dg.MaterializeResult(metadata={"partitions_in_run": len(keys)})


defs = dg.Definitions(assets=[crawled_documents])
