"""Which resources a run gets: one mapping per profile, so moving gongkai to other storage is a
change here, never an `if` in an asset.

The stages own their resources (`assets/*/resources.py`, `warehouse/resources.py`); a profile
only says where each one points. `local` (the default) keeps everything on this machine; a
`cluster` profile (object storage, a lake warehouse) would be one more entry in `PROFILES`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from gongkai.assets.crawl.resources import CrawlPoliteness, DocumentStore
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.sources.resources import SourcesFile
from gongkai.pipelines.settings import SOURCES, STORE, WAREHOUSE, Location
from gongkai.warehouse.resources import DuckDBWarehouse


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


PROFILES: dict[str, Callable[..., dict[str, dg.ConfigurableResource]]] = {"local": local}


def local_run_config(sources: Path, store: Path, warehouse: Path) -> dict[str, Any]:
    """Run config pointing the local profile's resources at these paths (the command line's
    --sources/--store/--warehouse), recorded with the run so the UI shows what it used."""
    paths = {
        "sources": {"path": str(sources)},
        "raw_store": {"path": str(store)},
        "staging": {"store": str(store)},
        "warehouse": {"path": str(warehouse)},
    }
    return {key: {"config": config} for key, config in paths.items()}
