"""Reader fidelity on layouts our fixtures lacked (issue 10): each test builds a whole report in
the layout that lost cells, reads it as a user would (`parse_bytes`), and compares every cell
with the truth it was built from."""

from __future__ import annotations

import copy
import io
import random

import docx
import pytest
from docx.oxml.ns import qn

from gongkai.assets.report.parse import parse_bytes
from gongkai.demo.model import T3_COLS
from gongkai.demo.render_pdf import render_pdf
from tests.report.forms import (
    AGENCY,
    borderless_pdf,
    docx_bytes,
    html_bytes,
    report_doc,
    text_report,
    wrong_cells,
)

# --- class 1: spaces inside a number ---------------------------------------------------------


def _spread_digits(doc) -> int:
    """Print every number of 10 or more as justified Word text does: 17 → '1 7', 732 → '7 32'."""
    n = 0
    for key, value in doc.cells.items():
        if isinstance(value, int) and value >= 10 and key.startswith(("t2|", "t3|")):
            text = str(value)
            doc.printed_as[key] = f"{text[0]} {text[1:]}"
            n += 1
    return n


@pytest.mark.parametrize("medium", ["html", "docx", "pdf"])
def test_spaced_digits_in_one_cell_read_as_one_number(medium: str) -> None:
    doc = report_doc()
    assert _spread_digits(doc) >= 10
    data = {"html": html_bytes, "docx": docx_bytes,
            "pdf": lambda d: render_pdf(d, random.Random(1))}[medium](doc)
    report = parse_bytes(data, f"report.{medium}")
    assert report.agency == AGENCY
    assert wrong_cells(report, doc) == {}
    raw = {f"{c.table_id}|{c.row_id}|{c.col_id}": c.raw for c in report.cells}
    spread = next(k for k in doc.printed_as if k.startswith("t3|"))
    assert raw[spread] == doc.printed_as[spread]  # raw keeps the print


# --- class 9: an amount printed in 元 where the form asks 万元 ---------------------------------


def test_amount_printed_in_yuan_is_converted_to_ten_thousand_yuan() -> None:
    doc = report_doc(fv="2019")
    doc.cells["t2|procurement|items"] = 3
    doc.cells["t2|procurement|amount_10k_yuan"] = 25.1
    doc.printed_as["t2|procurement|amount_10k_yuan"] = "251000元"
    report = parse_bytes(html_bytes(doc), "report.html")
    assert report.format_version == "2019"
    assert wrong_cells(report, doc) == {}
    cell = next(c for c in report.cells if c.row_id == "procurement" and c.col_id == "amount_10k_yuan")
    assert cell.value == 25.1 and cell.raw == "251000元"


# --- class 10: text whose cell boundaries were lost -------------------------------------------


def _run_together(table_id: str, rows) -> list[str]:
    """A scraper's export: each row one line, its cells run together without a separator."""
    return ["".join(labels + values) for labels, values in rows]


def _print_received_new(doc, values: tuple[int, ...]) -> None:
    """Set the received_new row, keeping the balance: received_new + carried_over =
    result.total + carried_forward, per column (what grows is carried forward, what shrinks
    was carried over)."""
    for col, value in zip(T3_COLS[:-1], values):
        delta = value - doc.cells[f"t3|received_new|{col}"]
        doc.cells[f"t3|received_new|{col}"] = value
        side = "carried_forward" if delta > 0 else "carried_over"
        doc.cells[f"t3|{side}|{col}"] += abs(delta)
    for row in ("received_new", "carried_over", "carried_forward"):
        doc.cells[f"t3|{row}|total"] = sum(doc.cells[f"t3|{row}|{c}"] for c in T3_COLS[:-1])


@pytest.mark.parametrize("fv", ["2021", "2019"])
def test_cells_run_together_split_where_the_forms_arithmetic_allows_one_way(fv: str) -> None:
    doc = report_doc(fv=fv, seed=1)
    _print_received_new(doc, (217, 1, 0, 0, 0, 0, 218))
    text = text_report(doc, _run_together)
    assert "一、本年新收政府信息公开申请数量21710000218" in text.decode()
    report = parse_bytes(text, "export.txt")
    assert (report.agency, report.year) == (AGENCY, doc.year)
    wrong = wrong_cells(report, doc)
    assert not [k for k in wrong if k.startswith(("t3|", "t4|"))], wrong
    # t2 rows have no arithmetic: a run is split only when its digits allow one way
    for key, (got, truth) in wrong.items():
        assert got is None, (key, got, truth)
        assert any(key.split("|")[1] in w for w in report.warnings) or "not found" in " ".join(
            report.warnings)


