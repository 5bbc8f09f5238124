"""Report bodies as HTML: Word-pasted markup (city, TRS style) or a plain CMS editor's (county)."""

from __future__ import annotations

import html
import random

from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import Cell, Grid, grids

_TD_STYLE = "border:solid windowtext 1.0pt;padding:0cm 5.4pt"


def _word_para(text: str, rng: random.Random, center: bool) -> str:
    """A cell paragraph as Word pastes it: spans, &nbsp;, sometimes a label cut across two spans."""
    if not text:
        return "<p class=MsoNormal align=center><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
    align = " align=center" if center else ""
    if text.isascii():
        return f"<p class=MsoNormal{align}><span lang=EN-US>{html.escape(text)}<o:p></o:p></span></p>"
    esc = html.escape(text, quote=False)
    if len(text) > 8 and rng.random() < 0.3:
        cut = rng.randint(2, len(text) - 2)
        esc = f"{html.escape(text[:cut], quote=False)}</span><span style='font-family:宋体'>" \
              f"{html.escape(text[cut:], quote=False)}"
    elif text[:2] in ("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.") and rng.random() < 0.5:
        esc = f"{esc[:2]}&nbsp;{esc[2:]}"
    return f"<p class=MsoNormal{align}><span style='font-family:宋体'>{esc}</span></p>"


def _attrs(cell: Cell) -> str:
    a = ""
    if cell.rowspan > 1:
        a += f" rowspan={cell.rowspan}"
    if cell.colspan > 1:
        a += f" colspan={cell.colspan}"
    return a


def word_table(doc: ReportDoc, grid: Grid, rng: random.Random) -> str:
    rows = []
    for row in grid.rows:
        tds = []
        for cell in row:
            text = doc.text(cell.key) if cell.key else cell.text
            width = 60 * cell.colspan
            tds.append(f"<td width={width}{_attrs(cell)} style='{_TD_STYLE}'>"
                       f"{_word_para(text, rng, center=cell.key is not None or grid.table_id != 't3')}</td>")
        rows.append("<tr style='height:19.85pt'>" + "".join(tds) + "</tr>")
    return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
            "style='width:450.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
            "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n"
            + "\n".join(rows) + "\n</table>")


def plain_table(doc: ReportDoc, grid: Grid) -> str:
    rows = []
    for row in grid.rows:
        tds = "".join(f"<td{_attrs(c)}>{html.escape(doc.text(c.key) if c.key else c.text)}</td>" for c in row)
        rows.append(f"<tr>{tds}</tr>")
    return ('<table border="1" cellspacing="0" cellpadding="2" style="border-collapse:collapse" width="100%">\n'
            + "\n".join(rows) + "\n</table>")


def report_body(doc: ReportDoc, style: str, rng: random.Random, *, tables: list[Grid] | None = None) -> str:
    """The article body: `style` "word" (MsoNormal paste) or "plain".

    `tables`: the grids to print instead of the format's own (other label wording, a hybrid form).
    """
    tables = {g.table_id: g for g in (tables or grids(doc.fv))}
    out = []
    for kind, text in doc.blocks:
        if kind == "table":
            out.append(word_table(doc, tables[text], rng) if style == "word" else plain_table(doc, tables[text]))
        elif style == "word":
            if kind == "title":
                out.append(f"<p class=MsoNormal align=center style='text-align:center'><b><span "
                           f"style='font-size:18.0pt;font-family:方正小标宋简体'>{html.escape(text)}</span></b></p>")
            elif kind == "h":
                out.append(f"<p class=MsoNormal style='text-indent:32.0pt'><b><span style='font-size:16.0pt;"
                           f"font-family:黑体'>{html.escape(text)}</span></b></p>")
            else:
                out.append(f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><span "
                           f"style='font-size:16.0pt;font-family:仿宋_GB2312'>{html.escape(text)}</span></p>")
        else:
            tag = {"title": "h2", "h": "p><strong", "p": "p"}[kind]
            close = {"title": "h2", "h": "strong></p", "p": "p"}[kind]
            indent = ' style="text-indent:2em"' if kind == "p" else ""
            out.append(f"<{tag}{indent}>{html.escape(text)}</{close}>")
    return "\n".join(out)
