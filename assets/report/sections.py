"""Section texts: preamble before 一、, then s1…s6 from each heading to the next.

Table text is left out: real tables are separate blocks; in flattened text the rows of
s2–s4 (tabs, pipes, runs of numbers, label pieces) are the table, so after the heading of
a table section only lines that read as prose are kept.
"""

from __future__ import annotations

import re

from gongkai.assets.form.markers import is_page_number
from gongkai.assets.read.document import Document, Paragraph
from gongkai.assets.report.model import Section
from gongkai.assets.report.outline import PRE2019_ITEMS, clean_line, pre2019_heading_of

_TABLE_SECTIONS = {"s2", "s3", "s4"}
_PROSE_END = re.compile(r"[。；！？]$")


def split_sections(doc: Document, headings: dict[int, str], *,
                   tables_are_text: bool = False) -> list[Section]:
    parts: dict[str, list[str]] = {}
    current = "preamble"
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        if i in headings:
            current = headings[i]
            parts.setdefault(current, []).append(clean_line(block.text))  # s6 may open twice
            continue
        text = block.text.strip()
        if not text or is_page_number(text) or text.startswith("[bookmark"):
            continue
        if current in _TABLE_SECTIONS and not tables_are_text and not _is_prose(text):
            continue
        parts.setdefault(current, []).append(text)
    order = ["preamble", "s1", "s2", "s3", "s4", "s5", "s6"]
    return [Section(sid, "\n".join(parts[sid])) for sid in order if sid in parts]


def _is_prose(text: str) -> bool:
    if "\t" in text or "|" in text:
        return False
    return len(text) >= 30 and bool(_PROSE_END.search(text))


def pre2019_headings(doc: Document) -> dict[int, str]:
    """Block index → section id of the old outline's headings (see outline.PRE2019_ITEMS)."""
    out: dict[int, str] = {}
    last = -1
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        item = pre2019_heading_of(block.text, last)
        if item is not None:
            out[i] = PRE2019_ITEMS[item][1]
            last = item
    return out


def split_pre2019_sections(doc: Document) -> list[Section]:
    """Sections of a report without standard tables: every line is prose (small tables of
    a pre-2019 report are kept as their text)."""
    return split_sections(doc, pre2019_headings(doc), tables_are_text=True)
