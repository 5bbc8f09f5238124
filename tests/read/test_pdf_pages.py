"""Which pages of a text PDF go to OCR: a page without a text layer (a seal or signature
page) is read by OCR only when the text layer does not already hold every table."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium

from gongkai.assets.report.parse import parse_bytes
from tests.read.builders import scanned_pdf, t3_split_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT_REPORT = FIXTURES / "corpus" / "pdf-ruled-cut-label.pdf"  # every table in the text layer


def _with_image_page(pdf: bytes) -> bytes:
    """``pdf`` with a page that has drawings and no text layer appended, as a seal page."""
    doc, seal = pdfium.PdfDocument(pdf), pdfium.PdfDocument(scanned_pdf())
    try:
        doc.import_pages(seal, [0])
        out = BytesIO()
        doc.save(out)
        return out.getvalue()
    finally:
        seal.close()
        doc.close()


def _was_sent_to_ocr(report, page: int) -> bool:
    """OCR read the page, or would have (Tesseract missing, or nothing legible on it)."""
    return report.needs_ocr or any("read by OCR" in w and str(page) in w for w in report.warnings)


def test_seal_page_of_a_text_report_is_not_ocred() -> None:
    plain = parse_bytes(TEXT_REPORT.read_bytes(), "report.pdf", media="pdf")
    sealed_pdf = _with_image_page(TEXT_REPORT.read_bytes())
    last = len(pdfium.PdfDocument(sealed_pdf))
    sealed = parse_bytes(sealed_pdf, "report.pdf", media="pdf")
    assert not _was_sent_to_ocr(sealed, last)
    assert f"pages without a text layer not read, as the text layer holds every table: [{last}]" \
        in sealed.warnings
    assert sealed.cells == plain.cells and len(plain.cells) == 200


def test_image_page_is_ocred_when_the_text_layer_lacks_tables() -> None:
    pdf = _with_image_page(t3_split_pdf())  # a t3 fragment: no t2, no t4
    last = len(pdfium.PdfDocument(pdf))
    report = parse_bytes(pdf, "fragment.pdf", media="pdf")
    assert _was_sent_to_ocr(report, last)
    assert not any("text layer holds every table" in w for w in report.warnings)
