"""Reports as the report stage hands them on, built from the spec's cells."""

from __future__ import annotations

import pytest

from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.form.spec import cells_for
from gongkai.assets.report.model import CellValue, CheckResult, Report, Section


def make_parsed(agency: str, year: int, *, media: str = "html", received: int = 3, url: str | None = None,
                correction: bool = False, fetched_at: str = "2024-01-20T08:00:00+00:00",
                error: str | None = None, sha: str | None = None) -> tuple[CrawledDocument, Report]:
    url = url or f"http://portal.test/{agency}/{year}.{media}"
    doc = CrawledDocument(
        source="测试门户", url=url, final_url=url, page_url=None, title=f"{agency}{year}年政府信息公开工作年度报告",
        agency_hint=agency, year_hint=year, media=media, sha256=(sha or (f"{abs(hash(url)):x}" * 8))[:64].ljust(64, "0"),
        size=1000, content_type="text/html", fetched_at=fetched_at, status=200, is_correction=correction)
    if error:
        return doc, Report.failed(url, error, media)
    cells = [CellValue(c.table_id, c.row_id, c.col_id,
                       received if (c.row_id, c.col_id) == ("received_new", "total") else 0, "0")
             for c in cells_for("2021")]
    report = Report(source=url, media=media, agency=agency, year=year, format_version="2021",
                    title=doc.title, sections=[Section("s1", "一、总体情况……")], cells=cells,
                    checks=[CheckResult("t3_balance", None, "total", received, 0, received == 0)])
    return doc, report


@pytest.fixture
def parsed_factory():
    return make_parsed
