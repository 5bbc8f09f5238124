"""The whole pipeline on the bundled demo portal: crawl → parse → DuckDB, through Dagster.

The portal runs on 127.0.0.1 inside the test; demo/truth.jsonl knows every document's cells.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dagster as dg
import polars as pl
import pytest

from gongkai import demo
from gongkai.assets.sources.partitions import ShardYear, partition_range_tags
from gongkai.demo.server import render_sources, serve_demo
from gongkai.pipelines.cli import main as gongkai
from gongkai.pipelines.definitions import defs
from gongkai.pipelines.resources import local_run_config
from gongkai.warehouse.loader import Warehouse

TRUTH = [json.loads(line) for line in (Path(demo.__file__).parent / "truth.jsonl").open(encoding="utf-8")]
YEARS = list(range(2019, 2026))


def run_main_job(instance, sources: Path, store: Path, warehouse: Path):
    config = {
        "resources": {
            **local_run_config(sources, store, warehouse),
            # Our own loopback portal: no need for a polite delay between requests.
            "politeness": {"config": {"min_delay_seconds": 0.0}},
        }
    }
    result = defs.resolve_job_def("gongkai_main").execute_in_process(
        run_config=config, instance=instance, tags=partition_range_tags(YEARS))
    assert result.success
    return result


def crawl_metadata(result) -> dict:
    """The run's crawl figures: each partition's documents of its year, each shard's crawl once."""
    events = [e.materialization for e in result.get_asset_materialization_events()
              if e.asset_key == dg.AssetKey("crawled_documents")]
    by_shard = {ShardYear.of(e.partition).shard: e.metadata for e in events}
    return {
        "documents_found": sum(e.metadata["documents_found"].value for e in events),
        **{name: sum(m[f"shard_{name}"].value for m in by_shard.values())
           for name in ("document_bytes_downloaded", "not_modified")},
    }


def snapshot(wh: Warehouse) -> dict:
    return {
        "reports": wh.query("SELECT report_id, is_canonical FROM report ORDER BY report_id").rows(),
        "fact_cell": wh.query("SELECT count(*) AS n, round(sum(value), 4) AS s FROM fact_cell").rows(),  # summation order varies
        "check_result": wh.query("SELECT count(*) AS n FROM check_result").rows(),
        "report_section": wh.query("SELECT count(*) AS n FROM report_section").rows(),
    }


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    warehouse = Warehouse(tmp / "gongkai.duckdb")
    with serve_demo() as bases, dg.instance_for_test() as instance:
        sources = tmp / "sources.toml"
        sources.write_text(render_sources(bases), encoding="utf-8")
        first = run_main_job(instance, sources, tmp / "store", warehouse.path)
        after_first = snapshot(warehouse)
        second = run_main_job(instance, sources, tmp / "store", warehouse.path)
        # The same portal at other addresses (another `gongkai demo`, its ports taken): the
        # same documents, so the same reports, now at their new URLs.
        with serve_demo(port=0) as moved_bases:
            moved_sources = tmp / "moved-sources.toml"
            moved_sources.write_text(render_sources(moved_bases), encoding="utf-8")
            run_main_job(instance, moved_sources, tmp / "store", warehouse.path)
        after_move = snapshot(warehouse)
    reports = {
        (row["host"], unquote(urlsplit(row["source_url"]).path)): row
        for row in warehouse.query("SELECT r.*, s.host FROM report r JOIN (SELECT DISTINCT source, "
                                   "CASE WHEN source LIKE '清河市%' THEN 'city' ELSE 'county' END AS host "
                                   "FROM report) s USING (source)").iter_rows(named=True)
    }
    return {"bases": bases, "warehouse": warehouse, "first": first, "second": second,
            "after_first": after_first, "moved_bases": moved_bases, "after_move": after_move, "reports": reports, "store": tmp / "store", "sources": sources}


def found(demo_runs, truth: dict) -> dict:
    key = (truth["host"], truth["url_path"])
    assert key in demo_runs["reports"], f"{truth['doc_id']} ({truth['url_path']}) was not found by the crawl"
    return demo_runs["reports"][key]


