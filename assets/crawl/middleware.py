"""The fetcher's manners, one small middleware each (as Scrapy's downloader middlewares).

A middleware is a callable ``(request, call_next) -> Response``; `chain` nests them around
the terminal downloader in a declared order, outermost first. Each has one job, and can be
tested or removed without touching the others:

- `RedirectMiddleware`: follow 3xx itself (so robots and throttling apply to every hop), up to
  a limit;
- `RobotsMiddleware`: refuse URLs robots.txt disallows; pass Crawl-delay to the throttle;
- `ConditionalMiddleware`: store bodies in the raw store, send If-None-Match /
  If-Modified-Since from the fetch log, and answer a 304 with the stored bytes;
- `RetryMiddleware`: retry 5xx, 429, timeouts and connection failures with exponential
  backoff and jitter, honouring Retry-After;
- `ThrottleMiddleware`: per-host concurrency limit and minimum delay between requests.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from .fetch_log import FetchLog, utc_now
from .store import RawStore

log = logging.getLogger(__name__)


class Tally(Protocol):
    """Counts the fetcher reports while working for one source (see stats.SourceStats)."""

    def add(self, **counts: int) -> None: ...


@dataclass(frozen=True)
class Request:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    tally: Tally | None = None
    conditional: bool = True  # may be revalidated from the fetch log
    redirects: int = 0
    allow: Callable[[str], bool] | None = None  # where redirects may lead (the source's hosts)
    method: str = "GET"  # POST for list endpoints that want a form (Hanweb jpage dataproxy.jsp)
    body: bytes | None = None  # the POST body; its Content-Type is in `headers`


@dataclass(frozen=True)
class Response:
    url: str  # as requested (before redirects)
    final_url: str
    status: int  # 200, or 304 when the stored copy was revalidated; other codes on failure
    headers: httpx.Headers
    body: bytes
    content_type: str | None
    fetched_at: str
    filename: str | None = None  # from Content-Disposition, sanitised
    sha256: str | None = None  # set once the body is in the raw store
    bytes_downloaded: int = 0  # body bytes that crossed the wire for this response

    @property
    def not_modified(self) -> bool:
        return self.status == 304


Handler = Callable[[Request], Response]


class Middleware(Protocol):
    def __call__(self, request: Request, call_next: Handler) -> Response: ...


def chain(middlewares: Sequence[Middleware], terminal: Handler) -> Handler:
    """Nest `middlewares` (outermost first) around `terminal`."""
    handler = terminal
    for mw in reversed(middlewares):
        handler = _bind(mw, handler)
    return handler


def _bind(middleware: Middleware, call_next: Handler) -> Handler:
    def handle(request: Request) -> Response:
        return middleware(request, call_next)

    return handle


# --- errors ---------------------------------------------------------------------------------


class FetchError(Exception):
    """A URL that could not be fetched; `reason` is a short stable label for statistics."""

    reason = "error"

    def __init__(self, url: str, detail: str = "", status: int | None = None) -> None:
        self.url = url
        self.detail = detail
        self.status = status
        super().__init__(f"{url}: {self.reason}{': ' + detail if detail else ''}")


class RobotsBlocked(FetchError):
    reason = "robots_blocked"


class Oversized(FetchError):
    reason = "oversized"

    def __init__(
        self,
        url: str,
        detail: str = "",
        status: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        super().__init__(url, detail, status)
        # Validators of the oversized body: a re-crawl asks "still the same?" and, on 304,
        # knows it is still oversized without downloading it again.
        self.etag = etag
        self.last_modified = last_modified


class TooManyRedirects(FetchError):
    reason = "too_many_redirects"


class RedirectRefused(FetchError):
    reason = "redirect_refused"


class AddressNotAllowed(FetchError):
    reason = "address_refused"


class TooSlow(FetchError):
    reason = "too_slow"


class HTTPStatusFailure(FetchError):
    reason = "http_status"


class TransportFailure(FetchError):
    reason = "transport"


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


# --- redirects ------------------------------------------------------------------------------

_REDIRECTS = {301, 302, 303, 307, 308}


class RedirectMiddleware:
    def __init__(self, max_redirects: int) -> None:
        self.max_redirects = max_redirects

    def __call__(self, request: Request, call_next: Handler) -> Response:
        current = request
        while True:
            response = call_next(current)
            location = response.headers.get("location")
            if response.status not in _REDIRECTS or not location:
                return replace(response, url=request.url)
            if current.redirects >= self.max_redirects:
                raise TooManyRedirects(request.url, f"more than {self.max_redirects} redirects")
            target = urljoin(current.url, location.strip())
            scheme = urlsplit(target).scheme.lower()
            if scheme not in ("http", "https"):
                raise RedirectRefused(request.url, f"redirect to a {scheme or 'relative'}: URL")
            if current.allow is not None and not current.allow(target):
                raise RedirectRefused(
                    request.url, f"redirect to {target}, outside the source (add it to `allow`)"
                )
            log.debug("%s redirects (%d) to %s", current.url, response.status, target)
            current = replace(current, url=target, redirects=current.redirects + 1)
            if response.status in (301, 302, 303) and current.method != "GET":
                # As browsers do: the form is not sent on to where a 301/302/303 points.
                current = replace(current, method="GET", body=None, headers={
                    k: v for k, v in current.headers.items() if k.lower() != "content-type"})


# --- robots.txt -----------------------------------------------------------------------------


class RobotsMiddleware:
    """Obey robots.txt, fetched once per host (through the inner chain, so it is throttled).

    A robots.txt that is missing (4xx) or unreachable allows everything, as in Scrapy; a
    Crawl-delay is passed to `on_crawl_delay(host, seconds)` (the throttle).
    """

    def __init__(
        self, user_agent: str, on_crawl_delay: Callable[[str, float], None] | None = None
    ) -> None:
        self.user_agent = user_agent
        self.on_crawl_delay = on_crawl_delay
        self._rules: dict[str, Protego | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __call__(self, request: Request, call_next: Handler) -> Response:
        rules = self.rules_for(request, call_next)
        if rules is not None and not rules.can_fetch(request.url, self.user_agent):
            raise RobotsBlocked(request.url, "disallowed by robots.txt")
        return call_next(request)

    def rules_for(self, request: Request, call_next: Handler) -> Protego | None:
        host = host_of(request.url)
        with self._guard:
            if host in self._rules:
                return self._rules[host]
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:  # one fetch of robots.txt per host, however many threads ask
            if host in self._rules:
                return self._rules[host]
            rules = self._fetch(host, request, call_next)
            with self._guard:
                self._rules[host] = rules
            return rules

    def _fetch(self, host: str, request: Request, call_next: Handler) -> Protego | None:
        robots_url = host + "/robots.txt"
        try:
            response = call_next(Request(robots_url, tally=request.tally))
            # This sits below the redirect middleware, so follow robots.txt's own redirects
            # (http → https is common) here: up to five hops, as RFC 9309 asks.
            for _ in range(5):
                location = response.headers.get("location")
                if response.status not in _REDIRECTS or not location:
                    break
                response = call_next(
                    Request(urljoin(response.final_url, location.strip()), tally=request.tally)
                )
        except FetchError as exc:
            log.warning("%s: cannot fetch robots.txt (%s); crawling as if allowed", robots_url, exc)
            return None
        except httpx.HTTPError as exc:
            log.warning("%s: cannot fetch robots.txt (%r); crawling as if allowed", robots_url, exc)
            return None
        if response.status not in (200, 304):
            log.info("%s: robots.txt answered %d; no rules", robots_url, response.status)
            return None
        rules = Protego.parse(response.body.decode("utf-8", errors="replace"))
        delay = rules.crawl_delay(self.user_agent)
        if delay and self.on_crawl_delay:
            self.on_crawl_delay(host, float(delay))
        return rules


# --- conditional requests (HTTP cache) -------------------------------------------------------


class ConditionalMiddleware:
    """Keep every 200 body in the raw store and revalidate it next time instead of re-downloading."""

    def __init__(self, store: RawStore, fetch_log: FetchLog, enabled: bool = True) -> None:
        self.store = store
        self.fetch_log = fetch_log
        self.enabled = enabled

    def __call__(self, request: Request, call_next: Handler) -> Response:
        if request.method != "GET":
            # A POST answer depends on its form, not only its URL: stored, never revalidated.
            response = call_next(request)
            if response.status == 200:
                return replace(response, sha256=self.store.put(response.body))
            return response
        state = self.fetch_log.state(request.url) if self.enabled and request.conditional else None
        # Revalidate only what we still hold (a 304 for lost bytes is useless), or a body
        # known to be over the size cap (a 304 then spares downloading it to find out again).
        known_oversized = bool(state and state.error and state.error.startswith(Oversized.reason))
        if state and (known_oversized or (state.sha256 and self.store.exists(state.sha256))):
            headers = dict(request.headers)
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
            request = replace(request, headers=headers)
        else:
            state = None
        try:
            response = call_next(request)
        except Oversized as exc:
            self.fetch_log.update(
                request.url, etag=exc.etag, last_modified=exc.last_modified, sha256=None, size=None
            )
            raise
        if response.status == 304 and state is not None:
            if known_oversized:
                raise Oversized(
                    request.url,
                    "unchanged since found over the size cap",
                    status=304,
                    etag=state.etag,
                    last_modified=state.last_modified,
                )
            self.fetch_log.update(
                request.url, status=304, error=None, fetched_at=response.fetched_at
            )
            log.debug("%s: not modified, reusing %s", request.url, state.sha256)
            return replace(
                response,
                status=304,
                body=self.store.get(state.sha256),
                sha256=state.sha256,
                content_type=state.content_type,
                filename=response.filename or state.filename,
            )
        if response.status == 200:
            sha = self.store.put(response.body)
            self.fetch_log.update(
                request.url,
                status=200,
                final_url=response.final_url,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                sha256=sha,
                content_type=response.content_type,
                size=len(response.body),
                filename=response.filename,
                fetched_at=response.fetched_at,
                error=None,
            )
            return replace(response, sha256=sha)
        return response


# --- retries --------------------------------------------------------------------------------

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now_dt = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    return max(0.0, (when - now_dt).total_seconds())


class RetryMiddleware:
    """Retry what may pass: 5xx, 408, 429, timeouts, dropped connections.

    httpx's transport retries only failed connects, so everything else is done here. Backoff
    is ``base * 2**attempt`` capped at `backoff_max`, with "full jitter" (a random fraction)
    so that threads hitting one host do not retry in lockstep. A Retry-After is obeyed
    exactly (and shared with the throttle, so other threads on the host wait too), unless it
    exceeds `max_retry_after`, when the URL is given up.
    """

    def __init__(
        self,
        retries: int,
        backoff_base: float,
        backoff_max: float,
        max_retry_after: float,
        on_retry_after: Callable[[str, float], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.on_retry_after = on_retry_after
        self.sleep = sleep

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)

    def __call__(self, request: Request, call_next: Handler) -> Response:
        attempt = 0
        while True:
            try:
                response = call_next(request)
            except httpx.TransportError as exc:  # timeouts, refused/reset connections
                if attempt >= self.retries:
                    kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "connection"
                    raise TransportFailure(request.url, f"{kind}: {exc!r}") from exc
                delay = self.backoff(attempt)
                log.info(
                    "%s: %r; retry %d/%d in %.2fs",
                    request.url,
                    exc,
                    attempt + 1,
                    self.retries,
                    delay,
                )
            else:
                if response.status not in RETRY_STATUSES or attempt >= self.retries:
                    return response
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if retry_after is not None:
                    if retry_after > self.max_retry_after:
                        log.warning(
                            "%s: %d with Retry-After %.0fs (over %.0fs); giving up",
                            request.url,
                            response.status,
                            retry_after,
                            self.max_retry_after,
                        )
                        return response
                    delay = retry_after
                    if self.on_retry_after:
                        self.on_retry_after(host_of(request.url), retry_after)
                else:
                    delay = self.backoff(attempt)
                log.info(
                    "%s: HTTP %d; retry %d/%d in %.2fs",
                    request.url,
                    response.status,
                    attempt + 1,
                    self.retries,
                    delay,
                )
                if request.tally:
                    request.tally.add(retries=1)
            attempt += 1
            self.sleep(delay)


# --- per-host throttle ----------------------------------------------------------------------


class _HostSlot:
    def __init__(self, concurrency: int, delay: float) -> None:
        self.semaphore = threading.BoundedSemaphore(concurrency)
        self.lock = threading.Lock()
        self.delay = delay
        self.next_start = 0.0  # monotonic time before which no request may start


class ThrottleMiddleware:
    """At most `concurrency` requests in flight per host, starts at least `delay` apart."""

    def __init__(
        self,
        concurrency: int,
        delay: float,
        max_delay: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.default_delay = delay
        self.max_delay = max_delay
        self.sleep = sleep
        self._slots: dict[str, _HostSlot] = {}
        self._guard = threading.Lock()

    def _slot(self, host: str) -> _HostSlot:
        with self._guard:
            slot = self._slots.get(host)
            if slot is None:
                slot = self._slots[host] = _HostSlot(self.concurrency, self.default_delay)
            return slot

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        """Robots' Crawl-delay raises the host's gap (never lowers it below the default)."""
        slot = self._slot(host)
        with slot.lock:
            slot.delay = max(self.default_delay, min(seconds, self.max_delay))
        log.info("%s: crawl delay %.2fs", host, slot.delay)

    def defer(self, host: str, seconds: float) -> None:
        """No request to `host` starts for `seconds` (a Retry-After applies to the whole host)."""
        slot = self._slot(host)
        with slot.lock:
            slot.next_start = max(slot.next_start, time.monotonic() + seconds)

    def delay_for(self, host: str) -> float:
        return self._slot(host).delay

    def __call__(self, request: Request, call_next: Handler) -> Response:
        slot = self._slot(host_of(request.url))
        with slot.semaphore:
            with slot.lock:
                now = time.monotonic()
                start = max(now, slot.next_start)
                slot.next_start = start + slot.delay
            if start > now:
                self.sleep(start - now)
            return call_next(request)


__all__ = [
    "AddressNotAllowed",
    "ConditionalMiddleware",
    "FetchError",
    "HTTPStatusFailure",
    "Handler",
    "Middleware",
    "Oversized",
    "RedirectMiddleware",
    "RedirectRefused",
    "Request",
    "Response",
    "RetryMiddleware",
    "RobotsBlocked",
    "RobotsMiddleware",
    "Tally",
    "ThrottleMiddleware",
    "TooManyRedirects",
    "TooSlow",
    "TransportFailure",
    "chain",
    "host_of",
    "parse_retry_after",
    "utc_now",
]
