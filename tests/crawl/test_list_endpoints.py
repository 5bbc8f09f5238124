"""List endpoints declared in the sources file: POSTed forms and JSON bodies, under the same
manners as every GET (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import json

from gongkai.assets.crawl import CrawlSettings, LocalRawStore, crawl_sources
from gongkai.assets.sources.config import parse_sources

from .home_pages import entries, nav_page
from .portal import REPORT_BODY, Host, Route, html_page

TITLE = "甲局2023年政府信息公开工作年度报告"


def _report(host: Host, path: str = "/art/1.html") -> None:
    host.routes[path] = Route(html_page(TITLE, REPORT_BODY).encode())


def test_json_endpoint_is_posted_its_json_body_page_by_page(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    _report(host)
    host.routes["/api/list"] = Route(
        json.dumps({"total": 1, "data": [{"url": "/art/1.html", "title": TITLE}]}).encode(),
        "application/json",
        validators=False,
        method="POST",
    )
    sources = parse_sources(f"""
[[source]]
name = "甲局"
start = ["{host.url("/col/1/")}"]
list_url_template = "{host.url("/api/list")}"
page_size = 10
list_json = {{ pageNo = "{{page}}", pageSize = "{{size}}", channel = "年报" }}
""")
    host.routes["/col/1/"] = Route(nav_page("甲局", []))
    result = crawl_sources(sources, store, settings=settings)
    assert [d.url for d in result.documents] == [host.url("/art/1.html")]
    [post] = host.hits_for("/api/list")
    assert post.method == "POST" and post.headers["Content-Type"] == "application/json"
    assert json.loads(post.body) == {"pageNo": 1, "pageSize": 10, "channel": "年报"}


def test_endpoint_robots_disallows_is_never_posted(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    host.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /module/\n", "text/plain")
    host.routes["/col/1/"] = Route(nav_page("甲局", []))
    host.routes["/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=15&perpage=15"] = Route(
        b"<datastore></datastore>", "text/xml", method="POST"
    )
    sources = parse_sources(f"""
[[source]]
name = "甲局"
start = ["{host.url("/col/1/")}"]
list_url_template = "{host.url("/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={size}")}"
list_form = {{ columnid = "7" }}
""")
    result = crawl_sources(sources, store, settings=settings)
    assert not [p for p in host.arrivals if p.startswith("/module/")]
    assert result.stats.total.errors_by_reason == {"robots_blocked": 1}


def test_post_redirected_with_303_is_followed_by_a_get_without_the_form(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    _report(host)
    host.routes["/col/1/"] = Route(nav_page("甲局", []))
    host.routes["/api/list?p=1"] = Route(
        statuses=[303], headers={"Location": "/api/result.xml"}, method="POST"
    )
    host.routes["/api/result.xml"] = Route(
        f'<datastore><record><![CDATA[<a href="/art/1.html">{TITLE}</a>]]></record>'
        "<totalrecord>1</totalrecord></datastore>".encode(),
        "text/xml",
    )
    sources = parse_sources(f"""
[[source]]
name = "甲局"
start = ["{host.url("/col/1/")}"]
list_url_template = "{host.url("/api/list?p={page}")}"
list_method = "POST"
""")
    result = crawl_sources(sources, store, settings=settings)
    assert [d.url for d in result.documents] == [host.url("/art/1.html")]
    [redirected] = host.hits_for("/api/result.xml")
    assert redirected.method == "GET" and "Content-Type" not in redirected.headers


def test_recorded_list_pages_that_list_nothing_send_the_crawl_back_to_the_home_page(
    host: Host, tmp_path, settings: CrawlSettings
):
    host.routes["/"] = Route(nav_page("甲市人民政府", [("/old/nb/", "政府信息公开年报")]))
    host.routes["/old/nb/"] = Route(entries([("/art/1.html", TITLE)]))
    _report(host)
    sources = parse_sources(f'[[source]]\nname = "甲市"\nstart = ["{host.url("/")}"]')
    store = LocalRawStore(tmp_path / "raw")
    first = crawl_sources(sources, store, settings=settings, catalog_dir=tmp_path)
    assert first.list_pages["甲市"].pages == (host.url("/old/nb/"),)
    # The portal is rebuilt: the old column is empty, the reports moved.
    host.routes["/"] = Route(nav_page("甲市人民政府", [("/xxgk/nb/", "政府信息公开年报")]))
    host.routes["/old/nb/"] = Route(entries([]))
    host.routes["/xxgk/nb/"] = Route(entries([("/art/2.html", TITLE.replace("2023", "2024"))]))
    _report(host, "/art/2.html")
    host.routes["/art/2.html"] = Route(html_page(TITLE.replace("2023", "2024"), REPORT_BODY).encode())
    second = crawl_sources(sources, store, settings=settings, catalog_dir=tmp_path)
    assert [d.url for d in second.documents] == [host.url("/art/2.html")]
    third = crawl_sources(sources, store, settings=settings, catalog_dir=tmp_path)
    assert third.stats.total.portal_pages == 0  # the new list page was recorded
    assert [d.url for d in third.documents] == [host.url("/art/2.html")]
