"""Pure readers: titles, list pagination, data endpoints, article pages."""

from __future__ import annotations

import json

import pytest

from gongkai.assets.crawl.pages import (
    Link,
    attachment_extension,
    create_page_html,
    data_endpoint_links,
    fill_template,
    is_attachment_link,
    links,
    page_title_candidates,
    pagination_links,
    parse_html,
    report_marker_count,
    text_without_links,
)
from gongkai.assets.crawl.titles import (
    agency_hint,
    is_correction,
    is_report_title,
    may_be_report_link,
    year_hint,
)

BASE = "http://www.weihui.gov.cn/zwgk/xxgknb/index.html"


@pytest.mark.parametrize(
    "title",
    [
        "卫辉市应急管理局2023年政府信息公开工作年度报告",
        "2023年度政府信息公开工作报告",
        "新乡市人民政府2019年政府信息公开年报",
        "卫辉市人民政府办公室关于2022年政府信息公开工作年度报告的更正",
        "XX区二〇二二年政务公开工作年度报告",
    ],
)
def test_report_titles_are_recognised(title):
    assert is_report_title(title)


@pytest.mark.parametrize(
    "title",
    [
        "卫辉市应急管理局2023年政府信息公开工作年度报告解读",
        "图解：2023年政府信息公开工作年度报告",
        "关于做好2023年政府信息公开工作年度报告编制工作的通知",
        "2024年政务公开工作要点",
        "政府信息公开指南",
        "2023年政府工作报告",  # the government work report: no 信息公开
        "政府信息公开工作年度报告",  # no year
        "2023年政府信息公开工作年度报告目录",
        "关于2021年度政府信息公开工作年度报告发布情况的通报",
    ],
)
def test_lookalikes_are_rejected(title):
    assert not is_report_title(title)
    assert not may_be_report_link(title)


def test_truncated_list_titles_are_opened_but_are_not_titles():
    assert may_be_report_link("卫辉市应急管理局2023年政府信息公开工作年度…")
    assert not is_report_title("卫辉市应急管理局2023年政府信息公开工作年度…")


def test_year_agency_and_correction_hints():
    title = "卫辉市应急管理局2023年政府信息公开工作年度报告"
    assert (year_hint(title), agency_hint(title)) == (2023, "卫辉市应急管理局")
    assert agency_hint("2023年政府信息公开工作年度报告", "卫辉市人民政府") == "卫辉市人民政府"
    assert agency_hint("关于卫辉市财政局２０２２年政府信息公开年报的更正") == "卫辉市财政局"
    assert year_hint("二〇二一年政府信息公开工作年度报告") == 2021
    assert is_correction("XX局2022年政府信息公开工作年度报告（修订）")
    assert is_correction("XX局2022年政府信息公开工作年度报告（更新版）")
    assert not is_correction(title)


@pytest.mark.parametrize(
    "script,expected",
    [
        ('createPageHTML(3, 0, "index", "html");', ["index.html", "index_1.html", "index_2.html"]),
        (
            "var countPage = 2;var currentPage = 0;createPageHTML(countPage, currentPage, 'index', 'shtml');",
            ["index.shtml", "index_1.shtml"],
        ),
        ("createPageHTML('page_div', 2, 1, 'list', 'html', 30);", ["list.html", "list_1.html"]),
    ],
)
def test_create_page_html_gives_every_trs_list_page(script, expected):
    urls = create_page_html(f"<script>{script}</script>", BASE)
    assert urls == ["http://www.weihui.gov.cn/zwgk/xxgknb/" + u for u in expected]


def test_last_page_link_generates_the_pages_between():
    html = (
        '<a href="?page=2">下一页</a><a href="list.jsp?page=5">尾页</a>'
        '<a href="/other/list.jsp?page=9">9</a>'
    )
    url = "http://h/col/list.jsp?page=1"
    got = pagination_links(parse_html(html), html, url)
    assert got == [
        "http://h/col/list.jsp?page=2",
        "http://h/col/list.jsp?page=5",
        "http://h/col/list.jsp?page=1",
        "http://h/col/list.jsp?page=3",
        "http://h/col/list.jsp?page=4",
    ]


