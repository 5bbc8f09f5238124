"""Whole reports built for tests from a known truth, in the layouts readers meet: the demo's
HTML and DOCX renderers, and text flattenings written row by row (one cell per line, cells run
together, …). The truth comes from the demo's value generator, so it keeps the form's
arithmetic (row totals, column sums, the balance) as published reports do."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

from gongkai.assets.report.model import Report
from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import grids
from gongkai.demo.narrative import generated_blocks
from gongkai.demo.render_docx import render_docx
from gongkai.demo.render_html import report_body
from gongkai.demo.values import AgencyState, report_values

AGENCY = "清河县交通运输局"
YEAR = 2023


def report_doc(fv: str = "2021", seed: int = 7, scale: float = 60) -> ReportDoc:
    """A report whose tables hold many different numbers, so a value in the wrong cell shows."""
    rng = random.Random(seed)
    cells = report_values(rng, AgencyState(scale=scale, big=True), fv)
    year = YEAR if fv == "2021" else 2019
    title = f"{AGENCY}{year}年政府信息公开工作年度报告"
    blocks = generated_blocks(AGENCY, year, fv, cells, rng, title)
    doc = ReportDoc(doc_id=f"test-{seed}", agency=AGENCY, year=year, fv=fv, title=title,
                    cells=cells, blocks=blocks)
    for key, value in cells.items():  # the truth is what is printed (amounts are rounded)
        if isinstance(value, float):
            cells[key] = float(doc.text(key))
    return doc


def html_bytes(doc: ReportDoc, style: str = "word") -> bytes:
    body = report_body(doc, style, random.Random(0))
    return f"<html><head><title>{doc.title}</title></head><body><div>{body}</div></body></html>".encode()


def docx_bytes(doc: ReportDoc) -> bytes:
    return render_docx(doc, random.Random(0))


Row = tuple[list[str], list[str]]  # (label cells, value cells) of one printed row


def printed_rows(doc: ReportDoc, table_id: str) -> list[Row]:
    """A table's rows as printed: each row's label cells, then its value cells."""
    grid = next(g for g in grids(doc.fv) if g.table_id == table_id)
    rows: list[Row] = []
    for row in grid.positions():
        labels = [cell.text for _, cell in row if not cell.key]
        values = [doc.text(cell.key) for _, cell in row if cell.key]
        rows.append((labels, values))
    return rows


def text_report(doc: ReportDoc, table_lines: Callable[[str, list[Row]], list[str]]) -> bytes:
    """The report as plain text: its prose line by line, each table as `table_lines` flattens it."""
    lines: list[str] = []
    for kind, text in doc.blocks:
        if kind == "table":
            lines.extend(table_lines(text, printed_rows(doc, text)))
        else:
            lines.append(text)
    return "\n".join(lines).encode("utf-8")


def wrong_cells(report: Report, doc: ReportDoc) -> dict[str, tuple]:
    """key → (read, truth) for every cell the report read differently from the truth."""
    got = {f"{c.table_id}|{c.row_id}|{c.col_id}": c.value for c in report.cells}
    return {k: (got.get(k, "missing"), v) for k, v in doc.cells.items()
            if got.get(k, "missing") != v}


def borderless_pdf(doc: ReportDoc, valign: str = "MIDDLE",
                   t3_labels: tuple[int, int, int] = (34, 50, 126)) -> bytes:
    """The report as a PDF whose tables have no rules (Word's 无框线 tables): labels wrap
    inside their columns (t3's three label columns ``t3_labels`` wide) onto two or three
    lines, values sit where ``valign`` puts them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from gongkai.demo.render_pdf import FONT

    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK")
    widths = {"t2": [150, 105, 105, 105], "t3": [*t3_labels] + [39] * 7, "t4": [31] * 15}
    story: list = []
    for kind, text in doc.blocks:
        if kind != "table":
            story.append(Paragraph(text, body))
            continue
        grid = next(g for g in grids(doc.fv) if g.table_id == text)
        data = [[""] * grid.ncols for _ in grid.rows]
        style = [("FONT", (0, 0), (-1, -1), FONT, 8), ("VALIGN", (0, 0), (-1, -1), valign),
                 ("ALIGN", (0, 0), (-1, -1), "CENTER")]
        for r, row in enumerate(grid.positions()):
            for c, printed in row:
                if printed.key:
                    data[r][c] = doc.text(printed.key)
                else:
                    data[r][c] = Paragraph(printed.text, cell)
                if printed.rowspan > 1 or printed.colspan > 1:
                    style.append(("SPAN", (c, r), (c + printed.colspan - 1,
                                                   r + printed.rowspan - 1)))
        story.append(Table(data, colWidths=widths[text], style=TableStyle(style)))
        story.append(Spacer(1, 6))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()
