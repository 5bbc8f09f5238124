"""The response deadline: one limit for connecting, headers and body, per request."""

from __future__ import annotations

import time

import httpx
import pytest

from assets.crawl.fetch import Downloader, build_client
from assets.crawl.middleware import Request, TooSlow

from .conftest import fast_settings
from .portal import Host, Route, pdf_bytes


@pytest.fixture
def host():
    h = Host().start()
    yield h
    h.stop()


def test_each_request_gets_its_own_deadline_on_a_reused_connection(host):
    host.routes["/fast.pdf"] = Route(pdf_bytes("fast"), "application/pdf")
    host.routes["/loris.pdf"] = Route(pdf_bytes("loris"), "application/pdf", header_trickle=0.05)
    with build_client(fast_settings()) as client:
        download = Downloader(client, max_bytes=1_000_000, max_seconds=0.5)
        assert download(Request(host.url("/fast.pdf"))).status == 200
        started = time.monotonic()
        with pytest.raises(TooSlow, match="not done after"):
            download(Request(host.url("/loris.pdf")))
        assert time.monotonic() - started < 2  # its headers alone would take ~6 s
        # The loris's deadline is gone with it: later requests are not cut short.
        for _ in range(3):
            time.sleep(0.2)
            assert download(Request(host.url("/fast.pdf"))).status == 200


def test_an_ordinary_read_timeout_is_left_to_the_retry_middleware(host):
    host.routes["/stall.pdf"] = Route(pdf_bytes("stall"), "application/pdf", delay=1.0)
    with build_client(fast_settings(read_timeout=0.3)) as client:
        download = Downloader(client, max_bytes=1_000_000, max_seconds=30)
        with pytest.raises(httpx.ReadTimeout):  # not TooSlow, which is never retried
            download(Request(host.url("/stall.pdf")))
