"""The title printed at the head of a text PDF gives the report's agency and year, however it
is set: one line or two, a large font, letter-spaced, on a page that also holds a table, and
in a title font whose text layer names radicals (⼈⺠, ⼯) for the ideographs it shows."""

from __future__ import annotations

from io import BytesIO

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from benchmarks.variants.heading import cjk_font_file
from gongkai.assets.report.parse import parse_bytes
from tests.read.needs import needs_ocr

FONT = "STSong-Light"
AGENCY, YEAR = "淮安市人民政府", 2023
REST = "政府信息公开工作年度报告"


def _report_pdf(title_lines: list[str], size: float, char_space: float, table: bool) -> bytes:
    """A first page: the title centred in ``size`` points, then the preamble whose statistics
    period names another year, then (``table``) the head of t2 as a ruled table."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 780
    for line in title_lines:
        width = pdfmetrics.stringWidth(line, FONT, size) + char_space * (len(line) - 1)
        c.setFont(FONT, size)
        c.drawString((A4[0] - width) / 2, y, line, charSpace=char_space)
        y -= size * 1.5
    c.setFont(FONT, 10.5)
    for text in ("本报告根据《中华人民共和国政府信息公开条例》编制。", "统计期限为2022年1月1日至2022年12月31日。",
                 "一、总体情况", "2022年以来，本机关持续推进政务公开。"):
        y -= 18
        c.drawString(50, y, text)
    if table:
        top = y - 30
        rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "5"]]
        for r, row in enumerate(rows):
            for k, text in enumerate(row):
                c.rect(50 + k * 120, top - (r + 1) * 20, 120, 20)
                c.drawString(54 + k * 120, top - (r + 1) * 20 + 6, text)
    c.showPage()
    c.save()
    return buf.getvalue()


TITLES = {
    "one line": [f"{AGENCY}{YEAR}年{REST}"],
    "agency, then the rest": [AGENCY, f"{YEAR}年{REST}"],
    "agency and year, then the rest": [f"{AGENCY}{YEAR}年", REST],
    "letter-spaced agency": [" ".join(AGENCY), f"{YEAR}年{REST}"],
    "radicals in the text layer": ["淮安市⼈⺠政府", f"{YEAR}年政府信息公开⼯作年度报告"],
}


@pytest.mark.parametrize("table", [False, True], ids=["text page", "table page"])
@pytest.mark.parametrize("size, char_space", [(22, 0), (26, 12)], ids=["large", "letter-spaced"])
@pytest.mark.parametrize("lines", TITLES.values(), ids=TITLES.keys())
def test_printed_title_gives_agency_and_year(lines: list[str], size: float, char_space: float,
                                             table: bool) -> None:
    report = parse_bytes(_report_pdf(lines, size, char_space, table), "report.pdf", media="pdf")
    assert (report.agency, report.year) == (AGENCY, YEAR)
    assert report.title == f"{AGENCY}{YEAR}年{REST}"


def _pictured_title_pdf(lines: list[str], font_file: str) -> bytes:
    """A text PDF whose title is a picture (drawn with a CJK font at 288 dpi, placed at 18 pt):
    the text layer below it names no agency and no year but the statistics period's."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    font = ImageFont.truetype(font_file, 72)
    width = max(int(font.getlength(line)) for line in lines) + 72
    img = Image.new("L", (width, 108 * len(lines) + 36), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text(((width - font.getlength(line)) / 2, 18 + i * 108), line, font=font, fill=0)
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = img.width / 4, img.height / 4
    c.drawImage(ImageReader(img), (A4[0] - w) / 2, 800 - h, w, h)
    return _finish_with_body(c, buf, 790 - h)


def _finish_with_body(c: canvas.Canvas, buf: BytesIO, y: float) -> bytes:
    """The text layer under a pictured title, from ``y`` down: it names no agency, and no year
    but the statistics period's; then the PDF's bytes."""
    c.setFont(FONT, 10.5)
    for text in ("本报告根据《中华人民共和国政府信息公开条例》编制。", "统计期限为2022年1月1日至2022年12月31日。",
                 "一、总体情况", "本机关持续推进政务公开。"):
        y -= 18
        c.drawString(50, y, text)
    c.showPage()
    c.save()
    return buf.getvalue()


@needs_ocr
def test_a_title_printed_as_a_picture_gives_agency_and_year() -> None:
    """Issue 10 class 6: the title is an image in an otherwise text PDF; nothing else names the
    agency. The picture alone is read by OCR."""
    font_file = cjk_font_file()
    if font_file is None:
        pytest.skip("no CJK font to draw the title picture with (fonts-noto-cjk)")
    for lines in ([f"{AGENCY}{YEAR}年{REST}"], [AGENCY, f"{YEAR}年度", REST]):
        report = parse_bytes(_pictured_title_pdf(lines, font_file), "report.pdf", media="pdf")
        assert (report.agency, report.year) == (AGENCY, YEAR)


def _outlined_title_pdf(lines: list[str], font_file: str) -> bytes:
    """A text PDF whose title is text turned into curves: each character one filled vector
    path (its glyph's ink as runs of 0.25 pt rectangles, as a converter's outlines fill the same
    ink), 18 pt high, no text layer for the title."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_file, 72)
    scale, size = 0.25, 18.0  # points per pixel; the glyph's em in points
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFillGray(0)
    top = 800.0
    for line in lines:
        x = (A4[0] - size * 1.1 * len(line)) / 2
        for ch in line:
            img = Image.new("1", (80, 100), 1)  # the em and its descent
            ImageDraw.Draw(img).text((4, 0), ch, font=font, fill=0)
            px = img.load()
            path = c.beginPath()
            for row in range(img.height):
                col = 0
                while col < img.width:
                    if px[col, row]:
                        col += 1
                        continue
                    start = col
                    while col < img.width and not px[col, row]:
                        col += 1
                    path.rect(x + start * scale, top - (row + 1) * scale, (col - start) * scale, scale)
            c.drawPath(path, stroke=0, fill=1)
            x += size * 1.1
        top -= size * 1.6
    return _finish_with_body(c, buf, top - 10)


@needs_ocr
def test_a_title_turned_into_curves_gives_agency_and_year() -> None:
    """Issue 10 class 6: the title's glyphs are vector outlines (no image, no text layer); the
    cluster of glyph-sized shapes in the page's top is read by OCR."""
    font_file = cjk_font_file()
    if font_file is None:
        pytest.skip("no CJK font to draw the title's outlines with (fonts-noto-cjk)")
    report = parse_bytes(_outlined_title_pdf([AGENCY, f"{YEAR}年{REST}"], font_file), "report.pdf", media="pdf")
    assert (report.agency, report.year) == (AGENCY, YEAR)
