"""A small fixture portal on 127.0.0.1: real HTTP servers the crawl tests talk to.

`Host` is one `ThreadingHTTPServer` (port 0) serving a table of routes; each route can answer
a scripted sequence of statuses (503 then 200, 429 then 200), send validators (ETag,
Last-Modified) and honour conditional requests, so re-crawls can be measured.
"""

from __future__ import annotations

import hashlib
import io
import socket
import struct
import threading
import time
import zipfile
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


@dataclass
class Route:
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    statuses: list[int] = field(default_factory=list)  # scripted answers before the 200s
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: str | None = None
    validators: bool = True  # send ETag / Last-Modified and answer 304 when they match
    content_length: bool = True  # False: close-delimited body (no Content-Length)
    delay: float = 0.0  # seconds to wait before answering (concurrency tests)
    raw_headers: list[tuple[str, bytes]] = field(default_factory=list)  # non-ASCII header bytes
    trickle: float = 0.0  # seconds between 1 kB chunks of the body (a slow, live connection)
    header_trickle: float = 0.0  # seconds between the bytes of the status line and headers
    announced_length: int | None = None  # a Content-Length that lies about the body
    reset_after: int | None = None  # send this many body bytes, then reset the connection (RST)
    method: str = "GET"  # "POST": answers only a POST (405 to a GET), as jpage's dataproxy.jsp
    form: dict[str, str] = field(default_factory=dict)  # fields a POST must send (else 400)


@dataclass
class Hit:
    """A request the host answered, recorded before the answer is sent: a client that has
    its response can always see the hit."""

    path: str
    status: int
    headers: dict[str, str]
    at: float
    bytes_sent: int
    method: str = "GET"
    body: bytes = b""  # what a POST sent


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        host = self.server.host
        arrived = time.monotonic()
        # A proxied request names its host in the path (http://file.x.example/a.pdf): the
        # limit is counted per named host, as the crawler keeps it.
        site = urlsplit(self.path).netloc
        with host.lock:
            host.arrivals.append(self.path)
            host.in_flight += 1
            host.max_in_flight = max(host.max_in_flight, host.in_flight)
            host.in_flight_by_site[site] = host.in_flight_by_site.get(site, 0) + 1
            host.max_in_flight_by_site[site] = max(
                host.max_in_flight_by_site.get(site, 0), host.in_flight_by_site[site]
            )
        try:
            self._answer(host, arrived)
        finally:
            with host.lock:
                host.in_flight -= 1
                host.in_flight_by_site[site] -= 1

    def do_POST(self) -> None:
        self.do_GET()

    def _answer(self, host: Host, arrived: float) -> None:
        route = host.routes.get(self.path)
        headers = {k: v for k, v in self.headers.items()}
        if route is None:
            host.record(Hit(self.path, 404, headers, arrived, 9, self.command))
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        posted = b""
        if self.command == "POST":
            posted = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            sent = dict(parse_qsl(posted.decode("utf-8")))
            if route.method != "POST" or any(sent.get(k) != v for k, v in route.form.items()):
                host.record(Hit(self.path, 400, headers, arrived, 3, "POST", posted))
                self._send(400, b"bad", {"Content-Type": "text/plain"})
                return
        elif route.method != "GET":
            host.record(Hit(self.path, 405, headers, arrived, 3))
            self._send(405, b"use POST", {"Content-Type": "text/plain"})
            return
        if route.delay:
            time.sleep(route.delay)
        with host.lock:
            status = route.statuses.pop(0) if route.statuses else 200
        if status != 200:
            extra = {"Content-Type": "text/plain"}
            if route.retry_after is not None:
                extra["Retry-After"] = route.retry_after
            if status in (301, 302, 303, 307, 308):
                extra["Location"] = route.headers.get("Location", "/")
            host.record(Hit(self.path, status, headers, arrived, 4, self.command, posted))
            self._send(status, b"busy", extra)
            return
        etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED} if route.validators else {}
        if route.validators and (
            self.headers.get("If-None-Match") == etag
            or (
                not self.headers.get("If-None-Match")
                and self.headers.get("If-Modified-Since") == LAST_MODIFIED
            )
        ):
            host.record(Hit(self.path, 304, headers, arrived, 0))
            self._send(304, b"", validators)
            return
        extra = dict(route.headers)
        if route.content_type:
            extra["Content-Type"] = route.content_type
        extra.update(validators)
        host.record(Hit(self.path, 200, headers, arrived, len(route.body), self.command, posted))
        if route.reset_after is not None:
            self._send_and_reset(route.body, extra, route.reset_after)
            return
        if route.announced_length is not None:
            extra["Content-Length"] = str(route.announced_length)
            self.close_connection = True
            self._send(200, route.body, extra, False, route.raw_headers, route.trickle, close=False)
            return
        if route.header_trickle:
            self._trickle_headers(route.body, extra, route.header_trickle)
            return
        self._send(200, route.body, extra, route.content_length, route.raw_headers, route.trickle)

    def _trickle_headers(self, body: bytes, headers: dict[str, str], gap: float) -> None:
        """A slow-loris that never gets past its headers: one byte, a pause, the next byte."""
        head = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\n\r\n"
        self.close_connection = True
        try:
            for byte in head.encode("latin-1"):
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(gap)
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on it: that is the point

    def _send_and_reset(self, body: bytes, headers: dict[str, str], after: int) -> None:
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:after])
        self.wfile.flush()
        # SO_LINGER 0: close() sends a RST instead of a FIN, as a crashed server or proxy does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        content_length: bool = True,
        raw_headers: list[tuple[str, bytes]] = (),
        trickle: float = 0.0,
        close: bool = True,
    ) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        for k, raw in raw_headers:
            # http.server encodes header values as latin-1: this puts the raw bytes on the wire.
            self.send_header(k, raw.decode("latin-1"))
        if content_length:
            self.send_header("Content-Length", str(len(body)))
        elif close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if status != 304 and body:
            try:
                if trickle:
                    for i in range(0, len(body), 1024):
                        self.wfile.write(body[i : i + 1024])
                        self.wfile.flush()
                        time.sleep(trickle)
                    return
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler hung up on an oversized body: that is the point


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    host: Host


