"""Dagster view of the sources stage: the sources files are an input gongkai does not make."""

import dagster as dg

report_sources = dg.AssetSpec(
    "report_sources",
    description="The portals to crawl: sources/*.toml (one [[source]] per portal).",
    kinds={"toml"},
    group_name="sources",
)
