"""The partitions of the pipeline, shared by the assets, jobs and schedules so they never
disagree: shard × year (`shard_years`).

A shard is a slice of the sources (assets/sources/shards.py: every host in exactly one);
a year is a report year. crawled_documents, parsed_reports and warehouse_reports all have
these partitions, so a backfill fans out into one small step per shard and year, and a local
run asks for a rectangle of them (every shard, some years) as one run of one step per asset.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import dagster as dg

from gongkai.assets.sources.shards import shard_count, shard_keys
from gongkai.assets.sources.years import FIRST_YEAR, parse_years

__all__ = [
    "FIRST_YEAR",
    "ShardYear",
    "parse_years",
    "partition_range_tags",
    "report_shards",
    "report_years",
    "shard_year_keys",
    "shard_years",
]


# Dagster has no yearly class; a yearly cron window does it. end_offset=1 adds the year in
# progress, since reports of year N are published (and corrected) from January of N+1.
report_years = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start=str(FIRST_YEAR), fmt="%Y", end_offset=1
)

# GONGKAI_SHARDS (default 16), read when the code location loads: every process of a
# deployment (daemon, webserver, workers) must see the same value.
report_shards = dg.StaticPartitionsDefinition(shard_keys(shard_count()))

# Keys read "07|2023" (Dagster orders dimensions by name). A range of multi-partition keys
# is the rectangle of each dimension's range: "00|2019" … "15|2024" is every shard × 2019-2024.
shard_years = dg.MultiPartitionsDefinition({"shard": report_shards, "year": report_years})


# The partitioned assets run a range as one run (BackfillPolicy.single_run), which Dagster
# labels beta; the label says nothing to a user of `gongkai` or of the UI.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


class ShardYear(NamedTuple):
    """(shard, year) of a partition key ("07|2023" → ("07", 2023))."""

    shard: str
    year: int

    @property
    def key(self) -> str:
        """The Dagster partition key."""
        return str(dg.MultiPartitionKey({"shard": self.shard, "year": str(self.year)}))

    @classmethod
    def of(cls, key: str | dg.MultiPartitionKey) -> ShardYear:
        if not isinstance(key, dg.MultiPartitionKey):
            key = shard_years.get_partition_key_from_str(key)
        return cls(key.keys_by_dimension["shard"], int(key.keys_by_dimension["year"]))


def shard_year_keys(context: dg.AssetExecutionContext) -> list[ShardYear]:
    """The run's partitions as (shard, year), sorted."""
    return sorted(ShardYear.of(k) for k in context.partition_keys)


def partition_range_tags(years: list[int], shards: list[str] | None = None) -> dict[str, str]:
    """Run tags that make one run cover every shard × the contiguous range of `years`; with
    `shards`, the range from the first of them to the last."""
    shards = sorted(shards or report_shards.get_partition_keys())
    return {
        "dagster/asset_partition_range_start": ShardYear(shards[0], min(years)).key,
        "dagster/asset_partition_range_end": ShardYear(shards[-1], max(years)).key,
    }
