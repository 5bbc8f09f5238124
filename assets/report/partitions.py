"""Year partitions, shared by the assets and the schedules so the two never disagree."""

from __future__ import annotations

import warnings

import dagster as dg

from gongkai.assets.report.years import FIRST_YEAR, parse_years

__all__ = ["FIRST_YEAR", "parse_years", "partition_range_tags", "report_years"]


# Dagster has no yearly class; a yearly cron window does it. end_offset=1 adds the year in
# progress, since reports of year N are published (and corrected) from January of N+1.
report_years = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start=str(FIRST_YEAR), fmt="%Y", end_offset=1
)


# Both partitioned assets run a range of years as one run (BackfillPolicy.single_run), which
# Dagster labels beta; the label says nothing to a user of `gongkai` or of the UI.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


def partition_range_tags(years: list[int]) -> dict[str, str]:
    """Run tags that make one run cover a contiguous range of year partitions."""
    return {
        "dagster/asset_partition_range_start": str(min(years)),
        "dagster/asset_partition_range_end": str(max(years)),
    }
