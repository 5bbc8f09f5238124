"""A year's reports from its shards' staged frames, as one partition of the warehouse.

Each shard × year is parsed on its own; the canonical report of an agency and year is chosen
over the whole year, since one agency's reports may be found through sources of two shards
(its own site and a city's platform).
"""

from __future__ import annotations

import polars as pl

from gongkai.assets.report.frames import ReportFrames, mark_canonical


def combine_shards(shards: list[ReportFrames]) -> ReportFrames:
    """The shards' frames as one year: a report staged by two shards (the same bytes, found
    by both before a source moved) is taken once, from the first; canonical chosen afresh."""
    if not shards:
        return ReportFrames.empty()
    seen: set[str] = set()
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in ReportFrames.empty().tables()}
    for frames in shards:
        new = frames.report.filter(~pl.col("report_id").is_in(list(seen)))
        keep = set(new["report_id"].to_list())
        seen |= keep
        for name, table in frames.tables().items():
            parts[name].append(table.filter(pl.col("report_id").is_in(list(keep))))
    tables = {name: pl.concat(frames, how="vertical_relaxed") for name, frames in parts.items()}
    tables["report"] = mark_canonical(tables["report"])  # over the year, not each shard's own
    return ReportFrames(**tables)
