"""Title, agency and year of a report: from its own heading first, then the caller's hints.

The heading names the agency and the year (卫辉市应急管理局2023年政府信息公开工作年度报告),
often wrapped over two or three lines (阿城区应急管理局2023年 / 政府信息公开工作年度报告),
letter-spaced (2 0 2 3 年), with the year in Chinese numerals (二〇二三年), under a document
number (淮政办发〔2024〕3号) or inside a one-cell table. A heading that names no agency
(2023年政府信息公开工作年度报告) leaves it to what the report prints elsewhere: a 发布机关
line, the agency closing the report above its date (落款), a running head on every page, the
preamble's 由…编制, the red header over it all (红头: 淮安市人民政府办公室文件), in that order.
When the text never names the agency (it calls itself 我局), agency stays None: no guessing.
A scanned head is read as OCR gives it: a variant character in the title's fixed words
(报吿, 政甯) is the character meant.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from gongkai.assets.form.markers import TITLE, TITLE_YEAR_FIRST, is_page_number
from gongkai.assets.read.document import Document, Paragraph, Table
from gongkai.assets.report.outline import clean_line, heading_of

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"(?:统计|时限|期限).{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
                     r"|((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日.{0,4}?至\s*(?:(?:19|20)\d{2}\s*年\s*)?12\s*月\s*31\s*日")
# A date that is not a year's bound (the day a report was compiled or published).
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A title that names no agency: 2023年政府信息公开工作年度报告, 2023年度政府信息公开工作报告.
_BARE_TITLE = re.compile(r"^(?:关于)?(?P<year>(?:19|20)\d{2})年度?(?:的)?政府信息公开(?:工作)?(?:年度)?(?:工作)?报告")
# Lines never part of a title: a document number, a date, an attachment mark.
_NOT_TITLE = re.compile(r"^[\u4e00-\u9fff]{0,10}[〔\[［(（]\d{4}[〕\]］)）]\d+号$"
                        r"|^[（(]?(?:发布|印发|成文)?(?:日期|时间)?[:：]?(?:19|20)\d{2}[-年./]\d{1,2}[-月./]\d{1,2}日?[)）]?$"
                        r"|^附件\d*$"
                        r"|^[\u4e00-\u9fff（）()]{2,40}文件$")  # a red header (红头)
_RED_HEADER = re.compile(r"^(?P<agency>[\u4e00-\u9fff（）()]{2,40})文件$")
# What OCR reads for the characters of a title's fixed words (a variant form, a look-alike):
# never a character of an agency's own name.
_OCR_VARIANTS = (("吿", "告"), ("政甯", "政府"), ("公幵", "公开"), ("信怠", "信息"), ("報告", "报告"))
# An agency's name as printed alone: a division and an organ (…人民政府, …局, …委员会).
_ORGAN = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}?(?:人民政府(?:办公室|办公厅)?|政府|办公室|办公厅|委员会|"
                    r"管委会|局|厅|委|办|署|院|中心|办事处|所|站|会|队)$")
_PUBLISHER = re.compile(r"^[（(]?(?:发布机关|发布机构|发文机关|发布单位|制发机关|来源|信息来源)?[:：]?"
                        r"(?P<agency>[^:：，。；（）()]{2,40})[)）]?$")
_COMPILED_BY = re.compile(r"由(?P<agency>[\u4e00-\u9fff]{2,40}?)(?:负责)?(?:编制|编写|发布)")
_RUNNING_HEAD_TAIL = re.compile(r"(?:(?:19|20)\d{2}年度?)?政府信息公开(?:工作)?(?:年度)?(?:工作)?报告$")
_TITLE_LINES = 12  # a heading sits among the first lines
_TITLE_WIDTH = 4  # lines a title may be wrapped over
_HEAD_BLOCKS = 60


_NUMERALS = str.maketrans("〇○零Ｏ0OoΟ一二三四五六七八九", "00000000123456789")
# Four numerals before 年 (二〇二三年, 二○二三年度, 二零二三年): a year written out.
_CHINESE_YEAR = re.compile(r"[一二][〇○零Ｏ0OoΟ一二三四五六七八九]{3}(?=\s*年)")


# 二〇二三年 whose 〇 OCR dropped (a thin circle): 二二三年, 二一九年 (2010-2029 only).
_DROPPED_ZERO = re.compile(r"(?<![〇○零一二三四五六七八九十])二([一二][〇○零一二三四五六七八九])(?=\s*年)")
# A year whose digits OCR read as letters (2O23年, 2o2l年).
_MISREAD_YEAR = re.compile(r"(?<![0-9A-Za-z])[12][0-9OoIl]{3}(?=\s*年)")
_DIGIT_LOOKALIKES = str.maketrans("OoIl", "0011")


def arabic_years(text: str) -> str:
    """``text`` with every year written in Chinese numerals as digits (二〇二三年 → 2023年, and
    二二三年 where OCR dropped the 〇), and the letters OCR reads for a year's digits made
    digits (2O23年 → 2023年)."""
    text = _CHINESE_YEAR.sub(lambda m: m.group(0).translate(_NUMERALS), text)
    text = _DROPPED_ZERO.sub(lambda m: "20" + m.group(1).translate(_NUMERALS), text)
    return _MISREAD_YEAR.sub(lambda m: m.group(0).translate(_DIGIT_LOOKALIKES), text)


@dataclass
class Meta:
    title: str | None = None
    agency: str | None = None
    year: int | None = None


def _agency_ok(agency: str) -> bool:
    """Not a title's other words read as an agency (a running head, a document number, 关于)."""
    # Latin letters: what OCR makes of specks and strokes beside the title (VA, l, I).
    return len(agency) >= 2 and not re.search(r"报告|信息公开|〔|\d|[|｜A-Za-z]", agency)


