"""Readers: media by content, HTML decoding and grids, PDF pages and cut tables, DOCX merges."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
import pytest

from gongkai.assets.read import read_bytes, read_file, sniff_media
from gongkai.assets.read.document import Paragraph, Table, UnreadableDocument
from gongkai.assets.read.html import read_html
from gongkai.assets.read.pdf import read_pdf
from gongkai.assets.read.word import read_doc, read_docx
from tests.read.builders import scanned_pdf, t3_split_pdf, text_pdf

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


# --- media by content ----------------------------------------------------------------------

def test_media_sniffed_from_bytes_not_name(tmp_path: Path) -> None:
    pdf = tmp_path / "report.html"  # the name lies; the bytes are a PDF
    pdf.write_bytes((SAMPLES / "huaian-city-government-2024.pdf").read_bytes())
    assert read_file(pdf).media == "pdf"
    assert sniff_media((SAMPLES / "blank-2021-format-template.docx").read_bytes()) == "docx"
    assert sniff_media(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600) == "doc"
    assert sniff_media("<html><body><p>一、总体情况</p></body></html>".encode()) == "html"
    assert sniff_media("一、总体情况\n二、主动公开".encode("gb18030")) == "txt"
    assert sniff_media(b"\x89PNG\r\n\x1a\n" + b"\0" * 20) == "image"


def test_zip_without_word_document_is_not_docx() -> None:
    import zipfile
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<x/>")
    with pytest.raises(UnreadableDocument, match="spreadsheet"):
        read_bytes(buf.getvalue(), "a.docx")


# --- HTML ----------------------------------------------------------------------------------

def test_gbk_page_declared_gb2312_decodes_as_gb18030() -> None:
    # 镕 is not in GB2312: pages that declare gb2312 still use it (GBK), so read as gb18030.
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<title>朱镕基市2023年政府信息公开工作年度报告</title></head>"
            "<body><div><p>一、总体情况</p><p>朱镕基市2023年公开信息。</p></div></body></html>")
    doc = read_html(html.encode("gb18030"), "x.html")
    assert doc.title_hint == "朱镕基市2023年政府信息公开工作年度报告"
    assert "朱镕基市2023年公开信息。" in doc.text


def test_undeclared_gbk_page_falls_back_from_utf8() -> None:
    html = "<html><body><p>二、主动公开政府信息情况</p></body></html>".encode("gbk")
    assert "二、主动公开政府信息情况" in read_html(html, "x.html").text


def test_utf8_bom_wins_over_wrong_meta() -> None:
    html = '\ufeff<html><head><meta charset="gbk"></head><body><p>六、其他需要报告的事项</p></body></html>'
    assert "六、其他需要报告的事项" in read_html(html.encode("utf-8"), "x.html").text


def test_html_rowspan_colspan_expanded_with_covered_slots_none() -> None:
    html = """<html><body><table>
      <tr><td rowspan="2" colspan="2">（本列数据）</td><td colspan="2">申请人情况</td></tr>
      <tr><td>自然人</td><td><p><span>总</span><span>计</span></p></td></tr>
      <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>1&nbsp;234</td><td></td></tr>
      <tr><td>（二）部分公开</td><td>2</td><td>3</td></tr>
    </table></body></html>"""
    doc = read_html(html.encode(), "x.html")
    (table,) = doc.tables
    assert table.grid[0] == ("（本列数据）", None, "申请人情况", None)
    assert table.grid[1] == (None, None, "自然人", "总计")
    assert table.grid[2] == ("三、本年度办理结果", "（一）予以公开", "1 234", "")
    assert table.grid[3] == (None, "（二）部分公开", "2", "3")
    assert table.spans[(0, 0)] == (2, 2) and table.spans[(2, 0)] == (2, 1)
    assert table.filled()[3][0] == "三、本年度办理结果"


def test_html_report_body_found_inside_portal_chrome() -> None:
    doc = read_file(SAMPLES / "shuyang-development-reform-bureau-2023.html")
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    # The article heading (outside the body div) comes first; site menus and the metadata
    # table (名称/索引号) are left out.
    assert texts[0] == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert not any("索引号" in t for t in texts)
    assert len(doc.tables) == 3
    assert doc.title_hint.startswith("沭阳县发展和改革局2023年")


def test_html_paragraphs_and_tables_in_document_order() -> None:
    doc = read_file(SAMPLES / "city-2025-rowspan-table.html")
    kinds = ["T" if isinstance(b, Table) else b.text[:2] for b in doc.blocks]
    assert kinds.index("二、") < kinds.index("T") < kinds.index("三、")
    assert kinds.count("T") == 3


# --- PDF -----------------------------------------------------------------------------------

def test_pdf_table_crossing_pages_joins_cut_label() -> None:
    doc = read_pdf(t3_split_pdf(), "cut.pdf")
    (table,) = doc.tables
    assert table.pages == (1, 2)
    labels = [row[1] for row in table.grid]
    assert "（四）无法提供" in labels
    assert "法提供" not in labels
    # The continuation's rows sit under the joined merged cell.
    assert [row[2] for row in table.grid][-2:] == ["2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
    assert table.grid[2][1] is None


def test_pdf_real_report_tables_cross_pages() -> None:
    # Speed (pdfplumber on table pages only) is measured in benchmarks/, not asserted here.
    data = (SAMPLES / "huaian-city-government-2024.pdf").read_bytes()
    doc = read_pdf(data, "huaian.pdf")
    t3 = next(t for t in doc.tables if any("本年新收" in (c or "") for r in t.grid for c in r))
    assert t3.pages == (4, 5)
    assert any(r[1] == "（四）无法提供" for r in t3.grid)
    # The boxed paragraph on page 3 is text, not a one-column table.
    assert all(t.n_cols > 1 for t in doc.tables)


def test_pdf_without_text_layer_needs_ocr_when_the_ocr_model_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gongkai.assets.read.ocr_engine.ocr_missing", lambda: "the OCR packages are not installed")
    doc = read_pdf(scanned_pdf(), "scan.pdf")
    assert doc.needs_ocr is True
    assert doc.blocks == []
    assert "needs OCR" in doc.warnings[0]


def test_pdf_text_lines_become_paragraphs_in_order() -> None:
    doc = read_pdf(text_pdf(["测试局2023年政府信息公开工作年度报告", "一、总体情况", "- 1 -"]), "t.pdf")
    assert [b.text for b in doc.blocks] == ["测试局2023年政府信息公开工作年度报告", "一、总体情况"]


def test_damaged_pdf_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        read_pdf(b"%PDF-1.4\n garbage", "bad.pdf")


# --- DOCX / DOC ----------------------------------------------------------------------------

def _docx_with_merges() -> bytes:
    d = docx.Document()
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "第二十条第（一）项"  # gridSpan
    t.cell(1, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"  # vMerge
    t.cell(1, 1).text, t.cell(1, 2).text = "（一）予以公开", "5"
    t.cell(2, 1).text, t.cell(2, 2).text = "（二）部分公开", ""
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    buf = BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_deduplicated() -> None:
    doc = read_docx(_docx_with_merges(), "m.docx")
    (table,) = doc.tables
    assert table.grid[0] == ("第二十条第（一）项", None, None)
    assert table.grid[1] == ("三、本年度办理结果", "（一）予以公开", "5")
    assert table.grid[2] == (None, "（二）部分公开", "")
    assert table.spans == {(0, 0): (1, 3), (1, 0): (2, 1)}


def test_docx_body_order_of_paragraphs_and_tables() -> None:
    doc = read_docx(_docx_with_merges(), "m.docx")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]


def test_docx_vertical_header_text_joined() -> None:
    doc = read_file(SAMPLES / "blank-2021-format-template.docx")
    t4 = doc.tables[-1]
    assert t4.grid[1][1] == "结果纠正"


def test_doc_without_libreoffice_is_unreadable_with_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gongkai.assets.read.word.shutil.which", lambda name: None)
    with pytest.raises(UnreadableDocument, match=r"LibreOffice \(soffice\) is not installed"):
        read_doc(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "a.doc")


# --- text ----------------------------------------------------------------------------------

def test_text_lines_kept_with_tabs_and_gb18030() -> None:
    data = "规章\t0\t0\t0\n\n\t\n行政许可\t5".encode("gb18030")
    doc = read_bytes(data, "a.txt")
    assert [b.text for b in doc.blocks] == ["规章\t0\t0\t0", "\t", "行政许可\t5"]


def test_pdf_header_repeated_after_page_break_is_not_glued_to_the_cut_row() -> None:
    # A demo PDF (Word-style) whose t3 breaks right after （六）2 and repeats its header rows.
    from pathlib import Path

    path = Path(__file__).parents[2] / "demo/site/county/uploadfile/2025/0313/202503130079926645.pdf"
    doc = read_pdf(path.read_bytes(), path.name)
    (t3,) = [t for t in doc.tables if any("本年新收" in (c or "") for r in t.grid for c in r)]
    fee_row = next(r for r in t3.grid if any("缴纳费用" in (c or "") for c in r))
    assert list(fee_row[-7:]) == ["2", "0", "0", "0", "0", "0", "2"]
    assert fee_row[0] is None  # not the repeated corner cell （本列数据的勾稽关系…）
    assert not any("申请人情况" in (c or "") for r in t3.grid[3:] for c in r)
