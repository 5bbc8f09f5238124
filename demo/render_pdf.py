"""Reports as PDF: ruled tables in the built-in CID font, t3 always crossing a page break.

No CJK TrueType font is needed: STSong-Light is one of reportlab's CID fonts (not embedded), and
pdfplumber reads its text back. `invariant` pins the dates and document id, so builds are stable.
"""

from __future__ import annotations

import html
import io
import random
import re

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import Grid, grids

rl_config.invariant = 1
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, alignment=1)
_LABEL = ParagraphStyle("label", parent=_CELL, alignment=0)
_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=17, leading=24, alignment=1, spaceAfter=12)
_HEAD = ParagraphStyle("head", fontName=FONT, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=19, firstLineIndent=22, wordWrap="CJK")
for _s in (_CELL, _LABEL):
    _s.wordWrap = "CJK"

_WIDTHS = {"t2": [150, 105, 105, 105], "t3": [34, 50, 126] + [39] * 7, "t4": [31] * 15}
_STYLE = [("GRID", (0, 0), (-1, -1), 0.6, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
          ("FONT", (0, 0), (-1, -1), FONT, 8), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
          ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]


# A printed value (digits, separators, placeholders) stays a plain string; anything else is a
# label and goes in a Paragraph so it wraps inside its cell, as Word does.
_VALUE = re.compile(r"[-+]?[0-9０-９][0-9０-９,，.\s]*|[—–\-/／无]")


class _Matrix:
    """A grid as reportlab wants it: a full matrix of texts plus span boxes."""

    def __init__(self, doc: ReportDoc, grid: Grid, *, ruled: bool = True, widths: list[float] | None = None):
        self.n, self.header_rows = len(grid.rows), grid.header_rows
        self.widths, self.ruled = widths or _WIDTHS[grid.table_id], ruled
        self.text = [[""] * grid.ncols for _ in grid.rows]
        self.spans: list[tuple[int, int, int, int]] = []  # (row0, col0, row1, col1), inclusive
        for r, row in enumerate(grid.positions()):
            for c, cell in row:
                self.text[r][c] = doc.text(cell.key) if cell.key else cell.text
                if cell.rowspan > 1 or cell.colspan > 1:
                    self.spans.append((r, c, r + cell.rowspan - 1, c + cell.colspan - 1))

    def table(self, rows: list[int], cut_labels: dict[tuple[int, int], str] | None = None) -> Table:
        """A Table of the given rows (ascending); spans are clipped to them, text may be replaced."""
        index = {r: i for i, r in enumerate(rows)}
        data = []
        for r in rows:
            data.append([t if not t or _VALUE.fullmatch(t) else
                         Paragraph(html.escape(t, quote=False), _LABEL if len(t) > 6 else _CELL)
                         for t in self.text[r]])
        style = list(_STYLE) if self.ruled else [s for s in _STYLE if s[0] != "GRID"]
        for r0, c0, r1, c1 in self.spans:
            inside = [index[r] for r in range(r0, r1 + 1) if r in index]
            if not inside:
                continue
            top = inside[0]
            if r0 not in index:  # the span began before this part: its label moves here
                text = (cut_labels or {}).get((r0, c0), self.text[r0][c0])
                data[top][c0] = Paragraph(text, _CELL)
            elif cut_labels and (r0, c0) in cut_labels:
                data[top][c0] = Paragraph(cut_labels[(r0, c0)], _CELL)
            if inside[-1] > top or c1 > c0:
                style.append(("SPAN", (c0, top), (c1, inside[-1])))
        return Table(data, colWidths=self.widths, style=TableStyle(style))


class PageCrossingTable(Flowable):
    """t3 laid out so it always breaks across pages inside the result rows.

    A span cut by the break either repeats its label on the next page or has it cut in two
    ('（四）无' | '法提供'), as Word-made PDFs do; the header rows may repeat after the break.
    """

    def __init__(self, m: _Matrix, cut_mode: str, repeat_header: bool):
        super().__init__()
        self.m, self.cut_mode, self.repeat_header = m, cut_mode, repeat_header
        self._full = m.table(list(range(m.n)))

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        w, h = self._full.wrap(aW, aH)
        return w, max(h, aH + 1)  # never fits where it starts: always split

    def split(self, aW: float, aH: float) -> list[Flowable]:
        m = self.m
        for k in range(m.n - 3, m.header_rows + 4, -1):
            crossing = [(r0, c0) for r0, c0, r1, _ in m.spans if r0 < k <= r1]
            first_cut: dict[tuple[int, int], str] = {}
            second_cut: dict[tuple[int, int], str] = {}
            if self.cut_mode == "cut":
                for r0, c0 in crossing:
                    text = m.text[r0][c0]
                    half = (len(text) + 1) // 2
                    first_cut[(r0, c0)], second_cut[(r0, c0)] = text[:half], text[half:]
            part_a = m.table(list(range(k)), first_cut)
            if part_a.wrap(aW, aH)[1] <= aH:
                rest = (list(range(m.header_rows)) if self.repeat_header else []) + list(range(k, m.n))
                return [part_a, PageBreak(), m.table(rest, second_cut)]
        return []

    def draw(self) -> None:  # only reached when never split, which wrap() prevents
        self._full.drawOn(self.canv, 0, 0)


class SpacedTitle(Flowable):
    """A title set with wide letter spacing (字间距), as many report covers print it: each
    character drawn apart, so a text layer holds it with gaps. Wraps onto as many lines as needed."""

    def __init__(self, text: str, char_space: float):
        super().__init__()
        self.text, self.char_space = text, char_space
        self.size, self.leading = _TITLE.fontSize, _TITLE.leading

    def _lines(self, width: float) -> list[str]:
        lines, cur = [], ""
        for ch in self.text:
            if cur and pdfmetrics.stringWidth(cur + ch, FONT, self.size) + self.char_space * len(cur) > width:
                lines.append(cur)
                cur = ""
            cur += ch
        return lines + [cur]

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.width = aW
        return aW, self.leading * len(self._lines(aW)) + _TITLE.spaceAfter

    def draw(self) -> None:
        lines = self._lines(self.width)
        for i, line in enumerate(lines):
            w = pdfmetrics.stringWidth(line, FONT, self.size) + self.char_space * (len(line) - 1)
            y = self.leading * (len(lines) - 1 - i) + _TITLE.spaceAfter
            self.canv.setFont(FONT, self.size)
            self.canv.drawString((self.width - w) / 2, y, line, charSpace=self.char_space)


def render_pdf(doc: ReportDoc, rng: random.Random, *, tables: list[Grid] | None = None, ruled: bool = True,
               t3_break: tuple[str, bool] | None = None, widths: dict[str, list[float]] | None = None,
               title_space: float = 0.0, last_pages: list[Flowable] | None = None,
               head: list[Flowable] | None = None, page_head: str | None = None) -> bytes:
    """Options (the defaults are the demo's): `tables` grids to print instead of the format's own;
    `ruled` False draws no rules (a borderless table); `t3_break` (mode "cut" | "repeat", header
    repeated) instead of a random one; `widths` column widths per table id; `title_space` letter
    spacing of the title in points; `last_pages` flowables added on pages of their own at the end
    (a seal or signature page); `head` flowables printed instead of the title (a title drawn
    as a picture, set in a table cell, with a document number above it); `page_head` a running
    head printed at the top of every page."""
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=doc.title or "", author=doc.agency or "")
    tables = {g.table_id: g for g in (tables or grids(doc.fv))}
    story: list[Flowable] = []
    for kind, text in doc.blocks:
        if kind == "table":
            m = _Matrix(doc, tables[text], ruled=ruled, widths=(widths or {}).get(text))
            if text == "t3":
                mode, repeat = t3_break or (rng.choice(["cut", "repeat"]), rng.random() < 0.5)
                story.append(PageCrossingTable(m, mode, repeat))
            else:
                story.append(m.table(list(range(m.n))))
            story.append(Spacer(1, 6))
        elif kind == "title" and head is not None:
            story += head
        elif kind == "title" and title_space:
            story.append(SpacedTitle(text, title_space))
        else:
            style = {"title": _TITLE, "h": _HEAD, "p": _BODY}[kind]
            story.append(Paragraph(html.escape(text, quote=False), style))
    for flowable in last_pages or []:
        story += [PageBreak(), flowable]

    def footer(canvas, _doc) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {canvas.getPageNumber()} -")
        if page_head:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 14 * mm, page_head)

    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