def mend(text: str) -> str:
    """``text`` with the look-alikes OCR reads in a title's fixed words made the words."""
    for seen, meant in _OCR_VARIANTS:
        text = text.replace(seen, meant)
    return text


def match_title(text: str) -> Meta | None:
    """The title at the start of ``text`` (squashed, Chinese-numeral years made digits, OCR's
    look-alikes mended): with its agency, or a title that names none (agency None)."""
    t = mend(arabic_years(clean_line(text)))
    for rx in (TITLE, TITLE_YEAR_FIRST):
        m = rx.match(t)
        if m:
            agency = m.group("agency").strip("-—_ ").removesuffix("关于")
            if not agency or not _agency_ok(agency):
                continue
            return Meta(title=t[: m.end()], agency=agency or None, year=int(m.group("year")))
    m = _BARE_TITLE.match(t)
    if m:
        return Meta(title=t[: m.end()], agency=None, year=int(m.group("year")))
    return None


def head_lines(doc: Document) -> list[str]:
    """The first lines of the document a title may be among: paragraphs, and the cells of a
    small table (a title framed in a one-cell table); document numbers, dates and page numbers
    left out."""
    out: list[str] = []
    for b in doc.blocks[:_HEAD_BLOCKS]:
        if isinstance(b, Paragraph):
            texts = re.split(r"[|｜\t]", b.text)  # a flattened table row (| a |, a<TAB>b): its fields
        elif isinstance(b, Table) and b.n_rows <= 2 and b.n_cols <= 2:
            texts = [c for row in b.grid for c in row if c]
        else:
            continue
        for t in texts:
            if not t.strip() or is_page_number(t):
                continue
            if _NOT_TITLE.match(clean_line(t)):
                if out and _RED_HEADER.match(clean_line(out[-1]) + clean_line(t)):
                    out.pop()  # a red header wrapped over two lines: its first line too
                continue
            out.append(t)
        if len(out) >= _TITLE_LINES:
            break
    return out[:_TITLE_LINES]


