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


_KNOWN = {"name", "start", "agency", "division", "list_url_template", "page_size", "allow", "max_pages"}
_KNOWN |= {"list_method", "list_form", "list_json", "discover_pages", "origin"}


def _discovery_fields(table: dict, where: str) -> dict:
    """The keys of POST/JSON list endpoints, home-page discovery and the catalogue's origin."""
    method = str(table.get("list_method", "GET")).upper()
    if method not in ("GET", "POST"):
        raise SourceError(f"{where}: 'list_method' must be \"GET\" or \"POST\"")
    form, body = table.get("list_form", {}), table.get("list_json")
    if not isinstance(form, dict) or not all(isinstance(v, str | int) for v in form.values()):
        raise SourceError(f"{where}: 'list_form' must be a table of strings or integers")
    if body is not None and not isinstance(body, dict | list):
        raise SourceError(f"{where}: 'list_json' must be a table or an array")
    if (form or body is not None) and "list_url_template" not in table:
        raise SourceError(f"{where}: 'list_form'/'list_json' need a 'list_url_template'")
    if form and body is not None:
        raise SourceError(f"{where}: give 'list_form' or 'list_json', not both")
    pages = table.get("discover_pages", 20)
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 1:
        raise SourceError(f"{where}: 'discover_pages' must be a positive integer")
    origin = table.get("origin")
    if origin is not None and not isinstance(origin, str):
        raise SourceError(f"{where}: 'origin' must be a string")
    return {
        # A form or a JSON body means POST even where the method is not written.
        "list_method": "POST" if form or body is not None else method,
        "list_form": tuple((str(k), str(v)) for k, v in form.items()),
        "list_json": json.dumps(body, ensure_ascii=False) if body is not None else None,
        "discover_pages": pages,
        "origin": origin,
    }


def _source_from_table(table: dict, where: str) -> Source:
    unknown = set(table) - _KNOWN
    if unknown:
        raise SourceError(f"{where}: unknown field(s) {sorted(unknown)}; known: {sorted(_KNOWN)}")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourceError(f"{where}: 'name' must be a non-empty string")
    start = table.get("start")
    if isinstance(start, str):
        start = [start]
    if not start or not all(isinstance(u, str) and urlsplit(u).scheme in ("http", "https") for u in start):
        raise SourceError(f"{where} ({name}): 'start' must be a list of http(s) URLs")
    template = table.get("list_url_template")
    if template is not None and urlsplit(template).scheme not in ("http", "https"):
        raise SourceError(f"{where} ({name}): 'list_url_template' must be an http(s) URL")
    allow = tuple(table.get("allow", ()))
    for pattern in allow:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SourceError(f"{where} ({name}): bad 'allow' pattern {pattern!r}: {exc}") from exc
    for key in ("page_size", "max_pages"):
        if key in table and (not isinstance(table[key], int) or table[key] < 1):
            raise SourceError(f"{where} ({name}): '{key}' must be a positive integer")
    urls = list(start) + ([template] if template else [])
    return Source(
        name=name.strip(),
        start=tuple(start),
        agency=table.get("agency"),
        division=table.get("division"),
        list_url_template=template,
        page_size=table.get("page_size", 15),
        allow=allow,
        max_pages=table.get("max_pages", 50),
        hosts=frozenset(urlsplit(u).netloc.lower() for u in urls),
        **_discovery_fields(table, f"{where} ({name})"),
    )


def parse_sources(text: str, where: str = "<sources>") -> list[Source]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{where}: not valid TOML: {exc}") from exc
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        raise SourceError(f"{where}: no [[source]] tables")
    sources = [_source_from_table(t, f"{where} [[source]] #{i + 1}") for i, t in enumerate(tables)]
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SourceError(f"{where}: duplicate source name(s) {dupes}")
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
            raise SourceError(f"{f}: cannot read: {exc}") from exc
        sources.extend(parse_sources(text, str(f)))
    return sources