def cells_of(wh: Warehouse, report_id: str) -> dict[str, float | None]:
    rows = wh.query("SELECT table_id, row_id, col_id, value FROM fact_cell WHERE report_id = ?", [report_id])
    return {f"{t}|{r}|{c}": v for t, r, c, v in rows.iter_rows()}


def test_every_demo_report_is_found_and_nothing_else(demo_runs):
    for truth in TRUTH:
        found(demo_runs, truth)
    assert len(demo_runs["reports"]) == len(TRUTH)  # look-alikes (通知, 解读, 图解 …) are not reports


@pytest.mark.parametrize("media", ["html", "pdf", "docx"])
def test_cells_are_exact_for_every_report_of_each_media(demo_runs, media):
    wh = demo_runs["warehouse"]
    docs = [t for t in TRUTH if t["media"] == media]
    assert len(docs) >= 5
    wrong = {}
    for truth in docs:
        report = found(demo_runs, truth)
        assert (report["agency"], report["year"], report["format_version"]) == (
            truth["agency"] or report["agency"], truth["year"], truth["format_version"])
        got = cells_of(wh, report["report_id"])
        bad = {k: (v, got.get(k)) for k, v in truth["cells"].items()
               if (v is None) != (got.get(k) is None) or (v is not None and abs(v - got[k]) > 1e-6)}
        if bad:
            wrong[truth["doc_id"]] = dict(list(bad.items())[:5])
    assert not wrong


def test_consistency_checks_find_exactly_the_broken_rules(demo_runs):
    wh = demo_runs["warehouse"]
    for truth in TRUTH:
        report = found(demo_runs, truth)
        failed = {r for (r,) in wh.query("SELECT DISTINCT rule FROM check_result WHERE report_id = ? AND passed = false AND NOT soft",
                                           [report["report_id"]]).iter_rows()}
        assert failed == set(truth["broken_rules"]), truth["doc_id"]


def test_one_canonical_report_per_agency_and_year_as_the_truth_says(demo_runs):
    for truth in TRUTH:
        report = found(demo_runs, truth)
        if truth["agency"]:
            assert report["is_canonical"] == truth["canonical"], (truth["doc_id"], report["canonical_reason"])
    dupes = demo_runs["warehouse"].query(
        "SELECT agency, year, count(*) AS n FROM report WHERE is_canonical GROUP BY ALL HAVING n > 1")
    assert dupes.is_empty()


def test_rerun_leaves_the_same_rows_and_downloads_no_document_again(demo_runs):
    assert snapshot(demo_runs["warehouse"]) == demo_runs["after_first"]
    first, second = crawl_metadata(demo_runs["first"]), crawl_metadata(demo_runs["second"])
    assert first["documents_found"] == second["documents_found"] == len(TRUTH)
    assert first["document_bytes_downloaded"] > 0
    assert second["document_bytes_downloaded"] == 0
    assert second["not_modified"] >= len(TRUTH)


def test_the_portal_at_new_addresses_updates_each_report_and_adds_none(demo_runs):
    assert set(demo_runs["moved_bases"].values()).isdisjoint(demo_runs["bases"].values())
    assert demo_runs["after_move"] == demo_runs["after_first"]
    urls = demo_runs["warehouse"].query("SELECT source_url FROM report")["source_url"].to_list()
    assert all(url.startswith(tuple(demo_runs["moved_bases"].values())) for url in urls)


def test_years_and_media_cover_the_demo(demo_runs):
    wh = demo_runs["warehouse"]
    by_year = dict(wh.query("SELECT partition_year, count(*) FROM report GROUP BY ALL").iter_rows())
    assert by_year == dict(Counter(t["year"] for t in TRUTH))
    runs = wh.query("SELECT count(DISTINCT run_id) AS n FROM load_log")
    assert runs["n"][0] == 3


