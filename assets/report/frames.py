"""Parsed reports as polars frames shaped like the warehouse tables, and the canonical choice.

One `ReportFrames` holds one year partition. The report stage writes it as Parquet files in
the store; the warehouse loader reads them. The column sets here are the warehouse's.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from gongkai.assets.crawl.records import CrawledDocument
from gongkai.assets.report.division import (
    GENERAL_OFFICE,
    GOVERNMENT,
    agency_kind,
    division_by_code,
    hint_fits,
)
from gongkai.assets.report.model import Report
from gongkai.assets.report.scope import Figures, Scope, scope_from_figures
from gongkai.assets.storage import Storage, open_storage, read_frame

REPORT_SCHEMA = {
    "report_id": pl.Utf8,
    "partition_year": pl.Int32,
    "agency": pl.Utf8,
    "agency_norm": pl.Utf8,
    "agency_id": pl.Utf8,
    "division": pl.Utf8,
    "division_code": pl.Utf8,
    "province": pl.Utf8,
    "prefecture": pl.Utf8,
    "county": pl.Utf8,
    "level": pl.Utf8,
    "agency_kind": pl.Utf8,
    "scope": pl.Utf8,
    "scope_reason": pl.Utf8,
    "year": pl.Int32,
    "format_version": pl.Utf8,
    "title": pl.Utf8,
    "source": pl.Utf8,
    "source_url": pl.Utf8,
    "page_url": pl.Utf8,
    "media": pl.Utf8,
    "sha256": pl.Utf8,
    "size_bytes": pl.Int64,
    "fetched_at": pl.Datetime("us"),
    "parsed_at": pl.Datetime("us"),
    "is_correction": pl.Boolean,
    "is_canonical": pl.Boolean,
    "canonical_reason": pl.Utf8,
    "superseded_by": pl.Utf8,
    "cells_read": pl.Int32,
    "needs_ocr": pl.Boolean,
    "error": pl.Utf8,
    "warnings": pl.List(pl.Utf8),
}
FACT_CELL_SCHEMA = {
    "report_id": pl.Utf8,
    "agency": pl.Utf8,
    "year": pl.Int32,
    "table_id": pl.Utf8,
    "row_id": pl.Utf8,
    "col_id": pl.Utf8,
    "value": pl.Float64,
    "raw": pl.Utf8,
}
SECTION_SCHEMA = {"report_id": pl.Utf8, "section_id": pl.Utf8, "text": pl.Utf8}
CHECK_SCHEMA = {
    "report_id": pl.Utf8,
    "agency": pl.Utf8,
    "year": pl.Int32,
    "rule": pl.Utf8,
    "row_id": pl.Utf8,
    "col_id": pl.Utf8,
    "expected": pl.Float64,
    "actual": pl.Float64,
    "passed": pl.Boolean,
    "soft": pl.Boolean,
}
FIGURE_SCHEMA = {
    "report_id": pl.Utf8,
    "figure": pl.Utf8,
    "value": pl.Float64,
    "text": pl.Utf8,
    "section_id": pl.Utf8,
}

# A staged shard × year is one object: its tables as Parquet members of one zip (stored, not
# compressed again). One write replaces it whole and one read gets it back: a request each
# in a bucket, where a table an object took seven a shard-year (five PUTs, a manifest, a
# listing) and five GETs to read.
STAGED_FRAMES = "frames.zip"
# The layout before it (a generation of files named by this manifest): still read, never written.
STAGED_MANIFEST = "STAGED.json"

# Which copy of a report counts when an agency posts the same year twice: a text layer we
# read exactly beats a scan, and a structured page beats a PDF rendering of it.
MEDIA_PREFERENCE = {"html": 0, "docx": 1, "pdf": 2, "doc": 3, "txt": 4}


@dataclass
class ReportFrames:
    report: pl.DataFrame
    fact_cell: pl.DataFrame
    report_section: pl.DataFrame
    check_result: pl.DataFrame
    narrative_figure: pl.DataFrame

    @classmethod
    def empty(cls) -> ReportFrames:
        return cls(
            report=pl.DataFrame(schema=REPORT_SCHEMA),
            fact_cell=pl.DataFrame(schema=FACT_CELL_SCHEMA),
            report_section=pl.DataFrame(schema=SECTION_SCHEMA),
            check_result=pl.DataFrame(schema=CHECK_SCHEMA),
            narrative_figure=pl.DataFrame(schema=FIGURE_SCHEMA),
        )

    def tables(self) -> dict[str, pl.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def write_parquet(self, directory: Path | Storage) -> None:
        """Stage the year in `directory` (a folder, or a storage's prefix), replacing what was
        there all at once: one object (`STAGED_FRAMES`), written whole (a rename, a single PUT),
        so a parse killed at any moment leaves the previous year's tables or the new ones."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle:
            for name, frame in self.tables().items():
                table = io.BytesIO()
                frame.write_parquet(table)
                bundle.writestr(f"{name}.parquet", table.getvalue())
        open_storage(directory).write(STAGED_FRAMES, buffer.getvalue())

    @classmethod
    def read_parquet(cls, directory: Path | Storage) -> ReportFrames:
        """The year staged in `directory` (empty frames if nothing was ever staged there)."""
        storage = open_storage(directory)
        try:
            data = storage.read(STAGED_FRAMES)
        except KeyError:
            return cls._read_generation(storage)
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            return cls(**{f.name: pl.read_parquet(bundle.read(f"{f.name}.parquet"))
                          for f in fields(cls)})

    @classmethod
    def _read_generation(cls, storage: Storage) -> ReportFrames:
        """A year staged by an earlier gongkai: a Parquet object a table, named by the manifest."""
        try:
            suffix = "." + json.loads(storage.read(STAGED_MANIFEST))["generation"]
        except KeyError:
            return cls.empty()
        return cls(**{f.name: read_frame(storage, f"{f.name}{suffix}.parquet")
                      for f in fields(cls)})


def report_id(sha256: str) -> str:
    """Stable across re-parses and re-crawls: the same bytes are the same report, at whatever
    URL they were fetched (a portal that moves, the demo on another port)."""
    return hashlib.sha256(f"report\n{sha256}".encode()).hexdigest()[:20]


def _same_report_key(doc: CrawledDocument, rep: Report) -> tuple | None:
    """What makes two documents one report even when their bytes differ (an article page that
    names its own address): the same agency, year and media, and the same cells."""
    agency = normalise_agency(rep.agency or doc.agency_hint)
    year = rep.year or doc.year_hint
    if rep.error or agency is None or year is None or not any(c.value is not None for c in rep.cells):
        return None
    cells = sorted((c.table_id, c.row_id, c.col_id, c.value) for c in rep.cells)
    return agency, rep.division_code, year, rep.media or doc.media, hashlib.sha256(
        repr(cells).encode()).hexdigest()


def latest_copies(parsed: list[tuple[CrawledDocument, Report]]) -> list[tuple[CrawledDocument, Report]]:
    """One entry per report: of the documents with the same bytes (or the same agency, year,
    media and cells), a correction (更正) first, then the one fetched last, so its URL is the
    report's address now."""
    newest_first = sorted(range(len(parsed)), reverse=True,
                          key=lambda i: (parsed[i][0].is_correction, parsed[i][0].fetched_at or ""))
    seen: set = set()
    keep: set[int] = set()
    for i in newest_first:
        doc, rep = parsed[i]
        keys = {("sha256", doc.sha256)} | ({("cells", k)} if (k := _same_report_key(doc, rep)) else set())
        if keys & seen:
            continue
        seen |= keys
        keep.add(i)
    return [entry for i, entry in enumerate(parsed) if i in keep]


_SPACE = re.compile(r"\s+")


def normalise_agency(name: str | None) -> str | None:
    """The agency name with width and spacing normalised: NFKC (full-width → half-width, PDF
    Kangxi radicals → the common character), whitespace removed. Wording is left as published
    (人民政府办公室 and 政府办 stay two names)."""
    if name is None:
        return None
    norm = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    return norm or None


def agency_id(agency_norm: str | None, division_code: str | None) -> str | None:
    """Stable key of a publishing agency: its normalised name within its division."""
    if agency_norm is None:
        return None
    return hashlib.sha256(f"{division_code or ''}|{agency_norm}".encode()).hexdigest()[:16]


def with_agency_keys(report: pl.DataFrame) -> pl.DataFrame:
    """Add ``agency_norm`` and ``agency_id`` where a frame lacks them (frames staged before
    these columns existed); the division columns a frame lacks stay NULL."""
    for name, dtype in REPORT_SCHEMA.items():
        if name not in report.columns:
            report = report.with_columns(pl.lit(None, dtype=dtype).alias(name))
    if report.is_empty():
        return report
    keyless = report.filter(pl.col("agency_norm").is_null() | pl.col("agency_id").is_null())
    if keyless.is_empty():  # every row keyed already (frames from build_frames)
        return report
    pairs = keyless.select("agency", "division_code").unique()
    keys = {
        (a, d): (normalise_agency(a), agency_id(normalise_agency(a), d))
        for a, d in pairs.iter_rows()
    }
    lookup = pl.DataFrame(
        [(a, d, n, k) for (a, d), (n, k) in keys.items()],
        schema={"agency": pl.Utf8, "division_code": pl.Utf8, "_norm": pl.Utf8, "_id": pl.Utf8},
        orient="row",
    )
    return (
        report.join(lookup, on=["agency", "division_code"], how="left", nulls_equal=True,
              maintain_order="left")
        .with_columns(
            agency_norm=pl.coalesce("agency_norm", "_norm"), agency_id=pl.coalesce("agency_id", "_id")
        )
        .drop("_norm", "_id")
    )


def _division_of(agency: str | None, rep: Report, hint: str | None) -> dict:
    """Division code, names and level as the report stage resolved them (the source's
    division is only a fallback name when it found none and the agency's name does not place
    it elsewhere), and the agency's kind."""
    found = division_by_code(rep.division_code) if rep.division_code else None
    fallback = hint if hint and hint_fits(agency, hint) else None
    out = {"division": rep.division or fallback, "division_code": rep.division_code, "province": None,
           "prefecture": None, "county": None, "level": None,
           "agency_kind": agency_kind(agency) if agency else None}
    if found is not None:
        out.update(province=found.province, prefecture=found.prefecture, county=found.county,
                   level=found.level)
    return out


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def build_frames(
    parsed: list[tuple[CrawledDocument, Report]],
    partition_year: int,
    divisions: dict[str, str | None] | None = None,
    parsed_at: datetime | None = None,
) -> ReportFrames:
    """Flatten parsed reports of one year partition into warehouse-shaped frames."""
    divisions = divisions or {}
    parsed_at = parsed_at or datetime.now(UTC).replace(tzinfo=None)
    reports, cells, sections, checks, figures = [], [], [], [], []
    received: list[float | None] = []  # t3 received_new 总计 of each report, for its scope
    for doc, rep in latest_copies(parsed):
        received.append(next((c.value for c in rep.cells if c.table_id == "t3"
                              and c.row_id == "received_new" and c.col_id == "total"), None))
        rid = report_id(doc.sha256)
        agency = rep.agency or doc.agency_hint
        year = rep.year or doc.year_hint
        title = rep.title or doc.title
        reports.append(
            {
                "report_id": rid,
                "partition_year": partition_year,
                "agency": agency,
                "agency_norm": None,
                "agency_id": None,
                **_division_of(agency, rep, divisions.get(doc.source)),
                "scope": rep.scope,
                "scope_reason": rep.scope_reason,
                "year": year,
                "format_version": rep.format_version,
                "title": title,
                "source": doc.source,
                "source_url": doc.final_url,
                "page_url": doc.page_url,
                "media": rep.media or doc.media,
                "sha256": doc.sha256,
                "size_bytes": doc.size,
                "fetched_at": _parse_time(doc.fetched_at),
                "parsed_at": parsed_at,
                "is_correction": doc.is_correction,
                "is_canonical": False,
                "canonical_reason": None,
                "superseded_by": None,
                "cells_read": sum(1 for c in rep.cells if c.value is not None),
                "needs_ocr": rep.needs_ocr,
                "error": rep.error,
                "warnings": list(rep.warnings),
            }
        )
        cells.extend(
            {"report_id": rid, "agency": agency, "year": year, "table_id": c.table_id,
             "row_id": c.row_id, "col_id": c.col_id,
             "value": None if c.value is None else float(c.value), "raw": c.raw}
            for c in rep.cells
        )
        sections.extend({"report_id": rid, "section_id": s.section_id, "text": s.text} for s in rep.sections)
        checks.extend(
            {"report_id": rid, "agency": agency, "year": year, "rule": k.rule, "row_id": k.row_id,
             "col_id": k.col_id, "expected": k.expected, "actual": k.actual, "passed": k.passed,
             "soft": k.soft}
            for k in rep.checks
        )
        figures.extend(
            {"report_id": rid, "figure": f.figure, "value": f.value, "text": f.text, "section_id": f.section_id}
            for f in rep.narrative_figures
        )
    _scope_by_figures(reports, received)
    report = with_agency_keys(pl.DataFrame(reports, schema=REPORT_SCHEMA))
    return ReportFrames(
        report=mark_canonical(report),
        fact_cell=pl.DataFrame(cells, schema=FACT_CELL_SCHEMA).unique(
            subset=["report_id", "table_id", "row_id", "col_id"], keep="first", maintain_order=True),
        report_section=pl.DataFrame(sections, schema=SECTION_SCHEMA).unique(
            subset=["report_id", "section_id"], keep="first", maintain_order=True),
        check_result=pl.DataFrame(checks, schema=CHECK_SCHEMA),
        narrative_figure=pl.DataFrame(figures, schema=FIGURE_SCHEMA),
    )


def _scope_by_figures(reports: list[dict], received: list[float | None]) -> None:
    """Where the wording left a government's report at the default scope, its figures against
    the other reports of its division may show it sums them up (scope.scope_from_figures)."""
    found = scope_from_figures([
        Figures(i, normalise_agency(r["agency"]), r["division"], r["year"], Scope(r["scope"], r["scope_reason"] or ""),
                r["agency_kind"] in (GOVERNMENT, GENERAL_OFFICE), received[i])
        for i, r in enumerate(reports) if r["scope"] is not None])
    for i, scope in found.items():
        reports[i]["scope"], reports[i]["scope_reason"] = scope.scope, scope.reason


def mark_canonical(report: pl.DataFrame) -> pl.DataFrame:
    """Choose one canonical report per agency (``agency_id``), year and scope, and say why for
    every row.

    Order of preference: readable; a correction (更正) over the post it corrects; more cells
    read; the preferred media (html > docx > pdf > doc); fetched later; report_id (stable).
    The choice starts afresh: what `report` says of it already (a shard's own choice, the
    rows as loaded) is not read.
    """
    if report.is_empty():
        return report
    report = with_agency_keys(report).with_columns(
        is_canonical=pl.lit(False), superseded_by=pl.lit(None, dtype=pl.Utf8),
        canonical_reason=pl.lit(None, dtype=pl.Utf8))
    ranked = report.with_columns(
        _readable=pl.col("error").is_null() & ~pl.col("needs_ocr"),
        _media_rank=pl.col("media").replace_strict(MEDIA_PREFERENCE, default=9, return_dtype=pl.Int32),
        # An agency's own report and its area's aggregate (汇总) are both counted, each once.
        _group=pl.concat_str([pl.col("agency_id").fill_null("?"), pl.col("year").cast(pl.Utf8).fill_null("?"),
                              pl.col("scope").fill_null("own")], separator="|"),
    ).sort(
        ["_group", "_readable", "is_correction", "cells_read", "_media_rank", "fetched_at", "report_id"],
        descending=[False, True, True, True, False, True, False],
        nulls_last=True,
    )
    rows = ranked.to_dicts()
    by_group: dict[str, list[dict]] = {}
    for row in rows:
        by_group.setdefault(row["_group"], []).append(row)
    for members in by_group.values():
        best = members[0]
        identified = best["agency"] is not None and best["year"] is not None and best["_readable"]
        best["is_canonical"] = identified
        if not identified:
            reason = "agency or year unknown" if best["_readable"] else "unreadable"
            for row in members:
                row["is_canonical"] = False
                row["canonical_reason"] = reason if row["_readable"] else (row["error"] and "unreadable: " + row["error"][:120] or "needs OCR")
            continue
        best["canonical_reason"] = "only report for agency and year" if len(members) == 1 else f"chosen over {len(members) - 1} other(s)"
        for row in members[1:]:
            row["superseded_by"] = best["report_id"]
            row["canonical_reason"] = _why_not(row, best)
    return pl.DataFrame(rows, schema=ranked.schema).drop("_readable", "_media_rank", "_group").select(list(REPORT_SCHEMA))


def _why_not(row: dict, best: dict) -> str:
    if not row["_readable"]:
        return "unreadable" if row["error"] else "needs OCR"
    if best["is_correction"] and not row["is_correction"]:
        return "superseded by a correction (更正)"
    if best["cells_read"] > row["cells_read"]:
        return f"fewer cells read ({row['cells_read']} < {best['cells_read']})"
    if best["_media_rank"] < row["_media_rank"]:
        return f"same report in a preferred media ({best['media']} over {row['media']})"
    return "an equal copy was chosen (fetched later)"
