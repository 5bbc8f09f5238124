"""Read list pages, data endpoints and article pages: links, pagination, titles, attachments.

Pure functions over decoded text: no network here, so each CMS habit has a unit test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from gongkai.assets.form.markers import SECTION_WORDS, count_words

from .titles import is_truncated, normalise_title


@dataclass(frozen=True)
class Link:
    url: str  # absolute, fragment removed
    text: str  # the anchor's title attribute when present (lists truncate the text), else text


ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd")
_ATTACHMENT_PATH_HINT = re.compile(
    r"download|downfile|down\.|attach|fujian|getfile|file\.do", re.IGNORECASE
)


def parse_html(text: str) -> LexborHTMLParser:
    return LexborHTMLParser(text)


def absolute(base: str, href: str | None) -> str | None:
    """`href` resolved against `base`, or None for javascript:, mailto:, anchors and junk."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or re.match(r"(?i)(javascript|mailto|tel|data):", href):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def links(tree: LexborHTMLParser, base: str) -> list[Link]:
    out: list[Link] = []
    for a in tree.css("a[href]"):
        url = absolute(base, a.attributes.get("href"))
        if not url:
            continue
        title = normalise_title(a.attributes.get("title"))
        text = normalise_title(a.text(deep=True))
        # Lists cut long titles ("…年度报…") and keep the whole one in the title attribute.
        if title and (is_truncated(text) or len(title) >= len(text)):
            text = title
        out.append(Link(url, text))
    return out


def page_title_candidates(tree: LexborHTMLParser) -> list[str]:
    """Where CMSes put an article's title, most specific first."""
    found: list[str] = []
    for sel in (
        'meta[name="ArticleTitle"]',
        'meta[name="articletitle"]',
        'meta[name="title"]',
        'meta[property="og:title"]',
    ):
        node = tree.css_first(sel)
        if node and node.attributes.get("content"):
            found.append(node.attributes["content"])
    for sel in ("h1", ".article-title", ".title", "h2", "h3"):
        for node in tree.css(sel)[:3]:
            found.append(node.text(deep=True))
    node = tree.css_first("title")
    if node:
        whole = node.text(deep=True)
        found.append(whole)
        found.extend(re.split(r"\s*[_|－—-]\s*", whole))  # "报告标题_某某市人民政府"
    return [t for t in (normalise_title(x) for x in found) if t]


def text_without_links(tree: LexborHTMLParser) -> str:
    """Page text minus navigation: links, scripts and styles removed (menus repeat headings)."""
    clone = LexborHTMLParser(tree.html or "")
    for node in clone.css("a, script, style, nav, header, footer, select, noscript"):
        node.decompose()
    body = clone.body
    return normalise_title(body.text(deep=True, separator=" ") if body else "")


def report_marker_count(text: str) -> int:
    """How many of the report's section words a page's text holds."""
    return count_words(text, SECTION_WORDS)


def attachment_extension(url: str, text: str = "") -> str | None:
    """The document extension a link points at (in its path, query or text), if any."""
    parts = urlsplit(url)
    candidates = [unquote(parts.path)] + [v for _, v in parse_qsl(parts.query)] + [text]
    for c in candidates:
        suffix = PurePosixPath(c.strip()).suffix.lower().lstrip(".")
        if suffix in ATTACHMENT_EXTENSIONS:
            return suffix
    return None


def is_attachment_link(link: Link) -> bool:
    if attachment_extension(link.url, link.text):
        return True
    path = urlsplit(link.url).path
    return bool(_ATTACHMENT_PATH_HINT.search(path)) and not path.endswith((".html", ".htm", "/"))


# --- pagination -----------------------------------------------------------------------------

_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.IGNORECASE)
_JS_VAR = re.compile(r"\b(?:var|let|const)?\s*(\w+)\s*=\s*[\"']?(\d+)[\"']?\s*;")
_NEXT_WORDS = ("下一页", "下页", "尾页", "末页", "最后一页", "next", "last", ">", ">>", "»")
_PAGE_PARAM = re.compile(r"(?i)^(page|pageno|pageindex|pagenum|curpage|currentpage|p|pn|pageNo)$")
_TRS_PAGE = re.compile(r"^(.*/)?([A-Za-z]+)(?:_(\d+))?\.(s?html?)$")


def create_page_html(html: str, page_url: str) -> list[str]:
    """The list pages a TRS ``createPageHTML(count, current, "index", "html")`` call implies.

    TRS numbers them ``index.html``, ``index_1.html`` … ``index_{count-1}.html`` in the list's
    directory. Variants seen: the count in a variable (``var countPage = 7``), and a leading
    element id (``createPageHTML('page_div', 7, 0, 'index', 'html', 105)``).
    """
    urls: list[str] = []
    variables = {m.group(1): int(m.group(2)) for m in _JS_VAR.finditer(html)}
    for m in _CREATE_PAGE.finditer(html):
        args = [a.strip().strip("\"'") for a in m.group(1).split(",")]
        ints: list[tuple[int, int]] = []
        for i, a in enumerate(args):
            if a.isdigit():
                ints.append((i, int(a)))
            elif a in variables:
                ints.append((i, variables[a]))
        if not ints:
            continue
        first_int_at, count = ints[0]
        words = [
            a
            for a in args[first_int_at + 1 :]
            if a and not a.isdigit() and a not in variables and re.fullmatch(r"[\w.-]+", a)
        ]
        prefix, ext = (words + ["index", "html"])[:2] if len(words) >= 2 else ("index", "html")
        base = urljoin(page_url, "./")
        for n in range(count):
            urls.append(urljoin(base, f"{prefix}.{ext}" if n == 0 else f"{prefix}_{n}.{ext}"))
    return list(dict.fromkeys(urls))


