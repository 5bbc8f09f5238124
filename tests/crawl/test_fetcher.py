"""The fetcher's manners, one at a time, against a real local server."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from gongkai.assets.crawl import Fetcher, FetchLog, LocalRawStore, SourceStats
from gongkai.assets.crawl.middleware import (
    HTTPStatusFailure,
    Oversized,
    RobotsBlocked,
    TooManyRedirects,
    TransportFailure,
    parse_retry_after,
)

from .conftest import fast_settings
from .portal import Host, Route, pdf_bytes


@pytest.fixture
def make_fetcher(store: LocalRawStore, tmp_path):
    fetchers: list[Fetcher] = []
    log = FetchLog(tmp_path / "log.sqlite3")

    def make(**overrides) -> Fetcher:
        f = Fetcher(store, log, fast_settings(**overrides))
        fetchers.append(f)
        return f

    yield make
    for f in fetchers:
        f.close()
    log.close()


def test_robots_crawl_delay_spaces_requests_to_a_host(host: Host, make_fetcher):
    host.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 0.2\n", "text/plain")
    for n in range(4):
        host.routes[f"/p{n}.html"] = Route(b"<html>x</html>")
    fetcher = make_fetcher()
    for n in range(4):
        fetcher.fetch(host.url(f"/p{n}.html"))
    starts = [h.at for h in host.hits if h.path.startswith("/p")]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Arrival times at the server carry the machine's scheduling jitter (tens of ms on a busy
    # machine), so the bound leaves room for it; without the delay the gaps are a few ms.
    assert min(gaps) >= 0.15, gaps


def test_robots_txt_is_fetched_once_per_host_and_disallow_refuses(host: Host, make_fetcher):
    host.routes["/robots.txt"] = Route(b"User-agent: gongkai\nDisallow: /secret\n", "text/plain")
    host.routes["/open.html"] = Route(b"<html>ok</html>")
    host.routes["/secret/a.pdf"] = Route(pdf_bytes("a"))
    fetcher = make_fetcher()
    stats = SourceStats("s")
    fetcher.fetch(host.url("/open.html"), tally=stats)
    with pytest.raises(RobotsBlocked):
        fetcher.fetch(host.url("/secret/a.pdf"), tally=stats)
    assert len(host.hits_for("/robots.txt")) == 1
    assert not host.hits_for("/secret/a.pdf")
    assert stats.requests == 2  # robots.txt and /open.html


def test_missing_robots_txt_allows_everything(host: Host, make_fetcher):
    host.routes["/a.html"] = Route(b"<html>ok</html>")
    assert make_fetcher().fetch(host.url("/a.html")).status == 200


def test_per_host_concurrency_limit_holds_under_many_threads(host: Host, make_fetcher):
    for n in range(6):
        host.routes[f"/slow{n}"] = Route(b"<html>x</html>", delay=0.1)
    fetcher = make_fetcher(per_host_concurrency=2)
    threads = [
        threading.Thread(target=fetcher.fetch, args=(host.url(f"/slow{n}"),)) for n in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert host.max_in_flight == 2


def test_retry_after_over_the_cap_gives_up_at_once(host: Host, make_fetcher):
    host.routes["/busy"] = Route(b"x", statuses=[429, 429], retry_after="3600")
    started = time.monotonic()
    with pytest.raises(HTTPStatusFailure) as info:
        make_fetcher(max_retry_after=5).fetch(host.url("/busy"))
    assert info.value.status == 429 and time.monotonic() - started < 0.5
    assert len(host.hits_for("/busy")) == 1


def test_persistent_5xx_gives_up_after_the_retries(host: Host, make_fetcher):
    host.routes["/down"] = Route(b"x", statuses=[502, 502, 502, 502])
    stats = SourceStats("s")
    with pytest.raises(HTTPStatusFailure):
        make_fetcher(retries=2).fetch(host.url("/down"), tally=stats)
    assert len(host.hits_for("/down")) == 3 and stats.retries == 2


def test_read_timeout_is_retried_then_reported(host: Host, make_fetcher):
    host.routes["/hang"] = Route(b"x", delay=0.3)
    with pytest.raises(TransportFailure) as info:
        make_fetcher(read_timeout=0.1, retries=1).fetch(host.url("/hang"))
    assert "timeout" in info.value.detail
    assert host.arrivals.count("/hang") == 2


def test_connection_refused_is_reported_not_raised_raw(make_fetcher):
    with pytest.raises(TransportFailure):
        make_fetcher(retries=1).fetch("http://127.0.0.1:9/nothing-listens-here")


def test_redirects_are_followed_and_final_url_recorded(host: Host, make_fetcher):
    host.routes["/old"] = Route(statuses=[302], headers={"Location": "/new"})
    host.routes["/new"] = Route(b"<html>moved</html>")
    response = make_fetcher().fetch(host.url("/old"))
    assert (response.url, response.final_url, response.body) == (
        host.url("/old"),
        host.url("/new"),
        b"<html>moved</html>",
    )


def test_redirect_loop_stops_at_the_limit(host: Host, make_fetcher):
    host.routes["/loop"] = Route(statuses=[302] * 10, headers={"Location": "/loop"})
    with pytest.raises(TooManyRedirects):
        make_fetcher(max_redirects=3).fetch(host.url("/loop"))
    assert len(host.hits_for("/loop")) == 4


def test_declared_content_length_over_the_cap_is_not_downloaded(host: Host, make_fetcher):
    host.routes["/big.pdf"] = Route(pdf_bytes("big", pad=500_000), "application/pdf")
    stats = SourceStats("s")
    with pytest.raises(Oversized):
        make_fetcher(max_bytes=10_000).fetch(host.url("/big.pdf"), tally=stats)
    assert stats.bytes_downloaded < 10_000


def test_conditional_request_reuses_stored_bytes_on_304(host: Host, make_fetcher, store):
    host.routes["/r.pdf"] = Route(pdf_bytes("r"), "application/pdf")
    fetcher = make_fetcher()
    first = fetcher.fetch(host.url("/r.pdf"))
    second = fetcher.fetch(host.url("/r.pdf"))
    assert (first.status, second.status) == (200, 304)
    assert second.body == first.body and second.sha256 == first.sha256
    assert second.bytes_downloaded == 0 and second.content_type == "application/pdf"
    sent = host.hits_for("/r.pdf")[1].headers
    assert sent["If-None-Match"].startswith('"') and "If-Modified-Since" in sent


def test_last_modified_alone_is_enough_to_revalidate(host: Host, make_fetcher):
    host.routes["/lm.html"] = Route(b"<html>lm</html>")
    fetcher = make_fetcher()
    fetcher.fetch(host.url("/lm.html"))
    fetcher.fetch_log.update(host.url("/lm.html"), etag=None)
    assert fetcher.fetch(host.url("/lm.html")).status == 304


def test_http_404_is_a_fetch_error_that_keeps_the_last_good_copy(host: Host, make_fetcher):
    host.routes["/gone.html"] = Route(b"<html>here</html>")
    fetcher = make_fetcher()
    good = fetcher.fetch(host.url("/gone.html"))
    del host.routes["/gone.html"]
    with pytest.raises(HTTPStatusFailure):
        fetcher.fetch(host.url("/gone.html"))
    state = fetcher.fetch_log.state(host.url("/gone.html"))
    assert state.status == 404 and state.sha256 == good.sha256 and state.etag
    assert state.error == "http_status: HTTP 404"


def test_parse_retry_after_takes_seconds_or_an_http_date():
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480) == 10
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_robots_txt_redirect_is_followed(host: Host, make_fetcher):
    host.routes["/robots.txt"] = Route(statuses=[301], headers={"Location": "/real-robots.txt"})
    host.routes["/real-robots.txt"] = Route(b"User-agent: *\nDisallow: /x/\n", "text/plain")
    host.routes["/x/a.html"] = Route(b"<html>x</html>")
    with pytest.raises(RobotsBlocked):
        make_fetcher().fetch(host.url("/x/a.html"))
