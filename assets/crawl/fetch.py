"""The polite fetcher: httpx at the bottom, the manners of `middleware` stacked on top.

    Fetcher.fetch(url) ─ Redirect ─ Robots ─ Conditional ─ Retry ─ Throttle ─ download()

`download` streams the body and stops at the size cap; everything it does not follow
(3xx) or retry (5xx, 429, timeouts) is the middlewares' job. The outcome of every call is
written to the fetch log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

import httpcore
import httpx
from httpx._utils import get_environment_proxies  # what httpx.Client itself reads

from .addresses import AddressRefused, PublicAddressesOnly
from .deadline import DeadlineBackend, deadline_passed, response_deadline
from .fetch_log import FetchLog, utc_now
from .filenames import filename_from_content_disposition
from .middleware import (
    AddressNotAllowed,
    ConditionalMiddleware,
    FetchError,
    HTTPStatusFailure,
    Oversized,
    RedirectMiddleware,
    Request,
    Response,
    RetryMiddleware,
    RobotsMiddleware,
    Tally,
    ThrottleMiddleware,
    TooSlow,
    TransportFailure,
    chain,
)
from .settings import CrawlSettings
from .store import RawStore

log = logging.getLogger(__name__)


def build_client(settings: CrawlSettings) -> httpx.Client:
    """The crawl's one client: a pooled transport whose connections go through gongkai's
    network backend (the response deadline, and public addresses only), and, when
    `trust_env`, a proxied transport for each HTTP(S)_PROXY / ALL_PROXY of the environment
    (hosts in NO_PROXY go direct)."""
    # Limits must sit on the transport: Client(limits=...) is ignored once a transport is given.
    # The pool is sized for every host's slots; the throttle does the per-host limiting.
    limits = httpx.Limits(
        max_connections=settings.per_host_concurrency * max(1, settings.max_workers) * 2,
        max_keepalive_connections=settings.per_host_concurrency * max(1, settings.max_workers),
    )

    def transport(proxy: str | None = None) -> httpx.HTTPTransport:
        made = httpx.HTTPTransport(
            retries=1,  # a refused connect is retried once here, the rest by RetryMiddleware
            limits=limits, trust_env=settings.trust_env, proxy=proxy,
        )
        # A proxy was named by the operator, and it resolves the portals' names itself.
        public_only = proxy is None and not settings.allow_private_addresses
        _use_network_backend(made, _network_backend(public_only))
        return made

    # httpx reads the proxy variables only for transports it makes itself, never beside a
    # transport it is given: gongkai mounts them, with httpx's own reading of the variables.
    mounts = {}
    if settings.trust_env:
        mounts = {pattern: transport(proxy) if proxy else None
                  for pattern, proxy in get_environment_proxies().items()}
    return httpx.Client(
        transport=transport(),
        mounts=mounts,
        headers={"User-Agent": settings.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        follow_redirects=False,  # RedirectMiddleware follows, so every hop is checked
        trust_env=settings.trust_env,
    )


def _network_backend(public_only: bool) -> httpcore.NetworkBackend:
    backend = DeadlineBackend(httpcore.SyncBackend())
    return PublicAddressesOnly(backend) if public_only else backend


def _use_network_backend(transport: httpx.HTTPTransport, backend: httpcore.NetworkBackend) -> None:
    """httpx takes no network backend, but the httpcore pool it builds does: swap it in.

    (httpx 0.28 / httpcore 1.x; tests/crawl/test_network.py fails if that ever changes.)"""
    pool = getattr(transport, "_pool", None)
    if pool is None or not hasattr(pool, "_network_backend"):
        raise RuntimeError(
            "this httpx/httpcore version hides its network backend: gongkai cannot bound "
            "response times or check addresses (pin httpx 0.28 / httpcore 1.x)"
        )
    pool._network_backend = backend


def _oversized(request: Request, r: httpx.Response, detail: str) -> Oversized:
    # The validators are kept so a re-crawl can ask "changed?" instead of streaming it again.
    return Oversized(request.url, detail, status=r.status_code, etag=r.headers.get("etag"),
                     last_modified=r.headers.get("last-modified"))


@dataclass
class Downloader:
    """The terminal handler: one request (GET, or a list endpoint's POST), streamed, stopped
    at `max_bytes`."""

    client: httpx.Client
    max_bytes: int
    max_seconds: float = 300.0

    def __call__(self, request: Request) -> Response:
        # The deadline covers every wait: connecting, the headers and the body alike.
        with response_deadline(self.max_seconds):
            try:
                return self._download(request)
            except httpx.NetworkError as exc:
                if isinstance(exc.__cause__, AddressRefused):  # not retried: DNS will say the same
                    raise AddressNotAllowed(request.url, str(exc)) from exc
                raise
            except httpx.TimeoutException as exc:
                if not deadline_passed():
                    raise  # an ordinary timeout: RetryMiddleware tries again
                raise TooSlow(  # a slow-loris: alive, but never done; not retried
                    request.url, f"response not done after {self.max_seconds:.0f}s"
                ) from exc

    def _download(self, request: Request) -> Response:
        tally = request.tally
        with self.client.stream(
            request.method, request.url, headers=request.headers, content=request.body
        ) as r:
            if tally:
                tally.add(requests=1)
            declared = r.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise _oversized(request, r, f"Content-Length {declared} > {self.max_bytes}")
            body = bytearray()
            # iter_bytes decompresses: the cap applies to what we would store (gzip bombs too).
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    if tally:
                        tally.add(bytes_downloaded=r.num_bytes_downloaded)
                    raise _oversized(request, r, f"body over {self.max_bytes} bytes")
            if tally:
                tally.add(
                    bytes_downloaded=r.num_bytes_downloaded, not_modified=int(r.status_code == 304)
                )
            raw_cd = next(
                (v for k, v in r.headers.raw if k.lower() == b"content-disposition"), None
            )
            return Response(
                url=request.url,
                final_url=str(r.url),
                status=r.status_code,
                headers=r.headers,
                body=bytes(body),
                content_type=r.headers.get("content-type"),
                fetched_at=utc_now(),
                filename=filename_from_content_disposition(raw_cd),
                bytes_downloaded=r.num_bytes_downloaded,
            )


class Fetcher:
    """Fetch URLs politely; raises `FetchError` (with a `reason`) for anything but 200/304."""

    def __init__(
        self,
        store: RawStore,
        fetch_log: FetchLog,
        settings: CrawlSettings | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        """`client`: one made by `build_client` (its transport enforces the response deadline)."""
        self.settings = settings = settings or CrawlSettings()
        self.store = store
        self.fetch_log = fetch_log
        self._own_client = client is None
        self.client = client or build_client(settings)
        self.throttle = ThrottleMiddleware(
            settings.per_host_concurrency, settings.min_delay, settings.max_crawl_delay
        )
        middlewares = [RedirectMiddleware(settings.max_redirects)]
        if settings.obey_robots:
            middlewares.append(RobotsMiddleware(settings.user_agent, self.throttle.set_crawl_delay))
        middlewares += [
            ConditionalMiddleware(store, fetch_log, enabled=settings.conditional_requests),
            RetryMiddleware(
                settings.retries,
                settings.backoff_base,
                settings.backoff_max,
                settings.max_retry_after,
                on_retry_after=self.throttle.defer,
            ),
            self.throttle,
        ]
        self.middlewares = tuple(middlewares)
        self._handler = chain(
            self.middlewares,
            Downloader(self.client, settings.max_bytes, settings.max_response_time),
        )

    def fetch(
        self,
        url: str,
        *,
        tally: Tally | None = None,
        allow: Callable[[str], bool] | None = None,
        form: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded; charset=UTF-8",
    ) -> Response:
        """`allow`: where redirects may lead (a redirect elsewhere is refused). `form`: a body
        to POST (a list endpoint's form or JSON, of `content_type`); it goes through the
        same manners as a GET: robots, the per-host limit, retries."""
        request = Request(url, tally=tally, allow=allow)
        if form is not None:
            request = Request(url, tally=tally, allow=allow, method="POST", body=form,
                              headers={"Content-Type": content_type})
        try:
            response = self._handler(request)
        except FetchError as exc:
            self._log_failure(url, exc.reason, exc.detail, exc.status)
            raise
        except httpx.HTTPError as exc:  # e.g. an invalid URL or a protocol violation
            self._log_failure(url, "transport", repr(exc), None)
            raise TransportFailure(url, repr(exc)) from exc
        if response.status not in (200, 304):
            detail = f"HTTP {response.status}"
            self._log_failure(url, "http_status", detail, response.status, response.final_url)
            raise HTTPStatusFailure(url, detail, status=response.status)
        if response.final_url != url:
            # The conditional middleware keyed the body by the last hop; note where `url` led.
            self.fetch_log.update(
                url,
                status=response.status,
                final_url=response.final_url,
                sha256=response.sha256,
                content_type=response.content_type,
                size=len(response.body),
                error=None,
            )
        self.fetch_log.record_fetch(
            url,
            outcome="not_modified" if response.not_modified else "ok",
            status=response.status,
            final_url=response.final_url,
            sha256=response.sha256,
            size=len(response.body),
            bytes_downloaded=response.bytes_downloaded,
            content_type=response.content_type,
        )
        return response

    def _log_failure(
        self, url: str, outcome: str, detail: str, status: int | None, final_url: str | None = None
    ) -> None:
        log.warning("%s: %s %s", url, outcome, detail)
        self.fetch_log.update(url, status=status, error=f"{outcome}: {detail}")
        self.fetch_log.record_fetch(
            url, outcome=outcome, status=status, final_url=final_url, error=detail
        )

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
