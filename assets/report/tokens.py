"""A Document as one stream of cell tokens: labels, values, empty cells, in reading order.

Every flattening of the tables (real grids, tab- or pipe-separated rows, one cell per line,
PDF text with wrapped labels and values spilling to the next line) becomes the same stream;
table extraction then reads labels and the values that follow them, so no layout needs its
own parser. Each token carries the region (t2/t3/t4) it sits in, found from the section
headings and from anchor labels (第二十条, 勾稽关系, …) when headings are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from gongkai.assets.form.labels import label_key
from gongkai.assets.form.values import Kind, cell_fields, parse_value
from gongkai.assets.read.document import Document, Paragraph, Table
from gongkai.assets.report.outline import clean_line, heading_of

_SECTION_REGION = {"s1": None, "s2": "t2", "s3": "t3", "s4": "t4", "s5": None, "s6": None}
_MD_RULE = re.compile(r"^:?-{3,}:?$")


class Token(NamedTuple):
    """Immutable; a tuple so that the ~200 a report holds cost little to build."""

    kind: Kind
    text: str  # as printed (a label's pieces joined)
    value: int | float | None
    row: int  # the grid row or text line it came from (unique across the document)
    block: int  # index of the block in Document.blocks
    region: str | None = None  # "t2", "t3", "t4" or None (narrative)

    @property
    def key(self) -> str:
        return label_key(self.text)


@dataclass
class TokenStream:
    tokens: list[Token]
    headings: dict[int, str]  # block index → section id, for the paragraphs that are headings


def _line_tokens(line: str) -> list[tuple[Kind, str, int | float | None]]:
    if "|" in line or "\t" in line:
        if "|" in line and "\t" not in line:
            fields = line.split("|")
            # The outer bars of a pipe row are borders, not empty cells.
            if fields and not fields[0].strip():
                fields = fields[1:]
            if fields and not fields[-1].strip():
                fields = fields[:-1]
        else:
            fields = re.split(r"[\t|]", line)
        out: list[tuple[Kind, str, int | float | None]] = []
        for f in fields:
            if _MD_RULE.match(f.strip()):
                continue
            f = f.strip()
            if f and not parse_value(f)[0]:
                out.extend(cell_fields(f, whole_cell=False) if _has_trailing_numbers(f) else
                           [("label", f, None)])
            else:
                out.extend(cell_fields(f, whole_cell=True))
        return out
    cleaned = clean_line(line) if line.lstrip().startswith(("#", "[bookmark", "*", ">")) else line
    # A line holding one field is one cell (tables flattened one cell per line): a bare 无
    # is then a placeholder, and an empty line (kept by the text reader) an empty cell.
    one_field = len(cleaned.split()) <= 1
    return list(cell_fields(cleaned, whole_cell=one_field))


def _has_trailing_numbers(field: str) -> bool:
    parts = field.split()
    return len(parts) > 1 and parse_value(parts[-1])[0]


def tokenize(doc: Document) -> TokenStream:
    tokens: list[Token] = []
    append = tokens.append
    new = tuple.__new__  # Token(...) without the namedtuple's Python-level __new__
    headings: dict[int, str] = {}
    region: str | None = None
    last_section: str | None = None
    row = 0
    t3_seen = False
    for b, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            sid = heading_of(block.text, last_section)
            if sid is not None:
                headings[b] = sid
                last_section = sid
                region = _SECTION_REGION[sid]
                t3_seen = t3_seen or region == "t3"
                row += 1
                continue
            rows: list | tuple = (_line_tokens(block.text),)
        elif isinstance(block, Table):
            rows = block.grid
        else:  # pragma: no cover - Block is Paragraph | Table
            continue
        cells = isinstance(block, Table)  # rows of cells, each cell read whole
        for line in rows:
            row += 1
            for field in line:
                if cells:
                    if field is None:
                        continue
                    if field.isascii() and field.isdigit():  # the common cell: plain digits
                        append(new(Token, ("num", field, int(field), row, b, region)))
                        continue
                    pieces = cell_fields(field, True)
                else:
                    pieces = (field,)
                for kind, text, value in pieces:
                    if kind == "label":
                        region = _anchor_region(text, region, t3_seen)
                        t3_seen = t3_seen or region == "t3"
                    append(new(Token, (kind, text, value, row, b, region)))
    return TokenStream(tokens=tokens, headings=headings)


def _anchor_region(text: str, region: str | None, t3_seen: bool) -> str | None:
    """Labels that open a table region even where its section heading is missing."""
    k = label_key(text)
    if k.startswith("第二十条") and region != "t2":
        return "t2"
    if region != "t3" and ("勾稽关系" in k or "本年新收政府信息公开申请" in k):
        return "t3"
    if region == "t3" and "行政复议" in k:
        return "t4"
    return region
