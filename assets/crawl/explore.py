"""From a portal's home page to its 年报 list pages.

A user knows ``http://www.xxx.gov.cn/``, not the address of its 政府信息公开年报 column. The
explorer reads the home page and follows, best first and within a small page budget, the
navigation links that lead there: a column named 年报 / 年度报告 first, then 政务公开 /
政府信息公开 / 信息公开目录 (the 政府信息公开平台's directory tree). A page is a list page
when it links report titles, or when it loads its list from a jpage ``dataproxy.jsp`` whose
first page does. Look-alike columns (通知, 解读, 指南 …) are never followed, and once a list
is found only 年报 columns are (one per agency on a directory platform).
"""

from __future__ import annotations

import heapq
import html as html_lib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from gongkai.assets.files import decode_text, sniff_media

from .endpoints import ListEndpoint
from .middleware import Response
from .pages import Link, data_endpoint_links, links, page_title_candidates, parse_html
from .titles import lookalike_word, may_be_report_link, normalise_title, year_hint

log = logging.getLogger(__name__)

# Navigation labels are short; a longer anchor text is an article's title.
_MAX_LABEL = 16
_REPORT_COLUMN = re.compile(r"年报|年度报告")
_DISCLOSURE_COLUMN = re.compile(r"信息公开|政务公开|公开目录")
# Column names that hold no reports, though they name 信息公开 (制度, 规定: the rules).
_NOT_REPORTS = re.compile(r"制度|规定|申请|机构|依申请|清单|动态|新闻|邮箱|留言")

REPORT_COLUMN, DISCLOSURE_COLUMN = 0, 1
_HOME_PATH = re.compile(r"/?((index|default|main|home)\.(s?html?|jsp|php|aspx?))?", re.IGNORECASE)


def is_home_page(url: str) -> bool:
    """The root page of a site (``/``, ``/index.html``, ``/index.shtml`` …)."""
    return bool(_HOME_PATH.fullmatch(urlsplit(url).path))


def column_rank(text: str) -> int | None:
    """How likely a navigation link leads to the reports: 0 a 年报 column, 1 a disclosure
    section (政务公开, 政府信息公开, 信息公开目录), None not at all."""
    text = normalise_title(text)
    # 目录 marks a look-alike title (an index of documents), but names the platform's tree.
    if not text or len(text) > _MAX_LABEL or year_hint(text):
        return None
    if lookalike_word(text.replace("公开目录", "公开")):
        return None
    if _REPORT_COLUMN.search(text):
        return REPORT_COLUMN
    if _DISCLOSURE_COLUMN.search(text) and not _NOT_REPORTS.search(text):
        return DISCLOSURE_COLUMN
    return None


# --- Hanweb/大汉 jpage ------------------------------------------------------------------------

_DATAPROXY = re.compile(r"""["']?([^"'\s<>]*dataproxy\.jsp)(\?[^"'\s<>]*)?""", re.IGNORECASE)
_PER_PAGE = re.compile(r"perPage\s*:\s*['\"]?(\d+)", re.IGNORECASE)
_AJAX_PARAM = re.compile(r"(?:ajaxParam|param)\s*:\s*\{([^}]*)\}", re.IGNORECASE)
_JS_PAIR = re.compile(r"""['"]?(\w+)['"]?\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,\s}]+))""")
_PAGING_KEYS = {"page", "startrecord", "endrecord", "perpage"}


def jpage_endpoint(page_html: str, page_url: str) -> ListEndpoint | None:
    """The POST endpoint a Hanweb jpage list loads its entries from, or None.

    jpage pages name ``dataproxy.jsp`` (in a ``<nextgroup>`` link whose query holds the
    column's parameters, or as ``proxyUrl`` beside an ``ajaxParam`` object) and POST those
    parameters, with ``startrecord/endrecord/perpage`` in the URL.
    """
    text = html_lib.unescape(page_html)
    found = _DATAPROXY.search(text)
    if not found:
        return None
    proxy = urljoin(page_url, found.group(1))
    params: dict[str, str] = {}
    for m in _DATAPROXY.finditer(text):
        params.update(parse_qsl((m.group(2) or "").lstrip("?"), keep_blank_values=True))
    for block in _AJAX_PARAM.finditer(text):
        for m in _JS_PAIR.finditer(block.group(1)):
            params[m.group(1)] = next(v for v in m.group(2, 3, 4) if v is not None)
    form = tuple(
        (k, v.strip("'\"")) for k, v in params.items() if k.lower() not in _PAGING_KEYS
    )
    per_page = _PER_PAGE.search(text)
    parts = urlsplit(proxy)
    template = urlunsplit(
        (parts.scheme, parts.netloc, parts.path,
         "startrecord={start}&endrecord={end}&perpage={size}", "")
    )
    return ListEndpoint(
        template=template,
        page_size=int(per_page.group(1)) if per_page else 15,
        method="POST",
        form=form,
    )


