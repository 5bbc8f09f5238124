"""Read the sources file: which portals to crawl and how their lists paginate.

A sources file is TOML with one ``[[source]]`` table per portal::

    [[source]]
    name = "淮安市人民政府"
    start = ["http://host/xxgk/xxgknb/index.html"]
    agency = "淮安市人民政府"      # optional: the portal publishes for one agency only
    division = "江苏省淮安市"       # optional: where the portal's agencies sit
    list_url_template = "http://host/api?startrecord={start}&endrecord={end}&perpage={size}"
    page_size = 15
    allow = ["regex", ...]          # extra URL patterns the crawl may follow
    max_pages = 50

A list endpoint may want a POST (Hanweb jpage ``dataproxy.jsp``), and ``start`` may be a
portal's home page (the crawl then looks for its 年报 list pages)::

    list_method = "POST"
    list_form = { col = "1", webid = "1", columnid = "4122", unitid = "35678" }
    list_json = { pageNo = "{page}", pageSize = "{size}" }   # or a JSON body instead
    discover_pages = 20             # pages a home page's exploration may read
    origin = "where the address came from"
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


class SourceError(ValueError):
    """A sources file that cannot be used, with the file and the field named."""


@dataclass(frozen=True)
class Source:
    name: str
    start: tuple[str, ...]
    agency: str | None = None
    division: str | None = None
    list_url_template: str | None = None
    page_size: int = 15
    allow: tuple[str, ...] = ()
    max_pages: int = 50
    hosts: frozenset[str] = field(default=frozenset())
    # -- list endpoints by POST, discovery from a home page (see _discovery_fields) --
    list_method: str = "GET"
    list_form: tuple[tuple[str, str], ...] = ()
    list_json: str | None = None  # the JSON body's text
    discover_pages: int = 20
    origin: str | None = None

    def allows(self, url: str) -> bool:
        """A link may be followed when it is on one of the source's hosts or matches `allow`."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if parts.netloc.lower() in self.hosts:
            return True
        return any(re.search(pattern, url) for pattern in self.allow)


_KNOWN = ("name", "start", "agency", "division", "list_url_template", "page_size", "allow", "max_pages",
          "list_method", "list_form", "list_json", "discover_pages", "origin")
_HEADER = re.compile(r"^\s*\[\[\s*source\s*\]\]", re.MULTILINE)


class _Lines:
    """Line numbers in a sources file, for errors that name the line to fix."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.headers = [m.start() for m in _HEADER.finditer(text)]

    def _line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def of(self, index: int, key: str | None = None) -> int:
        """The line of `key` in the index-th [[source]] table (its header when not found)."""
        if index >= len(self.headers):
            return 1
        start = self.headers[index]
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.text)
        if key is not None:
            pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
            found = pattern.search(self.text, start, end)
            if found:
                return self._line(found.start())
        return self._line(start)


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _discovery_fields(table: dict, fail) -> dict:
    """The keys of POST/JSON list endpoints, home-page discovery and the catalogue's origin."""
    method = str(table.get("list_method", "GET")).upper()
    if method not in ("GET", "POST"):
        raise fail("list_method", "'list_method' must be \"GET\" or \"POST\"")
    form, body = table.get("list_form", {}), table.get("list_json")
    if not isinstance(form, dict) or not all(isinstance(v, str | int) for v in form.values()):
        raise fail("list_form", "'list_form' must be a table of strings or integers")
    if body is not None and not isinstance(body, dict | list):
        raise fail("list_json", "'list_json' must be a table or an array")
    if (form or body is not None) and "list_url_template" not in table:
        raise fail("list_form" if form else "list_json", "'list_form'/'list_json' need a 'list_url_template'")
    if form and body is not None:
        raise fail("list_json", "give 'list_form' or 'list_json', not both")
    pages = table.get("discover_pages", 20)
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 1:
        raise fail("discover_pages", "'discover_pages' must be a positive integer")
    origin = table.get("origin")
    if origin is not None and not isinstance(origin, str):
        raise fail("origin", "'origin' must be a string")
    return {
        # A form or a JSON body means POST even where the method is not written.
        "list_method": "POST" if form or body is not None else method,
        "list_form": tuple((str(k), str(v)) for k, v in form.items()),
        "list_json": json.dumps(body, ensure_ascii=False) if body is not None else None,
        "discover_pages": pages,
        "origin": origin,
    }


