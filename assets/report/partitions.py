"""Year partitions, shared by the assets and the schedules so the two never disagree."""

from __future__ import annotations

from datetime import date

import dagster as dg

FIRST_YEAR = 2008  # the first year the 2008 regulations required a report for

# Dagster has no yearly class; a yearly cron window does it. end_offset=1 adds the year in
# progress, since reports of year N are published (and corrected) from January of N+1.
report_years = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start=str(FIRST_YEAR), fmt="%Y", end_offset=1
)


def parse_years(spec: str, today: date | None = None) -> list[int]:
    """``2019-2024``, ``2023``, ``2019,2021-2022`` → sorted years, within the partitions."""
    last = (today or date.today()).year
    years: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        try:
            start, end = int(lo), int(hi or lo)
        except ValueError:
            raise ValueError(f"bad year range {part!r}: use e.g. 2019-2024 or 2023") from None
        if start > end:
            raise ValueError(f"bad year range {part!r}: start after end")
        if start < FIRST_YEAR or end > last:
            raise ValueError(f"years must lie within {FIRST_YEAR}-{last}, got {part!r}")
        years.update(range(start, end + 1))
    if not years:
        raise ValueError("no years given")
    return sorted(years)


def partition_range_tags(years: list[int]) -> dict[str, str]:
    """Run tags that make one run cover a contiguous range of year partitions."""
    return {
        "dagster/asset_partition_range_start": str(min(years)),
        "dagster/asset_partition_range_end": str(max(years)),
    }
