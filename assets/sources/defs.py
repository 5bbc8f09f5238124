"""Dagster view of the sources stage: the sources files are an input gongkai does not make.
Resource: `resources.SourcesFile`."""

import dagster as dg

report_sources = dg.AssetSpec(
    "report_sources",
    description="The portals to crawl: sources/*.toml (one [[source]] per portal).",
    kinds={"toml"},
    group_name="sources",
)

defs = dg.Definitions(assets=[report_sources])
