"""Shards: every source gets a stable shard, and a host is in exactly one shard."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gongkai.assets.sources.config import parse_sources
from gongkai.assets.sources.shards import (
    DEFAULT_SHARDS,
    ShardError,
    Shards,
    assign_shards,
    shard_count,
    shard_keys,
    shard_of_url,
    site_of,
)

PORTALS = """
[[source]]
name = "淮安市人民政府"
start = ["http://www.huaian.gov.cn/col/4122_231438/index.html"]

[[source]]
name = "淮安市发展和改革委员会"
start = ["http://www.huaian.gov.cn/col/fgw/index.html"]

[[source]]
name = "淮安市财政局 (file host)"
start = ["http://file.huaian.gov.cn/czj/nb/index.html"]

[[source]]
name = "两站合一"
start = ["http://www.suqian.gov.cn/nb/", "http://xxgk.shuyang.gov.cn/nb/"]

[[source]]
name = "沭阳县"
start = ["http://www.shuyang.gov.cn/nb/"]

[[source]]
name = "demo city"
start = ["http://127.0.0.1:47301/xxgk/"]

[[source]]
name = "demo county"
start = ["http://127.0.0.1:47302/xxgk/"]
"""


def host_shards(shards: Shards) -> dict[str, set[str]]:
    """Every host a source starts on → the shards of the sources that start on it."""
    seen: dict[str, set[str]] = {}
    for source in shards.sources:
        for host in source.hosts:
            seen.setdefault(host, set()).add(shards.by_source[source.name])
    return seen


@pytest.mark.parametrize("count", [1, 2, 3, 7, 16, 64, 1000])
def test_every_host_is_in_exactly_one_shard_whatever_the_count(count):
    shards = Shards(parse_sources(PORTALS), count)
    assert all(len(found) == 1 for found in host_shards(shards).values())
    assert set(shards.by_source.values()) <= set(shard_keys(count))


def test_sources_on_one_site_share_a_shard_and_a_source_spanning_sites_joins_them():
    by_source = assign_shards(parse_sources(PORTALS), 1000)
    assert by_source["淮安市人民政府"] == by_source["淮安市发展和改革委员会"] == by_source["淮安市财政局 (file host)"]
    # 两站合一 starts on suqian and shuyang: 沭阳县 (shuyang alone) must share its shard.
    assert by_source["两站合一"] == by_source["沭阳县"]
    assert by_source["demo city"] == by_source["demo county"]  # one machine, two ports


def test_the_shard_does_not_depend_on_the_order_of_the_sources():
    sources = parse_sources(PORTALS)
    assert assign_shards(sources, 64) == assign_shards(list(reversed(sources)), 64)


def test_shard_keys_are_the_same_in_another_process_with_another_hash_seed():
    code = ("from gongkai.assets.sources.shards import shard_of_url as s; "
            "print([s(u, 64) for u in ('http://www.huaian.gov.cn/', 'http://127.0.0.1:1/')])")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert outputs == {str([shard_of_url("http://www.huaian.gov.cn/", 64),
                            shard_of_url("http://127.0.0.1:1/", 64)]) + "\n"}


def test_a_document_of_a_source_no_longer_listed_goes_to_its_sites_shard():
    shards = Shards(parse_sources(PORTALS), 64)
    assert shards.of_document("gone", "http://www.huaian.gov.cn/a.pdf") == shards.by_source["淮安市人民政府"]
    assert shards.of_document("淮安市人民政府", "http://elsewhere.cn/x.pdf") == shards.by_source["淮安市人民政府"]


def test_sites_are_registrable_domains_or_the_address_without_its_port():
    assert site_of("file.huaian.gov.cn") == "huaian.gov.cn"
    assert site_of("WWW.HUAIAN.GOV.CN:8080") == "huaian.gov.cn"
    assert site_of("127.0.0.1:47301") == "127.0.0.1"
    assert site_of("localhost:8000") == "localhost"


def test_sixteen_shards_by_default_and_a_bad_count_is_refused_in_one_line():
    assert shard_count({}) == DEFAULT_SHARDS == 16
    assert shard_count({"GONGKAI_SHARDS": "256"}) == 256
    assert shard_keys(256)[:2] == ["000", "001"] and shard_keys(16)[-1] == "15"
    for bad in ("0", "-3", "many", "100000"):
        with pytest.raises(ShardError, match="GONGKAI_SHARDS"):
            shard_count({"GONGKAI_SHARDS": bad})


def test_sites_spread_over_the_shards():
    urls = [f"http://www.county{i}.gov.cn/" for i in range(1600)]
    per_shard = {}
    for url in urls:
        key = shard_of_url(url, 16)
        per_shard[key] = per_shard.get(key, 0) + 1
    assert len(per_shard) == 16 and max(per_shard.values()) < 2 * min(per_shard.values())
