"""Reports as DOCX: Word tables with real merged cells (vMerge / gridSpan), byte-for-byte stable."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import Cell, Grid, grids

_FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _east_asian(run, font: str) -> None:
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _fill(table, grid: Grid, doc: ReportDoc, vertical_labels: bool) -> None:
    for r, row in enumerate(grid.positions()):
        for c, cell in row:
            text = doc.text(cell.key) if cell.key else cell.text
            # Narrow, tall label cells are often typed one character per line (seed 003).
            if vertical_labels and cell.rowspan > 2 and not cell.key and len(text) <= 10:
                text = "\n".join(text)
            target = table.cell(r, c)
            para = target.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(text)
            run.font.size = Pt(9)
            _east_asian(run, "宋体")
            if cell.rowspan > 1 or cell.colspan > 1:
                target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))


def _stable_zip(data: bytes) -> bytes:
    """python-docx stamps zip entries with the current time: rewrite them with a fixed one."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def split_grid(grid: Grid, at: int, repeat_header: bool) -> tuple[Grid, Grid]:
    """A table cut in two before row `at` (Word's 拆分表格): a merged label that crosses the cut
    ends in the first part and starts again, with its text, in the second; the second part may
    repeat the header rows."""
    placed = [(r, c, cell) for r, row in enumerate(grid.positions()) for c, cell in row]
    head = [(r, c, cell) for r, c, cell in placed if r < grid.header_rows] if repeat_header else []
    first = [(r, c, Cell(cell.text, cell.key, min(cell.rowspan, at - r), cell.colspan, cell.header))
             for r, c, cell in placed if r < at]
    offset = at - len({r for r, _, _ in head})
    second = head + [(r - offset, c, cell) for r, c, cell in placed if r >= at]
    second += [(at - offset, c, Cell(cell.text, cell.key, r + cell.rowspan - at, cell.colspan, cell.header))
               for r, c, cell in placed if r < at < r + cell.rowspan]

    def grid_of(cells: list[tuple[int, int, Cell]], header_rows: int) -> Grid:
        part = Grid(grid.table_id, grid.ncols, header_rows=header_rows)
        for r in sorted({r for r, _, _ in cells}):
            part.rows.append([cell for _, _, cell in sorted((x for x in cells if x[0] == r), key=lambda x: x[1])])
        return part

    return grid_of(first, grid.header_rows), grid_of(second, grid.header_rows if repeat_header else 0)


def render_docx(doc: ReportDoc, rng: random.Random, *, tables: list[Grid] | None = None,
                split_t3_at: int | None = None, repeat_header: bool = False) -> bytes:
    """`tables`: grids to print instead of the format's own; `split_t3_at`: cut t3 into two tables
    before that row (an empty paragraph between), the header rows repeated or not."""
    d = Document()
    normal = d.styles["Normal"]
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    stamp = datetime(doc.year + 1, 1, 20, 9, 0, 0)
    props = d.core_properties
    props.author, props.last_modified_by, props.title = "Administrator", "Administrator", doc.title or ""
    props.created = props.modified = stamp
    props.revision = 3
    vertical = "vertical_labels" in doc.quirks
    tables = {g.table_id: g for g in (tables or grids(doc.fv))}
    for kind, text in doc.blocks:
        if kind == "table":
            parts = [tables[text]]
            if text == "t3" and split_t3_at is not None:
                parts = list(split_grid(tables[text], split_t3_at, repeat_header))
            for i, grid in enumerate(parts):
                if i:
                    d.add_paragraph()
                table = d.add_table(rows=len(grid.rows), cols=grid.ncols)
                table.style = "Table Grid"
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                _fill(table, grid, doc, vertical)
            continue
        para = d.add_paragraph()
        run = para.add_run(text)
        if kind == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold, run.font.size = True, Pt(20)
            _east_asian(run, "方正小标宋简体")
        elif kind == "h":
            para.paragraph_format.first_line_indent = Pt(28)
            _east_asian(run, "黑体")
        else:
            para.paragraph_format.first_line_indent = Pt(28)
    buf = io.BytesIO()
    d.save(buf)
    return _stable_zip(buf.getvalue())
