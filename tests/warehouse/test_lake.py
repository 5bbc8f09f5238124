"""The lake warehouse (DuckLake) against real servers started here: PostgreSQL for the catalog
and moto's S3 server for the Parquet files. The same loads as the local warehouse give the
same cells and the same answers; a load is one commit, whole or invisible to readers; writers
of different shards or years in different processes all land.

Where PostgreSQL is not installed, the server tests skip with the reason; the lake on a file
catalog and a local folder (one writer) still runs every comparison.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
import textwrap
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from benchmarks import servers
from gongkai import demo
from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.assets.report.parse import parse_file
from gongkai.warehouse.examples import examples
from gongkai.warehouse.lake import S3, LakeWarehouse
from gongkai.warehouse.loader import Warehouse
from gongkai.warehouse.resources import DuckLakeWarehouse

DEMO = Path(demo.__file__).parent
ROOT = Path(__file__).resolve().parents[2]


def serving(start):
    """The server `start` runs, for the module's tests; a skip saying why when it cannot run."""
    try:
        with start() as server:
            yield server
    except servers.ServerUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def pg():
    yield from serving(servers.postgres)


@pytest.fixture(scope="module")
def s3():
    yield from serving(servers.s3)


def new_lake(pg, s3, **kwargs) -> LakeWarehouse:
    """A lake of its own: a new database for the catalog and a new bucket for the files."""
    name = "lake_" + uuid.uuid4().hex[:8]
    return DuckLakeWarehouse(catalog=pg.create_database(name), data_path=s3.create_bucket(name.replace("_", "-")),
                             s3_endpoint=s3.endpoint, s3_key_id=s3.key_id, s3_secret=s3.secret,
                             s3_region=s3.region).open()


@pytest.fixture(scope="module")
def demo_frames() -> dict[int, ReportFrames]:
    """The demo portal's documents (demo/truth.jsonl), parsed, one frame set per year."""
    parsed = []
    for line in (DEMO / "truth.jsonl").open(encoding="utf-8"):
        truth = json.loads(line)
        path = DEMO / "site" / truth["file"]
        data = path.read_bytes()
        doc = CrawledDocument(
            source="demo", url=path.as_uri(), final_url=path.as_uri(), page_url=None,
            title=truth["title"], agency_hint=truth["agency"], year_hint=truth["year"],
            media=truth["media"], sha256=hashlib.sha256(data).hexdigest(), size=len(data),
            content_type=None, fetched_at="2024-03-01T08:00:00+00:00", status=200)
        parsed.append((doc, parse_file(path, media=truth["media"])))
    years = sorted({doc.year_hint for doc, _ in parsed})
    return {y: build_frames([p for p in parsed if p[0].year_hint == y], y) for y in years}


# the columns of schema.sql (not the lake's storage column shard), but the time of parsing
SCHEMA_COLUMNS = "COLUMNS(c -> c NOT IN ('shard', 'parsed_at'))"


def contents(wh) -> dict:
    """Every cell, report and check, and the answer of every README example query."""
    out = {
        "cells": wh.query("SELECT report_id, table_id, row_id, col_id, value, raw FROM fact_cell "
                          "ORDER BY ALL").rows(),
        "reports": wh.query(f"SELECT {SCHEMA_COLUMNS} FROM report ORDER BY report_id").rows(),
        "checks": wh.query("SELECT report_id, rule, row_id, col_id, expected, actual, passed "
                           "FROM check_result ORDER BY ALL").rows(),
        "sections": wh.query("SELECT report_id, section_id, text FROM report_section ORDER BY ALL").rows(),
        "agency": wh.query("SELECT * FROM agency ORDER BY agency_id").rows(),
        "t3": wh.query("SELECT * FROM t3_wide ORDER BY report_id").rows(),
    }
    for ex in examples():  # as sets: rows that tie in the ORDER BY come in either order
        answer = wh.query(ex.sql)
        # a column of any_value() (one example among many) may name another example
        answer = answer.drop([c for c in answer.columns if c == "for_example"])
        out[ex.name] = sorted((tuple("NaN" if isinstance(v, float) and math.isnan(v) else v for v in row)
                               for row in answer.rows()), key=repr)  # NaN (0/0) is not equal to itself
    return out


def load_demo(wh, demo_frames) -> None:
    for year in sorted(demo_frames)[:-1]:
        wh.load_year(year, demo_frames[year])
    last = max(demo_frames)  # and one through load_years, the backfill's path
    wh.load_years({last: demo_frames[last]})


