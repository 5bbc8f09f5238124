"""The six sections of the report (一、总体情况 … 六、其他需要报告的事项): finding their headings.

A heading is a line that starts with its numeral and its words; the same words inside prose
(本报告由总体情况、主动公开政府信息情况……组成) or a table label (三、本年度办理结果) are not one.
Headings must come in order: s3 is only looked for after s2 or s1, and so on.
"""

from __future__ import annotations

import re

from gongkai.assets.form.markers import SECTION_HEADINGS
from gongkai.assets.report.values import squash

SECTION_IDS = ("s1", "s2", "s3", "s4", "s5", "s6")

# Converter debris in front of a heading: Markdown marks, Word bookmarks.
_DEBRIS = re.compile(r"^(?:\[bookmark:[^\]]*\]|#+|\*+|>+)+")


def clean_line(text: str) -> str:
    t = squash(text)
    prev = None
    while prev != t:
        prev, t = t, _DEBRIS.sub("", t)
    return t.replace("**", "")


def heading_of(text: str, after: str | None) -> str | None:
    """The section this line opens, if it is a heading later than ``after``."""
    if "\t" in text or "|" in text:
        return None
    t = clean_line(text)
    if not t or len(t) > 200:
        return None
    start = SECTION_IDS.index(after) + 1 if after in SECTION_IDS else 0
    for sid in SECTION_IDS[start:]:
        if SECTION_HEADINGS[sid].match(t):
            return sid
    return None


# --- the pre-2019 outline -----------------------------------------------------------------
# Free form, but most reports of 2008–2018 follow the old common outline, numbered as each
# agency liked (一、概述 … 八、其他需要报告的事项, with extra items in between). A heading is
# a short numbered line whose words name the item; the items keep their outline order.
# 收费及减免 has no section of its own in the 2019 outline: it joins s6, where the later
# reports put the fees (信息处理费). Unmapped items (组织领导, 制度建设 …) stay as text of the
# section before them.
_PRE2019_NUMBER = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．,，]")
PRE2019_ITEMS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("overview", "s1", re.compile(r"^(?:概述|总体情况|基本情况|工作概况|概况)")),
    ("published", "s2", re.compile(r"主动公开")),
    ("on_request", "s3", re.compile(r"依申请公开|申请公开")),
    ("fees", "s6", re.compile(r"收费|减免")),
    ("review", "s4", re.compile(r"行政复议|行政诉讼|申诉")),
    ("problems", "s5", re.compile(r"存在的?(?:主要)?问题|不足|改进")),
    ("other", "s6", re.compile(r"其他需要报告|其它需要报告")),
)


def pre2019_heading_of(text: str, after: int) -> int | None:
    """The index in PRE2019_ITEMS of the item this line opens, if later than ``after``."""
    if "\t" in text or "|" in text:
        return None
    t = clean_line(text)
    m = _PRE2019_NUMBER.match(t)
    if not m or len(t) > 40 or t.endswith(("。", "；")):
        return None
    words = t[m.end():]
    for i in range(after + 1, len(PRE2019_ITEMS)):
        if PRE2019_ITEMS[i][2].search(words):
            return i
    return None