class Host:
    """One HTTP server on 127.0.0.1 with its routes and a log of the requests it answered."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []  # answered requests
        self.arrivals: list[str] = []  # paths of requests as they arrive (before any delay)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.in_flight_by_site: dict[str, int] = {}
        self.max_in_flight_by_site: dict[str, int] = {}
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.host = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def record(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)

    def hits_for(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def start(self) -> Host:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- documents ------------------------------------------------------------------------------


def pdf_bytes(label: str, pad: int = 0) -> bytes:
    return b"%PDF-1.4\n% " + label.encode("utf-8") + b"\n" + b"0" * pad + b"\n%%EOF\n"


def docx_bytes(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document><w:body>{text}</w:body></w:document>")
    return buf.getvalue()


REPORT_BODY = """<p>一、总体情况</p><p>（一）主动公开 本年共主动公开政府信息120条。</p>
<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>0</td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>"""


def html_page(title: str, body: str, charset: str = "utf-8", extra_head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}">'
        f'<meta name="ArticleTitle" content="{title}">{extra_head}'
        f"<title>{title}_卫辉市人民政府</title></head><body>"
        '<div class="nav"><a href="/">首页</a><a href="/xxgk/">主动公开</a>'
        '<a href="/ysq/">依申请公开</a></div>'
        f'<h1>{title}</h1><div class="TRS_Editor">{body}</div></body></html>'
    )


def list_page(entries: list[tuple[str, str]], footer: str = "") -> str:
    items = "".join(
        f'<li><a href="{href}" title="{title}">{title[:18]}…</a><span>2024-01-15</span></li>'
        for href, title in entries
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>'
        f'<body><ul class="list">{items}</ul>{footer}</body></html>'
    )


@dataclass
class FixturePortal:
    """Two hosts: `a` a county portal built with TRS, `b` a department portal with ?page=N
    lists and a jpage ``dataproxy.jsp`` endpoint. `expected` maps each report URL that must
    be recorded to its title."""

    a: Host
    b: Host
    expected: dict[str, str]
    oversized_url: str
    robots_blocked_url: str
    lookalike_urls: list[str]

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()


GBK_TITLE = "卫辉市教育局2023年政府信息公开工作年度报告"
GBK_ATTACHMENT_NAME = "水利局2022年政府信息公开工作年度报告（正式版）.docx"


def build_portal(crawl_delay: str = "0.01", retry_after: str = "1") -> FixturePortal:
    a, b = Host().start(), Host().start()
    expected: dict[str, str] = {}

    # ---- host A: TRS lists index.html, index_1.html, index_2.html (createPageHTML) --------
    a.routes["/robots.txt"] = Route(
        f"User-agent: *\nDisallow: /private/\nCrawl-delay: {crawl_delay}\n".encode(), "text/plain"
    )
    footer = '<div class="page"><script>createPageHTML(3, {cur}, "index", "html");</script></div>'
    a.routes["/xxgk/nb/index.html"] = Route(
        list_page(
            [
                ("./202401/t20240115_1.html", "卫辉市应急管理局2023年政府信息公开工作年度报告"),
                ("./202401/t20240116_2.html", "卫辉市应急管理局2023年政府信息公开工作年度报告解读"),
                ("/private/t20240101_9.html", "卫辉市财政局2023年政府信息公开工作年度报告"),
            ],
            footer.format(cur=0),
        ).encode()
    )
    a.routes["/xxgk/nb/index_1.html"] = Route(
        list_page(
            [
                ("./202401/t20240117_3.html", GBK_TITLE),
                ("./202401/t20240118_4.html", "卫辉市水利局2022年政府信息公开工作年度报告"),
            ],
            footer.format(cur=1),
        ).encode()
    )
    a.routes["/xxgk/nb/index_2.html"] = Route(
        list_page(
            [
                ("./202401/t20240119_5.html", "卫辉市卫生健康委员会2023年政府信息公开工作年度报告"),
                (b.url("/art/2024/1/1/art_99.html"), "卫辉市外站2023年政府信息公开工作年度报告"),
            ],
            footer.format(cur=2),
        ).encode()
    )

    # An article whose body is the report, with its PDF as well: two documents.
    t = "卫辉市应急管理局2023年政府信息公开工作年度报告"
    a.routes["/xxgk/nb/202401/t20240115_1.html"] = Route(
        html_page(
            t, REPORT_BODY + '<p>附件：<a href="/files/yjj2023.pdf">应急管理局年报.pdf</a></p>'
        ).encode()
    )
    a.routes["/files/yjj2023.pdf"] = Route(pdf_bytes("yjj2023"), "application/pdf")
    expected[a.url("/xxgk/nb/202401/t20240115_1.html")] = t
    expected[a.url("/files/yjj2023.pdf")] = t
    # The look-alike: never opened, never recorded.
    a.routes["/xxgk/nb/202401/t20240116_2.html"] = Route(
        html_page("卫辉市应急管理局2023年政府信息公开工作年度报告解读", "<p>解读</p>").encode()
    )
    a.routes["/private/t20240101_9.html"] = Route(html_page("x", REPORT_BODY).encode())

    # A GBK page that declares gb2312 and holds 镕 (outside GB2312).
    gbk_html = html_page(GBK_TITLE, REPORT_BODY + "<p>联系人：王镕</p>", charset="gb2312")
    a.routes["/xxgk/nb/202401/t20240117_3.html"] = Route(gbk_html.encode("gbk"), "text/html")
    expected[a.url("/xxgk/nb/202401/t20240117_3.html")] = GBK_TITLE

    # An article that only links its report: a download.jsp answering octet-stream with a
    # raw-GBK Content-Disposition file name. The page itself is no document.
    a.routes["/xxgk/nb/202401/t20240118_4.html"] = Route(
        html_page(
            "卫辉市水利局2022年政府信息公开工作年度报告",
            '<p>详见附件：<a href="/attach/download.jsp?id=7">点击下载</a></p>',
        ).encode()
    )
    a.routes["/attach/download.jsp?id=7"] = Route(
        docx_bytes("水利局年报"),
        "application/octet-stream",
        raw_headers=[
            (
                "Content-Disposition",
                b'attachment; filename="' + GBK_ATTACHMENT_NAME.encode("gbk") + b'"',
            )
        ],
    )
    expected[a.url("/attach/download.jsp?id=7")] = GBK_ATTACHMENT_NAME.removesuffix(".docx")

    # An article with an oversized PDF (no Content-Length: the stream is cut) and a PDF that
    # answers 503 once, then 200.
    t = "卫辉市卫生健康委员会2023年政府信息公开工作年度报告"
    a.routes["/xxgk/nb/202401/t20240119_5.html"] = Route(
        html_page(
            t,
            '<p><a href="/files/wjw2023.pdf">年报全文.pdf</a></p>'
            '<p><a href="/files/wjw2023-scan.pdf">扫描件.pdf</a></p>'
            '<p><a href="/files/wjw2023-tujie.pdf">图解.pdf</a></p>',
        ).encode()
    )
    a.routes["/files/wjw2023.pdf"] = Route(pdf_bytes("wjw2023"), "application/pdf", statuses=[503])
    a.routes["/files/wjw2023-scan.pdf"] = Route(
        pdf_bytes("scan", pad=300_000), "application/pdf", content_length=False
    )
    a.routes["/files/wjw2023-tujie.pdf"] = Route(pdf_bytes("tujie"), "application/pdf")
    expected[a.url("/files/wjw2023.pdf")] = t
    b.routes["/art/2024/1/1/art_99.html"] = Route(html_page("外站", REPORT_BODY).encode())

    # ---- host B: ?page=N lists with 下一页/尾页, and a dataproxy.jsp endpoint --------------
    def paged(n: int, entries: list[tuple[str, str]]) -> bytes:
        nav = ""
        if n < 3:
            nav += f'<a href="/col/list.jsp?page={n + 1}">下一页</a><a href="/col/list.jsp?page=3">尾页</a>'
        return list_page(entries, f'<div class="pages">{nav}</div>').encode()

    b.routes["/col/list.jsp?page=1"] = Route(
        paged(
            1,
            [("/art/2024/1/10/art_1.html", "卫辉市发展和改革委员会2023年政府信息公开工作年度报告")],
        )
    )
    b.routes["/col/list.jsp?page=2"] = Route(
        paged(
            2,
            [
                (
                    "/art/2023/3/1/art_2.html",
                    "卫辉市发展和改革委员会2022年政府信息公开工作年度报告（更正）",
                )
            ],
        )
    )
    b.routes["/col/list.jsp?page=3"] = Route(
        paged(3, [("/art/2022/1/20/art_3.html", "2021年政府信息公开工作年度报告")])
    )
    for path, title in (
        ("/art/2024/1/10/art_1.html", "卫辉市发展和改革委员会2023年政府信息公开工作年度报告"),
        (
            "/art/2023/3/1/art_2.html",
            "卫辉市发展和改革委员会2022年政府信息公开工作年度报告（更正）",
        ),
        ("/art/2022/1/20/art_3.html", "2021年政府信息公开工作年度报告"),
    ):
        b.routes[path] = Route(html_page(title, REPORT_BODY).encode())
        expected[b.url(path)] = title
    # The correction answers 429 first, with a Retry-After.
    b.routes["/art/2023/3/1/art_2.html"].statuses = [429]
    b.routes["/art/2023/3/1/art_2.html"].retry_after = retry_after

    # dataproxy.jsp: 3 records, 2 per page, XML with CDATA; no validators (a dynamic endpoint).
    records = [
        ("/art/2024/2/1/art_11.html", "卫辉市统计局2023年政府信息公开工作年度报告"),
        ("/art/2024/2/2/art_12.html", "卫辉市统计局2023年政府信息公开工作年度报告图解"),
        ("/art/2023/2/1/art_13.html", "卫辉市统计局2022年政府信息公开年报"),
    ]
    for page, chunk in ((1, records[:2]), (2, records[2:])):
        start = (page - 1) * 2 + 1
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[]]></nextgroup>'
            "<recordset>"
            + "".join(
                f'<record><![CDATA[<li><a href="{h}" title="{t}" target="_blank">{t}</a></li>]]></record>'
                for h, t in chunk
            )
            + "</recordset><totalrecord>3</totalrecord></datastore>"
        )
        path = f"/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 1}&perpage=2&columnid=7"
        b.routes[path] = Route(xml.encode(), "text/xml;charset=UTF-8", validators=False)
    b.routes["/col/col7/index.html"] = Route(
        list_page([], '<div id="div7"></div><script src="/js/jpage.js"></script>').encode()
    )
    t = "卫辉市统计局2023年政府信息公开工作年度报告"
    b.routes["/art/2024/2/1/art_11.html"] = Route(
        html_page(t, '<a href="/picture/0/tjj2023.pdf">附件</a>').encode()
    )
    b.routes["/picture/0/tjj2023.pdf"] = Route(pdf_bytes("tjj2023"), "application/pdf")
    expected[b.url("/picture/0/tjj2023.pdf")] = t
    b.routes["/art/2024/2/2/art_12.html"] = Route(html_page(records[1][1], "<img src=x>").encode())
    b.routes["/art/2023/2/1/art_13.html"] = Route(html_page(records[2][1], REPORT_BODY).encode())
    expected[b.url("/art/2023/2/1/art_13.html")] = records[2][1]

    return FixturePortal(
        a=a,
        b=b,
        expected=expected,
        oversized_url=a.url("/files/wjw2023-scan.pdf"),
        robots_blocked_url=a.url("/private/t20240101_9.html"),
        lookalike_urls=[
            a.url("/xxgk/nb/202401/t20240116_2.html"),
            b.url("/art/2024/2/2/art_12.html"),
            a.url("/files/wjw2023-tujie.pdf"),
        ],
    )
