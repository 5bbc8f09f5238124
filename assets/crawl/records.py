"""What the crawl stage hands on: one record per report document it found and stored."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class CrawledDocument:
    """A report document found on a portal, its bytes in the raw store under ``sha256``.

    An article page whose body is the report is a document (media "html"); each report
    attachment it links is another document (its own media), with ``page_url`` naming the
    article page. Look-alikes (通知, 解读, 图解 …) are never recorded here.
    """

    source: str  # the Source.name it was found through
    url: str  # the URL it was requested at
    final_url: str  # after redirects
    page_url: str | None  # the article page that linked it (None when it is the page)
    title: str  # the report's title as the portal lists or heads it
    agency_hint: str | None  # agency named by the title / source (the report stage decides)
    year_hint: int | None  # report year named by the title or URL
    media: str  # "html", "pdf", "docx", "doc", "wps", "xls", "xlsx", "image", …, by content
    sha256: str  # key of the bytes in the raw store
    size: int
    content_type: str | None
    fetched_at: str  # ISO 8601, UTC
    status: int  # HTTP status of the fetch that produced these bytes (200, or 304 reused)
    is_correction: bool = False  # title says 更正/更新/修订: replaces an earlier post

    def to_row(self) -> dict[str, Any]:
        return asdict(self)
