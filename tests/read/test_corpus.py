"""Each reader case pinned with a real file of tests/fixtures/corpus (built by build_corpus.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.assets.files import decode_text
from gongkai.assets.read import read_file
from gongkai.assets.read.document import Paragraph, Table
from gongkai.assets.report.parse import parse_file
from tests.read.needs import needs_ocr, needs_soffice

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
LABELS = {d["file"]: d for d in map(json.loads, (CORPUS / "labels.jsonl").read_text("utf-8").splitlines())}


def _t3(doc) -> Table:
    return next(t for t in doc.tables if any("本年新收" in (c or "") for r in t.grid for c in r))


def _cells_right(name: str) -> float:
    report = parse_file(CORPUS / name)
    truth = LABELS[name]["cells"]
    got = {f"{c.table_id}|{c.row_id}|{c.col_id}": c.value for c in report.cells}
    ok = sum(1 for k, v in truth.items() if (v is None and got.get(k) is None)
             or (v is not None and got.get(k) is not None and abs(got[k] - v) < 1e-6))
    return ok / len(truth)


def test_gbk_bytes_declared_utf8_decode_as_gb18030() -> None:
    text, enc = decode_text((CORPUS / "html-gbk-declared-utf8.html").read_bytes())
    assert enc == "gb18030" and "清河市交通运输局" in text


def test_utf8_bytes_declared_gbk_decode_as_utf8() -> None:
    text, enc = decode_text((CORPUS / "html-utf8-declared-gbk.html").read_bytes())
    assert enc == "utf-8" and "清河县市场监督管理局" in text


def test_gb2312_page_with_gbk_only_character_keeps_it() -> None:
    doc = read_file(CORPUS / "html-gb2312-gbk-only-chars.html")
    assert "镕" in doc.title_hint


def test_html_th_header_cells_and_portal_chrome() -> None:
    doc = read_file(CORPUS / "html-utf8-th-portal.html")
    assert _t3(doc).grid[1][3] == "自然人"  # a <th> cell, after the (3,3) corner span
    assert not any("网站标识码" in b.text or "相关链接" in b.text for b in doc.blocks if isinstance(b, Paragraph))


def test_html_t2_blocks_as_separate_tables_each_read() -> None:
    doc = read_file(CORPUS / "html-t2-separate-tables.html")
    heads = [t.grid[0][0] for t in doc.tables if (t.grid[0][0] or "").startswith("第二十条")]
    assert len(heads) == 4


@pytest.mark.parametrize("name", [n for n in LABELS if not LABELS[n].get("ocr_only")
                                  and not n.endswith(".doc")])
def test_text_layer_corpus_documents_read_every_cell(name: str) -> None:
    assert _cells_right(name) == 1.0


def test_borderless_pdf_table_read_by_word_positions_keeps_empty_columns() -> None:
    doc = read_file(CORPUS / "pdf-borderless-cut-2019.pdf")
    t3 = _t3(doc)
    # Its continuation on page 3 (after a repeated 申请人情况 line) stays a second table.
    assert t3.n_cols == 8 and t3.pages[0] == 2
    row = next(r for r in t3.grid if (r[0] or "").startswith("一、本年新收"))
    assert row[3] == "" and row[4] == ""  # research, public interest: printed empty


def test_ruled_pdf_t3_crossing_pages_joins_cut_label() -> None:
    doc = read_file(CORPUS / "pdf-ruled-cut-label.pdf")
    t3 = _t3(doc)
    assert len(t3.pages) == 2
    assert any("（四）无法提供" in (c or "") for r in t3.grid for c in r) or any(
        "法提供" in (c or "") for r in t3.grid for c in r)


def test_docx_table_split_in_two_is_joined_and_repeated_header_dropped() -> None:
    doc = read_file(CORPUS / "docx-split-repeat-header-2019.docx")
    t3 = _t3(doc)
    labels = [c for r in t3.grid for c in r if c]
    assert labels.count("申请人情况") == 1
    assert any("不予处理" in c for c in labels) and any("结转下年度" in c for c in labels)


@needs_soffice
def test_word97_doc_converted_by_libreoffice() -> None:
    doc = read_file(CORPUS / "doc-word97.doc")
    assert doc.media == "doc" and len(doc.tables) == 3
    assert _cells_right("doc-word97.doc") == 1.0


@needs_soffice
def test_wps_writer_file_reads_as_the_word97_document_it_is(tmp_path) -> None:
    # Kingsoft WPS Writer saves .wps as a Word 97 compound file (a WordDocument stream), which
    # is also what LibreOffice detects by content; the name must not send it to MS Works.
    wps = tmp_path / "2023年政府信息公开工作年度报告.wps"
    wps.write_bytes((CORPUS / "doc-word97.doc").read_bytes())
    doc = read_file(wps)
    assert doc.media == "doc" and len(doc.tables) == 3
    assert read_file(CORPUS / "doc-word97.doc").tables == doc.tables


@needs_ocr
def test_scanned_pdf_is_read_by_ocr_into_tables() -> None:
    doc = read_file(CORPUS / "scan-ruled-2021.pdf")
    assert not doc.needs_ocr
    assert any("OCR" in w for w in doc.warnings)
    assert any(isinstance(b, Table) for b in doc.blocks)


@needs_ocr
def test_mixed_pdf_ocrs_only_its_image_pages() -> None:
    doc = read_file(CORPUS / "pdf-mixed-scanned-table-pages.pdf")
    (note,) = [w for w in doc.warnings if "OCR" in w]
    assert "[" in note and not doc.needs_ocr
    assert any(isinstance(b, Paragraph) and b.page == 1 for b in doc.blocks)


def test_scan_without_the_ocr_model_is_recorded_needs_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gongkai.assets.read.ocr_engine.ocr_missing", lambda: "the OCR packages are not installed")
    report = parse_file(CORPUS / "scan-skewed-2019.pdf")
    assert report.error is None and report.needs_ocr and report.cells == []
