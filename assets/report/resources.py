"""The report stage's resource: the staging area where a year's report frames wait for the
warehouse."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from gongkai.assets.report.frames import ReportFrames


class StagingArea(dg.ConfigurableResource):
    """Each year's frames as Parquet under `<store>/reports/year=<year>/`, replaced whole
    (see `ReportFrames.write_parquet`)."""

    store: str  # the store directory (GONGKAI_STORE); the frames live in its reports/

    def year_dir(self, year: int) -> Path:
        return Path(self.store) / "reports" / f"year={year}"

    def write(self, year: int, frames: ReportFrames) -> None:
        frames.write_parquet(self.year_dir(year))

    def read(self, year: int) -> ReportFrames:
        """The year as last staged (empty frames if it never was)."""
        return ReportFrames.read_parquet(self.year_dir(year))
