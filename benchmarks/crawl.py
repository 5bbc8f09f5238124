"""Crawl throughput, CPU per page, politeness and re-crawl cost; gongkai beside Scrapy.

    .venv/bin/python -m benchmarks crawl                 # 4 hosts × 200 reports, 50 ms latency
    .venv/bin/python -m benchmarks crawl --hosts=2 --articles=50 --latency-ms=20   # smaller

A local portal: N hosts (127.0.0.1 … 127.0.0.N, one ThreadingHTTPServer each, so each is
its own host to both crawlers) serving robots.txt, TRS list pages (index.html, index_N.html
with createPageHTML), one article page per report and its PDF attachment; every answer,
304s included, waits `latency` first. Pages carry ETag/Last-Modified. The servers count the
requests in flight per host and keep the maximum.

Each crawler runs in its own subprocess (CPU is its rusage around the crawl, imports
excluded), with the same manners: 2 requests in flight per host, no delay between starts,
robots.txt obeyed, the same User-Agent, AutoThrottle off.

- gongkai, 1 host and N hosts: pages/s (answered requests per wall second) beside the
  ceiling N × concurrency / latency; CPU seconds per page;
- gongkai re-crawl of the unchanged N-host portal: requests and bytes as a fraction of the
  first crawl (target: bytes ≤ 5 %);
- Scrapy on the same N-host portal: pages/s, CPU per page, max in flight per host.

Targets: gongkai pages per CPU second > Scrapy's; gongkai's max in flight per host ≤ 2 (and
≤ Scrapy's); N-host pages/s ≥ 80 % of the ceiling; re-crawl bytes ≤ 5 %.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

CONCURRENCY = 2  # per host, both crawlers
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
PER_LIST_PAGE = 20

# --- the portal -------------------------------------------------------------------------------


def _article_title(host: int, i: int) -> str:
    return f"测试县第{host}区第{i}局{2015 + i % 10}年政府信息公开工作年度报告"


def _list_page(host: int, page: int, pages: int, articles: int) -> bytes:
    first = page * PER_LIST_PAGE
    items = "".join(
        f'<li><a href="./art/t{i}.html" title="{_article_title(host, i)}">'
        f"{_article_title(host, i)}</a><span>2024-01-15</span></li>"
        for i in range(first, min(first + PER_LIST_PAGE, articles))
    )
    nav = "".join(f'<a href="/col/{k}.html">栏目{k}</a>' for k in range(30))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>'
        f'<body><div class="nav">{nav}</div><ul class="list">{items}</ul>'
        f'<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");'
        "</script></div></body></html>"
    ).encode()


def _article_page(host: int, i: int) -> bytes:
    title = _article_title(host, i)
    filler = "<p>根据《中华人民共和国政府信息公开条例》要求，现公布本年度报告。</p>" * 40
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<h1>{title}</h1><div class="TRS_Editor">{filler}'
        f'<p>附件：<a href="/files/r{i}.pdf">{title}.pdf</a></p></div></body></html>'
    ).encode()


def _pdf(host: int, i: int, size: int) -> bytes:
    head = f"%PDF-1.4\n% report {host}-{i}\n".encode()
    return head + b"0" * max(0, size - len(head) - 6) + b"\n%%EOF"


@dataclass
class PortalHost:
    index: int
    articles: int
    pdf_size: int
    latency: float
    routes: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0
    requests: int = 0
    bytes_sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    def build(self) -> None:
        pages = -(-self.articles // PER_LIST_PAGE)
        self.routes["/robots.txt"] = (b"User-agent: *\nDisallow: /private/\n", "text/plain")
        for p in range(pages):
            path = "/xxgk/nb/index.html" if p == 0 else f"/xxgk/nb/index_{p}.html"
            self.routes[path] = (_list_page(self.index, p, pages, self.articles), "text/html")
        for i in range(self.articles):
            self.routes[f"/xxgk/nb/art/t{i}.html"] = (_article_page(self.index, i), "text/html")
            self.routes[f"/files/r{i}.pdf"] = (
                _pdf(self.index, i, self.pdf_size),
                "application/pdf",
            )

    def reset_counts(self) -> None:
        with self.lock:
            self.in_flight = self.max_in_flight = self.requests = self.bytes_sent = 0
            self.statuses = {}

    @property
    def start_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/xxgk/nb/index.html"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        host: PortalHost = self.server.portal_host  # type: ignore[attr-defined]
        with host.lock:
            host.in_flight += 1
            host.max_in_flight = max(host.max_in_flight, host.in_flight)
        try:
            time.sleep(host.latency)
            status, body, headers = self._answer(host)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with host.lock:
                host.requests += 1
                host.bytes_sent += len(body)
                host.statuses[status] = host.statuses.get(status, 0) + 1
        finally:
            with host.lock:
                host.in_flight -= 1

    def _answer(self, host: PortalHost) -> tuple[int, bytes, dict[str, str]]:
        route = host.routes.get(self.path)
        if route is None:
            return 404, b"not found", {"Content-Type": "text/plain"}
        body, ctype = route
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if self.headers.get("If-None-Match") == etag or (
            not self.headers.get("If-None-Match")
            and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            return 304, b"", validators
        return 200, body, {"Content-Type": ctype, **validators}


class Portal:
    def __init__(self, hosts: int, articles: int, pdf_size: int, latency: float) -> None:
        self.hosts = [PortalHost(k + 1, articles, pdf_size, latency) for k in range(hosts)]
        # A server thread per host polls for shutdown: slower with many hosts, so that a
        # hundred idle polls do not take the CPU the crawl is measured on.
        self.poll_interval = 0.05 if hosts <= 8 else 0.5
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Self:
        for h in self.hosts:
            h.build()
            server = ThreadingHTTPServer((f"127.0.0.{h.index}", 0), _Handler)
            server.daemon_threads = True
            server.portal_host = h  # type: ignore[attr-defined]
            h.server = server
            t = threading.Thread(target=server.serve_forever, args=(self.poll_interval,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def __exit__(self, *exc: object) -> None:
        for h in self.hosts:
            h.server.shutdown()
            h.server.server_close()

    def reset(self) -> None:
        for h in self.hosts:
            h.reset_counts()

    def served(self, hosts: list[PortalHost]) -> dict:
        return {
            "requests": sum(h.requests for h in hosts),
            "bytes": sum(h.bytes_sent for h in hosts),
            "not_modified": sum(h.statuses.get(304, 0) for h in hosts),
            "max_in_flight": max(h.max_in_flight for h in hosts),
        }


# --- the crawlers, each run in a subprocess ----------------------------------------------------


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _child_gongkai(config: dict) -> dict:
    from gongkai.assets.crawl import CrawlSettings, LocalRawStore, crawl_sources
    from gongkai.assets.sources.config import parse_sources

    toml = "".join(
        f'[[source]]\nname = "host{k}"\nstart = ["{url}"]\nmax_pages = 1000\n\n'
        for k, url in enumerate(config["start"])
    )
    sources = parse_sources(toml)
    if "shards" in config:  # one worker of several: only the sources of its shards
        from gongkai.assets.sources.shards import Shards

        sources = Shards(sources, config["shard_count"]).sources_in(config["shards"])
    settings = CrawlSettings(
        user_agent=config["user_agent"],
        per_host_concurrency=CONCURRENCY,
        min_delay=config["delay"],
        max_workers=max(1, len(sources)),
        trust_env=False,
    )
    store = LocalRawStore(config["store"])
    cpu, wall, started = _cpu(), time.perf_counter(), time.time()
    result = crawl_sources(sources, store, settings=settings)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    total = result.stats.total
    return {
        "started": started,
        "ended": time.time(),
        "sources": len(sources),
        "wall": wall,
        "cpu": cpu,
        "documents": len(result.documents),
        "errors": len(total.errors),
    }


def _child_scrapy(config: dict) -> dict:
    import re

    import scrapy
    from scrapy.crawler import CrawlerProcess

    counts = {"documents": 0, "errors": 0}
    page_count = re.compile(r"createPageHTML\((\d+),\s*(\d+)")

    class PortalSpider(scrapy.Spider):
        name = "portal"
        start_urls = config["start"]

        def parse(self, response):
            for a in response.css("ul.list a"):
                title = a.attrib.get("title") or a.css("::text").get("")
                if "年度报告" in title:
                    yield response.follow(a.attrib["href"], callback=self.parse_article)
            m = page_count.search(response.text)
            if m and int(m.group(2)) == 0:
                for k in range(1, int(m.group(1))):
                    yield response.follow(f"index_{k}.html", callback=self.parse)

        def parse_article(self, response):
            for href in response.css("a::attr(href)").getall():
                if href.lower().endswith((".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx")):
                    yield response.follow(href, callback=self.parse_file)

        def parse_file(self, response):
            counts["documents"] += 1
            yield {"url": response.url, "size": len(response.body)}

    process = CrawlerProcess(
        settings={
            "USER_AGENT": config["user_agent"],
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
            "DOWNLOAD_DELAY": config["delay"],
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_TIMEOUT": 30,
            "RETRY_TIMES": 3,
            "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            # Scrapy 2.19 on its default asyncio reactor starts a slot's whole queue at once
            # (the download task registers as "transferring" only once it runs), so it goes
            # far past CONCURRENT_REQUESTS_PER_DOMAIN; Twisted's own reactor keeps the limit.
            "TWISTED_REACTOR": config.get("reactor")
            or "twisted.internet.epollreactor.EPollReactor",
        }
    )
    cpu, wall = _cpu(), time.perf_counter()
    process.crawl(PortalSpider)
    process.start()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {"wall": wall, "cpu": cpu, **counts}


def _child(argv: list[str]) -> int:
    which, config = argv[0], json.loads(argv[1])
    out = _child_gongkai(config) if which == "gongkai" else _child_scrapy(config)
    print("RESULT " + json.dumps(out))
    return 0


def _spawn(which: str, config: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.crawl", which, json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def _result(which: str, proc: subprocess.Popen) -> dict:
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{which} crawl failed:\n{stderr[-3000:]}")
    line = next(x for x in stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def run_sharded(portal: Portal, config: dict, shard_count: int, workers: int) -> dict:
    """Every host of the portal, its shards dealt out to `workers` processes crawling at once
    (as workers of a cluster run shard partitions): pages/s over the span from the first
    worker's start to the last one's end, and the most requests in flight on any host."""
    from gongkai.assets.sources.shards import shard_keys

    portal.reset()
    keys = shard_keys(shard_count)
    start = [h.start_url for h in portal.hosts]
    procs = [
        _spawn("gongkai", {**config, "start": start, "store": f"{config['store']}/{i}",
                           "shards": keys[i::workers], "shard_count": shard_count})
        for i in range(workers)
    ]
    results = [_result("gongkai", p) for p in procs]
    out = portal.served(portal.hosts)
    out["wall"] = max(r["ended"] for r in results) - min(r["started"] for r in results)
    out["documents"] = sum(r["documents"] for r in results)
    out["errors"] = sum(r["errors"] for r in results)
    out["sources_per_worker"] = [r["sources"] for r in results]
    out["cpu"] = sum(r["cpu"] for r in results)
    out["pages_per_s"] = out["requests"] / out["wall"]
    return out


def run_crawler(which: str, portal: Portal, hosts: list[PortalHost], config: dict) -> dict:
    portal.reset()
    config = {**config, "start": [h.start_url for h in hosts]}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = _result(which, _spawn(which, config))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["process_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out.update(portal.served(hosts))
    out["pages_per_s"] = out["requests"] / out["wall"]
    out["cpu_per_page_ms"] = 1000 * out["cpu"] / out["requests"]
    out["pages_per_cpu_s"] = out["requests"] / out["cpu"]
    return out


# --- the report -------------------------------------------------------------------------------


def _row(name: str, figure: str, target: str, ok: bool | None) -> tuple[str, str, str, str]:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    return name, figure, target, verdict


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks crawl")
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--articles", type=int, default=200, help="report articles per host")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--pdf-kb", type=int, default=40)
    parser.add_argument("--no-scrapy", action="store_true")
    parser.add_argument(
        "--scrapy-reactor",
        default="twisted.internet.epollreactor.EPollReactor",
        help="e.g. twisted.internet.asyncioreactor.AsyncioSelectorReactor (Scrapy's default)",
    )
    parser.add_argument("--shard-hosts", type=int, default=120,
                        help="hosts of the sharded run (127.0.0.1 … 127.0.0.N)")
    parser.add_argument("--shard-articles", type=int, default=24)
    parser.add_argument("--shard-latency-ms", type=float, default=1000.0)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only-shards", action="store_true", help="only the sharded run")
    args, _ = parser.parse_known_args(argv)
    sharded_rows = measure_sharded(args)
    if args.only_shards:
        return _print_rows(sharded_rows)
    latency = args.latency_ms / 1000
    ceiling_per_host = CONCURRENCY / latency
    from gongkai.assets.crawl.settings import USER_AGENT

    config = {"user_agent": USER_AGENT, "delay": 0.0}
    n = args.hosts
    print(
        f"portal: {n} hosts × ({args.articles} articles + {args.articles} PDFs of "
        f"{args.pdf_kb} kB + list pages), {args.latency_ms:.0f} ms per response; "
        f"{CONCURRENCY} in flight per host, no delay → ceiling {ceiling_per_host:.0f} pages/s per host"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (wall-clock "
        "figures suffer when other work shares the CPUs; CPU per page does not)"
    )
    rows = []
    with (
        Portal(n, args.articles, args.pdf_kb * 1000, latency) as portal,
        tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp,
    ):
        one = run_crawler("gongkai", portal, portal.hosts[:1], {**config, "store": f"{tmp}/one"})
        many = run_crawler("gongkai", portal, portal.hosts, {**config, "store": f"{tmp}/many"})
        again = run_crawler("gongkai", portal, portal.hosts, {**config, "store": f"{tmp}/many"})
        try:
            import scrapy  # noqa: F401

            have_scrapy = not args.no_scrapy
        except ImportError:
            have_scrapy = False
            print("scrapy is not installed: install with pip install -e '.[bench]' to compare")
        scrapy_one = scrapy_many = None
        if have_scrapy:
            scrapy_config = {**config, "reactor": args.scrapy_reactor}
            scrapy_one = run_crawler("scrapy", portal, portal.hosts[:1], scrapy_config)
            scrapy_many = run_crawler("scrapy", portal, portal.hosts, scrapy_config)

    expected_docs = args.articles
    print()
    head = (
        "run",
        "pages",
        "wall s",
        "pages/s",
        "CPU s",
        "CPU ms/page",
        "pages/CPU s",
        "max in flight/host",
        "docs",
    )
    table = [head]
    runs = [
        ("gongkai 1 host", one, 1),
        (f"gongkai {n} hosts", many, n),
        (f"gongkai re-crawl {n} hosts", again, n),
    ]
    if scrapy_one:
        runs += [("scrapy 1 host", scrapy_one, 1), (f"scrapy {n} hosts", scrapy_many, n)]
    for name, r, _ in runs:
        table.append(
            (
                name,
                str(r["requests"]),
                f"{r['wall']:.2f}",
                f"{r['pages_per_s']:.1f}",
                f"{r['cpu']:.2f}",
                f"{r['cpu_per_page_ms']:.2f}",
                f"{r['pages_per_cpu_s']:.0f}",
                str(r["max_in_flight"]),
                str(r["documents"]),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))

    ratio_n = many["pages_per_s"] / (n * ceiling_per_host)
    scaling = many["pages_per_s"] / one["pages_per_s"]
    rows.append(
        _row(
            "gongkai documents found (per host)",
            f"{one['documents']}",
            f"{expected_docs}",
            one["documents"] == expected_docs and many["documents"] == n * expected_docs,
        )
    )
    rows.append(
        _row(
            "gongkai 1-host pages/s ÷ ceiling",
            f"{one['pages_per_s']:.1f} / {ceiling_per_host:.0f} = {one['pages_per_s'] / ceiling_per_host:.2f}",
            "≥ 0.80",
            one["pages_per_s"] / ceiling_per_host >= 0.8,
        )
    )
    rows.append(
        _row(
            f"gongkai {n}-host pages/s ÷ (N × ceiling)",
            f"{many['pages_per_s']:.1f} / {n * ceiling_per_host:.0f} = {ratio_n:.2f}",
            "≥ 0.80",
            ratio_n >= 0.8,
        )
    )
    rows.append(_row(f"gongkai {n}-host ÷ 1-host pages/s", f"{scaling:.2f}", f"≈ {n}", None))
    rows.append(
        _row(
            "gongkai max in flight per host",
            f"{max(one['max_in_flight'], many['max_in_flight'])}",
            f"≤ {CONCURRENCY}",
            max(one["max_in_flight"], many["max_in_flight"]) <= CONCURRENCY,
        )
    )
    bytes_frac = again["bytes"] / many["bytes"]
    req_frac = again["requests"] / many["requests"]
    rows.append(
        _row(
            "re-crawl bytes ÷ first crawl",
            f"{again['bytes']} / {many['bytes']} = {bytes_frac:.2%}",
            "≤ 5%",
            bytes_frac <= 0.05,
        )
    )
    rows.append(
        _row(
            "re-crawl requests ÷ first crawl",
            f"{again['requests']} / {many['requests']} = {req_frac:.2%} ({again['not_modified']} × 304)",
            "",
            None,
        )
    )
    if scrapy_many:
        ours, theirs = many["pages_per_cpu_s"], scrapy_many["pages_per_cpu_s"]
        rows.append(
            _row(
                f"pages per CPU s, {n} hosts: gongkai ÷ scrapy",
                f"{ours:.0f} / {theirs:.0f} = {ours / theirs:.2f}",
                "> 1",
                ours > theirs,
            )
        )
        ours1, theirs1 = one["pages_per_cpu_s"], scrapy_one["pages_per_cpu_s"]
        rows.append(
            _row(
                "pages per CPU s, 1 host: gongkai ÷ scrapy",
                f"{ours1:.0f} / {theirs1:.0f} = {ours1 / theirs1:.2f}",
                "> 1",
                ours1 > theirs1,
            )
        )
        rows.append(
            _row(
                f"pages/s, {n} hosts: gongkai ÷ scrapy",
                f"{many['pages_per_s']:.1f} / {scrapy_many['pages_per_s']:.1f} = {many['pages_per_s'] / scrapy_many['pages_per_s']:.2f}",
                "",
                None,
            )
        )
        theirs_max = max(scrapy_one["max_in_flight"], scrapy_many["max_in_flight"])
        ours_max = max(one["max_in_flight"], many["max_in_flight"])
        rows.append(
            _row(
                "max in flight per host: gongkai vs scrapy",
                f"{ours_max} vs {theirs_max}",
                "gongkai ≤ scrapy",
                ours_max <= theirs_max,
            )
        )
        rows.append(
            _row(
                "process CPU s incl. start-up: gongkai vs scrapy",
                f"{many['process_cpu']:.2f} vs {scrapy_many['process_cpu']:.2f}",
                "",
                None,
            )
        )
    return _print_rows(sharded_rows + rows)


def _print_rows(rows: list[tuple[str, str, str, str]]) -> int:
    print()
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in [("figure", "value", "target", ""), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    return 0 if all(r[3] != "MISSED" for r in rows) else 1


def measure_sharded(args: argparse.Namespace) -> list[tuple[str, str, str, str]]:
    """The crawl at national breadth: many hosts, their shards dealt to worker processes."""
    from gongkai.assets.crawl.settings import USER_AGENT

    n, latency = args.shard_hosts, args.shard_latency_ms / 1000
    ceiling = n * CONCURRENCY / latency
    print(
        f"sharded: {n} hosts × ({args.shard_articles} articles + PDFs + list page), "
        f"{args.shard_latency_ms:.0f} ms per response, {args.shards} shards over "
        f"{args.workers} worker processes; ceiling {n} × {CONCURRENCY} / {latency:g} s = "
        f"{ceiling:.0f} pages/s; load average {os.getloadavg()[0]:.1f}"
    )
    with (
        Portal(n, args.shard_articles, 4_000, latency) as portal,
        tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp,
    ):
        config = {"user_agent": USER_AGENT, "delay": 0.0, "store": tmp}
        out = run_sharded(portal, config, args.shards, args.workers)
        busiest = max(h.max_in_flight for h in portal.hosts)
        idle = sum(1 for h in portal.hosts if not h.requests)
    kept = out["pages_per_s"] / ceiling
    # A host's crawl starts with robots.txt and its list page, one at a time: the most a
    # crawl of this portal can keep of the ceiling, however fast the crawler.
    per_host = out["requests"] / n
    best = per_host / (CONCURRENCY * (2 + (per_host - 2) / CONCURRENCY))
    print(
        f"  {out['requests']} pages in {out['wall']:.1f} s = {out['pages_per_s']:.0f} pages/s; "
        f"sources per worker {out['sources_per_worker']}; {out['documents']} documents, "
        f"{out['errors']} errors, {idle} hosts never asked; crawler CPU {out['cpu']:.1f} s "
        f"({1000 * out['cpu'] / out['requests']:.2f} ms a page); best possible for this "
        f"portal's shape {best:.2f}"
    )
    return [
        _row(f"{n} hosts, {args.workers} workers: pages/s ÷ (hosts × per-host ceiling)",
             f"{out['pages_per_s']:.0f} / {ceiling:.0f} = {kept:.2f}", "≥ 0.90", kept >= 0.9),
        _row(f"{n} hosts, {args.workers} workers: max in flight per host", str(busiest),
             f"≤ {CONCURRENCY}", busiest <= CONCURRENCY),
        _row(f"{n} hosts: documents found", str(out["documents"]),
             str(n * args.shard_articles), out["documents"] == n * args.shard_articles),
    ]


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] in ("gongkai", "scrapy"):
        sys.exit(_child(sys.argv[1:]))
    sys.exit(main(sys.argv[1:]))
