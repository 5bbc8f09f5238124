"""Which years gongkai knows: the first report year, the `--years` syntax of the CLI (free
of Dagster, so the command line reads it without starting the pipeline), and years printed in
Chinese numerals (二〇二三年) as digits."""

from __future__ import annotations

import re
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


_NUMERALS = str.maketrans("〇○零Ｏ0OoΟ一二三四五六七八九", "00000000123456789")
# Four numerals before 年 (二〇二三年, 二○二三年度, 二零二三年): a year written out.
_CHINESE_YEAR = re.compile(r"[一二][〇○零Ｏ0OoΟ一二三四五六七八九]{3}(?=\s*年)")


# 二〇二三年 whose 〇 OCR dropped (a thin circle): 二二三年, 二一九年 (2010-2029 only).
_DROPPED_ZERO = re.compile(r"(?<![〇○零一二三四五六七八九十])二([一二][〇○零一二三四五六七八九])(?=\s*年)")
# A year whose digits OCR read as letters (2O23年, 2o2l年).
_MISREAD_YEAR = re.compile(r"(?<![0-9A-Za-z])[12][0-9OoIl]{3}(?=\s*年)")
_DIGIT_LOOKALIKES = str.maketrans("OoIl", "0011")


def arabic_years(text: str) -> str:
    """``text`` with every year written in Chinese numerals as digits (二〇二三年 → 2023年, and
    二二三年 where OCR dropped the 〇), and the letters OCR reads for a year's digits made
    digits (2O23年 → 2023年)."""
    text = _CHINESE_YEAR.sub(lambda m: m.group(0).translate(_NUMERALS), text)
    text = _DROPPED_ZERO.sub(lambda m: "20" + m.group(1).translate(_NUMERALS), text)
    return _MISREAD_YEAR.sub(lambda m: m.group(0).translate(_DIGIT_LOOKALIKES), text)
