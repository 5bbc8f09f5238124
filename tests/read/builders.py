"""Small real documents built for tests: PDFs with reportlab (CID font STSong-Light, which
pdfplumber and pdfium both read), DOCX with python-docx."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

COLS = (150, 150, 160, 30, 30, 30, 30, 30, 30, 30)  # 3 label columns + 7 values
ROW_H = 22


def _grid(c: canvas.Canvas, top: float, rows: list[list[str | None]],
          merges: list[tuple[int, int, int]]) -> None:
    """Draw a ruled table. ``merges``: (col, first_row, last_row) vertical merged cells,
    whose inner horizontal rules are not drawn. None cells are covered slots."""
    x0 = 40
    xs = [x0]
    for w in COLS:
        xs.append(xs[-1] + w)
    n = len(rows)
    ys = [top - i * ROW_H for i in range(n + 1)]
    covered = {(col, r) for col, a, b in merges for r in range(a + 1, b + 1)}
    c.setStrokeColor(colors.black)
    for i, y in enumerate(ys):
        for col in range(len(COLS)):
            if 0 < i < n and (col, i) in covered:
                continue
            c.line(xs[col], y, xs[col + 1], y)
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    c.setFont(FONT, 8)
    for r, row in enumerate(rows):
        for col, text in enumerate(row):
            if text:
                c.drawString(xs[col] + 2, ys[r] - ROW_H + 7, text)


def t3_split_pdf() -> bytes:
    """A t3 fragment whose category label （四）无法提供 is cut by the page break:
    '（四）无' on page 1 beside row 1, '法提供' on page 2 beside rows 2-3."""
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, 12)
    c.drawString(40, 800, "三、收到和处理政府信息公开申请情况")
    page1 = [
        ["", "（三）不予公开", "8.属于行政查询事项", "5", "0", "0", "0", "0", "0", "5"],
        ["", "（四）无", "1.本机关不掌握相关政府信息", "7", "1", "0", "0", "0", "0", "8"],
    ]
    _grid(c, 150, page1, [])
    c.showPage()
    page2 = [
        ["", "法提供", "2.没有现成信息需要另行制作", "2", "0", "0", "0", "0", "0", "2"],
        [None, None, "3.补正后申请内容仍不明确", "1", "0", "0", "0", "0", "0", "1"],
    ]
    _grid(c, 800, page2, [(1, 0, 1), (0, 0, 1)])
    c.setFont(FONT, 12)
    c.drawString(40, 700, "五、存在的主要问题及改进情况")
    c.showPage()
    c.save()
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """Pages with only drawings and no text layer, like a scan (图片版)."""
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(2):
        c.setFillColor(colors.grey)
        c.rect(60, 400, 400, 300, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, 11)
    y = 800
    for line in lines:
        c.drawString(40, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()
