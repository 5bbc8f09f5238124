"""Entry points: a file or its bytes → `Report`. They never raise for bad input: a file that
cannot be read gives ``Report(error=...)``.

    parse_file(path) -> Report
    parse_bytes(data, source, *, media=None, title_hint=None, agency_hint=None, year_hint=None,
                division_hint=None)
    parse_document(doc, ...) -> Report   # a Document already read
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache
from pathlib import Path

from gongkai.assets.form.spec import T3_COLS, cells_for
from gongkai.assets.read import UnreadableDocument, read_bytes
from gongkai.assets.read.document import Document
from gongkai.assets.report.checks import run_checks
from gongkai.assets.report.division import place_agency
from gongkai.assets.report.formats import columns, detect_format, row_widths
from gongkai.assets.report.meta import find_meta
from gongkai.assets.report.model import CellValue, Report, cell_value
from gongkai.assets.report.narrative import find_figures
from gongkai.assets.report.scope import AGGREGATE, detect_scope
from gongkai.assets.report.sections import split_pre2019_sections, split_sections
from gongkai.assets.report.tables import RawTables, Slot, read_tables
from gongkai.assets.report.tokens import tokenize

log = logging.getLogger(__name__)


def parse_file(path: str | Path, **hints) -> Report:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return Report.failed(str(p), f"cannot open the file: {exc.strerror or exc}")
    return parse_bytes(data, str(p), **hints)


def parse_bytes(data: bytes, source: str, *, media: str | None = None,
                title_hint: str | None = None, agency_hint: str | None = None,
                year_hint: int | None = None, division_hint: str | None = None) -> Report:
    try:
        doc = read_bytes(data, source, media=media, title_hint=title_hint)
    except UnreadableDocument as exc:
        log.info("%s: unreadable: %s", source, exc)
        return Report.failed(source, str(exc), media)
    except Exception as exc:  # a reader bug must not stop a year's run
        log.exception("%s: reader failed", source)
        return Report.failed(source, f"reader failed: {type(exc).__name__}: {exc}", media)
    try:
        return parse_document(doc, title_hint=title_hint, agency_hint=agency_hint,
                              year_hint=year_hint, division_hint=division_hint)
    except Exception as exc:
        log.exception("%s: report parsing failed", source)
        return Report.failed(source, f"parser failed: {type(exc).__name__}: {exc}", doc.media)


def parse_document(doc: Document, *, title_hint: str | None = None,
                   agency_hint: str | None = None, year_hint: int | None = None,
                   division_hint: str | None = None) -> Report:
    report = Report(source=doc.source, media=doc.media, needs_ocr=doc.needs_ocr,
                    warnings=list(doc.warnings))
    meta, notes = find_meta(doc, title_hint or doc.title_hint, agency_hint, year_hint)
    report.title, report.agency, report.year = meta.title, meta.agency, meta.year
    report.warnings.extend(notes)

    stream = tokenize(doc)
    probe = read_tables(stream, row_widths("2021", "t2"))
    version, note = detect_format(probe.t2_labels, probe.t3_labels, set(probe.t3))
    if note:
        report.warnings.append(note)
    if version is None:
        if probe.empty:
            version = "pre2019" if not doc.needs_ocr and _has_text(doc) else None
        else:
            report.warnings.append("tables found but their labels name no format")
    report.format_version = version
    if version == "pre2019":
        report.sections = split_pre2019_sections(doc)
        report.narrative_figures = find_figures(report.sections, pre2019=True)
    else:
        report.sections = split_sections(doc, stream.headings)
        report.narrative_figures = find_figures(report.sections)
    if version in ("2019", "2021"):
        # The probe read the tables with the 2021 row widths already: reuse it.
        raw = probe if version == "2021" else read_tables(stream, row_widths(version, "t2"))
        report.warnings.extend(raw.warnings)
        report.cells = build_cells(raw, version, report.warnings)
        report.checks = run_checks(report.cells, version, report.narrative_figures)
    elif doc.needs_ocr:
        report.warnings.append("no text to read the tables from (needs OCR)")
    scope = detect_scope(report.title, doc.text, report.agency)
    report.scope, report.scope_reason = scope.scope, scope.reason
    if scope.scope == AGGREGATE and version == "pre2019":
        report.warnings.append("figures cover the whole area (全市/全县 汇总各部门), "
                               "not the government's own")
    placed = place_agency(report.agency, text=_head(report.title, doc.text), hint=division_hint)
    if placed.contradiction:
        report.warnings.append(placed.contradiction)
    if placed.division is not None:
        report.division, report.division_code = placed.division.name, placed.division.code
    return report


def _head(title: str | None, text: str) -> str:
    """What the division resolver reads besides the agency: the title and the opening text."""
    return f"{title or ''}\n{text[:3000]}"


def _has_text(doc: Document) -> bool:
    return len(doc.text.strip()) > 200


def build_cells(raw: RawTables, version: str, warnings: list[str]) -> list[CellValue]:
    """Exactly the cells of the format, in cells.csv order; unfound cells are NULL."""
    found: dict[tuple[str, str, str], Slot] = {}
    for table_id, rows in (("t2", raw.t2), ("t3", raw.t3), ("t4", raw.t4)):
        for row_id, slots in rows.items():
            for col_id, slot in zip(_printed_columns(version, table_id, row_id), slots):
                found[(table_id, row_id, col_id)] = slot
    extra: list[CellValue] = []
    if version == "2021" and "result.other" in raw.t3 and not any(
        r.startswith("result.other.") for r in raw.t3
    ):
        # The hybrid: 2021 tables with the 2019 single （六）其他处理 row. Keep it as
        # result.other; its three 2021 sub-rows are 0 where it prints 0, NULL otherwise.
        warnings.append("t3 prints the 2019 single （六）其他处理 row in a 2021 table")
        for col_id, (value, text) in zip(T3_COLS, raw.t3["result.other"]):
            extra.append(cell_value("t3", "result.other", col_id, value, text))
            for sub in ("result.other.no_amendment", "result.other.fee_unpaid",
                        "result.other.other"):
                found[("t3", sub, col_id)] = (0, None) if value == 0 else (None, None)
    cells: list[CellValue] = []
    missing = 0
    for key, money in _cell_keys(version):
        slot = found.get(key)
        if slot is None:
            missing += 1
            value, text = None, None
        else:
            value, text = slot
        if value is not None and money:
            value = float(value)
        if value is None or type(value) is int:
            # Cells are immutable and most repeat across reports (NULL, 0): share them.
            memo = (key, value, text)
            cell = _CELLS.get(memo)
            if cell is None:
                if len(_CELLS) >= 50_000:
                    _CELLS.clear()
                cell = _CELLS[memo] = cell_value(key[0], key[1], key[2], value, text)
            cells.append(cell)
        else:
            cells.append(cell_value(key[0], key[1], key[2], value, text))
    if missing:
        rows = sorted({f"{s.table_id}.{s.row_id}" for s in cells_for(version)
                       if s.key not in found})
        warnings.append(f"{missing} cells not found (NULL): rows {', '.join(rows)}")
    return cells + extra


_CELLS: dict[tuple[tuple[str, str, str], int | None, str | None], CellValue] = {}


@cache
def _cell_keys(version: str) -> tuple[tuple[tuple[str, str, str], bool], ...]:
    """(key, whether the unit is 10k_yuan) of each cell of the format, in cells.csv order."""
    return tuple((spec.key, spec.unit == "10k_yuan") for spec in cells_for(version))


@lru_cache(maxsize=1024)
def _printed_columns(version: str, table_id: str, row_id: str) -> tuple[str, ...]:
    cols = columns(version, table_id, row_id)
    if not cols and table_id == "t3" and row_id == "result.other":
        return T3_COLS  # the 2019 row inside a 2021 table; handled by the caller
    if not cols and table_id == "t3":
        return ()
    return tuple(cols)