def test_trs_last_page_link_generates_index_n_pages():
    html = '<a href="index_1.html">下一页</a><a href="index_3.html">尾页</a>'
    got = pagination_links(parse_html(html), html, BASE)
    assert sorted(got) == sorted(
        f"http://www.weihui.gov.cn/zwgk/xxgknb/{n}"
        for n in ("index.html", "index_1.html", "index_2.html", "index_3.html")
    )


def test_dataproxy_xml_records_and_total():
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>'
        '<record><![CDATA[<li><a href="/art/2024/1/1/art_1.html" title="甲2023年政府信息公开工作年度报告">甲…</a></li>]]></record>'
        '<record><![CDATA[<li><a href="http://x/art_2.html">乙</a></li>]]></record>'
        "</recordset><totalrecord>37</totalrecord></datastore>"
    )
    found, total = data_endpoint_links(xml, "http://h/module/web/jpage/dataproxy.jsp?x=1")
    assert total == 37
    assert found == [
        Link("http://h/art/2024/1/1/art_1.html", "甲2023年政府信息公开工作年度报告"),
        Link("http://x/art_2.html", "乙"),
    ]


def test_json_endpoint_entries_and_total():
    data = {
        "data": {
            "total": 12,
            "list": [
                {"DOCTITLE": "丙2022年政府信息公开年报", "DOCPUBURL": "/c/art_3.html"},
                {"title": "<em>丁</em>", "url": "https://h/d.pdf"},
            ],
        }
    }
    found, total = data_endpoint_links(json.dumps(data, ensure_ascii=False), "http://h/api")
    assert total == 12
    assert found == [
        Link("http://h/c/art_3.html", "丙2022年政府信息公开年报"),
        Link("https://h/d.pdf", "丁"),
    ]


def test_fill_template_counts_records_from_one():
    t = "http://h/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={size}&p={page}"
    assert (
        fill_template(t, 3, 15)
        == "http://h/dataproxy.jsp?startrecord=31&endrecord=45&perpage=15&p=3"
    )


def test_links_prefer_the_full_title_attribute_and_skip_javascript():
    tree = parse_html(
        '<a href="a.html" title="完整标题2023年">完整…</a><a href="javascript:void(0)">x</a>'
        '<a href="#top">top</a><a href="mailto:a@b">m</a>'
    )
    assert links(tree, BASE) == [
        Link("http://www.weihui.gov.cn/zwgk/xxgknb/a.html", "完整标题2023年")
    ]


def test_attachment_links_by_extension_text_or_download_path():
    assert attachment_extension("http://h/P020240115.PDF") == "pdf"
    assert attachment_extension("http://h/down?file=a.wps") == "wps"
    assert is_attachment_link(Link("http://h/attach/download.jsp?id=7", "点击下载"))
    assert is_attachment_link(Link("http://h/x?id=1", "年报.docx"))
    assert not is_attachment_link(Link("http://h/art/2024/art_1.html", "年报"))


def test_article_title_and_body_markers_ignore_navigation():
    html = (
        '<html><head><meta name="ArticleTitle" content="甲2023年政府信息公开工作年度报告">'
        "<title>甲2023年政府信息公开工作年度报告_某市人民政府</title></head><body>"
        '<a href="/x">主动公开</a><a href="/y">依申请公开</a><div>附件见下</div></body></html>'
    )
    tree = parse_html(html)
    assert page_title_candidates(tree)[0] == "甲2023年政府信息公开工作年度报告"
    assert "甲2023年政府信息公开工作年度报告" in page_title_candidates(tree)
    assert report_marker_count(text_without_links(tree)) == 0
