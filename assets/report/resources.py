"""The report stage's resource: the staging area where each shard × year's report frames wait
for the warehouse."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from gongkai.assets.report.combine import combine_shards
from gongkai.assets.report.frames import STAGED_MANIFEST, ReportFrames


class StagingArea(dg.ConfigurableResource):
    """Each shard × year's frames as Parquet under `<store>/reports/year=<year>/shard=<shard>/`,
    replaced whole (see `ReportFrames.write_parquet`)."""

    store: str  # the store directory (GONGKAI_STORE); the frames live in its reports/

    def shard_dir(self, shard: str, year: int) -> Path:
        return Path(self.store) / "reports" / f"year={year}" / f"shard={shard}"

    def has(self, shard: str, year: int) -> bool:
        """Whether the shard × year was ever staged."""
        return (self.shard_dir(shard, year) / STAGED_MANIFEST).exists()

    def write(self, shard: str, year: int, frames: ReportFrames) -> None:
        frames.write_parquet(self.shard_dir(shard, year))

    def read(self, shard: str, year: int) -> ReportFrames:
        """The shard × year as last staged (empty frames if it never was)."""
        return ReportFrames.read_parquet(self.shard_dir(shard, year))

    def read_year(self, year: int, shards: list[str]) -> ReportFrames:
        """The year from every one of `shards` as last staged, as one partition."""
        return combine_shards([self.read(shard, year) for shard in sorted(shards)])
