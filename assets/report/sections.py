"""Section texts: preamble before 一、, then s1…s6 from each heading to the next.

Table text is left out: real tables are separate blocks; in flattened text the rows of
s2–s4 (tabs, pipes, runs of numbers, label pieces) are the table, so after the heading of
a table section only lines that read as prose are kept.
"""

from __future__ import annotations

import re

from assets.read.document import Document, Paragraph
from assets.read.pdf import is_page_number
from assets.report.model import Section
from assets.report.outline import clean_line

_TABLE_SECTIONS = {"s2", "s3", "s4"}
_PROSE_END = re.compile(r"[。；！？]$")


def split_sections(doc: Document, headings: dict[int, str]) -> list[Section]:
    parts: dict[str, list[str]] = {}
    current = "preamble"
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        if i in headings:
            current = headings[i]
            parts.setdefault(current, []).append(clean_line(block.text))
            continue
        text = block.text.strip()
        if not text or is_page_number(text) or text.startswith("[bookmark"):
            continue
        if current in _TABLE_SECTIONS and not _is_prose(text):
            continue
        parts.setdefault(current, []).append(text)
    order = ["preamble", "s1", "s2", "s3", "s4", "s5", "s6"]
    return [Section(sid, "\n".join(parts[sid])) for sid in order if sid in parts]


def _is_prose(text: str) -> bool:
    if "\t" in text or "|" in text:
        return False
    return len(text) >= 30 and bool(_PROSE_END.search(text))