def test_the_lake_holds_the_same_cells_and_answers_as_the_local_warehouse(tmp_path, pg, s3, demo_frames):
    local = Warehouse(tmp_path / "w.duckdb", lock_timeout=5)
    lake = new_lake(pg, s3)
    load_demo(local, demo_frames)
    load_demo(lake, demo_frames)
    expected, got = contents(local), contents(lake)
    assert len(expected["cells"]) > 5000 and len(expected["reports"]) >= 40
    for key in expected:
        assert got[key] == expected[key], key
    # the rows are Parquet files in the bucket, not in the catalog
    bucket = lake.data_path.removeprefix("s3://").strip("/")
    assert any(k.endswith(".parquet") and "fact_cell" in k for k in s3.object_keys(bucket))


def test_a_lake_on_a_file_catalog_and_a_folder_answers_like_the_local_warehouse(tmp_path, demo_frames):
    # no server at all: the single-machine lake (and the comparison where Postgres is missing)
    local = Warehouse(tmp_path / "w.duckdb", lock_timeout=5)
    lake = LakeWarehouse(str(tmp_path / "catalog.ducklake"), str(tmp_path / "files"))
    years = sorted(demo_frames)[-2:]
    for wh in (local, lake):
        for year in years:
            wh.load_year(year, demo_frames[year])
    assert contents(lake) == contents(local)
    assert list((tmp_path / "files").rglob("*.parquet"))


def test_the_lake_keeps_the_comments_of_the_schema(tmp_path, parsed_factory):
    lake = LakeWarehouse(str(tmp_path / "catalog.ducklake"), str(tmp_path / "files"))
    lake.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023))
    comments = dict(lake.query("SELECT column_name, comment FROM duckdb_columns() WHERE "
                               "database_name = 'lake' AND table_name = 'fact_cell'").rows())
    assert comments["value"].startswith("The number as printed")
    assert lake.query("SELECT comment FROM duckdb_views() WHERE database_name = 'lake' "
                      "AND view_name = 'applications'")["comment"][0].startswith("Applications per agency")


def test_reloading_a_shard_year_replaces_those_rows_and_nothing_else(pg, s3, parsed_factory):
    lake = new_lake(pg, s3)
    lake.load_year(2023, build_frames([parsed_factory("甲局", 2023), parsed_factory("乙局", 2023)], 2023), shard="a")
    lake.load_year(2023, build_frames([parsed_factory("丙局", 2023)], 2023), shard="b")
    lake.load_year(2022, build_frames([parsed_factory("甲局", 2022)], 2022), shard="a")
    summary = lake.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=9)], 2023), shard="a")
    assert summary.replaced_reports == 2
    got = lake.query("SELECT shard, partition_year, agency FROM report ORDER BY ALL").rows()
    assert got == [("a", 2022, "甲局"), ("a", 2023, "甲局"), ("b", 2023, "丙局")]
    cells = lake.query("SELECT r.agency, count(*) AS n, sum(f.value) FILTER (f.row_id = 'received_new' "
                       "AND f.col_id = 'total') AS received FROM fact_cell f JOIN report r USING (report_id) "
                       "WHERE r.partition_year = 2023 GROUP BY ALL ORDER BY ALL").rows()
    assert cells == [("丙局", 200, 3.0), ("甲局", 200, 9.0)]
    assert lake.query("SELECT count(*) AS n FROM agency")["n"][0] == 2


def test_an_empty_shard_year_keeps_what_was_loaded(tmp_path, parsed_factory):
    lake = LakeWarehouse(str(tmp_path / "catalog.ducklake"), str(tmp_path / "files"))
    lake.load_year(2023, build_frames([parsed_factory("甲局", 2023)], 2023), shard="a")
    summary = lake.load_year(2023, ReportFrames.empty(), shard="a")
    assert summary.skipped_reason and "shard a" in summary.skipped_reason
    assert lake.query("SELECT count(*) AS n FROM report")["n"][0] == 1


WRITER = textwrap.dedent("""
    import logging
    import sys
    from pathlib import Path
    from gongkai.assets.report.frames import ReportFrames
    from gongkai.warehouse.lake import S3, LakeWarehouse
    catalog, data, endpoint, shard, year, rounds, frames = sys.argv[1:]
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    lake = LakeWarehouse(catalog, data, s3=S3(endpoint=endpoint, key_id="testing", secret="testing",
                                             region="us-east-1"))
    frames = ReportFrames.read_parquet(Path(frames))
    for i in range(int(rounds)):
        lake.load_year(int(year), frames, shard=shard or None)
        print(i, flush=True)
""")