def test_a_run_that_splits_several_ways_stays_null_and_says_why() -> None:
    doc = report_doc(seed=1)
    doc.cells.update({"t2|normative_docs|issued": 24, "t2|normative_docs|repealed": 0,
                      "t2|normative_docs|in_force": 24})  # 24024: 24 0 24? 2 40 24? 240 2 4?
    doc.cells["t3|result.granted|total"] += 1  # a printed total that no split adds up to
    report = parse_bytes(text_report(doc, _run_together), "export.txt")
    cells = {(c.table_id, c.row_id, c.col_id): c.value for c in report.cells}
    assert cells[("t2", "normative_docs", "issued")] is None
    assert cells[("t3", "result.granted", "total")] is None
    assert cells[("t3", "received_new", "total")] == doc.cells["t3|received_new|total"]
    said = " ".join(report.warnings)
    assert "normative_docs printed as the digit run 24024" in said and "4 splits" in said
    assert "result.granted printed as the digit run" in said and "no split fits" in said


# --- class 3: text flattened one cell per line, with blank cells and 无 ------------------------


@pytest.mark.parametrize(("fv", "row_gap"), [("2021", False), ("2019", True)])
def test_one_cell_per_line_with_blank_cells_and_placeholders_keeps_columns(
        fv: str, row_gap: bool) -> None:
    doc = report_doc(fv=fv, seed=2)
    rng = random.Random(2)
    keys = [k for k in doc.cells if k.startswith(("t3|", "t4|")) and doc.cells[k] == 0]
    marked = rng.sample(keys, len(keys) // 2)
    for key in marked[::2]:
        doc.printed_as[key] = "无"
    for key in marked[1::2]:
        doc.cells[key] = None  # printed blank: NULL, not 0
    assert len(marked) >= 20

    def one_cell_per_line(table_id: str, rows) -> list[str]:
        # An empty cell is an empty line; some exports also leave a blank line between rows.
        return [cell for labels, values in rows for cell in [""] * row_gap + labels + values]

    report = parse_bytes(text_report(doc, one_cell_per_line), "flat.txt")
    assert report.format_version == fv
    assert wrong_cells(report, doc) == {}


@pytest.mark.parametrize(("blank_column", "spread"), [(True, False), (False, False),
                                                     (False, True)])
def test_cells_marked_by_a_leading_tab_keep_their_columns_around_blank_cells(
        blank_column: bool, spread: bool) -> None:
    """A DOCX's text: each cell on a line of its own behind a tab (a bare tab for a blank
    cell), long labels broken over unindented lines, a blank line between rows. The tab marks
    the cell; it is not an empty cell before it, and a number justified text spread (`8 7`)
    in the cell is one number."""
    doc = report_doc(seed=3)
    if spread:
        assert _spread_digits(doc) >= 10
    rng = random.Random(3)
    t3 = [k for k in doc.cells if k.startswith("t3|")]
    if blank_column:  # an applicant column left blank on every row
        for key in t3:
            if key.endswith("|research"):
                doc.cells[key] = None
    blanks = rng.sample([k for k in t3 if doc.cells[k] == 0], 12)
    for key in blanks:
        doc.cells[key] = None
    assert sum(doc.cells[k] is None for k in t3) >= 12

    def tab_marked(table_id: str, rows) -> list[str]:
        out: list[str] = []
        for labels, values in rows:
            for label in labels:
                out += ["\t" + label[:9]] + [label[i:i + 9] for i in range(9, len(label), 9)]
            out += ["\t" + v for v in values] + [""]
        return out

    report = parse_bytes(text_report(doc, tab_marked), "cells.txt")
    assert wrong_cells(report, doc) == {}


# --- class 4: a DOCX whose t3 is split into two tables -----------------------------------------


def _split_table(data: bytes, marker: str, at: int, repeat_header: int = 0) -> bytes:
    """Word's 拆分表格 at row ``at`` of the table holding ``marker``: two tables with an empty
    paragraph between; a vertical merge crossing the cut continues at the second table's top
    with nothing above it. The second part may repeat the first ``repeat_header`` rows."""
    word = docx.Document(io.BytesIO(data))
    first = next(t for t in word.tables if marker in t._tbl.xml)._tbl
    second = copy.deepcopy(first)
    for tr in first.findall(qn("w:tr"))[at:]:
        first.remove(tr)
    for tr in second.findall(qn("w:tr"))[repeat_header:at]:
        second.remove(tr)
    gap = copy.deepcopy(word.paragraphs[-1]._p)
    for run in gap.findall(qn("w:r")):
        gap.remove(run)
    first.addnext(gap)
    gap.addnext(second)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("at", "repeat_header"), [(6, 0), (14, 0), (20, 3)])
