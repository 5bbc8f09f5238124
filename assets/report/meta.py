"""Title, agency and year of a report: from its own heading first, then the caller's hints.

The heading names the agency and the year (卫辉市应急管理局2023年政府信息公开工作年度报告),
often wrapped over two or three lines (阿城区应急管理局2023年 / 政府信息公开工作年度报告).
When the text never names the agency (it calls itself 我局), agency stays None: no guessing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from gongkai.assets.form.markers import TITLE, TITLE_YEAR_FIRST, is_page_number
from gongkai.assets.read.document import Document, Paragraph
from gongkai.assets.report.outline import clean_line

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"统计.{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_TITLE_LINES = 12  # a heading sits among the first lines


@dataclass
class Meta:
    title: str | None = None
    agency: str | None = None
    year: int | None = None


def match_title(text: str) -> Meta | None:
    t = clean_line(text)
    for rx in (TITLE, TITLE_YEAR_FIRST):
        m = rx.match(t)
        if m:
            agency = m.group("agency").strip("-—_ ")
            return Meta(title=t[: m.end()], agency=agency or None, year=int(m.group("year")))
    return None


def find_meta(doc: Document, title_hint: str | None, agency_hint: str | None,
              year_hint: int | None) -> tuple[Meta, list[str]]:
    notes: list[str] = []
    lines = [b.text for b in doc.blocks[:60] if isinstance(b, Paragraph)
             and b.text.strip() and not is_page_number(b.text)][:_TITLE_LINES]
    meta = None
    for i in range(len(lines)):
        for width in (1, 2, 3):
            if i + width > len(lines):
                break
            meta = match_title("".join(lines[i:i + width]))
            if meta:
                break
        if meta:
            break
    if meta is None and title_hint:
        meta = match_title(title_hint)
        if meta:
            notes.append("title, agency and year taken from the title hint")
    meta = meta or Meta()
    if meta.agency is None and agency_hint:
        meta.agency = agency_hint
    if meta.year is None:
        meta.year = year_hint or _year_from_body(doc.text)
        if meta.year and not year_hint:
            notes.append("year taken from the body text")
    return meta, notes


def _year_from_body(text: str) -> int | None:
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text[:5000]))
    if not years:
        return None
    # The report's year is the one it talks about most; ties go to the earliest mention.
    return years.most_common(1)[0][0]
