"""The stages' resources as a run gets them: defaults under the working directory, environment
variables read when the run starts, and the real report → warehouse assets run on temp dirs."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import dagster as dg
import pytest

from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.crawl.resources import DocumentStore
from gongkai.assets.report.defs import parsed_reports
from gongkai.assets.sources.partitions import partition_range_tags
from gongkai.pipelines.cli import dagster_home, run_pipeline
from gongkai.pipelines.definitions import defs
from gongkai.pipelines.resources import PROFILES, local
from gongkai.pipelines.settings import DAGSTER_HOME, SOURCES, STORE, WAREHOUSE
from gongkai.warehouse.defs import warehouse_reports
from gongkai.warehouse.loader import Warehouse

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
LABELS = {d["file"]: d for d in map(json.loads, (CORPUS / "labels.jsonl").open(encoding="utf-8"))}
REPORT = "html-utf8-th-portal.html"  # 清河市生态环境局, 2023


@pytest.fixture(autouse=True)
def no_location_variables(monkeypatch):
    for location in (SOURCES, STORE, WAREHOUSE, DAGSTER_HOME):
        monkeypatch.delenv(location.env, raising=False)


def store_report(store_dir: Path, sources_file: Path) -> dict:
    """A crawled report as the crawl stage leaves it: bytes in the raw store, a catalog row."""
    label = LABELS[REPORT]
    data = (CORPUS / REPORT).read_bytes()
    store = DocumentStore(path=str(store_dir))
    sha256 = store.raw().put(data)
    assert sha256 == hashlib.sha256(data).hexdigest()
    url = f"http://qinghe.example/{REPORT}"
    store.add_to_catalog([CrawledDocument(
        source="清河市", url=url, final_url=url, page_url=None, title=label["title"],
        agency_hint=None, year_hint=label["year"], media="html", sha256=sha256, size=len(data),
        content_type="text/html", fetched_at=datetime.now(UTC).isoformat(), status=200)])
    sources_file.parent.mkdir(parents=True, exist_ok=True)
    sources_file.write_text('[[source]]\nname = "清河市"\nstart = ["http://qinghe.example/"]\n',
                            encoding="utf-8")
    return label


def parse_and_load(resources_: dict, year: int) -> dg.ExecuteInProcessResult:
    with dg.instance_for_test() as instance:
        result = dg.materialize([parsed_reports, warehouse_reports], resources=resources_,
                                instance=instance, tags=partition_range_tags([year]),
                                selection=["parsed_reports", "warehouse_reports"])
    assert result.success
    return result


def test_a_run_without_settings_keeps_everything_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    label = store_report(tmp_path / "data" / "store", tmp_path / "sources" / "portals.toml")

    parse_and_load(local(), label["year"])

    staged = tmp_path / "data" / "store" / "reports" / f"year={label['year']}"
    assert len(list(staged.glob("shard=*/frames.zip"))) == 1
    loaded = Warehouse(tmp_path / "warehouse" / "gongkai.duckdb").query(
        "SELECT agency, year, is_canonical FROM report")
    assert loaded.rows() == [(label["agency"], label["year"], True)]


def test_location_variables_are_read_when_the_run_starts(tmp_path, monkeypatch):
    label = store_report(tmp_path / "store", tmp_path / "portals.toml")
    monkeypatch.setenv("GONGKAI_SOURCES", str(tmp_path / "portals.toml"))
    monkeypatch.setenv("GONGKAI_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(tmp_path / "first.duckdb"))
    resources_ = local()
    # The value is read by the run, not when the definitions were built.
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(tmp_path / "moved" / "second.duckdb"))

    parse_and_load(resources_, label["year"])

    assert not (tmp_path / "first.duckdb").exists()
    assert Warehouse(tmp_path / "moved" / "second.duckdb").query("SELECT count(*) AS n FROM report")["n"][0] == 1


def test_the_command_line_hands_its_paths_to_the_run_and_records_them_absolute(tmp_path, monkeypatch):
    label = store_report(tmp_path / "store", tmp_path / "portals.toml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))

    assert run_pipeline(Path("portals.toml"), Path("store"), Path("out/gongkai.duckdb"), [label["year"]],
                        job_name="gongkai_reparse")

    assert Warehouse(tmp_path / "out" / "gongkai.duckdb").query("SELECT count(*) AS n FROM report")["n"][0] == 1
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
    assert run.run_config["resources"] == {
        "sources": {"config": {"path": str(tmp_path / "portals.toml")}},
        "raw_store": {"config": {"path": str(tmp_path / "store")}},
        "staging": {"config": {"store": str(tmp_path / "store")}},
        "warehouse": {"config": {"path": str(tmp_path / "out" / "gongkai.duckdb")}},
    }


def test_every_profile_gives_every_resource_the_assets_require():
    required = set()
    for node in defs.resolve_asset_graph().asset_nodes:
        if node.is_executable:
            required |= node.assets_def.required_resource_keys - {"io_manager"}  # Dagster's own
    assert required == {"sources", "raw_store", "staging", "warehouse", "politeness"}
    for name, profile in PROFILES.items():
        assert required <= set(profile.resources({})), name


def test_dagster_home_defaults_to_the_working_directory_with_the_packaged_instance_config(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    home = dagster_home()
    assert home == tmp_path / ".dagster"
    packaged = resources.files("gongkai.pipelines").joinpath("dagster.yaml").read_text(encoding="utf-8")
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == packaged
    assert "telemetry:\n  enabled: false" in packaged


def test_dagster_home_keeps_an_instance_config_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    assert dagster_home() == tmp_path / "home"
    assert (tmp_path / "home" / "dagster.yaml").read_text() == "telemetry:\n  enabled: true\n"


def test_a_failed_run_names_the_failed_step_in_one_line_and_returns_false(tmp_path, monkeypatch, capsys):
    label = store_report(tmp_path / "store", tmp_path / "portals.toml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))

    ok = run_pipeline(tmp_path / "missing.toml", tmp_path / "store", tmp_path / "gongkai.duckdb",
                      [label["year"]], job_name="gongkai_reparse")

    assert ok is False
    failures = [line for line in capsys.readouterr().err.splitlines() if line.startswith("step ")]
    assert len(failures) == 1
    assert failures[0].startswith("step parsed_reports failed: ") and "missing.toml: cannot read" in failures[0]