def _source_from_table(table: dict, index: int, where: str, lines: _Lines) -> Source:
    def fail(key: str | None, what: str) -> SourceError:
        name = table.get("name")
        label = f"[[source]] #{index + 1}" + (f" ({name})" if isinstance(name, str) and name else "")
        return SourceError(f"{where}:{lines.of(index, key)}: {label}: {what}")

    for key in table:
        if key not in _KNOWN:
            close = difflib.get_close_matches(key, _KNOWN, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(_KNOWN)}"
            raise fail(key, f"unknown key '{key}' ({hint})")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "'name' must be a non-empty string")
    start = table.get("start")
    if isinstance(start, str):
        start = [start]
    if not isinstance(start, list) or not start:
        raise fail("start", "'start' must be a list of http(s) URLs")
    for url in start:
        if not _is_http_url(url):
            raise fail("start", f"start URL {url!r} is not an http(s) URL")
    template = table.get("list_url_template")
    if template is not None and not _is_http_url(template):
        raise fail("list_url_template", f"'list_url_template' {template!r} is not an http(s) URL")
    for key in ("agency", "division"):
        if key in table and not isinstance(table[key], str):
            raise fail(key, f"'{key}' must be a string")
    allow = table.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(p, str) for p in allow):
        raise fail("allow", "'allow' must be a list of regular expressions")
    for pattern in allow:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise fail("allow", f"bad 'allow' pattern {pattern!r}: {exc}") from exc
    for key in ("page_size", "max_pages"):
        value = table.get(key)
        if key in table and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise fail(key, f"'{key}' must be a positive integer")
    urls = list(start) + ([template] if template else [])
    return Source(
        name=name.strip(),
        start=tuple(start),
        agency=table.get("agency"),
        division=table.get("division"),
        list_url_template=template,
        page_size=table.get("page_size", 15),
        allow=tuple(allow),
        max_pages=table.get("max_pages", 50),
        hosts=frozenset(urlsplit(u).netloc.lower() for u in urls),
        **_discovery_fields(table, fail),
    )


_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")


def parse_sources(text: str, where: str = "<sources>") -> list[Source]:
    """The sources of one file; a `SourceError` ``file:line: what is wrong`` otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _TOML_AT.search(message)
        line = int(at.group(1) or text.count("\n") + 1) if at else 1
        # An unclosed string or bracket is reported where the parser gave up, often the blank
        # line after it: name the last line that holds something.
        rows = text.split("\n")
        while line > 1 and (line > len(rows) or not rows[line - 1].strip()):
            line -= 1
        raise SourceError(f"{where}:{line}: not valid TOML: {_TOML_AT.sub('', message)}") from exc
    lines = _Lines(text)
    extra = sorted(set(data) - {"source"})
    if extra:
        raise SourceError(f"{where}:1: unknown top-level key(s) {extra}: each portal is a "
                          "[[source]] table")
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        raise SourceError(f"{where}:1: no [[source]] tables")
    sources = [_source_from_table(t, i, where, lines) for i, t in enumerate(tables)]
    seen: dict[str, int] = {}
    for i, source in enumerate(sources):
        if source.name in seen:
            raise SourceError(f"{where}:{lines.of(i, 'name')}: duplicate source name "
                              f"{source.name!r} (first at line {lines.of(seen[source.name], 'name')})")
        seen[source.name] = i
    return sources


def load_sources(*paths: str | Path) -> list[Source]:
    """Load one or more sources files (a directory means every ``*.toml`` in it)."""
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    if not files:
        raise SourceError(f"no sources files in {', '.join(map(str, paths))}")
    sources: list[Source] = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except OSError as exc:
            raise SourceError(f"{f}: cannot read: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            line = f.read_bytes()[: exc.start].count(b"\n") + 1
            raise SourceError(f"{f}:{line}: not UTF-8 text") from exc
        sources.extend(parse_sources(text, str(f)))
    return sources
