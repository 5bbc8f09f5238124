"""The words and patterns that mark a report, its title, its headings and its page furniture.

Defined once here; the crawler, every reader and the report stage import them, so a word added
for one medium is seen by all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# --- the report -------------------------------------------------------------------------------
# Words of the report's own sections (总体情况 … 其他需要报告的事项): a page holding several of
# them is a report body, not a list page or a notice.
SECTION_WORDS = (
    "总体情况",
    "主动公开",
    "依申请公开",
    "收到和处理",
    "行政复议",
    "行政诉讼",
    "存在的主要问题",
    "其他需要报告",
)

# Words a report body holds, the sections' and the tables' anchors: inside a portal page, the
# smallest element holding most of them is the body (the menus around it name few).
BODY_WORDS = (
    "总体情况", "主动公开政府信息", "收到和处理政府信息公开申请", "行政复议", "行政诉讼",
    "存在的主要问题", "其他需要报告", "本年新收", "第二十条", "政府信息公开",
)

# Labels printed only inside the statistical tables (not in the narrative): a page holding one
# holds a table.
TABLE_WORDS = (
    "信息内容", "本年制发件数", "本年新制作数量", "处理决定数量", "申请人情况", "勾稽关系",
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理",
    "未经复议直接起诉", "复议后起诉", "属于国家秘密", "信访举报投诉类申请", "属于行政查询事项",
    "本机关不掌握相关政府信息",
)

# What a text layer holding every table prints (any one of each group): t2's column head
# (2021 and 2019 wording), t3's first and last rows, t4's head.
EVERY_TABLE = (("本年制发件数", "本年新制作数量"), ("本年新收政府信息公开申请数量",),
               ("结转下年度继续办理",), ("未经复议直接起诉",))

# Words only a table's header row holds (applicant columns, the t2 block head, the t4 result
# columns): such a row repeated after a page break is no continuation.
HEADER_ROW = re.compile(r"申请人情况|自然人|商业企业|科研机构|法人或其他组织|信息内容|结果维持|尚未审结")


def count_words(text: str, words: Sequence[str]) -> int:
    """How many of ``words`` occur in ``text``."""
    return sum(1 for w in words if w in text)


# --- the title --------------------------------------------------------------------------------
# A report's title: 卫辉市应急管理局2023年政府信息公开工作年度报告 (agency first) or
# 2023年度卫辉市应急管理局政府信息公开工作年度报告 (year first), matched on squashed text.
TITLE = re.compile(
    r"^(?P<agency>[^，。；：:！？（）()《》]{2,40}?)(?:关于)?(?:(?P<year>(?:19|20)\d{2})年度?)"
    r"(?:度)?政府信息公开(?:工作)?(?:年度)?(?:工作)?报告"
)
TITLE_YEAR_FIRST = re.compile(
    r"^(?P<year>(?:19|20)\d{2})年度?(?P<agency>[^，。；：:！？（）()《》]{2,40}?)"
    r"政府信息公开(?:工作)?(?:年度)?报告"
)
# A heading that names a report somewhere inside it (a page's <h1>, a title bar).
TITLE_IN_HEADING = re.compile(r"(19|20)\d{2}\s*年度?.{0,6}政府信息公开.{0,6}报告")
# A link or attachment title: the report word and the subject (both looser, for list entries
# and titles a portal shortened: 年报, 政务公开).
TITLE_REPORT_WORD = re.compile(r"年度报告|年报|工作报告|年度报")
TITLE_SUBJECT = re.compile(r"信息公开|政务公开")


# --- headings ---------------------------------------------------------------------------------
# The six sections of the 2019 and 2021 formats, each opened by its numeral and its words.
SECTION_HEADINGS: dict[str, re.Pattern[str]] = {
    "s1": re.compile(r"^[一1][、.．,，]?(?:总体情况|概述|基本情况)"),
    "s2": re.compile(r"^[二2][、.．,，]?主动公开政府信息"),
    "s3": re.compile(r"^[三3][、.．,，]?收到和处理政府信息公开申请"),
    "s4": re.compile(r"^[四4][、.．,，]?.{0,14}(?:行政复议|行政诉讼)"),
    "s5": re.compile(r"^[五5][、.．,，]?.{0,16}(?:存在的?主要问题|存在问题|主要问题|改进)"),
    "s6": re.compile(r"^[六6][、.．,，]?其他需要报告"),
}
# Any numbered heading of the narrative (一、总体情况, 五、存在的主要问题及改进措施): where a
# table printed without rules ends.
NUMBERED_HEADING = re.compile(r"^[一二三四五六七八九十]+、.*(情况|事项|问题|措施)")


# --- page furniture ---------------------------------------------------------------------------
# A page number on a line of its own: '- 3 -', '第3页', '3/6'. OCR reads a dash as 一 or _.
PAGE_NUMBER = re.compile(r"^[-—–一_\s]*(第\s*)?\d+\s*(页)?[-—–一_\s]*$|^\d+\s*/\s*\d+$")


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER.match(line.strip()))


_NUMERIC_CELL = re.compile(r"^[\s\d.,，\-—/－]+$|^无$")

Row = Sequence[str | None]


def row_has_numbers(row: Row) -> bool:
    """Whether a table row holds a value cell (digits, or a dash or 无 beside digits)."""
    return any(c and _NUMERIC_CELL.match(c) and re.search(r"\d", c) for c in row)


def is_value_cell(cell: str | None) -> bool:
    """A value cell: a number, or a placeholder printed for 0 (`/`, `-`, `无`)."""
    return bool(cell and _NUMERIC_CELL.match(cell) and re.search(r"[\d/\-—－无]", cell))


def row_has_values(row: Row) -> bool:
    """Whether a table row holds a value cell, placeholders included: a row whose values are
    all placeholders is a whole row, not a piece of one cut by a page break."""
    return any(is_value_cell(c) for c in row)


def row_text(row: Row) -> str:
    return re.sub(r"\s+", "", "".join(c for c in row if c))


def drop_repeated_header(top: Sequence[Row], cont: list[list[str | None]]) -> list[list[str | None]]:
    """The rows of a table's continuation without the header rows it repeats.

    Word repeats a table's header rows after a page break (and in a table split in two); they
    are page furniture, not a continuation. ``top`` is the grid of the table's first part.
    """
    header = {row_text(r) for r in top[:4] if not row_has_numbers(r)} - {""}
    while cont and not row_has_numbers(cont[0]) and (
        row_text(cont[0]) in header or HEADER_ROW.search(row_text(cont[0]))
    ):
        cont = cont[1:]
    return cont
