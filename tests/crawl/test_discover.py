"""Discovery rules on small one-host portals: page budget, failures, start pages."""

from __future__ import annotations

from gongkai.assets.crawl import CrawlSettings, LocalRawStore, crawl_sources
from gongkai.assets.sources.config import parse_sources

from .conftest import fast_settings
from .portal import REPORT_BODY, Host, Route, html_page, list_page, pdf_bytes


def _source(host: Host, start: str, **extra: object) -> list:
    lines = "".join(f"{k} = {v!r}\n" for k, v in extra.items())
    return parse_sources(f'[[source]]\nname = "测试"\nstart = ["{host.url(start)}"]\n{lines}')


def test_list_walk_stops_at_max_pages(host: Host, store: LocalRawStore, settings: CrawlSettings):
    footer = '<script>createPageHTML(5, {n}, "index", "html");</script>'
    for n in range(5):
        name = "index.html" if n == 0 else f"index_{n}.html"
        host.routes[f"/nb/{name}"] = Route(list_page([], footer.format(n=n)).encode())
    result = crawl_sources(_source(host, "/nb/index.html", max_pages=2), store, settings=settings)
    assert [h.path for h in host.hits if h.path.startswith("/nb/")] == [
        "/nb/index.html",
        "/nb/index_1.html",
    ]
    assert result.stats.total.list_pages == 2


def test_a_failing_entry_is_recorded_and_the_crawl_goes_on(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    host.routes["/nb/index.html"] = Route(
        list_page(
            [
                ("/a/1.html", "甲局2023年政府信息公开工作年度报告"),
                ("/a/2.html", "乙局2023年政府信息公开工作年度报告"),
                ("/a/3.pdf", "丙局2023年政府信息公开工作年度报告"),
            ]
        ).encode()
    )
    host.routes["/a/2.html"] = Route(
        html_page("乙局2023年政府信息公开工作年度报告", REPORT_BODY).encode()
    )
    host.routes["/a/3.pdf"] = Route(pdf_bytes("丙"), "application/pdf")
    result = crawl_sources(_source(host, "/nb/index.html"), store, settings=settings)
    assert sorted(d.url for d in result.documents) == [host.url("/a/2.html"), host.url("/a/3.pdf")]
    pdf = next(d for d in result.documents if d.media == "pdf")
    assert pdf.page_url == host.url("/nb/index.html")  # linked straight from the list
    assert result.stats.total.errors == [
        {"url": host.url("/a/1.html"), "reason": "http_status", "detail": "HTTP 404"}
    ]


def test_start_url_that_is_itself_a_report_page_is_recorded(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    title = "甲局2023年政府信息公开工作年度报告"
    host.routes["/art/1.html"] = Route(html_page(title, REPORT_BODY).encode())
    result = crawl_sources(_source(host, "/art/1.html"), store, settings=settings)
    [doc] = result.documents
    assert (doc.url, doc.title, doc.media, doc.page_url) == (
        host.url("/art/1.html"),
        title,
        "html",
        None,
    )
    assert doc.status == 200 and len(host.hits_for("/art/1.html")) == 1


def test_article_that_only_links_its_pdf_is_not_an_html_document(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    title = "甲局2023年政府信息公开工作年度报告"
    host.routes["/nb/index.html"] = Route(list_page([("/a/1.html", title)]).encode())
    host.routes["/a/1.html"] = Route(
        html_page(title, '<p>附件：<a href="/f/1.pdf">甲局年报</a></p>').encode()
    )
    host.routes["/f/1.pdf"] = Route(pdf_bytes("甲"), "application/octet-stream")
    result = crawl_sources(_source(host, "/nb/index.html"), store, settings=settings)
    [doc] = result.documents
    assert (doc.media, doc.title, doc.page_url) == ("pdf", title, host.url("/a/1.html"))


def test_attachment_link_answering_with_a_page_is_an_error_not_a_document(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    title = "甲局2023年政府信息公开工作年度报告"
    host.routes["/nb/index.html"] = Route(list_page([("/a/1.html", title)]).encode())
    host.routes["/a/1.html"] = Route(html_page(title, '<a href="/f/1.pdf">全文</a>').encode())
    host.routes["/f/1.pdf"] = Route(b"<!DOCTYPE html><html><body>file not found</body></html>")
    result = crawl_sources(_source(host, "/nb/index.html"), store, settings=settings)
    assert result.documents == []
    assert result.stats.total.errors_by_reason == {"attachment_is_html": 1}


def test_slow_body_within_the_read_timeout_is_kept_and_a_silent_one_is_an_error(
    host: Host, store: LocalRawStore
):
    title = "丁局2023年政府信息公开工作年度报告"
    host.routes["/nb/index.html"] = Route(list_page([("/a/4.html", title)]).encode())
    host.routes["/a/4.html"] = Route(
        html_page(
            title,
            '<p><a href="/f/slow.pdf">年报.pdf</a></p><p><a href="/f/silent.pdf">扫描件.pdf</a></p>',
        ).encode()
    )
    # 8 chunks 0.1 s apart: 0.8 s in all, yet never 0.3 s without a byte.
    host.routes["/f/slow.pdf"] = Route(pdf_bytes("slow", pad=7000), "application/pdf", trickle=0.1)
    # Headers only after 1 s: beyond the read timeout on every attempt.
    host.routes["/f/silent.pdf"] = Route(pdf_bytes("silent"), "application/pdf", delay=1.0)
    settings = fast_settings(read_timeout=0.3, retries=1)
    result = crawl_sources(_source(host, "/nb/index.html"), store, settings=settings)
    assert [d.url for d in result.documents] == [host.url("/f/slow.pdf")]
    assert store.get(result.documents[0].sha256) == host.routes["/f/slow.pdf"].body
    [error] = result.stats.total.errors
    assert error["url"] == host.url("/f/silent.pdf") and error["reason"] == "transport"
    assert "timeout" in error["detail"]
    assert host.arrivals.count("/f/silent.pdf") == 2  # tried, retried once, given up


def test_exploring_a_home_page_stops_at_its_page_budget(
    host: Host, store: LocalRawStore, settings: CrawlSettings
):
    columns = [(f"/xxgk/{n}/", f"{n}号信息公开") for n in range(8)]
    host.routes["/"] = Route(
        "".join(f'<a href="{href}">{text}</a>' for href, text in columns).encode()
    )
    for href, _ in columns:  # each leads on to another disclosure section, never to a list
        host.routes[href] = Route(f'<a href="{href}more/">政务公开</a>'.encode())
    result = crawl_sources(_source(host, "/", discover_pages=3), store, settings=settings)
    explored = [h.path for h in host.hits if h.path.startswith("/xxgk/")]
    assert explored == ["/xxgk/0/", "/xxgk/1/", "/xxgk/2/"]
    assert result.stats.total.portal_pages == 3 and result.documents == []
