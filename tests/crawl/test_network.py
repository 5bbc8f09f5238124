"""The network layer under httpx: one deadline per response (connect, headers, body) and
connections only to public addresses unless the address itself was named."""

from __future__ import annotations

import time

import httpx
import pytest

from gongkai.assets.crawl.addresses import PublicAddressesOnly, is_public
from gongkai.assets.crawl.fetch import Downloader, Fetcher, build_client
from gongkai.assets.crawl.fetch_log import FetchLog
from gongkai.assets.crawl.middleware import AddressNotAllowed, Request, TooSlow
from gongkai.assets.crawl.store import LocalRawStore

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


def test_public_addresses_are_told_from_the_rest():
    assert is_public("202.96.128.86") and is_public("2400:3200::1")
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.4", "169.254.169.254",
                    "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1"):
        assert not is_public(address), address


def _fetcher(tmp_path, resolver, **settings):
    """A real Fetcher whose DNS answers from `resolver` (the one thing a test cannot run)."""
    fetcher = Fetcher(LocalRawStore(tmp_path / "raw"), FetchLog(tmp_path / "log.sqlite"),
                      fast_settings(**settings))
    pool = fetcher.client._transport._pool
    pool._network_backend._resolve = resolver
    return fetcher


def test_a_portal_name_resolving_to_a_private_address_is_refused_once(tmp_path, host):
    host.routes["/nb/report.pdf"] = Route(pdf_bytes("secret"), "application/pdf")
    lookups: list[str] = []

    def rebinding_dns(name: str, port: int) -> list[str]:
        lookups.append(name)
        return ["127.0.0.1"]

    url = f"http://portal.example.gov.cn:{host.base.rsplit(':', 1)[1]}/nb/report.pdf"
    with _fetcher(tmp_path, rebinding_dns, obey_robots=False) as fetcher:
        assert isinstance(fetcher.client._transport._pool._network_backend, PublicAddressesOnly)
        with pytest.raises(AddressNotAllowed, match="non-public addresses .127.0.0.1."):
            fetcher.fetch(url)
        state = fetcher.fetch_log.state(url)
    assert state.error.startswith("address_refused")
    assert host.arrivals == [] and lookups == ["portal.example.gov.cn"]  # not retried


def test_a_named_address_is_connected_to(tmp_path, host):
    host.routes["/nb/report.pdf"] = Route(pdf_bytes("open"), "application/pdf")
    port = host.base.rsplit(":", 1)[1]
    with _fetcher(tmp_path, lambda name, p: ["127.0.0.1"], obey_robots=False) as fetcher:
        assert fetcher.fetch(host.url("/nb/report.pdf")).status == 200  # 127.0.0.1 as written
        assert fetcher.fetch(f"http://localhost:{port}/nb/report.pdf").status == 200


def test_intranet_portals_turn_the_address_check_off():
    with build_client(fast_settings(allow_private_addresses=True)) as client:
        backend = client._transport._pool._network_backend
    assert not isinstance(backend, PublicAddressesOnly)


@pytest.fixture
def proxy_env(monkeypatch):
    """A clean proxy environment (CI machines may carry their own)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_the_environment_proxy_carries_the_crawl_and_no_proxy_hosts_go_direct(tmp_path, host,
                                                                             proxy_env):
    # The loopback host plays the proxy: a proxied GET arrives with the absolute URL.
    report = "http://portal.example.gov.cn/nb/report.pdf"
    host.routes[report] = Route(pdf_bytes("via proxy"), "application/pdf")
    host.routes["/direct.pdf"] = Route(pdf_bytes("direct"), "application/pdf")
    proxy_env.setenv("HTTP_PROXY", host.base)
    proxy_env.setenv("NO_PROXY", "127.0.0.1")
    with Fetcher(LocalRawStore(tmp_path / "raw"), FetchLog(tmp_path / "log.sqlite"),
                 fast_settings(obey_robots=False, trust_env=True)) as fetcher:
        assert fetcher.fetch(report).body == pdf_bytes("via proxy")  # no DNS: the proxy's job
        assert fetcher.fetch(host.url("/direct.pdf")).status == 200
    assert host.arrivals == [report, "/direct.pdf"]


def test_the_proxy_is_not_used_when_the_environment_is_not_trusted(tmp_path, host, proxy_env):
    proxy_env.setenv("HTTP_PROXY", host.base)
    with build_client(fast_settings(trust_env=False)) as client:
        assert not client._mounts
