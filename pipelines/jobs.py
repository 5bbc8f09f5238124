"""The main job: crawl the sources, parse the years asked for, load and check them."""

import dagster as dg

main_job = dg.define_asset_job(
    "gongkai_main",
    selection=dg.AssetSelection.assets("crawled_documents", "parsed_reports", "warehouse_reports"),
    description="Crawl every source, parse the documents of the selected years, load DuckDB and "
    "check the consistency rules. Runs over a range of year partitions in one run.",
)

reparse_job = dg.define_asset_job(
    "gongkai_reparse",
    selection=dg.AssetSelection.assets("parsed_reports", "warehouse_reports"),
    description="Re-parse and reload stored documents of the selected years without crawling "
    "(backfills after a parser change).",
)
