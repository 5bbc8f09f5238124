"""A list's data endpoint: the URL (and, for POST, the form or JSON) that returns one page.

CMSes load a list's entries from an endpoint rather than printing them: Hanweb/大汉's jpage
POSTs a form to ``/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15``
(``col``, ``appid``, ``webid``, ``path``, ``columnid``, ``unitid``, ``webname`` …); others answer
JSON. The URL template and every string value of the form or JSON may hold ``{start}``
``{end}`` (1-based record numbers), ``{size}`` and ``{page}`` (1-based).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from gongkai.assets.sources.config import Source

from .pages import fill_template

_PLACEHOLDER = re.compile(r"^\{(start|end|size|page)\}$")


@dataclass(frozen=True)
class ListEndpoint:
    template: str
    page_size: int = 15
    method: str = "GET"  # "POST" when `form` or `json` is set
    form: tuple[tuple[str, str], ...] = ()  # sent form-encoded, in this order
    json: str | None = None  # a JSON body (text), sent as application/json

    def url(self, page: int) -> str:
        return fill_template(self.template, page, self.page_size)

    def body(self, page: int) -> tuple[bytes, str] | None:
        """The POST body for `page` and its Content-Type, or None for a GET endpoint."""
        if self.method != "POST":
            return None
        if self.json is not None:
            data = _fill_json(json.loads(self.json), page, self.page_size)
            return json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json"
        pairs = [(k, fill_template(v, page, self.page_size)) for k, v in self.form]
        return urlencode(pairs).encode("utf-8"), "application/x-www-form-urlencoded; charset=UTF-8"


def _fill_json(node: object, page: int, size: int) -> object:
    # A value that is only a placeholder becomes a number ({"pageNo": "{page}"} → 2).
    if isinstance(node, dict):
        return {k: _fill_json(v, page, size) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill_json(v, page, size) for v in node]
    if isinstance(node, str):
        filled = fill_template(node, page, size)
        return int(filled) if _PLACEHOLDER.match(node) else filled
    return node


def source_endpoint(source: Source) -> ListEndpoint | None:
    """The endpoint a sources file declares (`list_url_template` and its method, form, JSON)."""
    if not source.list_url_template:
        return None
    return ListEndpoint(
        template=source.list_url_template,
        page_size=source.page_size,
        method=source.list_method,
        form=source.list_form,
        json=source.list_json,
    )


@dataclass(frozen=True)
class KnownLists:
    """The list pages and endpoints a crawl found from a source's home page (kept in the
    catalog, so the next crawl starts there)."""

    pages: tuple[str, ...] = ()
    endpoints: tuple[ListEndpoint, ...] = ()


def known_key(source: Source) -> tuple[str, str]:
    """What recorded lists belong to: the source, as long as its `start` stays the same."""
    return source.name, "\n".join(source.start)
