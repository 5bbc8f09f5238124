"""The sources stage's resource: the sources file(s) a run crawls."""

from __future__ import annotations

import dagster as dg

from gongkai.assets.sources.config import Source, load_sources
from gongkai.assets.sources.shards import Shards


class SourcesFile(dg.ConfigurableResource):
    """A sources TOML file, or a directory of them (read in name order)."""

    path: str

    def load(self) -> list[Source]:
        return load_sources(self.path)

    def shards(self) -> Shards:
        """The sources with their shards (GONGKAI_SHARDS of them)."""
        return Shards(self.load())
