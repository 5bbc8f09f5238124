"""Which resources, executor and Dagster instance a run gets: one mapping of profiles, so moving
gongkai to other machines is configuration (`GONGKAI_PROFILE`, `gongkai run --profile`), never
an `if` in an asset.

The stages own their resources (`assets/*/resources.py`, `warehouse/resources.py`); a profile
only says where each one points and how steps run:

- `local` (the default): everything on this machine, steps in the `gongkai` process, the
  instance in SQLite files (`dagster.yaml`);
- `cluster`: the store (raw documents, catalog, staged frames) where GONGKAI_STORE points, an
  S3-compatible bucket (`s3://bucket/prefix`); the warehouse a DuckLake lake (catalog at
  GONGKAI_LAKE_CATALOG, Parquet under GONGKAI_LAKE_DATA); steps on Celery workers fed through
  the broker at GONGKAI_CELERY_BROKER (Redis); the instance on Postgres at
  GONGKAI_POSTGRES_URL (`dagster.cluster.yaml`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from gongkai.assets.crawl.resources import CrawlPoliteness, DocumentStore
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.sources.resources import SourcesFile
from gongkai.pipelines.settings import (
    CELERY_BROKER,
    DAGSTER_HOME,
    LAKE_CATALOG,
    LAKE_DATA,
    POSTGRES_URL,
    PROFILE,
    SOURCES,
    STORE,
    WAREHOUSE,
    Location,
)
from gongkai.warehouse.resources import DuckDBWarehouse, DuckLakeWarehouse


def _configured(location: Location, environ: Mapping[str, str]) -> str:
    """The location's variable when it is set (Dagster reads its value when a run starts, and
    the UI shows where it came from), else its default under the working directory."""
    return dg.EnvVar(location.env) if environ.get(location.env) else location.default


def local(environ: Mapping[str, str] | None = None) -> dict[str, dg.ConfigurableResource]:
    """Everything on this machine: files under GONGKAI_SOURCES, GONGKAI_STORE and a DuckDB
    file at GONGKAI_WAREHOUSE (defaults: ./sources, ./data/store, ./warehouse/gongkai.duckdb)."""
    environ = os.environ if environ is None else environ
    store = _configured(STORE, environ)
    return {
        "sources": SourcesFile(path=_configured(SOURCES, environ)),
        "raw_store": DocumentStore(path=store),
        "staging": StagingArea(store=store),
        "warehouse": DuckDBWarehouse(path=_configured(WAREHOUSE, environ)),
        "politeness": CrawlPoliteness(),
    }


def cluster(environ: Mapping[str, str] | None = None) -> dict[str, dg.ConfigurableResource]:
    """The same resources pointed by the same variables at shared places (GONGKAI_STORE an
    s3:// URL every worker reaches, GONGKAI_SOURCES a file in the workers' image), and the
    warehouse a DuckLake lake many workers load at once (S3 settings from the AWS_* variables)."""
    return {
        **local(environ),
        "warehouse": DuckLakeWarehouse(catalog=dg.EnvVar(LAKE_CATALOG),
                                       data_path=dg.EnvVar(LAKE_DATA)),
    }


def celery_executor() -> dg.ExecutorDefinition:
    """Steps go to Celery workers (`gongkai celery-worker`) through the broker at
    GONGKAI_CELERY_BROKER, which also carries their results."""
    try:
        from dagster_celery import celery_executor as executor
    except ImportError:
        raise ImportError("the cluster profile needs dagster-celery and dagster-postgres: "
                          "pip install 'gongkai[cluster]'") from None

    broker = {"env": CELERY_BROKER}
    return executor.configured({"broker": broker, "backend": broker}, name="celery")


@dataclass(frozen=True)
class Profile:
    resources: Callable[..., dict[str, dg.ConfigurableResource]]
    executor: Callable[[], dg.ExecutorDefinition]
    instance_config: str  # the instance YAML shipped in gongkai.pipelines, copied to DAGSTER_HOME
    home: str  # DAGSTER_HOME when the variable is not set (under the working directory)
    needs: tuple[str, ...] = ()  # environment variables a run of this profile cannot do without
    warehouse_file: bool = True  # the command line's --warehouse names its warehouse (a file)


PROFILES: dict[str, Profile] = {
    "local": Profile(local, lambda: dg.multi_or_in_process_executor, "dagster.yaml", DAGSTER_HOME.default),
    "cluster": Profile(cluster, celery_executor, "dagster.cluster.yaml", ".dagster-cluster",
                       needs=(POSTGRES_URL, CELERY_BROKER, LAKE_CATALOG, LAKE_DATA),
                       warehouse_file=False),
}


def profile_named(name: str | None = None) -> Profile:
    """The profile `name`, else GONGKAI_PROFILE's, else `local`; a clear error for a typo."""
    name = name or PROFILE.value()
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r} (GONGKAI_PROFILE or --profile): "
                         f"choose one of {', '.join(PROFILES)}")
    return PROFILES[name]


def local_run_config(sources: Path, store: Path | str, warehouse: Path | str | None) -> dict[str, Any]:
    """Run config pointing the profile's resources at these places (the command line's
    --sources/--store/--warehouse: paths, or URLs on the cluster), recorded with the run so the
    UI shows what it used. No `warehouse`: the profile's own (the cluster's lake)."""
    paths = {
        "sources": {"path": str(sources)},
        "raw_store": {"path": str(store)},
        "staging": {"store": str(store)},
    }
    if warehouse is not None:
        paths["warehouse"] = {"path": str(warehouse)}
    return {key: {"config": config} for key, config in paths.items()}