def find_meta(doc: Document, title_hint: str | None, agency_hint: str | None,
              year_hint: int | None) -> tuple[Meta, list[str]]:
    notes: list[str] = []
    lines = head_lines(doc)
    meta = _title_in(lines)
    if (meta is None or meta.agency is None) and title_hint:
        hinted = match_title(title_hint)
        if hinted and hinted.agency and (meta is None or meta.year == hinted.year):
            if meta is None:
                meta = hinted
                notes.append("title, agency and year taken from the title hint")
            else:
                meta.agency = hinted.agency
                notes.append("agency taken from the title hint (the printed title names none)")
    meta = meta or Meta()
    if meta.agency is None:
        meta.agency = printed_agency(doc, lines)
        if meta.agency:
            notes.append("agency taken from the text (the title names none)")
    if meta.agency is None and agency_hint:
        meta.agency = agency_hint
    if meta.year is None:
        meta.year = year_hint or year_from_body(doc.text)
        if meta.year and not year_hint:
            notes.append("year taken from the body text")
    return meta, notes


def _title_in(lines: list[str]) -> Meta | None:
    """The first title among ``lines``, one line or up to four joined (a narrow cell wraps it)."""
    for i in range(len(lines)):
        if heading_of(lines[i], None) == "s1":
            break  # the report has begun: no title above its first section
        for width in range(1, _TITLE_WIDTH + 1):
            if i + width > len(lines):
                break
            meta = match_title("".join(lines[i:i + width]))
            if meta is None:
                continue
            if width > 1 and meta.agency and _is_agency(lines[i]):
                # A running head naming the agency over a title that names it too: the title
                # is the lines below.
                below = _title_in(lines[i + 1:i + 1 + _TITLE_WIDTH])
                if below is not None and below.agency == clean_line(lines[i]):
                    return below
            return meta
    return None


def _is_agency(line: str) -> bool:
    t = clean_line(line)
    return bool(_ORGAN.match(t)) and _agency_ok(t)


def printed_agency(doc: Document, lines: list[str]) -> str | None:
    """The agency where the report names it outside its title: a 发布机关 line (or the bare
    name) near the head, the name above the closing date (落款), a running head, the
    preamble's 由…编制."""
    for t in lines:
        agency = _publisher(_RUNNING_HEAD_TAIL.sub("", clean_line(t)))
        if agency:
            return agency
    paragraphs = [clean_line(b.text) for b in doc.blocks if isinstance(b, Paragraph) and b.text.strip()]
    tail = paragraphs[-8:]
    for i, t in enumerate(tail[:-1]):
        if _DATE.fullmatch(arabic_years(tail[i + 1]).strip("（）()")) and _ORGAN.match(t) and _agency_ok(t):
            return t
    counts = Counter(paragraphs)
    for t, n in counts.most_common(5):
        if n < 2:
            break
        name = _RUNNING_HEAD_TAIL.sub("", t)
        if _ORGAN.match(name) and _agency_ok(name):
            return name
    m = _COMPILED_BY.search(clean_line(doc.text[:3000]))
    if m and _ORGAN.match(m.group("agency")) and _agency_ok(m.group("agency")):
        return m.group("agency")
    return _red_header(doc)


def _red_header(doc: Document) -> str | None:
    """The agency a red header (红头) names: its name before 文件."""
    lines = [mend(clean_line(b.text)) for b in doc.blocks[:_TITLE_LINES] if isinstance(b, Paragraph)]
    for i, line in enumerate(lines):
        for text in (line, "".join(lines[i:i + 2])):  # one line, or wrapped over two
            m = _RED_HEADER.match(text)
            if m and _ORGAN.match(m.group("agency")) and _agency_ok(m.group("agency")):
                return m.group("agency")
    return None


def _publisher(line: str) -> str | None:
    m = _PUBLISHER.match(clean_line(line))
    if not m:
        return None
    agency = m.group("agency")
    return agency if _ORGAN.match(agency) and _agency_ok(agency) else None


def year_from_body(text: str) -> int | None:
    """The report's year from its text: the statistics period when printed, else the year
    mentioned most (dates of compiling or publishing left out: they name the next year)."""
    text = arabic_years(text[:5000])
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1) or m.group(2))
    years = Counter(int(y) for y in _YEAR.findall(_DATE.sub("", text)))
    if not years:
        return None
    # The report's year is the one it talks about most; ties go to the earliest mention.
    return years.most_common(1)[0][0]