def test_analyst_views_add_up_to_the_true_cells(demo_runs):
    wh = demo_runs["warehouse"]
    expected: Counter = Counter()
    for truth in TRUTH:
        report = found(demo_runs, truth)
        if report["is_canonical"] and truth["scope"] == "own":  # 汇总 reports count them again
            expected[truth["year"]] += truth["cells"]["t3|received_new|total"] or 0
    got = dict(wh.query("SELECT year, sum(received)::BIGINT FROM applications GROUP BY year").iter_rows())
    assert got == dict(expected)
    outcomes = wh.query("SELECT count(*) AS n FROM outcomes WHERE total IS NULL")
    assert outcomes["n"][0] == 0


def test_every_report_has_its_scope_and_the_city_aggregate_is_held_against_its_members(demo_runs):
    wh = demo_runs["warehouse"]
    for truth in TRUTH:
        assert found(demo_runs, truth)["scope"] == truth["scope"], truth["doc_id"]
    (city,) = [t for t in TRUTH if "aggregate" in t["quirks"]]
    rows = wh.query("SELECT row_id, col_id, expected, actual, members, passed FROM hierarchy_check "
                    "WHERE report_id = ?", [found(demo_runs, city)["report_id"]]).rows()
    assert rows and {r[4] for r in rows} == {len(city["hierarchy"]["members"])}
    failing = {f"{'t4' if r[0].startswith(('review', 'litigation')) else 't3'}|{r[0]}|{r[1]}": r[3] - r[2]
               for r in rows if r[5] is False}
    assert failing == {k: v for k, v in city["hierarchy"]["differences"].items() if k.endswith("|total")}


def test_reposted_reports_are_filed_under_the_place_their_agency_names(demo_runs):
    # 淮安市人民政府 and 沭阳县发展和改革局 on the demo's 示范省 portals (issue 14)
    for truth in TRUTH:
        if "real_document" in truth["quirks"] and truth["agency"] != "测试市":
            report = found(demo_runs, truth)
            assert report["division"].startswith("江苏省"), (truth["doc_id"], report["division"])
            assert any("places it outside" in w for w in report["warnings"]), truth["doc_id"]


def test_reparse_of_a_range_reads_the_store_without_crawling_and_leaves_other_years(
        demo_runs, tmp_path, monkeypatch):
    # On copies, so the module's warehouse stays as the two main runs left it.
    store, sources = tmp_path / "store", tmp_path / "sources.toml"
    shutil.copytree(demo_runs["store"], store)
    shutil.copyfile(demo_runs["sources"], sources)
    wh = Warehouse(tmp_path / "gongkai.duckdb")
    shutil.copyfile(demo_runs["warehouse"].path, wh.path)
    raw_before = sorted((p.name, p.stat().st_mtime_ns) for p in (store / "raw").rglob("*") if p.is_file())
    columns = "partition_year, report_id, parsed_at, is_canonical, cells_read"
    before = wh.query(f"SELECT {columns} FROM report ORDER BY report_id")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))

    # The demo portal is no longer served: a crawl would fail; the re-parse needs none.
    assert gongkai(["reparse", "--years", "2020-2021", "--store", str(store), "--warehouse", str(wh.path),
                    "--sources", str(sources)]) == 0

    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
        assert run.job_name == "gongkai_reparse"
        materialised = {e.dagster_event.asset_key.to_user_string() for e in instance.all_logs(
            run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)}
    assert materialised == {"parsed_reports", "warehouse_reports"}  # no crawled_documents
    assert sorted((p.name, p.stat().st_mtime_ns) for p in (store / "raw").rglob("*") if p.is_file()) == raw_before
    after = wh.query(f"SELECT {columns} FROM report ORDER BY report_id")
    in_range = pl.col("partition_year").is_in([2020, 2021])
    assert after.filter(~in_range).equals(before.filter(~in_range))  # other years untouched
    assert after.filter(in_range).drop("parsed_at").equals(before.filter(in_range).drop("parsed_at"))
    assert (after.filter(in_range)["parsed_at"] > before["parsed_at"].max()).all()  # re-parsed
    reloaded = wh.query("SELECT DISTINCT partition_year FROM load_log WHERE run_id = ? ORDER BY 1", [run.run_id])
    assert reloaded["partition_year"].to_list() == [2020, 2021]
