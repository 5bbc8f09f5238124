"""Figures the narrative states (收到申请 N 件, 予以公开 N 件, 行政复议 N 件, 信息处理费 N 元).

They are held against the tables as a soft check (checks.narrative_checks), and they are the
only figures a pre-2019 report has: 本年度共受理政府信息公开申请 56 件 … 已答复 56 件，其中同意
公开 40 件，同意部分公开 5 件，不予公开 3 件，信息不存在 4 件 … 收取检索、复制费用 0 元.
Only plainly worded statements are taken; anything vaguer is left to readers. The first
statement of a figure counts (the summary comes before the detail); a statement that nothing
happened (未收到申请, 未发生行政复议、行政诉讼, 未收取任何费用) is a 0.

Figures: applications_received, applications_answered, granted, partly_granted,
granted_or_partly, denied, not_exist, not_this_agency, not_held (本机关不掌握), unclear,
not_gov_info, carried_forward, review_cases,
litigation_cases, published_items, processing_fee_yuan (信息处理费 charged to applicants, in 元;
section 6 states it since 2021; not t2's 行政事业性收费, which is every fee the agency charges),
fees_yuan (pre-2019 检索、复制、邮寄 fees). Fees stated in 万元 are converted to 元.
"""

from __future__ import annotations

import re

from gongkai.assets.report.model import NarrativeFigure, Section

_NUM = r"(\d[\d,，]*(?:\.\d+)?)"
_PIECES = r"\s*(?:件|起|个|份|宗|人次)"
_CLAUSE = r"[^。；;，,]"
_FIGURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("applications_received",
     re.compile(r"(?:收到|受理|接到|接收)[^。；;\d]{0,24}?申请[^。；;\d]{0,10}?" + _NUM + _PIECES)),
    ("applications_answered",
     re.compile(r"(?:办结|答复|回复|办理完毕|处理完毕)(?:了)?(?:申请)?(?:共)?\s*" + _NUM + r"\s*件")),
    ("granted_or_partly",
     re.compile(r"(?:予以|同意)公开(?:或|和|及)(?:同意)?部分公开(?:的)?(?:共)?\s*" + _NUM + r"\s*件")),
    ("granted",
     re.compile(r"(?<!不)(?:予以公开|同意公开|全部公开|准予公开)(?:的)?(?:共)?\s*" + _NUM + r"\s*件")),
    ("partly_granted",
     re.compile(r"(?<![或和及])(?:同意|予以)?部分公开(?:的)?(?:共)?\s*" + _NUM + r"\s*件")),
    ("denied", re.compile(r"不予(?:以)?公开(?:的)?(?:共)?\s*" + _NUM + r"\s*件")),
    ("not_exist", re.compile(r"(?:政府)?信息不存在(?:的)?\s*" + _NUM + r"\s*件")),
    ("not_this_agency",
     re.compile(r"(?:非本(?:机关|单位|部门)|不属于本(?:机关|单位|部门|行政机关))[^，。；;\d]{0,12}?"
                + _NUM + r"\s*件")),
    ("not_held", re.compile(r"本机关不掌握(?:相关政府信息)?(?:的)?\s*" + _NUM + r"\s*件")),
    ("unclear", re.compile(r"申请内容不明确(?:的)?\s*" + _NUM + r"\s*件")),
    ("not_gov_info", re.compile(r"不属于政府信息(?:公开范围)?(?:的)?\s*" + _NUM + r"\s*件")),
    ("carried_forward",
     re.compile(r"结转(?:至|到)?(?:下(?:一)?|\d{4})年度?(?:继续)?(?:办理)?(?:的)?\s*" + _NUM + r"\s*件"
                r"|" + _NUM + r"\s*件(?:申请)?(?:结转|转入下)")),
    ("review_cases", re.compile(r"行政复议(?:案件|申请)?(?:共)?\s*" + _NUM + r"\s*(?:件|起)")),
    ("litigation_cases", re.compile(r"行政诉讼(?:案件)?(?:共)?\s*" + _NUM + r"\s*(?:件|起)")),
    ("published_items",
     re.compile(r"主动公开(?:各类)?(?:政府)?信息[^。；;\d]{0,6}?" + _NUM + r"\s*余?\s*条")),
    ("processing_fee_yuan", re.compile(r"信息处理费[^。；;\d]{0,10}?" + _NUM + r"\s*万?元")),
    ("fees_yuan",
     re.compile(r"收取(?:[^。；;\d]{0,12}?)费(?:用)?(?:共计|共|合计)?\s*" + _NUM + r"\s*万?元")),
)
# Statements that nothing happened: the figure is 0.
_ZEROS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("applications_received", re.compile(r"(?:未|没有)(?:收到|接到|受理)[^。；;]{0,20}?申请")),
    ("review_cases",
     re.compile(r"(?:未|没有|无)(?:发生|收到|出现|被|有)" + _CLAUSE + r"{0,30}?行政复议"
                r"|行政复议" + _CLAUSE + r"{0,20}?(?:均为|为)(?:零|0(?!\d))")),
    ("litigation_cases",
     re.compile(r"(?:未|没有|无)(?:发生|收到|出现|被|有)" + _CLAUSE + r"{0,30}?行政诉讼"
                r"|行政诉讼" + _CLAUSE + r"{0,20}?(?:均为|为)(?:零|0(?!\d))")),
    # 未收取信息处理费, 无收取信息处理费的情况, 无涉及《…信息处理费管理办法》中规定的收取信息处理费情况,
    # 未产生信息处理费: a negation, then (within the clause, no figure between) the fee charged.
    ("processing_fee_yuan",
     re.compile(r"(?:未|没有|无|不存在)[^。；;，,\d]{0,40}?(?:收取|产生|发生)(?:任何)?(?:政府)?信息处理费")),
    ("fees_yuan", re.compile(r"(?:未|没有|不)收取(?:任何)?(?:费用|检索|复制|邮寄)|未发生收费|无收费")),
)
# The 信息处理费 charged to applicants (since 2021) is processing_fee_yuan, never also fees_yuan.
_NOT_FEES = "信息处理费"
# Figures read only from a sentence about applications (回复网民留言 300 件 is not one).
_ABOUT_APPLICATIONS = frozenset({"applications_answered", "granted", "partly_granted",
                                 "granted_or_partly", "denied", "not_held", "not_exist",
                                 "not_this_agency", "unclear", "not_gov_info",
                                 "carried_forward"})
