"""Dagster assets of the report stage. Depends on: crawled_documents. Work: assets.report.build."""

import dagster as dg

from gongkai.assets.crawl.catalog import documents_for_years, read_catalog
from gongkai.assets.report.build import parse_year
from gongkai.pipelines.partitions import report_years
from gongkai.pipelines.resources import GongkaiStorage


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
def parsed_reports(context: dg.AssetExecutionContext, storage: GongkaiStorage) -> dg.MaterializeResult:
    years = [int(k) for k in context.partition_keys]
    catalog = read_catalog(storage.store_dir)
    divisions = {s.name: s.division for s in storage.load_sources()}
    store = storage.raw_store()
    per_year = {}
    for year, documents in documents_for_years(catalog, years).items():
        parsed = parse_year(year, documents, store, divisions)
        parsed.frames.write_parquet(storage.staged_reports_dir(year))
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