def test_docx_t3_split_into_two_tables_keeps_its_columns(at: int, repeat_header: int) -> None:
    doc = report_doc(seed=3)
    data = _split_table(docx_bytes(doc), "本年新收", at, repeat_header)
    assert len(docx.Document(io.BytesIO(data)).tables) == 4
    report = parse_bytes(data, "split.docx")
    assert wrong_cells(report, doc) == {}


# --- class 2: borderless PDF tables: wrapped labels, values beside any of their lines ------------


@pytest.mark.parametrize("valign", ["TOP", "MIDDLE", "BOTTOM"])
@pytest.mark.parametrize("label_widths", [(30, 40, 80), (24, 36, 60)])
def test_borderless_t3_rows_with_labels_wrapped_over_lines_are_read(
        valign: str, label_widths: tuple[int, int, int]) -> None:
    doc = report_doc(seed=4)
    report = parse_bytes(borderless_pdf(doc, valign, label_widths), "borderless.pdf")
    assert wrong_cells(report, doc) == {}


def test_borderless_blank_cells_keep_their_columns() -> None:
    doc = report_doc(seed=5)
    rng = random.Random(5)
    blank = [k for k, v in doc.cells.items() if k.startswith("t3|") and v == 0 and rng.random() < .4]
    for key in blank:
        doc.cells[key] = None
    assert len(blank) >= 30
    report = parse_bytes(borderless_pdf(doc), "borderless.pdf")
    assert wrong_cells(report, doc) == {}


def test_borderless_digits_spread_in_one_cell_read_as_one_number() -> None:
    doc = report_doc(seed=4)
    assert _spread_digits(doc) >= 10
    report = parse_bytes(borderless_pdf(doc), "borderless.pdf")
    assert wrong_cells(report, doc) == {}


# --- a ruled t3 cut by a page break between two rows whose zeros print as `/` ---------------


