"""Serve the demo site locally: one HTTP server per host directory of ``demo/site``.

    with serve_demo() as bases:          # {"city": "http://127.0.0.1:47301", "county": "...:47302"}
        sources = parse_sources(render_sources(bases))

Each server behaves like the portals it imitates, in the ways a crawler notices: Content-Type by
file type (overridable per file in ``<host>/_headers.json``, e.g. a DOCX sent as
application/octet-stream with a Chinese ``Content-Disposition`` name, or a GBK page whose header
names no charset), ETag / Last-Modified with 304 answers, ``?page=N`` list pages (served from
``index_pN.html``), robots.txt, and 404 for anything else.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
SOURCES = HERE / "sources.toml"
# The demo's hosts serve on DEMO_PORT, DEMO_PORT + 1, … (in name order) where those are free, so
# a second `gongkai demo` finds its documents at the same URLs (revalidated, HTTP 304).
DEMO_PORT = 47301

_TYPES = {".html": "text/html; charset=utf-8", ".shtml": "text/html; charset=utf-8",
          ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".json": "application/json", ".jpg": "image/jpeg", ".png": "image/png"}


class _Handler(BaseHTTPRequestHandler):
    root: Path  # the host's directory, set on the per-host subclass
    overrides: dict[str, dict[str, str]]
    server_version = "TRS WCM/7.0"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _resolve(self) -> tuple[str, Path | None]:
        """The URL path (for header overrides) and the file that answers it, if any."""
        parts = urlsplit(self.path)
        path = unquote(parts.path, encoding="utf-8")
        if path.endswith("/"):
            path += "index.html"
        file_path = path
        page = parse_qs(parts.query).get("page", [""])[0]
        if page.isdigit() and int(page) > 1:  # county CMS lists: index.html?page=N
            file_path = re.sub(r"(\.[a-z]+)$", rf"_p{int(page)}\1", path)
        if any(seg.startswith((".", "_")) for seg in file_path.split("/")):
            return path, None  # build metadata such as _headers.json is not part of the site
        target = (self.root / file_path.lstrip("/")).resolve()
        if not target.is_file() or not target.is_relative_to(self.root):
            return path, None
        return path, target

    def _serve(self, body: bool) -> None:
        path, target = self._resolve()
        if target is None:
            data = "<html><body><h1>404 页面不存在</h1></body></html>".encode()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)
            return
        data = target.read_bytes()
        etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
        mtime = int(target.stat().st_mtime)
        if self._not_modified(etag, mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
            self.end_headers()
            return
        headers = {"Content-Type": _TYPES.get(target.suffix.lower(), "application/octet-stream")}
        headers.update(self.overrides.get(path, {}))
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # If-None-Match wins over If-Modified-Since (RFC 9110)
            return inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return mtime <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False


def _handler_for(host_dir: Path) -> type[_Handler]:
    overrides_file = host_dir / "_headers.json"
    overrides = json.loads(overrides_file.read_text(encoding="utf-8")) if overrides_file.exists() else {}
    return type(f"Handler_{host_dir.name}", (_Handler,), {"root": host_dir.resolve(), "overrides": overrides})


def _bind(port: int, handler: type[_Handler]) -> ThreadingHTTPServer:
    """A server on 127.0.0.1:`port`, or on a free port when that one is taken (or is 0)."""
    if port:
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as exc:
            log.info("demo port %d is taken (%s); using a free port", port, exc.strerror)
    return ThreadingHTTPServer(("127.0.0.1", 0), handler)


@contextmanager
def serve_demo(site_root: str | Path | None = None, port: int = DEMO_PORT) -> Iterator[dict[str, str]]:
    """Serve each host directory of the site on 127.0.0.1 until the block ends: on `port`,
    `port` + 1, … where free (a free port otherwise; ``port=0``: free ports only).

    Yields host name -> base URL without a trailing slash, e.g. {"city": "http://127.0.0.1:47301"}.
    """
    root = Path(site_root) if site_root else SITE
    hosts = sorted(p for p in root.iterdir() if p.is_dir())
    if not hosts:
        raise FileNotFoundError(f"{root}: no host directories to serve (run python -m demo.build)")
    servers: dict[str, ThreadingHTTPServer] = {}
    try:
        for number, host_dir in enumerate(hosts):
            server = _bind(port + number if port else 0, _handler_for(host_dir))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, name=f"demo-{host_dir.name}", daemon=True).start()
            servers[host_dir.name] = server
        bases = {name: f"http://127.0.0.1:{s.server_address[1]}" for name, s in servers.items()}
        log.info("demo portals: %s", bases)
        yield bases
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


def render_sources(bases: Mapping[str, str], template: str | Path = SOURCES) -> str:
    """The demo sources file with each {host} placeholder replaced by that host's base URL."""
    text = Path(template).read_text(encoding="utf-8")

    def fill(m: re.Match[str]) -> str:
        if m.group(1) not in bases:
            raise KeyError(f"{template}: no base URL for {{{m.group(1)}}}; have {sorted(bases)}")
        return bases[m.group(1)].rstrip("/")

    return re.sub(r"\{(\w+)\}", fill, text)
