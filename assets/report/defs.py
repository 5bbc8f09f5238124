"""Dagster assets of the report stage. Depends on: crawled_documents. Work: assets.report.build.
Resources: `resources.StagingArea`; the crawl stage's `DocumentStore`, the sources stage's
`SourcesFile` (division hints)."""

import dagster as dg

from gongkai.assets.crawl.catalog import documents_for_years
from gongkai.assets.crawl.resources import DocumentStore
from gongkai.assets.report.build import parse_year
from gongkai.assets.report.partitions import report_years
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.sources.resources import SourcesFile


@dg.asset(
    deps=["crawled_documents"],
    partitions_def=report_years,
    # A range of years (a backfill, `gongkai run --years`) runs as one step, not one per year.
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="report",
    kinds={"polars", "parquet"},
    description="Every stored document of the year read into canonical cells, sections and "
    "consistency checks (polars frames staged as Parquet). Re-parses from the raw store: "
    "no download.",
)
def parsed_reports(
    context: dg.AssetExecutionContext,
    sources: SourcesFile,
    raw_store: DocumentStore,
    staging: StagingArea,
) -> dg.MaterializeResult:
    years = [int(k) for k in context.partition_keys]
    catalog = raw_store.catalog()
    divisions = {s.name: s.division for s in sources.load()}
    store = raw_store.raw()
    per_year = {}
    for year, documents in documents_for_years(catalog, years).items():
        parsed = parse_year(year, documents, store, divisions)
        staging.write(year, parsed.frames)
        for error in parsed.errors:
            context.log.warning(error)
        per_year[str(year)] = {
            "documents": len(documents),
            "read": len(documents) - len(parsed.errors),
            "errors": len(parsed.errors),
            "by_media": dict(parsed.by_media),
            "by_format": dict(parsed.by_format),
        }
        context.log.info("%s: %d documents, %d unreadable", year, len(documents), len(parsed.errors))
    return dg.MaterializeResult(
        metadata={
            "documents": sum(v["documents"] for v in per_year.values()),
            "unreadable": sum(v["errors"] for v in per_year.values()),
            "per_year": dg.MetadataValue.json(per_year),
        }
    )


defs = dg.Definitions(assets=[parsed_reports])
