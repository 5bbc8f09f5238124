"""Dagster assets of the report stage. Depends on: crawled_documents. Work: assets.report.build.
Resources: `resources.StagingArea`; the crawl stage's `DocumentStore`, the sources stage's
`SourcesFile` (division hints, and which source is in which shard)."""

import time

import dagster as dg

from gongkai.assets.crawl.catalog import documents_for_years
from gongkai.assets.crawl.resources import DocumentStore
from gongkai.assets.report.build import parse_year
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.sources.partitions import shard_year_keys, shard_years
from gongkai.assets.sources.resources import SourcesFile


@dg.asset(
    deps=["crawled_documents"],
    partitions_def=shard_years,
    # A range (a backfill, `gongkai run --years`) runs as one step, not one per partition.
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="report",
    kinds={"polars", "parquet"},
    description="Every stored document of the shard's sources and the year read into canonical "
    "cells, sections and consistency checks (polars frames staged as Parquet per shard × year). "
    "Re-parses from the raw store: no download.",
)
def parsed_reports(
    context: dg.AssetExecutionContext,
    sources: SourcesFile,
    raw_store: DocumentStore,
    staging: StagingArea,
) -> dg.MaterializeResult:
    keys = shard_year_keys(context)
    shards = sources.shards()
    divisions = {s.name: s.division for s in shards.sources}
    store = raw_store.raw({k.shard for k in keys})
    # Only this step's shards' catalog: the rest is other steps' (one file a shard to read)
    by_year = documents_for_years(raw_store.catalog({k.shard for k in keys}),
                                  sorted({k.year for k in keys}))
    read: list[str] = []  # "shard 07 2023: 31 documents, 0 unreadable", one a partition read
    for key in keys:
        started = time.perf_counter()
        documents = [d for d in by_year[key.year]
                     if shards.of_document(d.source, d.final_url) == key.shard]
        store.prefetch(d.sha256 for d in documents)  # in a bucket: a request a pack
        parsed = parse_year(key.year, documents, store, divisions)
        store.forget()
        # An empty shard-year is staged only over frames it had before (whose documents moved
        # to another shard): most shards have no report of most years.
        if documents or staging.has(key.shard, key.year):
            staging.write(key.shard, key.year, parsed.frames)
        for error in parsed.errors:
            context.log.warning(error)
        report = parsed.frames.report
        # This partition's own figures (a range run records one event per partition).
        context.add_asset_metadata(partition_key=key.key, metadata={
            # reading and staging it (what a step spends beyond this is the orchestrator's)
            "seconds": round(time.perf_counter() - started, 3),
            "documents": len(documents),
            "reports": report.height,
            "unreadable": len(parsed.errors),
            "canonical": int(report["is_canonical"].sum() or 0),
            "cells": parsed.frames.fact_cell.height,
            "by_media": dg.MetadataValue.json(dict(parsed.by_media)),
            "by_format": dg.MetadataValue.json(dict(parsed.by_format)),
        })
        if documents:
            read.append(f"shard {key.shard} {key.year}: {len(documents)} documents, "
                        f"{len(parsed.errors)} unreadable")
    if read:  # one line a step, not a partition: each is an event stored in the instance
        context.log.info("; ".join(read))
    return dg.MaterializeResult(metadata={"partitions_in_run": len(keys)})


defs = dg.Definitions(assets=[parsed_reports])