_SENTENCE = re.compile(r"[^。；;！!]+[。；;！!]?")


# Words each pattern cannot match without (checked with `in`, far cheaper than a search):
# a sentence lacking them is not searched. Every _FIGURES pattern also needs a digit.
_NEEDS: dict[str, str] = {
    "applications_received": "申请", "applications_answered": "件", "granted_or_partly": "部分公开",
    "granted": "公开", "partly_granted": "部分公开", "denied": "不予", "not_exist": "信息不存在",
    "not_this_agency": "本", "not_held": "本机关不掌握", "unclear": "申请内容不明确",
    "not_gov_info": "不属于政府信息", "carried_forward": "件", "review_cases": "行政复议",
    "litigation_cases": "行政诉讼", "published_items": "主动公开",
    "processing_fee_yuan": "信息处理费", "fees_yuan": "收取",
}
_ZERO_NEEDS: dict[str, str] = {
    "applications_received": "申请", "review_cases": "行政复议", "litigation_cases": "行政诉讼",
    "processing_fee_yuan": "信息处理费", "fees_yuan": "收",
}
_DIGIT = re.compile(r"\d")


def find_figures(sections: list[Section], *, pre2019: bool = False) -> list[NarrativeFigure]:
    out: list[NarrativeFigure] = []
    seen: set[str] = set()
    for section in sections:
        in_s3 = section.section_id == "s3"
        # Lines of a PDF or text file wrap mid-sentence: join them before reading sentences.
        for sentence in _SENTENCE.findall(section.text.replace("\n", "")):
            sentence = sentence.strip()
            if _DIGIT.search(sentence):
                about_applications = in_s3 or "申请" in sentence
                for figure, rx in _FIGURES:
                    if figure in seen or _NEEDS[figure] not in sentence:
                        continue
                    if figure in _ABOUT_APPLICATIONS and not about_applications:
                        continue
                    m = rx.search(sentence)
                    if m and figure == "fees_yuan" and _NOT_FEES in m.group(0):
                        continue
                    if m:
                        digits = next(g for g in m.groups() if g is not None)
                        value = float(digits.replace(",", "").replace("，", ""))
                        if m.group(0).endswith("万元"):  # fees stated in 万元 are kept in 元
                            value = round(value * 10_000, 2)
                        out.append(NarrativeFigure(figure, value, sentence, section.section_id,
                                                   pre2019))
                        seen.add(figure)
            for figure, rx in _ZEROS:
                if figure not in seen and _ZERO_NEEDS[figure] in sentence and rx.search(sentence):
                    out.append(NarrativeFigure(figure, 0.0, sentence, section.section_id,
                                               pre2019))
                    seen.add(figure)
    return out