def writer(lake: LakeWarehouse, s3, shard: str | None, year: int, rounds: int, frames_dir: Path):
    return subprocess.Popen([sys.executable, "-c", WRITER, lake.catalog, lake.data_path, s3.endpoint,
                             shard or "", str(year), str(rounds), str(frames_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def staged(tmp_path: Path, name: str, frames: ReportFrames) -> Path:
    frames.write_parquet(tmp_path / name)
    return tmp_path / name


def test_two_writers_of_different_shards_and_years_both_land(tmp_path, pg, s3, parsed_factory):
    lake = new_lake(pg, s3)
    lake.setup()
    a = staged(tmp_path, "a", build_frames([parsed_factory("甲局", 2023), parsed_factory("乙局", 2023)], 2023))
    b = staged(tmp_path, "b", build_frames([parsed_factory("丙局", 2022, received=7)], 2022))
    # each reloads its shard-year: from the second round on both delete, and their commits
    # conflict; the loser runs its transaction again and lands too
    procs = [writer(lake, s3, "a", 2023, 3, a), writer(lake, s3, "b", 2022, 3, b)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.split() == ["0", "1", "2"], out
    got = lake.query("SELECT shard, partition_year, agency FROM report ORDER BY ALL").rows()
    assert got == [("a", 2023, "乙局"), ("a", 2023, "甲局"), ("b", 2022, "丙局")]
    assert lake.query("SELECT count(*) AS n FROM fact_cell")["n"][0] == 3 * 200
    assert lake.query("SELECT count(*) AS n FROM load_log")["n"][0] == 6
    assert lake.query("SELECT count(*) AS n FROM agency")["n"][0] == 3


class MeetingLake(LakeWarehouse):
    """A lake whose loads, on their first attempt, wait for each other once their rows are in
    and before the agency rows and cross-year checks: two commits that surely overlap."""

    def __init__(self, *args, meeting: threading.Barrier, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.attempts = 0

    def _after_replace(self, con) -> None:
        self.attempts += 1
        if self.attempts == 1:
            self.meeting.wait(timeout=120)


def test_first_loads_of_new_agencies_in_two_shards_commit_at_once_without_a_retry(pg, s3, parsed_factory):
    lake = new_lake(pg, s3)
    lake.load_year(2021, build_frames([parsed_factory("丁局", 2021)], 2021), shard="c")  # other agencies
    meeting = threading.Barrier(2)
    writers = [MeetingLake(lake.catalog, lake.data_path, s3=lake.s3, meeting=meeting) for _ in range(2)]
    frames = [build_frames([parsed_factory("甲局", 2022), parsed_factory("乙局", 2022)], 2022),
              build_frames([parsed_factory("丙局", 2023)], 2023)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        loads = [pool.submit(w.load_year, year, f, shard=shard)
                 for w, shard, year, f in zip(writers, ("a", "b"), (2022, 2023), frames)]
        for load in loads:
            load.result(timeout=300)
    for w in writers:
        w.close()
    # only inserts (no agency or check row of theirs existed): neither commit had to run again
    assert [w.attempts for w in writers] == [1, 1]
    assert lake.query("SELECT name FROM agency ORDER BY name")["name"].to_list() == ["丁局", "丙局", "乙局", "甲局"]


def test_a_reader_sees_a_load_whole_or_not_at_all(tmp_path, pg, s3, parsed_factory):
    lake = new_lake(pg, s3)
    small = build_frames([parsed_factory("甲局", 2023, received=1)], 2023)
    big = build_frames([parsed_factory(f"{i}号局", 2023, received=2) for i in range(5)], 2023)
    lake.load_year(2023, small)
    states = {(1, 200, 1.0, 1), (5, 1000, 10.0, 5)}  # reports, cells, sum received, agencies
    # the writer alternates the two states; every read is one snapshot: one state or the other
    staged(tmp_path, "big", big)
    staged(tmp_path, "big-small", small)
    proc = subprocess.Popen([sys.executable, "-c", WRITER.replace(
        "lake.load_year(int(year), frames, shard=shard or None)",
        "lake.load_year(int(year), frames if i % 2 == 0 else small)").replace(
        "frames = ReportFrames.read_parquet(Path(frames))",
        "frames, small = ReportFrames.read_parquet(Path(frames)), ReportFrames.read_parquet(Path(frames + '-small'))"),
        lake.catalog, lake.data_path, s3.endpoint, "", "2023", "6", str(tmp_path / "big")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seen = set()
    with lake.connect() as con:
        while proc.poll() is None:
            row = con.execute(
                "SELECT (SELECT count(*) FROM report WHERE partition_year = 2023), "
                "(SELECT count(*) FROM fact_cell WHERE partition_year = 2023), "
                "(SELECT sum(value) FROM fact_cell WHERE row_id = 'received_new' AND col_id = 'total'), "
                "(SELECT count(*) FROM agency)").fetchone()
            assert row in states
            seen.add(row)
    assert proc.returncode == 0, proc.stderr.read()
    assert seen == states  # the reader did see both


def test_the_lake_extensions_load_from_the_installed_wheels(tmp_path):
    from gongkai.warehouse.lake import extension_path

    for name in ("ducklake", "httpfs", "postgres_scanner"):
        assert extension_path(name).is_file()
    lake = LakeWarehouse(str(tmp_path / "catalog.ducklake"), str(tmp_path / "files"))
    with lake.connect(read_only=False) as con:
        loaded = dict(con.execute("SELECT extension_name, installed FROM duckdb_extensions() "
                                  "WHERE extension_name = 'ducklake'").fetchall())
    assert loaded == {"ducklake": False}  # loaded from the wheel's file, never installed


def test_s3_settings_come_from_the_resource_config():
    lake = DuckLakeWarehouse(catalog="postgres://gk:s%40cret@db.internal:5433/lake", data_path="s3://b/p",
                             s3_endpoint="http://minio:9000", s3_key_id="k", s3_secret="s",
                             s3_region="cn-north-1").open()
    assert "password=s@cret" in lake.attach_sql()
    assert "s%40cret" not in lake.location and "***" in lake.location
    secret = lake.s3.secret_sql()
    for part in ("ENDPOINT 'minio:9000'", "URL_STYLE 'path'", "USE_SSL false", "REGION 'cn-north-1'"):
        assert part in secret
    assert "USE_SSL true" in S3(endpoint="https://oss.example.cn", url_style="vhost").secret_sql()


def test_maintenance_merges_and_deletes_old_files_and_keeps_the_rows(tmp_path, parsed_factory):
    lake = LakeWarehouse(str(tmp_path / "catalog.ducklake"), str(tmp_path / "files"))
    for received in (1, 2, 3):  # every reload leaves the replaced files behind, for old snapshots
        for shard, agency in (("a", "甲局"), ("b", "乙局")):
            lake.load_year(2023, build_frames([parsed_factory(agency, 2023, received=received)], 2023),
                           shard=shard)
    before = contents(lake)
    files = len(list((tmp_path / "files").rglob("*.parquet")))
    lake.maintain(keep=timedelta(0))
    assert len(list((tmp_path / "files").rglob("*.parquet"))) < files / 3
    assert contents(lake) == before


def test_gongkai_sql_reads_the_lake_and_never_writes_it(tmp_path, parsed_factory, capfd):
    from gongkai.pipelines.cli import main as gongkai

    catalog = str(tmp_path / "catalog.ducklake")
    lake = LakeWarehouse(catalog, str(tmp_path / "files"))
    lake.load_year(2023, build_frames([parsed_factory("甲局", 2023, received=4)], 2023))
    lake.close()  # a file catalog admits one process (here: one DuckDB instance) at a time
    assert gongkai(["sql", "--lake", catalog, "--format", "csv",
                    "SELECT agency, received FROM applications"]) == 0
    assert capfd.readouterr().out.splitlines() == ["agency,received", "甲局,4"]
    assert gongkai(["sql", "--lake", catalog, "DELETE FROM cell"]) != 0
    assert "read-only" in capfd.readouterr().err
    assert LakeWarehouse(catalog).query("SELECT count(*) AS n FROM cell")["n"][0] > 0


def test_the_warehouse_asset_loads_the_lake_through_its_resource(tmp_path, pg, s3, demo_frames):
    import dagster as dg

    from gongkai.assets.report.resources import StagingArea
    from gongkai.assets.sources.partitions import partition_range_tags, report_shards
    from gongkai.warehouse.defs import warehouse_reports

    staging = StagingArea(store=str(tmp_path / "store"))
    years = sorted(demo_frames)[-2:]
    for year in years:  # as the demo's parse leaves them: all in one shard
        staging.write(report_shards.get_partition_keys()[0], year, demo_frames[year])
    name = "lake_" + uuid.uuid4().hex[:8]
    resource = DuckLakeWarehouse(catalog=pg.create_database(name), data_path=s3.create_bucket(name.replace("_", "-")),
                                 s3_endpoint=s3.endpoint, s3_key_id=s3.key_id, s3_secret=s3.secret,
                                 s3_region=s3.region)
    with dg.instance_for_test() as instance:
        result = dg.materialize([warehouse_reports], resources={"staging": staging, "warehouse": resource},
                                instance=instance, tags=partition_range_tags(years))
    assert result.success
    metadata = [e.materialization.metadata for e in result.get_asset_materialization_events()]
    assert sum(m["reports"].value for m in metadata) == sum(demo_frames[y].report.height for y in years)
    assert all(resource.data_path in m["warehouse"].value for m in metadata)
    assert result.get_asset_check_evaluations()  # the rules ran on the lake
    assert resource.open().query("SELECT count(*) AS n FROM fact_cell")["n"][0] == sum(
        demo_frames[y].fact_cell.height for y in years)
