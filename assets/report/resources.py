"""The report stage's resource: the staging area where each shard × year's report frames wait
for the warehouse."""

from __future__ import annotations

import dagster as dg

from gongkai.assets.report.combine import combine_shards
from gongkai.assets.report.frames import STAGED_FRAMES, STAGED_MANIFEST, ReportFrames
from gongkai.assets.storage import Storage, join, open_storage


class StagingArea(dg.ConfigurableResource):
    """Each shard × year's frames as one object of Parquet tables under
    `<store>/reports/year=<year>/shard=<shard>/`, replaced whole (see
    `ReportFrames.write_parquet`); the store is a directory or an s3:// URL."""

    store: str  # the store (GONGKAI_STORE); the frames live in its reports/

    def shard_storage(self, shard: str, year: int) -> Storage:
        return open_storage(join(self.store, f"reports/year={year}/shard={shard}"))

    def has(self, shard: str, year: int) -> bool:
        """Whether the shard × year was ever staged."""
        storage = self.shard_storage(shard, year)
        return storage.exists(STAGED_FRAMES) or storage.exists(STAGED_MANIFEST)

    def write(self, shard: str, year: int, frames: ReportFrames) -> None:
        frames.write_parquet(self.shard_storage(shard, year))

    def read(self, shard: str, year: int) -> ReportFrames:
        """The shard × year as last staged (empty frames if it never was)."""
        return ReportFrames.read_parquet(self.shard_storage(shard, year))

    def read_year(self, year: int, shards: list[str]) -> ReportFrames:
        """The year from every one of `shards` as last staged, as one partition."""
        return combine_shards([self.read(shard, year) for shard in sorted(shards)])
