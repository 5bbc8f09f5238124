"""Reader fidelity on layouts our fixtures lacked (issue 10): each test builds a whole report in
the layout that lost cells, reads it as a user would (`parse_bytes`), and compares every cell
with the truth it was built from."""

from __future__ import annotations

import random

import pytest

from gongkai.assets.report.parse import parse_bytes
from gongkai.demo.render_pdf import render_pdf
from tests.report.forms import AGENCY, docx_bytes, html_bytes, report_doc, wrong_cells

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
