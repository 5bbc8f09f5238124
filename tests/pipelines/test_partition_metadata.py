"""What the Dagster UI shows per partition: each shard × year's materialisation carries that
partition's own figures, the rule checks name the failing reports, and a run of one partition
records its check figures under other keys than a run of many (history plots never mix them).

Two demo reports of one year, found through sources on two sites in different shards: one
breaks a consistency rule, the other breaks none.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.crawl.resources import DocumentStore
from gongkai.assets.report.defs import parsed_reports
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.sources.partitions import ShardYear, partition_range_tags
from gongkai.assets.sources.resources import SourcesFile
from gongkai.assets.sources.shards import shard_of_url
from gongkai.warehouse.defs import warehouse_reports
from gongkai.warehouse.resources import DuckDBWarehouse

DEMO = Path(__file__).resolve().parents[2] / "demo"
TRUTH = [json.loads(line) for line in (DEMO / "truth.jsonl").open(encoding="utf-8")]


def demo_pair() -> tuple[dict, dict]:
    """An HTML report breaking a rule and a clean HTML report of the same year."""
    broken = next(t for t in TRUTH if t["media"] == "html" and t["broken_rules"])
    clean = next(t for t in TRUTH if t["media"] == "html" and not t["broken_rules"]
                 and t["year"] == broken["year"] and t["agency"] != broken["agency"])
    return broken, clean


def two_sites_in_two_shards() -> tuple[str, str]:
    first = "http://www.site0.gov.cn/"
    second = next(f"http://www.site{i}.gov.cn/" for i in range(1, 200)
                  if shard_of_url(f"http://www.site{i}.gov.cn/", 16) != shard_of_url(first, 16))
    return first, second


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("metadata")
    broken, clean = demo_pair()
    sites = two_sites_in_two_shards()
    store = DocumentStore(path=str(tmp / "store"))
    toml = ""
    for name, site, truth in (("甲", sites[0], broken), ("乙", sites[1], clean)):
        data = (DEMO / "site" / truth["file"]).read_bytes()
        url = site + Path(truth["file"]).name
        store.add_to_catalog([CrawledDocument(
            source=name, url=url, final_url=url, page_url=None, title=truth["title"],
            agency_hint=None, year_hint=truth["year"], media="html", sha256=store.raw().put(data),
            size=len(data), content_type="text/html", fetched_at=datetime.now(UTC).isoformat(),
            status=200)])
        toml += f'[[source]]\nname = "{name}"\nstart = ["{site}"]\n\n'
    (tmp / "portals.toml").write_text(toml, encoding="utf-8")
    resources = {"sources": SourcesFile(path=str(tmp / "portals.toml")), "raw_store": store,
                 "staging": StagingArea(store=str(tmp / "store")),
                 "warehouse": DuckDBWarehouse(path=str(tmp / "gongkai.duckdb"))}
    year = broken["year"]
    shards = {"broken": shard_of_url(sites[0], 16), "clean": shard_of_url(sites[1], 16)}
    with dg.instance_for_test() as instance:
        every_shard = dg.materialize([parsed_reports, warehouse_reports], resources=resources,
                                     instance=instance, tags=partition_range_tags([year]))
        one = dg.materialize([parsed_reports, warehouse_reports], resources=resources,
                             instance=instance, partition_key=ShardYear(shards["clean"], year).key)
        # the parse step's log lines (not events: the result leaves them out)
        parse_lines = [entry.user_message for entry in instance.all_logs(every_shard.run_id)
                       if entry.step_key == "parsed_reports" and entry.dagster_event is None]
    assert every_shard.success and one.success
    return {"every_shard": every_shard, "one": one, "year": year, "shards": shards,
            "broken": broken, "clean": clean, "parse_lines": parse_lines}


def materialisations(result, asset: str) -> dict[ShardYear, dict]:
    return {ShardYear.of(e.materialization.partition):
            {k: v.value for k, v in e.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey(asset)}


def check(result, name: str) -> tuple[bool, dict]:
    (evaluation,) = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    return evaluation.passed, {k: v.value for k, v in evaluation.metadata.items()}


def test_each_partition_shows_its_own_reports_not_the_runs(runs):
    loaded = materialisations(runs["every_shard"], "warehouse_reports")
    year, shards = runs["year"], runs["shards"]
    assert len(loaded) == 16  # one event per shard of the year, each with its own figures
    mine = {ShardYear(shards["broken"], year), ShardYear(shards["clean"], year)}
    for key, figures in loaded.items():
        assert figures["reports"] == (1 if key in mine else 0)
        assert figures["partitions_in_run"] == 16
    broken = loaded[ShardYear(shards["broken"], year)]
    clean = loaded[ShardYear(shards["clean"], year)]
    assert broken["by_status"] == clean["by_status"] == {"canonical": 1}
    assert broken["checks_failed"] >= 1 and broken["reports_failing_checks"] == 1
    assert clean["checks_failed"] == 0
    assert runs["broken"]["agency"] in broken["preview"]
    assert runs["broken"]["broken_rules"][0] in broken["preview"]
    assert runs["clean"]["agency"] in clean["preview"]
    assert runs["broken"]["agency"] not in clean["preview"]
    parsed = materialisations(runs["every_shard"], "parsed_reports")
    assert parsed[ShardYear(shards["clean"], year)]["documents"] == 1


def test_a_failing_check_names_the_failing_report_and_its_figures(runs):
    rule = runs["broken"]["broken_rules"][0]
    passed, metadata = check(runs["every_shard"], rule)
    assert not passed
    assert metadata["reports_failing_over_partitions"] == 1
    (failing, *_) = metadata["failing_reports"]
    assert failing["agency"] == runs["broken"]["agency"] and failing["year"] == runs["year"]
    assert failing["expected"] != failing["actual"]


def test_one_partition_runs_record_their_own_figures_under_their_own_keys(runs):
    loaded = materialisations(runs["one"], "warehouse_reports")
    assert list(loaded) == [ShardYear(runs["shards"]["clean"], runs["year"])]
    (figures,) = loaded.values()
    assert figures["reports"] == 1 and figures["partitions_in_run"] == 1
    # The clean shard's run checks the clean report only: the rule passes there.
    passed, metadata = check(runs["one"], runs["broken"]["broken_rules"][0])
    assert passed and metadata["failed"] == 0 and metadata["partitions"] == 1
    assert not any(key.endswith("_over_partitions") for key in metadata)
    _, whole = check(runs["every_shard"], runs["broken"]["broken_rules"][0])
    assert "failed" not in whole and "failed_over_partitions" in whole


def test_a_parse_step_logs_one_line_naming_each_partition_it_read(runs):
    # one line a step, not one a partition: each line is an event stored in the instance
    read = [line for line in runs["parse_lines"] if "documents" in line]
    assert len(read) == 1
    for shard in runs["shards"].values():
        assert f"shard {shard} {runs['year']}: 1 documents, 0 unreadable" in read[0]
