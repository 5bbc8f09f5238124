"""The report stage for one year: parse the year's stored documents into warehouse frames."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from assets.crawl.records import CrawledDocument
from assets.crawl.store import RawStore
from assets.report.frames import ReportFrames, build_frames
from assets.report.model import Report
from assets.report.parse import parse_bytes

log = logging.getLogger(__name__)


@dataclass
class YearParse:
    year: int
    frames: ReportFrames
    by_media: Counter = field(default_factory=Counter)
    by_format: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def parse_document(doc: CrawledDocument, store: RawStore) -> Report:
    """Parse one stored document, with the portal's title, agency and year as hints."""
    try:
        data = store.get(doc.sha256)
    except KeyError:
        return Report.failed(doc.final_url, f"raw bytes {doc.sha256} missing from the store", doc.media)
    return parse_bytes(
        data,
        doc.final_url,
        media=doc.media,
        title_hint=doc.title,
        agency_hint=doc.agency_hint,
        year_hint=doc.year_hint,
    )


def parse_year(year: int, documents: list[CrawledDocument], store: RawStore,
               divisions: dict[str, str | None] | None = None) -> YearParse:
    parsed: list[tuple[CrawledDocument, Report]] = []
    result = YearParse(year=year, frames=ReportFrames.empty())
    for doc in documents:
        report = parse_document(doc, store)
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
