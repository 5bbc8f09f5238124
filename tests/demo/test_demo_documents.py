from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pdfplumber

from gongkai.demo.build import build

DEMO = Path(__file__).resolve().parents[2] / "demo"


def generated(truth, media):
    return [t for t in truth if t["media"] == media and "real_document" not in t["quirks"]]


def test_generated_pdfs_carry_their_agency_in_the_cid_font_text(truth):
    for t in generated(truth, "pdf"):
        with pdfplumber.open(DEMO / "site" / t["file"]) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
        assert t["agency"] in text.replace("\n", ""), t["doc_id"]


def test_t3_crosses_a_page_break_in_every_generated_pdf(truth):
    for t in generated(truth, "pdf"):
        with pdfplumber.open(DEMO / "site" / t["file"]) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
        first = next(i for i, p in enumerate(pages) if "一、本年新收政府信息公开申请数量" in p)
        last = next(i for i, p in enumerate(pages) if "四、结转下年度继续办理" in p)
        assert last > first, t["doc_id"]


def test_docx_tables_use_real_merged_cells(truth):
    for t in generated(truth, "docx"):
        xml = zipfile.ZipFile(DEMO / "site" / t["file"]).read("word/document.xml").decode()
        assert '<w:vMerge w:val="restart"/>' in xml and "<w:gridSpan " in xml, t["doc_id"]


def test_word_pasted_html_has_spans_and_mso_markup(truth):
    page = next(t for t in truth if t["host"] == "city" and t["media"] == "html" and "gbk" not in t["quirks"]
                and "real_document" not in t["quirks"])
    html = (DEMO / "site" / page["file"]).read_text(encoding="utf-8")
    assert "class=MsoNormalTable" in html and "rowspan=" in html and "colspan=" in html and "&nbsp;" in html


def _tree(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_rebuild_is_byte_identical_to_the_committed_site(tmp_path):
    build(tmp_path)
    assert (tmp_path / "truth.jsonl").read_bytes() == (DEMO / "truth.jsonl").read_bytes()
    assert _tree(tmp_path / "site") == _tree(DEMO / "site")
