"""Politeness across workers: two worker processes crawl shards of one loopback portal at the
same time, each through Dagster (`crawled_documents` for its own shard × year partitions), and
no host ever has more than its limit (2) in flight.

Several sources share each host (as a city's departments share its portal): split by source
they would be crawled by both workers at once; split by shard they are not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.crawl import CONCURRENCY, Portal
from gongkai.assets.sources.config import parse_sources
from gongkai.assets.sources.shards import Shards

SHARDS = 4
SOURCES_PER_HOST = 3
WORKER = """
import json, sys, warnings
warnings.filterwarnings("ignore")
import dagster as dg
from gongkai.assets.crawl.defs import crawled_documents
from gongkai.assets.crawl.resources import CrawlPoliteness, DocumentStore
from gongkai.assets.sources.resources import SourcesFile

sources, store, keys = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
resources = {"sources": SourcesFile(path=sources), "raw_store": DocumentStore(path=store),
             "politeness": CrawlPoliteness(min_delay_seconds=0.0)}
with dg.instance_for_test() as instance:
    for key in keys:
        result = dg.materialize([crawled_documents], partition_key=key, resources=resources,
                                instance=instance)
        assert result.success, key
        print(json.dumps(dict(result.dagster_run.tags)))
"""


def test_two_workers_never_put_more_than_the_limit_in_flight_on_a_host(tmp_path):
    with Portal(hosts=4, articles=12, pdf_size=2_000, latency=0.05) as portal:
        toml = "".join(
            f'[[source]]\nname = "host{h.index} department {k}"\nstart = ["{h.start_url}"]\n\n'
            for h in portal.hosts for k in range(SOURCES_PER_HOST))
        sources_file = tmp_path / "portals.toml"
        sources_file.write_text(toml, encoding="utf-8")
        shards = Shards(parse_sources(toml), SHARDS)
        used = sorted(set(shards.by_source.values()))
        assert len(used) >= 2, "the portal's hosts should spread over several shards"
        # Worker A takes every other shard, worker B the rest: both crawl at once.
        keys = [[f"{shard}|2024" for shard in used[i::2]] for i in (0, 1)]
        env = {**os.environ, "GONGKAI_SHARDS": str(SHARDS), "PYTHONWARNINGS": "ignore",
               "NO_PROXY": "*", "no_proxy": "*"}
        workers = [
            subprocess.Popen([sys.executable, "-c", WORKER, str(sources_file), str(tmp_path / "store"),
                              json.dumps(k)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for k in keys
        ]
        tags = []
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            assert worker.returncode == 0, err[-3000:]
            tags += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        served = {h.index: (h.requests, h.max_in_flight) for h in portal.hosts}

    assert all(requests > 0 for requests, _ in served.values()), served
    assert max(in_flight for _, in_flight in served.values()) <= CONCURRENCY, served
    # Each shard's finds are in its own catalog file, none lost to the other worker's writes.
    catalogs = sorted(p.name for p in (tmp_path / "store" / "catalog" / "documents").iterdir())
    assert catalogs == [f"shard={s}.parquet" for s in used]
    # A run of one partition carries its shard as a tag: what the run queue limits (below).
    assert sorted(t["dagster/partition/shard"] for t in tags) == used


def test_the_instance_runs_one_run_of_a_shard_at_a_time():
    import yaml

    config = yaml.safe_load((Path(__file__).parents[2] / "pipelines" / "dagster.yaml").read_text())
    limits = config["concurrency"]["runs"]["tag_concurrency_limits"]
    assert {"key": "dagster/partition/shard", "value": {"applyLimitPerUniqueValue": True},
            "limit": 1} in limits
