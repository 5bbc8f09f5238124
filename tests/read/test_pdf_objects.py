"""pdfium's chars and rules stand in for pdfminer's on table pages (assets.read.pdf_objects):
the same objects within float precision, and the same blocks read from them."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

import assets.read.pdf as pdf_reader
from assets.read import read_file
from assets.read.pdf_objects import page_objects

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT_PDFS = [
    FIXTURES / "corpus" / "pdf-borderless.pdf",  # words only: the layout reader
    FIXTURES / "corpus" / "pdf-ruled-cut-label.pdf",  # lines
    FIXTURES / "corpus" / "pdf-ruled-repeat-header-2019.pdf",
    FIXTURES / "samples" / "huaian-city-government-2024.pdf",  # rects, scaled text
]


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_objects_match_pdfminer(path: Path) -> None:
    doc = pdfium.PdfDocument(str(path))
    try:
        with pdfplumber.open(path) as plumber:
            for i, ref_page in enumerate(plumber.pages):
                page = doc[i]
                textpage = page.get_textpage()
                got = page_objects(page, textpage)
                assert got is not None
                mine = got.for_page(ref_page.page_number, float(ref_page.height),
                                    float(ref_page.initial_doctop))
                ref = ref_page.objects
                for kind in ("char", "line", "rect", "curve"):
                    a, b = ref.get(kind, []), mine.get(kind, [])
                    assert len(a) == len(b), (kind, i)
                    if kind == "char":
                        assert "".join(c["text"] for c in a) == "".join(c["text"] for c in b)
                    for oa, ob in zip(a, b):
                        for key in ("x0", "x1", "top", "bottom", "doctop"):
                            assert abs(oa[key] - ob[key]) < 1e-3, (kind, i, key, oa, ob)
                textpage.close()
                page.close()
    finally:
        doc.close()


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_same_blocks_as_pdfminer(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_file(path)
    monkeypatch.setattr(pdf_reader, "page_objects", lambda page, textpage: None)
    slow = read_file(path)
    assert fast.blocks == slow.blocks
    assert fast.warnings == slow.warnings


def test_rotated_page_is_left_to_pdfminer() -> None:
    doc = pdfium.PdfDocument(str(TEXT_PDFS[1]))
    try:
        page = doc[1]
        page.set_rotation(90)
        textpage = page.get_textpage()
        assert page_objects(page, textpage) is None
    finally:
        doc.close()


@pytest.mark.parametrize("path", TEXT_PDFS, ids=lambda p: p.name)
def test_table_text_and_outside_lines_as_pdfplumber(path: Path) -> None:
    """The reader's own cell text (chars by row band) and chars outside the tables are
    pdfplumber's Table.extract and outside_bbox(...).chars, exactly."""
    with pdfplumber.open(path) as plumber:
        for page in plumber.pages:
            found = page.find_tables()
            bands = pdf_reader._CharBands(page.chars)
            outside_page, outside = page, page.chars
            for t in found:
                assert bands.extract(t) == t.extract()
                outside_page = outside_page.outside_bbox(t.bbox, strict=False)
                outside = pdf_reader._outside(outside, t.bbox)
            assert outside == outside_page.chars
