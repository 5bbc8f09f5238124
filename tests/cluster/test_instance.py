"""The cluster profile's Dagster instance (pipelines/dagster.cluster.yaml) keeps runs, events
and asset records in Postgres (started here on 127.0.0.1), where every process of the
deployment finds them."""

from __future__ import annotations

import dagster as dg

from gongkai.assets.report.defs import parsed_reports
from gongkai.assets.sources.partitions import partition_range_tags
from gongkai.pipelines.cli import dagster_home
from gongkai.pipelines.instance import instance_of
from gongkai.pipelines.resources import PROFILES
from gongkai.warehouse.defs import warehouse_reports
from tests.servers import dagster_url


def test_the_cluster_instance_keeps_runs_and_materialisations_in_postgres(postgres, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("GONGKAI_POSTGRES_URL", dagster_url(postgres.create_database("instance")))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    home = dagster_home("cluster")
    assert home == tmp_path / ".dagster-cluster"
    (tmp_path / "sources.toml").write_text('[[source]]\nname = "甲"\nstart = ["http://a.example/"]\n')
    monkeypatch.setenv("GONGKAI_SOURCES", str(tmp_path / "sources.toml"))

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        result = dg.materialize([parsed_reports, warehouse_reports],
                                resources=PROFILES["local"].resources(), instance=instance,
                                tags=partition_range_tags([2024]))
        assert result.success

    # Another process of the deployment (a worker, the webserver) opens its own instance from
    # the same config and sees the run and what it materialised.
    with dg.DagsterInstance.from_config(str(home)) as other:
        assert other.get_run_by_id(result.run_id).is_success
        record = other.get_latest_materialization_event(dg.AssetKey("warehouse_reports"))
        assert record.run_id == result.run_id


def connections_made(postgres, database: str) -> int:
    """Connections (server processes) the database has had; the count's own query included."""
    (sessions,), = postgres.query(database, "SELECT sessions FROM pg_stat_database "
                                  "WHERE datname = current_database()")
    return int(sessions)


def test_a_worker_keeps_one_instance_whose_storages_hold_their_postgres_connections(
        postgres, tmp_path, monkeypatch):
    database = "worker_instance"
    monkeypatch.setenv("GONGKAI_POSTGRES_URL", dagster_url(postgres.create_database(database)))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    home = dagster_home("cluster")
    ref = dg.DagsterInstance.from_config(str(home)).get_ref()  # what the executor hands a task

    instance = instance_of(ref)
    before = connections_made(postgres, database)
    for _ in range(20):  # a step's events: dagster-postgres alone connects for each
        assert instance_of(ref) is instance
        instance.get_runs(limit=1)
        instance.get_run_by_id("no-such-run")
    assert connections_made(postgres, database) - before <= 3  # the count's own, and one held


@dg.asset
def logging_asset(context) -> None:
    context.log.debug("fetched http://a.example/1.html")  # a crawl logs one a page
    context.log.info("shard 07 2024: 1 document")
    print("a line on stdout")


def test_the_cluster_instance_leaves_no_stdout_files_on_the_workers_disk(postgres, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("GONGKAI_POSTGRES_URL", dagster_url(postgres.create_database("no_stdout")))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.from_config(str(dagster_home("cluster"))) as instance:
        assert dg.materialize([logging_asset], instance=instance).success
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["dagster.yaml"]


def test_the_cluster_instance_stores_a_runs_events_and_info_lines_not_its_debug_lines(
        postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_POSTGRES_URL", dagster_url(postgres.create_database("log_level")))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.from_config(str(dagster_home("cluster"))) as instance:
        result = dg.materialize([logging_asset], instance=instance)
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert result.success and any(e.is_step_success for e in result.all_events)
    assert "shard 07 2024: 1 document" in messages
    assert "fetched http://a.example/1.html" not in messages
