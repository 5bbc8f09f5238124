"""Nothing lost: SIGKILL a real crawl mid-download and a real warehouse load mid-transaction;
the store holds only whole files, the warehouse the previous or the new state of a year, and
the next run completes. A bad document is quarantined in the warehouse with its reason."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from benchmarks.hostile import seed, zip_bomb_docx
from gongkai.assets.crawl import LocalRawStore, crawl_sources
from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.report.build import parse_year
from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.assets.sources.config import parse_sources
from gongkai.warehouse.loader import Warehouse
from tests.crawl.conftest import fast_settings
from tests.crawl.portal import Host, Route, html_page, list_page, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
TITLE = "戊局2023年政府信息公开工作年度报告"


def spawn(code: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def whole_objects(root: Path) -> tuple[int, list[Path]]:
    """(objects checked, objects whose bytes do not hash to their name)."""
    bad, n = [], 0
    for path in (root / "objects").rglob("*"):
        if not path.is_file() or path.name.startswith(".tmp-"):
            continue  # a temp file is never an object: the store only renames whole files in
        n += 1
        if hashlib.sha256(path.read_bytes()).hexdigest() != path.parent.name + path.name:
            bad.append(path)
    return n, bad


def test_crawl_killed_mid_download_leaves_whole_files_and_the_next_crawl_completes(tmp_path):
    host = Host().start()
    try:
        files = {f"/f/{n}.pdf": pdf_bytes(f"doc{n}", pad=3000) for n in range(4)}
        files["/f/big.pdf"] = pdf_bytes("big", pad=400_000)
        links = "".join(f'<p><a href="{p}">年报{n}.pdf</a></p>' for n, p in enumerate(files))
        host.routes["/nb/index.html"] = Route(list_page([("/a/1.html", TITLE)]).encode())
        host.routes["/a/1.html"] = Route(html_page(TITLE, links).encode())
        for path, body in files.items():
            host.routes[path] = Route(body, "application/pdf")
        host.routes["/f/big.pdf"].trickle = 0.01  # ~4 s: killed while it streams
        store_dir = tmp_path / "store"
        toml = f'[[source]]\nname = "戊局"\nstart = ["{host.url("/nb/index.html")}"]\n'
        proc = spawn(f"""
            from gongkai.assets.crawl import LocalRawStore, crawl_sources
            from gongkai.assets.sources.config import parse_sources
            from tests.crawl.conftest import fast_settings
            crawl_sources(parse_sources({toml!r}), LocalRawStore({str(store_dir)!r}),
                          settings=fast_settings(max_bytes=10_000_000, per_host_concurrency=1))
        """)
        deadline = time.monotonic() + 60
        while "/f/big.pdf" not in host.arrivals and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        time.sleep(0.5)  # bytes of big.pdf are on their way
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        stored, bad = whole_objects(store_dir)
        assert stored >= 2 and not bad  # the pages fetched before the kill, whole
        assert not LocalRawStore(store_dir).exists(hashlib.sha256(files["/f/big.pdf"]).hexdigest())

        host.routes["/f/big.pdf"].trickle = 0.0
        store = LocalRawStore(store_dir)
        result = crawl_sources(parse_sources(toml), store,
                               settings=fast_settings(max_bytes=10_000_000))
        got = {d.url.removeprefix(host.base): store.get(d.sha256) for d in result.documents}
        assert {p: got.get(p) for p in files} == files
        assert not whole_objects(store_dir)[1]
    finally:
        host.stop()


# The two states a killed writer alternates between, built the same way in its subprocess.
STATES_CODE = """
import itertools, os, sys
from pathlib import Path
from gongkai.assets.report.frames import ReportFrames, build_frames
from tests.warehouse.conftest import make_parsed
states = {
    "A": build_frames([make_parsed(a, 2023, received=1) for a in ("甲局", "乙局")], 2023),
    "B": build_frames([make_parsed(a, 2023, received=2) for a in ("丙局", "丁局", "戊局")], 2023),
}
print("ready", flush=True)
"""
LOADER = STATES_CODE + """
from gongkai.warehouse.loader import Warehouse
wh = Warehouse(sys.argv[1], lock_timeout=30)
for name in itertools.cycle("AB"):
    wh.load_year(2023, states[name], run_id=name)