def test_rows_of_placeholders_either_side_of_a_page_break_stay_two_rows() -> None:
    """Word prints 0 as `/` in some reports. The last row on one page and the first on the
    next (its merged category cells repeated) are whole rows: neither is a piece of one row
    cut in two, so neither's label is glued into the other's."""
    from gongkai.assets.read.document import Document, Paragraph, Table
    from gongkai.assets.read.pdf import join_tables_across_pages
    from gongkai.assets.report.parse import parse_document

    fee = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    top = Table(grid=(
        ("三、本年度办理结果", "（一）予以公开", None, "1", "/", "/", "/", "/", "/", "1"),
        (None, "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "/", "/", "/", "/", "/", "/", "/"),
        (None, None, fee, "/", "/", "/", "/", "/", "/", "/"),
    ), page=3, pages=(3,))
    bottom = Table(grid=(
        ("三、本年度办理结果", "（六）其他处理", "3.其他", "/", "/", "/", "/", "/", "/", "/"),
        (None, "（七）总计", None, "1", "/", "/", "/", "/", "/", "1"),
    ), page=4, pages=(4,))
    (joined,) = join_tables_across_pages([top, bottom])
    assert [r[2] for r in joined.grid] == [None, top.grid[1][2], fee, "3.其他", None]
    heading = Paragraph("三、收到和处理政府信息公开申请情况")
    report = parse_document(Document(source="cut.pdf", media="pdf", blocks=[heading, joined]))
    got = {(c.row_id, c.col_id): c.value for c in report.cells if c.table_id == "t3"}
    for row_id in ("result.other.fee_unpaid", "result.other.other"):
        assert [got.get((row_id, col)) for col in T3_COLS] == [0] * 7
    assert got[("result.total", "total")] == 1


# --- a row whose cells all print 无, its values on the label's line --------------------------


def test_a_row_of_only_placeholders_after_its_label_reads_as_zeros() -> None:
    """PDF text (and a borderless table page the layout reader leaves as lines) prints a row
    as `行政处罚 无`: with no number on the line, the 无 is still the row's cell, not a piece
    of its label."""
    doc = report_doc(seed=5)
    zeros = [k for k in doc.cells if k.startswith(("t2|", "t3|")) and doc.cells[k] == 0]
    for key in zeros:
        doc.printed_as[key] = "无"
    for key in ("t2|penalty|decisions", "t2|coercion|decisions"):
        doc.cells[key] = 0
        doc.printed_as[key] = "无"
    t3_rows = {k.rsplit("|", 1)[0] for k in zeros if k.startswith("t3|")}
    all_zero = [r for r in t3_rows
                if all(doc.cells[f"{r}|{c}"] == 0 for c in T3_COLS)]
    if not all_zero:  # make one t3 leaf row print 无 in every cell (the form stays balanced)
        for c in T3_COLS:
            doc.cells[f"t3|result.denied.state_secret|{c}"] = 0
            doc.printed_as[f"t3|result.denied.state_secret|{c}"] = "无"

    def label_then_values(table_id: str, rows) -> list[str]:
        return [" ".join(["".join(labels), *values]).strip() for labels, values in rows]

    report = parse_bytes(text_report(doc, label_then_values), "lines.txt")
    assert wrong_cells(report, doc) == {}


# --- a label's tail after its values, then a row label led by a category piece ---------------


def test_a_wrapped_labels_tail_before_a_label_led_by_a_category_piece_is_joined() -> None:
    """Borderless PDF text: a row's values sit beside its label's first line, the label's tail
    follows on the next line (or the next page), and the next row's label begins with a piece
    of the merged category cell printed down the left column (`办理（六）其他处理`), so it does
    not open with its numbering. The tail belongs to the row before."""
    doc = report_doc(seed=4)

    def values_on_first_line(table_id: str, rows) -> list[str]:
        out: list[str] = []
        led = False
        for labels, values in rows:
            label = ("办理" if led else "") + "".join(labels)
            led = label.endswith("重新出具已获取信息")
            head, tail = (label[:14], label[14:]) if values and len(label) > 14 else (label, "")
            out.append(" ".join([head, *values]).strip())
            out += [tail] if tail else []
        return out

    report = parse_bytes(text_report(doc, values_on_first_line), "wrapped.txt")
    assert wrong_cells(report, doc) == {}


def test_a_header_row_ending_a_page_is_not_glued_to_the_row_after_the_break() -> None:
    """A t2 block's head row (信息内容 | 上一年项目数量 | …) last on a page, its first data row
    on the next: the data row keeps its own label and values."""
    from gongkai.assets.read.document import Document, Paragraph, Table
    from gongkai.assets.read.pdf import join_tables_across_pages
    from gongkai.assets.report.parse import parse_document

    top = Table(grid=(
        ("第二十条第（六）项", None, None, None),
        ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
    ), page=2, pages=(2,))
    bottom = Table(grid=(
        ("行政处罚", "17", "-1", "—"),
        ("行政强制", "10", "-6", "3"),
    ), page=3, pages=(3,))
    (joined,) = join_tables_across_pages([top, bottom])
    assert joined.grid[-2] == bottom.grid[0]
    heading = Paragraph("二、主动公开政府信息情况")
    report = parse_document(Document(source="cut.pdf", media="pdf", blocks=[heading, joined]))
    got = {(c.row_id, c.col_id): c.value for c in report.cells if c.table_id == "t2"}
    assert got[("penalty", "decisions")] == 0
    assert got[("coercion", "decisions")] == 3


def test_paragraphs_indented_by_a_tab_leave_blank_line_cells_as_they_are() -> None:
    """Prose indented by a tab, tables one cell per line without tabs (a blank line an empty
    cell): the blank lines are still the empty cells."""
    doc = report_doc(fv="2019", seed=2)
    keys = [k for k in doc.cells if k.startswith("t3|") and doc.cells[k] == 0]
    for key in random.Random(2).sample(keys, 10):
        doc.cells[key] = None

    def one_cell_per_line(table_id: str, rows) -> list[str]:
        return [cell for labels, values in rows for cell in labels + values]

    text = text_report(doc, one_cell_per_line).decode()
    indented = "\n".join("\t" + line if len(line) > 8 else line for line in text.split("\n"))
    assert indented.count("\n\t") >= 20
    report = parse_bytes(indented.encode(), "indented.txt")
    assert wrong_cells(report, doc) == {}
