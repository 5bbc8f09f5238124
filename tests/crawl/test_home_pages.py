"""Crawling portals from their home pages only: TRS, Hanweb (POSTed jpage) and a 政府信息公开平台,
on real HTTP servers (127.0.0.1, and named hosts through a proxy on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from gongkai.assets.crawl import LocalRawStore, crawl_sources
from gongkai.assets.crawl.catalog import read_known_lists
from gongkai.assets.sources.config import parse_sources
from gongkai.pipelines.cli import main

from .conftest import fast_settings
from .home_pages import (
    HomePortals,
    build_home_portals,
    entries,
    from_home_pages,
    hand_written,
    nav_page,
)
from .portal import REPORT_BODY, Host, Route, html_page


@pytest.fixture(scope="module")
def portals() -> Iterator[HomePortals]:
    built = build_home_portals()
    with pytest.MonkeyPatch.context() as env:
        # The named hosts are reached through the fixture's proxy, the IP one directly.
        for name in ("HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env.delenv(name, raising=False)
        env.setenv("HTTP_PROXY", built.proxy.base)
        env.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield built
    built.stop()


def settings():
    return fast_settings(trust_env=True)


@pytest.fixture(scope="module")
def from_home(portals, tmp_path_factory):
    """Two crawls of the home pages into one store: the first explores, the second not."""
    store_dir = tmp_path_factory.mktemp("store")
    sources = parse_sources(from_home_pages(portals))
    first = crawl_sources(sources, LocalRawStore(store_dir / "raw"), settings=settings(),
                          catalog_dir=store_dir)
    hits_after_first = {"trs": len(portals.trs.hits), "proxy": len(portals.proxy.hits)}
    second = crawl_sources(sources, LocalRawStore(store_dir / "raw"), settings=settings(),
                           catalog_dir=store_dir)
    return store_dir, first, second, hits_after_first


def all_expected(portals: HomePortals) -> set[str]:
    return set().union(*portals.expected.values())


def fetched(portals: HomePortals) -> list[str]:
    return [unquote(p) for p in portals.trs.arrivals] + [
        unquote(p) for p in portals.proxy.arrivals
    ]


def test_crawl_from_home_pages_finds_every_report_and_no_lookalike(portals, from_home):
    _, first, _, _ = from_home
    got = [d.url for d in first.documents]
    assert set(got) == all_expected(portals)  # recall 1.0 and nothing else recorded
    assert len(got) == len(set(got))
    for source, stats in first.stats.sources.items():
        assert stats.portal_pages > 0, source


def test_exploring_never_opens_lookalikes_robots_disallowed_or_other_sites(portals, from_home):
    seen = fetched(portals)
    trs_paths = [unquote(p) for p in portals.trs.arrivals]
    for url in portals.lookalikes + portals.outside:
        path = url.removeprefix(portals.trs.base)
        assert url not in seen and path not in trs_paths, url
    for url in portals.robots_blocked:
        assert url.removeprefix(portals.trs.base) not in trs_paths and url not in seen, url
    blocked = {e["url"] for e in from_home[1].stats.total.errors if e["reason"] == "robots_blocked"}
    assert blocked == set(portals.robots_blocked)


def test_every_host_is_held_to_two_requests_at_a_time(portals, from_home):
    assert portals.trs.max_in_flight <= 2
    by_host = portals.proxy.max_in_flight_by_site
    assert set(by_host) >= {"www.xinxiang.example", "file.xinxiang.example", "xxgk.weihui.example"}
    assert max(by_host.values()) <= 2


def test_list_endpoint_is_posted_with_the_columns_form(portals, from_home):
    posts = [h for h in portals.proxy.hits if "dataproxy.jsp" in h.path]
    assert posts and all(h.method == "POST" and h.status == 200 for h in posts)


def test_attachment_on_a_file_host_of_the_same_site_is_fetched(portals, from_home):
    doc = next(d for d in from_home[1].documents if "file.xinxiang.example" in d.url)
    assert (doc.media, doc.page_url) == ("pdf", "http://www.xinxiang.example/art/2024/1/20/art_4122_1.html")
    assert "http://file.xinxiang.example/robots.txt" in fetched(portals)


def test_second_crawl_starts_at_the_recorded_list_pages(portals, from_home):
    store_dir, _, second, hits_after_first = from_home
    known = read_known_lists(store_dir)
    pages = {u for k in known.values() for u in k.pages}
    assert portals.trs.url("/zwgk/xxgknb/") in pages
    assert "http://xxgk.weihui.example/czj/nb/list.jsp?page=1" in pages
    [endpoint] = [e for k in known.values() for e in k.endpoints]
    assert endpoint.method == "POST" and ("columnid", "4122") in endpoint.form
    second_trs = [h.path for h in portals.trs.hits[hits_after_first["trs"]:]]
    second_proxy = [h.path for h in portals.proxy.hits[hits_after_first["proxy"]:]]
    for home in ("/", "/zwgk/"):
        assert home not in second_trs
    for home in portals.homes.values():
        assert home not in second_proxy
    assert {d.url for d in second.documents} == all_expected(portals)
    assert second.stats.total.portal_pages == 0


@pytest.mark.parametrize("portal", ["trs", "hanweb", "platform"])
def test_discover_prints_a_source_block_that_crawls_what_the_hand_written_one_does(
    portals, portal, capsys, tmp_path
):
    assert main(["discover", portals.homes[portal], "--min-delay", "0"]) == 0
    block = capsys.readouterr().out
    assert block.lstrip().startswith(("#", "[[source]]"))
    [discovered] = parse_sources(block)
    names = {"trs": "卫辉市人民政府", "hanweb": "新乡市人民政府", "platform": "卫辉市政府信息公开平台"}
    [written] = [s for s in parse_sources(hand_written(portals)) if s.name == names[portal]]
    got = crawl_sources([discovered], LocalRawStore(tmp_path / "a"), settings=settings())
    want = crawl_sources([written], LocalRawStore(tmp_path / "b"), settings=settings())
    assert {d.url for d in got.documents} == {d.url for d in want.documents}
    assert {d.url for d in want.documents} == portals.expected[portal]
    assert got.stats.total.portal_pages == 0  # the block names the lists: no exploring


def test_home_page_redirecting_to_another_host_of_its_site_is_explored_there(tmp_path):
    proxy = Host().start()
    try:
        proxy.routes["http://weihui.example/"] = Route(
            statuses=[302] * 5, headers={"Location": "http://www.weihui.example/index.html"}
        )
        proxy.routes["http://www.weihui.example/index.html"] = Route(
            nav_page("卫辉市人民政府", [("/nb/", "政府信息公开年报")])
        )
        title = "卫辉市人民政府2023年政府信息公开工作年度报告"
        proxy.routes["http://www.weihui.example/nb/"] = Route(entries([("/nb/1.html", title)]))
        proxy.routes["http://www.weihui.example/nb/1.html"] = Route(
            html_page(title, REPORT_BODY).encode()
        )
        with pytest.MonkeyPatch.context() as env:
            for name in ("HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "no_proxy"):
                env.delenv(name, raising=False)
            env.setenv("HTTP_PROXY", proxy.base)
            result = crawl_sources(
                parse_sources('[[source]]\nname = "卫辉"\nstart = ["http://weihui.example/"]'),
                LocalRawStore(tmp_path / "raw"),
                settings=settings(),
            )
        assert [d.url for d in result.documents] == ["http://www.weihui.example/nb/1.html"]
    finally:
        proxy.stop()


def test_discover_on_a_list_page_names_it_and_on_a_page_leading_nowhere_says_so(
    portals, capsys
):
    list_page = portals.trs.url("/zwgk/xxgknb/")
    written = list_page.removeprefix("http://")  # as people write a portal's address
    assert main(["discover", written, "--min-delay", "0"]) == 0
    [source] = parse_sources(capsys.readouterr().out)
    assert source.start == (list_page,)
    portals.trs.routes["/about/"] = Route(nav_page("关于我们", [("/", "首页"), ("/xwzx/", "新闻中心")]))
    assert main(["discover", portals.trs.url("/about/"), "--min-delay", "0"]) == 1
    assert "no 年报 list found" in capsys.readouterr().err
