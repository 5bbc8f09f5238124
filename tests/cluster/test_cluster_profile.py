"""`gongkai demo --profile cluster` on real servers, each started here on 127.0.0.1: the Dagster
instance on PostgreSQL, the steps on two Celery workers fed through Redis, the store in an S3
bucket (moto's server), the warehouse a DuckLake lake (catalog in PostgreSQL, Parquet in the
bucket). It loads the same cells as the local profile on the same portal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.servers import Postgres, S3Server, stop
from gongkai.assets.sources.config import load_sources
from gongkai.assets.sources.shards import Shards
from gongkai.assets.storage import open_storage, read_frame
from gongkai.warehouse.lake import S3, LakeWarehouse
from gongkai.warehouse.loader import Warehouse
from tests.servers import dagster_url, new_bucket

GONGKAI = shutil.which("gongkai", path=str(Path(sys.executable).parent)) or "gongkai"
YEARS = "2023-2024"
CELLS = """
SELECT r.agency, r.year, r.media, r.is_canonical, f.table_id, f.row_id, f.col_id, f.value
FROM fact_cell f JOIN report r USING (report_id)
ORDER BY ALL
"""


def gongkai(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([GONGKAI, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=240, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def wait_for_workers(broker: str, names: list[str], timeout: float = 60) -> None:
    from celery import Celery

    app = Celery(broker=broker)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answered = {name for reply in app.control.ping(timeout=1.0) for name in reply}
        if all(any(a.startswith(n) for a in answered) for n in names):
            return
    raise RuntimeError(f"Celery workers {names} did not answer within {timeout:.0f} s")


@pytest.fixture(scope="module")
def cluster_env(postgres: Postgres, redis_url: str, s3_server: S3Server, tmp_path_factory) -> dict:
    """The environment of every process of the deployment (launcher and workers)."""
    home = tmp_path_factory.mktemp("dagster-cluster")
    return {
        **os.environ,
        **s3_server.env,
        "GONGKAI_POSTGRES_URL": dagster_url(postgres.create_database("dagster")),
        "GONGKAI_LAKE_CATALOG": postgres.create_database("lake"),
        "GONGKAI_LAKE_DATA": new_bucket(s3_server) + "warehouse/",
        "GONGKAI_CELERY_BROKER": redis_url,
        "DAGSTER_HOME": str(home),
        # two shards, so that a shard can have no sources (a short test: the demo's portals are
        # two ports of 127.0.0.1, one site, so one shard)
        "GONGKAI_SHARDS": "2",
    }


@pytest.fixture(scope="module")
def workers(cluster_env: dict, tmp_path_factory) -> Iterator[list[str]]:
    """Two `gongkai celery-worker` processes, one step at a time each."""
    names = ["w1", "w2"]
    cwd = tmp_path_factory.mktemp("workers")
    processes = [subprocess.Popen([GONGKAI, "celery-worker", "--name", f"{n}@%h", "--loglevel", "WARNING"],
                                  env=cluster_env, cwd=cwd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for n in names]
    try:
        wait_for_workers(cluster_env["GONGKAI_CELERY_BROKER"], names)
        yield names
    finally:
        for process in processes:
            stop(process)


@pytest.fixture(scope="module")
def both_runs(cluster_env: dict, workers: list[str], s3_server: S3Server, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("runs")
    local_env = {k: v for k, v in cluster_env.items() if not k.startswith("GONGKAI_")}
    local_env["DAGSTER_HOME"] = str(tmp / ".dagster")
    gongkai("demo", "--store", str(tmp / "store"), "--warehouse", str(tmp / "local.duckdb"),
            "--years", YEARS, env=local_env, cwd=tmp)
    store = new_bucket(s3_server) + "store"
    cluster = gongkai("--verbose", "demo", "--profile", "cluster", "--store", store,
                      "--years", YEARS, env=cluster_env, cwd=tmp)
    lake = LakeWarehouse(cluster_env["GONGKAI_LAKE_CATALOG"], read_only=True, s3=S3(
        endpoint=s3_server.endpoint, key_id=s3_server.key_id, secret=s3_server.secret,
        region=s3_server.region))
    return {"local": Warehouse(tmp / "local.duckdb"), "cluster": lake, "store": store,
            "sources": tmp / "demo-sources.toml",
            "log": cluster.stdout + cluster.stderr}


def test_the_cluster_profile_loads_the_same_cells_into_the_lake_as_the_local_profile(both_runs):
    local = both_runs["local"].query(CELLS).rows()
    assert len(local) > 1000
    assert both_runs["cluster"].query(CELLS).rows() == local


def test_the_cluster_run_is_recorded_in_postgres_and_its_steps_ran_on_celery_workers(
        both_runs, cluster_env, workers, monkeypatch):
    import dagster as dg

    for key in ("GONGKAI_POSTGRES_URL", "DAGSTER_HOME"):
        monkeypatch.setenv(key, cluster_env[key])
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        runs = instance.get_runs()
        events = {run.run_id: [e.dagster_event for e in instance.all_logs(run.run_id)
                               if e.is_dagster_event] for run in runs}
    # one run per shard the sources use, each crawling, parsing and loading its shard's years
    sources = load_sources(both_runs["sources"])
    with monkeypatch.context() as env:
        env.setenv("GONGKAI_SHARDS", cluster_env["GONGKAI_SHARDS"])
        used = set(Shards(sources).by_source.values())
    assert all(run.is_success for run in runs)
    assert sorted(run.tags["dagster/asset_partition_range_start"].split("|")[0] for run in runs) \
        == sorted(used)
    workers_used = set()
    for run_events in events.values():
        steps = {e.step_key for e in run_events if e.is_step_success}
        on_workers = {e.step_key: e.event_specific_data.metadata["Celery worker"].value
                      for e in run_events
                      if e.is_engine_event and "in celery worker" in (e.message or "")}
        assert steps == {"crawled_documents", "parsed_reports", "warehouse_reports"}
        assert steps <= set(on_workers)
        workers_used |= {worker.split("@")[0] for worker in on_workers.values()}
    assert workers_used and workers_used <= set(workers)


def test_the_cluster_store_lives_in_the_bucket(both_runs, s3_server, monkeypatch):
    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    store = open_storage(both_runs["store"])
    # each shard's run keeps its shard's catalog and fetch log, and packs its documents
    shards = len(store.keys("catalog/documents"))
    assert len(store.keys("raw/fetch_log")) == shards >= 1
    indexes = [k for k in store.keys("raw/packs") if k.endswith("/index.parquet")]
    assert len(indexes) == shards
    bodies = sum(read_frame(store, key).height for key in indexes) + len(store.keys("raw/objects"))
    assert bodies >= both_runs["cluster"].query("SELECT count(*) AS n FROM report")["n"][0]
    assert store.keys("reports/year=2024")