def _with_param(url: str, name: str, value: int) -> str:
    parts = urlsplit(url)
    query = [
        (k, str(value) if k == name else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _page_param(url: str) -> tuple[str, int] | None:
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if _PAGE_PARAM.match(k) and v.isdigit():
            return k, int(v)
    return None


def _same_list(a: str, b: str) -> bool:
    """Two URLs are pages of one list: same host and directory (TRS) or same path (?page=N)."""
    pa, pb = urlsplit(a), urlsplit(b)
    if pa.netloc.lower() != pb.netloc.lower():
        return False
    if pa.path == pb.path:
        return True
    da, db = pa.path.rsplit("/", 1), pb.path.rsplit("/", 1)
    return (
        da[0] == db[0]
        and bool(_TRS_PAGE.match("/" + da[-1]))
        and bool(_TRS_PAGE.match("/" + db[-1]))
    )


def pagination_links(tree: LexborHTMLParser, html: str, page_url: str) -> list[str]:
    """Further pages of the list at `page_url`: createPageHTML, 下一页/尾页, numbered links.

    When the last page is linked (尾页 → ``?page=9`` or ``index_8.html``) the pages between
    are generated too, so one fetch of page 1 sees the whole range.
    """
    found: list[str] = list(create_page_html(html, page_url))
    for link in links(tree, page_url):
        text = link.text.strip().lower()
        is_nav = text in _NEXT_WORDS or text.isdigit() or any(w in text for w in _NEXT_WORDS[:5])
        if not is_nav or link.url == page_url or not _same_list(page_url, link.url):
            continue
        found.append(link.url)
        if any(w in text for w in ("尾页", "末页", "最后一页", "last")):
            found.extend(_pages_up_to(link.url))
    return list(dict.fromkeys(found))


def _pages_up_to(last_url: str) -> list[str]:
    param = _page_param(last_url)
    if param:
        name, last = param
        return [_with_param(last_url, name, n) for n in range(1, last)]
    path = urlsplit(last_url).path
    m = re.search(r"/([A-Za-z]+)_(\d+)\.(s?html?)$", path)
    if m:
        prefix, last, ext = m.group(1), int(m.group(2)), m.group(3)
        return [
            urljoin(last_url, f"{prefix}.{ext}" if n == 0 else f"{prefix}_{n}.{ext}")
            for n in range(last)
        ]
    return []


# --- data endpoints (XML / JSON) ------------------------------------------------------------

_RECORD = re.compile(
    r"<record[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.DOTALL | re.IGNORECASE
)
_TOTAL = re.compile(r"<total(?:record|count)?>\s*(\d+)\s*</total(?:record|count)?>", re.IGNORECASE)


def data_endpoint_links(text: str, base: str) -> tuple[list[Link], int | None]:
    """Entries of a list data endpoint, and the total record count when it says.

    Handles the jpage ``dataproxy.jsp`` XML (``<record><![CDATA[<li><a …>]]></record>`` with
    ``<totalrecord>``) and JSON whose objects carry a URL and a title under any common key.
    """
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return _json_links(json.loads(stripped), base)
        except json.JSONDecodeError:
            pass
    found: list[Link] = []
    for m in _RECORD.finditer(text):
        fragment = m.group(1) if m.group(1) is not None else m.group(2)
        found.extend(links(LexborHTMLParser(f"<html><body>{fragment}</body></html>"), base))
    if not found and "<a" in text:
        found = links(LexborHTMLParser(text), base)
    total = _TOTAL.search(text)
    return found, int(total.group(1)) if total else None


_URL_KEYS = ("url", "link", "href", "docpuburl", "puburl", "docurl", "path", "fileurl", "weburl")
_TITLE_KEYS = ("title", "doctitle", "name", "subject", "wjmc", "filename", "maintitle")
_TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "recordcount", "count")


def _json_links(data: object, base: str) -> tuple[list[Link], int | None]:
    found: list[Link] = []
    total: int | None = None

    def walk(node: object) -> None:
        nonlocal total
        if isinstance(node, dict):
            lowered = {str(k).lower(): v for k, v in node.items()}
            url = next((lowered[k] for k in _URL_KEYS if isinstance(lowered.get(k), str)), None)
            title = next((lowered[k] for k in _TITLE_KEYS if isinstance(lowered.get(k), str)), "")
            if url:
                absolute_url = absolute(base, url)
                if absolute_url:
                    found.append(Link(absolute_url, normalise_title(_strip_tags(title))))
            for k in _TOTAL_KEYS:
                if total is None and isinstance(lowered.get(k), int):
                    total = lowered[k]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and "<a" in node:
            found.extend(links(LexborHTMLParser(node), base))

    walk(data)
    return found, total


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def fill_template(template: str, page: int, size: int) -> str:
    """A data-endpoint URL for 1-based `page`: {start} {end} are 1-based record numbers."""
    start = (page - 1) * size + 1
    return (
        template.replace("{start}", str(start))
        .replace("{end}", str(start + size - 1))
        .replace("{size}", str(size))
        .replace("{page}", str(page))
    )