"""
STATES = {"A": ({"甲局", "乙局"}, 1.0), "B": ({"丙局", "丁局", "戊局"}, 2.0)}


def which_state(agencies: set[str], values: list[float], cells: int) -> str:
    """"A" or "B" (STATES), or an AssertionError naming the mixture."""
    for name, (want, value) in STATES.items():
        if agencies == want and values == [value] and cells == 200 * len(want):
            return name
    raise AssertionError(f"a mixture: {agencies}, {values}, {cells} cells")


def year_state(wh: Warehouse) -> str:
    agencies = set(wh.query("SELECT agency FROM report WHERE partition_year = 2023")["agency"])
    values = wh.query("SELECT DISTINCT value FROM fact_cell WHERE partition_year = 2023 "
                      "AND row_id = 'received_new' AND col_id = 'total'")["value"].to_list()
    cells = wh.query("SELECT count(*) AS n FROM fact_cell WHERE partition_year = 2023")["n"][0]
    return which_state(agencies, values, cells)


def test_warehouse_load_killed_at_random_moments_holds_the_previous_or_the_new_year(tmp_path):
    from tests.warehouse.conftest import make_parsed

    path = tmp_path / "w.duckdb"
    wh = Warehouse(path, lock_timeout=30)
    wh.load_year(2022, build_frames([make_parsed("己局", 2022)], 2022))
    wh.load_year(2023, build_frames([make_parsed(a, 2023, received=1) for a in ("甲局", "乙局")], 2023))
    rng = random.Random(6)
    seen = set()
    loader = textwrap.dedent(LOADER)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", loader, str(path)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready", proc.stderr.read().decode()
        time.sleep(rng.uniform(0.05, 1.5))  # somewhere in a load: copy, delete, insert, swap
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        seen.add(year_state(wh))
        assert wh.query("SELECT count(*) AS n FROM report WHERE partition_year = 2022")["n"][0] == 1
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".loading"))
    print(f"states after kills: {sorted(seen)}; staging files left: {leftovers}")
    # The next load completes, whatever the killed ones left behind.
    wh.load_year(2023, build_frames([make_parsed(a, 2023, received=2) for a in ("丙局", "丁局", "戊局")], 2023))
    assert year_state(wh) == "B"


STAGER = STATES_CODE + """
for name in itertools.cycle("AB"):
    states[name].write_parquet(Path(os.environ["STAGED"]))
"""


def test_parse_killed_while_staging_a_year_leaves_the_previous_or_the_new_tables(tmp_path):
    from tests.warehouse.conftest import make_parsed

    staged = tmp_path / "reports" / "2023"
    build_frames([make_parsed(a, 2023, received=1) for a in ("甲局", "乙局")], 2023).write_parquet(staged)
    rng = random.Random(7)
    seen = set()
    for _ in range(6):
        proc = spawn(STAGER, STAGED=str(staged))
        assert proc.stdout.readline().strip() == b"ready", proc.stderr.read().decode()
        time.sleep(rng.uniform(0.05, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        frames = ReportFrames.read_parquet(staged)
        values = frames.fact_cell.filter(
            (frames.fact_cell["row_id"] == "received_new") & (frames.fact_cell["col_id"] == "total")
        )["value"].unique().to_list()
        seen.add(which_state(set(frames.report["agency"]), values, frames.fact_cell.height))
    print(f"states after kills: {sorted(seen)}; files: {len(list(staged.iterdir()))}")
    # The next parse stages its year whole, as one file (a killed write leaves only its
    # unfinished temporary file, never a second staged year).
    build_frames([make_parsed("己局", 2023)], 2023).write_parquet(staged)
    assert set(ReportFrames.read_parquet(staged).report["agency"]) == {"己局"}
    assert [p.name for p in staged.iterdir() if not p.name.startswith(".tmp-")] == ["frames.zip"]


def test_a_bad_document_is_quarantined_in_the_warehouse_with_its_reason(tmp_path):
    store = LocalRawStore(tmp_path / "store")
    docs = []
    for name, data, media in (("good", seed(".html"), "html"),
                              ("bomb", zip_bomb_docx(300 << 20), "docx"),
                              ("empty", b"", "pdf")):
        sha = store.put(data)
        url = f"http://portal.test/{name}.{media}"
        docs.append(CrawledDocument(
            source="测试门户", url=url, final_url=url, page_url=None, title=TITLE, agency_hint="戊局",
            year_hint=2023, media=media, sha256=sha, size=len(data), content_type=None,
            fetched_at="2024-01-20T08:00:00+00:00", status=200, is_correction=False))
    parsed = parse_year(2023, docs, store)
    assert len(parsed.errors) == 2
    wh = Warehouse(tmp_path / "w.duckdb", lock_timeout=5)
    wh.load_year(2023, parsed.frames)
    quarantine = wh.query("SELECT source_url, error FROM report WHERE error IS NOT NULL ORDER BY 1")
    assert quarantine["source_url"].to_list() == ["http://portal.test/bomb.docx",
                                                  "http://portal.test/empty.pdf"]
    assert "zip bomb" in quarantine["error"][0] and "empty" in quarantine["error"][1]


@pytest.mark.parametrize("timeout", [0.5])
def test_a_locked_warehouse_waits_then_fails_with_a_clear_message(tmp_path, timeout):
    from gongkai.warehouse.loader import WarehouseLocked
    from tests.warehouse.conftest import make_parsed

    path = tmp_path / "w.duckdb"
    Warehouse(path).setup()
    holder = spawn(f"""
        import duckdb, time
        con = duckdb.connect({str(path)!r})
        print("holding", flush=True)
        time.sleep(30)
    """)
    try:
        assert holder.stdout.readline().strip() == b"holding"
        started = time.monotonic()
        with pytest.raises(WarehouseLocked, match="locked by another process"):
            Warehouse(path, lock_timeout=timeout).load_year(
                2023, build_frames([make_parsed("甲局", 2023)], 2023))
        assert timeout <= time.monotonic() - started < timeout + 10
    finally:
        holder.kill()
        holder.wait()