# --- the walk -----------------------------------------------------------------------------


@dataclass
class FoundLists:
    """What exploring a home page found: list pages (with the answer already fetched) and
    data endpoints."""

    pages: list[tuple[str, Response]] = field(default_factory=list)
    endpoints: list[ListEndpoint] = field(default_factory=list)
    endpoint_pages: list[str] = field(default_factory=list)  # the column page of each endpoint
    pages_read: int = 0

    @property
    def empty(self) -> bool:
        return not self.pages and not self.endpoints


Fetch = Callable[..., Response | None]


class PortalExplorer:
    """Explore from a home page. `fetch(url, endpoint=None, page=1)` fetches politely (the
    source's fetcher), `allows(url)` says where the walk may go, `budget` caps pages read."""

    def __init__(self, fetch: Fetch, allows: Callable[[str], bool], budget: int) -> None:
        self.fetch = fetch
        self.allows = allows
        self.budget = budget

    def report_entries(self, entries: list[Link]) -> list[Link]:
        return [e for e in entries if self.allows(e.url) and may_be_report_link(e.text)]

    def explore(self, home: Response) -> FoundLists:
        found = FoundLists()
        seen = {home.url, home.final_url}
        queue: list[tuple[int, int, int, str]] = []  # (rank, order, depth, url)
        order = 0

        def push(page_links: list[Link], depth: int) -> None:
            nonlocal order
            for link in page_links:
                rank = column_rank(link.text)
                if rank is None or link.url in seen or not self.allows(link.url):
                    continue
                seen.add(link.url)
                order += 1
                heapq.heappush(queue, (rank, order, depth, link.url))

        push(links(parse_html(self.decode(home)), home.final_url), 1)
        while queue and found.pages_read < self.budget:
            rank, _, depth, url = heapq.heappop(queue)
            if rank != REPORT_COLUMN and not found.empty:
                continue  # a list is found: only other 年报 columns are worth a request
            response = self.fetch(url)
            found.pages_read += 1
            if response is None or sniff_media(response.body, response.final_url) != "html":
                continue
            text = self.decode(response)
            page_links = links(parse_html(text), response.final_url)
            lists = bool(self.report_entries(page_links))
            if lists:
                log.info("list page found: %s", url)
                found.pages.append((url, response))
            # A jpage column may print its first entries and load the rest from its endpoint.
            endpoint = jpage_endpoint(text, response.final_url)
            if endpoint and endpoint not in found.endpoints:
                found.pages_read += 0 if lists else 1  # its first page is read to see
                if lists or self.endpoint_lists(endpoint):
                    log.info("list endpoint found on %s: %s", url, endpoint.template)
                    found.endpoints.append(endpoint)
                    found.endpoint_pages.append(url)
                    continue
            if lists:
                continue
            if depth < 3:
                push(page_links, depth + 1)
        return found

    def endpoint_lists(self, endpoint: ListEndpoint) -> bool:
        """The endpoint's first page links report titles."""
        if not self.allows(endpoint.url(1)):
            return False
        response = self.fetch(endpoint.url(1), endpoint=endpoint)
        if response is None:
            return False
        entries, _ = data_endpoint_links(self.decode(response), response.final_url)
        return bool(self.report_entries(entries))

    @staticmethod
    def decode(response: Response) -> str:
        return decode_text(response.body, response.content_type, source=response.url)[0]


def portal_name(home: Response) -> str | None:
    """The portal's own name from its home page title (``首页_卫辉市人民政府`` → 卫辉市人民政府)."""
    tree = parse_html(PortalExplorer.decode(home))
    parts = [p for t in page_title_candidates(tree)[-4:] for p in re.split(r"[_|－—\-]", t)]
    names = [p for p in map(normalise_title, parts) if p and p not in ("首页", "门户网站")]
    government = [n for n in names if n.endswith(("人民政府", "政府", "门户网站"))]
    return (government or names or [None])[0]
