"""The report stage for one year: parse the year's stored documents into warehouse frames."""

from __future__ import annotations

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.crawl.store import RawStore
from gongkai.assets.report.frames import ReportFrames, build_frames
from gongkai.assets.report.isolated import default_workers, isolation_enabled, parse_isolated
from gongkai.assets.report.model import Report

log = logging.getLogger(__name__)


@dataclass
class YearParse:
    year: int
    frames: ReportFrames
    by_media: Counter = field(default_factory=Counter)
    by_format: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def parse_document(doc: CrawledDocument, store: RawStore, division_hint: str | None = None) -> Report:
    """Parse one stored document, with the portal's title, agency and year, and the source's
    division, as hints."""
    try:
        data = store.get(doc.sha256)
    except KeyError:
        return Report.failed(doc.final_url, f"raw bytes {doc.sha256} missing from the store", doc.media)
    # In a worker process with a time and memory budget: a hostile document gives
    # Report(error=...) (quarantined in the warehouse), never a stuck or crashed run.
    return parse_isolated(
        data,
        doc.final_url,
        media=doc.media,
        title_hint=doc.title,
        agency_hint=doc.agency_hint,
        year_hint=doc.year_hint,
        division_hint=division_hint,
    )


def parse_year(year: int, documents: list[CrawledDocument], store: RawStore,
               divisions: dict[str, str | None] | None = None) -> YearParse:
    parsed: list[tuple[CrawledDocument, Report]] = []
    divisions = divisions or {}
    result = YearParse(year=year, frames=ReportFrames.empty())
    workers = default_workers() if isolation_enabled() else 1
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parse") as pool:
        reports = list(pool.map(lambda d: parse_document(d, store, divisions.get(d.source)), documents))
    for doc, report in zip(documents, reports):
        if report.error:
            log.warning("%s: %s", doc.final_url, report.error)
            result.errors.append(f"{doc.final_url}: {report.error}")
        elif report.year is not None and report.year != year:
            report.warnings.append(f"document says {report.year}, the portal lists it for {year}")
        result.by_media[report.media or doc.media] += 1
        result.by_format[report.format_version or "unknown"] += 1
        parsed.append((doc, report))
    result.frames = build_frames(parsed, year, divisions)
    return result
