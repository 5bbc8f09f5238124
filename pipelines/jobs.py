"""The main job: crawl the sources, parse the years asked for, load and check them."""

import dagster as dg

main_job = dg.define_asset_job(
    "gongkai_main",
    selection=dg.AssetSelection.assets("crawled_documents", "parsed_reports", "warehouse_reports"),
    description="Crawl the sources of the selected shards, parse their documents of the selected "
    "years, load DuckDB and check the consistency rules. A range of shard × year partitions "
    "runs in one run (one step per asset); a backfill of single partitions fans out.",
)

reparse_job = dg.define_asset_job(
    "gongkai_reparse",
    selection=dg.AssetSelection.assets("parsed_reports", "warehouse_reports"),
    description="Re-parse and reload stored documents of the selected shards and years without "
    "crawling (backfills after a parser change).",
)
