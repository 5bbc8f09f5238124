"""Find a source's reports: walk its list pages, open the entries, keep the reports.

One `SourceCrawl` per `Source`:

1. list pages: the `start` URLs and every further page their pagination implies (TRS
   ``index_N.html`` and ``createPageHTML``, ``?page=N``, 下一页/尾页), plus the pages of the
   source's `list_url_template` data endpoint (GET, or POST with a form or JSON), up to
   `max_pages` of each. A start page that lists nothing and is no report is a portal's home
   page: the explorer (explore.py) finds its 年报 list pages and endpoints, which are walked
   and kept in `found` for the catalog, so the next crawl starts there (`known`);
2. entries whose link text may be a report title are opened (several at a time, within the
   host's limit): an article page is a report document itself when its body holds the report,
   and each report attachment it links (.pdf .doc .docx .wps .xls .xlsx) is another.

Only links `Source.allows` are followed, plus the hosts of list pages found from the home
page; a report page's attachments may also sit on another host of the same registrable
domain (``file.huaian.gov.cn``). Look-alikes (解读, 图解, 通知 …) are counted, never
recorded. A URL that fails is recorded in the stats and the walk goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from gongkai.assets.files import decode_text, sniff_media
from gongkai.assets.sources.config import Source
from gongkai.assets.sources.sites import same_site

from .endpoints import KnownLists, ListEndpoint, source_endpoint
from .explore import FoundLists, PortalExplorer, is_home_page
from .fetch import Fetcher
from .middleware import FetchError, Oversized, Response, RobotsBlocked
from .pages import (
    Link,
    data_endpoint_links,
    is_attachment_link,
    links,
    page_title_candidates,
    pagination_links,
    parse_html,
    report_marker_count,
    text_without_links,
)
from .records import CrawledDocument
from .settings import CrawlSettings
from .stats import SourceStats
from .titles import (
    hints_for,
    is_report_title,
    lookalike_word,
    may_be_report_link,
    normalise_title,
    strip_extension,
    year_hint,
)

log = logging.getLogger(__name__)

Progress = Callable[[str, dict], None]


@dataclass(frozen=True)
class Lead:
    """A list entry that may be a report: an article page or a directly linked attachment."""

    url: str
    title: str
    list_url: str | None
    fetched: Response | None = None  # a start page already fetched as a list page


class SourceCrawl:
    def __init__(
        self,
        source: Source,
        fetcher: Fetcher,
        stats: SourceStats,
        settings: CrawlSettings,
        progress: Progress | None = None,
        known: KnownLists | None = None,
    ) -> None:
        self.source = source
        self.fetcher = fetcher
        self.stats = stats
        self.settings = settings
        self._progress = progress
        self.known = known if known and (known.pages or known.endpoints) else None
        self._claimed: set[str] = set()  # URLs already taken by a lead or a document
        self._claim_lock = threading.Lock()
        # Grows by the hosts of list pages found from a home page; replaced, never changed in
        # place, as the article workers read it meanwhile.
        self.hosts: frozenset[str] = source.hosts
        self.endpoints: list[ListEndpoint] = [e for e in [source_endpoint(source)] if e]
        self.found = FoundLists()  # what exploring the home page found this time

    # -- plumbing ------------------------------------------------------------------------

    def progress(self, event: str, **info: object) -> None:
        if self._progress is None:
            return
        try:
            self._progress(event, {"source": self.source.name, **info})
        except Exception:  # a broken progress callback must not stop a crawl
            log.exception("progress callback failed on %s", event)

    def claim(self, url: str) -> bool:
        with self._claim_lock:
            if url in self._claimed:
                return False
            self._claimed.add(url)
            return True

    def add_hosts(self, urls: list[str]) -> None:
        self.hosts = self.hosts | {urlsplit(u).netloc.lower() for u in urls}

    def allows(self, url: str) -> bool:
        return self.source.allows(url) or urlsplit(url).netloc.lower() in self.hosts

    def allows_nearby(self, url: str) -> bool:
        """Exploration and attachments may go to another host of the site (file.xxx.gov.cn)."""
        return self.allows(url) or (
            urlsplit(url).scheme in ("http", "https") and same_site(url, self.hosts)
        )

    def fetch(
        self, url: str, endpoint: ListEndpoint | None = None, page: int = 1, nearby: bool = False
    ) -> Response | None:
        """Fetch `url` (an `endpoint`'s `page` when given: POSTed when it wants a form), or
        record why not and return None."""
        body = endpoint.body(page) if endpoint else None
        form, content_type = body if body else (None, "")
        allow = self.allows_nearby if nearby else self.allows
        try:
            if form is not None:
                response = self.fetcher.fetch(
                    url, tally=self.stats, allow=allow, form=form, content_type=content_type
                )
            else:
                response = self.fetcher.fetch(url, tally=self.stats, allow=allow)
        except FetchError as exc:
            if isinstance(exc, RobotsBlocked):
                self.stats.add(robots_blocked=1)
            elif isinstance(exc, Oversized):
                self.stats.add(oversized=1)
            self.stats.error(url, exc.reason, exc.detail)
            self.progress("error", url=url, reason=exc.reason, detail=exc.detail)
            return None
        self.progress("fetch", url=url, status=response.status, bytes=response.bytes_downloaded)
        return response

    # -- the walk ------------------------------------------------------------------------

    def run(self) -> list[CrawledDocument]:
        self.progress("source_started", start=list(self.source.start))
        # Entries are opened while the list walk goes on. Twice as many workers as the host's
        # request slots: while some wait on the network, others parse and store, and the
        # fetcher's throttle still holds the host to its limit.
        workers = 2 * max(1, self.settings.per_host_concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="article") as pool:
            futures: list[Future[list[CrawledDocument]]] = []

            def open_leads(leads: list[Lead]) -> None:
                futures.extend(pool.submit(self.open_lead, lead) for lead in leads)

            if self.known:
                # Start where the last crawl found the lists; the home page again only when
                # they list nothing now (the portal was rebuilt).
                self.endpoints.extend(e for e in self.known.endpoints if e not in self.endpoints)
                self.add_hosts([*self.known.pages, *(e.template for e in self.endpoints)])
                leads = self.walk_list_pages(open_leads, self.known.pages, explore=False)
                leads += self.walk_data_endpoint(open_leads)
                if not leads:
                    log.info("%s: the recorded list pages list nothing: exploring again",
                             self.source.name)
                    self.endpoints = [e for e in [source_endpoint(self.source)] if e]
                    self.walk_list_pages(open_leads)
                    self.walk_data_endpoint(open_leads)
            else:
                self.walk_list_pages(open_leads)
                self.walk_data_endpoint(open_leads)
            documents = [doc for future in futures for doc in future.result()]
        self.progress("source_finished", documents=len(documents))
        return documents

    def _leads_from(self, entries: list[Link], list_url: str | None) -> list[Lead]:
        leads: list[Lead] = []
        for link in entries:
            if not self.allows(link.url):
                continue
            if may_be_report_link(link.text):
                if self.claim(link.url):
                    leads.append(Lead(link.url, link.text, list_url))
            elif (
                lookalike_word(link.text)
                and year_hint(link.text)
                and ("公开" in link.text or "年报" in link.text or "年度报告" in link.text)
            ):
                self.stats.add(lookalikes_skipped=1)
                log.debug(
                    "%s: look-alike %r (%s) skipped", link.url, link.text, lookalike_word(link.text)
                )
        return leads

    def walk_list_pages(
        self,
        open_leads: Callable[[list[Lead]], None] | None = None,
        starts: tuple[str, ...] | None = None,
        explore: bool = True,
    ) -> list[Lead]:
        """Read the list pages; hand each page's leads to `open_leads` at once, and return all.

        `starts`: the source's `start` unless given; with `explore`, a start page that lists
        nothing and is no report is explored as a home page for its list pages."""
        starts = self.source.start if starts is None else starts
        queue: list[tuple[str, Response | None]] = [(u, None) for u in dict.fromkeys(starts)]
        seen = {u for u, _ in queue}
        leads: list[Lead] = []
        pages = 0
        while queue and pages < self.source.max_pages:
            url, response = queue.pop(0)
            is_start = url in starts
            # A home page may redirect to another host of its site (gd.gov.cn → www.gd.gov.cn).
            response = response or self.fetch(url, nearby=explore and is_start)
            if response is None:
                continue
            if is_start and same_site(response.final_url, self.hosts):
                self.add_hosts([response.final_url])
            pages += 1
            self.stats.add(list_pages=1)
            text = decode_text(response.body, response.content_type, source=url)[0]
            tree = parse_html(text)
            found = self._leads_from(links(tree, response.final_url), url)
            if not found and is_start:
                found = self._start_page_is_article(response, tree)
            # A start that lists nothing and is no report, or a site's root page (whose
            # 最新公开 block may link a report or two), is explored for the 年报 lists; a start
            # beside a declared endpoint is that endpoint's column page.
            if (
                is_start
                and explore
                and (not found or is_home_page(url))
                and not source_endpoint(self.source)
            ):
                # Pages the explorer already read are walked first, without a refetch.
                lists = self.explore(response)
                fresh = [(u, r) for u, r in lists.pages if u not in seen]
                seen.update(u for u, _ in fresh)
                queue[:0] = fresh
            leads.extend(found)
            if open_leads:
                open_leads(found)
            self.progress("list_page", url=url, leads=len(found), status=response.status)
            for next_url in pagination_links(tree, text, response.final_url):
                if next_url not in seen and self.allows(next_url):
                    seen.add(next_url)
                    queue.append((next_url, None))
        if queue:
            log.info(
                "%s: stopped at max_pages=%d with %d list pages unvisited",
                self.source.name,
                self.source.max_pages,
                len(queue),
            )
        return leads

    def explore(self, home: Response) -> FoundLists:
        """Find the list pages and endpoints a home page leads to; keep them in `found`."""
        explorer = PortalExplorer(self.explore_fetch, self.allows_nearby, self.source.discover_pages)
        lists = explorer.explore(home)
        self.stats.add(portal_pages=lists.pages_read)
        self.progress("explored", url=home.url, list_pages=[u for u, _ in lists.pages],
                      endpoints=[e.template for e in lists.endpoints])
        self.found.pages.extend(lists.pages)
        self.found.endpoints.extend(lists.endpoints)
        self.add_hosts([u for u, _ in lists.pages] + [e.template for e in lists.endpoints])
        self.endpoints.extend(e for e in lists.endpoints if e not in self.endpoints)
        if lists.empty:
            log.warning("%s: %s lists no report and leads to no 年报 list (%d pages read)",
                        self.source.name, home.url, lists.pages_read)
        return lists

    def explore_fetch(
        self, url: str, endpoint: ListEndpoint | None = None, page: int = 1
    ) -> Response | None:
        return self.fetch(url, endpoint, page, nearby=True)

    def _start_page_is_article(self, response: Response, tree: LexborHTMLParser) -> list[Lead]:
        # A source may name a report page directly as its start.
        title = next((t for t in page_title_candidates(tree) if is_report_title(t)), None)
        return [Lead(response.url, title, None, fetched=response)] if title else []

    def walk_data_endpoint(
        self, open_leads: Callable[[list[Lead]], None] | None = None
    ) -> list[Lead]:
        leads: list[Lead] = []
        for endpoint in self.endpoints:
            leads.extend(self._walk_endpoint(endpoint, open_leads))
        return leads

    def _walk_endpoint(
        self, endpoint: ListEndpoint, open_leads: Callable[[list[Lead]], None] | None
    ) -> list[Lead]:
        leads: list[Lead] = []
        seen: set[str] = set()
        size = endpoint.page_size
        for page in range(1, self.source.max_pages + 1):
            url = endpoint.url(page)
            response = self.fetch(url, endpoint, page)
            if response is None:
                break
            self.stats.add(list_pages=1)
            text = decode_text(response.body, response.content_type, source=url)[0]
            entries, total = data_endpoint_links(text, response.final_url)
            found = self._leads_from(entries, url)
            leads.extend(found)
            if open_leads:
                open_leads(found)
            self.progress("list_page", url=url, leads=len(found), status=response.status)
            fresh = [e.url for e in entries if e.url not in seen]
            seen.update(fresh)
            # An endpoint that ignores the paging parameters repeats itself: stop there too.
            if not fresh or (total is not None and page * size >= total):
                break
        return leads

    # -- article pages and attachments -----------------------------------------------------

    def open_lead(self, lead: Lead) -> list[CrawledDocument]:
        try:
            return self._open_lead(lead)
        except Exception as exc:  # one bad page must not end the source's crawl
            log.exception("%s: failed to read", lead.url)
            self.stats.error(lead.url, "parse", repr(exc))
            return []

    def _open_lead(self, lead: Lead) -> list[CrawledDocument]:
        if is_attachment_link(Link(lead.url, lead.title)):
            doc = self.attachment(lead.url, lead.title, lead.title, lead.list_url)
            return [doc] if doc else []
        response = lead.fetched or self.fetch(lead.url)
        if response is None:
            return []
        media = sniff_media(response.body, response.filename or response.final_url)
        if media != "html":
            # An entry linking a file without a telling extension (download.jsp?id=…).
            title = self._attachment_title(lead.title, response.filename, lead.title)
            if title is None:
                return []
            return [self.document(response, title, lead.list_url, media)]
        self.stats.add(article_pages=1)
        text = decode_text(response.body, response.content_type, source=lead.url)[0]
        tree = parse_html(text)
        candidates = [lead.title, *page_title_candidates(tree)]
        title = next((t for t in candidates if is_report_title(t)), None)
        self.progress("article_page", url=lead.url, title=title, status=response.status)
        if title is None:
            word = next((lookalike_word(t) for t in candidates if lookalike_word(t)), None)
            if word:
                self.stats.add(lookalikes_skipped=1)
            log.info(
                "%s: not a report (%s)",
                lead.url,
                f"look-alike {word}" if word else f"titles {candidates[:3]}",
            )
            return []

        attachments = [
            link
            for link in links(tree, response.final_url)
            if is_attachment_link(link) and self.allows_nearby(link.url)
        ]
        documents: list[CrawledDocument] = []
        body_text = text_without_links(tree)
        if report_marker_count(body_text) >= self.settings.min_html_markers or not attachments:
            documents.append(self.document(response, title, None, "html"))
        for link in attachments:
            word = lookalike_word(strip_extension(link.text))
            if word:
                self.stats.add(lookalikes_skipped=1)
                log.info("%s: attachment %r is a look-alike (%s)", link.url, link.text, word)
                continue
            if not self.claim(link.url):
                continue
            doc = self.attachment(link.url, link.text, title, response.final_url, nearby=True)
            if doc:
                documents.append(doc)
        return documents

    @staticmethod
    def _attachment_title(link_text: str, filename: str | None, page_title: str) -> str | None:
        """An attachment's own name when it is a report title (a county page listing each
        department's report), else the title of the page or entry that linked it; None when
        its name marks a look-alike (解读.pdf, 图解.jpg)."""
        names = [normalise_title(strip_extension(n)) for n in (link_text, filename) if n]
        if any(lookalike_word(n) for n in names):
            return None
        return next((n for n in names if is_report_title(n)), page_title)

    def attachment(
        self, url: str, link_text: str, page_title: str, page_url: str | None, nearby: bool = False
    ) -> CrawledDocument | None:
        response = self.fetch(url, nearby=nearby)
        if response is None:
            return None
        media = sniff_media(response.body, response.filename or response.final_url)
        if media == "html":
            # An attachment link answering with a page is an error page or an interstitial.
            self.stats.error(url, "attachment_is_html", "expected a document, got an HTML page")
            return None
        title = self._attachment_title(link_text, response.filename, page_title)
        if title is None:
            self.stats.add(lookalikes_skipped=1)
            return None
        return self.document(response, title, page_url, media)

    def document(
        self, response: Response, title: str, page_url: str | None, media: str
    ) -> CrawledDocument:
        hints = hints_for(title, self.source.agency)
        year = hints.year_hint or year_hint(response.filename)
        doc = CrawledDocument(
            source=self.source.name,
            url=response.url,
            final_url=response.final_url,
            page_url=page_url,
            title=hints.title,
            agency_hint=hints.agency_hint,
            year_hint=year,
            media=media,
            sha256=response.sha256 or "",
            size=len(response.body),
            content_type=response.content_type,
            fetched_at=response.fetched_at,
            status=response.status,
            is_correction=hints.is_correction,
        )
        self.stats.add(documents=1, document_bytes_downloaded=response.bytes_downloaded)
        self.progress("document", url=doc.url, title=doc.title, media=media, status=doc.status)
        log.info(
            "%s: %s report %r (%s, %d bytes, HTTP %d)",
            doc.url,
            media,
            doc.title,
            doc.sha256[:12],
            doc.size,
            doc.status,
        )
        return doc
