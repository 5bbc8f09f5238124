"""Where gongkai keeps its data unless told otherwise, and the environment variables that move it.

Every default is a path under the working directory, read when a command or a run starts,
never a path inside the installed package. Dagster-free: the command line reads these for its
defaults without importing Dagster; `pipelines.resources` maps them onto the resources.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A path the user may move with an environment variable."""

    env: str
    default: str  # relative: under the working directory of the command or run

    def value(self, environ: Mapping[str, str] | None = None) -> str:
        environ = os.environ if environ is None else environ
        return environ.get(self.env) or self.default


SOURCES = Location("GONGKAI_SOURCES", "sources")  # a sources TOML file or a directory of them
STORE = Location("GONGKAI_STORE", "data/store")  # raw documents, fetch log, catalog, staged frames
WAREHOUSE = Location("GONGKAI_WAREHOUSE", "warehouse/gongkai.duckdb")
DAGSTER_HOME = Location("DAGSTER_HOME", ".dagster")  # Dagster's runs, events and schedules

# Not paths: which deployment profile runs get (pipelines/resources.py), and the cluster's
# Celery broker (also its result backend).
PROFILE = Location("GONGKAI_PROFILE", "local")  # local or cluster
CELERY_BROKER = "GONGKAI_CELERY_BROKER"  # e.g. redis://redis:6379/0
POSTGRES_URL = "GONGKAI_POSTGRES_URL"  # the cluster's Dagster instance (dagster.cluster.yaml)
LAKE_CATALOG = "GONGKAI_LAKE_CATALOG"  # the cluster's DuckLake catalog: postgres://…/gongkai
LAKE_DATA = "GONGKAI_LAKE_DATA"  # where the lake's Parquet files go: s3://bucket/warehouse/
