"""Tell a report (政府信息公开工作年度报告) from its look-alikes by its title, and read hints.

Portals post, next to each report, its 解读 (explanation), 图解 (infographic), the 通知 that
orders reports to be written, the 工作要点 (work plan), the 指南 (how to apply) … all naming
政府信息公开 and a year. A report's title says 年度报告 or 年报 (or 工作报告) of 政府信息公开
(or 政务公开) and a year, and none of the look-alike words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.assets.form.markers import TITLE_REPORT_WORD, TITLE_SUBJECT

LOOKALIKE_WORDS = (
    "通知",
    "通报",
    "发布情况",
    "要点",
    "解读",
    "图解",
    "指南",
    "目录",
    "一图",
    "图读",
    "意见",
    "方案",
    "办法",
    "公示",
    "征求",
    "征集",
    "考核",
    "评估",
    "评议",
    "问卷",
    "新闻发布",
    "发布会",
    "培训",
    "会议",
    "视频",
    "动漫",
    "H5",
    "政策问答",
    "说明会",
)
_LOOKALIKE = re.compile("|".join(map(re.escape, LOOKALIKE_WORDS)), re.IGNORECASE)
_CORRECTION = re.compile(r"更正|修订|修正|更新版|更新|勘误|重新发布")

_CN_DIGITS = {
    "〇": "0",
    "○": "0",
    "零": "0",
    "Ｏ": "0",
    "O": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_CN_YEAR = re.compile(r"([〇○零ＯO一二三四五六七八九]{4})\s*年")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年|年度)?")
_TRUNCATED = re.compile(r"(\.{2,}|…+|．{2,})\s*$")
_EDGE_NOISE = re.compile(
    r"^[\s\[\]【】〔〕()（）《》<>\"'“”‘’:：·•、,，.。-]+|[\s\[\]【】〔〕()（）《》<>\"'“”‘’:：·•、,，.。-]+$"
)
_ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|jpe?g|png)$", re.IGNORECASE)


def normalise_title(text: str | None) -> str:
    """Collapse whitespace (titles are often split over lines) and full-width digits."""
    if not text:
        return ""
    text = text.translate({0x3000: " ", 0xA0: " "})
    text = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in text)
    return re.sub(r"\s+", "", text).strip()


def strip_extension(name: str) -> str:
    return _ATTACHMENT_EXT.sub("", name)


def year_hint(text: str | None) -> int | None:
    """The report year a title names: ``2023年`` → 2023, ``二〇二三年`` → 2023."""
    text = normalise_title(text)
    if not text:
        return None
    candidates: list[tuple[int, int]] = []  # (position, year)
    for m in _YEAR.finditer(text):
        candidates.append((m.start(), int(m.group(1))))
    for m in _CN_YEAR.finditer(text):
        digits = "".join(_CN_DIGITS[c] for c in m.group(1))
        if digits.startswith(("19", "20")):
            candidates.append((m.start(), int(digits)))
    plausible = [(pos, y) for pos, y in candidates if 2000 <= y <= 2100 or 1990 <= y < 2000]
    return min(plausible)[1] if plausible else None


def _year_position(text: str) -> int | None:
    positions = [m.start() for m in _YEAR.finditer(text)]
    positions += [m.start() for m in _CN_YEAR.finditer(text)]
    return min(positions) if positions else None


def agency_hint(title: str | None, default: str | None = None) -> str | None:
    """The agency a title names before its year, else `default` (the source's agency).

    ``卫辉市应急管理局2023年政府信息公开工作年度报告`` → ``卫辉市应急管理局``.
    """
    text = normalise_title(title)
    pos = _year_position(text) if text else None
    if pos:
        prefix = text[:pos]
        prefix = re.sub(r"^(关于|印发|公布|发布)+", "", prefix)
        prefix = re.sub(r"(关于|公布|发布)$", "", prefix)
        prefix = _EDGE_NOISE.sub("", prefix)
        if len(prefix) >= 2 and re.search(r"[\u4e00-\u9fff]", prefix):
            return prefix
    return default


def is_correction(title: str | None) -> bool:
    return bool(_CORRECTION.search(normalise_title(title)))


def lookalike_word(title: str | None) -> str | None:
    m = _LOOKALIKE.search(normalise_title(title))
    return m.group(0) if m else None


def is_report_title(title: str | None) -> bool:
    """A full title of an annual report on government information disclosure."""
    text = normalise_title(title)
    return bool(
        text
        and not is_truncated(text)
        and TITLE_REPORT_WORD.search(text)
        and TITLE_SUBJECT.search(text)
        and year_hint(text) is not None
        and not _LOOKALIKE.search(text)
    )


def is_truncated(text: str | None) -> bool:
    """A title a list cut short, ending in an ellipsis (…, ..., ．．)."""
    return bool(_TRUNCATED.search(normalise_title(text)))


def may_be_report_link(text: str | None) -> bool:
    """A list entry worth opening: a report title, or one a list cut short (``…年度报…``).

    The article page's own title decides in the end.
    """
    text = normalise_title(text)
    if not text or _LOOKALIKE.search(text):
        return False
    if is_report_title(text):
        return True
    return is_truncated(text) and bool(
        TITLE_SUBJECT.search(text) or TITLE_REPORT_WORD.search(text) or "年度" in text
    )


@dataclass(frozen=True)
class TitleHints:
    title: str
    year_hint: int | None
    agency_hint: str | None
    is_correction: bool


def hints_for(title: str, default_agency: str | None = None) -> TitleHints:
    clean = normalise_title(title)
    return TitleHints(
        clean, year_hint(clean), agency_hint(clean, default_agency), is_correction(clean)
    )
