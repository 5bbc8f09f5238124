"""The explorer's reading of navigation and jpage columns, what counts as one site, and the
list pages recorded in the catalog."""

from __future__ import annotations

import json

import pytest

from gongkai.assets.crawl.catalog import read_known_lists, record_known_lists
from gongkai.assets.crawl.endpoints import KnownLists, ListEndpoint
from gongkai.assets.crawl.explore import (
    DISCLOSURE_COLUMN,
    REPORT_COLUMN,
    column_rank,
    is_home_page,
    jpage_endpoint,
)
from gongkai.assets.sources.sites import registrable_domain, same_site


@pytest.mark.parametrize(
    "label, rank",
    [
        ("政府信息公开年报", REPORT_COLUMN),
        ("政府信息公开工作年度报告", REPORT_COLUMN),
        ("年报", REPORT_COLUMN),
        ("政务公开", DISCLOSURE_COLUMN),
        ("政府信息公开", DISCLOSURE_COLUMN),
        ("信息公开目录", DISCLOSURE_COLUMN),
        ("政府信息公开指南", None),
        ("政府信息公开制度", None),
        ("政策解读", None),
        ("通知公告", None),
        ("年报编制通知", None),
        ("新闻中心", None),
        ("卫辉市2023年政府信息公开工作年度报告", None),  # an entry, not a column
    ],
)
def test_navigation_labels_rank_by_how_near_they_lead_to_reports(label, rank):
    assert column_rank(label) == rank


def test_jpage_endpoint_read_from_a_columns_nextgroup_and_ajax_parameters():
    page = (
        '<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/'
        'dataproxy.jsp?page=1&amp;webid=2&amp;path=/&amp;columnid=4122&amp;unitid=35678">'
        "</a>]]></nextgroup></datastore></script>"
        "<script>$('#35678').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:15,"
        " ajaxParam:{col:1, appid:1, webid:2, columnid:4122, sourceContentType:1,"
        " unitid:'35678', webname:'淮安市人民政府', permissiontype:0}});</script>"
    )
    endpoint = jpage_endpoint(page, "http://www.huaian.gov.cn/col/col4122/index.html")
    assert endpoint is not None
    assert endpoint.method == "POST" and endpoint.page_size == 15
    assert endpoint.url(2) == (
        "http://www.huaian.gov.cn/module/web/jpage/dataproxy.jsp"
        "?startrecord=16&endrecord=30&perpage=15"
    )
    form = dict(endpoint.form)
    assert form["columnid"] == "4122" and form["unitid"] == "35678" and form["webid"] == "2"
    assert form["webname"] == "淮安市人民政府" and "page" not in form


def test_page_without_dataproxy_has_no_jpage_endpoint():
    assert jpage_endpoint("<ul><li><a href='/a.html'>x</a></li></ul>", "http://a.gov.cn/") is None


def test_endpoint_bodies_fill_the_paging_placeholders():
    form = ListEndpoint("http://a/api?s={start}", 10, "POST", (("columnid", "7"), ("p", "{page}")))
    assert form.body(3) == (b"columnid=7&p=3", "application/x-www-form-urlencoded; charset=UTF-8")
    body = ListEndpoint("http://a/api", 10, "POST", json='{"pageNo": "{page}", "size": "{size}", "q": "年报"}')
    data, content_type = body.body(2)
    assert json.loads(data) == {"pageNo": 2, "size": 10, "q": "年报"}
    assert content_type == "application/json"
    assert ListEndpoint("http://a/api?p={page}").body(1) is None  # a GET endpoint


@pytest.mark.parametrize(
    "host, domain",
    [
        ("file.huaian.gov.cn", "huaian.gov.cn"),
        ("www.huaian.gov.cn:8080", "huaian.gov.cn"),
        ("xxgk.nanjing.gov.cn", "nanjing.gov.cn"),
        ("www.gov.cn", "www.gov.cn"),
        ("gov.cn", None),
        ("www.js.cn", "www.js.cn"),
        ("cdn.example.com", "example.com"),
        ("127.0.0.1:8000", None),
    ],
)
def test_registrable_domain_of_chinese_portal_hosts(host, domain):
    assert registrable_domain(host) == domain


def test_same_site_takes_sibling_hosts_but_not_other_governments():
    hosts = frozenset({"www.huaian.gov.cn"})
    assert same_site("http://file.huaian.gov.cn/a.pdf", hosts)
    assert not same_site("http://www.suqian.gov.cn/a.pdf", hosts)
    assert not same_site("http://www.gov.cn/a.pdf", hosts)
    assert not same_site("http://127.0.0.1:9/a.pdf", frozenset({"127.0.0.1:8"}))


@pytest.mark.parametrize(
    "url, home",
    [
        ("http://www.huaian.gov.cn/", True),
        ("http://www.huaian.gov.cn", True),
        ("http://www.huaian.gov.cn/index.shtml", True),
        ("http://www.huaian.gov.cn/col/col4122/index.html", False),
        ("http://www.huaian.gov.cn/xxgk/", False),
    ],
)
def test_a_sites_root_page_is_a_home_page(url, home):
    assert is_home_page(url) is home


def test_recorded_lists_of_one_source_replace_only_its_own(tmp_path):
    jpage = ListEndpoint("http://b.gov.cn/dataproxy.jsp?s={start}", 15, "POST", (("columnid", "7"),))
    record_known_lists(tmp_path, {("甲", "http://a.gov.cn/"): KnownLists(("http://a.gov.cn/nb/",))})
    record_known_lists(tmp_path, {("乙", "http://b.gov.cn/"): KnownLists((), (jpage,))})
    record_known_lists(tmp_path, {("甲", "http://a.gov.cn/"): KnownLists(("http://a.gov.cn/xxgk/nb/",))})
    assert read_known_lists(tmp_path) == {
        ("甲", "http://a.gov.cn/"): KnownLists(("http://a.gov.cn/xxgk/nb/",)),
        ("乙", "http://b.gov.cn/"): KnownLists((), (jpage,)),
    }
