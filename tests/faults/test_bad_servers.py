"""Bad servers against a real crawl (the fixture portal on 127.0.0.1): each fault is retried
or recorded with its reason, the crawl goes on, and nothing it should not follow is fetched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gongkai.assets.crawl import LocalRawStore, crawl_sources
from gongkai.assets.crawl.fetch import Fetcher
from gongkai.assets.crawl.fetch_log import FetchLog
from gongkai.assets.crawl.middleware import RedirectRefused
from gongkai.assets.sources.config import parse_sources
from tests.crawl.conftest import fast_settings
from tests.crawl.portal import Host, Route, html_page, list_page, pdf_bytes

TITLE = "丁局2023年政府信息公开工作年度报告"
GOOD = pdf_bytes("good", pad=2000)


@pytest.fixture
def store(tmp_path) -> LocalRawStore:
    return LocalRawStore(tmp_path / "raw")


@pytest.fixture
def hosts():
    a, b = Host().start(), Host().start()
    yield a, b
    a.stop()
    b.stop()


def crawl_one_page(host: Host, store, attachments: dict[str, Route], extra_links: str = "",
                   **settings):
    """A list page → one article page linking each attachment (and `extra_links`) → crawl."""
    host.routes["/nb/index.html"] = Route(list_page([("/a/1.html", TITLE)]).encode())
    links = "".join(f'<p><a href="{path}">年报{n}.pdf</a></p>' for n, path in enumerate(attachments))
    host.routes["/a/1.html"] = Route(html_page(TITLE, links + extra_links).encode())
    host.routes["/f/good.pdf"] = Route(GOOD, "application/pdf")
    host.routes.update({k: v for k, v in attachments.items() if v is not None})
    sources = parse_sources(f'[[source]]\nname = "丁局"\nstart = ["{host.url("/nb/index.html")}"]\n')
    started = time.monotonic()
    result = crawl_sources(sources, store, settings=fast_settings(**settings))
    errors = {e["url"].removeprefix(host.base): e for e in result.stats.total.errors}
    docs = {d.url.removeprefix(host.base): d for d in result.documents}
    return result, docs, errors, time.monotonic() - started


def test_slow_loris_body_is_cut_at_the_total_time_cap_and_not_retried(hosts, store):
    a, _ = hosts
    # 1 kB every 0.1 s never trips a 2 s read timeout; 200 kB would take 20 s.
    loris = Route(pdf_bytes("loris", pad=200_000), "application/pdf", trickle=0.1)
    _, docs, errors, took = crawl_one_page(
        a, store, {"/f/loris.pdf": loris, "/f/good.pdf": None}, max_response_time=1.0,
        max_bytes=1_000_000)
    assert errors["/f/loris.pdf"]["reason"] == "too_slow"
    assert "/f/good.pdf" in docs
    assert a.arrivals.count("/f/loris.pdf") == 1
    assert took < 8


def test_slow_loris_headers_are_cut_at_the_total_time_cap_and_not_retried(hosts, store):
    a, _ = hosts
    # A byte of the status line and headers every 0.1 s: no read ever waits 2 s, and the
    # headers alone would take ~20 s; the crawl must give up at the 1 s cap and go on.
    loris = Route(pdf_bytes("loris"), "application/pdf", header_trickle=0.1,
                  headers={"X-Padding": "." * 60})
    _, docs, errors, took = crawl_one_page(
        a, store, {"/f/loris.pdf": loris, "/f/good.pdf": None}, max_response_time=1.0)
    assert errors["/f/loris.pdf"]["reason"] == "too_slow"
    assert "response not done after 1s" in errors["/f/loris.pdf"]["detail"]
    assert "/f/good.pdf" in docs
    assert a.arrivals.count("/f/loris.pdf") == 1
    assert took < 8


def test_endless_redirects_stop_at_the_limit(hosts, store):
    a, _ = hosts
    loop = {
        "/f/r1.pdf": Route(statuses=[302] * 50, headers={"Location": "/f/r2.pdf"}),
        "/f/r2.pdf": Route(statuses=[302] * 50, headers={"Location": "/f/r1.pdf"}),
    }
    _, docs, errors, _ = crawl_one_page(a, store, {**loop, "/f/good.pdf": None})
    assert errors["/f/r1.pdf"]["reason"] == "too_many_redirects"
    assert len(a.arrivals) < 30 and "/f/good.pdf" in docs


def test_redirects_off_the_source_or_to_other_schemes_are_refused(hosts, store):
    a, b = hosts
    b.routes["/evil.pdf"] = Route(pdf_bytes("evil"), "application/pdf")
    routes = {
        "/f/away.pdf": Route(statuses=[302] * 5, headers={"Location": b.url("/evil.pdf")}),
        "/f/file.pdf": Route(statuses=[302] * 5, headers={"Location": "file:///etc/passwd"}),
        "/f/good.pdf": None,
    }
    _, docs, errors, _ = crawl_one_page(a, store, routes)
    assert errors["/f/away.pdf"]["reason"] == errors["/f/file.pdf"]["reason"] == "redirect_refused"
    assert not b.arrivals  # the other host never heard from us
    assert "/f/good.pdf" in docs


def test_links_to_other_schemes_and_hosts_are_not_followed(hosts, store):
    a, b = hosts
    b.routes["/other.pdf"] = Route(pdf_bytes("other"), "application/pdf")
    extra = (
        '<a href="file:///etc/passwd">附件.pdf</a><a href="javascript:alert(1)">附件.pdf</a>'
        '<a href="mailto:x@example.cn">附件.pdf</a><a href="data:application/pdf,xx">附件.pdf</a>'
        f'<a href="{b.url("/other.pdf")}">附件.pdf</a><a href="ftp://127.0.0.1/x.pdf">附件.pdf</a>'
    )
    _, docs, errors, _ = crawl_one_page(a, store, {"/f/good.pdf": None}, extra)
    assert set(docs) == {"/f/good.pdf"} and not errors
    assert not b.arrivals
    assert set(a.arrivals) == {"/robots.txt", "/nb/index.html", "/a/1.html", "/f/good.pdf"}


def test_lying_content_length_connection_reset_and_tls_error_are_recorded(hosts, store):
    a, _ = hosts
    body = pdf_bytes("liar", pad=20_000)
    routes = {
        "/f/short.pdf": Route(body, "application/pdf", announced_length=1000),  # body is bigger
        "/f/long.pdf": Route(body, "application/pdf", announced_length=len(body) * 2),
        "/f/reset.pdf": Route(body, "application/pdf", reset_after=5000),
        "/f/good.pdf": None,
    }
    tls = a.url("/f/good.pdf").replace("http://", "https://")
    _, docs, errors, _ = crawl_one_page(a, store, routes, f'<a href="{tls}">年报.pdf</a>', retries=1)
    # The announced 1000 bytes are what the server said the file is: stored as that, and the
    # reader quarantines the truncated PDF later.
    assert docs["/f/short.pdf"].size == 1000
    assert errors["/f/long.pdf"]["reason"] == "transport"
    assert errors["/f/reset.pdf"]["reason"] == "transport"
    assert a.arrivals.count("/f/reset.pdf") == 2  # retried once, then recorded
    [tls_error] = [e for url, e in errors.items() if url.startswith("https://")]
    assert tls_error["reason"] == "transport"
    assert "/f/good.pdf" in docs


def test_html_error_page_served_with_200_at_a_pdf_link_is_not_a_document(hosts, store):
    a, _ = hosts
    page = b"<html><head><title>Error</title></head><body>The file is gone</body></html>"
    _, docs, errors, _ = crawl_one_page(
        a, store, {"/f/gone.pdf": Route(page, "application/pdf"), "/f/good.pdf": None})
    assert errors["/f/gone.pdf"]["reason"] == "attachment_is_html"
    assert set(docs) == {"/f/good.pdf"}


@pytest.mark.parametrize("name", [
    "../../../../tmp/gongkai-escape.pdf", "/etc/gongkai-escape.pdf", "..\\..\\gongkai-escape.pdf",
    "C:\\Windows\\gongkai-escape.pdf", "%2e%2e%2f%2e%2e%2fgongkai-escape.pdf",
])
def test_attachment_names_with_paths_never_escape_the_store(hosts, tmp_path, name):
    a, _ = hosts
    root = tmp_path / "store"
    store = LocalRawStore(root)
    a.routes["/download.jsp?id=1"] = Route(
        GOOD, "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    with Fetcher(store, FetchLog(root / "log.sqlite3"), fast_settings()) as fetcher:
        response = fetcher.fetch(a.url("/download.jsp?id=1"))
    # A display name only, never a path: no separators, no parent steps.
    assert response.filename.endswith("gongkai-escape.pdf")
    assert not set("/\\") & set(response.filename) and not response.filename.startswith(".")
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.parts[0] == "store" for p in written)
    assert not Path("/tmp/gongkai-escape.pdf").exists() and not Path("/etc/gongkai-escape.pdf").exists()
    assert store.get(response.sha256) == GOOD


def test_fetcher_refuses_a_redirect_the_caller_does_not_allow(hosts, store):
    a, b = hosts
    b.routes["/x"] = Route(b"<html>x</html>")
    a.routes["/go"] = Route(statuses=[302], headers={"Location": b.url("/x")})
    with Fetcher(store, FetchLog(":memory:"), fast_settings()) as fetcher, pytest.raises(
        RedirectRefused
    ):
        fetcher.fetch(a.url("/go"), allow=lambda u: u.startswith(a.base))
    assert not b.arrivals
