"""The lake's shard-year loads (the cluster profile): each shard-year commits its own shard's
frames, and one agency's reports of a year, found through two shards, still have exactly one
canonical report, the one the local warehouse's whole-year load chooses, whatever order the
shards load in and after a reload of either.

The lake here is DuckLake on a DuckDB-file catalog and a local folder (no server); the one test
of two writers at once needs PostgreSQL for the catalog and skips without it.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import pytest

from benchmarks import servers
from gongkai.assets.report.combine import combine_shards
from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.assets.report.resources import StagingArea
from gongkai.assets.sources.partitions import ShardYear
from gongkai.warehouse.defs import warehouse_reports
from gongkai.warehouse.lake import LakeWarehouse
from gongkai.warehouse.loader import Warehouse
from gongkai.warehouse.resources import DuckDBWarehouse, DuckLakeWarehouse

YEAR = 2023


def settled(wh) -> dict:
    """What the canonical choice decides, as analysts read it: each report's choice, the
    copies of is_canonical, the tables derived at load and the views counting reports."""
    out = {
        "report": wh.query("SELECT report_id, agency, year, media, is_canonical, superseded_by, "
                           "canonical_reason FROM report ORDER BY report_id").rows(),
        "copies": {table: wh.query(f"SELECT DISTINCT report_id, is_canonical FROM {table} "
                                   "ORDER BY ALL").rows()
                   for table in ("t2_cells", "t3_cells", "t4_cells", "check_result")},
    }
    for name in ("agency", "agency_year", "cross_year_check", "section_repetition", "applications",
                 "coverage", "check_failures", "outcomes"):
        out[name] = wh.query(f"SELECT * FROM {name} ORDER BY ALL").rows()
    return out


def shard_frames(parsed_factory, *, html_readable: bool = True, same_bytes: bool = False) -> dict[str, ReportFrames]:
    """Two shards of one year: 甲局's report as a PDF through shard a (a city's platform) and as
    HTML through shard b (its own site: preferred); each with an agency of its own."""
    html = (parsed_factory("甲局", YEAR, media="html", url="http://jia.test/2023.html")
            if html_readable else
            parsed_factory("甲局", YEAR, media="html", url="http://jia.test/2023.html", error="no table"))
    a = [parsed_factory("甲局", YEAR, media="pdf", url="http://city.test/jia-2023.pdf"),
         parsed_factory("乙局", YEAR, received=5)]
    b = [html, parsed_factory("丙局", YEAR, media="docx", received=7)]
    if same_bytes:  # 丁局's report found by both, at two addresses
        a.append(parsed_factory("丁局", YEAR, url="http://city.test/ding.html", sha="d" * 64))
        b.append(parsed_factory("丁局", YEAR, url="http://ding.test/2023.html", sha="d" * 64))
    return {"a": build_frames(a, YEAR), "b": build_frames(b, YEAR)}


def last_year(parsed_factory) -> ReportFrames:
    """甲局's report of the year before (shard a): cross-year checks and repetition pair with
    whichever of its reports is canonical."""
    return build_frames([parsed_factory("甲局", YEAR - 1)], YEAR - 1)


def local_whole_year(tmp_path, parsed_factory, frames: dict[str, ReportFrames]) -> dict:
    wh = Warehouse(tmp_path / f"local-{uuid.uuid4().hex[:6]}.duckdb", lock_timeout=5)
    wh.load_year(YEAR - 1, last_year(parsed_factory))
    wh.load_year(YEAR, combine_shards([frames[s] for s in sorted(frames)]))
    return settled(wh)


def new_lake(tmp_path) -> LakeWarehouse:
    name = uuid.uuid4().hex[:6]
    return LakeWarehouse(str(tmp_path / f"{name}.ducklake"), str(tmp_path / f"{name}-files"))


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_an_agency_year_found_through_two_shards_has_one_canonical_report_as_the_whole_year_load(
        tmp_path, parsed_factory, order):
    frames = shard_frames(parsed_factory)
    expected = local_whole_year(tmp_path, parsed_factory, frames)
    lake = new_lake(tmp_path)
    lake.load_year(YEAR - 1, last_year(parsed_factory), shard="a")
    for shard in order:
        lake.load_year(YEAR, frames[shard], shard=shard)
    got = settled(lake)
    canonical = [(agency, media) for _, agency, year, media, is_canonical, *_ in got["report"]
                 if is_canonical and year == YEAR]
    assert sorted(canonical) == [("丙局", "docx"), ("乙局", "html"), ("甲局", "html")]
    assert got == expected
    # a reload of either shard, as it was or with the preferred copy now unreadable
    for shard in order:
        lake.load_year(YEAR, frames[shard], shard=shard)
        assert settled(lake) == expected
    changed = shard_frames(parsed_factory, html_readable=False)
    lake.load_year(YEAR, changed["b"], shard="b")
    expected = local_whole_year(tmp_path, parsed_factory, changed)
    got = settled(lake)
    assert ("甲局", "pdf") in [(agency, media) for _, agency, _, media, c, *_ in got["report"] if c]
    assert got == expected
    lake.load_year(YEAR, frames["b"], shard="b")  # and back
    assert settled(lake) == local_whole_year(tmp_path, parsed_factory, frames)


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_a_report_staged_by_two_shards_is_held_once_by_the_first_shard(tmp_path, parsed_factory, order):
    frames = shard_frames(parsed_factory, same_bytes=True)
    expected = local_whole_year(tmp_path, parsed_factory, frames)
    lake = new_lake(tmp_path)
    lake.load_year(YEAR - 1, last_year(parsed_factory), shard="a")
    urls = {"a": "http://city.test/ding.html", "b": "http://ding.test/2023.html"}
    for done, shard in enumerate((*order, *order)):  # loaded, then reloaded
        lake.load_year(YEAR, frames[shard], shard=shard)
        holder = "a" if done else shard  # once both loaded, the first, as the whole-year load takes it
        got = lake.query("SELECT shard, source_url FROM report WHERE agency = '丁局'").rows()
        assert got == [(holder, urls[holder])]
        assert lake.query("SELECT count(*) AS n FROM fact_cell f JOIN report r USING (report_id) "
                          "WHERE r.agency = '丁局'")["n"][0] == 200
    assert settled(lake) == expected


def materialize(staging: StagingArea, warehouse, key: ShardYear, instance) -> None:
    result = dg.materialize([warehouse_reports], resources={"staging": staging, "warehouse": warehouse},
                            instance=instance, partition_key=key.key)
    assert result.success


def test_the_asset_loads_its_shard_year_alone_and_a_shard_sharing_no_agency_deletes_nothing(
        tmp_path, parsed_factory):
    # the cluster's runs: one per shard, each loading its own partition of the lake
    frames = {"a": build_frames([parsed_factory("甲局", YEAR, media="pdf"), parsed_factory("乙局", YEAR)], YEAR),
              "b": build_frames([parsed_factory("丙局", YEAR, media="docx")], YEAR)}
    staging = StagingArea(store=str(tmp_path / "store"))
    keys = {"a": ShardYear("00", YEAR), "b": ShardYear("01", YEAR)}
    for name, key in keys.items():
        staging.write(key.shard, key.year, frames[name])
    lake = DuckLakeWarehouse(catalog=str(tmp_path / "lake.ducklake"), data_path=str(tmp_path / "files"))
    local = DuckDBWarehouse(path=str(tmp_path / "local.duckdb"))
    snapshots = "SELECT snapshot_id, changes FROM ducklake_snapshots('lake') ORDER BY snapshot_id"
    with dg.instance_for_test() as instance:
        materialize(staging, lake, keys["a"], instance)
        before = len(lake.open().query(snapshots))
        materialize(staging, lake, keys["b"], instance)
        for key in keys.values():  # the local profile as it is: the year from every shard
            materialize(staging, local, key, instance)
    db = lake.open()
    after = db.query(snapshots)["changes"].to_list()[before:]
    assert [set(changes) for changes in after] == [{"tables_inserted_into"}]  # one commit, no delete
    assert db.query("SELECT shard, count(*) AS n FROM report GROUP BY ALL ORDER BY ALL").rows() == [
        ("00", 2), ("01", 1)]
    assert settled(db) == settled(local.open())


@pytest.fixture(scope="module")
def pg():
    try:
        with servers.postgres() as server:
            yield server
    except servers.ServerUnavailable as exc:
        pytest.skip(str(exc))


class MeetingLake(LakeWarehouse):
    """A lake whose first load waits, with its rows in and before its commit, for another's:
    two commits that surely overlap, neither seeing the other's rows."""

    def __init__(self, *args, meeting: threading.Barrier, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.attempts = 0

    def _after_replace(self, con) -> None:
        self.attempts += 1
        if self.attempts == 1:
            self.meeting.wait(timeout=120)


def test_two_first_loads_of_one_agency_year_at_once_leave_one_canonical_report(tmp_path, pg, parsed_factory):
    frames = shard_frames(parsed_factory)
    catalog, files = pg.create_database("lake_" + uuid.uuid4().hex[:8]), str(tmp_path / "files")
    meeting = threading.Barrier(2)
    writers = [MeetingLake(catalog, files, meeting=meeting) for _ in range(2)]
    writers[0].setup()
    with ThreadPoolExecutor(max_workers=2) as pool:
        loads = [pool.submit(w.load_year, YEAR, frames[shard], shard=shard)
                 for w, shard in zip(writers, ("a", "b"))]
        for load in loads:
            load.result(timeout=300)
    for w in writers:
        w.close()
    lake = LakeWarehouse(catalog, files)
    canonical = lake.query("SELECT agency, media FROM report WHERE is_canonical ORDER BY ALL").rows()
    assert canonical == [("丙局", "docx"), ("乙局", "html"), ("甲局", "html")]
    local = Warehouse(tmp_path / "local.duckdb", lock_timeout=5)
    local.load_year(YEAR, combine_shards([frames["a"], frames["b"]]))
    assert settled(lake) == settled(local)
