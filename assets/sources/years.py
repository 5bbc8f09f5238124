"""Which years gongkai knows: the first report year, and the `--years` syntax of the CLI (free
of Dagster, so the command line reads it without starting the pipeline)."""

from __future__ import annotations

from datetime import date

FIRST_YEAR = 2008  # the first year the 2008 regulations required a report for


class YearsError(ValueError):
    """A `--years` value that names no valid years."""


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
            raise YearsError(f"bad year range {part!r}: use e.g. 2019-2024 or 2023") from None
        if start > end:
            raise YearsError(f"bad year range {part!r}: start after end")
        if start < FIRST_YEAR or end > last:
            raise YearsError(f"years must lie within {FIRST_YEAR}-{last}, got {part!r}")
        years.update(range(start, end + 1))
    if not years:
        raise YearsError("no years given")
    return sorted(years)


def year_ranges(years: list[int]) -> str:
    """[2019, 2020, 2021, 2024] → "2019-2021,2024" (what `--years` reads back)."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
