"""Reports as flat text, the ways portals, converters and PDF text extraction flatten them
(tests/fixtures/seeds): tab-separated rows (a copied web page), pipe rows with filler cells (a
converter's markdown), one cell per line with wrapped labels (a DOCX's text), and PDF-like text
whose labels wrap and whose numbers follow the label's last line.
"""

from __future__ import annotations

import random

from gongkai.demo.doc import ReportDoc
from gongkai.demo.model import Grid

STYLES = ("tabs", "pipes", "cell_per_line", "pdf_text")


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _texts(doc: ReportDoc, grid: Grid) -> list[list[tuple[int, str, bool]]]:
    """Each row's printed cells: (column, text, is a value cell)."""
    return [[(c, doc.text(cell.key) if cell.key else cell.text, cell.key is not None) for c, cell in row]
            for row in grid.positions()]


def _tabs(doc: ReportDoc, grid: Grid, rng: random.Random) -> list[str]:
    """Every grid position a field (spanned ones empty), as a browser's copy gives it."""
    trailing = "\t" if rng.random() < 0.5 else ""
    out = []
    for row in _texts(doc, grid):
        fields = [""] * grid.ncols
        for c, text, _ in row:
            fields[c] = text
        out.append("\t".join(fields) + trailing)
    return out


def _pipes(doc: ReportDoc, grid: Grid, rng: random.Random) -> list[str]:
    """The row's own cells, then empty filler cells up to the table's width."""
    lead = "| " if rng.random() < 0.7 else ""
    out = []
    for row in _texts(doc, grid):
        cells = " | ".join(t.replace("\n", " ") for _, t, _ in row)
        out.append(f"{lead}{cells} |" + " " + "|" * max(0, grid.ncols - len(row) - 1))
    return out


def _cell_per_line(doc: ReportDoc, grid: Grid, rng: random.Random) -> list[str]:
    """Each cell on a line of its own (blank cells too), long labels broken over lines."""
    width = rng.randint(4, 18)
    out = []
    for row in _texts(doc, grid):
        for _, text, is_value in row:
            lines = [text] if is_value or len(text) <= width else _wrap(text, width)
            out.append("\t" + lines[0])
            out += lines[1:]
        out.append("")
    return out


def _pdf_text(doc: ReportDoc, grid: Grid, rng: random.Random) -> list[str]:
    """Labels wrapped at a column's width, the row's numbers space-joined after the label's last
    line, a blank line between rows (seed 002). A blank cell would vanish without a trace here:
    `style_for` never gives this style to a document that has one."""
    width = rng.randint(10, 24)
    out = []
    for row in _texts(doc, grid):
        labels = [t for _, t, v in row if not v and t]
        values = [t for _, t, v in row if v]
        lines = [ln for label in labels for ln in _wrap(label, width)]
        if values:
            joined = " ".join(values)
            if lines:
                lines[-1] += " " + joined
            else:
                lines = [joined]
        out += lines + [""]
    return out


_FLATTEN = {"tabs": _tabs, "pipes": _pipes, "cell_per_line": _cell_per_line, "pdf_text": _pdf_text}


def style_for(doc: ReportDoc, rng: random.Random) -> str:
    """A flattening for this document. PDF-like text joins a row's numbers with spaces: a blank
    cell vanishes and a number printed with a space inside (`1 7`) splits in two, so a document
    with either is never given it: its truth would be undecidable, not hard."""
    blank = any(v is None for v in doc.cells.values())
    spaced = any(" " in text.strip() for text in doc.printed_as.values())
    return rng.choice(STYLES[:3] if blank or spaced else STYLES)


def flatten(doc: ReportDoc, tables: list[Grid], style: str, rng: random.Random) -> str:
    by_id = {g.table_id: g for g in tables}
    lines: list[str] = []
    para_width = rng.randint(30, 40) if style == "pdf_text" else 0
    for kind, text in doc.blocks:
        if kind == "table":
            lines += _FLATTEN[style](doc, by_id[text], rng)
        elif kind == "title" and style == "pdf_text" and len(text) > 20 and rng.random() < 0.5:
            cut = rng.randint(len(text) - 6, len(text) - 2)  # 年度 | 报告
            lines += ["", text[:cut], text[cut:], ""]
        elif para_width and kind == "p":
            lines += _wrap(text, para_width) + [""]
        else:
            lines.append(text)
    return "\n".join(lines) + "\n"
