"""Plain text (and text the converters produced): every line is a Paragraph, tabs kept.

A blank line is kept (as an empty Paragraph) where it stands for an empty cell of a table
flattened one cell per line: next to a line holding a single value. Other blank lines only
separate paragraphs and are dropped.

Some flattenings (a DOCX's text) mark each cell with a leading tab instead: ``\\t648``, a
bare ``\\t`` for an empty cell, a label's wrapped tail unindented, a blank line between rows.
There the tab is the cell's mark, not an empty cell before it: each indented line is one
cell and the blank lines only separate rows.
"""

from __future__ import annotations

import re

from gongkai.assets.files import decode_text
from gongkai.assets.form.values import cell_fields, parse_value
from gongkai.assets.read.document import Document, Paragraph

_INDENTED_CELL = re.compile(r"^\t[^\t]*$")
# How many of the lines holding a tab must be one indented cell for the text to be read as
# one cell per line: a tab-separated table has several tabs a row, so almost none are.
_INDENTED_SHARE = 0.8
_INDENTED_MIN = 20


def read_text(data: bytes, source: str, title_hint: str | None = None) -> Document:
    text, _ = decode_text(data, source=source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    lines = [line.rstrip(" ") for line in text.split("\n")]
    if _cells_indented(lines):
        blocks = [Paragraph(_one_cell(line[1:]) if line.startswith("\t") else line)
                  for line in lines if line]
        return Document(source=source, media="txt", blocks=blocks, title_hint=title_hint)
    # A line of only tabs is kept: in one-cell-per-line flattenings it stands for empty cells.
    filled = [bool(line.strip(" ")) for line in lines]
    one_value = [f and _one_value(line) for f, line in zip(filled, lines)]
    after_value = [False] * len(lines)  # the next non-blank line holds a single value
    nxt = False
    for i in range(len(lines) - 1, -1, -1):
        after_value[i] = nxt
        if filled[i]:
            nxt = one_value[i]
    blocks: list[Paragraph] = []
    before_value = False  # the previous non-blank line holds a single value
    for i, line in enumerate(lines):
        if filled[i]:
            blocks.append(Paragraph(line))
            before_value = one_value[i]
        elif before_value or after_value[i]:
            blocks.append(Paragraph(""))
    return Document(source=source, media="txt", blocks=blocks, title_hint=title_hint)


def _cells_indented(lines: list[str]) -> bool:
    """Whether the tables are flattened one cell per line, each cell marked by a leading tab."""
    tabbed = [line for line in lines if "\t" in line]
    indented = [line for line in tabbed if _INDENTED_CELL.match(line)]
    # Values behind the tab, not only prose: paragraphs indented by a tab are no cells.
    values = sum(1 for line in indented if not line.strip() or _one_value(line))
    return values >= _INDENTED_MIN and len(indented) >= _INDENTED_SHARE * len(tabbed)


def _one_cell(text: str) -> str:
    """An indented line's text as one cell: a number spread by justified text (`8 7`) is
    printed without its spaces, as a line of several fields would read it as several."""
    text = text.strip(" ")
    fields = cell_fields(text, whole_cell=True)
    if " " in text and len(fields) == 1 and fields[0][0] == "num":
        return text.replace(" ", "")
    return text


def _one_value(line: str) -> bool:
    t = line.strip()
    return len(t.split()) == 1 and parse_value(t) != (False, None)
